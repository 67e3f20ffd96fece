/* Business documents (config_business.h): each member becomes the INI key it stands for and goes
 * through the INI handlers, so one validator judges the file and the documents. */
#include "borne/config_business.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config_internal.h"

/* A JSON scalar as INI text: strings as they are, integers, booleans; NULL for anything else. */
static const char *scalar(const json_t *v, char *buf, size_t cap)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v)) {
        snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
        return buf;
    }
    if (json_is_boolean(v))
        return json_is_true(v) ? "true" : "false";
    return NULL;
}

typedef struct walk {
    parse_ctx *ctx;
    char err[512];
} walk;

__attribute__((format(printf, 2, 3))) static bool refuse(walk *w, const char *fmt, ...)
{
    if (!w->err[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(w->err, sizeof w->err, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* One key; `where` names it in the document for the error. */
static bool entry(walk *w, const char *where, const char *section, const char *name, const json_t *v)
{
    char buf[32];
    const char *text = scalar(v, buf, sizeof buf);
    if (!text)
        return refuse(w, "%s: a string, a number or true/false is expected", where);
    if (!config_ctx_entry(w->ctx, section, name, text))
        return refuse(w, "%s: %s", where, config_ctx_error(w->ctx));
    return true;
}

static bool services(walk *w, json_t *list)
{
    if (!json_is_array(list))
        return refuse(w, "services: a list is expected");
    bool seen[26] = {false};
    size_t i;
    json_t *svc;
    json_array_foreach(list, i, svc) {
        const char *letter = json_string_value(json_object_get(svc, "letter"));
        if (!json_is_object(svc) || !letter || strlen(letter) != 1 || letter[0] < 'A' || letter[0] > 'Z')
            return refuse(w, "services[%zu]: \"letter\" (one capital letter A-Z) is required", i);
        if (seen[letter[0] - 'A'])
            return refuse(w, "services[%zu]: letter %s is given twice", i, letter);
        seen[letter[0] - 'A'] = true;
        char section[16], where[64];
        snprintf(section, sizeof section, "service.%s", letter);
        const char *key;
        json_t *v;
        json_object_foreach(svc, key, v) {
            snprintf(where, sizeof where, "services[%zu] (%s).%s", i, letter, key);
            if (strcmp(key, "letter") == 0)
                continue;
            if (strcmp(key, "labels") == 0) {
                if (!json_is_object(v))
                    return refuse(w, "%s: an object {\"fr\": ..., \"en\": ...} is expected", where);
                const char *lang;
                json_t *label;
                json_object_foreach(v, lang, label) {
                    char name[32];
                    snprintf(name, sizeof name, "label_%s", lang);
                    snprintf(where, sizeof where, "services[%zu] (%s).labels.%s", i, letter, lang);
                    if (!entry(w, where, section, name, label))
                        return false;
                }
            } else if (strcmp(key, "order") == 0 || strcmp(key, "enabled") == 0) {
                if (!entry(w, where, section, key, v))
                    return false;
            } else {
                return refuse(w, "%s: unknown key", where);
            }
        }
    }
    return true;
}

/* An object whose members are keys of one INI section (hours). */
static bool section_members(walk *w, const char *member, const char *section, json_t *obj)
{
    if (!json_is_object(obj))
        return refuse(w, "%s: an object is expected", member);
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        char where[96];
        snprintf(where, sizeof where, "%s.%s", member, key);
        if (!entry(w, where, section, key, v))
            return false;
    }
    return true;
}

static bool closures(walk *w, json_t *obj)
{
    if (!json_is_object(obj))
        return refuse(w, "closures: an object is expected");
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        if (strcmp(key, "dates") != 0) {
            char where[96];
            snprintf(where, sizeof where, "closures.%s", key);
            if (!entry(w, where, "closures", key, v))
                return false;
            continue;
        }
        if (!json_is_array(v))
            return refuse(w, "closures.dates: a list of \"YYYY-MM-DD\" is expected");
        char joined[QUEUE_MAX_CLOSURES * 12 + 1] = "";
        size_t i;
        json_t *day;
        json_array_foreach(v, i, day) {
            const char *d = json_string_value(day);
            if (!d || strlen(d) != 10 || strchr(d, ','))
                return refuse(w, "closures.dates[%zu]: \"YYYY-MM-DD\" is expected", i);
            if (i >= QUEUE_MAX_CLOSURES)
                return refuse(w, "closures.dates: at most %d days", QUEUE_MAX_CLOSURES);
            strcat(joined, i ? "," : "");
            strcat(joined, d);
        }
        json_t *text = json_string(joined);
        bool ok = entry(w, "closures.dates", "closures", "dates", text);
        json_decref(text);
        if (!ok)
            return false;
    }
    return true;
}

static bool messages(walk *w, json_t *obj)
{
    if (!json_is_object(obj))
        return refuse(w, "messages: an object is expected");
    const char *kind;
    json_t *langs;
    json_object_foreach(obj, kind, langs) {
        const char *prefix = strcmp(kind, "ticket") == 0 ? "message" : strcmp(kind, "screen") == 0 ? "screen_message"
                                                                                                     : NULL;
        if (!prefix)
            return refuse(w, "messages.%s: unknown key (ticket, screen)", kind);
        if (!json_is_object(langs))
            return refuse(w, "messages.%s: an object {\"fr\": ..., \"en\": ...} is expected", kind);
        const char *lang;
        json_t *text;
        json_object_foreach(langs, lang, text) {
            char name[48], where[96];
            snprintf(name, sizeof name, "%s_%s", prefix, lang);
            snprintf(where, sizeof where, "messages.%s.%s", kind, lang);
            if (!entry(w, where, "antenne", name, text))
                return false;
        }
    }
    return true;
}

/* {"caf": "CAF de l'Aisne", ...}: the [partners] section, id = label. */
static bool partners(walk *w, json_t *obj)
{
    return section_members(w, "partners", "partners", obj);
}

int config_business_apply(const borne_config *local, const json_t *doc, borne_config *out, char *errbuf,
                          size_t errlen)
{
    if (!json_is_object(doc)) {
        snprintf(errbuf, errlen, "the document is not a JSON object");
        return -EINVAL;
    }
    const json_t *version = json_object_get(doc, "version");
    if (!json_is_integer(version) || json_integer_value(version) <= 0) {
        snprintf(errbuf, errlen, "version: a positive integer is required");
        return -EINVAL;
    }
    int64_t v = json_integer_value(version);
    if (v <= local->business_version) {
        if (v == local->business_version)
            snprintf(errbuf, errlen, "version %lld is already running", (long long)v);
        else
            snprintf(errbuf, errlen, "version %lld is older than the running version %lld", (long long)v,
                     (long long)local->business_version);
        return -EINVAL;
    }
    /* Documents are merged per antenne at HQ: one addressed to another is a routing fault or a forgery. */
    const json_t *antenne = json_object_get(doc, "antenne");
    if (antenne && (!json_is_string(antenne) || strcmp(json_string_value(antenne), local->antenne.id) != 0)) {
        snprintf(errbuf, errlen, "the document is for antenne \"%.64s\", this board is \"%s\"",
                 json_is_string(antenne) ? json_string_value(antenne) : "?", local->antenne.id);
        return -EINVAL;
    }
    walk w = {.ctx = config_ctx_new(local)};
    if (!w.ctx) {
        snprintf(errbuf, errlen, "out of memory");
        return -ENOMEM;
    }
    const char *key;
    json_t *member;
    bool ok = true;
    json_object_foreach((json_t *)doc, key, member) {
        if (strcmp(key, "version") == 0 || strcmp(key, "antenne") == 0)
            continue;
        if (strcmp(key, "services") == 0)
            ok = services(&w, member);
        else if (strcmp(key, "hours") == 0)
            ok = section_members(&w, "hours", "hours", member);
        else if (strcmp(key, "closures") == 0)
            ok = closures(&w, member);
        else if (strcmp(key, "messages") == 0)
            ok = messages(&w, member);
        else if (strcmp(key, "partners") == 0)
            ok = partners(&w, member);
        else if (strcmp(key, "waiting_target_min") == 0)
            ok = entry(&w, key, "antenne", key, member);
        else
            ok = refuse(&w, "unknown key \"%s\"", key);
        if (!ok)
            break;
    }
    borne_config result;
    int rc = 0;
    if (!ok) {
        snprintf(errbuf, errlen, "%s", w.err);
        rc = -EINVAL;
    } else if ((rc = config_ctx_finish(w.ctx, &result, errbuf, errlen)) == 0) {
        result.business_version = v;
        *out = result;
    }
    config_ctx_free(w.ctx);
    return rc;
}

int config_business_overlay(borne_config *cfg, const char *path, char *errbuf, size_t errlen)
{
    if (access(path, F_OK) != 0)
        return 1;
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr);
    if (!doc) {
        snprintf(errbuf, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
        return -EINVAL;
    }
    char why[512];
    int rc = config_business_apply(cfg, doc, cfg, why, sizeof why);
    json_decref(doc);
    if (rc != 0)
        snprintf(errbuf, errlen, "%s: %s", path, why);
    return rc;
}
