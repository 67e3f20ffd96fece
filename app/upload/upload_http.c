/* One batch POST to headquarters over libcurl (see upload_http.h). */
#include "borne/upload_http.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An acknowledgement is a few dozen bytes; anything past this is not one. */
#define ANSWER_MAX 65536

struct upload_http {
    CURL *curl;
    bool (*cancelled)(void *ctx);
    void *cancel_ctx;
    char answer[ANSWER_MAX + 1];
    size_t answer_len;
    char curl_error[CURL_ERROR_SIZE];
};

static int on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    upload_http *h = ctx;
    return h->cancelled(h->cancel_ctx) ? 1 : 0;
}

int upload_http_new(upload_http **out, const upload_http_options *opts)
{
    *out = NULL;
    /* Thread-safe since libcurl 7.84 (feature "threadsafe"); reference counted. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return -ENOMEM;
    upload_http *h = calloc(1, sizeof *h);
    if (!h || !(h->curl = curl_easy_init())) {
        free(h);
        curl_global_cleanup();
        return -ENOMEM;
    }
    CURL *c = h->curl;
    long connect_ms = opts && opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms : 10000;
    long total_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms : 60000;
    int bad = 0;
    bad |= curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK;
    if (opts && opts->ca_file && opts->ca_file[0])
        bad |= curl_easy_setopt(c, CURLOPT_CAINFO, opts->ca_file) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect_ms) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, total_ms) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->curl_error) != CURLE_OK;
    bad |= curl_easy_setopt(c, CURLOPT_USERAGENT, "borne-upload") != CURLE_OK;
    if (opts && opts->cancelled) {
        h->cancelled = opts->cancelled;
        h->cancel_ctx = opts->cancel_ctx;
        bad |= curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress) != CURLE_OK;
        bad |= curl_easy_setopt(c, CURLOPT_XFERINFODATA, h) != CURLE_OK;
        bad |= curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L) != CURLE_OK;
    }
    if (bad) {
        upload_http_free(h);
        return -ENOMEM;
    }
    *out = h;
    return 0;
}

void upload_http_free(upload_http *h)
{
    if (!h)
        return;
    curl_easy_cleanup(h->curl);
    free(h);
    curl_global_cleanup();
}

static size_t on_answer(char *data, size_t size, size_t n, void *ctx)
{
    upload_http *h = ctx;
    size_t len = size * n;
    size_t room = ANSWER_MAX - h->answer_len;
    size_t keep = len < room ? len : room;
    memcpy(h->answer + h->answer_len, data, keep);
    h->answer_len += keep;
    h->answer[h->answer_len] = '\0';
    return len;   /* an oversized answer is read to the end but fails to parse below */
}

static int is_tls_error(CURLcode rc)
{
    switch (rc) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ENGINE_INITFAILED:
        return 1;
    default:
        return 0;
    }
}

/* Reads the answer body: the acknowledgement of a 2xx, the error of anything else. */
static void read_answer(upload_http *h, const char *batch_uuid, upload_http_result *res)
{
    json_error_t jerr;
    json_t *j = h->answer_len < ANSWER_MAX ? json_loads(h->answer, 0, &jerr) : NULL;
    if (res->status >= 200 && res->status < 300) {
        json_t *accepted = json_object_get(j, "accepted");
        const char *batch = json_string_value(json_object_get(j, "batch"));
        if (json_is_integer(accepted) && batch && strcmp(batch, batch_uuid) == 0) {
            res->accepted = json_integer_value(accepted);
            snprintf(res->batch, sizeof res->batch, "%s", batch);
        } else {
            snprintf(res->error, sizeof res->error,
                     "HTTP %ld but the answer is not an acknowledgement of batch %s", res->status,
                     batch_uuid);
        }
    } else {
        const char *code = json_string_value(json_object_get(j, "error"));
        const char *message = json_string_value(json_object_get(j, "message"));
        snprintf(res->error, sizeof res->error, "HTTP %ld %s%s%s", res->status, code ? code : "error",
                 message ? ": " : "", message ? message : "");
    }
    json_decref(j);
}

int upload_http_post(upload_http *h, const char *url, const char *token, const char *batch_uuid,
                     const char *body, size_t len, upload_http_result *res)
{
    memset(res, 0, sizeof *res);
    res->retry_after_s = -1;
    res->accepted = -1;
    h->answer_len = 0;
    h->answer[0] = '\0';
    h->curl_error[0] = '\0';

    size_t auth_len = strlen(token) + 32;
    char *auth = malloc(auth_len);
    struct curl_slist *headers = NULL, *next;
    int bad = !auth;
    if (auth) {
        snprintf(auth, auth_len, "Authorization: Bearer %s", token);
        /* "Expect:" off: no 100-continue round trip before each body. */
        const char *lines[] = { auth, "Content-Type: application/json", "Accept: application/json",
                                "Expect:" };
        for (size_t i = 0; i < sizeof lines / sizeof lines[0] && !bad; i++) {
            next = curl_slist_append(headers, lines[i]);
            bad = !next;
            if (next)
                headers = next;
        }
    }
    CURL *c = h->curl;
    CURLcode rc = CURLE_OUT_OF_MEMORY;
    if (!bad && curl_easy_setopt(c, CURLOPT_URL, url) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_answer) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_WRITEDATA, h) == CURLE_OK)
        rc = curl_easy_perform(c);
    /* The handle outlives this call: it must not keep pointers into freed memory. */
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
    curl_slist_free_all(headers);
    free(auth);

    if (rc != CURLE_OK) {
        res->kind = is_tls_error(rc) ? UPLOAD_HTTP_TLS : UPLOAD_HTTP_NETWORK;
        snprintf(res->error, sizeof res->error, "%s%s%.200s", curl_easy_strerror(rc),
                 h->curl_error[0] ? ": " : "", h->curl_error);
        return -EAGAIN;
    }
    res->kind = UPLOAD_HTTP_ANSWERED;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
    curl_off_t retry_after = 0;
    if (curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK && retry_after > 0)
        res->retry_after_s = (long)retry_after;
    read_answer(h, batch_uuid, res);
    return res->error[0] ? -EAGAIN : 0;
}
