/* Headquarters upload thread: build batches into the outbox, send them, report (see upload.h). */
#include "borne/upload.h"
#include "borne/upload_live.h"
#include "borne/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "borne/queue.h"
#include "borne/secret.h"
#include "borne/upload_http.h"
#include "borne/upload_outbox.h"

#define TOKEN_MAX 512
#define ANTENNE_MAX 64

struct upload {
    /* Fixed after upload_start(). */
    char *batches_url;
    char *live_url;
    char *token_file;
    char antenne[ANTENNE_MAX + 1];
    char version[UPLOAD_NAME_MAX + 1];
    int64_t started_ms;
    int batch_max;
    int64_t interval_ms, base_ms, cap_ms, unauthorized_ms, retry_after_max_ms;
    upload_env env;

    /* Owned and used by the thread only once it runs. */
    queue *q;
    upload_outbox *outbox;
    upload_http *http;
    upload_buckets *buckets;
    int failures;
    upload_state sender;             /* what the sender is doing, before the disk-full overlay */
    bool outbox_full;
    char build_error[256];           /* "" when the last build went through */
    int pending;                     /* pending batches, mirrored from the outbox */
    int64_t next_send_ms, next_build_ms, next_health_ms, last_success_ms;
    int64_t live_check_ms, next_live_ms, live_sent_ms;
    upload_live live_sent;           /* the last snapshot headquarters took */
    bool live_ever_sent;

    pthread_t thread;
    atomic_bool stop;                /* also read by the HTTP progress callback, lock-free */
    pthread_mutex_t mu;              /* guards everything below; never held across I/O */
    pthread_cond_t cond;             /* on CLOCK_MONOTONIC */
    bool kicked;
    char printer[UPLOAD_NAME_MAX + 1];
    upload_status status;
};

const char *upload_state_name(upload_state s)
{
    static const char *const names[] = { "idle", "sending", "backoff", "unauthorized", "disk_full",
                                         "tls_error" };
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "unknown";
}

int64_t upload_backoff_ms(int64_t base_ms, int64_t cap_ms, int failures, uint64_t random)
{
    int64_t ceiling = base_ms;
    for (int i = 1; i < failures && ceiling < cap_ms; i++)
        ceiling *= 2;
    if (ceiling > cap_ms)
        ceiling = cap_ms;
    return ceiling > 0 ? (int64_t)(random % (uint64_t)(ceiling + 1)) : 0;
}

int upload_read_token(const char *path, char *buf, size_t len, char *errbuf, size_t errlen)
{
    int err = secret_read_file(path, buf, len, errbuf, errlen);
    if (err != 0)
        return err;
    /* The token goes into an HTTP header line. */
    for (const char *c = buf; *c; c++) {
        if (*c <= ' ' || *c > '~') {
            snprintf(errbuf, errlen, "token file %s: a bearer token is visible ASCII characters without spaces",
                     path);
            explicit_bzero(buf, len);
            return -EINVAL;
        }
    }
    return 0;
}

/* ---- clock, randomness ---------------------------------------------------------------------- */

static int64_t now_ms(upload *u)
{
    return borne_clock_now_ms(&u->env.clock);
}

static uint64_t random64(upload *u)
{
    if (u->env.random)
        return u->env.random(u->env.ctx);
    uint64_t r;
    /* getrandom() on 8 bytes does not return short once the pool is initialised; before that it
     * blocks, which only ever happens in the first seconds after boot. */
    while (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r) {
        if (errno != EINTR)
            return (uint64_t)now_ms(u) * 0x9e3779b97f4a7c15ULL;
    }
    return r;
}

/* ---- status ---------------------------------------------------------------------------------- */

static void publish(upload *u, int64_t last_attempt, long http_status, const char *error)
{
    upload_outbox_counts counts;
    int err = upload_outbox_counts_get(u->outbox, &counts);
    int64_t mark = 0;
    if (err == 0)
        err = upload_outbox_high_water(u->outbox, &mark);
    if (err == 0)
        u->pending = counts.pending;
    pthread_mutex_lock(&u->mu);
    upload_status *s = &u->status;
    /* A refused token or certificate needs a person more urgently than a full disk does. */
    s->state = u->sender == UPLOAD_UNAUTHORIZED || u->sender == UPLOAD_TLS_ERROR || !u->outbox_full
                   ? u->sender
                   : UPLOAD_DISK_FULL;
    s->last_success_ms = u->last_success_ms;
    if (last_attempt) {
        s->last_attempt_ms = last_attempt;
        s->http_status = http_status;
    }
    s->next_attempt_ms = u->failures ? u->next_send_ms : 0;
    s->failures = u->failures;
    snprintf(s->build_error, sizeof s->build_error, "%s", u->build_error);
    if (error)
        snprintf(s->last_error, sizeof s->last_error, "%s", error);
    if (err == 0) {
        s->outbox_batches = counts.pending;
        s->outbox_buckets = counts.pending_buckets;
        s->rejected_batches = counts.rejected;
        s->high_water = mark;
    } else {
        snprintf(s->last_error, sizeof s->last_error, "%s", upload_outbox_errmsg(u->outbox));
    }
    pthread_mutex_unlock(&u->mu);
}

static void count_sent(upload *u)
{
    pthread_mutex_lock(&u->mu);
    u->status.batches_sent++;
    pthread_mutex_unlock(&u->mu);
}

/* ---- building --------------------------------------------------------------------------------- */

struct build {
    upload *u;
    int64_t now;
    int err;                 /* first error that stopped the build */
    char skipped[160];       /* an invalid bucket from the engine, reported not sent */
};

static int flush(struct build *b)
{
    upload *u = b->u;
    char *text = upload_buckets_dump(u->buckets);
    if (!text)
        return -ENOMEM;
    char uuid[UPLOAD_UUID_LEN + 1];
    uint64_t r1 = random64(u);
    upload_uuid_v4(r1, random64(u), uuid);
    int err = upload_outbox_put(u->outbox, uuid, text, (int)upload_buckets_count(u->buckets),
                                upload_buckets_max_revision(u->buckets), b->now);
    free(text);
    u->outbox_full = err == -ENOSPC;
    if (err == 0)
        upload_buckets_clear(u->buckets);
    return err;
}

static int on_bucket(const queue_bucket *bucket, void *ctx)
{
    struct build *b = ctx;
    upload *u = b->u;
    /* Never split buckets of one revision across batches: the high-water mark of a batch must
     * cover every bucket at or below it. */
    if ((int)upload_buckets_count(u->buckets) >= u->batch_max &&
        bucket->revision != upload_buckets_max_revision(u->buckets)) {
        b->err = flush(b);
        if (b->err != 0)
            return 1;
    }
    int err = upload_buckets_add(u->buckets, bucket);
    if (err == -EINVAL) {
        /* Reported, not sent: one bucket the collector would refuse must not hold back the rest. */
        snprintf(b->skipped, sizeof b->skipped, "engine bucket %.10s %d:00 %c revision %lld is invalid: not sent",
                 bucket->day, bucket->hour, bucket->service ? bucket->service : '-', (long long)bucket->revision);
        return 0;
    }
    b->err = err;
    return err != 0;
}

/* Turns everything the engine changed above the high-water mark into outbox batches. */
static void build(upload *u, int64_t now)
{
    struct build b = { .u = u, .now = now };
    int64_t mark = 0;
    char error[256] = "";
    upload_buckets_clear(u->buckets);
    b.err = upload_outbox_high_water(u->outbox, &mark);
    if (b.err == 0) {
        int rc = queue_aggregates_since(u->q, mark, on_bucket, &b);
        if (b.err == 0 && rc < 0) {
            snprintf(error, sizeof error, "reading the engine aggregates: %s", queue_errmsg(u->q));
            b.err = -EIO;
        }
    }
    if (b.err == 0 && upload_buckets_count(u->buckets) > 0)
        b.err = flush(&b);
    upload_buckets_clear(u->buckets);
    if (b.err == -ENOSPC)
        snprintf(error, sizeof error, "outbox full: new batches wait in the engine until space is back (%s)",
                 upload_outbox_errmsg(u->outbox));
    else if (b.err != 0 && !error[0])
        snprintf(error, sizeof error, "%s", b.err == -ENOMEM ? "out of memory building batches"
                                                             : upload_outbox_errmsg(u->outbox));
    else if (b.skipped[0])
        snprintf(error, sizeof error, "%s", b.skipped);
    snprintf(u->build_error, sizeof u->build_error, "%s", error);
    publish(u, 0, 0, NULL);
}

/* ---- sending ---------------------------------------------------------------------------------- */

static int waiting_now(upload *u, int64_t now)
{
    queue_service_stats stats[QUEUE_MAX_SERVICES];
    int n = queue_service_stats_now(u->q, now / 1000, stats, QUEUE_MAX_SERVICES);
    int waiting = 0;
    for (int i = 0; i < n; i++)
        waiting += stats[i].waiting;
    return waiting;
}

static void health(upload *u, int64_t now, upload_health *h)
{
    memset(h, 0, sizeof *h);
    snprintf(h->version, sizeof h->version, "%s", u->version);
    h->uptime_s = (now - u->started_ms) / 1000;
    pthread_mutex_lock(&u->mu);
    snprintf(h->printer, sizeof h->printer, "%s", u->printer);
    pthread_mutex_unlock(&u->mu);
    h->last_upload = u->last_success_ms / 1000;
    h->queue_waiting = waiting_now(u, now);
}

static void set_sender(upload *u, upload_state s)
{
    u->sender = s;
    publish(u, 0, 0, NULL);
}

/* A failed try: when to try again, and what to show. */
static void failed(upload *u, int64_t now, const upload_http_result *res, const char *error)
{
    u->failures++;
    int64_t delay = upload_backoff_ms(u->base_ms, u->cap_ms, u->failures, random64(u));
    upload_state state = UPLOAD_BACKOFF;
    if (res && res->kind == UPLOAD_HTTP_TLS) {
        state = UPLOAD_TLS_ERROR;
    } else if (!res || res->status == 401 || res->status == 403 || res->status == 404) {
        /* No usable token, or HQ does not know us: a person must act; retry slowly meanwhile. */
        state = UPLOAD_UNAUTHORIZED;
        delay = u->unauthorized_ms;
    } else if ((res->status == 503 || res->status == 429) && res->retry_after_s >= 0) {
        delay = res->retry_after_s * 1000 < u->retry_after_max_ms ? res->retry_after_s * 1000
                                                                  : u->retry_after_max_ms;
    }
    u->next_send_ms = now + delay;
    u->sender = state;
    publish(u, now, res ? res->status : 0, error);
}

static void succeeded(upload *u, int64_t now, long status)
{
    u->failures = 0;
    u->next_send_ms = 0;
    u->last_success_ms = now;
    u->next_health_ms = now + u->interval_ms;
    u->sender = UPLOAD_IDLE;
    publish(u, now, status, "");
}

/* Live state: sent when it changed, or a period went by, while the antenne is open, and once more
 * when it closes. Latest only and never stored: while headquarters cannot be reached (the sender is
 * backing off or refused) nothing is sent at all; the next snapshot after recovery says it all. */
static void live_tick(upload *u, int64_t now)
{
    upload_live l;
    if (u->sender != UPLOAD_IDLE || upload_live_read(u->q, now / 1000, &l) != QUEUE_OK)
        return;
    bool due = !u->live_ever_sent || !upload_live_same(&l, &u->live_sent) ||
               now - u->live_sent_ms >= u->interval_ms;
    if (!due || (!l.open && u->live_ever_sent && !u->live_sent.open))
        return;
    char token[TOKEN_MAX], error[256], uuid[UPLOAD_UUID_LEN + 1], printer[UPLOAD_NAME_MAX + 1];
    if (upload_read_token(u->token_file, token, sizeof token, error, sizeof error) != 0)
        return;
    uint64_t r1 = random64(u);
    upload_uuid_v4(r1, random64(u), uuid);
    pthread_mutex_lock(&u->mu);
    snprintf(printer, sizeof printer, "%s", u->printer);
    pthread_mutex_unlock(&u->mu);
    char *body = upload_live_body(u->antenne, uuid, now / 1000, printer, &l);
    upload_http_result res;
    if (body && upload_http_post(u->http, u->live_url, token, uuid, body, strlen(body), &res) == 0) {
        u->live_sent = l;
        u->live_sent_ms = now;
        u->live_ever_sent = true;
    }
    free(body);
    explicit_bzero(token, sizeof token);
}

/* Tries one batch (entry NULL: health only). Returns true when the next one may go right away. */
static bool send_one(upload *u, const upload_outbox_entry *entry)
{
    int64_t now = now_ms(u);
    char token[TOKEN_MAX];
    char error[256];
    if (upload_read_token(u->token_file, token, sizeof token, error, sizeof error) != 0) {
        failed(u, now, NULL, error);
        return false;
    }
    char uuid[UPLOAD_UUID_LEN + 1];
    if (entry) {
        snprintf(uuid, sizeof uuid, "%s", entry->batch);
    } else {
        /* Health goes once per period whatever comes of this try; a failure adds its backoff. */
        u->next_health_ms = now + u->interval_ms;
        uint64_t r1 = random64(u);
        upload_uuid_v4(r1, random64(u), uuid);
    }
    upload_health h;
    health(u, now, &h);
    char *body = upload_batch_body(u->antenne, uuid, now / 1000, entry ? entry->buckets_json : NULL, &h,
                                   error, sizeof error);
    if (!body) {
        /* A stored batch that no longer parses can never be sent: set it aside, keep the rest going. */
        if (entry && upload_outbox_reject(u->outbox, entry->id, error, now) != 0)
            snprintf(error, sizeof error, "%s", upload_outbox_errmsg(u->outbox));
        publish(u, now, 0, error);
        return entry != NULL;
    }
    set_sender(u, UPLOAD_SENDING);
    upload_http_result res;
    int err = upload_http_post(u->http, u->batches_url, token, uuid, body, strlen(body), &res);
    free(body);
    explicit_bzero(token, sizeof token);
    if (err == 0) {
        if (entry && upload_outbox_delete(u->outbox, entry->id) != 0) {
            /* Acknowledged but still stored: it goes again later, which the collector ignores. */
            failed(u, now, &res, upload_outbox_errmsg(u->outbox));
            return false;
        }
        count_sent(u);
        succeeded(u, now, res.status);
        return true;
    }
    if (entry && res.kind == UPLOAD_HTTP_ANSWERED &&
        (res.status == 400 || res.status == 413 || res.status == 422)) {
        /* HQ will refuse this batch every time: keep it aside for inspection, send the rest. */
        if (upload_outbox_reject(u->outbox, entry->id, res.error, now) != 0) {
            failed(u, now, &res, upload_outbox_errmsg(u->outbox));
            return false;
        }
        u->sender = UPLOAD_IDLE;
        publish(u, now, res.status, res.error);
        return true;
    }
    failed(u, now, &res, res.error);
    return false;
}

static void send_pending(upload *u)
{
    while (!atomic_load(&u->stop)) {
        upload_outbox_entry entry;
        int err = upload_outbox_oldest(u->outbox, &entry);
        if (err == -ENOENT)
            return;
        if (err != 0) {
            failed(u, now_ms(u), &(upload_http_result){ .kind = UPLOAD_HTTP_NETWORK },
                   upload_outbox_errmsg(u->outbox));
            return;
        }
        bool go_on = send_one(u, &entry);
        upload_outbox_entry_clear(&entry);
        if (!go_on)
            return;
        /* Acknowledged batches freed space: what waited in the engine can be built now. */
        if (u->outbox_full)
            build(u, now_ms(u));
    }
}

/* ---- the thread ------------------------------------------------------------------------------- */

static int64_t next_due(const upload *u)
{
    int64_t send_at = u->pending > 0 ? u->next_send_ms
                                     : (u->next_send_ms > u->next_health_ms ? u->next_send_ms
                                                                            : u->next_health_ms);
    int64_t due = send_at < u->next_build_ms ? send_at : u->next_build_ms;
    return due < u->next_live_ms ? due : u->next_live_ms;
}

/* Sleeps until `due` (injected clock), a kick or a stop; at most one interval of real time, so
 * an injected clock that jumps is noticed. Returns false on stop. */
static bool wait_until(upload *u, int64_t due, bool *kicked)
{
    int64_t delay = due - now_ms(u);
    if (delay > u->interval_ms)
        delay = u->interval_ms;
    struct timespec ts = clock_mono_deadline(delay);
    pthread_mutex_lock(&u->mu);
    while (!atomic_load(&u->stop) && !u->kicked && delay > 0) {
        if (pthread_cond_timedwait(&u->cond, &u->mu, &ts) == ETIMEDOUT)
            break;
    }
    *kicked = u->kicked;
    u->kicked = false;
    pthread_mutex_unlock(&u->mu);
    return !atomic_load(&u->stop);
}

static void *run(void *arg)
{
    upload *u = arg;
    bool kicked = true;   /* a first build and try right at start */
    do {
        int64_t now = now_ms(u);
        if (kicked || now >= u->next_build_ms) {
            build(u, now);
            u->next_build_ms = now + u->interval_ms;
        }
        if (kicked || now >= u->next_send_ms) {
            if (u->pending > 0)
                send_pending(u);
            else if (kicked || now >= u->next_health_ms)
                send_one(u, NULL);
        }
        if (now >= u->next_live_ms) {
            live_tick(u, now_ms(u));
            u->next_live_ms = now + u->live_check_ms;
        }
    } while (wait_until(u, next_due(u), &kicked));
    return NULL;
}

static bool is_cancelled(void *ctx)
{
    upload *u = ctx;
    return atomic_load(&u->stop);
}

/* ---- start, stop, caller API -------------------------------------------------------------------- */

static void release(upload *u)
{
    upload_http_free(u->http);
    upload_outbox_close(u->outbox);
    queue_close(u->q);
    upload_buckets_free(u->buckets);
    free(u->batches_url);
    free(u->live_url);
    free(u->token_file);
    free(u);
}

#define LOWER "abcdefghijklmnopqrstuvwxyz"

/* True for 1..max bytes, all from `charset`. */
static bool valid_name(const char *s, const char *charset, size_t max)
{
    size_t n = strlen(s);
    return n > 0 && n <= max && strspn(s, charset) == n;
}

static int check_config(const upload_config *c, char *errbuf, size_t errlen)
{
    if (!c->url || (strncmp(c->url, "https://", 8) != 0 && strncmp(c->url, "http://", 7) != 0)) {
        snprintf(errbuf, errlen, "upload: the headquarters URL must start with https:// (or http://)");
        return -EINVAL;
    }
    if (!c->antenne || !valid_name(c->antenne, LOWER "0123456789-", ANTENNE_MAX)) {
        snprintf(errbuf, errlen, "upload: the antenne id must be [a-z0-9-]{1,64}");
        return -EINVAL;
    }
    if (!c->token_file || !c->token_file[0] || !c->db_path || !c->db_path[0]) {
        snprintf(errbuf, errlen, "upload: a token file and the database path are required");
        return -EINVAL;
    }
    /* The collector refuses a batch whose health has no proper version: check it here, once,
     * rather than have every batch set aside as invalid. */
    size_t n = c->version ? strlen(c->version) : 0;
    bool printable = n > 0 && n <= UPLOAD_NAME_MAX;
    for (size_t i = 0; printable && i < n; i++)
        printable = c->version[i] >= 0x20 && c->version[i] <= 0x7e;
    if (!printable) {
        snprintf(errbuf, errlen, "upload: the software version must be 1 to %d printable ASCII characters",
                 UPLOAD_NAME_MAX);
        return -EINVAL;
    }
    return 0;
}

static char *join(const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    char *s = malloc(la + lb + lc + 1);
    if (s) {
        memcpy(s, a, la);
        memcpy(s + la, b, lb);
        memcpy(s + la + lb, c, lc + 1);
    }
    return s;
}

static int64_t or_default(int64_t v, int64_t def)
{
    return v > 0 ? v : def;
}

int upload_start(upload **out, const upload_config *cfg, char *errbuf, size_t errlen)
{
    *out = NULL;
    int err = check_config(cfg, errbuf, errlen);
    if (err != 0)
        return err;
    char token[TOKEN_MAX];
    err = upload_read_token(cfg->token_file, token, sizeof token, errbuf, errlen);
    explicit_bzero(token, sizeof token);
    if (err != 0)
        return err;

    upload *u = calloc(1, sizeof *u);
    if (!u) {
        snprintf(errbuf, errlen, "upload: out of memory");
        return -ENOMEM;
    }
    snprintf(u->antenne, sizeof u->antenne, "%s", cfg->antenne);
    snprintf(u->version, sizeof u->version, "%s", cfg->version);
    snprintf(u->printer, sizeof u->printer, "unplugged");
    u->env = cfg->env;
    u->started_ms = cfg->started_ms > 0 ? cfg->started_ms : now_ms(u);
    u->batch_max = cfg->batch_max_buckets > 0 ? cfg->batch_max_buckets : 500;
    u->interval_ms = or_default(cfg->interval_ms, 60000);
    u->live_check_ms = or_default(cfg->live_check_ms, 5000);
    u->base_ms = or_default(cfg->backoff_base_ms, 5000);
    u->cap_ms = or_default(cfg->backoff_cap_ms, 15 * 60000);
    u->unauthorized_ms = or_default(cfg->unauthorized_retry_ms, u->cap_ms);
    u->retry_after_max_ms = or_default(cfg->retry_after_max_ms, 3600000);
    u->sender = UPLOAD_IDLE;
    atomic_init(&u->stop, false);

    size_t base_len = strlen(cfg->url);
    while (base_len > 0 && cfg->url[base_len - 1] == '/')
        base_len--;
    char *base = strndup(cfg->url, base_len);
    char *path = base ? join("/api/v1/antennes/", cfg->antenne, "/batches") : NULL;
    u->batches_url = path ? join(base, path, "") : NULL;
    free(path);
    path = base ? join("/api/v1/antennes/", cfg->antenne, "/live") : NULL;
    u->live_url = path ? join(base, path, "") : NULL;
    free(base);
    free(path);
    u->token_file = strdup(cfg->token_file);
    u->buckets = upload_buckets_new();
    if (!u->batches_url || !u->live_url || !u->token_file || !u->buckets) {
        snprintf(errbuf, errlen, "upload: out of memory");
        release(u);
        return -ENOMEM;
    }

    char reason[256];
    err = queue_open(&u->q, cfg->db_path, NULL, reason, sizeof reason);
    if (err != 0) {
        snprintf(errbuf, errlen, "upload: engine database %s: %s", cfg->db_path, reason);
        release(u);
        return -EIO;
    }
    char *outbox_path = cfg->outbox_path ? strdup(cfg->outbox_path) : join(cfg->db_path, ".upload", "");
    err = outbox_path ? upload_outbox_open(&u->outbox, outbox_path, or_default(cfg->outbox_max_bytes, 64 << 20),
                                           reason, sizeof reason)
                      : -ENOMEM;
    free(outbox_path);
    if (err != 0) {
        snprintf(errbuf, errlen, "upload: %s", err == -ENOMEM && !outbox_path ? "out of memory" : reason);
        release(u);
        return err;
    }
    upload_http_options hopts = { .ca_file = cfg->ca_file, .connect_timeout_ms = cfg->connect_timeout_ms,
                                  .timeout_ms = cfg->timeout_ms, .cancelled = is_cancelled, .cancel_ctx = u };
    err = upload_http_new(&u->http, &hopts);
    if (err != 0) {
        snprintf(errbuf, errlen, "upload: cannot set up libcurl");
        release(u);
        return err;
    }

    clock_cond_init(&u->cond);
    pthread_mutex_init(&u->mu, NULL);
    publish(u, 0, 0, NULL);
    err = pthread_create(&u->thread, NULL, run, u);
    if (err != 0) {
        snprintf(errbuf, errlen, "upload: cannot start the thread: %s", strerror(err));
        pthread_cond_destroy(&u->cond);
        pthread_mutex_destroy(&u->mu);
        release(u);
        return -err;
    }
    *out = u;
    return 0;
}

void upload_stop(upload *u)
{
    if (!u)
        return;
    pthread_mutex_lock(&u->mu);
    atomic_store(&u->stop, true);
    pthread_cond_signal(&u->cond);
    pthread_mutex_unlock(&u->mu);
    pthread_join(u->thread, NULL);
    pthread_cond_destroy(&u->cond);
    pthread_mutex_destroy(&u->mu);
    release(u);
}

void upload_kick(upload *u)
{
    pthread_mutex_lock(&u->mu);
    u->kicked = true;
    pthread_cond_signal(&u->cond);
    pthread_mutex_unlock(&u->mu);
}

int upload_set_printer_state(upload *u, const char *name)
{
    if (!name || !valid_name(name, LOWER "_", UPLOAD_NAME_MAX))
        return -EINVAL;
    pthread_mutex_lock(&u->mu);
    snprintf(u->printer, sizeof u->printer, "%s", name);
    pthread_mutex_unlock(&u->mu);
    return 0;
}

void upload_get_status(upload *u, upload_status *out)
{
    pthread_mutex_lock(&u->mu);
    *out = u->status;
    pthread_mutex_unlock(&u->mu);
}
