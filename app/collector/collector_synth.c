#include "borne/collector_synth.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char services[COLLECTOR_SYNTH_SERVICES] = {'A', 'F', 'O', 'E', 'I', 'R'};
/* Share of visitors per service, and how long each takes at the desk (seconds). */
static const double service_share[COLLECTOR_SYNTH_SERVICES] = {0.30, 0.22, 0.14, 0.08, 0.16, 0.10};
static const int service_minutes[COLLECTOR_SYNTH_SERVICES] = {14, 22, 18, 25, 6, 30};

static uint32_t mix(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

/* Uniform in [0, 1) from a key. */
static double unit(uint32_t seed, int64_t day, int hour, int k)
{
    uint32_t h = mix(seed ^ mix((uint32_t)day * 2654435761U ^ (uint32_t)(hour * 97 + k * 7919)));
    return (double)(h >> 8) / 16777216.0;
}

static void civil(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

void collector_synth_day_text(int64_t day, char out[11])
{
    int y, m, d;
    civil(day, &y, &m, &d);
    char tmp[40]; /* wide enough for any int, so the compiler can prove no truncation */
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y % 10000, m, d);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

void collector_synth_time_text(int64_t t, char out[21])
{
    int64_t day = (t >= 0 ? t : t - 86399) / 86400, s = t - day * 86400;
    char d[11];
    collector_synth_day_text(day, d);
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%.10sT%02d:%02d:%02dZ", d, (int)(s / 3600), (int)(s % 3600 / 60), (int)(s % 60));
    memcpy(out, tmp, 20);
    out[20] = '\0';
}

static const char *const partner_ids[4] = {"caf", "france-travail", "cpam", "mission-locale"};

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* One wait per called visitor around `mean` seconds: sum, nearest-rank percentiles and bands agree. */
static void waits(const struct collector_synth_site *site, int64_t day, int hour, int s, double mean,
                  struct collector_bucket *b)
{
    int64_t w[64];
    int64_t n = b->called < 64 ? b->called : 64;
    int64_t sum = 0;
    for (int64_t i = 0; i < b->called; i++) {
        double u = unit(site->seed, day, hour, s * 1000 + (int)i + 500);
        int64_t v = (int64_t)(mean * (0.2 + 1.9 * u * u));
        if (i < n)
            w[i] = v;
        sum += v;
        b->wait_bands[contract_band_of_wait(v) - 1]++;
    }
    qsort(w, (size_t)n, sizeof w[0], cmp_i64);
    b->wait = (struct collector_stat){sum, b->called, w[(n * 50 + 99) / 100 - 1], w[(n * 90 + 99) / 100 - 1]};
}

/* The service buckets of one open hour with `load` visitors expected; hour_load: how busy the hour is
 * (waits grow with it). */
static void fill_hour(const struct collector_synth_site *site, int64_t day, int hour, double load, double hour_load,
                      int64_t revision, struct collector_bucket *out)
{
    /* Each site has its own mood (how satisfied its visitors are) and pressure (how long they wait). */
    double mood = unit(site->seed, 0, 0, 1), pressure = 0.6 + unit(site->seed, 0, 0, 2) * 1.2;
    char day_text[11];
    collector_synth_day_text(day, day_text);
    for (int s = 0; s < COLLECTOR_SYNTH_SERVICES; s++) {
        struct collector_bucket *b = &out[s];
        memset(b, 0, sizeof *b);
        memcpy(b->day, day_text, sizeof b->day);
        b->hour = hour;
        b->service[0] = services[s];
        b->revision = revision;
        double r = unit(site->seed, day, hour, s + 10);
        b->issued = (int64_t)(load * service_share[s] * (0.6 + 0.8 * r) + 0.5);
        b->schema = CONTRACT_SCHEMA;
        b->no_show = b->issued >= 4 ? b->issued / 12 + (r > 0.7) : 0;
        b->cancelled = b->issued >= 6 && r > 0.8;
        b->called = b->issued - b->cancelled;
        int64_t done = b->called - b->no_show;
        b->redirected = done >= 5 && r < 0.15 ? 1 + done / 8 : 0;
        b->served = done - b->redirected;
        b->transferred = b->served >= 3 && r > 0.9;
        b->appointments_checked_in = services[s] == 'R' ? b->issued : 0;
        /* Outcomes: most answered on the spot, some helped online, a few sent on to an appointment. */
        b->outcomes[CONTRACT_OUTCOME_PARTNER - 1] = b->redirected;
        b->outcomes[CONTRACT_OUTCOME_ONLINE_HELP - 1] = b->served * (services[s] == 'E' ? 45 : 18) / 100;
        b->outcomes[CONTRACT_OUTCOME_APPOINTMENT - 1] = b->served / 9;
        b->outcomes[CONTRACT_OUTCOME_ANSWERED - 1] = b->served - b->outcomes[CONTRACT_OUTCOME_ONLINE_HELP - 1] -
                                                     b->outcomes[CONTRACT_OUTCOME_APPOINTMENT - 1];
        if (b->redirected)
            snprintf(b->partners, sizeof b->partners, "%s=%lld", partner_ids[(int)(r * 1000) % 4],
                     (long long)b->redirected);
        if (b->called > 0)
            waits(site, day, hour, s, 240.0 * pressure * hour_load * (0.7 + 0.6 * r), b);
        if (b->served > 0) {
            int64_t mean = service_minutes[s] * 60;
            b->service_time = (struct collector_stat){mean * b->served, b->served, mean * 9 / 10, mean * 16 / 10};
        }
        /* About a third of those served answer; the distribution leans with the site's mood. */
        int64_t answers = b->served / 3 + (r > 0.5 && b->served > 0);
        for (int64_t a = 0; a < answers; a++) {
            double u = unit(site->seed, day, hour, s * 100 + (int)a + 20) * 0.6 + mood * 0.9 - 0.25;
            int mood_level = u < 0.08 ? 0 : u < 0.2 ? 1 : u < 0.45 ? 2 : u < 0.8 ? 3 : 4;
            b->feedback[4 - mood_level]++;   /* index 0 = soleil: the best mood */
            /* Half of the rain and storm ratings give a reason; waiting is the usual one. */
            if (mood_level <= 1 && unit(site->seed, day, hour, s * 100 + (int)a + 50) < 0.5)
                b->feedback_reasons[(int)(unit(site->seed, day, hour, s * 100 + (int)a + 60) * 1.6 *
                                          CONTRACT_REASONS_N) % CONTRACT_REASONS_N]++;
        }
    }
}

static int weekday(int64_t day)
{
    return (int)(((day + 3) % 7 + 7) % 7); /* Monday = 0 */
}

size_t collector_synth_hour(const struct collector_synth_site *site, int64_t day, int hour, int64_t revision,
                            struct collector_bucket *out, size_t max)
{
    int dow = weekday(day);
    if (dow >= 5 || hour < 9 || hour == 12 || hour >= 17 || max < COLLECTOR_SYNTH_SERVICES)
        return 0;
    /* Mornings and Monday are busier: the usual shape of a walk-in office. */
    static const double hour_load[24] = {[9] = 1.0, [10] = 1.35, [11] = 1.15, [13] = 0.8, [14] = 1.1,
                                         [15] = 1.0, [16] = 0.7};
    double load = site->weight * hour_load[hour] * (dow == 0 ? 1.3 : dow == 4 ? 0.8 : 1.0) * 9.0;
    fill_hour(site, day, hour, load, hour_load[hour], revision, out);
    return COLLECTOR_SYNTH_SERVICES;
}

/* Days since 1970-01-01 of a civil date. */
static int64_t day_of(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400, doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* French public holidays: the fixed ones and Easter Monday, Ascension and Whit Monday (Easter by the
 * anonymous Gregorian computus). */
static bool holiday(int64_t day)
{
    int y, m, d;
    civil(day, &y, &m, &d);
    static const int fixed[][2] = {{1, 1}, {5, 1}, {5, 8}, {7, 14}, {8, 15}, {11, 1}, {11, 11}, {12, 25}};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (m == fixed[i][0] && d == fixed[i][1])
            return true;
    int a = y % 19, b = y / 100, c = y % 100, e = (b - b / 4 - (b - (8 * b + 13) / 25 + 1) / 3 + 19 * a + 15) % 30;
    int l = (32 + 2 * (b % 4) + 2 * (c / 4) - e - c % 4) % 7, k = (a + 11 * e + 22 * l) / 451;
    int month = (e + l - 7 * k + 114) / 31, dom = (e + l - 7 * k + 114) % 31 + 1;
    int64_t easter = day_of(y, month, dom);
    return day == easter + 1 || day == easter + 39 || day == easter + 50;
}

size_t collector_synth_day(const struct collector_synth_site *site, int64_t day, int64_t revision,
                           struct collector_bucket *out, size_t max)
{
    int dow = weekday(day), y, m, d;
    if (dow >= 5 || holiday(day) || max < COLLECTOR_SYNTH_DAY_MAX)
        return 0;
    civil(day, &y, &m, &d);
    /* A summer dip (August the quietest), peaks at the start of the school year and in January
     * (benefits renewed, taxes); Monday and Tuesday mornings the busiest. */
    static const double month_load[12] = {1.2, 1.05, 1.0, 0.95, 0.85, 0.95, 0.7, 0.45, 1.3, 1.1, 1.0, 0.8};
    static const double day_load[5] = {1.3, 1.2, 0.95, 1.0, 0.75};
    static const double hour_load[24] = {[9] = 1.05, [10] = 1.45, [11] = 1.25, [13] = 0.65, [14] = 0.95,
                                         [15] = 0.9, [16] = 0.6};
    char day_text[11];
    collector_synth_day_text(day, day_text);
    size_t n = 0;
    for (int hour = 0; hour < 24; hour++) {
        if (hour_load[hour] == 0)
            continue;
        double load = site->weight * month_load[m - 1] * day_load[dow] * hour_load[hour] * 6.0;
        fill_hour(site, day, hour, load, hour_load[hour], revision, out + n);
        n += COLLECTOR_SYNTH_SERVICES;
        /* Contacts by phone and e-mail, counted at the desks in the bucket of no service. */
        struct collector_bucket *c = &out[n++];
        memset(c, 0, sizeof *c);
        memcpy(c->day, day_text, sizeof c->day);
        c->hour = hour;
        c->revision = revision;
        c->schema = CONTRACT_SCHEMA;
        double r = unit(site->seed, day, hour, 90);
        c->channels[CONTRACT_CHANNEL_PHONE - 1] = (int64_t)(load * 0.18 * (0.5 + r) + 0.5);
        c->channels[CONTRACT_CHANNEL_EMAIL - 1] = (int64_t)(load * 0.06 * (1.5 - r) + 0.5);
    }
    return n;
}

void collector_synth_health(const struct collector_synth_site *site, int64_t now, struct collector_health *out)
{
    static const char *const states[] = {"ready", "ready", "ready", "ready", "ready", "ready", "near_end",
                                         "ready", "paper_out", "ready", "ready", "cover_open"};
    memset(out, 0, sizeof *out);
    snprintf(out->version, sizeof out->version, "0.1.0");
    uint32_t h = mix(site->seed);
    out->uptime_s = 3600 * (int64_t)(1 + h % 200);
    snprintf(out->printer, sizeof out->printer, "%s", states[h % (sizeof states / sizeof states[0])]);
    out->last_upload = now - 60 - (int64_t)(h % 600);
    out->queue_waiting = (int64_t)(mix(h) % 9);
}

void collector_synth_uuid(uint64_t a, uint64_t b, char out[COLLECTOR_UUID_LEN + 1])
{
    uint32_t w[4] = {mix((uint32_t)a ^ 0x9e3779b9U), mix((uint32_t)(a >> 32) ^ mix((uint32_t)b)),
                     mix((uint32_t)b ^ 0x85ebca6bU), mix((uint32_t)(b >> 32) ^ (uint32_t)a)};
    snprintf(out, COLLECTOR_UUID_LEN + 1, "%08x-%04x-4%03x-%04x-%04x%08x", w[0], w[1] >> 16, w[1] & 0xfff,
             (w[2] >> 16 & 0x3fff) | 0x8000, w[2] & 0xffff, w[3]);
}

static json_t *stat_json(const struct collector_stat *s)
{
    return json_pack("{s:I, s:I, s:I, s:I}", "sum_s", (json_int_t)s->sum_s, "count", (json_int_t)s->count, "p50_s",
                     (json_int_t)s->p50_s, "p90_s", (json_int_t)s->p90_s);
}

static json_t *counts_json(const int64_t *v, int n)
{
    json_t *a = json_array();
    for (int i = 0; a && i < n; i++)
        if (json_array_append_new(a, json_integer((json_int_t)v[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

/* "caf=3,msa=1" → {"caf": 3, "msa": 1} */
static json_t *partners_json(const char *text)
{
    json_t *o = json_object();
    char id[CONTRACT_PARTNER_ID_MAX + 1];
    long long n;
    int used;
    while (o && *text && sscanf(text, "%32[a-z0-9-]=%lld%n", id, &n, &used) == 2) {
        if (json_object_set_new(o, id, json_integer(n)) != 0) {
            json_decref(o);
            return NULL;
        }
        text += used + (text[used] == ',');
    }
    return o;
}

/* The bucket as a board of contract `schema` would send it. */
static json_t *bucket_json(const struct collector_bucket *b, int schema)
{
    json_t *o = json_pack("{s:s, s:i, s:s, s:s, s:I}", "day", b->day, "hour", b->hour, "service", b->service,
                          "public", b->public_type, "revision", (json_int_t)b->revision);
    bool ok = o && json_object_set_new(o, "wait", stat_json(&b->wait)) == 0 &&
              json_object_set_new(o, "service_time", stat_json(&b->service_time)) == 0;
#define PUT_COUNT_(name, since)                                                                                   \
    if (schema >= (since))                                                                                        \
        ok = ok && json_object_set_new(o, #name, json_integer((json_int_t)b->name)) == 0;
    CONTRACT_BUCKET_COUNTS(PUT_COUNT_)
#define PUT_ARRAY_(name, since, n, col)                                                                           \
    if (schema >= (since))                                                                                        \
        ok = ok && json_object_set_new(o, #name, counts_json(b->name, n)) == 0;
    CONTRACT_BUCKET_ARRAYS(PUT_ARRAY_)
    if (schema >= 2)
        ok = ok && json_object_set_new(o, "partners", partners_json(b->partners)) == 0;
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

char *collector_synth_body(const char *antenne, const char *uuid, int64_t sent_at,
                           const struct collector_bucket *buckets, size_t n, const struct collector_health *health)
{
    return collector_synth_body_schema(CONTRACT_SCHEMA, antenne, uuid, sent_at, buckets, n, health);
}

char *collector_synth_body_schema(int schema, const char *antenne, const char *uuid, int64_t sent_at,
                                  const struct collector_bucket *buckets, size_t n,
                                  const struct collector_health *health)
{
    char sent[21];
    collector_synth_time_text(sent_at, sent);
    json_t *arr = json_array();
    json_t *root = json_pack("{s:i, s:s, s:s, s:s}", "schema", schema, "antenne", antenne, "batch", uuid,
                             "sent_at", sent);
    char *text = NULL;
    if (!arr || !root)
        goto end;
    for (size_t i = 0; i < n; i++)
        if (json_array_append_new(arr, bucket_json(&buckets[i], schema)) != 0)
            goto end;
    if (json_object_set(root, "buckets", arr) != 0)
        goto end;
    if (health) {
        char last[21];
        collector_synth_time_text(health->last_upload, last);
        json_t *h = json_pack("{s:s, s:I, s:s, s:o, s:I}", "version", health->version, "uptime_s",
                              (json_int_t)health->uptime_s, "printer", health->printer, "last_upload",
                              health->last_upload < 0 ? json_null() : json_string(last), "queue_waiting",
                              (json_int_t)health->queue_waiting);
        if (json_object_set_new(root, "health", h) != 0)
            goto end;
    }
    text = json_dumps(root, JSON_COMPACT);
end:
    json_decref(arr);
    json_decref(root);
    return text;
}
