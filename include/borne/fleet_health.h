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
} fleet_health_input;

/* The report (a new object), or NULL when out of memory. An unreadable disk reports 0 free. */
json_t *fleet_health_report(const fleet_health_input *in);

/* Queues the report on ch as event "health" (key "health-<now>"). 0 or channel_send()'s error. */
int fleet_health_send(channel *ch, const fleet_health_input *in, int64_t now);

#endif
