/* The steering console of headquarters (served by borne-collector, French, no script, no CDN):
 *
 *   GET /console          "Maintenant": every antenne's live state (open or closed, people waiting,
 *                         longest wait against the target, desks open, printer, last sign of life),
 *                         alerts first; ?territory=&group= filter.
 *   GET /console/period   a period (?period=day|week|month|year&date=YYYY-MM-DD, default the week of today)
 *                         for the region, a territory, a group or an antenne (?territory=&group=&antenne=):
 *                         attendance and waits per antenne, territories and groups side by side, arrivals
 *                         per day and the weekday × hour heat map, the wait distribution with the share
 *                         served within the target, outcomes, partners, channels, the satisfaction weather
 *                         (sunny → storm, the kiosk's words) and the reasons given.
 *
 * Only the stored aggregates and the live snapshots are read: counts, never a person. Charts are SVG
 * and HTML/CSS written here. A figure that cannot be known says so: "pas de données" for a scope with no
 * bucket in the period; outcomes, channels, partners, reasons and wait bands are summed over buckets of
 * contract 2 only and the page says how many tickets came from boards of contract 1 (their breakdown is
 * unknown, never 0). Each figure carries data-k="<name>" so a test can read it from the rendered page.
 *
 * Both page functions return 0 with *out a malloc'ed NUL-terminated page of *len bytes (caller frees), or
 * -1 (store error, see collector_store_error(); or out of memory) with *out NULL.
 */
#ifndef BORNE_COLLECTOR_CONSOLE_H
#define BORNE_COLLECTOR_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "borne/collector_alerts.h"
#include "borne/collector_antennes.h"
#include "borne/collector_live.h"
#include "borne/collector_store.h"
#include "borne/contract.h"

enum collector_period {
    COLLECTOR_PERIOD_DAY,
    COLLECTOR_PERIOD_WEEK,   /* ISO week, Monday to Sunday */
    COLLECTOR_PERIOD_MONTH,
    COLLECTOR_PERIOD_YEAR,
};

/* Who and when a page is about; "" = no restriction. */
struct collector_console_query {
    enum collector_period period;
    int64_t day;                            /* a day inside the period (days since 1970-01-01) */
    char territory[64];
    char group[COLLECTOR_ID_MAX + 1];
    char antenne[COLLECTOR_ID_MAX + 1];
    /* who reads (the page names them and offers to sign out): "" with the HQ token */
    char reader[65];
    char csrf[65];          /* the session's token for the sign-out form */
    bool group_locked;      /* the reader may see `group` only (a group's manager): no other is offered */
};

/* Fills q from the request's parameters (each may be NULL or ""): period "day", "week" (default), "month"
 * or "year"; date YYYY-MM-DD (default: today from now); territory, group, antenne must name ones the
 * registry knows. Returns 0, or -1 with *why saying which parameter is wrong (q then undefined). */
int collector_console_query_parse(const struct collector_antennes *antennes, int64_t now, const char *period,
                                  const char *date, const char *territory, const char *group,
                                  const char *antenne, struct collector_console_query *q, const char **why);

/* True for a waiting target (minutes) the wait bands can judge exactly: the upper bound of a band
 * (5, 10, 15, 20, 30, 45 or 60). */
bool collector_console_target_ok(int minutes);

/* The "Maintenant" page at time now (Unix seconds). targets: each antenne's waiting target in minutes,
 * registry order (collector_fleet_wait_targets()). alerts (may be NULL): the active alerts are listed
 * first, with who acknowledged each, or (for a signed-in reader: q->csrf set) a button to acknowledge
 * it (POST /console/alerts/ack, collector_signin.h). */
int collector_console_now(struct collector_store *store, const struct collector_antennes *antennes,
                          struct collector_live_board *live, struct collector_alerts *alerts, const int *targets,
                          int64_t now, const struct collector_console_query *q, char **out, size_t *len);

/* The page of a period. The share served within target judges each antenne's waits by its own target
 * (targets as above) and adds them up: exact when the target is a bound of the wait bands, otherwise
 * judged by the greatest bound under it (never more than was achieved, and the page says so); an
 * antenne whose target is under 5 minutes is left out of that share. */
int collector_console_period(struct collector_store *store, const struct collector_antennes *antennes,
                             const int *targets, int64_t now, const struct collector_console_query *q, char **out,
                             size_t *len);

/* The sums behind the period page for the query's scope over days first..last (any length), for the
 * posters (collector_poster.h). rows = 0: no bucket, "pas de données". reasons and bands are summed
 * over contract-2 buckets only (v1_issued: tickets of contract-1 buckets); judged/within: waits in bands
 * judged against their antenne's own target, and those within it (as the period page); target_min: the
 * antennes' common target, 0 when they differ. heat: tickets per weekday (Monday first) and hour. */
struct collector_console_figures {
    int64_t rows, issued, served, v1_issued;
    int64_t weather[CONTRACT_WEATHER_N];    /* soleil .. orage */
    int64_t reasons[CONTRACT_REASONS_N];
    int64_t bands[CONTRACT_WAIT_BANDS_N];
    int64_t judged, within;
    int target_min;
    int64_t heat[7][24];                    /* total only: per-antenne figures leave it zero */
};

/* Fills total, and per[i] for antenne i of the registry (per may be NULL; antennes out of scope get
 * rows = 0). targets as for collector_console_period(). 0, or -1 (store error or out of memory; total
 * zeroed). */
int collector_console_figures(struct collector_store *store, const struct collector_antennes *antennes,
                              const int *targets, const struct collector_console_query *q, int64_t first,
                              int64_t last, struct collector_console_figures *total,
                              struct collector_console_figures *per);

#endif
