/* The real `borne` program on the display path a user gets (figures printed, never asserted):
 * the kiosk role with the demo antenne, full window, under Xvfb at 1920x1080 and 800x480, and
 * the same on SDL's dummy driver. For each:
 *   - exec -> first frame: on X11 seen on the X framebuffer by this program's own pixel probe
 *     (XGetImage on the root window, polling, not the program's clock); on the dummy driver,
 *     where nothing can be seen, exec -> READY=1 on a notify socket this program owns (READY is
 *     sent right after the first frame is presented). Best and median of BENCH_STARTS starts.
 *   - READY=1 on X11 too, to show what the program's own signal is worth;
 *   - PSS from /proc/PID/smaps_rollup 10 s after the first frame;
 *   - CPU over BENCH_IDLE_S seconds (default 60) idle on the home screen with the clock showing,
 *     from /proc/PID/stat (every thread);
 *   - the shared objects mapped, and whether any GL stack (libGL, libEGL, libLLVM, *_dri) is.
 * Goals on the X11 path (issue 11): first frame <= 50 ms, PSS <= 16 MiB, idle CPU <= 0.05 % of
 * a core, no libGL/libLLVM mapped. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_proc.h"

#define MAX_SO 160

typedef struct result {
    const char *path;          /* "x11", "dummy" */
    int w, h;
    double first_best_ms, first_median_ms;
    double ready_median_ms;    /* exec -> READY=1 */
    double pss_mib, rss_mib;
    double idle_cpu_pct;
    int n_so;
    bool gl_mapped;
    char gl_names[256];
    char so[MAX_SO][64];
} result;

static char tmpdir[256];
static int starts = 5, idle_s = 60;

/* ---- the program ------------------------------------------------------------------------------ */

typedef struct run {
    pid_t pid;
    int notify_fd;
    double exec_ms;
    double ready_ms;           /* -1 until READY=1 */
} run;

static bool start_borne(run *r, const char *driver, int w, int h)
{
    char sock[320];
    snprintf(sock, sizeof sock, "%s/notify.sock", tmpdir);
    r->notify_fd = bench_notify_socket(sock);
    r->ready_ms = -1;
    if (r->notify_fd < 0)
        return false;
    bool x11 = strcmp(driver, "x11") == 0;
    const char *const env[] = {"NOTIFY_SOCKET", sock, "SDL_VIDEODRIVER", driver, "SDL_AUDIODRIVER", "dummy",
                               x11 ? "DISPLAY" : NULL, bench_xvfb_display(), NULL};
    r->exec_ms = bench_now_ms();
    r->pid = bench_spawn_borne(tmpdir, w, h, env);
    return r->pid > 0;
}

static void poll_notify(run *r, int timeout_ms)
{
    struct pollfd p = {.fd = r->notify_fd, .events = POLLIN};
    if (poll(&p, 1, timeout_ms) <= 0)
        return;
    char buf[512];
    ssize_t n = recv(r->notify_fd, buf, sizeof buf - 1, MSG_DONTWAIT);
    if (n <= 0)
        return;
    buf[n] = '\0';
    if (r->ready_ms < 0 && strstr(buf, "READY=1"))
        r->ready_ms = bench_now_ms() - r->exec_ms;
}

static void stop_borne(run *r)
{
    kill(r->pid, SIGTERM);
    waitpid(r->pid, NULL, 0);
    close(r->notify_fd);
}

/* exec -> first frame (X11: the probe; dummy: READY=1). -1 if it never came within 30 s. */
static double first_frame(run *r, Display *d, int w, int h)
{
    double seen = -1;
    while (bench_now_ms() - r->exec_ms < 30000) {
        if (d && bench_frame_on_screen(d, w, h)) {
            seen = bench_now_ms() - r->exec_ms;
            break;
        }
        poll_notify(r, d ? 0 : 1);
        if (!d && r->ready_ms >= 0)
            return r->ready_ms;
    }
    while (r->ready_ms < 0 && bench_now_ms() - r->exec_ms < 30000)
        poll_notify(r, 10);
    return seen;
}

static void shared_objects(pid_t pid, result *res)
{
    char path[64], line[1024];
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f)) {
        char *file = strchr(line, '/');
        if (!file || !strstr(file, ".so"))
            continue;
        file[strcspn(file, "\n")] = '\0';
        const char *base = strrchr(file, '/') + 1;
        bool known = false;
        for (int i = 0; i < res->n_so && !known; i++)
            known = strcmp(res->so[i], base) == 0;
        if (known || res->n_so >= MAX_SO)
            continue;
        snprintf(res->so[res->n_so++], sizeof res->so[0], "%s", base);
        if (strstr(base, "libGL") || strstr(base, "libEGL") || strstr(base, "libLLVM") || strstr(base, "_dri")) {
            res->gl_mapped = true;
            size_t n = strlen(res->gl_names);
            snprintf(res->gl_names + n, sizeof res->gl_names - n, "%s%s", n ? " " : "", base);
        }
    }
    if (f)
        fclose(f);
}

static void memory(pid_t pid, result *res) { bench_memory(pid, &res->pss_mib, &res->rss_mib); }

static void measure(result *res)
{
    bool x11 = strcmp(res->path, "x11") == 0;
    Display *d = NULL;
    if (x11) {
        if (!(d = bench_xvfb_start(res->w, res->h))) {
            fprintf(stderr, "bench_shell: Xvfb %dx%d did not start\n", res->w, res->h);
            bench_xvfb_stop();
            return;
        }
    }
    double first[32], ready[32];
    int n = 0;
    for (int i = 0; i < starts && i < 32; i++) {
        run r;
        if (!start_borne(&r, res->path, res->w, res->h))
            break;
        first[n] = first_frame(&r, d, res->w, res->h);
        ready[n++] = r.ready_ms;
        if (i + 1 < starts) {
            stop_borne(&r);
            if (d) {   /* back to a black root before the next start */
                XClearWindow(d, DefaultRootWindow(d));
                XSync(d, False);
            }
            continue;
        }
        /* The last start stays: memory 10 s after the first frame, then the idle CPU. */
        bench_sleep_ms(10000);
        memory(r.pid, res);
        shared_objects(r.pid, res);
        double c0 = bench_cpu_ticks(r.pid), w0 = bench_now_ms();
        bench_sleep_ms(idle_s * 1000);
        double c1 = bench_cpu_ticks(r.pid), w1 = bench_now_ms();
        res->idle_cpu_pct = 100.0 * (c1 - c0) / (double)sysconf(_SC_CLK_TCK) / ((w1 - w0) / 1000.0);
        stop_borne(&r);
    }
    qsort(first, (size_t)n, sizeof first[0], bench_cmp_double);
    qsort(ready, (size_t)n, sizeof ready[0], bench_cmp_double);
    res->first_best_ms = n ? first[0] : -1;
    res->first_median_ms = n ? first[n / 2] : -1;
    res->ready_median_ms = n ? ready[n / 2] : -1;
    if (d)
        XCloseDisplay(d);
    bench_xvfb_stop();
}

/* exec -> exit of `borne --help`: the dynamic loader and libc start, the floor under any first
 * frame of this binary. Median of `starts` runs. */
static double loader_floor_ms(void)
{
    double t[32];
    int n = 0;
    for (; n < starts && n < 32; n++) {
        double t0 = bench_now_ms();
        pid_t pid = fork();
        if (pid == 0) {
            int null = open("/dev/null", O_WRONLY);
            dup2(null, 1);
            execl(BORNE_BIN, BORNE_BIN, "--help", (char *)NULL);
            _exit(127);
        }
        waitpid(pid, NULL, 0);
        t[n] = bench_now_ms() - t0;
    }
    qsort(t, (size_t)n, sizeof t[0], bench_cmp_double);
    return t[n / 2];
}

int main(void)
{
    const char *env = getenv("BENCH_IDLE_S");
    if (env && atoi(env) > 0)
        idle_s = atoi(env);
    env = getenv("BENCH_STARTS");
    if (env && atoi(env) > 0)
        starts = atoi(env);
    snprintf(tmpdir, sizeof tmpdir, "/tmp/bench_shell-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    result res[4] = {{.path = "x11", .w = 1920, .h = 1080},
                     {.path = "x11", .w = 800, .h = 480},
                     {.path = "dummy", .w = 1920, .h = 1080},
                     {.path = "dummy", .w = 800, .h = 480}};
    printf("bench_shell: borne --role kiosk (demo antenne), %d starts each, idle %d s (BENCH_STARTS, "
           "BENCH_IDLE_S)\n", starts, idle_s);
    fflush(stdout);
    for (int i = 0; i < 4; i++)
        measure(&res[i]);
    printf("  %-18s %14s %14s %12s %10s %12s %6s %s\n", "path", "first best", "first median", "READY med",
           "PSS", "idle CPU", ".so", "GL stack");
    for (int i = 0; i < 4; i++) {
        char what[32];
        snprintf(what, sizeof what, "%s %dx%d", res[i].path, res[i].w, res[i].h);
        printf("  %-18s %11.1f ms %11.1f ms %9.1f ms %6.1f MiB %10.3f %% %6d %s\n", what, res[i].first_best_ms,
               res[i].first_median_ms, res[i].ready_median_ms, res[i].pss_mib, res[i].idle_cpu_pct, res[i].n_so,
               res[i].gl_mapped ? res[i].gl_names : "none");
    }
    printf("  exec -> exit of borne --help (loader floor, median): %.1f ms; load average %s", loader_floor_ms(),
           bench_loadavg());
    printf("  first frame: x11 = seen on the X framebuffer by XGetImage polling; dummy = READY=1 (no "
           "framebuffer to look at)\n");
    printf("  goals on x11: first frame <= 50 ms, PSS <= 16 MiB, idle CPU <= 0.05 %% of a core, no GL stack\n");
    printf("  shared objects mapped (x11 1920x1080):");
    for (int i = 0; i < res[0].n_so; i++)
        printf(" %s", res[0].so[i]);
    printf("\n");
    const char *const leaves[] = {"notify.sock", "bench.db", "bench.db-wal", "bench.db-shm", "borne.log"};
    bench_remove_dir(tmpdir, leaves, sizeof leaves / sizeof leaves[0]);
    return 0;
}
