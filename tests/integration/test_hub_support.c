/* Fixture of the hub tests (see test_hub_support.h). */
#include "test_hub_support.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "testlib.h"

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "hub fixture: %s: %s\n", what, detail);
    abort();
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0)
        die("cannot write", path);
}

static const char INI[] =
    "[antenne]\nid = test\nname = Antenne de test\ntimezone = Europe/Paris\n"
    "[hours]\nalways_open = true\n"
    "[service.A]\nlabel_fr = Aides individuelles\nlabel_en = Individual grants\norder = 1\n"
    "[service.F]\nlabel_fr = Formation et emploi\nlabel_en = Training and jobs\norder = 2\n"
    "[service.E]\nlabel_fr = Entreprises et associations\nlabel_en = Companies\norder = 3\n"
    "enabled = false\n"
    "[service.R]\nlabel_fr = Rendez-vous\nlabel_en = Appointment\norder = 4\n"
    "enabled = false\n"
    "[counter.1]\nname = Guichet 1\nservices = A,F\ntoken_file = counter1.token\n"
    "[counter.2]\nname = Guichet 2\nservices = A,F,R\ntoken_file = counter2.token\n"
    "[counter.3]\nname = Guichet 3\nservices = F\ntoken_file = counter3.token\n"
    "[counter.4]\nname = Guichet 4\nservices = A\n"
    "[partners]\ncaf = CAF de l'Aisne\nfrance-travail = France Travail\n"
    "[queue]\nrecalls_before_no_show = 1\n"
    "[hub]\nlisten = 127.0.0.1:8080\n"
    "[printer]\ndevice = virtual\n"
    "[store]\npath = queue.db\n";

static int64_t fixture_clock_ms(void *ctx)
{
    th_fixture *f = ctx;
    return atomic_load(&f->now) * 1000;
}

/* The worst content a screen meets: a long antenne name, a two-digit desk, ten services with
 * long names (one for appointments only). Desk 12 uses counter1.token, desk 3 counter2.token. */
const char TH_WORST_INI[] =
    "[antenne]\nid = worst\nname = Antenne de Saint-Quentin-en-Tourmont\ntimezone = Europe/Paris\n"
    "[hours]\nalways_open = true\n"
    "[service.A]\nlabel_fr = Aides individuelles (transport, garde d'enfants, permis)\norder = 1\n"
    "[service.B]\nlabel_fr = Bourses et aides aux études supérieures\norder = 2\n"
    "[service.C]\nlabel_fr = Entreprises, associations et collectivités territoriales\norder = 3\n"
    "[service.D]\nlabel_fr = Information, autre demande\norder = 4\n"
    "[service.E]\nlabel_fr = Emploi et recherche de stage\norder = 5\n"
    "[service.F]\nlabel_fr = Formation professionnelle continue\norder = 6\n"
    "[service.G]\nlabel_fr = Garde d'enfants et petite enfance\norder = 7\n"
    "[service.H]\nlabel_fr = Handicap et accessibilité\norder = 8\n"
    "[service.J]\nlabel_fr = Jeunesse, orientation et apprentissage\norder = 9\n"
    "[service.K]\nlabel_fr = Rendez-vous\norder = 10\nenabled = false\n"
    "[counter.12]\nname = Guichet 12\nservices = A,B,C,D,E,F,G,H,J,K\ntoken_file = counter1.token\n"
    "[counter.3]\nname = Guichet 3\nservices = A\ntoken_file = counter2.token\n"
    "[queue]\nrecalls_before_no_show = 1\n"
    "[hub]\nlisten = 127.0.0.1:8080\n"
    "[printer]\ndevice = virtual\n"
    "[store]\npath = queue.db\n";

void th_start(th_fixture *f, const char *name, bool real_clock)
{
    th_start_ini(f, name, real_clock, INI);
}

void th_start_ini(th_fixture *f, const char *name, bool real_clock, const char *ini_text)
{
    memset(f, 0, sizeof *f);
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    f->dir = testlib_tmpdir(name);
    testlib_write_file(f->dir, "counter1.token", TH_TOKEN1 "\n", 0600);
    testlib_write_file(f->dir, "counter2.token", TH_TOKEN2 "\n", 0600);
    testlib_write_file(f->dir, "counter3.token", TH_TOKEN3 "\n", 0600);
    const char *ini = testlib_path(f->dir, "borne.ini");
    write_file(ini, ini_text);
    char err[512];
    if (config_load(ini, &f->cfg, err, sizeof err) != 0)
        die("config", err);
    snprintf(f->db_path, sizeof f->db_path, "%s", f->cfg.store.path);
    atomic_store(&f->now, real_clock ? (int64_t)time(NULL)
                                     : testlib_local_time(2026, 11, 23, 10, 0, 0));
    if (queue_open(&f->q, f->db_path, &f->cfg.queue, err, sizeof err) != QUEUE_OK)
        die("queue_open", err);
    if (queue_apply_setup(f->q, &f->cfg.setup, th_now(f)) != QUEUE_OK)
        die("setup", queue_errmsg(f->q));
    f->real_clock = real_clock;
    th_hub_up(f);
}

void th_hub_up(th_fixture *f)
{
    const char *assets = getenv("BORNE_ASSETS");
    char web[512], listen[32], err[512];
    snprintf(web, sizeof web, "%s/web", assets && *assets ? assets : "assets");
    snprintf(listen, sizeof listen, "127.0.0.1:%d", f->port);
    hub_options o = {.clock = {f->real_clock ? NULL : fixture_clock_ms, f},
                     .listen = listen};
    if (hub_start(&f->hub, &f->cfg, f->db_path, web, &o, err, sizeof err) != 0)
        die("hub_start", err);
    f->port = hub_port(f->hub);
}

void th_hub_down(th_fixture *f)
{
    hub_stop(f->hub);
    f->hub = NULL;
}

void th_stop(th_fixture *f)
{
    hub_stop(f->hub);
    queue_close(f->q);
    f->hub = NULL;
    f->q = NULL;
}

int64_t th_now(th_fixture *f)
{
    return atomic_load(&f->now);
}

int64_t th_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- HTTP ------------------------------------------------------------------------------- */

struct th_client {
    CURL *curl;
    int port;
};

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
    th_response *r = ctx;
    if (size * n >= 25 && strncasecmp(p, "Idempotent-Replayed: true", 25) == 0)
        r->replayed = true;
    if (size * n >= 13 && strncasecmp(p, "Retry-After: ", 13) == 0)
        r->retry_after = atoi(p + 13);
    return size * n;
}

th_client *th_client_new(int port)
{
    th_client *c = calloc(1, sizeof *c);
    if (!c || !(c->curl = curl_easy_init()))
        die("curl", "cannot create a handle");
    c->port = port;
    return c;
}

void th_client_free(th_client *c)
{
    if (!c)
        return;
    curl_easy_cleanup(c->curl);
    free(c);
}

long th_client_do(th_client *c, const char *method, const char *path, const char *token,
                  const char *idem_key, const char *body, th_response *out)
{
    CURL *h = c->curl;
    memset(out, 0, sizeof *out);
    struct testlib_buf body_read = {calloc(1, 1), 0};
    char url[512], auth[256], idem[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", c->port, path);
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        hdr = curl_slist_append(hdr, auth);
    }
    if (idem_key) {
        snprintf(idem, sizeof idem, "Idempotency-Key: %s", idem_key);
        hdr = curl_slist_append(hdr, idem);
    }
    hdr = curl_slist_append(hdr, "Expect:");
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, testlib_buf_append);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body_read);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, out);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    if (body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    CURLcode rc = curl_easy_perform(h);
    if (rc == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
    out->body = body_read.p;
    out->len = body_read.len;
    curl_slist_free_all(hdr);
    return out->status;
}

long th_http(const th_fixture *f, const char *method, const char *path, const char *token,
             const char *idem_key, const char *body, th_response *out)
{
    th_client *c = th_client_new(f->port);
    long st = th_client_do(c, method, path, token, idem_key, body, out);
    th_client_free(c);
    return st;
}

void th_response_free(th_response *r)
{
    free(r->body);
    r->body = NULL;
}

/* ---- SSE ----------------------------------------------------------------------------------- */

struct th_sse {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    char *text;
    size_t len;
    bool done, closing;
    char url[256];
    char last_event_id[64];
    char source[32];          /* "" or the loopback address the client binds to */
    char auth[192];           /* "Authorization: Bearer ..." or "" */
};

static size_t on_stream(char *p, size_t size, size_t n, void *ctx)
{
    th_sse *s = ctx;
    size_t len = size * n;
    pthread_mutex_lock(&s->mu);
    char *t = realloc(s->text, s->len + len + 1);
    if (t) {
        memcpy(t + s->len, p, len);
        s->text = t;
        s->len += len;
        t[s->len] = '\0';
    }
    bool closing = s->closing;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->mu);
    return t && !closing ? len : 0;
}

/* Lets th_sse_close() end a stream that is waiting for data. */
static int on_progress(void *ctx, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
    (void)a, (void)b, (void)c, (void)d;
    th_sse *s = ctx;
    pthread_mutex_lock(&s->mu);
    bool closing = s->closing;
    pthread_mutex_unlock(&s->mu);
    return closing;
}

static void *sse_thread(void *arg)
{
    th_sse *s = arg;
    CURL *h = curl_easy_init();
    char hdr_buf[128];
    struct curl_slist *hdr = NULL;
    if (s->last_event_id[0]) {
        snprintf(hdr_buf, sizeof hdr_buf, "Last-Event-ID: %s", s->last_event_id);
        hdr = curl_slist_append(hdr, hdr_buf);
    }
    if (s->auth[0])
        hdr = curl_slist_append(hdr, s->auth);
    curl_easy_setopt(h, CURLOPT_URL, s->url);
    if (s->source[0]) {
        char iface[48];
        snprintf(iface, sizeof iface, "host!%s", s->source);
        curl_easy_setopt(h, CURLOPT_INTERFACE, iface);
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_stream);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, s);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_perform(h);
    curl_easy_cleanup(h);
    curl_slist_free_all(hdr);
    pthread_mutex_lock(&s->mu);
    s->done = true;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

static th_sse *th_sse_open_with(int port, const char *path, const char *token,
                                const char *last_event_id, const char *source);

th_sse *th_sse_open(int port, const char *last_event_id)
{
    return th_sse_open_from(port, last_event_id, NULL);
}

th_sse *th_sse_open_from(int port, const char *last_event_id, const char *source)
{
    return th_sse_open_with(port, "/api/v1/events", NULL, last_event_id, source);
}

th_sse *th_sse_open_at(int port, const char *path, const char *token, const char *last_event_id)
{
    return th_sse_open_with(port, path, token, last_event_id, NULL);
}

static th_sse *th_sse_open_with(int port, const char *path, const char *token,
                                const char *last_event_id, const char *source)
{
    th_sse *s = calloc(1, sizeof *s);
    if (!s)
        die("sse", "out of memory");
    pthread_mutex_init(&s->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cond, &ca);
    pthread_condattr_destroy(&ca);
    snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d%s", port, path);
    if (token)
        snprintf(s->auth, sizeof s->auth, "Authorization: Bearer %s", token);
    if (last_event_id)
        snprintf(s->last_event_id, sizeof s->last_event_id, "%s", last_event_id);
    if (source)
        snprintf(s->source, sizeof s->source, "%s", source);
    if (pthread_create(&s->thread, NULL, sse_thread, s) != 0)
        die("sse", "cannot start a thread");
    return s;
}

bool th_sse_wait(th_sse *s, const char *needle, int timeout_ms)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->mu);
    bool found;
    while (!(found = s->text && strstr(s->text, needle)) && !s->done)
        if (pthread_cond_timedwait(&s->cond, &s->mu, &until) != 0)
            break;
    pthread_mutex_unlock(&s->mu);
    return found;
}

char *th_sse_text(th_sse *s)
{
    pthread_mutex_lock(&s->mu);
    char *t = strdup(s->text ? s->text : "");
    pthread_mutex_unlock(&s->mu);
    return t;
}

void th_sse_close(th_sse *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->closing = true;
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cond);
    free(s->text);
    free(s);
}

/* ---- API clients issuing at full speed ---- */

struct th_issuers {
    int n;
    atomic_bool stop;
    atomic_long issued, refused;
    pthread_t threads[16];
    int port;
    const char *token;
    char body[32];
};

static void *issuer_main(void *arg)
{
    th_issuers *is = arg;
    th_client *c = th_client_new(is->port);
    while (!atomic_load(&is->stop)) {
        th_response r;
        long st = th_client_do(c, "POST", "/api/v1/tickets", is->token, NULL, is->body, &r);
        th_response_free(&r);
        if (st == 201)
            atomic_fetch_add(&is->issued, 1);
        else
            atomic_fetch_add(&is->refused, 1);
    }
    th_client_free(c);
    return NULL;
}

th_issuers *th_issuers_start(const th_fixture *f, int n, const char *token, char service)
{
    th_issuers *is = calloc(1, sizeof *is);
    if (!is || n > 16)
        die("issuers", "out of memory or more than 16");
    is->n = n;
    is->port = f->port;
    is->token = token;
    snprintf(is->body, sizeof is->body, "{\"service\":\"%c\"}", service);
    for (int i = 0; i < n; i++)
        if (pthread_create(&is->threads[i], NULL, issuer_main, is) != 0)
            die("issuers", "pthread_create");
    return is;
}

long th_issuers_stop(th_issuers *is, long *refused)
{
    atomic_store(&is->stop, true);
    for (int i = 0; i < is->n; i++)
        pthread_join(is->threads[i], NULL);
    long issued = atomic_load(&is->issued);
    if (refused)
        *refused = atomic_load(&is->refused);
    free(is);
    return issued;
}

long th_issuers_count(th_issuers *is)
{
    return atomic_load(&is->issued);
}
