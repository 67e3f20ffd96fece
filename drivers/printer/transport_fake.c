/* In-memory fake printer for unit tests (see transport.h). It answers DLE EOT n from a
 * scriptable status table, records what the driver wrote, and injects faults. A mutex and a
 * condition make it safe to script from the test thread while the printer thread uses it. */
#include "borne/transport.h"
#include "borne/clock.h"
#include "borne/escpos.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { FAKE_BUF = 16384, TAIL = 16 };

struct printer_fake {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint8_t status[5];
    bool silent, unplugged, stalled, open;
    int opens, baud;
    uint8_t in[FAKE_BUF];        /* bytes waiting for the driver's read() */
    size_t in_len;
    uint8_t out[FAKE_BUF];       /* bytes written by the driver, not yet taken by the test */
    size_t out_len;
    uint8_t scan;                /* DLE EOT recogniser: 0, 1 after DLE, 2 after DLE EOT */
    uint8_t tail[TAIL];          /* the last bytes written, newest last */
    uint64_t seen, printed;      /* bytes written ever; bytes the engine has printed */
    bool in_ticket;              /* printed an ESC @ and no cut since */
    uint8_t trigger[8];
    size_t trigger_len;
    printer_fake_fault trigger_fault;
};

printer_fake *printer_fake_new(void)
{
    printer_fake *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    pthread_mutex_init(&f->mu, NULL);
    clock_cond_init(&f->cv);
    memset(f->status, 0x12, sizeof f->status);
    return f;
}

void printer_fake_free(printer_fake *f)
{
    if (!f)
        return;
    pthread_cond_destroy(&f->cv);
    pthread_mutex_destroy(&f->mu);
    free(f);
}

static void set_flag(printer_fake *f, bool *flag, bool v)
{
    pthread_mutex_lock(&f->mu);
    *flag = v;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
}

void printer_fake_set_status(printer_fake *f, uint8_t n, uint8_t reply)
{
    if (n < 1 || n > 4)
        return;
    pthread_mutex_lock(&f->mu);
    f->status[n] = reply;
    pthread_mutex_unlock(&f->mu);
}

void printer_fake_set_silent(printer_fake *f, bool silent) { set_flag(f, &f->silent, silent); }
void printer_fake_set_unplugged(printer_fake *f, bool unplugged) { set_flag(f, &f->unplugged, unplugged); }
void printer_fake_set_stalled(printer_fake *f, bool stalled) { set_flag(f, &f->stalled, stalled); }

static void push_locked(printer_fake *f, const uint8_t *b, size_t n)
{
    if (n > FAKE_BUF - f->in_len)
        n = FAKE_BUF - f->in_len;  /* a full UART FIFO drops bytes too */
    memcpy(f->in + f->in_len, b, n);
    f->in_len += n;
    pthread_cond_broadcast(&f->cv);
}

void printer_fake_push_input(printer_fake *f, const uint8_t *buf, size_t len)
{
    pthread_mutex_lock(&f->mu);
    push_locked(f, buf, len);
    pthread_mutex_unlock(&f->mu);
}

size_t printer_fake_take_output(printer_fake *f, uint8_t *out, size_t cap)
{
    pthread_mutex_lock(&f->mu);
    size_t n = f->out_len < cap ? f->out_len : cap;
    memcpy(out, f->out, n);
    memmove(f->out, f->out + n, f->out_len - n);
    f->out_len -= n;
    pthread_mutex_unlock(&f->mu);
    return n;
}

int printer_fake_open_count(printer_fake *f)
{
    pthread_mutex_lock(&f->mu);
    int n = f->opens;
    pthread_mutex_unlock(&f->mu);
    return n;
}

void printer_fake_fault_after(printer_fake *f, const uint8_t *bytes, size_t len, printer_fake_fault fault)
{
    if (len < 1 || len > sizeof f->trigger)
        return;
    pthread_mutex_lock(&f->mu);
    memcpy(f->trigger, bytes, len);
    f->trigger_len = len;
    f->trigger_fault = fault;
    pthread_mutex_unlock(&f->mu);
}

static bool ends_with(const printer_fake *f, const uint8_t *b, size_t n)
{
    return n <= TAIL && f->seen >= n && memcmp(f->tail + TAIL - n, b, n) == 0;
}

static bool stopped(const printer_fake *f)
{
    return (f->status[2] & 0x24) || (f->status[3] & 0x28) || (f->status[4] & 0x60);
}

static bool ends_with_cut(const printer_fake *f)
{
    size_t count;
    const escpos_profile *prof = escpos_profiles(&count);
    for (size_t i = 0; i < count; i++)
        if (ends_with(f, prof[i].cut, prof[i].cut_len))
            return true;
    return false;
}

/* The print engine after byte tail[TAIL - 1]; false when the fake was unplugged there. */
static bool engine_step(printer_fake *f)
{
    static const uint8_t init[] = {0x1B, '@'};
    static const uint8_t marker_head[] = {0x1D, '(', 'H', 6, 0, 48, 48};
    const uint8_t *marker = f->tail + TAIL - ESCPOS_DONE_MARKER_LEN;
    if (ends_with(f, escpos_clear_buffers, sizeof escpos_clear_buffers)) {
        f->printed = f->seen;
        f->in_ticket = false;
    } else if (f->seen >= ESCPOS_DONE_MARKER_LEN && memcmp(marker, marker_head, sizeof marker_head) == 0 &&
               (!stopped(f) || (!f->in_ticket && f->printed == f->seen - ESCPOS_DONE_MARKER_LEN))) {
        uint8_t reply[] = {0x37, 0x22, marker[7], marker[8], marker[9], marker[10], 0};
        if (!f->silent)
            push_locked(f, reply, sizeof reply);
        f->printed = f->seen;
    } else if (!stopped(f)) {
        if (ends_with(f, init, sizeof init))
            f->in_ticket = true;
        else if (ends_with_cut(f))
            f->in_ticket = false;
        f->printed = f->seen;
    }
    if (f->trigger_len && ends_with(f, f->trigger, f->trigger_len)) {
        f->trigger_len = 0;
        if (f->trigger_fault == PRINTER_FAKE_UNPLUG) {
            f->unplugged = true;
            pthread_cond_broadcast(&f->cv);
            return false;
        }
        f->status[2] = 0x32;
        f->status[4] = 0x7E;
    }
    return true;
}

static int fake_open(void *ctx, const char *device, int baud, printer_flow flow)
{
    (void)device, (void)flow;
    printer_fake *f = ctx;
    pthread_mutex_lock(&f->mu);
    int r = f->unplugged ? -ENOENT : baud > 0 ? 0 : -EINVAL;
    if (r == 0) {
        f->open = true;
        f->baud = baud;
        f->opens++;
        f->in_len = 0;
        f->scan = 0;
        f->printed = f->seen;  /* a printer that was unplugged starts afresh */
        f->in_ticket = false;
    }
    pthread_mutex_unlock(&f->mu);
    return r;
}

static void fake_close(void *ctx)
{
    printer_fake *f = ctx;
    pthread_mutex_lock(&f->mu);
    f->open = false;
    pthread_mutex_unlock(&f->mu);
}

static int fake_write(void *ctx, const uint8_t *buf, size_t len, int timeout_ms)
{
    printer_fake *f = ctx;
    pthread_mutex_lock(&f->mu);
    struct timespec ts = clock_mono_deadline(timeout_ms);
    while (f->stalled && !f->unplugged)
        if (pthread_cond_timedwait(&f->cv, &f->mu, &ts) == ETIMEDOUT)
            break;
    /* The bytes reach the printer at the line rate, as on a wire: the driver's view of what
     * the printer can have taken by now is put to the test. */
    size_t n = len < FAKE_BUF - f->out_len ? len : FAKE_BUF - f->out_len;
    if (f->open && !f->unplugged && !f->stalled && n > 0) {
        ts = clock_mono_deadline((int)((int64_t)n * 10 * 1000 / f->baud) + 1);
        while (!f->unplugged)
            if (pthread_cond_timedwait(&f->cv, &f->mu, &ts) == ETIMEDOUT)
                break;
    }
    int r;
    if (!f->open || f->unplugged) {
        r = -ENODEV;
    } else if (f->stalled) {
        r = 0;
    } else {
        /* A full recording accepts nothing more: the driver sees a stalled line. */
        for (size_t i = 0; i < n; i++) {
            uint8_t b = buf[i];
            f->out[f->out_len++] = b;
            memmove(f->tail, f->tail + 1, TAIL - 1);
            f->tail[TAIL - 1] = b;
            f->seen++;
            if (f->scan == 2) {
                if (b >= 1 && b <= 4 && !f->silent)
                    push_locked(f, &f->status[b], 1);
                f->scan = 0;
            } else if (f->scan == 1) {
                f->scan = b == 0x04 ? 2 : b == 0x10 ? 1 : 0;
            } else if (b == 0x10) {
                f->scan = 1;
            }
            if (!engine_step(f))
                break;
        }
        r = (int)n;
    }
    pthread_mutex_unlock(&f->mu);
    return r;
}

static int fake_read(void *ctx, uint8_t *buf, size_t cap, int timeout_ms)
{
    printer_fake *f = ctx;
    pthread_mutex_lock(&f->mu);
    struct timespec ts = clock_mono_deadline(timeout_ms);
    while (f->open && !f->unplugged && f->in_len == 0)
        if (pthread_cond_timedwait(&f->cv, &f->mu, &ts) == ETIMEDOUT)
            break;
    int r;
    if (!f->open || f->unplugged) {
        r = -ENODEV;
    } else {
        size_t n = f->in_len < cap ? f->in_len : cap;
        memcpy(buf, f->in, n);
        memmove(f->in, f->in + n, f->in_len - n);
        f->in_len -= n;
        r = (int)n;
    }
    pthread_mutex_unlock(&f->mu);
    return r;
}

static int fake_flush(void *ctx)
{
    printer_fake *f = ctx;
    pthread_mutex_lock(&f->mu);
    int r = f->open && !f->unplugged ? 0 : -ENODEV;
    f->in_len = 0;
    pthread_mutex_unlock(&f->mu);
    return r;
}

static int fake_output_pending(void *ctx)
{
    printer_fake *f = ctx;
    pthread_mutex_lock(&f->mu);
    int r = f->open && !f->unplugged ? 0 : -ENODEV;
    pthread_mutex_unlock(&f->mu);
    return r;
}

const struct printer_transport_ops printer_fake_ops = {
    .open = fake_open,
    .close = fake_close,
    .write = fake_write,
    .read = fake_read,
    .flush = fake_flush,
    .output_pending = fake_output_pending,
};
