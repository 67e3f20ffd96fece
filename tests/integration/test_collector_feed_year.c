/* The demo feed's realistic year (borne-collector-feed --year, collector_synth_day()) uploaded by the real
 * feeder to a real borne-collector with the repository's antennes table, then read back from the
 * console's month pages (/console/period, data-k figures): more than 220,000 contacts (tickets and
 * contacts by phone and e-mail) in the year, the same number the feeder says it uploaded; a summer dip
 * (August under July and September) and peaks in September and January; Monday or Tuesday at 10 the
 * busiest hour of a month and Monday plus Tuesday mornings busier than any other two days; every
 * group of the table has figures for each of its antennes. The same seed gives the same days. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "borne/collector_antennes.h"
#include "borne/collector_synth.h"
#include "test_collector_harness.h"
#include "testlib.h"

#define YEAR 2025

static struct harness h;
static char csv[600], *tokens;

/* The integer of data-k='key' in page (thousands separators skipped), or -1 when absent. */
static long long figure(const char *page, const char *key)
{
    char pattern[160];
    snprintf(pattern, sizeof pattern, "data-k='%s'", key);
    const char *p = strstr(page, pattern);
    if (!p || !(p = strchr(p, '>')))
        return -1;
    long long v = 0;
    bool any = false;
    for (p++; *p && *p != '<'; p++) {
        if (*p >= '0' && *p <= '9') {
            v = v * 10 + (*p - '0');
            any = true;
        } else if (strncmp(p, "\xe2\x80\xaf", 3) == 0)
            p += 2;
        else
            break;
    }
    return any ? v : -1;
}

static char *month_page(int month, const char *scope)
{
    char path[256], *page = NULL;
    snprintf(path, sizeof path, "/console/period?period=month&date=%04d-%02d-01%s", YEAR, month, scope);
    long status = harness_request(&h, "GET", path, HARNESS_ADMIN_TOKEN, NULL, 0, &page);
    if (status != 200) {
        fprintf(stderr, "%s: %ld\n", path, status);
        free(page);
        return NULL;
    }
    return page;
}

/* Runs the feeder for the year; returns the contacts it says were accepted (-1 on failure). */
static long long run_feed(unsigned seed)
{
    char cmd[2048], line[512];
    snprintf(cmd, sizeof cmd, "'%s' --url %s --antennes-csv '%s' --tokens '%s' --year %d --seed %u", FEED_BIN, h.url,
             csv, tokens, YEAR, seed);
    FILE *p = popen(cmd, "r");
    long long contacts = -1;
    long batches = 0, buckets = 0, failed = -1;
    while (p && fgets(line, sizeof line, p))
        if (sscanf(line, "borne-collector-feed: %ld batches (%ld buckets, %lld contacts) accepted, %ld failed",
                   &batches, &buckets, &contacts, &failed) == 4)
            fprintf(stderr, "%s", line);
    CHECK(p && pclose(p) == 0);
    CHECK_INT(failed, 0);
    return contacts;
}

static long long year_contacts(long long issued_by_month[13])
{
    long long total = 0;
    for (int m = 1; m <= 12; m++) {
        char *page = month_page(m, "");
        if (!CHECK(page))
            return -1;
        long long issued = figure(page, "total.issued"), phone = figure(page, "channel.phone"),
                  email = figure(page, "channel.email");
        CHECK(issued > 0 && phone > 0 && email > 0);
        issued_by_month[m] = issued;
        total += issued + phone + email;
        free(page);
    }
    return total;
}

static int64_t month_first(int month)
{
    char text[32];
    snprintf(text, sizeof text, "%04d-%02d-01", month > 12 ? YEAR + 1 : YEAR, month > 12 ? 1 : month);
    return collector_ingest_parse_day(text);
}

/* A month without public holidays on weekdays. */
static void check_week_shape(int month)
{
    char *page = month_page(month, "");
    if (!CHECK(page))
        return;
    long long heat[7][24] = {{0}}, best = -1;
    int best_d = -1, best_h = -1;
    double morning[7] = {0};   /* tickets before noon per weekday of that name in the month */
    int64_t first = month_first(month), next = month_first(month + 1), days[7] = {0};
    for (int64_t d = first; d < next; d++)
        days[((d + 3) % 7 + 7) % 7]++;
    for (int d = 0; d < 7; d++)
        for (int hr = 0; hr < 24; hr++) {
            char key[32];
            snprintf(key, sizeof key, "heat.%d.%d", d, hr);
            long long v = figure(page, key);
            heat[d][hr] = v < 0 ? 0 : v;
            if (hr < 12)
                morning[d] += (double)heat[d][hr] / (double)days[d];
            if (heat[d][hr] > best) {
                best = heat[d][hr];
                best_d = d;
                best_h = hr;
            }
        }
    free(page);
    fprintf(stderr, "month %d: busiest cell weekday %d at %d h (%lld)\n", month, best_d, best_h, best);
    CHECK(best_d == 0 || best_d == 1);
    CHECK_INT(best_h, 10);
    for (int d = 2; d < 5; d++)
        CHECK(morning[0] > morning[d] && morning[1] > morning[d]);
    CHECK(heat[5][10] == 0 && heat[6][10] == 0);   /* closed at weekends */
    CHECK(heat[0][12] == 0 && heat[0][8] == 0);    /* and at lunch time, and before 9 */
}

static void test_scopes(void)
{
    char err[256];
    struct collector_antennes *a;
    if (!CHECK(collector_antennes_load_csv(csv, &a, err, sizeof err) == 0))
        return;
    for (size_t i = 0; i < collector_antennes_count(a); i++) {
        const struct collector_antenne_info *info = collector_antennes_at(a, i);
        char scope[200], key[200];
        snprintf(scope, sizeof scope, "&group=%s", info->group);
        char *page = month_page(9, scope);
        snprintf(key, sizeof key, "antenne.%s.issued", info->id);
        CHECK(page && figure(page, key) > 0);
        free(page);
    }
    collector_antennes_free(a);
}

static void test_deterministic(void)
{
    struct collector_bucket a[COLLECTOR_SYNTH_DAY_MAX], b[COLLECTOR_SYNTH_DAY_MAX];
    struct collector_synth_site one = {"x", 1.0, 42}, other = {"x", 1.0, 43};
    int64_t monday = collector_ingest_parse_day("2025-09-08");
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    size_t na = collector_synth_day(&one, monday, 1, a, COLLECTOR_SYNTH_DAY_MAX);
    size_t nb = collector_synth_day(&one, monday, 1, b, COLLECTOR_SYNTH_DAY_MAX);
    CHECK_INT(na, COLLECTOR_SYNTH_DAY_MAX);
    CHECK(na == nb && memcmp(a, b, sizeof a) == 0);
    collector_synth_day(&other, monday, 1, b, COLLECTOR_SYNTH_DAY_MAX);
    CHECK(memcmp(a, b, sizeof a) != 0);
    CHECK_INT(collector_synth_day(&one, collector_ingest_parse_day("2025-07-14"), 1, a, COLLECTOR_SYNTH_DAY_MAX), 0);
    CHECK_INT(collector_synth_day(&one, collector_ingest_parse_day("2025-04-21"), 1, a, COLLECTOR_SYNTH_DAY_MAX), 0);
    CHECK_INT(collector_synth_day(&one, collector_ingest_parse_day("2025-09-13"), 1, a, COLLECTOR_SYNTH_DAY_MAX), 0);
}

static void test_year(void)
{
    long long fed = run_feed(42);
    long long by_month[13];
    long long contacts = year_contacts(by_month);
    fprintf(stderr, "year %d: %lld contacts fed, %lld on the console; tickets per month:", YEAR, fed, contacts);
    for (int m = 1; m <= 12; m++)
        fprintf(stderr, " %lld", by_month[m]);
    fprintf(stderr, "\n");
    CHECK(contacts > 220000);
    CHECK_INT(contacts, fed);
    CHECK(by_month[8] * 10 < by_month[7] * 8 && by_month[8] * 2 < by_month[9]);
    CHECK(by_month[9] > by_month[10] && by_month[9] > by_month[6]);
    CHECK(by_month[1] > by_month[2] && by_month[1] > by_month[12]);
}

static void test_week_shape(void)
{
    check_week_shape(3);
    check_week_shape(10);
}

int main(void)
{
    const char *assets = getenv("BORNE_ASSETS");
    if (!assets)
        return fprintf(stderr, "BORNE_ASSETS is not set\n"), 1;
    RUN(test_deterministic);
    const char *dir = testlib_tmpdir("collector_feed_year");
    char src[600];
    snprintf(csv, sizeof csv, "%s/collector/antennes-hdf.csv", assets);
    snprintf(src, sizeof src, "%s/collector/demo-tokens.txt", assets);
    FILE *f = fopen(src, "r");
    char text[8192];
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    if (f)
        fclose(f);
    text[n] = '\0';
    tokens = strdup(testlib_write_file(dir, "tokens.txt", text, 0600));
    const char *extra[] = {"--antennes-csv", csv, "--tokens", tokens, NULL};
    if (!CHECK(n > 0) || !harness_start(&h, "collector_feed_year_server", "sqlite", 1, 2, extra))
        return 1;
    RUN(test_year);
    RUN(test_week_shape);
    RUN(test_scopes);
    CHECK(harness_stop(&h));
    free(tokens);
    return testlib_finish();
}
