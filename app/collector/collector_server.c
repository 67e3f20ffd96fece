#include "borne/collector_server.h"
#include "borne/collector_live.h"

#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "borne/collector_alerts.h"
#include "borne/collector_channel.h"
#include "borne/collector_signin.h"
#include "borne/collector_console.h"
#include "borne/collector_poster.h"
#include "borne/collector_alarm.h"
#include "borne/collector_fleet.h"
#include "borne/collector_ingest.h"
#include "borne/collector_report.h"
#include "borne/collector_store.h"
#include "borne/log.h"

BORNE_LOG_MODULE("collector");

#include "borne/http_budget.h"

/* Connection budgets: why each number is what it is, in ARCHITECTURE.md. */
#define COLLECTOR_CONNECTIONS 512
#define COLLECTOR_CONNECTIONS_TRUSTED 256
#define COLLECTOR_PER_ADDRESS 64
#define COLLECTOR_REQUEST_DEADLINE_S 60
#define COLLECTOR_IDLE_TIMEOUT_S 30
/* A refusal for want of room asks the board to come back after this many seconds. */
#define RETRY_AFTER_BUSY "10"

#define BATCH_PREFIX "/api/v1/antennes/"
#define BATCH_SUFFIX "/batches"
#define LIVE_SUFFIX "/live"
#define POSTER_PREFIX "/console/poster/"

struct collector_server {
    const struct collector_config *config;
    const struct collector_antennes *antennes;
    collector_clock_fn now;
    struct MHD_Daemon *daemon;
    struct collector_channel *channel;
    struct http_budget *budget;
    atomic_size_t pending_bytes;   /* request bodies held now, against config->pending_cap */
    struct collector_live_board *live;   /* latest live snapshot per antenne (collector_live.h) */
    struct collector_fleet *fleet;       /* business documents, board status, audit (collector_fleet.h) */
    /* Steering alerts (collector_alerts.h): their own thread, since a webhook or sendmail may block. */
    struct collector_alerts *alerts;
    struct collector_store *alert_store;   /* the alert thread's own (satisfaction review, kept alerts) */
    struct collector_rollup_pass *rollup;  /* folds the days uploads marked (collector_store.h) */
    struct collector_users *users;       /* console sign-in (collector_users.h) */
    pthread_t alert_thread;
    bool alert_started, alert_stop;
    bool alert_poke;   /* a live snapshot arrived since the last look */
    pthread_mutex_t amu;
    pthread_cond_t acv;
    char *cert_pem, *key_pem;
    /* Store connection pool for the readers (exports, page): a request borrows one. */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct collector_store **stores;
    size_t n_stores, n_free;
    struct collector_store **free_stores;
    struct collector_alarms *alarms;   /* safety alarms: relay, console, counts */
    /* Group commit: a request with a validated batch queues it on its antenne's lane and suspends its
     * connection; the lane's writer thread applies everything queued in one transaction (one disk flush
     * for all the batches that arrived together), then resumes the connections, which answer. A 200
     * still means "on disk", and the server threads never block on the disk. */
    struct writer_lane *lanes;
    size_t n_lanes;
};

/* PostgreSQL takes several writers: while one lane waits for its commit's flush, the other sends its
 * statements, and the server flushes their commits together (bench_collector: one lane spent most of
 * its time waiting for the flush). Two, not four, since a group is written in multi-row statements: its
 * cost is mostly per statement, so fewer, larger groups cost less (bench_collector: 20 % less CPU per
 * batch for the collector and PostgreSQL together, the same or a better rate). An antenne always goes
 * to the same lane, so two lanes never touch the same rows (every key of the write path starts with the
 * antenne: no lock waits, no deadlocks) and an antenne's batches are applied in the order they arrived.
 * SQLite has one write lock: one lane. */
#define WRITER_LANES_POSTGRESQL 2

struct writer_lane {
    struct collector_server *server;
    struct collector_store *store;
    pthread_t thread;
    bool started, stopping;
    pthread_mutex_t mu;
    pthread_cond_t queued;
    struct pending *head, *tail;
};

/* A batch waiting for the writer; part of its request, which outlives it (the connection is suspended
 * until the writer has filled in the result). */
struct pending {
    struct MHD_Connection *conn;
    struct collector_batch *batch;
    size_t applied;
    int rc;
    struct pending *next;
};

/* Most batches one transaction takes: bounds the time the first of them waits. */
#define GROUP_MAX 256

/* Per-request state kept by MHD between calls of the access handler. */
struct request {
    void *channel;       /* a channel route's own state (collector_channel_request) */
    bool is_channel;
    void *fleet;         /* a fleet route's own state (collector_fleet_request) */
    bool is_fleet;
    bool is_live;        /* a live snapshot, not a batch: same authentication and cap */
    long antenne;        /* registry index of the path antenne */
    char *body;
    size_t len, cap;
    size_t held;         /* bytes counted in pending_bytes for this request */
    bool too_large;
    bool no_room;        /* the body would take pending_bytes over the cap: 503 at the end */
    bool queued;         /* handed to the writer: the next call answers with its result */
    struct pending pending;
    struct collector_alarm_req *alarm;   /* an alarm route's own state (collector_alarm.c) */
    void *signin;                        /* a sign-in route's own state (collector_signin.c) */
};

static struct collector_store *pool_take(struct collector_server *s)
{
    pthread_mutex_lock(&s->mu);
    while (s->n_free == 0)
        pthread_cond_wait(&s->cv, &s->mu);
    struct collector_store *st = s->free_stores[--s->n_free];
    pthread_mutex_unlock(&s->mu);
    return st;
}

static void pool_give(struct collector_server *s, struct collector_store *st)
{
    pthread_mutex_lock(&s->mu);
    s->free_stores[s->n_free++] = st;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

static enum MHD_Result send_buffer(struct MHD_Connection *c, unsigned status, const char *type, char *data,
                                   size_t len, const char *extra_header, const char *extra_value)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(data);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    if (extra_header)
        MHD_add_response_header(r, extra_header, extra_value);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, json_t *obj)
{
    char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
    json_decref(obj);
    if (!text)
        return MHD_NO;
    size_t len = strlen(text);
    /* jansson's buffer comes from malloc by default, which MHD_RESPMEM_MUST_FREE releases with free(). */
    return send_buffer(c, status, "application/json", text, len, NULL, NULL);
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *code, const char *message)
{
    return send_json(c, status, json_pack("{s:s, s:s}", "error", code, "message", message));
}

static enum MHD_Result send_unauthorized(struct MHD_Connection *c, const char *message, bool basic)
{
    json_t *o = json_pack("{s:s, s:s}", "error", "unauthorized", "message", message);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!text)
        return MHD_NO;
    return send_buffer(c, MHD_HTTP_UNAUTHORIZED, "application/json", text, strlen(text), "WWW-Authenticate",
                       basic ? "Basic realm=\"borne-collector\", charset=\"UTF-8\"" : "Bearer");
}

static const char *bearer(struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    h += 7;
    while (*h == ' ')
        h++;
    return h;
}

/* HQ endpoints accept the HQ token as a bearer token (scripts) or as the Basic password (browsers). */
static bool admin_ok(struct collector_server *s, struct MHD_Connection *c)
{
    if (collector_antennes_check_admin(s->antennes, bearer(c)))
        return true;
    char *pass = NULL;
    char *user = MHD_basic_auth_get_username_password(c, &pass);
    bool ok = pass && collector_antennes_check_admin(s->antennes, pass);
    MHD_free(user);
    MHD_free(pass);
    return ok;
}

/* Path antenne id of an antenne's URL /api/v1/antennes/<id><suffix>, or false when the URL is not one. */
static bool antenne_path(const char *url, const char *suffix, char *id, size_t size)
{
    size_t lp = strlen(BATCH_PREFIX), ls = strlen(suffix), lu = strlen(url);
    if (lu <= lp + ls || strncmp(url, BATCH_PREFIX, lp) != 0 || strcmp(url + lu - ls, suffix) != 0)
        return false;
    size_t n = lu - lp - ls;
    if (n >= size)
        n = size - 1; /* too long to be an id: truncated, and then unknown */
    memcpy(id, url + lp, n);
    id[n] = '\0';
    return true;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* libmicrohttpd's own messages (TLS handshakes, accept errors): the same rate-limited logger. */
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    log_vwrite(&borne_log_module_, LOG_LEVEL_WARN, fmt, ap);
}

/* Counts the request's body buffer as `total` bytes against pending_cap; false, and nothing
 * counted, when that would go over it. */
static bool hold_bytes(struct collector_server *s, struct request *r, size_t total)
{
    if (total <= r->held)
        return true;
    size_t more = total - r->held;
    size_t cur = atomic_load(&s->pending_bytes);
    do {
        if (cur + more > s->config->pending_cap)
            return false;
    } while (!atomic_compare_exchange_weak(&s->pending_bytes, &cur, cur + more));
    r->held = total;
    return true;
}

static void drop_body(struct collector_server *s, struct request *r)
{
    free(r->body);
    r->body = NULL;
    r->len = r->cap = 0;
    atomic_fetch_sub(&s->pending_bytes, r->held);
    r->held = 0;
}

static enum MHD_Result send_busy(struct MHD_Connection *c)
{
    json_t *o = json_pack("{s:s, s:s}", "error", "busy",
                          "message", "the server holds as many uploads as it can: retry later");
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!text)
        return MHD_NO;
    return send_buffer(c, MHD_HTTP_SERVICE_UNAVAILABLE, "application/json", text, strlen(text), "Retry-After",
                       RETRY_AFTER_BUSY);
}

static void log_reject(long antenne, const struct collector_antennes *a, unsigned status, const char *msg)
{
    log_warn("batch from %s rejected (%u): %s",
             antenne >= 0 ? collector_antennes_at(a, (size_t)antenne)->id : "?", status, msg);
}

/* First call of a batch POST: everything that can be decided from the headers alone, before any byte
 * of the body is accepted. */
static enum MHD_Result batch_begin(struct collector_server *s, struct MHD_Connection *c, const char *url,
                                   void **con_cls)
{
    char id[COLLECTOR_ID_MAX + 2];
    if (!antenne_path(url, BATCH_SUFFIX, id, sizeof id))
        antenne_path(url, LIVE_SUFFIX, id, sizeof id);
    long i = collector_ingest_valid_id(id) ? collector_antennes_find(s->antennes, id) : -1;
    if (i < 0)
        return send_error(c, MHD_HTTP_NOT_FOUND, "unknown_antenne", "no antenne with this id");
    switch (collector_antennes_check(s->antennes, (size_t)i, bearer(c))) {
    case COLLECTOR_AUTH_OK:
        http_budget_trust(s->budget, c);
        break;
    case COLLECTOR_AUTH_MISSING:
        log_reject(i, s->antennes, 401, "no or wrong token");
        return send_unauthorized(c, "a bearer token of this antenne is required", false);
    case COLLECTOR_AUTH_OTHER:
        log_reject(i, s->antennes, 403, "token of another antenne");
        return send_error(c, MHD_HTTP_FORBIDDEN, "forbidden", "this token belongs to another antenne");
    }
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    unsigned long long announced = 0;
    if (cl) {
        char *end;
        errno = 0;
        announced = strtoull(cl, &end, 10);
        if (errno || *end || announced > s->config->body_cap) {
            log_reject(i, s->antennes, 413, "Content-Length over the cap");
            return send_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "too_large", "the body is over the size cap");
        }
    }
    struct request *r = calloc(1, sizeof *r);
    if (!r)
        return MHD_NO;
    r->antenne = i;
    /* A body of known size is counted whole before a byte of it is read: refused now if it
     * cannot fit, rather than after the client sent it. */
    if (announced && !hold_bytes(s, r, (size_t)announced + 1)) {
        free(r);
        log_reject(i, s->antennes, 503, "pending request memory at its cap");
        return send_busy(c);
    }
    *con_cls = r;
    return MHD_YES;
}

static enum MHD_Result batch_body(struct collector_server *s, struct request *r, const char *data, size_t size)
{
    if (r->too_large || r->no_room)
        return MHD_YES;
    if (r->len + size > s->config->body_cap) {
        /* Drop what we have at once: a client streaming gigabytes must not cost us memory. */
        r->too_large = true;
        drop_body(s, r);
        return MHD_YES;
    }
    if (r->len + size + 1 > r->cap) {
        size_t ncap = r->cap ? r->cap : 8192;
        while (ncap < r->len + size + 1)
            ncap *= 2;
        if (ncap > s->config->body_cap + 1)
            ncap = s->config->body_cap + 1;
        if (r->held > ncap)   /* the announced size, counted already */
            ncap = r->held;
        if (!hold_bytes(s, r, ncap)) {
            r->no_room = true;
            drop_body(s, r);
            return MHD_YES;
        }
        char *nb = realloc(r->body, ncap);
        if (!nb)
            return MHD_NO;
        r->body = nb;
        r->cap = ncap;
    }
    memcpy(r->body + r->len, data, size);
    r->len += size;
    return MHD_YES;
}

static void *writer_main(void *arg)
{
    struct writer_lane *w = arg;
    struct collector_server *s = w->server;
    struct pending *group[GROUP_MAX];
    const struct collector_batch *batches[GROUP_MAX];
    struct MHD_Connection *conns[GROUP_MAX];
    size_t applied[GROUP_MAX];
    for (;;) {
        pthread_mutex_lock(&w->mu);
        while (!w->head && !w->stopping)
            pthread_cond_wait(&w->queued, &w->mu);
        if (!w->head) {
            pthread_mutex_unlock(&w->mu);
            return NULL;
        }
        size_t n = 0;
        while (w->head && n < GROUP_MAX) {
            group[n] = w->head;
            batches[n] = w->head->batch;
            conns[n] = w->head->conn;
            w->head = w->head->next;
            n++;
        }
        if (!w->head)
            w->tail = NULL;
        pthread_mutex_unlock(&w->mu);

        int64_t now = s->now();
        int rc = collector_store_apply(w->store, batches, n, now, applied);
        if (rc != 0)
            log_error("storage error: %s", collector_store_error(w->store));
        if (rc != 0 && n > 1) {
            /* One batch must not sink the others of its group: retry each on its own. */
            for (size_t i = 0; i < n; i++) {
                group[i]->rc = collector_store_apply(w->store, &batches[i], 1, now, &group[i]->applied);
                if (group[i]->rc != 0)
                    log_error("storage error: %s", collector_store_error(w->store));
            }
        } else {
            for (size_t i = 0; i < n; i++) {
                group[i]->rc = rc;
                group[i]->applied = applied[i];
            }
        }
        /* From the resume on, the request may finish and free its pending entry: not touched again. */
        for (size_t i = 0; i < n; i++)
            MHD_resume_connection(conns[i]);
    }
}

static enum MHD_Result send_storage_error(struct MHD_Connection *c)
{
    /* The board keeps the batch and retries: a storage hiccup must not lose anything. */
    json_t *o = json_pack("{s:s, s:s}", "error", "storage", "message", "storage unavailable, retry later");
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!text)
        return MHD_NO;
    return send_buffer(c, MHD_HTTP_SERVICE_UNAVAILABLE, "application/json", text, strlen(text), "Retry-After", "30");
}

/* Second call after the writer resumed the connection: answer with the result. */
static enum MHD_Result batch_answer(struct MHD_Connection *c, struct request *r)
{
    struct pending *p = &r->pending;
    enum MHD_Result ret;
    if (p->rc != 0) {
        ret = send_storage_error(c);
    } else {
        /* Every upload's answer, printed as jansson would print it but without building a tree for it: the
         * batch id is a UUID the validator checked, nothing in it to escape. */
        enum { OK_MAX = 64 + COLLECTOR_UUID_LEN };
        char *text = malloc(OK_MAX);
        int len = text ? snprintf(text, OK_MAX, "{\"accepted\":%zu,\"applied\":%zu,\"batch\":\"%s\"}",
                                  collector_batch_bucket_count(p->batch), p->applied, collector_batch_id(p->batch))
                       : -1;
        if (len > 0 && len < OK_MAX) {
            ret = send_buffer(c, MHD_HTTP_OK, "application/json", text, (size_t)len, NULL, NULL);
        } else {
            free(text);
            ret = MHD_NO;
        }
    }
    collector_batch_free(p->batch);
    p->batch = NULL;
    return ret;
}

static enum MHD_Result batch_end(struct collector_server *s, struct MHD_Connection *c, struct request *r)
{
    if (r->too_large) {
        log_reject(r->antenne, s->antennes, 413, "body over the cap");
        return send_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "too_large", "the body is over the size cap");
    }
    if (r->no_room) {
        log_reject(r->antenne, s->antennes, 503, "pending request memory at its cap");
        return send_busy(c);
    }
    const struct collector_antenne_info *info = collector_antennes_at(s->antennes, (size_t)r->antenne);
    struct collector_batch *batch;
    struct collector_ingest_error err;
    int64_t now = s->now();
    if (collector_ingest_parse(r->body ? r->body : "", r->len, info->id, now, s->config->max_buckets, &batch,
                               &err) != COLLECTOR_INGEST_OK) {
        unsigned status = (unsigned)collector_ingest_http_status(err.status);
        log_reject(r->antenne, s->antennes, status, err.message);
        return send_error(c, status, collector_ingest_code(err.status), err.message);
    }
    drop_body(s, r); /* the batch holds all it needs while it waits */
    struct writer_lane *w = &s->lanes[(size_t)r->antenne % s->n_lanes];
    pthread_mutex_lock(&w->mu);
    if (w->stopping) {
        pthread_mutex_unlock(&w->mu);
        collector_batch_free(batch);
        return send_storage_error(c);
    }
    r->pending = (struct pending){.conn = c, .batch = batch};
    r->queued = true;
    if (w->tail)
        w->tail->next = &r->pending;
    else
        w->head = &r->pending;
    w->tail = &r->pending;
    /* Suspended before the writer can see the entry: it must never resume a running connection. */
    MHD_suspend_connection(c);
    pthread_cond_signal(&w->queued);
    pthread_mutex_unlock(&w->mu);
    return MHD_YES;
}

static enum MHD_Result live_end(struct collector_server *s, struct MHD_Connection *c, struct request *r)
{
    if (r->too_large) {
        log_reject(r->antenne, s->antennes, 413, "live snapshot over the cap");
        return send_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "too_large", "the body is over the size cap");
    }
    if (r->no_room) {
        log_reject(r->antenne, s->antennes, 503, "pending request memory at its cap");
        return send_busy(c);
    }
    const struct collector_antenne_info *info = collector_antennes_at(s->antennes, (size_t)r->antenne);
    struct collector_live snap;
    struct collector_ingest_error err;
    int64_t now = s->now();
    if (collector_live_parse(r->body ? r->body : "", r->len, info->id, now, &snap, &err) != COLLECTOR_INGEST_OK) {
        unsigned status = (unsigned)collector_ingest_http_status(err.status);
        log_reject(r->antenne, s->antennes, status, err.message);
        return send_error(c, status, collector_ingest_code(err.status), err.message);
    }
    bool kept = collector_live_board_put(s->live, (size_t)r->antenne, &snap, now);
    if (kept) {
        pthread_mutex_lock(&s->amu);
        s->alert_poke = true;
        pthread_cond_signal(&s->acv);
        pthread_mutex_unlock(&s->amu);
    }
    return send_json(c, MHD_HTTP_OK, json_pack("{s:b, s:i, s:s}", "kept", kept, "accepted", kept, "batch", snap.id));
}

static bool query_filter(struct collector_server *s, struct MHD_Connection *c, struct collector_filter *f,
                         const char **why)
{
    memset(f, 0, sizeof *f);
    const char *from = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "from");
    const char *to = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "to");
    const char *antenne = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "antenne");
    const char *service = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "service");
    if (from && *from) {
        if (collector_ingest_parse_day(from) == INT64_MIN)
            return *why = "from: a YYYY-MM-DD date expected", false;
        snprintf(f->from, sizeof f->from, "%s", from);
    }
    if (to && *to) {
        if (collector_ingest_parse_day(to) == INT64_MIN)
            return *why = "to: a YYYY-MM-DD date expected", false;
        snprintf(f->to, sizeof f->to, "%s", to);
    }
    if (antenne && *antenne) {
        if (!collector_ingest_valid_id(antenne) || collector_antennes_find(s->antennes, antenne) < 0)
            return *why = "antenne: unknown antenne id", false;
        snprintf(f->antenne, sizeof f->antenne, "%s", antenne);
    }
    if (service && *service) {
        if (!(service[0] >= 'A' && service[0] <= 'Z' && service[1] == '\0'))
            return *why = "service: one capital letter A-Z expected", false;
        snprintf(f->service, sizeof f->service, "%s", service);
    }
    return true;
}

static enum MHD_Result hq_get(struct collector_server *s, struct MHD_Connection *c, const char *url)
{
    bool page = strcmp(url, "/") == 0;
    struct collector_reader who;
    if (!collector_signin_reader(s->users, c, admin_ok(s, c), s->now(), &who))
        return send_unauthorized(c, "the HQ token is required", page);
    struct collector_filter f;
    const char *why = NULL;
    if (!page && !query_filter(s, c, &f, &why))
        return send_error(c, MHD_HTTP_BAD_REQUEST, "bad_query", why);
    /* A group's manager reads the exports of one of their antennes at a time, never the region's page. */
    if (who.group[0] && (page || !f.antenne[0] ||
                         strcmp(collector_antennes_at(s->antennes, (size_t)collector_antennes_find(s->antennes, f.antenne))
                                    ->group, who.group) != 0))
        return send_error(c, MHD_HTTP_FORBIDDEN, "scope", "outside your group: ask for antenne=<one of yours>");
    struct collector_store *st = pool_take(s);
    char *out;
    size_t len;
    int rc;
    const char *type;
    if (page) {
        rc = collector_report_page(st, s->antennes, s->now(), &out, &len);
        type = "text/html; charset=utf-8";
    } else if (strcmp(url, "/api/v1/export.csv") == 0) {
        rc = collector_report_csv(st, s->antennes, &f, &out, &len);
        type = "text/csv; charset=utf-8";
    } else {
        rc = collector_report_json(st, s->antennes, &f, &out, &len);
        type = "application/json";
    }
    if (rc != 0)
        log_error("report failed: %s", collector_store_error(st));
    pool_give(s, st);
    if (rc != 0)
        return send_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "storage", "storage unavailable, retry later");
    return send_buffer(c, MHD_HTTP_OK, type, out, len, NULL, NULL);
}

/* Who reads a console request and what they asked for: false when answered already (sign-in needed,
 * bad query, or a group's manager asking for another group). */
static bool console_reader(struct collector_server *s, struct MHD_Connection *c, int64_t now,
                           struct collector_console_query *q, enum MHD_Result *answer)
{
    struct collector_reader who;
    if (!collector_signin_reader(s->users, c, admin_ok(s, c), now, &who)) {
        if (s->config->users[0])
            *answer = send_buffer(c, MHD_HTTP_SEE_OTHER, "text/plain", strdup(""), 0, MHD_HTTP_HEADER_LOCATION,
                                  "/console/login");
        else
            *answer = send_unauthorized(c, "the HQ token is required", true);
        return false;
    }
    const char *why = NULL;
#define ARG(name) MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name)
    if (collector_console_query_parse(s->antennes, now, ARG("period"), ARG("date"), ARG("territory"), ARG("group"),
                                      ARG("antenne"), q, &why) != 0) {
        *answer = send_error(c, MHD_HTTP_BAD_REQUEST, "bad_query", why);
        return false;
    }
#undef ARG
    /* A group's manager sees their group only: another group or an antenne of one is refused. */
    if (who.group[0]) {
        long a = q->antenne[0] ? collector_antennes_find(s->antennes, q->antenne) : -1;
        if ((q->group[0] && strcmp(q->group, who.group) != 0) ||
            (a >= 0 && strcmp(collector_antennes_at(s->antennes, (size_t)a)->group, who.group) != 0)) {
            *answer = send_error(c, MHD_HTTP_FORBIDDEN, "scope", "outside your group");
            return false;
        }
        snprintf(q->group, sizeof q->group, "%s", who.group);
        q->group_locked = true;
    }
    snprintf(q->reader, sizeof q->reader, "%s", who.name);
    snprintf(q->csrf, sizeof q->csrf, "%s", who.csrf);
    return true;
}

/* The steering console (collector_console.h) and its posters (collector_poster.h,
 * /console/poster/<meteo|services>.<pdf|png>): same HQ credentials as the page. */
static enum MHD_Result console_get(struct collector_server *s, struct MHD_Connection *c, const char *url)
{
    bool now_page = strcmp(url, "/console") == 0, poster = strncmp(url, POSTER_PREFIX, strlen(POSTER_PREFIX)) == 0;
    enum collector_poster_kind kind = COLLECTOR_POSTER_METEO;
    enum collector_poster_format format = COLLECTOR_POSTER_PDF;
    if (poster && !collector_poster_parse_name(url + strlen(POSTER_PREFIX), &kind, &format))
        return send_error(c, MHD_HTTP_NOT_FOUND, "not_found", "posters: meteo.pdf, meteo.png, services.pdf, services.png");
    if (!now_page && !poster && strcmp(url, "/console/period") != 0)
        return send_error(c, MHD_HTTP_NOT_FOUND, "not_found", "no such resource");
    int64_t now = s->now();
    struct collector_console_query q;
    enum MHD_Result answer;
    if (!console_reader(s, c, now, &q, &answer))
        return answer;
    size_t n = collector_antennes_count(s->antennes);
    int *targets = malloc((n ? n : 1) * sizeof *targets);
    if (!targets)
        return MHD_NO;
    collector_fleet_wait_targets(s->fleet, s->config->wait_target_min, targets);
    struct collector_store *st = pool_take(s);
    char *out;
    size_t len;
    int rc;
    if (poster)
        rc = collector_poster(st, s->antennes, targets, now, kind, format, &q, (unsigned char **)&out, &len);
    else if (now_page)
        rc = collector_console_now(st, s->antennes, s->live, s->alerts, targets, now, &q, &out, &len);
    else
        rc = collector_console_period(st, s->antennes, targets, now, &q, &out, &len);
    if (rc != 0)
        log_error("console failed: %s", collector_store_error(st));
    pool_give(s, st);
    free(targets);
    if (rc != 0)
        return send_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "storage", "storage unavailable, retry later");
    return send_buffer(c, MHD_HTTP_OK, poster ? collector_poster_mime(format) : "text/html; charset=utf-8", out, len,
                       NULL, NULL);
}

/* The console's changes (collector_signin.h checked the session and its CSRF token):
 * POST /console/alerts/ack  antenne, kind → 303 to /console; a group's manager acknowledges their
 * group's alerts only (403), an alert that is not active (cleared meanwhile) is a 409. */
static enum MHD_Result console_change(void *ctx, struct MHD_Connection *c, const char *url, const char *form,
                                      const struct collector_reader *who)
{
    struct collector_server *s = ctx;
    if (strcmp(url, "/console/alerts/ack") != 0)
        return send_error(c, MHD_HTTP_NOT_FOUND, "not_found", "no such resource");
    char antenne[COLLECTOR_ID_MAX + 1], word[32];
    enum collector_alert_kind kind;
    long i = -1;
    if (collector_signin_form_value(form, "antenne", antenne, sizeof antenne))
        i = collector_antennes_find(s->antennes, antenne);
    if (i < 0 || !collector_signin_form_value(form, "kind", word, sizeof word) ||
        !collector_alert_kind_parse(word, &kind))
        return send_error(c, MHD_HTTP_BAD_REQUEST, "bad_form", "antenne: a known id, kind: an alert kind expected");
    if (who->group[0] && strcmp(collector_antennes_at(s->antennes, (size_t)i)->group, who->group) != 0)
        return send_error(c, MHD_HTTP_FORBIDDEN, "scope", "outside your group");
    struct collector_store *st = pool_take(s);
    int rc = collector_alerts_acknowledge(s->alerts, st, (size_t)i, kind, who->name, s->now());
    pool_give(s, st);
    if (rc == -EIO)
        return send_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "storage", "storage unavailable, retry later");
    if (rc != 0)
        return send_error(c, MHD_HTTP_CONFLICT, "not_active", "this alert is no longer active");
    return send_buffer(c, MHD_HTTP_SEE_OTHER, "text/plain", strdup(""), 0, MHD_HTTP_HEADER_LOCATION, "/console");
}

/* Routing: first call of a request (headers in), body chunks, then the final call. */
static enum MHD_Result route_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                     const char *version, const char *upload_data, size_t *upload_data_size,
                                     void **con_cls)
{
    (void)version;
    struct collector_server *s = cls;
    struct request *r = *con_cls;
    if (r && r->is_channel)
        return collector_channel_request(s->channel, c, url, method, false, upload_data, upload_data_size,
                                         &r->channel);
    if (r && r->is_fleet)
        return collector_fleet_request(s->fleet, c, url, method, false, upload_data, upload_data_size, &r->fleet);
    if (collector_signin_route(url, method)) {
        if (!r && !(r = *con_cls = calloc(1, sizeof *r)))
            return MHD_NO;
        return collector_signin_request(s->users, c, url, method, s->config->cert[0] != '\0', s->now(), upload_data,
                                        upload_data_size, &r->signin, console_change, s);
    }
    if (collector_alarms_route(url)) {
        if (!r && !(r = *con_cls = calloc(1, sizeof *r)))
            return MHD_NO;
        return collector_alarms_request(s->alarms, c, url, method, upload_data, upload_data_size,
                                        &r->alarm);
    }
    if (r) {
        if (r->queued)
            return batch_answer(c, r);
        if (*upload_data_size) {
            enum MHD_Result ret = batch_body(s, r, upload_data, *upload_data_size);
            *upload_data_size = 0;
            return ret;
        }
        return r->is_live ? live_end(s, c, r) : batch_end(s, c, r);
    }
    if (collector_channel_route(url) || collector_fleet_route(url)) {
        if (!(r = calloc(1, sizeof *r)))
            return MHD_NO;
        *con_cls = r;
        /* Later calls of the same request are past these checks (the admin one included). */
        if (collector_fleet_route(url)) {
            r->is_fleet = true;
            return collector_fleet_request(s->fleet, c, url, method, admin_ok(s, c), upload_data, upload_data_size,
                                           &r->fleet);
        }
        r->is_channel = true;
        return collector_channel_request(s->channel, c, url, method, admin_ok(s, c), upload_data, upload_data_size,
                                         &r->channel);
    }
    char id[COLLECTOR_ID_MAX + 2];
    bool is_batch = antenne_path(url, BATCH_SUFFIX, id, sizeof id);
    bool is_live = !is_batch && antenne_path(url, LIVE_SUFFIX, id, sizeof id);
    bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
    if (is_batch || is_live) {
        if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
            return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method", "use POST");
        enum MHD_Result ret = batch_begin(s, c, url, con_cls);
        if (*con_cls)
            ((struct request *)*con_cls)->is_live = is_live;
        return ret;
    }
    if (strcmp(url, "/api/v1/live") == 0 && get) {
        if (!admin_ok(s, c))
            return send_unauthorized(c, "the HQ token is required", false);
        return send_json(c, MHD_HTTP_OK, collector_live_json(s->live, s->antennes, NULL));
    }
    if (strcmp(url, "/healthz") == 0 && get) {
        char *ok = strdup("ok\n");
        return ok ? send_buffer(c, MHD_HTTP_OK, "text/plain", ok, 3, NULL, NULL) : MHD_NO;
    }
    if (strncmp(url, "/console", 8) == 0 && get)
        return console_get(s, c, url);
    if (strcmp(url, "/") == 0 || strcmp(url, "/api/v1/export.csv") == 0 || strcmp(url, "/api/v1/export.json") == 0) {
        if (!get)
            return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method", "use GET");
        return hq_get(s, c, url);
    }
    return send_error(c, MHD_HTTP_NOT_FOUND, "not_found", "no such resource");
}

/* The request deadline (app/net) runs until the request is complete: headers and, when one
 * is announced, the whole body. A request that waits after that (a batch queued for the writer,
 * a long poll) is no longer subject to it. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    struct collector_server *s = cls;
    bool body_chunk = *upload_data_size != 0;
    const char *length = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    bool awaits_body = !*con_cls && !body_chunk &&
                       (MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING) ||
                        (length && strcmp(length, "0") != 0));
    if (!body_chunk && !awaits_body)
        http_budget_answering(s->budget, c);
    return route_request(cls, c, url, method, version, upload_data, upload_data_size, con_cls);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t)
{
    (void)t;
    struct collector_server *s = cls;
    http_budget_request_done(s->budget, c);
    struct request *r = *con_cls;
    if (r) {
        collector_channel_completed(r->channel);
        collector_fleet_completed(r->fleet);
        collector_alarms_done(r->alarm);
        collector_signin_done(r->signin);
        collector_batch_free(r->pending.batch);
        drop_body(s, r);
        free(r);
        *con_cls = NULL;
    }
}

static char *read_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    char *data = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[4096];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            char *nd = realloc(data, cap);
            if (!nd) {
                free(data);
                fclose(f);
                snprintf(err, errlen, "%s: out of memory", path);
                return NULL;
            }
            data = nd;
        }
        memcpy(data + len, chunk, n);
        len += n;
    }
    bool bad = ferror(f) || len == 0;
    fclose(f);
    if (bad) {
        free(data);
        snprintf(err, errlen, "%s: cannot read (or empty)", path);
        return NULL;
    }
    data[len] = '\0';
    return data;
}

/* How often the rollup's background pass folds the days the uploads marked: a reader then folds at most
 * these seconds of uploads itself. */
#define ROLLUP_PASS_S 5

/* How often the alert rules look at the live board without news (a board going silent, a printer
 * fault growing old); a snapshot that arrives wakes them, at most once per ALERT_TICK_MIN_S. */
#define ALERT_TICK_S 15
#define ALERT_TICK_MIN_S 1

/* Under s->amu: waits `seconds`, or less when stopping (or poked, if or_poke). */
static void alert_wait(struct collector_server *s, int seconds, bool or_poke)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += seconds;
    while (!s->alert_stop && !(or_poke && s->alert_poke) && pthread_cond_timedwait(&s->acv, &s->amu, &until) == 0)
        ;
}

static bool alerts_stopping(void *ctx)
{
    struct collector_server *s = ctx;
    pthread_mutex_lock(&s->amu);
    bool stop = s->alert_stop;
    pthread_mutex_unlock(&s->amu);
    return stop;
}

static void *alert_main(void *arg)
{
    struct collector_server *s = arg;
    size_t n = collector_antennes_count(s->antennes);
    int *targets = malloc((n ? n : 1) * sizeof *targets);
    if (!targets) {
        log_error("alerts: out of memory, no steering alert will be sent");
        return NULL;
    }
    pthread_mutex_lock(&s->amu);
    while (!s->alert_stop) {
        pthread_mutex_unlock(&s->amu);
        int64_t now = s->now();
        collector_fleet_wait_targets(s->fleet, s->config->wait_target_min, targets);
        collector_alerts_review(s->alerts, s->alert_store, now);
        collector_alerts_tick(s->alerts, s->alert_store, targets, now);
        pthread_mutex_lock(&s->amu);
        alert_wait(s, ALERT_TICK_MIN_S, false);
        alert_wait(s, ALERT_TICK_S - ALERT_TICK_MIN_S, true);
        s->alert_poke = false;
    }
    pthread_mutex_unlock(&s->amu);
    free(targets);
    return NULL;
}

static void stop_alerts(struct collector_server *s)
{
    if (!s->alert_started)
        return;
    pthread_mutex_lock(&s->amu);
    s->alert_stop = true;
    pthread_cond_signal(&s->acv);
    pthread_mutex_unlock(&s->amu);
    pthread_join(s->alert_thread, NULL);
    s->alert_started = false;
}

/* Each writer commits and resumes everything queued, then exits; later batches get a 503. MHD forbids
 * stopping the daemon with suspended connections, so this runs before MHD_stop_daemon(). */
static void stop_writer(struct collector_server *s)
{
    for (size_t i = 0; i < s->n_lanes; i++) {
        struct writer_lane *w = &s->lanes[i];
        pthread_mutex_lock(&w->mu);
        w->stopping = true;
        pthread_cond_signal(&w->queued);
        pthread_mutex_unlock(&w->mu);
        if (w->started)
            pthread_join(w->thread, NULL);
        w->started = false;
    }
}

static void free_lanes(struct collector_server *s)
{
    for (size_t i = 0; i < s->n_lanes; i++) {
        collector_store_close(s->lanes[i].store);
        pthread_mutex_destroy(&s->lanes[i].mu);
        pthread_cond_destroy(&s->lanes[i].queued);
    }
    free(s->lanes);
}

/* Opens each lane's own store connection and starts its writer. */
static int start_lanes(struct collector_server *s, char *err, size_t errlen)
{
    size_t n = s->config->backend == COLLECTOR_BACKEND_POSTGRESQL ? WRITER_LANES_POSTGRESQL : 1;
    if (!(s->lanes = calloc(n, sizeof *s->lanes))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (; s->n_lanes < n; s->n_lanes++) {
        struct writer_lane *w = &s->lanes[s->n_lanes];
        w->server = s;
        pthread_mutex_init(&w->mu, NULL);
        pthread_cond_init(&w->queued, NULL);
        if (collector_store_open(s->config->backend, s->config->storage, &w->store, err, errlen) != 0) {
            s->n_lanes++;
            return -1;
        }
        if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
            s->n_lanes++;
            snprintf(err, errlen, "cannot start a writer thread");
            return -1;
        }
        w->started = true;
    }
    return 0;
}

static void free_server(struct collector_server *s)
{
    stop_writer(s);
    stop_alerts(s);   /* the alert thread reads the fleet's targets */
    collector_rollup_pass_stop(s->rollup);
    collector_fleet_free(s->fleet);
    collector_alerts_free(s->alerts);
    collector_store_close(s->alert_store);
    collector_users_free(s->users);
    collector_channel_free(s->channel);
    collector_alarms_free(s->alarms);
    collector_live_board_free(s->live);
    free_lanes(s);
    for (size_t i = 0; i < s->n_stores; i++)
        collector_store_close(s->stores[i]);
    free(s->stores);
    free(s->free_stores);
    free(s->cert_pem);
    free(s->key_pem);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->amu);
    pthread_cond_destroy(&s->acv);
    http_budget_free(s->budget);
    free(s);
}

static int resolve(const char *host, int port, struct sockaddr_storage *ss, socklen_t *len, char *err, size_t errlen)
{
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE | AI_NUMERICSERV;
    hints.ai_socktype = SOCK_STREAM;
    char ports[8];
    snprintf(ports, sizeof ports, "%d", port);
    int rc = getaddrinfo(host, ports, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "listen address %s: %s", host, gai_strerror(rc));
        return -1;
    }
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

int collector_server_start(const struct collector_config *config, const struct collector_antennes *antennes,
                           collector_clock_fn now, struct collector_server **out, char *err, size_t errlen)
{
    *out = NULL;
    struct collector_server *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    s->config = config;
    s->antennes = antennes;
    s->now = now;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    pthread_mutex_init(&s->amu, NULL);
    pthread_condattr_t mono;
    pthread_condattr_init(&mono);
    pthread_condattr_setclock(&mono, CLOCK_MONOTONIC);
    pthread_cond_init(&s->acv, &mono);
    pthread_condattr_destroy(&mono);
    size_t n = (size_t)config->threads;
    s->stores = calloc(n, sizeof *s->stores);
    s->free_stores = calloc(n, sizeof *s->free_stores);
    if (!s->stores || !s->free_stores) {
        snprintf(err, errlen, "out of memory");
        free_server(s);
        return -1;
    }
    /* Opened one after the other: concurrent CREATE TABLE IF NOT EXISTS can race in PostgreSQL. */
    for (; s->n_stores < n; s->n_stores++) {
        if (collector_store_open(config->backend, config->storage, &s->stores[s->n_stores], err, errlen) != 0) {
            free_server(s);
            return -1;
        }
        s->free_stores[s->n_free++] = s->stores[s->n_stores];
    }
    if (start_lanes(s, err, errlen) != 0) {
        free_server(s);
        return -1;
    }
    /* the boards' channels ride in the general pool: they are authenticated at once */
    const http_budget_limits limits = {.general = COLLECTOR_CONNECTIONS + COLLECTOR_CHANNELS_MAX,
                                       .reserved = COLLECTOR_CONNECTIONS_TRUSTED,
                                       .per_address = COLLECTOR_PER_ADDRESS,
                                       .deadline_s = COLLECTOR_REQUEST_DEADLINE_S};
    int brc = http_budget_new(&s->budget, &limits);
    if (brc != 0) {
        snprintf(err, errlen, "connection budgets: %s", strerror(-brc));
        free_server(s);
        return -1;
    }
    if (collector_channel_new(config, antennes, now, &s->channel, err, errlen) != 0 ||
        collector_fleet_new(config, antennes, s->channel, now, &s->fleet, err, errlen) != 0) {
        free_server(s);
        return -1;
    }
    if (collector_alarms_new(config, antennes, now, s->channel, &s->alarms, err, errlen) != 0) {
        free_server(s);
        return -1;
    }
    if (!(s->live = collector_live_board_new(collector_antennes_count(antennes))) ||
        !(s->alerts = collector_alerts_new(antennes, s->live, &config->alert_sink, alerts_stopping, s))) {
        snprintf(err, errlen, "out of memory");
        free_server(s);
        return -1;
    }
    if (collector_store_open(config->backend, config->storage, &s->alert_store, err, errlen) != 0) {
        free_server(s);
        return -1;
    }
    if (collector_alerts_restore(s->alerts, s->alert_store) != 0) {
        snprintf(err, errlen, "cannot take back the steering alerts: %s", collector_store_error(s->alert_store));
        free_server(s);
        return -1;
    }
    if (collector_users_load(config->users, antennes, &s->users, err, errlen) != 0 ||
        (config->users[0] &&
         collector_users_persist(s->users, config->backend, config->storage, now(), err, errlen) != 0)) {
        free_server(s);
        return -1;
    }
    if (collector_rollup_pass_start(config->backend, config->storage, ROLLUP_PASS_S, &s->rollup, err, errlen) != 0) {
        free_server(s);
        return -1;
    }
    if (pthread_create(&s->alert_thread, NULL, alert_main, s) != 0) {
        snprintf(err, errlen, "cannot start the alert thread");
        free_server(s);
        return -1;
    }
    s->alert_started = true;

    struct sockaddr_storage addr;
    socklen_t addrlen;
    if (resolve(config->listen, config->port, &addr, &addrlen, err, errlen) != 0) {
        free_server(s);
        return -1;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    if (addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (config->cert[0]) {
        if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
            snprintf(err, errlen, "this libmicrohttpd has no TLS support");
            free_server(s);
            return -1;
        }
        if (!(s->cert_pem = read_file(config->cert, err, errlen)) ||
            !(s->key_pem = read_file(config->key, err, errlen))) {
            free_server(s);
            return -1;
        }
        flags |= MHD_USE_TLS;
    }
    struct MHD_OptionItem tls_opts[] = {
        {MHD_OPTION_HTTPS_MEM_CERT, 0, s->cert_pem},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, s->key_pem},
        {MHD_OPTION_END, 0, NULL},
    };
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)config->port, http_budget_accept, s->budget, on_request, s,
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,   /* first, or early messages miss it */
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)config->threads,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)COLLECTOR_IDLE_TIMEOUT_S,
        MHD_OPTION_CONNECTION_LIMIT, http_budget_mhd_limit(s->budget),
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)COLLECTOR_PER_ADDRESS,
        MHD_OPTION_NOTIFY_CONNECTION, http_budget_notify, s->budget,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_ARRAY, config->cert[0] ? tls_opts : &tls_opts[2], MHD_OPTION_END);
    if (!s->daemon) {
        snprintf(err, errlen, "cannot listen on %s port %d (address in use, or bad TLS files?)", config->listen,
                 config->port);
        free_server(s);
        return -1;
    }
    *out = s;
    return 0;
}

struct collector_live_board *collector_server_live(struct collector_server *server)
{
    return server->live;
}

struct collector_channel *collector_server_channel(struct collector_server *server)
{
    return server->channel;
}

int collector_server_port(const struct collector_server *server)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(server->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? (int)info->port : -1;
}

void collector_server_stop(struct collector_server *server)
{
    if (!server)
        return;
    stop_writer(server);
    collector_channel_close_streams(server->channel);
    MHD_stop_daemon(server->daemon);
    free_server(server);
}
