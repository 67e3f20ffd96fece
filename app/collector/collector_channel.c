#include "borne/collector_channel.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "borne/channel.h"
#include "borne/collector_http.h"
#include "borne/collector_ingest.h"
#include "borne/collector_store.h"
#include "borne/log.h"

BORNE_LOG_MODULE("channel");

#define ANTENNE_PREFIX "/api/v1/antennes/"
#define ADMIN_PREFIX "/api/v1/channel/"
#define MAX_TYPES 32
/* A board that does not read its stream is cut off past this much unsent text; it gets everything
 * again from the store when it reconnects. */
#define STREAM_BUFFER_MAX (4u << 20)

enum route {
    ROUTE_NONE,
    ROUTE_STREAM,     /* GET  .../channel */
    ROUTE_ACKS,       /* POST .../channel/acks */
    ROUTE_EVENTS,     /* POST .../channel/events */
    ROUTE_PUBLISH,    /* POST .../channel/messages (HQ) */
    ROUTE_LIST,       /* GET  /api/v1/channel/messages (HQ) */
    ROUTE_ONLINE,     /* GET  /api/v1/channel/online (HQ) */
};

/* One open event stream; owned by its MHD response (freed by stream_free when the connection ends). */
struct stream {
    struct collector_channel *ch;
    struct MHD_Connection *conn;
    size_t antenne;
    char *buf;
    size_t len, off, cap;
    bool suspended;   /* we suspended it in stream_read and nobody resumed it yet */
    bool closing;     /* end the stream once the buffer is sent */
};

/* Per-request state of the channel's routes (the server's request slot points to it). */
struct chan_request {
    enum route route;
    long antenne;
    struct collector_body body;
};

struct collector_channel {
    const struct collector_config *config;
    const struct collector_antennes *antennes;
    collector_channel_clock_fn now;
    /* store_mu: the store connection, id allocation and the order of pushes (held across a
     * publish so two concurrent publishes reach a stream in id order). Taken before mu. */
    pthread_mutex_t store_mu;
    struct collector_store *store;
    int64_t next_id;
    /* mu: streams and types. */
    pthread_mutex_t mu;
    pthread_cond_t wake;
    struct stream **live;   /* by antenne index */
    size_t n_live;
    struct collector_channel_type types[MAX_TYPES];
    size_t n_types;
    pthread_t keepalive;
    bool keepalive_started, stopping;
};

/* ---- helpers ------------------------------------------------------------------------------------ */

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, json_t *body)
{
    return collector_http_json(c, status, body);
}

static enum MHD_Result fail(struct MHD_Connection *c, unsigned status, const char *code, const char *message)
{
    return collector_http_error(c, status, code, message);
}

static const struct collector_channel_type *find_type(struct collector_channel *ch, const char *name,
                                                      struct collector_channel_type *copy)
{
    const struct collector_channel_type *found = NULL;
    pthread_mutex_lock(&ch->mu);
    for (size_t i = 0; i < ch->n_types; i++)
        if (strcmp(ch->types[i].name, name) == 0) {
            *copy = ch->types[i];
            found = copy;
        }
    pthread_mutex_unlock(&ch->mu);
    return found;
}

/* Route of a URL and, for antenne routes, the id in it. */
static enum route parse_route(const char *url, char *id, size_t idsize)
{
    if (strcmp(url, ADMIN_PREFIX "messages") == 0)
        return ROUTE_LIST;
    if (strcmp(url, ADMIN_PREFIX "online") == 0)
        return ROUTE_ONLINE;
    size_t lp = strlen(ANTENNE_PREFIX);
    if (strncmp(url, ANTENNE_PREFIX, lp) != 0)
        return ROUTE_NONE;
    const char *rest = url + lp, *slash = strchr(rest, '/');
    if (!slash || slash == rest)
        return ROUTE_NONE;
    static const struct { const char *suffix; enum route route; } suffixes[] = {
        {"/channel", ROUTE_STREAM},
        {"/channel/acks", ROUTE_ACKS},
        {"/channel/events", ROUTE_EVENTS},
        {"/channel/messages", ROUTE_PUBLISH},
    };
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        if (strcmp(slash, suffixes[i].suffix) == 0) {
            size_t n = (size_t)(slash - rest);
            if (n >= idsize)
                n = idsize - 1; /* too long to be an id: truncated, and then unknown */
            memcpy(id, rest, n);
            id[n] = '\0';
            return suffixes[i].route;
        }
    }
    return ROUTE_NONE;
}

bool collector_channel_route(const char *url)
{
    char id[COLLECTOR_ID_MAX + 2];
    return parse_route(url, id, sizeof id) != ROUTE_NONE;
}

/* ---- streams ------------------------------------------------------------------------------------ */

static bool stream_append(struct stream *st, const char *text, size_t n)
{
    if (st->off > 0 && st->off == st->len)
        st->off = st->len = 0;
    if (st->len - st->off + n > STREAM_BUFFER_MAX)
        return false;
    if (st->len + n > st->cap) {
        if (st->off > 0) {
            memmove(st->buf, st->buf + st->off, st->len - st->off);
            st->len -= st->off;
            st->off = 0;
        }
        size_t ncap = st->cap ? st->cap : 1024;
        while (ncap < st->len + n)
            ncap *= 2;
        char *nb = realloc(st->buf, ncap);
        if (!nb)
            return false;
        st->buf = nb;
        st->cap = ncap;
    }
    memcpy(st->buf + st->len, text, n);
    st->len += n;
    return true;
}

/* Under ch->mu. */
static void stream_wake(struct stream *st)
{
    if (st->suspended) {
        st->suspended = false;
        MHD_resume_connection(st->conn);
    }
}

/* Under ch->mu: queues one message in the SSE format. A stream whose buffer is full is closed: the
 * board reconnects and reads the rest from the store. */
static void stream_push(struct stream *st, int64_t id, const char *type, const char *data)
{
    char head[96];
    int n = snprintf(head, sizeof head, "id: %lld\nevent: %s\ndata: ", (long long)id, type);
    if (!stream_append(st, head, (size_t)n) || !stream_append(st, data, strlen(data)) ||
        !stream_append(st, "\n\n", 2)) {
        log_warn("%s: stream buffer full, closing it (the board will reconnect)",
                 collector_antennes_at(st->ch->antennes, st->antenne)->id);
        st->closing = true;
    }
    stream_wake(st);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
    (void)pos;
    struct stream *st = cls;
    struct collector_channel *ch = st->ch;
    ssize_t ret;
    pthread_mutex_lock(&ch->mu);
    if (st->off < st->len) {
        size_t n = st->len - st->off < max ? st->len - st->off : max;
        memcpy(out, st->buf + st->off, n);
        st->off += n;
        ret = (ssize_t)n;
    } else if (st->closing) {
        ret = MHD_CONTENT_READER_END_OF_STREAM;
    } else {
        /* Nothing to send: leave MHD's event loop until a message or the keepalive resumes us. */
        st->suspended = true;
        MHD_suspend_connection(st->conn);
        ret = 0;
    }
    pthread_mutex_unlock(&ch->mu);
    return ret;
}

static void stream_free(void *cls)
{
    struct stream *st = cls;
    struct collector_channel *ch = st->ch;
    pthread_mutex_lock(&ch->mu);
    if (ch->live[st->antenne] == st)
        ch->live[st->antenne] = NULL;
    pthread_mutex_unlock(&ch->mu);
    log_info("%s: channel closed", collector_antennes_at(ch->antennes, st->antenne)->id);
    free(st->buf);
    free(st);
}

static int pending_row(void *ctx, int64_t id, const char *type, const char *data)
{
    stream_push(ctx, id, type, data);
    return 0;
}

static enum MHD_Result open_stream(struct collector_channel *ch, struct MHD_Connection *c, size_t antenne)
{
    struct stream *st = calloc(1, sizeof *st);
    if (!st)
        return MHD_NO;
    st->ch = ch;
    st->conn = c;
    st->antenne = antenne;
    const char *id = collector_antennes_at(ch->antennes, antenne)->id;
    /* A comment first: the board knows at once that the stream is up. */
    stream_append(st, ": borne channel\n\n", 17);
    /* Both locks across the load and the attach: no publish can fall between them. */
    pthread_mutex_lock(&ch->store_mu);
    pthread_mutex_lock(&ch->mu);
    int rc = collector_store_channel_pending(ch->store, id, pending_row, st);
    if (rc == 0) {
        struct stream *old = ch->live[antenne];
        if (old) {
            /* One stream per antenne: the newer connection wins, the older one ends. */
            old->closing = true;
            stream_wake(old);
        }
        ch->live[antenne] = st;
    }
    pthread_mutex_unlock(&ch->mu);
    if (rc != 0)
        log_error("%s: cannot load pending messages: %s", id, collector_store_error(ch->store));
    pthread_mutex_unlock(&ch->store_mu);
    if (rc != 0) {
        free(st->buf);
        free(st);
        return fail(c, MHD_HTTP_SERVICE_UNAVAILABLE, "storage", "storage unavailable, retry later");
    }
    struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, stream_read, st,
                                                               stream_free);
    if (!r) {
        stream_free(st);
        return MHD_NO;
    }
    log_info("%s: channel open", id);
    return collector_http_send(c, MHD_HTTP_OK, r, "text/event-stream");
}

static void *keepalive_main(void *arg)
{
    struct collector_channel *ch = arg;
    pthread_mutex_lock(&ch->mu);
    while (!ch->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += COLLECTOR_CHANNEL_KEEPALIVE_S;
        while (!ch->stopping && pthread_cond_timedwait(&ch->wake, &ch->mu, &until) != ETIMEDOUT)
            ;
        if (ch->stopping)
            break;
        for (size_t i = 0; i < ch->n_live; i++) {
            struct stream *st = ch->live[i];
            if (st && st->off == st->len && stream_append(st, ":\n\n", 3))
                stream_wake(st);
        }
    }
    pthread_mutex_unlock(&ch->mu);
    return NULL;
}

/* ---- public API --------------------------------------------------------------------------------- */

int collector_channel_new(const struct collector_config *config, const struct collector_antennes *antennes,
                          collector_channel_clock_fn now, struct collector_channel **out, char *err, size_t errlen)
{
    *out = NULL;
    struct collector_channel *ch = calloc(1, sizeof *ch);
    size_t n = collector_antennes_count(antennes);
    if (!ch || !(ch->live = calloc(n ? n : 1, sizeof *ch->live))) {
        free(ch);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    ch->config = config;
    ch->antennes = antennes;
    ch->now = now;
    ch->n_live = n;
    pthread_mutex_init(&ch->store_mu, NULL);
    pthread_mutex_init(&ch->mu, NULL);
    pthread_cond_init(&ch->wake, NULL);
    if (collector_store_open(config->backend, config->storage, &ch->store, err, errlen) != 0) {
        collector_channel_free(ch);
        return -1;
    }
    if (collector_store_channel_max_id(ch->store, &ch->next_id) != 0) {
        snprintf(err, errlen, "channel: %s", collector_store_error(ch->store));
        collector_channel_free(ch);
        return -1;
    }
    ch->next_id++;
    if (pthread_create(&ch->keepalive, NULL, keepalive_main, ch) != 0) {
        snprintf(err, errlen, "cannot start the channel keepalive thread");
        collector_channel_free(ch);
        return -1;
    }
    ch->keepalive_started = true;
    *out = ch;
    return 0;
}

void collector_channel_close_streams(struct collector_channel *ch)
{
    if (!ch)
        return;
    pthread_mutex_lock(&ch->mu);
    for (size_t i = 0; i < ch->n_live; i++) {
        if (ch->live[i]) {
            ch->live[i]->closing = true;
            stream_wake(ch->live[i]);
        }
    }
    pthread_mutex_unlock(&ch->mu);
}

void collector_channel_free(struct collector_channel *ch)
{
    if (!ch)
        return;
    if (ch->keepalive_started) {
        pthread_mutex_lock(&ch->mu);
        ch->stopping = true;
        pthread_cond_signal(&ch->wake);
        pthread_mutex_unlock(&ch->mu);
        pthread_join(ch->keepalive, NULL);
    }
    collector_store_close(ch->store);
    pthread_mutex_destroy(&ch->store_mu);
    pthread_mutex_destroy(&ch->mu);
    pthread_cond_destroy(&ch->wake);
    free(ch->live);
    free(ch);
}

int collector_channel_register(struct collector_channel *ch, const struct collector_channel_type *type)
{
    if (!channel_type_valid(type->name))
        return -EINVAL;
    int rc = 0;
    pthread_mutex_lock(&ch->mu);
    for (size_t i = 0; i < ch->n_types; i++)
        if (strcmp(ch->types[i].name, type->name) == 0)
            rc = -EEXIST;
    if (rc == 0 && ch->n_types == MAX_TYPES)
        rc = -ENOSPC;
    if (rc == 0)
        ch->types[ch->n_types++] = *type;
    pthread_mutex_unlock(&ch->mu);
    return rc;
}

int collector_channel_publish(struct collector_channel *ch, size_t antenne, const char *type, const json_t *data,
                              int64_t *id, char *err, size_t errlen)
{
    if (antenne >= ch->n_live || !channel_type_valid(type) || !json_is_object(data)) {
        snprintf(err, errlen, "a known antenne, a type [a-z][a-z0-9_]* and an object are required");
        return -EINVAL;
    }
    char *text = json_dumps(data, JSON_COMPACT);
    if (!text || strlen(text) > COLLECTOR_CHANNEL_DATA_MAX) {
        free(text);
        snprintf(err, errlen, "message data over %d bytes", COLLECTOR_CHANNEL_DATA_MAX);
        return -EINVAL;
    }
    const char *aid = collector_antennes_at(ch->antennes, antenne)->id;
    pthread_mutex_lock(&ch->store_mu);
    int64_t mid = ch->next_id;
    int rc = collector_store_channel_add(ch->store, mid, aid, type, text, ch->now());
    if (rc == 0) {
        ch->next_id++;
        pthread_mutex_lock(&ch->mu);
        if (ch->live[antenne])
            stream_push(ch->live[antenne], mid, type, text);
        pthread_mutex_unlock(&ch->mu);
    } else {
        snprintf(err, errlen, "storage: %s", collector_store_error(ch->store));
    }
    pthread_mutex_unlock(&ch->store_mu);
    free(text);
    if (rc != 0)
        return -EIO;
    log_info("%s: message %lld (%s) queued", aid, (long long)mid, type);
    if (id)
        *id = mid;
    return 0;
}

bool collector_channel_online(struct collector_channel *ch, size_t antenne)
{
    pthread_mutex_lock(&ch->mu);
    bool on = antenne < ch->n_live && ch->live[antenne] && !ch->live[antenne]->closing;
    pthread_mutex_unlock(&ch->mu);
    return on;
}

/* ---- board answers and HQ requests --------------------------------------------------------------- */

static enum MHD_Result on_ack(struct collector_channel *ch, struct MHD_Connection *c, size_t antenne,
                              const json_t *body)
{
    json_int_t id = 0;
    int ok = 0;
    const char *type = NULL, *error = "";
    json_t *result = NULL;
    json_error_t jerr;
    if (json_unpack_ex((json_t *)body, &jerr, JSON_STRICT, "{s:I, s:s, s:b, s?:s, s?:o}", "id", &id, "type", &type,
                       "ok", &ok, "error", &error, "result", &result) != 0 || id <= 0)
        return fail(c, MHD_HTTP_UNPROCESSABLE_CONTENT, "invalid", jerr.text[0] ? jerr.text : "id must be positive");
    const char *aid = collector_antennes_at(ch->antennes, antenne)->id;
    char *result_text = result ? json_dumps(result, JSON_COMPACT) : NULL;
    bool first = false;
    pthread_mutex_lock(&ch->store_mu);
    int rc = collector_store_channel_ack(ch->store, aid, (int64_t)id, type, ch->now(), ok, error,
                                         result_text ? result_text : "", &first);
    if (rc != 0)
        log_error("%s: cannot record the answer to %lld: %s", aid, (long long)id, collector_store_error(ch->store));
    pthread_mutex_unlock(&ch->store_mu);
    free(result_text);
    if (rc != 0)
        return fail(c, MHD_HTTP_SERVICE_UNAVAILABLE, "storage", "storage unavailable, retry later");
    if (first) {
        if (ok)
            log_info("%s: message %lld (%s) applied", aid, (long long)id, type);
        else
            log_warn("%s: message %lld (%s) refused by the board: %s", aid, (long long)id, type, error);
        struct collector_channel_type t;
        if (find_type(ch, type, &t) && t.on_ack)
            t.on_ack(t.ctx, aid, (int64_t)id, ok, error, result);
    }
    return reply(c, MHD_HTTP_OK, json_pack("{s:I, s:b}", "acked", id, "recorded", first));
}

static enum MHD_Result on_event(struct collector_channel *ch, struct MHD_Connection *c, size_t antenne,
                                const json_t *body)
{
    const char *type = NULL, *key = NULL;
    json_int_t at = 0;
    json_t *data = NULL;
    json_error_t jerr;
    if (json_unpack_ex((json_t *)body, &jerr, JSON_STRICT, "{s:s, s:s, s:I, s:o}", "type", &type, "key", &key,
                       "at", &at, "data", &data) != 0)
        return fail(c, MHD_HTTP_UNPROCESSABLE_CONTENT, "invalid", jerr.text);
    if (!json_is_object(data) || !*key || strlen(key) > 128)
        return fail(c, MHD_HTTP_UNPROCESSABLE_CONTENT, "invalid", "data must be an object, key 1-128 characters");
    struct collector_channel_type t;
    if (!find_type(ch, type, &t) || !t.on_event)
        return fail(c, MHD_HTTP_UNPROCESSABLE_CONTENT, "unknown_type", "no event of this type is known here");
    const char *aid = collector_antennes_at(ch->antennes, antenne)->id;
    char *text = json_dumps(data, JSON_COMPACT);
    bool is_new = false;
    pthread_mutex_lock(&ch->store_mu);
    int rc = text ? collector_store_channel_event(ch->store, aid, key, type, (int64_t)at, text, ch->now(), &is_new)
                  : -1;
    if (rc != 0)
        log_error("%s: cannot record event %s: %s", aid, key, collector_store_error(ch->store));
    pthread_mutex_unlock(&ch->store_mu);
    free(text);
    if (rc != 0)
        return fail(c, MHD_HTTP_SERVICE_UNAVAILABLE, "storage", "storage unavailable, retry later");
    if (is_new) {
        char err[256] = "";
        if (t.on_event(t.ctx, aid, key, (int64_t)at, data, err, sizeof err) != 0) {
            log_warn("%s: event %s (%s) refused: %s", aid, key, type, err);
            return fail(c, MHD_HTTP_UNPROCESSABLE_CONTENT, "refused", err);
        }
    }
    return reply(c, MHD_HTTP_OK, json_pack("{s:s, s:b}", "key", key, "duplicate", !is_new));
}

static enum MHD_Result on_publish(struct collector_channel *ch, struct MHD_Connection *c, size_t antenne,
                                  const json_t *body)
{
    const char *type = NULL;
    json_t *data = NULL;
    json_error_t jerr;
    if (json_unpack_ex((json_t *)body, &jerr, JSON_STRICT, "{s:s, s:o}", "type", &type, "data", &data) != 0)
        return fail(c, MHD_HTTP_UNPROCESSABLE_CONTENT, "invalid", jerr.text);
    char err[256];
    int64_t id;
    int rc = collector_channel_publish(ch, antenne, type, data, &id, err, sizeof err);
    if (rc == -EINVAL)
        return fail(c, MHD_HTTP_UNPROCESSABLE_CONTENT, "invalid", err);
    if (rc != 0)
        return fail(c, MHD_HTTP_SERVICE_UNAVAILABLE, "storage", err);
    return reply(c, MHD_HTTP_CREATED, json_pack("{s:I}", "id", (json_int_t)id));
}

static int list_row(void *ctx, const struct collector_channel_message *m)
{
    json_t *row = json_pack("{s:I, s:s, s:s, s:I, s:I}", "id", (json_int_t)m->id, "antenne", m->antenne, "type",
                            m->type, "created_at", (json_int_t)m->created_at, "acked_at", (json_int_t)m->acked_at);
    if (!row)
        return -1;
    if (m->acked_at) {
        json_object_set_new(row, "ok", json_boolean(m->ok));
        if (m->error[0])
            json_object_set_new(row, "error", json_string(m->error));
        json_t *result = m->result[0] ? json_loads(m->result, 0, NULL) : NULL;
        if (result)
            json_object_set_new(row, "result", result);
    }
    return json_array_append_new(ctx, row);
}

static enum MHD_Result on_list(struct collector_channel *ch, struct MHD_Connection *c)
{
    const char *antenne = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "antenne");
    const char *type = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "type");
    const char *limit_s = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit");
    long limit = limit_s ? strtol(limit_s, NULL, 10) : 100;
    if (limit <= 0 || limit > 10000)
        return fail(c, MHD_HTTP_BAD_REQUEST, "bad_query", "limit: 1 to 10000");
    json_t *rows = json_array();
    pthread_mutex_lock(&ch->store_mu);
    int rc = collector_store_channel_list(ch->store, antenne, type, limit, list_row, rows);
    pthread_mutex_unlock(&ch->store_mu);
    if (rc != 0) {
        json_decref(rows);
        return fail(c, MHD_HTTP_SERVICE_UNAVAILABLE, "storage", "storage unavailable, retry later");
    }
    return reply(c, MHD_HTTP_OK, json_pack("{s:o}", "messages", rows));
}

static enum MHD_Result on_online(struct collector_channel *ch, struct MHD_Connection *c)
{
    json_t *ids = json_array();
    for (size_t i = 0; i < ch->n_live; i++)
        if (collector_channel_online(ch, i))
            json_array_append_new(ids, json_string(collector_antennes_at(ch->antennes, i)->id));
    return reply(c, MHD_HTTP_OK, json_pack("{s:o}", "online", ids));
}

/* First call: method, antenne and token, decided from the headers before any body byte. Returns
 * NULL after queueing an answer. */
static struct chan_request *begin(struct collector_channel *ch, struct MHD_Connection *c, const char *url,
                                  const char *method, bool admin, enum MHD_Result *ret)
{
    char id[COLLECTOR_ID_MAX + 2];
    enum route route = parse_route(url, id, sizeof id);
    bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
    bool want_get = route == ROUTE_STREAM || route == ROUTE_LIST || route == ROUTE_ONLINE;
    if (want_get != get || (!get && strcmp(method, MHD_HTTP_METHOD_POST) != 0)) {
        *ret = fail(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method", want_get ? "use GET" : "use POST");
        return NULL;
    }
    long antenne = -1;
    if (route == ROUTE_LIST || route == ROUTE_ONLINE || route == ROUTE_PUBLISH) {
        if (!admin) {
            *ret = fail(c, MHD_HTTP_UNAUTHORIZED, "unauthorized", "the HQ token is required");
            return NULL;
        }
        /* Sending to a board takes the bearer token (scripts, HQ's own modules). A browser signed
         * in with Basic for the HQ pages only reads here: a form on another site would send those
         * credentials too. */
        if (route == ROUTE_PUBLISH && !collector_http_bearer(c)) {
            log_warn("channel message refused (403): Basic credentials, not the bearer token");
            *ret = fail(c, MHD_HTTP_FORBIDDEN, "bearer_required", "sending to a board takes the HQ token as a bearer token");
            return NULL;
        }
    }
    if (route != ROUTE_LIST && route != ROUTE_ONLINE) {
        antenne = collector_ingest_valid_id(id) ? collector_antennes_find(ch->antennes, id) : -1;
        if (antenne < 0) {
            *ret = fail(c, MHD_HTTP_NOT_FOUND, "unknown_antenne", "no antenne with this id");
            return NULL;
        }
    }
    if (route == ROUTE_STREAM || route == ROUTE_ACKS || route == ROUTE_EVENTS) {
        switch (collector_antennes_check(ch->antennes, (size_t)antenne, collector_http_bearer(c))) {
        case COLLECTOR_AUTH_OK: break;
        case COLLECTOR_AUTH_MISSING:
            log_warn("%s: channel request refused (401): no or wrong token", id);
            *ret = fail(c, MHD_HTTP_UNAUTHORIZED, "unauthorized", "a bearer token of this antenne is required");
            return NULL;
        case COLLECTOR_AUTH_OTHER:
            log_warn("%s: channel request refused (403): token of another antenne", id);
            *ret = fail(c, MHD_HTTP_FORBIDDEN, "forbidden", "this token belongs to another antenne");
            return NULL;
        }
    }
    struct chan_request *r = calloc(1, sizeof *r);
    if (!r) {
        *ret = MHD_NO;
        return NULL;
    }
    r->route = route;
    r->antenne = antenne;
    *ret = MHD_YES;
    return r;
}

enum MHD_Result collector_channel_request(struct collector_channel *ch, struct MHD_Connection *c, const char *url,
                                          const char *method, bool admin, const char *upload_data,
                                          size_t *upload_data_size, void **state)
{
    struct chan_request *r = *state;
    if (!r) {
        enum MHD_Result ret;
        r = begin(ch, c, url, method, admin, &ret);
        if (!r)
            return ret;
        *state = r;
        switch (r->route) {
        case ROUTE_STREAM: return open_stream(ch, c, (size_t)r->antenne);
        case ROUTE_LIST: return on_list(ch, c);
        case ROUTE_ONLINE: return on_online(ch, c);
        default: return MHD_YES; /* a POST: the body comes next */
        }
    }
    if (*upload_data_size) {
        bool ok = collector_body_add(&r->body, upload_data, *upload_data_size, COLLECTOR_CHANNEL_DATA_MAX);
        *upload_data_size = 0;
        return ok ? MHD_YES : MHD_NO;
    }
    enum MHD_Result ret;
    json_t *body = collector_body_json(&r->body, c, &ret);
    if (!body)
        return ret;
    switch (r->route) {
    case ROUTE_ACKS: ret = on_ack(ch, c, (size_t)r->antenne, body); break;
    case ROUTE_EVENTS: ret = on_event(ch, c, (size_t)r->antenne, body); break;
    default: ret = on_publish(ch, c, (size_t)r->antenne, body); break;
    }
    json_decref(body);
    return ret;
}

void collector_channel_completed(void *state)
{
    struct chan_request *r = state;
    if (r) {
        collector_body_free(&r->body);
        free(r);
    }
}
