/* The steering console over a national-size store: N antennes (default 2,800, in 96 territories and
 * groups of three) with a realistic year each (collector_synth_day(): ~245 open days, 7 hours, 6
 * services and the phone/e-mail bucket) in PostgreSQL, then the real borne-collector answering over
 * HTTP with the 2,800 live snapshots held, as a browser asks (HQ token, one keep-alive connection):
 *   - the "Maintenant" page (goal p95 < 200 ms),
 *   - the year and a month of the region, the year of a territory, of a group and of an antenne
 *     (/console/period, read from the rollup; goal p95 < 200 ms),
 *   - the region's and an antenne's yearly Services Publics+ sheet, PDF and PNG, and a territory's
 *     monthly météo (goal < 1 s).
 * Generation (printed with its rates): the year of `sources` antennes (default 56, one per 50) goes in
 * through the store, not HTTP: each antenne-week is the JSON a board sends, parsed by the collector's
 * validator (collector_ingest_parse) and applied with collector_store_apply() (the server's own write:
 * buckets upserted, days marked dirty for the rollup) in transactions of LOAD_GROUP batches, on a second
 * connection while the collector runs; the collector's own background pass folds them into the rollup
 * (timed until no dirty day is left). Then PostgreSQL copies those antennes' buckets, rollup rows and
 * health to the others (INSERT ... SELECT: antenne k + j x sources gets antenne k's rows), which is what
 * their own uploads and refreshes would have stored for the same synthetic year, in minutes instead of
 * the hours the write path takes for 34 million buckets (the buckets table is made UNLOGGED for the
 * copy); tables are then ANALYZEd. Figures only, nothing asserted.
 *
 * Usage: bench_collector_year [antennes [days [sources]]]   (days from 2025-01-01; 365 = the year) */
#include <curl/curl.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "borne/collector_store.h"
#include "borne/collector_synth.h"
#include "test_collector_session.h"

#define LOAD_GROUP 32
#define RUNS 20

static struct harness h;

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Applies the queued batches in one transaction. */
static bool flush(struct collector_store *st, struct collector_batch **q, size_t *n)
{
    size_t applied[LOAD_GROUP];
    bool ok = collector_store_apply(st, (const struct collector_batch *const *)q, *n, (int64_t)time(NULL), applied) == 0;
    if (!ok)
        fprintf(stderr, "apply: %s\n", collector_store_error(st));
    for (size_t i = 0; i < *n; i++)
        collector_batch_free(q[i]);
    *n = 0;
    return ok;
}

static bool load_year(int sites, int days, long *rows, long *open_days)
{
    struct collector_store *st = harness_open_store(&h);
    if (!st)
        return false;
    int64_t first = collector_ingest_parse_day("2025-01-01"), now = (int64_t)time(NULL);
    struct collector_batch *queue[LOAD_GROUP];
    size_t queued = 0;
    static struct collector_bucket b[7 * COLLECTOR_SYNTH_DAY_MAX];
    bool ok = true;
    for (int s = 0; ok && s < sites; s++) {
        char id[32];
        snprintf(id, sizeof id, "site-%d", s);
        struct collector_synth_site site = {id, 0.3 + (double)(s % 17) / 10.0, (uint32_t)(s * 2654435761U + 42)};
        size_t nb = 0;
        for (int64_t day = first; ok && day < first + days; day++) {
            size_t today = collector_synth_day(&site, day, 1, b + nb, sizeof b / sizeof b[0] - nb);
            *open_days += today > 0;
            nb += today;
            bool week_end = ((day + 3) % 7 + 7) % 7 == 6 || day + 1 == first + days;
            if (!week_end || !nb)
                continue;
            char uuid[COLLECTOR_UUID_LEN + 1];
            collector_synth_uuid((uint64_t)day, (uint64_t)s, uuid);
            char *body = collector_synth_body(id, uuid, now, b, nb, NULL);
            struct collector_ingest_error err;
            if (!body || collector_ingest_parse(body, strlen(body), id, now, 100000, &queue[queued], &err) !=
                             COLLECTOR_INGEST_OK) {
                fprintf(stderr, "%s: the synthetic week does not validate\n", id);
                ok = false;
            } else {
                queued++;
                *rows += (long)nb;
            }
            free(body);
            nb = 0;
            if (queued == LOAD_GROUP)
                ok = flush(st, queue, &queued);
        }
    }
    ok = flush(st, queue, &queued) && ok;
    collector_store_close(st);
    return ok;
}

static bool post_live(int sites)
{
    CURL *c = curl_easy_init();
    long failed = 0;
    for (int s = 0; c && s < sites; s++) {
        char path[64], body[512];
        snprintf(path, sizeof path, "/api/v1/antennes/site-%d/live", s);
        session_live_body(body, sizeof body, s, s, (int64_t)time(NULL), 1 + s % 3, s % 50 == 0 ? "paper_out" : "ready",
                          s % 9, (s % 9) * 180);
        failed += session_request(&h, c, path, harness_token(s), body, 60, NULL) != 200;
    }
    curl_easy_cleanup(c);
    if (failed)
        fprintf(stderr, "%ld live snapshots refused\n", failed);
    return c && !failed;
}

/* RUNS timed GETs (after one untimed) with the HQ token: p50 and p95 in ms, and the answer's size. */
static void measure(const char *label, const char *path, double goal_ms)
{
    CURL *c = curl_easy_init();
    double ms[RUNS];
    size_t bytes = 0;
    long status = 0;
    for (int k = -1; c && k < RUNS; k++) {
        bytes = 0;
        double t0 = seconds();
        if ((status = session_request(&h, c, path, HARNESS_ADMIN_TOKEN, NULL, 600, &bytes)) != 200) {
            printf("%-44s failed (HTTP %ld)\n", label, status);
            break;
        }
        if (k >= 0)
            ms[k] = (seconds() - t0) * 1000.0;
    }
    if (status == 200) {
        qsort(ms, RUNS, sizeof ms[0], cmp_double);
        printf("%-44s p50 %8.1f ms  p95 %8.1f ms  (goal %.0f ms: %s)  %zu bytes\n", label, ms[RUNS / 2],
               ms[(RUNS * 95 + 99) / 100 - 1], goal_ms, ms[(RUNS * 95 + 99) / 100 - 1] < goal_ms ? "met" : "MISSED",
               bytes);
    }
    curl_easy_cleanup(c);
}

/* One SQL command on the collector's own database and schema; the first value of the result (or "") into
 * out when out is not NULL. */
static bool sql(const char *command, char *out, size_t outlen)
{
    PGconn *c = PQconnectdb(h.storage);
    PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, command) : NULL;
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok)
        fprintf(stderr, "%s: %s\n", command, r ? PQresultErrorMessage(r) : PQerrorMessage(c));
    if (out)
        snprintf(out, outlen, "%s", ok && PQntuples(r) > 0 && PQnfields(r) > 0 ? PQgetvalue(r, 0, 0) : "");
    PQclear(r);
    PQfinish(c);
    return ok;
}

/* Waits until the collector's background pass has folded every dirty day (10 minutes at most). */
static bool wait_folded(void)
{
    for (int i = 0; i < 6000; i++) {
        char n[32];
        if (!sql("SELECT count(*) FROM rollup_dirty", n, sizeof n))
            return false;
        if (strcmp(n, "0") == 0)
            return true;
        usleep(100 * 1000);
    }
    fprintf(stderr, "the rollup pass did not fold the year in 10 minutes\n");
    return false;
}

/* Copies the rows of antennes site-0..site-(sources-1) of table to site-(k + j*sources) < sites. */
static bool replicate(const char *table, int sites, int sources)
{
    char q[512], cols[4096];
    snprintf(q, sizeof q,
             "SELECT string_agg(column_name, ', ' ORDER BY ordinal_position) FROM information_schema.columns"
             " WHERE table_schema = current_schema() AND table_name = '%s' AND column_name <> 'antenne'",
             table);
    if (!sql(q, cols, sizeof cols) || !cols[0])
        return false;
    size_t len = strlen(cols) * 2 + 512;
    char *command = malloc(len);
    if (!command)
        return false;
    snprintf(command, len,
             "INSERT INTO %s (antenne, %s) SELECT 'site-' || (j * %d + CAST(substr(antenne, 6) AS INTEGER)), %s"
             " FROM %s, generate_series(1, %d) AS j WHERE j * %d + CAST(substr(antenne, 6) AS INTEGER) < %d",
             table, cols, sources, cols, table, (sites + sources - 1) / sources, sources, sites);
    bool ok = sql(command, NULL, 0);
    free(command);
    return ok;
}

int main(int argc, char **argv)
{
    int sites = argc > 1 ? atoi(argv[1]) : 2800, days = argc > 2 ? atoi(argv[2]) : 365;
    int sources = argc > 3 ? atoi(argv[3]) : sites > 56 ? 56 : sites;
    if (sites < 3 || days < 1 || days > 365 || sources < 1 || sources > sites) {
        fprintf(stderr, "usage: bench_collector_year [antennes >= 3 [days 1..365 [sources 1..antennes]]]\n");
        return 2;
    }
    /* The table: territories of ~30 antennes, groups of three sharing a manager. */
    char dir_csv[600];
    snprintf(dir_csv, sizeof dir_csv, "/tmp/bench_collector_year_%ld.csv", (long)getpid());
    FILE *f = fopen(dir_csv, "w");
    if (!f)
        return perror(dir_csv), 1;
    fprintf(f, "name,opened,population,communes,territory,group,lat,lon\n");
    for (int s = 0; s < sites; s++)
        fprintf(f, "Site %d,2020-01-01,%d,100,T%02d,g-%d,%.4f,%.4f\n", s, 50000 + s * 37 % 400000, s % 96, s / 3,
                43.0 + (s % 50) * 0.15, -1.0 + (s / 50) * 0.12);
    fclose(f);
    const char *extra[] = {"--antennes-csv", dir_csv, NULL};
    if (!harness_start(&h, "bench_collector_year", "postgresql", sites, 4, extra)) {
        remove(dir_csv);
        return 1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    printf("bench_collector_year: %d antennes x %d days of 2025, PostgreSQL, real borne-collector over HTTP\n", sites,
           days);
    long rows = 0, open_days = 0;
    double t0 = seconds();
    bool ok = load_year(sources, days, &rows, &open_days);
    double load_s = seconds() - t0;
    printf("load of %d antennes through the store (validator + collector_store_apply, %d batches a transaction): "
           "%ld buckets in %.0f s, %.0f buckets/s\n",
           sources, LOAD_GROUP, rows, load_s, (double)rows / load_s);
    t0 = seconds();
    ok = ok && wait_folded();
    printf("rollup: %ld antenne-days folded by the collector's background pass, the last ones %.1f s after the load\n",
           open_days, seconds() - t0);
    if (ok && sources < sites) {
        t0 = seconds();
        /* Without its write-ahead log the copy takes minutes, not half an hour: it changes nothing the
         * pages read. */
        ok = sql("ALTER TABLE buckets SET UNLOGGED", NULL, 0) && replicate("buckets", sites, sources) &&
             replicate("rollup", sites, sources) && replicate("health", sites, sources) &&
             sql("ANALYZE buckets; ANALYZE rollup; ANALYZE rollup_dirty; ANALYZE health", NULL, 0);
        char n[32] = "", r[32] = "", size[32] = "";
        ok = ok && sql("SELECT count(*) FROM buckets", n, sizeof n) && sql("SELECT count(*) FROM rollup", r, sizeof r) &&
             sql("SELECT pg_size_pretty(pg_total_relation_size('buckets'))", size, sizeof size);
        printf("copied to %d antennes in PostgreSQL (unlogged buckets, INSERT ... SELECT, ANALYZE): %s buckets (%s), %s rollup rows "
               "in %.0f s\n",
               sites, n, size, r, seconds() - t0);
    }
    ok = ok && post_live(sites);
    if (ok) {
        char path[256];
        measure("Maintenant (/console), all antennes", "/console", 200);
        measure("region, the year (/console/period)", "/console/period?period=year&date=2025-06-01", 200);
        measure("region, a month (/console/period)", "/console/period?period=month&date=2025-03-01", 200);
        measure("territory, the year (/console/period)", "/console/period?period=year&date=2025-06-01&territory=T07",
                200);
        snprintf(path, sizeof path, "/console/period?period=year&date=2025-06-01&group=g-%d", sites / 6);
        measure("group, the year (/console/period)", path, 200);
        snprintf(path, sizeof path, "/console/period?period=year&date=2025-06-01&antenne=site-%d", sites / 2);
        measure("antenne, the year (/console/period)", path, 200);
        measure("poster: the region's year, PDF", "/console/poster/services.pdf?date=2025-06-01", 1000);
        snprintf(path, sizeof path, "/console/poster/services.pdf?date=2025-06-01&antenne=site-%d", sites / 2);
        measure("poster: an antenne's year, PDF", path, 1000);
        snprintf(path, sizeof path, "/console/poster/services.png?date=2025-06-01&antenne=site-%d", sites / 2);
        measure("poster: an antenne's year, PNG", path, 1000);
        measure("poster: a territory's month, PDF", "/console/poster/meteo.pdf?date=2025-03-01&territory=T07", 1000);
    }
    curl_global_cleanup();
    remove(dir_csv);
    return harness_stop(&h) && ok ? 0 : 1;
}
