/* Parser and validator of the upload batches an antenne sends to headquarters (the collector).
 *
 * A pure function of (body, path antenne id, current time): no I/O, no global state, so the same
 * code is fuzzed, unit-tested and run by the HTTP server.
 *
 * ## Wire contract, schemas 1 and 2 (borne/contract.h lists the fields and enumerations)
 *
 *   POST /api/v1/antennes/<id>/batches
 *   Authorization: Bearer <token of that antenne>
 *   Content-Type: application/json
 *
 *   { "schema": 1, "antenne": "<id>", "batch": "<uuid>", "sent_at": "<RFC3339 UTC, e.g. 2026-11-23T10:00:00Z>",
 *     "buckets": [ { "day": "YYYY-MM-DD", "hour": 0..23, "service": "A".."Z" or "",
 *                    "public": "" | "particulier" | "entreprise" | "association" | "collectivite",
 *                    "revision": int64 > 0,
 *                    "issued": n, "called": n, "served": n, "redirected": n, "no_show": n, "cancelled": n,
 *                    "expired": n, "transferred": n, "appointments_checked_in": n,
 *                    "wait":         { "sum_s": n, "count": n, "p50_s": n, "p90_s": n },
 *                    "service_time": { "sum_s": n, "count": n, "p50_s": n, "p90_s": n },
 *                    "feedback": [n1, n2, n3, n4, n5],
 *                    -- schema 2 adds, all required in a schema-2 bucket: --
 *                    "wait_bands": [8 counts: 0-5, 5-10, 10-15, 15-20, 20-30, 30-45, 45-60, 60+ min],
 *                    "outcomes": [answered, partner, online_help, appointment],
 *                    "channels": [phone, email], "feedback_reasons": [attente, accueil, reponse,
 *                    locaux, autre], "partners": { "<partner id [a-z0-9-]{1,32}>": n, ... (<= 16) } }, ... ],
 *     "health": { "version": "x.y.z", "uptime_s": n, "printer": "ready" | "near_end" | "paper_out" | ...,
 *                 "last_upload": "<RFC3339>" | null, "queue_waiting": n } }
 *
 *   n is a JSON integer, 0 <= n <= 10^12. Every bucket member is required; "health" is optional
 *   (but complete when present); unknown members are ignored so a newer board can add fields.
 *   "buckets" may be empty (a health-only batch). "printer" is any lower-case word [a-z_]{1,32}.
 *   A bucket carries absolute totals for its (antenne, day, hour, service, public) key, never deltas.
 *
 *   200 { "accepted": n, "applied": m, "batch": "<uuid>" }
 *       accepted = buckets of the batch now known at HQ (applied or already held at an equal or newer
 *       revision): always the bucket count of a valid batch. applied = buckets that changed the store.
 *       A bucket replaces the stored one only when its revision is strictly greater, so duplicates,
 *       resends and reordering are harmless.
 *   Errors: { "error": "<code>", "message": "<text>" }, and nothing of the batch is stored:
 *     400 bad_json (with "line L column C: ..."), bad_type (a member of the wrong JSON type or missing)
 *     401 unauthorized (no token, or not the token of the path antenne)
 *     403 forbidden (the token of another antenne) or antenne_mismatch (body antenne != path antenne)
 *     404 unknown_antenne
 *     413 too_large (body over the byte cap) or too_many_buckets (over the bucket cap)
 *     422 invalid (schema outside 1..2 — a schema from the future says "upgrade headquarters" —, bad uuid, day not a date or after tomorrow (UTC) or before 2000,
 *         hour out of 0..23, service not one capital letter, unknown public, revision <= 0,
 *         negative or absurd counts, p50 > p90, a sum with a zero count, ...)
 */
#ifndef BORNE_COLLECTOR_INGEST_H
#define BORNE_COLLECTOR_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "borne/contract.h"

#define COLLECTOR_ID_MAX 64     /* antenne id: [a-z0-9-]{1,64} */
#define COLLECTOR_UUID_LEN 36
#define COLLECTOR_COUNT_MAX 1000000000000LL
#define COLLECTOR_DURATION_MAX 86400LL               /* seconds: a wait or a service percentile */
#define COLLECTOR_REVISION_MAX 9007199254740991LL      /* 2^53 - 1: exact in every JSON reader */
/* A board's clock may run this far ahead of the collector's (seconds); a sent_at later than that is
 * taken as the collector's own time. */
#define COLLECTOR_SENT_AT_AHEAD_MAX 600

enum collector_ingest_status {
    COLLECTOR_INGEST_OK = 0,
    COLLECTOR_INGEST_BAD_JSON,       /* 400 */
    COLLECTOR_INGEST_BAD_TYPE,       /* 400 */
    COLLECTOR_INGEST_MISMATCH,       /* 403 */
    COLLECTOR_INGEST_TOO_MANY,       /* 413 */
    COLLECTOR_INGEST_INVALID,        /* 422 */
    COLLECTOR_INGEST_NO_MEMORY,      /* 500 */
};

struct collector_ingest_error {
    enum collector_ingest_status status;
    char message[256];
};

struct collector_stat {
    int64_t sum_s, count, p50_s, p90_s;
};

/* Partners of a bucket as text: "caf=3,msa=1" (ids in the order received, "" = none). */
#define COLLECTOR_PARTNERS_TEXT_MAX (CONTRACT_PARTNERS_MAX * (CONTRACT_PARTNER_ID_MAX + 15))

/* One bucket as validated: a plain record, copied freely. */
struct collector_bucket {
    char day[11];          /* YYYY-MM-DD */
    int hour;              /* 0..23 */
    char service[2];       /* "A".."Z", or "" for feedback and contacts not about a service */
    char public_type[16];  /* "" or one of the public types */
    int schema;            /* contract version it came with: fields of a later one are unknown (0) */
    int64_t revision;
#define COLLECTOR_BUCKET_COUNT_(name, since) int64_t name;
    CONTRACT_BUCKET_COUNTS(COLLECTOR_BUCKET_COUNT_)
#undef COLLECTOR_BUCKET_COUNT_
    struct collector_stat wait, service_time;
    /* indexed by value - 1 of their contract list: feedback[0] = soleil (best) .. [4] = orage */
#define COLLECTOR_BUCKET_ARRAY_(name, since, n, col) int64_t name[n];
    CONTRACT_BUCKET_ARRAYS(COLLECTOR_BUCKET_ARRAY_)
#undef COLLECTOR_BUCKET_ARRAY_
    char partners[COLLECTOR_PARTNERS_TEXT_MAX];
};

struct collector_health {
    char version[33];
    int64_t uptime_s;
    char printer[33];
    int64_t last_upload;   /* Unix time, -1 when null (never uploaded) */
    int64_t queue_waiting;
};

/* A validated batch; opaque, owned by the caller of collector_ingest_parse(). */
struct collector_batch;

/* Parses and validates one request body for the antenne named in the path.
 * now: current Unix time (injected), used to refuse days after tomorrow.
 * max_buckets: bucket cap (COLLECTOR_INGEST_TOO_MANY beyond it).
 * On success returns COLLECTOR_INGEST_OK and *out owns a batch (free with collector_batch_free());
 * otherwise *out is NULL and err explains (err may not be NULL). */
enum collector_ingest_status collector_ingest_parse(const char *body, size_t len, const char *path_antenne,
                                                    int64_t now, size_t max_buckets,
                                                    struct collector_batch **out,
                                                    struct collector_ingest_error *err);

/* HTTP status and error code ("bad_json", ...) of a status. */
int collector_ingest_http_status(enum collector_ingest_status status);
const char *collector_ingest_code(enum collector_ingest_status status);

/* Fills err with a status and a formatted message; returns the status (shared by the parsers). */
__attribute__((format(printf, 3, 4))) enum collector_ingest_status
collector_ingest_fail(struct collector_ingest_error *err, enum collector_ingest_status st, const char *fmt, ...);

/* True for a printer state word: [a-z_]{1,32}. */
int collector_ingest_printer_word(const char *s);

/* True for a well-formed antenne id ([a-z0-9-]{1,64}). */
int collector_ingest_valid_id(const char *id);

/* Unix time of an RFC3339 timestamp ("2026-11-23T10:00:00Z", fractions and +hh:mm offsets allowed);
 * -1 when malformed. utc_only refuses offsets other than Z / +00:00. */
int64_t collector_ingest_parse_time(const char *text, int utc_only);

/* Days since 1970-01-01 of a "YYYY-MM-DD" date; INT64_MIN when not a real date. */
int64_t collector_ingest_parse_day(const char *day);

void collector_batch_free(struct collector_batch *batch);
const char *collector_batch_antenne(const struct collector_batch *batch);
const char *collector_batch_id(const struct collector_batch *batch);
int64_t collector_batch_sent_at(const struct collector_batch *batch);
size_t collector_batch_bucket_count(const struct collector_batch *batch);
/* i < collector_batch_bucket_count(); the record lives as long as the batch. */
const struct collector_bucket *collector_batch_bucket(const struct collector_batch *batch, size_t i);
/* NULL when the batch has no "health" member; lives as long as the batch. */
const struct collector_health *collector_batch_health(const struct collector_batch *batch);

#endif
