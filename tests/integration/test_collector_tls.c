/* HTTPS: a collector started with a self-signed certificate (made now with the openssl CLI) serves a
 * libcurl client that trusts that certificate, and a client that does not (system CAs, or another
 * self-signed certificate) refuses to talk to it; plain HTTP to the TLS port gets nothing. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "borne/collector_synth.h"
#include "test_collector_harness.h"
#include "testlib.h"

static struct harness h;
static char dir[512];

static bool make_cert(const char *name)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
             "-addext subjectAltName=IP:127.0.0.1 -keyout '%s/%s.key' -out '%s/%s.pem' 2>/dev/null",
             dir, name, dir, name);
    return system(cmd) == 0;
}

/* The result code of a GET /healthz with the given CA file (NULL: the system's CAs). */
static CURLcode fetch(const char *url, const char *ca)
{
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (ca)
        curl_easy_setopt(c, CURLOPT_CAINFO, ca);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_cleanup(c);
    return rc;
}

static void trusted_client_uploads(void)
{
    char url[256];
    snprintf(url, sizeof url, "%s/healthz", h.url);
    CHECK(strncmp(h.url, "https://", 8) == 0);
    CHECK_INT(fetch(url, h.ca_file), CURLE_OK);
    struct collector_bucket b;
    memset(&b, 0, sizeof b);
    collector_synth_day_text((int64_t)time(NULL) / 86400, b.day);
    b.hour = 9;
    b.service[0] = 'A';
    b.revision = 1;
    b.issued = 4;
    char uuid[COLLECTOR_UUID_LEN + 1];
    collector_synth_uuid(1, 2, uuid);
    char *body = collector_synth_body("site-0", uuid, (int64_t)time(NULL), &b, 1, NULL);
    CHECK_INT(harness_post(&h, "site-0", harness_token(0), body, NULL), 200);
    free(body);
}

static void untrusted_client_refuses(void)
{
    char url[256], other[600];
    snprintf(url, sizeof url, "%s/healthz", h.url);
    CHECK_INT(fetch(url, NULL), CURLE_PEER_FAILED_VERIFICATION);
    snprintf(other, sizeof other, "%s/other.pem", dir);
    CHECK_INT(fetch(url, other), CURLE_PEER_FAILED_VERIFICATION);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/healthz", h.port);
    CHECK(fetch(url, NULL) != CURLE_OK);
    CHECK(harness_alive(&h));
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s", testlib_tmpdir("collector-tls"));
    if (!make_cert("server") || !make_cert("other")) {
        fprintf(stderr, "FAIL: openssl could not make the test certificates\n");
        return 1;
    }
    char cert[600], key[600];
    snprintf(cert, sizeof cert, "%s/server.pem", dir);
    snprintf(key, sizeof key, "%s/server.key", dir);
    const char *const extra[] = {"--cert", cert, "--key", key, NULL};
    if (!harness_start(&h, "collector-tls", "sqlite", 2, 2, extra)) {
        harness_stop(&h);
        return 1;
    }
    snprintf(h.ca_file, sizeof h.ca_file, "%s", cert);
    RUN(trusted_client_uploads);
    RUN(untrusted_client_refuses);
    CHECK(harness_stop(&h));
    return testlib_finish();
}
