#include "borne/collector_fleet.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "borne/collector_health.h"
#include "borne/collector_http.h"
#include "borne/collector_ingest.h"
#include "borne/collector_store.h"
#include "borne/log.h"

BORNE_LOG_MODULE("fleet");

#define API "/api/v1/config/"
#define DOC_MAX (256 * 1024)

/* Record namespaces in the store (fleet_kv / fleet_log). */
#define NS_DOC "doc"             /* scope → {"body": {...}, "by": actor} */
#define NS_PUBLISHED "published" /* antenne → {"version", "doc", "message", "by"} */
#define NS_STATUS "status"       /* antenne → {"running", "refused": {"version", "error"}} */
#define NS_META "meta"           /* "version" → {"version": n}; "rings" → {"stable_delay_h": n} */
#define NS_AUDIT "audit"
#define NS_HEALTH "health"       /* antenne → {"report": {...}, "sent_at", "received_at"} */

enum route { R_NONE, R_DOCS, R_DOC_PUT, R_PREVIEW, R_PUBLISH, R_STATUS, R_AUDIT, R_PAGE, R_CSRF, R_CARE, R_RINGS,
             R_RINGS_PUT };

/* Remote care an administrator may send from the page (fleet_care.h). */
static const char *const care_types[] = {"care_print", "care_logs", "care_restart"};

struct fleet_request {
    enum route route;
    char scope[COLLECTOR_ID_MAX + 16];
    struct collector_body body;
};

struct collector_fleet {
    const struct collector_antennes *antennes;
    struct collector_channel *channel;
    collector_channel_clock_fn now;
    pthread_mutex_t mu;      /* the store connection; publishing is one at a time */
    struct collector_store *store;
    atomic_int *wait_targets;   /* per antenne: the published "waiting_target_min", 0 = none */
    /* The page's token for changes (X-CSRF-Token) while the browser signs in with Basic: random
     * per process, read by the page with its credentials (another site cannot read it). */
    char csrf[65];
};

/* ---- records ------------------------------------------------------------------------------------ */

static int kv_collect(void *ctx, const char *key, const char *value, int64_t at)
{
    json_t *v = json_loads(value, 0, NULL);
    if (!v)
        return -1;
    json_object_set_new(v, "updated_at", json_integer(at));
    return json_object_set_new(ctx, key, v);
}

/* Under mu: every record of ns as {key: value}; NULL on a storage error. */
static json_t *records(struct collector_fleet *f, const char *ns)
{
    json_t *all = json_object();
    if (collector_store_kv_list(f->store, ns, kv_collect, all) != 0) {
        log_error("cannot read %s records: %s", ns, collector_store_error(f->store));
        json_decref(all);
        return NULL;
    }
    return all;
}

/* Under mu. */
static int put_record(struct collector_fleet *f, const char *ns, const char *key, json_t *value)
{
    json_object_del(value, "updated_at");
    char *text = json_dumps(value, JSON_COMPACT);
    int rc = text ? collector_store_kv_put(f->store, ns, key, text, f->now()) : -1;
    if (rc != 0)
        log_error("cannot write %s/%s: %s", ns, key, collector_store_error(f->store));
    free(text);
    return rc;
}

/* Under mu. Takes entry. */
static void audit(struct collector_fleet *f, json_t *entry)
{
    char *text = json_dumps(entry, JSON_COMPACT);
    if (!text || collector_store_log_add(f->store, NS_AUDIT, f->now(), text) != 0)
        log_error("audit entry not written: %s", collector_store_error(f->store));
    free(text);
    json_decref(entry);
}

/* ---- documents ---------------------------------------------------------------------------------- */

static bool valid_scope(struct collector_fleet *f, const char *scope)
{
    if (strcmp(scope, "region") == 0)
        return true;
    if (strncmp(scope, "group:", 6) == 0)
        return collector_ingest_valid_id(scope + 6);
    if (strncmp(scope, "antenne:", 8) == 0)
        return collector_antennes_find(f->antennes, scope + 8) >= 0;
    return false;
}

/* Objects merged member by member; anything else replaced by src. */
static void merge(json_t *dst, json_t *src)
{
    const char *key;
    json_t *v;
    json_object_foreach(src, key, v) {
        json_t *have = json_object_get(dst, key);
        if (json_is_object(have) && json_is_object(v))
            merge(have, v);
        else
            json_object_set_new(dst, key, json_deep_copy(v));
    }
}

static json_t *body_of(json_t *docs, const char *scope)
{
    return json_object_get(json_object_get(docs, scope), "body");
}

/* The document antenne `id` gets from the drafts: region, then its group, then its own. */
static json_t *merged_for(json_t *docs, const char *id)
{
    json_t *out = json_object();
    json_t *region = body_of(docs, "region");
    if (region)
        merge(out, region);
    const char *scope;
    json_t *d;
    json_object_foreach(docs, scope, d) {
        if (strncmp(scope, "group:", 6) != 0)
            continue;
        json_t *members = json_object_get(json_object_get(d, "body"), "antennes");
        size_t i;
        json_t *m;
        bool in = false;
        json_array_foreach(members, i, m) in |= json_is_string(m) && strcmp(json_string_value(m), id) == 0;
        if (in) {
            json_t *g = json_deep_copy(json_object_get(d, "body"));
            json_object_del(g, "antennes");
            merge(out, g);
            json_decref(g);
            break; /* one group per antenne: the first in name order */
        }
    }
    char own[COLLECTOR_ID_MAX + 16];
    snprintf(own, sizeof own, "antenne:%s", id);
    json_t *mine = body_of(docs, own);
    if (mine)
        merge(out, mine);
    return out;
}

/* printf into a path buffer; a path too long for it ends in "..." (shown, never used as a key). */
__attribute__((format(printf, 3, 4))) static void sub_path(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, cap, fmt, ap);
    va_end(ap);
    if (n >= (int)cap)
        memcpy(out + cap - 4, "...", 4);
}

/* Appends {"path", "before", "after"} for every difference (absent = null). */
static void diff(const json_t *a, const json_t *b, const char *path, json_t *out)
{
    if (json_equal(a, b))
        return;
    if (json_is_object(a) && json_is_object(b)) {
        const char *key;
        json_t *v;
        char sub[256];
        json_object_foreach((json_t *)a, key, v) {
            sub_path(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", key);
            diff(v, json_object_get(b, key), sub, out);
        }
        json_object_foreach((json_t *)b, key, v) {
            if (!json_object_get(a, key)) {
                sub_path(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", key);
                diff(NULL, v, sub, out);
            }
        }
        return;
    }
    if (json_is_array(a) && json_is_array(b) && json_array_size(a) == json_array_size(b)) {
        char sub[256];
        for (size_t i = 0; i < json_array_size(a); i++) {
            sub_path(sub, sizeof sub, "%s[%zu]", path, i);
            diff(json_array_get(a, i), json_array_get(b, i), sub, out);
        }
        return;
    }
    json_array_append_new(out, json_pack("{s:s, s:O?, s:O?}", "path", *path ? path : "(document)", "before", a,
                                         "after", b));
}

/* Under mu: per antenne whose merged document differs from what it was last sent,
 * {"antenne", "document" (without version and addressee), "changes": [...]}. */
static json_t *pending_changes(struct collector_fleet *f, json_t *docs, json_t *published)
{
    json_t *out = json_array();
    for (size_t i = 0; i < collector_antennes_count(f->antennes); i++) {
        const char *id = collector_antennes_at(f->antennes, i)->id;
        json_t *doc = merged_for(docs, id);
        json_t *before = json_object_get(json_object_get(published, id), "doc");
        json_t *old = before ? json_deep_copy(before) : json_object();
        json_object_del(old, "version");
        json_object_del(old, "antenne");
        json_t *changes = json_array();
        diff(old, doc, "", changes);
        if (json_array_size(changes) > 0 && json_object_size(doc) > 0)
            json_array_append_new(out, json_pack("{s:s, s:o, s:o}", "antenne", id, "document", doc, "changes",
                                                 changes));
        else {
            json_decref(doc);
            json_decref(changes);
        }
        json_decref(old);
    }
    return out;
}

/* The published document's waiting target of antenne i (the boards take 1..600 minutes). */
static void note_wait_target(struct collector_fleet *f, size_t i, const json_t *doc)
{
    json_int_t v = json_integer_value(json_object_get(doc, "waiting_target_min"));
    atomic_store(&f->wait_targets[i], v >= 1 && v <= 600 ? (int)v : 0);
}

void collector_fleet_wait_targets(struct collector_fleet *f, int fallback_min, int *out)
{
    for (size_t i = 0; i < collector_antennes_count(f->antennes); i++) {
        int v = atomic_load(&f->wait_targets[i]);
        out[i] = v ? v : fallback_min;
    }
}

/* ---- board answers (channel hook) ---------------------------------------------------------------- */

static void on_config_ack(void *ctx, const char *antenne, int64_t id, bool ok, const char *error, const json_t *result)
{
    struct collector_fleet *f = ctx;
    pthread_mutex_lock(&f->mu);
    json_t *all = records(f, NS_STATUS);
    json_t *st = all ? json_object_get(all, antenne) : NULL;
    st = st ? json_incref(st) : json_object();
    if (ok && json_is_integer(json_object_get(result, "version"))) {
        json_object_set(st, "running", json_object_get(result, "version"));
        json_object_del(st, "refused");
        if (json_object_get(result, "warning"))
            json_object_set(st, "warning", json_object_get(result, "warning"));
        else
            json_object_del(st, "warning");
    } else if (!ok) {
        json_object_set_new(st, "refused", json_pack("{s:I, s:s}", "message", (json_int_t)id, "error", error));
        log_warn("%s refused its business document (message %lld): %s", antenne, (long long)id, error);
    }
    put_record(f, NS_STATUS, antenne, st);
    json_decref(st);
    json_decref(all);
    pthread_mutex_unlock(&f->mu);
}

/* ---- routes ------------------------------------------------------------------------------------- */

static const char *actor_of(struct MHD_Connection *c, char *buf, size_t cap)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Borne-Actor");
    char *user = NULL;
    if (!h || !*h) {
        char *pass = NULL;
        user = MHD_basic_auth_get_username_password(c, &pass);
        MHD_free(pass);
        h = user && *user ? user : "hq";
    }
    snprintf(buf, cap, "%.64s", h);
    MHD_free(user);
    return buf;
}

static enum MHD_Result get_documents(struct collector_fleet *f, struct MHD_Connection *c)
{
    pthread_mutex_lock(&f->mu);
    json_t *docs = records(f, NS_DOC);
    pthread_mutex_unlock(&f->mu);
    if (!docs)
        return collector_http_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "storage", "storage unavailable");
    return collector_http_json(c, MHD_HTTP_OK, json_pack("{s:o}", "documents", docs));
}

static enum MHD_Result put_document(struct collector_fleet *f, struct MHD_Connection *c, const char *scope,
                                    json_t *body)
{
    json_t *members = json_object_get(body, "antennes");
    if (members && (strncmp(scope, "group:", 6) != 0 || !json_is_array(members)))
        return collector_http_error(c, MHD_HTTP_UNPROCESSABLE_CONTENT, "invalid",
                                    "\"antennes\" is a list, in a group document only");
    size_t i;
    json_t *m;
    json_array_foreach(members, i, m) {
        if (!json_is_string(m) || collector_antennes_find(f->antennes, json_string_value(m)) < 0)
            return collector_http_error(c, MHD_HTTP_UNPROCESSABLE_CONTENT, "invalid", "antennes: an unknown id");
    }
    if (json_object_get(body, "version"))
        return collector_http_error(c, MHD_HTTP_UNPROCESSABLE_CONTENT, "invalid",
                                    "\"version\" is given by publishing, not by the document");
    char who[80];
    actor_of(c, who, sizeof who);
    pthread_mutex_lock(&f->mu);
    json_t *docs = records(f, NS_DOC);
    int rc = -1;
    if (docs) {
        json_t *changes = json_array(), *empty = json_object();
        json_t *before = body_of(docs, scope);
        diff(before ? before : empty, body, "", changes);
        json_decref(empty);
        json_t *rec = json_pack("{s:O, s:s}", "body", body, "by", who);
        rc = put_record(f, NS_DOC, scope, rec);
        json_decref(rec);
        if (rc == 0) {
            log_notice("%s edited the %s document (%zu changes)", who, scope, json_array_size(changes));
            audit(f, json_pack("{s:s, s:s, s:s, s:o}", "action", "edit", "by", who, "scope", scope, "changes",
                               changes));
        } else {
            json_decref(changes);
        }
        json_decref(docs);
    }
    pthread_mutex_unlock(&f->mu);
    if (rc != 0)
        return collector_http_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "storage", "storage unavailable");
    return collector_http_json(c, MHD_HTTP_OK, json_pack("{s:s}", "scope", scope));
}

static enum MHD_Result preview(struct collector_fleet *f, struct MHD_Connection *c)
{
    pthread_mutex_lock(&f->mu);
    json_t *docs = records(f, NS_DOC), *published = records(f, NS_PUBLISHED);
    json_t *changes = docs && published ? pending_changes(f, docs, published) : NULL;
    pthread_mutex_unlock(&f->mu);
    json_decref(docs);
    json_decref(published);
    if (!changes)
        return collector_http_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "storage", "storage unavailable");
    size_t i;
    json_t *ch;
    json_array_foreach(changes, i, ch) json_object_del(ch, "document");
    return collector_http_json(c, MHD_HTTP_OK, json_pack("{s:o}", "antennes", changes));
}

static enum MHD_Result publish(struct collector_fleet *f, struct MHD_Connection *c)
{
    char who[80];
    actor_of(c, who, sizeof who);
    pthread_mutex_lock(&f->mu);
    json_t *docs = records(f, NS_DOC), *published = records(f, NS_PUBLISHED), *meta = records(f, NS_META);
    json_t *changes = docs && published && meta ? pending_changes(f, docs, published) : NULL;
    if (!changes) {
        pthread_mutex_unlock(&f->mu);
        json_decref(docs);
        json_decref(published);
        json_decref(meta);
        return collector_http_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "storage", "storage unavailable");
    }
    json_int_t version = json_integer_value(json_object_get(json_object_get(meta, "version"), "version")) + 1;
    json_t *sent = json_array(), *failed = json_array();
    size_t i;
    json_t *ch;
    if (json_array_size(changes) > 0) {
        json_t *v = json_pack("{s:I}", "version", version);
        put_record(f, NS_META, "version", v);
        json_decref(v);
    }
    json_array_foreach(changes, i, ch) {
        const char *id = json_string_value(json_object_get(ch, "antenne"));
        json_t *doc = json_object_get(ch, "document");
        json_object_set_new(doc, "version", json_integer(version));
        json_object_set_new(doc, "antenne", json_string(id));
        char err[256];
        int64_t mid = 0;
        long index = collector_antennes_find(f->antennes, id);
        if (collector_channel_publish(f->channel, (size_t)index, "config", doc, &mid, err, sizeof err) != 0) {
            log_error("version %lld for %s not queued: %s", (long long)version, id, err);
            json_array_append_new(failed, json_pack("{s:s, s:s}", "antenne", id, "error", err));
            continue;
        }
        json_t *rec = json_pack("{s:I, s:O, s:I, s:s}", "version", version, "doc", doc, "message", (json_int_t)mid,
                                "by", who);
        put_record(f, NS_PUBLISHED, id, rec);
        json_decref(rec);
        note_wait_target(f, (size_t)index, doc);
        json_array_append_new(sent, json_string(id));
    }
    if (json_array_size(changes) > 0) {
        json_t *summary = json_array();
        json_array_foreach(changes, i, ch) json_array_append_new(
            summary, json_pack("{s:O, s:O}", "antenne", json_object_get(ch, "antenne"), "changes",
                               json_object_get(ch, "changes")));
        audit(f, json_pack("{s:s, s:s, s:I, s:o}", "action", "publish", "by", who, "version", version, "antennes",
                           summary));
        log_notice("%s published version %lld to %zu antennes", who, (long long)version, json_array_size(sent));
    }
    pthread_mutex_unlock(&f->mu);
    json_decref(docs);
    json_decref(published);
    json_decref(meta);
    bool any = json_array_size(changes) > 0;
    json_decref(changes);
    if (!any) {
        json_decref(sent);
        json_decref(failed);
        return collector_http_json(c, MHD_HTTP_OK, json_pack("{s:n, s:[]}", "version", "antennes"));
    }
    return collector_http_json(c, MHD_HTTP_OK,
                               json_pack("{s:I, s:o, s:o}", "version", version, "antennes", sent, "failed", failed));
}

static enum MHD_Result status(struct collector_fleet *f, struct MHD_Connection *c)
{
    pthread_mutex_lock(&f->mu);
    json_t *published = records(f, NS_PUBLISHED), *st = records(f, NS_STATUS), *health = records(f, NS_HEALTH);
    pthread_mutex_unlock(&f->mu);
    int64_t now = f->now();
    if (!published || !st || !health) {
        json_decref(published);
        json_decref(st);
        json_decref(health);
        return collector_http_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "storage", "storage unavailable");
    }
    json_t *rows = json_array();
    for (size_t i = 0; i < collector_antennes_count(f->antennes); i++) {
        const char *id = collector_antennes_at(f->antennes, i)->id;
        json_t *p = json_object_get(published, id), *s = json_object_get(st, id);
        json_t *row = json_pack("{s:s, s:b}", "antenne", id, "online", collector_channel_online(f->channel, i));
        if (p)
            json_object_set(row, "published", json_object_get(p, "version"));
        if (s && json_object_get(s, "running"))
            json_object_set(row, "running", json_object_get(s, "running"));
        if (s && json_object_get(s, "refused"))
            json_object_set(row, "refused", json_object_get(s, "refused"));
        if (s && json_object_get(s, "warning"))
            json_object_set(row, "warning", json_object_get(s, "warning"));
        json_t *h = json_object_get(health, id);
        if (h) {
            json_object_set(row, "health", json_object_get(h, "report"));
            json_object_set(row, "health_received_at", json_object_get(h, "received_at"));
        }
        json_object_set_new(row, "flags",
                            collector_health_flags(json_object_get(h, "report"),
                                                   json_integer_value(json_object_get(h, "sent_at")),
                                                   json_integer_value(json_object_get(h, "received_at")),
                                                   json_object_get(json_object_get(p, "doc"), "hours"), now));
        json_array_append_new(rows, row);
    }
    json_decref(published);
    json_decref(st);
    json_decref(health);
    return collector_http_json(c, MHD_HTTP_OK, json_pack("{s:o}", "antennes", rows));
}

static int audit_row(void *ctx, const char *key, const char *value, int64_t at)
{
    json_t *v = json_loads(value, 0, NULL);
    if (!v)
        return -1;
    json_object_set_new(v, "id", json_integer(strtoll(key, NULL, 10)));
    json_object_set_new(v, "at", json_integer(at));
    return json_array_append_new(ctx, v);
}

static enum MHD_Result get_audit(struct collector_fleet *f, struct MHD_Connection *c)
{
    const char *limit_s = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit");
    long limit = limit_s ? strtol(limit_s, NULL, 10) : 100;
    if (limit <= 0 || limit > 10000)
        return collector_http_error(c, MHD_HTTP_BAD_REQUEST, "bad_query", "limit: 1 to 10000");
    json_t *rows = json_array();
    pthread_mutex_lock(&f->mu);
    int rc = collector_store_log_list(f->store, NS_AUDIT, limit, audit_row, rows);
    pthread_mutex_unlock(&f->mu);
    if (rc != 0) {
        json_decref(rows);
        return collector_http_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "storage", "storage unavailable");
    }
    return collector_http_json(c, MHD_HTTP_OK, json_pack("{s:o}", "entries", rows));
}

static enum MHD_Result care(struct collector_fleet *f, struct MHD_Connection *c, json_t *body)
{
    const char *id = json_string_value(json_object_get(body, "antenne"));
    const char *type = json_string_value(json_object_get(body, "type"));
    long index = id ? collector_antennes_find(f->antennes, id) : -1;
    bool known = false;
    for (size_t i = 0; type && i < sizeof care_types / sizeof care_types[0]; i++)
        known |= strcmp(type, care_types[i]) == 0;
    if (index < 0 || !known)
        return collector_http_error(c, MHD_HTTP_UNPROCESSABLE_CONTENT, "invalid",
                                    "{\"antenne\": <known id>, \"type\": care_print, care_logs or care_restart}");
    char who[80], err[256];
    actor_of(c, who, sizeof who);
    json_t *data = json_object();
    int64_t mid = 0;
    int rc = collector_channel_publish(f->channel, (size_t)index, type, data, &mid, err, sizeof err);
    json_decref(data);
    if (rc != 0)
        return collector_http_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "storage", err);
    log_notice("%s sent %s to %s (message %lld)", who, type, id, (long long)mid);
    pthread_mutex_lock(&f->mu);
    audit(f, json_pack("{s:s, s:s, s:s, s:s, s:I}", "action", "care", "by", who, "antenne", id, "type", type, "message",
                       (json_int_t)mid));
    pthread_mutex_unlock(&f->mu);
    return collector_http_json(c, MHD_HTTP_CREATED, json_pack("{s:I}", "id", (json_int_t)mid));
}

static enum MHD_Result get_rings(struct collector_fleet *f, struct MHD_Connection *c)
{
    pthread_mutex_lock(&f->mu);
    json_t *meta = records(f, NS_META);
    pthread_mutex_unlock(&f->mu);
    if (!meta)
        return collector_http_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "storage", "storage unavailable");
    json_t *delay = json_object_get(json_object_get(meta, "rings"), "stable_delay_h");
    json_t *out = json_pack("{s:I, s:b}", "stable_delay_h",
                            delay ? json_integer_value(delay) : (json_int_t)COLLECTOR_FLEET_STABLE_DELAY_H, "default",
                            delay == NULL);
    json_decref(meta);
    return collector_http_json(c, MHD_HTTP_OK, out);
}

static enum MHD_Result put_rings(struct collector_fleet *f, struct MHD_Connection *c, json_t *body)
{
    json_t *delay = json_object_get(body, "stable_delay_h");
    if (json_object_size(body) != 1 || !json_is_integer(delay) || json_integer_value(delay) < 0 ||
        json_integer_value(delay) > COLLECTOR_FLEET_STABLE_DELAY_MAX_H)
        return collector_http_error(c, MHD_HTTP_UNPROCESSABLE_CONTENT, "invalid",
                                    "{\"stable_delay_h\": hours from 0 to 2160}");
    char who[80];
    actor_of(c, who, sizeof who);
    json_t *rec = json_pack("{s:O}", "stable_delay_h", delay);
    pthread_mutex_lock(&f->mu);
    int rc = put_record(f, NS_META, "rings", rec);
    if (rc == 0) {
        log_notice("%s set the stable ring's delay to %lld h", who, (long long)json_integer_value(delay));
        audit(f, json_pack("{s:s, s:s, s:O}", "action", "rings", "by", who, "stable_delay_h", delay));
    }
    pthread_mutex_unlock(&f->mu);
    json_decref(rec);
    if (rc != 0)
        return collector_http_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "storage", "storage unavailable");
    return collector_http_json(c, MHD_HTTP_OK, json_pack("{s:O, s:b}", "stable_delay_h", delay, "default", false));
}

/* A change asked with the browser's Basic credentials must carry the page's token: a form on
 * another site would send those credentials too, never the token. A bearer token is not sent by
 * a browser on its own, so API clients need none. */
static bool csrf_ok(struct collector_fleet *f, struct MHD_Connection *c)
{
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (auth && strncmp(auth, "Bearer ", 7) == 0)
        return true;
    const char *token = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
    return token && strlen(token) == strlen(f->csrf) && sodium_memcmp(token, f->csrf, strlen(f->csrf)) == 0;
}

/* The console page: drafts by scope, the preview (diff), publish, which board runs what and its
 * health with HQ's flags. */
static const char page_html[] =
    "<!doctype html><html lang=fr><head><meta charset=utf-8><title>Borne - configuration</title>"
    "<style>body{font-family:sans-serif;margin:1em 2em;color:#111}textarea{width:100%;height:14em;"
    "font-family:monospace}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .5em}"
    ".bad{color:#a00000}.ok{color:#005a00}pre{background:#f4f4f4;padding:.5em;white-space:pre-wrap}</style>"
    "</head><body><h1>Configuration des antennes</h1>"
    "<p><label>Portée <input id=scope value=region size=30></label> <button id=load>Charger</button> "
    "<button id=save>Enregistrer le brouillon</button></p><textarea id=doc spellcheck=false></textarea>"
    "<p><button id=preview>Voir les changements</button> <button id=publish>Publier</button></p>"
    "<h2>Changements à publier</h2><pre id=diff>-</pre><h2>Antennes</h2><table id=status></table>"
    "<h2>Mises à jour</h2><p><label>Délai avant que l'anneau stable reçoive une version du pilote (heures) "
    "<input id=delay type=number min=0 max=2160 size=5></label> <button id=savedelay>Enregistrer</button> "
    "<span id=delaynote></span></p><h2>Dépannage</h2><pre id=care>-</pre><h2>Journal</h2><pre id=audit></pre><script>"
    "const $=i=>document.getElementById(i);let csrf='';"
    "async function api(m,p,b){const r=await fetch('/api/v1/config/'+p,{method:m,credentials:'same-origin',"
    "headers:{'Content-Type':'application/json','X-CSRF-Token':csrf},body:b});const j=await r.json();"
    "if(!r.ok)throw new Error(j.message);return j}"
    "async function load(){const d=await api('GET','documents');const x=d.documents[$('scope').value];"
    "$('doc').value=JSON.stringify(x?x.body:{},null,2)}"
    /* Text from boards (refusals, errors) is escaped before it goes into the table. */
    "const esc=t=>String(t\x3f\x3f'').replace(/[&<>\"']/g,c=>'&#'+c.charCodeAt(0)+';');"
    "const health=h=>h?esc(h.version)+' · config '+h.config_version+' · imprimante '+esc(h.printer)+' · disque libre '+"
    "Math.round(h.disk_free_bytes/1048576)+' Mio · en attente '+h.upload_backlog+' · '+(h.clock_synced?'heure ok':"
    "'heure non synchronisée')+(h.last_error?' · '+esc(h.last_error):'')+(h.update?' · mise à jour '+"
    "esc(h.update.result)+(h.update.installed?' ('+esc(h.update.installed)+')':'')+(h.update.message?' : '+"
    "esc(h.update.message):''):''):'';"
    "const flag={silent:'muette',disk_full:'disque plein',clock:'horloge',update:'mise à jour'};"
    "async function status(){const s=await api('GET','status');$('status').innerHTML="
    "'<tr><th>antenne<th>en ligne<th>publiée<th>en service<th>refus<th>alertes<th>santé<th>dépannage</tr>'+s.antennes.map(a=>"
    "'<tr><td>'+esc(a.antenne)+'<td>'+(a.online?'oui':'non')+'<td>'+esc(a.published)+'<td class='+"
    "(a.running===a.published?'ok':'bad')+'>'+esc(a.running)+'<td class=bad>'+(a.refused?esc(a.refused.error):'')+"
    "'<td class=bad>'+a.flags.map(f=>flag[f]||esc(f)).join(', ')+'<td>'+health(a.health)+'<td>'+"
    "Object.keys(care).map(t=>'<button data-a=\"'+esc(a.antenne)+'\" data-t='+t+'>'+care[t][0]+'</button>').join(' ')+"
    "'</tr>').join('');const l=await api('GET','audit?limit=20');$('audit').textContent="
    "l.entries.map(e=>new Date(e.at*1000).toLocaleString()+' '+e.by+' '+e.action+' '+(e.scope||('v'+e.version)))"
    ".join('\\n')}"
    /* Remote care: confirmed, sent with the page's token, the board's answer shown when it comes. */
    "const care={care_print:['Page de test','imprimer une page de test à'],care_logs:['Journal','lire le journal de'],"
    "care_restart:['Redémarrer','redémarrer le service de']};"
    "async function answer(a,t,id){for(let i=0;i<60;i++){const r=await fetch('/api/v1/channel/messages?antenne='+"
    "encodeURIComponent(a)+'&type='+t+'&limit=5',{credentials:'same-origin'});const m=(await r.json()).messages"
    ".find(x=>x.id===id);if(m&&m.acked_at)return m.ok?(m.result&&m.result.lines?m.result.lines.join('\\n'):"
    "JSON.stringify(m.result)):'refusé : '+m.error;await new Promise(d=>setTimeout(d,1000))}"
    "return 'pas de réponse (antenne hors ligne ?) : la demande partira à sa reconnexion'}"
    "$('status').onclick=e=>{const b=e.target.closest('button');if(!b)return;const a=b.dataset.a,t=b.dataset.t;"
    "if(!confirm('Voulez-vous '+care[t][1]+' '+a+' ?'))return;$('care').textContent=a+' : '+care[t][0]+'…';"
    "api('POST','care',JSON.stringify({antenne:a,type:t})).then(r=>answer(a,t,r.id)).then(x=>"
    "$('care').textContent=a+' : '+care[t][0]+'\\n'+x).catch(x=>$('care').textContent=a+' : '+x.message)};"
    "$('load').onclick=()=>load().catch(e=>alert(e.message));"
    "$('save').onclick=()=>api('PUT','documents/'+$('scope').value,$('doc').value).then(status)"
    ".catch(e=>alert(e.message));"
    "$('preview').onclick=()=>api('GET','preview').then(p=>{$('diff').textContent=p.antennes.length?"
    "p.antennes.map(a=>a.antenne+':\\n'+a.changes.map(c=>'  '+c.path+': '+JSON.stringify(c.before)+' -> '+"
    "JSON.stringify(c.after)).join('\\n')).join('\\n'):'aucun changement'}).catch(e=>alert(e.message));"
    "$('publish').onclick=()=>api('POST','publish','{}').then(r=>{$('diff').textContent='version '+r.version+"
    "' envoyée à '+r.antennes.length+' antennes';status()}).catch(e=>alert(e.message));"
    "const rings=j=>{$('delay').value=j.stable_delay_h;$('delaynote').textContent=j.default?'(par défaut)':''};"
    "$('savedelay').onclick=()=>api('PUT','rings',JSON.stringify({stable_delay_h:Number($('delay').value)}))"
    ".then(rings).catch(e=>alert(e.message));api('GET','rings').then(rings).catch(()=>{});"
    "api('GET','csrf').then(j=>{csrf=j.csrf});load().catch(()=>{});status();setInterval(status,3000);"
    "</script></body></html>";

static enum MHD_Result page(struct MHD_Connection *c, bool admin)
{
    struct MHD_Response *r;
    if (!admin) {
        static const char need[] = "HQ token required\n";
        r = MHD_create_response_from_buffer(sizeof need - 1, (void *)need, MHD_RESPMEM_PERSISTENT);
        if (!r)
            return MHD_NO;
        MHD_add_response_header(r, "WWW-Authenticate", "Basic realm=\"borne-collector\", charset=\"UTF-8\"");
        return collector_http_send(c, MHD_HTTP_UNAUTHORIZED, r, "text/plain");
    }
    r = MHD_create_response_from_buffer(sizeof page_html - 1, (void *)page_html, MHD_RESPMEM_PERSISTENT);
    return r ? collector_http_send(c, MHD_HTTP_OK, r, "text/html; charset=utf-8") : MHD_NO;
}

static enum route parse_route(const char *url, const char *method, char *scope, size_t cap)
{
    bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
    if (strcmp(url, "/config") == 0)
        return get ? R_PAGE : R_NONE;
    if (strncmp(url, API, strlen(API)) != 0)
        return R_NONE;
    const char *rest = url + strlen(API);
    if (strcmp(rest, "documents") == 0)
        return get ? R_DOCS : R_NONE;
    if (strncmp(rest, "documents/", 10) == 0) {
        snprintf(scope, cap, "%s", rest + 10);
        return strcmp(method, MHD_HTTP_METHOD_PUT) == 0 ? R_DOC_PUT : R_NONE;
    }
    if (strcmp(rest, "preview") == 0)
        return get ? R_PREVIEW : R_NONE;
    if (strcmp(rest, "publish") == 0)
        return strcmp(method, MHD_HTTP_METHOD_POST) == 0 ? R_PUBLISH : R_NONE;
    if (strcmp(rest, "status") == 0)
        return get ? R_STATUS : R_NONE;
    if (strcmp(rest, "audit") == 0)
        return get ? R_AUDIT : R_NONE;
    if (strcmp(rest, "csrf") == 0)
        return get ? R_CSRF : R_NONE;
    if (strcmp(rest, "rings") == 0)
        return get ? R_RINGS : strcmp(method, MHD_HTTP_METHOD_PUT) == 0 ? R_RINGS_PUT : R_NONE;
    if (strcmp(rest, "care") == 0)
        return strcmp(method, MHD_HTTP_METHOD_POST) == 0 ? R_CARE : R_NONE;
    return R_NONE;
}

bool collector_fleet_route(const char *url)
{
    return strcmp(url, "/config") == 0 || strncmp(url, API, strlen(API)) == 0;
}

enum MHD_Result collector_fleet_request(struct collector_fleet *f, struct MHD_Connection *c, const char *url,
                                        const char *method, bool admin, const char *upload_data,
                                        size_t *upload_data_size, void **state)
{
    struct fleet_request *r = *state;
    if (!r) {
        char scope[COLLECTOR_ID_MAX + 16] = "";
        enum route route = parse_route(url, method, scope, sizeof scope);
        if (route == R_PAGE)
            return page(c, admin);
        if (route == R_NONE)
            return collector_http_error(c, collector_fleet_route(url) ? MHD_HTTP_METHOD_NOT_ALLOWED : MHD_HTTP_NOT_FOUND,
                                        "not_found", "no such resource or method");
        if (!admin)
            return collector_http_error(c, MHD_HTTP_UNAUTHORIZED, "unauthorized", "the HQ token is required");
        if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && !csrf_ok(f, c)) {
            log_warn("a change signed in with Basic credentials came without the page's token: refused");
            return collector_http_error(c, MHD_HTTP_FORBIDDEN, "csrf",
                                        "X-CSRF-Token: the token of the /config page is required");
        }
        if (route == R_DOC_PUT && !valid_scope(f, scope))
            return collector_http_error(c, MHD_HTTP_NOT_FOUND, "unknown_scope",
                                        "scopes are region, group:<name> and antenne:<known id>");
        switch (route) {
        case R_DOCS: return get_documents(f, c);
        case R_PREVIEW: return preview(f, c);
        case R_STATUS: return status(f, c);
        case R_AUDIT: return get_audit(f, c);
        case R_CSRF: return collector_http_json(c, MHD_HTTP_OK, json_pack("{s:s}", "csrf", f->csrf));
        case R_RINGS: return get_rings(f, c);
        default: break;
        }
        if (!(r = calloc(1, sizeof *r)))
            return MHD_NO;
        r->route = route;
        snprintf(r->scope, sizeof r->scope, "%s", scope);
        *state = r;
        return MHD_YES;
    }
    if (*upload_data_size) {
        bool ok = collector_body_add(&r->body, upload_data, *upload_data_size, DOC_MAX);
        *upload_data_size = 0;
        return ok ? MHD_YES : MHD_NO;
    }
    enum MHD_Result ret;
    json_t *body = collector_body_json(&r->body, c, &ret);
    if (!body)
        return ret;
    ret = r->route == R_DOC_PUT ? put_document(f, c, r->scope, body)
          : r->route == R_CARE      ? care(f, c, body)
          : r->route == R_RINGS_PUT ? put_rings(f, c, body)
                                    : publish(f, c);
    json_decref(body);
    return ret;
}

void collector_fleet_completed(void *state)
{
    struct fleet_request *r = state;
    if (r) {
        collector_body_free(&r->body);
        free(r);
    }
}

/* A board's health report (collector_health.h), kept as its latest. */
static int on_health(void *ctx, const char *antenne, const char *key, int64_t at, const json_t *data, char *err,
                     size_t errlen)
{
    (void)key;
    struct collector_fleet *f = ctx;
    if (collector_health_check(data, err, errlen) != 0) {
        log_warn("%s: health report refused: %s", antenne, err);
        return -1;
    }
    json_t *rec = json_pack("{s:O, s:I, s:I}", "report", data, "sent_at", (json_int_t)at, "received_at",
                            (json_int_t)f->now());
    pthread_mutex_lock(&f->mu);
    int rc = rec ? put_record(f, NS_HEALTH, antenne, rec) : -1;
    pthread_mutex_unlock(&f->mu);
    json_decref(rec);
    if (rc != 0)
        snprintf(err, errlen, "storage unavailable");
    return rc;
}

int collector_fleet_new(const struct collector_config *config, const struct collector_antennes *antennes,
                        struct collector_channel *channel, collector_channel_clock_fn now,
                        struct collector_fleet **out, char *err, size_t errlen)
{
    *out = NULL;
    struct collector_fleet *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    f->antennes = antennes;
    f->channel = channel;
    f->now = now;
    pthread_mutex_init(&f->mu, NULL);
    size_t n = collector_antennes_count(antennes);
    if (!(f->wait_targets = calloc(n ? n : 1, sizeof *f->wait_targets))) {
        snprintf(err, errlen, "out of memory");
        collector_fleet_free(f);
        return -1;
    }
    unsigned char raw[32];
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium cannot start (no random source)");
        collector_fleet_free(f);
        return -1;
    }
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(f->csrf, sizeof f->csrf, raw, sizeof raw);
    if (collector_store_open(config->backend, config->storage, &f->store, err, errlen) != 0) {
        collector_fleet_free(f);
        return -1;
    }
    json_t *published = records(f, NS_PUBLISHED);
    if (!published) {
        snprintf(err, errlen, "cannot read the published documents: %s", collector_store_error(f->store));
        collector_fleet_free(f);
        return -1;
    }
    const char *id;
    json_t *rec;
    json_object_foreach(published, id, rec) {
        long i = collector_antennes_find(antennes, id);
        if (i >= 0)
            note_wait_target(f, (size_t)i, json_object_get(rec, "doc"));
    }
    json_decref(published);
    struct collector_channel_type config_type = {.name = "config", .on_ack = on_config_ack, .ctx = f};
    struct collector_channel_type health_type = {.name = "health", .on_event = on_health, .ctx = f};
    /* Remote care (fleet_care.h): sent from the console, answered in the acknowledgement's result. */
    bool taken = collector_channel_register(channel, &config_type) != 0 ||
                 collector_channel_register(channel, &health_type) != 0;
    for (size_t i = 0; i < sizeof care_types / sizeof care_types[0]; i++) {
        struct collector_channel_type t = {.name = care_types[i]};
        taken = taken || collector_channel_register(channel, &t) != 0;
    }
    if (taken) {
        snprintf(err, errlen, "a fleet channel type (config, health, care_*) is taken");
        collector_fleet_free(f);
        return -1;
    }
    *out = f;
    return 0;
}

void collector_fleet_free(struct collector_fleet *f)
{
    if (!f)
        return;
    collector_store_close(f->store);
    pthread_mutex_destroy(&f->mu);
    free(f->wait_targets);
    free(f);
}
