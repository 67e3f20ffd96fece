/* Private to the store module: what a backend implements. The SQL text lives in collector_store.c,
 * shared by both backends; a backend prepares it once per connection and returns every column as text. */
#ifndef BORNE_COLLECTOR_STORE_BACKEND_H
#define BORNE_COLLECTOR_STORE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The write path's statements come in STORE_ROW_SIZES forms: 1, 2, 4 ... STORE_ROWS_MAX rows (VALUES (...),
 * (...)); the writer cuts a group of batches into pieces of these sizes. PostgreSQL's cost per statement, not
 * per row, was the larger part of the ingest: a group's buckets, marks and health go in a few statements. */
#define STORE_ROW_SIZES 7
#define STORE_ROWS_MAX (1 << (STORE_ROW_SIZES - 1))

enum store_stmt {
    STMT_BEGIN,
    STMT_COMMIT,
    STMT_ROLLBACK,
    /* + k: the form of 2^k rows. The bucket upsert returns the key of each row it wrote (a newer revision). */
    STMT_UPSERT_BUCKETS,
    STMT_UPSERT_HEALTHS = STMT_UPSERT_BUCKETS + STORE_ROW_SIZES,
    STMT_TOUCH_DEVICES = STMT_UPSERT_HEALTHS + STORE_ROW_SIZES,
    STMT_ROLLUP_MARKS = STMT_TOUCH_DEVICES + STORE_ROW_SIZES,   /* a day of an antenne dirty for the rollup */
    STMT_EXPORT = STMT_ROLLUP_MARKS + STORE_ROW_SIZES,
    STMT_DEVICES,
    STMT_CHAN_ADD,
    STMT_CHAN_PENDING,
    STMT_CHAN_ACK,
    STMT_CHAN_MAX_ID,
    STMT_CHAN_EVENT,
    STMT_CHAN_LIST,
    STMT_KV_PUT,
    STMT_KV_LIST,
    STMT_LOG_ADD,
    STMT_LOG_LIST,
    STMT_FEEDBACK_SUMS,
    STMT_KV_DEL,
    STMT_EXPORT_ANTENNE,   /* STMT_EXPORT for one antenne: its own statement, so the plan uses the key */
    /* The rollup (collector_store_rollup.c). */
    STMT_ROLLUP_DIRTY,
    /* + k: 2^k rows of the rollup written; 2^k dirty marks removed; the rollup rows of 2^k (grain, antenne,
     * first days from..to). */
    STMT_ROLLUP_PUTS,
    STMT_ROLLUP_CLEANS = STMT_ROLLUP_PUTS + STORE_ROW_SIZES,
    STMT_ROLLUP_ROWS = STMT_ROLLUP_CLEANS + STORE_ROW_SIZES,
    STMT_ROLLUP_GET = STMT_ROLLUP_ROWS + STORE_ROW_SIZES,
    STMT_ROLLUP_GET_ANTENNE,
    STMT_ROLLUP_DROP,
    /* + k: the buckets of 2^k days of antennes (the rollup's dirty days), the rollup's columns only. */
    STMT_ROLLUP_BUCKETS,
    STMT_ALERT_FIRED = STMT_ROLLUP_BUCKETS + STORE_ROW_SIZES,
    STMT_ALERT_CLEARED,
    STMT_ALERT_ACK,
    STMT_ALERT_LIST,
    STMT_COUNT
};

/* The STORE_ROW_SIZES forms of a statement from first on (the form of 2^k terms at first + k): head, then 2^k
 * copies of term joined by joiner, each '?' of them numbered $1, $2 ... in turn, then tail. Called while the
 * statements are built; on out of memory a form stays NULL and every backend's open fails at preparing it. */
void store_build_forms(enum store_stmt first, const char *head, const char *term, const char *joiner,
                       const char *tail);
/* The same for a multi-row statement: head, then rows "(?, ... ?)" of nparams each, then tail. */
void store_build_rows(enum store_stmt first, const char *head, int nparams, const char *tail);

/* Built once from the contract's field lists (borne/contract.h) before the first backend opens. */
extern const char *store_sql[STMT_COUNT];
extern const char *store_schema_sql;

/* The rollup's statements (fills its store_sql entries) and tables: returns their schema text, malloc'ed
 * for the caller to free (NULL when out of memory); called once, by the store's own builder. */
const char *store_rollup_build_sql(void);

/* Columns later contract versions added to the buckets table: a backend adds each one that an
 * older store lacks, after running store_schema_sql. Ends with a NULL name. */
struct store_added_column {
    const char *name;
    const char *type;   /* "BIGINT NOT NULL DEFAULT 0" */
};
extern const struct store_added_column *store_added_columns;

struct store_param {
    bool is_text;
    const char *text;
    int64_t num;
};

/* Most columns a query returns, or parameters of a one-row statement; a statement takes at most
 * STORE_MAX_PARAMS. */
#define STORE_MAX_COLS 64
#define STORE_MAX_PARAMS (STORE_ROWS_MAX * STORE_MAX_COLS)

/* cols[i] is NULL for SQL NULL. A non-zero return stops the query and is returned by query(). */
typedef int (*store_row_fn)(void *ctx, const char *const *cols, int ncols);

struct store_ops {
    /* Rows inserted or updated are ADDED to *changes (may be NULL) at the latest when the COMMIT that
     * ends the transaction returns: a backend may pipeline the statements of a transaction. */
    int (*exec)(void *impl, enum store_stmt stmt, const struct store_param *params, int n, int64_t *changes,
                char *err, size_t errlen);
    /* Inside a transaction, the rows may come as late as the COMMIT (a pipelining backend): ctx must live
     * until it returns, and a non-zero return of fn is then reported by the COMMIT (which may have stood). */
    int (*query)(void *impl, enum store_stmt stmt, const struct store_param *params, int n, store_row_fn fn,
                 void *ctx, char *err, size_t errlen);
    void (*close)(void *impl);
};

/* A store handle: a backend's connection and the last error. */
struct collector_store {
    const struct store_ops *ops;
    void *impl;
    char error[512];
};

/* Rolls back the handle's transaction, keeping the error that made it fail. */
void store_rollback(struct collector_store *s);

/* Runs the forms from first on (store_build_forms()) over `count` terms of per_term parameters each in p, in
 * pieces of the largest forms that fit: their rows to fn (a query), or none (fn NULL: exec). Returns 0, fn's
 * non-zero return, or -1 (the store's error set). */
int store_run_forms(struct collector_store *s, enum store_stmt first, const struct store_param *p, size_t count,
                    int per_term, store_row_fn fn, void *ctx);

/* The members of struct collector_bucket that the rollup adds up (collector_rollup_add_bucket()) besides
 * hour, schema and partners, ending with a size 0: STMT_ROLLUP_BUCKETS reads only their columns. */
struct store_field {
    size_t offset, size;
};
extern const struct store_field store_rollup_bucket_fields[];

struct collector_row;

/* The buckets of n days (days[i] of antennes[i], YYYY-MM-DD) to fn, in no order. Each row holds its antenne,
 * day, hour, schema, partners and the fields above; its other counts are 0. Returns 0, fn's non-zero
 * return, or -1 (store error set). */
int store_rollup_buckets(struct collector_store *store, const char *const *antennes, const char *const *days,
                         size_t n, int (*fn)(void *ctx, const struct collector_row *row), void *ctx);

/* Backend constructors: 0 and *impl set, or -1 with err filled. */
int store_sqlite_open(const char *path, const struct store_ops **ops, void **impl, char *err, size_t errlen);
int store_pg_open(const char *conninfo, const struct store_ops **ops, void **impl, char *err, size_t errlen);

#endif
