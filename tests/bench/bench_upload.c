/* bench_upload: batch build time for one year of an antenne's buckets (>= 20,000 visits).
 * Prints figures; asserts nothing about time.
 *   1. the engine: queue_aggregates_since(0) over the year
 *   2. encoding those buckets into 500-bucket JSON arrays (jansson), without the engine
 *   3. the uploader's whole build: aggregates, encoding and outbox transactions, measured from
 *      upload_start() until the outbox covers the engine's last revision
 *   4. composing the request bodies at send time (envelope + health around a stored batch) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "borne/upload.h"
#include "borne/upload_batch.h"
#include "test_upload_support.h"
#include "testlib.h"

#define VISITS_PER_DAY 80
#define DAYS 260

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct year {
    queue_bucket *b;
    size_t n, cap;
};

static int collect(const queue_bucket *b, void *ctx)
{
    struct year *y = ctx;
    if (y->n == y->cap) {
        y->cap = y->cap ? y->cap * 2 : 1024;
        queue_bucket *nb = realloc(y->b, y->cap * sizeof *nb);
        if (!nb)
            return 1;
        y->b = nb;
    }
    y->b[y->n++] = *b;
    return 0;
}

static int64_t target_mark;

static bool covered(const upload_status *s)
{
    return s->high_water >= target_mark;
}

int main(void)
{
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    const char *dir = testlib_tmpdir("bench-upload");
    queue *q = ut_engine(dir);
    if (!q)
        return 1;
    double t0 = seconds();
    /* 260 opening days of 80 walk-ins + 1 appointment + 2 left waiting: about a year. */
    ut_simulate(q, ut_days_ago(DAYS + 1), DAYS, VISITS_PER_DAY, 2026);
    double t1 = seconds();
    printf("bench_upload: simulated %d days, %d visits, in %.1f s (engine writes)\n", DAYS,
           DAYS * (VISITS_PER_DAY + 3), t1 - t0);

    struct year y = { 0 };
    t0 = seconds();
    queue_aggregates_since(q, 0, collect, &y);
    t1 = seconds();
    printf("bench_upload: engine aggregates_since(0): %zu buckets in %.1f ms (%.0f buckets/s)\n", y.n,
           (t1 - t0) * 1e3, y.n / (t1 - t0));

    /* Encoding alone, in 500-bucket batches as the uploader makes them. */
    upload_buckets *bs = upload_buckets_new();
    char **texts = calloc(y.n / 500 + 1, sizeof *texts);
    size_t n_texts = 0, bytes = 0;
    t0 = seconds();
    for (size_t i = 0; i < y.n; i++) {
        upload_buckets_add(bs, &y.b[i]);
        if (upload_buckets_count(bs) == 500 || i + 1 == y.n) {
            texts[n_texts] = upload_buckets_dump(bs);
            bytes += strlen(texts[n_texts++]);
            upload_buckets_clear(bs);
        }
    }
    t1 = seconds();
    printf("bench_upload: JSON encoding: %zu buckets -> %zu batches, %.1f KiB, in %.1f ms (%.0f buckets/s)\n",
           y.n, n_texts, bytes / 1024.0, (t1 - t0) * 1e3, y.n / (t1 - t0));

    upload_health h = { .version = "0.1.0", .uptime_s = 1, .printer = "ready" };
    char err[256];
    size_t body_bytes = 0;
    t0 = seconds();
    for (size_t i = 0; i < n_texts; i++) {
        char *body = upload_batch_body(UT_ANTENNE, "00000000-0000-4000-8000-000000000000", (int64_t)time(NULL),
                                       texts[i], &h, err, sizeof err);
        body_bytes += body ? strlen(body) : 0;
        free(body);
    }
    t1 = seconds();
    printf("bench_upload: composing %zu request bodies (%.1f KiB): %.1f ms\n", n_texts, body_bytes / 1024.0,
           (t1 - t0) * 1e3);

    /* The uploader's own build into the outbox; HQ unreachable so only building is measured. */
    target_mark = 0;
    for (size_t i = 0; i < y.n; i++)
        target_mark = y.b[i].revision > target_mark ? y.b[i].revision : target_mark;
    upload_config cfg = ut_config(dir, "http://127.0.0.1:9", ut_token_file(dir, UT_TOKEN));
    cfg.batch_max_buckets = 500;
    cfg.backoff_base_ms = 60000;
    upload *u;
    t0 = seconds();
    if (upload_start(&u, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "bench_upload: %s\n", err);
        return 1;
    }
    upload_status st;
    bool ok = ut_wait(u, covered, 600, &st);
    t1 = seconds();
    printf("bench_upload: uploader build into the outbox: %lld buckets in %d batches, %.1f ms%s\n",
           (long long)st.outbox_buckets, st.outbox_batches, (t1 - t0) * 1e3, ok ? "" : " (did not finish)");
    upload_stop(u);

    for (size_t i = 0; i < n_texts; i++)
        free(texts[i]);
    free(texts);
    free(y.b);
    upload_buckets_free(bs);
    queue_close(q);
    return ok ? 0 : 1;
}
