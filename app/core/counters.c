/* Counters: open/pause/close, and the life of the ticket a counter holds (call next, recall,
 * start, finish, no-show, transfer).
 *
 * Call order among the waiting tickets of the local day whose current service the counter
 * serves and that are not reserved for another counter:
 *   1. checked-in appointments whose time has come (earliest appointment first),
 *   2. priority tickets,
 *   3. everybody else, including appointments checked in early (their time has not come yet);
 * within a class by arrival (issued_at, kept across transfers), then by id (issue order).
 * The partial index ticket_waiting (forced: without ANALYZE data the planner would rather scan
 * the whole day) keeps this to the few waiting rows of the day. */
#include "queue_internal.h"

#include <stdio.h>
#include <string.h>

typedef struct q_counter {
    int id;
    char name[QUEUE_LABEL_MAX];
    char services[QUEUE_MAX_SERVICES + 1];
    queue_counter_state state;
    int64_t current, last;
} q_counter;

static const char SQL_CTR_GET[] =
    "SELECT id, name, services, state, current_ticket, last_ticket FROM counter"
    " WHERE id = ? AND enabled = 1";
static const char SQL_CTR_STATE[] = "UPDATE counter SET state = ? WHERE id = ?";
static const char SQL_CTR_HOLD[] =
    "UPDATE counter SET current_ticket = ?1, last_ticket = ?1 WHERE id = ?2";
static const char SQL_CTR_FREE[] = "UPDATE counter SET current_ticket = NULL WHERE id = ?";
static const char SQL_NEXT[] =
    "SELECT " TICKET_COLS " FROM ticket INDEXED BY ticket_waiting"
    " WHERE state = " SQLV_WAITING " AND day = ?1 AND instr(?2, service) > 0"
    "   AND (target_counter = 0 OR target_counter = ?3)"
    " ORDER BY CASE WHEN appointment = 1 AND appt_at <= ?4 THEN 0"
    "               WHEN priority = 1 THEN 1 ELSE 2 END,"
    "          CASE WHEN appointment = 1 AND appt_at <= ?4 THEN appt_at ELSE 0 END,"
    "          issued_at, id"
    " LIMIT 1";
static const char SQL_CALL[] =
    "UPDATE ticket SET state = " SQLV_CALLED ", counter_id = ?1, called_at = ?2, started_at = 0, recalls = 0,"
    " wait_s = COALESCE(wait_s, max(0, ?2 - issued_at)) WHERE id = ?3";
static const char SQL_RECALL[] = "UPDATE ticket SET recalls = recalls + 1 WHERE id = ?";
static const char SQL_START[] = "UPDATE ticket SET state = " SQLV_SERVING ", started_at = ? WHERE id = ?";
/* Service time adds up over the counters a transferred ticket went through. Every duration is
 * counted as 0 when the wall clock jumped back in between: a negative one would make the hour's
 * bucket invalid, which the uploader never sends, so HQ would keep that hour's older totals. */
static const char SQL_FINISH[] =
    "UPDATE ticket SET state = ?1, outcome = ?2, finished_at = ?3, partner = ?5,"
    " service_s = service_s + max(0, ?3 - CASE WHEN started_at > 0 THEN started_at ELSE called_at END)"
    " WHERE id = ?4";
static const char SQL_NO_SHOW[] =
    "UPDATE ticket SET state = " SQLV_NO_SHOW ", finished_at = ? WHERE id = ?";
static const char SQL_TRANSFER[] =
    "UPDATE ticket SET state = " SQLV_WAITING ", service = ?1, target_counter = ?2, counter_id = 0,"
    " transferred = 1, recalls = 0, called_at = 0, started_at = 0,"
    " service_s = service_s + CASE WHEN state = " SQLV_SERVING " THEN max(0, ?3 - started_at) ELSE 0 END"
    " WHERE id = ?4";

/* Logs what a counter did: the actor is the counter itself. */
static int counter_event(queue *q, int64_t now, const char *kind, int counter_id, const q_ticket *t,
                         char service, bool bucket)
{
    char actor[24];
    snprintf(actor, sizeof actor, "counter:%d", counter_id);
    return q_event(q, now, kind, actor, t, service, counter_id, bucket);
}

static int counter_load(queue *q, int id, q_counter *c)
{
    Q_STMT(q, s, SQL_CTR_GET);
    sqlite3_bind_int(s, 1, id);
    int rc = sqlite3_step(s);
    int err = QUEUE_OK;
    if (rc == SQLITE_ROW) {
        memset(c, 0, sizeof *c);
        c->id = sqlite3_column_int(s, 0);
        q_copy(c->name, sizeof c->name, (const char *)sqlite3_column_text(s, 1));
        q_copy(c->services, sizeof c->services, (const char *)sqlite3_column_text(s, 2));
        c->state = (queue_counter_state)sqlite3_column_int(s, 3);
        c->current = sqlite3_column_int64(s, 4);
        c->last = sqlite3_column_int64(s, 5);
    } else if (rc == SQLITE_DONE) {
        err = q_fail(q, QUEUE_ENOCOUNTER, "unknown counter %d", id);
    } else {
        err = q_sqlfail(q, rc, "read counter");
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return err;
}

static int set_current(queue *q, int counter_id, int64_t ticket_id)
{
    if (ticket_id == 0) {
        Q_STMT(q, s, SQL_CTR_FREE);
        sqlite3_bind_int(s, 1, counter_id);
        return q_exec_stmt(q, s, "free counter");
    }
    Q_STMT(q, s, SQL_CTR_HOLD);
    sqlite3_bind_int64(s, 1, ticket_id);
    sqlite3_bind_int(s, 2, counter_id);
    return q_exec_stmt(q, s, "hold ticket");
}

/* The counter and the ticket it holds. `ending` (finish, no-show): with nothing held but a
 * last ticket already closed, the call is a repeat and reported as such (QUEUE_ESTATE). */
static int held(queue *q, int counter_id, bool ending, q_counter *c, q_ticket *t)
{
    int err = counter_load(q, counter_id, c);
    if (err)
        return err;
    if (c->current == 0) {
        if (ending && c->last && q_ticket_load(q, c->last, t) == QUEUE_OK &&
            t->t.state >= QUEUE_DONE)
            return q_fail(q, QUEUE_ESTATE, "counter %d: ticket %s is already %s", counter_id,
                          t->t.label, queue_state_name(t->t.state));
        return q_fail(q, QUEUE_ENOTICKET, "counter %d has no current ticket", counter_id);
    }
    return q_ticket_load(q, c->current, t);
}

static int exec_id2(queue *q, const char *sql, int64_t a, int64_t id, const char *what)
{
    Q_STMT(q, s, sql);
    sqlite3_bind_int64(s, 1, a);
    sqlite3_bind_int64(s, 2, id);
    return q_exec_stmt(q, s, what);
}

/* ---- counter state ------------------------------------------------------------------------- */

static int set_state(queue *q, int64_t now, int counter_id, queue_counter_state st)
{
    static const char *const kinds[] = {"counter_close", "counter_open", "counter_pause"};
    q_counter c;
    int err = counter_load(q, counter_id, &c);
    if (err)
        return err;
    if (st == QUEUE_COUNTER_CLOSED && c.current)
        return q_fail(q, QUEUE_ESTATE, "counter %d still holds a ticket: finish or transfer it"
                      " before closing", counter_id);
    if ((err = exec_id2(q, SQL_CTR_STATE, st, counter_id, "set counter state")))
        return err;
    return counter_event(q, now, kinds[st], counter_id, NULL, 0, false);
}

static int with_state(queue *q, int64_t now, int counter_id, queue_counter_state st)
{
    int err = q_begin(q);
    if (err)
        return err;
    return q_end(q, set_state(q, now, counter_id, st));
}

int queue_counter_open(queue *q, int64_t now, int counter_id)
{
    return with_state(q, now, counter_id, QUEUE_COUNTER_OPEN);
}

int queue_counter_pause(queue *q, int64_t now, int counter_id)
{
    return with_state(q, now, counter_id, QUEUE_COUNTER_PAUSED);
}

int queue_counter_close(queue *q, int64_t now, int counter_id)
{
    return with_state(q, now, counter_id, QUEUE_COUNTER_CLOSED);
}

int queue_counter_get(queue *q, int counter_id, queue_counter_status *out)
{
    q_counter c;
    int err = counter_load(q, counter_id, &c);
    if (err || !out)
        return err;
    memset(out, 0, sizeof *out);
    out->id = c.id;
    memcpy(out->name, c.name, sizeof out->name);
    memcpy(out->services, c.services, sizeof out->services);
    out->state = c.state;
    out->current_ticket = c.current;
    return QUEUE_OK;
}

/* ---- the held ticket ----------------------------------------------------------------------- */

static int call_next(queue *q, int64_t now, int counter_id, queue_ticket *out)
{
    q_counter c;
    int err = counter_load(q, counter_id, &c);
    if (err)
        return err;
    if (c.state != QUEUE_COUNTER_OPEN)
        return q_fail(q, QUEUE_ESTATE, "counter %d is %s", counter_id,
                      c.state == QUEUE_COUNTER_PAUSED ? "paused" : "closed");
    if (c.current)
        return q_fail(q, QUEUE_ESTATE, "counter %d still holds a ticket: finish, no-show or"
                      " transfer it first", counter_id);
    q_local lt;
    q_localtime(now, &lt);
    Q_STMT(q, s, SQL_NEXT);
    sqlite3_bind_text(s, 1, lt.day, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, c.services, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 3, counter_id);
    sqlite3_bind_int64(s, 4, now);
    q_ticket t;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        q_ticket_read(s, 0, &t);
    else if (rc == SQLITE_DONE)
        err = q_fail(q, QUEUE_EEMPTY, "nobody waiting for counter %d", counter_id);
    else
        err = q_sqlfail(q, rc, "find next ticket");
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (err)
        return err;
    Q_STMT(q, u, SQL_CALL);
    sqlite3_bind_int(u, 1, counter_id);
    sqlite3_bind_int64(u, 2, now);
    sqlite3_bind_int64(u, 3, t.t.id);
    if ((err = q_exec_stmt(q, u, "call ticket")) || (err = set_current(q, counter_id, t.t.id)) ||
        (err = q_ticket_load(q, t.t.id, &t)))
        return err;
    if ((err = counter_event(q, now, "call", counter_id, &t, 0, true)))
        return err;
    if (out)
        *out = t.t;
    return QUEUE_OK;
}

int queue_call_next(queue *q, int64_t now, int counter_id, queue_ticket *out)
{
    int err = q_begin(q);
    if (err)
        return err;
    return q_end(q, call_next(q, now, counter_id, out));
}

static int recall(queue *q, int64_t now, int counter_id, queue_ticket *out)
{
    q_counter c;
    q_ticket t;
    int err = held(q, counter_id, false, &c, &t);
    if (err)
        return err;
    if (t.t.state != QUEUE_CALLED)
        return q_fail(q, QUEUE_ESTATE, "ticket %s is %s: only a called ticket is recalled",
                      t.t.label, queue_state_name(t.t.state));
    Q_STMT(q, s, SQL_RECALL);
    sqlite3_bind_int64(s, 1, t.t.id);
    if ((err = q_exec_stmt(q, s, "recall")) || (err = q_ticket_load(q, t.t.id, &t)))
        return err;
    if ((err = counter_event(q, now, "recall", counter_id, &t, 0, false)))
        return err;
    if (out)
        *out = t.t;
    return QUEUE_OK;
}

int queue_recall(queue *q, int64_t now, int counter_id, queue_ticket *out)
{
    int err = q_begin(q);
    if (err)
        return err;
    return q_end(q, recall(q, now, counter_id, out));
}

static int start(queue *q, int64_t now, int counter_id)
{
    q_counter c;
    q_ticket t;
    int err = held(q, counter_id, false, &c, &t);
    if (err)
        return err;
    if (t.t.state != QUEUE_CALLED)
        return q_fail(q, QUEUE_ESTATE, "ticket %s is %s: only a called ticket can start",
                      t.t.label, queue_state_name(t.t.state));
    if ((err = exec_id2(q, SQL_START, now, t.t.id, "start")))
        return err;
    return counter_event(q, now, "start", counter_id, &t, 0, false);
}

int queue_start(queue *q, int64_t now, int counter_id)
{
    int err = q_begin(q);
    if (err)
        return err;
    return q_end(q, start(q, now, counter_id));
}

static int finish(queue *q, int64_t now, int counter_id, queue_outcome outcome, const char *partner)
{
    if (!contract_outcome_word((int)outcome))
        return q_fail(q, QUEUE_EINVAL, "finish: outcome %d is not one of the contract's", (int)outcome);
    bool named = partner && partner[0];
    if (named && outcome != QUEUE_OUTCOME_REDIRECTED)
        return q_fail(q, QUEUE_EINVAL, "finish: a partner goes with the outcome \"partner\" only");
    int err;
    if (named && (err = q_partner_check(q, partner)))
        return err;
    q_counter c;
    q_ticket t;
    if ((err = held(q, counter_id, true, &c, &t)))
        return err;
    Q_STMT(q, s, SQL_FINISH);
    sqlite3_bind_int(s, 1, QUEUE_DONE);
    sqlite3_bind_int(s, 2, outcome);
    sqlite3_bind_int64(s, 3, now);
    sqlite3_bind_int64(s, 4, t.t.id);
    sqlite3_bind_text(s, 5, named ? partner : "", -1, SQLITE_STATIC);
    if ((err = q_exec_stmt(q, s, "finish")) || (err = set_current(q, counter_id, 0)))
        return err;
    return counter_event(q, now, "finish", counter_id, &t, 0, true);
}

int queue_finish_to(queue *q, int64_t now, int counter_id, queue_outcome outcome, const char *partner)
{
    int err = q_begin(q);
    if (err)
        return err;
    return q_end(q, finish(q, now, counter_id, outcome, partner));
}

int queue_finish(queue *q, int64_t now, int counter_id, queue_outcome outcome)
{
    return queue_finish_to(q, now, counter_id, outcome, NULL);
}

static int no_show(queue *q, int64_t now, int counter_id)
{
    q_counter c;
    q_ticket t;
    int err = held(q, counter_id, true, &c, &t);
    if (err)
        return err;
    if (t.t.state != QUEUE_CALLED)
        return q_fail(q, QUEUE_ESTATE, "ticket %s is %s: only a called ticket can be a no-show",
                      t.t.label, queue_state_name(t.t.state));
    if (t.t.recalls < q->opts.recalls_before_no_show)
        return q_fail(q, QUEUE_ERECALLS, "ticket %s: recalled %d time(s), %d needed before a"
                      " no-show", t.t.label, t.t.recalls, q->opts.recalls_before_no_show);
    if ((err = exec_id2(q, SQL_NO_SHOW, now, t.t.id, "no-show")) ||
        (err = set_current(q, counter_id, 0)))
        return err;
    return counter_event(q, now, "no_show", counter_id, &t, 0, true);
}

int queue_no_show(queue *q, int64_t now, int counter_id)
{
    int err = q_begin(q);
    if (err)
        return err;
    return q_end(q, no_show(q, now, counter_id));
}

static int transfer(queue *q, int64_t now, int counter_id, char to_service, int to_counter)
{
    if (!to_service && !to_counter)
        return q_fail(q, QUEUE_EINVAL, "transfer: give a service, a counter or both");
    if (to_counter < 0)
        return q_fail(q, QUEUE_ENOCOUNTER, "unknown counter %d", to_counter);
    q_counter c;
    q_ticket t;
    int err = held(q, counter_id, false, &c, &t);
    if (err)
        return err;
    char service = to_service ? to_service : t.t.service;
    if (to_service && (err = q_service_check(q, to_service, true)))
        return err;
    if (to_counter) {
        q_counter target;
        if ((err = counter_load(q, to_counter, &target)))
            return err;
        if (!strchr(target.services, service))
            return q_fail(q, QUEUE_ENOTSERVED, "counter %d does not serve service %c",
                          to_counter, service);
    }
    Q_STMT(q, s, SQL_TRANSFER);
    char l[2] = {service, '\0'};
    sqlite3_bind_text(s, 1, l, 1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, to_counter);
    sqlite3_bind_int64(s, 3, now);
    sqlite3_bind_int64(s, 4, t.t.id);
    if ((err = q_exec_stmt(q, s, "transfer")) || (err = set_current(q, counter_id, 0)))
        return err;
    return counter_event(q, now, "transfer", counter_id, &t, service, true);
}

int queue_transfer(queue *q, int64_t now, int counter_id, char to_service, int to_counter)
{
    int err = q_begin(q);
    if (err)
        return err;
    return q_end(q, transfer(q, now, counter_id, to_service, to_counter));
}
