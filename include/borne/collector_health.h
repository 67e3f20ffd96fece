/* Headquarters' reading of the boards' health reports (fleet_health.h sends them over the channel
 * as "health" events): what is checked when one arrives, and the flags an administrator must see.
 *
 *   report {"version": "x.y.z", "config_version": n, "uptime_s": n, "disk_free_bytes": n,
 *           "disk_total_bytes": n, "clock_synced": bool, "printer": word, "last_error": text,
 *           "upload_backlog": n,
 *           "update": {"result": word, "installed": version, "at": text, "message": text}}
 * "update" (optional; so are its members but result) is borne-update's last run on the board
 * (fleet_health.h): result one of COLLECTOR_HEALTH_UPDATE_RESULTS, installed the Debian version of
 * the borne package then.
 *
 * Flags (strings, in this order):
 *   "silent"     no report for COLLECTOR_HEALTH_SILENT_S while the antenne is open by the hours of
 *                the document HQ published for it (no published hours: any time)
 *   "disk_full"  free space under COLLECTOR_HEALTH_DISK_MIN_PCT % or COLLECTOR_HEALTH_DISK_MIN_BYTES
 *   "clock"      the board says its clock is not synchronised, or its time differed from HQ's by
 *                more than COLLECTOR_HEALTH_CLOCK_SKEW_S when it reported
 *   "update"     its last update did not go through: rolled back, refused or failed (the
 *                report's update.message says why)
 * Pure functions: the caller passes HQ's time and the antenne's published hours. */
#ifndef BORNE_COLLECTOR_HEALTH_H
#define BORNE_COLLECTOR_HEALTH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Boards report every FLEET_HEALTH_PERIOD_S (5 min): three missed reports make a board silent. */
#define COLLECTOR_HEALTH_SILENT_S (15 * 60)
#define COLLECTOR_HEALTH_DISK_MIN_PCT 5
#define COLLECTOR_HEALTH_DISK_MIN_BYTES (200LL * 1024 * 1024)
#define COLLECTOR_HEALTH_CLOCK_SKEW_S 120
/* borne-update's results (board/scripts/borne-update, record calls). */
#define COLLECTOR_HEALTH_UPDATE_RESULTS "not-configured", "up-to-date", "upgraded", "rolled-back", "refused", "failed"

/* 0 when report has every member with its type and range, else -1 with the first fault in err. */
int collector_health_check(const json_t *report, char *err, size_t errlen);

/* Whether the antenne is open at Unix time now (local time of HQ's TZ) by a document's "hours"
 * member ({"mon": "09:00-12:00,13:30-17:00", ..., missing day = closed}); hours NULL → true. */
bool collector_health_open(const json_t *hours, int64_t now);

/* The flags (a new JSON array) of an antenne whose last report (NULL: none yet) was sent at
 * board time `sent_at` and received at `received_at`. */
json_t *collector_health_flags(const json_t *report, int64_t sent_at, int64_t received_at, const json_t *hours,
                               int64_t now);

#endif
