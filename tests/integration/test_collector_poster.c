/* Posters (collector_poster.h) fetched from a real borne-collector (backend in argv[1]) after real
 * uploads: the PDF is a valid one-page A4 (pdfinfo) whose printed numbers (pdftotext) equal sums computed
 * here from the uploaded buckets; the PNG is the same page at 150 dpi; counts under 5 print "< 5" and a
 * lone hidden cell of a distribution hides its next smallest one; a month with no data says "pas de
 * données"; a group's manager gets their group's poster and 403 for another group's. PNGs are kept in
 * the test's directory (poster_*.png) to be looked at. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "borne/collector_synth.h"
#include "borne/collector_users.h"
#include "borne/contract.h"
#include "test_collector_session.h"
#include "testlib.h"

static struct harness h;
static const char *dir;
static int64_t march_first;   /* 2025-03-01 */
static int next_uuid = 1;

/* Sites 0 and 1: Aisne, group g-a; site 2: Aisne, group g-b; site 3: Somme, group g-b. */
#define SITES 4
static const char *const territory[SITES] = {"Aisne", "Aisne", "Aisne", "Somme"};

struct sums {
    int64_t issued, served, within, banded;
    int64_t fb[CONTRACT_WEATHER_N], reasons[CONTRACT_REASONS_N];
    int64_t heat[7][24];
};
static struct sums site_sums[SITES];

static void add_bucket(struct sums *s, const struct collector_bucket *b, int64_t day)
{
    s->issued += b->issued;
    s->served += b->served;
    for (int k = 0; k < CONTRACT_WEATHER_N; k++)
        s->fb[k] += b->feedback[k];
    for (int r = 0; r < CONTRACT_REASONS_N; r++)
        s->reasons[r] += b->feedback_reasons[r];
    for (int i = 0; i < CONTRACT_WAIT_BANDS_N; i++) {
        s->banded += b->wait_bands[i];
        if (i < 3)   /* 0-5, 5-10, 10-15: within the 15 min target */
            s->within += b->wait_bands[i];
    }
    s->heat[((day + 3) % 7 + 7) % 7][b->hour] += b->issued;
}

static bool post(int site, const struct collector_bucket *b, size_t n)
{
    char id[16], uuid[COLLECTOR_UUID_LEN + 1];
    snprintf(id, sizeof id, "site-%d", site);
    collector_synth_uuid((uint64_t)next_uuid++, 7, uuid);
    char *body = collector_synth_body(id, uuid, march_first * 86400, b, n, NULL);
    char *resp = NULL;
    long status = harness_post(&h, id, harness_token(site), body, &resp);
    if (status != 200)
        fprintf(stderr, "upload %s: %ld %s\n", id, status, resp ? resp : "");
    free(body);
    free(resp);
    return status == 200;
}

/* Sites 0-2: a realistic March from the synthetic feed. Site 3: one hand-made bucket whose weather has
 * a lone small cell (soleil voilé 3) so the suppression rule shows. */
static void upload(void)
{
    for (int site = 0; site < 3; site++) {
        struct collector_synth_site ss = {NULL, 0.5 + site * 0.3, (uint32_t)(1000 + site)};
        char id[16];
        snprintf(id, sizeof id, "site-%d", site);
        ss.antenne = id;
        for (int64_t day = march_first; day < march_first + 31; day++) {
            struct collector_bucket b[24 * COLLECTOR_SYNTH_SERVICES];
            size_t n = 0;
            for (int hour = 0; hour < 24; hour++)
                n += collector_synth_hour(&ss, day, hour, 1, b + n, sizeof b / sizeof b[0] - n);
            for (size_t i = 0; i < n; i++)
                add_bucket(&site_sums[site], &b[i], day);
            if (n)
                CHECK(post(site, b, n));
        }
    }
    struct collector_bucket b;
    memset(&b, 0, sizeof b);
    int64_t day = march_first + 10;
    collector_synth_day_text(day, b.day);
    b.hour = 10;
    b.service[0] = 'A';
    b.revision = 1;
    b.schema = CONTRACT_SCHEMA;
    b.issued = b.called = b.served = 40;
    b.wait = (struct collector_stat){40 * 600, 40, 600, 600};
    b.service_time = (struct collector_stat){40 * 900, 40, 900, 900};
    b.outcomes[CONTRACT_OUTCOME_ANSWERED - 1] = 40;
    b.wait_bands[CONTRACT_BAND_W10 - 1] = 40;
    const int64_t fb[CONTRACT_WEATHER_N] = {20, 3, 9, 0, 7};
    memcpy(b.feedback, fb, sizeof fb);
    b.feedback_reasons[CONTRACT_REASON_ATTENTE - 1] = 6;
    b.feedback_reasons[CONTRACT_REASON_LOCAUX - 1] = 1;
    add_bucket(&site_sums[3], &b, day);
    CHECK(post(3, &b, 1));
}

/* ---- fetching ------------------------------------------------------------------------------ */

/* Fetches a PDF poster, checks it with pdfinfo and returns its text (pdftotext, one item a line, the
 * narrow no-break spaces of the thousands removed); NULL when anything failed. */
static char *pdf_text(CURL *session, const char *path, const char *keep_as)
{
    struct testlib_buf b;
    char type[64];
    long status = session_get(&h, session, path, &b, type, sizeof type);
    if (!CHECK_INT(status, 200) || !CHECK_STR(type, "application/pdf")) {
        free(b.p);
        return NULL;
    }
    const char *file = testlib_path(dir, keep_as);
    FILE *f = fopen(file, "wb");
    CHECK(f && fwrite(b.p, 1, b.len, f) == b.len);
    if (f)
        fclose(f);
    free(b.p);
    char cmd[1200], line[512];
    snprintf(cmd, sizeof cmd, "pdfinfo '%s'", file);
    FILE *p = popen(cmd, "r");
    bool a4 = false, one_page = false;
    while (p && fgets(line, sizeof line, p)) {
        a4 |= strstr(line, "Page size:") && strstr(line, "595.28 x 841.89 pts (A4)");
        one_page |= strncmp(line, "Pages:", 6) == 0 && atoi(line + 6) == 1;
    }
    CHECK(p && pclose(p) == 0);
    CHECK(a4);
    CHECK(one_page);
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' -", file);
    p = popen(cmd, "r");
    struct testlib_buf text = {0};
    char chunk[4096];
    size_t n;
    while (p && (n = fread(chunk, 1, sizeof chunk, p)) > 0)
        testlib_buf_append(chunk, 1, n, &text);
    CHECK(p && pclose(p) == 0);
    if (!text.p)
        return NULL;
    /* "1 134" (a narrow no-break space, or a space in pdftotext's output) -> "1134" */
    char *w = text.p;
    for (const char *r = w; *r;) {
        size_t gap = strncmp(r, "\xe2\x80\xaf", 3) == 0 ? 3 : *r == ' ' ? 1 : 0;
        if (gap && w > text.p && w[-1] >= '0' && w[-1] <= '9' && r[gap] >= '0' && r[gap] <= '9')
            r += gap;
        else
            *w++ = *r++;
    }
    *w = '\0';
    return text.p;
}

/* The line after the line equal to label (after `from` when not NULL), spaces removed; "" when absent. */
static const char *after(const char *text, const char *from, const char *label, char *out, size_t size)
{
    out[0] = '\0';
    const char *p = from ? strstr(text, from) : text;
    size_t n = strlen(label);
    while (p && (p = strstr(p, label))) {
        bool whole = (p == text || p[-1] == '\n') && p[n] == '\n';
        p += n;
        if (!whole)
            continue;
        while (*p == '\n')
            p++;
        /* without spaces: pdftotext may or may not keep the one of "< 5" */
        size_t k = 0;
        for (; *p && *p != '\n' && k + 1 < size; p++)
            if (*p != ' ')
                out[k++] = *p;
        out[k] = '\0';
        return out;
    }
    return out;
}

static void count_str(int64_t v, char *out, size_t size)
{
    if (v > 0 && v < 5)
        snprintf(out, size, "<5");
    else
        snprintf(out, size, "%lld", (long long)v);
}

static void check_weather(const char *text, const int64_t fb[CONTRACT_WEATHER_N], const bool hidden[CONTRACT_WEATHER_N])
{
    for (int k = 0; k < CONTRACT_WEATHER_N; k++) {
        char got[64], want[32];
        if (hidden[k])
            snprintf(want, sizeof want, "<5");
        else
            snprintf(want, sizeof want, "%lld", (long long)fb[k]);
        after(text, "Les avis, du soleil", contract_weather_label(k + 1), got, sizeof got);
        CHECK_STR(got, want);
    }
}

static void test_meteo_territory(void)
{
    char *text = pdf_text(NULL, "/console/poster/meteo.pdf?date=2025-03-15&territory=Aisne", "poster_meteo_aisne.pdf");
    if (!CHECK(text))
        return;
    struct sums all = {0};
    for (int s = 0; s < 3; s++) {
        all.served += site_sums[s].served;
        for (int k = 0; k < CONTRACT_WEATHER_N; k++)
            all.fb[k] += site_sums[s].fb[k];
        for (int r = 0; r < CONTRACT_REASONS_N; r++)
            all.reasons[r] += site_sums[s].reasons[r];
    }
    CHECK(strstr(text, "Météo du territoire"));
    CHECK(strstr(text, "Aisne · mars 2025"));
    char want[128];
    snprintf(want, sizeof want, "%lld visiteurs reçus en antenne", (long long)all.served);
    CHECK(strstr(text, want));
    int64_t answers = 0;
    bool hidden[CONTRACT_WEATHER_N] = {false};
    for (int k = 0; k < CONTRACT_WEATHER_N; k++) {
        answers += all.fb[k];
        CHECK(all.fb[k] == 0 || all.fb[k] >= 5);   /* a busy month: every cell printed */
    }
    snprintf(want, sizeof want, "%lld avis", (long long)answers);
    CHECK(strstr(text, want));
    check_weather(text, all.fb, hidden);
    for (int r = 0; r < CONTRACT_REASONS_N; r++) {
        char got[64], n[32];
        count_str(all.reasons[r], n, sizeof n);
        after(text, "Raisons données", contract_reason_label(r + 1), got, sizeof got);
        CHECK_STR(got, n);
    }
    /* each antenne of the territory with its own count of answers */
    for (int s = 0; s < 3; s++) {
        int64_t a = 0;
        for (int k = 0; k < CONTRACT_WEATHER_N; k++)
            a += site_sums[s].fb[k];
        snprintf(want, sizeof want, "Site %d", s);
        CHECK(strstr(text, want));
        snprintf(want, sizeof want, " · %lld avis", (long long)a);
        CHECK(strstr(text, want));
    }
    CHECK(!strstr(text, "Site 3"));
    free(text);
}

static void test_meteo_suppression(void)
{
    char *text = pdf_text(NULL, "/console/poster/meteo.pdf?date=2025-03-01&antenne=site-3", "poster_meteo_site3.pdf");
    if (!CHECK(text))
        return;
    /* {20, 3, 9, 0, 7}: 3 is under 5; alone, it would be the total minus the others: 7 is hidden too */
    const bool hidden[CONTRACT_WEATHER_N] = {false, true, false, false, true};
    check_weather(text, site_sums[3].fb, hidden);
    CHECK(strstr(text, "39 avis"));
    char got[64];
    CHECK_STR(after(text, "Raisons données", "Attente", got, sizeof got), "6");
    CHECK_STR(after(text, "Raisons données", "Locaux", got, sizeof got), "<5");
    CHECK_STR(after(text, "Raisons données", "Accueil", got, sizeof got), "0");
    CHECK(!strstr(text, "Par antenne"));
    free(text);
}

/* pdftotext -layout keeps a heat row on one line: "lundi  41  55 ..." with the non-empty cells in hour
 * order. */
static void check_heat_rows(const char *file, const int64_t heat[7][24])
{
    static const char *const days[] = {"lundi", "mardi", "mercredi", "jeudi", "vendredi"};
    char cmd[700], line[1024];
    snprintf(cmd, sizeof cmd, "pdftotext -layout -enc UTF-8 '%s' -", file);
    FILE *p = popen(cmd, "r");
    int rows = 0;
    while (p && fgets(line, sizeof line, p)) {
        char *s = line + strspn(line, " ");
        for (int d = 0; d < 5; d++) {
            size_t n = strlen(days[d]);
            if (strncmp(s, days[d], n) != 0 || s[n] != ' ' || !strpbrk(s + n, "0123456789"))
                continue;
            char want[512] = "", cell[32];
            for (int hr = 0; hr < 24; hr++)
                if (heat[d][hr]) {
                    count_str(heat[d][hr], cell, sizeof cell);
                    strcat(want, want[0] ? " " : "");
                    strcat(want, cell);
                }
            char got[512] = "";
            for (char *t = strtok(s + n, " \n"); t; t = strtok(NULL, " \n")) {
                strcat(got, got[0] ? " " : "");
                strcat(got, t);
            }
            CHECK_STR(got, want);
            rows++;
        }
    }
    CHECK(p && pclose(p) == 0);
    CHECK_INT(rows, 5);
}

static void test_services_antenne(void)
{
    char *text = pdf_text(NULL, "/console/poster/services.pdf?date=2025-06-30&antenne=site-1", "poster_services_site1.pdf");
    if (!CHECK(text))
        return;
    const struct sums *s = &site_sums[1];
    char want[160];
    CHECK(strstr(text, "Services Publics+"));
    CHECK(strstr(text, "Antenne de Site 1 · année 2025"));
    snprintf(want, sizeof want, "%lld tickets émis sur l’année", (long long)s->issued);
    CHECK(strstr(text, want));
    CHECK(strstr(text, "Vous recevoir en 15 minutes au plus"));
    /* under 5 waits over the target: the share is a bound and the count of waits within is not printed */
    int64_t over = s->banded - s->within;
    if (over > 0 && over < 5) {
        int tenths = (int)(1000 * (s->banded - 4) / s->banded);
        snprintf(want, sizeof want, "≥ %d,%d %%", tenths / 10, tenths % 10);
        CHECK(strstr(text, want));
        snprintf(want, sizeof want, "sur %lld attentes mesurées", (long long)s->banded);
    } else {
        int tenths = (int)(1000.0 * (double)s->within / (double)s->banded + 0.5);
        snprintf(want, sizeof want, "%d,%d %%", tenths / 10, tenths % 10);
        CHECK(strstr(text, want));
        snprintf(want, sizeof want, "%lld attentes sur %lld mesurées", (long long)s->within, (long long)s->banded);
    }
    CHECK(strstr(text, want));
    int64_t answers = 0;
    for (int k = 0; k < CONTRACT_WEATHER_N; k++)
        answers += s->fb[k];
    snprintf(want, sizeof want, "%lld avis", (long long)answers);
    CHECK(strstr(text, want));
    CHECK(strstr(text, "Les plus calmes : "));
    CHECK(strstr(text, "Les plus chargées : "));
    free(text);
    check_heat_rows(testlib_path(dir, "poster_services_site1.pdf"), s->heat);
}

static void test_no_data(void)
{
    char *text = pdf_text(NULL, "/console/poster/meteo.pdf?date=2019-01-10&territory=Aisne", "poster_meteo_empty.pdf");
    if (CHECK(text)) {
        CHECK(strstr(text, "pas de données"));
        CHECK(strstr(text, "janvier 2019"));
        CHECK(!strstr(text, "avis"));
        CHECK(!strstr(text, "visiteurs reçus"));
        free(text);
    }
    text = pdf_text(NULL, "/console/poster/services.pdf?date=2019-01-10&antenne=site-0", "poster_services_empty.pdf");
    if (CHECK(text)) {
        CHECK(strstr(text, "pas de données"));
        CHECK(!strstr(text, "tickets émis"));
        CHECK(!strstr(text, "%"));
        free(text);
    }
}

static unsigned be32(const unsigned char *p)
{
    return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

static void check_png(const char *path, const char *keep_as)
{
    struct testlib_buf b;
    char type[64];
    CHECK_INT(session_get(&h, NULL, path, &b, type, sizeof type), 200);
    CHECK_STR(type, "image/png");
    if (CHECK(b.len > 1000 && memcmp(b.p, "\x89PNG\r\n\x1a\n", 8) == 0 && memcmp(b.p + 12, "IHDR", 4) == 0)) {
        CHECK_INT(be32((const unsigned char *)b.p + 16), 1240);
        CHECK_INT(be32((const unsigned char *)b.p + 20), 1754);
    }
    FILE *f = fopen(testlib_path(dir, keep_as), "wb");
    if (f) {
        fwrite(b.p, 1, b.len, f);
        fclose(f);
    }
    free(b.p);
}

static void test_png(void)
{
    check_png("/console/poster/meteo.png?date=2025-03-15&territory=Aisne", "poster_meteo_aisne.png");
    check_png("/console/poster/meteo.png?date=2025-03-15&antenne=site-3", "poster_meteo_site3.png");
    check_png("/console/poster/services.png?date=2025-03-15&antenne=site-1", "poster_services_site1.png");
    check_png("/console/poster/services.png?date=2019-03-15&antenne=site-1", "poster_services_empty.png");
}

/* The status of a GET (its body dropped). */
static long status_of(CURL *session, const char *path)
{
    struct testlib_buf b;
    long status = session_get(&h, session, path, &b, NULL, 0);
    free(b.p);
    return status;
}

static void test_permissions(void)
{
    /* nobody signed in: to the sign-in form */
    CURL *anon = curl_easy_init();
    curl_easy_setopt(anon, CURLOPT_COOKIEFILE, "");
    CHECK_INT(status_of(anon, "/console/poster/meteo.pdf?territory=Aisne"), 303);
    curl_easy_cleanup(anon);

    CURL *manager = session_sign_in(&h, "manager-a", "mot-de-passe-du-groupe-a");
    if (!CHECK(manager != NULL))
        return;
    CHECK_INT(status_of(manager, "/console/poster/meteo.pdf?date=2025-03-01&antenne=site-2"), 403);
    CHECK_INT(status_of(manager, "/console/poster/services.png?date=2025-03-01&group=g-b"), 403);
    CHECK_INT(status_of(manager, "/console/poster/meteo.pdf?date=2025-03-01&antenne=site-0"), 200);
    /* the territory through a manager's eyes: their group's antennes only */
    char *text = pdf_text(manager, "/console/poster/meteo.pdf?date=2025-03-01&territory=Aisne", "poster_meteo_manager.pdf");
    if (CHECK(text)) {
        int64_t served = site_sums[0].served + site_sums[1].served;
        char want[96];
        snprintf(want, sizeof want, "%lld visiteurs reçus en antenne", (long long)served);
        CHECK(strstr(text, want));
        CHECK(strstr(text, "Site 0") && strstr(text, "Site 1") && !strstr(text, "Site 2"));
        free(text);
    }
    curl_easy_cleanup(manager);

    CURL *region = session_sign_in(&h, "directrice", "mot-de-passe-de-la-region");
    if (!CHECK(region != NULL))
        return;
    CHECK_INT(status_of(region, "/console/poster/services.pdf?date=2025-03-01&antenne=site-2"), 200);
    CHECK_INT(status_of(region, "/console/poster/nothing.pdf"), 404);
    CHECK_INT(status_of(region, "/console/poster/meteo.pdf?date=2025-13-01"), 400);
    curl_easy_cleanup(region);
}

int main(int argc, char **argv)
{
    const char *backend = argc > 1 ? argv[1] : "sqlite";
    dir = testlib_tmpdir("collector_poster");
    char csv[4096] = "name,opened,population,communes,territory,group,lat,lon\n";
    static const char *const groups[SITES] = {"g-a", "g-a", "g-b", "g-b"};
    for (int i = 0; i < SITES; i++) {
        char row[128];
        snprintf(row, sizeof row, "Site %d,2020-01-01,%d,100,%s,%s,49.5,3.0\n", i, 100000 + i, territory[i], groups[i]);
        strcat(csv, row);
    }
    char region_hash[128], manager_hash[128], users[512];
    if (collector_users_hash("mot-de-passe-de-la-region", region_hash, sizeof region_hash) != 0 ||
        collector_users_hash("mot-de-passe-du-groupe-a", manager_hash, sizeof manager_hash) != 0)
        return 1;
    snprintf(users, sizeof users, "directrice region %s\nmanager-a group:g-a %s\n", region_hash, manager_hash);
    const char *csv_path = strdup(testlib_write_file(dir, "antennes.csv", csv, 0644));
    const char *users_path = strdup(testlib_write_file(dir, "users.txt", users, 0600));
    const char *extra[] = {"--antennes-csv", csv_path, "--users", users_path, NULL};
    march_first = collector_ingest_parse_day("2025-03-01");
    if (!harness_start(&h, "collector_poster_server", backend, SITES, 2, extra))
        return 1;
    upload();
    RUN(test_meteo_territory);
    RUN(test_meteo_suppression);
    RUN(test_services_antenne);
    RUN(test_no_data);
    RUN(test_png);
    RUN(test_permissions);
    CHECK(harness_stop(&h));
    free((void *)csv_path);
    free((void *)users_path);
    return testlib_finish();
}
