/* Internal to app/core: the handle, the statement cache, transactions, error mapping, local
 * time and the event log. Nothing outside app/core includes this, except engine tests that
 * need the raw connection (PRAGMA integrity_check). */
#ifndef BORNE_QUEUE_INTERNAL_H
#define BORNE_QUEUE_INTERNAL_H

#include "borne/queue.h"

#include <sqlite3.h>

#define Q_STMT_CACHE 96
#define Q_MSG_MAX 512

struct queue {
    sqlite3 *db;
    queue_options opts;                 /* defaults filled in */
    char msg[Q_MSG_MAX];
    struct {
        const char *sql;                /* static string: the cache is keyed by its address */
        sqlite3_stmt *stmt;
    } cache[Q_STMT_CACHE];
    int n_cache;
    int stmt_err;                       /* error of the last failed q_stmt() */
    bool gate_held;                     /* between q_begin() and q_end(): the writers' turn */
};

/* Declares `var` as the cached statement for `sql`, returning the error from the enclosing
 * function when it cannot be prepared. */
#define Q_STMT(q, var, sql)                 \
    sqlite3_stmt *var = q_stmt((q), (sql)); \
    if (!var)                               \
    return (q)->stmt_err

/* Local calendar facts of a moment, in the process TZ. */
typedef struct q_local {
    char day[11];       /* YYYY-MM-DD */
    int hour;           /* 0..23 */
    int minute_of_day;  /* 0..1439 */
    int weekday;        /* 0 = Monday ... 6 = Sunday */
} q_local;

/* A ticket row with the columns the public struct does not show. */
typedef struct q_ticket {
    queue_ticket t;
    char issue_service; /* service at issue time = label[0]; part of the bucket key */
    int hour;           /* local hour of issue; part of the bucket key */
    int64_t appt_at;    /* appointment time (appointment tickets), else 0 */
    int target_counter; /* waiting ticket reserved for that counter, else 0 */
} q_ticket;

/* Columns read by q_ticket_read(), in order; `SELECT TICKET_COLS FROM ticket ...`. */
#define TICKET_COLS                                                                         \
    "id, label, service, day, seq, state, outcome, public_type, priority, appointment,"     \
    " transferred, counter_id, target_counter, recalls, issued_at, called_at, started_at,"  \
    " finished_at, hour, appt_at, partner"

/* ---- store.c ---------------------------------------------------------------------------- */

/* The cached prepared statement for `sql` (a static string), ready to bind; NULL on error
 * with the message and q->stmt_err recorded. Callers sqlite3_reset() it when done, so that no
 * statement keeps a read snapshot open between calls. */
sqlite3_stmt *q_stmt(queue *q, const char *sql);
/* Records an engine error with a formatted message; returns err. */
int q_fail(queue *q, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Maps an SQLite result code to queue_err and records "what: sqlite message". */
int q_sqlfail(queue *q, int rc, const char *what);
int q_map_sqlite(int rc);
/* Steps a statement that returns no row, then resets it. */
int q_exec_stmt(queue *q, sqlite3_stmt *s, const char *what);
/* BEGIN IMMEDIATE; and the matching end: commits when rc == 0, rolls back otherwise; returns
 * rc, or the commit error. */
int q_begin(queue *q);
int q_end(queue *q, int rc);

/* The writers of this process take turns (write_gate.c) before SQLite's write lock: a
 * priority writer goes before every other waiting one. enter: false when the turn did not come
 * within timeout_ms. Only q_begin() and q_end() call these. */
bool q_gate_enter(bool priority, int timeout_ms);
void q_gate_leave(void);
/* Writers waiting for their turn now (tests wait on it rather than on time). */
int q_gate_waiting(void);
/* Reads a single integer from a statement (first column of the first row); *found = 0 when
 * there is no row. Resets the statement. */
int q_scalar(queue *q, sqlite3_stmt *s, int64_t *out, const char *what);

void q_localtime(int64_t now, q_local *out);
/* Unix time of minute `min` of the local day `day` (YYYY-MM-DD) plus `add_days`. */
int64_t q_local_moment(const char *day, int add_days, int min);

void q_ticket_read(sqlite3_stmt *s, int first_col, q_ticket *out);
int q_ticket_load(queue *q, int64_t id, q_ticket *out);
void q_copy(char *dst, size_t n, const char *src);

/* ---- events.c --------------------------------------------------------------------------- */

/* Appends one event row. When `bucket` is given, the row also records the aggregate bucket
 * key of that ticket (the bucket's revision is the largest event id that touched it). */
int q_event(queue *q, int64_t now, const char *kind, const char *actor, const q_ticket *t,
            char service, int counter_id, bool touches_bucket);
/* Same for a feedback or contact row (kind "feedback", "contact"), whose bucket has no ticket. */
int q_event_unticketed(queue *q, int64_t now, const char *kind, const char *actor, const q_local *lt,
                       char service, int counter_id);

/* ---- alarms.c --------------------------------------------------------------------------- */

/* The schema step of the safety alarms (store.c's migration list). */
extern const char q_alarm_schema[];

/* ---- setup.c ---------------------------------------------------------------------------- */

/* Looks up a service: QUEUE_OK, QUEUE_ENOSERVICE or QUEUE_EDISABLED (message recorded). */
int q_service_check(queue *q, char letter, bool must_be_enabled);

/* ---- visits.c --------------------------------------------------------------------------- */

/* The setup's partner list: checked, saved (inside the setup transaction), read back. */
int q_partners_validate(queue *q, const queue_setup *s);
int q_partners_apply(queue *q, const queue_setup *s);
int q_partners_read(queue *q, queue_setup *out);
/* QUEUE_OK when `id` is an enabled partner, else QUEUE_ENOPARTNER (message recorded). */
int q_partner_check(queue *q, const char *id);

/* ---- tickets.c -------------------------------------------------------------------------- */

/* Numbers, inserts and describes a new ticket; must run inside q_begin(). */
int q_issue_locked(queue *q, int64_t now, char service, queue_public pub, bool priority,
                   bool appointment, int64_t appt_at, int target_counter, const char *actor,
                   const char *event_kind, queue_issued *out);

/* Test hook: the raw connection of a handle (engine tests only). */
sqlite3 *queue_test_db(queue *q);

/* ---- stored enum values ------------------------------------------------------------------------
 * The database stores queue_state, queue_outcome, queue_counter_state and queue_public as integers:
 * their values are part of the file format, as binding as the schema. Each is written once here;
 * SQL names it (SQLV_WAITING, never "state = 0") and the asserts stop a renumbering of queue.h at
 * build time. A new value is appended, never inserted; a value is never reused. */
#define QDB_WAITING 0
#define QDB_CALLED 1
#define QDB_SERVING 2
#define QDB_DONE 3
#define QDB_NO_SHOW 4
#define QDB_CANCELLED 5
#define QDB_EXPIRED 6
#define QDB_OUTCOME_NONE 0
#define QDB_SERVED 1
#define QDB_REDIRECTED 2
#define QDB_ONLINE_HELP 3
#define QDB_APPOINTMENT 4
#define QDB_COUNTER_CLOSED 0
#define QDB_COUNTER_OPEN 1
#define QDB_COUNTER_PAUSED 2
#define QDB_PUBLIC_UNSPECIFIED 0
#define QDB_PUBLIC_PARTICULIER 1
#define QDB_PUBLIC_ENTREPRISE 2
#define QDB_PUBLIC_ASSOCIATION 3
#define QDB_PUBLIC_COLLECTIVITE 4

#define QDB_PINNED(constant, stored) \
    _Static_assert((int)(constant) == (stored), #constant " is stored in the database: never renumber it")
QDB_PINNED(QUEUE_WAITING, QDB_WAITING);
QDB_PINNED(QUEUE_CALLED, QDB_CALLED);
QDB_PINNED(QUEUE_SERVING, QDB_SERVING);
QDB_PINNED(QUEUE_DONE, QDB_DONE);
QDB_PINNED(QUEUE_NO_SHOW, QDB_NO_SHOW);
QDB_PINNED(QUEUE_CANCELLED, QDB_CANCELLED);
QDB_PINNED(QUEUE_EXPIRED, QDB_EXPIRED);
QDB_PINNED(QUEUE_OUTCOME_NONE, QDB_OUTCOME_NONE);
QDB_PINNED(QUEUE_OUTCOME_SERVED, QDB_SERVED);
QDB_PINNED(QUEUE_OUTCOME_REDIRECTED, QDB_REDIRECTED);
QDB_PINNED(QUEUE_OUTCOME_ONLINE_HELP, QDB_ONLINE_HELP);
QDB_PINNED(QUEUE_OUTCOME_APPOINTMENT, QDB_APPOINTMENT);
QDB_PINNED(QUEUE_COUNTER_CLOSED, QDB_COUNTER_CLOSED);
QDB_PINNED(QUEUE_COUNTER_OPEN, QDB_COUNTER_OPEN);
QDB_PINNED(QUEUE_COUNTER_PAUSED, QDB_COUNTER_PAUSED);
QDB_PINNED(QUEUE_PUBLIC_UNSPECIFIED, QDB_PUBLIC_UNSPECIFIED);
QDB_PINNED(QUEUE_PUBLIC_PARTICULIER, QDB_PUBLIC_PARTICULIER);
QDB_PINNED(QUEUE_PUBLIC_ENTREPRISE, QDB_PUBLIC_ENTREPRISE);
QDB_PINNED(QUEUE_PUBLIC_ASSOCIATION, QDB_PUBLIC_ASSOCIATION);
QDB_PINNED(QUEUE_PUBLIC_COLLECTIVITE, QDB_PUBLIC_COLLECTIVITE);

/* The same values as SQL literals, for statements built at compile time. */
#define QDB_SQL_(n) #n
#define QDB_SQL(n) QDB_SQL_(n)
#define SQLV_WAITING QDB_SQL(QDB_WAITING)
#define SQLV_CALLED QDB_SQL(QDB_CALLED)
#define SQLV_SERVING QDB_SQL(QDB_SERVING)
#define SQLV_DONE QDB_SQL(QDB_DONE)
#define SQLV_NO_SHOW QDB_SQL(QDB_NO_SHOW)
#define SQLV_CANCELLED QDB_SQL(QDB_CANCELLED)
#define SQLV_EXPIRED QDB_SQL(QDB_EXPIRED)
#define SQLV_SERVED QDB_SQL(QDB_SERVED)
#define SQLV_REDIRECTED QDB_SQL(QDB_REDIRECTED)
#define SQLV_COUNTER_CLOSED QDB_SQL(QDB_COUNTER_CLOSED)
#define SQLV_COUNTER_OPEN QDB_SQL(QDB_COUNTER_OPEN)
/* Not finished yet: waiting, called or being served. */
#define SQLV_LIVE SQLV_WAITING ", " SQLV_CALLED ", " SQLV_SERVING

#endif
