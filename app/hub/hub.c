/* The hub's HTTP server: libmicrohttpd (a small pool of threads polling every connection,
 * within the connection budgets of app/net), requests routed and validated by hub_request.c, answers built from the engine (see include/borne/hub.h and
 * assets/web/openapi.yaml).
 *
 * Order of checks on a mutation, so that nothing changes unless everything is right:
 * route (404/405) → body size (413) → token (401) → counter exists (404) → token is that
 * counter's (403) → body (400/422) → idempotency key → engine. */
#include "hub_internal.h"
#include "borne/http_budget.h"

#include "borne/log.h"
#include "borne/secret.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

BORNE_LOG_MODULE("hub");

/* Connection budgets: why each number is what it is, in ARCHITECTURE.md. */
#define HUB_CONNECTIONS 256
#define HUB_CONNECTIONS_TRUSTED 32
#define HUB_PER_ADDRESS 16
#define HUB_REQUEST_DEADLINE_S 10
#define HUB_IDLE_TIMEOUT_S 30
#define HUB_THREADS 4

typedef struct request {
    char method[8];
    char url[128];       /* enough for every API path; longer ones are not routes */
    hub_route route;
    int status;          /* routing or size error to answer with, 0 = none */
    hub_error err;
    hub_buf body;
    bool too_big;
} request;

int64_t hub_now(const hub *h)
{
    return borne_clock_now_ms(&h->clock) / 1000;
}

bool hub_buf_add(hub_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            return false;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return true;
}

/* ---- handle pool ------------------------------------------------------------------------- */

void hub_conn_free(hub_conn *c)
{
    if (!c)
        return;
    sqlite3_finalize(c->idem_claim);
    sqlite3_finalize(c->idem_get);
    sqlite3_finalize(c->idem_store);
    sqlite3_finalize(c->idem_drop);
    sqlite3_finalize(c->idem_expire);
    sqlite3_close(c->db);
    queue_close(c->q);
    free(c);
}

hub_conn *hub_conn_get(hub *h, char *errbuf, size_t errlen)
{
    pthread_mutex_lock(&h->pool_mu);
    hub_conn *c = h->pool;
    if (c)
        h->pool = c->next;
    pthread_mutex_unlock(&h->pool_mu);
    if (c)
        return c;
    if (!(c = calloc(1, sizeof *c))) {
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    if (queue_open(&c->q, h->db_path, &h->cfg.queue, errbuf, errlen) != QUEUE_OK) {
        hub_conn_free(c);
        return NULL;
    }
    if (sqlite3_open_v2(h->db_path, &c->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        snprintf(errbuf, errlen, "%s: %s", h->db_path, c->db ? sqlite3_errmsg(c->db) : "out of memory");
        hub_conn_free(c);
        return NULL;
    }
    sqlite3_busy_timeout(c->db, 5000);
    if (hub_idem_prepare(c, errbuf, errlen) != 0) {
        hub_conn_free(c);
        return NULL;
    }
    return c;
}

void hub_conn_put(hub *h, hub_conn *c)
{
    pthread_mutex_lock(&h->pool_mu);
    c->next = h->pool;
    h->pool = c;
    pthread_mutex_unlock(&h->pool_mu);
}

/* ---- answers ----------------------------------------------------------------------------- */

static enum MHD_Result send_text(struct MHD_Connection *conn, int status, const char *text,
                                 bool replayed)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text,
                                                             MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    if (replayed)
        MHD_add_response_header(r, "Idempotent-Replayed", "true");
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

static char *error_text(const char *code, const char *message)
{
    json_t *j = json_pack("{s:s, s:o}", "error", code, "message", hub_text_json(message));
    char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    return s;
}

static enum MHD_Result send_error(struct MHD_Connection *conn, int status, const char *code,
                                  const char *message)
{
    char *s = error_text(code, message);
    enum MHD_Result ret = s ? send_text(conn, status, s, false) : MHD_NO;
    free(s);
    return ret;
}

/* A refusal for want of room (503, 429): the client may retry after `retry_s` seconds. Takes
 * `text` (an error_text()). */
static enum MHD_Result send_refusal(struct MHD_Connection *conn, int status, char *text, int retry_s)
{
    struct MHD_Response *r = text ? MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE) : NULL;
    if (!r) {
        free(text);
        return MHD_NO;
    }
    char retry[16];
    snprintf(retry, sizeof retry, "%d", retry_s);
    MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "Retry-After", retry);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

enum MHD_Result hub_send_json(struct MHD_Connection *conn, int status, const char *text,
                              bool replayed)
{
    return send_text(conn, status, text, replayed);
}

enum MHD_Result hub_send_error(struct MHD_Connection *conn, int status, const char *code,
                               const char *message)
{
    return send_error(conn, status, code, message);
}

/* An engine error as an HTTP status and code. `in_body`: the entity named came from the
 * request body (422) rather than the path (404). */
static int map_engine_error(int err, bool in_body, const char **code)
{
    switch (err) {
    case QUEUE_EINVAL: *code = "invalid"; return 422;
    case QUEUE_ENOSERVICE: *code = "unknown_service"; return in_body ? 422 : 404;
    case QUEUE_ENOCOUNTER: *code = "unknown_counter"; return in_body ? 422 : 404;
    case QUEUE_ENOTICKET: *code = "no_current_ticket"; return 404;
    case QUEUE_ENOAPPT: *code = "unknown_appointment"; return 404;
    case QUEUE_ESTATE: *code = "bad_state"; return 409;
    case QUEUE_EEMPTY: *code = "queue_empty"; return 409;
    case QUEUE_ECLOSED: *code = "closed"; return 409;
    case QUEUE_ERECALLS: *code = "recalls_needed"; return 409;
    case QUEUE_ETOOEARLY: *code = "too_early"; return 409;
    case QUEUE_ETOOLATE: *code = "too_late"; return 409;
    case QUEUE_EUSED: *code = "already_used"; return 409;
    case QUEUE_EDISABLED: *code = "service_disabled"; return 422;
    case QUEUE_ENOTSERVED: *code = "not_served"; return 422;
    case QUEUE_ENOPARTNER: *code = "unknown_partner"; return 422;
    case QUEUE_EFULL: *code = "storage_full"; return 507;
    case QUEUE_EBUSY: *code = "busy"; return 503;
    case QUEUE_EREADONLY: *code = "read_only"; return 503;
    default: *code = "storage_error"; return 500;
    }
}

typedef hub_reply answer;

static void answer_free(answer *a)
{
    if (!a->fixed)
        free(a->text);
    a->text = NULL;
}

static answer answer_json(int status, json_t *j)
{
    answer a = {status, j ? json_dumps(j, JSON_COMPACT) : NULL, false, 0};
    json_decref(j);
    if (!a.text) {
        a.status = 500;
        a.text = error_text("no_memory", "out of memory");
    }
    return a;
}

/* The engine has committed: whatever fails while the result is described (memory, a read
 * refused by a busy database), the client is told it was done, with the same words as the
 * stored idempotent reply, and reads the details again with a GET. */
static answer committed(int status, answer built)
{
    static char done[] = "{\"done\":true}";
    if (built.status == status && built.text)
        return built;
    answer_free(&built);
    return (answer){status, done, true, 0};
}

static answer answer_engine(queue *q, int err, bool in_body)
{
    const char *code;
    int status = map_engine_error(err, in_body, &code);
    return (answer){status, error_text(code, queue_errmsg(q)), false, 0};
}

/* ---- mutations ----------------------------------------------------------------------------- */

/* A counter's own view, answered only to that counter's token (GET /counters/{id} and its
 * mutations): {"counter": {...}, "ticket": the ticket acted on (or the current one) or null,
 * "waited_s": how long the current visitor waited before this call, "appointment": the
 * current visitor's appointment {code, at, note} or null}. The last two are about
 * counter.ticket. They are private (the note never goes into /state or the event stream) and
 * they are part of what an Idempotency-Key stores: such rows stay in the board's database and
 * the engine's daily purge deletes them a day later (queue_purge). */
static answer counter_answer(queue *q, int64_t now, int counter_id, int64_t ticket_id)
{
    queue_counter_status cs;
    queue_ticket t, cur;
    queue_appointment appt;
    bool has_appt = false;
    int err = queue_counter_get(q, counter_id, &cs);
    if (err == QUEUE_OK && !ticket_id)
        ticket_id = cs.current_ticket;
    if (err == QUEUE_OK && ticket_id)
        err = queue_get_ticket(q, ticket_id, &t);
    if (err == QUEUE_OK && cs.current_ticket && cs.current_ticket == ticket_id)
        cur = t;
    else if (err == QUEUE_OK && cs.current_ticket)
        err = queue_get_ticket(q, cs.current_ticket, &cur);
    if (err == QUEUE_OK && cs.current_ticket && cur.appointment) {
        /* an appointment purged under the visitor's feet just has no note to show */
        err = queue_appointment_of_ticket(q, cur.id, &appt);
        has_appt = err == QUEUE_OK;
        if (err == QUEUE_ENOAPPT)
            err = QUEUE_OK;
    }
    if (err != QUEUE_OK)
        return answer_engine(q, err, false);
    json_t *waited = json_null();
    if (cs.current_ticket) {
        int64_t until = cur.called_at ? cur.called_at : now;
        waited = json_integer(until > cur.issued_at ? until - cur.issued_at : 0);
    }
    return answer_json(200, json_pack("{s:o, s:o, s:o, s:o}",
                                      "counter", hub_counter_json(&cs, cs.current_ticket ? &cur : NULL),
                                      "ticket", ticket_id ? hub_ticket_json(&t) : json_null(),
                                      "waited_s", waited,
                                      "appointment", has_appt ? hub_appointment_json(&appt) : json_null()));
}

static answer counter_action(queue *q, int64_t now, const hub_route *r, const hub_body *b)
{
    int id = r->counter_id;
    queue_ticket t = {0};
    queue_counter_status cs;
    int err = QUEUE_OK;
    int64_t acted = 0;
    /* finish, no-show and transfer release the ticket: remember which one it was. */
    if (r->action == HUB_ACT_FINISH || r->action == HUB_ACT_NO_SHOW || r->action == HUB_ACT_TRANSFER) {
        err = queue_counter_get(q, id, &cs);
        acted = err == QUEUE_OK ? cs.current_ticket : 0;
    }
    if (err == QUEUE_OK) {
        switch (r->action) {
        case HUB_ACT_OPEN: err = queue_counter_open(q, now, id); break;
        case HUB_ACT_CLOSE: err = queue_counter_close(q, now, id); break;
        case HUB_ACT_PAUSE: err = queue_counter_pause(q, now, id); break;
        case HUB_ACT_CALL_NEXT: err = queue_call_next(q, now, id, &t); break;
        case HUB_ACT_RECALL: err = queue_recall(q, now, id, &t); break;
        case HUB_ACT_START: err = queue_start(q, now, id); break;
        case HUB_ACT_FINISH: err = queue_finish_to(q, now, id, b->u.outcome, b->partner); break;
        case HUB_ACT_CONTACT: err = queue_contact(q, now, id, b->u.channel); break;
        case HUB_ACT_NO_SHOW: err = queue_no_show(q, now, id); break;
        case HUB_ACT_TRANSFER:
            err = queue_transfer(q, now, id, b->u.transfer.service, b->u.transfer.counter);
            break;
        case HUB_ACT_NONE: err = QUEUE_EINVAL; break;
        }
    }
    if (err != QUEUE_OK)
        return answer_engine(q, err, r->action == HUB_ACT_TRANSFER);
    return committed(200, counter_answer(q, now, id, t.id ? t.id : acted));
}

static answer issue_ticket(queue *q, int64_t now, int who, const hub_ticket_req *req)
{
    char actor[24];
    snprintf(actor, sizeof actor, "counter:%d", who);
    queue_issue_opts o = {.public_type = req->public_type, .priority = req->priority, .actor = actor};
    queue_issued is;
    int err = queue_issue(q, now, req->service, &o, &is);
    if (err != QUEUE_OK)
        return answer_engine(q, err, true);
    return committed(201, answer_json(201, json_pack("{s:o, s:i, s:[ii]}", "ticket",
                                                     hub_ticket_json(&is.ticket), "people_ahead",
                                                     is.people_ahead, "wait_min", is.wait_min_lo,
                                                     is.wait_min_hi)));
}

/* All or nothing, like the body's validation before it. */
static answer upsert_appointments(queue *q, int64_t now, const hub_body *b)
{
    int failed;
    int err = queue_appointments_upsert(q, now, b->u.appts.items, b->u.appts.n, &failed);
    if (err != QUEUE_OK) {
        const char *code;
        int status = map_engine_error(err, true, &code);
        char msg[320];
        if (failed >= 0)
            snprintf(msg, sizeof msg, "appointment %d (%s), none saved: %s", failed,
                     b->u.appts.items[failed].code, queue_errmsg(q));
        else
            snprintf(msg, sizeof msg, "none saved: %s", queue_errmsg(q));
        return (answer){status, error_text(code, msg), false, 0};
    }
    return committed(200, answer_json(200, json_pack("{s:i}", "upserted", b->u.appts.n)));
}

/* ---- auth ----------------------------------------------------------------------------------- */

static bool same_secret(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char diff = la != lb;
    for (size_t i = 0; i < la && i < lb; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

/* The counter whose token the request carries, or 0. Every token is compared, so the time
 * taken does not say which counter nearly matched. */
static int token_owner(const hub *h, struct MHD_Connection *conn)
{
    char tok[HUB_TOKEN_MAX + 1];
    if (!hub_bearer_token(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization"), tok))
        return 0;
    int who = 0;
    for (int i = 0; i < h->n_tokens; i++)
        if (same_secret(tok, h->tokens[i].token))
            who = h->tokens[i].counter_id;
    if (who)
        http_budget_trust(h->budget, conn);
    return who;
}

int hub_token_owner(const hub *h, struct MHD_Connection *conn)
{
    return token_owner(h, conn);
}

static bool counter_configured(const hub *h, int id)
{
    for (int i = 0; i < h->cfg.setup.n_counters; i++)
        if (h->cfg.setup.counters[i].id == id)
            return true;
    return false;
}

/* The counter whose token the request carries (> 0), or 0 after answering 401, 404 (a
 * counter in the path that is not configured) or 403 (the token of another counter). */
static int authorize(const hub *h, struct MHD_Connection *conn, const hub_route *r,
                     enum MHD_Result *ret)
{
    bool about_counter = r->kind == HUB_ROUTE_COUNTER || r->kind == HUB_ROUTE_COUNTER_GET;
    int who = token_owner(h, conn);
    if (!who)
        *ret = send_error(conn, 401, "unauthorized", "missing or unknown counter token");
    else if (about_counter && !counter_configured(h, r->counter_id))
        *ret = send_error(conn, 404, "unknown_counter", "no such counter");
    else if (about_counter && who != r->counter_id)
        *ret = send_error(conn, 403, "forbidden", "this token belongs to another counter");
    else
        return who;
    return 0;
}

enum MHD_Result hub_keyed_write(struct MHD_Connection *conn, hub_conn *c, const hub_write_req *w,
                                hub_write_fn write)
{
    hub *h = w->h;
    int who = w->who;
    const char *key = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Idempotency-Key");
    if (key && !hub_idem_key_valid(key))
        return send_error(conn, 400, "bad_idempotency_key", "Idempotency-Key: 1-128 visible ASCII characters");
    int64_t now = hub_now(h);
    int stored_status = 0;
    char *stored = NULL;
    hub_idem_result idem = HUB_IDEM_NEW;
    if (key)
        idem = hub_idem_claim(c, who, key, hub_idem_fingerprint(w->method, w->url, w->raw, w->raw_len),
                              now, &stored_status, &stored);
    enum MHD_Result ret;
    if (idem == HUB_IDEM_STORED) {
        ret = send_text(conn, stored_status, stored, true);
    } else if (idem == HUB_IDEM_MISMATCH) {
        ret = send_error(conn, 422, "idempotency_key_reused",
                         "this Idempotency-Key was used for another request");
    } else if (idem == HUB_IDEM_PENDING) {
        ret = send_error(conn, 409, "in_progress", "a request with this Idempotency-Key is still running");
    } else if (idem == HUB_IDEM_ERROR) {
        ret = send_error(conn, 503, "busy", "cannot record the Idempotency-Key now: retry");
    } else {
        answer a = write(c, now, w);
        if (key && a.text && a.status < 500 && !a.retry_s)
            hub_idem_store(c, who, key, a.status, a.text);
        else if (key)   /* nothing kept: a retry runs for real */
            hub_idem_drop(c, who, key);
        if (a.status < 300)
            hub_sse_poke(h);
        if (a.retry_s) {
            ret = send_refusal(conn, a.status, a.text, a.retry_s);
            a.text = NULL;
        } else {
            ret = a.text ? send_text(conn, a.status, a.text, false) : MHD_NO;
        }
        answer_free(&a);
    }
    free(stored);
    return ret;
}

static answer run_mutation(hub_conn *c, int64_t now, const hub_write_req *m)
{
    if (m->route->kind == HUB_ROUTE_TICKETS) {
        const char *limit;
        int retry_s = hub_rate_take(m->h, m->who, now, &limit);
        if (retry_s > 0)
            return (answer){429, error_text(limit, strcmp(limit, "daily_quota") == 0
                                            ? "this token issued its tickets_per_day for today"
                                            : "this token issues tickets faster than tickets_per_minute"),
                            false, retry_s};
        return issue_ticket(c->q, now, m->who, &m->body->u.ticket);
    }
    if (m->route->kind == HUB_ROUTE_APPOINTMENTS)
        return upsert_appointments(c->q, now, m->body);
    return counter_action(c->q, now, m->route, m->body);
}

static enum MHD_Result mutation(hub *h, struct MHD_Connection *conn, request *rq)
{
    const hub_route *r = &rq->route;
    enum MHD_Result refused;
    int who = authorize(h, conn, r, &refused);
    if (!who)
        return refused;

    hub_body body;
    hub_error err;
    int st = hub_body_parse(r, rq->body.p ? rq->body.p : "", rq->body.len, &body, &err);
    if (st)
        return send_error(conn, st, err.code, err.message);
    char why[256];
    hub_conn *c = hub_conn_get(h, why, sizeof why);
    if (!c) {
        hub_body_free(r, &body);
        log_error("%s", why);
        return send_error(conn, 503, "unavailable", "database unavailable");
    }
    hub_write_req w = {h, who, r, &body, rq->method, rq->url, rq->body.p ? rq->body.p : "",
                       rq->body.len};
    enum MHD_Result ret = hub_keyed_write(conn, c, &w, run_mutation);
    hub_body_free(r, &body);
    hub_conn_put(h, c);
    return ret;
}

/* ---- reads ---------------------------------------------------------------------------------- */

static enum MHD_Result get_state(hub *h, struct MHD_Connection *conn)
{
    char why[256];
    hub_conn *c = hub_conn_get(h, why, sizeof why);
    if (!c) {
        log_error("%s", why);
        return send_error(conn, 503, "unavailable", "database unavailable");
    }
    queue_event calls[HUB_LAST_CALLS];
    pthread_mutex_lock(&h->mu);
    int64_t last = h->last_id;
    int n_calls = h->n_calls;
    memcpy(calls, h->calls, sizeof calls);
    pthread_mutex_unlock(&h->mu);
    int err = 0;
    json_t *st = hub_state_json(h, c->q, hub_now(h), last, calls, n_calls, &err);
    answer a = st ? answer_json(200, st) : answer_engine(c->q, err, false);
    hub_conn_put(h, c);
    enum MHD_Result ret = a.text ? send_text(conn, a.status, a.text, false) : MHD_NO;
    answer_free(&a);
    return ret;
}

/* GET /counters/{id}: the counter's own view, with the current visitor's appointment note,
 * hence the same token checks as its mutations. */
static enum MHD_Result get_counter(hub *h, struct MHD_Connection *conn, const hub_route *r)
{
    enum MHD_Result refused;
    if (!authorize(h, conn, r, &refused))
        return refused;
    char why[256];
    hub_conn *c = hub_conn_get(h, why, sizeof why);
    if (!c) {
        log_error("%s", why);
        return send_error(conn, 503, "unavailable", "database unavailable");
    }
    answer a = counter_answer(c->q, hub_now(h), r->counter_id, 0);
    hub_conn_put(h, c);
    enum MHD_Result ret = a.text ? send_text(conn, a.status, a.text, false) : MHD_NO;
    answer_free(&a);
    return ret;
}

static const char *content_type(const char *file)
{
    static const struct { const char *ext, *type; } types[] = {
        {".html", "text/html; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"}, {".yaml", "application/yaml; charset=utf-8"},
        {".svg", "image/svg+xml"}, {".png", "image/png"}, {".ico", "image/x-icon"},
    };
    const char *dot = strrchr(file, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

static enum MHD_Result get_file(hub *h, struct MHD_Connection *conn, const char *file)
{
    char path[CONFIG_PATH_MAX + 80];
    snprintf(path, sizeof path, "%s/%s", h->web_root, file);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        return send_error(conn, 404, "not_found", "no such page");
    }
    struct MHD_Response *r = MHD_create_response_from_fd((size_t)st.st_size, fd);
    if (!r) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", content_type(file));
    MHD_add_response_header(r, "Cache-Control", "no-cache");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result get_events(hub *h, struct MHD_Connection *conn)
{
    bool full;
    struct MHD_Response *r = hub_sse_response(
        h, conn, MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Last-Event-ID"),
        http_budget_trusted(h->budget, conn), &full);
    if (!r && full)
        return send_refusal(conn, 503, error_text("too_many_streams", "every event stream slot is taken"), 10);
    if (!r)
        return send_error(conn, 503, "unavailable", "cannot open an event stream now");
    enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

/* ---- libmicrohttpd glue ----------------------------------------------------------------------- */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
    (void)version;
    hub *h = cls;
    request *rq = *con_cls;
    if (!rq) {
        if (!(rq = calloc(1, sizeof *rq)))
            return MHD_NO;
        *con_cls = rq;
        snprintf(rq->method, sizeof rq->method, "%s", method);
        snprintf(rq->url, sizeof rq->url, "%s", url);
        rq->status = hub_route_parse(method, url, &rq->route, &rq->err);
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (!rq->status && cl) {
            char *end;
            errno = 0;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno || *end || n > hub_body_cap(&rq->route))
                rq->status = 413;
        }
        /* Answer at once: a refused body is not even read. */
        if (rq->status)
            http_budget_answering(h->budget, conn);
        if (rq->status == 413)
            return send_error(conn, 413, "body_too_large", "request body over the limit");
        if (rq->status)
            return send_error(conn, rq->status, rq->err.code, rq->err.message);
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (rq->body.len + *upload_data_size > hub_body_cap(&rq->route) ||
            !hub_buf_add(&rq->body, upload_data, *upload_data_size))
            rq->too_big = true;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (rq->status)   /* answered on the first call */
        return MHD_YES;
    http_budget_answering(h->budget, conn);
    if (rq->too_big)
        return send_error(conn, 413, "body_too_large", "request body over the limit");
    switch (rq->route.kind) {
    case HUB_ROUTE_STATE: return get_state(h, conn);
    case HUB_ROUTE_EVENTS: return get_events(h, conn);
    case HUB_ROUTE_STATIC: return get_file(h, conn, rq->route.file);
    case HUB_ROUTE_COUNTER_GET: return get_counter(h, conn, &rq->route);
    case HUB_ROUTE_TICKETS:
    case HUB_ROUTE_APPOINTMENTS:
    case HUB_ROUTE_COUNTER: return mutation(h, conn, rq);
    case HUB_ROUTE_ALARM_RAISE:
    case HUB_ROUTE_ALARMS:
    case HUB_ROUTE_ALARM_EVENTS:
    case HUB_ROUTE_ALARM_ACK:
    case HUB_ROUTE_ALARM_CLEAR:
        return hub_alarm_serve(h, conn, rq->method, rq->url, &rq->route,
                               rq->body.p ? rq->body.p : "", rq->body.len);
    case HUB_ROUTE_AGENT_DISMISS: return hub_agent_dismiss(h, conn, &rq->route);
    }
    return send_error(conn, 404, "unknown_route", "no such path");
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    hub *h = cls;
    http_budget_request_done(h->budget, conn);
    request *rq = *con_cls;
    if (rq) {
        free(rq->body.p);
        free(rq);
        *con_cls = NULL;
    }
}

static size_t on_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls;
    (void)conn;
    return hub_path_unescape(s);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    log_vwrite(&borne_log_module_, LOG_LEVEL_WARN, fmt, ap);
}

/* ---- start and stop ---------------------------------------------------------------------------- */

static int fail(char *errbuf, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *errbuf, size_t errlen, const char *fmt, ...)
{
    if (errbuf && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(errbuf, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int parse_listen(const char *listen, struct sockaddr_in *sa)
{
    const char *colon = strrchr(listen, ':');
    if (!colon || colon == listen || colon - listen >= 64)
        return -1;
    char host[64];
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    char *end;
    errno = 0;
    long port = strtol(colon + 1, &end, 10);
    if (errno || *end || colon[1] == '\0' || port < 0 || port > 65535)
        return -1;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

/* The shared secret rules first (mode, length, UTF-8), then the hub's narrower alphabet: a
 * bearer token travels in an HTTP header. */
static int read_token(const char *path, char *out, char *errbuf, size_t errlen)
{
    char secret[HUB_TOKEN_MAX + 1], header[HUB_TOKEN_MAX + 16];
    if (secret_read_file(path, secret, sizeof secret, errbuf, errlen) != 0)
        return -1;
    snprintf(header, sizeof header, "Bearer %s", secret);
    if (!hub_bearer_token(header, out) || strcmp(out, secret) != 0)
        return fail(errbuf, errlen, "%s: a desk token is visible ASCII characters without spaces", path);
    return 0;
}

static int load_tokens(hub *h, char *errbuf, size_t errlen)
{
    for (int i = 0; i < h->cfg.setup.n_counters; i++) {
        const char *path = h->cfg.counter_token_files[i];
        if (!path[0])
            continue;
        int k = h->n_tokens;
        if (read_token(path, h->tokens[k].token, errbuf, errlen) != 0)
            return -1;
        for (int j = 0; j < k; j++)
            if (strcmp(h->tokens[j].token, h->tokens[k].token) == 0)
                return fail(errbuf, errlen, "%s: counters %d and %d have the same token", path,
                            h->tokens[j].counter_id, h->cfg.setup.counters[i].id);
        h->tokens[k].counter_id = h->cfg.setup.counters[i].id;
        h->n_tokens++;
    }
    return 0;
}

int hub_start(hub **out, const borne_config *cfg, const char *db_path, const char *web_root,
              const hub_options *opts, char *errbuf, size_t errlen)
{
    *out = NULL;
    const char *listen = opts && opts->listen ? opts->listen : cfg->hub.listen;
    struct sockaddr_in sa;
    if (parse_listen(listen, &sa) != 0)
        return fail(errbuf, errlen, "hub listen address \"%s\": expected IPv4:port", listen);
    if (strlen(db_path) >= CONFIG_PATH_MAX || strlen(web_root) >= CONFIG_PATH_MAX)
        return fail(errbuf, errlen, "path too long");
    hub *h = calloc(1, sizeof *h);
    if (!h)
        return fail(errbuf, errlen, "out of memory");
    h->cfg = *cfg;
    snprintf(h->db_path, sizeof h->db_path, "%s", db_path);
    snprintf(h->web_root, sizeof h->web_root, "%s", web_root);
    if (opts) {
        h->clock = opts->clock;
        h->on_events = opts->on_events;
        h->on_events_ctx = opts->on_events_ctx;
    }
    pthread_mutex_init(&h->pool_mu, NULL);
    pthread_mutex_init(&h->printer_mu, NULL);
    pthread_mutex_init(&h->rate_mu, NULL);
    hub_sse_init(h);
    hub_conn *c = NULL;
    const http_budget_limits limits = {.general = HUB_CONNECTIONS, .reserved = HUB_CONNECTIONS_TRUSTED,
                                       .per_address = HUB_PER_ADDRESS, .deadline_s = HUB_REQUEST_DEADLINE_S};
    int rc = http_budget_new(&h->budget, &limits);
    if (rc != 0) {
        fail(errbuf, errlen, "connection budgets: %s", strerror(-rc));
        goto fail;
    }
    if (load_tokens(h, errbuf, errlen) != 0 || hub_sse_start(h, errbuf, errlen) != 0)
        goto fail;
    /* One pooled connection now: it migrates the file, proves it usable and releases the keys a
     * dead process left pending (no request can be running yet). */
    if (!(c = hub_conn_get(h, errbuf, errlen)))
        goto fail;
    int orphans = hub_idem_release_orphans(c, errbuf, errlen);
    hub_conn_put(h, c);
    if (orphans < 0)
        goto fail;

    h->mhd = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG,
        0, http_budget_accept, h->budget, on_request, h,
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)HUB_THREADS,
        MHD_OPTION_CONNECTION_LIMIT, http_budget_mhd_limit(h->budget),
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)HUB_PER_ADDRESS,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HUB_IDLE_TIMEOUT_S,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
        MHD_OPTION_NOTIFY_CONNECTION, http_budget_notify, h->budget,
        MHD_OPTION_UNESCAPE_CALLBACK, on_unescape, NULL,
        MHD_OPTION_END);
    if (!h->mhd) {
        fail(errbuf, errlen, "cannot listen on %s", listen);
        goto fail;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->mhd, MHD_DAEMON_INFO_BIND_PORT);
    h->port = info ? info->port : ntohs(sa.sin_port);
    *out = h;
    return 0;
fail:
    hub_stop(h);
    return -1;
}

int hub_port(const hub *h)
{
    return h->port;
}

void hub_notify(hub *h)
{
    hub_sse_poke(h);
}

void hub_set_printer(hub *h, const char *state, bool can_print)
{
    pthread_mutex_lock(&h->printer_mu);
    bool changed = strcmp(h->printer, state) != 0 || h->printer_can_print != can_print;
    snprintf(h->printer, sizeof h->printer, "%s", state);
    h->printer_can_print = can_print;
    pthread_mutex_unlock(&h->printer_mu);
    if (changed)
        hub_sse_republish(h);
}

void hub_stop(hub *h)
{
    if (!h)
        return;
    hub_sse_stop(h);
    if (h->mhd)
        MHD_stop_daemon(h->mhd);
    hub_sse_join(h);
    http_budget_free(h->budget);
    while (h->pool) {
        hub_conn *c = h->pool;
        h->pool = c->next;
        hub_conn_free(c);
    }
    pthread_mutex_destroy(&h->pool_mu);
    pthread_mutex_destroy(&h->printer_mu);
    pthread_mutex_destroy(&h->rate_mu);
    free(h);
}
