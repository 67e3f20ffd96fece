/* Safety alarms at headquarters (include/borne/collector_alarm.h). */
#include "borne/collector_alarm.h"
#include "borne/collector_http.h"
#include "borne/alarm_json.h"
#include "borne/collector_channel.h"
#include "borne/log.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

BORNE_LOG_MODULE("collector");

#define BODY_MAX (64 * 1024)
#define GROUP_MAX 64

typedef struct entry {
    queue_alarm doc;
    int64_t seq;               /* of its last change */
} entry;

struct collector_alarm_req {
    enum { REQ_LIST, REQ_PAGE, REQ_ACK, REQ_CLEAR } kind;
    char uid[QUEUE_ALARM_UID_MAX];
    struct collector_body body;
};

struct collector_alarms {
    const struct collector_antennes *antennes;
    int64_t (*now)(void);
    struct collector_channel *channel;
    char (*groups)[GROUP_MAX]; /* per antenne index; "" = no group */
    FILE *journal;

    pthread_mutex_t mu;        /* guards what follows */
    entry *entries;
    size_t n, cap;
    int64_t seq;
};

/* ---- groups --------------------------------------------------------------------------------- */

static int load_groups(struct collector_alarms *a, const char *path, char *err, size_t errlen)
{
    size_t n = collector_antennes_count(a->antennes);
    a->groups = calloc(n ? n : 1, sizeof *a->groups);
    if (!a->groups) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (!path[0])
        return 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char line[256];
    int ln = 0;
    while (fgets(line, sizeof line, f)) {
        ln++;
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        char *comma = strchr(line, ',');
        if (comma)
            *comma = '\0';
        long i = comma ? collector_antennes_find(a->antennes, line) : -1;
        const char *g = comma ? comma + 1 : "";
        if (i < 0 || !g[0] || strlen(g) >= GROUP_MAX) {
            snprintf(err, errlen, "%s:%d: expected \"<known antenne id>,<group>\"", path, ln);
            fclose(f);
            return -1;
        }
        snprintf(a->groups[i], GROUP_MAX, "%s", g);
    }
    fclose(f);
    return 0;
}

/* Whether antenne index i hears alarms raised at antenne id `origin`. */
static bool hears(const struct collector_alarms *a, long i, const char *origin)
{
    long o = collector_antennes_find(a->antennes, origin);
    if (o == i)
        return true;
    return o >= 0 && a->groups[i][0] && strcmp(a->groups[i], a->groups[o]) == 0;
}

/* ---- merge ---------------------------------------------------------------------------------- */

static entry *find(struct collector_alarms *a, const char *uid)
{
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->entries[i].doc.uid, uid) == 0)
            return &a->entries[i];
    return NULL;
}

static bool same_ack(const queue_alarm_ack *x, const queue_alarm_ack *y)
{
    return x->kind == y->kind && strcmp(x->who, y->who) == 0 && strcmp(x->antenne, y->antenne) == 0;
}

/* Caller holds mu. Merges `in`; returns the entry when something changed, NULL otherwise (and on
 * out of memory, with *oom). */
static entry *merge_locked(struct collector_alarms *a, const queue_alarm *in, bool *oom)
{
    *oom = false;
    entry *e = find(a, in->uid);
    if (!e) {
        if (a->n == a->cap) {
            size_t cap = a->cap ? a->cap * 2 : 16;
            entry *p = realloc(a->entries, cap * sizeof *p);
            if (!p) {
                *oom = true;
                return NULL;
            }
            a->entries = p;
            a->cap = cap;
        }
        e = &a->entries[a->n++];
        e->doc = *in;
        e->doc.id = 0;
        e->seq = ++a->seq;
        return e;
    }
    bool changed = false;
    queue_alarm *d = &e->doc;
    for (int i = 0; i < in->n_acks; i++) {
        bool known = false;
        for (int j = 0; j < d->n_acks && !known; j++)
            known = same_ack(&d->acks[j], &in->acks[i]);
        if (!known && !d->cleared_at && d->n_acks < QUEUE_ALARM_ACKS_MAX) {
            d->acks[d->n_acks++] = in->acks[i];
            changed = true;
        }
    }
    if (in->escalations > d->escalations) {
        d->escalations = in->escalations;
        changed = true;
    }
    if (in->cleared_at && !d->cleared_at) {
        d->cleared_at = in->cleared_at;
        memcpy(d->cleared_by, in->cleared_by, sizeof d->cleared_by);
        memcpy(d->clear_reason, in->clear_reason, sizeof d->clear_reason);
        changed = true;
    }
    if (!changed)
        return NULL;
    e->seq = ++a->seq;
    return e;
}

/* Caller holds mu: the entry's document on the journal, on disk before anyone is answered. */
static void journal_locked(struct collector_alarms *a, const entry *e)
{
    json_t *doc = alarm_json(&e->doc, false);
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (!text || fprintf(a->journal, "%s\n", text) < 0 || fflush(a->journal) != 0 ||
        fsync(fileno(a->journal)) != 0)
        log_error("alarm journal: cannot write alarm %s: %s", e->doc.uid,
                  text ? strerror(errno) : "out of memory");
    free(text);
}

/* Every antenne that hears the alarm gets the merged document over its channel (stored there
 * until its board acknowledges, so a board offline gets it when it is back). */
static void relay(struct collector_alarms *a, const queue_alarm *doc)
{
    json_t *msg = json_pack("{s:o}", "alarm", alarm_json(doc, false));
    char err[256];
    for (size_t i = 0; msg && i < collector_antennes_count(a->antennes); i++)
        if (hears(a, (long)i, doc->antenne) &&
            collector_channel_publish(a->channel, i, "alarm", msg, NULL, err, sizeof err) != 0)
            log_error("alarm %s not relayed to %s: %s", doc->uid,
                      collector_antennes_at(a->antennes, i)->id, err);
    json_decref(msg);
}

/* Merges, journals and relays; *out (may be NULL) gets the merged document. 0 or -ENOMEM. */
static int accept_doc(struct collector_alarms *a, const queue_alarm *in, json_t **out)
{
    pthread_mutex_lock(&a->mu);
    bool oom;
    entry *e = merge_locked(a, in, &oom);
    queue_alarm changed;
    if (e) {
        journal_locked(a, e);
        changed = e->doc;
        log_notice("alarm %s%s from %s (%s): %d acknowledgement(s)%s", e->doc.test ? "TEST " : "",
                   e->doc.uid, e->doc.antenne, e->doc.desk, e->doc.n_acks,
                   e->doc.cleared_at ? ", cleared" : "");
    }
    entry *now = oom ? NULL : find(a, in->uid);
    if (out)
        *out = now ? alarm_json(&now->doc, false) : NULL;
    pthread_mutex_unlock(&a->mu);
    if (e)
        relay(a, &changed);
    return oom ? -ENOMEM : 0;
}

/* An "alarm" event from a board: its own alarm, or the acknowledgements its desks gave to an
 * alarm of its group. */
static int on_event(void *ctx, const char *antenne, const char *key, int64_t at, const json_t *data,
                    char *err, size_t errlen)
{
    (void)key, (void)at;
    struct collector_alarms *a = ctx;
    queue_alarm doc;
    if (alarm_json_parse(json_object_get(data, "alarm"), &doc, err, errlen) != 0)
        return -1;
    long from = collector_antennes_find(a->antennes, antenne);
    if (from < 0 || !hears(a, from, doc.antenne)) {
        log_warn("antenne %s sent an alarm of %s, outside its group: refused", antenne, doc.antenne);
        snprintf(err, errlen, "this alarm belongs to an antenne outside your group");
        return -1;
    }
    if (accept_doc(a, &doc, NULL) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

static int replay(struct collector_alarms *a, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f) {
        char *line = NULL;
        size_t cap = 0;
        int ln = 0;
        while (getline(&line, &cap, f) > 0) {
            ln++;
            json_t *j = json_loads(line, 0, NULL);
            queue_alarm doc;
            char why[200];
            bool oom = false;
            if (j && alarm_json_parse(j, &doc, why, sizeof why) == 0)
                merge_locked(a, &doc, &oom);
            else
                log_warn("%s:%d: skipped (%s)", path, ln, j ? why : "not JSON: a torn last line?");
            json_decref(j);
            if (oom) {
                snprintf(err, errlen, "%s: out of memory", path);
                free(line);
                fclose(f);
                return -1;
            }
        }
        free(line);
        fclose(f);
    }
    if (!(a->journal = fopen(path, "a"))) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* ---- HTTP ----------------------------------------------------------------------------------- */

static enum MHD_Result send_page(struct MHD_Connection *c, char *html)
{
    struct MHD_Response *r = html ? MHD_create_response_from_buffer(strlen(html), html,
                                                                    MHD_RESPMEM_MUST_FREE) : NULL;
    if (!r) {
        free(html);
        return MHD_NO;
    }
    return collector_http_send(c, MHD_HTTP_OK, r, "text/html; charset=utf-8");
}

/* 401 with a Basic challenge: the console in a browser asks for the HQ token. */
static enum MHD_Result refuse(struct MHD_Connection *c)
{
    json_t *j = json_pack("{s:s, s:s}", "error", "unauthorized", "message", "the HQ token is required");
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    struct MHD_Response *r = text ? MHD_create_response_from_buffer(strlen(text), text,
                                                                    MHD_RESPMEM_MUST_FREE) : NULL;
    if (!r) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(r, "WWW-Authenticate", "Basic realm=\"borne-collector\", charset=\"UTF-8\"");
    return collector_http_send(c, MHD_HTTP_UNAUTHORIZED, r, "application/json");
}

/* The HQ token as a bearer token (scripts) or as the Basic password (the console in a browser). */
static bool admin(const struct collector_alarms *a, struct MHD_Connection *c)
{
    if (collector_antennes_check_admin(a->antennes, collector_http_bearer(c)))
        return true;
    char *pass = NULL;
    char *user = MHD_basic_auth_get_username_password(c, &pass);
    bool ok = pass && collector_antennes_check_admin(a->antennes, pass);
    MHD_free(user);
    MHD_free(pass);
    return ok;
}

/* A form on another site can make the browser send its Basic credentials, but only with a form or
 * plain-text body: a JSON body needs a CORS preflight, which this server never grants. */
static bool json_body(struct MHD_Connection *c)
{
    const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    return type && strncasecmp(type, "application/json", 16) == 0;
}

bool collector_alarms_route(const char *url)
{
    return strcmp(url, "/alarms") == 0 || strcmp(url, "/api/v1/alarms") == 0 ||
           strncmp(url, "/api/v1/alarms/", 15) == 0;
}

/* First call: route, authentication and the checks that need no body. Returns MHD_YES to go on
 * (body or answer later) with *ok true, or the answer it queued. */
static enum MHD_Result begin(struct collector_alarms *a, struct MHD_Connection *c, const char *url,
                             const char *method, struct collector_alarm_req *r, bool *ok)
{
    *ok = false;
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    bool post = strcmp(method, "POST") == 0;
    {
        if (!admin(a, c))
            return refuse(c);
        if (strcmp(url, "/alarms") == 0 || strcmp(url, "/api/v1/alarms") == 0) {
            if (!get)
                return collector_http_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method", "use GET");
            r->kind = strcmp(url, "/alarms") == 0 ? REQ_PAGE : REQ_LIST;
        } else {
            const char *uid = url + 15, *slash = strchr(uid, '/');
            if (!slash || (size_t)(slash - uid) >= sizeof r->uid ||
                (strcmp(slash, "/ack") != 0 && strcmp(slash, "/clear") != 0))
                return collector_http_error(c, MHD_HTTP_NOT_FOUND, "not_found", "no such resource");
            if (!post)
                return collector_http_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method", "use POST");
            if (!collector_http_bearer(c) && !json_body(c))
                return collector_http_error(c, MHD_HTTP_FORBIDDEN, "csrf",
                                            "a change signed in from a browser is sent as application/json");
            snprintf(r->uid, sizeof r->uid, "%.*s", (int)(slash - uid), uid);
            r->kind = slash[1] == 'a' ? REQ_ACK : REQ_CLEAR;
        }
    }
    *ok = true;
    return MHD_YES;
}

/* A manager's acknowledgement or clear, from the console or a script. */
static enum MHD_Result hq_write(struct collector_alarms *a, struct MHD_Connection *c,
                                struct collector_alarm_req *r, json_t *j)
{
    const char *who = json_string_value(json_object_get(j, "who"));
    const char *what = json_string_value(json_object_get(j, r->kind == REQ_ACK ? "kind" : "reason"));
    pthread_mutex_lock(&a->mu);
    entry *e = find(a, r->uid);
    queue_alarm doc;
    bool found = e != NULL;
    if (found)
        doc = e->doc;
    pthread_mutex_unlock(&a->mu);
    enum MHD_Result ret;
    int kind = r->kind == REQ_ACK ? queue_alarm_ack_from_name(what) : 0;
    if (!found) {
        ret = collector_http_error(c, MHD_HTTP_NOT_FOUND, "unknown_alarm", "no such alarm");
    } else if (!who || !who[0] || strlen(who) >= QUEUE_ALARM_NAME_MAX || !what || !what[0] ||
               strlen(what) >= QUEUE_ALARM_REASON_MAX || kind < 0) {
        ret = collector_http_error(c, MHD_HTTP_UNPROCESSABLE_CONTENT, "bad_body",
                         r->kind == REQ_ACK ? "{\"kind\": \"vu\"|\"appelle\"|\"arrive\", \"who\": name}"
                                            : "{\"reason\": text, \"who\": name}");
    } else if (doc.cleared_at) {
        ret = collector_http_error(c, MHD_HTTP_CONFLICT, "alarm_cleared", "alarm already cleared");
    } else {
        if (r->kind == REQ_ACK) {
            /* A full list already tells everyone that people answered: one more changes nothing. */
            queue_alarm_ack *k = &doc.acks[doc.n_acks < QUEUE_ALARM_ACKS_MAX ? doc.n_acks++
                                                                              : doc.n_acks - 1];
            *k = (queue_alarm_ack){.kind = (queue_alarm_ack_kind)kind, .at = a->now()};
            snprintf(k->who, sizeof k->who, "%s", who);
            snprintf(k->antenne, sizeof k->antenne, "hq");
        } else {
            doc.cleared_at = a->now();
            snprintf(doc.cleared_by, sizeof doc.cleared_by, "%s", who);
            snprintf(doc.clear_reason, sizeof doc.clear_reason, "%s", what);
        }
        json_t *merged = NULL;
        ret = accept_doc(a, &doc, &merged) == 0 && merged
                  ? collector_http_json(c, MHD_HTTP_OK, json_pack("{s:o}", "alarm", merged))
                  : collector_http_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "storage", "out of memory, retry");
    }
    return ret;
}

/* ---- the list, the counts, the page -------------------------------------------------------- */

static json_t *list_json(struct collector_alarms *a)
{
    json_t *list = json_array(), *counts = json_object();
    pthread_mutex_lock(&a->mu);
    for (size_t k = a->n; k-- > 0;) {
        const queue_alarm *d = &a->entries[k].doc;
        json_t *doc = alarm_json(d, false);
        long i = collector_antennes_find(a->antennes, d->antenne);
        json_object_set_new(doc, "group", json_string(i >= 0 ? a->groups[i] : ""));
        json_array_append_new(list, doc);
        json_t *c = json_object_get(counts, d->antenne);
        if (!c) {
            c = json_pack("{s:i, s:i, s:i, s:i}", "alarms", 0, "tests", 0, "acknowledged", 0,
                          "escalations", 0);
            json_object_set_new(counts, d->antenne, c);
        }
        const char *key = d->test ? "tests" : "alarms";
        json_object_set_new(c, key, json_integer(json_integer_value(json_object_get(c, key)) + 1));
        json_object_set_new(c, "acknowledged", json_integer(json_integer_value(json_object_get(c, "acknowledged")) + (d->n_acks > 0)));
        json_object_set_new(c, "escalations", json_integer(json_integer_value(json_object_get(c, "escalations")) + d->escalations));
    }
    pthread_mutex_unlock(&a->mu);
    return json_pack("{s:o, s:o}", "alarms", list, "counts", counts);
}

static void html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

static void html_time(FILE *f, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char buf[32];
    localtime_r(&tt, &tm);
    strftime(buf, sizeof buf, "%d/%m %H:%M:%S", &tm);
    fputs(buf, f);
}

static char *page(struct collector_alarms *a)
{
    json_t *all = list_json(a);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (!f || !all) {
        if (f)
            fclose(f);
        json_decref(all);
        free(out);
        return NULL;
    }
    fputs("<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Alertes — Borne"
          "</title><style>body{font-family:sans-serif;margin:1.5rem;color:#1b2730}"
          "table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}td,th{border:1px solid"
          " #ccd;padding:.4rem .6rem;text-align:left;vertical-align:top}.live{background:#fdecec}"
          ".test{background:#fff8e6}button{margin:.1rem}</style></head><body><h1>Alertes"
          " silencieuses</h1><table><tr><th>Déclenchée</th><th>Antenne</th><th>Groupe</th>"
          "<th>Guichet</th><th>Réponses</th><th>État</th><th></th></tr>", f);
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(all, "alarms"), i, d) {
        bool test = json_is_true(json_object_get(d, "test"));
        bool live = json_integer_value(json_object_get(d, "cleared_at")) == 0;
        const char *uid = json_string_value(json_object_get(d, "uid"));
        fprintf(f, "<tr class=\"%s\" data-uid=\"", test ? "test" : live ? "live" : "");
        html_text(f, uid);
        fputs("\"><td>", f);
        html_time(f, json_integer_value(json_object_get(d, "raised_at")));
        fputs(test ? " <b>TEST</b>" : "", f);
        fputs("</td><td>", f);
        html_text(f, json_string_value(json_object_get(d, "antenne_name")));
        fputs("</td><td>", f);
        html_text(f, json_string_value(json_object_get(d, "group")));
        fputs("</td><td>", f);
        html_text(f, json_string_value(json_object_get(d, "desk")));
        fputs("</td><td>", f);
        size_t k;
        json_t *ack;
        json_array_foreach(json_object_get(d, "acks"), k, ack) {
            html_text(f, json_string_value(json_object_get(ack, "who")));
            fputs(" (", f);
            html_text(f, json_string_value(json_object_get(ack, "antenne")));
            fputs(") : ", f);
            html_text(f, json_string_value(json_object_get(ack, "kind")));
            fputs("<br>", f);
        }
        fputs("</td><td>", f);
        if (live) {
            fprintf(f, "active, %lld escalade(s)",
                    (long long)json_integer_value(json_object_get(d, "escalations")));
            fputs("</td><td><button data-kind=\"vu\">J'ai vu</button><button data-kind=\"appelle\">"
                  "J'appelle</button><button data-kind=\"arrive\">J'arrive</button><button"
                  " data-clear=\"1\">Lever…</button></td></tr>", f);
        } else {
            fputs("levée par ", f);
            html_text(f, json_string_value(json_object_get(d, "cleared_by")));
            fputs(" : ", f);
            html_text(f, json_string_value(json_object_get(d, "clear_reason")));
            fputs("</td><td></td></tr>", f);
        }
    }
    fputs("</table><h2>Décompte par antenne</h2><table><tr><th>Antenne</th><th>Alertes</th>"
          "<th>Tests</th><th>Avec réponse</th><th>Escalades</th></tr>", f);
    const char *id;
    json_t *c;
    json_object_foreach(json_object_get(all, "counts"), id, c) {
        fputs("<tr><td>", f);
        html_text(f, id);
        fprintf(f, "</td><td>%lld</td><td>%lld</td><td>%lld</td><td>%lld</td></tr>",
                (long long)json_integer_value(json_object_get(c, "alarms")),
                (long long)json_integer_value(json_object_get(c, "tests")),
                (long long)json_integer_value(json_object_get(c, "acknowledged")),
                (long long)json_integer_value(json_object_get(c, "escalations")));
    }
    /* The buttons post as the console's Basic credentials, which the browser sends again. */
    fputs("</table><script>document.addEventListener('click',async(e)=>{const b=e.target;"
          "const tr=b.closest('tr[data-uid]');if(!tr||b.tagName!=='BUTTON')return;"
          "const who=localStorage.getItem('borne.hq.who')||prompt('Votre nom ?')||'';"
          "if(!who)return;localStorage.setItem('borne.hq.who',who);let path='ack',body;"
          "if(b.dataset.clear){const reason=prompt('Raison de la levée ?');if(!reason)return;"
          "path='clear';body={who,reason};}else{body={who,kind:b.dataset.kind};}"
          "await fetch('/api/v1/alarms/'+encodeURIComponent(tr.dataset.uid)+'/'+path,"
          "{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify(body)});"
          "location.reload();});setTimeout(()=>location.reload(),10000);</script></body></html>",
          f);
    fclose(f);
    json_decref(all);
    return out;
}

/* ---- the handler ----------------------------------------------------------------------------- */

enum MHD_Result collector_alarms_request(struct collector_alarms *a, struct MHD_Connection *c,
                                         const char *url, const char *method, const char *upload,
                                         size_t *upload_size, struct collector_alarm_req **state)
{
    struct collector_alarm_req *r = *state;
    if (!r) {
        if (!(r = calloc(1, sizeof *r)))
            return MHD_NO;
        *state = r;
        bool ok;
        enum MHD_Result ret = begin(a, c, url, method, r, &ok);
        if (!ok)
            return ret;
        if (r->kind == REQ_LIST)
            return collector_http_json(c, MHD_HTTP_OK, list_json(a));
        if (r->kind == REQ_PAGE)
            return send_page(c, page(a));
        return MHD_YES;   /* a POST: its body comes next */
    }
    if (*upload_size) {
        if (!collector_body_add(&r->body, upload, *upload_size, BODY_MAX))
            return MHD_NO;
        *upload_size = 0;
        return MHD_YES;
    }
    enum MHD_Result ret;
    json_t *j = collector_body_json(&r->body, c, &ret);
    if (!j)
        return ret;
    ret = hq_write(a, c, r, j);
    json_decref(j);
    return ret;
}

void collector_alarms_done(struct collector_alarm_req *r)
{
    if (!r)
        return;
    collector_body_free(&r->body);
    free(r);
}

/* ---- life ----------------------------------------------------------------------------------- */

int collector_alarms_new(const struct collector_config *config,
                         const struct collector_antennes *antennes, int64_t (*now)(void),
                         struct collector_channel *channel, struct collector_alarms **out,
                         char *err, size_t errlen)
{
    *out = NULL;
    struct collector_alarms *a = calloc(1, sizeof *a);
    if (!a) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    a->antennes = antennes;
    a->now = now;
    a->channel = channel;
    pthread_mutex_init(&a->mu, NULL);
    struct collector_channel_type type = {.name = "alarm", .on_event = on_event, .ctx = a};
    int rc;
    if (load_groups(a, config->groups, err, errlen) != 0 ||
        replay(a, config->alarms_journal, err, errlen) != 0) {
        collector_alarms_free(a);
        return -1;
    }
    if ((rc = collector_channel_register(channel, &type)) != 0) {
        snprintf(err, errlen, "channel: cannot register alarm events: %s", strerror(-rc));
        collector_alarms_free(a);
        return -1;
    }
    *out = a;
    return 0;
}

void collector_alarms_free(struct collector_alarms *a)
{
    if (!a)
        return;
    if (a->journal)
        fclose(a->journal);
    free(a->entries);
    free(a->groups);
    pthread_mutex_destroy(&a->mu);
    free(a);
}
