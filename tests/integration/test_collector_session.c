#include "test_collector_session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "borne/collector_synth.h"

static long perform(CURL *c, const char *url, struct testlib_buf *out)
{
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, testlib_buf_append);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

long session_get(struct harness *h, CURL *session, const char *path, struct testlib_buf *out, char *ctype,
                 size_t ctype_size)
{
    memset(out, 0, sizeof *out);
    CURL *c = session ? session : curl_easy_init();
    if (!c)
        return 0;
    char url[1024], auth[200];
    snprintf(url, sizeof url, "%s%s", h->url, path);
    struct curl_slist *headers = NULL;
    if (!session) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", HARNESS_ADMIN_TOKEN);
        headers = curl_slist_append(NULL, auth);
    }
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    long status = perform(c, url, out);
    char *type = NULL;
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
    if (ctype)
        snprintf(ctype, ctype_size, "%s", type ? type : "");
    curl_slist_free_all(headers);
    if (!session)
        curl_easy_cleanup(c);
    return status;
}

/* The hidden field `name` of a page, a hex token; "" when absent. */
static void hidden_token(const struct testlib_buf *page, const char *name, char out[80])
{
    char field[64];
    snprintf(field, sizeof field, "name='%s' value='", name);
    const char *at = page->p ? strstr(page->p, field) : NULL;
    out[0] = '\0';
    if (at)
        sscanf(at + strlen(field), "%64[0-9a-f]", out);
}

static long post_form(struct harness *h, CURL *c, const char *path, const char *form)
{
    char url[1024];
    snprintf(url, sizeof url, "%s%s", h->url, path);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
    struct testlib_buf out = {0};
    long status = perform(c, url, &out);
    free(out.p);
    return status;
}

CURL *session_sign_in(struct harness *h, const char *name, const char *password)
{
    CURL *c = curl_easy_init();
    if (!c)
        return NULL;
    curl_easy_setopt(c, CURLOPT_COOKIEFILE, "");
    struct testlib_buf page;
    long status = session_get(h, c, "/console/login", &page, NULL, 0);
    char token[80];
    hidden_token(&page, "login_csrf", token);
    free(page.p);
    char form[512];
    snprintf(form, sizeof form, "login_csrf=%s&name=%s&password=%s", token, name, password);
    if (status == 200 && token[0])
        status = post_form(h, c, "/console/login", form);
    if (status != 303) {
        fprintf(stderr, "signing in as %s: %ld\n", name, status);
        curl_easy_cleanup(c);
        return NULL;
    }
    return c;
}

long session_post_change(struct harness *h, CURL *session, const char *path, const char *form)
{
    struct testlib_buf page;
    long status = session_get(h, session, "/console", &page, NULL, 0);
    char token[80];
    hidden_token(&page, "csrf", token);
    free(page.p);
    if (status != 200 || !token[0]) {
        fprintf(stderr, "no CSRF token on the console page (%ld)\n", status);
        return 0;
    }
    char body[2048];
    snprintf(body, sizeof body, "csrf=%s&%s", token, form);
    return post_form(h, session, path, body);
}

static size_t count_bytes(char *p, size_t size, size_t n, void *bytes)
{
    (void)p;
    if (bytes)
        *(size_t *)bytes += size * n;
    return size * n;
}

long session_request(struct harness *h, CURL *c, const char *path, const char *token, const char *json,
                     long timeout_s, size_t *bytes)
{
    char url[1024], auth[512];
    snprintf(url, sizeof url, "%s%s", h->url, path);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    struct curl_slist *headers = curl_slist_append(NULL, auth);
    /* As the boards' uploader (upload_http.c): no 100-continue round trip before a body over 1 KiB. */
    if (json) {
        headers = curl_slist_append(headers, "Content-Type: application/json");
        headers = curl_slist_append(headers, "Expect:");
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    if (json)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
    else
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, count_bytes);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, bytes);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    return status;
}

void session_live_body(char *out, size_t size, int site, long seq, int64_t at, int desks_open, const char *printer,
                       long waiting, long longest_wait_s)
{
    char when[21];
    collector_synth_time_text(at, when);
    snprintf(out, size,
             "{\"schema\":2,\"antenne\":\"site-%d\",\"id\":\"123e4567-e89b-42d3-a456-%012ld\",\"at\":\"%s\","
             "\"open\":true,\"desks_open\":%d,\"printer\":\"%s\",\"services\":[{\"service\":\"A\","
             "\"waiting\":%ld,\"longest_wait_s\":%ld}]}",
             site, seq, when, desks_open, printer, waiting, longest_wait_s);
}
