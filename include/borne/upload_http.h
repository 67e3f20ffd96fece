/* One batch POST to headquarters over libcurl, and what came of it.
 *
 * HTTPS certificate verification is always on (peer and host name); ca_file replaces the system
 * store with a custom CA bundle. Proxies come from the environment (http_proxy, https_proxy,
 * no_proxy: libcurl's default). Connect and whole-transfer timeouts bound every request. The
 * handle keeps its connection open between posts.
 *
 * Threads: a handle is used by one thread at a time; never installs signal handlers (NOSIGNAL). */
#ifndef BORNE_UPLOAD_HTTP_H
#define BORNE_UPLOAD_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "borne/upload_batch.h"

typedef struct upload_http upload_http;

typedef struct upload_http_options {
    const char *ca_file;          /* PEM bundle; NULL or "" = the system store */
    long connect_timeout_ms;      /* 0 → 10000 */
    long timeout_ms;              /* whole request; 0 → 60000 */
    /* Polled about once a second during a request; returning true abandons it (shutdown). */
    bool (*cancelled)(void *ctx);
    void *cancel_ctx;
} upload_http_options;

typedef enum upload_http_kind {
    UPLOAD_HTTP_ANSWERED = 0,     /* an HTTP status came back (see status) */
    UPLOAD_HTTP_TLS,              /* TLS failed: certificate not trusted, wrong host, handshake */
    UPLOAD_HTTP_NETWORK,          /* DNS, refused, reset, timeout, truncated answer */
} upload_http_kind;

typedef struct upload_http_result {
    upload_http_kind kind;
    long status;                  /* HTTP status when answered, else 0 */
    long retry_after_s;           /* Retry-After of the answer (seconds or HTTP date), -1 = none */
    /* From a 2xx body that parsed as the collector's acknowledgement, else -1 and "". */
    long long accepted;
    char batch[UPLOAD_UUID_LEN + 1];
    char error[256];              /* "" on an acknowledged 2xx, otherwise what went wrong */
} upload_http_result;

/* On success *out owns a handle: free with upload_http_free(). -ENOMEM otherwise. */
int upload_http_new(upload_http **out, const upload_http_options *opts);
void upload_http_free(upload_http *h);

/* POSTs a JSON body with "Authorization: Bearer <token>". Always fills *res; returns 0 when the
 * answer is a 2xx whose body acknowledged `batch_uuid` ({"accepted": n, "batch": uuid}),
 * otherwise -EAGAIN (see res). */
int upload_http_post(upload_http *h, const char *url, const char *token, const char *batch_uuid,
                     const char *body, size_t len, upload_http_result *res);

#endif
