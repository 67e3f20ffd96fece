/* The LAN API over real HTTP on loopback (libcurl): every endpoint, the error answers, auth,
 * idempotency, body caps, concurrent call-next and that the server keeps serving. */
#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test_hub_support.h"
#include "testlib.h"

static th_fixture F;

/* Parses a response body; NULL (and a failed check) when it is not JSON. */
static json_t *body_json(const th_response *r)
{
    json_error_t e;
    json_t *j = json_loads(r->body, 0, &e);
    CHECK(j != NULL);
    return j;
}

static const char *str_at(json_t *j, const char *path)
{
    /* "a.b.c" through objects */
    char buf[128];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *cur = j;
    for (char *tok = strtok(buf, "."); tok && cur; tok = strtok(NULL, "."))
        cur = json_object_get(cur, tok);
    return json_string_value(cur);
}

/* POST and return the status; the body's "error" code (if any) into code. */
static long post(const char *path, const char *token, const char *key, const char *body,
                 char *code, size_t code_len)
{
    th_response r;
    long st = th_http(&F, "POST", path, token, key, body, &r);
    if (code) {
        json_t *j = json_loads(r.body, 0, NULL);
        snprintf(code, code_len, "%s", j && json_string_value(json_object_get(j, "error"))
                                      ? json_string_value(json_object_get(j, "error")) : "");
        json_decref(j);
    }
    th_response_free(&r);
    return st;
}

static queue_ticket ticket_of(int64_t id)
{
    queue_ticket t;
    memset(&t, 0, sizeof t);
    CHECK_INT(queue_get_ticket(F.q, id, &t), QUEUE_OK);
    return t;
}

static int64_t issue_via_api(const char *service, const char *token)
{
    char body[128];
    snprintf(body, sizeof body, "{\"service\":\"%s\"}", service);
    th_response r;
    CHECK_INT(th_http(&F, "POST", "/api/v1/tickets", token, NULL, body, &r), 201);
    json_t *j = json_loads(r.body, 0, NULL);
    int64_t id = j ? json_integer_value(json_object_get(json_object_get(j, "ticket"), "id")) : 0;
    json_decref(j);
    th_response_free(&r);
    return id;
}

static void counter_state_is(int id, queue_counter_state want)
{
    queue_counter_status cs;
    CHECK_INT(queue_counter_get(F.q, id, &cs), QUEUE_OK);
    CHECK_INT(cs.state, want);
}

/* GET /api/v1/state lists services with counts, counters, last calls. */
static void test_state(void)
{
    th_response r;
    CHECK_INT(th_http(&F, "GET", "/api/v1/state", NULL, NULL, NULL, &r), 200);
    json_t *j = body_json(&r);
    CHECK_STR(str_at(j, "antenne.name"), "Antenne de test");
    json_t *services = json_object_get(j, "services");
    CHECK_INT(json_array_size(services), 4);   /* A, F, E, R: E and R are no tiles */
    CHECK(json_is_true(json_object_get(json_array_get(services, 0), "walk_in")));
    CHECK(json_is_false(json_object_get(json_array_get(services, 3), "walk_in")));
    CHECK_STR(str_at(j, "antenne.timezone"), "Europe/Paris");
    CHECK_STR(json_string_value(json_object_get(json_array_get(services, 0), "letter")), "A");
    CHECK_INT(json_array_size(json_object_get(j, "counters")), 4);
    CHECK(json_is_array(json_object_get(j, "last_calls")));
    CHECK(json_integer_value(json_object_get(j, "now")) == th_now(&F));
    json_decref(j);
    th_response_free(&r);
}

/* Static pages, unknown paths, wrong methods, escapes from the web root. */
static void test_routes(void)
{
    th_response r;
    CHECK_INT(th_http(&F, "GET", "/counter", NULL, NULL, NULL, &r), 200);
    CHECK(strstr(r.body, "Appeler le suivant") != NULL);
    th_response_free(&r);
    CHECK_INT(th_http(&F, "GET", "/web/counter.js", NULL, NULL, NULL, &r), 200);
    th_response_free(&r);
    CHECK_INT(th_http(&F, "GET", "/web/openapi.yaml", NULL, NULL, NULL, &r), 200);
    CHECK(strstr(r.body, "openapi: 3") != NULL);
    th_response_free(&r);
    const char *missing[] = {"/web/../CMakeLists.txt", "/web/%2e%2e/x.js", "/web/none.js",
                             "/api/v1/nope", "/api/v1/state/", "/api/v2/state",
                             "/api/v1/counters/1/explode", "/api/v1/counters/01/open",
                             "/api/v1/counters/x/open", "/etc/passwd"};
    for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++) {
        CHECK_INT(th_http(&F, "GET", missing[i], NULL, NULL, NULL, &r), 404);
        CHECK(strstr(r.body, "\"error\"") != NULL);
        th_response_free(&r);
    }
    CHECK_INT(th_http(&F, "POST", "/api/v1/state", TH_TOKEN1, NULL, "{}", &r), 405);
    th_response_free(&r);
    CHECK_INT(th_http(&F, "GET", "/api/v1/counters/1/open", TH_TOKEN1, NULL, NULL, &r), 405);
    th_response_free(&r);
    CHECK_INT(th_http(&F, "DELETE", "/api/v1/tickets", TH_TOKEN1, NULL, NULL, &r), 405);
    th_response_free(&r);
}

/* No token, unknown token: 401; another counter's token: 403; unknown counter: 404. Nothing
 * changes in any case. */
static void test_auth(void)
{
    char code[32];
    CHECK_INT(post("/api/v1/counters/1/open", NULL, NULL, NULL, code, sizeof code), 401);
    CHECK_STR(code, "unauthorized");
    CHECK_INT(post("/api/v1/counters/1/open", "not-a-token-at-all-xxxxxx", NULL, NULL, code, sizeof code), 401);
    CHECK_INT(post("/api/v1/counters/1/open", TH_TOKEN2, NULL, NULL, code, sizeof code), 403);
    CHECK_STR(code, "forbidden");
    CHECK_INT(post("/api/v1/counters/4/open", TH_TOKEN1, NULL, NULL, code, sizeof code), 403);
    CHECK_INT(post("/api/v1/counters/99/open", TH_TOKEN1, NULL, NULL, code, sizeof code), 404);
    CHECK_STR(code, "unknown_counter");
    CHECK_INT(post("/api/v1/tickets", NULL, NULL, "{\"service\":\"A\"}", code, sizeof code), 401);
    th_response r;
    CHECK_INT(th_http(&F, "PUT", "/api/v1/appointments", "Bearer-less", NULL, "[]", &r), 401);
    th_response_free(&r);
    counter_state_is(1, QUEUE_COUNTER_CLOSED);
    counter_state_is(4, QUEUE_COUNTER_CLOSED);
    int waiting = 0;
    queue_service_stats st[QUEUE_MAX_SERVICES];
    int n = queue_service_stats_now(F.q, th_now(&F), st, QUEUE_MAX_SERVICES);
    for (int i = 0; i < n; i++)
        waiting += st[i].waiting;
    CHECK_INT(waiting, 0);
}

/* POST /tickets: good bodies issue, bad JSON is 400 with a position, bad content 422. */
static void test_tickets(void)
{
    th_response r;
    CHECK_INT(th_http(&F, "POST", "/api/v1/tickets", TH_TOKEN3, NULL,
                      "{\"service\":\"A\",\"priority\":true,\"public\":\"entreprise\"}", &r), 201);
    json_t *j = body_json(&r);
    int64_t id = json_integer_value(json_object_get(json_object_get(j, "ticket"), "id"));
    CHECK_STR(str_at(j, "ticket.label"), "A001");
    CHECK(json_is_array(json_object_get(j, "wait_min")));
    json_decref(j);
    th_response_free(&r);
    queue_ticket t = ticket_of(id);
    CHECK(t.priority);
    CHECK_INT(t.public_type, QUEUE_PUBLIC_ENTREPRISE);
    CHECK_INT(t.state, QUEUE_WAITING);

    CHECK_INT(th_http(&F, "POST", "/api/v1/tickets", TH_TOKEN1, NULL, "{\"service\": \"A\",,}", &r), 400);
    j = body_json(&r);
    CHECK_STR(str_at(j, "error"), "bad_json");
    CHECK(strstr(str_at(j, "message") ? str_at(j, "message") : "", "line 1, column") != NULL);
    json_decref(j);
    th_response_free(&r);

    static const struct { const char *body, *code; } bad[] = {
        {"{\"service\":\"E\"}", "service_disabled"},
        {"{\"service\":\"Z\"}", "unknown_service"},
        {"{\"service\":\"AB\"}", "bad_service"},
        {"{}", "missing_field"},
        {"{\"service\":\"A\",\"priorty\":true}", "unknown_field"},
        {"{\"service\":\"A\",\"public\":\"martien\"}", "bad_public"},
        {"{\"service\":\"A\",\"priority\":\"yes\"}", "bad_field"},
        {"[1,2]", "bad_body"},
        {"", "missing_body"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char code[32];
        CHECK_INT(post("/api/v1/tickets", TH_TOKEN1, NULL, bad[i].body, code, sizeof code), 422);
        CHECK_STR(code, bad[i].code);
    }
    char code[32];
    CHECK_INT(post("/api/v1/tickets", TH_TOKEN1, NULL, "{\"service\":\"A\",\"service\":\"F\"}", code, sizeof code), 400);
    /* only the first ticket exists */
    queue_ticket t2;
    CHECK_INT(queue_get_ticket(F.q, id + 1, &t2), QUEUE_ENOTICKET);
    CHECK_INT(queue_cancel(F.q, th_now(&F), id, "admin"), QUEUE_OK);
}

/* Over-cap bodies are refused (413) whether announced by Content-Length or streamed, and the
 * server serves the next request normally. */
static void test_body_cap(void)
{
    size_t n = 17 * 1024;
    char *big = malloc(n + 1);
    memset(big, ' ', n);
    memcpy(big, "{\"service\":\"A\"", 14);
    big[n - 1] = '}';
    big[n] = '\0';
    char code[32];
    CHECK_INT(post("/api/v1/tickets", TH_TOKEN1, NULL, big, code, sizeof code), 413);
    CHECK_STR(code, "body_too_large");
    free(big);

    /* Chunked upload without Content-Length, over the cap: counted while reading. */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)F.port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    CHECK(connect(s, (struct sockaddr *)&sa, sizeof sa) == 0);
    char head[256];
    int hl = snprintf(head, sizeof head, "POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\n"
                      "Authorization: Bearer %s\r\nTransfer-Encoding: chunked\r\n"
                      "Connection: close\r\n\r\n", TH_TOKEN1);
    CHECK(write(s, head, (size_t)hl) == hl);
    char chunk[4096 + 16];
    memset(chunk, ' ', sizeof chunk);
    memcpy(chunk, "1000\r\n", 6);
    memcpy(chunk + 6 + 4096, "\r\n", 2);
    for (int i = 0; i < 5; i++)
        CHECK(write(s, chunk, 6 + 4096 + 2) == 6 + 4096 + 2);
    CHECK(write(s, "0\r\n\r\n", 5) == 5);
    char reply[512] = {0};
    size_t got = 0;
    ssize_t k;
    while (got < sizeof reply - 1 && (k = read(s, reply + got, sizeof reply - 1 - got)) > 0)
        got += (size_t)k;
    close(s);
    CHECK(strncmp(reply, "HTTP/1.1 413", 12) == 0);
    test_state();
}

/* Garbage on the wire does not stop the server. */
static void test_garbage(void)
{
    static const char *const junk[] = {
        "GARBAGE\r\n\r\n", "GET /api/v1/state HTTP/9.9\r\n\r\n", "\x01\x02\x03\xff\r\n\r\n",
        "POST /api/v1/tickets HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        "POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)F.port)};
        inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
        CHECK(connect(s, (struct sockaddr *)&sa, sizeof sa) == 0);
        CHECK(write(s, junk[i], strlen(junk[i])) == (ssize_t)strlen(junk[i]));
        shutdown(s, SHUT_WR);
        char buf[256];
        while (read(s, buf, sizeof buf) > 0)
            ;
        close(s);
    }
    test_state();
}

/* A counter's day: open, call next, recall, start, finish; empty queue; no-show rules;
 * transfer to another counter; close refused while holding a ticket. */
static void test_counter_flow(void)
{
    char code[32];
    th_response r;
    CHECK_INT(post("/api/v1/counters/1/open", TH_TOKEN1, NULL, NULL, code, sizeof code), 200);
    counter_state_is(1, QUEUE_COUNTER_OPEN);
    CHECK_INT(post("/api/v1/counters/1/call-next", TH_TOKEN1, NULL, NULL, code, sizeof code), 409);
    CHECK_STR(code, "queue_empty");
    CHECK_INT(post("/api/v1/counters/1/recall", TH_TOKEN1, NULL, NULL, code, sizeof code), 404);
    CHECK_STR(code, "no_current_ticket");

    int64_t a = issue_via_api("A", TH_TOKEN1);
    int64_t b = issue_via_api("A", TH_TOKEN2);
    atomic_fetch_add(&F.now, 60);
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/1/call-next", TH_TOKEN1, NULL, NULL, &r), 200);
    json_t *j = body_json(&r);
    CHECK(json_integer_value(json_object_get(json_object_get(j, "ticket"), "id")) == a);
    CHECK_STR(str_at(j, "ticket.state"), "called");
    CHECK_STR(str_at(j, "counter.state"), "open");
    json_decref(j);
    th_response_free(&r);
    CHECK_INT(ticket_of(a).state, QUEUE_CALLED);
    CHECK_INT(ticket_of(a).counter_id, 1);

    CHECK_INT(post("/api/v1/counters/1/call-next", TH_TOKEN1, NULL, NULL, code, sizeof code), 409);
    CHECK_STR(code, "bad_state");
    CHECK_INT(post("/api/v1/counters/1/close", TH_TOKEN1, NULL, NULL, code, sizeof code), 409);
    CHECK_INT(post("/api/v1/counters/1/recall", TH_TOKEN1, NULL, "{}", code, sizeof code), 200);
    CHECK_INT(ticket_of(a).recalls, 1);
    CHECK_INT(post("/api/v1/counters/1/start", TH_TOKEN1, NULL, "{\"x\":1}", code, sizeof code), 422);
    CHECK_INT(post("/api/v1/counters/1/start", TH_TOKEN1, NULL, NULL, code, sizeof code), 200);
    CHECK_INT(ticket_of(a).state, QUEUE_SERVING);
    CHECK_INT(post("/api/v1/counters/1/finish", TH_TOKEN1, NULL, "{\"outcome\":\"maybe\"}", code, sizeof code), 422);
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/1/finish", TH_TOKEN1, NULL,
                      "{\"outcome\":\"redirected\"}", &r), 200);
    j = body_json(&r);
    CHECK_STR(str_at(j, "ticket.outcome"), "partner");
    CHECK(json_is_null(json_object_get(json_object_get(j, "counter"), "ticket")));
    json_decref(j);
    th_response_free(&r);
    CHECK_INT(ticket_of(a).state, QUEUE_DONE);
    CHECK_INT(ticket_of(a).outcome, QUEUE_OUTCOME_REDIRECTED);
    CHECK_INT(post("/api/v1/counters/1/finish", TH_TOKEN1, NULL, NULL, code, sizeof code), 409);

    /* no-show needs one recall first (recalls_before_no_show = 1) */
    CHECK_INT(post("/api/v1/counters/1/call-next", TH_TOKEN1, NULL, NULL, code, sizeof code), 200);
    CHECK_INT(post("/api/v1/counters/1/no-show", TH_TOKEN1, NULL, NULL, code, sizeof code), 409);
    CHECK_STR(code, "recalls_needed");
    CHECK_INT(post("/api/v1/counters/1/recall", TH_TOKEN1, NULL, NULL, code, sizeof code), 200);
    CHECK_INT(post("/api/v1/counters/1/no-show", TH_TOKEN1, NULL, NULL, code, sizeof code), 200);
    CHECK_INT(ticket_of(b).state, QUEUE_NO_SHOW);

    /* transfer: A ticket to service F at counter 3 */
    int64_t c = issue_via_api("A", TH_TOKEN1);
    CHECK_INT(post("/api/v1/counters/1/call-next", TH_TOKEN1, NULL, NULL, code, sizeof code), 200);
    CHECK_INT(post("/api/v1/counters/1/transfer", TH_TOKEN1, NULL, "{}", code, sizeof code), 422);
    CHECK_INT(post("/api/v1/counters/1/transfer", TH_TOKEN1, NULL, "{\"service\":\"A\",\"counter\":3}", code, sizeof code), 422);
    CHECK_STR(code, "not_served");
    CHECK_INT(post("/api/v1/counters/1/transfer", TH_TOKEN1, NULL, "{\"service\":\"F\",\"counter\":3}", code, sizeof code), 200);
    queue_ticket t = ticket_of(c);
    CHECK_INT(t.state, QUEUE_WAITING);
    CHECK_INT(t.service, 'F');
    CHECK(t.transferred);
    CHECK_INT(post("/api/v1/counters/3/open", TH_TOKEN3, NULL, NULL, code, sizeof code), 200);
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/3/call-next", TH_TOKEN3, NULL, NULL, &r), 200);
    j = body_json(&r);
    CHECK(json_integer_value(json_object_get(json_object_get(j, "ticket"), "id")) == c);
    json_decref(j);
    th_response_free(&r);
    CHECK_INT(post("/api/v1/counters/3/finish", TH_TOKEN3, NULL, NULL, code, sizeof code), 200);
    CHECK_INT(ticket_of(c).outcome, QUEUE_OUTCOME_SERVED);

    CHECK_INT(post("/api/v1/counters/1/pause", TH_TOKEN1, NULL, NULL, code, sizeof code), 200);
    counter_state_is(1, QUEUE_COUNTER_PAUSED);
    CHECK_INT(post("/api/v1/counters/1/close", TH_TOKEN1, NULL, NULL, code, sizeof code), 200);
    CHECK_INT(post("/api/v1/counters/3/close", TH_TOKEN3, NULL, NULL, code, sizeof code), 200);
    counter_state_is(1, QUEUE_COUNTER_CLOSED);
}

/* A repeated Idempotency-Key returns the first answer and changes nothing. Keys are per
 * counter; a malformed key is refused. */
static void test_idempotency(void)
{
    char code[32];
    CHECK_INT(post("/api/v1/counters/2/open", TH_TOKEN2, "open-1", NULL, code, sizeof code), 200);
    int64_t x = issue_via_api("F", TH_TOKEN2);
    int64_t y = issue_via_api("F", TH_TOKEN2);
    th_response r1, r2;
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/2/call-next", TH_TOKEN2, "call-42", NULL, &r1), 200);
    CHECK(!r1.replayed);
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/2/call-next", TH_TOKEN2, "call-42", NULL, &r2), 200);
    CHECK(r2.replayed);
    CHECK_STR(r2.body, r1.body);
    th_response_free(&r1);
    th_response_free(&r2);
    CHECK_INT(ticket_of(x).state, QUEUE_CALLED);
    CHECK_INT(ticket_of(y).state, QUEUE_WAITING);
    CHECK_INT(ticket_of(x).recalls, 0);

    /* an error answer is kept too: retrying a refused no-show stays refused */
    CHECK_INT(post("/api/v1/counters/2/no-show", TH_TOKEN2, "ns-1", NULL, code, sizeof code), 409);
    CHECK_INT(post("/api/v1/counters/2/recall", TH_TOKEN2, "rc-1", NULL, code, sizeof code), 200);
    CHECK_INT(post("/api/v1/counters/2/recall", TH_TOKEN2, "rc-1", NULL, code, sizeof code), 200);
    CHECK_INT(ticket_of(x).recalls, 1);
    CHECK_INT(post("/api/v1/counters/2/no-show", TH_TOKEN2, "ns-1", NULL, code, sizeof code), 409);
    CHECK_INT(ticket_of(x).state, QUEUE_CALLED);
    CHECK_INT(post("/api/v1/counters/2/finish", TH_TOKEN2, "fin-1", NULL, code, sizeof code), 200);

    /* the same key from another counter is another request */
    CHECK_INT(post("/api/v1/counters/3/open", TH_TOKEN3, NULL, NULL, code, sizeof code), 200);
    CHECK_INT(post("/api/v1/counters/3/call-next", TH_TOKEN3, "call-42", NULL, code, sizeof code), 200);
    /* ... but one key for two different requests is refused */
    CHECK_INT(post("/api/v1/counters/3/recall", TH_TOKEN3, "call-42", NULL, code, sizeof code), 422);
    CHECK_STR(code, "idempotency_key_reused");
    CHECK_INT(ticket_of(y).recalls, 0);
    CHECK_INT(ticket_of(y).state, QUEUE_CALLED);
    CHECK_INT(post("/api/v1/counters/3/finish", TH_TOKEN3, NULL, NULL, code, sizeof code), 200);
    CHECK_INT(post("/api/v1/counters/3/close", TH_TOKEN3, NULL, NULL, code, sizeof code), 200);

    /* issuing with a key twice gives one ticket */
    th_response r;
    CHECK_INT(th_http(&F, "POST", "/api/v1/tickets", TH_TOKEN2, "issue-7", "{\"service\":\"A\"}", &r1), 201);
    CHECK_INT(th_http(&F, "POST", "/api/v1/tickets", TH_TOKEN2, "issue-7", "{\"service\":\"A\"}", &r2), 201);
    CHECK_STR(r2.body, r1.body);
    th_response_free(&r1);
    th_response_free(&r2);
    int64_t z = issue_via_api("A", TH_TOKEN2);
    CHECK_STR(ticket_of(z).label, "A006");   /* A001..A004 before, A005 for issue-7 */
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/2/call-next", TH_TOKEN2, "bad key", NULL, &r), 400);
    th_response_free(&r);
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/2/close", TH_TOKEN2, NULL, NULL, &r), 200);
    th_response_free(&r);
}

/* PUT /appointments upserts an array; invalid items reject the whole request. */
static void test_appointments(void)
{
    th_response r;
    CHECK_INT(th_http(&F, "PUT", "/api/v1/appointments", TH_TOKEN3, "appt-1",
                      "[{\"code\":\"RDV-1\",\"at\":\"2026-11-23T11:30\",\"note\":\"dossier CAF\"},"
                      " {\"code\":\"RDV-2\",\"at\":1795428000,\"service\":\"R\",\"counter\":2}]", &r), 200);
    CHECK(strstr(r.body, "\"upserted\":2") != NULL);
    th_response_free(&r);
    queue_appointment a;
    CHECK_INT(queue_appointment_get(F.q, "RDV-1", &a), QUEUE_OK);
    CHECK_STR(a.note, "dossier CAF");
    CHECK(a.at == testlib_local_time(2026, 11, 23, 11, 30, 0));
    CHECK_INT(a.service, 'R');
    CHECK_INT(queue_appointment_get(F.q, "RDV-2", &a), QUEUE_OK);
    CHECK_INT(a.counter_id, 2);

    static const char *const bad[] = {
        "{\"code\":\"X\"}", "[{\"code\":\"bad code\",\"at\":1}]",
        "[{\"code\":\"X1\",\"at\":\"2026-02-31T10:00\"}]", "[{\"code\":\"X1\"}]",
        "[{\"code\":\"X1\",\"at\":1},{\"code\":\"X1\",\"at\":2}]", "[3]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT(th_http(&F, "PUT", "/api/v1/appointments", TH_TOKEN3, NULL, bad[i], &r), 422);
        th_response_free(&r);
    }
    CHECK_INT(queue_appointment_get(F.q, "X1", &a), QUEUE_ENOAPPT);
    CHECK_INT(th_http(&F, "PUT", "/api/v1/appointments", TH_TOKEN3, NULL, "[{\"code\":", &r), 400);
    th_response_free(&r);
}

/* The appointment note is private to the counter holding the ticket. A display's stream (open
 * before, open after, and replaying from event 0) and /state never carry the note nor the
 * appointment code; GET /counters/{id} and the counter's own call-next and recall answers do,
 * with that counter's token only: another counter's token is 403, no token 401, an unknown
 * counter 404, and none of those answers leaks the note. */
#define PRIVATE_NOTE "NOTE-PRIVEE-dossier-8841"
#define PRIVATE_CODE "RDV-PRIVE-77"

static void no_secret(const char *text, const char *where)
{
    bool clean = strstr(text, PRIVATE_NOTE) == NULL && strstr(text, PRIVATE_CODE) == NULL;
    if (!clean)
        fprintf(stderr, "   note or code leaked in %s\n", where);
    CHECK(clean);
}

static void check_private_view(const th_response *r, int64_t ticket_id, int64_t at)
{
    json_t *j = body_json(r);
    json_t *appt = json_object_get(j, "appointment");
    CHECK_STR(json_string_value(json_object_get(appt, "note")), PRIVATE_NOTE);
    CHECK_STR(json_string_value(json_object_get(appt, "code")), PRIVATE_CODE);
    CHECK(json_integer_value(json_object_get(appt, "at")) == at);
    CHECK(json_integer_value(json_object_get(json_object_get(json_object_get(j, "counter"), "ticket"),
                                             "id")) == ticket_id);
    CHECK(json_is_integer(json_object_get(j, "waited_s")));
    json_decref(j);
}

static void test_private_note(void)
{
    th_sse *before = th_sse_open(F.port, NULL);
    CHECK(th_sse_wait(before, "event: state\n", 5000));
    char body[256];
    int64_t at = th_now(&F) - 300;   /* due: it is called before anybody else */
    snprintf(body, sizeof body, "[{\"code\":\"%s\",\"at\":%lld,\"counter\":2,\"note\":\"%s\"}]",
             PRIVATE_CODE, (long long)at, PRIVATE_NOTE);
    th_response r;
    CHECK_INT(th_http(&F, "PUT", "/api/v1/appointments", TH_TOKEN3, NULL, body, &r), 200);
    th_response_free(&r);
    queue_issued ci;
    CHECK_INT(queue_check_in(F.q, th_now(&F), PRIVATE_CODE, &ci), QUEUE_OK);

    char code[32];
    CHECK_INT(post("/api/v1/counters/2/open", TH_TOKEN2, NULL, NULL, code, sizeof code), 200);
    /* nothing to show before the call: no current ticket, no appointment */
    CHECK_INT(th_http(&F, "GET", "/api/v1/counters/2", TH_TOKEN2, NULL, NULL, &r), 200);
    json_t *j = body_json(&r);
    CHECK(json_is_null(json_object_get(j, "appointment")));
    CHECK(json_is_null(json_object_get(j, "waited_s")));
    json_decref(j);
    th_response_free(&r);

    atomic_fetch_add(&F.now, 120);
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/2/call-next", TH_TOKEN2, NULL, NULL, &r), 200);
    check_private_view(&r, ci.ticket.id, at);
    th_response_free(&r);
    CHECK_INT(ticket_of(ci.ticket.id).counter_id, 2);
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/2/recall", TH_TOKEN2, NULL, NULL, &r), 200);
    check_private_view(&r, ci.ticket.id, at);
    th_response_free(&r);
    CHECK_INT(th_http(&F, "GET", "/api/v1/counters/2", TH_TOKEN2, NULL, NULL, &r), 200);
    check_private_view(&r, ci.ticket.id, at);
    j = body_json(&r);
    CHECK(json_integer_value(json_object_get(j, "waited_s")) == 120);  /* checked in, then called */
    json_decref(j);
    th_response_free(&r);

    CHECK_INT(th_http(&F, "GET", "/api/v1/counters/2", TH_TOKEN1, NULL, NULL, &r), 403);
    CHECK(strstr(r.body, "\"forbidden\"") != NULL);
    no_secret(r.body, "the 403 answer");
    th_response_free(&r);
    CHECK_INT(th_http(&F, "GET", "/api/v1/counters/2", NULL, NULL, NULL, &r), 401);
    no_secret(r.body, "the 401 answer");
    th_response_free(&r);
    CHECK_INT(th_http(&F, "GET", "/api/v1/counters/99", TH_TOKEN2, NULL, NULL, &r), 404);
    no_secret(r.body, "the 404 answer");
    th_response_free(&r);

    CHECK_INT(th_http(&F, "GET", "/api/v1/state", NULL, NULL, NULL, &r), 200);
    CHECK(strstr(r.body, "\"label\":\"R001\"") != NULL);   /* the call itself is public */
    no_secret(r.body, "/state");
    th_response_free(&r);
    CHECK(th_sse_wait(before, "event: recall\n", 5000));
    char *text = th_sse_text(before);
    CHECK(strstr(text, "\"label\":\"R001\"") != NULL);
    no_secret(text, "the stream open before");
    free(text);
    th_sse_close(before);
    static const char *const replay[] = {NULL, "0"};
    for (size_t i = 0; i < 2; i++) {
        th_sse *after = th_sse_open(F.port, replay[i]);
        CHECK(th_sse_wait(after, "\"label\":\"R001\"", 5000));
        if (replay[i])
            CHECK(th_sse_wait(after, "event: recall\n", 5000));
        text = th_sse_text(after);
        no_secret(text, replay[i] ? "a stream replaying from event 0" : "a stream open after");
        free(text);
        th_sse_close(after);
    }

    CHECK_INT(post("/api/v1/counters/2/finish", TH_TOKEN2, NULL, NULL, code, sizeof code), 200);
    CHECK_INT(th_http(&F, "GET", "/api/v1/counters/2", TH_TOKEN2, NULL, NULL, &r), 200);
    no_secret(r.body, "the counter's view once the visitor left");
    th_response_free(&r);
    CHECK_INT(post("/api/v1/counters/2/close", TH_TOKEN2, NULL, NULL, code, sizeof code), 200);
}

/* Two counters calling concurrently, many rounds: each ticket is called exactly once. */
#define CONC_TICKETS 120

typedef struct caller {
    int counter;
    const char *token;
    int64_t got[CONC_TICKETS];
    int n, errors;
} caller;

/* Contract 2 at the desk: the choices in the state, outcomes with a configured partner, contacts by
 * phone and e-mail; unknown partners, outcomes and channels are refused with a clear code. */
static void test_outcomes_and_contacts(void)
{
    th_response r;
    CHECK_INT(th_http(&F, "GET", "/api/v1/state", NULL, NULL, NULL, &r), 200);
    json_t *j = body_json(&r);
    json_t *choices = json_object_get(j, "choices");
    CHECK_INT(json_array_size(json_object_get(choices, "outcomes")), CONTRACT_OUTCOMES_N);
    CHECK_STR(str_at(json_array_get(json_object_get(choices, "outcomes"), 2), "id"), "online_help");
    CHECK_STR(str_at(json_array_get(json_object_get(choices, "partners"), 0), "label"), "CAF de l'Aisne");
    CHECK_STR(str_at(json_array_get(json_object_get(choices, "channels"), 1), "id"), "email");
    json_decref(j);
    th_response_free(&r);

    char code[64];
    CHECK_INT(post("/api/v1/counters/2/open", TH_TOKEN2, NULL, NULL, code, sizeof code), 200);
    issue_via_api("A", TH_TOKEN2);
    CHECK_INT(post("/api/v1/counters/2/call-next", TH_TOKEN2, NULL, NULL, code, sizeof code), 200);
    queue_counter_status cs;
    CHECK_INT(queue_counter_get(F.q, 2, &cs), QUEUE_OK);
    int64_t a = cs.current_ticket;
    CHECK_INT(post("/api/v1/counters/2/finish", TH_TOKEN2, NULL, "{\"outcome\":\"partner\",\"partner\":\"msa\"}",
                   code, sizeof code), 422);
    CHECK_STR(code, "unknown_partner");
    CHECK_INT(post("/api/v1/counters/2/finish", TH_TOKEN2, NULL, "{\"outcome\":\"answered\",\"partner\":\"caf\"}",
                   code, sizeof code), 422);
    CHECK_STR(code, "bad_outcome");
    CHECK_INT(post("/api/v1/counters/2/finish", TH_TOKEN2, NULL, "{\"outcome\":\"lunch\"}", code, sizeof code), 422);
    CHECK_STR(code, "bad_outcome");
    CHECK_INT(ticket_of(a).state, QUEUE_CALLED);
    CHECK_INT(post("/api/v1/counters/2/finish", TH_TOKEN2, NULL, "{\"outcome\":\"partner\",\"partner\":\"caf\"}",
                   code, sizeof code), 200);
    CHECK_INT(ticket_of(a).outcome, QUEUE_OUTCOME_REDIRECTED);
    CHECK_STR(ticket_of(a).partner, "caf");
    issue_via_api("A", TH_TOKEN2);
    CHECK_INT(post("/api/v1/counters/2/call-next", TH_TOKEN2, NULL, NULL, code, sizeof code), 200);
    CHECK_INT(queue_counter_get(F.q, 2, &cs), QUEUE_OK);
    int64_t b = cs.current_ticket;
    CHECK_INT(post("/api/v1/counters/2/finish", TH_TOKEN2, NULL, "{\"outcome\":\"online_help\"}", code, sizeof code),
              200);
    CHECK_INT(ticket_of(b).outcome, QUEUE_OUTCOME_ONLINE_HELP);

    CHECK_INT(post("/api/v1/counters/2/contact", TH_TOKEN2, NULL, "{\"channel\":\"phone\"}", code, sizeof code), 200);
    CHECK_INT(post("/api/v1/counters/2/contact", TH_TOKEN2, NULL, "{\"channel\":\"email\"}", code, sizeof code), 200);
    CHECK_INT(post("/api/v1/counters/2/contact", TH_TOKEN2, NULL, "{\"channel\":\"fax\"}", code, sizeof code), 422);
    CHECK_STR(code, "bad_channel");
    CHECK_INT(post("/api/v1/counters/2/contact", TH_TOKEN2, NULL, NULL, code, sizeof code), 422);
    CHECK_INT(post("/api/v1/counters/2/contact", TH_TOKEN1, NULL, "{\"channel\":\"phone\"}", code, sizeof code), 403);
    CHECK_INT(post("/api/v1/counters/2/close", TH_TOKEN2, NULL, NULL, code, sizeof code), 200);
}

static void *call_loop(void *arg)
{
    caller *c = arg;
    th_client *cl = th_client_new(F.port);
    char path[64];
    for (;;) {
        th_response r;
        snprintf(path, sizeof path, "/api/v1/counters/%d/call-next", c->counter);
        long st = th_client_do(cl, "POST", path, c->token, NULL, NULL, &r);
        if (st == 409) {
            th_response_free(&r);
            break;
        }
        json_t *j = st == 200 ? json_loads(r.body, 0, NULL) : NULL;
        int64_t id = j ? json_integer_value(json_object_get(json_object_get(j, "ticket"), "id")) : 0;
        json_decref(j);
        th_response_free(&r);
        if (!id || c->n >= CONC_TICKETS) {
            c->errors++;
            break;
        }
        c->got[c->n++] = id;
        snprintf(path, sizeof path, "/api/v1/counters/%d/finish", c->counter);
        if (th_client_do(cl, "POST", path, c->token, NULL, NULL, &r) != 200)
            c->errors++;
        th_response_free(&r);
    }
    th_client_free(cl);
    return NULL;
}

static void test_concurrent_call_next(void)
{
    char code[32];
    CHECK_INT(post("/api/v1/counters/1/open", TH_TOKEN1, NULL, NULL, code, sizeof code), 200);
    CHECK_INT(post("/api/v1/counters/2/open", TH_TOKEN2, NULL, NULL, code, sizeof code), 200);
    /* both counters serve A and F; clear what earlier cases left waiting */
    caller pre = {.counter = 2, .token = TH_TOKEN2};
    call_loop(&pre);
    int64_t ids[CONC_TICKETS];
    for (int i = 0; i < CONC_TICKETS; i++) {
        queue_issued is;
        CHECK_INT(queue_issue(F.q, th_now(&F), i % 2 ? 'A' : 'F', NULL, &is), QUEUE_OK);
        ids[i] = is.ticket.id;
    }
    caller c1 = {.counter = 1, .token = TH_TOKEN1}, c2 = {.counter = 2, .token = TH_TOKEN2};
    pthread_t t1, t2;
    pthread_create(&t1, NULL, call_loop, &c1);
    pthread_create(&t2, NULL, call_loop, &c2);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    CHECK_INT(c1.errors + c2.errors, 0);
    CHECK_INT(c1.n + c2.n, CONC_TICKETS);
    int seen[CONC_TICKETS] = {0};
    for (int k = 0; k < 2; k++) {
        caller *c = k ? &c2 : &c1;
        for (int i = 0; i < c->n; i++)
            for (int j = 0; j < CONC_TICKETS; j++)
                if (ids[j] == c->got[i])
                    seen[j]++;
    }
    int once = 0;
    for (int j = 0; j < CONC_TICKETS; j++)
        once += seen[j] == 1;
    CHECK_INT(once, CONC_TICKETS);
    fprintf(stderr, "   counter 1 called %d, counter 2 called %d\n", c1.n, c2.n);
}

int main(void)
{
    th_start(&F, "hub_api", false);
    RUN(test_state);
    RUN(test_routes);
    RUN(test_auth);
    RUN(test_tickets);
    RUN(test_body_cap);
    RUN(test_garbage);
    RUN(test_counter_flow);
    RUN(test_idempotency);
    RUN(test_appointments);
    RUN(test_private_note);
    RUN(test_outcomes_and_contacts);
    RUN(test_concurrent_call_next);
    th_stop(&F);
    return testlib_finish();
}
