/* Aggregates: what headquarters receives, per local day × hour × service × public type.
 *
 * A ticket belongs, for good, to the bucket of its issue: local day and hour of issued_at,
 * service at issue (label letter; a transfer does not move it, it counts as `transferred`),
 * public type. Feedback goes to the bucket of its own day, hour and service (0 when not about a
 * service) with public type unspecified, and so do contacts by another channel (service 0).
 * Buckets are computed from the rows when asked for, never stored, so they cannot drift from the
 * tickets:
 *   issued = tickets; called = tickets called at least once; redirected = done, referred to a
 *   partner; served = done with any other outcome; outcomes[] = done tickets by outcome, partners
 *   = referrals by named partner; no_show, cancelled, expired = final states; transferred =
 *   transferred at least once; appointments_checked_in = appointment tickets; wait_bands[] =
 *   called tickets by wait band; feedback[] by level, feedback_reasons[] by reason; channels[] =
 *   contacts by channel;
 *   wait = issue → first call, over called tickets; service = time at counters (from start, or
 *   from the call when never started, summed over transfers), over done tickets;
 *   p50 / p90 = nearest rank (the ceil(p/100 × n)-th smallest value).
 * Revision = the largest event id that touched the bucket (see events.c). */
#include "queue_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct bkey {
    char day[11];
    int hour;
    char service;
    int pub;
} bkey;

#define KEY_WHERE " WHERE day = ?1 AND hour = ?2 AND issue_service = ?3 AND public_type = ?4"

#define OUTCOME_SUM_(N, v, ...) ", sum(state = " SQLV_DONE " AND outcome = " #v ")"
static const char SQL_COUNTS[] =
    "SELECT count(*), sum(wait_s IS NOT NULL), sum(state = " SQLV_DONE " AND outcome <> " SQLV_REDIRECTED "),"
    " sum(state = " SQLV_DONE " AND outcome = " SQLV_REDIRECTED "), sum(state = " SQLV_NO_SHOW "),"
    " sum(state = " SQLV_CANCELLED "), sum(state = " SQLV_EXPIRED "),"
    " sum(transferred), sum(appointment), sum(wait_s), count(wait_s),"
    " sum(CASE WHEN state = " SQLV_DONE " THEN service_s END), sum(state = " SQLV_DONE ")"
    CONTRACT_OUTCOMES(OUTCOME_SUM_)
    " FROM ticket" KEY_WHERE;
#define COUNTS_FIRST_OUTCOME 13
static const char SQL_PARTNERS[] =
    "SELECT partner, count(*) FROM ticket" KEY_WHERE " AND state = " SQLV_DONE " AND outcome = " SQLV_REDIRECTED
    " AND partner <> '' GROUP BY partner ORDER BY partner";
static const char SQL_WAITS[] =
    "SELECT wait_s FROM ticket" KEY_WHERE " AND wait_s IS NOT NULL ORDER BY wait_s";
static const char SQL_SERVICES[] =
    "SELECT service_s FROM ticket" KEY_WHERE " AND state = " SQLV_DONE " ORDER BY service_s";
static const char SQL_FEEDBACK[] =
    "SELECT level, reason, count(*) FROM feedback WHERE day = ?1 AND hour = ?2 AND service = ?3"
    " GROUP BY level, reason";
static const char SQL_CONTACTS[] =
    "SELECT channel, count(*) FROM contact WHERE day = ?1 AND hour = ?2 GROUP BY channel";
static const char SQL_REVISION[] =
    "SELECT COALESCE(max(id), 0) FROM event"
    " WHERE b_day = ?1 AND b_hour = ?2 AND b_service = ?3 AND b_public = ?4";
static const char SQL_KEYS_RANGE[] =
    "SELECT day, hour, issue_service, public_type, 0 FROM ticket WHERE day BETWEEN ?1 AND ?2"
    " UNION SELECT day, hour, service, 0, 0 FROM feedback WHERE day BETWEEN ?1 AND ?2"
    " UNION SELECT day, hour, '', 0, 0 FROM contact WHERE day BETWEEN ?1 AND ?2"
    " ORDER BY 1, 2, 3, 4";
/* A rowid range over the recent events only (the bucket index would walk the whole log). */
static const char SQL_KEYS_SINCE[] =
    "SELECT b_day, b_hour, b_service, b_public, max(id) FROM event NOT INDEXED"
    " WHERE id > ? AND b_day IS NOT NULL GROUP BY 1, 2, 3, 4 ORDER BY 5";

static void bind_key(sqlite3_stmt *s, const bkey *k, char letter[2], bool with_public)
{
    letter[0] = k->service;
    letter[1] = '\0';
    sqlite3_bind_text(s, 1, k->day, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, k->hour);
    sqlite3_bind_text(s, 3, letter, -1, SQLITE_STATIC);
    if (with_public)
        sqlite3_bind_int(s, 4, k->pub);
}

/* Nearest-rank p50 and p90 of the sorted values a statement returns; bands (may be NULL) gets
 * the count of values in each wait band. */
static int percentiles(queue *q, const char *sql, const bkey *k, int *p50, int *p90, int *bands)
{
    Q_STMT(q, s, sql);
    char letter[2];
    bind_key(s, k, letter, true);
    int *v = NULL, rc, err = QUEUE_OK;
    size_t n = 0, cap = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            int *nv = realloc(v, ncap * sizeof *nv);
            if (!nv) {
                err = q_fail(q, QUEUE_ENOMEM, "aggregates: out of memory");
                break;
            }
            v = nv;
            cap = ncap;
        }
        v[n] = sqlite3_column_int(s, 0);
        if (bands)
            bands[contract_band_of_wait(v[n]) - 1]++;
        n++;
    }
    if (!err && rc != SQLITE_DONE)
        err = q_sqlfail(q, rc, "aggregates: read times");
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    *p50 = *p90 = 0;
    if (!err && n) {
        *p50 = v[(n * 50 + 99) / 100 - 1];
        *p90 = v[(n * 90 + 99) / 100 - 1];
    }
    free(v);
    return err;
}

/* Referrals by named partner; beyond CONTRACT_PARTNERS_MAX names (the list changed within the
 * hour) the rest stay counted in outcomes[] only. */
static int partners(queue *q, const bkey *k, queue_bucket *b)
{
    Q_STMT(q, s, SQL_PARTNERS);
    char letter[2];
    bind_key(s, k, letter, true);
    int rc, err = QUEUE_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && b->n_partners < CONTRACT_PARTNERS_MAX) {
        q_copy(b->partners[b->n_partners].id, sizeof b->partners[0].id,
               (const char *)sqlite3_column_text(s, 0));
        b->partners[b->n_partners++].n = sqlite3_column_int(s, 1);
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        err = q_sqlfail(q, rc, "aggregates: partners");
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return err;
}

static int contacts(queue *q, const bkey *k, queue_bucket *b)
{
    Q_STMT(q, s, SQL_CONTACTS);
    sqlite3_bind_text(s, 1, k->day, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, k->hour);
    int rc, err = QUEUE_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int channel = sqlite3_column_int(s, 0);
        if (contract_channel_word(channel))
            b->channels[channel - 1] = sqlite3_column_int(s, 1);
    }
    if (rc != SQLITE_DONE)
        err = q_sqlfail(q, rc, "aggregates: contacts");
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return err;
}

static int compute(queue *q, const bkey *k, queue_bucket *b)
{
    memset(b, 0, sizeof *b);
    memcpy(b->day, k->day, sizeof b->day);
    b->hour = k->hour;
    b->service = k->service;
    b->public_type = (queue_public)k->pub;
    char letter[2];
    int rc, err = QUEUE_OK;

    Q_STMT(q, c, SQL_COUNTS);
    bind_key(c, k, letter, true);
    if ((rc = sqlite3_step(c)) == SQLITE_ROW) {
#define COUNT_ADDR_(name, since) &b->name,
        int *f[] = {CONTRACT_BUCKET_COUNTS(COUNT_ADDR_)};
        for (int i = 0; i < (int)(sizeof f / sizeof f[0]); i++)
            *f[i] = sqlite3_column_int(c, i);
        for (int i = 0; i < CONTRACT_OUTCOMES_N; i++)
            b->outcomes[i] = sqlite3_column_int(c, COUNTS_FIRST_OUTCOME + i);
        b->wait_sum_s = sqlite3_column_int64(c, 9);
        b->wait_count = sqlite3_column_int(c, 10);
        b->service_sum_s = sqlite3_column_int64(c, 11);
        b->service_count = sqlite3_column_int(c, 12);
    } else {
        err = q_sqlfail(q, rc, "aggregates: counts");
    }
    sqlite3_reset(c);
    sqlite3_clear_bindings(c);
    if (err)
        return err;
    if ((b->wait_count &&
         (err = percentiles(q, SQL_WAITS, k, &b->wait_p50_s, &b->wait_p90_s, b->wait_bands))) ||
        (b->service_count &&
         (err = percentiles(q, SQL_SERVICES, k, &b->service_p50_s, &b->service_p90_s, NULL))) ||
        (b->redirected && (err = partners(q, k, b))))
        return err;

    if (k->pub == QUEUE_PUBLIC_UNSPECIFIED) {
        Q_STMT(q, f, SQL_FEEDBACK);
        bind_key(f, k, letter, false);
        while ((rc = sqlite3_step(f)) == SQLITE_ROW) {
            int level = sqlite3_column_int(f, 0), reason = sqlite3_column_int(f, 1);
            int n = sqlite3_column_int(f, 2);
            if (contract_weather_word(level))
                b->feedback[level - 1] += n;
            if (contract_reason_word(reason))
                b->feedback_reasons[reason - 1] += n;
        }
        if (rc != SQLITE_DONE)
            err = q_sqlfail(q, rc, "aggregates: feedback");
        sqlite3_reset(f);
        sqlite3_clear_bindings(f);
        if (err)
            return err;
        if (!k->service && (err = contacts(q, k, b)))
            return err;
    }

    Q_STMT(q, r, SQL_REVISION);
    bind_key(r, k, letter, true);
    return q_scalar(q, r, &b->revision, "aggregates: revision");
}

/* Reads the keys a statement yields and computes each bucket, all in one read transaction so
 * that the answer is one snapshot; the callback runs afterwards, outside it, so that it may use
 * the handle (even to write). */
static int walk(queue *q, const char *sql, const char *day_from, const char *day_to,
                int64_t after, queue_bucket_fn fn, void *ctx)
{
    int rc = sqlite3_exec(q->db, "BEGIN", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return q_sqlfail(q, rc, "aggregates: begin");
    queue_bucket *out = NULL;
    bkey *keys = NULL;
    size_t n = 0, cap = 0;
    int err = QUEUE_OK;
    sqlite3_stmt *s = q_stmt(q, sql);
    if (!s) {
        err = q->stmt_err;
        goto end;
    }
    if (day_from) {
        sqlite3_bind_text(s, 1, day_from, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, day_to, -1, SQLITE_STATIC);
    } else {
        sqlite3_bind_int64(s, 1, after);
    }
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            bkey *nk = realloc(keys, ncap * sizeof *nk);
            if (!nk) {
                err = q_fail(q, QUEUE_ENOMEM, "aggregates: out of memory");
                break;
            }
            keys = nk;
            cap = ncap;
        }
        bkey *k = &keys[n++];
        q_copy(k->day, sizeof k->day, (const char *)sqlite3_column_text(s, 0));
        k->hour = sqlite3_column_int(s, 1);
        const unsigned char *svc = sqlite3_column_text(s, 2);
        k->service = svc ? (char)svc[0] : 0;
        k->pub = sqlite3_column_int(s, 3);
    }
    if (!err && rc != SQLITE_DONE)
        err = q_sqlfail(q, rc, "aggregates: list buckets");
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (!err && n && !(out = malloc(n * sizeof *out)))
        err = q_fail(q, QUEUE_ENOMEM, "aggregates: out of memory");
    for (size_t i = 0; i < n && !err; i++)
        err = compute(q, &keys[i], &out[i]);
end:
    sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL);
    for (size_t i = 0; i < n && !err; i++)
        if (fn(&out[i], ctx))
            break;
    free(out);
    free(keys);
    return err;
}

static bool valid_day(const char *d)
{
    if (!d || strlen(d) != 10 || d[4] != '-' || d[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
            return false;
    return true;
}

int queue_aggregates(queue *q, const char *day_from, const char *day_to, queue_bucket_fn fn, void *ctx)
{
    if (!fn || !valid_day(day_from) || !valid_day(day_to))
        return q_fail(q, QUEUE_EINVAL, "aggregates: days must be YYYY-MM-DD");
    return walk(q, SQL_KEYS_RANGE, day_from, day_to, 0, fn, ctx);
}

int queue_aggregates_since(queue *q, int64_t after_revision, queue_bucket_fn fn, void *ctx)
{
    if (!fn)
        return q_fail(q, QUEUE_EINVAL, "aggregates_since: no callback");
    return walk(q, SQL_KEYS_SINCE, NULL, NULL, after_revision, fn, ctx);
}
