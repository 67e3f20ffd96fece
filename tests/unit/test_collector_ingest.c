/* The ingest parser/validator as a pure function: a complete batch is read member for member; every
 * rule of the wire contract (types, ranges, dates against an injected clock, caps, antenne match)
 * maps to its status; synthetic bodies survive a round trip. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "borne/collector_ingest.h"
#include "borne/collector_synth.h"
#include "testlib.h"

/* 2026-11-23T10:00:00Z */
#define NOW 1795428000LL

static const char *const valid =
    "{\"schema\":1,\"antenne\":\"fourmies\",\"batch\":\"123e4567-e89b-42d3-a456-426614174000\","
    "\"sent_at\":\"2026-11-23T09:59:58.250Z\",\"future_member\":{\"ignored\":true},"
    "\"buckets\":[{\"day\":\"2026-11-23\",\"hour\":9,\"service\":\"A\",\"public\":\"entreprise\",\"revision\":7,"
    "\"issued\":12,\"called\":11,\"served\":9,\"redirected\":1,\"no_show\":2,\"cancelled\":1,\"expired\":0,"
    "\"transferred\":1,\"appointments_checked_in\":3,"
    "\"wait\":{\"sum_s\":3300,\"count\":11,\"p50_s\":280,\"p90_s\":610},"
    "\"service_time\":{\"sum_s\":8100,\"count\":9,\"p50_s\":850,\"p90_s\":1400},\"feedback\":[0,1,2,3,4]}],"
    "\"health\":{\"version\":\"0.1.0\",\"uptime_s\":3600,\"printer\":\"near_end\","
    "\"last_upload\":\"2026-11-23T11:58:00+02:00\",\"queue_waiting\":4}}";

static enum collector_ingest_status parse(const char *body, struct collector_ingest_error *err)
{
    struct collector_batch *b;
    enum collector_ingest_status st = collector_ingest_parse(body, strlen(body), "fourmies", NOW, 100, &b, err);
    CHECK((st == COLLECTOR_INGEST_OK) == (b != NULL));
    collector_batch_free(b);
    return st;
}

/* `valid` with the first occurrence of `from` replaced by `to`. */
static enum collector_ingest_status parse_edit(const char *from, const char *to, struct collector_ingest_error *err)
{
    const char *at = strstr(valid, from);
    if (!CHECK(at != NULL))
        return COLLECTOR_INGEST_OK;
    size_t n = strlen(valid) - strlen(from) + strlen(to) + 1;
    char *body = malloc(n);
    snprintf(body, n, "%.*s%s%s", (int)(at - valid), valid, to, at + strlen(from));
    enum collector_ingest_status st = parse(body, err);
    free(body);
    return st;
}

static void complete_batch(void)
{
    struct collector_batch *b;
    struct collector_ingest_error err;
    CHECK_INT(collector_ingest_parse(valid, strlen(valid), "fourmies", NOW, 100, &b, &err), COLLECTOR_INGEST_OK);
    if (!b)
        return;
    CHECK_STR(collector_batch_antenne(b), "fourmies");
    CHECK_STR(collector_batch_id(b), "123e4567-e89b-42d3-a456-426614174000");
    CHECK_INT(collector_batch_sent_at(b), NOW - 2);
    CHECK_INT(collector_batch_bucket_count(b), 1);
    const struct collector_bucket *k = collector_batch_bucket(b, 0);
    CHECK_STR(k->day, "2026-11-23");
    CHECK_INT(k->hour, 9);
    CHECK_STR(k->service, "A");
    CHECK_STR(k->public_type, "entreprise");
    CHECK_INT(k->revision, 7);
    CHECK_INT(k->issued, 12);
    CHECK_INT(k->no_show, 2);
    CHECK_INT(k->transferred, 1);
    CHECK_INT(k->appointments_checked_in, 3);
    CHECK_INT(k->wait.sum_s, 3300);
    CHECK_INT(k->wait.p90_s, 610);
    CHECK_INT(k->service_time.count, 9);
    CHECK_INT(k->feedback[4], 4);
    const struct collector_health *h = collector_batch_health(b);
    CHECK(h != NULL);
    if (h) {
        CHECK_STR(h->version, "0.1.0");
        CHECK_STR(h->printer, "near_end");
        CHECK_INT(h->last_upload, NOW - 120);
        CHECK_INT(h->queue_waiting, 4);
    }
    collector_batch_free(b);
}

static void json_errors_give_line_and_column(void)
{
    struct collector_ingest_error err;
    CHECK_INT(parse("{\n  \"schema\": 1,\n  \"antenne\" 3}", &err), COLLECTOR_INGEST_BAD_JSON);
    CHECK(strncmp(err.message, "line 3 column", 13) == 0);
    CHECK_INT(collector_ingest_http_status(err.status), 400);
    CHECK_STR(collector_ingest_code(err.status), "bad_json");
    CHECK_INT(parse("", &err), COLLECTOR_INGEST_BAD_JSON);
    CHECK_INT(parse("{\"schema\":1,\"schema\":1}", &err), COLLECTOR_INGEST_BAD_JSON);
    CHECK_INT(parse("\"just a string\"", &err), COLLECTOR_INGEST_BAD_JSON);
    CHECK_INT(parse("[1]", &err), COLLECTOR_INGEST_BAD_TYPE);
}

static void wrong_types(void)
{
    struct collector_ingest_error err;
    CHECK_INT(parse_edit("\"hour\":9", "\"hour\":\"9\"", &err), COLLECTOR_INGEST_BAD_TYPE);
    CHECK(strstr(err.message, "buckets[0].hour") != NULL);
    CHECK_INT(parse_edit("\"issued\":12", "\"issued\":12.0", &err), COLLECTOR_INGEST_BAD_TYPE);
    CHECK_INT(parse_edit("\"issued\":12,", "", &err), COLLECTOR_INGEST_BAD_TYPE);
    CHECK_INT(parse_edit("\"p90_s\":610", "\"p90_s\":null", &err), COLLECTOR_INGEST_BAD_TYPE);
    CHECK(strstr(err.message, "buckets[0].wait.p90_s") != NULL);
    CHECK_INT(parse_edit("[0,1,2,3,4]", "[0,1,2,3]", &err), COLLECTOR_INGEST_BAD_TYPE);
    CHECK_INT(parse_edit("[0,1,2,3,4]", "[0,1,2,3,\"4\"]", &err), COLLECTOR_INGEST_BAD_TYPE);
    CHECK_INT(parse_edit("\"schema\":1", "\"schema\":true", &err), COLLECTOR_INGEST_BAD_TYPE);
    CHECK_INT(parse_edit("\"last_upload\":\"2026-11-23T11:58:00+02:00\"", "\"last_upload\":5", &err),
              COLLECTOR_INGEST_BAD_TYPE);
    CHECK_INT(parse_edit("\"health\":{", "\"health\":[],\"x\":{", &err), COLLECTOR_INGEST_BAD_TYPE);
}

static void semantic_rules(void)
{
    struct collector_ingest_error err;
    /* Tomorrow is accepted (a board east of UTC may already be there), the day after is not. */
    CHECK_INT(parse_edit("\"day\":\"2026-11-23\"", "\"day\":\"2026-11-24\"", &err), COLLECTOR_INGEST_OK);
    CHECK_INT(parse_edit("\"day\":\"2026-11-23\"", "\"day\":\"2026-11-25\"", &err), COLLECTOR_INGEST_INVALID);
    CHECK_INT(collector_ingest_http_status(err.status), 422);
    CHECK_INT(parse_edit("\"day\":\"2026-11-23\"", "\"day\":\"2126-11-23\"", &err), COLLECTOR_INGEST_INVALID);
    CHECK_INT(parse_edit("\"day\":\"2026-11-23\"", "\"day\":\"1999-12-31\"", &err), COLLECTOR_INGEST_INVALID);
    CHECK_INT(parse_edit("\"day\":\"2026-11-23\"", "\"day\":\"2026-11-31\"", &err), COLLECTOR_INGEST_INVALID);
    CHECK_INT(parse_edit("\"day\":\"2026-11-23\"", "\"day\":\"2026-11-2\"", &err), COLLECTOR_INGEST_INVALID);
    CHECK_INT(parse_edit("\"hour\":9", "\"hour\":24", &err), COLLECTOR_INGEST_INVALID);
    CHECK_INT(parse_edit("\"hour\":9", "\"hour\":-1", &err), COLLECTOR_INGEST_INVALID);
    CHECK_INT(parse_edit("\"issued\":12", "\"issued\":-12", &err), COLLECTOR_INGEST_INVALID);
    CHECK_INT(parse_edit("\"issued\":12", "\"issued\":10000000000000", &err), COLLECTOR_INGEST_INVALID);
    CHECK_INT(parse_edit("\"revision\":7", "\"revision\":0", &err), COLLECTOR_INGEST_INVALID);
    CHECK_INT(parse_edit("\"p50_s\":280", "\"p50_s\":611", &err), COLLECTOR_INGEST_INVALID);
    CHECK_INT(parse_edit("\"sum_s\":3300,\"count\":11", "\"sum_s\":3300,\"count\":0", &err),
              COLLECTOR_INGEST_INVALID);
    CHECK_INT(parse_edit("\"service\":\"A\"", "\"service\":\"a\"", &err), COLLECTOR_INGEST_INVALID);
    CHECK_INT(parse_edit("\"service\":\"A\"", "\"service\":\"\"", &err), COLLECTOR_INGEST_INVALID);
    CHECK_INT(parse_edit("\"public\":\"entreprise\"", "\"public\":\"\"", &err), COLLECTOR_INGEST_OK);
    CHECK_INT(parse_edit("\"public\":\"entreprise\"", "\"public\":\"Entreprise\"", &err), COLLECTOR_INGEST_INVALID);
    /* A contract from the future: 422 saying HQ must be upgraded; schema 2 needs its new fields. */
    CHECK_INT(parse_edit("\"schema\":1", "\"schema\":3", &err), COLLECTOR_INGEST_INVALID);
    CHECK(strstr(err.message, "upgrade the collector") != NULL);
    CHECK_INT(parse_edit("\"schema\":1", "\"schema\":0", &err), COLLECTOR_INGEST_INVALID);
    CHECK_INT(parse_edit("\"schema\":1", "\"schema\":2", &err), COLLECTOR_INGEST_BAD_TYPE);
    CHECK(strstr(err.message, "wait_bands") != NULL);
    CHECK_INT(parse_edit("123e4567-e89b", "123e4567-e89", &err), COLLECTOR_INGEST_INVALID);
    CHECK_INT(parse_edit("09:59:58.250Z", "09:59:58+01:00", &err), COLLECTOR_INGEST_INVALID);
    CHECK_INT(parse_edit("\"printer\":\"near_end\"", "\"printer\":\"Near End\"", &err), COLLECTOR_INGEST_INVALID);
    CHECK_INT(parse_edit("\"version\":\"0.1.0\"", "\"version\":\"\"", &err), COLLECTOR_INGEST_INVALID);
    CHECK_INT(parse_edit("[0,1,2,3,4]", "[0,1,-2,3,4]", &err), COLLECTOR_INGEST_INVALID);
}

static void antenne_must_match_path(void)
{
    struct collector_batch *b;
    struct collector_ingest_error err;
    CHECK_INT(collector_ingest_parse(valid, strlen(valid), "soissons", NOW, 100, &b, &err),
              COLLECTOR_INGEST_MISMATCH);
    CHECK(b == NULL);
    CHECK_INT(collector_ingest_http_status(err.status), 403);
}

static void bucket_cap(void)
{
    struct collector_batch *b;
    struct collector_ingest_error err;
    CHECK_INT(collector_ingest_parse(valid, strlen(valid), "fourmies", NOW, 0, &b, &err), COLLECTOR_INGEST_TOO_MANY);
    CHECK_INT(collector_ingest_http_status(err.status), 413);
    CHECK_INT(collector_ingest_parse(valid, strlen(valid), "fourmies", NOW, 1, &b, &err), COLLECTOR_INGEST_OK);
    collector_batch_free(b);
}

static void health_optional_and_null_upload(void)
{
    struct collector_ingest_error err;
    struct collector_batch *b;
    const char *body = "{\"schema\":1,\"antenne\":\"fourmies\",\"batch\":\"123e4567-e89b-42d3-a456-426614174000\","
                       "\"sent_at\":\"2026-11-23T10:00:00Z\",\"buckets\":[]}";
    CHECK_INT(collector_ingest_parse(body, strlen(body), "fourmies", NOW, 10, &b, &err), COLLECTOR_INGEST_OK);
    CHECK(b && collector_batch_health(b) == NULL);
    CHECK(b && collector_batch_bucket_count(b) == 0);
    collector_batch_free(b);
    CHECK_INT(parse_edit("\"last_upload\":\"2026-11-23T11:58:00+02:00\"", "\"last_upload\":null", &err),
              COLLECTOR_INGEST_OK);
}

static void times_and_days(void)
{
    CHECK_INT(collector_ingest_parse_time("1970-01-01T00:00:00Z", 1), 0);
    CHECK_INT(collector_ingest_parse_time("2026-11-23T10:00:00Z", 1), NOW);
    CHECK_INT(collector_ingest_parse_time("2026-11-23T10:00:00.123456789Z", 1), NOW);
    CHECK_INT(collector_ingest_parse_time("2026-11-23T12:00:00+02:00", 0), NOW);
    CHECK_INT(collector_ingest_parse_time("2026-11-23T12:00:00+02:00", 1), -1);
    CHECK_INT(collector_ingest_parse_time("2026-11-23T10:00:00+00:00", 1), NOW);
    CHECK_INT(collector_ingest_parse_time("2026-11-23 10:00:00Z", 1), -1);
    CHECK_INT(collector_ingest_parse_time("2026-11-23T10:00:00", 1), -1);
    CHECK_INT(collector_ingest_parse_time("2026-11-23T10:00:00.Z", 1), -1);
    CHECK_INT(collector_ingest_parse_time("2026-11-23T25:00:00Z", 1), -1);
    CHECK_INT(collector_ingest_parse_day("2024-02-29"), 19782);
    CHECK(collector_ingest_parse_day("2025-02-29") == INT64_MIN);
    CHECK(collector_ingest_parse_day("2000-02-29") != INT64_MIN);
    CHECK(collector_ingest_parse_day("1900-02-29") == INT64_MIN);
    CHECK(collector_ingest_parse_day("2026-00-10") == INT64_MIN);
    CHECK(collector_ingest_valid_id("chateau-thierry"));
    CHECK(!collector_ingest_valid_id("Chateau"));
    CHECK(!collector_ingest_valid_id(""));
    CHECK(!collector_ingest_valid_id("a/b"));
}

/* Bodies made by the synthetic generator (the stand-in for the board) parse back to the same buckets. */
static void synth_round_trip(void)
{
    struct collector_synth_site site = {"fourmies", 2.0, 99};
    struct collector_bucket in[24 * COLLECTOR_SYNTH_SERVICES];
    size_t n = 0;
    int64_t day = NOW / 86400 - 1; /* a Sunday: no activity */
    for (int h = 0; h < 24; h++)
        n += collector_synth_hour(&site, day, h, 3, in + n, sizeof in / sizeof in[0] - n);
    CHECK_INT(n, 0);
    day -= 2; /* Friday */
    for (int h = 0; h < 24; h++)
        n += collector_synth_hour(&site, day, h, 3, in + n, sizeof in / sizeof in[0] - n);
    CHECK_INT(n, 7 * COLLECTOR_SYNTH_SERVICES);
    struct collector_health health;
    collector_synth_health(&site, NOW, &health);
    char uuid[COLLECTOR_UUID_LEN + 1];
    collector_synth_uuid(1, 2, uuid);
    char *body = collector_synth_body("fourmies", uuid, NOW, in, n, &health);
    struct collector_batch *b;
    struct collector_ingest_error err;
    CHECK_INT(collector_ingest_parse(body, strlen(body), "fourmies", NOW, 1000, &b, &err), COLLECTOR_INGEST_OK);
    if (b) {
        CHECK_INT(collector_batch_bucket_count(b), n);
        for (size_t i = 0; i < n; i++)
            CHECK(memcmp(collector_batch_bucket(b, i), &in[i], sizeof in[i]) == 0);
        CHECK_STR(collector_batch_health(b)->printer, health.printer);
        CHECK_INT(collector_batch_health(b)->last_upload, health.last_upload);
    } else {
        fprintf(stderr, "%s\n", err.message);
    }
    collector_batch_free(b);
    free(body);

    /* A fault further in is named by its place: the 13th bucket's hour, the 14th's wait. */
    in[12].hour = 24;
    body = collector_synth_body("fourmies", uuid, NOW, in, n, &health);
    CHECK_INT(collector_ingest_parse(body, strlen(body), "fourmies", NOW, 1000, &b, &err), COLLECTOR_INGEST_INVALID);
    CHECK(strstr(err.message, "buckets[12].hour") != NULL);
    free(body);
    in[12].hour = 9;
    in[13].wait.p50_s = in[13].wait.p90_s + 1;
    body = collector_synth_body("fourmies", uuid, NOW, in, n, &health);
    CHECK_INT(collector_ingest_parse(body, strlen(body), "fourmies", NOW, 1000, &b, &err), COLLECTOR_INGEST_INVALID);
    CHECK(strstr(err.message, "buckets[13].wait.p50_s") != NULL);
    free(body);
}

int main(void)
{
    RUN(complete_batch);
    RUN(json_errors_give_line_and_column);
    RUN(wrong_types);
    RUN(semantic_rules);
    RUN(antenne_must_match_path);
    RUN(bucket_cap);
    RUN(health_optional_and_null_upload);
    RUN(times_and_days);
    RUN(synth_round_trip);
    return testlib_finish();
}
