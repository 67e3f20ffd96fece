/* Safety alarm documents (include/borne/alarm_json.h). */
#include "borne/alarm_json.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>

json_t *alarm_json(const queue_alarm *a, bool desk_view)
{
    json_t *acks = json_array();
    for (int i = 0; acks && i < a->n_acks; i++)
        json_array_append_new(acks, json_pack("{s:s, s:s, s:s, s:I}",
                                              "kind", queue_alarm_ack_name(a->acks[i].kind),
                                              "who", a->acks[i].who,
                                              "antenne", a->acks[i].antenne,
                                              "at", (json_int_t)a->acks[i].at));
    json_t *doc = json_pack("{s:s, s:s, s:s, s:i, s:s, s:I, s:b, s:i, s:I, s:s, s:s, s:o*}",
                            "uid", a->uid, "antenne", a->antenne, "antenne_name", a->antenne_name,
                            "counter", a->counter_id, "desk", a->desk,
                            "raised_at", (json_int_t)a->raised_at, "test", a->test,
                            "escalations", a->escalations, "cleared_at", (json_int_t)a->cleared_at,
                            "cleared_by", a->cleared_by, "clear_reason", a->clear_reason,
                            "acks", acks);
    if (doc && desk_view) {
        json_object_set_new(doc, "id", json_integer(a->id));
        json_object_set_new(doc, "remote", json_boolean(a->remote));
        json_object_set_new(doc, "relay", json_string(queue_alarm_relay_name(a->relay)));
    }
    return doc;
}

static bool id_chars(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n >= max)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-", s[i]))
            return false;
    return true;
}

/* Copies a string field of at most cap - 1 bytes (jansson already checked the UTF-8). */
static int text(json_t *o, const char *key, bool required, char *dst, size_t cap, bool id,
                char *errbuf, size_t errlen)
{
    json_t *v = json_object_get(o, key);
    if (!v && !required) {
        dst[0] = '\0';
        return 0;
    }
    const char *s = json_string_value(v);
    if (!s || strlen(s) >= cap || (id && !id_chars(s, cap)) || (required && !s[0])) {
        snprintf(errbuf, errlen, "alarm: \"%s\" must be %s of at most %zu bytes", key,
                 id ? "[A-Za-z0-9._:-]" : "text", cap - 1);
        return -1;
    }
    memcpy(dst, s, strlen(s) + 1);
    return 0;
}

static int integer(json_t *o, const char *key, bool required, long long min, long long max,
                   long long *out, char *errbuf, size_t errlen)
{
    json_t *v = json_object_get(o, key);
    *out = 0;
    if (!v && !required)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        snprintf(errbuf, errlen, "alarm: \"%s\" must be an integer from %lld to %lld", key, min,
                 max);
        return -1;
    }
    *out = json_integer_value(v);
    return 0;
}

#define TIME_MAX 253402300799LL   /* 9999-12-31 */

int alarm_json_parse(json_t *doc, queue_alarm *out, char *errbuf, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!json_is_object(doc)) {
        snprintf(errbuf, errlen, "alarm: expected a JSON object");
        return -1;
    }
    long long counter, raised, escal, cleared;
    if (text(doc, "uid", true, out->uid, sizeof out->uid, true, errbuf, errlen) ||
        text(doc, "antenne", true, out->antenne, sizeof out->antenne, true, errbuf, errlen) ||
        text(doc, "antenne_name", false, out->antenne_name, sizeof out->antenne_name, false, errbuf, errlen) ||
        text(doc, "desk", true, out->desk, sizeof out->desk, false, errbuf, errlen) ||
        text(doc, "cleared_by", false, out->cleared_by, sizeof out->cleared_by, false, errbuf, errlen) ||
        text(doc, "clear_reason", false, out->clear_reason, sizeof out->clear_reason, false, errbuf, errlen) ||
        integer(doc, "counter", true, 1, 9999, &counter, errbuf, errlen) ||
        integer(doc, "raised_at", true, 1, TIME_MAX, &raised, errbuf, errlen) ||
        integer(doc, "escalations", false, 0, 1000000, &escal, errbuf, errlen) ||
        integer(doc, "cleared_at", false, 0, TIME_MAX, &cleared, errbuf, errlen))
        return -1;
    json_t *test = json_object_get(doc, "test");
    if (test && !json_is_boolean(test)) {
        snprintf(errbuf, errlen, "alarm: \"test\" must be true or false");
        return -1;
    }
    if (cleared && (!out->cleared_by[0] || !out->clear_reason[0])) {
        snprintf(errbuf, errlen, "alarm: a cleared alarm names who cleared it and why");
        return -1;
    }
    out->counter_id = (int)counter;
    out->raised_at = raised;
    out->escalations = (int)escal;
    out->cleared_at = cleared;
    out->test = json_is_true(test);
    json_t *acks = json_object_get(doc, "acks");
    if (acks && (!json_is_array(acks) || json_array_size(acks) > QUEUE_ALARM_ACKS_MAX)) {
        snprintf(errbuf, errlen, "alarm: \"acks\" must be an array of at most %d",
                 QUEUE_ALARM_ACKS_MAX);
        return -1;
    }
    size_t i;
    json_t *k;
    json_array_foreach(acks, i, k) {
        queue_alarm_ack *ack = &out->acks[i];
        int kind = queue_alarm_ack_from_name(json_string_value(json_object_get(k, "kind")));
        long long at;
        if (kind < 0) {
            snprintf(errbuf, errlen, "alarm: acknowledgement %zu: \"kind\" must be vu, appelle or"
                     " arrive", i);
            return -1;
        }
        if (text(k, "who", true, ack->who, sizeof ack->who, false, errbuf, errlen) ||
            text(k, "antenne", true, ack->antenne, sizeof ack->antenne, true, errbuf, errlen) ||
            integer(k, "at", true, 1, TIME_MAX, &at, errbuf, errlen))
            return -1;
        ack->kind = (queue_alarm_ack_kind)kind;
        ack->at = at;
        out->n_acks++;
    }
    return 0;
}

int alarm_uid_new(const char *antenne, char out[QUEUE_ALARM_UID_MAX])
{
    uint64_t rnd;
    if (getrandom(&rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
        return -1;
    snprintf(out, QUEUE_ALARM_UID_MAX, "%.40s.%016llx", antenne, (unsigned long long)rnd);
    return 0;
}
