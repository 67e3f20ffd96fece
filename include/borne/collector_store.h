/* Storage of the collector: buckets and device health, behind an ops table with two backends,
 * SQLite (a file path) and PostgreSQL (a libpq conninfo). Both use the same schema and the same SQL
 * text ($1-style parameters work in both); only BEGIN differs (SQLite takes the write lock at once).
 *
 * A store handle is one connection: use it from one thread at a time (the server keeps a pool).
 * Every function returns 0 on success, -1 on error with the reason in collector_store_error().
 */
#ifndef BORNE_COLLECTOR_STORE_H
#define BORNE_COLLECTOR_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "borne/collector_ingest.h"

enum collector_backend {
    COLLECTOR_BACKEND_SQLITE,
    COLLECTOR_BACKEND_POSTGRESQL,
};

struct collector_store;

/* Opens (and creates the schema in) the store. target: file path (SQLite) or conninfo (PostgreSQL;
 * put "options='-c search_path=x'" in it to use another schema). On failure returns -1, *out is NULL
 * and err receives the reason. Close with collector_store_close(). */
int collector_store_open(enum collector_backend backend, const char *target, struct collector_store **out,
                         char *err, size_t errlen);
void collector_store_close(struct collector_store *store);

/* Last error message of this handle (valid until the next call on it). */
const char *collector_store_error(const struct collector_store *store);

/* Applies n validated batches in one transaction (one disk flush for all: the server groups
 * concurrent uploads this way). Each bucket replaces the stored one with the same
 * (antenne, day, hour, service, public) only when its revision is greater; health replaces the stored
 * health only when sent_at is not older; the antenne's last_seen becomes received_at.
 * applied[i]: buckets of batches[i] that changed the store. On error nothing of any batch is stored. */
int collector_store_apply(struct collector_store *store, const struct collector_batch *const *batches, size_t n,
                          int64_t received_at, size_t *applied);

/* Empty strings mean "no bound". from/to are inclusive YYYY-MM-DD days. */
struct collector_filter {
    char from[11];
    char to[11];
    char antenne[COLLECTOR_ID_MAX + 1];
    char service[2];
};

struct collector_row {
    char antenne[COLLECTOR_ID_MAX + 1];
    struct collector_bucket bucket;
};

/* Called per row, ordered by antenne, day, hour, service, public; a non-zero return stops the walk
 * (and collector_store_export() then returns that value). */
typedef int (*collector_row_fn)(void *ctx, const struct collector_row *row);

int collector_store_export(struct collector_store *store, const struct collector_filter *filter,
                           collector_row_fn fn, void *ctx);

/* Feedback answers of each antenne with any bucket between two days (inclusive, YYYY-MM-DD), summed:
 * counts[] in weather order, sunny → storm (CONTRACT_WEATHER_N). Antennes in id order; a non-zero
 * return of fn stops the walk and is returned. */
typedef int (*collector_feedback_fn)(void *ctx, const char *antenne, const int64_t *counts);
int collector_store_feedback_sums(struct collector_store *store, const char *from, const char *to,
                                  collector_feedback_fn fn, void *ctx);

struct collector_device {
    char antenne[COLLECTOR_ID_MAX + 1];
    int64_t last_seen;   /* server time of the last accepted batch */
    int64_t sent_at;     /* board time of the health record, -1 when none was ever received */
    struct collector_health health;
};

typedef int (*collector_device_fn)(void *ctx, const struct collector_device *device);

/* Every antenne that ever sent an accepted batch, ordered by id. */
int collector_store_devices(struct collector_store *store, collector_device_fn fn, void *ctx);

/* ---- channel messages (HQ -> board) and events (board -> HQ); see collector_channel.h ---------- */

/* Queues message id (unique, chosen by the caller) for antenne. */
int collector_store_channel_add(struct collector_store *store, int64_t id, const char *antenne, const char *type,
                                const char *data, int64_t created_at);
/* The antenne's unacknowledged messages in id order; a non-zero return of fn stops the walk. */
typedef int (*collector_channel_row_fn)(void *ctx, int64_t id, const char *type, const char *data);
int collector_store_channel_pending(struct collector_store *store, const char *antenne, collector_channel_row_fn fn,
                                    void *ctx);
/* Records the board's answer to its message (antenne, id, type); *was_pending is false when there is
 * no such message or it was already answered (then nothing changes: the first answer stays). */
int collector_store_channel_ack(struct collector_store *store, const char *antenne, int64_t id, const char *type,
                                int64_t acked_at, bool ok, const char *error, const char *result, bool *was_pending);
/* Largest message id ever stored (0 when none). */
int collector_store_channel_max_id(struct collector_store *store, int64_t *out);
/* Keeps a board event once per (antenne, key): *is_new is false for a resend. */
int collector_store_channel_event(struct collector_store *store, const char *antenne, const char *key,
                                  const char *type, int64_t at, const char *data, int64_t received_at, bool *is_new);

struct collector_channel_message {
    int64_t id;
    char antenne[COLLECTOR_ID_MAX + 1];
    char type[33];
    int64_t created_at;
    int64_t acked_at;        /* 0 = not acknowledged yet */
    bool ok;                 /* when acknowledged: applied (true) or refused (false, see error) */
    char error[512];
    const char *result;      /* JSON text of the board's result, "" when none; valid during the callback */
};
typedef int (*collector_channel_message_fn)(void *ctx, const struct collector_channel_message *m);
/* The newest `limit` messages (id descending), filtered by antenne and type when not NULL/"". */
int collector_store_channel_list(struct collector_store *store, const char *antenne, const char *type, int64_t limit,
                                 collector_channel_message_fn fn, void *ctx);

/* ---- fleet records: small JSON values by (namespace, key), and an append-only log ----------- */

/* key, value, and the time (updated_at for records, at for the log; for the log, key is the id). */
typedef int (*collector_kv_fn)(void *ctx, const char *key, const char *value, int64_t at);
/* Creates or replaces (ns, key). */
int collector_store_kv_put(struct collector_store *store, const char *ns, const char *key, const char *value,
                           int64_t at);
/* Every record of ns by key. */
int collector_store_kv_list(struct collector_store *store, const char *ns, collector_kv_fn fn, void *ctx);
/* Removes (ns, key); removing what is not there is no error. */
int collector_store_kv_delete(struct collector_store *store, const char *ns, const char *key);
/* Appends to the log of ns (ids 1, 2, ... per ns; one writer per ns at a time). */
int collector_store_log_add(struct collector_store *store, const char *ns, int64_t at, const char *value);
/* The newest `limit` entries of ns, newest first. */
int collector_store_log_list(struct collector_store *store, const char *ns, int64_t limit, collector_kv_fn fn,
                             void *ctx);

/* ---- rollup: the buckets summed per antenne and day, month and year (collector_store_rollup.c) ---- *
 * The console reads these sums instead of the buckets, so a region's year is ~3,000 rows, not millions.
 * Storing a batch only marks its (antenne, day) dirty (one small upsert per day of the batch, in its
 * transaction); a refresh recomputes each dirty day from its buckets, then its month from the days and
 * its year from the months, so a late, resent or reordered batch changes the sums exactly as it changed
 * the buckets. Refreshes of one store are serialised within the process (one process refreshes a store). */

/* Sums over buckets. Contract-1 buckets count in rows..v1_issued and weather only (their breakdowns are
 * unknown, collector_console.h); wait_sum_s and every count saturate at INT64_MAX. */
struct collector_sums {
    int64_t rows;   /* buckets summed: 0 = no data */
    int64_t issued, served, redirected, no_show, appointments, wait_count, wait_sum_s, v1_issued;
    int64_t weather[CONTRACT_WEATHER_N];
    int64_t outcomes[CONTRACT_OUTCOMES_N];
    int64_t channels[CONTRACT_CHANNELS_N];
    int64_t reasons[CONTRACT_REASONS_N];
    int64_t bands[CONTRACT_WAIT_BANDS_N];
};

enum collector_grain {
    COLLECTOR_GRAIN_DAY,
    COLLECTOR_GRAIN_MONTH,
    COLLECTOR_GRAIN_YEAR,
};

/* Partners of a rollup row: "caf=12,msa=4"; beyond 64 ids the rest is summed under "*". */
#define COLLECTOR_ROLLUP_PARTNERS_TEXT (64 * (CONTRACT_PARTNER_ID_MAX + 22) + 32)

struct collector_rollup {
    char antenne[COLLECTOR_ID_MAX + 1];
    enum collector_grain grain;
    int64_t first;                 /* its first day (days since 1970-01-01) */
    struct collector_sums sums;
    int64_t heat[7][24];           /* tickets issued per weekday (Monday first) and hour */
    int64_t sub[31];               /* tickets issued per hour (day), day of the month (month), month (year) */
    char partners[COLLECTOR_ROLLUP_PARTNERS_TEXT];
};

/* Adds one bucket (of day `day`, days since 1970-01-01) into a rollup of any grain. */
void collector_rollup_add_bucket(struct collector_rollup *r, const struct collector_bucket *b, int64_t day);

/* Folds the dirty marks of days first..last (days since 1970-01-01) into the rollup. */
int collector_store_rollup_refresh(struct collector_store *store, int64_t first, int64_t last);

/* Refreshes days first..last, then calls fn for the rollup rows that cover them exactly: whole years,
 * whole months, then single days, each once; antenne NULL or "" = every antenne (rows in no set order),
 * else that antenne's rows by day. A non-zero return of fn stops the walk and is returned. */
typedef int (*collector_rollup_fn)(void *ctx, const struct collector_rollup *row);
int collector_store_rollup_walk(struct collector_store *store, int64_t first, int64_t last, const char *antenne,
                                collector_rollup_fn fn, void *ctx);

/* The background pass: a thread with its own connection (backend and target as for collector_store_open)
 * that folds every dirty day each interval_s seconds, so a reader finds little left to fold. Returns 0 with
 * *out set, or -1 with *out NULL and err filled. */
struct collector_rollup_pass;
int collector_rollup_pass_start(enum collector_backend backend, const char *target, int interval_s,
                                struct collector_rollup_pass **out, char *err, size_t errlen);
/* Stops the thread (after the fold in progress) and frees the pass; NULL does nothing. */
void collector_rollup_pass_stop(struct collector_rollup_pass *pass);

/* ---- steering alerts that fired and have not cleared (collector_alerts.h keeps them here so a restart
 * neither forgets who acknowledged them nor sends them again); kind is the alert's word ------------- */

/* Records that (antenne, kind) fired, its condition holding since `since`: not acknowledged. */
int collector_store_alert_fired(struct collector_store *store, const char *antenne, const char *kind, int64_t since,
                                int64_t fired_at);
/* Forgets (antenne, kind): it cleared. Forgetting what is not there is no error. */
int collector_store_alert_cleared(struct collector_store *store, const char *antenne, const char *kind);
/* Records that `who` acknowledged the alert (antenne, kind) that fired for `since`, at `at`. *taken is
 * false (and nothing changed) when that alert is not stored or someone acknowledged it already. */
int collector_store_alert_ack(struct collector_store *store, const char *antenne, const char *kind, int64_t since,
                              const char *who, int64_t at, bool *taken);
/* Every stored alert, by antenne and kind; acked_by "" = nobody yet. A non-zero return stops the walk. */
typedef int (*collector_stored_alert_fn)(void *ctx, const char *antenne, const char *kind, int64_t since,
                                         const char *acked_by, int64_t acked_at);
int collector_store_alerts_list(struct collector_store *store, collector_stored_alert_fn fn, void *ctx);

#endif
