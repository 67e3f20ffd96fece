/* See bench_proc.h. */
#include "bench_proc.h"

#include <X11/Xutil.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *bench_loadavg(void)
{
    static char buf[64] = "?\n";
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (!fgets(buf, sizeof buf, f))
            snprintf(buf, sizeof buf, "?\n");
        fclose(f);
    }
    return buf;
}

double bench_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void bench_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static pid_t xvfb_pid;
static char display_name[16];

const char *bench_xvfb_display(void) { return display_name; }

Display *bench_xvfb_start(int w, int h)
{
    int num = 90;
    for (char lock[64]; num < 200; num++) {
        snprintf(lock, sizeof lock, "/tmp/.X%d-lock", num);
        if (access(lock, F_OK) != 0)
            break;
    }
    snprintf(display_name, sizeof display_name, ":%d", num);
    char screen[32];
    snprintf(screen, sizeof screen, "%dx%dx24", w, h);
    xvfb_pid = fork();
    if (xvfb_pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        /* -br: a black root, so the first frame is the first non-black pixel. */
        execlp("Xvfb", "Xvfb", display_name, "-screen", "0", screen, "-br", "-nolisten", "tcp", "-noreset",
               (char *)NULL);
        _exit(127);
    }
    for (double until = bench_now_ms() + 10000; bench_now_ms() < until; bench_sleep_ms(20)) {
        Display *d = XOpenDisplay(display_name);
        if (d)
            return d;
    }
    return NULL;
}

void bench_xvfb_stop(void)
{
    if (xvfb_pid > 0) {
        kill(xvfb_pid, SIGTERM);
        waitpid(xvfb_pid, NULL, 0);
        xvfb_pid = 0;
    }
}

bool bench_frame_on_screen(Display *d, int w, int h)
{
    const int pts[5][2] = {{w / 2, h / 2}, {8, 8}, {w - 9, 8}, {8, h - 9}, {w - 9, h - 9}};
    Window root = DefaultRootWindow(d);
    for (int i = 0; i < 5; i++) {
        XImage *img = XGetImage(d, root, pts[i][0], pts[i][1], 1, 1, AllPlanes, ZPixmap);
        unsigned long px = img ? XGetPixel(img, 0, 0) : 0;
        if (img)
            XDestroyImage(img);
        if ((px & 0xffffff) == 0)
            return false;
    }
    return true;
}

int bench_notify_socket(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path)
        return -1;
    memcpy(sa.sun_path, path, strlen(path) + 1);
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

double bench_cpu_ticks(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f || !fgets(buf, sizeof buf, f)) {
        if (f)
            fclose(f);
        return -1;
    }
    fclose(f);
    char *p = strrchr(buf, ')');
    unsigned long utime = 0, stime = 0;
    /* fields after the command: state(3) ... utime(14) stime(15) */
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
        return -1;
    return (double)(utime + stime);
}

void bench_memory(pid_t pid, double *pss_mib, double *rss_mib)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
    FILE *f = fopen(path, "r");
    long rss = -1, pss = -1;
    while (f && fgets(line, sizeof line, f)) {
        sscanf(line, "Rss: %ld kB", &rss);
        sscanf(line, "Pss: %ld kB", &pss);
    }
    if (f)
        fclose(f);
    *rss_mib = rss < 0 ? -1 : rss / 1024.0;
    *pss_mib = pss < 0 ? -1 : pss / 1024.0;
}

void bench_remove_dir(const char *dir, const char *const *leaves, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, leaves[i]);
        unlink(path);
    }
    rmdir(dir);
}

pid_t bench_spawn_borne(const char *dir, int w, int h, const char *const *env)
{
    char store[512], log[512], window[32];
    snprintf(store, sizeof store, "%s/bench.db", dir);
    snprintf(log, sizeof log, "%s/borne.log", dir);
    snprintf(window, sizeof window, "%dx%d", w, h);
    pid_t pid = fork();
    if (pid == 0) {
        int out = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        dup2(out, 1);
        dup2(out, 2);
        for (int i = 0; env[i] && env[i + 1]; i += 2)
            setenv(env[i], env[i + 1], 1);
        execl(BORNE_BIN, BORNE_BIN, "--config", BENCH_ASSETS_DIR "/demo/borne.ini", "--assets", BENCH_ASSETS_DIR,
              "--store", store, "--window", window, (char *)NULL);
        _exit(127);
    }
    return pid;
}
