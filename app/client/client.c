/* Hub client of the counter appliance (see include/borne/client.h). */
#include "borne/client.h"
#include "borne/clock.h"
#include "borne/lan_contract.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define URL_MAX 256
#define STREAM_TIMEOUT_S 40   /* the hub sends a keep-alive every 15 s: silence means it is gone */
#define REQUEST_TIMEOUT_S 5

typedef struct pending {
    bool active;
    lan_action action;
    char body[96];
    char key[37];
} pending;

struct client {
    char url[URL_MAX];
    int counter_id;
    char auth[LAN_TOKEN_MAX + 32];
    client_options opts;
    client_notify_fn notify;
    void *ctx;

    pthread_mutex_t mu;
    pthread_cond_t cond;
    bool stop;
    client_view view;          /* guarded by mu */
    pending job;                /* guarded by mu */
    bool want_view;             /* guarded by mu: the worker should GET the counter's view */
    int64_t view_asked;         /* guarded by mu: ticket whose appointment was asked or known */
    pthread_t stream_thread, worker_thread;
    bool stream_started, worker_started;

    /* stream parser: stream thread only */
    char line[64 * 1024];
    size_t line_len;
    char event[32];
    char *data;
    size_t data_len;
    char last_id[32];
};

static const struct { const char *code, *text; } MESSAGES[] = {
    {"queue_empty", "Personne n'attend pour vos services."},
    {"no_current_ticket", "Aucun visiteur en cours à ce guichet."},
    {"bad_state", "Action impossible maintenant."},
    {"recalls_needed", "Rappelez le visiteur avant de le déclarer absent."},
    {"not_served", "Ce guichet ne traite pas ce service."},
    {"unknown_counter", "Guichet inconnu."},
    {"unauthorized", "Jeton refusé : vérifiez le jeton du guichet."},
    {"forbidden", "Ce jeton appartient à un autre guichet."},
    {"service_disabled", "Ce service est fermé."},
    {"storage_full", "Stockage plein sur la borne : prévenez l'administrateur."},
};

int client_new_key(char out[37])
{
    unsigned char b[16];
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
        return -1;
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
             b[13], b[14], b[15]);
    return 0;
}

static void changed(client *c)
{
    if (c->notify)
        c->notify(c->ctx);
}

/* Sleeps up to ms unless stopping; returns whether to go on. */
static bool pause_ms(client *c, int ms)
{
    struct timespec until = clock_mono_deadline(ms);
    pthread_mutex_lock(&c->mu);
    while (!c->stop && pthread_cond_timedwait(&c->cond, &c->mu, &until) != ETIMEDOUT)
        ;
    bool go = !c->stop;
    pthread_mutex_unlock(&c->mu);
    return go;
}

/* ---- JSON to view --------------------------------------------------------------------------- */

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

static char letter(json_t *j)
{
    const char *s = json_string_value(j);
    return s ? s[0] : 0;
}

/* The ticket object, read field by field from the contract's list (LAN_TICKET_FIELDS). A
 * missing field reads as 0/""/false, as for a hub of an older version. */
static void read_INT64(json_t *j, int64_t *out) { *out = json_integer_value(j); }
static void read_INT(json_t *j, int *out) { *out = (int)json_integer_value(j); }
static void read_BOOL(json_t *j, bool *out) { *out = json_is_true(j); }
static void read_LETTER(json_t *j, char *out) { *out = letter(j); }
static void read_LABEL(json_t *j, char (*out)[LAN_TICKET_LABEL_MAX]) { copy(*out, sizeof *out, json_string_value(j)); }
static void read_TICKET_STATE(json_t *j, lan_ticket_state *out)
{
    int s = lan_ticket_state_from_name(json_string_value(j));
    *out = s < 0 ? LAN_TICKET_WAITING : (lan_ticket_state)s;
}

static void ticket_from_json(json_t *j, lan_ticket *t)
{
    memset(t, 0, sizeof *t);
#define READ_FIELD(kind, key) read_##kind(json_object_get(j, #key), &t->key);
    LAN_TICKET_FIELDS(READ_FIELD)
#undef READ_FIELD
}

static lan_counter_state counter_state_from_name(const char *s)
{
    int st = lan_counter_state_from_name(s);
    return st < 0 ? LAN_COUNTER_CLOSED : (lan_counter_state)st;
}

/* Caller holds mu. */
static void apply_counter(client *c, json_t *ctr)
{
    client_view *v = &c->view;
    copy(v->counter_name, sizeof v->counter_name, json_string_value(json_object_get(ctr, "name")));
    v->counter_state = counter_state_from_name(json_string_value(json_object_get(ctr, "state")));
    json_t *t = json_object_get(ctr, "ticket");
    v->has_ticket = json_is_object(t);
    if (v->has_ticket)
        ticket_from_json(t, &v->ticket);
    const char *served = json_string_value(json_object_get(ctr, "services"));
    for (int i = 0; i < v->n_services; i++)
        v->services[i].mine = served && strchr(served, v->services[i].letter);
}

/* Caller holds mu. Forgets an appointment that is not the current visitor's (the note must not
 * outlive the visit on screen), and asks the worker for the counter's own view when the current
 * ticket is an appointment not asked about yet. */
static void check_appointment(client *c)
{
    client_view *v = &c->view;
    bool appt_ticket = v->has_ticket && v->ticket.appointment;
    if (!appt_ticket || v->appointment.ticket_id != v->ticket.id) {
        v->has_appointment = false;
        memset(&v->appointment, 0, sizeof v->appointment);
    }
    /* counter_id 0 (the display) has no worker and no token to ask with */
    c->want_view = appt_ticket && !v->has_appointment && c->view_asked != v->ticket.id &&
                   c->counter_id != 0;
    if (c->want_view)
        pthread_cond_broadcast(&c->cond);
}

/* Caller holds mu. A counter view: GET /counters/{id} or the answer of an operation. */
static void apply_view(client *c, json_t *j)
{
    client_view *v = &c->view;
    apply_counter(c, json_object_get(j, "counter"));
    json_t *a = json_object_get(j, "appointment");
    if (v->has_ticket) {
        c->view_asked = v->ticket.id;   /* answered, with or without an appointment */
        if (json_is_object(a)) {
            memset(&v->appointment, 0, sizeof v->appointment);
            copy(v->appointment.code, sizeof v->appointment.code,
                 json_string_value(json_object_get(a, "code")));
            copy(v->appointment.note, sizeof v->appointment.note,
                 json_string_value(json_object_get(a, "note")));
            v->appointment.at = json_integer_value(json_object_get(a, "at"));
            v->appointment.ticket_id = v->ticket.id;
            v->has_appointment = true;
        }
    }
    check_appointment(c);
}

/* Caller holds mu. */
static void apply_state(client *c, json_t *st)
{
    client_view *v = &c->view;
    v->have_state = true;
    v->skew = json_integer_value(json_object_get(st, "now")) - (int64_t)time(NULL);
    v->last_event_id = json_integer_value(json_object_get(st, "last_event_id"));
    copy(v->antenne, sizeof v->antenne, json_string_value(json_object_get(json_object_get(st, "antenne"), "name")));
    json_t *svcs = json_object_get(st, "services");
    v->n_services = 0;
    for (size_t i = 0; i < json_array_size(svcs) && v->n_services < LAN_MAX_SERVICES; i++) {
        json_t *s = json_array_get(svcs, i);
        client_service_view *sv = &v->services[v->n_services++];
        sv->letter = letter(json_object_get(s, "letter"));
        copy(sv->label, sizeof sv->label, json_string_value(json_object_get(s, "label_fr")));
        sv->waiting = (int)json_integer_value(json_object_get(s, "waiting"));
        json_t *w = json_object_get(s, "wait_min");
        sv->wait_min_lo = (int)json_integer_value(json_array_get(w, 0));
        sv->wait_min_hi = (int)json_integer_value(json_array_get(w, 1));
        sv->open_counters = (int)json_integer_value(json_object_get(s, "open_counters"));
        sv->walk_in = json_is_true(json_object_get(s, "walk_in"));
        sv->mine = false;
    }
    v->recalls_before_no_show = (int)json_integer_value(json_object_get(st, "recalls_before_no_show"));
    json_t *kiosk_printer = json_object_get(st, "printer");
    copy(v->printer, sizeof v->printer, json_string_value(json_object_get(kiosk_printer, "state")));
    v->printer_can_print = json_is_true(json_object_get(kiosk_printer, "can_print"));
    /* First snapshot: the day's last calls fill the list, as history (never announced). */
    json_t *calls = json_object_get(st, "last_calls");
    if (v->n_calls_total == 0 && json_array_size(calls)) {
        size_t n = json_array_size(calls) < CLIENT_CALLS ? json_array_size(calls) : CLIENT_CALLS;
        for (size_t i = 0; i < n; i++) {   /* newest first in the state, oldest first here */
            json_t *e = json_array_get(calls, n - 1 - i);
            client_call *call = &v->calls[i];
            copy(call->label, sizeof call->label, json_string_value(json_object_get(e, "label")));
            call->counter_id = (int)json_integer_value(json_object_get(e, "counter"));
            call->recall = json_is_true(json_object_get(e, "recall"));
        }
        v->n_calls_total = v->n_calls_history = n;
    }
    json_t *ctrs = json_object_get(st, "counters");
    v->n_counters = 0;
    for (size_t i = 0; i < json_array_size(ctrs) && v->n_counters < LAN_MAX_COUNTERS; i++) {
        json_t *ctr = json_array_get(ctrs, i);
        int id = (int)json_integer_value(json_object_get(ctr, "id"));
        v->counters[v->n_counters].id = id;
        copy(v->counters[v->n_counters].name, sizeof v->counters[0].name,
             json_string_value(json_object_get(ctr, "name")));
        v->n_counters++;
        if (id == c->counter_id)
            apply_counter(c, ctr);
    }
    check_appointment(c);
}

/* ---- event stream ----------------------------------------------------------------------------- */

/* A call or recall event: queued in the view for the display's announcements. */
static void note_call(client *c)
{
    json_t *e = json_loads(c->data, 0, NULL);
    if (!e)
        return;
    pthread_mutex_lock(&c->mu);
    client_call *call = &c->view.calls[c->view.n_calls_total % CLIENT_CALLS];
    copy(call->label, sizeof call->label, json_string_value(json_object_get(e, "label")));
    call->counter_id = (int)json_integer_value(json_object_get(e, "counter"));
    call->recall = strcmp(c->event, "recall") == 0;
    c->view.n_calls_total++;
    pthread_mutex_unlock(&c->mu);
    json_decref(e);
    changed(c);
}

static void dispatch(client *c)
{
    if ((strcmp(c->event, "call") == 0 || strcmp(c->event, "recall") == 0) && c->data)
        note_call(c);
    if (strcmp(c->event, "state") == 0 && c->data) {
        json_t *st = json_loads(c->data, 0, NULL);
        if (st) {
            pthread_mutex_lock(&c->mu);
            apply_state(c, st);
            pthread_mutex_unlock(&c->mu);
            json_decref(st);
            changed(c);
        }
    }
    c->event[0] = '\0';
    c->data_len = 0;
    if (c->data)
        c->data[0] = '\0';
}

static void stream_line(client *c, char *line)
{
    if (line[0] == '\0') {
        dispatch(c);
        return;
    }
    if (line[0] == ':')
        return;
    char *value = strchr(line, ':');
    if (value) {
        *value++ = '\0';
        if (*value == ' ')
            value++;
    } else {
        value = line + strlen(line);
    }
    if (strcmp(line, "event") == 0) {
        copy(c->event, sizeof c->event, value);
    } else if (strcmp(line, "id") == 0) {
        copy(c->last_id, sizeof c->last_id, value);
    } else if (strcmp(line, "data") == 0) {
        size_t n = strlen(value);
        char *d = realloc(c->data, c->data_len + n + 2);
        if (!d)
            return;
        c->data = d;
        if (c->data_len)
            d[c->data_len++] = '\n';
        memcpy(d + c->data_len, value, n + 1);
        c->data_len += n;
    }
}

static size_t on_stream(char *p, size_t size, size_t n, void *ctx)
{
    client *c = ctx;
    size_t len = size * n;
    pthread_mutex_lock(&c->mu);
    bool was = c->view.connected;
    c->view.connected = true;
    bool stop = c->stop;
    pthread_mutex_unlock(&c->mu);
    if (!was)
        changed(c);
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '\n') {
            c->line[c->line_len] = '\0';
            if (c->line_len && c->line[c->line_len - 1] == '\r')
                c->line[c->line_len - 1] = '\0';
            stream_line(c, c->line);
            c->line_len = 0;
        } else if (c->line_len < sizeof c->line - 1) {
            c->line[c->line_len++] = p[i];
        }
    }
    return stop ? 0 : len;
}

static int on_progress(void *ctx, curl_off_t a, curl_off_t b, curl_off_t d, curl_off_t e)
{
    (void)a, (void)b, (void)d, (void)e;
    client *c = ctx;
    pthread_mutex_lock(&c->mu);
    bool stop = c->stop;
    pthread_mutex_unlock(&c->mu);
    return stop;
}

static void *stream_main(void *arg)
{
    client *c = arg;
    CURL *h = curl_easy_init();
    char url[URL_MAX + 32], lei[64];
    snprintf(url, sizeof url, "%s" LAN_API_PREFIX "/events", c->url);
    do {
        struct curl_slist *hdr = NULL;
        if (c->last_id[0]) {
            snprintf(lei, sizeof lei, "Last-Event-ID: %s", c->last_id);
            hdr = curl_slist_append(hdr, lei);
        }
        c->line_len = 0;
        c->event[0] = '\0';
        c->data_len = 0;
        curl_easy_reset(h);
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_stream);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
        curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 3L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (long)STREAM_TIMEOUT_S);
        curl_easy_perform(h);
        curl_slist_free_all(hdr);
        pthread_mutex_lock(&c->mu);
        bool was = c->view.connected;
        c->view.connected = false;
        pthread_mutex_unlock(&c->mu);
        if (was)
            changed(c);
    } while (pause_ms(c, c->opts.retry_ms));
    curl_easy_cleanup(h);
    free(c->data);
    c->data = NULL;
    return NULL;
}

/* ---- operations ----------------------------------------------------------------------------- */

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    char **buf = ctx;
    size_t have = *buf ? strlen(*buf) : 0, len = size * n;
    char *b = realloc(*buf, have + len + 1);
    if (!b)
        return 0;
    memcpy(b + have, p, len);
    b[have + len] = '\0';
    *buf = b;
    return len;
}

/* One request with the counter's token: a POST of `job`, or (job NULL) the GET of the
 * counter's own view. Returns the HTTP status, or 0 when the hub could not be reached. */
static long request(client *c, CURL *h, const pending *job, char **answer)
{
    char url[URL_MAX + 64], key[64];
    snprintf(url, sizeof url, "%s" LAN_API_PREFIX "/counters/%d%s%s", c->url, c->counter_id, job ? "/" : "",
             job ? lan_action_name(job->action) : "");
    struct curl_slist *hdr = curl_slist_append(NULL, c->auth);
    curl_easy_reset(h);
    if (job) {
        snprintf(key, sizeof key, "Idempotency-Key: %s", job->key);
        hdr = curl_slist_append(hdr, key);
        hdr = curl_slist_append(hdr, "Content-Type: application/json");
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, job->body);
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, answer);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)REQUEST_TIMEOUT_S);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    long status = 0;
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hdr);
    return status;
}

static void set_message(client *c, bool error, const char *text)
{
    pthread_mutex_lock(&c->mu);
    copy(c->view.message, sizeof c->view.message, text);
    c->view.message_is_error = error;
    pthread_mutex_unlock(&c->mu);
    changed(c);
}

/* The answer of a finished operation into the view and the agent's message. */
static void conclude(client *c, const pending *job, long status, const char *answer)
{
    json_t *j = answer ? json_loads(answer, 0, NULL) : NULL;
    char msg[CLIENT_MSG_MAX] = "";
    bool error = status < 200 || status >= 300;
    pthread_mutex_lock(&c->mu);
    if (!error && j) {
        apply_view(c, j);
        const char *label = json_string_value(json_object_get(json_object_get(j, "ticket"), "label"));
        if (job->action == LAN_ACT_CALL_NEXT && label)
            snprintf(msg, sizeof msg, "%s appelé.", label);
    } else if (error) {
        const char *code = json_string_value(json_object_get(j, "error"));
        copy(msg, sizeof msg, "Erreur du hub.");
        for (size_t i = 0; code && i < sizeof MESSAGES / sizeof MESSAGES[0]; i++)
            if (strcmp(code, MESSAGES[i].code) == 0)
                copy(msg, sizeof msg, MESSAGES[i].text);
    }
    copy(c->view.message, sizeof c->view.message, msg);
    c->view.message_is_error = error;
    pthread_mutex_unlock(&c->mu);
    json_decref(j);
}

/* The counter's own view, for the note of the current appointment. Tried once: when the hub
 * cannot answer, the next state from the stream (there is one after every reconnection) asks
 * again. */
static void fetch_view(client *c, CURL *h)
{
    char *answer = NULL;
    long status = request(c, h, NULL, &answer);
    json_t *j = status == 200 && answer ? json_loads(answer, 0, NULL) : NULL;
    pthread_mutex_lock(&c->mu);
    if (j)
        apply_view(c, j);
    else
        c->view_asked = 0;
    pthread_mutex_unlock(&c->mu);
    json_decref(j);
    free(answer);
    if (j)
        changed(c);
}

static void *worker_main(void *arg)
{
    client *c = arg;
    CURL *h = curl_easy_init();
    for (;;) {
        pthread_mutex_lock(&c->mu);
        while (!c->stop && !c->job.active && !c->want_view)
            pthread_cond_wait(&c->cond, &c->mu);
        pending job = c->job;
        bool stop = c->stop, view = !job.active && c->want_view;
        if (view) {
            c->want_view = false;
            c->view_asked = c->view.ticket.id;
        }
        pthread_mutex_unlock(&c->mu);
        if (stop)
            break;
        if (view) {
            fetch_view(c, h);
            continue;
        }
        time_t give_up = time(NULL) + c->opts.give_up_s;
        long status;
        char *answer;
        for (;;) {
            answer = NULL;
            status = request(c, h, &job, &answer);
            bool retry = status == 0 || status >= 500 || (status == 409 && answer &&
                                                          strstr(answer, "\"in_progress\""));
            if (!retry)
                break;
            free(answer);
            answer = NULL;
            if (time(NULL) >= give_up) {
                status = -1;
                break;
            }
            set_message(c, true, "Hub injoignable : nouvelle tentative…");
            if (!pause_ms(c, c->opts.retry_ms))
                break;
        }
        if (status == -1)
            set_message(c, true, "Hub injoignable : l'action n'a pas été faite.");
        else if (status > 0)
            conclude(c, &job, status, answer);
        free(answer);
        pthread_mutex_lock(&c->mu);
        c->job.active = false;
        c->view.busy = false;
        pthread_mutex_unlock(&c->mu);
        changed(c);
    }
    curl_easy_cleanup(h);
    return NULL;
}

int client_act(client *c, lan_action action, lan_outcome outcome, char to_service, int to_counter)
{
    if (!c->worker_started)
        return -1;
    pending job = {.active = true, .action = action};
    if (client_new_key(job.key) != 0)
        return -1;
    if (action == LAN_ACT_FINISH)
        snprintf(job.body, sizeof job.body, "{\"outcome\":\"%s\"}",
                 lan_outcome_name(outcome ? outcome : LAN_OUTCOME_ANSWERED));
    else if (action == LAN_ACT_TRANSFER && to_service && to_counter)
        snprintf(job.body, sizeof job.body, "{\"service\":\"%c\",\"counter\":%d}", to_service, to_counter);
    else if (action == LAN_ACT_TRANSFER && to_service)
        snprintf(job.body, sizeof job.body, "{\"service\":\"%c\"}", to_service);
    else if (action == LAN_ACT_TRANSFER)
        snprintf(job.body, sizeof job.body, "{\"counter\":%d}", to_counter);
    pthread_mutex_lock(&c->mu);
    bool free_slot = !c->job.active;
    if (free_slot) {
        c->job = job;
        c->view.busy = true;
        c->view.message[0] = '\0';
        c->view.message_is_error = false;
        pthread_cond_broadcast(&c->cond);
    }
    pthread_mutex_unlock(&c->mu);
    if (free_slot)
        changed(c);
    return free_slot ? 0 : -1;
}

void client_get_view(client *c, client_view *out)
{
    pthread_mutex_lock(&c->mu);
    *out = c->view;
    pthread_mutex_unlock(&c->mu);
}

/* ---- start and stop -------------------------------------------------------------------------- */

int client_start(client **out, const char *hub_url, int counter_id, const char *token,
                 const client_options *opts, client_notify_fn notify, void *ctx, char *errbuf,
                 size_t errlen)
{
    *out = NULL;
    if (counter_id != 0 && !lan_token_valid(token)) {
        snprintf(errbuf, errlen, "counter token: 1 to %d visible ASCII characters", LAN_TOKEN_MAX);
        return -1;
    }
    if (!hub_url || strncmp(hub_url, "http://", 7) != 0 || strlen(hub_url) >= URL_MAX ||
        counter_id < 0) {
        snprintf(errbuf, errlen, "hub url \"%s\": expected http://host:port; counter id >= 0",
                 hub_url ? hub_url : "");
        return -1;
    }
    client *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    copy(c->url, sizeof c->url, hub_url);
    c->counter_id = counter_id;
    snprintf(c->auth, sizeof c->auth, "Authorization: Bearer %s", token ? token : "");
    if (opts)
        c->opts = *opts;
    if (c->opts.retry_ms <= 0)
        c->opts.retry_ms = 1000;
    if (c->opts.give_up_s <= 0)
        c->opts.give_up_s = 60;
    c->notify = notify;
    c->ctx = ctx;
    pthread_mutex_init(&c->mu, NULL);
    clock_cond_init(&c->cond);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    c->stream_started = pthread_create(&c->stream_thread, NULL, stream_main, c) == 0;
    c->worker_started = c->stream_started && counter_id != 0 &&
                        pthread_create(&c->worker_thread, NULL, worker_main, c) == 0;
    if (!c->stream_started || (counter_id != 0 && !c->worker_started)) {
        client_stop(c);
        snprintf(errbuf, errlen, "cannot start the client threads");
        return -1;
    }
    *out = c;
    return 0;
}

void client_stop(client *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    c->stop = true;
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->mu);
    if (c->stream_started)
        pthread_join(c->stream_thread, NULL);
    if (c->worker_started)
        pthread_join(c->worker_thread, NULL);
    pthread_cond_destroy(&c->cond);
    pthread_mutex_destroy(&c->mu);
    free(c);
}
