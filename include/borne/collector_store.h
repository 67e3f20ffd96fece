/* Storage of the collector: buckets and device health, behind an ops table with two backends,
 * SQLite (a file path) and PostgreSQL (a libpq conninfo). Both use the same schema and the same SQL
 * text ($1-style parameters work in both); only BEGIN differs (SQLite takes the write lock at once).
 *
 * A store handle is one connection: use it from one thread at a time (the server keeps a pool).
 * Every function returns 0 on success, -1 on error with the reason in collector_store_error().
 */
#ifndef BORNE_COLLECTOR_STORE_H
#define BORNE_COLLECTOR_STORE_H

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

struct collector_device {
    char antenne[COLLECTOR_ID_MAX + 1];
    int64_t last_seen;   /* server time of the last accepted batch */
    int64_t sent_at;     /* board time of the health record, -1 when none was ever received */
    struct collector_health health;
};

typedef int (*collector_device_fn)(void *ctx, const struct collector_device *device);

/* Every antenne that ever sent an accepted batch, ordered by id. */
int collector_store_devices(struct collector_store *store, collector_device_fn fn, void *ctx);

#endif
