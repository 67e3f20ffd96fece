/* bench_printer: encode time and size of a ticket; through libserialport + pty shim + the
 * emulator (which reads at the simulated baud rate): submit -> first byte on the line, and
 * whole ticket on the wire against the line limit bytes x 10 / baud. Figures only. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "borne/escpos.h"
#include "borne/printer.h"
#include "printer_emulator_client.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static uint64_t done_id;
static printer_job_result done_result;

static void on_job(uint64_t id, printer_job_result r, void *ctx)
{
    (void)ctx;
    pthread_mutex_lock(&mu);
    done_id = id;
    done_result = r;
    pthread_mutex_unlock(&mu);
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_ms(int ms)
{
    nanosleep(&(struct timespec){0, (long)ms * 1000000L}, NULL);
}

static printer_ticket ticket(void)
{
    printer_ticket t = {.antenne = "Antenne de Lyon", .label = "A042", .service = "Aides individuelles",
                        .when = "lun. 23/11/2026 14:05", .ahead = "3 personnes avant vous",
                        .wait = "Attente estimée : 10 à 20 min",
                        .message = "Merci de patienter : un conseiller vous appellera à l'écran.",
                        .qr = "https://borne.example/t/A042"};
    return t;
}

static void bench_encode(void)
{
    printer_ticket t = ticket();
    size_t np;
    const escpos_profile *all = escpos_profiles(&np);
    static uint8_t buf[16384];
    for (size_t i = 0; i < np; i++) {
        enum { N = 20000 };
        int n = 0;
        int64_t t0 = now_ns();
        for (int k = 0; k < N; k++)
            n = escpos_encode_ticket(&all[i], &t, buf, sizeof buf);
        double per = (double)(now_ns() - t0) / N;
        printf("encode %-22s %6.2f us/ticket  %5d bytes/ticket\n", all[i].name, per / 1000.0, n);
    }
}

static void bench_line(int baud, const char *tmp)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/bench-printer-%d-XXXXXX", tmp, baud);
    if (!mkdtemp(dir)) {
        printf("line %6d: mkdtemp: %s\n", baud, strerror(errno));
        return;
    }
    emuctl emu;
    int r = emuctl_start(&emu, dir, baud, false);
    if (r != 0) {
        printf("line %6d: emulator: %s\n", baud, strerror(-r));
        return;
    }
    printer_config cfg = {.baud = baud, .flow = PRINTER_FLOW_XONXOFF, .probe_interval_ms = 1000};
    snprintf(cfg.device, sizeof cfg.device, "%s", emu.link);
    snprintf(cfg.model, sizeof cfg.model, "epson-tm-t20");
    printer_callbacks cb = {.on_job = on_job};
    printer *p;
    if (printer_start(&p, &cfg, NULL, NULL, &cb) != 0) {
        emuctl_stop(&emu);
        return;
    }
    int64_t t0 = now_ns();
    while (printer_get_state(p) != PRINTER_READY && now_ns() - t0 < 10 * 1000000000LL)
        sleep_ms(5);
    printer_ticket t = ticket();
    uint8_t enc[ESCPOS_TICKET_MAX];
    int bytes = escpos_encode_ticket(escpos_profile_find("epson-tm-t20"), &t, enc, sizeof enc);
    double limit_ms = bytes * 10.0 * 1000.0 / baud;
    enum { ROUNDS = 5 };
    double first_sum = 0, wire_sum = 0, first_max = 0, wire_max = 0;
    int ok = 0;
    for (int k = 0; k < ROUNDS; k++) {
        sleep_ms(300);  /* idle between visitors, as at the kiosk */
        uint64_t id;
        int64_t s = now_ns();
        if (printer_submit(p, &t, &id) != 0)
            continue;
        int64_t w0 = now_ns();
        for (;;) {
            pthread_mutex_lock(&mu);
            bool done = done_id == id;
            pthread_mutex_unlock(&mu);
            if (done || now_ns() - w0 > 20 * 1000000000LL)
                break;
            sleep_ms(1);
        }
        long long start = emuctl_stat(&emu, "start_ns"), end = emuctl_stat(&emu, "end_ns");
        if (done_result != PRINTER_JOB_PRINTED || start <= 0 || end < start)
            continue;
        double first = (double)(start - s) / 1e6, wire = (double)(end - start) / 1e6;
        first_sum += first;
        wire_sum += wire;
        first_max = first > first_max ? first : first_max;
        wire_max = wire > wire_max ? wire : wire_max;
        ok++;
    }
    if (ok)
        printf("line %6d baud: %d bytes, line limit %7.1f ms | first byte avg %6.2f ms max %6.2f ms | "
               "on the wire avg %7.1f ms max %7.1f ms = %.3f x limit (%d/%d printed)\n",
               baud, bytes, limit_ms, first_sum / ok, first_max, wire_sum / ok, wire_max, wire_sum / ok / limit_ms,
               ok, ROUNDS);
    else
        printf("line %6d baud: no ticket printed\n", baud);
    printer_stop(p);
    emuctl_stop(&emu);
}

int main(int argc, char **argv)
{
    (void)argc;
    /* libserialport must see the pty shim from process start: re-exec with it preloaded. */
    if (!getenv("LD_PRELOAD")) {
        setenv("LD_PRELOAD", BENCH_SHIM, 1);
        setenv("ASAN_OPTIONS", "verify_asan_link_order=0", 0);
        setenv("BORNE_PRINTER_EMULATOR", BENCH_EMULATOR, 0);
        execv("/proc/self/exe", argv);
        perror("bench_printer: re-exec");
        return 1;
    }
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    printf("bench_printer (figures only)\n");
    bench_encode();
    bench_line(9600, tmp);
    bench_line(38400, tmp);
    bench_line(115200, tmp);
    return 0;
}
