/* Event log: one append-only row per operation (triggers refuse UPDATE and DELETE).
 *
 * Each row that changes an aggregate bucket also records that bucket's key (local day and hour
 * of issue, service at issue, public type). A bucket's revision is then simply the largest
 * event id that touched it: it strictly increases whenever the bucket changes, costs no extra
 * write, and "buckets changed since revision R" are the distinct keys of events with id > R. */
#include "queue_internal.h"

#include <string.h>

static const char SQL_EVENT_ADD[] =
    "INSERT INTO event(at, kind, actor, ticket_id, label, service, counter_id,"
    " b_day, b_hour, b_service, b_public) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_EVENTS_SINCE[] =
    "SELECT id, at, kind, actor, ticket_id, label, service, counter_id FROM event"
    " WHERE id > ? ORDER BY id LIMIT ?";

static int add(queue *q, int64_t now, const char *kind, const char *actor, int64_t ticket_id,
               const char *label, char service, int counter_id, const char *b_day, int b_hour,
               char b_service, int b_public)
{
    Q_STMT(q, s, SQL_EVENT_ADD);
    char svc[2] = {service, '\0'}, bsvc[2] = {b_service, '\0'};
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, actor && *actor ? actor : "system", -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, ticket_id);
    sqlite3_bind_text(s, 5, label ? label : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, svc, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 7, counter_id);
    if (b_day) {
        sqlite3_bind_text(s, 8, b_day, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 9, b_hour);
        sqlite3_bind_text(s, 10, bsvc, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(s, 11, b_public);
    }
    return q_exec_stmt(q, s, "append event");
}

int q_event(queue *q, int64_t now, const char *kind, const char *actor, const q_ticket *t,
            char service, int counter_id, bool touches_bucket)
{
    if (!t)
        return add(q, now, kind, actor, 0, NULL, service, counter_id, NULL, 0, 0, 0);
    return add(q, now, kind, actor, t->t.id, t->t.label, service ? service : t->t.service,
               counter_id, touches_bucket ? t->t.day : NULL, t->hour, t->issue_service,
               t->t.public_type);
}

int q_event_unticketed(queue *q, int64_t now, const char *kind, const char *actor, const q_local *lt,
                       char service, int counter_id)
{
    return add(q, now, kind, actor, 0, NULL, service, counter_id, lt->day, lt->hour, service,
               QUEUE_PUBLIC_UNSPECIFIED);
}

int queue_events_since(queue *q, int64_t after_id, int limit, queue_event_fn fn, void *ctx)
{
    if (!fn || limit < 0)
        return q_fail(q, QUEUE_EINVAL, "events_since: no callback or negative limit");
    Q_STMT(q, s, SQL_EVENTS_SINCE);
    sqlite3_bind_int64(s, 1, after_id);
    sqlite3_bind_int64(s, 2, limit ? limit : -1);
    int rc, err = QUEUE_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        queue_event e;
        memset(&e, 0, sizeof e);
        e.id = sqlite3_column_int64(s, 0);
        e.at = sqlite3_column_int64(s, 1);
        q_copy(e.kind, sizeof e.kind, (const char *)sqlite3_column_text(s, 2));
        q_copy(e.actor, sizeof e.actor, (const char *)sqlite3_column_text(s, 3));
        e.ticket_id = sqlite3_column_int64(s, 4);
        q_copy(e.label, sizeof e.label, (const char *)sqlite3_column_text(s, 5));
        const unsigned char *svc = sqlite3_column_text(s, 6);
        e.service = svc ? (char)svc[0] : 0;
        e.counter_id = sqlite3_column_int(s, 7);
        if (fn(&e, ctx))
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        err = q_sqlfail(q, rc, "read events");
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return err;
}
