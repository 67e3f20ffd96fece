#include "test_fleet_support.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "borne/collector_antennes.h"
#include "testlib.h"

static int64_t wall(void)
{
    return (int64_t)time(NULL);
}

const char *fleet_token(int n)
{
    static char buf[8][64];
    static int slot;
    char *out = buf[slot++ % 8];
    snprintf(out, 64, "token-of-site-%d-0123456789", n);
    return out;
}

void fleet_write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

bool fleet_hq_start(struct fleet_hq *hq, const char *name, int n)
{
    memset(hq, 0, sizeof *hq);
    snprintf(hq->dir, sizeof hq->dir, "%s", testlib_tmpdir(name));
    char csv[4096] = "name,opened,population,communes\n", tokens[4096] = "", line[160];
    for (int i = 0; i < n; i++) {
        snprintf(line, sizeof line, "Site %d,2020-01-01,1,1\n", i);
        strcat(csv, line);
        snprintf(line, sizeof line, "site-%d %s\n", i, fleet_token(i));
        strcat(tokens, line);
    }
    fleet_write_file(testlib_path(hq->dir, "antennes.csv"), csv, 0644);
    fleet_write_file(testlib_path(hq->dir, "tokens.txt"), tokens, 0600);
    fleet_write_file(testlib_path(hq->dir, "hq.token"), FLEET_ADMIN_TOKEN "\n", 0600);
    collector_config_defaults(&hq->config);
    hq->config.port = 0;
    hq->config.threads = 2;
    snprintf(hq->config.storage, sizeof hq->config.storage, "%s", testlib_path(hq->dir, "collector.sqlite"));
    char err[512];
    if (collector_antennes_load_csv(testlib_path(hq->dir, "antennes.csv"), &hq->antennes, err, sizeof err) != 0 ||
        collector_antennes_load_tokens(hq->antennes, testlib_path(hq->dir, "tokens.txt"), err, sizeof err) != 0 ||
        collector_antennes_load_admin_token(hq->antennes, testlib_path(hq->dir, "hq.token"), err, sizeof err) != 0 ||
        collector_server_start(&hq->config, hq->antennes, wall, &hq->server, err, sizeof err) != 0) {
        fprintf(stderr, "collector: %s\n", err);
        return false;
    }
    snprintf(hq->url, sizeof hq->url, "http://127.0.0.1:%d", collector_server_port(hq->server));
    return true;
}

void fleet_hq_stop(struct fleet_hq *hq)
{
    collector_server_stop(hq->server);
    collector_antennes_free(hq->antennes);
    hq->server = NULL;
    hq->antennes = NULL;
}

bool fleet_wait_for(bool (*cond)(void *), void *ctx)
{
    for (int i = 0; i < 6000; i++) {
        if (cond(ctx))
            return true;
        usleep(10000);
    }
    return cond(ctx);
}

/* One request, signed in with a bearer token or, when basic_user is set, as a browser: Basic with
 * the HQ token as password, plus the page's token when csrf is set. */
static long request(const struct fleet_hq *hq, const char *method, const char *path, const char *token,
                    const char *basic_user, const char *csrf, const char *body, json_t **out)
{
    char url[512], auth[256], userpwd[256], csrf_header[160];
    snprintf(url, sizeof url, "%s%s", hq->url, path);
    CURL *e = curl_easy_init();
    struct curl_slist *h = NULL;
    if (basic_user) {
        snprintf(userpwd, sizeof userpwd, "%s:%s", basic_user, FLEET_ADMIN_TOKEN);
        curl_easy_setopt(e, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(e, CURLOPT_USERPWD, userpwd);
        if (csrf) {
            snprintf(csrf_header, sizeof csrf_header, "X-CSRF-Token: %s", csrf);
            h = curl_slist_append(h, csrf_header);
        }
    } else {
        if (token) {
            snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
            h = curl_slist_append(h, auth);
        }
        h = curl_slist_append(h, "X-Borne-Actor: test-admin");
    }
    h = curl_slist_append(h, "Content-Type: application/json");
    struct testlib_buf resp = {0};
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, testlib_buf_append);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &resp);
    curl_easy_setopt(e, CURLOPT_TIMEOUT, 20L);
    if (body)
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
    long code = 0;
    if (curl_easy_perform(e) == CURLE_OK)
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(h);
    curl_easy_cleanup(e);
    if (out)
        *out = resp.p ? json_loads(resp.p, 0, NULL) : NULL;
    free(resp.p);
    return code;
}

long fleet_http(const struct fleet_hq *hq, const char *method, const char *path, const char *token,
                const char *body, json_t **out)
{
    return request(hq, method, path, token, NULL, NULL, body, out);
}

long fleet_http_browser(const struct fleet_hq *hq, const char *method, const char *path, const char *user,
                        const char *csrf, const char *body, json_t **out)
{
    return request(hq, method, path, NULL, user, csrf, body, out);
}
