/* The collector's bounds (issue 13): a board whose clock says 9999-12-31 cannot freeze its health
 * on the HQ page; the validator refuses what would overflow the report (a percentile over a day,
 * a sum over count x a day, a revision past 2^53 - 1); and the page's means stay right over many
 * buckets at the largest values it accepts. */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "borne/collector_report.h"
#include "borne/collector_synth.h"
#include "testlib.h"

/* 2026-11-23T10:00:00Z, a Monday */
#define NOW 1795428000LL
/* 9999-12-31T00:00:00Z */
#define FAR_FUTURE 253402214400LL

static struct collector_antennes *antennes;
static char store_path[512];

static struct collector_store *open_store(const char *name)
{
    const char *dir = testlib_tmpdir(name);
    snprintf(store_path, sizeof store_path, "%s", testlib_path(dir, "s.sqlite"));
    const char *csv = testlib_path(dir, "a.csv");
    FILE *f = fopen(csv, "w");
    fputs("name,opened,population,communes\nLaon,,1,1\n", f);
    fclose(f);
    char err[512];
    collector_antennes_free(antennes);
    antennes = NULL;
    CHECK_INT(collector_antennes_load_csv(csv, &antennes, err, sizeof err), 0);
    struct collector_store *store = NULL;
    CHECK_INT(collector_store_open(COLLECTOR_BACKEND_SQLITE, store_path, &store, err, sizeof err), 0);
    return store;
}

static struct collector_bucket bucket(int64_t day, int hour, int64_t revision)
{
    struct collector_bucket b;
    memset(&b, 0, sizeof b);
    collector_synth_day_text(day, b.day);
    b.hour = hour;
    b.service[0] = 'A';
    b.revision = revision;
    b.issued = b.called = b.served = 10;
    b.wait = (struct collector_stat){10 * 240, 10, 200, 400};
    return b;
}

/* Parses a synthetic batch as the server would at `now`; the status, and the batch when OK. The
 * bounds tried here are those of contract 1's fields, sent as a contract-1 board would (contract 2's
 * breakdowns must add up to them, which these extreme totals are not written to do). */
static enum collector_ingest_status ingest(int64_t sent_at, const struct collector_bucket *b, size_t n,
                                           const struct collector_health *h, int64_t now,
                                           struct collector_batch **out)
{
    static uint64_t serial;
    char uuid[COLLECTOR_UUID_LEN + 1];
    collector_synth_uuid(7, ++serial, uuid);
    char *body = collector_synth_body_schema(1, "laon", uuid, sent_at, b, n, h);
    struct collector_ingest_error err;
    struct collector_batch *batch = NULL;
    enum collector_ingest_status st = collector_ingest_parse(body, strlen(body), "laon", now, 1000, &batch, &err);
    free(body);
    if (out)
        *out = batch;
    else
        collector_batch_free(batch);
    return st;
}

static void apply(struct collector_store *store, struct collector_batch *batch, int64_t now)
{
    size_t applied;
    const struct collector_batch *const list[] = {batch};
    CHECK_INT(collector_store_apply(store, list, 1, now, &applied), 0);
    collector_batch_free(batch);
}

static char *page(struct collector_store *store, int64_t now)
{
    char *out = NULL;
    size_t len;
    CHECK_INT(collector_report_page(store, antennes, now, &out, &len), 0);
    return out ? out : calloc(1, 1);
}

/* Tries: one upload dated 9999-12-31 (sent_at is clamped to the collector's clock), then the
 * next day's upload with the printer out of paper: the page shows the newer state. */
static void far_future_sent_at_does_not_freeze_health(void)
{
    struct collector_store *store = open_store("collector-bounds-future");
    struct collector_health h = {.uptime_s = 60, .last_upload = -1, .queue_waiting = 1};
    snprintf(h.version, sizeof h.version, "1.0.0");
    snprintf(h.printer, sizeof h.printer, "ready");
    struct collector_bucket b = bucket(NOW / 86400, 9, 1);
    struct collector_batch *batch;
    CHECK_INT(ingest(FAR_FUTURE, &b, 1, &h, NOW, &batch), COLLECTOR_INGEST_OK);
    CHECK(collector_batch_sent_at(batch) == NOW);
    apply(store, batch, NOW);

    /* and a store an older collector left with that date (it did not clamp) heals too */
    sqlite3 *db;
    CHECK_INT(sqlite3_open(store_path, &db), SQLITE_OK);
    CHECK_INT(sqlite3_exec(db, "UPDATE health SET sent_at = 253402214400", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    int64_t later = NOW + 86400;
    snprintf(h.printer, sizeof h.printer, "paper_out");
    b.revision = 2;
    CHECK_INT(ingest(later - 5, &b, 1, &h, later, &batch), COLLECTOR_INGEST_OK);
    apply(store, batch, later);
    char *html = page(store, later);
    if (!CHECK(strstr(html, "Prête") == NULL))
        fprintf(stderr, "  the 9999 report still shows\n");
    free(html);
    collector_store_close(store);
}

/* Tries: the values that overflowed the report: wait.count = 10^12 with a percentile of 10^12 s,
 * a sum beyond count x a day, revision = INT64_MAX. */
static void validator_refuses_what_would_overflow(void)
{
    struct collector_bucket b = bucket(NOW / 86400, 9, 1);
    b.wait = (struct collector_stat){1000, 1000000000000LL, 10, 1000000000000LL};
    CHECK_INT(ingest(NOW, &b, 1, NULL, NOW, NULL), COLLECTOR_INGEST_INVALID);
    b.wait = (struct collector_stat){1000000000000LL * 86400 + 1, 1000000000000LL, 10, 20};
    CHECK_INT(ingest(NOW, &b, 1, NULL, NOW, NULL), COLLECTOR_INGEST_INVALID);
    b.wait = (struct collector_stat){1000000000000LL * 86400, 1000000000000LL, 86400, 86400};
    CHECK_INT(ingest(NOW, &b, 1, NULL, NOW, NULL), COLLECTOR_INGEST_OK);
    b.revision = INT64_MAX;
    CHECK_INT(ingest(NOW, &b, 1, NULL, NOW, NULL), COLLECTOR_INGEST_INVALID);
    b.revision = COLLECTOR_REVISION_MAX;
    CHECK_INT(ingest(NOW, &b, 1, NULL, NOW, NULL), COLLECTOR_INGEST_OK);
}

/* Tries: 300 buckets at the largest accepted values (10^12 waits of a day each, revision
 * 2^53 - 1): the page's mean and p90 say 24 h, the JSON export's totals are exact where they
 * fit, saturated where they do not, and carry no revision total. */
static void largest_values_sum_without_overflow(void)
{
    struct collector_store *store = open_store("collector-bounds-max");
    enum { N = 300 };
    struct collector_bucket *b = calloc(N, sizeof *b);
    for (int i = 0; i < N; i++) {
        b[i] = bucket(NOW / 86400 - 1 - i / 24, i % 24, COLLECTOR_REVISION_MAX);
        b[i].wait = (struct collector_stat){1000000000000LL * 86400, 1000000000000LL, 86400, 86400};
        b[i].issued = b[i].called = 1000000000000LL;
    }
    struct collector_batch *batch;
    CHECK_INT(ingest(NOW, b, N, NULL, NOW, &batch), COLLECTOR_INGEST_OK);
    apply(store, batch, NOW);
    free(b);
    char *html = page(store, NOW);
    const char *row = strstr(html, "24 h 00</td><td class='n'>24 h 00");   /* mean, p90 */
    if (!CHECK(row != NULL))
        fprintf(stderr, "  %s\n", strstr(html, "attente") ? strstr(html, "attente") : html);
    free(html);

    struct collector_filter filter;
    memset(&filter, 0, sizeof filter);
    char *out = NULL;
    size_t len;
    CHECK_INT(collector_report_json(store, antennes, &filter, &out, &len), 0);
    json_t *j = out ? json_loads(out, 0, NULL) : NULL;
    json_t *totals = json_object_get(j, "totals");
    CHECK(json_integer_value(json_object_get(totals, "issued")) == 300000000000000LL);
    CHECK(json_object_get(totals, "revision") == NULL);
    /* 300 x 8.64e16 s of waiting passes 2^63: the total stays at the largest value, never wraps */
    CHECK(json_integer_value(json_object_get(totals, "wait_sum_s")) == INT64_MAX);
    json_decref(j);
    free(out);
    collector_store_close(store);
}

int main(void)
{
    RUN(far_future_sent_at_does_not_freeze_health);
    RUN(validator_refuses_what_would_overflow);
    RUN(largest_values_sum_without_overflow);
    collector_antennes_free(antennes);
    return testlib_finish();
}
