/* The rollup (collector_store.h) against the buckets it sums, through the real collector: boards upload
 * over HTTP (contract 1 and 2, late corrections, a duplicate, a stale revision after a newer one, weeks
 * sent newest first), the rollup is read between the uploads (so months already summed get late
 * changes; then more days at once than a refresh round takes), and for days, weeks, months across a year end, a whole year and a span with nothing, each
 * antenne's sums, heat map, arrivals per day and partners read from the rollup equal the ones this test
 * adds up itself from the stored buckets (collector_store_export). Usage: test_collector_rollup sqlite|postgresql */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "borne/collector_store.h"
#include "borne/collector_synth.h"
#include "test_collector_harness.h"

#define SITES 3
#define PARTNERS 32

struct sums {
    int64_t rows, issued, served, redirected, no_show, appointments, wait_count, wait_sum, v1_issued;
    int64_t fb[CONTRACT_WEATHER_N], outcomes[CONTRACT_OUTCOMES_N], channels[CONTRACT_CHANNELS_N];
    int64_t reasons[CONTRACT_REASONS_N], bands[CONTRACT_WAIT_BANDS_N];
    int64_t heat[7][24];
    int64_t daily[1200];
    char partner[PARTNERS][40];
    int64_t partner_n[PARTNERS];
};

struct expect_ctx {
    struct sums *s;
    int64_t first;
};

static int failures;

static void partners_add(struct sums *s, const char *text)
{
    char copy[COLLECTOR_ROLLUP_PARTNERS_TEXT];
    snprintf(copy, sizeof copy, "%s", text);
    for (char *save = NULL, *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq)
            continue;
        *eq = '\0';
        int k = 0;
        while (k < PARTNERS && s->partner[k][0] && strcmp(s->partner[k], item) != 0)
            k++;
        if (k == PARTNERS) {
            fprintf(stderr, "FAIL: more than %d partners\n", PARTNERS);
            failures++;
            return;
        }
        snprintf(s->partner[k], sizeof s->partner[k], "%s", item);
        s->partner_n[k] += strtoll(eq + 1, NULL, 10);
    }
}

/* The test's own sums of the stored buckets. */
static int expect_row(void *ctx, const struct collector_row *r)
{
    struct expect_ctx *e = ctx;
    struct sums *s = e->s;
    const struct collector_bucket *b = &r->bucket;
    int64_t day = collector_ingest_parse_day(b->day);
    s->rows++;
    s->issued += b->issued;
    s->served += b->served;
    s->redirected += b->redirected;
    s->no_show += b->no_show;
    s->appointments += b->appointments_checked_in;
    s->wait_count += b->wait.count;
    s->wait_sum += b->wait.sum_s;
    for (int i = 0; i < CONTRACT_WEATHER_N; i++)
        s->fb[i] += b->feedback[i];
    s->heat[((day + 3) % 7 + 7) % 7][b->hour] += b->issued;
    s->daily[day - e->first] += b->issued;
    if (b->schema < 2) {
        s->v1_issued += b->issued;
        return 0;
    }
    for (int i = 0; i < CONTRACT_OUTCOMES_N; i++)
        s->outcomes[i] += b->outcomes[i];
    for (int i = 0; i < CONTRACT_CHANNELS_N; i++)
        s->channels[i] += b->channels[i];
    for (int i = 0; i < CONTRACT_REASONS_N; i++)
        s->reasons[i] += b->feedback_reasons[i];
    for (int i = 0; i < CONTRACT_WAIT_BANDS_N; i++)
        s->bands[i] += b->wait_bands[i];
    partners_add(s, b->partners);
    return 0;
}

static int rollup_row(void *ctx, const struct collector_rollup *r)
{
    struct expect_ctx *e = ctx;
    struct sums *s = e->s;
    const struct collector_sums *g = &r->sums;
    s->rows += g->rows;
    s->issued += g->issued;
    s->served += g->served;
    s->redirected += g->redirected;
    s->no_show += g->no_show;
    s->appointments += g->appointments;
    s->wait_count += g->wait_count;
    s->wait_sum += g->wait_sum_s;
    s->v1_issued += g->v1_issued;
    for (int i = 0; i < CONTRACT_WEATHER_N; i++)
        s->fb[i] += g->weather[i];
    for (int i = 0; i < CONTRACT_OUTCOMES_N; i++)
        s->outcomes[i] += g->outcomes[i];
    for (int i = 0; i < CONTRACT_CHANNELS_N; i++)
        s->channels[i] += g->channels[i];
    for (int i = 0; i < CONTRACT_REASONS_N; i++)
        s->reasons[i] += g->reasons[i];
    for (int i = 0; i < CONTRACT_WAIT_BANDS_N; i++)
        s->bands[i] += g->bands[i];
    for (int d = 0; d < 7; d++)
        for (int h = 0; h < 24; h++)
            s->heat[d][h] += r->heat[d][h];
    if (r->grain == COLLECTOR_GRAIN_DAY) {
        s->daily[r->first - e->first] += g->issued;
    } else if (r->grain == COLLECTOR_GRAIN_MONTH) {
        for (int d = 0; d < 31; d++)
            s->daily[r->first + d - e->first] += r->sub[d];
    } else {
        /* a year's sub[] is per month: each month's arrivals on its first day */
        char text[11];
        collector_synth_day_text(r->first, text);
        for (int m = 0; m < 12; m++) {
            snprintf(text + 5, sizeof text - 5, "%02d-01", m + 1);
            s->daily[collector_ingest_parse_day(text) - e->first] += r->sub[m];
        }
    }
    partners_add(s, r->partners);
    return 0;
}

/* A year's rows carry arrivals per month only: over a span with a year, arrivals are compared per month. */
static void fold_months(struct sums *s, int64_t first, int64_t last)
{
    for (int64_t d = first; d <= last; d++) {
        char text[11];
        collector_synth_day_text(d, text);
        text[8] = '0';
        text[9] = '1';
        int64_t month = collector_ingest_parse_day(text);
        if (month != d) {
            s->daily[month - first] += s->daily[d - first];
            s->daily[d - first] = 0;
        }
    }
}

static void check_range(struct collector_store *st, const char *from, const char *to, bool year)
{
    int64_t first = collector_ingest_parse_day(from), last = collector_ingest_parse_day(to);
    for (int i = 0; i < SITES; i++) {
        char id[32];
        snprintf(id, sizeof id, "site-%d", i);
        static struct sums want, got;
        memset(&want, 0, sizeof want);
        memset(&got, 0, sizeof got);
        struct collector_filter f;
        memset(&f, 0, sizeof f);
        snprintf(f.from, sizeof f.from, "%s", from);
        snprintf(f.to, sizeof f.to, "%s", to);
        snprintf(f.antenne, sizeof f.antenne, "%s", id);
        struct expect_ctx we = {&want, first}, ge = {&got, first};
        if (collector_store_export(st, &f, expect_row, &we) != 0 ||
            collector_store_rollup_walk(st, first, last, id, rollup_row, &ge) != 0) {
            fprintf(stderr, "FAIL: %s %s..%s: %s\n", id, from, to, collector_store_error(st));
            failures++;
            continue;
        }
        if (year) {
            fold_months(&want, first, last);
            fold_months(&got, first, last);
        }
        /* partners in the order met may differ: compare as sets */
        bool partners_ok = true;
        for (int k = 0; k < PARTNERS && want.partner[k][0]; k++) {
            int j = 0;
            while (j < PARTNERS && strcmp(got.partner[j], want.partner[k]) != 0)
                j++;
            partners_ok = partners_ok && j < PARTNERS && got.partner_n[j] == want.partner_n[k];
        }
        for (int k = 0; k < PARTNERS; k++)
            partners_ok = partners_ok && !got.partner[k][0] == !want.partner[k][0];
        memset(want.partner, 0, sizeof want.partner);
        memset(got.partner, 0, sizeof got.partner);
        memset(want.partner_n, 0, sizeof want.partner_n);
        memset(got.partner_n, 0, sizeof got.partner_n);
        if (!partners_ok || memcmp(&want, &got, sizeof want) != 0) {
            fprintf(stderr,
                    "FAIL: %s %s..%s: rollup rows %lld issued %lld served %lld v1 %lld, buckets rows %lld issued "
                    "%lld served %lld v1 %lld, partners %s\n",
                    id, from, to, (long long)got.rows, (long long)got.issued, (long long)got.served,
                    (long long)got.v1_issued, (long long)want.rows, (long long)want.issued, (long long)want.served,
                    (long long)want.v1_issued, partners_ok ? "equal" : "differ");
            failures++;
        } else if (i == 0) {
            printf("%s %s..%s: %lld buckets, %lld tickets, equal\n", id, from, to, (long long)want.rows,
                   (long long)want.issued);
        }
    }
}

static void check_all(struct collector_store *st, const char *when)
{
    printf("-- %s\n", when);
    check_range(st, "2024-12-30", "2024-12-30", false);   /* a day */
    check_range(st, "2024-12-30", "2025-01-05", false);   /* an ISO week across the year end */
    check_range(st, "2025-01-01", "2025-01-31", false);   /* a month */
    check_range(st, "2024-12-15", "2025-02-20", false);   /* days, months, days */
    check_range(st, "2025-01-01", "2025-12-31", true);    /* a year */
    check_range(st, "2024-11-01", "2025-12-31", true);    /* months and a year */
    check_range(st, "2023-01-01", "2023-03-31", false);   /* nothing */
}

/* Posts one batch of days from..to (inclusive) of site i: schema, revision, and the seed that draws them. */
static void post(struct harness *h, int i, int64_t from, int64_t to, int schema, int64_t revision, uint32_t seed)
{
    static struct collector_bucket b[31 * COLLECTOR_SYNTH_DAY_MAX];
    char id[32];
    snprintf(id, sizeof id, "site-%d", i);
    struct collector_synth_site site = {id, 1.0 + i * 0.4, seed};
    size_t n = 0;
    for (int64_t d = from; d <= to; d++)
        n += collector_synth_day(&site, d, revision, b + n, sizeof b / sizeof b[0] - n);
    if (!n)
        return;
    char uuid[COLLECTOR_UUID_LEN + 1];
    collector_synth_uuid((uint64_t)from * 1000 + (uint64_t)revision, (uint64_t)i * 7919 + seed, uuid);
    char *body = collector_synth_body_schema(schema, id, uuid, (int64_t)time(NULL), b, n, NULL);
    long status = body ? harness_post(h, id, harness_token(i), body, NULL) : 0;
    if (status != 200) {
        fprintf(stderr, "FAIL: %s batch from day %lld: HTTP %ld\n", id, (long long)from, status);
        failures++;
    }
    free(body);
}

int main(int argc, char **argv)
{
    const char *backend = argc > 1 ? argv[1] : "sqlite";
    struct harness h;
    if (!harness_start(&h, "test_collector_rollup", backend, SITES, 2, NULL))
        return 1;
    struct collector_store *st = harness_open_store(&h);
    if (!st) {
        harness_stop(&h);
        return 1;
    }
    int64_t start = collector_ingest_parse_day("2024-12-16"), end = collector_ingest_parse_day("2025-02-16");
    /* Sites 0 and 1 upload week by week; site 1 is on contract 1 until the end of January. */
    for (int64_t w = start; w <= end; w += 7) {
        post(&h, 0, w, w + 6, 2, 1, 11);
        post(&h, 1, w, w + 6, w + 6 < collector_ingest_parse_day("2025-02-01") ? 1 : 2, 1, 12);
    }
    post(&h, 0, collector_ingest_parse_day("2025-06-10"), collector_ingest_parse_day("2025-06-12"), 2, 1, 11);
    check_all(st, "weekly uploads");

    /* Late and out of order: site 2 sends its weeks newest first; site 0 corrects two weeks (a newer
     * revision drawn differently), sends one correction twice, then the stale first revision again. */
    for (int64_t w = end - 6; w >= start; w -= 7)
        post(&h, 2, w, w + 6, 2, 1, 13);
    int64_t fix = collector_ingest_parse_day("2024-12-30");
    post(&h, 0, fix, fix + 6, 2, 2, 99);
    post(&h, 0, fix, fix + 6, 2, 2, 99);
    post(&h, 0, fix + 14, fix + 20, 2, 3, 98);
    post(&h, 0, fix, fix + 6, 2, 1, 11);
    check_all(st, "late, duplicate and stale batches");

    /* More days at once than a refresh reads in one round (1,024 marks): 28 months of the three sites (about
     * 1,800 days open), sent month by month, then read. */
    int64_t old = collector_ingest_parse_day("2020-09-01"), old_end = collector_ingest_parse_day("2022-12-31");
    for (int i = 0; i < SITES; i++)
        for (int64_t d = old; d <= old_end; d += 31)
            post(&h, i, d, d + 30 < old_end ? d + 30 : old_end, 2, 1, 21 + (uint32_t)i);
    printf("-- more dirty days than a round\n");
    check_range(st, "2020-09-01", "2022-12-31", true);   /* months and years */
    check_range(st, "2022-06-01", "2022-06-30", false);   /* a month */
    check_all(st, "after the older months");

    collector_store_close(st);
    bool stopped = harness_stop(&h);
    if (failures || !stopped) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    printf("rollup equals the buckets (%s)\n", backend);
    return 0;
}
