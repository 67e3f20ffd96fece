/* What the benchmarks that run the real `borne` program share (bench_shell, bench_speech): the
 * clock, Xvfb and an external pixel probe on its framebuffer, the notify socket, and a process's
 * CPU time and memory read from /proc. Figures only: nothing here asserts. */
#ifndef BENCH_PROC_H
#define BENCH_PROC_H

#include <X11/Xlib.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

double bench_now_ms(void);
void bench_sleep_ms(int ms);
int bench_cmp_double(const void *a, const void *b);
/* /proc/loadavg's line ("?\n" when unreadable). */
const char *bench_loadavg(void);

/* Starts Xvfb (w x h, black root) on the first free display number and connects to it; NULL
 * when it did not come up within 10 s. bench_xvfb_display() names it for DISPLAY. */
Display *bench_xvfb_start(int w, int h);
const char *bench_xvfb_display(void);
void bench_xvfb_stop(void);
/* A full-screen window is drawn when points spread over the screen are no longer the black root. */
bool bench_frame_on_screen(Display *d, int w, int h);

/* A datagram socket bound at path for NOTIFY_SOCKET; -1 on failure. */
int bench_notify_socket(const char *path);

/* utime + stime of every thread of pid, in clock ticks; -1 when unreadable. */
double bench_cpu_ticks(pid_t pid);
/* Pss and Rss from /proc/PID/smaps_rollup, in MiB (-1 when unreadable). */
void bench_memory(pid_t pid, double *pss_mib, double *rss_mib);

/* Forks the real `borne` (BORNE_BIN) on the demo antenne (BENCH_ASSETS_DIR), a w x h window, its
 * store and log in dir, with the environment pairs env added (name, value, ..., NULL). The
 * child's pid, or -1. */
pid_t bench_spawn_borne(const char *dir, int w, int h, const char *const *env);
/* Removes the files `leaves` of dir, then dir. */
void bench_remove_dir(const char *dir, const char *const *leaves, size_t n);

#endif
