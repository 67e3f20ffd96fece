/* The rollup of the buckets (collector_store.h): its tables, the refresh of dirty days and the walk the
 * console reads. Same SQL text for SQLite and PostgreSQL, like the rest of the store. */
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "borne/collector_store.h"
#include "borne/log.h"
#include "collector_html.h"
#include "collector_store_backend.h"

BORNE_LOG_MODULE("rollup");

/* Stored grain words (rollup.grain). */
static const char *const grain_word[] = {
    [COLLECTOR_GRAIN_DAY] = "day",
    [COLLECTOR_GRAIN_MONTH] = "month",
    [COLLECTOR_GRAIN_YEAR] = "year",
};
_Static_assert(COLLECTOR_GRAIN_DAY == 0 && COLLECTOR_GRAIN_MONTH == 1 && COLLECTOR_GRAIN_YEAR == 2,
               "grains are stored by their words");

/* The sums' columns: every int64 of struct collector_sums, in order. */
struct sums_col {
    char name[24];
    size_t offset;
};

#define SUMS_COLS_MAX 48
static struct sums_col sums_cols[SUMS_COLS_MAX];
static int n_sums_cols;

/* Dirty marks read per round of a refresh. */
#define MARKS_PER_ROUND 1024
/* A rollup row's parameters: grain, day, antenne, the sums, heat, sub, partners. */
#define ROLLUP_ROW_PARAMS (3 + n_sums_cols + 3)

static void add_sums_col(const char *name, int index, size_t offset)
{
    struct sums_col *c = &sums_cols[n_sums_cols++];
    if (index)
        snprintf(c->name, sizeof c->name, "s_%s%d", name, index);
    else
        snprintf(c->name, sizeof c->name, "s_%s", name);
    c->offset = offset;
}

const char *store_rollup_build_sql(void)
{
#define ONE_(m) add_sums_col(#m, 0, offsetof(struct collector_sums, m));
#define MANY_(m, n)                                                                                               \
    for (int i = 0; i < (n); i++)                                                                                 \
        add_sums_col(#m, i + 1, offsetof(struct collector_sums, m) + (size_t)i * sizeof(int64_t));
    ONE_(rows) ONE_(issued) ONE_(served) ONE_(redirected) ONE_(no_show) ONE_(appointments) ONE_(wait_count)
    ONE_(wait_sum_s) ONE_(v1_issued)
    MANY_(weather, CONTRACT_WEATHER_N) MANY_(outcomes, CONTRACT_OUTCOMES_N) MANY_(channels, CONTRACT_CHANNELS_N)
    MANY_(reasons, CONTRACT_REASONS_N) MANY_(bands, CONTRACT_WAIT_BANDS_N)
#undef ONE_
#undef MANY_
    _Static_assert(sizeof(struct collector_sums) == (9 + CONTRACT_WEATHER_N + CONTRACT_OUTCOMES_N + CONTRACT_CHANNELS_N +
                                                     CONTRACT_REASONS_N + CONTRACT_WAIT_BANDS_N) * sizeof(int64_t),
                   "every member of the sums has its column");
    _Static_assert(9 + CONTRACT_WEATHER_N + CONTRACT_OUTCOMES_N + CONTRACT_CHANNELS_N + CONTRACT_REASONS_N +
                           CONTRACT_WAIT_BANDS_N + 6 <= SUMS_COLS_MAX && SUMS_COLS_MAX <= STORE_MAX_COLS,
                   "a rollup row fits a statement");

    struct buf cols = {0}, schema = {0}, upsert = {0}, upsert_tail = {0}, rows = {0}, get = {0}, get_antenne = {0};
    for (int i = 0; i < n_sums_cols; i++)
        buf_printf(&cols, "%s, ", sums_cols[i].name);
    buf_puts(&cols, "heat, sub, partners");
    const char *c = cols.p ? cols.p : "";

    /* A dirty mark's gen grows with each batch that touches the day, so a refresh removes only the marks
     * nothing touched while it read. The first open of a store written before the rollup existed (no
     * rollup row, no mark, but buckets) marks every stored day. */
    buf_puts(&schema, "CREATE TABLE IF NOT EXISTS rollup_dirty (antenne TEXT NOT NULL, day TEXT NOT NULL,"
                      " gen BIGINT NOT NULL, PRIMARY KEY (antenne, day));"
                      "CREATE INDEX IF NOT EXISTS rollup_dirty_day ON rollup_dirty (day);"
                      "CREATE TABLE IF NOT EXISTS rollup (grain TEXT NOT NULL, day TEXT NOT NULL, antenne TEXT NOT NULL");
    for (int i = 0; i < n_sums_cols; i++)
        buf_printf(&schema, ", %s BIGINT NOT NULL", sums_cols[i].name);
    buf_puts(&schema, ", heat TEXT NOT NULL, sub TEXT NOT NULL, partners TEXT NOT NULL, PRIMARY KEY (grain, day, antenne));"
                      "CREATE INDEX IF NOT EXISTS rollup_antenne ON rollup (antenne, grain, day);"
                      "INSERT INTO rollup_dirty (antenne, day, gen) SELECT DISTINCT antenne, day, 1 FROM buckets"
                      " WHERE NOT EXISTS (SELECT 1 FROM rollup) AND NOT EXISTS (SELECT 1 FROM rollup_dirty)"
                      " ON CONFLICT (antenne, day) DO NOTHING;");

    /* Written and read back in a few statements per refresh round: up to 64 rows written, 64 marks removed,
     * 64 (grain, antenne, first days from..to) read in each. */
    buf_printf(&upsert, "INSERT INTO rollup (grain, day, antenne, %s) VALUES ", c);
    buf_puts(&upsert_tail, " ON CONFLICT (grain, day, antenne) DO UPDATE SET ");
    for (int i = 0; i < n_sums_cols; i++)
        buf_printf(&upsert_tail, "%s = excluded.%s, ", sums_cols[i].name, sums_cols[i].name);
    buf_puts(&upsert_tail, "heat = excluded.heat, sub = excluded.sub, partners = excluded.partners");
    /* The same columns as the console's reads (get_row()), then the grain. */
    buf_printf(&rows, "SELECT antenne, day, %s, grain FROM rollup WHERE ", c);

    /* No ORDER BY: sorting a region's rows by antenne (a collated text) cost more than reading them. */
    buf_printf(&get, "SELECT antenne, day, %s FROM rollup WHERE grain = $1 AND day >= $2 AND day <= $3", c);
    buf_printf(&get_antenne, "SELECT antenne, day, %s FROM rollup WHERE grain = $1 AND day >= $2 AND day <= $3"
                             " AND antenne = $4 ORDER BY day", c);
    free(cols.p);

    store_sql[STMT_ROLLUP_DIRTY] =
        "SELECT antenne, day, gen FROM rollup_dirty WHERE day >= $1 AND day <= $2 ORDER BY antenne, day LIMIT $3";
    store_build_forms(STMT_ROLLUP_CLEANS, "DELETE FROM rollup_dirty WHERE ", "(antenne = ? AND day = ? AND gen = ?)",
                      " OR ", "");
    store_sql[STMT_ROLLUP_DROP] = "DELETE FROM rollup WHERE grain = $1 AND day = $2 AND antenne = $3";
    /* Built once for the life of the process, like the store's other statements. On out of memory a
     * statement stays NULL and every backend's open fails at preparing it. */
    char *texts[5];
    struct buf *bufs[] = {&upsert, &upsert_tail, &rows, &get, &get_antenne};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) {
        size_t n;
        if (buf_finish(bufs[i], 0, &texts[i], &n) != 0)
            texts[i] = NULL;
    }
    if (texts[0] && texts[1])
        store_build_rows(STMT_ROLLUP_PUTS, texts[0], ROLLUP_ROW_PARAMS, texts[1]);
    if (texts[2])
        store_build_forms(STMT_ROLLUP_ROWS, texts[2], "(grain = ? AND antenne = ? AND day >= ? AND day <= ?)", " OR ",
                          "");
    free(texts[0]);
    free(texts[1]);
    free(texts[2]);
    store_sql[STMT_ROLLUP_GET] = texts[3];
    store_sql[STMT_ROLLUP_GET_ANTENNE] = texts[4];
    char *text;
    size_t n;
    return buf_finish(&schema, 0, &text, &n) == 0 ? text : NULL;
}

/* ---- sums ------------------------------------------------------------------------------------- */

static int64_t *sums_at(struct collector_sums *s, int col)
{
    return (int64_t *)((char *)s + sums_cols[col].offset);
}

static int weekday(int64_t day)
{
    return (int)(((day + 3) % 7 + 7) % 7);
}

/* The place of a child (a bucket's hour, a day, a month) in its parent's sub[]. */
static int sub_index(enum collector_grain parent, int64_t day, int hour)
{
    int y, m, d;
    day_civil(day, &y, &m, &d);
    return parent == COLLECTOR_GRAIN_DAY ? hour : parent == COLLECTOR_GRAIN_MONTH ? d - 1 : m - 1;
}

_Static_assert(PARTNER_LIST_MAX == 64 && sizeof((struct collector_rollup *)0)->partners >=
                   PARTNER_LIST_MAX * (CONTRACT_PARTNER_ID_MAX + 22) + 32,
               "a rollup row's partners text holds a whole list: 64 ids, each with a count of 20 digits");

static void partners_merge(char *dst, const char *add)
{
    if (!*add)
        return;
    struct partner_list l;
    l.count = 0;
    l.other = 0;
    partner_list_add(&l, dst);
    partner_list_add(&l, add);
    partner_list_text(&l, dst, COLLECTOR_ROLLUP_PARTNERS_TEXT);
}

/* What collector_rollup_add_bucket() reads of a bucket besides hour, schema and partners: keep the two together. */
#define FIELD_(m) {offsetof(struct collector_bucket, m), sizeof(((struct collector_bucket *)0)->m)}
const struct store_field store_rollup_bucket_fields[] = {
    FIELD_(issued), FIELD_(served), FIELD_(redirected), FIELD_(no_show), FIELD_(appointments_checked_in),
    FIELD_(wait.count), FIELD_(wait.sum_s), FIELD_(feedback), FIELD_(outcomes), FIELD_(channels),
    FIELD_(feedback_reasons), FIELD_(wait_bands), {0, 0},
};
#undef FIELD_

void collector_rollup_add_bucket(struct collector_rollup *r, const struct collector_bucket *b, int64_t day)
{
    struct collector_sums *s = &r->sums;
    count_add(&s->rows, 1);
    count_add(&s->issued, b->issued);
    count_add(&s->served, b->served);
    count_add(&s->redirected, b->redirected);
    count_add(&s->no_show, b->no_show);
    count_add(&s->appointments, b->appointments_checked_in);
    count_add(&s->wait_count, b->wait.count);
    count_add(&s->wait_sum_s, b->wait.sum_s);
    for (int i = 0; i < CONTRACT_WEATHER_N; i++)
        count_add(&s->weather[i], b->feedback[i]);
    count_add(&r->heat[weekday(day)][b->hour], b->issued);
    count_add(&r->sub[sub_index(r->grain, day, b->hour)], b->issued);
    if (b->schema < 2) {
        count_add(&s->v1_issued, b->issued);
        return;
    }
    for (int i = 0; i < CONTRACT_OUTCOMES_N; i++)
        count_add(&s->outcomes[i], b->outcomes[i]);
    for (int i = 0; i < CONTRACT_CHANNELS_N; i++)
        count_add(&s->channels[i], b->channels[i]);
    for (int i = 0; i < CONTRACT_REASONS_N; i++)
        count_add(&s->reasons[i], b->feedback_reasons[i]);
    for (int i = 0; i < CONTRACT_WAIT_BANDS_N; i++)
        count_add(&s->bands[i], b->wait_bands[i]);
    partners_merge(r->partners, b->partners);
}

/* Adds a rollup of a finer grain (a day into a month, a month into a year). */
static void rollup_merge(struct collector_rollup *parent, const struct collector_rollup *child)
{
    for (int i = 0; i < n_sums_cols; i++)
        count_add(sums_at(&parent->sums, i), *sums_at((struct collector_sums *)&child->sums, i));
    for (int d = 0; d < 7; d++)
        for (int h = 0; h < 24; h++)
            count_add(&parent->heat[d][h], child->heat[d][h]);
    count_add(&parent->sub[sub_index(parent->grain, child->first, 0)], child->sums.issued);
    partners_merge(parent->partners, child->partners);
}

static void rollup_init(struct collector_rollup *r, const char *antenne, enum collector_grain grain, int64_t first)
{
    memset(r, 0, sizeof *r);
    snprintf(r->antenne, sizeof r->antenne, "%s", antenne);
    r->grain = grain;
    r->first = first;
}

/* "i=n,..." for the non-zero values: the heat map and sub[] as text. */
static void counts_text(char *out, size_t cap, const int64_t *v, int n)
{
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < n && len < cap; i++)
        if (v[i]) {
            int w = snprintf(out + len, cap - len, "%s%d=%lld", len ? "," : "", i, (long long)v[i]);
            len += w > 0 ? (size_t)w : 0;
        }
}

static void counts_parse(const char *text, int64_t *v, int n)
{
    for (const char *p = text; p && *p;) {
        char *end;
        long i = strtol(p, &end, 10);
        if (*end != '=')
            return;
        int64_t count = strtoll(end + 1, &end, 10);
        if (i >= 0 && i < n)
            count_add(&v[i], count);
        p = *end == ',' ? end + 1 : NULL;
    }
}

/* ---- reading and writing rows ------------------------------------------------------------------ */

static struct store_param text_param(const char *s)
{
    return (struct store_param){.is_text = true, .text = s};
}

/* Rows waiting for a multi-row upsert: their parameters, and their texts until the statement is sent. */
struct puts {
    size_t n;
    struct store_param p[STORE_ROWS_MAX * (3 + SUMS_COLS_MAX + 3)];
    char day[STORE_ROWS_MAX][11], heat[STORE_ROWS_MAX][7 * 24 * 24], sub[STORE_ROWS_MAX][31 * 24];
};
_Static_assert(STORE_ROWS_MAX * (3 + SUMS_COLS_MAX + 3) <= STORE_MAX_PARAMS, "a piece of rollup rows fits");

static int puts_flush(struct collector_store *st, struct puts *q)
{
    int rc = store_run_forms(st, STMT_ROLLUP_PUTS, q->p, q->n, ROLLUP_ROW_PARAMS, NULL, NULL);
    q->n = 0;
    return rc;
}

/* Queues the row (r lives until the queue is flushed), or removes it when it sums nothing. */
static int row_put(struct collector_store *st, struct puts *q, const struct collector_rollup *r)
{
    if (!r->sums.rows) {
        char day[11];
        day_iso(r->first, day);
        struct store_param p[] = {text_param(grain_word[r->grain]), text_param(day), text_param(r->antenne)};
        return st->ops->exec(st->impl, STMT_ROLLUP_DROP, p, 3, NULL, st->error, sizeof st->error);
    }
    if (q->n == STORE_ROWS_MAX && puts_flush(st, q) != 0)
        return -1;
    size_t k = q->n++;
    day_iso(r->first, q->day[k]);
    counts_text(q->heat[k], sizeof q->heat[k], &r->heat[0][0], 7 * 24);
    counts_text(q->sub[k], sizeof q->sub[k], r->sub, 31);
    struct store_param *p = q->p + k * ROLLUP_ROW_PARAMS;
    int n = 0;
    p[n++] = text_param(grain_word[r->grain]);
    p[n++] = text_param(q->day[k]);
    p[n++] = text_param(r->antenne);
    for (int i = 0; i < n_sums_cols; i++)
        p[n++] = (struct store_param){.num = *sums_at((struct collector_sums *)&r->sums, i)};
    p[n++] = text_param(q->heat[k]);
    p[n++] = text_param(q->sub[k]);
    p[n++] = text_param(r->partners);
    return 0;
}

/* A rollup row of the given grain from its columns: antenne, day, the sums, heat, sub, partners. */
static int row_parse(struct collector_rollup *r, enum collector_grain grain, const char *const *c, int n)
{
    if (n < 2 + n_sums_cols + 3)
        return -1;
    rollup_init(r, c[0] ? c[0] : "", grain, collector_ingest_parse_day(c[1] ? c[1] : ""));
    for (int i = 0; i < n_sums_cols; i++)
        *sums_at(&r->sums, i) = c[2 + i] ? strtoll(c[2 + i], NULL, 10) : 0;
    counts_parse(c[2 + n_sums_cols], &r->heat[0][0], 7 * 24);
    counts_parse(c[3 + n_sums_cols], r->sub, 31);
    snprintf(r->partners, sizeof r->partners, "%s", c[4 + n_sums_cols] ? c[4 + n_sums_cols] : "");
    return 0;
}

struct get_ctx {
    enum collector_grain grain;
    collector_rollup_fn fn;
    void *ctx;
    struct collector_rollup row;
};

static int get_row(void *ctx, const char *const *c, int n)
{
    struct get_ctx *g = ctx;
    if (n != 2 + n_sums_cols + 3 || row_parse(&g->row, g->grain, c, n) != 0)
        return -1;
    return g->fn(g->ctx, &g->row);
}

/* Rows of one grain whose first day is within from..to. */
static int rows_get(struct collector_store *st, enum collector_grain grain, int64_t from, int64_t to,
                    const char *antenne, collector_rollup_fn fn, void *ctx)
{
    struct get_ctx *g = malloc(sizeof *g);
    if (!g) {
        snprintf(st->error, sizeof st->error, "out of memory");
        return -1;
    }
    g->grain = grain;
    g->fn = fn;
    g->ctx = ctx;
    char a[11], b[11];
    day_iso(from, a);
    day_iso(to, b);
    struct store_param p[] = {text_param(grain_word[grain]), text_param(a), text_param(b),
                              text_param(antenne ? antenne : "")};
    bool one = antenne && *antenne;
    int rc = st->ops->query(st->impl, one ? STMT_ROLLUP_GET_ANTENNE : STMT_ROLLUP_GET, p, one ? 4 : 3, get_row, g,
                            st->error, sizeof st->error);
    free(g);
    return rc;
}

/* ---- refresh ------------------------------------------------------------------------------------ */

struct mark {
    char antenne[COLLECTOR_ID_MAX + 1];
    int64_t day, gen;
};

struct marks {
    struct mark *v;
    size_t n;
};

static int mark_row(void *ctx, const char *const *c, int n)
{
    struct marks *m = ctx;
    if (n != 3 || m->n == MARKS_PER_ROUND)
        return -1;
    struct mark *k = &m->v[m->n++];
    snprintf(k->antenne, sizeof k->antenne, "%s", c[0] ? c[0] : "");
    k->day = collector_ingest_parse_day(c[1] ? c[1] : "");
    k->gen = c[2] ? strtoll(c[2], NULL, 10) : 0;
    return 0;
}

static int64_t month_first(int64_t day)
{
    int y, m, d;
    day_civil(day, &y, &m, &d);
    return day - (d - 1);
}

/* The first day of the next month (of the next year with year set). */
static int64_t next_first(int64_t day, bool year)
{
    int y, m, d;
    day_civil(day, &y, &m, &d);
    char text[32];
    if (year || m == 12)
        snprintf(text, sizeof text, "%04d-01-01", y + 1);
    else
        snprintf(text, sizeof text, "%04d-%02d-01", y, m + 1);
    int64_t next = collector_ingest_parse_day(text);
    /* Past 9999-12-31 (the validator's last day): nothing is stored there. */
    return next < 0 ? day + 366 : next;
}

static int64_t year_first(int64_t day)
{
    int y, m, d;
    day_civil(day, &y, &m, &d);
    char text[32];
    snprintf(text, sizeof text, "%04d-01-01", y);
    return collector_ingest_parse_day(text);
}

/* A refresh round's dirty days, each summed from its buckets, found by (antenne, day) in an open-addressing
 * table: their buckets come in a few statements (up to 64 days each), in no particular order. */
#define DAY_SLOTS (2 * MARKS_PER_ROUND)
_Static_assert((DAY_SLOTS & (DAY_SLOTS - 1)) == 0, "the day table's size is a power of two");

struct round_days {
    const struct mark *marks;
    size_t n;
    struct collector_rollup *days;   /* days[k]: marks[k]'s day */
    int slot[DAY_SLOTS];             /* a mark's index, -1 when free */
    const char *antenne[MARKS_PER_ROUND], *day[MARKS_PER_ROUND];   /* the marks' keys as the statement takes them */
    char day_text[MARKS_PER_ROUND][11];
};

static size_t day_hash(const char *antenne, int64_t day)
{
    uint64_t h = 1469598103934665603u ^ (uint64_t)day;
    for (const unsigned char *p = (const unsigned char *)antenne; *p; p++)
        h = (h ^ *p) * 1099511628211u;
    return (size_t)(h ^ (h >> 29));
}

static void round_index(struct round_days *r)
{
    memset(r->slot, -1, sizeof r->slot);
    for (size_t k = 0; k < r->n; k++) {
        size_t i = day_hash(r->marks[k].antenne, r->marks[k].day) & (DAY_SLOTS - 1);
        while (r->slot[i] >= 0)
            i = (i + 1) & (DAY_SLOTS - 1);
        r->slot[i] = (int)k;
        rollup_init(&r->days[k], r->marks[k].antenne, COLLECTOR_GRAIN_DAY, r->marks[k].day);
        day_iso(r->marks[k].day, r->day_text[k]);
        r->antenne[k] = r->marks[k].antenne;
        r->day[k] = r->day_text[k];
    }
}

/* A bucket of one of the round's days: into that day's sums (a row of no such day stops the refresh). */
static int round_bucket(void *ctx, const struct collector_row *row)
{
    struct round_days *r = ctx;
    int64_t day = collector_ingest_parse_day(row->bucket.day);
    for (size_t i = day_hash(row->antenne, day) & (DAY_SLOTS - 1); r->slot[i] >= 0; i = (i + 1) & (DAY_SLOTS - 1)) {
        const struct mark *k = &r->marks[r->slot[i]];
        if (k->day == day && strcmp(k->antenne, row->antenne) == 0) {
            collector_rollup_add_bucket(&r->days[r->slot[i]], &row->bucket, day);
            return 0;
        }
    }
    return -1;
}

/* Recomputing one antenne's month: its dirty days (summed by the round), the month from its days, the year
 * from its months. */
struct month_work {
    const struct mark *marks;   /* sorted by day, one antenne, one month */
    size_t n;
    const struct collector_rollup *dirty[31];   /* the month's dirty days, NULL for the others */
    struct collector_rollup month, year;
};

/* Antenne-months refreshed together: their stored days and months read in one statement, their rows written
 * in one transaction (one disk flush, and on SQLite one hold of the write lock the ingest waits for). Each
 * takes two terms of the read (STORE_ROWS_MAX at most). */
#define MONTHS_PER_WRITE (STORE_ROWS_MAX / 2)

struct chunk {
    struct month_work w[MONTHS_PER_WRITE];
    size_t n;
    struct collector_rollup row;   /* the row being read */
    struct puts puts;
    struct store_param p[4 * STORE_ROWS_MAX];
    char from[STORE_ROWS_MAX][11], to[STORE_ROWS_MAX][11];
};
_Static_assert(4 * STORE_ROWS_MAX <= STORE_MAX_PARAMS && 3 * STORE_ROWS_MAX <= 4 * STORE_ROWS_MAX,
               "a piece of terms or of marks fits the parameters");

/* A stored day of a chunk's month (its other days) or month of its year (its other months). The chunk holds
 * no two months of one antenne and year, so (antenne, year) names the work. */
static int chunk_row(void *ctx, const char *const *c, int n)
{
    struct chunk *k = ctx;
    const char *grain = n == 2 + n_sums_cols + 4 ? c[n - 1] : NULL;
    bool is_day = grain && strcmp(grain, grain_word[COLLECTOR_GRAIN_DAY]) == 0;
    if (!grain || (!is_day && strcmp(grain, grain_word[COLLECTOR_GRAIN_MONTH]) != 0) ||
        row_parse(&k->row, is_day ? COLLECTOR_GRAIN_DAY : COLLECTOR_GRAIN_MONTH, c, n) != 0)
        return -1;
    int64_t year = year_first(k->row.first);
    for (size_t i = 0; i < k->n; i++) {
        struct month_work *w = &k->w[i];
        if (w->year.first != year || strcmp(w->month.antenne, k->row.antenne) != 0)
            continue;
        if (!is_day) {
            if (k->row.first != w->month.first)
                rollup_merge(&w->year, &k->row);
        } else if (month_first(k->row.first) == w->month.first && !w->dirty[k->row.first - w->month.first]) {
            rollup_merge(&w->month, &k->row);
        }
        return 0;
    }
    return -1;   /* a row nobody asked for */
}

/* marks: one antenne's month, days[k] the sums of marks[k]'s day. */
static void chunk_add(struct chunk *k, const struct mark *marks, const struct collector_rollup *days, size_t n)
{
    struct month_work *w = &k->w[k->n++];
    const char *antenne = marks[0].antenne;
    int64_t first = month_first(marks[0].day);
    w->marks = marks;
    w->n = n;
    memset(w->dirty, 0, sizeof w->dirty);
    rollup_init(&w->month, antenne, COLLECTOR_GRAIN_MONTH, first);
    rollup_init(&w->year, antenne, COLLECTOR_GRAIN_YEAR, year_first(first));
    for (size_t i = 0; i < n; i++)
        w->dirty[marks[i].day - first] = &days[i];
}

/* The chunk's months from their stored days and dirty days, their years from their other stored months. */
static int chunk_read(struct collector_store *st, struct chunk *k)
{
    size_t terms = 0;
    for (size_t i = 0; i < k->n; i++) {
        const struct month_work *w = &k->w[i];
        for (int year = 0; year < 2; year++, terms++) {
            enum collector_grain g = year ? COLLECTOR_GRAIN_MONTH : COLLECTOR_GRAIN_DAY;
            int64_t from = year ? w->year.first : w->month.first;
            day_iso(from, k->from[terms]);
            day_iso(next_first(from, year) - 1, k->to[terms]);
            struct store_param *p = &k->p[4 * terms];
            p[0] = text_param(grain_word[g]);
            p[1] = text_param(w->month.antenne);
            p[2] = text_param(k->from[terms]);
            p[3] = text_param(k->to[terms]);
        }
    }
    if (store_run_forms(st, STMT_ROLLUP_ROWS, k->p, terms, 4, chunk_row, k) != 0)
        return -1;
    for (size_t i = 0; i < k->n; i++) {
        struct month_work *w = &k->w[i];
        for (int d = 0; d < 31; d++)
            if (w->dirty[d])
                rollup_merge(&w->month, w->dirty[d]);
        rollup_merge(&w->year, &w->month);
    }
    return 0;
}

/* Removes the chunk's marks that nothing touched meanwhile (gen unchanged). */
static int chunk_clean(struct collector_store *st, struct chunk *k)
{
    size_t n = 0;
    for (size_t i = 0; i < k->n; i++)
        for (size_t j = 0; j < k->w[i].n; j++) {
            const struct mark *m = &k->w[i].marks[j];
            if (n == STORE_ROWS_MAX) {
                if (store_run_forms(st, STMT_ROLLUP_CLEANS, k->p, n, 3, NULL, NULL) != 0)
                    return -1;
                n = 0;
            }
            day_iso(m->day, k->from[n]);
            k->p[3 * n] = text_param(m->antenne);
            k->p[3 * n + 1] = text_param(k->from[n]);
            k->p[3 * n + 2] = (struct store_param){.num = m->gen};
            n++;
        }
    return store_run_forms(st, STMT_ROLLUP_CLEANS, k->p, n, 3, NULL, NULL);
}

/* Reads what the chunk's months need, then writes their days, months and years and removes their marks. */
static int chunk_write(struct collector_store *st, struct chunk *k)
{
    if (k->n == 0)
        return 0;
    int rc = chunk_read(st, k);
    if (rc == 0)
        rc = st->ops->exec(st->impl, STMT_BEGIN, NULL, 0, NULL, st->error, sizeof st->error);
    k->puts.n = 0;
    for (size_t m = 0; m < k->n && rc == 0; m++) {
        struct month_work *w = &k->w[m];
        for (int i = 0; i < 31 && rc == 0; i++)
            if (w->dirty[i])
                rc = row_put(st, &k->puts, w->dirty[i]);
        if (rc == 0)
            rc = row_put(st, &k->puts, &w->month);
        if (rc == 0)
            rc = row_put(st, &k->puts, &w->year);
    }
    if (rc == 0)
        rc = puts_flush(st, &k->puts);
    if (rc == 0)
        rc = chunk_clean(st, k);
    if (rc == 0)
        rc = st->ops->exec(st->impl, STMT_COMMIT, NULL, 0, NULL, st->error, sizeof st->error);
    if (rc != 0)
        store_rollback(st);
    k->n = 0;
    return rc;
}

static pthread_mutex_t refresh_mu = PTHREAD_MUTEX_INITIALIZER;

int collector_store_rollup_refresh(struct collector_store *store, int64_t first, int64_t last)
{
    struct marks m = {malloc(MARKS_PER_ROUND * sizeof *m.v), 0};
    struct chunk *k = malloc(sizeof *k);
    struct round_days *round = malloc(sizeof *round);
    struct collector_rollup *days = malloc(MARKS_PER_ROUND * sizeof *days);
    int rc = 0;
    if (!m.v || !k || !round || !days) {
        snprintf(store->error, sizeof store->error, "out of memory");
        rc = -1;
    }
    char from[11], to[11];
    day_iso(first, from);
    day_iso(last, to);
    /* Two refreshes of one day at once could store the older sums after the newer ones. */
    pthread_mutex_lock(&refresh_mu);
    while (rc == 0) {
        m.n = 0;
        struct store_param p[] = {text_param(from), text_param(to), {.num = MARKS_PER_ROUND}};
        rc = store->ops->query(store->impl, STMT_ROLLUP_DIRTY, p, 3, mark_row, &m, store->error,
                               sizeof store->error);
        if (rc != 0 || m.n == 0)
            break;
        round->marks = m.v;
        round->n = m.n;
        round->days = days;
        round_index(round);
        rc = store_rollup_buckets(store, round->antenne, round->day, m.n, round_bucket, round);
        k->n = 0;
        for (size_t i = 0; i < m.n && rc == 0;) {
            size_t j = i + 1;
            while (j < m.n && strcmp(m.v[j].antenne, m.v[i].antenne) == 0 &&
                   month_first(m.v[j].day) == month_first(m.v[i].day))
                j++;
            /* A month's year is summed from the stored months: another month of that antenne and year waiting
             * in this chunk would be missed, so the chunk is written first. */
            if (k->n && (k->n == MONTHS_PER_WRITE || (strcmp(k->w[k->n - 1].month.antenne, m.v[i].antenne) == 0 &&
                                                      k->w[k->n - 1].year.first == year_first(m.v[i].day))))
                rc = chunk_write(store, k);
            if (rc == 0)
                chunk_add(k, m.v + i, days + i, j - i);
            i = j;
        }
        /* The marks of this round are read again by the next one. */
        if (rc == 0)
            rc = chunk_write(store, k);
        /* A mark touched again while it was read stays for the next round. */
        if (m.n < MARKS_PER_ROUND)
            break;
    }
    pthread_mutex_unlock(&refresh_mu);
    free(m.v);
    free(k);
    free(round);
    free(days);
    return rc;
}

/* ---- walk --------------------------------------------------------------------------------------- */

int collector_store_rollup_walk(struct collector_store *store, int64_t first, int64_t last, const char *antenne,
                                collector_rollup_fn fn, void *ctx)
{
    if (collector_store_rollup_refresh(store, first, last) != 0)
        return -1;
    /* Whole years, then whole months, then days: at most days, months, years, months, days. */
    struct piece {
        enum collector_grain grain;
        int64_t from, to;
    } pieces[5];
    int n = 0;
    for (int64_t d = first; d <= last;) {
        int y, m, dd;
        day_civil(d, &y, &m, &dd);
        enum collector_grain g = COLLECTOR_GRAIN_DAY;
        int64_t end = d;
        if (m == 1 && dd == 1 && next_first(d, true) - 1 <= last) {
            g = COLLECTOR_GRAIN_YEAR;
            end = next_first(d, true) - 1;
        } else if (dd == 1 && next_first(d, false) - 1 <= last) {
            g = COLLECTOR_GRAIN_MONTH;
            end = next_first(d, false) - 1;
        }
        if (n && pieces[n - 1].grain == g)
            pieces[n - 1].to = end;
        else
            pieces[n++] = (struct piece){g, d, end};
        d = end + 1;
    }
    for (int i = 0; i < n; i++) {
        int rc = rows_get(store, pieces[i].grain, pieces[i].from, pieces[i].to, antenne, fn, ctx);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* ---- background pass ------------------------------------------------------------------------------ */

struct collector_rollup_pass {
    struct collector_store *store;
    int interval_s;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
};

static void *pass_main(void *arg)
{
    struct collector_rollup_pass *p = arg;
    /* Every day a batch may carry: years 0..9999 (the validator's range). */
    int64_t first = collector_ingest_parse_day("0000-01-01"), last = collector_ingest_parse_day("9999-12-31");
    pthread_mutex_lock(&p->mu);
    while (!p->stop) {
        pthread_mutex_unlock(&p->mu);
        if (collector_store_rollup_refresh(p->store, first, last) != 0)
            log_error("rollup pass: %s (the next pass or a reader folds the days)", collector_store_error(p->store));
        pthread_mutex_lock(&p->mu);
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += p->interval_s;
        while (!p->stop && pthread_cond_timedwait(&p->cv, &p->mu, &until) == 0)
            ;
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

int collector_rollup_pass_start(enum collector_backend backend, const char *target, int interval_s,
                                struct collector_rollup_pass **out, char *err, size_t errlen)
{
    *out = NULL;
    struct collector_rollup_pass *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    p->interval_s = interval_s > 0 ? interval_s : 1;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, &attr);
    pthread_condattr_destroy(&attr);
    if (collector_store_open(backend, target, &p->store, err, errlen) != 0) {
        collector_rollup_pass_stop(p);
        return -1;
    }
    if (pthread_create(&p->thread, NULL, pass_main, p) != 0) {
        snprintf(err, errlen, "cannot start the rollup pass");
        collector_store_close(p->store);
        p->store = NULL;
        collector_rollup_pass_stop(p);
        return -1;
    }
    *out = p;
    return 0;
}

void collector_rollup_pass_stop(struct collector_rollup_pass *p)
{
    if (!p)
        return;
    if (p->store) {
        pthread_mutex_lock(&p->mu);
        p->stop = true;
        pthread_cond_signal(&p->cv);
        pthread_mutex_unlock(&p->mu);
        pthread_join(p->thread, NULL);
        collector_store_close(p->store);
    }
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
