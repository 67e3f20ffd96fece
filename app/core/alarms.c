/* Safety alarms (include/borne/queue_alarm.h): tables alarm and alarm_ack, and their rows in the
 * append-only event log (event.alarm_id names the alarm).
 *
 * Every change bumps the alarm's revision, a per-database counter shared by all alarms (the
 * largest revision + 1), so "not yet relayed" is simply revision > relayed_revision, and a
 * relayed copy that brings nothing new (an acknowledgement already known) bumps nothing. */
#include "queue_internal.h"
#include "borne/queue_alarm.h"

#include <string.h>

_Static_assert(QUEUE_ALARM_ACK_SEEN == 1 && QUEUE_ALARM_ACK_CALLING == 2 &&
                   QUEUE_ALARM_ACK_COMING == 3,
               "stored in alarm_ack.kind and named in table alarm_ack_kind");
_Static_assert(QUEUE_ALARM_RELAY_PENDING == 0 && QUEUE_ALARM_RELAY_SENT == 1 &&
                   QUEUE_ALARM_RELAY_UNREACHABLE == 2 && QUEUE_ALARM_RELAY_LOCAL_ONLY == 3,
               "stored in alarm.relay and named in table alarm_relay_state");

/* Schema step (store.c's migration list points here; never edit it once shipped). */
const char q_alarm_schema[] =
    "ALTER TABLE event ADD COLUMN alarm_id INTEGER;"
    "CREATE TABLE alarm_ack_kind(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
    "INSERT INTO alarm_ack_kind VALUES(1, 'vu'), (2, 'appelle'), (3, 'arrive');"
    "CREATE TABLE alarm_relay_state(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
    "INSERT INTO alarm_relay_state VALUES(0, 'pending'), (1, 'sent'), (2, 'unreachable'),"
    "  (3, 'local_only');"
    "CREATE TABLE alarm(id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE,"
    "  antenne TEXT NOT NULL, antenne_name TEXT NOT NULL,"
    "  counter_id INTEGER NOT NULL CHECK(counter_id >= 1), desk TEXT NOT NULL,"
    "  raised_at INTEGER NOT NULL, test INTEGER NOT NULL CHECK(test IN (0, 1)),"
    "  remote INTEGER NOT NULL CHECK(remote IN (0, 1)),"
    "  cleared_at INTEGER NOT NULL DEFAULT 0, cleared_by TEXT NOT NULL DEFAULT '',"
    "  clear_reason TEXT NOT NULL DEFAULT '',"
    "  escalations INTEGER NOT NULL DEFAULT 0, escalated_at INTEGER NOT NULL DEFAULT 0,"
    "  relay INTEGER NOT NULL DEFAULT 0 REFERENCES alarm_relay_state(id),"
    "  revision INTEGER NOT NULL, relayed_revision INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX alarm_shown ON alarm(cleared_at, raised_at);"
    "CREATE INDEX alarm_unrelayed ON alarm(id) WHERE revision > relayed_revision;"
    "CREATE TABLE alarm_ack(id INTEGER PRIMARY KEY,"
    "  alarm_id INTEGER NOT NULL REFERENCES alarm(id),"
    "  kind INTEGER NOT NULL REFERENCES alarm_ack_kind(id), at INTEGER NOT NULL,"
    "  who TEXT NOT NULL, antenne TEXT NOT NULL, UNIQUE(alarm_id, who, antenne, kind));";

static const char *const ack_names[] = {"", "vu", "appelle", "arrive"};
static const char *const relay_names[] = {"pending", "sent", "unreachable", "local_only"};

const char *queue_alarm_ack_name(queue_alarm_ack_kind k)
{
    return k >= QUEUE_ALARM_ACK_SEEN && k <= QUEUE_ALARM_ACK_COMING ? ack_names[k] : "";
}

int queue_alarm_ack_from_name(const char *name)
{
    for (int k = QUEUE_ALARM_ACK_SEEN; name && k <= QUEUE_ALARM_ACK_COMING; k++)
        if (strcmp(name, ack_names[k]) == 0)
            return k;
    return -1;
}

const char *queue_alarm_relay_name(queue_alarm_relay r)
{
    return (unsigned)r < sizeof relay_names / sizeof relay_names[0] ? relay_names[r] : "";
}

/* ---- writing ---------------------------------------------------------------------------- */

static const char SQL_ALARM_EVENT[] =
    "INSERT INTO event(at, kind, actor, ticket_id, label, service, counter_id, alarm_id)"
    " VALUES(?, ?, ?, 0, '', '', ?, ?)";
static const char SQL_NEXT_REV[] = "SELECT coalesce(max(revision), 0) + 1 FROM alarm";
static const char SQL_BUMP[] = "UPDATE alarm SET revision = ? WHERE id = ?";
static const char SQL_INSERT[] =
    "INSERT INTO alarm(uid, antenne, antenne_name, counter_id, desk, raised_at, test, remote,"
    " revision) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_FIND[] = "SELECT id FROM alarm WHERE uid = ?";
static const char SQL_LIVE[] = "SELECT cleared_at FROM alarm WHERE id = ?";
static const char SQL_ACK_ADD[] =
    "INSERT OR IGNORE INTO alarm_ack(alarm_id, kind, at, who, antenne) VALUES(?, ?, ?, ?, ?)";
static const char SQL_CLEAR[] =
    "UPDATE alarm SET cleared_at = ?, cleared_by = ?, clear_reason = ? WHERE id = ?"
    " AND cleared_at = 0";
static const char SQL_ESCALATED[] =
    "UPDATE alarm SET escalations = escalations + 1, escalated_at = ? WHERE id = ?";
static const char SQL_RELAY_GET[] = "SELECT relay FROM alarm WHERE id = ?";
static const char SQL_RELAY_SET[] =
    "UPDATE alarm SET relay = ?, relayed_revision = max(relayed_revision, ?) WHERE id = ?";
static const char SQL_COUNTER_EXISTS[] = "SELECT count(*) FROM counter WHERE id = ?";

static int log_event(queue *q, int64_t now, const char *kind, const char *actor, int counter_id,
                     int64_t alarm_id)
{
    Q_STMT(q, s, SQL_ALARM_EVENT);
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, actor && *actor ? actor : "system", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 4, counter_id);
    sqlite3_bind_int64(s, 5, alarm_id);
    return q_exec_stmt(q, s, "append alarm event");
}

static int bump(queue *q, int64_t id)
{
    Q_STMT(q, next, SQL_NEXT_REV);
    int64_t rev = 0;
    int err = q_scalar(q, next, &rev, "next alarm revision");
    if (err)
        return err;
    Q_STMT(q, s, SQL_BUMP);
    sqlite3_bind_int64(s, 1, rev);
    sqlite3_bind_int64(s, 2, id);
    return q_exec_stmt(q, s, "alarm revision");
}

static int find_locked(queue *q, const char *uid, int64_t *id)
{
    Q_STMT(q, s, SQL_FIND);
    sqlite3_bind_text(s, 1, uid, -1, SQLITE_TRANSIENT);
    int err = q_scalar(q, s, id, "find alarm");
    if (!err && !*id)
        return q_fail(q, QUEUE_ENOTICKET, "no alarm %s", uid);
    return err;
}

/* The alarm's cleared_at, or QUEUE_ENOTICKET. */
static int live_locked(queue *q, int64_t id, int64_t *cleared_at)
{
    Q_STMT(q, s, SQL_LIVE);
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    int err = QUEUE_OK;
    if (rc == SQLITE_ROW)
        *cleared_at = sqlite3_column_int64(s, 0);
    else if (rc == SQLITE_DONE)
        err = q_fail(q, QUEUE_ENOTICKET, "no alarm with id %lld", (long long)id);
    else
        err = q_sqlfail(q, rc, "read alarm");
    sqlite3_reset(s);
    return err;
}

static bool uid_ok(const char *uid)
{
    size_t n = uid ? strlen(uid) : 0;
    if (n == 0 || n >= QUEUE_ALARM_UID_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = uid[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == ':' || c == '-'))
            return false;
    }
    return true;
}

static bool text_ok(const char *s, size_t max)
{
    return s && strlen(s) < max;
}

int queue_alarm_raise(queue *q, int64_t now, const queue_alarm_raise_req *r, int64_t *id,
                      bool *created)
{
    *id = 0;
    *created = false;
    if (!uid_ok(r->uid))
        return q_fail(q, QUEUE_EINVAL, "alarm id: 1 to %d characters [A-Za-z0-9._:-]",
                      QUEUE_ALARM_UID_MAX - 1);
    if (!text_ok(r->antenne, 32) || !r->antenne[0] || !text_ok(r->antenne_name, QUEUE_ALARM_NAME_MAX) ||
        !text_ok(r->desk, QUEUE_ALARM_NAME_MAX) || r->counter_id < 1)
        return q_fail(q, QUEUE_EINVAL, "alarm: antenne, desk or counter missing or too long");
    int err = q_begin(q);
    if (err)
        return err;
    err = find_locked(q, r->uid, id);
    if (err == QUEUE_OK)
        return q_end(q, QUEUE_OK);   /* already known: a replay or a relayed copy */
    if (err != QUEUE_ENOTICKET)
        return q_end(q, err);
    err = QUEUE_OK;
    if (!r->remote) {
        sqlite3_stmt *c = q_stmt(q, SQL_COUNTER_EXISTS);
        int64_t n = 0;
        if (c)
            sqlite3_bind_int(c, 1, r->counter_id);
        err = c ? q_scalar(q, c, &n, "find counter") : q->stmt_err;
        if (!err && n == 0)
            err = q_fail(q, QUEUE_ENOCOUNTER, "no counter %d", r->counter_id);
    }
    int64_t rev = 0;
    if (!err) {
        sqlite3_stmt *next = q_stmt(q, SQL_NEXT_REV);
        err = next ? q_scalar(q, next, &rev, "next alarm revision") : q->stmt_err;
    }
    if (!err) {
        sqlite3_stmt *s = q_stmt(q, SQL_INSERT);
        if (!s)
            return q_end(q, q->stmt_err);
        sqlite3_bind_text(s, 1, r->uid, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, r->antenne, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 3, r->antenne_name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(s, 4, r->counter_id);
        sqlite3_bind_text(s, 5, r->desk, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 6, r->raised_at ? r->raised_at : now);
        sqlite3_bind_int(s, 7, r->test);
        sqlite3_bind_int(s, 8, r->remote);
        sqlite3_bind_int64(s, 9, rev);
        err = q_exec_stmt(q, s, "insert alarm");
    }
    if (!err) {
        *id = sqlite3_last_insert_rowid(q->db);
        err = log_event(q, now, "alarm_raise", r->actor, r->remote ? 0 : r->counter_id, *id);
    }
    err = q_end(q, err);
    if (err)
        *id = 0;
    else
        *created = true;
    return err;
}

int queue_alarm_find(queue *q, const char *uid, int64_t *id)
{
    *id = 0;
    if (!uid_ok(uid))
        return q_fail(q, QUEUE_ENOTICKET, "no such alarm");
    return find_locked(q, uid, id);
}

int queue_alarm_acknowledge(queue *q, int64_t now, int64_t id, queue_alarm_ack_kind kind,
                            const char *who, const char *antenne, int64_t at, const char *actor)
{
    if (!queue_alarm_ack_name(kind)[0] || !text_ok(who, QUEUE_ALARM_NAME_MAX) || !who[0] ||
        !text_ok(antenne, 32) || !antenne[0])
        return q_fail(q, QUEUE_EINVAL, "alarm acknowledgement: bad kind, name or antenne");
    int err = q_begin(q);
    if (err)
        return err;
    int64_t cleared = 0;
    if ((err = live_locked(q, id, &cleared)))
        return q_end(q, err);
    if (cleared)
        return q_end(q, q_fail(q, QUEUE_ESTATE, "alarm already cleared"));
    Q_STMT(q, s, SQL_ACK_ADD);
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int(s, 2, kind);
    sqlite3_bind_int64(s, 3, at ? at : now);
    sqlite3_bind_text(s, 4, who, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, antenne, -1, SQLITE_TRANSIENT);
    if ((err = q_exec_stmt(q, s, "acknowledge alarm")))
        return q_end(q, err);
    if (sqlite3_changes(q->db) == 0)
        return q_end(q, QUEUE_OK);   /* known already */
    err = bump(q, id);
    if (!err)
        err = log_event(q, now, "alarm_ack", actor, 0, id);
    return q_end(q, err);
}

int queue_alarm_clear(queue *q, int64_t now, int64_t id, const char *who, const char *reason,
                      int64_t at, const char *actor)
{
    if (!text_ok(who, QUEUE_ALARM_NAME_MAX) || !who[0] || !text_ok(reason, QUEUE_ALARM_REASON_MAX) ||
        !reason[0])
        return q_fail(q, QUEUE_EINVAL, "alarm clear: a name and a reason (at most %d bytes)",
                      QUEUE_ALARM_REASON_MAX - 1);
    int err = q_begin(q);
    if (err)
        return err;
    int64_t cleared = 0;
    if ((err = live_locked(q, id, &cleared)) || cleared)
        return q_end(q, err);
    Q_STMT(q, s, SQL_CLEAR);
    sqlite3_bind_int64(s, 1, at ? at : now);
    sqlite3_bind_text(s, 2, who, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, reason, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 4, id);
    err = q_exec_stmt(q, s, "clear alarm");
    if (!err)
        err = bump(q, id);
    if (!err)
        err = log_event(q, now, "alarm_clear", actor, 0, id);
    return q_end(q, err);
}

int queue_alarm_escalated(queue *q, int64_t now, int64_t id, int64_t slot_at)
{
    int err = q_begin(q);
    if (err)
        return err;
    int64_t cleared = 0;
    if ((err = live_locked(q, id, &cleared)))
        return q_end(q, err);
    Q_STMT(q, s, SQL_ESCALATED);
    sqlite3_bind_int64(s, 1, slot_at);
    sqlite3_bind_int64(s, 2, id);
    err = q_exec_stmt(q, s, "record escalation");
    if (!err)
        err = bump(q, id);
    if (!err)
        err = log_event(q, now, "alarm_escalate", "system", 0, id);
    return q_end(q, err);
}

int queue_alarm_set_relay(queue *q, int64_t now, int64_t id, queue_alarm_relay relay,
                          int64_t revision)
{
    if (!queue_alarm_relay_name(relay)[0])
        return q_fail(q, QUEUE_EINVAL, "alarm relay state %d", (int)relay);
    int err = q_begin(q);
    if (err)
        return err;
    Q_STMT(q, g, SQL_RELAY_GET);
    sqlite3_bind_int64(g, 1, id);
    int64_t before = -1;
    int rc = sqlite3_step(g);
    if (rc == SQLITE_ROW)
        before = sqlite3_column_int64(g, 0);
    else if (rc == SQLITE_DONE)
        err = q_fail(q, QUEUE_ENOTICKET, "no alarm with id %lld", (long long)id);
    else
        err = q_sqlfail(q, rc, "read alarm relay");
    sqlite3_reset(g);
    if (err)
        return q_end(q, err);
    Q_STMT(q, s, SQL_RELAY_SET);
    sqlite3_bind_int(s, 1, relay);
    /* Sent, or nowhere to send: nothing more to do for this revision. */
    bool settled = relay == QUEUE_ALARM_RELAY_SENT || relay == QUEUE_ALARM_RELAY_LOCAL_ONLY;
    sqlite3_bind_int64(s, 2, settled ? revision : 0);
    sqlite3_bind_int64(s, 3, id);
    err = q_exec_stmt(q, s, "record alarm relay");
    /* The desks show the change ("transmise au siège"): only a change is an event. */
    if (!err && before != relay)
        err = log_event(q, now, "alarm_relay", "system", 0, id);
    return q_end(q, err);
}

/* ---- reading ---------------------------------------------------------------------------- */

#define ALARM_COLS                                                                           \
    "id, uid, antenne, antenne_name, counter_id, desk, raised_at, test, remote, cleared_at,"  \
    " cleared_by, clear_reason, escalations, escalated_at, relay, revision, relayed_revision"

static const char SQL_GET[] = "SELECT " ALARM_COLS " FROM alarm WHERE id = ?";
static const char SQL_LIST[] =
    "SELECT " ALARM_COLS " FROM alarm WHERE cleared_at = 0 OR cleared_at >= ?"
    " ORDER BY raised_at DESC, id DESC";
static const char SQL_UNRELAYED[] =
    "SELECT " ALARM_COLS " FROM alarm WHERE revision > relayed_revision ORDER BY id";
static const char SQL_ACKS[] =
    "SELECT kind, at, who, antenne FROM alarm_ack WHERE alarm_id = ? ORDER BY at, id";

static void read_row(sqlite3_stmt *s, queue_alarm *a)
{
    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(s, 0);
    q_copy(a->uid, sizeof a->uid, (const char *)sqlite3_column_text(s, 1));
    q_copy(a->antenne, sizeof a->antenne, (const char *)sqlite3_column_text(s, 2));
    q_copy(a->antenne_name, sizeof a->antenne_name, (const char *)sqlite3_column_text(s, 3));
    a->counter_id = sqlite3_column_int(s, 4);
    q_copy(a->desk, sizeof a->desk, (const char *)sqlite3_column_text(s, 5));
    a->raised_at = sqlite3_column_int64(s, 6);
    a->test = sqlite3_column_int(s, 7) != 0;
    a->remote = sqlite3_column_int(s, 8) != 0;
    a->cleared_at = sqlite3_column_int64(s, 9);
    q_copy(a->cleared_by, sizeof a->cleared_by, (const char *)sqlite3_column_text(s, 10));
    q_copy(a->clear_reason, sizeof a->clear_reason, (const char *)sqlite3_column_text(s, 11));
    a->escalations = sqlite3_column_int(s, 12);
    a->escalated_at = sqlite3_column_int64(s, 13);
    a->relay = (queue_alarm_relay)sqlite3_column_int(s, 14);
    a->revision = sqlite3_column_int64(s, 15);
    a->relayed_revision = sqlite3_column_int64(s, 16);
}

static int read_acks(queue *q, queue_alarm *a)
{
    Q_STMT(q, s, SQL_ACKS);
    sqlite3_bind_int64(s, 1, a->id);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (a->n_acks < QUEUE_ALARM_ACKS_MAX) {
            queue_alarm_ack *k = &a->acks[a->n_acks];
            k->kind = (queue_alarm_ack_kind)sqlite3_column_int(s, 0);
            k->at = sqlite3_column_int64(s, 1);
            q_copy(k->who, sizeof k->who, (const char *)sqlite3_column_text(s, 2));
            q_copy(k->antenne, sizeof k->antenne, (const char *)sqlite3_column_text(s, 3));
        }
        a->n_acks++;
    }
    int err = rc == SQLITE_DONE ? QUEUE_OK : q_sqlfail(q, rc, "read alarm acknowledgements");
    sqlite3_reset(s);
    if (a->n_acks > QUEUE_ALARM_ACKS_MAX)
        a->n_acks = QUEUE_ALARM_ACKS_MAX;
    return err;
}

int queue_alarm_get(queue *q, int64_t id, queue_alarm *out)
{
    Q_STMT(q, s, SQL_GET);
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    int err = QUEUE_OK;
    if (rc == SQLITE_ROW)
        read_row(s, out);
    else if (rc == SQLITE_DONE)
        err = q_fail(q, QUEUE_ENOTICKET, "no alarm with id %lld", (long long)id);
    else
        err = q_sqlfail(q, rc, "read alarm");
    sqlite3_reset(s);
    return err ? err : read_acks(q, out);
}

/* Rows are read whole first: the acknowledgements need another statement, and a statement left
 * stepping would keep a read snapshot open while the callback runs. */
#define LIST_MAX 64

static int walk(queue *q, sqlite3_stmt *s, queue_alarm_fn fn, void *ctx)
{
    int64_t ids[LIST_MAX];
    int n = 0, rc;
    while (n < LIST_MAX && (rc = sqlite3_step(s)) == SQLITE_ROW)
        ids[n++] = sqlite3_column_int64(s, 0);
    int err = n == LIST_MAX || rc == SQLITE_DONE ? QUEUE_OK : q_sqlfail(q, rc, "list alarms");
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    queue_alarm a;
    for (int i = 0; !err && i < n; i++) {
        if ((err = queue_alarm_get(q, ids[i], &a)))
            break;
        if (fn(&a, ctx))
            break;
    }
    return err;
}

int queue_alarm_list(queue *q, int64_t now, int64_t recent_s, queue_alarm_fn fn, void *ctx)
{
    Q_STMT(q, s, SQL_LIST);
    sqlite3_bind_int64(s, 1, now - recent_s);
    return walk(q, s, fn, ctx);
}

int queue_alarm_list_unrelayed(queue *q, queue_alarm_fn fn, void *ctx)
{
    Q_STMT(q, s, SQL_UNRELAYED);
    return walk(q, s, fn, ctx);
}
