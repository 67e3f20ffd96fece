/* The hub's pure request parser: routing, bearer tokens, idempotency keys, body validation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "borne/hub_request.h"
#include "testlib.h"

static int route(const char *method, const char *url, hub_route *r)
{
    hub_error e;
    return hub_route_parse(method, url, r, &e);
}

static void test_routes(void)
{
    hub_route r;
    CHECK_INT(route("GET", "/api/v1/state", &r), 0);
    CHECK_INT(r.kind, HUB_ROUTE_STATE);
    CHECK_INT(route("HEAD", "/api/v1/state?x=1", &r), 0);
    CHECK_INT(route("GET", "/api/v1/events", &r), 0);
    CHECK_INT(r.kind, HUB_ROUTE_EVENTS);
    CHECK_INT(route("POST", "/api/v1/tickets", &r), 0);
    CHECK_INT(route("GET", "/api/v1/tickets", &r), 405);
    CHECK_INT(route("PUT", "/api/v1/appointments", &r), 0);
    CHECK_INT(route("POST", "/api/v1/appointments", &r), 405);
    CHECK_INT(route("POST", "/api/v1/counters/12/call-next", &r), 0);
    CHECK_INT(r.kind, HUB_ROUTE_COUNTER);
    CHECK_INT(r.counter_id, 12);
    CHECK_INT(r.action, HUB_ACT_CALL_NEXT);
    /* a counter's own view: GET only */
    CHECK_INT(route("GET", "/api/v1/counters/7", &r), 0);
    CHECK_INT(r.kind, HUB_ROUTE_COUNTER_GET);
    CHECK_INT(r.counter_id, 7);
    CHECK_INT(route("POST", "/api/v1/counters/7", &r), 405);
    static const char *const actions[] = {"open", "close", "pause", "call-next", "recall",
                                          "start", "finish", "no-show", "transfer"};
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
        char url[64];
        snprintf(url, sizeof url, "/api/v1/counters/3/%s", actions[i]);
        CHECK_INT(route("POST", url, &r), 0);
        CHECK_STR(hub_action_name(r.action), actions[i]);
    }
    static const char *const bad[] = {
        "/api/v1/counters/0/open", "/api/v1/counters/01/open", "/api/v1/counters/12345/open",
        "/api/v1/counters//open", "/api/v1/counters/1/", "/api/v1/counters/1/open/",
        "/api/v1/counters/0", "/api/v1/counters/012", "/api/v1/counters/", "/api/v1/", "/api/v1/statex", "/web/", "/web/.htaccess",
        "/web/a/b.js", "/web/A.js", "/web/x.exe", "/web/..js", "/counter/", "/counterx", "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_INT(route("POST", bad[i], &r) == 404 || route("GET", bad[i], &r) == 404, 1);
    CHECK_INT(route("GET", "/counter", &r), 0);
    CHECK_STR(r.file, "counter.html");
    CHECK_INT(route("GET", "/web/counter-2_b.css", &r), 0);
    CHECK_STR(r.file, "counter-2_b.css");
    CHECK_INT(route("POST", "/counter", &r), 405);
}

static void test_tokens(void)
{
    char tok[HUB_TOKEN_MAX + 1];
    CHECK(hub_bearer_token("Bearer abc", tok));
    CHECK_STR(tok, "abc");
    CHECK(hub_bearer_token("bearer   xyz  ", tok));
    CHECK_STR(tok, "xyz");
    CHECK(!hub_bearer_token(NULL, tok));
    CHECK(!hub_bearer_token("Basic abc", tok));
    CHECK(!hub_bearer_token("Bearer ", tok));
    CHECK(!hub_bearer_token("Bearer a b", tok));
    CHECK(!hub_bearer_token("Bearer \x01x", tok));
    char longer[HUB_TOKEN_MAX + 20];
    memset(longer, 'a', sizeof longer);
    memcpy(longer, "Bearer ", 7);
    longer[sizeof longer - 1] = '\0';
    CHECK(!hub_bearer_token(longer, tok));
    CHECK(hub_idem_key_valid("550e8400-e29b-41d4-a716-446655440000"));
    CHECK(!hub_idem_key_valid(""));
    CHECK(!hub_idem_key_valid("has space"));
    CHECK(!hub_idem_key_valid("caf\xc3\xa9"));
}

static int body(hub_route_kind kind, hub_action act, const char *text, hub_body *b, hub_error *e)
{
    hub_route r = {.kind = kind, .action = act, .counter_id = 1};
    return hub_body_parse(&r, text, strlen(text), b, e);
}

static void test_bodies(void)
{
    hub_body b;
    hub_error e;
    CHECK_INT(body(HUB_ROUTE_TICKETS, 0, "{\"service\":\"F\",\"priority\":true,\"public\":\"association\"}", &b, &e), 0);
    CHECK_INT(b.u.ticket.service, 'F');
    CHECK(b.u.ticket.priority);
    CHECK_INT(b.u.ticket.public_type, QUEUE_PUBLIC_ASSOCIATION);
    CHECK_INT(body(HUB_ROUTE_TICKETS, 0, "{\"service\":\"f\"}", &b, &e), 422);
    CHECK_INT(body(HUB_ROUTE_TICKETS, 0, "{\"service\":\"F\"", &b, &e), 400);
    CHECK_STR(e.code, "bad_json");
    CHECK(strncmp(e.message, "line 1, column", 14) == 0);
    CHECK_INT(body(HUB_ROUTE_TICKETS, 0, "\n\n  {\"service\":}", &b, &e), 400);
    CHECK(strncmp(e.message, "line 3,", 7) == 0);

    CHECK_INT(body(HUB_ROUTE_COUNTER, HUB_ACT_FINISH, "", &b, &e), 0);
    CHECK_INT(b.u.outcome, QUEUE_OUTCOME_SERVED);
    CHECK_INT(body(HUB_ROUTE_COUNTER, HUB_ACT_FINISH, " {\"outcome\":\"redirected\"} ", &b, &e), 0);
    CHECK_INT(b.u.outcome, QUEUE_OUTCOME_REDIRECTED);
    CHECK_INT(body(HUB_ROUTE_COUNTER, HUB_ACT_FINISH, "{\"outcome\":3}", &b, &e), 422);
    CHECK_INT(body(HUB_ROUTE_COUNTER, HUB_ACT_FINISH, "{\"outcome\":\"appointment\"}", &b, &e), 0);
    CHECK_INT(b.u.outcome, QUEUE_OUTCOME_APPOINTMENT);
    CHECK_INT(body(HUB_ROUTE_COUNTER, HUB_ACT_FINISH, "{\"outcome\":\"partner\",\"partner\":\"caf\"}", &b, &e), 0);
    CHECK_STR(b.partner, "caf");
    CHECK_INT(body(HUB_ROUTE_COUNTER, HUB_ACT_FINISH, "{\"outcome\":\"partner\",\"partner\":\"C A F\"}", &b, &e),
              422);
    CHECK_STR(e.code, "unknown_partner");
    CHECK_INT(body(HUB_ROUTE_COUNTER, HUB_ACT_CONTACT, "{\"channel\":\"email\"}", &b, &e), 0);
    CHECK_INT(b.u.channel, CONTRACT_CHANNEL_EMAIL);
    CHECK_INT(body(HUB_ROUTE_COUNTER, HUB_ACT_CONTACT, "{\"channel\":\"pigeon\"}", &b, &e), 422);
    CHECK_INT(body(HUB_ROUTE_COUNTER, HUB_ACT_CONTACT, "", &b, &e), 422);
    CHECK_INT(body(HUB_ROUTE_COUNTER, HUB_ACT_CALL_NEXT, "{}", &b, &e), 0);
    CHECK_INT(body(HUB_ROUTE_COUNTER, HUB_ACT_CALL_NEXT, "{\"a\":1}", &b, &e), 422);
    CHECK_INT(body(HUB_ROUTE_COUNTER, HUB_ACT_CALL_NEXT, "null", &b, &e), 422);
    CHECK_INT(body(HUB_ROUTE_COUNTER, HUB_ACT_TRANSFER, "{\"counter\":2}", &b, &e), 0);
    CHECK_INT(b.u.transfer.counter, 2);
    CHECK_INT(b.u.transfer.service, 0);
    CHECK_INT(body(HUB_ROUTE_COUNTER, HUB_ACT_TRANSFER, "{\"counter\":0}", &b, &e), 422);
    CHECK_INT(body(HUB_ROUTE_COUNTER, HUB_ACT_TRANSFER, "{\"counter\":1.5}", &b, &e), 422);
    CHECK_INT(body(HUB_ROUTE_COUNTER, HUB_ACT_TRANSFER, "", &b, &e), 422);
}

static void test_appointments(void)
{
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    hub_route r = {.kind = HUB_ROUTE_APPOINTMENTS};
    hub_body b;
    hub_error e;
    const char *ok = "[{\"code\":\"AB-12\",\"at\":\"2026-07-01T09:15:30\",\"counter\":3,\"note\":null},"
                     " {\"code\":\"C\",\"at\":1790000000,\"service\":\"A\",\"note\":\"n\"}]";
    CHECK_INT(hub_body_parse(&r, ok, strlen(ok), &b, &e), 0);
    CHECK_INT(b.u.appts.n, 2);
    CHECK_STR(b.u.appts.items[0].code, "AB-12");
    CHECK(b.u.appts.items[0].at == testlib_local_time(2026, 7, 1, 9, 15, 30));
    CHECK_INT(b.u.appts.items[0].service, 'R');
    CHECK_INT(b.u.appts.items[0].counter_id, 3);
    CHECK_INT(b.u.appts.items[1].service, 'A');
    CHECK_STR(b.u.appts.items[1].note, "n");
    hub_body_free(&r, &b);
    CHECK(b.u.appts.items == NULL);
    CHECK_INT(hub_body_parse(&r, "[]", 2, &b, &e), 0);
    CHECK_INT(b.u.appts.n, 0);
    hub_body_free(&r, &b);
    static const char *const bad[] = {
        "[{\"code\":\"\",\"at\":1}]", "[{\"code\":\"x\",\"at\":0}]",
        "[{\"code\":\"x\",\"at\":\"2026-07-01 09:15\"}]", "[{\"code\":\"x\",\"at\":\"2026-13-01T09:15\"}]",
        "[{\"code\":\"x\",\"at\":1,\"extra\":1}]", "[{\"code\":\"x\",\"at\":1,\"counter\":-1}]",
        "[{\"code\":\"abcdefghijklmnopqrstuvwxyz\",\"at\":1}]", "{}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_INT(hub_body_parse(&r, bad[i], strlen(bad[i]), &b, &e), 422);
    /* over the cap */
    size_t n = HUB_APPT_BODY_MAX + 1;
    char *big = malloc(n);
    memset(big, ' ', n);
    CHECK_INT(hub_body_parse(&r, big, n, &b, &e), 413);
    free(big);
}

int main(void)
{
    RUN(test_routes);
    RUN(test_tokens);
    RUN(test_bodies);
    RUN(test_appointments);
    return testlib_finish();
}
