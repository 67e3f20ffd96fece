/* Upload batches: the board's encoder against the collector's own parser (the wire contract is
 * checked by the code that enforces it), plus UUIDs, times and the refusal of invalid buckets. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "borne/collector_ingest.h"
#include "borne/upload_batch.h"
#include "testlib.h"

static queue_bucket sample(void)
{
    queue_bucket b;
    memset(&b, 0, sizeof b);
    strcpy(b.day, "2026-11-20");
    b.hour = 9;
    b.service = 'F';
    b.public_type = QUEUE_PUBLIC_ENTREPRISE;
    b.revision = 4242;
    b.issued = 12, b.called = 11, b.served = 9, b.redirected = 1, b.no_show = 1, b.cancelled = 1;
    b.expired = 0, b.transferred = 2, b.appointments_checked_in = 3;
    b.wait_sum_s = 7200, b.wait_count = 11, b.wait_p50_s = 540, b.wait_p90_s = 1300;
    b.service_sum_s = 6000, b.service_count = 10, b.service_p50_s = 560, b.service_p90_s = 900;
    b.feedback[0] = 5, b.feedback[1] = 4, b.feedback[2] = 3, b.feedback[3] = 2, b.feedback[4] = 1;
    /* contract 2: the breakdowns add up to the totals (the collector checks it) */
    b.outcomes[CONTRACT_OUTCOME_ANSWERED - 1] = 6, b.outcomes[CONTRACT_OUTCOME_PARTNER - 1] = 1;
    b.outcomes[CONTRACT_OUTCOME_ONLINE_HELP - 1] = 2, b.outcomes[CONTRACT_OUTCOME_APPOINTMENT - 1] = 1;
    b.wait_bands[0] = 3, b.wait_bands[1] = 4, b.wait_bands[2] = 2, b.wait_bands[7] = 2;
    b.feedback_reasons[CONTRACT_REASON_ATTENTE - 1] = 2;
    b.n_partners = 1;
    strcpy(b.partners[0].id, "caf");
    b.partners[0].n = 1;
    return b;
}

/* Every bucket member goes out with its value, and nothing else does. */
static void test_bucket_members(void)
{
    upload_buckets *bs = upload_buckets_new();
    queue_bucket b = sample();
    CHECK_INT(upload_buckets_add(bs, &b), 0);
    CHECK_INT(upload_buckets_count(bs), 1);
    CHECK_INT(upload_buckets_max_revision(bs), 4242);
    char *text = upload_buckets_dump(bs);
    json_t *a = json_loads(text, 0, NULL);
    json_t *o = json_array_get(a, 0);
    CHECK_INT(json_object_size(o), 22);
    CHECK_STR(json_string_value(json_object_get(o, "day")), "2026-11-20");
    CHECK_INT(json_integer_value(json_object_get(o, "hour")), 9);
    CHECK_STR(json_string_value(json_object_get(o, "service")), "F");
    CHECK_STR(json_string_value(json_object_get(o, "public")), "entreprise");
    CHECK_INT(json_integer_value(json_object_get(o, "revision")), 4242);
    CHECK_INT(json_integer_value(json_object_get(o, "redirected")), 1);
    CHECK_INT(json_integer_value(json_object_get(o, "appointments_checked_in")), 3);
    CHECK_INT(json_integer_value(json_object_get(json_object_get(o, "wait"), "p90_s")), 1300);
    CHECK_INT(json_integer_value(json_object_get(json_object_get(o, "service_time"), "sum_s")), 6000);
    CHECK_INT(json_integer_value(json_array_get(json_object_get(o, "feedback"), 0)), 5);
    CHECK_INT(json_integer_value(json_array_get(json_object_get(o, "feedback"), 4)), 1);
    CHECK_INT(json_array_size(json_object_get(o, "wait_bands")), CONTRACT_WAIT_BANDS_N);
    CHECK_INT(json_integer_value(json_array_get(json_object_get(o, "wait_bands"), 7)), 2);
    CHECK_INT(json_integer_value(json_array_get(json_object_get(o, "outcomes"), 2)), 2);
    CHECK_INT(json_array_size(json_object_get(o, "channels")), CONTRACT_CHANNELS_N);
    CHECK_INT(json_integer_value(json_array_get(json_object_get(o, "feedback_reasons"), 0)), 2);
    CHECK_INT(json_integer_value(json_object_get(json_object_get(o, "partners"), "caf")), 1);
    json_decref(a);
    free(text);
    upload_buckets_clear(bs);
    CHECK_INT(upload_buckets_count(bs), 0);
    CHECK_INT(upload_buckets_max_revision(bs), 0);
    upload_buckets_free(bs);
}

/* Buckets the collector would refuse are refused here, before they reach the outbox. */
static void test_invalid_buckets(void)
{
    upload_buckets *bs = upload_buckets_new();
    queue_bucket b = sample();
    b.hour = 24;
    CHECK_INT(upload_buckets_add(bs, &b), -EINVAL);
    b = sample();
    b.service = '\0';   /* no service is for feedback alone: a bucket with tickets needs one */
    CHECK_INT(upload_buckets_add(bs, &b), -EINVAL);
    b = sample();
    b.revision = 0;
    CHECK_INT(upload_buckets_add(bs, &b), -EINVAL);
    b = sample();
    strcpy(b.day, "2026-1-20");
    CHECK_INT(upload_buckets_add(bs, &b), -EINVAL);
    b = sample();
    b.no_show = -1;
    CHECK_INT(upload_buckets_add(bs, &b), -EINVAL);
    b = sample();
    b.wait_bands[3] = -1;
    CHECK_INT(upload_buckets_add(bs, &b), -EINVAL);
    b = sample();
    strcpy(b.partners[0].id, "CAF");
    CHECK_INT(upload_buckets_add(bs, &b), -EINVAL);
    CHECK_INT(upload_buckets_count(bs), 0);
    upload_buckets_free(bs);
}

/* Feedback given without naming a service travels in a bucket whose service is "". */
static void test_feedback_without_service(void)
{
    upload_buckets *bs = upload_buckets_new();
    queue_bucket b = {.hour = 11, .revision = 42, .feedback = {2, 0, 1, 0, 0}};
    strcpy(b.day, "2026-11-20");
    CHECK_INT(upload_buckets_add(bs, &b), 0);
    CHECK_INT(upload_buckets_count(bs), 1);
    upload_buckets_free(bs);
}

/* A whole body is accepted by collector_ingest_parse with the same numbers. */
static void test_body_accepted_by_collector(void)
{
    upload_buckets *bs = upload_buckets_new();
    queue_bucket b = sample();
    CHECK_INT(upload_buckets_add(bs, &b), 0);
    b.hour = 10, b.public_type = QUEUE_PUBLIC_UNSPECIFIED, b.revision = 4300;
    CHECK_INT(upload_buckets_add(bs, &b), 0);
    char *buckets = upload_buckets_dump(bs);
    upload_health h = { .version = "0.1.0", .uptime_s = 3600, .printer = "near_end", .last_upload = 0,
                        .queue_waiting = 4 };
    char uuid[UPLOAD_UUID_LEN + 1];
    upload_uuid_v4(0x0123456789abcdefULL, 0xfedcba9876543210ULL, uuid);
    char err[256];
    int64_t now = 1795424400; /* 2026-11-23T09:00:00Z */
    char *body = upload_batch_body("fourmies", uuid, now, buckets, &h, err, sizeof err);
    CHECK(body != NULL);
    struct collector_batch *batch = NULL;
    struct collector_ingest_error ierr;
    enum collector_ingest_status st =
        collector_ingest_parse(body, strlen(body), "fourmies", now, 20000, &batch, &ierr);
    CHECK_INT(st, COLLECTOR_INGEST_OK);
    if (st != COLLECTOR_INGEST_OK)
        fprintf(stderr, "collector says: %s\n", ierr.message);
    if (batch) {
        CHECK_STR(collector_batch_id(batch), uuid);
        CHECK_INT(collector_batch_sent_at(batch), now);
        CHECK_INT(collector_batch_bucket_count(batch), 2);
        const struct collector_bucket *cb = collector_batch_bucket(batch, 0);
        CHECK_STR(cb->public_type, "entreprise");
        CHECK_INT(cb->revision, 4242);
        CHECK_INT(cb->issued, 12);
        CHECK_INT(cb->wait.sum_s, 7200);
        CHECK_INT(cb->service_time.p50_s, 560);
        CHECK_INT(cb->feedback[2], 3);
        CHECK_INT(cb->schema, CONTRACT_SCHEMA);
        CHECK_INT(cb->outcomes[CONTRACT_OUTCOME_ONLINE_HELP - 1], 2);
        CHECK_INT(cb->wait_bands[CONTRACT_BAND_W60 - 1], 2);
        CHECK_INT(cb->feedback_reasons[CONTRACT_REASON_ATTENTE - 1], 2);
        CHECK_STR(cb->partners, "caf=1");
        CHECK_STR(collector_batch_bucket(batch, 1)->public_type, "");
        const struct collector_health *ch = collector_batch_health(batch);
        CHECK(ch != NULL);
        if (ch) {
            CHECK_STR(ch->printer, "near_end");
            CHECK_INT(ch->last_upload, -1);   /* never uploaded → null */
            CHECK_INT(ch->queue_waiting, 4);
            CHECK_INT(ch->uptime_s, 3600);
        }
        collector_batch_free(batch);
    }
    free(body);

    /* Health-only batch, with a last upload time. */
    h.last_upload = now - 60;
    body = upload_batch_body("fourmies", uuid, now, NULL, &h, err, sizeof err);
    st = collector_ingest_parse(body, strlen(body), "fourmies", now, 20000, &batch, &ierr);
    CHECK_INT(st, COLLECTOR_INGEST_OK);
    if (batch) {
        CHECK_INT(collector_batch_bucket_count(batch), 0);
        CHECK_INT(collector_batch_health(batch)->last_upload, now - 60);
        collector_batch_free(batch);
    }
    free(body);

    /* Stored text that is not an array is refused with a reason. */
    CHECK(upload_batch_body("fourmies", uuid, now, "{\"x\":1}", &h, err, sizeof err) == NULL);
    CHECK(strstr(err, "not a JSON array") != NULL);
    free(buckets);
    upload_buckets_free(bs);
}

static void test_uuid_and_time(void)
{
    char uuid[UPLOAD_UUID_LEN + 1];
    upload_uuid_v4(0, 0, uuid);
    CHECK_STR(uuid, "00000000-0000-4000-8000-000000000000");
    upload_uuid_v4(UINT64_MAX, UINT64_MAX, uuid);
    CHECK_STR(uuid, "ffffffff-ffff-4fff-bfff-ffffffffffff");
    char t[UPLOAD_TIME_LEN + 1];
    CHECK_INT(upload_format_time(0, t), 0);
    CHECK_STR(t, "1970-01-01T00:00:00Z");
    CHECK_INT(upload_format_time(1795424400, t), 0);
    CHECK_STR(t, "2026-11-23T09:00:00Z");
    CHECK_INT(upload_format_time(-1, t), -EINVAL);
}

int main(void)
{
    RUN(test_bucket_members);
    RUN(test_invalid_buckets);
    RUN(test_feedback_without_service);
    RUN(test_body_accepted_by_collector);
    RUN(test_uuid_and_time);
    return testlib_finish();
}
