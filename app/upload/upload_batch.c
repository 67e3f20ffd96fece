/* Upload batches: encoding of engine buckets and of the batch envelope (see upload_batch.h). */
#include "borne/upload_batch.h"

#include <stdbool.h>

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct upload_buckets {
    json_t *array;
    int64_t max_revision;
};

upload_buckets *upload_buckets_new(void)
{
    upload_buckets *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->array = json_array();
    if (!b->array) {
        free(b);
        return NULL;
    }
    return b;
}

void upload_buckets_free(upload_buckets *b)
{
    if (!b)
        return;
    json_decref(b->array);
    free(b);
}

static int valid_day(const char *d)
{
    static const char shape[] = "dddd-dd-dd";
    for (int i = 0; i < 10; i++) {
        if (shape[i] == 'd' ? (d[i] < '0' || d[i] > '9') : d[i] != shape[i])
            return 0;
    }
    return d[10] == '\0';
}

static int valid_bucket(const queue_bucket *q)
{
    /* Service 0 is feedback given without naming a service and contacts by another channel:
     * sent as "", tickets never are. */
    bool no_service = q->service == '\0';
    if (!valid_day(q->day) || q->hour < 0 || q->hour > 23 ||
        (!no_service && (q->service < 'A' || q->service > 'Z')))
        return 0;
    if ((int)q->public_type < 0 || q->public_type >= QUEUE_PUBLIC_COUNT || q->revision <= 0 ||
        q->wait_sum_s < 0 || q->service_sum_s < 0 || q->n_partners < 0 ||
        q->n_partners > CONTRACT_PARTNERS_MAX)
        return 0;
    int ticket_counts = q->wait_count | q->service_count;
#define CHECK_COUNT_(name, since)                                                                  \
    if (q->name < 0)                                                                               \
        return 0;                                                                                  \
    ticket_counts |= q->name;
    CONTRACT_BUCKET_COUNTS(CHECK_COUNT_)
#define CHECK_ARRAY_(name, since, n, col)                                                          \
    for (int i = 0; i < (n); i++)                                                                  \
        if (q->name[i] < 0)                                                                        \
            return 0;
    CONTRACT_BUCKET_ARRAYS(CHECK_ARRAY_)
    const int stats[] = {q->wait_count, q->wait_p50_s, q->wait_p90_s, q->service_count, q->service_p50_s,
                         q->service_p90_s};
    for (size_t i = 0; i < sizeof stats / sizeof stats[0]; i++)
        if (stats[i] < 0)
            return 0;
    for (int i = 0; i < q->n_partners; i++)
        if (!contract_partner_id_valid(q->partners[i].id) || q->partners[i].n < 0)
            return 0;
    return !(no_service && ticket_counts);
}

static json_t *stat_json(int64_t sum, int count, int p50, int p90)
{
    return json_pack("{s:I, s:i, s:i, s:i}", "sum_s", (json_int_t)sum, "count", count, "p50_s", p50,
                     "p90_s", p90);
}

static json_t *int_array(const int *v, int n)
{
    json_t *a = json_array();
    for (int i = 0; a && i < n; i++)
        if (json_array_append_new(a, json_integer(v[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

int upload_buckets_add(upload_buckets *b, const queue_bucket *q)
{
    if (!valid_bucket(q))
        return -EINVAL;
    const char service[2] = { q->service, '\0' };
    /* The members come from the contract's lists (borne/contract.h) and nothing else: a field
     * of queue_bucket outside them never leaves the board by accident. */
    json_t *o = json_pack("{s:s, s:i, s:s, s:s, s:I, s:o, s:o}", "day", q->day, "hour", q->hour, "service",
                          service, "public", queue_public_name(q->public_type), "revision",
                          (json_int_t)q->revision, "wait",
                          stat_json(q->wait_sum_s, q->wait_count, q->wait_p50_s, q->wait_p90_s),
                          "service_time",
                          stat_json(q->service_sum_s, q->service_count, q->service_p50_s, q->service_p90_s));
    json_t *partners = json_object();
    /* o owns partners from here (set_new releases it on failure too). */
    bool ok = json_object_set_new(o, "partners", partners) == 0;
#define PUT_COUNT_(name, since) ok = ok && json_object_set_new(o, #name, json_integer(q->name)) == 0;
    CONTRACT_BUCKET_COUNTS(PUT_COUNT_)
#define PUT_ARRAY_(name, since, n, col) ok = ok && json_object_set_new(o, #name, int_array(q->name, n)) == 0;
    CONTRACT_BUCKET_ARRAYS(PUT_ARRAY_)
    for (int i = 0; ok && i < q->n_partners; i++)
        ok = json_object_set_new(partners, q->partners[i].id, json_integer(q->partners[i].n)) == 0;
    if (!ok || json_array_append_new(b->array, o) != 0) {
        if (!ok)
            json_decref(o);
        return -ENOMEM;
    }
    if (q->revision > b->max_revision)
        b->max_revision = q->revision;
    return 0;
}

size_t upload_buckets_count(const upload_buckets *b)
{
    return json_array_size(b->array);
}

int64_t upload_buckets_max_revision(const upload_buckets *b)
{
    return b->max_revision;
}

char *upload_buckets_dump(const upload_buckets *b)
{
    return json_dumps(b->array, JSON_COMPACT);
}

void upload_buckets_clear(upload_buckets *b)
{
    json_array_clear(b->array);
    b->max_revision = 0;
}

int upload_format_time(int64_t unix_s, char out[UPLOAD_TIME_LEN + 1])
{
    /* Years 1970..9999 only, so the text always has the fixed RFC 3339 width. */
    if (unix_s < 0 || unix_s > 253402300799LL)
        return -EINVAL;
    time_t t = (time_t)unix_s;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(out, UPLOAD_TIME_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", &tm) != UPLOAD_TIME_LEN)
        return -EINVAL;
    return 0;
}

void upload_uuid_v4(uint64_t r1, uint64_t r2, char out[UPLOAD_UUID_LEN + 1])
{
    unsigned char u[16];
    for (int i = 0; i < 8; i++) {
        u[i] = (unsigned char)(r1 >> (56 - 8 * i));
        u[8 + i] = (unsigned char)(r2 >> (56 - 8 * i));
    }
    u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);   /* version 4 */
    u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);   /* RFC 4122 variant */
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[u[i] >> 4];
        out[o++] = hex[u[i] & 0x0f];
    }
    out[o] = '\0';
}

static json_t *health_json(const upload_health *h)
{
    char last[UPLOAD_TIME_LEN + 1];
    json_t *last_upload = h->last_upload > 0 && upload_format_time(h->last_upload, last) == 0
                              ? json_string(last)
                              : json_null();
    return json_pack("{s:s, s:I, s:s, s:o, s:i}", "version", h->version, "uptime_s",
                     (json_int_t)(h->uptime_s > 0 ? h->uptime_s : 0), "printer", h->printer,
                     "last_upload", last_upload, "queue_waiting",
                     h->queue_waiting > 0 ? h->queue_waiting : 0);
}

char *upload_batch_body(const char *antenne, const char *batch_uuid, int64_t sent_at,
                        const char *buckets_json, const upload_health *health,
                        char *errbuf, size_t errlen)
{
    json_t *buckets;
    if (buckets_json) {
        json_error_t jerr;
        buckets = json_loads(buckets_json, 0, &jerr);
        if (!buckets || !json_is_array(buckets)) {
            snprintf(errbuf, errlen, "stored buckets are not a JSON array: %s",
                     buckets ? "other JSON type" : jerr.text);
            json_decref(buckets);
            return NULL;
        }
    } else {
        buckets = json_array();
    }
    char sent[UPLOAD_TIME_LEN + 1];
    if (upload_format_time(sent_at, sent) != 0) {
        snprintf(errbuf, errlen, "send time %lld out of range", (long long)sent_at);
        json_decref(buckets);
        return NULL;
    }
    json_t *body = json_pack("{s:i, s:s, s:s, s:s, s:o}", "schema", CONTRACT_SCHEMA, "antenne", antenne,
                             "batch", batch_uuid, "sent_at", sent, "buckets", buckets);
    char *text = NULL;
    if (body && (!health || json_object_set_new(body, "health", health_json(health)) == 0))
        text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!text)
        snprintf(errbuf, errlen, "out of memory building the batch");
    return text;
}
