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

typedef enum job_kind { JOB_DESK, JOB_ALARM_RAISE, JOB_ALARM_ACK, JOB_ALARM_CLEAR, JOB_AGENT_DISMISS } job_kind;

typedef struct pending {
    bool active;
    job_kind kind;
    lan_action action;          /* JOB_DESK */
    char path[96];              /* under LAN_API_PREFIX */
    char body[512];
    char key[37];
    char done[96];              /* JOB_DESK: what was recorded, for the agent's confirmation */
} pending;

struct client;

/* One server-sent event stream: the public one (state, calls) or the desks' alarm stream. */
typedef struct stream {
    struct client *c;
    const char *path;           /* under LAN_API_PREFIX */
    bool with_token;
    bool *up;                   /* the view's flag for it, guarded by mu */
    void (*dispatch)(struct client *c, const char *event, const char *data);
    pthread_t thread;
    bool started;
    /* parser: this stream's thread only */
    char line[64 * 1024];
    size_t line_len;
    char event[32];
    char *data;
    size_t data_len;
    char last_id[32];
} stream;

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
    pending job;                /* guarded by mu: the desk's operation */
    pending alarm_job;          /* guarded by mu: an alarm operation, never behind the desk's */
    bool want_view;             /* guarded by mu: the worker should GET the counter's view */
    int64_t view_asked;         /* guarded by mu: ticket whose appointment was asked or known */
    pthread_t worker_thread, alarm_worker_thread;
    bool worker_started, alarm_worker_started;
    stream events, alarms;
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
    {"own_alarm", "Un autre guichet doit répondre à votre alerte."},
    {"not_raiser", "Seul le guichet qui a donné l'alerte la lève."},
    {"alarm_cleared", "Cette alerte est déjà levée."},
    {"unknown_alarm", "Alerte inconnue du hub."},
    {"unknown_partner", "Ce partenaire n'est pas dans la liste de l'antenne."},
};

/* The agent's words for an error code of the hub ("Erreur du hub." when unknown). */
static const char *message_for(const char *code)
{
    for (size_t i = 0; code && i < sizeof MESSAGES / sizeof MESSAGES[0]; i++)
        if (strcmp(code, MESSAGES[i].code) == 0)
            return MESSAGES[i].text;
    return "Erreur du hub.";
}

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
    json_t *antenne = json_object_get(st, "antenne");
    copy(v->antenne, sizeof v->antenne, json_string_value(json_object_get(antenne, "name")));
    copy(v->antenne_id, sizeof v->antenne_id, json_string_value(json_object_get(antenne, "id")));
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
    json_t *partners = json_object_get(json_object_get(st, "choices"), "partners");
    v->n_partners = 0;
    for (size_t i = 0; i < json_array_size(partners) && v->n_partners < CONTRACT_PARTNERS_MAX; i++) {
        json_t *p = json_array_get(partners, i);
        const char *id = json_string_value(json_object_get(p, "id"));
        if (!id || !contract_partner_id_valid(id))
            continue;
        copy(v->partners[v->n_partners].id, sizeof v->partners[0].id, id);
        copy(v->partners[v->n_partners].label, sizeof v->partners[0].label,
             json_string_value(json_object_get(p, "label")));
        v->n_partners++;
    }
    v->recalls_before_no_show = (int)json_integer_value(json_object_get(st, "recalls_before_no_show"));
    json_t *kiosk_printer = json_object_get(st, "printer");
    copy(v->printer, sizeof v->printer, json_string_value(json_object_get(kiosk_printer, "state")));
    v->printer_can_print = json_is_true(json_object_get(kiosk_printer, "can_print"));
    json_t *agent = json_object_get(st, "agent_request");
    v->agent_request_id = json_integer_value(json_object_get(agent, "id"));
    v->agent_request_at = json_integer_value(json_object_get(agent, "at"));
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

/* ---- alarms ---------------------------------------------------------------------------------- */

/* A document of the desks' alarm stream or of an alarm operation's answer (borne/alarm_json.h).
 * A missing field reads as 0/""/false; an unknown acknowledgement kind as LAN_ALARM_ACK_NONE. */
static void alarm_from_json(json_t *j, lan_alarm *a)
{
    memset(a, 0, sizeof *a);
    a->id = json_integer_value(json_object_get(j, "id"));
    copy(a->antenne, sizeof a->antenne, json_string_value(json_object_get(j, "antenne")));
    copy(a->antenne_name, sizeof a->antenne_name, json_string_value(json_object_get(j, "antenne_name")));
    a->counter = (int)json_integer_value(json_object_get(j, "counter"));
    copy(a->desk, sizeof a->desk, json_string_value(json_object_get(j, "desk")));
    a->raised_at = json_integer_value(json_object_get(j, "raised_at"));
    a->test = json_is_true(json_object_get(j, "test"));
    a->remote = json_is_true(json_object_get(j, "remote"));
    int relay = lan_alarm_relay_from_name(json_string_value(json_object_get(j, "relay")));
    a->relay = relay < 0 ? LAN_ALARM_RELAY_PENDING : (lan_alarm_relay)relay;
    a->escalations = (int)json_integer_value(json_object_get(j, "escalations"));
    a->cleared_at = json_integer_value(json_object_get(j, "cleared_at"));
    copy(a->cleared_by, sizeof a->cleared_by, json_string_value(json_object_get(j, "cleared_by")));
    copy(a->clear_reason, sizeof a->clear_reason, json_string_value(json_object_get(j, "clear_reason")));
    size_t i;
    json_t *k;
    json_array_foreach(json_object_get(j, "acks"), i, k) {
        if (a->n_acks == LAN_ALARM_ACKS_MAX)
            break;
        int kind = lan_alarm_ack_from_name(json_string_value(json_object_get(k, "kind")));
        a->acks[a->n_acks].kind = kind < 0 ? LAN_ALARM_ACK_NONE : (lan_alarm_ack)kind;
        copy(a->acks[a->n_acks].who, sizeof a->acks[0].who, json_string_value(json_object_get(k, "who")));
        copy(a->acks[a->n_acks].antenne, sizeof a->acks[0].antenne,
             json_string_value(json_object_get(k, "antenne")));
        a->acks[a->n_acks].at = json_integer_value(json_object_get(k, "at"));
        a->n_acks++;
    }
}

/* Caller holds mu. The whole list of the stream: the active alarms first, so that a list longer
 * than LAN_ALARMS_MAX loses only cleared ones. */
static void apply_alarms(client *c, json_t *list)
{
    client_view *v = &c->view;
    v->n_alarms = 0;
    for (int live = 1; live >= 0; live--) {
        size_t i;
        json_t *doc;
        json_array_foreach(list, i, doc) {
            bool active = json_integer_value(json_object_get(doc, "cleared_at")) == 0;
            if (active == (live == 1) && v->n_alarms < LAN_ALARMS_MAX)
                alarm_from_json(doc, &v->alarms[v->n_alarms++]);
        }
    }
}

/* Caller holds mu. The alarm an operation answered, before the stream brings the list. */
static void upsert_alarm(client *c, json_t *doc)
{
    client_view *v = &c->view;
    lan_alarm a;
    alarm_from_json(doc, &a);
    for (int i = 0; i < v->n_alarms; i++)
        if (v->alarms[i].id == a.id) {
            v->alarms[i] = a;
            return;
        }
    int n = v->n_alarms < LAN_ALARMS_MAX ? v->n_alarms : LAN_ALARMS_MAX - 1;
    memmove(&v->alarms[1], &v->alarms[0], (size_t)n * sizeof v->alarms[0]);
    v->alarms[0] = a;
    v->n_alarms = n + 1;
}

static void dispatch_alarms(client *c, const char *event, const char *data)
{
    if (strcmp(event, "alarm") != 0)
        return;
    json_t *j = json_loads(data, 0, NULL);
    if (!j)
        return;
    pthread_mutex_lock(&c->mu);
    apply_alarms(c, json_object_get(j, "alarms"));
    pthread_mutex_unlock(&c->mu);
    json_decref(j);
    changed(c);
}

/* ---- event streams ---------------------------------------------------------------------------- */

/* A call or recall event: queued in the view for the display's announcements. */
static void note_call(client *c, const char *event, const char *data)
{
    json_t *e = json_loads(data, 0, NULL);
    if (!e)
        return;
    pthread_mutex_lock(&c->mu);
    client_call *call = &c->view.calls[c->view.n_calls_total % CLIENT_CALLS];
    copy(call->label, sizeof call->label, json_string_value(json_object_get(e, "label")));
    call->counter_id = (int)json_integer_value(json_object_get(e, "counter"));
    call->recall = strcmp(event, "recall") == 0;
    c->view.n_calls_total++;
    pthread_mutex_unlock(&c->mu);
    json_decref(e);
    changed(c);
}

static void dispatch_events(client *c, const char *event, const char *data)
{
    if (strcmp(event, "call") == 0 || strcmp(event, "recall") == 0)
        note_call(c, event, data);
    if (strcmp(event, "state") == 0) {
        json_t *st = json_loads(data, 0, NULL);
        if (st) {
            pthread_mutex_lock(&c->mu);
            apply_state(c, st);
            pthread_mutex_unlock(&c->mu);
            json_decref(st);
            changed(c);
        }
    }
}

static void dispatch(stream *s)
{
    if (s->data)
        s->dispatch(s->c, s->event, s->data);
    s->event[0] = '\0';
    s->data_len = 0;
    if (s->data)
        s->data[0] = '\0';
}

static void stream_line(stream *s, char *line)
{
    if (line[0] == '\0') {
        dispatch(s);
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
        copy(s->event, sizeof s->event, value);
    } else if (strcmp(line, "id") == 0) {
        copy(s->last_id, sizeof s->last_id, value);
    } else if (strcmp(line, "data") == 0) {
        size_t n = strlen(value);
        char *d = realloc(s->data, s->data_len + n + 2);
        if (!d)
            return;
        s->data = d;
        if (s->data_len)
            d[s->data_len++] = '\n';
        memcpy(d + s->data_len, value, n + 1);
        s->data_len += n;
    }
}

/* Caller does not hold mu. Sets the stream's flag in the view; tells when it changed. */
static void stream_up(stream *s, bool up)
{
    client *c = s->c;
    pthread_mutex_lock(&c->mu);
    bool was = *s->up;
    *s->up = up;
    pthread_mutex_unlock(&c->mu);
    if (was != up)
        changed(c);
}

static size_t on_stream(char *p, size_t size, size_t n, void *ctx)
{
    stream *s = ctx;
    client *c = s->c;
    size_t len = size * n;
    stream_up(s, true);
    pthread_mutex_lock(&c->mu);
    bool stop = c->stop;
    pthread_mutex_unlock(&c->mu);
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '\n') {
            s->line[s->line_len] = '\0';
            if (s->line_len && s->line[s->line_len - 1] == '\r')
                s->line[s->line_len - 1] = '\0';
            stream_line(s, s->line);
            s->line_len = 0;
        } else if (s->line_len < sizeof s->line - 1) {
            s->line[s->line_len++] = p[i];
        }
    }
    return stop ? 0 : len;
}

static int on_progress(void *ctx, curl_off_t a, curl_off_t b, curl_off_t d, curl_off_t e)
{
    (void)a, (void)b, (void)d, (void)e;
    client *c = ((stream *)ctx)->c;
    pthread_mutex_lock(&c->mu);
    bool stop = c->stop;
    pthread_mutex_unlock(&c->mu);
    return stop;
}

static void *stream_main(void *arg)
{
    stream *s = arg;
    client *c = s->c;
    CURL *h = curl_easy_init();
    char url[URL_MAX + 32], lei[64];
    snprintf(url, sizeof url, "%s" LAN_API_PREFIX "%s", c->url, s->path);
    do {
        struct curl_slist *hdr = NULL;
        if (s->last_id[0]) {
            snprintf(lei, sizeof lei, "Last-Event-ID: %s", s->last_id);
            hdr = curl_slist_append(hdr, lei);
        }
        if (s->with_token)   /* in a header, never in the URL (logs) */
            hdr = curl_slist_append(hdr, c->auth);
        s->line_len = 0;
        s->event[0] = '\0';
        s->data_len = 0;
        curl_easy_reset(h);
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_stream);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
        curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(h, CURLOPT_XFERINFODATA, s);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 3L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (long)STREAM_TIMEOUT_S);
        /* a refusal (401, 503) is not a stream: its body must not read as one */
        curl_easy_setopt(h, CURLOPT_FAILONERROR, 1L);
        curl_easy_perform(h);
        curl_slist_free_all(hdr);
        stream_up(s, false);
    } while (pause_ms(c, c->opts.retry_ms));
    curl_easy_cleanup(h);
    free(s->data);
    s->data = NULL;
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

/* One request with the counter's token to `path` (under LAN_API_PREFIX): a POST of `job`, or
 * (job NULL) a GET. Returns the HTTP status, or 0 when the hub could not be reached. */
static long request(client *c, CURL *h, const char *path, const pending *job, char **answer)
{
    char url[URL_MAX + 128], key[64];
    snprintf(url, sizeof url, "%s" LAN_API_PREFIX "%s", c->url, path);
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

/* The desk's message, or (alarm) the alarm's. */
static void set_message(client *c, bool alarm, bool error, const char *text)
{
    pthread_mutex_lock(&c->mu);
    copy(alarm ? c->view.alarm_message : c->view.message, CLIENT_MSG_MAX, text);
    if (alarm)
        c->view.alarm_message_is_error = error;
    else
        c->view.message_is_error = error;
    pthread_mutex_unlock(&c->mu);
    changed(c);
}

/* Sends `job` with its one Idempotency-Key until an answer that is not worth retrying (network
 * errors, 5xx and "in_progress" are), the give-up time or the stop; while it retries, the agent
 * reads `retrying`. Returns the HTTP status, -1 when given up, 0 when stopping; *answer is the
 * body (malloc'd) or NULL. */
static long send_job(client *c, CURL *h, const pending *job, const char *retrying, char **answer)
{
    time_t give_up = time(NULL) + c->opts.give_up_s;
    for (;;) {
        *answer = NULL;
        long status = request(c, h, job->path, job, answer);
        bool retry = status == 0 || status >= 500 || (status == 409 && *answer &&
                                                      strstr(*answer, "\"in_progress\""));
        if (!retry)
            return status;
        free(*answer);
        *answer = NULL;
        if (time(NULL) >= give_up)
            return -1;
        set_message(c, job->kind != JOB_DESK, true, retrying);
        if (!pause_ms(c, c->opts.retry_ms))
            return 0;
    }
}

/* The answer of a finished desk operation into the view and the agent's message. */
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
        else if (job->action == LAN_ACT_FINISH && label)
            snprintf(msg, sizeof msg, "%.*s terminé · %s", LAN_TICKET_LABEL_MAX - 1, label, job->done);
        else
            copy(msg, sizeof msg, job->done);
    } else if (error) {
        copy(msg, sizeof msg, message_for(json_string_value(json_object_get(j, "error"))));
    }
    copy(c->view.message, sizeof c->view.message, msg);
    c->view.message_is_error = error;
    pthread_mutex_unlock(&c->mu);
    json_decref(j);
}

/* The answer of an alarm operation: the alarm at once into the list (the stream follows), or
 * words that tell the agent to phone when a raise did not reach the hub. status -1: given up. */
static void conclude_alarm(client *c, const pending *job, long status, const char *answer)
{
    json_t *j = answer ? json_loads(answer, 0, NULL) : NULL;
    char msg[CLIENT_MSG_MAX] = "";
    bool ok = status >= 200 && status < 300;
    const char *why = status < 0 ? "hub injoignable"
                                 : message_for(json_string_value(json_object_get(j, "error")));
    if (!ok && job->kind == JOB_ALARM_RAISE)
        snprintf(msg, sizeof msg, "ALERTE NON ENVOYÉE : téléphonez. (%s)", why);
    else if (!ok)
        snprintf(msg, sizeof msg, "Non envoyé : %s", why);
    pthread_mutex_lock(&c->mu);
    json_t *doc = json_object_get(j, "alarm");
    if (ok && json_is_object(doc))
        upsert_alarm(c, doc);
    copy(c->view.alarm_message, sizeof c->view.alarm_message, msg);
    c->view.alarm_message_is_error = !ok;
    pthread_mutex_unlock(&c->mu);
    json_decref(j);
}

/* The counter's own view, for the note of the current appointment. Tried once: when the hub
 * cannot answer, the next state from the stream (there is one after every reconnection) asks
 * again. */
static void fetch_view(client *c, CURL *h)
{
    char *answer = NULL, path[32];
    snprintf(path, sizeof path, "/counters/%d", c->counter_id);
    long status = request(c, h, path, NULL, &answer);
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

/* Sends one operation, concludes it and frees its slot. */
static void run_job(client *c, CURL *h, const pending *job)
{
    bool alarm = job->kind != JOB_DESK;
    char *answer;
    long status = send_job(c, h, job, job->kind == JOB_ALARM_RAISE
                           ? "Alerte pas encore envoyée : hub injoignable. Téléphonez."
                           : "Hub injoignable : nouvelle tentative…", &answer);
    if (alarm && status != 0)
        conclude_alarm(c, job, status, answer);
    else if (status == -1)
        set_message(c, false, true, "Hub injoignable : l'action n'a pas été faite.");
    else if (status > 0)
        conclude(c, job, status, answer);
    free(answer);
    pthread_mutex_lock(&c->mu);
    if (alarm)
        c->alarm_job.active = c->view.alarm_busy = false;
    else
        c->job.active = c->view.busy = false;
    pthread_mutex_unlock(&c->mu);
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
        if (view)
            fetch_view(c, h);
        else
            run_job(c, h, &job);
    }
    curl_easy_cleanup(h);
    return NULL;
}

/* Alarm operations run on their own thread: a raise never waits behind a call being retried. */
static void *alarm_worker_main(void *arg)
{
    client *c = arg;
    CURL *h = curl_easy_init();
    for (;;) {
        pthread_mutex_lock(&c->mu);
        while (!c->stop && !c->alarm_job.active)
            pthread_cond_wait(&c->cond, &c->mu);
        pending job = c->alarm_job;
        bool stop = c->stop;
        pthread_mutex_unlock(&c->mu);
        if (stop)
            break;
        run_job(c, h, &job);
    }
    curl_easy_cleanup(h);
    return NULL;
}

/* Hands `job` to its worker with a new Idempotency-Key; -1 when one of its kind is pending. */
static int submit(client *c, pending *job)
{
    bool alarm = job->kind != JOB_DESK;
    if (!(alarm ? c->alarm_worker_started : c->worker_started) || client_new_key(job->key) != 0)
        return -1;
    job->active = true;
    pthread_mutex_lock(&c->mu);
    pending *slot = alarm ? &c->alarm_job : &c->job;
    bool free_slot = !slot->active;
    if (free_slot) {
        *slot = *job;
        copy(alarm ? c->view.alarm_message : c->view.message, CLIENT_MSG_MAX, "");
        if (alarm)
            c->view.alarm_busy = true, c->view.alarm_message_is_error = false;
        else
            c->view.busy = true, c->view.message_is_error = false;
        pthread_cond_broadcast(&c->cond);
    }
    pthread_mutex_unlock(&c->mu);
    if (free_slot)
        changed(c);
    return free_slot ? 0 : -1;
}

int client_act(client *c, lan_action action, lan_outcome outcome, char to_service, int to_counter)
{
    if (action == LAN_ACT_FINISH)
        return client_finish(c, outcome, NULL);
    pending job = {.kind = JOB_DESK, .action = action};
    snprintf(job.path, sizeof job.path, "/counters/%d/%s", c->counter_id, lan_action_name(action));
    if (action == LAN_ACT_TRANSFER && to_service && to_counter)
        snprintf(job.body, sizeof job.body, "{\"service\":\"%c\",\"counter\":%d}", to_service, to_counter);
    else if (action == LAN_ACT_TRANSFER && to_service)
        snprintf(job.body, sizeof job.body, "{\"service\":\"%c\"}", to_service);
    else if (action == LAN_ACT_TRANSFER)
        snprintf(job.body, sizeof job.body, "{\"counter\":%d}", to_counter);
    return submit(c, &job);
}

int client_finish(client *c, lan_outcome outcome, const char *partner)
{
    if (!outcome)
        outcome = LAN_OUTCOME_ANSWERED;
    bool named = partner && partner[0];
    if (!lan_outcome_name(outcome)[0] || (named && (outcome != LAN_OUTCOME_PARTNER ||
                                                    !contract_partner_id_valid(partner))))
        return -1;
    pending job = {.kind = JOB_DESK, .action = LAN_ACT_FINISH};
    snprintf(job.path, sizeof job.path, "/counters/%d/finish", c->counter_id);
    copy(job.done, sizeof job.done, contract_outcome_label(outcome));
    if (named) {
        snprintf(job.body, sizeof job.body, "{\"outcome\":\"%s\",\"partner\":\"%s\"}",
                 lan_outcome_name(outcome), partner);
        /* the agent reads the partner's name, as tapped */
        pthread_mutex_lock(&c->mu);
        for (int i = 0; i < c->view.n_partners; i++)
            if (strcmp(c->view.partners[i].id, partner) == 0)
                snprintf(job.done, sizeof job.done, "Orienté vers %s", c->view.partners[i].label);
        pthread_mutex_unlock(&c->mu);
    } else {
        snprintf(job.body, sizeof job.body, "{\"outcome\":\"%s\"}", lan_outcome_name(outcome));
    }
    return submit(c, &job);
}

int client_contact(client *c, int channel)
{
    const char *word = contract_channel_word(channel);
    if (!word)
        return -1;
    pending job = {.kind = JOB_DESK, .action = LAN_ACT_CONTACT};
    snprintf(job.path, sizeof job.path, "/counters/%d/contact", c->counter_id);
    snprintf(job.body, sizeof job.body, "{\"channel\":\"%s\"}", word);
    snprintf(job.done, sizeof job.done, "Contact compté · %s", contract_channel_label(channel));
    return submit(c, &job);
}

int client_alarm_raise(client *c, bool test)
{
    pending job = {.kind = JOB_ALARM_RAISE};
    snprintf(job.path, sizeof job.path, "/counters/%d/alarm", c->counter_id);
    snprintf(job.body, sizeof job.body, "%s", test ? "{\"test\":true}" : "{}");
    return submit(c, &job);
}

int client_alarm_ack(client *c, int64_t alarm_id, lan_alarm_ack kind)
{
    if (alarm_id <= 0 || !lan_alarm_ack_name(kind)[0])
        return -1;
    pending job = {.kind = JOB_ALARM_ACK};
    snprintf(job.path, sizeof job.path, "/alarms/%lld/ack", (long long)alarm_id);
    snprintf(job.body, sizeof job.body, "{\"kind\":\"%s\"}", lan_alarm_ack_name(kind));
    return submit(c, &job);
}

int client_alarm_clear(client *c, int64_t alarm_id, const char *reason)
{
    if (alarm_id <= 0 || !reason || !reason[0] || strlen(reason) >= LAN_ALARM_REASON_MAX)
        return -1;
    pending job = {.kind = JOB_ALARM_CLEAR};
    snprintf(job.path, sizeof job.path, "/alarms/%lld/clear", (long long)alarm_id);
    json_t *body = json_pack("{s:s}", "reason", reason);   /* NULL: not UTF-8 */
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    bool fits = text && strlen(text) < sizeof job.body;
    if (fits)
        memcpy(job.body, text, strlen(text) + 1);
    free(text);
    return fits ? submit(c, &job) : -1;
}

int client_agent_dismiss(client *c, int64_t request_id)
{
    if (request_id <= 0)
        return -1;
    pending job = {.kind = JOB_AGENT_DISMISS};
    snprintf(job.path, sizeof job.path, "/agent-requests/%lld/dismiss", (long long)request_id);
    return submit(c, &job);
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
    c->events = (stream){.c = c, .path = "/events", .up = &c->view.connected,
                         .dispatch = dispatch_events};
    c->alarms = (stream){.c = c, .path = "/alarms/events", .with_token = true,
                         .up = &c->view.alarm_link, .dispatch = dispatch_alarms};
    bool ok = (c->events.started = pthread_create(&c->events.thread, NULL, stream_main,
                                                  &c->events) == 0);
    /* a desk also has its operations, the alarm stream and the alarm operations */
    if (ok && counter_id != 0)
        ok = (c->worker_started = pthread_create(&c->worker_thread, NULL, worker_main, c) == 0) &&
             (c->alarms.started = pthread_create(&c->alarms.thread, NULL, stream_main,
                                                 &c->alarms) == 0) &&
             (c->alarm_worker_started = pthread_create(&c->alarm_worker_thread, NULL,
                                                       alarm_worker_main, c) == 0);
    if (!ok) {
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
    if (c->events.started)
        pthread_join(c->events.thread, NULL);
    if (c->alarms.started)
        pthread_join(c->alarms.thread, NULL);
    if (c->worker_started)
        pthread_join(c->worker_thread, NULL);
    if (c->alarm_worker_started)
        pthread_join(c->alarm_worker_thread, NULL);
    pthread_cond_destroy(&c->cond);
    pthread_mutex_destroy(&c->mu);
    free(c);
}
