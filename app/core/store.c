/* Queue engine storage: opening the SQLite file, schema and forward migrations, the prepared
 * statement cache, transactions, error mapping, local time.
 *
 * Durability: WAL with synchronous=FULL. In WAL mode, NORMAL already survives a killed process
 * (a commit is in the WAL, in the OS page cache, when the call returns), but a power cut can
 * lose the last commits, and a ticket already printed could then be issued again under the same
 * number after the reboot. FULL fsyncs the WAL on every commit, so a returned issue call
 * survives power loss as well; the price is one fsync per write (see the bench figures).
 *
 * Schema (PRAGMA user_version = number of migration steps applied):
 *   service(letter PK, label_fr, label_en, enabled, ord, label_nl, label_de, label_es, label_ar)
 *   counter(id PK, name, services "AFR", enabled, state, current_ticket, last_ticket)
 *   hours(weekday, idx, open_min, close_min)       settings(key PK, value)
 *   ticket(id PK, day, hour, issue_service, seq, num, label, service, state, outcome,
 *          public_type, priority, appointment, appt_at, transferred, counter_id,
 *          target_counter, recalls, issued_at, called_at, started_at, finished_at,
 *          wait_s, service_s, partner, UNIQUE(day, issue_service, seq))
 *   appointment(id PK, code UNIQUE, at, service, counter_id, note, ticket_id, updated_at)
 *   feedback(id PK, at, day, hour, level, service, reason)
 *   contact(id PK, at, day, hour, counter_id, channel)      partner(id PK, label, enabled)
 *   event(id PK AUTOINCREMENT, at, kind, actor, ticket_id, label, service, counter_id,
 *         b_day, b_hour, b_service, b_public, alarm_id)  -- append-only
 *   hub_idempotency(counter_id, key, created_at, request, status, body)  -- app/hub's, purged here
 *   alarm, alarm_ack, alarm_ack_kind, alarm_relay_state: see alarms.c
 * A database with a larger user_version than this build knows is refused (QUEUE_ESCHEMA). */
#include "queue_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Forward migrations: step i brings user_version from i to i + 1. Never edit a shipped step;
 * append a new one. */
static const char *const migrations[] = {
    /* 1: initial schema */
    "CREATE TABLE service("
    "  letter TEXT PRIMARY KEY CHECK(length(letter) = 1),"
    "  label_fr TEXT NOT NULL, label_en TEXT NOT NULL,"
    "  enabled INTEGER NOT NULL, ord INTEGER NOT NULL);"
    "CREATE TABLE counter("
    "  id INTEGER PRIMARY KEY CHECK(id >= 1), name TEXT NOT NULL, services TEXT NOT NULL,"
    "  enabled INTEGER NOT NULL, state INTEGER NOT NULL DEFAULT 0,"
    "  current_ticket INTEGER REFERENCES ticket(id), last_ticket INTEGER REFERENCES ticket(id));"
    "CREATE TABLE hours(weekday INTEGER NOT NULL, idx INTEGER NOT NULL,"
    "  open_min INTEGER NOT NULL, close_min INTEGER NOT NULL, PRIMARY KEY(weekday, idx));"
    "CREATE TABLE settings(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "CREATE TABLE ticket("
    "  id INTEGER PRIMARY KEY, day TEXT NOT NULL, hour INTEGER NOT NULL,"
    "  issue_service TEXT NOT NULL REFERENCES service(letter), seq INTEGER NOT NULL,"
    "  num INTEGER NOT NULL, label TEXT NOT NULL,"
    "  service TEXT NOT NULL REFERENCES service(letter),"
    "  state INTEGER NOT NULL, outcome INTEGER NOT NULL DEFAULT 0,"
    "  public_type INTEGER NOT NULL, priority INTEGER NOT NULL, appointment INTEGER NOT NULL,"
    "  appt_at INTEGER NOT NULL DEFAULT 0, transferred INTEGER NOT NULL DEFAULT 0,"
    "  counter_id INTEGER NOT NULL DEFAULT 0, target_counter INTEGER NOT NULL DEFAULT 0,"
    "  recalls INTEGER NOT NULL DEFAULT 0, issued_at INTEGER NOT NULL,"
    "  called_at INTEGER NOT NULL DEFAULT 0, started_at INTEGER NOT NULL DEFAULT 0,"
    "  finished_at INTEGER NOT NULL DEFAULT 0,"
    "  wait_s INTEGER, service_s INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE(day, issue_service, seq));"
    /* call-next, people ahead, waiting counts: only the few waiting rows */
    "CREATE INDEX ticket_waiting ON ticket(day, service) WHERE state = " SQLV_WAITING ";"
    /* rollover: only the unfinished rows */
    "CREATE INDEX ticket_live ON ticket(day) WHERE state IN (" SQLV_LIVE ");"
    /* recent service times for the wait estimate */
    "CREATE INDEX ticket_done ON ticket(service, finished_at) WHERE state = " SQLV_DONE ";"
    "CREATE INDEX ticket_bucket ON ticket(day, hour, issue_service, public_type);"
    "CREATE TABLE appointment("
    "  id INTEGER PRIMARY KEY, code TEXT UNIQUE, at INTEGER NOT NULL,"
    "  service TEXT NOT NULL REFERENCES service(letter), counter_id INTEGER NOT NULL,"
    "  note TEXT NOT NULL, ticket_id INTEGER REFERENCES ticket(id), updated_at INTEGER NOT NULL);"
    "CREATE INDEX appointment_at ON appointment(at);"
    "CREATE TABLE feedback(id INTEGER PRIMARY KEY, at INTEGER NOT NULL, day TEXT NOT NULL,"
    "  hour INTEGER NOT NULL, level INTEGER NOT NULL CHECK(level BETWEEN 1 AND 5),"
    "  service TEXT NOT NULL);"
    "CREATE INDEX feedback_bucket ON feedback(day, hour, service);"
    "CREATE TABLE event(id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL,"
    "  kind TEXT NOT NULL, actor TEXT NOT NULL, ticket_id INTEGER NOT NULL,"
    "  label TEXT NOT NULL, service TEXT NOT NULL, counter_id INTEGER NOT NULL,"
    "  b_day TEXT, b_hour INTEGER, b_service TEXT, b_public INTEGER);"
    "CREATE INDEX event_bucket ON event(b_day, b_hour, b_service, b_public)"
    "  WHERE b_day IS NOT NULL;"
    "CREATE TRIGGER event_append_only_u BEFORE UPDATE ON event"
    "  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;"
    "CREATE TRIGGER event_append_only_d BEFORE DELETE ON event"
    "  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;",
    /* 2: the LAN API's idempotency keys and stored replies (a reply may hold an appointment
     * note), in the engine's schema so that the retention purge deletes them with the notes.
     * Boards that ran an older hub have the table already, created by the hub itself. */
    "CREATE TABLE IF NOT EXISTS hub_idempotency("
    "  counter_id INTEGER NOT NULL, key TEXT NOT NULL, created_at INTEGER NOT NULL,"
    "  request INTEGER NOT NULL, status INTEGER NOT NULL DEFAULT 0, body TEXT,"
    "  PRIMARY KEY(counter_id, key)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS hub_idempotency_age ON hub_idempotency(created_at);",
    /* 3: wire contract 2 — partner of a referral, feedback reason, contacts by other channels,
     * the configured partners. Stored values are the contract's (borne/contract.h). */
    "ALTER TABLE ticket ADD COLUMN partner TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE feedback ADD COLUMN reason INTEGER NOT NULL DEFAULT 0"
    "  CHECK(reason BETWEEN 0 AND 5);"
    "CREATE TABLE contact(id INTEGER PRIMARY KEY, at INTEGER NOT NULL, day TEXT NOT NULL,"
    "  hour INTEGER NOT NULL, counter_id INTEGER NOT NULL REFERENCES counter(id),"
    "  channel INTEGER NOT NULL CHECK(channel BETWEEN 1 AND 2));"
    "CREATE INDEX contact_bucket ON contact(day, hour);"
    "CREATE TABLE partner(id TEXT PRIMARY KEY, label TEXT NOT NULL, enabled INTEGER NOT NULL);",
    /* 4: safety alarms (alarms.c) */
    q_alarm_schema,
    /* 5: exceptional closed days (public holidays are computed, a setting says whether they close) */
    "CREATE TABLE IF NOT EXISTS closure(day TEXT PRIMARY KEY CHECK(length(day) = 10));",
    /* 6: service labels in the kiosk's other languages (queue_label_more_lang(); '' = English) */
    "ALTER TABLE service ADD COLUMN label_nl TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE service ADD COLUMN label_de TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE service ADD COLUMN label_es TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE service ADD COLUMN label_ar TEXT NOT NULL DEFAULT '';",
};
_Static_assert(QUEUE_LABEL_MORE == 4, "migration 6 adds label_nl, label_de, label_es, label_ar");
_Static_assert(CONTRACT_REASONS_N == 5 && CONTRACT_CHANNELS_N == 2,
               "migration 3 checks reason 0..5 and channel 1..2");
#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int queue_schema_version(void)
{
    return N_MIGRATIONS;
}

const char *queue_strerror(int err)
{
    switch (err) {
    case QUEUE_OK: return "ok";
    case QUEUE_EINVAL: return "invalid argument";
    case QUEUE_ENOSERVICE: return "unknown service";
    case QUEUE_ENOCOUNTER: return "unknown counter";
    case QUEUE_ENOTICKET: return "no such ticket";
    case QUEUE_ESTATE: return "not allowed in the current state";
    case QUEUE_EEMPTY: return "nobody waiting for this counter";
    case QUEUE_ECLOSED: return "closed (outside opening hours)";
    case QUEUE_EDISABLED: return "service disabled";
    case QUEUE_ENOAPPT: return "unknown appointment code";
    case QUEUE_ETOOEARLY: return "too early for this appointment";
    case QUEUE_ETOOLATE: return "too late for this appointment";
    case QUEUE_EUSED: return "appointment already checked in";
    case QUEUE_ERECALLS: return "not enough recalls for a no-show";
    case QUEUE_ENOTSERVED: return "the counter does not serve that service";
    case QUEUE_ENOPARTNER: return "unknown partner";
    case QUEUE_EFULL: return "disk full";
    case QUEUE_EREADONLY: return "database is read-only";
    case QUEUE_ECORRUPT: return "database file is corrupt or not a database";
    case QUEUE_EBUSY: return "database busy";
    case QUEUE_EIO: return "storage error";
    case QUEUE_ENOMEM: return "out of memory";
    case QUEUE_ESCHEMA: return "database written by a newer version";
    default: return "unknown error";
    }
}

const char *queue_errmsg(const queue *q)
{
    return q ? q->msg : "no handle";
}

sqlite3 *queue_test_db(queue *q)
{
    return q->db;
}

int q_fail(queue *q, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(q->msg, sizeof q->msg, fmt, ap);
    va_end(ap);
    return err;
}

int q_map_sqlite(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE: return QUEUE_OK;
    case SQLITE_FULL: return QUEUE_EFULL;
    case SQLITE_READONLY: return QUEUE_EREADONLY;
    case SQLITE_PERM: return QUEUE_EREADONLY;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT: return QUEUE_ECORRUPT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return QUEUE_EBUSY;
    case SQLITE_NOMEM: return QUEUE_ENOMEM;
    case SQLITE_CONSTRAINT: return QUEUE_EINVAL;
    default: return QUEUE_EIO;
    }
}

int q_sqlfail(queue *q, int rc, const char *what)
{
    int err = q_map_sqlite(rc);
    if (err == QUEUE_OK)
        err = QUEUE_EIO;   /* a caller saw an unexpected SQLITE_ROW/DONE */
    const char *detail = sqlite3_errmsg(q->db), *generic = sqlite3_errstr(rc);
    if (strcmp(detail, generic) == 0)
        return q_fail(q, err, "%s: %s", what, detail);
    return q_fail(q, err, "%s: %s (%s)", what, detail, generic);
}

sqlite3_stmt *q_stmt(queue *q, const char *sql)
{
    for (int i = 0; i < q->n_cache; i++)
        if (q->cache[i].sql == sql)
            return q->cache[i].stmt;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v3(q->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
    if (rc != SQLITE_OK) {
        q->stmt_err = q_sqlfail(q, rc, "prepare");
        return NULL;
    }
    if (q->n_cache == Q_STMT_CACHE) {
        /* More distinct statements than slots is a programming error; stay correct anyway. */
        sqlite3_finalize(q->cache[0].stmt);
        memmove(&q->cache[0], &q->cache[1], sizeof q->cache[0] * (Q_STMT_CACHE - 1));
        q->n_cache--;
    }
    q->cache[q->n_cache].sql = sql;
    q->cache[q->n_cache].stmt = s;
    q->n_cache++;
    return s;
}

int q_exec_stmt(queue *q, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);
    int err = QUEUE_OK;
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        err = q_sqlfail(q, rc, what);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return err;
}

int q_scalar(queue *q, sqlite3_stmt *s, int64_t *out, const char *what)
{
    int rc = sqlite3_step(s);
    int err = QUEUE_OK;
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else if (rc == SQLITE_DONE)
        *out = 0;
    else
        err = q_sqlfail(q, rc, what);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return err;
}

static const char SQL_BEGIN[] = "BEGIN IMMEDIATE";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";

int q_begin(queue *q)
{
    Q_STMT(q, s, SQL_BEGIN);
    if (!q_gate_enter(q->opts.priority_writer, q->opts.busy_timeout_ms))
        return q_fail(q, QUEUE_EBUSY, "begin transaction: other writers of this process held the"
                      " database for %d ms", q->opts.busy_timeout_ms);
    int err = q_exec_stmt(q, s, "begin transaction");
    if (err)
        q_gate_leave();
    else
        q->gate_held = true;
    return err;
}

static int end_turn(queue *q, int rc)
{
    if (q->gate_held) {
        q->gate_held = false;
        q_gate_leave();
    }
    return rc;
}

int q_end(queue *q, int rc)
{
    if (rc == QUEUE_OK) {
        sqlite3_stmt *s = q_stmt(q, SQL_COMMIT);
        rc = s ? q_exec_stmt(q, s, "commit") : q->stmt_err;
        if (rc == QUEUE_OK)
            return end_turn(q, QUEUE_OK);
    }
    /* The failed statement or commit may already have rolled back (SQLITE_FULL does). */
    if (!sqlite3_get_autocommit(q->db)) {
        char keep[Q_MSG_MAX];
        memcpy(keep, q->msg, sizeof keep);
        sqlite3_stmt *s = q_stmt(q, SQL_ROLLBACK);
        if (s) {
            sqlite3_step(s);
            sqlite3_reset(s);
        }
        memcpy(q->msg, keep, sizeof keep);
    }
    return end_turn(q, rc);
}

void q_copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

void q_localtime(int64_t now, q_local *out)
{
    time_t t = (time_t)now;
    struct tm tm;
    localtime_r(&t, &tm);
    char day[32];
    snprintf(day, sizeof day, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    memcpy(out->day, day, sizeof out->day - 1);   /* years 1000..9999: always 10 chars */
    out->day[sizeof out->day - 1] = '\0';
    out->hour = tm.tm_hour;
    out->minute_of_day = tm.tm_hour * 60 + tm.tm_min;
    out->weekday = (tm.tm_wday + 6) % 7;
}

static bool matches(const struct tm *tm, int year, int month, int day, int hour, int min, int sec)
{
    return tm->tm_year == year - 1900 && tm->tm_mon == month - 1 && tm->tm_mday == day &&
           tm->tm_hour == hour && tm->tm_min == min && tm->tm_sec == sec;
}

/* Each reading of the wall-clock time, as standard time and as summer time, that mktime does
 * not have to move: none is a skipped time, two different ones an ambiguous time. */
queue_local_status queue_local_time(int year, int month, int day, int hour, int min, int sec,
                                    int64_t *out)
{
    static const int days_in[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 ||
        day > days_in[month - 1] - (month == 2 && !leap) || hour < 0 || hour > 23 || min < 0 ||
        min > 59 || sec < 0 || sec > 59)
        return QUEUE_LOCAL_INVALID;
    time_t found[2];
    int n = 0;
    for (int dst = 0; dst <= 1; dst++) {
        struct tm tm = {.tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = day,
                        .tm_hour = hour, .tm_min = min, .tm_sec = sec, .tm_isdst = dst};
        time_t t = mktime(&tm);
        if (t != (time_t)-1 && matches(&tm, year, month, day, hour, min, sec) &&
            (n == 0 || found[0] != t))
            found[n++] = t;
    }
    if (n == 0)
        return QUEUE_LOCAL_SKIPPED;
    if (n == 2)
        return QUEUE_LOCAL_AMBIGUOUS;
    *out = (int64_t)found[0];
    return QUEUE_LOCAL_OK;
}

const char *queue_local_strerror(queue_local_status st)
{
    switch (st) {
    case QUEUE_LOCAL_OK: return "ok";
    case QUEUE_LOCAL_INVALID: return "no such date or time";
    case QUEUE_LOCAL_SKIPPED: return "this local time does not exist (the clocks go forward)";
    case QUEUE_LOCAL_AMBIGUOUS: return "this local time happens twice (the clocks go back)";
    }
    return "bad local time";
}

int64_t q_local_moment(const char *day, int add_days, int min)
{
    int y = 0, m = 0, d = 0;
    if (sscanf(day, "%d-%d-%d", &y, &m, &d) != 3)
        return 0;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d + add_days;
    tm.tm_hour = min / 60;
    tm.tm_min = min % 60;
    tm.tm_isdst = -1;   /* let mktime find whether DST applies at that wall-clock time */
    return (int64_t)mktime(&tm);
}

void q_ticket_read(sqlite3_stmt *s, int c, q_ticket *out)
{
    memset(out, 0, sizeof *out);
    queue_ticket *t = &out->t;
    t->id = sqlite3_column_int64(s, c + 0);
    q_copy(t->label, sizeof t->label, (const char *)sqlite3_column_text(s, c + 1));
    const unsigned char *svc = sqlite3_column_text(s, c + 2);
    t->service = svc ? (char)svc[0] : 0;
    q_copy(t->day, sizeof t->day, (const char *)sqlite3_column_text(s, c + 3));
    t->seq = sqlite3_column_int(s, c + 4);
    t->state = (queue_state)sqlite3_column_int(s, c + 5);
    t->outcome = (queue_outcome)sqlite3_column_int(s, c + 6);
    t->public_type = (queue_public)sqlite3_column_int(s, c + 7);
    t->priority = sqlite3_column_int(s, c + 8) != 0;
    t->appointment = sqlite3_column_int(s, c + 9) != 0;
    t->transferred = sqlite3_column_int(s, c + 10) != 0;
    int counter = sqlite3_column_int(s, c + 11);
    out->target_counter = sqlite3_column_int(s, c + 12);
    /* Public view: the counter handling it, or for a waiting ticket the counter it is for. */
    t->counter_id = counter ? counter : out->target_counter;
    t->recalls = sqlite3_column_int(s, c + 13);
    t->issued_at = sqlite3_column_int64(s, c + 14);
    t->called_at = sqlite3_column_int64(s, c + 15);
    t->started_at = sqlite3_column_int64(s, c + 16);
    t->finished_at = sqlite3_column_int64(s, c + 17);
    out->hour = sqlite3_column_int(s, c + 18);
    out->appt_at = sqlite3_column_int64(s, c + 19);
    q_copy(t->partner, sizeof t->partner, (const char *)sqlite3_column_text(s, c + 20));
    out->issue_service = t->label[0];
}

static const char SQL_TICKET_GET[] = "SELECT " TICKET_COLS " FROM ticket WHERE id = ?";

int q_ticket_load(queue *q, int64_t id, q_ticket *out)
{
    Q_STMT(q, s, SQL_TICKET_GET);
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    int err = QUEUE_OK;
    if (rc == SQLITE_ROW)
        q_ticket_read(s, 0, out);
    else if (rc == SQLITE_DONE)
        err = q_fail(q, QUEUE_ENOTICKET, "no ticket with id %lld", (long long)id);
    else
        err = q_sqlfail(q, rc, "read ticket");
    sqlite3_reset(s);
    return err;
}

/* ---- opening ------------------------------------------------------------------------------ */

static int open_fail(queue *q, int err, char *errbuf, size_t errlen)
{
    if (errbuf && errlen)
        snprintf(errbuf, errlen, "%s", q->msg);
    queue_close(q);
    return err;
}

static int exec_sql(queue *q, const char *sql, const char *what)
{
    char *emsg = NULL;
    int rc = sqlite3_exec(q->db, sql, NULL, NULL, &emsg);
    if (rc != SQLITE_OK) {
        int err = q_map_sqlite(rc);
        q_fail(q, err ? err : QUEUE_EIO, "%s: %s", what, emsg ? emsg : sqlite3_errstr(rc));
        sqlite3_free(emsg);
        return err ? err : QUEUE_EIO;
    }
    return QUEUE_OK;
}

static int read_version(queue *q, int64_t *v)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(q->db, "PRAGMA user_version", -1, &s, NULL);
    if (rc != SQLITE_OK)
        return q_sqlfail(q, rc, "read schema version");
    int err = q_scalar(q, s, v, "read schema version");
    sqlite3_finalize(s);
    return err;
}

static int migrate(queue *q)
{
    int64_t v = 0;
    int err = read_version(q, &v);
    if (err)
        return err;
    if (v > N_MIGRATIONS)
        return q_fail(q, QUEUE_ESCHEMA,
                      "schema version %lld is newer than this program's (%d); upgrade Borne",
                      (long long)v, N_MIGRATIONS);
    while (v < N_MIGRATIONS) {
        /* Another process may migrate at the same time: re-read the version under the lock. */
        if ((err = exec_sql(q, "BEGIN IMMEDIATE", "migrate: begin")))
            return err;
        if ((err = read_version(q, &v)) == QUEUE_OK && v < N_MIGRATIONS) {
            char setv[64];
            snprintf(setv, sizeof setv, "PRAGMA user_version = %lld", (long long)v + 1);
            err = exec_sql(q, migrations[v], "migrate: schema step");
            if (!err)
                err = exec_sql(q, setv, "migrate: set version");
        }
        if (err) {
            char keep[Q_MSG_MAX];
            memcpy(keep, q->msg, sizeof keep);
            sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
            memcpy(q->msg, keep, sizeof keep);
            return err;
        }
        if ((err = exec_sql(q, "COMMIT", "migrate: commit")))
            return err;
        if ((err = read_version(q, &v)))
            return err;
    }
    return QUEUE_OK;
}

/* Whether the file or its directory refuse writing to us (SQLite reports that as CANTOPEN or
 * opens read-only, depending on which of the two is read-only). */
static bool path_read_only(const char *path)
{
    if (access(path, F_OK) == 0 && faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) != 0)
        return true;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    return faccessat(AT_FDCWD, dir, W_OK, AT_EACCESS) != 0 && (errno == EACCES || errno == EROFS);
}

int queue_open(queue **out, const char *path, const queue_options *opts, char *errbuf, size_t errlen)
{
    if (out)
        *out = NULL;
    if (!out || !path || !*path) {
        if (errbuf && errlen)
            snprintf(errbuf, errlen, "queue_open: no database path given");
        return QUEUE_EINVAL;
    }
    queue *q = calloc(1, sizeof *q);
    if (!q) {
        if (errbuf && errlen)
            snprintf(errbuf, errlen, "queue_open: out of memory");
        return QUEUE_ENOMEM;
    }
    if (opts)
        q->opts = *opts;
    if (q->opts.busy_timeout_ms <= 0)
        q->opts.busy_timeout_ms = 5000;
    if (q->opts.recalls_before_no_show <= 0)
        q->opts.recalls_before_no_show = 1;
    if (q->opts.checkin_early_min <= 0)
        q->opts.checkin_early_min = QUEUE_CHECKIN_EARLY_MIN;
    if (q->opts.checkin_late_min <= 0)
        q->opts.checkin_late_min = 15;
    if (q->opts.default_service_s <= 0)
        q->opts.default_service_s = 600;

    int rc = sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        int err = q_map_sqlite(rc);
        if ((rc & 0xff) == SQLITE_CANTOPEN && path_read_only(path))
            err = QUEUE_EREADONLY;
        q_fail(q, err ? err : QUEUE_EIO, "%s: cannot open database: %s", path,
               q->db ? sqlite3_errmsg(q->db) : sqlite3_errstr(rc));
        return open_fail(q, err ? err : QUEUE_EIO, errbuf, errlen);
    }
    sqlite3_extended_result_codes(q->db, 1);
    sqlite3_busy_timeout(q->db, q->opts.busy_timeout_ms);

    /* The first statement reads the header: garbage shows up here as SQLITE_NOTADB. Switching a
     * new file to WAL needs an exclusive lock, and SQLite answers SQLITE_BUSY there without
     * waiting in the busy handler when another process is creating or recovering the same file
     * at that moment (seen under load with several processes opening at once): wait for it
     * here, within the same busy timeout. */
    int err;
    int waited_ms = 0;
    while ((err = exec_sql(q, "PRAGMA journal_mode = WAL", "set WAL mode")) == QUEUE_EBUSY &&
           waited_ms < q->opts.busy_timeout_ms) {
        sqlite3_sleep(10);
        waited_ms += 10;
    }
    if (!err && sqlite3_db_readonly(q->db, "main") == 1)
        err = q_fail(q, QUEUE_EREADONLY, "database is read-only");
    if (!err)
        err = exec_sql(q, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;", "set pragmas");
    if (!err)
        err = migrate(q);
    if (err) {
        if (err == QUEUE_EIO && path_read_only(path))
            err = QUEUE_EREADONLY;
        char detail[Q_MSG_MAX];
        memcpy(detail, q->msg, sizeof detail);
        snprintf(q->msg, sizeof q->msg, "%s: %s: %.400s", path, queue_strerror(err), detail);
        return open_fail(q, err, errbuf, errlen);
    }
    *out = q;
    return QUEUE_OK;
}

void queue_close(queue *q)
{
    if (!q)
        return;
    for (int i = 0; i < q->n_cache; i++)
        sqlite3_finalize(q->cache[i].stmt);
    sqlite3_close(q->db);   /* NULL is fine; last connection checkpoints and removes the WAL */
    free(q);
}

/* ---- names ------------------------------------------------------------------------------- */

const char *queue_state_name(queue_state s)
{
    static const char *const names[] = {"waiting", "called", "serving", "done",
                                        "no_show", "cancelled", "expired"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "unknown";
}

static const char *const public_names[QUEUE_PUBLIC_COUNT] = {
    "", "particulier", "entreprise", "association", "collectivite"};

const char *queue_public_name(queue_public p)
{
    return (unsigned)p < QUEUE_PUBLIC_COUNT ? public_names[p] : "";
}

int queue_public_from_name(const char *name)
{
    if (!name)
        return -1;
    /* The accented spelling is what people type; the stored name stays ASCII. */
    if (strcmp(name, "collectivité") == 0)
        return QUEUE_PUBLIC_COLLECTIVITE;
    for (int i = 0; i < QUEUE_PUBLIC_COUNT; i++)
        if (strcmp(name, public_names[i]) == 0)
            return i;
    return -1;
}
