/* borne-collector-feed: uploads weeks of synthetic activity for every antenne that has a token, as the
 * boards would, so the HQ page has something to show in a demo. */
#include <curl/curl.h>
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
    "                            [--weeks 8] [--cacert FILE] [--skip N]\n"
    "  --skip N leaves the last N antennes of the CSV silent (they show as never seen).\n";

int main(int argc, char **argv)
{
    const char *url = NULL, *csv = NULL, *tokens = NULL, *cacert = NULL;
    int weeks = 8, skip = 0;
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
            cacert = v;
        else if (strcmp(argv[i], "--weeks") == 0)
            weeks = atoi(v);
        else if (strcmp(argv[i], "--skip") == 0)
            skip = atoi(v);
        else {
            fputs(usage, stderr);
            return 2;
        }
    }
    if (!url || !csv || !tokens || weeks < 1 || weeks > 520 || skip < 0) {
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
    CURL *curl = curl_easy_init();
    if (!curl) {
        fprintf(stderr, "borne-collector-feed: curl_easy_init failed\n");
        collector_antennes_free(a);
        return 1;
    }
    int64_t now = (int64_t)time(NULL), today = now / 86400;
    int hour_now = (int)(now % 86400 / 3600);
    long sent = 0, failed = 0, buckets_sent = 0;
    size_t n = collector_antennes_count(a);
    for (size_t i = 0; i + (size_t)skip < n; i++) {
        const struct collector_antenne_info *info = collector_antennes_at(a, i);
        const char *token = collector_antennes_token(a, i);
        if (!token[0])
            continue;
        double weight = (double)info->population / 250000.0;
        struct collector_synth_site site = {info->id, weight < 0.3 ? 0.3 : weight > 4 ? 4 : weight,
                                            (uint32_t)(i * 2654435761U + 17)};
        char auth[300], endpoint[512];
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        snprintf(endpoint, sizeof endpoint, "%s/api/v1/antennes/%s/batches", url, info->id);
        struct curl_slist *headers = curl_slist_append(NULL, auth);
        headers = curl_slist_append(headers, "Content-Type: application/json");
        struct collector_health health;
        collector_synth_health(&site, now, &health);
        for (int64_t day = today - 7 * weeks + 1; day <= today; day++) {
            struct collector_bucket b[24 * COLLECTOR_SYNTH_SERVICES];
            size_t nb = 0;
            for (int h = 0; h < 24 && (day < today || h <= hour_now); h++)
                nb += collector_synth_hour(&site, day, h, 1, b + nb, sizeof b / sizeof b[0] - nb);
            if (nb == 0 && day != today)
                continue;
            char uuid[COLLECTOR_UUID_LEN + 1];
            collector_synth_uuid((uint64_t)day, i, uuid);
            char *body = collector_synth_body(info->id, uuid, now, b, nb, &health);
            if (!body) {
                failed++;
                continue;
            }
            curl_easy_reset(curl);
            curl_easy_setopt(curl, CURLOPT_URL, endpoint);
            curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
            curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
            curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
            curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
            if (cacert)
                curl_easy_setopt(curl, CURLOPT_CAINFO, cacert);
            long code = 0;
            CURLcode rc = curl_easy_perform(curl);
            curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
            if (rc != CURLE_OK || code != 200) {
                fprintf(stderr, "borne-collector-feed: %s: %s (HTTP %ld)\n", info->id, curl_easy_strerror(rc), code);
                failed++;
            } else {
                sent++;
                buckets_sent += (long)nb;
            }
            free(body);
        }
        curl_slist_free_all(headers);
    }
    printf("borne-collector-feed: %ld batches (%ld buckets) accepted, %ld failed\n", sent, buckets_sent, failed);
    curl_easy_cleanup(curl);
    curl_global_cleanup();
    collector_antennes_free(a);
    return failed ? 1 : 0;
}
