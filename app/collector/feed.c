/* borne-collector-feed: uploads synthetic activity for every antenne that has a token, as the boards
 * would, so the HQ pages have something to show in a demo: the last weeks up to now, or with --year a
 * whole realistic year (collector_synth_day(): seasons, holidays, weekday and hour profiles, contacts
 * by phone and e-mail), one batch per antenne and week, deterministic for a --seed. */
#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "borne/collector_antennes.h"
#include "borne/collector_synth.h"

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
    (void)p;
    (void)ctx;
    return size * n;
}

static const char usage[] =
    "usage: borne-collector-feed --url http://127.0.0.1:8480 --antennes-csv FILE --tokens FILE\n"
    "                            [--weeks 8 | --year YYYY [--seed N]] [--cacert FILE] [--skip N]\n"
    "  --skip N leaves the last N antennes of the CSV silent (they show as never seen).\n"
    "  --year uploads every day of that year (the same figures for the same seed).\n";

struct feed {
    CURL *curl;
    const char *cacert;
    long sent, failed, buckets, contacts;
};

static long contacts_of(const struct collector_bucket *b, size_t n)
{
    long c = 0;
    for (size_t i = 0; i < n; i++) {
        c += (long)b[i].issued;
        for (int k = 0; k < CONTRACT_CHANNELS_N; k++)
            c += (long)b[i].channels[k];
    }
    return c;
}

/* POSTs the batch of buckets b[0..nb) (its body made by the caller, freed here); counts it as sent or
 * failed. */
static void post(struct feed *f, const char *endpoint, struct curl_slist *headers, const char *antenne, char *body,
                 const struct collector_bucket *b, size_t nb)
{
    if (!body) {
        f->failed++;
        return;
    }
    curl_easy_reset(f->curl);
    curl_easy_setopt(f->curl, CURLOPT_URL, endpoint);
    curl_easy_setopt(f->curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(f->curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(f->curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(f->curl, CURLOPT_TIMEOUT, 30L);
    if (f->cacert)
        curl_easy_setopt(f->curl, CURLOPT_CAINFO, f->cacert);
    long code = 0;
    CURLcode rc = curl_easy_perform(f->curl);
    curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &code);
    if (rc != CURLE_OK || code != 200) {
        fprintf(stderr, "borne-collector-feed: %s: %s (HTTP %ld)\n", antenne, curl_easy_strerror(rc), code);
        f->failed++;
    } else {
        f->sent++;
        f->buckets += (long)nb;
        f->contacts += contacts_of(b, nb);
    }
    free(body);
}

/* Every day of `year`, one batch per ISO week (Monday to Friday hold the open days). */
static void feed_year(struct feed *f, const struct collector_synth_site *site, size_t index, int year,
                      const char *endpoint, struct curl_slist *headers, const struct collector_health *health,
                      int64_t now)
{
    char first_text[32], next_text[32];
    snprintf(first_text, sizeof first_text, "%04d-01-01", year);
    snprintf(next_text, sizeof next_text, "%04d-01-01", year + 1);
    int64_t first = collector_ingest_parse_day(first_text), next = collector_ingest_parse_day(next_text);
    static struct collector_bucket b[7 * COLLECTOR_SYNTH_DAY_MAX];
    size_t nb = 0;
    for (int64_t day = first; day < next; day++) {
        nb += collector_synth_day(site, day, 1, b + nb, sizeof b / sizeof b[0] - nb);
        bool sunday = ((day + 3) % 7 + 7) % 7 == 6;
        if ((sunday || day + 1 == next) && nb) {
            char uuid[COLLECTOR_UUID_LEN + 1];
            collector_synth_uuid((uint64_t)day, index, uuid);
            post(f, endpoint, headers, site->antenne, collector_synth_body(site->antenne, uuid, now, b, nb, health), b,
                 nb);
            nb = 0;
        }
    }
}

int main(int argc, char **argv)
{
    const char *url = NULL, *csv = NULL, *tokens = NULL;
    struct feed f = {0};
    int weeks = 8, skip = 0, year = 0;
    unsigned long seed = 17;
    for (int i = 1; i < argc; i += 2) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            fputs(usage, stderr);
            return 2;
        }
        if (strcmp(argv[i], "--url") == 0)
            url = v;
        else if (strcmp(argv[i], "--antennes-csv") == 0)
            csv = v;
        else if (strcmp(argv[i], "--tokens") == 0)
            tokens = v;
        else if (strcmp(argv[i], "--cacert") == 0)
            f.cacert = v;
        else if (strcmp(argv[i], "--weeks") == 0)
            weeks = atoi(v);
        else if (strcmp(argv[i], "--year") == 0)
            year = atoi(v);
        else if (strcmp(argv[i], "--seed") == 0)
            seed = strtoul(v, NULL, 10);
        else if (strcmp(argv[i], "--skip") == 0)
            skip = atoi(v);
        else {
            fputs(usage, stderr);
            return 2;
        }
    }
    if (!url || !csv || !tokens || weeks < 1 || weeks > 520 || skip < 0 || (year && (year < 1971 || year > 9998))) {
        fputs(usage, stderr);
        return 2;
    }
    char err[1024];
    struct collector_antennes *a;
    if (collector_antennes_load_csv(csv, &a, err, sizeof err) != 0 ||
        collector_antennes_load_tokens(a, tokens, err, sizeof err) != 0) {
        fprintf(stderr, "borne-collector-feed: %s\n", err);
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    f.curl = curl_easy_init();
    if (!f.curl) {
        fprintf(stderr, "borne-collector-feed: curl_easy_init failed\n");
        collector_antennes_free(a);
        return 1;
    }
    int64_t now = (int64_t)time(NULL), today = now / 86400;
    int hour_now = (int)(now % 86400 / 3600);
    size_t n = collector_antennes_count(a);
    for (size_t i = 0; i + (size_t)skip < n; i++) {
        const struct collector_antenne_info *info = collector_antennes_at(a, i);
        const char *token = collector_antennes_token(a, i);
        if (!token[0])
            continue;
        double weight = (double)info->population / 250000.0;
        struct collector_synth_site site = {info->id, weight < 0.3 ? 0.3 : weight > 4 ? 4 : weight,
                                            (uint32_t)(i * 2654435761U + seed)};
        char auth[300], endpoint[512];
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        snprintf(endpoint, sizeof endpoint, "%s/api/v1/antennes/%s/batches", url, info->id);
        struct curl_slist *headers = curl_slist_append(NULL, auth);
        headers = curl_slist_append(headers, "Content-Type: application/json");
        struct collector_health health;
        collector_synth_health(&site, now, &health);
        if (year) {
            feed_year(&f, &site, i, year, endpoint, headers, &health, now);
            curl_slist_free_all(headers);
            continue;
        }
        for (int64_t day = today - 7 * weeks + 1; day <= today; day++) {
            struct collector_bucket b[24 * COLLECTOR_SYNTH_SERVICES];
            size_t nb = 0;
            for (int h = 0; h < 24 && (day < today || h <= hour_now); h++)
                nb += collector_synth_hour(&site, day, h, 1, b + nb, sizeof b / sizeof b[0] - nb);
            if (nb == 0 && day != today)
                continue;
            char uuid[COLLECTOR_UUID_LEN + 1];
            collector_synth_uuid((uint64_t)day, i, uuid);
            post(&f, endpoint, headers, info->id, collector_synth_body(info->id, uuid, now, b, nb, &health), b, nb);
        }
        curl_slist_free_all(headers);
    }
    printf("borne-collector-feed: %ld batches (%ld buckets, %ld contacts) accepted, %ld failed\n", f.sent, f.buckets,
           f.contacts, f.failed);
    curl_easy_cleanup(f.curl);
    curl_global_cleanup();
    collector_antennes_free(a);
    return f.failed ? 1 : 0;
}
