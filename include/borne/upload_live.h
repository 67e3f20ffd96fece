/* Live state of the board for headquarters (contract 2, collector_live.h): people waiting per
 * service, the longest current wait, desks open, printer state. Counts only, no ticket label.
 *
 * The uploader thread reads a snapshot every few seconds and sends it when it changed, and at least
 * every minute, while the antenne is open (one more when it closes). Never queued: when the last
 * attempt to reach headquarters failed, a snapshot is simply dropped (the next one replaces it). */
#ifndef BORNE_UPLOAD_LIVE_H
#define BORNE_UPLOAD_LIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "borne/queue.h"
#include "borne/upload_batch.h"

typedef struct upload_live {
    bool open;
    int desks_open;
    int n_services;
    struct {
        char service;
        int waiting;
        int64_t longest_wait_s;
    } services[QUEUE_MAX_SERVICES];
} upload_live;

/* Reads the snapshot at `now` (Unix seconds) from the engine: enabled services in display order.
 * QUEUE_OK or the engine's error. */
int upload_live_read(queue *q, int64_t now, upload_live *out);

/* Same content (ignoring the time)? */
bool upload_live_same(const upload_live *a, const upload_live *b);

/* The request body (text to free(), or NULL when out of memory or `at` out of range). */
char *upload_live_body(const char *antenne, const char *id, int64_t at, const char *printer,
                       const upload_live *l);

#endif
