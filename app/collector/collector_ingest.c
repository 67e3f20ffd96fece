#include "borne/collector_ingest.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector_json.h"

struct collector_batch {
    char antenne[COLLECTOR_ID_MAX + 1];
    char id[COLLECTOR_UUID_LEN + 1];
    int64_t sent_at;
    size_t n_buckets;
    struct collector_bucket *buckets;
    bool has_health;
    struct collector_health health;
};

static const char *const public_types[] = {"", "particulier", "entreprise", "association", "collectivite"};

enum collector_ingest_status collector_ingest_fail(struct collector_ingest_error *err,
                                                   enum collector_ingest_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    err->status = st;
    return st;
}

int collector_ingest_http_status(enum collector_ingest_status status)
{
    switch (status) {
    case COLLECTOR_INGEST_OK: return 200;
    case COLLECTOR_INGEST_BAD_JSON:
    case COLLECTOR_INGEST_BAD_TYPE: return 400;
    case COLLECTOR_INGEST_MISMATCH: return 403;
    case COLLECTOR_INGEST_TOO_MANY: return 413;
    case COLLECTOR_INGEST_INVALID: return 422;
    case COLLECTOR_INGEST_NO_MEMORY: break;
    }
    return 500;
}

const char *collector_ingest_code(enum collector_ingest_status status)
{
    switch (status) {
    case COLLECTOR_INGEST_OK: return "ok";
    case COLLECTOR_INGEST_BAD_JSON: return "bad_json";
    case COLLECTOR_INGEST_BAD_TYPE: return "bad_type";
    case COLLECTOR_INGEST_MISMATCH: return "antenne_mismatch";
    case COLLECTOR_INGEST_TOO_MANY: return "too_many_buckets";
    case COLLECTOR_INGEST_INVALID: return "invalid";
    case COLLECTOR_INGEST_NO_MEMORY: break;
    }
    return "internal";
}

int collector_ingest_valid_id(const char *id)
{
    return contract_slug_valid(id, COLLECTOR_ID_MAX);
}

/* Civil-from-days inverse (proleptic Gregorian); pure arithmetic so it needs no TZ or libc state. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Parses exactly "YYYY-MM-DD" at s; INT64_MIN when not a real calendar date. */
static int64_t parse_date_prefix(const char *s)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = digits(s, 4), m, d;
    if (y < 0 || s[4] != '-' || (m = digits(s + 5, 2)) < 1 || m > 12 || s[7] != '-' ||
        (d = digits(s + 8, 2)) < 1)
        return INT64_MIN;
    if (d > mdays[m - 1] + (m == 2 && leap(y)))
        return INT64_MIN;
    return days_from_civil(y, m, d);
}

int64_t collector_ingest_parse_day(const char *day)
{
    if (strlen(day) != 10)
        return INT64_MIN;
    return parse_date_prefix(day);
}

int64_t collector_ingest_parse_time(const char *t, int utc_only)
{
    if (strlen(t) < 20)
        return -1;
    int64_t days = parse_date_prefix(t);
    int hh, mm, ss;
    if (days == INT64_MIN || (t[10] != 'T' && t[10] != 't') || (hh = digits(t + 11, 2)) < 0 || hh > 23 ||
        t[13] != ':' || (mm = digits(t + 14, 2)) < 0 || mm > 59 || t[16] != ':' ||
        (ss = digits(t + 17, 2)) < 0 || ss > 60)
        return -1;
    const char *p = t + 19;
    if (*p == '.') {
        p++;
        const char *f = p;
        while (*p >= '0' && *p <= '9')
            p++;
        if (p == f || p - f > 9)
            return -1;
    }
    int64_t offset = 0;
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
        offset = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh = digits(p + 1, 2), om = digits(p + 4, 2);
        if (oh < 0 || oh > 23 || om < 0 || om > 59)
            return -1;
        offset = (*p == '+' ? 1 : -1) * (int64_t)(oh * 3600 + om * 60);
        if (utc_only && offset != 0)
            return -1;
    } else {
        return -1;
    }
    return days * 86400 + hh * 3600 + mm * 60 + ss - offset;
}

static bool valid_uuid(const char *s)
{
    if (strlen(s) != COLLECTOR_UUID_LEN)
        return false;
    for (int i = 0; i < COLLECTOR_UUID_LEN; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        char c = s[i];
        bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (dash ? c != '-' : !hex)
            return false;
    }
    return true;
}

/* The parse walks a tree with a "where" path for messages, e.g. buckets[3].wait.p90_s. */
struct ctx {
    struct collector_ingest_error *err;
    char where[64];
};

/* Appends a then b to the path (cut as snprintf would cut it) and returns its length before: every bucket
 * extends it four times, so without printf's cost. */
static size_t where_add(struct ctx *c, const char *a, const char *b)
{
    size_t before = strlen(c->where), len = before;
    for (const char *parts[] = {a, b}, **p = parts; p < parts + 2; p++) {
        size_t n = strnlen(*p, sizeof c->where - 1 - len);
        memcpy(c->where + len, *p, n);
        len += n;
    }
    c->where[len] = '\0';
    return before;
}

static enum collector_ingest_status get_int(struct ctx *c, struct cj_value *obj, const char *key, int64_t min,
                                            int64_t max, int64_t *out)
{
    struct cj_value *v = cj_get(obj, key);
    if (!v)
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_BAD_TYPE, "%s%s: missing", c->where, key);
    if (!cj_is(v, CJ_INT))
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_BAD_TYPE, "%s%s: expected an integer", c->where, key);
    int64_t n = v->u.i;
    if (n < min || n > max)
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_INVALID, "%s%s: %lld is out of range %lld..%lld",
                                     c->where, key, (long long)n, (long long)min, (long long)max);
    *out = n;
    return COLLECTOR_INGEST_OK;
}

static enum collector_ingest_status get_count(struct ctx *c, struct cj_value *obj, const char *key, int64_t *out)
{
    return get_int(c, obj, key, 0, COLLECTOR_COUNT_MAX, out);
}

static enum collector_ingest_status get_str(struct ctx *c, struct cj_value *obj, const char *key, const char **out)
{
    struct cj_value *v = cj_get(obj, key);
    if (!v)
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_BAD_TYPE, "%s%s: missing", c->where, key);
    if (!cj_is(v, CJ_STRING))
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_BAD_TYPE, "%s%s: expected a string", c->where, key);
    *out = v->u.s;
    return COLLECTOR_INGEST_OK;
}

static enum collector_ingest_status get_object(struct ctx *c, struct cj_value *obj, const char *key, struct cj_value **out)
{
    struct cj_value *v = cj_get(obj, key);
    if (!v)
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_BAD_TYPE, "%s%s: missing", c->where, key);
    if (!cj_is(v, CJ_OBJECT))
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_BAD_TYPE, "%s%s: expected an object", c->where, key);
    *out = v;
    return COLLECTOR_INGEST_OK;
}

#define TRY(expr)                                                                                            \
    do {                                                                                                     \
        enum collector_ingest_status st_ = (expr);                                                           \
        if (st_ != COLLECTOR_INGEST_OK)                                                                      \
            return st_;                                                                                      \
    } while (0)

static enum collector_ingest_status parse_stat(struct ctx *c, struct cj_value *bucket, const char *key,
                                               struct collector_stat *s)
{
    struct cj_value *o = NULL;
    TRY(get_object(c, bucket, key, &o));
    size_t len = where_add(c, key, ".");
    /* A wait or a service lasts at most a day (tickets expire at the end of theirs): with that
     * bound no sum the report makes of these can overflow. */
    TRY(get_count(c, o, "count", &s->count));
    TRY(get_int(c, o, "sum_s", 0, s->count * COLLECTOR_DURATION_MAX, &s->sum_s));
    TRY(get_int(c, o, "p50_s", 0, COLLECTOR_DURATION_MAX, &s->p50_s));
    TRY(get_int(c, o, "p90_s", 0, COLLECTOR_DURATION_MAX, &s->p90_s));
    if (s->p50_s > s->p90_s)
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_INVALID, "%sp50_s (%lld) is greater than p90_s (%lld)",
                                     c->where, (long long)s->p50_s, (long long)s->p90_s);
    if (s->count == 0 && (s->sum_s || s->p50_s || s->p90_s))
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_INVALID, "%scount is 0 but sum or percentiles are not",
                                     c->where);
    c->where[len] = '\0';
    return COLLECTOR_INGEST_OK;
}

static enum collector_ingest_status get_counts(struct ctx *c, struct cj_value *obj, const char *key, int64_t *out,
                                               size_t n)
{
    struct cj_value *a = cj_get(obj, key);
    if (!cj_is(a, CJ_ARRAY) || a->n != n)
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_BAD_TYPE, "%s%s: expected an array of %zu integers",
                                     c->where, key, n);
    struct cj_value *v = a->u.first;
    for (size_t k = 0; k < n; k++, v = v->next) {
        if (!cj_is(v, CJ_INT))
            return collector_ingest_fail(c->err, COLLECTOR_INGEST_BAD_TYPE, "%s%s[%zu]: expected an integer",
                                         c->where, key, k);
        int64_t x = v->u.i;
        if (x < 0 || x > COLLECTOR_COUNT_MAX)
            return collector_ingest_fail(c->err, COLLECTOR_INGEST_INVALID, "%s%s[%zu]: %lld is out of range",
                                         c->where, key, k, (long long)x);
        out[k] = x;
    }
    return COLLECTOR_INGEST_OK;
}

/* "partners": {"<id>": n, ...} → "id=n,id=n" (ids checked, so the text needs no escaping). */
static enum collector_ingest_status parse_partners(struct ctx *c, struct cj_value *jb, struct collector_bucket *b)
{
    struct cj_value *o = cj_get(jb, "partners");
    if (!cj_is(o, CJ_OBJECT))
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_BAD_TYPE, "%spartners: expected an object", c->where);
    if (o->n > CONTRACT_PARTNERS_MAX)
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_INVALID, "%spartners: %zu partners, at most %d",
                                     c->where, o->n, CONTRACT_PARTNERS_MAX);
    size_t len = 0;
    int64_t sum = 0;
    for (const struct cj_value *v = o->u.first; v; v = v->next) {
        const char *id = v->key;
        if (!contract_partner_id_valid(id))
            return collector_ingest_fail(c->err, COLLECTOR_INGEST_INVALID,
                                         "%spartners: \"%.40s\" is not a partner id [a-z0-9-]{1,32}", c->where, id);
        if (!cj_is(v, CJ_INT) || v->u.i < 0 || v->u.i > COLLECTOR_COUNT_MAX)
            return collector_ingest_fail(c->err, COLLECTOR_INGEST_INVALID, "%spartners.%s: expected a count",
                                         c->where, id);
        sum += v->u.i;
        len += (size_t)snprintf(b->partners + len, sizeof b->partners - len, "%s%s=%lld", len ? "," : "", id,
                                (long long)v->u.i);
    }
    if (sum > b->outcomes[CONTRACT_OUTCOME_PARTNER - 1])
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_INVALID,
                                     "%spartners: %lld referrals named, %lld referred in outcomes", c->where,
                                     (long long)sum, (long long)b->outcomes[CONTRACT_OUTCOME_PARTNER - 1]);
    return COLLECTOR_INGEST_OK;
}

static int64_t sum_of(const int64_t *v, int n)
{
    int64_t s = 0;
    for (int i = 0; i < n; i++)
        s += v[i];
    return s;
}

/* Contract 2's breakdowns must add up to the totals they break down. */
static enum collector_ingest_status check_v2_sums(struct ctx *c, const struct collector_bucket *b)
{
    int64_t partner = b->outcomes[CONTRACT_OUTCOME_PARTNER - 1];
    int64_t others = sum_of(b->outcomes, CONTRACT_OUTCOMES_N) - partner;
    if (partner != b->redirected || others != b->served)
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_INVALID,
                    "%soutcomes: partner %lld and the others %lld must equal redirected %lld and served %lld",
                    c->where, (long long)partner, (long long)others, (long long)b->redirected, (long long)b->served);
    if (sum_of(b->wait_bands, CONTRACT_WAIT_BANDS_N) != b->wait.count)
        return collector_ingest_fail(
            c->err, COLLECTOR_INGEST_INVALID, "%swait_bands: they add up to %lld, wait.count is %lld", c->where,
            (long long)sum_of(b->wait_bands, CONTRACT_WAIT_BANDS_N), (long long)b->wait.count);
    if (sum_of(b->feedback_reasons, CONTRACT_REASONS_N) >
        b->feedback[CONTRACT_WEATHER_PLUIE - 1] + b->feedback[CONTRACT_WEATHER_ORAGE - 1])
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_INVALID,
                                     "%sfeedback_reasons: more reasons than rain and storm ratings", c->where);
    return COLLECTOR_INGEST_OK;
}

static enum collector_ingest_status parse_bucket(struct ctx *c, struct cj_value *jb, int64_t tomorrow, int schema,
                                                 struct collector_bucket *b)
{
    if (!cj_is(jb, CJ_OBJECT))
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_BAD_TYPE, "%s: expected an object", c->where);
    size_t len = where_add(c, ".", "");

    const char *day, *service, *pub;
    TRY(get_str(c, jb, "day", &day));
    int64_t d = collector_ingest_parse_day(day);
    if (d == INT64_MIN)
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_INVALID, "%sday: \"%.16s\" is not a YYYY-MM-DD date",
                                     c->where, day);
    if (d > tomorrow)
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_INVALID, "%sday: %s is after tomorrow", c->where, day);
    if (d < days_from_civil(2000, 1, 1))
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_INVALID, "%sday: %s is before 2000", c->where, day);
    memcpy(b->day, day, 11);

    int64_t hour;
    TRY(get_int(c, jb, "hour", 0, 23, &hour));
    b->hour = (int)hour;

    TRY(get_str(c, jb, "service", &service));
    /* "" is the bucket of feedback given without naming a service. */
    if (!(service[0] == '\0' || (service[0] >= 'A' && service[0] <= 'Z' && service[1] == '\0')))
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_INVALID,
                                     "%sservice: \"%.8s\" is not one capital letter A-Z or \"\"", c->where, service);
    b->service[0] = service[0];
    b->service[1] = '\0';

    TRY(get_str(c, jb, "public", &pub));
    size_t np = sizeof public_types / sizeof public_types[0], i;
    for (i = 0; i < np && strcmp(pub, public_types[i]) != 0; i++)
        ;
    if (i == np)
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_INVALID,
                                     "%spublic: \"%.20s\" is not a known public type", c->where, pub);
    snprintf(b->public_type, sizeof b->public_type, "%s", pub);

    TRY(get_int(c, jb, "revision", 1, COLLECTOR_REVISION_MAX, &b->revision));
    b->schema = schema;
    /* A field of a later schema than the batch's is unknown: it stays 0 and is not read. */
#define GET_COUNT_(name, since)                                                                    \
    if (schema >= (since))                                                                         \
        TRY(get_count(c, jb, #name, &b->name));
    CONTRACT_BUCKET_COUNTS(GET_COUNT_)
    TRY(parse_stat(c, jb, "wait", &b->wait));
    TRY(parse_stat(c, jb, "service_time", &b->service_time));
#define GET_ARRAY_(name, since, n, col)                                                            \
    if (schema >= (since))                                                                         \
        TRY(get_counts(c, jb, #name, b->name, n));
    CONTRACT_BUCKET_ARRAYS(GET_ARRAY_)
    if (schema >= 2) {
        TRY(parse_partners(c, jb, b));
        TRY(check_v2_sums(c, b));
    }
    if (!b->service[0] && (b->issued || b->called || b->served || b->redirected || b->no_show || b->cancelled ||
                           b->expired || b->transferred || b->appointments_checked_in || b->wait.count ||
                           b->service_time.count))
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_INVALID,
                    "%sservice: \"\" is for feedback and contacts alone; tickets have a service",
                    c->where);
    c->where[len] = '\0';
    return COLLECTOR_INGEST_OK;
}

int collector_ingest_printer_word(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= 'a' && s[n] <= 'z') || s[n] == '_') || n >= 32)
            return false;
    return n > 0;
}

static enum collector_ingest_status parse_health(struct ctx *c, struct cj_value *h, struct collector_health *out)
{
    snprintf(c->where, sizeof c->where, "health.");
    const char *version, *printer;
    TRY(get_str(c, h, "version", &version));
    if (strlen(version) == 0 || strlen(version) >= sizeof out->version)
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_INVALID, "health.version: 1 to 32 characters expected");
    for (const char *p = version; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
            return collector_ingest_fail(c->err, COLLECTOR_INGEST_INVALID,
                                         "health.version: printable ASCII expected");
    snprintf(out->version, sizeof out->version, "%s", version);
    TRY(get_count(c, h, "uptime_s", &out->uptime_s));
    TRY(get_str(c, h, "printer", &printer));
    if (!collector_ingest_printer_word(printer))
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_INVALID,
                                     "health.printer: a lower-case word [a-z_]{1,32} expected");
    snprintf(out->printer, sizeof out->printer, "%s", printer);
    struct cj_value *lu = cj_get(h, "last_upload");
    if (!lu)
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_BAD_TYPE, "health.last_upload: missing");
    if (cj_is(lu, CJ_NULL)) {
        out->last_upload = -1;
    } else if (cj_is(lu, CJ_STRING)) {
        out->last_upload = collector_ingest_parse_time(lu->u.s, 0);
        if (out->last_upload < 0)
            return collector_ingest_fail(c->err, COLLECTOR_INGEST_INVALID, "health.last_upload: not an RFC3339 time");
    } else {
        return collector_ingest_fail(c->err, COLLECTOR_INGEST_BAD_TYPE,
                                     "health.last_upload: expected a string or null");
    }
    TRY(get_count(c, h, "queue_waiting", &out->queue_waiting));
    return COLLECTOR_INGEST_OK;
}

static enum collector_ingest_status parse_root(struct cj_value *root, const char *path_antenne, int64_t now,
                                               size_t max_buckets, struct collector_batch *b,
                                               struct collector_ingest_error *err)
{
    struct ctx c = {.err = err};
    if (!cj_is(root, CJ_OBJECT))
        return collector_ingest_fail(err, COLLECTOR_INGEST_BAD_TYPE, "the body must be a JSON object");

    int64_t schema;
    const char *antenne, *id, *sent_at;
    TRY(get_int(&c, root, "schema", INT64_MIN, INT64_MAX, &schema));
    if (schema > CONTRACT_SCHEMA)
        return collector_ingest_fail(err, COLLECTOR_INGEST_INVALID,
                    "schema: %lld is newer than this headquarters understands (%d..%d): upgrade the collector",
                    (long long)schema, CONTRACT_SCHEMA_MIN, CONTRACT_SCHEMA);
    if (schema < CONTRACT_SCHEMA_MIN)
        return collector_ingest_fail(err, COLLECTOR_INGEST_INVALID, "schema: %lld is not a contract version (%d..%d)",
                    (long long)schema, CONTRACT_SCHEMA_MIN, CONTRACT_SCHEMA);
    TRY(get_str(&c, root, "antenne", &antenne));
    if (strcmp(antenne, path_antenne) != 0)
        return collector_ingest_fail(err, COLLECTOR_INGEST_MISMATCH,
                                     "antenne: \"%.64s\" does not match the path antenne \"%.64s\"", antenne,
                                     path_antenne);
    snprintf(b->antenne, sizeof b->antenne, "%s", antenne);
    TRY(get_str(&c, root, "batch", &id));
    if (!valid_uuid(id))
        return collector_ingest_fail(err, COLLECTOR_INGEST_INVALID, "batch: \"%.40s\" is not a UUID", id);
    snprintf(b->id, sizeof b->id, "%s", id);
    TRY(get_str(&c, root, "sent_at", &sent_at));
    b->sent_at = collector_ingest_parse_time(sent_at, 1);
    if (b->sent_at < 0)
        return collector_ingest_fail(err, COLLECTOR_INGEST_INVALID, "sent_at: \"%.40s\" is not an RFC3339 UTC time",
                                     sent_at);
    /* A board whose clock runs ahead must not date its health into the future: the store keeps
     * the latest sent_at, so no later report would ever replace it. */
    if (b->sent_at > now + COLLECTOR_SENT_AT_AHEAD_MAX)
        b->sent_at = now;

    struct cj_value *buckets = cj_get(root, "buckets");
    if (!cj_is(buckets, CJ_ARRAY))
        return collector_ingest_fail(err, COLLECTOR_INGEST_BAD_TYPE, "buckets: expected an array");
    size_t n = buckets->n;
    if (n > max_buckets)
        return collector_ingest_fail(err, COLLECTOR_INGEST_TOO_MANY, "buckets: %zu buckets, at most %zu per batch", n,
                                     max_buckets);
    if (n) {
        b->buckets = calloc(n, sizeof *b->buckets);
        if (!b->buckets)
            return collector_ingest_fail(err, COLLECTOR_INGEST_NO_MEMORY, "out of memory");
    }
    int64_t tomorrow = (now >= 0 ? now / 86400 : (now - 86399) / 86400) + 1;
    struct cj_value *jb = buckets->u.first;
    for (size_t i = 0; i < n; i++, jb = jb->next) {
        char index[24];
        size_t k = sizeof index - 1;
        index[k] = '\0';
        index[--k] = ']';
        size_t v = i;
        do {
            index[--k] = (char)('0' + v % 10);
            v /= 10;
        } while (v);
        c.where[0] = '\0';
        where_add(&c, "buckets[", index + k);
        TRY(parse_bucket(&c, jb, tomorrow, (int)schema, &b->buckets[i]));
        b->n_buckets = i + 1;
    }

    struct cj_value *health = cj_get(root, "health");
    if (health && !cj_is(health, CJ_NULL)) {
        if (!cj_is(health, CJ_OBJECT))
            return collector_ingest_fail(err, COLLECTOR_INGEST_BAD_TYPE, "health: expected an object");
        TRY(parse_health(&c, health, &b->health));
        b->has_health = true;
    }
    return COLLECTOR_INGEST_OK;
}

enum collector_ingest_status collector_ingest_parse(const char *body, size_t len, const char *path_antenne,
                                                    int64_t now, size_t max_buckets,
                                                    struct collector_batch **out,
                                                    struct collector_ingest_error *err)
{
    *out = NULL;
    err->status = COLLECTOR_INGEST_OK;
    err->message[0] = '\0';

    struct cj_error jerr;
    struct cj_value *root;
    /* Duplicate keys are refused (cj_parse): two "revision" members would make the bucket ambiguous. */
    struct cj_doc *doc = cj_parse(body, len, &root, &jerr);
    if (!doc)
        return collector_ingest_fail(err, COLLECTOR_INGEST_BAD_JSON, "line %d column %d: %s", jerr.line, jerr.column,
                                     jerr.text);

    struct collector_batch *b = calloc(1, sizeof *b);
    enum collector_ingest_status st = b ? parse_root(root, path_antenne, now, max_buckets, b, err)
                                        : collector_ingest_fail(err, COLLECTOR_INGEST_NO_MEMORY, "out of memory");
    cj_free(doc);
    if (st != COLLECTOR_INGEST_OK) {
        collector_batch_free(b);
        return st;
    }
    *out = b;
    return COLLECTOR_INGEST_OK;
}

void collector_batch_free(struct collector_batch *batch)
{
    if (!batch)
        return;
    free(batch->buckets);
    free(batch);
}

const char *collector_batch_antenne(const struct collector_batch *batch)
{
    return batch->antenne;
}

const char *collector_batch_id(const struct collector_batch *batch)
{
    return batch->id;
}

int64_t collector_batch_sent_at(const struct collector_batch *batch)
{
    return batch->sent_at;
}

size_t collector_batch_bucket_count(const struct collector_batch *batch)
{
    return batch->n_buckets;
}

const struct collector_bucket *collector_batch_bucket(const struct collector_batch *batch, size_t i)
{
    return &batch->buckets[i];
}

const struct collector_health *collector_batch_health(const struct collector_batch *batch)
{
    return batch->has_health ? &batch->health : NULL;
}
