#include "borne/collector_store.h"

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector_html.h"
#include "collector_store_backend.h"

/* The buckets table's count columns, in order, expanded from the contract (borne/contract.h):
 * every int64 member of struct collector_bucket after the key, with the schema that brought it.
 * One list drives the CREATE, the column migration, the upsert, its parameters and the export. */
struct bucket_col {
    char name[24];
    int since;
    size_t offset;   /* of the int64_t in struct collector_bucket */
};

#define MAX_BUCKET_COLS 64
static struct bucket_col bucket_cols[MAX_BUCKET_COLS];
static int n_bucket_cols;
static struct store_added_column added[MAX_BUCKET_COLS + 1];
static char schema_buf[12288], export_buf[2048], export_antenne_buf[2048], feedback_buf[512];
/* The bucket columns STMT_ROLLUP_BUCKETS reads (indexes into bucket_cols). */
static int rollup_cols[MAX_BUCKET_COLS], n_rollup_cols;

/* The newer report wins; a stored sent_at further ahead of this receipt than ingest allows is a
 * board clock that ran ahead before the collector clamped it (9999-12-31), and loses, so it cannot
 * freeze the antenne's health. */
#define STR_(x) #x
#define STR(x) STR_(x)
#define KEEP_NEWER(c)                                                                             \
    c " = CASE WHEN excluded.sent_at >= health.sent_at"                                           \
      " OR health.sent_at > excluded.last_seen + " STR(COLLECTOR_SENT_AT_AHEAD_MAX)                \
      " THEN excluded." c " ELSE health." c " END"

const char *store_schema_sql = schema_buf;
const struct store_added_column *store_added_columns = added;
const char *store_sql[STMT_COUNT] = {
    [STMT_BEGIN] = "BEGIN",
    [STMT_COMMIT] = "COMMIT",
    [STMT_ROLLBACK] = "ROLLBACK",
    [STMT_EXPORT] = export_buf,
    [STMT_DEVICES] = ("SELECT antenne, last_seen, sent_at, version, uptime_s, printer, last_upload, queue_waiting"
                      " FROM health ORDER BY antenne"),
    [STMT_CHAN_ADD] = "INSERT INTO channel_messages (id, antenne, type, data, created_at) VALUES ($1, $2, $3, $4, $5)",
    [STMT_CHAN_PENDING] = "SELECT id, type, data FROM channel_messages WHERE antenne = $1 AND acked_at = 0 ORDER BY id",
    /* SQLite numbers $N parameters in order of first appearance: they must appear as $1, $2, ... */
    [STMT_CHAN_ACK] = "UPDATE channel_messages SET acked_at = $1, ok = $2, error = $3, result = $4"
                      " WHERE antenne = $5 AND id = $6 AND acked_at = 0 AND type = $7",
    [STMT_CHAN_MAX_ID] = "SELECT COALESCE(MAX(id), 0) FROM channel_messages",
    [STMT_CHAN_EVENT] = "INSERT INTO channel_events (antenne, key, type, at, data, received_at)"
                        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (antenne, key) DO NOTHING",
    [STMT_CHAN_LIST] = "SELECT id, antenne, type, created_at, acked_at, ok, error, result FROM channel_messages"
                       " WHERE (CAST($1 AS TEXT) = '' OR antenne = $1) AND (CAST($2 AS TEXT) = '' OR type = $2)"
                       " ORDER BY id DESC LIMIT $3",
    [STMT_KV_PUT] = "INSERT INTO fleet_kv (ns, key, value, updated_at) VALUES ($1, $2, $3, $4)"
                    " ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    [STMT_KV_LIST] = "SELECT key, value, updated_at FROM fleet_kv WHERE ns = $1 ORDER BY key",
    /* The next id of the namespace is taken inside the INSERT: one writer per namespace (the fleet
     * module's mutex) keeps it unique. */
    [STMT_LOG_ADD] = "INSERT INTO fleet_log (id, ns, at, value)"
                     " SELECT COALESCE(MAX(id), 0) + 1, CAST($1 AS TEXT), CAST($2 AS BIGINT), CAST($3 AS TEXT)"
                     " FROM fleet_log WHERE ns = $1",
    [STMT_LOG_LIST] = "SELECT id, value, at FROM fleet_log WHERE ns = $1 ORDER BY id DESC LIMIT $2",
    [STMT_FEEDBACK_SUMS] = feedback_buf,
    [STMT_KV_DEL] = "DELETE FROM fleet_kv WHERE ns = $1 AND key = $2",
    [STMT_EXPORT_ANTENNE] = export_antenne_buf,
    /* A refire after a clear the store missed (it was unreachable) starts afresh: nobody took it yet. */
    [STMT_ALERT_FIRED] = "INSERT INTO steering_alerts (antenne, kind, since, fired_at, acked_by, acked_at)"
                         " VALUES ($1, $2, $3, $4, '', 0) ON CONFLICT (antenne, kind) DO UPDATE SET"
                         " since = excluded.since, fired_at = excluded.fired_at, acked_by = '', acked_at = 0",
    [STMT_ALERT_CLEARED] = "DELETE FROM steering_alerts WHERE antenne = $1 AND kind = $2",
    /* Only the very alert (its since) and only its first acknowledgement. */
    [STMT_ALERT_ACK] = "UPDATE steering_alerts SET acked_by = $1, acked_at = $2"
                       " WHERE antenne = $3 AND kind = $4 AND since = $5 AND acked_by = ''",
    [STMT_ALERT_LIST] = "SELECT antenne, kind, since, acked_by, acked_at FROM steering_alerts ORDER BY antenne, kind",
};


/* The write path's multi-row statements (STORE_ROW_SIZES forms each, built by store_build_rows()): what comes before
 * the VALUES rows, each row's parameter count, what comes after. */
#define HEALTH_INSERT "INSERT INTO health (antenne, last_seen, sent_at, version, uptime_s, printer, last_upload, queue_waiting)"
static const char health_head[] = HEALTH_INSERT " VALUES ";
static const char health_tail[] =
    " ON CONFLICT (antenne) DO UPDATE SET last_seen = excluded.last_seen, " KEEP_NEWER("version") ", "
    KEEP_NEWER("uptime_s") ", " KEEP_NEWER("printer") ", " KEEP_NEWER("last_upload") ", "
    KEEP_NEWER("queue_waiting") ", " KEEP_NEWER("sent_at");
#define HEALTH_PARAMS 8
/* A batch without health still proves the device is alive: its row is (antenne, last_seen, -1, '', 0, '', -1, 0)
 * when new, else only last_seen changes. */
static const char touch_tail[] = " ON CONFLICT (antenne) DO UPDATE SET last_seen = excluded.last_seen";
/* A day of an antenne that a batch wrote, dirty for the rollup (collector_store_rollup.c): gen grows with
 * each group that touches it. */
static const char mark_head[] = "INSERT INTO rollup_dirty (antenne, day, gen) VALUES ";
static const char mark_tail[] = " ON CONFLICT (antenne, day) DO UPDATE SET gen = rollup_dirty.gen + 1";
#define MARK_PARAMS 3

static const char channel_schema_sql[] =
    /* HQ -> board channel (collector_channel.h): a message waits here until its board acknowledges it
     * (acked_at 0 = not yet); events from the boards are kept once per (antenne, key). */
    "CREATE TABLE IF NOT EXISTS channel_messages ("
    " id BIGINT PRIMARY KEY, antenne TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL,"
    " created_at BIGINT NOT NULL, acked_at BIGINT NOT NULL DEFAULT 0, ok BIGINT NOT NULL DEFAULT 0,"
    " error TEXT NOT NULL DEFAULT '', result TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX IF NOT EXISTS channel_unacked ON channel_messages (antenne, id) WHERE acked_at = 0;"
    "CREATE TABLE IF NOT EXISTS channel_events ("
    " antenne TEXT NOT NULL, key TEXT NOT NULL, type TEXT NOT NULL, at BIGINT NOT NULL, data TEXT NOT NULL,"
    " received_at BIGINT NOT NULL, PRIMARY KEY (antenne, key));"
    /* The fleet's small records (documents, published versions, board status) and its audit log. */
    "CREATE TABLE IF NOT EXISTS fleet_kv ("
    " ns TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated_at BIGINT NOT NULL,"
    " PRIMARY KEY (ns, key));"
    "CREATE TABLE IF NOT EXISTS fleet_log ("
    " id BIGINT NOT NULL, ns TEXT NOT NULL, at BIGINT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (ns, id));"
    /* The steering alerts that fired and have not cleared, and who acknowledged each ('' = nobody yet):
     * a restarted collector takes them back instead of sending them again (collector_alerts.h). kind is
     * the alert's word (collector_alert_word()), never its enum number. */
    "CREATE TABLE IF NOT EXISTS steering_alerts ("
    " antenne TEXT NOT NULL, kind TEXT NOT NULL, since BIGINT NOT NULL, fired_at BIGINT NOT NULL,"
    " acked_by TEXT NOT NULL DEFAULT '', acked_at BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (antenne, kind));";

static void add_col(const char *name, int index, int since, size_t offset)
{
    struct bucket_col *c = &bucket_cols[n_bucket_cols++];
    if (index)
        snprintf(c->name, sizeof c->name, "%s%d", name, index);
    else
        snprintf(c->name, sizeof c->name, "%s", name);
    c->since = since;
    c->offset = offset;
}

#define KEY_COLS "antenne, day, hour, service, public_type"
#define KEY_NCOLS 5
/* A bucket row's parameters: the key, the counts, the tail, the batch and when it was received. */
#define BUCKET_PARAMS (KEY_NCOLS + n_bucket_cols + 2 + 2)
/* After the counts: the contract version of the bucket, and its partners as text. */
#define TAIL_COLS "contract, partners"

__attribute__((format(printf, 4, 5))) static size_t append(char *buf, size_t cap, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + len, cap - len, fmt, ap);
    va_end(ap);
    return n < 0 ? len : len + (size_t)n;
}

void store_build_forms(enum store_stmt first, const char *head, const char *term, const char *joiner,
                       const char *tail)
{
    for (int k = 0; k < STORE_ROW_SIZES; k++) {
        struct buf b = {0};
        buf_puts(&b, head);
        int param = 0;
        for (int r = 0; r < 1 << k; r++) {
            if (r)
                buf_puts(&b, joiner);
            const char *p = term, *q;
            while ((q = strchr(p, '?'))) {
                buf_printf(&b, "%.*s$%d", (int)(q - p), p, ++param);
                p = q + 1;
            }
            buf_puts(&b, p);
        }
        buf_puts(&b, tail);
        char *text;
        size_t len;
        store_sql[first + k] = buf_finish(&b, 0, &text, &len) == 0 ? text : NULL;
    }
}

void store_build_rows(enum store_stmt first, const char *head, int nparams, const char *tail)
{
    struct buf row = {0};
    for (int i = 0; i < nparams; i++)
        buf_puts(&row, i ? ", ?" : "(?");
    buf_puts(&row, ")");
    char *term;
    size_t len;
    if (buf_finish(&row, 0, &term, &len) != 0) {
        for (int k = 0; k < STORE_ROW_SIZES; k++)
            store_sql[first + k] = NULL;
        return;
    }
    store_build_forms(first, head, term, ", ", tail);
    free(term);
}

static void build_sql(void)
{
#define STAT_COLS_(stat, prefix)                                                                                  \
    add_col(prefix "_sum_s", 0, 1, offsetof(struct collector_bucket, stat.sum_s));                               \
    add_col(prefix "_count", 0, 1, offsetof(struct collector_bucket, stat.count));                               \
    add_col(prefix "_p50_s", 0, 1, offsetof(struct collector_bucket, stat.p50_s));                               \
    add_col(prefix "_p90_s", 0, 1, offsetof(struct collector_bucket, stat.p90_s));
    add_col("revision", 0, 1, offsetof(struct collector_bucket, revision));
#define COUNT_COL_(name, since) add_col(#name, 0, since, offsetof(struct collector_bucket, name));
    CONTRACT_BUCKET_COUNTS(COUNT_COL_)
    STAT_COLS_(wait, "wait")
    STAT_COLS_(service_time, "service")
#define ARRAY_COLS_(name, since, n, col)                                                                         \
    for (int i = 0; i < (n); i++)                                                                                \
        add_col(#col, i + 1, since, offsetof(struct collector_bucket, name) + (size_t)i * sizeof(int64_t));
    CONTRACT_BUCKET_ARRAYS(ARRAY_COLS_)
    _Static_assert(KEY_NCOLS + 9 + 1 + 8 + CONTRACT_WEATHER_N + CONTRACT_WAIT_BANDS_N + CONTRACT_OUTCOMES_N +
                           CONTRACT_CHANNELS_N + CONTRACT_REASONS_N + 2 + 2 <= MAX_BUCKET_COLS,
                   "bucket columns fit");

    /* BIGINT everywhere a count may exceed 2^31 over years of totals; TEXT days sort as dates. */
    size_t len = append(schema_buf, sizeof schema_buf, 0, "%s",
                        "CREATE TABLE IF NOT EXISTS buckets (antenne TEXT NOT NULL, day TEXT NOT NULL,"
                        " hour INTEGER NOT NULL, service TEXT NOT NULL, public_type TEXT NOT NULL");
    size_t n_added = 0;
    for (int i = 0; i < n_bucket_cols; i++) {
        len = append(schema_buf, sizeof schema_buf, len, ", %s BIGINT NOT NULL%s", bucket_cols[i].name,
                     bucket_cols[i].since > 1 ? " DEFAULT 0" : "");
        if (bucket_cols[i].since > 1)
            added[n_added++] = (struct store_added_column){bucket_cols[i].name, "BIGINT NOT NULL DEFAULT 0"};
    }
    /* A bucket stored before the column existed came with contract 1. */
    added[n_added++] = (struct store_added_column){"contract", "INTEGER NOT NULL DEFAULT 1"};
    added[n_added++] = (struct store_added_column){"partners", "TEXT NOT NULL DEFAULT ''"};
    added[n_added] = (struct store_added_column){NULL, NULL};
    append(schema_buf, sizeof schema_buf, len, "%s",
           ", contract INTEGER NOT NULL DEFAULT 1, partners TEXT NOT NULL DEFAULT '',"
           " batch TEXT NOT NULL, received_at BIGINT NOT NULL,"
           " PRIMARY KEY (antenne, day, hour, service, public_type));"
           "CREATE TABLE IF NOT EXISTS health ("
           " antenne TEXT PRIMARY KEY, last_seen BIGINT NOT NULL, sent_at BIGINT NOT NULL,"
           " version TEXT NOT NULL, uptime_s BIGINT NOT NULL, printer TEXT NOT NULL,"
           " last_upload BIGINT NOT NULL, queue_waiting BIGINT NOT NULL);");
    const char *rollup_schema = store_rollup_build_sql();
    append(schema_buf, sizeof schema_buf, strlen(schema_buf), "%s%s", channel_schema_sql,
           rollup_schema ? rollup_schema : "");
    free((void *)rollup_schema);

    char cols[2048];
    size_t cl = append(cols, sizeof cols, 0, "%s", KEY_COLS);
    for (int i = 0; i < n_bucket_cols; i++)
        cl = append(cols, sizeof cols, cl, ", %s", bucket_cols[i].name);
    append(cols, sizeof cols, cl, ", %s", TAIL_COLS);

    /* A bucket row's parameters fit in STORE_MAX_COLS (the assertion above, MAX_BUCKET_COLS == STORE_MAX_COLS).
     * The rows written come back (RETURNING): a statement holds rows of several batches, and each batch is
     * told how many of its own it applied. */
    _Static_assert(MAX_BUCKET_COLS == STORE_MAX_COLS, "a bucket row's parameters fit a statement's share");
    char head[2200], tail[4096];
    append(head, sizeof head, 0, "INSERT INTO buckets (%s, batch, received_at) VALUES ", cols);
    size_t tl = append(tail, sizeof tail, 0, "%s", " ON CONFLICT (" KEY_COLS ") DO UPDATE SET ");
    for (int i = 0; i < n_bucket_cols; i++)
        tl = append(tail, sizeof tail, tl, "%s = excluded.%s, ", bucket_cols[i].name, bucket_cols[i].name);
    append(tail, sizeof tail, tl, "%s",
           "contract = excluded.contract, partners = excluded.partners, batch = excluded.batch,"
           " received_at = excluded.received_at WHERE excluded.revision > buckets.revision RETURNING " KEY_COLS);
    store_build_rows(STMT_UPSERT_BUCKETS, head, BUCKET_PARAMS, tail);
    store_build_rows(STMT_UPSERT_HEALTHS, health_head, HEALTH_PARAMS, health_tail);
    store_build_rows(STMT_TOUCH_DEVICES, health_head, HEALTH_PARAMS, touch_tail);
    store_build_rows(STMT_ROLLUP_MARKS, mark_head, MARK_PARAMS, mark_tail);

    size_t el = append(export_buf, sizeof export_buf, 0, "SELECT %s", cols);
    append(export_buf, sizeof export_buf, el, "%s",
           " FROM buckets WHERE day >= $1 AND day <= $2"
           " AND (CAST($3 AS TEXT) = '' OR antenne = $3) AND (CAST($4 AS TEXT) = '' OR service = $4)"
           " ORDER BY antenne, day, hour, service, public_type");
    /* A prepared statement's generic plan cannot use the (antenne, day, ...) key through the "= '' OR"
     * above: a year of one antenne among thousands would read the whole table. */
    el = append(export_antenne_buf, sizeof export_antenne_buf, 0, "SELECT %s", cols);
    append(export_antenne_buf, sizeof export_antenne_buf, el, "%s",
           " FROM buckets WHERE day >= $1 AND day <= $2 AND antenne = $3 AND (CAST($4 AS TEXT) = '' OR service = $4)"
           " ORDER BY antenne, day, hour, service, public_type");

    /* The rollup reads back the buckets of its dirty days: up to STORE_ROWS_MAX days per statement, each an
     * equality on the key's first two columns (an index lookup whatever the table's size), only the
     * columns it adds up. */
    struct buf rb = {0};
    buf_puts(&rb, "SELECT antenne, day, hour, contract, partners");
    for (int i = 0; i < n_bucket_cols; i++)
        for (const struct store_field *f = store_rollup_bucket_fields; f->size; f++)
            if (bucket_cols[i].offset >= f->offset && bucket_cols[i].offset < f->offset + f->size) {
                rollup_cols[n_rollup_cols++] = i;
                buf_printf(&rb, ", %s", bucket_cols[i].name);
            }
    buf_puts(&rb, " FROM buckets WHERE ");
    char *select;
    size_t select_len;
    if (buf_finish(&rb, 0, &select, &select_len) == 0) {
        store_build_forms(STMT_ROLLUP_BUCKETS, select, "(antenne = ? AND day = ?)", " OR ", "");
        free(select);
    }

    size_t fl = append(feedback_buf, sizeof feedback_buf, 0, "%s", "SELECT antenne");
    for (int i = 1; i <= CONTRACT_WEATHER_N; i++)
        fl = append(feedback_buf, sizeof feedback_buf, fl, ", SUM(fb%d)", i);
    append(feedback_buf, sizeof feedback_buf, fl, "%s",
           " FROM buckets WHERE day >= $1 AND day <= $2 GROUP BY antenne ORDER BY antenne");
}

static pthread_once_t sql_once = PTHREAD_ONCE_INIT;


int collector_store_open(enum collector_backend backend, const char *target, struct collector_store **out,
                         char *err, size_t errlen)
{
    *out = NULL;
    struct collector_store *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    pthread_once(&sql_once, build_sql);
    int rc = backend == COLLECTOR_BACKEND_POSTGRESQL ? store_pg_open(target, &s->ops, &s->impl, err, errlen)
                                                     : store_sqlite_open(target, &s->ops, &s->impl, err, errlen);
    if (rc != 0) {
        free(s);
        return -1;
    }
    *out = s;
    return 0;
}

void collector_store_close(struct collector_store *store)
{
    if (!store)
        return;
    store->ops->close(store->impl);
    free(store);
}

const char *collector_store_error(const struct collector_store *store)
{
    return store->error;
}

static struct store_param text(const char *s)
{
    return (struct store_param){.is_text = true, .text = s};
}

static struct store_param num(int64_t v)
{
    return (struct store_param){.num = v};
}

static int exec(struct collector_store *s, enum store_stmt stmt, const struct store_param *p, int n,
                int64_t *changes)
{
    return s->ops->exec(s->impl, stmt, p, n, changes, s->error, sizeof s->error);
}

/* ---- the write path: a group of batches in one transaction ----------------------------------------- */

/* One bucket of the group, in the order the batches came. */
struct row_ref {
    size_t batch;
    const struct collector_bucket *b;
};

/* One statement's rows, [first, first + count) of the group's: where the rows it wrote come back to. */
struct piece {
    struct group_write *g;
    size_t first, count;
};

struct group_write {
    const struct collector_batch *const *batches;
    size_t n;
    int64_t received_at;
    struct row_ref *rows;
    size_t n_rows;
    struct piece *pieces;          /* at most one per row: they live until the COMMIT */
    size_t n_pieces;
    int64_t *changed;              /* rows each batch applied (filled by the COMMIT at the latest) */
    struct store_param *params;    /* STORE_MAX_PARAMS */
};

static const char *row_antenne(const struct group_write *g, const struct row_ref *r)
{
    return collector_batch_antenne(g->batches[r->batch]);
}

static bool same_row(const struct group_write *g, const struct row_ref *a, const struct row_ref *b)
{
    return a->b->hour == b->b->hour && strcmp(a->b->service, b->b->service) == 0 &&
           strcmp(a->b->day, b->b->day) == 0 && strcmp(a->b->public_type, b->b->public_type) == 0 &&
           strcmp(row_antenne(g, a), row_antenne(g, b)) == 0;
}

/* A row the bucket upsert wrote (KEY_COLS): one of its piece's, whose batch applied it. */
static int written_row(void *ctx, const char *const *c, int n)
{
    struct piece *p = ctx;
    if (n != KEY_NCOLS || !c[0] || !c[1] || !c[2] || !c[3] || !c[4])
        return -1;
    int hour = atoi(c[2]);
    for (size_t i = p->first; i < p->first + p->count; i++) {
        const struct row_ref *r = &p->g->rows[i];
        if (r->b->hour == hour && strcmp(r->b->service, c[3]) == 0 && strcmp(r->b->day, c[1]) == 0 &&
            strcmp(r->b->public_type, c[4]) == 0 && strcmp(row_antenne(p->g, r), c[0]) == 0) {
            p->g->changed[r->batch]++;
            return 0;
        }
    }
    return -1;   /* a row nobody sent */
}

/* The largest form (2^k rows) that `count` rows fill. */
static int form_for(size_t count)
{
    int k = STORE_ROW_SIZES - 1;
    while (k > 0 && (size_t)1 << k > count)
        k--;
    return k;
}

static int upsert_buckets(struct collector_store *s, struct group_write *g)
{
    for (size_t first = 0; first < g->n_rows;) {
        /* Up to STORE_ROWS_MAX rows, none twice: one statement cannot upsert a row twice (PostgreSQL refuses
         * it), so a repeated key starts the next statement, which sees the first one's write: the group ends
         * as if its batches were applied one after the other. */
        size_t count = 1;
        while (first + count < g->n_rows && count < STORE_ROWS_MAX) {
            bool repeated = false;
            for (size_t k = first; k < first + count && !repeated; k++)
                repeated = same_row(g, &g->rows[k], &g->rows[first + count]);
            if (repeated)
                break;
            count++;
        }
        for (size_t end = first + count; first < end;) {
            int form = form_for(end - first);
            size_t rows = (size_t)1 << form;
            int n = 0;
            for (size_t i = first; i < first + rows; i++) {
                const struct row_ref *r = &g->rows[i];
                const struct collector_bucket *b = r->b;
                struct store_param *p = g->params;
                p[n++] = text(row_antenne(g, r));
                p[n++] = text(b->day);
                p[n++] = num(b->hour);
                p[n++] = text(b->service);
                p[n++] = text(b->public_type);
                for (int c = 0; c < n_bucket_cols; c++)
                    p[n++] = num(*(const int64_t *)((const char *)b + bucket_cols[c].offset));
                p[n++] = num(b->schema);
                p[n++] = text(b->partners);
                p[n++] = text(collector_batch_id(g->batches[r->batch]));
                p[n++] = num(g->received_at);
            }
            struct piece *piece = &g->pieces[g->n_pieces++];
            *piece = (struct piece){g, first, rows};
            if (s->ops->query(s->impl, (enum store_stmt)(STMT_UPSERT_BUCKETS + form), g->params, n, written_row,
                              piece, s->error, sizeof s->error) != 0)
                return -1;
            first += rows;
        }
    }
    return 0;
}

int store_run_forms(struct collector_store *s, enum store_stmt first, const struct store_param *p, size_t count,
                    int per_term, store_row_fn fn, void *ctx)
{
    for (size_t done = 0; done < count;) {
        int form = form_for(count - done);
        size_t terms = (size_t)1 << form;
        const struct store_param *piece = p + done * (size_t)per_term;
        int n = (int)terms * per_term;
        int rc = fn ? s->ops->query(s->impl, (enum store_stmt)(first + form), piece, n, fn, ctx, s->error,
                                    sizeof s->error)
                    : exec(s, (enum store_stmt)(first + form), piece, n, NULL);
        if (rc != 0)
            return rc;
        done += terms;
    }
    return 0;
}

/* Runs a multi-row statement over `count` rows of `per_row` parameters each, already in g->params. */
static int exec_rows(struct collector_store *s, struct group_write *g, enum store_stmt stmt, size_t count,
                     int per_row)
{
    return store_run_forms(s, stmt, g->params, count, per_row, NULL, NULL);
}

/* Marks each day of an antenne the group wrote dirty for the rollup, once. */
static int mark_days(struct collector_store *s, struct group_write *g)
{
    _Static_assert(STORE_MAX_PARAMS >= MARK_PARAMS * STORE_ROWS_MAX, "a piece of marks fits the parameters");
    size_t count = 0;
    for (size_t i = 0; i < g->n_rows; i++) {
        const struct row_ref *r = &g->rows[i];
        bool known = false;
        for (size_t k = 0; k < count && !known; k++)
            known = strcmp(g->params[k * MARK_PARAMS + 1].text, r->b->day) == 0 &&
                    strcmp(g->params[k * MARK_PARAMS].text, row_antenne(g, r)) == 0;
        if (known)
            continue;
        struct store_param *p = &g->params[count * MARK_PARAMS];
        p[0] = text(row_antenne(g, r));
        p[1] = text(r->b->day);
        p[2] = num(1);
        if (++count == STORE_ROWS_MAX) {
            if (exec_rows(s, g, STMT_ROLLUP_MARKS, count, MARK_PARAMS) != 0)
                return -1;
            count = 0;
        }
    }
    return exec_rows(s, g, STMT_ROLLUP_MARKS, count, MARK_PARAMS);
}

/* The antenne's health row after the group: as if its batches were applied in turn, the report with the
 * latest sent_at (the last of equals) meets the stored one; batches without a report only say "seen now".
 * Their sent_at are at most COLLECTOR_SENT_AT_AHEAD_MAX ahead of received_at (the validator clamps them),
 * so none of them loses to the others for being too far ahead. */
static int write_health(struct collector_store *s, struct group_write *g)
{
    _Static_assert(STORE_MAX_PARAMS >= HEALTH_PARAMS * STORE_ROWS_MAX, "a piece of health rows fits the parameters");
    /* Per antenne of the group: the batch whose report wins, else the first batch (no report). */
    size_t *winner = malloc(g->n * sizeof *winner), n_antennes = 0;
    if (!winner) {
        snprintf(s->error, sizeof s->error, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < g->n; i++) {
        const char *antenne = collector_batch_antenne(g->batches[i]);
        size_t k = 0;
        while (k < n_antennes && strcmp(collector_batch_antenne(g->batches[winner[k]]), antenne) != 0)
            k++;
        if (k == n_antennes) {
            winner[n_antennes++] = i;
            continue;
        }
        const struct collector_batch *w = g->batches[winner[k]];
        if (collector_batch_health(g->batches[i]) &&
            (!collector_batch_health(w) || collector_batch_sent_at(g->batches[i]) >= collector_batch_sent_at(w)))
            winner[k] = i;
    }
    int rc = 0;
    for (int reported = 1; reported >= 0 && rc == 0; reported--) {
        size_t count = 0;
        for (size_t k = 0; k < n_antennes && rc == 0; k++) {
            const struct collector_batch *b = g->batches[winner[k]];
            const struct collector_health *h = collector_batch_health(b);
            if (!h != !reported)
                continue;
            struct store_param *p = &g->params[count * HEALTH_PARAMS];
            p[0] = text(collector_batch_antenne(b));
            p[1] = num(g->received_at);
            if (h) {
                p[2] = num(collector_batch_sent_at(b));
                p[3] = text(h->version);
                p[4] = num(h->uptime_s);
                p[5] = text(h->printer);
                p[6] = num(h->last_upload);
                p[7] = num(h->queue_waiting);
            } else {
                p[2] = num(-1);
                p[3] = text("");
                p[4] = num(0);
                p[5] = text("");
                p[6] = num(-1);
                p[7] = num(0);
            }
            if (++count == STORE_ROWS_MAX) {
                rc = exec_rows(s, g, reported ? STMT_UPSERT_HEALTHS : STMT_TOUCH_DEVICES, count, HEALTH_PARAMS);
                count = 0;
            }
        }
        if (rc == 0)
            rc = exec_rows(s, g, reported ? STMT_UPSERT_HEALTHS : STMT_TOUCH_DEVICES, count, HEALTH_PARAMS);
    }
    free(winner);
    return rc;
}

static int apply_group(struct collector_store *s, struct group_write *g)
{
    int rc = exec(s, STMT_BEGIN, NULL, 0, NULL);
    if (rc == 0)
        rc = upsert_buckets(s, g);
    if (rc == 0)
        rc = mark_days(s, g);
    if (rc == 0)
        rc = write_health(s, g);
    if (rc == 0)
        rc = exec(s, STMT_COMMIT, NULL, 0, NULL);
    if (rc != 0)
        store_rollback(s);
    return rc;
}

int collector_store_apply(struct collector_store *store, const struct collector_batch *const *batches, size_t n,
                          int64_t received_at, size_t *applied)
{
    struct group_write g = {.batches = batches, .n = n, .received_at = received_at};
    for (size_t i = 0; i < n; i++) {
        applied[i] = 0;
        g.n_rows += collector_batch_bucket_count(batches[i]);
    }
    g.rows = malloc((g.n_rows ? g.n_rows : 1) * sizeof *g.rows);
    g.pieces = malloc((g.n_rows ? g.n_rows : 1) * sizeof *g.pieces);
    g.changed = calloc(n ? n : 1, sizeof *g.changed);
    g.params = malloc(STORE_MAX_PARAMS * sizeof *g.params);
    int rc = -1;
    if (!g.rows || !g.pieces || !g.changed || !g.params) {
        snprintf(store->error, sizeof store->error, "out of memory");
    } else {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < collector_batch_bucket_count(batches[i]); j++)
                g.rows[k++] = (struct row_ref){i, collector_batch_bucket(batches[i], j)};
        rc = apply_group(store, &g);
    }
    if (rc == 0)
        for (size_t i = 0; i < n; i++)
            applied[i] = (size_t)g.changed[i];
    free(g.rows);
    free(g.pieces);
    free(g.changed);
    free(g.params);
    return rc;
}

/* A column's integer: the databases write them as plain decimals, read here without strtoll's cost (the rollup
 * reads tens of them per bucket); anything else, or more digits than surely fit, goes to strtoll. */
static int64_t col_int(const char *c)
{
    if (!c)
        return 0;
    const char *p = c + (*c == '-');
    int64_t v = 0;
    int n = 0;
    for (; *p >= '0' && *p <= '9' && n < 18; p++, n++)
        v = v * 10 + (*p - '0');
    if (*p || n == 0)
        return strtoll(c, NULL, 10);
    return *c == '-' ? -v : v;
}

static void col_text(char *dst, size_t size, const char *c)
{
    size_t n = c ? strnlen(c, size - 1) : 0;
    memcpy(dst, c ? c : "", n);
    dst[n] = '\0';
}

struct export_ctx {
    collector_row_fn fn;
    void *ctx;
};

static int export_row(void *ctx, const char *const *c, int n)
{
    struct export_ctx *e = ctx;
    if (n != KEY_NCOLS + n_bucket_cols + 2)
        return -1;
    struct collector_row r;
    memset(&r, 0, sizeof r);
    struct collector_bucket *b = &r.bucket;
    col_text(r.antenne, sizeof r.antenne, c[0]);
    col_text(b->day, sizeof b->day, c[1]);
    b->hour = (int)col_int(c[2]);
    col_text(b->service, sizeof b->service, c[3]);
    col_text(b->public_type, sizeof b->public_type, c[4]);
    for (int i = 0; i < n_bucket_cols; i++)
        *(int64_t *)((char *)b + bucket_cols[i].offset) = col_int(c[KEY_NCOLS + i]);
    b->schema = (int)col_int(c[KEY_NCOLS + n_bucket_cols]);
    col_text(b->partners, sizeof b->partners, c[KEY_NCOLS + n_bucket_cols + 1]);
    return e->fn(e->ctx, &r);
}

int collector_store_export(struct collector_store *store, const struct collector_filter *f, collector_row_fn fn,
                           void *ctx)
{
    struct export_ctx e = {fn, ctx};
    struct store_param p[] = {text(f->from[0] ? f->from : "0000-00-00"), text(f->to[0] ? f->to : "9999-99-99"),
                              text(f->antenne), text(f->service)};
    return store->ops->query(store->impl, f->antenne[0] ? STMT_EXPORT_ANTENNE : STMT_EXPORT, p, 4, export_row, &e,
                             store->error, sizeof store->error);
}

struct rollup_buckets_ctx {
    int (*fn)(void *ctx, const struct collector_row *row);
    void *ctx;
    struct collector_row row;   /* zeroed once: the columns not read stay 0 */
};

static int rollup_bucket_row(void *ctx, const char *const *c, int n)
{
    struct rollup_buckets_ctx *e = ctx;
    if (n != 5 + n_rollup_cols)
        return -1;
    struct collector_bucket *b = &e->row.bucket;
    col_text(e->row.antenne, sizeof e->row.antenne, c[0]);
    col_text(b->day, sizeof b->day, c[1]);
    b->hour = (int)col_int(c[2]);
    b->schema = (int)col_int(c[3]);
    col_text(b->partners, sizeof b->partners, c[4]);
    for (int i = 0; i < n_rollup_cols; i++)
        *(int64_t *)((char *)b + bucket_cols[rollup_cols[i]].offset) = col_int(c[5 + i]);
    return e->fn(e->ctx, &e->row);
}

int store_rollup_buckets(struct collector_store *store, const char *const *antennes, const char *const *days,
                         size_t n, int (*fn)(void *ctx, const struct collector_row *row), void *ctx)
{
    _Static_assert(STORE_MAX_PARAMS >= 2 * STORE_ROWS_MAX, "a piece of days fits the parameters");
    struct rollup_buckets_ctx *e = calloc(1, sizeof *e);
    struct store_param *p = malloc(2 * STORE_ROWS_MAX * sizeof *p);
    int rc = 0;
    if (!e || !p) {
        snprintf(store->error, sizeof store->error, "out of memory");
        rc = -1;
    } else {
        e->fn = fn;
        e->ctx = ctx;
    }
    for (size_t first = 0; first < n && rc == 0; first += STORE_ROWS_MAX) {
        size_t count = n - first < STORE_ROWS_MAX ? n - first : STORE_ROWS_MAX;
        for (size_t i = 0; i < count; i++) {
            p[2 * i] = text(antennes[first + i]);
            p[2 * i + 1] = text(days[first + i]);
        }
        rc = store_run_forms(store, STMT_ROLLUP_BUCKETS, p, count, 2, rollup_bucket_row, e);
    }
    free(e);
    free(p);
    return rc;
}

struct devices_ctx {
    collector_device_fn fn;
    void *ctx;
};

static int device_row(void *ctx, const char *const *c, int n)
{
    struct devices_ctx *d = ctx;
    if (n != 8)
        return -1;
    struct collector_device dev;
    memset(&dev, 0, sizeof dev);
    col_text(dev.antenne, sizeof dev.antenne, c[0]);
    dev.last_seen = col_int(c[1]);
    dev.sent_at = col_int(c[2]);
    col_text(dev.health.version, sizeof dev.health.version, c[3]);
    dev.health.uptime_s = col_int(c[4]);
    col_text(dev.health.printer, sizeof dev.health.printer, c[5]);
    dev.health.last_upload = col_int(c[6]);
    dev.health.queue_waiting = col_int(c[7]);
    return d->fn(d->ctx, &dev);
}

int collector_store_devices(struct collector_store *store, collector_device_fn fn, void *ctx)
{
    struct devices_ctx d = {fn, ctx};
    return store->ops->query(store->impl, STMT_DEVICES, NULL, 0, device_row, &d, store->error,
                             sizeof store->error);
}

/* ---- channel (collector_channel.h) ------------------------------------------------------------ */

void store_rollback(struct collector_store *s)
{
    /* Keep the first error: the rollback's own message would hide why we failed. */
    char keep[sizeof s->error];
    memcpy(keep, s->error, sizeof keep);
    s->ops->exec(s->impl, STMT_ROLLBACK, NULL, 0, NULL, s->error, sizeof s->error);
    memcpy(s->error, keep, sizeof keep);
}

/* One statement in its own transaction, so a pipelining backend has reported its row count on return. */
static int exec_one(struct collector_store *s, enum store_stmt stmt, const struct store_param *p, int n,
                    int64_t *changes)
{
    int rc = exec(s, STMT_BEGIN, NULL, 0, NULL);
    if (rc == 0)
        rc = exec(s, stmt, p, n, changes);
    if (rc == 0)
        rc = exec(s, STMT_COMMIT, NULL, 0, NULL);
    if (rc != 0)
        store_rollback(s);
    return rc;
}

int collector_store_channel_add(struct collector_store *store, int64_t id, const char *antenne, const char *type,
                                const char *data, int64_t created_at)
{
    struct store_param p[] = {num(id), text(antenne), text(type), text(data), num(created_at)};
    return exec_one(store, STMT_CHAN_ADD, p, 5, NULL);
}

struct pending_ctx {
    collector_channel_row_fn fn;
    void *ctx;
};

static int pending_row(void *ctx, const char *const *c, int n)
{
    struct pending_ctx *pc = ctx;
    if (n != 3)
        return -1;
    return pc->fn(pc->ctx, col_int(c[0]), c[1] ? c[1] : "", c[2] ? c[2] : "");
}

int collector_store_channel_pending(struct collector_store *store, const char *antenne, collector_channel_row_fn fn,
                                    void *ctx)
{
    struct pending_ctx pc = {fn, ctx};
    struct store_param p[] = {text(antenne)};
    return store->ops->query(store->impl, STMT_CHAN_PENDING, p, 1, pending_row, &pc, store->error,
                             sizeof store->error);
}

int collector_store_channel_ack(struct collector_store *store, const char *antenne, int64_t id, const char *type,
                                int64_t acked_at, bool ok, const char *error, const char *result, bool *was_pending)
{
    struct store_param p[] = {num(acked_at), num(ok ? 1 : -1), text(error), text(result), text(antenne), num(id),
                              text(type)};
    int64_t changes = 0;
    int rc = exec_one(store, STMT_CHAN_ACK, p, 7, &changes);
    *was_pending = rc == 0 && changes > 0;
    return rc;
}

static int max_row(void *ctx, const char *const *c, int n)
{
    *(int64_t *)ctx = n == 1 ? col_int(c[0]) : 0;
    return 0;
}

int collector_store_channel_max_id(struct collector_store *store, int64_t *out)
{
    *out = 0;
    return store->ops->query(store->impl, STMT_CHAN_MAX_ID, NULL, 0, max_row, out, store->error,
                             sizeof store->error);
}

int collector_store_channel_event(struct collector_store *store, const char *antenne, const char *key,
                                  const char *type, int64_t at, const char *data, int64_t received_at, bool *is_new)
{
    struct store_param p[] = {text(antenne), text(key), text(type), num(at), text(data), num(received_at)};
    int64_t changes = 0;
    int rc = exec_one(store, STMT_CHAN_EVENT, p, 6, &changes);
    *is_new = rc == 0 && changes > 0;
    return rc;
}

struct list_ctx {
    collector_channel_message_fn fn;
    void *ctx;
};

static int list_row(void *ctx, const char *const *c, int n)
{
    struct list_ctx *lc = ctx;
    if (n != 8)
        return -1;
    struct collector_channel_message m;
    memset(&m, 0, sizeof m);
    m.id = col_int(c[0]);
    col_text(m.antenne, sizeof m.antenne, c[1]);
    col_text(m.type, sizeof m.type, c[2]);
    m.created_at = col_int(c[3]);
    m.acked_at = col_int(c[4]);
    m.ok = col_int(c[5]) > 0;
    col_text(m.error, sizeof m.error, c[6]);
    m.result = c[7] ? c[7] : "";
    return lc->fn(lc->ctx, &m);
}

int collector_store_channel_list(struct collector_store *store, const char *antenne, const char *type, int64_t limit,
                                 collector_channel_message_fn fn, void *ctx)
{
    struct list_ctx lc = {fn, ctx};
    struct store_param p[] = {text(antenne ? antenne : ""), text(type ? type : ""), num(limit)};
    return store->ops->query(store->impl, STMT_CHAN_LIST, p, 3, list_row, &lc, store->error, sizeof store->error);
}

/* ---- fleet records (collector_fleet.h) ---------------------------------------------------------- */

int collector_store_kv_put(struct collector_store *store, const char *ns, const char *key, const char *value,
                           int64_t at)
{
    struct store_param p[] = {text(ns), text(key), text(value), num(at)};
    return exec_one(store, STMT_KV_PUT, p, 4, NULL);
}

struct kv_ctx {
    collector_kv_fn fn;
    void *ctx;
};

static int kv_row(void *ctx, const char *const *c, int n)
{
    struct kv_ctx *k = ctx;
    if (n != 3)
        return -1;
    return k->fn(k->ctx, c[0] ? c[0] : "", c[1] ? c[1] : "", col_int(c[2]));
}

int collector_store_kv_list(struct collector_store *store, const char *ns, collector_kv_fn fn, void *ctx)
{
    struct kv_ctx k = {fn, ctx};
    struct store_param p[] = {text(ns)};
    return store->ops->query(store->impl, STMT_KV_LIST, p, 1, kv_row, &k, store->error, sizeof store->error);
}

int collector_store_kv_delete(struct collector_store *store, const char *ns, const char *key)
{
    struct store_param p[] = {text(ns), text(key)};
    return exec_one(store, STMT_KV_DEL, p, 2, NULL);
}

struct feedback_ctx {
    collector_feedback_fn fn;
    void *ctx;
};

static int feedback_row(void *ctx, const char *const *c, int n)
{
    struct feedback_ctx *f = ctx;
    if (n != 1 + CONTRACT_WEATHER_N)
        return -1;
    int64_t counts[CONTRACT_WEATHER_N];
    for (int i = 0; i < CONTRACT_WEATHER_N; i++)
        counts[i] = col_int(c[1 + i]);
    return f->fn(f->ctx, c[0] ? c[0] : "", counts);
}

int collector_store_feedback_sums(struct collector_store *store, const char *from, const char *to,
                                  collector_feedback_fn fn, void *ctx)
{
    struct feedback_ctx f = {fn, ctx};
    struct store_param p[] = {text(from), text(to)};
    return store->ops->query(store->impl, STMT_FEEDBACK_SUMS, p, 2, feedback_row, &f, store->error,
                             sizeof store->error);
}

int collector_store_log_add(struct collector_store *store, const char *ns, int64_t at, const char *value)
{
    struct store_param p[] = {text(ns), num(at), text(value)};
    return exec_one(store, STMT_LOG_ADD, p, 3, NULL);
}

int collector_store_log_list(struct collector_store *store, const char *ns, int64_t limit, collector_kv_fn fn,
                             void *ctx)
{
    struct kv_ctx k = {fn, ctx};
    struct store_param p[] = {text(ns), num(limit)};
    return store->ops->query(store->impl, STMT_LOG_LIST, p, 2, kv_row, &k, store->error, sizeof store->error);
}

/* ---- steering alerts (collector_alerts.h) ----------------------------------------------------- */

int collector_store_alert_fired(struct collector_store *store, const char *antenne, const char *kind, int64_t since,
                                int64_t fired_at)
{
    struct store_param p[] = {text(antenne), text(kind), num(since), num(fired_at)};
    return exec_one(store, STMT_ALERT_FIRED, p, 4, NULL);
}

int collector_store_alert_cleared(struct collector_store *store, const char *antenne, const char *kind)
{
    struct store_param p[] = {text(antenne), text(kind)};
    return exec_one(store, STMT_ALERT_CLEARED, p, 2, NULL);
}

int collector_store_alert_ack(struct collector_store *store, const char *antenne, const char *kind, int64_t since,
                              const char *who, int64_t at, bool *taken)
{
    struct store_param p[] = {text(who), num(at), text(antenne), text(kind), num(since)};
    int64_t changes = 0;
    int rc = exec_one(store, STMT_ALERT_ACK, p, 5, &changes);
    *taken = rc == 0 && changes > 0;
    return rc;
}

struct alert_rows {
    collector_stored_alert_fn fn;
    void *ctx;
};

static int alert_row(void *ctx, const char *const *c, int n)
{
    struct alert_rows *a = ctx;
    if (n != 5)
        return -1;
    return a->fn(a->ctx, c[0] ? c[0] : "", c[1] ? c[1] : "", col_int(c[2]), c[3] ? c[3] : "", col_int(c[4]));
}

int collector_store_alerts_list(struct collector_store *store, collector_stored_alert_fn fn, void *ctx)
{
    struct alert_rows a = {fn, ctx};
    return store->ops->query(store->impl, STMT_ALERT_LIST, NULL, 0, alert_row, &a, store->error,
                             sizeof store->error);
}
