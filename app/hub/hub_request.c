/* Routing and validation of LAN API requests (see include/borne/hub_request.h).
 *
 * Paths are matched exactly, segment by segment, never by prefix: "/api/v1/state/" or
 * "/api/v1//state" are 404, so a cache or a proxy can never make two spellings of one URL
 * behave differently. Static files are a flat directory: a name with a slash or a leading dot
 * is simply not a route, which is what keeps the web root from being escaped. */
#include "borne/hub_request.h"
#include "borne/utf8.h"

#include <ctype.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

const char *hub_action_name(hub_action a)
{
    return lan_action_name((lan_action)a);
}

static int fail(hub_error *err, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(hub_error *err, int status, const char *code, const char *fmt, ...)
{
    if (err) {
        snprintf(err->code, sizeof err->code, "%s", code);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return status;
}

/* Static file names: [a-z0-9_-]+ "." (html|css|js|yaml|svg|png|ico). */
static bool static_name_ok(const char *name, size_t len)
{
    static const char *const exts[] = {"html", "css", "js", "yaml", "svg", "png", "ico"};
    const char *dot = memchr(name, '.', len);
    if (!dot || dot == name || len >= sizeof ((hub_route *)0)->file)
        return false;
    for (const char *p = name; p < dot; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-' || *p == '_'))
            return false;
    size_t ext_len = len - (size_t)(dot + 1 - name);
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (strlen(exts[i]) == ext_len && memcmp(dot + 1, exts[i], ext_len) == 0)
            return true;
    return false;
}

static bool parse_counter_id(const char *s, size_t len, int *out)
{
    if (len == 0 || len > 4 || s[0] == '0')
        return false;
    int v = 0;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static int want_method(const char *method, const char *want, hub_error *err)
{
    if (strcmp(method, want) == 0)
        return 0;
    return fail(err, 405, "method_not_allowed", "use %s on this path", want);
}

/* "/{id}/..." (p, len): the id (1 to 12 digits, no leading zero) into *id and the slash after
 * it, or NULL. */
static const char *id_then_slash(const char *p, size_t len, int64_t *id)
{
    const char *digits = p + 1, *end = p + len;
    const char *slash = len && p[0] == '/' ? memchr(digits, '/', (size_t)(end - digits)) : NULL;
    size_t n = slash ? (size_t)(slash - digits) : 0;
    bool ok = n > 0 && n <= 12 && digits[0] != '0';
    int64_t v = 0;
    for (size_t i = 0; ok && i < n; i++) {
        ok = isdigit((unsigned char)digits[i]);
        v = v * 10 + (digits[i] - '0');
    }
    *id = v;
    return ok ? slash : NULL;
}

/* "/{rid}/dismiss" after /api/v1/agent-requests. */
static int route_agent(const char *method, const char *p, size_t len, hub_route *out, hub_error *err)
{
    const char *slash = id_then_slash(p, len, &out->alarm_id);
    if (!slash || (size_t)(p + len - slash) != 8 || memcmp(slash, "/dismiss", 8) != 0)
        return fail(err, 404, "unknown_route", "expected /api/v1/agent-requests/{id}/dismiss");
    out->kind = HUB_ROUTE_AGENT_DISMISS;
    return want_method(method, "POST", err);
}

/* "", "/events", "/{aid}/ack", "/{aid}/clear" after /api/v1/alarms. */
static int route_alarms(const char *method, const char *p, size_t len, hub_route *out,
                        hub_error *err)
{
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    if (len == 0 || (len == 7 && memcmp(p, "/events", 7) == 0)) {
        out->kind = len ? HUB_ROUTE_ALARM_EVENTS : HUB_ROUTE_ALARMS;
        return get ? 0 : want_method(method, "GET", err);
    }
    const char *slash = id_then_slash(p, len, &out->alarm_id);
    if (!slash)
        return fail(err, 404, "unknown_route",
                    "expected /api/v1/alarms, /alarms/events or /alarms/{id}/ack|clear");
    const char *end = p + len;
    size_t act_len = (size_t)(end - slash - 1);
    if (act_len == 3 && memcmp(slash + 1, "ack", 3) == 0)
        out->kind = HUB_ROUTE_ALARM_ACK;
    else if (act_len == 5 && memcmp(slash + 1, "clear", 5) == 0)
        out->kind = HUB_ROUTE_ALARM_CLEAR;
    else
        return fail(err, 404, "unknown_action", "an alarm takes ack or clear");
    return want_method(method, "POST", err);
}

int hub_route_parse(const char *method, const char *url, hub_route *out, hub_error *err)
{
    memset(out, 0, sizeof *out);
    if (!method || !url)
        return fail(err, 404, "unknown_route", "no such path");
    size_t len = strcspn(url, "?#");
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    static const char api[] = "/api/v1/";
    const size_t api_len = sizeof api - 1;

    if (len > api_len && strncmp(url, api, api_len) == 0) {
        const char *p = url + api_len;
        size_t rest = len - api_len;
        if (rest == 5 && memcmp(p, "state", 5) == 0) {
            out->kind = HUB_ROUTE_STATE;
            return get ? 0 : want_method(method, "GET", err);
        }
        if (rest == 6 && memcmp(p, "events", 6) == 0) {
            out->kind = HUB_ROUTE_EVENTS;
            return get ? 0 : want_method(method, "GET", err);
        }
        if (rest == 7 && memcmp(p, "tickets", 7) == 0) {
            out->kind = HUB_ROUTE_TICKETS;
            return want_method(method, "POST", err);
        }
        if (rest == 12 && memcmp(p, "appointments", 12) == 0) {
            out->kind = HUB_ROUTE_APPOINTMENTS;
            return want_method(method, "PUT", err);
        }
        if (rest > 9 && memcmp(p, "counters/", 9) == 0) {
            const char *id = p + 9;
            const char *slash = memchr(id, '/', rest - 9);
            if (!slash && parse_counter_id(id, rest - 9, &out->counter_id)) {
                out->kind = HUB_ROUTE_COUNTER_GET;
                return get ? 0 : want_method(method, "GET", err);
            }
            if (!slash || !parse_counter_id(id, (size_t)(slash - id), &out->counter_id))
                return fail(err, 404, "unknown_route",
                            "expected /api/v1/counters/{id} or /api/v1/counters/{id}/{action}");
            const char *act = slash + 1;
            size_t act_len = (size_t)(url + len - act);
            for (int a = HUB_ACT_NONE + 1; a < LAN_ACT_COUNT; a++) {
                const char *name = hub_action_name((hub_action)a);
                if (strlen(name) == act_len && memcmp(act, name, act_len) == 0) {
                    out->kind = HUB_ROUTE_COUNTER;
                    out->action = (hub_action)a;
                    return want_method(method, "POST", err);
                }
            }
            if (act_len == 5 && memcmp(act, "alarm", 5) == 0) {
                out->kind = HUB_ROUTE_ALARM_RAISE;
                return want_method(method, "POST", err);
            }
            return fail(err, 404, "unknown_action", "unknown counter action");
        }
        if (rest >= 6 && memcmp(p, "alarms", 6) == 0)
            return route_alarms(method, p + 6, rest - 6, out, err);
        if (rest >= 14 && memcmp(p, "agent-requests", 14) == 0)
            return route_agent(method, p + 14, rest - 14, out, err);
        return fail(err, 404, "unknown_route", "no such API path");
    }

    const char *file = NULL;
    size_t file_len = 0;
    if (len == 8 && memcmp(url, "/counter", 8) == 0) {
        file = "counter.html";
    } else if (len == 8 && memcmp(url, "/display", 8) == 0) {
        file = "display.html";
    } else if (len == 1 && url[0] == '/') {
        file = "index.html";
    } else if (len > 5 && memcmp(url, "/web/", 5) == 0 && static_name_ok(url + 5, len - 5)) {
        file = url + 5;
        file_len = len - 5;
    }
    if (!file)
        return fail(err, 404, "unknown_route", "no such path");
    if (!file_len)
        file_len = strlen(file);
    out->kind = HUB_ROUTE_STATIC;
    memcpy(out->file, file, file_len);
    out->file[file_len] = '\0';
    return get ? 0 : want_method(method, "GET", err);
}

static int hex_value(char c)
{
    return isdigit((unsigned char)c) ? c - '0'
           : (c >= 'a' && c <= 'f') ? c - 'a' + 10
           : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
}

size_t hub_path_unescape(char *s)
{
    size_t o = 0;
    for (size_t i = 0; s[i]; i++) {
        int hi = s[i] == '%' ? hex_value(s[i + 1]) : -1;
        int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
        char c = (char)(hi * 16 + lo);
        if (lo < 0 || c == '\0' || c == '?' || c == '#' || c == '/') {
            s[o++] = s[i];
            continue;
        }
        s[o++] = c;
        i += 2;
    }
    s[o] = '\0';
    return o;
}

static bool visible_ascii(const char *s, size_t max)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (n >= max || s[n] <= 0x20 || s[n] >= 0x7f)
            return false;
    return n > 0;
}

bool hub_bearer_token(const char *header, char *out)
{
    if (!header || strncasecmp(header, "Bearer ", 7) != 0)
        return false;
    const char *t = header + 7;
    while (*t == ' ')
        t++;
    size_t n = strlen(t);
    while (n && t[n - 1] == ' ')
        n--;
    if (n == 0 || n > HUB_TOKEN_MAX)
        return false;
    char tmp[HUB_TOKEN_MAX + 1];
    memcpy(tmp, t, n);
    tmp[n] = '\0';
    if (!visible_ascii(tmp, HUB_TOKEN_MAX))
        return false;
    memcpy(out, tmp, n + 1);
    return true;
}

bool hub_idem_key_valid(const char *key)
{
    return key && visible_ascii(key, HUB_IDEM_KEY_MAX);
}

size_t hub_body_cap(const hub_route *r)
{
    return r->kind == HUB_ROUTE_APPOINTMENTS ? HUB_APPT_BODY_MAX : HUB_BODY_MAX;
}

/* ---- bodies ---------------------------------------------------------------------------- */

/* Rejects members the route does not know: a typo ("priorty") must not silently be ignored. */
static int only_keys(json_t *obj, const char *const *keys, const char *what, hub_error *err)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        bool known = false;
        for (const char *const *p = keys; *p && !known; p++)
            known = strcmp(k, *p) == 0;
        if (!known)
            return fail(err, 422, "unknown_field", "%s: unknown field \"%.40s\"", what, k);
    }
    return 0;
}

static int get_service(json_t *obj, const char *key, bool required, char *out, hub_error *err)
{
    json_t *v = json_object_get(obj, key);
    *out = 0;
    if (!v || json_is_null(v))
        return required ? fail(err, 422, "missing_field", "\"%s\" is required", key) : 0;
    const char *s = json_string_value(v);
    if (!s || strlen(s) != 1 || s[0] < 'A' || s[0] > 'Z')
        return fail(err, 422, "bad_service", "\"%s\" must be one letter A-Z", key);
    *out = s[0];
    return 0;
}

static int get_bool(json_t *obj, const char *key, bool *out, hub_error *err)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v))
        return fail(err, 422, "bad_field", "\"%s\" must be true or false", key);
    *out = json_is_true(v);
    return 0;
}

static int get_int(json_t *obj, const char *key, long long lo, long long hi, long long *out,
                   hub_error *err)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return fail(err, 422, "bad_field", "\"%s\" must be an integer in %lld..%lld", key, lo, hi);
    *out = json_integer_value(v);
    return 0;
}

static int parse_ticket(json_t *o, hub_ticket_req *t, hub_error *err)
{
    static const char *const keys[] = {"service", "priority", "public", NULL};
    int rc;
    if ((rc = only_keys(o, keys, "ticket", err)) || (rc = get_service(o, "service", true, &t->service, err)) ||
        (rc = get_bool(o, "priority", &t->priority, err)))
        return rc;
    json_t *pub = json_object_get(o, "public");
    t->public_type = QUEUE_PUBLIC_UNSPECIFIED;
    if (pub && !json_is_null(pub)) {
        int p = json_is_string(pub) ? queue_public_from_name(json_string_value(pub)) : -1;
        if (p < 0)
            return fail(err, 422, "bad_public", "\"public\" must be particulier, entreprise,"
                        " association or collectivite");
        t->public_type = (queue_public)p;
    }
    return 0;
}

/* {"outcome": a contract outcome word (borne/contract.h) or "served"/"redirected" (the words of
 * contract 1, kept for older desks), "partner": a configured partner id, with "partner" only}. */
static int parse_finish(json_t *o, hub_body *b, hub_error *err)
{
    static const char *const keys[] = {"outcome", "partner", NULL};
    int rc = only_keys(o, keys, "finish", err);
    if (rc)
        return rc;
    b->u.outcome = QUEUE_OUTCOME_SERVED;
    json_t *v = json_object_get(o, "outcome");
    if (v && !json_is_null(v)) {
        const char *s = json_string_value(v);
        int value = s ? contract_outcome_from_word(s) : 0;
        if (s && strcmp(s, "served") == 0)
            value = QUEUE_OUTCOME_SERVED;
        else if (s && strcmp(s, "redirected") == 0)
            value = QUEUE_OUTCOME_REDIRECTED;
        if (!value)
            return fail(err, 422, "bad_outcome", "\"outcome\" must be answered, partner, online_help or"
                        " appointment");
        b->u.outcome = (queue_outcome)value;
    }
    json_t *p = json_object_get(o, "partner");
    if (p && !json_is_null(p)) {
        const char *s = json_string_value(p);
        if (!s || !contract_partner_id_valid(s))
            return fail(err, 422, "unknown_partner", "\"partner\" must be the id of a configured partner");
        if (b->u.outcome != QUEUE_OUTCOME_REDIRECTED)
            return fail(err, 422, "bad_outcome", "\"partner\" goes with the outcome \"partner\" only");
        snprintf(b->partner, sizeof b->partner, "%s", s);
    }
    return 0;
}

static int parse_contact(json_t *o, hub_body *b, hub_error *err)
{
    static const char *const keys[] = {"channel", NULL};
    int rc = only_keys(o, keys, "contact", err);
    if (rc)
        return rc;
    const char *s = json_string_value(json_object_get(o, "channel"));
    b->u.channel = s ? contract_channel_from_word(s) : 0;
    if (!b->u.channel)
        return fail(err, 422, "bad_channel", "\"channel\" must be phone or email");
    return 0;
}

static int parse_transfer(json_t *o, hub_body *b, hub_error *err)
{
    static const char *const keys[] = {"service", "counter", NULL};
    long long counter = 0;
    int rc;
    if ((rc = only_keys(o, keys, "transfer", err)) ||
        (rc = get_service(o, "service", false, &b->u.transfer.service, err)) ||
        (rc = get_int(o, "counter", 1, 9999, &counter, err)))
        return rc;
    b->u.transfer.counter = (int)counter;
    if (!b->u.transfer.service && !counter)
        return fail(err, 422, "missing_field", "transfer needs \"service\" and/or \"counter\"");
    return 0;
}

/* "YYYY-MM-DDTHH:MM[:SS]" in the process time zone; a time the clocks skip or repeat is
 * refused rather than guessed. */
static bool parse_local_time(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, sec = 0, n = 0;
    size_t len = strlen(s);
    if (len == 16) {
        if (sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5 || n != 16)
            return false;
    } else if (len == 19) {
        if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 19)
            return false;
    } else {
        return false;
    }
    return y >= 2000 && y <= 2200 && queue_local_time(y, mo, d, h, mi, sec, out) == QUEUE_LOCAL_OK;
}

static bool code_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= QUEUE_CODE_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-')
            return false;
    return true;
}

static int parse_appointment(json_t *o, size_t i, queue_appointment *a, hub_error *err)
{
    static const char *const keys[] = {"code", "at", "service", "counter", "note", NULL};
    char what[32];
    snprintf(what, sizeof what, "appointment %zu", i);
    if (!json_is_object(o))
        return fail(err, 422, "bad_appointment", "%s: expected an object", what);
    int rc = only_keys(o, keys, what, err);
    if (rc)
        return rc;
    memset(a, 0, sizeof *a);
    const char *code = json_string_value(json_object_get(o, "code"));
    if (!code || !code_ok(code))
        return fail(err, 422, "bad_code", "%s: \"code\" must be 1-%d of A-Z a-z 0-9 -", what,
                    QUEUE_CODE_MAX - 1);
    memcpy(a->code, code, strlen(code) + 1);
    json_t *at = json_object_get(o, "at");
    if (json_is_integer(at) && json_integer_value(at) > 0)
        a->at = json_integer_value(at);
    else if (!json_is_string(at) || !parse_local_time(json_string_value(at), &a->at))
        return fail(err, 422, "bad_time", "%s: \"at\" must be Unix seconds or"
                    " \"YYYY-MM-DDTHH:MM\" local time", what);
    if ((rc = get_service(o, "service", false, &a->service, err)))
        return rc;
    if (!a->service)
        a->service = 'R';
    long long counter = 0;
    if ((rc = get_int(o, "counter", 1, 9999, &counter, err)))
        return rc;
    a->counter_id = (int)counter;
    json_t *note = json_object_get(o, "note");
    if (note && !json_is_null(note)) {
        const char *s = json_string_value(note);
        if (!s || strlen(s) >= QUEUE_NOTE_MAX)
            return fail(err, 422, "bad_note", "%s: \"note\" must be a string under %d bytes", what,
                        QUEUE_NOTE_MAX);
        memcpy(a->note, s, strlen(s) + 1);
    }
    return 0;
}

static int parse_appointments(json_t *root, hub_body *b, hub_error *err)
{
    if (!json_is_array(root))
        return fail(err, 422, "bad_body", "expected a JSON array of appointments");
    size_t n = json_array_size(root);
    if (n > HUB_APPT_MAX)
        return fail(err, 413, "too_many", "at most %d appointments per request", HUB_APPT_MAX);
    queue_appointment *items = n ? calloc(n, sizeof *items) : NULL;
    if (n && !items)
        return fail(err, 500, "no_memory", "out of memory");
    for (size_t i = 0; i < n; i++) {
        int rc = parse_appointment(json_array_get(root, i), i, &items[i], err);
        if (rc) {
            free(items);
            return rc;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(items[j].code, items[i].code) == 0) {
                free(items);
                return fail(err, 422, "duplicate_code", "appointment %zu: code repeated", i);
            }
        }
    }
    b->u.appts.n = (int)n;
    b->u.appts.items = items;
    return 0;
}

/* raise {"test"}, ack {"kind"}, clear {"reason"}: the reason is free text from an agent, kept
 * as valid UTF-8 without control characters. */
static int parse_alarm(json_t *o, hub_route_kind kind, hub_body *b, hub_error *err)
{
    static const char *const raise_keys[] = {"test", NULL}, *const ack_keys[] = {"kind", NULL},
                             *const clear_keys[] = {"reason", NULL};
    const char *const *keys = kind == HUB_ROUTE_ALARM_RAISE ? raise_keys
                              : kind == HUB_ROUTE_ALARM_ACK ? ack_keys : clear_keys;
    int rc = only_keys(o, keys, "alarm", err);
    if (rc)
        return rc;
    if (kind == HUB_ROUTE_ALARM_RAISE) {
        json_t *t = json_object_get(o, "test");
        if (t && !json_is_boolean(t))
            return fail(err, 422, "bad_test", "\"test\" must be true or false");
        b->u.alarm.test = json_is_true(t);
        return 0;
    }
    if (kind == HUB_ROUTE_ALARM_ACK) {
        int k = queue_alarm_ack_from_name(json_string_value(json_object_get(o, "kind")));
        if (k < 0)
            return fail(err, 422, "bad_kind", "\"kind\" must be \"vu\", \"appelle\" or \"arrive\"");
        b->u.alarm.ack = (queue_alarm_ack_kind)k;
        return 0;
    }
    const char *reason = json_string_value(json_object_get(o, "reason"));
    size_t n = reason ? strlen(reason) : 0;
    bool printable = n > 0 && n < sizeof b->u.alarm.reason;
    for (size_t i = 0; printable && i < n; i++)
        printable = (unsigned char)reason[i] >= 0x20 && reason[i] != 0x7f;
    if (!printable)
        return fail(err, 422, "bad_reason", "\"reason\" must be 1-%zu bytes of text",
                    sizeof b->u.alarm.reason - 1);
    memcpy(b->u.alarm.reason, reason, n + 1);
    return 0;
}

static int texts_ok(json_t *j, hub_error *err)
{
    const char *key;
    json_t *v;
    size_t i;
    if (json_is_string(j)) {
        if (utf8_check(json_string_value(j), json_string_length(j), UTF8_MULTILINE, NULL) != UTF8_OK)
            return fail(err, 400, "bad_text", "a string holds a control character");
    } else if (json_is_object(j)) {
        json_object_foreach(j, key, v) {
            int rc = utf8_check_str(key, 0, NULL) != UTF8_OK
                         ? fail(err, 400, "bad_text", "a member name holds a control character")
                         : texts_ok(v, err);
            if (rc)
                return rc;
        }
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v) {
            int rc = texts_ok(v, err);
            if (rc)
                return rc;
        }
    }
    return 0;
}

static int parse_root(const hub_route *r, json_t *root, hub_body *out, hub_error *err)
{
    if (r->kind == HUB_ROUTE_APPOINTMENTS)
        return parse_appointments(root, out, err);
    if (!json_is_object(root))
        return fail(err, 422, "bad_body", "expected a JSON object");
    if (r->kind == HUB_ROUTE_TICKETS)
        return parse_ticket(root, &out->u.ticket, err);
    if (r->kind == HUB_ROUTE_COUNTER && r->action == HUB_ACT_FINISH)
        return parse_finish(root, out, err);
    if (r->kind == HUB_ROUTE_COUNTER && r->action == HUB_ACT_CONTACT)
        return parse_contact(root, out, err);
    if (r->kind == HUB_ROUTE_COUNTER && r->action == HUB_ACT_TRANSFER)
        return parse_transfer(root, out, err);
    if (r->kind == HUB_ROUTE_ALARM_RAISE || r->kind == HUB_ROUTE_ALARM_ACK ||
        r->kind == HUB_ROUTE_ALARM_CLEAR)
        return parse_alarm(root, r->kind, out, err);
    if (r->kind == HUB_ROUTE_COUNTER) {
        static const char *const none[] = {NULL};
        return only_keys(root, none, hub_action_name(r->action), err);
    }
    return fail(err, 422, "bad_body", "this request takes no body");
}

int hub_body_parse(const hub_route *r, const char *body, size_t len, hub_body *out, hub_error *err)
{
    memset(out, 0, sizeof *out);
    if (len > hub_body_cap(r))
        return fail(err, 413, "body_too_large", "body over %zu bytes", hub_body_cap(r));
    bool needs_body = r->kind == HUB_ROUTE_TICKETS || r->kind == HUB_ROUTE_APPOINTMENTS ||
                      (r->kind == HUB_ROUTE_COUNTER &&
                       (r->action == HUB_ACT_TRANSFER || r->action == HUB_ACT_CONTACT)) ||
                      r->kind == HUB_ROUTE_ALARM_ACK || r->kind == HUB_ROUTE_ALARM_CLEAR;
    size_t ws = 0;
    while (ws < len && strchr(" \t\r\n", body[ws]))
        ws++;
    if (ws == len) {
        if (needs_body)
            return fail(err, 422, "missing_body", "this request needs a JSON body");
        if (r->kind == HUB_ROUTE_COUNTER && r->action == HUB_ACT_FINISH)
            out->u.outcome = QUEUE_OUTCOME_SERVED;
        return 0;
    }
    json_error_t jerr;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (!root)
        return fail(err, 400, "bad_json", "line %d, column %d: %.100s", jerr.line, jerr.column,
                    jerr.text);
    /* jansson has checked the UTF-8; the control characters "\u001b" may spell are refused here,
     * for every string and member name, before anything reads them. */
    int rc = texts_ok(root, err);
    if (!rc)
        rc = parse_root(r, root, out, err);
    json_decref(root);
    return rc;
}

void hub_body_free(const hub_route *r, hub_body *b)
{
    if (r->kind == HUB_ROUTE_APPOINTMENTS) {
        free(b->u.appts.items);
        b->u.appts.items = NULL;
        b->u.appts.n = 0;
    }
}
