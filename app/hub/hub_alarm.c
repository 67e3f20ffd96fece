/* Safety alarms on the LAN API (see include/borne/queue_alarm.h and assets/web/openapi.yaml).
 *
 *   POST /api/v1/counters/{id}/alarm   raise, with that desk's token only; {"test": true} checks
 *                                      the chain. With an Idempotency-Key a replay answers the
 *                                      first alarm again instead of raising a second one.
 *   POST /api/v1/alarms/{aid}/ack      {"kind": "vu"|"appelle"|"arrive"}, as the token's desk
 *   POST /api/v1/alarms/{aid}/clear    {"reason"}, only by the raising desk (a manager clears
 *                                      from headquarters)
 *   GET  /api/v1/alarms                the alarms to show, any desk token
 *   GET  /api/v1/alarms/events         the desks' own event stream, any desk token
 *
 * The alarm is silent: displays and the kiosk read /api/v1/state and /api/v1/events without a
 * token, so alarm events never go there (hub_sse.c skips them) and only a desk's token opens
 * this stream. Its token travels in the Authorization header (the browser reads the stream with
 * fetch(), not EventSource, which cannot send headers), so it never lands in a URL or a log.
 * Each message is the whole list ("event: alarm", {"alarms": [...], "now"}): a desk that missed
 * one is whole again with the next, and a new stream starts with the current list. */
#include "hub_internal.h"
#include "borne/alarm_json.h"
#include "borne/lan_contract.h"
#include "borne/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

BORNE_LOG_MODULE("hub");

/* The desk appliance reads these words from the wire contract: the engine's values are its. */
_Static_assert((int)QUEUE_ALARM_ACK_SEEN == LAN_ALARM_ACK_SEEN &&
               (int)QUEUE_ALARM_ACK_CALLING == LAN_ALARM_ACK_CALLING &&
               (int)QUEUE_ALARM_ACK_COMING == LAN_ALARM_ACK_COMING,
               "acknowledgement kinds: engine and LAN contract differ");
_Static_assert((int)QUEUE_ALARM_RELAY_PENDING == LAN_ALARM_RELAY_PENDING &&
               (int)QUEUE_ALARM_RELAY_SENT == LAN_ALARM_RELAY_SENT &&
               (int)QUEUE_ALARM_RELAY_UNREACHABLE == LAN_ALARM_RELAY_UNREACHABLE &&
               (int)QUEUE_ALARM_RELAY_LOCAL_ONLY == LAN_ALARM_RELAY_LOCAL_ONLY,
               "relay states: engine and LAN contract differ");

#define RECENT_S (10 * 60)   /* a cleared alarm stays shown this long: who cleared it, why */

bool hub_alarm_event(const queue_event *e)
{
    return strncmp(e->kind, "alarm_", 6) == 0;
}

static const char *desk_name(const hub *h, int counter_id)
{
    for (int i = 0; i < h->cfg.setup.n_counters; i++)
        if (h->cfg.setup.counters[i].id == counter_id)
            return h->cfg.setup.counters[i].name;
    return NULL;
}

/* ---- the list ------------------------------------------------------------------------------ */

static int add_alarm(const queue_alarm *a, void *ctx)
{
    json_array_append_new(ctx, alarm_json(a, true));
    return 0;
}

/* {"alarms": [...], "now"}, or NULL with *err set. */
static json_t *alarm_list(hub *h, queue *q, int *err)
{
    json_t *list = json_array();
    int64_t now = hub_now(h);
    *err = list ? queue_alarm_list(q, now, RECENT_S, add_alarm, list) : QUEUE_ENOMEM;
    if (*err) {
        json_decref(list);
        return NULL;
    }
    return json_pack("{s:o, s:I}", "alarms", list, "now", (json_int_t)now);
}

void hub_alarm_publish(hub *h)
{
    int err;
    json_t *list = alarm_list(h, h->nq, &err);
    if (!list) {
        log_error("alarms: %s", queue_errmsg(h->nq));
        return;
    }
    char *json = json_dumps(list, JSON_COMPACT);
    json_decref(list);
    size_t n = json ? strlen(json) + 32 : 0;
    char *msg = json ? malloc(n) : NULL;
    if (!msg) {
        log_error("alarms: out of memory");
        free(json);
        return;
    }
    int w = snprintf(msg, n, "event: alarm\ndata: %s\n\n", json);
    free(json);
    hub_sse_set_alarms(h, msg, (size_t)w);
}

/* ---- answers ------------------------------------------------------------------------------- */

typedef hub_reply reply;

static reply reply_json(int status, json_t *j)
{
    reply r = {.status = status, .text = j ? json_dumps(j, JSON_COMPACT) : NULL};
    json_decref(j);
    if (!r.text)
        r.status = 500;
    return r;
}

static reply reply_error(int status, const char *code, const char *message)
{
    return reply_json(status, json_pack("{s:s, s:s}", "error", code, "message", message));
}

static reply reply_engine(queue *q, int err)
{
    switch (err) {
    case QUEUE_ENOTICKET: return reply_error(404, "unknown_alarm", queue_errmsg(q));
    case QUEUE_ENOCOUNTER: return reply_error(404, "unknown_counter", queue_errmsg(q));
    case QUEUE_ESTATE: return reply_error(409, "alarm_cleared", queue_errmsg(q));
    case QUEUE_EINVAL: return reply_error(422, "invalid", queue_errmsg(q));
    case QUEUE_EFULL: return reply_error(507, "storage_full", queue_errmsg(q));
    case QUEUE_EBUSY: return reply_error(503, "busy", queue_errmsg(q));
    default: return reply_error(500, "storage_error", queue_errmsg(q));
    }
}

static reply reply_alarm(queue *q, int64_t id, int status)
{
    queue_alarm a;
    int err = queue_alarm_get(q, id, &a);
    if (err)
        return reply_engine(q, err);
    return reply_json(status, json_pack("{s:o}", "alarm", alarm_json(&a, true)));
}

/* ---- operations ---------------------------------------------------------------------------- */

static reply raise_alarm(hub *h, queue *q, int64_t now, int who, bool test)
{
    char uid[QUEUE_ALARM_UID_MAX], actor[24];
    if (alarm_uid_new(h->cfg.antenne.id, uid) != 0)
        return reply_error(503, "no_entropy", "cannot draw an alarm id now: retry");
    snprintf(actor, sizeof actor, "counter:%d", who);
    queue_alarm_raise_req r = {.uid = uid, .antenne = h->cfg.antenne.id,
                               .antenne_name = h->cfg.antenne.name, .counter_id = who,
                               .desk = desk_name(h, who), .test = test, .actor = actor};
    int64_t id;
    bool created;
    int err = queue_alarm_raise(q, now, &r, &id, &created);
    return err ? reply_engine(q, err) : reply_alarm(q, id, 201);
}

static reply ack_alarm(hub *h, queue *q, int64_t now, int who, int64_t id,
                       queue_alarm_ack_kind kind)
{
    queue_alarm a;
    int err = queue_alarm_get(q, id, &a);
    if (err)
        return reply_engine(q, err);
    /* The raiser's own "seen" would stop the escalation while nobody else knows. */
    if (!a.remote && a.counter_id == who)
        return reply_error(409, "own_alarm", "the raising desk cannot acknowledge its own alarm");
    char actor[24];
    snprintf(actor, sizeof actor, "counter:%d", who);
    err = queue_alarm_acknowledge(q, now, id, kind, desk_name(h, who), h->cfg.antenne.id,
                                  0, actor);
    return err ? reply_engine(q, err) : reply_alarm(q, id, 200);
}

static reply clear_alarm(hub *h, queue *q, int64_t now, int who, int64_t id, const char *reason)
{
    queue_alarm a;
    int err = queue_alarm_get(q, id, &a);
    if (err)
        return reply_engine(q, err);
    if (a.remote || a.counter_id != who)
        return reply_error(403, "not_raiser",
                           "only the desk that raised the alarm (or a manager, from headquarters)"
                           " clears it");
    char actor[24];
    snprintf(actor, sizeof actor, "counter:%d", who);
    err = queue_alarm_clear(q, now, id, desk_name(h, who), reason, 0, actor);
    return err ? reply_engine(q, err) : reply_alarm(q, id, 200);
}

/* ---- the desks' stream ------------------------------------------------------------------------ */

/* The first list comes from the database, not from the notifier's copy, which does not exist
 * before the first alarm event of this run. */
static enum MHD_Result open_stream(hub *h, struct MHD_Connection *conn, queue *q)
{
    int err;
    json_t *list = alarm_list(h, q, &err);
    char *json = list ? json_dumps(list, JSON_COMPACT) : NULL;
    json_decref(list);
    size_t n = json ? strlen(json) + 32 : 0;
    char *first = json ? malloc(n) : NULL;
    if (first)
        snprintf(first, n, "event: alarm\ndata: %s\n\n", json);
    free(json);
    bool full = false;
    struct MHD_Response *resp = first ? hub_sse_alarm_response(h, conn, first, &full) : NULL;
    free(first);
    if (!resp)
        return hub_send_error(conn, 503, full ? "too_many_streams" : "unavailable",
                              "cannot open the alarm stream now");
    enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* ---- routing ------------------------------------------------------------------------------- */

static reply run_write(hub_conn *c, int64_t now, const hub_write_req *w)
{
    if (w->route->kind == HUB_ROUTE_ALARM_RAISE)
        return raise_alarm(w->h, c->q, now, w->who, w->body->u.alarm.test);
    if (w->route->kind == HUB_ROUTE_ALARM_ACK)
        return ack_alarm(w->h, c->q, now, w->who, w->route->alarm_id, w->body->u.alarm.ack);
    return clear_alarm(w->h, c->q, now, w->who, w->route->alarm_id, w->body->u.alarm.reason);
}

enum MHD_Result hub_alarm_serve(hub *h, struct MHD_Connection *conn, const char *method,
                                const char *url, const hub_route *r, const char *body, size_t len)
{
    /* Only this antenne's desks: a token from another antenne is not in this hub's config. */
    int who = hub_token_owner(h, conn);
    if (!who)
        return hub_send_error(conn, 401, "unauthorized", "missing or unknown counter token");
    if (r->kind == HUB_ROUTE_ALARM_RAISE && !desk_name(h, r->counter_id))
        return hub_send_error(conn, 404, "unknown_counter", "no such counter");
    if (r->kind == HUB_ROUTE_ALARM_RAISE && who != r->counter_id)
        return hub_send_error(conn, 403, "forbidden", "a desk raises an alarm only for itself");
    hub_body b;
    hub_error perr;
    int st = hub_body_parse(r, body, len, &b, &perr);
    if (st)
        return hub_send_error(conn, st, perr.code, perr.message);

    char why[256];
    hub_conn *c = hub_conn_get(h, why, sizeof why);
    if (!c) {
        log_error("%s", why);
        return hub_send_error(conn, 503, "unavailable", "database unavailable");
    }
    enum MHD_Result ret;
    if (r->kind == HUB_ROUTE_ALARM_EVENTS) {
        ret = open_stream(h, conn, c->q);
    } else if (r->kind == HUB_ROUTE_ALARMS) {
        int err;
        json_t *list = alarm_list(h, c->q, &err);
        reply a = list ? reply_json(200, list) : reply_engine(c->q, err);
        ret = a.text ? hub_send_json(conn, a.status, a.text, false) : MHD_NO;
        free(a.text);
    } else {
        hub_write_req w = {h, who, r, &b, method, url, body, len};
        ret = hub_keyed_write(conn, c, &w, run_write);
    }
    hub_conn_put(h, c);
    return ret;
}
