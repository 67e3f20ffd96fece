/* Group commit on a real borne-collector, for the backend named in argv[1] (sqlite or postgresql): the
 * writer's one transaction for every batch queued meanwhile.
 * - A refresh folding three months of an antenne at once keeps the year's row whole.
 * - The store's group write (collector_store_apply) over 41 batches of 12 antennes: statements of many rows
 *   cut at repeated keys, newer, stale and resent batches, reports with and without health. Each batch's
 *   applied count, the stored buckets, the health rows and the rollup equal applying the batches in turn.
 * - Over HTTP, concurrent uploads held behind a lock on the store (taken by the test) so they queue into
 *   groups: no answer comes while the writer cannot commit, then all are 200 and stored.
 * - One batch the database refuses (a trigger the test adds) in a group: it gets 503, the others of its
 *   group 200 and are stored; once the trigger is gone its resend is stored.
 * - A 200 is on disk: the collector killed (SIGKILL) right after one, restarted, has the batch. */
#include <curl/curl.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "borne/collector_synth.h"
#include "test_collector_harness.h"
#include "testlib.h"

static struct harness h;
static int64_t today;
static uint64_t next_uuid = 1;

#define SITES 16
#define HOURS 6

static struct collector_bucket bucket(int64_t day, int hour, char service, int64_t revision, int64_t issued)
{
    struct collector_bucket b = {.hour = hour, .service = {service}, .revision = revision, .issued = issued,
                                 .called = issued, .served = issued, .schema = CONTRACT_SCHEMA};
    collector_synth_day_text(day, b.day);
    b.outcomes[CONTRACT_OUTCOME_ANSWERED - 1] = issued;
    return b;
}

/* HOURS buckets of one antenne (hours 8.., service `service`), `version` names the batch's health report
 * (NULL: none). */
static char *body_of(int site, int64_t day, char service, int64_t revision, int64_t base, int64_t sent_at,
                     const char *version)
{
    char antenne[16], uuid[COLLECTOR_UUID_LEN + 1];
    snprintf(antenne, sizeof antenne, "site-%d", site);
    struct collector_bucket b[HOURS];
    for (int j = 0; j < HOURS; j++)
        b[j] = bucket(day, 8 + j, service, revision, base + j);
    collector_synth_uuid(next_uuid++, 7, uuid);
    struct collector_health health = {.uptime_s = 100, .last_upload = -1, .queue_waiting = 1};
    snprintf(health.version, sizeof health.version, "%s", version ? version : "");
    snprintf(health.printer, sizeof health.printer, "ready");
    return collector_synth_body(antenne, uuid, sent_at, b, HOURS, version ? &health : NULL);
}

/* ---- what the store holds ------------------------------------------------------------------------ */

struct stored {
    long rows;
    int64_t issued, revision;
};

static int add_row(void *ctx, const struct collector_row *r)
{
    struct stored *s = ctx;
    s->rows++;
    s->issued += r->bucket.issued;
    s->revision += r->bucket.revision;
    return 0;
}

static struct stored stored_of(struct collector_store *st, int site, int64_t day, char service)
{
    struct collector_filter f;
    memset(&f, 0, sizeof f);
    collector_synth_day_text(day, f.from);
    memcpy(f.to, f.from, sizeof f.to);
    snprintf(f.antenne, sizeof f.antenne, "site-%d", site);
    f.service[0] = service;
    struct stored s = {0, 0, 0};
    if (collector_store_export(st, &f, add_row, &s) != 0)
        s.rows = -1;
    return s;
}

struct device_seen {
    char version[SITES][sizeof ((struct collector_health *)0)->version];
    int64_t sent_at[SITES];
};

static int on_device(void *ctx, const struct collector_device *d)
{
    struct device_seen *seen = ctx;
    int site = atoi(d->antenne + 5);
    if (site >= 0 && site < SITES) {
        snprintf(seen->version[site], sizeof seen->version[site], "%s", d->health.version);
        seen->sent_at[site] = d->sent_at;
    }
    return 0;
}

static int add_tickets(void *ctx, const struct collector_rollup *r)
{
    *(int64_t *)ctx += r->sums.issued;
    return 0;
}

/* ---- the store's group write ---------------------------------------------------------------------- */

/* 41 batches in one group: 12 antennes x rounds of revisions 1, 2, 1 (stale), 4 (antennes 0-3), then
 * batch 0 again. Reports: the latest sent_at wins (the last of equals); antennes 10 and 11 send none in
 * round 1. */
static void store_group_equals_in_turn(void)
{
    enum { N = 41, ANTENNES = 12 };
    static const int64_t revisions[] = {1, 2, 1, 4};
    char *bodies[N];
    struct collector_batch *batches[N];
    size_t expect_applied[N];
    int64_t now = (int64_t)time(NULL);
    int64_t expect_issued[ANTENNES] = {0}, stored_rev[ANTENNES] = {0}, best_sent[ANTENNES];
    char expect_version[ANTENNES][32];
    for (int a = 0; a < ANTENNES; a++)
        best_sent[a] = INT64_MIN;
    for (int i = 0; i < N; i++) {
        int a = i == N - 1 ? 0 : i % ANTENNES, round = i / ANTENNES;
        int64_t rev = i == N - 1 ? revisions[0] : revisions[round];
        int64_t base = i == N - 1 ? 0 : 100 * round;
        /* sent_at: not in the order of the rounds, with ties */
        int64_t sent_at = now - 600 + (int64_t)((round * 7 + a) % 3) * 60;
        char version[32];
        snprintf(version, sizeof version, "1.%d.%d", round, a);
        bool reports = !(round == 1 && a >= 10);
        if (i == N - 1) {
            bodies[i] = strdup(bodies[0]);   /* a resend: same batch id, same content */
        } else {
            bodies[i] = body_of(a, today - 1, 'G', rev, base + a, sent_at, reports ? version : NULL);
        }
        char antenne[16];
        snprintf(antenne, sizeof antenne, "site-%d", a);
        struct collector_ingest_error err;
        if (collector_ingest_parse(bodies[i], strlen(bodies[i]), antenne, now, 100, &batches[i], &err) !=
            COLLECTOR_INGEST_OK) {
            CHECK_STR(err.message, "");
            return;
        }
        /* in turn: a bucket applies when its revision is newer than the stored one */
        expect_applied[i] = rev > stored_rev[a] ? HOURS : 0;
        if (rev > stored_rev[a]) {
            stored_rev[a] = rev;
            expect_issued[a] = 0;
            for (int j = 0; j < HOURS; j++)
                expect_issued[a] += base + a + j;
        }
        if (i != N - 1 && reports && sent_at >= best_sent[a]) {
            best_sent[a] = sent_at;
            snprintf(expect_version[a], sizeof expect_version[a], "%s", version);
        }
    }
    struct collector_store *st = harness_open_store(&h);
    CHECK(st != NULL);
    if (!st)
        return;
    size_t applied[N];
    CHECK_INT(collector_store_apply(st, (const struct collector_batch *const *)batches, N, now, applied), 0);
    for (int i = 0; i < N; i++)
        CHECK_INT(applied[i], expect_applied[i]);
    struct device_seen seen;
    memset(&seen, 0, sizeof seen);
    CHECK_INT(collector_store_devices(st, on_device, &seen), 0);
    for (int a = 0; a < ANTENNES; a++) {
        struct stored s = stored_of(st, a, today - 1, 'G');
        CHECK_INT(s.rows, HOURS);
        CHECK_INT(s.issued, expect_issued[a]);
        CHECK_INT(s.revision, stored_rev[a] * HOURS);
        CHECK_STR(seen.version[a], expect_version[a]);
        CHECK_INT(seen.sent_at[a], best_sent[a]);
        char antenne[16];
        snprintf(antenne, sizeof antenne, "site-%d", a);
        int64_t tickets = 0;
        CHECK_INT(collector_store_rollup_walk(st, today - 1, today - 1, antenne, add_tickets, &tickets), 0);
        CHECK_INT(tickets, expect_issued[a]);
    }
    collector_store_close(st);
    for (int i = 0; i < N; i++) {
        collector_batch_free(batches[i]);
        free(bodies[i]);
    }
}

/* Three months of one antenne folded by one refresh: the year's row sums them all (a refresh writes several
 * months in one transaction, and a year's row is summed from the stored months). */
static void refresh_months_of_one_year(void)
{
    static const char *const days[] = {"2025-01-15", "2025-02-15", "2025-03-15"};
    struct collector_batch *batches[3];
    char *bodies[3];
    int64_t now = (int64_t)time(NULL), want = 0;
    for (int i = 0; i < 3; i++) {
        bodies[i] = body_of(11, collector_ingest_parse_day(days[i]), 'Y', 1, 10 * (i + 1), now, "4.0");
        want += HOURS * 10 * (i + 1) + HOURS * (HOURS - 1) / 2;
        struct collector_ingest_error err;
        CHECK_INT(collector_ingest_parse(bodies[i], strlen(bodies[i]), "site-11", now, 100, &batches[i], &err),
                  COLLECTOR_INGEST_OK);
    }
    struct collector_store *st = harness_open_store(&h);
    CHECK(st != NULL);
    if (!st)
        return;
    size_t applied[3];
    CHECK_INT(collector_store_apply(st, (const struct collector_batch *const *)batches, 3, now, applied), 0);
    int64_t tickets = 0;
    CHECK_INT(collector_store_rollup_walk(st, collector_ingest_parse_day("2025-01-01"),
                                          collector_ingest_parse_day("2025-12-31"), "site-11", add_tickets, &tickets),
              0);
    CHECK_INT(tickets, want);
    collector_store_close(st);
    for (int i = 0; i < 3; i++) {
        collector_batch_free(batches[i]);
        free(bodies[i]);
    }
}

/* ---- concurrent uploads over HTTP ----------------------------------------------------------------- */

/* The test's hold on the store: while it is taken, the writers cannot write (PostgreSQL: a SHARE lock on
 * the buckets; SQLite: the write lock). */
struct blocker {
    PGconn *pg;
    sqlite3 *db;
};

static bool block_store(struct blocker *b)
{
    memset(b, 0, sizeof *b);
    if (h.backend == COLLECTOR_BACKEND_POSTGRESQL) {
        b->pg = PQconnectdb(h.storage);
        PGresult *r = PQexec(b->pg, "BEGIN; LOCK TABLE buckets IN SHARE MODE");
        bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            fprintf(stderr, "lock: %s", PQerrorMessage(b->pg));
        PQclear(r);
        return ok;
    }
    return sqlite3_open(h.storage, &b->db) == SQLITE_OK &&
           sqlite3_exec(b->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
}

static void unblock_store(struct blocker *b)
{
    if (b->pg) {
        PQclear(PQexec(b->pg, "COMMIT"));
        PQfinish(b->pg);
    }
    if (b->db) {
        sqlite3_exec(b->db, "COMMIT", NULL, NULL, NULL);
        sqlite3_close(b->db);
    }
}

/* PostgreSQL: true once one of the collector's connections waits for a lock (a writer stopped by ours). */
static bool writer_waits(void)
{
    PGconn *c = PQconnectdb(h.storage);
    const char *params[] = {h.pg_schema};
    PGresult *r = PQexecParams(c,
                               "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1"
                               " AND wait_event_type = 'Lock'",
                               1, NULL, params, NULL, NULL, 0);
    bool waits = PQresultStatus(r) == PGRES_TUPLES_OK && atoi(PQgetvalue(r, 0, 0)) > 0;
    PQclear(r);
    PQfinish(c);
    return waits;
}

struct upload {
    CURL *c;
    struct curl_slist *headers;
    char *body;
    char resp[512];
    size_t resp_len;
    long status;
    bool done;
};

static size_t on_resp(char *data, size_t size, size_t n, void *ctx)
{
    struct upload *u = ctx;
    size_t len = size * n, room = sizeof u->resp - 1 - u->resp_len;
    memcpy(u->resp + u->resp_len, data, len < room ? len : room);
    u->resp_len += len < room ? len : room;
    u->resp[u->resp_len] = '\0';
    return len;
}

static void upload_start(CURLM *m, struct upload *u, int site, char *body)
{
    memset(u, 0, sizeof *u);
    u->body = body;
    char url[256], auth[128];
    snprintf(url, sizeof url, "%s/api/v1/antennes/site-%d/batches", h.url, site);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", harness_token(site));
    u->headers = curl_slist_append(curl_slist_append(NULL, "Content-Type: application/json"), auth);
    u->c = curl_easy_init();
    curl_easy_setopt(u->c, CURLOPT_URL, url);
    curl_easy_setopt(u->c, CURLOPT_HTTPHEADER, u->headers);
    curl_easy_setopt(u->c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(u->c, CURLOPT_WRITEFUNCTION, on_resp);
    curl_easy_setopt(u->c, CURLOPT_WRITEDATA, u);
    curl_easy_setopt(u->c, CURLOPT_PRIVATE, u);
    curl_easy_setopt(u->c, CURLOPT_TIMEOUT, 120L);
    curl_multi_add_handle(m, u->c);
}

/* Drives the transfers once; returns how many finished so far. */
static int uploads_pump(CURLM *m, struct upload *u, int n)
{
    int running;
    curl_multi_perform(m, &running);
    curl_multi_poll(m, NULL, 0, 100, NULL);
    curl_multi_perform(m, &running);
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(m, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        struct upload *done;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&done);
        done->done = true;
        if (msg->data.result == CURLE_OK)
            curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &done->status);
    }
    int finished = 0;
    for (int i = 0; i < n; i++)
        finished += u[i].done;
    return finished;
}

static bool all_sent(struct upload *u, int n)
{
    for (int i = 0; i < n; i++) {
        curl_off_t sent = 0;
        curl_easy_getinfo(u[i].c, CURLINFO_SIZE_UPLOAD_T, &sent);
        if (!u[i].done && sent < (curl_off_t)strlen(u[i].body))
            return false;
    }
    return true;
}

static long applied_of(const struct upload *u)
{
    json_t *j = json_loads(u->resp, 0, NULL);
    long applied = j ? (long)json_integer_value(json_object_get(j, "applied")) : -1;
    json_decref(j);
    return applied;
}

#define UPLOADS 40
#define REFUSED_SITE 5

/* Uploads of UPLOADS batches (sites 0..SITES-1 in turn, each a new hour set of service `service`) sent
 * together while the store is held; released once every body is in and (PostgreSQL) a writer waits on
 * the lock. No answer comes before. Returns the uploads' statuses in status[]. */
static void concurrent_uploads(char service, long status[UPLOADS], long applied[UPLOADS])
{
    struct blocker b;
    CHECK(block_store(&b));
    CURLM *m = curl_multi_init();
    static struct upload u[UPLOADS];
    for (int i = 0; i < UPLOADS; i++)
        upload_start(m, &u[i], i % SITES,
                     body_of(i % SITES, today - 2, (char)(service + i / SITES), 1, i, (int64_t)time(NULL), "2.0"));
    /* generous: a loaded machine, never a measure */
    time_t deadline = time(NULL) + 120;
    int finished = 0;
    while (time(NULL) < deadline &&
           !(all_sent(u, UPLOADS) && (h.backend != COLLECTOR_BACKEND_POSTGRESQL || writer_waits())))
        finished = uploads_pump(m, u, UPLOADS);
    CHECK(all_sent(u, UPLOADS));
    CHECK_INT(finished, 0);   /* nothing answered while the writers could not commit */
    unblock_store(&b);
    while (finished < UPLOADS && time(NULL) < deadline + 120)
        finished = uploads_pump(m, u, UPLOADS);
    CHECK_INT(finished, UPLOADS);
    for (int i = 0; i < UPLOADS; i++) {
        status[i] = u[i].status;
        applied[i] = u[i].status == 200 ? applied_of(&u[i]) : -1;
        curl_multi_remove_handle(m, u[i].c);
        curl_easy_cleanup(u[i].c);
        curl_slist_free_all(u[i].headers);
        free(u[i].body);
    }
    curl_multi_cleanup(m);
}

static void concurrent_uploads_all_stored(void)
{
    long status[UPLOADS], applied[UPLOADS];
    concurrent_uploads('K', status, applied);
    struct collector_store *st = harness_open_store(&h);
    CHECK(st != NULL);
    for (int i = 0; st && i < UPLOADS; i++) {
        CHECK_INT(status[i], 200);
        CHECK_INT(applied[i], HOURS);
        struct stored s = stored_of(st, i % SITES, today - 2, (char)('K' + i / SITES));
        CHECK_INT(s.rows, HOURS);
        CHECK_INT(s.issued, HOURS * i + HOURS * (HOURS - 1) / 2);
    }
    collector_store_close(st);
}

/* The database refuses the rows of REFUSED_SITE (a trigger): its batches fail alone. */
static bool refuse_site(bool on)
{
    const char *sql;
    if (h.backend == COLLECTOR_BACKEND_POSTGRESQL) {
        sql = on ? "CREATE FUNCTION refuse_site() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                   " IF NEW.antenne = 'site-5' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$;"
                   "CREATE TRIGGER refuse BEFORE INSERT ON buckets FOR EACH ROW EXECUTE FUNCTION refuse_site()"
                 : "DROP TRIGGER refuse ON buckets; DROP FUNCTION refuse_site()";
        PGconn *c = PQconnectdb(h.storage);
        PGresult *r = PQexec(c, sql);
        bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            fprintf(stderr, "trigger: %s", PQerrorMessage(c));
        PQclear(r);
        PQfinish(c);
        return ok;
    }
    sql = on ? "CREATE TRIGGER refuse BEFORE INSERT ON buckets WHEN NEW.antenne = 'site-5'"
               " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
             : "DROP TRIGGER refuse";
    sqlite3 *db = NULL;
    bool ok = sqlite3_open(h.storage, &db) == SQLITE_OK && sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
    if (!ok)
        fprintf(stderr, "trigger: %s\n", sqlite3_errmsg(db));
    sqlite3_close(db);
    return ok;
}

static void refused_batch_alone_fails(void)
{
    _Static_assert(REFUSED_SITE < SITES, "the refused site uploads");
    CHECK(refuse_site(true));
    long status[UPLOADS], applied[UPLOADS];
    concurrent_uploads('P', status, applied);
    CHECK(refuse_site(false));
    struct collector_store *st = harness_open_store(&h);
    CHECK(st != NULL);
    for (int i = 0; st && i < UPLOADS; i++) {
        struct stored s = stored_of(st, i % SITES, today - 2, (char)('P' + i / SITES));
        if (i % SITES == REFUSED_SITE) {
            CHECK_INT(status[i], 503);
            CHECK_INT(s.rows, 0);
        } else {
            CHECK_INT(status[i], 200);
            CHECK_INT(applied[i], HOURS);
            CHECK_INT(s.rows, HOURS);
        }
    }
    collector_store_close(st);
    /* the board retries once the store takes it again */
    char *body = body_of(REFUSED_SITE, today - 2, 'P', 1, REFUSED_SITE, (int64_t)time(NULL), "2.0");
    char antenne[16];
    snprintf(antenne, sizeof antenne, "site-%d", REFUSED_SITE);
    CHECK_INT(harness_post(&h, antenne, harness_token(REFUSED_SITE), body, NULL), 200);
    free(body);
    st = harness_open_store(&h);
    CHECK(st != NULL);
    if (st) {
        CHECK_INT(stored_of(st, REFUSED_SITE, today - 2, 'P').rows, HOURS);
        collector_store_close(st);
    }
}

/* ---- a 200 means committed -------------------------------------------------------------------------- */

static void answer_means_committed(void)
{
    for (int k = 0; k < 3; k++) {
        int site = 3 + k;
        char antenne[16];
        snprintf(antenne, sizeof antenne, "site-%d", site);
        char *body = body_of(site, today - 3, (char)('T' + k), 1, 50, (int64_t)time(NULL), "3.0");
        CHECK_INT(harness_post(&h, antenne, harness_token(site), body, NULL), 200);
        CHECK(harness_kill(&h));
        CHECK(harness_restart(&h));
        struct collector_store *st = harness_open_store(&h);
        CHECK(st != NULL);
        if (st) {
            struct stored s = stored_of(st, site, today - 3, (char)('T' + k));
            CHECK_INT(s.rows, HOURS);
            CHECK_INT(s.issued, HOURS * 50 + HOURS * (HOURS - 1) / 2);
            collector_store_close(st);
        }
        free(body);
    }
}

int main(int argc, char **argv)
{
    const char *backend = argc > 1 ? argv[1] : "sqlite";
    today = (int64_t)time(NULL) / 86400;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (!harness_start(&h, "group", backend, SITES, 4, NULL)) {
        fprintf(stderr, "cannot start the collector on %s\n", backend);
        return 1;
    }
    RUN(store_group_equals_in_turn);
    RUN(refresh_months_of_one_year);
    RUN(concurrent_uploads_all_stored);
    RUN(refused_batch_alone_fails);
    RUN(answer_means_committed);
    CHECK(harness_stop(&h));
    curl_global_cleanup();
    return testlib_finish();
}
