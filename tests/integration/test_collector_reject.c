/* Bad input at a real borne-collector (backend in argv[1]): malformed JSON, wrong types, days far in the
 * future, negative counts, p50 > p90, another schema, too many buckets, bodies over the cap (declared
 * or streamed), an antenne sending for another, unknown antennes, missing or wrong tokens. Each is
 * refused with the documented status and error code, nothing reaches the store, and the server keeps
 * answering; a valid batch still goes through at the end. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "borne/collector_synth.h"
#include "test_collector_harness.h"
#include "testlib.h"

static struct harness h;
static struct collector_store *store;
static int64_t today;

static int count_device(void *ctx, const struct collector_device *d)
{
    (void)d;
    ++*(int *)ctx;
    return 0;
}

/* Nothing stored, and the server still answers. */
static void check_untouched(void)
{
    CHECK_INT(harness_count_rows(store, NULL), 0);
    int devices = 0;
    CHECK_INT(collector_store_devices(store, count_device, &devices), 0);
    CHECK_INT(devices, 0);
    CHECK(harness_alive(&h));
}

static void expect(long status, const char *code, const char *antenne, const char *token, const char *body)
{
    char *resp;
    CHECK_INT(harness_post(&h, antenne, token, body, &resp), status);
    json_t *j = json_loads(resp, 0, NULL);
    if (!CHECK(j != NULL))
        fprintf(stderr, "answer: %s\n", resp);
    CHECK_STR(json_string_value(json_object_get(j, "error")), code);
    CHECK(json_string_length(json_object_get(j, "message")) > 0);
    json_decref(j);
    free(resp);
    check_untouched();
}

/* A valid body for site-0 whose first bucket has member `key` replaced by the JSON text `value`. */
static char *body_with(const char *key, const char *value)
{
    struct collector_bucket b[2];
    memset(b, 0, sizeof b);
    for (int i = 0; i < 2; i++) {
        collector_synth_day_text(today - 1, b[i].day);
        b[i].hour = 10 + i;
        b[i].service[0] = 'A';
        b[i].revision = 1;
        b[i].issued = b[i].called = b[i].served = 3;
        b[i].wait = (struct collector_stat){600, 3, 150, 400};
        b[i].outcomes[CONTRACT_OUTCOME_ANSWERED - 1] = 3;
        b[i].wait_bands[CONTRACT_BAND_W0 - 1] = 3;
    }
    char uuid[COLLECTOR_UUID_LEN + 1];
    collector_synth_uuid(7, 7, uuid);
    char *text = collector_synth_body("site-0", uuid, (int64_t)time(NULL), b, 2, NULL);
    if (!key)
        return text;
    json_t *root = json_loads(text, 0, NULL);
    free(text);
    json_t *first = json_array_get(json_object_get(root, "buckets"), 0);
    json_t *v = json_loads(value, JSON_DECODE_ANY, NULL);
    if (json_object_get(first, key))
        json_object_set_new(first, key, v);
    else
        json_object_set_new(root, key, v);
    text = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    return text;
}

static void malformed_json(void)
{
    char *resp;
    CHECK_INT(harness_post(&h, "site-0", harness_token(0), "{\"schema\": 1,\n  \"antenne\": }", &resp), 400);
    CHECK(strstr(resp, "\"bad_json\"") != NULL);
    CHECK(strstr(resp, "line 2 column") != NULL);
    free(resp);
    check_untouched();
    expect(400, "bad_json", "site-0", harness_token(0), "");
    expect(400, "bad_json", "site-0", harness_token(0), "[1,2");
}

static void wrong_types(void)
{
    const char *cases[][2] = {{"hour", "\"9\""}, {"issued", "1.5"}, {"feedback", "[1,2,3]"}, {"wait", "7"},
                              {"day", "20261101"}, {"buckets", "{}"}, {"schema", "\"1\""}, {"revision", "true"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *body = body_with(cases[i][0], cases[i][1]);
        expect(400, "bad_type", "site-0", harness_token(0), body);
        free(body);
    }
    expect(400, "bad_type", "site-0", harness_token(0), "[]");
}

static void semantic_errors(void)
{
    char future[32], tomorrow_plus[32];
    char d[11];
    collector_synth_day_text(today + 30, d);
    snprintf(future, sizeof future, "\"%s\"", d);
    collector_synth_day_text(today + 2, d);
    snprintf(tomorrow_plus, sizeof tomorrow_plus, "\"%s\"", d);
    const char *cases[][2] = {
        {"day", future},
        {"day", tomorrow_plus},
        {"day", "\"2026-02-30\""},
        {"hour", "24"},
        {"issued", "-1"},
        {"revision", "0"},
        {"service", "\"a\""},
        {"service", "\"AB\""},
        {"public", "\"tout le monde\""},
        {"wait", "{\"sum_s\":10,\"count\":1,\"p50_s\":9,\"p90_s\":5}"},
        {"feedback", "[1,2,-3,4,5]"},
        {"schema", "3"},                       /* a contract from the future */
        {"outcomes", "[1,0,0,0]"},             /* breakdown not adding up to served */
        {"partners", "{\"Caisse d'allocations\":1}"}, /* not a partner id */
        {"wait_bands", "[1,1,0,0,0,0,0,0]"},    /* bands not adding up to the wait count */
        {"batch", "\"not-a-uuid\""},
        {"sent_at", "\"2026-11-23T10:00:00+02:00\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *body = body_with(cases[i][0], cases[i][1]);
        expect(422, "invalid", "site-0", harness_token(0), body);
        free(body);
    }
}

static void too_large(void)
{
    /* 1 MiB against the 64 KiB cap given at start: refused from Content-Length before the body. */
    size_t n = 1 << 20;
    char *big = malloc(n + 1);
    memset(big, ' ', n);
    big[0] = '{';
    big[n - 1] = '}';
    big[n] = '\0';
    expect(413, "too_large", "site-0", harness_token(0), big);
    free(big);
    /* 8 MiB streamed without a length: dropped once past the cap, answered 413 at the end. */
    CHECK_INT(harness_post_chunked(&h, "site-0", harness_token(0), 8u << 20), 413);
    check_untouched();
    /* Too many buckets (the cap is 50 here). */
    struct collector_bucket b[60];
    memset(b, 0, sizeof b);
    for (int i = 0; i < 60; i++) {
        collector_synth_day_text(today - 1 - i / 24, b[i].day);
        b[i].hour = i % 24;
        b[i].service[0] = 'A';
        b[i].revision = 1;
    }
    char uuid[COLLECTOR_UUID_LEN + 1];
    collector_synth_uuid(8, 8, uuid);
    char *body = collector_synth_body("site-0", uuid, (int64_t)time(NULL), b, 60, NULL);
    expect(413, "too_many_buckets", "site-0", harness_token(0), body);
    free(body);
}

static void wrong_antenne_or_token(void)
{
    char *body = body_with(NULL, NULL);
    char other[64];
    snprintf(other, sizeof other, "%s", harness_token(1));
    expect(403, "forbidden", "site-0", other, body);                     /* token of site-1, path of site-0 */
    expect(403, "forbidden", "site-0", HARNESS_ADMIN_TOKEN, body);       /* HQ token cannot upload */
    expect(403, "antenne_mismatch", "site-1", other, body);              /* body says site-0, path site-1 */
    expect(404, "unknown_antenne", "nowhere", harness_token(0), body);
    expect(404, "unknown_antenne", "Site-0", harness_token(0), body);
    expect(401, "unauthorized", "site-0", NULL, body);
    expect(401, "unauthorized", "site-0", "token-nobody-has-0123456789", body);
    free(body);
}

/* One bad bucket after good ones: the whole batch is refused, the good buckets are not kept. */
static void one_bad_bucket_rejects_all(void)
{
    char *body = body_with(NULL, NULL);
    json_t *root = json_loads(body, 0, NULL);
    free(body);
    json_object_set_new(json_array_get(json_object_get(root, "buckets"), 1), "hour", json_integer(-1));
    body = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    expect(422, "invalid", "site-0", harness_token(0), body);
    free(body);
}

/* After all that, the same collector still takes a valid batch. */
static void valid_still_accepted(void)
{
    char *body = body_with(NULL, NULL);
    CHECK_INT(harness_post(&h, "site-0", harness_token(0), body, NULL), 200);
    CHECK_INT(harness_count_rows(store, NULL), 2);
    free(body);
}

int main(int argc, char **argv)
{
    const char *backend = argc > 1 ? argv[1] : "sqlite";
    today = (int64_t)time(NULL) / 86400;
    const char *const extra[] = {"--body-cap", "65536", "--max-buckets", "50", NULL};
    if (!harness_start(&h, "collector-reject", backend, 3, 2, extra)) {
        fprintf(stderr, "FAIL: cannot start the collector on %s\n", backend);
        harness_stop(&h);
        return 1;
    }
    store = harness_open_store(&h);
    if (!store) {
        harness_stop(&h);
        return 1;
    }
    RUN(malformed_json);
    RUN(wrong_types);
    RUN(semantic_errors);
    RUN(too_large);
    RUN(wrong_antenne_or_token);
    RUN(one_bad_bucket_rejects_all);
    RUN(valid_still_accepted);
    collector_store_close(store);
    CHECK(harness_stop(&h));
    return testlib_finish();
}
