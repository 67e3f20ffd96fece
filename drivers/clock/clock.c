/* Wall-clock trust and backward-jump detection. See borne/clock.h. */
#include "borne/clock.h"

#include <stdatomic.h>
#include <string.h>
#include <sys/timex.h>
#include <unistd.h>

#ifndef BORNE_BUILD_DAY
#error "BORNE_BUILD_DAY (Unix time of the build day) comes from drivers/clock/CMakeLists.txt"
#endif

int64_t clock_build_day(void)
{
    return (int64_t)BORNE_BUILD_DAY;
}

void clock_policy_default(clock_policy *p)
{
    memset(p, 0, sizeof *p);
    p->min_plausible = clock_build_day();
    p->sync_flag_path = "/run/systemd/timesync/synchronized";
    p->use_kernel_sync = true;
    /* Tickets show minutes: a second of uncertainty is plenty, and a freshly stepped clock
     * reports far less. An unsynced kernel reports 16 s (NTP_PHASE_LIMIT) or more. */
    p->max_error_us = 1000000;
    p->plausible_is_enough = false;
}

static bool flag_file_says_synced(const clock_policy *p)
{
    return p->sync_flag_path && p->sync_flag_path[0] && access(p->sync_flag_path, F_OK) == 0;
}

static bool kernel_says_synced(const clock_policy *p)
{
    if (!p->use_kernel_sync)
        return false;
    struct timex tx;
    memset(&tx, 0, sizeof tx); /* modes = 0: read, never adjust */
    int state = p->read_kernel ? p->read_kernel(&tx) : adjtimex(&tx);
    /* -1 (e.g. seccomp) or TIME_ERROR: no evidence either way, so no trust from here. */
    if (state < 0 || state == TIME_ERROR)
        return false;
    return (tx.status & STA_UNSYNC) == 0 && tx.maxerror <= p->max_error_us;
}

clock_state clock_check(const clock_policy *p, int64_t now)
{
    if (now < p->min_plausible)
        return CLOCK_UNTRUSTED_TOO_EARLY;
    if (flag_file_says_synced(p) || kernel_says_synced(p))
        return CLOCK_TRUSTED_SYNCED;
    if (p->plausible_is_enough)
        return CLOCK_TRUSTED_PLAUSIBLE;
    return CLOCK_UNTRUSTED_UNSYNCED;
}

bool clock_trusted(const clock_policy *p, int64_t now)
{
    clock_state s = clock_check(p, now);
    return s == CLOCK_TRUSTED_SYNCED || s == CLOCK_TRUSTED_PLAUSIBLE;
}

const char *clock_state_text(clock_state s)
{
    switch (s) {
    case CLOCK_UNTRUSTED_TOO_EARLY:
        return "clock not set yet (date before the firmware's build)";
    case CLOCK_UNTRUSTED_UNSYNCED:
        return "waiting for time synchronisation";
    case CLOCK_TRUSTED_SYNCED:
        return "clock synchronised";
    case CLOCK_TRUSTED_PLAUSIBLE:
        return "clock plausible (no synchronisation required)";
    }
    return "clock state unknown";
}

int64_t clock_watch_observe(clock_watch *w, int64_t now)
{
    int64_t back = (w->seen && now < w->last) ? w->last - now : 0;
    w->last = now;
    w->seen = true;
    return back;
}

int64_t clock_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct timespec clock_mono_deadline(int64_t ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    if (ms <= 0)
        return ts;
    int64_t ns = ts.tv_nsec + (ms % 1000) * 1000000;
    ts.tv_sec += (time_t)(ms / 1000 + ns / 1000000000);
    ts.tv_nsec = (long)(ns % 1000000000);
    return ts;
}

int clock_cond_init(pthread_cond_t *cv)
{
    pthread_condattr_t attr;
    int rc = pthread_condattr_init(&attr);
    if (rc != 0)
        return rc;
    rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (rc == 0)
        rc = pthread_cond_init(cv, &attr);
    pthread_condattr_destroy(&attr);
    return rc;
}

/* ---- the injected clock ------------------------------------------------------------------- */

static int64_t wall_ms(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t mono_ms(void *ctx)
{
    (void)ctx;
    return clock_mono_ms();
}

int64_t borne_clock_now_ms(const borne_clock *c)
{
    return c && c->now_ms ? c->now_ms(c->ctx) : wall_ms(NULL);
}

borne_clock borne_clock_wall(void)
{
    return (borne_clock){.now_ms = wall_ms};
}

borne_clock borne_clock_monotonic(void)
{
    return (borne_clock){.now_ms = mono_ms};
}

static int64_t fixed_ms(void *ctx)
{
    return atomic_load(&((borne_fixed_clock *)ctx)->ms);
}

borne_clock borne_fixed_clock_get(borne_fixed_clock *f)
{
    return (borne_clock){.now_ms = fixed_ms, .ctx = f};
}

void borne_fixed_clock_set(borne_fixed_clock *f, int64_t ms)
{
    atomic_store(&f->ms, ms);
}

void borne_fixed_clock_advance(borne_fixed_clock *f, int64_t ms)
{
    atomic_fetch_add(&f->ms, ms);
}
