/* borne-printer-emulator: a virtual ESC/POS thermal printer on a pseudo-terminal, for the
 * integration tests, the benchmark and the demo kiosk. See usage() for the command line and
 * the control protocol. One thread, one poll() loop; idle, it sleeps in poll(). */
#define _GNU_SOURCE  /* posix_openpt, ptsname */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "printer_emulator_parse.h"
#include "printer_emulator_render.h"

enum {
    BUF_CAP = 4096,           /* the printer's receive buffer */
    XOFF_AT = BUF_CAP - 512,  /* ask the host to stop with room left for bytes in flight */
    XON_AT = 1024,
    MAX_CLIENTS = 8,
    XON = 0x11,
    XOFF = 0x13,
};

static void usage(FILE *f)
{
    fputs(
        "usage: borne-printer-emulator [options]\n"
        "A virtual ESC/POS receipt printer (80 mm, font A 12x24, 576 dots) on a pseudo-terminal.\n"
        "  --link PATH       keep a symlink PATH -> current /dev/pts/N (updated after an unplug)\n"
        "  --control PATH    Unix stream socket for fault commands (below)\n"
        "  --out DIR         write ticket-NNNN.txt/.png (torn ones: partial-NNNN.*) in DIR (default .)\n"
        "  --baud N          simulated line speed, bytes are read at N/10 per second (default 9600)\n"
        "  --flow xonxoff|none   send XOFF/XON around the 4 KB buffer (default xonxoff)\n"
        "  --replug-ms N     an unplugged printer comes back after N ms (default 1500)\n"
        "  --fonts DIR       DejaVuSansMono*.ttf or DejaVuSans*.ttf (default: assets, then system)\n"
        "  --no-png          text output only\n"
        "stdout: 'pty /dev/pts/N' when the device (re)appears, 'ticket PATH' per ticket.\n"
        "Control protocol: one command per line, answered 'ok' or 'err <why>':\n"
        "  near_end | paper_out | cover_open | cutter_error   set that condition\n"
        "  no_answer        ignore DLE EOT status queries and GS ( H process ID requests\n"
        "  garbage          send stray bytes (never valid status bytes, never XON/XOFF)\n"
        "  xoff_hold        send XOFF and stop reading until 'clear'\n"
        "  unplug [MS]      remove the link, close the pty; reappear under a new name after MS (default --replug-ms)\n"
        "  clear            back to a healthy printer (sends XON if held)\n"
        "  stats            'tickets=N partial=N bytes=N start_ns=T end_ns=T' (CLOCK_MONOTONIC)\n"
        "Code pages (ESC t n): 0 PC437, 2 PC850, 16 WPC1252, 19 PC858; status per Epson DLE EOT 1-4;\n"
        "GS ( H fn 48 answered 37 22 d1..d4 00 once everything before it is printed.\n",
        f);
}

typedef struct emu {
    const char *link, *control, *out;
    int baud;
    bool xonxoff, png;
    int replug_ms, dots;

    int master, slave_keep, next_master, next_keep;
    char slave[64], next_slave[64];
    int64_t replug_at;

    int listen_fd;
    int clients[MAX_CLIENTS];
    char cbuf[MAX_CLIENTS][256];
    size_t clen[MAX_CLIENTS];

    emu_parser *parser;
    uint8_t buf[BUF_CAP];
    size_t buf_len;
    double tokens;
    bool line_busy;           /* the last read took all it was allowed: more bytes are waiting */
    int64_t last_ns;
    uint8_t rt[10];
    size_t rt_len;
    bool prev_esc;

    bool near_end, paper_out, cover_open, cutter_error, no_answer, garbage, hold, xoff_sent;
    int64_t next_garbage;
    uint32_t lcg;

    unsigned tickets, partials;
    uint64_t bytes;
    int64_t start_ns, end_ns;
} emu;

static volatile sig_atomic_t quit;

static void on_signal(int sig)
{
    (void)sig;
    quit = 1;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void send_master(emu *e, const uint8_t *b, size_t n)
{
    if (e->master >= 0 && write(e->master, b, n) < 0)
        fprintf(stderr, "emulator: write to pty: %s\n", strerror(errno));
}

static void on_cut(const emu_ticket *t, void *ctx)
{
    emu *e = ctx;
    char txt[PATH_MAX], png[PATH_MAX];
    unsigned n = t->complete ? ++e->tickets : ++e->partials;
    const char *kind = t->complete ? "ticket" : "partial";
    snprintf(txt, sizeof txt, "%s/%s-%04u.txt", e->out, kind, n);
    snprintf(png, sizeof png, "%s/%s-%04u.png", e->out, kind, n);
    if (t->complete)
        e->end_ns = now_ns();
    /* The PNG first: a reader waiting for the .txt then finds both. */
    if (e->png && emu_render_png(t, e->dots, png) != 0)
        fprintf(stderr, "emulator: cannot write %s\n", png);
    int r = emu_write_text(t, txt);
    if (r < 0)
        fprintf(stderr, "emulator: cannot write %s: %s\n", txt, strerror(-r));
    printf("%s %s\n", kind, txt);
    fflush(stdout);
}

/* Opens a new pty pair; the emulator keeps a slave fd too, so the master never sees a hang-up
 * while the driver has the port closed between retries. */
static int open_pty(int *master, int *slave_keep, char *name, size_t cap)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0) {
        fprintf(stderr, "emulator: posix_openpt: %s\n", strerror(errno));
        if (m >= 0)
            close(m);
        return -1;
    }
    const char *n = ptsname(m);
    int s = n ? open(n, O_RDWR | O_NOCTTY | O_NONBLOCK) : -1;
    if (s < 0) {
        fprintf(stderr, "emulator: open slave: %s\n", strerror(errno));
        close(m);
        return -1;
    }
    struct termios tio;
    if (tcgetattr(s, &tio) == 0) {
        cfmakeraw(&tio);
        tcsetattr(s, TCSANOW, &tio);
    }
    snprintf(name, cap, "%s", n);
    *master = m;
    *slave_keep = s;
    return 0;
}

static int publish(emu *e)
{
    if (e->link) {
        char tmp[PATH_MAX];
        snprintf(tmp, sizeof tmp, "%s.tmp", e->link);
        unlink(tmp);
        if (symlink(e->slave, tmp) != 0 || rename(tmp, e->link) != 0) {
            fprintf(stderr, "emulator: symlink %s: %s\n", e->link, strerror(errno));
            return -1;
        }
    }
    printf("pty %s\n", e->slave);
    fflush(stdout);
    return 0;
}

static bool printing_stopped(const emu *e)
{
    return e->paper_out || e->cover_open || e->cutter_error;
}

static uint8_t garbage_byte(emu *e)
{
    for (;;) {
        e->lcg = e->lcg * 1103515245u + 12345u;
        uint8_t b = (uint8_t)(e->lcg >> 16);
        if ((b & 0x93) != 0x12 && (b & 0x93) != 0x10 && b != XON && b != XOFF)
            return b;
    }
}

static void send_garbage(emu *e, int n)
{
    uint8_t g[8];
    for (int i = 0; i < n && i < 8; i++)
        g[i] = garbage_byte(e);
    send_master(e, g, (size_t)(n < 8 ? n : 8));
}

static void answer_status(emu *e, uint8_t n)
{
    if (e->no_answer || n < 1 || n > 4)
        return;
    uint8_t b = 0x12;
    switch (n) {
    case 1: if (printing_stopped(e)) b |= 0x08; break;
    case 2:
        if (e->cover_open) b |= 0x04;
        if (e->paper_out) b |= 0x20;
        if (e->cutter_error) b |= 0x40;
        break;
    case 3: if (e->cutter_error) b |= 0x08; break;
    default:
        if (e->near_end || e->paper_out) b |= 0x0C;
        if (e->paper_out) b |= 0x60;
        break;
    }
    if (e->garbage)
        send_garbage(e, 2);
    send_master(e, &b, 1);
}

static void on_process_id(const uint8_t id[4], void *ctx)
{
    emu *e = ctx;
    uint8_t reply[] = {0x37, 0x22, id[0], id[1], id[2], id[3], 0x00};
    if (!e->no_answer)
        send_master(e, reply, sizeof reply);
}

/* The print engine keeps up with the line: what was received is printed at once, unless
 * printing is stopped (then only a process ID request right after a cut still executes). */
static void print_received(emu *e)
{
    size_t used = e->buf_len;
    if (printing_stopped(e))
        used = emu_parser_feed_stopped(e->parser, e->buf, e->buf_len);
    else
        emu_parser_feed(e->parser, e->buf, e->buf_len);
    memmove(e->buf, e->buf + used, e->buf_len - used);
    e->buf_len -= used;
}

static void store(emu *e, uint8_t b)
{
    if (e->prev_esc && b == '@' && e->start_ns <= e->end_ns)
        e->start_ns = now_ns();  /* first ESC @ after the last cut: a ticket begins */
    e->prev_esc = b == 0x1B;
    if (e->buf_len < BUF_CAP)
        e->buf[e->buf_len++] = b;
}

/* Real-time commands act on receipt, ahead of the buffered data: DLE EOT n is answered even
 * while printing is stopped, DLE DC4 8 drops the buffer. Other DLE sequences are data. */
static void receive(emu *e, const uint8_t *in, size_t n)
{
    e->bytes += n;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = in[i];
        if (e->rt_len == 0) {
            if (b == 0x10)
                e->rt[e->rt_len++] = b;
            else
                store(e, b);
            continue;
        }
        e->rt[e->rt_len++] = b;
        if (e->rt_len == 2 && b != 0x04 && b != 0x14) {
            store(e, 0x10);
            store(e, b);
            e->rt_len = 0;
        } else if (e->rt[1] == 0x04 && e->rt_len == 3) {
            /* Everything received before the query has been printed by now: a process ID
             * request ahead of it is answered first, as a printer's engine would. */
            print_received(e);
            answer_status(e, b);
            e->rt_len = 0;
        } else if (e->rt[1] == 0x14 && e->rt_len >= 3) {
            size_t total = e->rt[2] == 8 ? 10 : e->rt[2] == 1 || e->rt[2] == 2 ? 5 : 3;
            if (e->rt_len == total) {
                if (e->rt[2] == 8) {
                    e->buf_len = 0;
                    emu_parser_tear(e->parser);
                }
                e->rt_len = 0;
            }
        }
    }
}

static void process(emu *e)
{
    if (e->buf_len)
        print_received(e);
    if (!e->xonxoff || e->master < 0)
        return;
    if (!e->xoff_sent && e->buf_len >= XOFF_AT) {
        uint8_t c = XOFF;
        send_master(e, &c, 1);
        e->xoff_sent = true;
    } else if (e->xoff_sent && !e->hold && e->buf_len <= XON_AT) {
        uint8_t c = XON;
        send_master(e, &c, 1);
        e->xoff_sent = false;
    }
}

static void unplug(emu *e, int ms)
{
    if (e->master < 0)
        return;
    /* Take the next pty before closing this one, so the device comes back under a new name. */
    if (open_pty(&e->next_master, &e->next_keep, e->next_slave, sizeof e->next_slave) != 0)
        e->next_master = e->next_keep = -1;
    /* The link goes first, as /dev/serial/by-id does: once closed, this pty's number can be
     * handed to another emulator (tests run in parallel), and a driver retrying through a
     * stale link would print on someone else's printer. */
    if (e->link && unlink(e->link) != 0)
        fprintf(stderr, "emulator: unlink %s: %s\n", e->link, strerror(errno));
    close(e->master);
    close(e->slave_keep);
    e->master = e->slave_keep = -1;
    emu_parser_tear(e->parser);
    e->buf_len = 0;
    e->rt_len = 0;
    e->replug_at = now_ns() + (int64_t)ms * 1000000;
}

static void replug(emu *e)
{
    e->replug_at = 0;
    if (e->next_master < 0 && open_pty(&e->next_master, &e->next_keep, e->next_slave, sizeof e->next_slave) != 0)
        return;
    e->master = e->next_master;
    e->slave_keep = e->next_keep;
    e->next_master = e->next_keep = -1;
    snprintf(e->slave, sizeof e->slave, "%s", e->next_slave);
    e->xoff_sent = false;
    publish(e);
}

static void clear_faults(emu *e)
{
    bool was_held = e->hold || e->xoff_sent;
    e->near_end = e->paper_out = e->cover_open = e->cutter_error = false;
    e->no_answer = e->garbage = e->hold = false;
    if (was_held && e->master >= 0) {
        uint8_t c = XON;
        send_master(e, &c, 1);
        e->xoff_sent = false;
    }
}

static const char *command(emu *e, char *line)
{
    static char reply[160];
    char *arg = strchr(line, ' ');
    if (arg)
        *arg++ = 0;
    bool was_stopped = printing_stopped(e);
    if (strcmp(line, "near_end") == 0) {
        e->near_end = true;
    } else if (strcmp(line, "paper_out") == 0) {
        e->paper_out = true;
    } else if (strcmp(line, "cover_open") == 0) {
        e->cover_open = true;
    } else if (strcmp(line, "cutter_error") == 0) {
        e->cutter_error = true;
    } else if (strcmp(line, "no_answer") == 0) {
        e->no_answer = true;
    } else if (strcmp(line, "garbage") == 0) {
        e->garbage = true;
        e->next_garbage = now_ns();
    } else if (strcmp(line, "xoff_hold") == 0) {
        uint8_t c = XOFF;
        send_master(e, &c, 1);
        e->hold = e->xoff_sent = true;
    } else if (strcmp(line, "unplug") == 0) {
        int ms = arg ? atoi(arg) : e->replug_ms;
        if (ms < 0 || ms > 600000)
            return "err delay out of range\n";
        unplug(e, ms);
    } else if (strcmp(line, "clear") == 0) {
        clear_faults(e);
    } else if (strcmp(line, "stats") == 0) {
        snprintf(reply, sizeof reply, "tickets=%u partial=%u bytes=%llu start_ns=%lld end_ns=%lld\n", e->tickets,
                 e->partials, (unsigned long long)e->bytes, (long long)e->start_ns, (long long)e->end_ns);
        return reply;
    } else {
        return "err unknown command\n";
    }
    /* What was printed before the stop stays on the paper as a torn ticket. */
    if (!was_stopped && printing_stopped(e))
        emu_parser_stop(e->parser);
    return "ok\n";
}

static void client_input(emu *e, int i)
{
    char *b = e->cbuf[i];
    ssize_t n = read(e->clients[i], b + e->clen[i], sizeof e->cbuf[i] - 1 - e->clen[i]);
    if (n <= 0) {
        close(e->clients[i]);
        e->clients[i] = -1;
        e->clen[i] = 0;
        return;
    }
    e->clen[i] += (size_t)n;
    b[e->clen[i]] = 0;
    char *nl;
    while ((nl = strchr(b, '\n'))) {
        *nl = 0;
        if (nl > b && nl[-1] == '\r')
            nl[-1] = 0;
        const char *r = command(e, b);
        if (write(e->clients[i], r, strlen(r)) < 0)
            fprintf(stderr, "emulator: control reply: %s\n", strerror(errno));
        size_t used = (size_t)(nl + 1 - b);
        memmove(b, nl + 1, e->clen[i] - used + 1);
        e->clen[i] -= used;
    }
    if (e->clen[i] == sizeof e->cbuf[i] - 1)
        e->clen[i] = 0;  /* an overlong line is dropped */
}

static int listen_control(const char *path)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    if (fd < 0 || strlen(path) >= sizeof a.sun_path) {
        fprintf(stderr, "emulator: control socket %s: %s\n", path, fd < 0 ? strerror(errno) : "path too long");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    strcpy(a.sun_path, path);
    unlink(path);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 4) != 0) {
        fprintf(stderr, "emulator: control socket %s: %s\n", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* The first of `names` found in: --fonts DIR, the project's assets, the system's DejaVu. */
static const char *find_font(const char *dir, const char *const names[], char *out, size_t cap)
{
    const char *dirs[] = {dir, BORNE_FONTS_DIR, "/usr/share/fonts/truetype/dejavu"};
    for (size_t n = 0; names[n]; n++)
        for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
            if (!dirs[d])
                continue;
            snprintf(out, cap, "%s/%s", dirs[d], names[n]);
            if (access(out, R_OK) == 0)
                return out;
        }
    return NULL;
}

static int run(emu *e)
{
    for (;;) {
        if (quit)
            return 0;
        int64_t now = now_ns();
        double rate = e->baud / 10.0 / 1e9;  /* bytes per ns */
        e->tokens += (double)(now - e->last_ns) * rate;
        /* A small bucket while the line is idle: bytes arrive at the line rate, not in bursts
         * saved up while idle. While bytes are waiting, time this process lost to a busy
         * machine is made up (a wire keeps filling the printer's buffer whatever its CPU
         * does), up to a second's worth: the printer is never slower than its line rate. */
        double burst = e->line_busy ? e->baud / 10.0 : e->baud / 10.0 / 1000.0 * 2 + 4;
        if (e->tokens > burst)
            e->tokens = burst;
        e->last_ns = now;
        bool want_read = e->master >= 0 && !e->hold && e->buf_len < BUF_CAP;
        int timeout = -1;
        if (want_read && e->tokens < 1)
            timeout = (int)((1 - e->tokens) / rate / 1e6) + 1;
        if (e->replug_at) {
            int t = (int)((e->replug_at - now) / 1000000);
            timeout = t < 0 ? 0 : (timeout < 0 || t < timeout ? t : timeout);
        }
        if (e->garbage && e->master >= 0) {
            int t = (int)((e->next_garbage - now) / 1000000);
            timeout = t < 0 ? 0 : (timeout < 0 || t < timeout ? t : timeout);
        }
        struct pollfd pf[2 + MAX_CLIENTS];
        int n = 0;
        pf[n++] = (struct pollfd){.fd = want_read && e->tokens >= 1 ? e->master : -1, .events = POLLIN};
        pf[n++] = (struct pollfd){.fd = e->listen_fd, .events = POLLIN};
        for (int i = 0; i < MAX_CLIENTS; i++)
            pf[n++] = (struct pollfd){.fd = e->clients[i], .events = POLLIN};
        int r = poll(pf, (nfds_t)n, timeout);
        if (r < 0 && errno != EINTR) {
            fprintf(stderr, "emulator: poll: %s\n", strerror(errno));
            return 1;
        }
        bool polled = pf[0].fd >= 0;
        if (polled && r > 0 && (pf[0].revents & POLLIN)) {
            uint8_t in[256];
            size_t want = (size_t)e->tokens;
            if (want > sizeof in)
                want = sizeof in;
            if (want > BUF_CAP - e->buf_len)
                want = BUF_CAP - e->buf_len;
            ssize_t got = read(e->master, in, want);
            e->line_busy = got == (ssize_t)want;
            if (got > 0) {
                e->tokens -= (double)got;
                receive(e, in, (size_t)got);
            }
        } else if (polled || !want_read) {
            e->line_busy = false;  /* nothing waiting, or the line is held */
        }
        process(e);
        if (r > 0 && (pf[1].revents & POLLIN)) {
            int c = accept(e->listen_fd, NULL, NULL);
            for (int i = 0; c >= 0 && i < MAX_CLIENTS; i++)
                if (e->clients[i] < 0) {
                    e->clients[i] = c;
                    c = -1;
                }
            if (c >= 0)
                close(c);
        }
        for (int i = 0; r > 0 && i < MAX_CLIENTS; i++)
            if (e->clients[i] >= 0 && (pf[2 + i].revents & (POLLIN | POLLHUP)))
                client_input(e, i);
        process(e);
        now = now_ns();
        if (e->replug_at && now >= e->replug_at)
            replug(e);
        if (e->garbage && e->master >= 0 && now >= e->next_garbage) {
            send_garbage(e, 3);
            e->next_garbage = now + 300 * 1000000LL;
        }
    }
}

static void close_all(emu *e)
{
    int fds[] = {e->master, e->slave_keep, e->next_master, e->next_keep, e->listen_fd};
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    for (int i = 0; i < MAX_CLIENTS; i++)
        if (e->clients[i] >= 0)
            close(e->clients[i]);
}

int main(int argc, char **argv)
{
    emu e = {.out = ".", .baud = 9600, .xonxoff = true, .png = true, .replug_ms = 1500, .dots = 576,
             .master = -1, .slave_keep = -1, .next_master = -1, .next_keep = -1, .listen_fd = -1, .lcg = 12345};
    const char *fonts = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--no-png") == 0) {
            e.png = false;
        } else if (!v) {
            fprintf(stderr, "emulator: %s needs a value (or is unknown)\n", a);
            usage(stderr);
            return 2;
        } else if (strcmp(a, "--link") == 0) {
            e.link = v, i++;
        } else if (strcmp(a, "--control") == 0) {
            e.control = v, i++;
        } else if (strcmp(a, "--out") == 0) {
            e.out = v, i++;
        } else if (strcmp(a, "--fonts") == 0) {
            fonts = v, i++;
        } else if (strcmp(a, "--baud") == 0) {
            e.baud = atoi(v), i++;
        } else if (strcmp(a, "--replug-ms") == 0) {
            e.replug_ms = atoi(v), i++;
        } else if (strcmp(a, "--flow") == 0) {
            e.xonxoff = strcmp(v, "none") != 0, i++;
        } else {
            fprintf(stderr, "emulator: unknown option %s\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (e.baud < 300 || e.baud > 4000000 || e.replug_ms < 0) {
        fprintf(stderr, "emulator: --baud must be 300..4000000 and --replug-ms >= 0\n");
        return 2;
    }
    for (int i = 0; i < MAX_CLIENTS; i++)
        e.clients[i] = -1;
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);

    static const char *const regular[] = {"DejaVuSansMono.ttf", "DejaVuSans.ttf", NULL};
    static const char *const bold[] = {"DejaVuSansMono-Bold.ttf", "DejaVuSans-Bold.ttf", NULL};
    char reg_path[PATH_MAX], bold_path[PATH_MAX];
    if (e.png) {
        const char *r = find_font(fonts, regular, reg_path, sizeof reg_path);
        const char *b = find_font(fonts, bold, bold_path, sizeof bold_path);
        if (!r || !b || emu_render_init(r, b) != 0) {
            fprintf(stderr, "emulator: no DejaVu font found (use --fonts DIR or --no-png)\n");
            return 1;
        }
    }
    int status = 1;
    e.parser = emu_parser_new(e.dots, on_cut, &e);
    if (!e.parser)
        goto end;
    emu_parser_on_process_id(e.parser, on_process_id);
    if (e.control && (e.listen_fd = listen_control(e.control)) < 0)
        goto end;
    if (open_pty(&e.master, &e.slave_keep, e.slave, sizeof e.slave) != 0 || publish(&e) != 0)
        goto end;
    e.last_ns = now_ns();
    status = run(&e);
end:
    close_all(&e);
    if (e.control && e.listen_fd >= 0)
        unlink(e.control);
    emu_parser_free(e.parser);
    if (e.png)
        emu_render_quit();
    return status;
}
