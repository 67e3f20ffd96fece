/* Steering alerts of headquarters: rules over the antennes' live state (collector_live.h), each
 * alert sent once when it fires and once when it clears, by webhook and by mail through the system's
 * sendmail (the alarm module's sender, alarm_send.h), and shown on the console.
 *
 * Rules, per antenne:
 *   wait     open and the longest current wait is over the antenne's waiting target (its published
 *            business document's, else the region's default): fires at once, clears when
 *            the wait is back within the target or the antenne closes;
 *   printer  the printer has not been ready for COLLECTOR_ALERT_PRINTER_S (10 min) in a row: fires
 *            then (a paper change does not page anyone), clears when it is ready;
 *   silent   the last snapshot said open and none came for COLLECTOR_ALERT_SILENT_S (10 min; a board
 *            sends one at least every minute while open): clears with the next snapshot.
 *   satisfaction  the visitors' satisfaction dropped over four weeks: the share of "rain" and "storm"
 *            answers (the two worst weather levels) among all feedback answers of the last
 *            COLLECTOR_ALERT_SATISFACTION_DAYS (28) whole days before today is at least
 *            COLLECTOR_ALERT_SATISFACTION_RISE_PCT (10) percentage points above that of the 28 days
 *            before, both windows holding at least COLLECTOR_ALERT_SATISFACTION_MIN (30) answers (a
 *            handful of answers proves nothing). Reviewed from the stored buckets once a day (the
 *            windows move by whole days; days of the buckets, today from the collector's clock in
 *            UTC); fires at the review that finds the drop, clears at the first review that no longer
 *            does (recovered, or too few answers to tell).
 * An antenne that never sent a snapshot since the collector started has no live alert (nothing is
 * known); its satisfaction is judged from the stored buckets all the same.
 *
 * Webhook body (POST, JSON): {"event": "steering_alert", "state": "fired" | "cleared", "kind": "wait" |
 * "printer" | "silent", "antenne", "antenne_name", "territory", "group", "since", "at" (RFC 3339 UTC),
 * "longest_wait_s", "target_s", "printer"}, and for "satisfaction" also "satisfaction": {"recent",
 * "previous": {"from", "to" (YYYY-MM-DD), "answers", "rain_storm"}}. The mail says the same in French.
 *
 * Someone of headquarters acknowledges an active alert from the console (collector_alerts_acknowledge):
 * the console then shows who took it and when; an alert that clears forgets it, so the next one is
 * acknowledged anew. Given a store, the tracker keeps there each alert that fired and has not cleared,
 * with who acknowledged it and when (before sending it): a restarted collector takes them back
 * (collector_alerts_restore), so an upgrade or a power cut at HQ neither forgets an acknowledgement nor
 * sends an alert twice. An alert taken back stays as it was until its rule can be judged again: the
 * antenne's next snapshot for the live rules (a board still silent keeps its "silent" alert), the first
 * review for the satisfaction rule.
 *
 * Threads: collector_alerts_tick() is called by one thread (the server's alert thread, or a test);
 * collector_alerts_active() and collector_alerts_acknowledge() may be called from any thread meanwhile,
 * each with its own store handle.
 */
#ifndef BORNE_COLLECTOR_ALERTS_H
#define BORNE_COLLECTOR_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "borne/alarm_send.h"
#include "borne/collector_antennes.h"
#include "borne/collector_live.h"
#include "borne/collector_store.h"

#define COLLECTOR_ALERT_PRINTER_S 600
#define COLLECTOR_ALERT_SILENT_S 600
#define COLLECTOR_ALERT_SATISFACTION_DAYS 28
#define COLLECTOR_ALERT_SATISFACTION_MIN 30
#define COLLECTOR_ALERT_SATISFACTION_RISE_PCT 10

enum collector_alert_kind {
    COLLECTOR_ALERT_WAIT,
    COLLECTOR_ALERT_PRINTER,
    COLLECTOR_ALERT_SILENT,
    COLLECTOR_ALERT_SATISFACTION,
    COLLECTOR_ALERT_KINDS
};

/* "wait", "printer", "silent", "satisfaction", and the console's French label. */
const char *collector_alert_word(enum collector_alert_kind k);
const char *collector_alert_label(enum collector_alert_kind k);
/* The kind of a word; false for an unknown one. */
bool collector_alert_kind_parse(const char *word, enum collector_alert_kind *out);

/* The rules' conditions for a snapshot at now, bit (1 << kind) each; the printer's bit is set as soon
 * as it is not ready (the 10 minutes are the tracker's). Pure: the console's "Maintenant" page shows
 * these. */
unsigned collector_alert_conditions(const struct collector_live *l, int target_min, int64_t now);

/* Where alerts go; an empty field turns that way off. */
struct collector_alert_sink {
    char webhook_url[1024];
    char mail_to[1024];      /* comma-separated addresses */
    char sendmail[1024];     /* run with -t */
};

struct collector_alerts;

/* The registry, the live board and the sink are borrowed (they outlive the tracker); stop (may be
 * NULL) abandons a send in progress (alarm_send.h). Returns NULL when out of memory. */
struct collector_alerts *collector_alerts_new(const struct collector_antennes *antennes,
                                              struct collector_live_board *live,
                                              const struct collector_alert_sink *sink, alarm_send_stop_fn stop,
                                              void *stop_ctx);
void collector_alerts_free(struct collector_alerts *al);

/* The satisfaction review: when the day of now differs from the last successful review's, reads the
 * feedback of the two four-week windows from store and sets each antenne's satisfaction condition
 * (sent by the next collector_alerts_tick()). Returns 0 (reviewed, or not due), or -1 on a store
 * error (logged; the conditions stay as they were and the next call tries again). */
int collector_alerts_review(struct collector_alerts *al, struct collector_store *store, int64_t now);

/* Evaluates every antenne at now, each against its own waiting target (targets: minutes, registry
 * order, collector_fleet_wait_targets()), and sends each alert that fired or cleared since the last call (one
 * webhook POST and one mail each; blocking). Returns the number of alerts that fired or cleared. A
 * failed send is logged and not retried: the next change is sent anyway. store (NULL: kept in memory
 * only) keeps each change before it is sent; a store error is logged and the change sent all the same. */
int collector_alerts_tick(struct collector_alerts *al, struct collector_store *store, const int *targets, int64_t now);

/* An active alert. */
struct collector_alert_info {
    size_t antenne;                  /* registry index */
    enum collector_alert_kind kind;
    int64_t since;                   /* when the condition began (Unix seconds) */
    char acked_by[65];               /* who acknowledged it, "" = nobody yet */
    int64_t acked_at;
};

/* Active alerts (fired, not cleared), antenne by antenne in registry order; a non-zero return of fn
 * stops the walk (fn runs under the tracker's lock: it must not call back into it). */
typedef int (*collector_alert_fn)(void *ctx, const struct collector_alert_info *alert);
int collector_alerts_active(struct collector_alerts *al, collector_alert_fn fn, void *ctx);

/* Records that `who` acknowledged the active alert (antenne, kind) at now, in store too (NULL: in memory
 * only). 0; -ENOENT when no such alert is active (it cleared meanwhile); -EIO when the store failed
 * (nothing recorded: ask again). Acknowledging again keeps the first. */
int collector_alerts_acknowledge(struct collector_alerts *al, struct collector_store *store, size_t antenne,
                                 enum collector_alert_kind kind, const char *who, int64_t now);

/* Takes back the alerts kept in store (at start, before the first tick): active again, acknowledged
 * as they were. A stored alert of an antenne no longer in the registry is ignored (logged). 0, or -1
 * on a store error (logged). */
int collector_alerts_restore(struct collector_alerts *al, struct collector_store *store);

#endif
