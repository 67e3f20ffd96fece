/* Disk full on the board: the outbox is capped (PRAGMA max_page_count, the same SQLITE_FULL a
 * full disk gives) while headquarters is unreachable. The outbox stops growing cleanly (state
 * disk_full, batch count and high-water mark frozen, file sound), then once HQ is back the sent
 * batches free space, building resumes where it stopped, and HQ ends with the board's totals.
 * argv[1]: borne-collector. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test_upload_support.h"
#include "testlib.h"

static const char *collector_bin;
static int failures_seen;

static bool full(const upload_status *s)
{
    return s->state == UPLOAD_DISK_FULL && s->outbox_batches > 0;
}

static bool failed_again(const upload_status *s)
{
    return s->failures > failures_seen;
}

static void test_full_outbox(void)
{
    const char *dir = testlib_tmpdir("upload-diskfull");
    queue *q = ut_engine(dir);
    if (!CHECK(q != NULL))
        return;
    ut_simulate(q, ut_days_ago(30), 29, 20, 77);
    int port = ut_free_port();
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    upload_config cfg = ut_config(dir, url, ut_token_file(dir, UT_TOKEN));
    cfg.outbox_max_bytes = 96 * 1024;
    char outbox[600];
    snprintf(outbox, sizeof outbox, "%s.upload", cfg.db_path);
    upload *u;
    char err[512];
    CHECK_INT(upload_start(&u, &cfg, err, sizeof err), 0);
    upload_status st;
    CHECK(ut_wait(u, full, 30, &st));
    CHECK(strstr(st.build_error, "outbox full") != NULL);
    int batches = st.outbox_batches;
    int64_t mark = st.high_water;

    /* More visits, more tries: nothing more fits, nothing is half-written. */
    ut_simulate(q, ut_days_ago(1), 1, 20, 78);
    for (int i = 0; i < 3; i++) {
        failures_seen = st.failures;
        upload_kick(u);
        CHECK(ut_wait(u, failed_again, 30, &st));
        CHECK_INT(st.state, UPLOAD_DISK_FULL);
        CHECK_INT(st.outbox_batches, batches);
        CHECK_INT(st.high_water, mark);
        CHECK(strstr(st.build_error, "outbox full") != NULL);
    }
    ut_check_integrity(outbox);
    char from[11], to[11];
    ut_day_text(ut_days_ago(30), from);
    ut_day_text(ut_days_ago(1), to);
    int64_t engine_max = 0;
    CHECK_INT(queue_aggregates(q, from, to, ut_max_revision, &engine_max), 0);
    CHECK(mark < engine_max);

    /* HQ is back: acknowledged batches make room, building resumes, everything arrives. */
    ut_collector hq;
    CHECK(ut_collector_start(&hq, collector_bin, dir, port, NULL, NULL));
    upload_kick(u);
    CHECK(ut_wait(u, ut_outbox_empty, 60, &st));
    CHECK_INT(st.state, UPLOAD_IDLE);
    CHECK_INT(st.high_water, engine_max);
    CHECK(st.batches_sent > batches);
    CHECK_STR(st.build_error, "");
    CHECK(ut_compare_with_hq(q, &hq, NULL, from, to) > 100);
    upload_stop(u);
    ut_check_integrity(outbox);
    ut_collector_stop(&hq);
    queue_close(q);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s <borne-collector>\n", argv[0]);
        return 2;
    }
    collector_bin = argv[1];
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    RUN(test_full_outbox);
    return testlib_finish();
}
