/* libFuzzer target of the hub's request parser (include/borne/hub_request.h), the code every
 * LAN request goes through before the engine. Input: "<METHOD> <url>\n<auth header>\n<body>";
 * each part is cut at the first newline, the rest is the body. Finds crashes, leaks and
 * undefined behaviour under ASan/UBSan; asserts the documented result codes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "borne/hub_request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t line(const uint8_t *data, size_t size, char *out, size_t cap)
{
    size_t n = 0;
    while (n < size && data[n] != '\n')
        n++;
    size_t copy = n < cap - 1 ? n : cap - 1;
    memcpy(out, data, copy);
    out[copy] = '\0';
    return n < size ? n + 1 : n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char first[512], auth[512], method[16] = "", tok[HUB_TOKEN_MAX + 1];
    size_t used = line(data, size, first, sizeof first);
    used += line(data + used, size - used, auth, sizeof auth);
    char *space = strchr(first, ' ');
    const char *url = "";
    if (space) {
        *space = '\0';
        url = space + 1;
    }
    strncpy(method, first, sizeof method - 1);

    hub_route r;
    hub_error err;
    int st = hub_route_parse(method, url, &r, &err);
    if (st != 0 && st != 404 && st != 405)
        abort();
    if (hub_bearer_token(auth, tok) && (strlen(tok) == 0 || strlen(tok) > HUB_TOKEN_MAX))
        abort();
    hub_idem_key_valid(auth);
    if (st == 0 && r.kind != HUB_ROUTE_STATIC && r.kind != HUB_ROUTE_STATE &&
        r.kind != HUB_ROUTE_EVENTS) {
        hub_body b;
        int bs = hub_body_parse(&r, (const char *)data + used, size - used, &b, &err);
        if (bs != 0 && bs != 400 && bs != 413 && bs != 422)
            abort();
        if (bs == 0)
            hub_body_free(&r, &b);
    }
    return 0;
}
