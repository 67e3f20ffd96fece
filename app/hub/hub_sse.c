/* Event streams (Server-Sent Events) of the LAN API.
 *
 * One notifier thread tails the engine's event log with its own queue handle and turns each
 * new event into an SSE message ("event: <kind>") followed, per batch, by one "event: state"
 * snapshot. Messages go into a ring shared by every stream. A stream holds no thread: when it
 * has sent everything the ring holds, it parks (its connection is suspended in libmicrohttpd)
 * and the notifier resumes every parked stream when it publishes, and every KEEPALIVE_S so each
 * sends a comment line (which is also how a client that went away is noticed). A reader that
 * fell more than the ring behind gets a fresh snapshot instead of the messages it missed.
 * Formatting happens once per message, not per client. At most HUB_STREAMS streams are open,
 * plus HUB_STREAMS_TRUSTED for addresses that presented a counter token (see ARCHITECTURE.md,
 * "Connection budgets"); beyond, a new stream is refused with 503 and Retry-After.
 *
 * A new stream starts with "retry:", then the latest snapshot (its id is the last event it
 * includes), then, if the client sent Last-Event-ID, the events after that id still in the
 * ring (their ids are <= the snapshot's last_event_id: already reflected, sent so a display
 * can still announce a call made while it was reconnecting). */
#include "hub_internal.h"

#include "borne/log.h"
#include "borne/clock.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

BORNE_LOG_MODULE("hub");

#define KEEPALIVE_S 15
#define STATE_REFRESH_S 30
#define BATCH 256

/* "id: <id>\nevent: <name>\ndata: <json>\n\n" as a new string, or NULL. */
static char *sse_message(int64_t id, const char *name, json_t *data, size_t *len)
{
    char *json = json_dumps(data, JSON_COMPACT);
    json_decref(data);
    if (!json)
        return NULL;
    size_t n = strlen(json) + strlen(name) + 64;
    char *msg = malloc(n);
    if (msg) {
        int w = snprintf(msg, n, "id: %lld\nevent: %s\ndata: %s\n\n", (long long)id, name, json);
        *len = (size_t)w;
    }
    free(json);
    return msg;
}

/* Caller holds mu. Takes ownership of text. */
static void ring_push(hub *h, int64_t id, char *text, size_t len, bool event)
{
    if (h->ring_len == HUB_RING) {
        hub_msg *old = &h->ring[h->ring_head];
        h->ring_floor = old->seq;
        free(old->text);
        h->ring_head = (h->ring_head + 1) % HUB_RING;
        h->ring_len--;
    }
    h->ring[(h->ring_head + h->ring_len) % HUB_RING] =
        (hub_msg){.seq = h->next_seq++, .id = id, .text = text, .len = len, .event = event};
    h->ring_len++;
}

/* Only the notifier writes calls; it reads them without the lock. */
static void note_call(hub *h, const queue_event *e)
{
    if (strcmp(e->kind, "call") != 0 && strcmp(e->kind, "recall") != 0)
        return;
    int n = h->n_calls;
    for (int i = 0; i < n; i++) {
        if (h->calls[i].ticket_id == e->ticket_id) {
            memmove(&h->calls[i], &h->calls[i + 1], (size_t)(n - i - 1) * sizeof h->calls[0]);
            n--;
            break;
        }
    }
    if (n == HUB_LAST_CALLS)
        n--;
    memmove(&h->calls[1], &h->calls[0], (size_t)n * sizeof h->calls[0]);
    h->calls[0] = *e;
    h->n_calls = n + 1;
}

static char *state_message(hub *h, int64_t last_id, size_t *len)
{
    int err = 0;
    json_t *st = hub_state_json(h, h->nq, hub_now(h), last_id, h->calls, h->n_calls, &err);
    if (!st) {
        log_error("state: %s: %s", queue_strerror(err), queue_errmsg(h->nq));
        return NULL;
    }
    return sse_message(last_id, "state", st, len);
}

/* ---- parked streams ------------------------------------------------------------------------ */

typedef struct reader {
    hub *h;
    struct MHD_Connection *conn;
    uint64_t pos;     /* seq of the last ring message queued for this client */
    unsigned tick;    /* keep-alive period of the last line sent */
    hub_buf out;
    size_t off;       /* bytes of out already handed to libmicrohttpd */
    bool parked;
    struct reader *prev, *next;   /* on h->parked while parked */
    bool desk_alarms;             /* the desks' alarm stream (hub_alarm.c), not the public one */
    uint64_t alarm_version;       /* of the last alarm list sent */
} reader;

/* Caller holds mu. */
static void unpark(hub *h, reader *r)
{
    if (r->prev)
        r->prev->next = r->next;
    else
        h->parked = r->next;
    if (r->next)
        r->next->prev = r->prev;
    r->prev = r->next = NULL;
    r->parked = false;
}

/* Caller holds mu. Every parked stream runs again (and finds news, a keep-alive or the end). */
static void resume_parked(hub *h)
{
    while (h->parked) {
        reader *r = h->parked;
        unpark(h, r);
        MHD_resume_connection(r->conn);
    }
}

typedef struct batch {
    queue_event ev[BATCH];
    int n;
} batch;

static int collect(const queue_event *e, void *ctx)
{
    batch *b = ctx;
    b->ev[b->n++] = *e;
    return 0;
}

/* Called with mu held: `state` (owned, may be NULL) becomes the latest snapshot and a message. */
static void push_state(hub *h, int64_t id, char *state, size_t len)
{
    if (!state)
        return;
    char *copy = malloc(len + 1);
    if (copy) {
        memcpy(copy, state, len + 1);
        free(h->state_text);
        h->state_text = copy;
        h->state_len = len;
    }
    ring_push(h, id, state, len, false);
}

/* Reads new events and publishes them. Returns the number of events, or < 0 on error. */
static int publish_new(hub *h, batch *b)
{
    b->n = 0;
    int rc = queue_events_since(h->nq, h->last_id, BATCH, collect, b);
    if (rc != QUEUE_OK) {
        log_error("event log: %s", queue_errmsg(h->nq));
        return rc;
    }
    if (b->n == 0)
        return 0;
    char *texts[BATCH];
    size_t lens[BATCH];
    int n_public = 0;
    bool alarms = false;
    for (int i = 0; i < b->n; i++) {
        /* The alarm is silent: desks get it on their own stream, never the public one. */
        bool alarm = hub_alarm_event(&b->ev[i]);
        alarms |= alarm;
        n_public += !alarm;
        texts[i] = alarm ? NULL
                         : sse_message(b->ev[i].id, b->ev[i].kind, hub_event_json(&b->ev[i]), &lens[i]);
    }
    if (alarms)
        hub_alarm_publish(h);
    int64_t last = b->ev[b->n - 1].id;
    pthread_mutex_lock(&h->mu);
    for (int i = 0; i < b->n; i++)
        note_call(h, &b->ev[i]);
    pthread_mutex_unlock(&h->mu);
    size_t state_len = 0;
    char *state = n_public ? state_message(h, last, &state_len) : NULL;

    pthread_mutex_lock(&h->mu);
    for (int i = 0; i < b->n; i++)
        if (texts[i])
            ring_push(h, b->ev[i].id, texts[i], lens[i], true);
    push_state(h, last, state, state_len);
    h->last_id = last;
    resume_parked(h);
    pthread_mutex_unlock(&h->mu);
    if (h->on_events)
        h->on_events(h->on_events_ctx);
    return b->n;
}

/* The state changed without an engine event: the same id, a new snapshot for every stream. */
static void publish_state(hub *h)
{
    size_t len = 0;
    char *state = state_message(h, h->last_id, &len);
    pthread_mutex_lock(&h->mu);
    push_state(h, h->last_id, state, len);
    resume_parked(h);
    pthread_mutex_unlock(&h->mu);
}

static void refresh_state(hub *h)
{
    size_t len = 0;
    char *state = state_message(h, h->last_id, &len);
    if (!state)
        return;
    pthread_mutex_lock(&h->mu);
    free(h->state_text);
    h->state_text = state;
    h->state_len = len;
    pthread_mutex_unlock(&h->mu);
}

static void *notifier(void *arg)
{
    hub *h = arg;
    batch *b = malloc(sizeof *b);
    if (!b) {
        log_error("notifier: out of memory");
        return NULL;
    }
    struct timespec last_refresh, last_tick;
    clock_gettime(CLOCK_MONOTONIC, &last_refresh);
    last_tick = last_refresh;
    for (;;) {
        pthread_mutex_lock(&h->mu);
        struct timespec until = clock_mono_deadline(HUB_POLL_MS);
        while (!h->poked && !h->stopping)
            if (pthread_cond_timedwait(&h->wake, &h->mu, &until) == ETIMEDOUT)
                break;
        h->poked = false;
        bool stop = h->stopping, stale = h->state_stale;
        h->state_stale = false;
        pthread_mutex_unlock(&h->mu);
        if (stop)
            break;
        int n;
        while ((n = publish_new(h, b)) == BATCH)
            ;
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (n > 0) {
            last_refresh = now;
        } else if (stale) {   /* no event carried the new state */
            publish_state(h);
            last_refresh = now;
        } else if (n == 0 && now.tv_sec - last_refresh.tv_sec >= STATE_REFRESH_S) {
            /* Estimates move with time alone: new streams should not start stale. */
            refresh_state(h);
            last_refresh = now;
        }
        if (now.tv_sec - last_tick.tv_sec >= KEEPALIVE_S) {
            pthread_mutex_lock(&h->mu);
            h->tick++;
            resume_parked(h);
            pthread_mutex_unlock(&h->mu);
            last_tick = now;
        }
    }
    free(b);
    return NULL;
}

static int track_last(const queue_event *e, void *ctx)
{
    hub *h = ctx;
    h->last_id = e->id;
    note_call(h, e);
    return 0;
}

void hub_sse_init(hub *h)
{
    pthread_mutex_init(&h->mu, NULL);
    clock_cond_init(&h->wake);
    h->next_seq = 1;
}

int hub_sse_start(hub *h, char *errbuf, size_t errlen)
{
    if (queue_open(&h->nq, h->db_path, &h->cfg.queue, errbuf, errlen) != QUEUE_OK)
        return -1;
    /* Streams start at the end of the log (history is in the snapshot); the walk also finds
     * the last calls. No thread runs yet: no lock needed. */
    for (int64_t prev = -1; prev != h->last_id;) {
        prev = h->last_id;
        if (queue_events_since(h->nq, h->last_id, 4096, track_last, h) != QUEUE_OK) {
            snprintf(errbuf, errlen, "event log: %s", queue_errmsg(h->nq));
            return -1;
        }
    }
    h->state_text = state_message(h, h->last_id, &h->state_len);
    if (!h->state_text) {
        snprintf(errbuf, errlen, "cannot build the queue state: %s", queue_errmsg(h->nq));
        return -1;
    }
    if (pthread_create(&h->notifier, NULL, notifier, h) != 0) {
        snprintf(errbuf, errlen, "cannot start the notifier thread");
        return -1;
    }
    h->notifier_running = true;
    return 0;
}

void hub_sse_poke(hub *h)
{
    pthread_mutex_lock(&h->mu);
    h->poked = true;
    pthread_cond_signal(&h->wake);
    pthread_mutex_unlock(&h->mu);
}

void hub_sse_republish(hub *h)
{
    pthread_mutex_lock(&h->mu);
    h->state_stale = true;
    h->poked = true;
    pthread_cond_signal(&h->wake);
    pthread_mutex_unlock(&h->mu);
}

void hub_sse_stop(hub *h)
{
    pthread_mutex_lock(&h->mu);
    h->stopping = true;
    resume_parked(h);
    pthread_cond_signal(&h->wake);
    pthread_mutex_unlock(&h->mu);
}

void hub_sse_join(hub *h)
{
    if (h->notifier_running)
        pthread_join(h->notifier, NULL);
    h->notifier_running = false;
    for (unsigned i = 0; i < h->ring_len; i++)
        free(h->ring[(h->ring_head + i) % HUB_RING].text);
    h->ring_len = 0;
    free(h->state_text);
    h->state_text = NULL;
    free(h->alarm_text);
    h->alarm_text = NULL;
    queue_close(h->nq);
    h->nq = NULL;
    pthread_cond_destroy(&h->wake);
    pthread_mutex_destroy(&h->mu);
}

/* ---- one stream ----------------------------------------------------------------------------- */

/* Caller holds mu. Queues what the reader has not seen yet; false when nothing is new. */
static bool take_news(reader *r)
{
    hub *h = r->h;
    if (r->desk_alarms) {
        if (h->alarm_version == r->alarm_version)
            return false;
        hub_buf_add(&r->out, h->alarm_text, h->alarm_len);
        r->alarm_version = h->alarm_version;
        return true;
    }
    uint64_t newest = h->next_seq - 1;
    if (newest <= r->pos)
        return false;
    if (r->pos < h->ring_floor) {
        hub_buf_add(&r->out, h->state_text, h->state_len);
    } else {
        for (unsigned i = 0; i < h->ring_len; i++) {
            const hub_msg *m = &h->ring[(h->ring_head + i) % HUB_RING];
            if (m->seq > r->pos)
                hub_buf_add(&r->out, m->text, m->len);
        }
    }
    r->pos = newest;
    return true;
}

static ssize_t sse_read(void *cls, uint64_t offset, char *dst, size_t max)
{
    (void)offset;
    reader *r = cls;
    hub *h = r->h;
    if (r->off == r->out.len) {
        r->off = r->out.len = 0;
        pthread_mutex_lock(&h->mu);
        if (h->stopping) {
            pthread_mutex_unlock(&h->mu);
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        bool news = take_news(r);
        bool keepalive = !news && r->tick != h->tick;
        r->tick = h->tick;
        if (keepalive)
            hub_buf_add(&r->out, ": keep-alive\n\n", 14);
        if (!news && !keepalive) {
            /* Nothing to say: give the thread back until the notifier resumes us. */
            r->parked = true;
            r->next = h->parked;
            if (h->parked)
                h->parked->prev = r;
            h->parked = r;
            MHD_suspend_connection(r->conn);
            pthread_mutex_unlock(&h->mu);
            return 0;
        }
        pthread_mutex_unlock(&h->mu);
        if (r->out.len == 0)   /* out of memory: end this stream, the client reconnects */
            return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    size_t n = r->out.len - r->off;
    if (n > max)
        n = max;
    memcpy(dst, r->out.p + r->off, n);
    r->off += n;
    return (ssize_t)n;
}

static void sse_free(void *cls)
{
    reader *r = cls;
    hub *h = r->h;
    pthread_mutex_lock(&h->mu);
    if (r->parked)
        unpark(h, r);
    h->streams--;
    pthread_mutex_unlock(&h->mu);
    free(r->out.p);
    free(r);
}

static bool parse_event_id(const char *s, int64_t *out)
{
    if (!s || !*s)
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < 0)
        return false;
    *out = v;
    return true;
}

/* A new stream reader counted against the stream slots, with "retry:" queued; NULL when out of
 * memory, or with *full set. Returns with mu held when it returns a reader. */
static reader *new_reader(hub *h, struct MHD_Connection *conn, bool trusted, bool *full)
{
    *full = false;
    reader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->h = h;
    r->conn = conn;
    if (!hub_buf_add(&r->out, "retry: 2000\n\n", 13)) {
        free(r);
        return NULL;
    }
    pthread_mutex_lock(&h->mu);
    if (h->streams >= HUB_STREAMS + (trusted ? HUB_STREAMS_TRUSTED : 0)) {
        pthread_mutex_unlock(&h->mu);
        *full = true;
        free(r->out.p);
        free(r);
        return NULL;
    }
    h->streams++;
    r->tick = h->tick;
    return r;
}

static struct MHD_Response *stream_response(reader *r, bool ok)
{
    /* 2 KiB blocks: the buffer libmicrohttpd keeps per stream, and messages are smaller. */
    struct MHD_Response *resp =
        ok ? MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 2048, sse_read, r, sse_free) : NULL;
    if (!resp) {
        sse_free(r);
        return NULL;
    }
    MHD_add_response_header(resp, "Content-Type", "text/event-stream; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Accel-Buffering", "no");
    return resp;
}

void hub_sse_set_alarms(hub *h, char *text, size_t len)
{
    pthread_mutex_lock(&h->mu);
    free(h->alarm_text);
    h->alarm_text = text;
    h->alarm_len = len;
    h->alarm_version++;
    resume_parked(h);
    pthread_mutex_unlock(&h->mu);
}

struct MHD_Response *hub_sse_alarm_response(hub *h, struct MHD_Connection *conn,
                                            const char *first, bool *full)
{
    reader *r = new_reader(h, conn, true, full);
    if (!r)
        return NULL;
    r->desk_alarms = true;
    r->alarm_version = h->alarm_version;
    pthread_mutex_unlock(&h->mu);
    return stream_response(r, hub_buf_add(&r->out, first, strlen(first)));
}

struct MHD_Response *hub_sse_response(hub *h, struct MHD_Connection *conn, const char *last_event_id,
                                      bool trusted, bool *full)
{
    reader *r = new_reader(h, conn, trusted, full);
    if (!r)
        return NULL;
    int64_t seen = 0;
    bool replay = parse_event_id(last_event_id, &seen);
    bool ok = true;
    ok = ok && hub_buf_add(&r->out, h->state_text, h->state_len);
    r->pos = h->next_seq - 1;
    for (unsigned i = 0; ok && replay && i < h->ring_len; i++) {
        const hub_msg *m = &h->ring[(h->ring_head + i) % HUB_RING];
        if (m->event && m->id > seen)
            ok = hub_buf_add(&r->out, m->text, m->len);
    }
    pthread_mutex_unlock(&h->mu);
    return stream_response(r, ok);
}
