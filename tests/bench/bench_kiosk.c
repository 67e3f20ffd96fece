/* Kiosk figures (printed, never asserted): cold start to first frame, frame time at 1080x1920
 * with the software renderer, tap -> printer_submit and tap -> first byte at the printer,
 * memory idle and after 1,000 tickets issued through the UI, CPU while idle on home. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "borne/ui.h"
#include "test_kiosk_fixture.h"
#include "testlib.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void memory(const char *when)
{
    FILE *fp = fopen("/proc/self/smaps_rollup", "r");
    if (!fp) {
        printf("  memory %-28s: /proc/self/smaps_rollup unavailable\n", when);
        return;
    }
    char line[256];
    long rss = -1, pss = -1;
    while (fgets(line, sizeof line, fp)) {
        sscanf(line, "Rss: %ld kB", &rss);
        sscanf(line, "Pss: %ld kB", &pss);
    }
    fclose(fp);
    printf("  memory %-28s: RSS %.1f MiB, PSS %.1f MiB\n", when, rss / 1024.0, pss / 1024.0);
}

static bool printer_ready(fixture *f)
{
    return printer_get_state(f->p) == PRINTER_READY;
}

static bool printer_sent_something(fixture *f)
{
    uint8_t buf[4096];
    return printer_fake_take_output(f->fake, buf, sizeof buf) > 0;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static Uint32 post_quit(Uint32 interval, void *param)
{
    (void)interval;
    (void)param;
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_QUIT;
    SDL_PushEvent(&e);
    return 0;
}

static void production_probe(borne_config *c)
{
    c->printer.probe_interval_ms = 1000;
}

int main(void)
{
    double t0 = now_ms();
    setenv("SDL_VIDEODRIVER", getenv("SDL_VIDEODRIVER") ? getenv("SDL_VIDEODRIVER") : "dummy", 1);
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    setenv("BORNE_ASSETS", BENCH_ASSETS_DIR, 0);
    const fixture_screen *portrait = &fixture_screens[2];
    fixture f;
    if (!fixture_open(&f, "bench-kiosk", portrait, production_probe, fixture_open_time_ms(), true))
        return 1;
    ui_set_readback(kiosk_get_ui(f.k), false);   /* as in production: no pixel read-back */
    kiosk_render(f.k);
    SDL_RenderPresent(f.r);
    double first = now_ms() - t0;
    printf("bench_kiosk (%s, software renderer, SDL_VIDEODRIVER=%s)\n", portrait->name, getenv("SDL_VIDEODRIVER"));
    printf("  cold start to first frame (engine, printer thread, fonts, catalogs): %.1f ms\n", first);
    memory("after first frame");

    /* Frame times: home redrawn (cached text) and screens switched (new text each time). */
    enum { FRAMES = 200 };
    static double home[FRAMES], mixed[FRAMES];
    for (int i = 0; i < FRAMES; i++) {
        double s = now_ms();
        kiosk_render(f.k);
        SDL_RenderPresent(f.r);
        home[i] = now_ms() - s;
    }
    static const kiosk_screen cycle[] = {KIOSK_HOME, KIOSK_SERVICES, KIOSK_FEEDBACK, KIOSK_CHECKIN};
    for (int i = 0; i < FRAMES; i++) {
        kiosk_show(f.k, cycle[i % 4]);
        double s = now_ms();
        kiosk_render(f.k);
        SDL_RenderPresent(f.r);
        mixed[i] = now_ms() - s;
    }
    qsort(home, FRAMES, sizeof home[0], cmp_double);
    qsort(mixed, FRAMES, sizeof mixed[0], cmp_double);
    printf("  frame time, home redrawn     : p50 %.2f ms, p99 %.2f ms\n", home[FRAMES / 2], home[FRAMES * 99 / 100]);
    printf("  frame time, screen switches  : p50 %.2f ms, p99 %.2f ms\n", mixed[FRAMES / 2], mixed[FRAMES * 99 / 100]);
    kiosk_show(f.k, KIOSK_HOME);

    /* Tap on a service tile: issue in SQLite + printer_submit, then the first byte at the printer. */
    fixture_pump(&f, printer_ready, 5000);
    printer_sent_something(&f);
    enum { TAPS = 50 };
    static double tap[TAPS], byte[TAPS];
    int sx, sy, tx, ty, dx, dy;
    for (int i = 0; i < TAPS; i++) {
        kiosk_show(f.k, KIOSK_HOME);
        kiosk_find_target(f.k, "Prendre un ticket", &tx, &ty);
        kiosk_tap(f.k, tx, ty);
        kiosk_find_target(f.k, "Aides individuelles", &sx, &sy);
        double s = now_ms();
        kiosk_tap(f.k, sx, sy);
        tap[i] = now_ms() - s;
        while (!printer_sent_something(&f) && now_ms() - s < 2000)
            SDL_Delay(0);
        byte[i] = now_ms() - s;
        fixture_pump(&f, NULL, 0);
    }
    qsort(tap, TAPS, sizeof tap[0], cmp_double);
    qsort(byte, TAPS, sizeof byte[0], cmp_double);
    printf("  tap -> ticket issued + printer_submit returned: p50 %.2f ms, p99 %.2f ms\n", tap[TAPS / 2],
           tap[TAPS * 99 / 100]);
    printf("  tap -> first byte at the (in-memory) printer  : p50 %.2f ms, p99 %.2f ms\n", byte[TAPS / 2],
           byte[TAPS * 99 / 100]);
    memory("idle on home");

    /* 1,000 tickets through the UI: home -> service -> result -> done. */
    double s = now_ms();
    for (int i = 0; i < 1000; i++) {
        kiosk_show(f.k, KIOSK_HOME);
        kiosk_find_target(f.k, "Prendre un ticket", &tx, &ty);
        kiosk_tap(f.k, tx, ty);
        kiosk_find_target(f.k, i % 2 ? "Formation" : "Aides individuelles", &sx, &sy);
        kiosk_tap(f.k, sx, sy);
        kiosk_find_target(f.k, "Terminé", &dx, &dy);
        kiosk_tap(f.k, dx, dy);
        printer_sent_something(&f);
        fixture_pump(&f, NULL, 0);
    }
    printf("  1,000 tickets through the UI: %.0f ms (%.2f ms per ticket, 3 taps + 3 frames each)\n", now_ms() - s,
           (now_ms() - s) / 1000);
    memory("after 1,000 tickets");

    /* Idle on home in the program's loop (the shell's) until a timer posts SDL_QUIT. */
    const char *env = getenv("BENCH_IDLE_S");
    int idle_s = env ? atoi(env) : 10;
    kiosk_show(f.k, KIOSK_HOME);
    SDL_AddTimer((Uint32)idle_s * 1000, post_quit, NULL);
    double c0 = cpu_s(), w0 = now_ms();
    shell_run(f.sh, &fixture_kiosk_role, &f);
    double cpu = cpu_s() - c0, wall = (now_ms() - w0) / 1000;
    printf("  idle on home for %d s in the shell loop (BENCH_IDLE_S), dummy driver, printer thread included: %.3f %% of a core\n", idle_s,
           100 * cpu / wall);
    fixture_close(&f);
    return 0;
}
