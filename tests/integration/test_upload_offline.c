/* Collector down for 30 simulated days of activity, then up: every bucket arrives once and the
 * totals at HQ (read back from the real borne-collector's JSON export) equal the board's
 * aggregates exactly. Then the outbox file is lost and everything is sent again: HQ still holds
 * the same totals (resending never double-counts), and the device health it stored is the board's.
 * argv[1]: the borne-collector binary. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "test_upload_support.h"
#include "testlib.h"

static const char *collector_bin;

/* Every wait is on a condition the engine fixes in advance, never on the order in which the
 * uploader's thread happens to run: "the outbox is empty" alone was true, on a loaded machine,
 * while the thread was still sending an earlier build and had not yet taken the last kick. */
static int64_t target;   /* the engine's largest revision, once everything is written */

static bool backing_off_with_all_built(const upload_status *s)
{
    return s->state == UPLOAD_BACKOFF && s->failures >= 3 && s->high_water == target;
}

static bool sent_at_least_twice(const upload_status *s)
{
    return s->batches_sent >= 2;
}

static bool all_sent(const upload_status *s)
{
    return ut_outbox_empty(s) && s->high_water == target;
}

static int64_t engine_max_revision(queue *q, int64_t first_day, int64_t last_day)
{
    char from[11], to[11];
    ut_day_text(first_day, from);
    ut_day_text(last_day, to);
    int64_t max = 0;
    CHECK_INT(queue_aggregates(q, from, to, ut_max_revision, &max), 0);
    return max;
}

/* The health row the collector stored (its SQLite store: what HQ's page shows). */
static void check_hq_health(const char *dir)
{
    sqlite3 *db;
    CHECK_INT(sqlite3_open_v2(testlib_path(dir, "hq.sqlite"), &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *s = NULL;
    CHECK_INT(sqlite3_prepare_v2(db, "SELECT version, printer, queue_waiting, last_upload, uptime_s FROM health"
                                     " WHERE antenne = '" UT_ANTENNE "'", -1, &s, NULL), SQLITE_OK);
    if (CHECK_INT(sqlite3_step(s), SQLITE_ROW)) {
        CHECK_STR((const char *)sqlite3_column_text(s, 0), "0.1.0");
        CHECK_STR((const char *)sqlite3_column_text(s, 1), "near_end");
        CHECK_INT(sqlite3_column_int64(s, 2), 3);
        CHECK(sqlite3_column_int64(s, 3) > 0);
        CHECK(sqlite3_column_int64(s, 4) >= 0);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
}

static void test_thirty_days_offline(void)
{
    const char *dir = testlib_tmpdir("upload-offline");
    queue *q = ut_engine(dir);
    CHECK(q != NULL);
    if (!q)
        return;
    int port = ut_free_port();
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    upload_config cfg = ut_config(dir, url, ut_token_file(dir, UT_TOKEN));
    upload *u;
    char err[512];
    CHECK_INT(upload_start(&u, &cfg, err, sizeof err), 0);
    if (!u) {
        fprintf(stderr, "%s\n", err);
        queue_close(q);
        return;
    }
    CHECK_INT(upload_set_printer_state(u, "near_end"), 0);
    CHECK_INT(upload_set_printer_state(u, "Paper Out"), -22);

    /* Thirty days of visits, written while the uploader builds batches and fails to send. */
    int64_t first = ut_days_ago(30);
    for (int d = 0; d < 30; d++) {
        ut_simulate(q, ut_days_ago(30 - d), 1, 20, 1000u + (unsigned)d);
        upload_kick(u);
    }
    upload_status st;
    char from[11], to[11];
    ut_day_text(first, from);
    ut_day_text(ut_days_ago(1), to);
    int64_t engine_max = target = engine_max_revision(q, first, ut_days_ago(1));
    CHECK(ut_wait(u, backing_off_with_all_built, 240, &st));
    CHECK_INT(st.last_success_ms, 0);
    CHECK(strstr(st.last_error, "onnect") != NULL);   /* "Couldn't connect to server" */

    /* Headquarters comes up where the board expects it; the network is back: kick. */
    ut_collector c;
    CHECK(ut_collector_start(&c, collector_bin, dir, port, NULL, NULL));
    upload_kick(u);
    CHECK(ut_wait(u, all_sent, 240, &st));
    CHECK_INT(st.state, UPLOAD_IDLE);
    CHECK_INT(st.high_water, engine_max);
    CHECK_STR(st.last_error, "");
    CHECK_STR(st.build_error, "");
    CHECK_INT(st.rejected_batches, 0);
    int n = ut_compare_with_hq(q, &c, NULL, from, to);
    CHECK(n > 100);
    printf("30 days: %d buckets, %lld batches, all equal at HQ\n", n, (long long)st.batches_sent);
    upload_stop(u);

    /* The outbox file is lost: the next start sends everything again, HQ keeps the same totals. */
    char outbox[512];
    snprintf(outbox, sizeof outbox, "%s.upload", cfg.db_path);
    CHECK_INT(unlink(outbox), 0);
    unlink(testlib_path(dir, "borne.db.upload-wal"));
    unlink(testlib_path(dir, "borne.db.upload-shm"));
    CHECK_INT(upload_start(&u, &cfg, err, sizeof err), 0);
    CHECK_INT(upload_set_printer_state(u, "near_end"), 0);
    CHECK(ut_wait(u, sent_at_least_twice, 240, &st));
    CHECK(ut_wait(u, all_sent, 240, &st));
    CHECK_INT(st.high_water, engine_max);
    CHECK_INT(ut_compare_with_hq(q, &c, NULL, from, to), n);

    /* Feedback not about any service travels in its own bucket (service ""), like the rest.
     * Three visitors wait today: the health record HQ stores says so, with the printer state and
     * version given to the uploader. */
    CHECK_INT(queue_feedback(q, ut_days_ago(1) + 12 * 3600, 2, 0, CONTRACT_REASON_NONE), 0);
    queue_issued is;
    for (int i = 0; i < 3; i++)
        CHECK_INT(queue_issue(q, (int64_t)time(NULL), 'A', NULL, &is), 0);
    target = engine_max_revision(q, first, (int64_t)time(NULL));
    CHECK(target > engine_max);
    upload_kick(u);
    CHECK(ut_wait(u, all_sent, 240, &st));
    CHECK_STR(st.build_error, "");
    char yesterday[11], today[11];
    ut_day_text(ut_days_ago(1), yesterday);
    ut_day_text((int64_t)time(NULL), today);
    CHECK(ut_compare_with_hq(q, &c, NULL, yesterday, today) >= 2);
    upload_stop(u);
    check_hq_health(dir);
    ut_collector_stop(&c);
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
    RUN(test_thirty_days_offline);
    return testlib_finish();
}
