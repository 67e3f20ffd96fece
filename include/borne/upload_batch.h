/* Upload batches: the JSON an antenne sends to headquarters (wire contract: schema
 * CONTRACT_SCHEMA of borne/contract.h, written out in borne/collector_ingest.h).
 *
 * Pure functions: no I/O, no clock, no global state. Only counts leave the board: a
 * queue_bucket holds no ticket label, note or appointment code, and the encoder copies nothing
 * but the bucket key and its counters.
 *
 * A batch is kept in two parts so a batch can wait in the outbox for days and still carry
 * fresh metadata when it finally goes: the buckets array (built once, stored in the outbox) and
 * the envelope (batch id, send time, device health), added at each send by upload_batch_body().
 *
 * Errors: negative errno values (-EINVAL, -ENOMEM). */
#ifndef BORNE_UPLOAD_BATCH_H
#define BORNE_UPLOAD_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "borne/queue.h"

#define UPLOAD_UUID_LEN 36
#define UPLOAD_TIME_LEN 20     /* "2026-11-23T10:00:00Z" */
#define UPLOAD_NAME_MAX 32     /* version and printer state: at most 32 bytes */

/* A growing JSON array of buckets. Opaque; free with upload_buckets_free(). */
typedef struct upload_buckets upload_buckets;

/* NULL when out of memory. */
upload_buckets *upload_buckets_new(void);
void upload_buckets_free(upload_buckets *b);
/* Appends one bucket (absolute totals and revision). -EINVAL for a bucket the collector would
 * refuse (bad day, hour, service, public type, revision <= 0, negative count), -ENOMEM. */
int upload_buckets_add(upload_buckets *b, const queue_bucket *bucket);
size_t upload_buckets_count(const upload_buckets *b);
/* Largest revision added so far, 0 when empty. */
int64_t upload_buckets_max_revision(const upload_buckets *b);
/* Compact JSON text of the array; the caller frees it with free(). NULL when out of memory. */
char *upload_buckets_dump(const upload_buckets *b);
/* Empties the array for the next batch. */
void upload_buckets_clear(upload_buckets *b);

/* The device-health record sent with every batch. */
typedef struct upload_health {
    char version[UPLOAD_NAME_MAX + 1];   /* software version, "0.1.0" */
    int64_t uptime_s;
    char printer[UPLOAD_NAME_MAX + 1];   /* printer_state_name(): "ready", "paper_out", ... */
    int64_t last_upload;                 /* Unix seconds of the last acknowledged batch; 0 = never */
    int queue_waiting;                   /* tickets waiting now, all services */
} upload_health;

/* The request body. buckets_json is the text of upload_buckets_dump() (as kept in the outbox);
 * NULL means a health-only batch. health may be NULL. Returns text to free() or NULL with the
 * reason in errbuf (buckets_json is not a JSON array, out of memory). */
char *upload_batch_body(const char *antenne, const char *batch_uuid, int64_t sent_at,
                        const char *buckets_json, const upload_health *health,
                        char *errbuf, size_t errlen);

/* A random (version 4) UUID from 128 random bits, lower case. */
void upload_uuid_v4(uint64_t r1, uint64_t r2, char out[UPLOAD_UUID_LEN + 1]);

/* RFC 3339 UTC text of a Unix time. -EINVAL when out of the years 1970..9999. */
int upload_format_time(int64_t unix_s, char out[UPLOAD_TIME_LEN + 1]);

#endif
