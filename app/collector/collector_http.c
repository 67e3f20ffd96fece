#include "borne/collector_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum MHD_Result collector_http_send(struct MHD_Connection *c, unsigned status, struct MHD_Response *r,
                                    const char *type)
{
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

enum MHD_Result collector_http_json(struct MHD_Connection *c, unsigned status, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (!text)
        return MHD_NO;
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(text);
        return MHD_NO;
    }
    return collector_http_send(c, status, r, "application/json");
}

enum MHD_Result collector_http_error(struct MHD_Connection *c, unsigned status, const char *code,
                                     const char *message)
{
    return collector_http_json(c, status, json_pack("{s:s, s:s}", "error", code, "message", message));
}

const char *collector_http_bearer(struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    for (h += 7; *h == ' '; h++)
        ;
    return h;
}

bool collector_body_add(struct collector_body *b, const char *data, size_t n, size_t cap)
{
    if (b->too_large || b->len + n > cap) {
        b->too_large = true;
        free(b->data);
        b->data = NULL;
        b->len = 0;
        return true;
    }
    char *nb = realloc(b->data, b->len + n + 1);
    if (!nb)
        return false;
    memcpy(nb + b->len, data, n);
    b->data = nb;
    b->len += n;
    b->data[b->len] = '\0';
    return true;
}

json_t *collector_body_json(struct collector_body *b, struct MHD_Connection *c, enum MHD_Result *ret)
{
    if (b->too_large) {
        *ret = collector_http_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "too_large", "the body is over the size cap");
        return NULL;
    }
    json_error_t jerr;
    json_t *body = json_loadb(b->data ? b->data : "", b->len, 0, &jerr);
    if (!json_is_object(body)) {
        char msg[300];
        snprintf(msg, sizeof msg, "line %d column %d: %s", jerr.line, jerr.column,
                 body ? "an object is expected" : jerr.text);
        json_decref(body);
        *ret = collector_http_error(c, MHD_HTTP_BAD_REQUEST, "bad_json", msg);
        return NULL;
    }
    return body;
}

void collector_body_free(struct collector_body *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
}
