/* Tickets: numbering, issue, cancel, listing, waiting figures, day rollover.
 *
 * Numbering: a ticket's `seq` counts the tickets of its service (at issue) on its local day
 * from 1 and never repeats; UNIQUE(day, issue_service, seq) holds it in storage. The label is
 * the service letter and seq mod 1000 on 3 digits. Past 999 the label wraps: seq values whose
 * label would be 000, or whose number is still in the queue that day (waiting, called or
 * serving), are skipped, so two people in the room never hold the same number. The numbers in
 * the queue are read once, by one query over the live tickets' index, into a bitmap (the search
 * used to make one query per candidate: up to 999 under the write lock, ~140 ms for a refused
 * issue once a service was full). Allocation, the
 * insert and the event are one BEGIN IMMEDIATE transaction, so concurrent writers (threads or
 * processes) serialise on the write lock and never get the same seq.
 *
 * Estimated wait for a service:
 *   people ahead × median service time ÷ max(1, open counters serving it)
 * where the median is over the last 50 finished tickets of that service within 14 days
 * (queue_options.default_service_s before any exist). It is shown as a 5-minute range:
 * lo = estimate rounded down to a multiple of 5 minutes, hi = lo + 5, and lo is raised to 1,
 * so "0 min" is never shown (0..4 min reads 1–5 min). */
#include "queue_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MEDIAN_WINDOW 50
#define MEDIAN_MAX_AGE_S (14 * 86400)

static const char SQL_MAX_SEQ[] =
    "SELECT COALESCE(MAX(seq), 0) FROM ticket WHERE day = ? AND issue_service = ?";
static const char SQL_NUMS_ACTIVE[] =
    "SELECT num FROM ticket WHERE day = ? AND issue_service = ? AND state IN (" SQLV_LIVE ")";
static const char SQL_TICKET_ADD[] =
    "INSERT INTO ticket(day, hour, issue_service, seq, num, label, service, state,"
    " public_type, priority, appointment, appt_at, target_counter, issued_at)"
    " VALUES(?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)";
/* Rank in the call order (see counters.c): due appointment, priority, then the rest. */
#define RANK_CLASS \
    "(CASE WHEN appointment = 1 AND appt_at <= ?1 THEN 0 WHEN priority = 1 THEN 1 ELSE 2 END)"
static const char SQL_AHEAD[] =
    "SELECT count(*) FROM ticket WHERE state = " SQLV_WAITING " AND day = ?2 AND service = ?3 AND id <> ?4"
    " AND (" RANK_CLASS " < ?5 OR (" RANK_CLASS " = ?5"
    " AND (issued_at < ?6 OR (issued_at = ?6 AND id < ?4))))";
static const char SQL_WAITING[] =
    "SELECT count(*) FROM ticket WHERE state = " SQLV_WAITING " AND day = ? AND service = ?";
static const char SQL_RECENT_SERVICE[] =
    "SELECT service_s FROM ticket WHERE state = " SQLV_DONE " AND service = ? AND finished_at >= ?"
    " ORDER BY finished_at DESC LIMIT 50";
static const char SQL_OPEN_COUNTERS[] =
    "SELECT count(*) FROM counter WHERE enabled = 1 AND state = " SQLV_COUNTER_OPEN " AND instr(services, ?) > 0";
static const char SQL_CANCEL[] =
    "UPDATE ticket SET state = " SQLV_CANCELLED ", finished_at = ?, counter_id = 0 WHERE id = ?";
static const char SQL_COUNTER_RELEASE[] =
    "UPDATE counter SET current_ticket = NULL, last_ticket = ?1 WHERE current_ticket = ?1";
static const char SQL_LIST[] =
    "SELECT " TICKET_COLS " FROM ticket WHERE day = ? AND (?2 = 0 OR ((?2 >> state) & 1))"
    " ORDER BY id";
static const char SQL_STALE_COUNT[] =
    "SELECT count(*) FROM ticket WHERE state IN (" SQLV_LIVE ") AND day < ?";
static const char SQL_STALE[] =
    "SELECT " TICKET_COLS " FROM ticket WHERE state IN (" SQLV_LIVE ") AND day < ? ORDER BY id";
static const char SQL_EXPIRE[] =
    "UPDATE ticket SET state = " SQLV_EXPIRED ", finished_at = ? WHERE id = ?";

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int median_service_s(queue *q, char service, int64_t now, int *out)
{
    Q_STMT(q, s, SQL_RECENT_SERVICE);
    char l[2] = {service, '\0'};
    sqlite3_bind_text(s, 1, l, 1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, now - MEDIAN_MAX_AGE_S);
    int v[MEDIAN_WINDOW], n = 0, rc;
    while (n < MEDIAN_WINDOW && (rc = sqlite3_step(s)) == SQLITE_ROW)
        v[n++] = sqlite3_column_int(s, 0);
    int err = (n < MEDIAN_WINDOW && rc != SQLITE_DONE) ? q_sqlfail(q, rc, "recent service times")
                                                       : QUEUE_OK;
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (err)
        return err;
    if (n == 0) {
        *out = q->opts.default_service_s;
        return QUEUE_OK;
    }
    qsort(v, (size_t)n, sizeof v[0], cmp_int);
    *out = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return QUEUE_OK;
}

static int count_with_letter(queue *q, const char *sql, const char *day, char service, int *out)
{
    Q_STMT(q, s, sql);
    char l[2] = {service, '\0'};
    int i = 1;
    if (day)
        sqlite3_bind_text(s, i++, day, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, i, l, 1, SQLITE_TRANSIENT);
    int64_t v = 0;
    int err = q_scalar(q, s, &v, "count");
    *out = (int)v;
    return err;
}

/* Estimate for someone with `ahead` people before them in `service`. */
static int wait_range(queue *q, int64_t now, char service, int ahead, int *open_counters,
                      int *lo, int *hi)
{
    int median = 0, open = 0, err;
    if ((err = median_service_s(q, service, now, &median)) ||
        (err = count_with_letter(q, SQL_OPEN_COUNTERS, NULL, service, &open)))
        return err;
    if (open_counters)
        *open_counters = open;
    int64_t est_s = (int64_t)ahead * median / (open > 0 ? open : 1);
    int64_t m = est_s / 60;
    *lo = (int)(m / 5 * 5);
    *hi = *lo + 5;
    if (*lo < 1)
        *lo = 1;
    return QUEUE_OK;
}

static int people_ahead(queue *q, int64_t now, const q_ticket *t, int *out)
{
    Q_STMT(q, s, SQL_AHEAD);
    int cls = t->t.appointment && t->appt_at <= now ? 0 : t->t.priority ? 1 : 2;
    char l[2] = {t->t.service, '\0'};
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_text(s, 2, t->t.day, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, l, 1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 4, t->t.id);
    sqlite3_bind_int(s, 5, cls);
    sqlite3_bind_int64(s, 6, t->t.issued_at);
    int64_t v = 0;
    int err = q_scalar(q, s, &v, "people ahead");
    *out = (int)v;
    return err;
}

/* Marks in used[] the numbers of (day, service) still in the queue. */
static int nums_in_queue(queue *q, const char *day, const char *l, bool used[1000])
{
    Q_STMT(q, s, SQL_NUMS_ACTIVE);
    sqlite3_bind_text(s, 1, day, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, l, 1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int num = sqlite3_column_int(s, 0);
        if (num >= 0 && num < 1000)
            used[num] = true;
    }
    int err = rc == SQLITE_DONE ? QUEUE_OK : q_sqlfail(q, rc, "numbers in the queue");
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return err;
}

/* Picks the next seq for (day, service) following the wrap rule in the header comment. */
static int next_seq(queue *q, const char *day, char service, int *seq_out, int *num_out)
{
    char l[2] = {service, '\0'};
    Q_STMT(q, s, SQL_MAX_SEQ);
    sqlite3_bind_text(s, 1, day, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, l, 1, SQLITE_TRANSIENT);
    int64_t seq = 0;
    int err = q_scalar(q, s, &seq, "last ticket number");
    if (err)
        return err;
    bool used[1000] = {false}, loaded = false;
    for (int tries = 0; tries < 1000; tries++) {
        seq++;
        int num = (int)(seq % 1000);
        if (num == 0)
            continue;
        if (seq >= 1000) {   /* below 1000 every earlier number is smaller: no clash possible */
            if (!loaded && (err = nums_in_queue(q, day, l, used)))
                return err;
            loaded = true;
            if (used[num])
                continue;
        }
        *seq_out = (int)seq;
        *num_out = num;
        return QUEUE_OK;
    }
    return q_fail(q, QUEUE_ESTATE, "service %c: all 999 numbers are in the queue", service);
}

int q_issue_locked(queue *q, int64_t now, char service, queue_public pub, bool priority,
                   bool appointment, int64_t appt_at, int target_counter, const char *actor,
                   const char *event_kind, queue_issued *out)
{
    q_local lt;
    q_localtime(now, &lt);
    int seq = 0, num = 0, err;
    if ((err = next_seq(q, lt.day, service, &seq, &num)))
        return err;
    char label[8], l[2] = {service, '\0'};
    snprintf(label, sizeof label, "%c%03d", service, num);
    Q_STMT(q, s, SQL_TICKET_ADD);
    sqlite3_bind_text(s, 1, lt.day, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, lt.hour);
    sqlite3_bind_text(s, 3, l, 1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 4, seq);
    sqlite3_bind_int(s, 5, num);
    sqlite3_bind_text(s, 6, label, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 7, l, 1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 8, pub);
    sqlite3_bind_int(s, 9, priority);
    sqlite3_bind_int(s, 10, appointment);
    sqlite3_bind_int64(s, 11, appt_at);
    sqlite3_bind_int(s, 12, target_counter);
    sqlite3_bind_int64(s, 13, now);
    if ((err = q_exec_stmt(q, s, "insert ticket")))
        return err;
    q_ticket t;
    if ((err = q_ticket_load(q, sqlite3_last_insert_rowid(q->db), &t)) ||
        (err = q_event(q, now, event_kind, actor ? actor : "kiosk", &t, 0, 0, true)))
        return err;
    if (out) {
        memset(out, 0, sizeof *out);
        out->ticket = t.t;
        if ((err = people_ahead(q, now, &t, &out->people_ahead)) ||
            (err = wait_range(q, now, service, out->people_ahead, NULL, &out->wait_min_lo,
                              &out->wait_min_hi)))
            return err;
    }
    return QUEUE_OK;
}

int queue_issue(queue *q, int64_t now, char service, const queue_issue_opts *opts, queue_issued *out)
{
    queue_issue_opts o = {0};
    if (opts)
        o = *opts;
    if ((unsigned)o.public_type >= QUEUE_PUBLIC_COUNT)
        return q_fail(q, QUEUE_EINVAL, "issue: public type %d out of range", (int)o.public_type);
    int err = q_begin(q);
    if (err)
        return err;
    bool open = false;
    int64_t next = 0;
    if (!(err = q_service_check(q, service, true)) && !(err = queue_open_at(q, now, &open, &next)) &&
        !open)
        err = q_fail(q, QUEUE_ECLOSED, "closed: no ticket now (next opening at %lld)",
                     (long long)next);
    if (!err)
        err = q_issue_locked(q, now, service, o.public_type, o.priority, false, 0, 0, o.actor,
                             "issue", out);
    return q_end(q, err);
}

int queue_get_ticket(queue *q, int64_t ticket_id, queue_ticket *out)
{
    q_ticket t;
    int err = q_ticket_load(q, ticket_id, &t);
    if (!err && out)
        *out = t.t;
    return err;
}

static int cancel(queue *q, int64_t now, int64_t id, const char *actor)
{
    q_ticket t;
    int err = q_ticket_load(q, id, &t);
    if (err)
        return err;
    if (t.t.state != QUEUE_WAITING && t.t.state != QUEUE_CALLED)
        return q_fail(q, QUEUE_ESTATE, "ticket %s is %s: only a waiting or called ticket can be"
                      " cancelled", t.t.label, queue_state_name(t.t.state));
    int counter = t.t.state == QUEUE_CALLED ? t.t.counter_id : 0;
    Q_STMT(q, s, SQL_CANCEL);
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_int64(s, 2, id);
    if ((err = q_exec_stmt(q, s, "cancel ticket")))
        return err;
    Q_STMT(q, r, SQL_COUNTER_RELEASE);
    sqlite3_bind_int64(r, 1, id);
    if ((err = q_exec_stmt(q, r, "release counter")))
        return err;
    return q_event(q, now, "cancel", actor ? actor : "admin", &t, 0, counter, true);
}

int queue_cancel(queue *q, int64_t now, int64_t ticket_id, const char *actor)
{
    int err = q_begin(q);
    if (err)
        return err;
    return q_end(q, cancel(q, now, ticket_id, actor));
}

int queue_list_tickets(queue *q, int64_t now, unsigned state_mask, queue_ticket_fn fn, void *ctx)
{
    if (!fn)
        return q_fail(q, QUEUE_EINVAL, "list_tickets: no callback");
    q_local lt;
    q_localtime(now, &lt);
    Q_STMT(q, s, SQL_LIST);
    sqlite3_bind_text(s, 1, lt.day, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, state_mask);
    int rc, err = QUEUE_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        q_ticket t;
        q_ticket_read(s, 0, &t);
        if (fn(&t.t, ctx))
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        err = q_sqlfail(q, rc, "list tickets");
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return err;
}

int queue_service_stats_now(queue *q, int64_t now, queue_service_stats *out, int max)
{
    if (!out || max < 0)
        return q_fail(q, QUEUE_EINVAL, "service_stats: no output");
    queue_setup setup;
    int err = queue_get_setup(q, &setup);
    if (err)
        return err;
    q_local lt;
    q_localtime(now, &lt);
    int n = 0;
    for (int i = 0; i < setup.n_services && n < max; i++) {
        const queue_service *v = &setup.services[i];
        /* A service offered on no tile (appointments) still has a queue the desks must see. */
        queue_service_stats *st = &out[n++];
        memset(st, 0, sizeof *st);
        st->letter = v->letter;
        st->walk_in = v->enabled;
        if ((err = count_with_letter(q, SQL_WAITING, lt.day, v->letter, &st->waiting)) ||
            (err = wait_range(q, now, v->letter, st->waiting, &st->open_counters,
                              &st->wait_min_lo, &st->wait_min_hi)))
            return err;
    }
    return n;
}

/* ---- rollover ------------------------------------------------------------------------------ */

static int expire_stale(queue *q, int64_t now, const char *today, int *expired)
{
    q_ticket *rows = NULL;
    size_t n = 0, cap = 0;
    int rc, err = QUEUE_OK;
    sqlite3_stmt *s = q_stmt(q, SQL_STALE);
    if (!s)
        return q->stmt_err;
    sqlite3_bind_text(s, 1, today, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 32;
            q_ticket *nr = realloc(rows, ncap * sizeof *nr);
            if (!nr) {
                err = q_fail(q, QUEUE_ENOMEM, "rollover: out of memory");
                break;
            }
            rows = nr;
            cap = ncap;
        }
        q_ticket_read(s, 0, &rows[n++]);
    }
    if (!err && rc != SQLITE_DONE)
        err = q_sqlfail(q, rc, "rollover: read unfinished tickets");
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    for (size_t i = 0; i < n && !err; i++) {
        sqlite3_stmt *u = q_stmt(q, SQL_EXPIRE);
        sqlite3_stmt *r = q_stmt(q, SQL_COUNTER_RELEASE);
        if (!u || !r) {
            err = q->stmt_err;
            break;
        }
        sqlite3_bind_int64(u, 1, now);
        sqlite3_bind_int64(u, 2, rows[i].t.id);
        sqlite3_bind_int64(r, 1, rows[i].t.id);
        if (!(err = q_exec_stmt(q, u, "expire ticket")) &&
            !(err = q_exec_stmt(q, r, "release counter")))
            err = q_event(q, now, "expire", "system", &rows[i], 0, 0, true);
    }
    free(rows);
    *expired = (int)n;
    return err;
}

int queue_rollover(queue *q, int64_t now)
{
    q_local lt;
    q_localtime(now, &lt);
    /* Called on every clock tick: a read first, so that an idle box takes no write lock. */
    Q_STMT(q, c, SQL_STALE_COUNT);
    sqlite3_bind_text(c, 1, lt.day, -1, SQLITE_STATIC);
    int64_t stale = 0;
    int err = q_scalar(q, c, &stale, "rollover: count unfinished tickets");
    if (err || stale == 0)
        return err;
    if ((err = q_begin(q)))
        return err;
    int expired = 0;
    err = q_end(q, expire_stale(q, now, lt.day, &expired));
    return err ? err : expired;
}
