/* Live state of the antennes at headquarters: the small snapshot each board sends at least every
 * minute and on change while open, and the latest one per antenne.
 *
 * ## Wire (contract 2)
 *
 *   POST /api/v1/antennes/<id>/live
 *   Authorization: Bearer <token of that antenne>      (another antenne's → 403; an old one → 401)
 *   { "schema": 2, "antenne": "<id>", "id": "<uuid>", "at": "<RFC3339 UTC>", "open": true|false,
 *     "desks_open": n, "printer": "ready" | "paper_out" | ... ([a-z_]{1,32}),
 *     "services": [ { "service": "A".."Z", "waiting": n, "longest_wait_s": n }, ... (<= 26, no repeat) ] }
 *   → 200 {"kept": true|false, "accepted": 1|0, "batch": "<id>"} (kept false: a newer snapshot is
 *   already held; "accepted"/"batch" acknowledge it the way a batch is, so the board's sender reads both)
 *   400 bad_json / bad_type, 403 antenne_mismatch, 422 invalid (schema other than 2..CONTRACT_SCHEMA, a
 *   time more than a day ahead of HQ, a repeated service, counts out of 0..10^6).
 *
 * Counts only: no ticket label, name or note travels. The snapshot is kept in memory, latest only
 * (by board time "at"): after a restart of the collector the antennes reappear with their next
 * snapshot, within a minute. */
#ifndef BORNE_COLLECTOR_LIVE_H
#define BORNE_COLLECTOR_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "borne/collector_ingest.h"

#define COLLECTOR_LIVE_SERVICES 26
#define COLLECTOR_LIVE_COUNT_MAX 1000000

struct collector_live_service {
    char service;              /* 'A'..'Z' */
    int64_t waiting;
    int64_t longest_wait_s;    /* of the longest-waiting ticket of that service now, 0 when none */
};

struct collector_live {
    char id[COLLECTOR_UUID_LEN + 1];  /* the snapshot's id, echoed in the answer */
    int64_t at;                /* board time of the snapshot (Unix seconds) */
    int64_t received_at;       /* HQ time it arrived (set by collector_live_board_put) */
    bool open;                 /* issuing tickets now */
    int64_t desks_open;
    char printer[33];
    int n_services;
    struct collector_live_service services[COLLECTOR_LIVE_SERVICES];
};

/* Totals over the services of a snapshot. */
int64_t collector_live_waiting(const struct collector_live *l);
int64_t collector_live_longest_wait(const struct collector_live *l);

/* Parses and validates a snapshot body for the path antenne (pure, like collector_ingest_parse()).
 * On success returns COLLECTOR_INGEST_OK and fills *out; otherwise err says why. */
enum collector_ingest_status collector_live_parse(const char *body, size_t len, const char *path_antenne,
                                                  int64_t now, struct collector_live *out,
                                                  struct collector_ingest_error *err);

/* The latest snapshot per antenne (by registry index), shared by the server's threads. */
struct collector_live_board;

/* NULL when out of memory. */
struct collector_live_board *collector_live_board_new(size_t n_antennes);
void collector_live_board_free(struct collector_live_board *b);
/* Keeps `snap` (stamped received_at) for antenne i unless the held one has a later board time.
 * Returns true when kept. */
bool collector_live_board_put(struct collector_live_board *b, size_t i, const struct collector_live *snap,
                              int64_t received_at);
/* Copies antenne i's latest snapshot; false when none arrived since the collector started. */
bool collector_live_board_get(struct collector_live_board *b, size_t i, struct collector_live *out);

/* [{"antenne": id, "live": {at, received_at, open, desks_open, waiting, longest_wait_s, printer,
 * services: [{service, waiting, longest_wait_s}]} or null}] in registry order; visible (may be NULL =
 * all) says which antennes the reader may see. NULL when out of memory. */
struct collector_antennes;
typedef struct json_t json_t;
json_t *collector_live_json(struct collector_live_board *b, const struct collector_antennes *antennes,
                            const bool *visible);

#endif
