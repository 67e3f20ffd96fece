/* libserialport transport. Facts of Debian's libserialport 0.1.1 that shape this file:
 * - sp_get_port_by_name() rejects symlinks: resolve /dev/serial/by-id/... with realpath();
 * - sp_blocking_* with timeout 0 waits forever, and sp_blocking_read() returns 0 on hang-up
 *   just as on timeout; sp_drain() can hang on a held CTS. So every wait here is our own
 *   poll() on the port's fd with a finite timeout, followed by a non-blocking transfer, and
 *   POLLHUP/POLLERR, EIO or sp_input_waiting() < 0 mean the device is gone (-ENODEV). */
#include "borne/transport.h"
#include "borne/clock.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

#include <libserialport.h>

typedef struct serial {
    struct sp_port *port;
    int fd;
} serial;

void *printer_serial_new(void)
{
    return calloc(1, sizeof(serial));
}

static void serial_close(void *ctx)
{
    serial *s = ctx;
    if (!s->port)
        return;
    sp_close(s->port);
    sp_free_port(s->port);
    s->port = NULL;
}

void printer_serial_free(void *ctx)
{
    if (!ctx)
        return;
    serial_close(ctx);
    free(ctx);
}

/* libserialport keeps the errno of a failed system call; SP_ERR_ARG/SP_ERR_SUPP have none. */
static int sp_errno(enum sp_return r)
{
    if (r == SP_ERR_MEM)
        return -ENOMEM;
    if (r == SP_ERR_FAIL) {
        int e = sp_last_error_code();
        return e > 0 ? -e : -EIO;
    }
    return -EINVAL;
}

static int serial_open(void *ctx, const char *device, int baud, printer_flow flow)
{
    serial *s = ctx;
    char real[PATH_MAX];
    if (!realpath(device, real))
        return -errno;
    struct sp_port *port;
    enum sp_return r = sp_get_port_by_name(real, &port);
    if (r != SP_OK)
        return r == SP_ERR_ARG ? -ENOENT : sp_errno(r);
    r = sp_open(port, SP_MODE_READ_WRITE);
    if (r != SP_OK) {
        int e = sp_errno(r);
        sp_free_port(port);
        return e;
    }
    static const enum sp_flowcontrol fc[] = {
        [PRINTER_FLOW_NONE] = SP_FLOWCONTROL_NONE,
        [PRINTER_FLOW_RTSCTS] = SP_FLOWCONTROL_RTSCTS,
        [PRINTER_FLOW_XONXOFF] = SP_FLOWCONTROL_XONXOFF,
    };
    if ((r = sp_set_baudrate(port, baud)) != SP_OK || (r = sp_set_bits(port, 8)) != SP_OK ||
        (r = sp_set_parity(port, SP_PARITY_NONE)) != SP_OK || (r = sp_set_stopbits(port, 1)) != SP_OK ||
        (r = sp_set_flowcontrol(port, fc[flow <= PRINTER_FLOW_XONXOFF ? flow : PRINTER_FLOW_NONE])) != SP_OK ||
        (r = sp_get_port_handle(port, &s->fd)) != SP_OK) {
        int e = sp_errno(r);
        sp_close(port);
        sp_free_port(port);
        return e;
    }
    s->port = port;
    return 0;
}

/* Waits for `events` until the deadline: 1 ready, 0 timeout, -ENODEV hang-up, -errno. */
static int wait_fd(serial *s, short events, int64_t deadline)
{
    for (;;) {
        int left = (int)(deadline - clock_mono_ms());
        struct pollfd pfd = {.fd = s->fd, .events = events};
        int r = poll(&pfd, 1, left > 0 ? left : 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -errno;
        if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))
            return -ENODEV;
        return r > 0 ? 1 : 0;
    }
}

static int gone_or(int e)
{
    return e == EIO || e == ENXIO || e == ENODEV ? -ENODEV : -e;
}

static int serial_write(void *ctx, const uint8_t *buf, size_t len, int timeout_ms)
{
    serial *s = ctx;
    if (!s->port)
        return -EBADF;
    int64_t deadline = clock_mono_ms() + timeout_ms;
    for (;;) {
        int r = wait_fd(s, POLLOUT, deadline);
        if (r <= 0)
            return r;
        int w = sp_nonblocking_write(s->port, buf, len);
        if (w > 0)
            return w;
        if (w < 0) {
            int e = sp_last_error_code();
            if (e != EAGAIN && e != EINTR)
                return gone_or(e);
        }
        if (clock_mono_ms() >= deadline)
            return 0;
    }
}

static int serial_read(void *ctx, uint8_t *buf, size_t cap, int timeout_ms)
{
    serial *s = ctx;
    if (!s->port)
        return -EBADF;
    if (sp_input_waiting(s->port) < 0)
        return -ENODEV;
    int64_t deadline = clock_mono_ms() + timeout_ms;
    for (;;) {
        int r = wait_fd(s, POLLIN, deadline);
        if (r <= 0)
            return r;
        int got = sp_nonblocking_read(s->port, buf, cap);
        if (got > 0)
            return got;
        if (got < 0) {
            int e = sp_last_error_code();
            if (e != EAGAIN && e != EINTR)
                return gone_or(e);
        } else {
            /* Readable yet nothing to read: end of file, the other end hung up. */
            return -ENODEV;
        }
        if (clock_mono_ms() >= deadline)
            return 0;
    }
}

static int serial_flush(void *ctx)
{
    serial *s = ctx;
    if (!s->port)
        return -EBADF;
    enum sp_return r = sp_flush(s->port, SP_BUF_BOTH);
    return r == SP_OK ? 0 : sp_errno(r);
}

static int serial_output_pending(void *ctx)
{
    serial *s = ctx;
    if (!s->port)
        return -EBADF;
    int n = sp_output_waiting(s->port);
    return n >= 0 ? n : -ENODEV;
}

const struct printer_transport_ops printer_serial_ops = {
    .open = serial_open,
    .close = serial_close,
    .write = serial_write,
    .read = serial_read,
    .flush = serial_flush,
    .output_pending = serial_output_pending,
};
