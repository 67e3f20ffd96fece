/* sd_notify wrapper for borne.service (Type=notify, WatchdogSec=). See borne/watchdog.h. */
#include "borne/watchdog.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

struct watchdog {
    uint64_t interval_usec; /* 0: systemd does not watch us */
    uint64_t last_ping_usec;
    bool pinged;            /* last_ping_usec is meaningful */
    bool freeze_armed;      /* BORNE_DEBUG_FREEZE=1 at open */
};

/* Process-wide because signal dispositions are: one flag for the one main loop. */
static volatile sig_atomic_t freeze_signalled;

static void on_sigusr2(int sig)
{
    (void)sig;
    freeze_signalled = 1;
}

static int arm_debug_freeze(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigusr2;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    return sigaction(SIGUSR2, &sa, NULL) == 0 ? 0 : -errno;
}

int watchdog_open(watchdog **out)
{
    uint64_t usec = 0;
    /* 0: keep WATCHDOG_* in the environment; unsetenv() is not safe once SDL threads run. */
    int r = sd_watchdog_enabled(0, &usec);
    if (r < 0)
        return r;
    watchdog *w = calloc(1, sizeof *w);
    if (!w)
        return -ENOMEM;
    w->interval_usec = r > 0 ? usec : 0;
    const char *freeze = getenv("BORNE_DEBUG_FREEZE");
    if (freeze && strcmp(freeze, "1") == 0) {
        r = arm_debug_freeze();
        if (r < 0) {
            free(w);
            return r;
        }
        w->freeze_armed = true;
    }
    *out = w;
    return 0;
}

void watchdog_close(watchdog *w)
{
    free(w);
}

bool watchdog_enabled(const watchdog *w)
{
    return w->interval_usec > 0;
}

uint64_t watchdog_interval_usec(const watchdog *w)
{
    return w->interval_usec;
}

/* sd_notify answers >0 when sent and 0 without NOTIFY_SOCKET: both are success here. */
static int notify(const char *state)
{
    int r = sd_notify(0, state);
    return r < 0 ? r : 0;
}

static int notify_with_status(const char *prefix, const char *status)
{
    char buf[256];
    size_t n = strlen(prefix);
    memcpy(buf, prefix, n);
    for (const char *s = status; *s && n < sizeof buf - 1; s++) {
        unsigned char c = (unsigned char)*s;
        buf[n++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
    }
    buf[n] = '\0';
    return notify(buf);
}

int watchdog_ready(watchdog *w, const char *status)
{
    (void)w;
    return notify_with_status("READY=1\nSTATUS=", status);
}

int watchdog_status(watchdog *w, const char *status)
{
    (void)w;
    return notify_with_status("STATUS=", status);
}

/* A quarter of the interval: the loop sleeps until the next ping is due and may wake a few
 * milliseconds late, so pings stay well within half of WatchdogSec, as sd_watchdog_enabled(3)
 * advises; one late loop turn is never a kill. */
static uint64_t ping_period(const watchdog *w)
{
    return w->interval_usec / 4;
}

int watchdog_ping_at(watchdog *w, uint64_t now_usec)
{
    if (w->interval_usec == 0)
        return 0;
    if (w->pinged && now_usec - w->last_ping_usec < ping_period(w))
        return 0;
    int r = sd_notify(0, "WATCHDOG=1");
    if (r < 0)
        return r;
    w->pinged = true;
    w->last_ping_usec = now_usec;
    return r > 0 ? 1 : 0;
}

static uint64_t mono_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int watchdog_ping(watchdog *w)
{
    if (w->interval_usec == 0)
        return 0;
    return watchdog_ping_at(w, mono_usec());
}

int watchdog_next_ping_ms(const watchdog *w)
{
    if (w->interval_usec == 0)
        return -1;
    if (!w->pinged)
        return 0;
    uint64_t now = mono_usec(), due = w->last_ping_usec + ping_period(w);
    if (now >= due)
        return 0;
    uint64_t ms = (due - now + 999) / 1000;
    return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

int watchdog_stopping(watchdog *w)
{
    (void)w;
    return notify("STOPPING=1");
}

bool watchdog_debug_freeze_requested(const watchdog *w)
{
    return w->freeze_armed && freeze_signalled;
}

void watchdog_debug_freeze_point(watchdog *w)
{
    if (!watchdog_debug_freeze_requested(w))
        return;
    /* Best effort: the point is to hang, and a failed status line must not prevent it. */
    (void)notify("STATUS=debug freeze: main loop stopped on SIGUSR2");
    for (;;)
        pause();
}
