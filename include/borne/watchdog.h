/* Service supervision through systemd's notify protocol (libsystemd sd_notify).
 *
 * The main loop tells systemd it is ready, reports a one-line status and feeds the watchdog.
 * If the loop freezes, the pings stop and systemd (WatchdogSec= in borne.service) kills and
 * restarts the process. Outside systemd (no NOTIFY_SOCKET, no WATCHDOG_USEC) every call is a
 * cheap no-op that returns 0, so the same binary runs from a shell or a test unchanged.
 *
 * Threading: one watchdog belongs to the main thread; call it from there only. A frozen
 * worker thread is the worker's own business: only the loop that must stay alive pings.
 *
 * Debug freeze (the watchdog restart test): when the environment has BORNE_DEBUG_FREEZE=1 at
 * watchdog_open(), SIGUSR2 asks the main loop to freeze. The loop calls
 * watchdog_debug_freeze_point() once per iteration; after SIGUSR2 that call never returns, so
 * the pings stop as they would in a real hang. Without the variable SIGUSR2 keeps its default
 * action and the freeze point costs one load. */
#ifndef BORNE_WATCHDOG_H
#define BORNE_WATCHDOG_H

#include <stdbool.h>
#include <stdint.h>

/* Opaque; created by watchdog_open(), freed by watchdog_close(). */
typedef struct watchdog watchdog;

/* Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID (sd_watchdog_enabled) and, with
 * BORNE_DEBUG_FREEZE=1, installs the SIGUSR2 handler. Call once, early, before other threads
 * start. Returns 0 and *out, or a negative errno (-ENOMEM, or sd_watchdog_enabled's error
 * when the variables are malformed). Caller owns *out. */
int watchdog_open(watchdog **out);

/* Frees w (NULL is fine). Does not notify: call watchdog_stopping() first on a clean exit. */
void watchdog_close(watchdog *w);

/* True when systemd expects pings (WatchdogSec= set for this process). */
bool watchdog_enabled(const watchdog *w);

/* Ping interval systemd asked for, in microseconds; 0 when disabled. */
uint64_t watchdog_interval_usec(const watchdog *w);

/* READY=1 with a status line: call once the first frame is on screen. Newlines and other
 * control characters in status are replaced by spaces (they would start a new assignment).
 * Returns 0 (sent, or not under systemd) or a negative errno from sd_notify. */
int watchdog_ready(watchdog *w, const char *status);

/* STATUS= only (what `systemctl status borne` shows), sanitised as above. */
int watchdog_status(watchdog *w, const char *status);

/* WATCHDOG=1, at most once per quarter interval: cheap enough to call every loop iteration.
 * The loop must come round at least that often: it sleeps at most watchdog_next_ping_ms().
 * Reads CLOCK_MONOTONIC. Returns 1 if a ping was sent, 0 if none was due (or not under
 * systemd), or a negative errno from sd_notify. */
int watchdog_ping(watchdog *w);

/* Same with the monotonic time injected (microseconds): what watchdog_ping() does after
 * reading the clock, exposed so tests drive time. */
int watchdog_ping_at(watchdog *w, uint64_t now_usec);

/* Milliseconds until the next ping is due (0: now), or -1 when systemd does not watch. */
int watchdog_next_ping_ms(const watchdog *w);

/* STOPPING=1: call when leaving the main loop on purpose (SIGTERM, admin quit). */
int watchdog_stopping(watchdog *w);

/* True once SIGUSR2 arrived and BORNE_DEBUG_FREEZE=1 was set at open. */
bool watchdog_debug_freeze_requested(const watchdog *w);

/* Call once per main-loop iteration. Returns at once unless a debug freeze was requested; then
 * reports "STATUS=debug freeze" and blocks the calling thread for good (signals still run
 * their handlers; SIGTERM/SIGKILL from systemd end the process as usual). */
void watchdog_debug_freeze_point(watchdog *w);

#endif
