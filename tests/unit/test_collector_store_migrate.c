/* A collector store written before contract 2 (SQLite file with the schema-1 buckets table) opens
 * with the new columns added: its rows read back as contract 1 with the new counts at 0, and a
 * contract-2 batch can then be stored beside them. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "borne/collector_store.h"
#include "borne/collector_synth.h"
#include "testlib.h"

static const char v1_schema[] =
    "CREATE TABLE buckets (antenne TEXT NOT NULL, day TEXT NOT NULL, hour INTEGER NOT NULL, service TEXT NOT NULL,"
    " public_type TEXT NOT NULL, revision BIGINT NOT NULL, issued BIGINT NOT NULL, called BIGINT NOT NULL,"
    " served BIGINT NOT NULL, redirected BIGINT NOT NULL, no_show BIGINT NOT NULL, cancelled BIGINT NOT NULL,"
    " expired BIGINT NOT NULL, transferred BIGINT NOT NULL, appointments_checked_in BIGINT NOT NULL,"
    " wait_sum_s BIGINT NOT NULL, wait_count BIGINT NOT NULL, wait_p50_s BIGINT NOT NULL, wait_p90_s BIGINT NOT NULL,"
    " service_sum_s BIGINT NOT NULL, service_count BIGINT NOT NULL, service_p50_s BIGINT NOT NULL,"
    " service_p90_s BIGINT NOT NULL, fb1 BIGINT NOT NULL, fb2 BIGINT NOT NULL, fb3 BIGINT NOT NULL,"
    " fb4 BIGINT NOT NULL, fb5 BIGINT NOT NULL, batch TEXT NOT NULL, received_at BIGINT NOT NULL,"
    " PRIMARY KEY (antenne, day, hour, service, public_type));"
    "INSERT INTO buckets VALUES ('fourmies', '2026-03-02', 9, 'A', '', 4, 12, 11, 10, 1, 1, 0, 0, 0, 0,"
    " 3300, 11, 280, 610, 6000, 10, 560, 900, 5, 4, 3, 2, 1, 'b', 1);";

struct seen {
    long rows;
    int schema;
    int64_t issued, online, fb1;
};

static int see(void *ctx, const struct collector_row *r)
{
    struct seen *s = ctx;
    if (strcmp(r->bucket.day, "2026-03-02") == 0) {
        s->schema = r->bucket.schema;
        s->issued = r->bucket.issued;
        s->online = r->bucket.outcomes[CONTRACT_OUTCOME_ONLINE_HELP - 1];
        s->fb1 = r->bucket.feedback[0];
    }
    s->rows++;
    return 0;
}

static void v1_store_upgraded(void)
{
    const char *path = testlib_path(testlib_tmpdir("collector-migrate"), "old.sqlite");
    sqlite3 *db;
    CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
    CHECK_INT(sqlite3_exec(db, v1_schema, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    struct collector_store *store = NULL;
    char err[512];
    CHECK_INT(collector_store_open(COLLECTOR_BACKEND_SQLITE, path, &store, err, sizeof err), 0);
    if (!store) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    struct collector_filter all;
    memset(&all, 0, sizeof all);
    struct seen s = {0};
    CHECK_INT(collector_store_export(store, &all, see, &s), 0);
    CHECK_INT(s.rows, 1);
    CHECK_INT(s.schema, 1);
    CHECK_INT(s.issued, 12);
    CHECK_INT(s.fb1, 5);
    CHECK_INT(s.online, 0);

    struct collector_synth_site site = {"fourmies", 1.0, 7};
    struct collector_bucket b[COLLECTOR_SYNTH_SERVICES];
    size_t n = collector_synth_hour(&site, 20515 /* 2026-03-03, a Tuesday */, 10, 1, b, COLLECTOR_SYNTH_SERVICES);
    CHECK_INT(n, COLLECTOR_SYNTH_SERVICES);
    char uuid[COLLECTOR_UUID_LEN + 1];
    collector_synth_uuid(1, 2, uuid);
    char *body = collector_synth_body("fourmies", uuid, 20515LL * 86400 + 40000, b, n, NULL);
    struct collector_batch *batch = NULL;
    struct collector_ingest_error ierr;
    CHECK_INT(collector_ingest_parse(body, strlen(body), "fourmies", 20516LL * 86400, 100, &batch, &ierr),
              COLLECTOR_INGEST_OK);
    if (batch) {
        size_t applied = 0;
        const struct collector_batch *const list[] = {batch};
        CHECK_INT(collector_store_apply(store, list, 1, 20516LL * 86400, &applied), 0);
        CHECK_INT(applied, n);
    }
    s = (struct seen){0};
    CHECK_INT(collector_store_export(store, &all, see, &s), 0);
    CHECK_INT(s.rows, 1 + (long)n);
    collector_batch_free(batch);
    free(body);
    collector_store_close(store);
    /* Opening again finds every column present and changes nothing. */
    CHECK_INT(collector_store_open(COLLECTOR_BACKEND_SQLITE, path, &store, err, sizeof err), 0);
    collector_store_close(store);
}

int main(void)
{
    RUN(v1_store_upgraded);
    return testlib_finish();
}
