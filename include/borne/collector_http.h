/* Small libmicrohttpd helpers shared by the collector's routes that live outside
 * collector_server.c (channel, fleet): JSON answers and bounded request bodies. */
#ifndef BORNE_COLLECTOR_HTTP_H
#define BORNE_COLLECTOR_HTTP_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

/* Queues r with a Content-Type and Cache-Control: no-store, and drops our reference. */
enum MHD_Result collector_http_send(struct MHD_Connection *c, unsigned status, struct MHD_Response *r,
                                    const char *type);
/* Answers body (taken; NULL → MHD_NO) as compact JSON. */
enum MHD_Result collector_http_json(struct MHD_Connection *c, unsigned status, json_t *body);
/* {"error": code, "message": message} */
enum MHD_Result collector_http_error(struct MHD_Connection *c, unsigned status, const char *code,
                                     const char *message);
/* Bearer token of the request, NULL when none. */
const char *collector_http_bearer(struct MHD_Connection *c);

/* A request body read piece by piece, dropped past cap. */
struct collector_body {
    char *data;
    size_t len;
    bool too_large;
};
/* false when out of memory (answer MHD_NO). */
bool collector_body_add(struct collector_body *b, const char *data, size_t n, size_t cap);
/* The body as a JSON object; on failure answers 413/400 itself and returns NULL with *ret set. */
json_t *collector_body_json(struct collector_body *b, struct MHD_Connection *c, enum MHD_Result *ret);
void collector_body_free(struct collector_body *b);

#endif
