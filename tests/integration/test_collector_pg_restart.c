/* PostgreSQL drops the collector's connections (as on a database restart): the collector keeps
 * serving. The board's next upload gets at most one 503 with Retry-After (nothing stored), its retry
 * is accepted, exports work again, and every bucket is stored exactly once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "borne/collector_synth.h"
#include "test_collector_harness.h"
#include "testlib.h"

static struct harness h;

static char *batch(int64_t day, int hour, int64_t issued, uint64_t n)
{
    struct collector_bucket b;
    memset(&b, 0, sizeof b);
    collector_synth_day_text(day, b.day);
    b.hour = hour;
    b.service[0] = 'A';
    b.revision = 1;
    b.issued = issued;
    char uuid[COLLECTOR_UUID_LEN + 1];
    collector_synth_uuid(n, 99, uuid);
    return collector_synth_body("site-0", uuid, (int64_t)time(NULL), &b, 1, NULL);
}

/* Posts like the board does: a 503 is retried; returns the number of 503 answers before the 200
 * (or -1 on any other answer). */
static int post_with_retry(const char *body)
{
    for (int refused = 0; refused < 3; refused++) {
        long status = harness_post(&h, "site-0", harness_token(0), body, NULL);
        if (status == 200)
            return refused;
        if (status != 503) {
            fprintf(stderr, "unexpected answer %ld\n", status);
            return -1;
        }
    }
    return -1;
}

static void kill_connections(void)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "DO $$ BEGIN PERFORM pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '%s'; "
             "END $$",
             h.pg_schema);
    CHECK(harness_pg_command(sql));
}

static void survives_dropped_connections(void)
{
    int64_t today = (int64_t)time(NULL) / 86400;
    char *a = batch(today - 1, 9, 11, 1), *b = batch(today - 1, 10, 13, 2);
    CHECK_INT(post_with_retry(a), 0);
    kill_connections();
    int refused = post_with_retry(b);
    CHECK(refused == 0 || refused == 1);
    /* The readers' pooled connections were dropped too: at most one failed export per connection. */
    long status = 0;
    for (int i = 0; i < 8 && status != 200; i++)
        status = harness_request(&h, "GET", "/api/v1/export.csv", HARNESS_ADMIN_TOKEN, NULL, 0, NULL);
    CHECK_INT(status, 200);
    CHECK_INT(post_with_retry(a), 0); /* a resend after all that is still harmless */
    struct collector_store *s = harness_open_store(&h);
    CHECK(s != NULL);
    if (s) {
        CHECK_INT(harness_count_rows(s, NULL), 2);
        collector_store_close(s);
    }
    CHECK(harness_alive(&h));
    free(a);
    free(b);
}

int main(void)
{
    if (!harness_start(&h, "collector-pg-restart", "postgresql", 2, 2, NULL)) {
        fprintf(stderr, "FAIL: cannot start the collector on postgresql\n");
        harness_stop(&h);
        return 1;
    }
    RUN(survives_dropped_connections);
    CHECK(harness_stop(&h));
    return testlib_finish();
}
