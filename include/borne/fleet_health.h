/* The board's health report to headquarters: a "health" event on the HQ channel (channel.h) every
 * FLEET_HEALTH_PERIOD_S and at start; HQ keeps the latest and flags silent boards, full disks and
 * clocks out of sync (collector_health.h says the members and the flags). */
#ifndef BORNE_FLEET_HEALTH_H
#define BORNE_FLEET_HEALTH_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "borne/channel.h"

#define FLEET_HEALTH_PERIOD_S 300
/* Where borne-update (board/scripts/borne-update) leaves the result of its last run: lines
 * result=, installed=, at=, message=. */
#define FLEET_UPDATE_STATUS_PATH "/var/lib/borne-update/status"
#define FLEET_UPDATE_TEXT_MAX 512

/* What the role knows; the report adds the disk of store_path's directory itself. */
typedef struct fleet_health_input {
    const char *version;        /* software version */
    int64_t config_version;     /* business document running, 0 = the file's own */
    int64_t uptime_s;
    const char *store_path;     /* the engine's database: its file system is the one that fills */
    bool clock_synced;
    const char *printer;        /* printer_state_name(), "none" without a printer */
    const char *last_error;     /* "" when none */
    int64_t upload_backlog;     /* batches waiting in the outbox */
    const char *update_status_path; /* borne-update's status file; NULL: not reported */
} fleet_health_input;

/* The report (a new object), or NULL when out of memory. An unreadable disk reports 0 free. The
 * update status file, when it can be read, becomes "update": {"result", "installed", "at",
 * "message"} (the members the file has, values as written, invalid UTF-8 and control bytes
 * replaced by '?', at most FLEET_UPDATE_TEXT_MAX bytes each); no file, no member. */
json_t *fleet_health_report(const fleet_health_input *in);

/* Queues the report on ch as event "health" (key "health-<now>"). 0 or channel_send()'s error. */
int fleet_health_send(channel *ch, const fleet_health_input *in, int64_t now);

#endif
