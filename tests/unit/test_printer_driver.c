/* Driver state machine over the in-memory fake transport: probing, printing, faults,
 * unplug/replug, stalls, queue limits and bad input. States are awaited with a polling loop
 * and generous deadlines; no timing is asserted. */
#define _GNU_SOURCE  /* memmem */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "borne/escpos.h"
#include "borne/printer.h"
#include "borne/transport.h"
#include "borne/clock.h"
#include "testlib.h"

enum { DEADLINE_MS = 10000, MAX_EVENTS = 64 };

static struct {
    pthread_mutex_t mu;
    uint64_t ids[MAX_EVENTS];
    printer_job_result results[MAX_EVENTS];
    int n;
} rec = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void on_job(uint64_t id, printer_job_result r, void *ctx)
{
    (void)ctx;
    pthread_mutex_lock(&rec.mu);
    if (rec.n < MAX_EVENTS) {
        rec.ids[rec.n] = id;
        rec.results[rec.n++] = r;
    }
    pthread_mutex_unlock(&rec.mu);
}

static void sleep_ms(int ms)
{
    nanosleep(&(struct timespec){ms / 1000, (long)(ms % 1000) * 1000000L}, NULL);
}

static bool has_result(uint64_t id, printer_job_result r)
{
    pthread_mutex_lock(&rec.mu);
    bool found = false;
    for (int i = 0; i < rec.n; i++)
        found = found || (rec.ids[i] == id && rec.results[i] == r);
    pthread_mutex_unlock(&rec.mu);
    return found;
}

static bool wait_result(uint64_t id, printer_job_result r)
{
    int64_t t0 = clock_mono_ms();
    while (!has_result(id, r) && clock_mono_ms() - t0 < DEADLINE_MS)
        sleep_ms(5);
    return has_result(id, r);
}

static bool wait_state(printer *p, printer_state s)
{
    int64_t t0 = clock_mono_ms();
    while (printer_get_state(p) != s && clock_mono_ms() - t0 < DEADLINE_MS)
        sleep_ms(5);
    if (printer_get_state(p) != s)
        printf("  wanted %s, still %s\n", printer_state_name(s), printer_state_name(printer_get_state(p)));
    return printer_get_state(p) == s;
}

static printer_ticket ticket(void)
{
    printer_ticket t = {.antenne = "Antenne de Caen", .label = "F007", .service = "Formation & emploi",
                        .when = "23/11/2026 09:12", .ahead = "Vous êtes le prochain",
                        .wait = "Attente estimée : moins de 5 min", .message = "Merci de votre visite."};
    return t;
}

static printer *start(printer_fake *f, int probe_ms, bool reprint)
{
    pthread_mutex_lock(&rec.mu);
    rec.n = 0;
    pthread_mutex_unlock(&rec.mu);
    printer_config cfg = {.device = "fake", .baud = 115200, .model = "epson-tm-t20", .probe_interval_ms = probe_ms,
                          .reprint_after_fault = reprint};
    printer_callbacks cb = {.on_job = on_job};
    printer *p = NULL;
    CHECK_INT(printer_start(&p, &cfg, &printer_fake_ops, f, &cb), 0);
    return p;
}

/* A driver whose first open() has not returned yet is starting, not unplugged: the kiosk shows
 * no "out of order" banner for a printer nobody has tried yet. */
static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static bool gate_open;

static int open_after_gate(void *ctx, const char *device, int baud, printer_flow flow)
{
    pthread_mutex_lock(&gate_mu);
    while (!gate_open)
        pthread_cond_wait(&gate_cv, &gate_mu);
    pthread_mutex_unlock(&gate_mu);
    return printer_fake_ops.open(ctx, device, baud, flow);
}

static void test_starting_is_not_a_fault(void)
{
    printer_fake *f = printer_fake_new();
    struct printer_transport_ops gated = printer_fake_ops;
    gated.open = open_after_gate;
    printer_config cfg = {.device = "fake", .baud = 115200, .model = "epson-tm-t20", .probe_interval_ms = 50};
    printer *p = NULL;
    CHECK_INT(printer_start(&p, &cfg, &gated, f, NULL), 0);
    CHECK_STR(printer_state_name(printer_get_state(p)), "probing");
    pthread_mutex_lock(&gate_mu);
    gate_open = true;
    pthread_cond_signal(&gate_cv);
    pthread_mutex_unlock(&gate_mu);
    CHECK(wait_state(p, PRINTER_READY));
    printer_stop(p);
    printer_fake_free(f);
}

/* Probe then print: the bytes on the line are the probe and exactly the encoder's ticket. */
static void test_prints_encoded_ticket(void)
{
    printer_fake *f = printer_fake_new();
    printer *p = start(f, 100, false);
    CHECK(wait_state(p, PRINTER_READY));
    static uint8_t out[16384];
    printer_fake_take_output(f, out, sizeof out);
    printer_ticket t = ticket();
    uint64_t id;
    CHECK_INT(printer_submit(p, &t, &id), 0);
    CHECK(wait_result(id, PRINTER_JOB_PRINTED));
    size_t n = printer_fake_take_output(f, out, sizeof out);
    uint8_t want[ESCPOS_TICKET_MAX];
    int wn = escpos_encode_ticket(escpos_profile_find("epson-tm-t20"), &t, want, sizeof want);
    CHECK(wn > 0 && memmem(out, n, want, (size_t)wn) != NULL);
    uint64_t tid;
    CHECK_INT(printer_submit_test(p, &tid), 0);
    CHECK(wait_result(tid, PRINTER_JOB_PRINTED));
    printer_stop(p);
    printer_fake_free(f);
}

/* Status replies drive the state, both ways; garbage and ASB frames on the line do not. */
static void test_status_states(void)
{
    static const struct {
        uint8_t n, reply;
        printer_state want;
    } cases[] = {
        {4, 0x1E, PRINTER_NEAR_END}, {4, 0x7E, PRINTER_PAPER_OUT}, {2, 0x16, PRINTER_COVER_OPEN},
        {3, 0x1A, PRINTER_CUTTER_ERROR}, {1, 0x1A, PRINTER_OFFLINE},
    };
    printer_fake *f = printer_fake_new();
    printer *p = start(f, 50, false);
    CHECK(wait_state(p, PRINTER_READY));
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        printer_fake_set_status(f, cases[i].n, cases[i].reply);
        CHECK(wait_state(p, cases[i].want));
        printer_fake_set_status(f, cases[i].n, 0x12);
        CHECK(wait_state(p, PRINTER_READY));
    }
    /* Stray bytes around an ASB frame that reports nothing wrong (0x10 0 0 0). Its header was 0x30
     * once: bit 5 of an ASB frame is "cover open", so a frame read after the query's replies made the
     * state cover-open, now and then, under load. */
    static const uint8_t junk[] = {0xFF, 0x00, 0x10, 0x00, 0x00, 0x00, 0x41};
    for (int i = 0; i < 20; i++) {
        printer_fake_push_input(f, junk, sizeof junk);
        sleep_ms(10);
        CHECK(printer_get_state(p) == PRINTER_READY);
    }
    printer_stop(p);
    printer_fake_free(f);
}

/* No answer -> offline, then ready again when it answers. */
static void test_silent_offline(void)
{
    printer_fake *f = printer_fake_new();
    printer *p = start(f, 50, false);
    CHECK(wait_state(p, PRINTER_READY));
    printer_fake_set_silent(f, true);
    CHECK(wait_state(p, PRINTER_OFFLINE));
    printer_ticket t = ticket();
    uint64_t id;
    CHECK_INT(printer_submit(p, &t, &id), 0);
    CHECK(wait_result(id, PRINTER_JOB_FAILED));
    printer_fake_set_silent(f, false);
    CHECK(wait_state(p, PRINTER_READY));
    printer_stop(p);
    printer_fake_free(f);
}

/* Unplug: state unplugged, open retried until the device is back, then ready. */
static void test_unplug_replug(void)
{
    printer_fake *f = printer_fake_new();
    printer *p = start(f, 50, true);
    CHECK(wait_state(p, PRINTER_READY));
    CHECK_INT(printer_fake_open_count(f), 1);
    printer_fake_set_unplugged(f, true);
    CHECK(wait_state(p, PRINTER_UNPLUGGED));
    printer_fake_set_unplugged(f, false);
    CHECK(wait_state(p, PRINTER_READY));
    CHECK_INT(printer_fake_open_count(f), 2);
    printer_stop(p);
    printer_fake_free(f);
}

/* A held line: the job times out; meanwhile submit and state answer at once, the queue
 * refuses past its capacity (-EAGAIN), and the thread stops promptly when asked. */
static void test_stall_timeout_and_queue(void)
{
    printer_fake *f = printer_fake_new();
    printer *p = start(f, 60000, false);
    CHECK(wait_state(p, PRINTER_READY));
    printer_fake_set_stalled(f, true);
    printer_ticket t = ticket();
    uint64_t first;
    CHECK_INT(printer_submit(p, &t, &first), 0);
    /* The first job on the held line, out of the queue: the queue's capacity is what is left. */
    CHECK(wait_state(p, PRINTER_PRINTING));
    int accepted = 0, refused = 0;
    for (int i = 0; i < 40; i++) {
        int r = printer_submit(p, &t, NULL);
        accepted += r == 0;
        refused += r == -EAGAIN;
    }
    CHECK(accepted >= 1 && accepted <= 16);
    CHECK_INT(accepted + refused, 40);
    CHECK(printer_get_state(p) == PRINTER_PRINTING);
    CHECK(wait_result(first, PRINTER_JOB_TIMEOUT));
    printer_fake_set_stalled(f, false);
    printer_stop(p);
    printer_fake_free(f);
}

static int count_cuts(const uint8_t *out, size_t n)
{
    const escpos_profile *prof = escpos_profile_find("epson-tm-t20");
    int cuts = 0;
    for (const uint8_t *at = out; (at = memmem(at, n - (size_t)(at - out), prof->cut, prof->cut_len)); at += prof->cut_len)
        cuts++;
    return cuts;
}

static bool any_result(printer_job_result r)
{
    pthread_mutex_lock(&rec.mu);
    bool found = false;
    for (int i = 0; i < rec.n; i++)
        found = found || rec.results[i] == r;
    pthread_mutex_unlock(&rec.mu);
    return found;
}

/* At most one slip per number: the paper runs out, or the cable is pulled, right after the
 * printer cut a whole ticket and before the driver read the status asked after it. The ticket
 * is printed (paper out: the completion marker came back first) or its outcome is unknown
 * (unplug: nothing came back), never reprinted; a second ticket after recovery proves that
 * nothing was sent again in between. */
static void test_fault_after_cut_prints_once(void)
{
    const escpos_profile *prof = escpos_profile_find("epson-tm-t20");
    for (int unplug = 0; unplug <= 1; unplug++) {
        printf("  %s after the cut\n", unplug ? "unplug" : "paper out");
        printer_fake *f = printer_fake_new();
        printer *p = start(f, 50, true);
        CHECK(wait_state(p, PRINTER_READY));
        printer_fake_fault_after(f, prof->cut, prof->cut_len, unplug ? PRINTER_FAKE_UNPLUG : PRINTER_FAKE_PAPER_OUT);
        printer_ticket t = ticket();
        uint64_t first, second;
        CHECK_INT(printer_submit(p, &t, &first), 0);
        if (unplug) {
            CHECK(wait_result(first, PRINTER_JOB_TIMEOUT));
            CHECK(wait_state(p, PRINTER_UNPLUGGED));
            printer_fake_set_unplugged(f, false);
        } else {
            CHECK(wait_result(first, PRINTER_JOB_PRINTED));
            CHECK(wait_state(p, PRINTER_PAPER_OUT));
            printer_fake_set_status(f, 2, 0x12);
            printer_fake_set_status(f, 4, 0x12);
        }
        CHECK(wait_state(p, PRINTER_READY));
        t = ticket();
        snprintf(t.label, sizeof t.label, "F008");
        CHECK_INT(printer_submit(p, &t, &second), 0);
        CHECK(wait_result(second, PRINTER_JOB_PRINTED));
        CHECK(!any_result(PRINTER_JOB_REPRINTING));
        static uint8_t out[16384];
        size_t n = printer_fake_take_output(f, out, sizeof out);
        CHECK_INT(count_cuts(out, n), 2);
        printer_stop(p);
        printer_fake_free(f);
    }
}

/* The other side of it: the paper runs out, or the cable is pulled, mid-ticket, before the
 * cut. The marker never comes back (paper out) or the cut never left (unplug), so the torn
 * ticket is reprinted whole once the printer is back, and only then. */
static void test_fault_before_cut_reprints(void)
{
    static const uint8_t init[] = {0x1B, '@'};
    for (int unplug = 0; unplug <= 1; unplug++) {
        printf("  %s before the cut\n", unplug ? "unplug" : "paper out");
        printer_fake *f = printer_fake_new();
        printer *p = start(f, 50, true);
        CHECK(wait_state(p, PRINTER_READY));
        printer_fake_fault_after(f, init, sizeof init, unplug ? PRINTER_FAKE_UNPLUG : PRINTER_FAKE_PAPER_OUT);
        printer_ticket t = ticket();
        uint64_t id;
        CHECK_INT(printer_submit(p, &t, &id), 0);
        CHECK(wait_result(id, PRINTER_JOB_REPRINTING));
        CHECK(wait_state(p, unplug ? PRINTER_UNPLUGGED : PRINTER_PAPER_OUT));
        if (unplug) {
            printer_fake_set_unplugged(f, false);
        } else {
            printer_fake_set_status(f, 2, 0x12);
            printer_fake_set_status(f, 4, 0x12);
        }
        CHECK(wait_result(id, PRINTER_JOB_PRINTED));
        static uint8_t out[16384];
        size_t n = printer_fake_take_output(f, out, sizeof out);
        /* paper out: the torn copy went out whole (held by the printer, then cleared) */
        CHECK_INT(count_cuts(out, n), unplug ? 1 : 2);
        printer_stop(p);
        printer_fake_free(f);
    }
}

/* A clone that ignores the completion marker (generic profiles): a ticket whose status after
 * the cut is fine is printed; a fault there may have come before or after the cut, so the
 * ticket is not reprinted (unknown, TIMEOUT). */
static void test_profile_without_marker(void)
{
    const escpos_profile *prof = escpos_profile_find("generic-pc858-raster");
    CHECK(prof && !prof->done_marker);
    printer_fake *f = printer_fake_new();
    pthread_mutex_lock(&rec.mu);
    rec.n = 0;
    pthread_mutex_unlock(&rec.mu);
    printer_config cfg = {.device = "fake", .baud = 115200, .model = "generic-pc858-raster", .probe_interval_ms = 50,
                          .reprint_after_fault = true};
    printer_callbacks cb = {.on_job = on_job};
    printer *p = NULL;
    CHECK_INT(printer_start(&p, &cfg, &printer_fake_ops, f, &cb), 0);
    CHECK(wait_state(p, PRINTER_READY));
    printer_ticket t = ticket();
    uint64_t first, second;
    CHECK_INT(printer_submit(p, &t, &first), 0);
    CHECK(wait_result(first, PRINTER_JOB_PRINTED));
    printer_fake_fault_after(f, prof->cut, prof->cut_len, PRINTER_FAKE_PAPER_OUT);
    CHECK_INT(printer_submit(p, &t, &second), 0);
    CHECK(wait_result(second, PRINTER_JOB_TIMEOUT));
    CHECK(wait_state(p, PRINTER_PAPER_OUT));
    printer_fake_set_status(f, 2, 0x12);
    printer_fake_set_status(f, 4, 0x12);
    CHECK(wait_state(p, PRINTER_READY));
    CHECK(!any_result(PRINTER_JOB_REPRINTING));
    static uint8_t out[16384];
    size_t n = printer_fake_take_output(f, out, sizeof out);
    CHECK(memmem(out, n, (const uint8_t[]){0x1D, '(', 'H'}, 3) == NULL);
    printer_stop(p);
    printer_fake_free(f);
}

/* Bad input is refused with a clear error and nothing is queued. */
static void test_bad_input(void)
{
    printer_fake *f = printer_fake_new();
    printer_config cfg = {.device = "fake", .baud = 9600, .model = "no-such-model"};
    printer *p = NULL;
    CHECK_INT(printer_start(&p, &cfg, &printer_fake_ops, f, NULL), -EINVAL);
    strcpy(cfg.model, "");
    cfg.baud = 0;
    CHECK_INT(printer_start(&p, &cfg, &printer_fake_ops, f, NULL), -EINVAL);
    cfg.baud = 9600;
    CHECK_INT(printer_start(&p, &cfg, &printer_fake_ops, f, NULL), 0);
    printer_ticket t = ticket();
    t.label[0] = 0;
    CHECK_INT(printer_submit(p, &t, NULL), -EINVAL);
    t = ticket();
    memset(t.message, 'x', sizeof t.message);
    CHECK_INT(printer_submit(p, &t, NULL), -EINVAL);
    CHECK_INT(printer_submit(p, NULL, NULL), -EINVAL);
    printer_stop(p);
    printer_fake_free(f);
}

int main(void)
{
    RUN(test_starting_is_not_a_fault);
    RUN(test_prints_encoded_ticket);
    RUN(test_status_states);
    RUN(test_silent_offline);
    RUN(test_unplug_replug);
    RUN(test_stall_timeout_and_queue);
    RUN(test_fault_after_cut_prints_once);
    RUN(test_fault_before_cut_reprints);
    RUN(test_profile_without_marker);
    RUN(test_bad_input);
    return testlib_finish();
}
