/* Printer driver: one thread owns the transport; other threads only queue jobs and read the
 * state (see printer.h). The thread loops: open (retry every 1.5 s while absent) -> probe with
 * DLE EOT 1..4 -> print a queued job in chunks, its completion marker after the cut -> confirm
 * with the marker's reply and a status query -> wait for a job or the next probe. */
#include "borne/printer.h"
#include "borne/clock.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "borne/escpos.h"
#include "borne/log.h"
#include "borne/transport.h"

BORNE_LOG_MODULE("printer");

enum {
    QUEUE_CAP = 16,
    CHUNK = 256,            /* bytes per write: a ~1 KB ticket goes in 4 writes */
    MARGIN_MS = 2000,       /* added to every line-time deadline: USB latency, printer busy */
    PROBE_MARGIN_MS = 500,  /* a status query on an idle line: an absent printer shows soon */
    RETRY_OPEN_MS = 1500,   /* retry period while the device is absent */
    JOB_BUF = 8192,         /* a raster QR ticket fits; native tickets stay under ~1 KB */
};

typedef struct job {
    uint64_t id;
    printer_ticket t;
} job;

struct printer {
    printer_config cfg;
    const escpos_profile *prof;
    const struct printer_transport_ops *ops;
    void *tctx;
    bool own_tctx;
    printer_callbacks cb;

    pthread_t thread;
    pthread_mutex_t mu;     /* guards queue, next_id, stop */
    pthread_cond_t cv;
    job queue[QUEUE_CAP];
    size_t head, count;
    uint64_t next_id;
    bool stop;
    _Atomic int state;

    /* Printer thread only. */
    bool open;
    bool torn;              /* a job was cut short: clear the printer's buffers before printing */
    bool has_held;          /* the interrupted job waiting to be reprinted */
    job held;
    job current;
    int64_t next_probe;     /* monotonic ms of the next status probe */
    uint8_t buf[JOB_BUF];
};

const char *printer_state_name(printer_state s)
{
    switch (s) {
    case PRINTER_UNPLUGGED: return "unplugged";
    case PRINTER_PROBING: return "probing";
    case PRINTER_READY: return "ready";
    case PRINTER_NEAR_END: return "near_end";
    case PRINTER_PRINTING: return "printing";
    case PRINTER_PAPER_OUT: return "paper_out";
    case PRINTER_COVER_OPEN: return "cover_open";
    case PRINTER_CUTTER_ERROR: return "cutter_error";
    case PRINTER_OFFLINE: return "offline";
    }
    return "unknown";
}

bool printer_state_can_print(printer_state s)
{
    return s == PRINTER_READY || s == PRINTER_NEAR_END || s == PRINTER_PRINTING;
}

/* Time the printer needs to take the bytes: 10 bits per byte (8N1) at the slower of our line
 * and its own. */
static int line_ms(const printer *p, size_t bytes)
{
    int baud = p->cfg.line_baud > 0 && p->cfg.line_baud < p->cfg.baud ? p->cfg.line_baud : p->cfg.baud;
    return (int)((int64_t)bytes * 10 * 1000 / baud) + 1;
}

/* The least time n bytes need to cross our own line (no byte leaves faster than cfg.baud),
 * less a tenth for the bytes a pty or a UART FIFO takes in a burst. A device that failed
 * sooner than that after the first byte was sent never received the last one. */
static int64_t crossing_ms(const printer *p, size_t bytes)
{
    return (int64_t)bytes * 10 * 1000 / p->cfg.baud * 9 / 10;
}

static void set_state(printer *p, printer_state s)
{
    if (atomic_exchange(&p->state, (int)s) != (int)s && p->cb.on_state)
        p->cb.on_state(s, p->cb.ctx);
}

static void report(printer *p, uint64_t id, printer_job_result r)
{
    if (p->cb.on_job)
        p->cb.on_job(id, r, p->cb.ctx);
}

/* Waits on the queue condition until a job is queued, stop is set or ms elapse. */
static void wait_for_work(printer *p, int ms)
{
    if (ms < 1)
        ms = 1;
    struct timespec ts = clock_mono_deadline(ms);
    pthread_mutex_lock(&p->mu);
    while (!p->stop && p->count == 0)
        if (pthread_cond_timedwait(&p->cv, &p->mu, &ts) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&p->mu);
}

static bool should_stop(printer *p)
{
    pthread_mutex_lock(&p->mu);
    bool s = p->stop;
    pthread_mutex_unlock(&p->mu);
    return s;
}

static bool dequeue(printer *p, job *out)
{
    pthread_mutex_lock(&p->mu);
    bool got = p->count > 0;
    if (got) {
        *out = p->queue[p->head];
        p->head = (p->head + 1) % QUEUE_CAP;
        p->count--;
    }
    pthread_mutex_unlock(&p->mu);
    return got;
}

/* Jobs that cannot print now fail at once: the kiosk shows the number on screen, and a
 * ticket printed minutes later for a visitor who has gone would only confuse the next one. */
static void fail_queued(printer *p)
{
    job j;
    while (dequeue(p, &j))
        report(p, j.id, PRINTER_JOB_FAILED);
}

static void lose_device(printer *p)
{
    p->ops->close(p->tctx);
    p->open = false;
    set_state(p, PRINTER_UNPLUGGED);
}

/* Writes everything, in chunks, each allowed its line time plus a margin. -ETIMEDOUT when
 * flow control held the line past that, -errno from the transport otherwise. *taken is the
 * number of bytes the transport accepted, on failure too. */
static int write_counted(printer *p, const uint8_t *b, size_t n, size_t *taken)
{
    size_t off = 0;
    while (off < n) {
        size_t c = n - off < CHUNK ? n - off : CHUNK;
        int w = p->ops->write(p->tctx, b + off, c, line_ms(p, c) + MARGIN_MS);
        if (w <= 0) {
            *taken = off;
            return w < 0 ? w : -ETIMEDOUT;
        }
        off += (size_t)w;
    }
    *taken = off;
    /* Never sp_drain(): it can hang forever on a held CTS. Poll against a deadline instead. */
    int64_t deadline = clock_mono_ms() + line_ms(p, n) + MARGIN_MS;
    for (;;) {
        int left = p->ops->output_pending(p->tctx);
        if (left <= 0)
            return left;
        if (clock_mono_ms() > deadline)
            return -ETIMEDOUT;
        nanosleep(&(struct timespec){0, 5 * 1000000L}, NULL);
    }
}

static int write_all(printer *p, const uint8_t *b, size_t n)
{
    size_t taken;
    return write_counted(p, b, n, &taken);
}

/* Sends DLE EOT 1..4 and waits for the four replies, and for the reply to the completion
 * marker of job `done_id` (0: none) until the deadline; extra_ms covers bytes still travelling
 * ahead of the query. 0 with *st set (and *done when the marker's reply came), -ETIMEDOUT when
 * flow control held the query itself, -ENODATA when the printer did not answer, -errno when
 * the device is gone; *done is valid on failure too. */
static int query(printer *p, int extra_ms, uint64_t done_id, printer_state *st, bool *done)
{
    static const uint8_t q[] = {ESCPOS_DLE, ESCPOS_EOT, 1, ESCPOS_DLE, ESCPOS_EOT, 2,
                                ESCPOS_DLE, ESCPOS_EOT, 3, ESCPOS_DLE, ESCPOS_EOT, 4};
    escpos_parser ps;
    escpos_parser_reset(&ps);
    for (uint8_t n = 1; n <= 4; n++)
        escpos_parser_expect(&ps, n);
    *done = false;
    int r = write_all(p, q, sizeof q);
    if (r < 0)
        return r;
    int64_t deadline = clock_mono_ms() + extra_ms + line_ms(p, sizeof q + 4) + (done_id ? MARGIN_MS : PROBE_MARGIN_MS);
    for (;;) {
        *done = done_id && escpos_parser_done(&ps, done_id);
        if (ps.replied == 0x1E && (!done_id || *done))
            break;
        int left = (int)(deadline - clock_mono_ms());
        if (left <= 0) {
            if (ps.replied != 0x1E)
                return -ENODATA;
            break;  /* the status came, the marker's reply did not */
        }
        uint8_t in[64];
        int got = p->ops->read(p->tctx, in, sizeof in, left);
        if (got < 0)
            return got;
        escpos_parser_feed(&ps, in, (size_t)got);
    }
    *st = escpos_status_state(&ps.status);
    return 0;
}

static int probe(printer *p, printer_state *st)
{
    bool done;
    return query(p, 0, 0, st, &done);
}

/* Publishes the state a probe result means. false when the device is gone (now closed). */
static bool settle(printer *p, int r, printer_state *st)
{
    if (r == -ETIMEDOUT || r == -ENODATA) {
        /* No answer, or flow control held even the query: drop what is stuck in the output
         * so it cannot print later, out of context. */
        p->ops->flush(p->tctx);
        *st = PRINTER_OFFLINE;
    } else if (r < 0) {
        lose_device(p);
        *st = PRINTER_UNPLUGGED;
        return false;
    }
    set_state(p, *st);
    p->next_probe = clock_mono_ms() + p->cfg.probe_interval_ms;
    return true;
}

static bool refresh(printer *p, printer_state *st)
{
    return settle(p, probe(p, st), st);
}

static void interrupted(printer *p, const job *j)
{
    /* Drop the rest of the ticket the printer may hold, now (DLE DC4 is real-time, obeyed
     * even in error) and again before the next job in case this one does not get through. */
    p->torn = true;
    if (p->open)
        write_all(p, escpos_clear_buffers, sizeof escpos_clear_buffers);
    if (p->cfg.reprint_after_fault) {
        p->held = *j;
        p->has_held = true;
        report(p, j->id, PRINTER_JOB_REPRINTING);
    } else {
        report(p, j->id, PRINTER_JOB_FAILED);
    }
}

/* How a job ends, from what the printer proved. Its marker's reply proves the ticket was
 * printed and cut, whatever happened after. Without it, the ticket is known to be torn only
 * when the device failed before the cut could have reached it (the transport never took the
 * cut, or the failure came sooner than the cut's bytes can cross the line), or when the
 * printer, asked after the marker, says it stopped (a printer that stopped after the cut would
 * have answered the marker ahead of that status): then it is reprinted. Anything else may be
 * on paper (flow control held the line, the device went away after the cut could have reached
 * it, no answer came), so it is never sent again: two slips with one number are worse than
 * none. A profile without the marker has only the status after the cut: "can print" counts as
 * printed, a fault there may have come before or after the cut, so it is not reprinted. */
static void run_job(printer *p, const job *j)
{
    int n = escpos_encode_ticket(p->prof, &j->t, p->buf, sizeof p->buf - ESCPOS_DONE_MARKER_LEN);
    if (n < 0) {
        log_error("job %llu cannot be encoded: %s", (unsigned long long)j->id, strerror(-n));
        report(p, j->id, PRINTER_JOB_FAILED);
        return;
    }
    bool marker = p->prof->done_marker;
    size_t total = (size_t)n;
    if (marker) {
        escpos_done_marker(j->id, p->buf + n);
        total += ESCPOS_DONE_MARKER_LEN;
    }
    set_state(p, PRINTER_PRINTING);
    if (p->torn) {
        int r = write_all(p, escpos_clear_buffers, sizeof escpos_clear_buffers);
        if (r == 0)
            p->torn = false;
    }
    size_t taken;
    int64_t sent_at = clock_mono_ms();
    int r = write_counted(p, p->buf, total, &taken);
    printer_state st = PRINTER_OFFLINE;
    bool done = false;
    if (r == 0)
        r = query(p, line_ms(p, total), marker ? j->id : 0, &st, &done);
    bool cut_unsent = taken < (size_t)n || clock_mono_ms() - sent_at < crossing_ms(p, (size_t)n);
    bool answered = r == 0 && printer_state_can_print(st);
    if (!marker)
        done = answered;
    settle(p, r, &st);
    if (done) {
        report(p, j->id, PRINTER_JOB_PRINTED);
    } else if (r == 0 ? marker && !answered : r != -ETIMEDOUT && cut_unsent) {
        interrupted(p, j);
    } else {
        if (answered)
            log_warn("job %llu: the printer is ready but never confirmed the cut: is [printer] model right?",
                     (unsigned long long)j->id);
        /* The next job begins with DLE DC4 8 and ESC @, so a remainder cannot come out later. */
        p->torn = true;
        report(p, j->id, PRINTER_JOB_TIMEOUT);
    }
}

static void *thread_main(void *arg)
{
    printer *p = arg;
    while (!should_stop(p)) {
        if (!p->open) {
            int r = p->ops->open(p->tctx, p->cfg.device, p->cfg.baud, p->cfg.flow);
            if (r < 0) {
                set_state(p, PRINTER_UNPLUGGED);
                fail_queued(p);
                wait_for_work(p, RETRY_OPEN_MS);
                continue;
            }
            p->open = true;
            p->next_probe = 0;
            set_state(p, PRINTER_PROBING);
        }
        printer_state st = printer_get_state(p);
        /* A job goes out at once when the last status said "can print": the status query
         * after its cut confirms it. Otherwise probe first (and periodically when idle). */
        if (clock_mono_ms() >= p->next_probe && !refresh(p, &st))
            continue;
        if (!printer_state_can_print(st)) {
            fail_queued(p);
            wait_for_work(p, (int)(p->next_probe - clock_mono_ms()));
            continue;
        }
        if (p->has_held) {
            p->has_held = false;
            p->current = p->held;
            run_job(p, &p->current);
        } else if (dequeue(p, &p->current)) {
            run_job(p, &p->current);
        } else {
            wait_for_work(p, (int)(p->next_probe - clock_mono_ms()));
        }
    }
    fail_queued(p);
    if (p->has_held)
        report(p, p->held.id, PRINTER_JOB_FAILED);
    if (p->open)
        p->ops->close(p->tctx);
    return NULL;
}

int printer_start(printer **out, const printer_config *cfg, const struct printer_transport_ops *transport,
                  void *transport_ctx, const printer_callbacks *cb)
{
    if (!out || !cfg || cfg->baud < 300 || cfg->baud > 1000000 || cfg->line_baud < 0 || !memchr(cfg->device, 0, sizeof cfg->device) ||
        !memchr(cfg->model, 0, sizeof cfg->model) || (transport && !transport_ctx))
        return -EINVAL;
    const escpos_profile *prof = escpos_profile_find(cfg->model);
    if (!prof)
        return -EINVAL;
    printer *p = calloc(1, sizeof *p);
    if (!p)
        return -ENOMEM;
    p->cfg = *cfg;
    if (p->cfg.probe_interval_ms <= 0)
        p->cfg.probe_interval_ms = 1000;
    p->prof = prof;
    if (cb)
        p->cb = *cb;
    if (transport) {
        p->ops = transport;
        p->tctx = transport_ctx;
    } else {
        p->ops = &printer_serial_ops;
        p->tctx = printer_serial_new();
        p->own_tctx = true;
        if (!p->tctx) {
            free(p);
            return -ENOMEM;
        }
    }
    /* Not yet opened is not a fault: a kiosk drawn before the first open must not flash
     * "printer out of order" (nor drop its row of languages for that banner). */
    atomic_init(&p->state, PRINTER_PROBING);
    clock_cond_init(&p->cv);
    pthread_mutex_init(&p->mu, NULL);
    int r = pthread_create(&p->thread, NULL, thread_main, p);
    if (r != 0) {
        pthread_cond_destroy(&p->cv);
        pthread_mutex_destroy(&p->mu);
        if (p->own_tctx)
            printer_serial_free(p->tctx);
        free(p);
        return -r;
    }
    *out = p;
    return 0;
}

static bool terminated(const char *s, size_t cap)
{
    return memchr(s, 0, cap) != NULL;
}

int printer_submit(printer *p, const printer_ticket *t, uint64_t *job_id)
{
    if (!p || !t || !t->label[0] || !terminated(t->antenne, sizeof t->antenne) ||
        !terminated(t->label, sizeof t->label) || !terminated(t->service, sizeof t->service) ||
        !terminated(t->when, sizeof t->when) || !terminated(t->ahead, sizeof t->ahead) ||
        !terminated(t->wait, sizeof t->wait) || !terminated(t->message, sizeof t->message) ||
        !terminated(t->qr, sizeof t->qr))
        return -EINVAL;
    pthread_mutex_lock(&p->mu);
    if (p->count == QUEUE_CAP || p->stop) {
        pthread_mutex_unlock(&p->mu);
        return -EAGAIN;
    }
    job *j = &p->queue[(p->head + p->count) % QUEUE_CAP];
    j->id = ++p->next_id;
    j->t = *t;
    p->count++;
    if (job_id)
        *job_id = j->id;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return 0;
}

int printer_submit_test(printer *p, uint64_t *job_id)
{
    if (!p)
        return -EINVAL;
    printer_ticket t = {
        .antenne = "Borne - page de test",
        .label = "T000",
        .ahead = "àâçéèêëîïôùûüÿ ÀÇÉÈÊÎÔÙ",
        .wait = "« guillemets » 10 € œuvre",
        .message = "Si ce texte, les accents et le QR code sont lisibles, l'imprimante est prête.",
        .qr = "BORNE-TEST",
    };
    snprintf(t.service, sizeof t.service, "Modèle : %s, %d bauds", p->prof->name, p->cfg.baud);
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(t.when, sizeof t.when, "%d/%m/%Y %H:%M", &tm);
    return printer_submit(p, &t, job_id);
}

printer_state printer_get_state(const printer *p)
{
    return (printer_state)atomic_load(&((printer *)p)->state);
}

void printer_stop(printer *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    if (p->own_tctx)
        printer_serial_free(p->tctx);
    free(p);
}
