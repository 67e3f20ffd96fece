#include "borne/channel.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "borne/log.h"
#include "borne/secret.h"
#include "borne/upload.h"

BORNE_LOG_MODULE("channel");

#define MAX_TYPES 32
#define MAX_DEFERRED 16
#define MAX_EVENTS 256
/* Longest SSE message the board accepts; a longer one ends the stream (HQ never sends one). */
#define MESSAGE_MAX (1u << 20)

/* What the board did with the last message of a type (the state file holds these). */
struct type_state {
    char type[CHANNEL_TYPE_MAX + 1];
    int64_t id;
    bool ok;
    char error[256];
};

struct handler {
    char type[CHANNEL_TYPE_MAX + 1];
    channel_handler fn;
    void *ctx;
};

/* A POST waiting to leave: an ack or an event. */
struct post {
    char path[32];           /* "acks" or "events" */
    char *body;
    char key[129];           /* events: the idempotency key */
    channel_sent_fn done;
    void *ctx;
    struct post *next;
};

struct deferred {
    char type[CHANNEL_TYPE_MAX + 1];
    int64_t id;
};

struct channel {
    char *base;              /* <url>/api/v1/antennes/<id>/channel */
    char *state_path;
    char *ca_file;
    char token[512];
    int64_t backoff_base_ms, backoff_cap_ms;
    long silence_s, connect_ms;

    pthread_t thread;
    bool started;
    CURLM *multi;

    pthread_mutex_t mu;      /* everything below */
    struct handler handlers[MAX_TYPES];
    size_t n_handlers;
    bool stopping;
    struct type_state states[MAX_TYPES];
    size_t n_states;
    struct deferred deferred[MAX_DEFERRED];
    size_t n_deferred;
    struct post *head, *tail;
    int n_events;
    channel_status status;

    /* Channel thread only: the stream being parsed. */
    char *line;
    size_t line_len;
    char *data;
    size_t data_len;
    int64_t ev_id;
    char ev_type[CHANNEL_TYPE_MAX + 2];
    long stream_code;
    char stream_body[256];
    bool stream_seen_ok;
};

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- state file --------------------------------------------------------------------------------- */

static int load_state(channel *ch, char *errbuf, size_t errlen)
{
    json_error_t jerr;
    json_t *root = json_load_file(ch->state_path, 0, &jerr);
    if (!root) {
        if (access(ch->state_path, F_OK) != 0)
            return 0; /* first start */
        snprintf(errbuf, errlen, "%s:%d: %s", ch->state_path, jerr.line, jerr.text);
        return -EINVAL;
    }
    const char *type;
    json_t *v;
    json_object_foreach(root, type, v) {
        json_int_t id = 0;
        int ok = 0;
        const char *error = "";
        if (ch->n_states == MAX_TYPES || !channel_type_valid(type) ||
            json_unpack(v, "{s:I, s:b, s?:s}", "id", &id, "ok", &ok, "error", &error) != 0) {
            snprintf(errbuf, errlen, "%s: bad entry \"%s\"", ch->state_path, type);
            json_decref(root);
            return -EINVAL;
        }
        struct type_state *s = &ch->states[ch->n_states++];
        snprintf(s->type, sizeof s->type, "%s", type);
        s->id = id;
        s->ok = ok;
        snprintf(s->error, sizeof s->error, "%s", error);
    }
    json_decref(root);
    return 0;
}

/* Under mu. Written to a temporary file, flushed, then renamed: a power cut leaves the old or the
 * new state, never a torn one. */
static void save_state(channel *ch)
{
    json_t *root = json_object();
    for (size_t i = 0; i < ch->n_states; i++) {
        const struct type_state *s = &ch->states[i];
        json_object_set_new(root, s->type, json_pack("{s:I, s:b, s:s}", "id", (json_int_t)s->id, "ok", s->ok,
                                                     "error", s->error));
    }
    char tmp[CHANNEL_TYPE_MAX + 4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", ch->state_path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool ok = fd >= 0 && json_dumpfd(root, fd, JSON_COMPACT) == 0 && fsync(fd) == 0;
    if (fd >= 0)
        close(fd);
    ok = ok && rename(tmp, ch->state_path) == 0;
    if (!ok)
        log_error("cannot write %s: %s (a resend may be applied again)", ch->state_path, strerror(errno));
    json_decref(root);
}

/* Under mu. */
static struct type_state *state_of(channel *ch, const char *type, bool create)
{
    for (size_t i = 0; i < ch->n_states; i++)
        if (strcmp(ch->states[i].type, type) == 0)
            return &ch->states[i];
    if (!create || ch->n_states == MAX_TYPES)
        return NULL;
    struct type_state *s = &ch->states[ch->n_states++];
    memset(s, 0, sizeof *s);
    snprintf(s->type, sizeof s->type, "%s", type);
    return s;
}

/* ---- outgoing POSTs ----------------------------------------------------------------------------- */

/* Under mu. Takes body. */
static int enqueue(channel *ch, const char *path, char *body, const char *key, channel_sent_fn done, void *ctx)
{
    struct post *p = calloc(1, sizeof *p);
    if (!p || !body) {
        free(p);
        free(body);
        return -ENOMEM;
    }
    snprintf(p->path, sizeof p->path, "%s", path);
    p->body = body;
    snprintf(p->key, sizeof p->key, "%s", key ? key : "");
    p->done = done;
    p->ctx = ctx;
    if (ch->tail)
        ch->tail->next = p;
    else
        ch->head = p;
    ch->tail = p;
    if (ch->multi)
        curl_multi_wakeup(ch->multi);
    return 0;
}

/* Under mu: records the outcome of message (type, id) and queues its ack. result is taken. */
static void finish(channel *ch, const char *type, int64_t id, const char *error, json_t *result, bool remember)
{
    if (remember) {
        struct type_state *s = state_of(ch, type, true);
        if (s && id > s->id) {
            s->id = id;
            s->ok = error == NULL;
            snprintf(s->error, sizeof s->error, "%s", error ? error : "");
            save_state(ch);
        }
    }
    json_t *ack = json_pack("{s:I, s:s, s:b}", "id", (json_int_t)id, "type", type, "ok", error == NULL);
    if (error)
        json_object_set_new(ack, "error", json_string(error));
    if (result)
        json_object_set_new(ack, "result", result);
    enqueue(ch, "acks", ack ? json_dumps(ack, JSON_COMPACT) : NULL, NULL, NULL, NULL);
    json_decref(ack);
    if (error)
        log_warn("message %lld (%s) refused: %s", (long long)id, type, error);
    else
        log_info("message %lld (%s) applied", (long long)id, type);
}

/* ---- the stream ---------------------------------------------------------------------------------- */

/* Under mu. */
static const struct handler *handler_of(channel *ch, const char *type)
{
    for (size_t i = 0; i < ch->n_handlers; i++)
        if (strcmp(ch->handlers[i].type, type) == 0)
            return &ch->handlers[i];
    return NULL;
}

static void dispatch(channel *ch, int64_t id, const char *type, const char *data, size_t len)
{
    pthread_mutex_lock(&ch->mu);
    ch->status.last_message_id = id;
    if (!channel_type_valid(type) || id <= 0) {
        pthread_mutex_unlock(&ch->mu);
        log_warn("message without a valid id or type ignored");
        return;
    }
    for (size_t i = 0; i < ch->n_deferred; i++) {
        if (ch->deferred[i].id == id && strcmp(ch->deferred[i].type, type) == 0) {
            pthread_mutex_unlock(&ch->mu);
            return; /* being handled: its ack follows */
        }
    }
    struct type_state *s = state_of(ch, type, false);
    if (s && id <= s->id) {
        /* A resend: acknowledged again, never applied again. */
        json_t *dup = json_pack("{s:b}", "duplicate", true);
        if (id == s->id)
            finish(ch, type, id, s->ok ? NULL : s->error, dup, false);
        else
            finish(ch, type, id, NULL, dup, false);
        pthread_mutex_unlock(&ch->mu);
        return;
    }
    const struct handler *found = handler_of(ch, type);
    struct handler copy;
    const struct handler *h = found ? (copy = *found, &copy) : NULL;
    pthread_mutex_unlock(&ch->mu);

    json_error_t jerr;
    json_t *obj = json_loadb(data, len, 0, &jerr);
    char err[256] = "";
    json_t *result = NULL;
    int rc;
    if (!h) {
        snprintf(err, sizeof err, "no handler for type %s", type);
        rc = -ENOTSUP;
    } else if (!json_is_object(obj)) {
        snprintf(err, sizeof err, "data is not a JSON object (%s)", obj ? "another value" : jerr.text);
        rc = -EINVAL;
    } else {
        channel_message m = {.id = id, .type = type, .data = obj};
        rc = h->fn(h->ctx, &m, &result, err, sizeof err);
        if (rc < 0 && !err[0])
            snprintf(err, sizeof err, "%s", strerror(-rc));
    }
    json_decref(obj);
    pthread_mutex_lock(&ch->mu);
    if (rc == CHANNEL_DEFERRED) {
        if (ch->n_deferred < MAX_DEFERRED) {
            struct deferred *d = &ch->deferred[ch->n_deferred++];
            snprintf(d->type, sizeof d->type, "%s", type);
            d->id = id;
        } else {
            log_error("more than %d deferred messages: %lld (%s) will be acknowledged at the next resend",
                      MAX_DEFERRED, (long long)id, type);
        }
    } else {
        finish(ch, type, id, rc < 0 ? err : NULL, result, h != NULL);
    }
    pthread_mutex_unlock(&ch->mu);
}

static void end_event(channel *ch)
{
    if (ch->data && ch->ev_type[0])
        dispatch(ch, ch->ev_id, ch->ev_type, ch->data, ch->data_len);
    free(ch->data);
    ch->data = NULL;
    ch->data_len = 0;
    ch->ev_id = 0;
    ch->ev_type[0] = '\0';
}

/* One SSE line (without its end of line). False to end the stream (a message over the cap). */
static bool stream_line(channel *ch, const char *l, size_t n)
{
    if (n == 0) {
        end_event(ch);
        return true;
    }
    if (l[0] == ':')
        return true; /* comment: the keepalive */
    const char *colon = memchr(l, ':', n);
    size_t fl = colon ? (size_t)(colon - l) : n;
    const char *v = colon ? colon + 1 : l + n;
    if (v < l + n && *v == ' ')
        v++;
    size_t vl = (size_t)(l + n - v);
    if (fl == 2 && memcmp(l, "id", 2) == 0) {
        ch->ev_id = 0;
        for (size_t i = 0; i < vl && v[i] >= '0' && v[i] <= '9' && ch->ev_id < INT64_MAX / 10; i++)
            ch->ev_id = ch->ev_id * 10 + (v[i] - '0');
    } else if (fl == 5 && memcmp(l, "event", 5) == 0) {
        size_t k = vl < sizeof ch->ev_type - 1 ? vl : sizeof ch->ev_type - 1;
        memcpy(ch->ev_type, v, k);
        ch->ev_type[k] = '\0';
    } else if (fl == 4 && memcmp(l, "data", 4) == 0) {
        if (ch->data_len + vl + 2 > MESSAGE_MAX)
            return false;
        char *nd = realloc(ch->data, ch->data_len + vl + 2);
        if (!nd)
            return false;
        ch->data = nd;
        if (ch->data_len)
            ch->data[ch->data_len++] = '\n';
        memcpy(ch->data + ch->data_len, v, vl);
        ch->data_len += vl;
        ch->data[ch->data_len] = '\0';
    }
    return true;
}

static size_t on_stream_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    CURL *easy = userdata;
    channel *ch;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&ch);
    size_t n = size * nmemb;
    if (ch->stream_code == 0) {
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &ch->stream_code);
        if (ch->stream_code == 200) {
            pthread_mutex_lock(&ch->mu);
            ch->status.connected = true;
            ch->status.connected_since_ms = wall_ms();
            ch->status.http_status = 200;
            ch->status.last_error[0] = '\0';
            pthread_mutex_unlock(&ch->mu);
            ch->stream_seen_ok = true;
            log_info("connected to headquarters");
        }
    }
    if (ch->stream_code != 200) {
        size_t have = strlen(ch->stream_body), room = sizeof ch->stream_body - 1 - have;
        size_t k = n < room ? n : room;
        memcpy(ch->stream_body + have, ptr, k);
        ch->stream_body[have + k] = '\0';
        return n;
    }
    for (size_t i = 0; i < n; i++) {
        char c = ptr[i];
        if (c == '\n') {
            size_t len = ch->line_len;
            if (len && ch->line[len - 1] == '\r')
                len--;
            if (!stream_line(ch, ch->line ? ch->line : "", len))
                return 0;
            ch->line_len = 0;
            continue;
        }
        if (ch->line_len + 1 > MESSAGE_MAX)
            return 0;
        if ((ch->line_len & 4095) == 0) {
            char *nl = realloc(ch->line, ch->line_len + 4096);
            if (!nl)
                return 0;
            ch->line = nl;
        }
        ch->line[ch->line_len++] = c;
    }
    return n;
}

static CURL *new_easy(channel *ch, const char *url, struct curl_slist *headers)
{
    CURL *e = curl_easy_init();
    if (!e)
        return NULL;
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, ch->connect_ms);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_PRIVATE, ch);
    if (ch->ca_file)
        curl_easy_setopt(e, CURLOPT_CAINFO, ch->ca_file);
    return e;
}

static size_t discard(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    (void)ptr;
    (void)userdata;
    return size * nmemb;
}

/* ---- the thread ---------------------------------------------------------------------------------- */

static uint64_t random64(void)
{
    uint64_t r = 0;
    if (getrandom(&r, sizeof r, 0) != sizeof r)
        r = (uint64_t)mono_ms() * 6364136223846793005ull;
    return r;
}

static void stream_ended(channel *ch, CURLcode res, const char *curl_err)
{
    end_event(ch);
    ch->line_len = 0;
    pthread_mutex_lock(&ch->mu);
    ch->status.connected = false;
    ch->status.connected_since_ms = 0;
    ch->status.http_status = ch->stream_code;
    if (ch->stream_code && ch->stream_code != 200)
        snprintf(ch->status.last_error, sizeof ch->status.last_error, "HTTP %ld: %.200s", ch->stream_code,
                 ch->stream_body);
    else
        snprintf(ch->status.last_error, sizeof ch->status.last_error, "%s",
                 res == CURLE_OK ? "stream ended by headquarters" : curl_err[0] ? curl_err : curl_easy_strerror(res));
    char why[256];
    snprintf(why, sizeof why, "%s", ch->status.last_error);
    pthread_mutex_unlock(&ch->mu);
    log_notice("stream to headquarters ended: %s", why);
}

static void *channel_main(void *arg)
{
    channel *ch = arg;
    char auth[600];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", ch->token);
    struct curl_slist *sh = curl_slist_append(NULL, auth);
    sh = curl_slist_append(sh, "Accept: text/event-stream");
    struct curl_slist *ph = curl_slist_append(NULL, auth);
    ph = curl_slist_append(ph, "Content-Type: application/json");
    CURL *stream = NULL, *post = NULL;
    struct post *sending = NULL;
    char stream_err[CURL_ERROR_SIZE], post_err[CURL_ERROR_SIZE];
    int64_t next_connect = 0, next_post = 0;
    int stream_failures = 0, post_failures = 0;

    for (;;) {
        pthread_mutex_lock(&ch->mu);
        bool stop = ch->stopping;
        struct post *head = ch->head;
        pthread_mutex_unlock(&ch->mu);
        if (stop)
            break;
        int64_t now = mono_ms();
        if (!stream && now >= next_connect) {
            stream = new_easy(ch, ch->base, sh);
            if (stream) {
                ch->stream_code = 0;
                ch->stream_body[0] = '\0';
                ch->stream_seen_ok = false;
                stream_err[0] = '\0';
                curl_easy_setopt(stream, CURLOPT_WRITEFUNCTION, on_stream_data);
                curl_easy_setopt(stream, CURLOPT_WRITEDATA, stream);
                curl_easy_setopt(stream, CURLOPT_ERRORBUFFER, stream_err);
                /* The collector writes at least every 25 s: a longer silence is a dead path. */
                curl_easy_setopt(stream, CURLOPT_LOW_SPEED_LIMIT, 1L);
                curl_easy_setopt(stream, CURLOPT_LOW_SPEED_TIME, ch->silence_s);
                curl_multi_add_handle(ch->multi, stream);
            }
        }
        if (!post && head && now >= next_post) {
            char url[1024];
            snprintf(url, sizeof url, "%s/%s", ch->base, head->path);
            post = new_easy(ch, url, ph);
            if (post) {
                sending = head;
                post_err[0] = '\0';
                curl_easy_setopt(post, CURLOPT_POSTFIELDS, head->body);
                curl_easy_setopt(post, CURLOPT_WRITEFUNCTION, discard);
                curl_easy_setopt(post, CURLOPT_ERRORBUFFER, post_err);
                curl_easy_setopt(post, CURLOPT_TIMEOUT_MS, 30000L);
                curl_multi_add_handle(ch->multi, post);
            }
        }
        int running;
        curl_multi_perform(ch->multi, &running);
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(ch->multi, &left))) {
            if (m->msg != CURLMSG_DONE)
                continue;
            CURL *e = m->easy_handle;
            CURLcode res = m->data.result;
            curl_multi_remove_handle(ch->multi, e);
            if (e == stream) {
                stream_ended(ch, res, stream_err);
                stream_failures = ch->stream_seen_ok ? 1 : stream_failures + 1;
                next_connect = mono_ms() + upload_backoff_ms(ch->backoff_base_ms, ch->backoff_cap_ms,
                                                             stream_failures, random64());
                curl_easy_cleanup(stream);
                stream = NULL;
            } else if (e == post) {
                long code = 0;
                curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
                curl_easy_cleanup(post);
                post = NULL;
                /* 2xx: delivered; another 4xx but 401/403/404/408/429: HQ will never take it. */
                bool delivered = res == CURLE_OK && code >= 200 && code < 300;
                bool refused = res == CURLE_OK && code >= 400 && code < 500 && code != 401 && code != 403 &&
                               code != 404 && code != 408 && code != 429;
                if (delivered || refused) {
                    pthread_mutex_lock(&ch->mu);
                    ch->head = sending->next;
                    if (!ch->head)
                        ch->tail = NULL;
                    if (sending->key[0])
                        ch->n_events--;
                    pthread_mutex_unlock(&ch->mu);
                    char why[64];
                    snprintf(why, sizeof why, "refused by headquarters (HTTP %ld)", code);
                    if (refused)
                        log_warn("%s to headquarters %s", sending->path, why);
                    if (sending->done)
                        sending->done(sending->ctx, sending->key, delivered, delivered ? NULL : why);
                    free(sending->body);
                    free(sending);
                    post_failures = 0;
                    next_post = 0;
                } else {
                    post_failures++;
                    next_post = mono_ms() + upload_backoff_ms(ch->backoff_base_ms, ch->backoff_cap_ms, post_failures,
                                                              random64());
                }
                sending = NULL;
            }
        }
        int64_t wait = 1000;
        if (!stream && next_connect - mono_ms() < wait)
            wait = next_connect - mono_ms();
        if (wait < 0)
            wait = 0;
        curl_multi_poll(ch->multi, NULL, 0, (int)wait, NULL);
    }
    if (stream) {
        curl_multi_remove_handle(ch->multi, stream);
        curl_easy_cleanup(stream);
    }
    if (post) {
        curl_multi_remove_handle(ch->multi, post);
        curl_easy_cleanup(post);
    }
    curl_slist_free_all(sh);
    curl_slist_free_all(ph);
    return NULL;
}

/* ---- public API ---------------------------------------------------------------------------------- */

int channel_new(channel **out, const channel_config *cfg, char *errbuf, size_t errlen)
{
    *out = NULL;
    if (!cfg->url || !cfg->url[0] || !cfg->antenne || !cfg->antenne[0] || !cfg->token_file || !cfg->state_path) {
        snprintf(errbuf, errlen, "channel: url, antenne, token_file and state_path are required");
        return -EINVAL;
    }
    channel *ch = calloc(1, sizeof *ch);
    if (!ch) {
        snprintf(errbuf, errlen, "out of memory");
        return -ENOMEM;
    }
    pthread_mutex_init(&ch->mu, NULL);
    size_t ul = strlen(cfg->url);
    while (ul && cfg->url[ul - 1] == '/')
        ul--;
    size_t blen = ul + strlen(cfg->antenne) + 64;
    ch->base = malloc(blen);
    ch->state_path = strdup(cfg->state_path);
    ch->ca_file = cfg->ca_file && cfg->ca_file[0] ? strdup(cfg->ca_file) : NULL;
    if (!ch->base || !ch->state_path || (cfg->ca_file && cfg->ca_file[0] && !ch->ca_file)) {
        channel_free(ch);
        snprintf(errbuf, errlen, "out of memory");
        return -ENOMEM;
    }
    snprintf(ch->base, blen, "%.*s/api/v1/antennes/%s/channel", (int)ul, cfg->url, cfg->antenne);
    ch->backoff_base_ms = cfg->backoff_base_ms > 0 ? cfg->backoff_base_ms : 5000;
    ch->backoff_cap_ms = cfg->backoff_cap_ms > 0 ? cfg->backoff_cap_ms : 300000;
    ch->silence_s = cfg->silence_timeout_s > 0 ? cfg->silence_timeout_s : 90;
    ch->connect_ms = cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms : 10000;
    int rc = secret_read_file(cfg->token_file, ch->token, sizeof ch->token, errbuf, errlen) == 0 ? 0 : -EINVAL;
    if (rc == 0)
        rc = load_state(ch, errbuf, errlen);
    if (rc != 0) {
        channel_free(ch);
        return rc;
    }
    *out = ch;
    return 0;
}

int channel_register(channel *ch, const char *type, channel_handler fn, void *ctx)
{
    if (!type || !channel_type_valid(type) || !fn)
        return -EINVAL;
    int rc = 0;
    pthread_mutex_lock(&ch->mu);
    if (handler_of(ch, type))
        rc = -EEXIST;
    else if (ch->n_handlers == MAX_TYPES)
        rc = -ENOSPC;
    if (rc == 0) {
        struct handler *h = &ch->handlers[ch->n_handlers++];
        snprintf(h->type, sizeof h->type, "%s", type);
        h->fn = fn;
        h->ctx = ctx;
    }
    pthread_mutex_unlock(&ch->mu);
    return rc;
}

int channel_start(channel *ch, char *errbuf, size_t errlen)
{
    if (ch->started)
        return -EBUSY;
    if (!(ch->multi = curl_multi_init())) {
        snprintf(errbuf, errlen, "channel: cannot create a libcurl multi handle");
        return -ENOMEM;
    }
    if (pthread_create(&ch->thread, NULL, channel_main, ch) != 0) {
        curl_multi_cleanup(ch->multi);
        ch->multi = NULL;
        snprintf(errbuf, errlen, "channel: cannot start the thread");
        return -EAGAIN;
    }
    ch->started = true;
    return 0;
}

void channel_free(channel *ch)
{
    if (!ch)
        return;
    if (ch->started) {
        pthread_mutex_lock(&ch->mu);
        ch->stopping = true;
        curl_multi_wakeup(ch->multi);
        pthread_mutex_unlock(&ch->mu);
        pthread_join(ch->thread, NULL);
    }
    if (ch->multi)
        curl_multi_cleanup(ch->multi);
    for (struct post *p = ch->head, *next; p; p = next) {
        next = p->next;
        free(p->body);
        free(p);
    }
    free(ch->line);
    free(ch->data);
    free(ch->base);
    free(ch->state_path);
    free(ch->ca_file);
    pthread_mutex_destroy(&ch->mu);
    free(ch);
}

int channel_complete(channel *ch, const char *type, int64_t id, const char *error, json_t *result)
{
    pthread_mutex_lock(&ch->mu);
    size_t i = 0;
    while (i < ch->n_deferred && !(ch->deferred[i].id == id && strcmp(ch->deferred[i].type, type) == 0))
        i++;
    if (i == ch->n_deferred) {
        pthread_mutex_unlock(&ch->mu);
        json_decref(result);
        return -ENOENT;
    }
    ch->deferred[i] = ch->deferred[--ch->n_deferred];
    finish(ch, type, id, error, result, true);
    pthread_mutex_unlock(&ch->mu);
    return 0;
}

int channel_send(channel *ch, const char *type, const char *key, int64_t at, const json_t *data,
                 channel_sent_fn done, void *ctx)
{
    if (!type || !channel_type_valid(type) || !key || !key[0] || strlen(key) > 128 || !json_is_object(data))
        return -EINVAL;
    json_t *ev = json_pack("{s:s, s:s, s:I, s:O}", "type", type, "key", key, "at", (json_int_t)at, "data", data);
    char *body = ev ? json_dumps(ev, JSON_COMPACT) : NULL;
    json_decref(ev);
    pthread_mutex_lock(&ch->mu);
    int rc = ch->n_events >= MAX_EVENTS ? -ENOSPC : enqueue(ch, "events", body, key, done, ctx);
    if (rc == 0)
        ch->n_events++;
    else if (rc == -ENOSPC)
        free(body);
    pthread_mutex_unlock(&ch->mu);
    return rc;
}

void channel_get_status(channel *ch, channel_status *out)
{
    pthread_mutex_lock(&ch->mu);
    *out = ch->status;
    out->events_waiting = ch->n_events;
    pthread_mutex_unlock(&ch->mu);
}
