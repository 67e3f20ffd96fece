/* Is the wall clock good enough to stamp tickets and roll the day over?
 *
 * A board without a real-time clock boots in 1970 (or at the last saved time from
 * systemd-timesyncd's clock file) and only learns the date from the network. The kiosk shows
 * "starting" and issues nothing until clock_trusted() says yes. Evidence, in order:
 *   1. the date is not before a minimum plausible date (the build day by default): a clock
 *      earlier than the firmware itself is wrong whatever else says;
 *   2. systemd-timesyncd's flag file /run/systemd/timesync/synchronized exists, or
 *   3. the kernel's NTP state (adjtimex) is synchronised (STA_UNSYNC clear) with a maximum
 *      error below the policy's bound (covers chrony, ntpd, and timesyncd alike);
 *   4. or, for boards with a battery-backed RTC and no network, the plausible date alone
 *      when the policy says so.
 *
 * Backward jumps (an NTP step, someone setting the date) are detected by clock_watch:
 * numbering is per day in SQLite, so a jump within a day is harmless; it is reported so the
 * log says why the times on two tickets go backwards.
 *
 * Trust is for starting up: once clock_trusted() has said yes, the caller keeps that for the
 * life of the process. A synchronised clock drifts by seconds a day at most, while the kernel's
 * maximum error grows by 0.5 ms every second without an NTP update, so a kiosk that lost its
 * network for half an hour would otherwise stop issuing tickets.
 *
 * The wall-clock checks take the time as an argument (Unix seconds) and read no clock; the
 * monotonic helpers at the end are what every thread uses for its timeouts. */
#ifndef BORNE_CLOCK_H
#define BORNE_CLOCK_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct timex;

/* Plain data, filled by clock_policy_default() then adjusted by the caller. The strings are
 * borrowed: they must outlive every call that uses the policy. */
typedef struct clock_policy {
    int64_t min_plausible;       /* Unix seconds; earlier is never trusted */
    const char *sync_flag_path;  /* timesyncd's flag file; NULL or "" = do not look */
    bool use_kernel_sync;        /* ask adjtimex(2) */
    long max_error_us;           /* kernel maxerror above this = not synchronised */
    bool plausible_is_enough;    /* RTC board without network: skip 2 and 3 */
    /* adjtimex(2) with modes = 0 (read only); NULL = the real one. Tests inject theirs. */
    int (*read_kernel)(struct timex *tx);
} clock_policy;

typedef enum clock_state {
    CLOCK_UNTRUSTED_TOO_EARLY = 0, /* before min_plausible: booted without RTC, not synced */
    CLOCK_UNTRUSTED_UNSYNCED,      /* plausible date, but no sync evidence and policy needs it */
    CLOCK_TRUSTED_SYNCED,          /* timesyncd flag or kernel NTP state */
    CLOCK_TRUSTED_PLAUSIBLE,       /* plausible date and the policy accepts that alone */
} clock_state;

/* Build-day minimum date, /run/systemd/timesync/synchronized, kernel check on with 1 s
 * maximum error, plausible date not enough on its own. */
void clock_policy_default(clock_policy *p);

/* Unix time (UTC midnight) of the day this firmware was built: the default min_plausible. */
int64_t clock_build_day(void);

/* Classifies `now` under policy p. Reads the flag file and adjtimex, nothing else. */
clock_state clock_check(const clock_policy *p, int64_t now);

/* clock_check() says one of the TRUSTED states. */
bool clock_trusted(const clock_policy *p, int64_t now);

/* Short English description for logs and the service status line ("waiting for time sync"). */
const char *clock_state_text(clock_state s);

/* Backward jump detector: plain data owned by the caller, zero-initialise it
 * (clock_watch w = {0};) and feed it every wall-clock time the loop reads. */
typedef struct clock_watch {
    int64_t last;   /* last time seen */
    bool seen;      /* last is meaningful */
} clock_watch;

/* Records now. Returns how many seconds the clock went back since the previous call (> 0),
 * or 0 if it did not. A jump is reported once: the new time becomes the reference. */
int64_t clock_watch_observe(clock_watch *w, int64_t now);

/* ---- monotonic time for timeouts (reads CLOCK_MONOTONIC) ---------------------------------- */

/* Milliseconds on CLOCK_MONOTONIC: for timeouts and rates, never for dates. */
int64_t clock_mono_ms(void);

/* The CLOCK_MONOTONIC instant `ms` from now, for pthread_cond_timedwait() on a condition made by
 * clock_cond_init(). ms <= 0 is now. */
struct timespec clock_mono_deadline(int64_t ms);

/* pthread_cond_init() with CLOCK_MONOTONIC, so the wall clock being set at boot (1970 to today)
 * neither cuts nor stretches a timed wait. Returns pthread_cond_init()'s result. */
int clock_cond_init(pthread_cond_t *cv);

/* ---- the injected clock ------------------------------------------------------------------- */

/* The one clock type every module that reads the time takes, so tests control time. now_ms
 * returns milliseconds: since the Unix epoch for a wall clock (borne_clock_wall(), a fixed
 * clock), since an arbitrary origin for borne_clock_monotonic() (rates and timeouts, never
 * dates). A zero-initialised borne_clock (now_ms NULL) is the real wall clock, so an options
 * struct left at {0} gets the real time. */
typedef struct borne_clock {
    int64_t (*now_ms)(void *ctx);
    void *ctx;
} borne_clock;

/* Reads c; c NULL or c->now_ms NULL reads the real wall clock. */
int64_t borne_clock_now_ms(const borne_clock *c);

/* CLOCK_REALTIME in Unix milliseconds. */
borne_clock borne_clock_wall(void);

/* CLOCK_MONOTONIC in milliseconds (clock_mono_ms). */
borne_clock borne_clock_monotonic(void);

/* A clock that only moves when told: tests. Safe to set from one thread while others read it.
 * Zero-initialise it (or borne_fixed_clock_set), then hand out borne_fixed_clock_get(&f); f must
 * outlive every reader. */
typedef struct borne_fixed_clock {
    _Atomic int64_t ms;
} borne_fixed_clock;

borne_clock borne_fixed_clock_get(borne_fixed_clock *f);
void borne_fixed_clock_set(borne_fixed_clock *f, int64_t ms);
void borne_fixed_clock_advance(borne_fixed_clock *f, int64_t ms);

#endif
