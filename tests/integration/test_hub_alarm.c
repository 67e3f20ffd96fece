/* Safety alarms on the LAN API over real HTTP: token rules (a desk raises only as itself, a
 * token of another antenne is refused, only the raiser clears), a replayed raise is one alarm,
 * acknowledgements seen by every desk, and the silence: the desks' own stream carries the alarm
 * while the public stream and state (displays, kiosk) carry nothing of it. */
#include "borne/lan_contract.h"
#include "test_hub_support.h"
#include "testlib.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define WAIT_MS 10000
#define OTHER_ANTENNE_TOKEN "token-of-avesnes-0123456789"

static th_fixture F;

static json_t *body_json(const th_response *r)
{
    return json_loads(r->body ? r->body : "", 0, NULL);
}

static int64_t alarm_id_of(const th_response *r)
{
    json_t *j = body_json(r);
    int64_t id = json_integer_value(json_object_get(json_object_get(j, "alarm"), "id"));
    json_decref(j);
    return id;
}

static void test_token_rules_and_replay(void)
{
    th_response r;
    /* no token, another antenne's token, another desk's token, an unknown desk */
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/2/alarm", NULL, NULL, NULL, &r), 401);
    th_response_free(&r);
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/2/alarm", OTHER_ANTENNE_TOKEN, NULL, NULL, &r), 401);
    th_response_free(&r);
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/2/alarm", TH_TOKEN1, NULL, NULL, &r), 403);
    th_response_free(&r);
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/77/alarm", TH_TOKEN1, NULL, NULL, &r), 404);
    th_response_free(&r);
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/2/alarm", TH_TOKEN2, NULL, "{\"test\": 1}", &r), 422);
    th_response_free(&r);
    CHECK_INT(th_http(&F, "GET", "/api/v1/alarms", NULL, NULL, NULL, &r), 401);
    th_response_free(&r);

    /* a raise and its replay (same Idempotency-Key): one alarm */
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/2/alarm", TH_TOKEN2, "raise-1", "{}", &r), 201);
    int64_t id = alarm_id_of(&r);
    CHECK(id > 0);
    CHECK(strstr(r.body, "\"desk\":\"Guichet 2\"") != NULL);
    CHECK(strstr(r.body, "\"antenne\":\"test\"") != NULL);
    th_response_free(&r);
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/2/alarm", TH_TOKEN2, "raise-1", "{}", &r), 201);
    CHECK(r.replayed);
    CHECK_INT(alarm_id_of(&r), id);
    th_response_free(&r);
    CHECK_INT(th_http(&F, "GET", "/api/v1/alarms", TH_TOKEN3, NULL, NULL, &r), 200);
    json_t *list = body_json(&r);
    CHECK_INT(json_array_size(json_object_get(list, "alarms")), 1);
    json_decref(list);
    th_response_free(&r);

    char path[64];
    snprintf(path, sizeof path, "/api/v1/alarms/%lld/ack", (long long)id);
    CHECK_INT(th_http(&F, "POST", path, TH_TOKEN2, NULL, "{\"kind\":\"vu\"}", &r), 409);   /* own */
    th_response_free(&r);
    CHECK_INT(th_http(&F, "POST", path, OTHER_ANTENNE_TOKEN, NULL, "{\"kind\":\"vu\"}", &r), 401);
    th_response_free(&r);
    CHECK_INT(th_http(&F, "POST", path, TH_TOKEN1, NULL, "{\"kind\":\"bof\"}", &r), 422);
    th_response_free(&r);
    CHECK_INT(th_http(&F, "POST", "/api/v1/alarms/999/ack", TH_TOKEN1, NULL, "{\"kind\":\"vu\"}", &r), 404);
    th_response_free(&r);
    CHECK_INT(th_http(&F, "POST", path, TH_TOKEN1, NULL, "{\"kind\":\"arrive\"}", &r), 200);
    CHECK(strstr(r.body, "\"kind\":\"arrive\",\"who\":\"Guichet 1\",\"antenne\":\"test\"") != NULL);
    th_response_free(&r);

    snprintf(path, sizeof path, "/api/v1/alarms/%lld/clear", (long long)id);
    CHECK_INT(th_http(&F, "POST", path, TH_TOKEN1, NULL, "{\"reason\":\"fini\"}", &r), 403);
    th_response_free(&r);
    CHECK_INT(th_http(&F, "POST", path, OTHER_ANTENNE_TOKEN, NULL, "{\"reason\":\"fini\"}", &r), 401);
    th_response_free(&r);
    CHECK_INT(th_http(&F, "POST", path, TH_TOKEN2, NULL, "{}", &r), 422);
    th_response_free(&r);
    CHECK_INT(th_http(&F, "POST", path, TH_TOKEN2, NULL, "{\"reason\":\"Usager reparti calmement\"}", &r), 200);
    CHECK(strstr(r.body, "\"cleared_by\":\"Guichet 2\",\"clear_reason\":\"Usager reparti calmement\"") != NULL);
    th_response_free(&r);
    snprintf(path, sizeof path, "/api/v1/alarms/%lld/ack", (long long)id);
    CHECK_INT(th_http(&F, "POST", path, TH_TOKEN3, NULL, "{\"kind\":\"vu\"}", &r), 409);
    th_response_free(&r);
}

/* Every desk's stream gets the alarm and who acknowledged; the public stream and the public
 * state never mention it. */
static void test_desks_hear_public_does_not(void)
{
    th_sse *pub = th_sse_open(F.port, NULL);
    CHECK(th_sse_wait(pub, "event: state\n", WAIT_MS));
    th_sse *desk1 = th_sse_open_at(F.port, "/api/v1/alarms/events", TH_TOKEN1, NULL);
    th_sse *desk3 = th_sse_open_at(F.port, "/api/v1/alarms/events", TH_TOKEN3, NULL);
    th_sse *stranger = th_sse_open_at(F.port, "/api/v1/alarms/events", OTHER_ANTENNE_TOKEN, NULL);
    CHECK(th_sse_wait(desk1, "event: alarm\n", WAIT_MS));
    CHECK(th_sse_wait(desk3, "event: alarm\n", WAIT_MS));

    th_response r;
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/1/alarm", TH_TOKEN1, "raise-2", "{\"test\":true}", &r), 201);
    int64_t id = alarm_id_of(&r);
    th_response_free(&r);
    CHECK(th_sse_wait(desk3, "\"desk\":\"Guichet 1\"", WAIT_MS));
    CHECK(th_sse_wait(desk3, "\"test\":true", WAIT_MS));
    char path[64];
    snprintf(path, sizeof path, "/api/v1/alarms/%lld/ack", (long long)id);
    CHECK_INT(th_http(&F, "POST", path, TH_TOKEN3, NULL, "{\"kind\":\"appelle\"}", &r), 200);
    th_response_free(&r);
    CHECK(th_sse_wait(desk1, "\"kind\":\"appelle\",\"who\":\"Guichet 3\"", WAIT_MS));

    /* a public change after the alarm: the public stream moved on, and still says nothing */
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/3/open", TH_TOKEN3, NULL, NULL, &r), 200);
    th_response_free(&r);
    CHECK(th_sse_wait(pub, "event: counter_open\n", WAIT_MS));
    char *text = th_sse_text(pub);
    CHECK(strstr(text, "alarm") == NULL);
    free(text);
    CHECK_INT(th_http(&F, "GET", "/api/v1/state", NULL, NULL, NULL, &r), 200);
    CHECK(strstr(r.body, "alarm") == NULL);
    th_response_free(&r);
    CHECK(th_sse_wait(stranger, "\"error\":\"unauthorized\"", WAIT_MS));
    text = th_sse_text(stranger);
    CHECK(text && strstr(text, "event: alarm") == NULL);
    free(text);

    th_sse_close(pub);
    th_sse_close(desk1);
    th_sse_close(desk3);
    th_sse_close(stranger);
}

/* Alarms written by another thread or process (the panic button, the HQ relay) reach the desks
 * through the event log like the hub's own. */
static void test_alarm_from_elsewhere(void)
{
    th_sse *desk2 = th_sse_open_at(F.port, "/api/v1/alarms/events", TH_TOKEN2, NULL);
    CHECK(th_sse_wait(desk2, "event: alarm\n", WAIT_MS));
    queue_alarm_raise_req r = {.uid = "avesnes.remote1", .antenne = "avesnes",
                               .antenne_name = "Antenne d'Avesnes", .counter_id = 1,
                               .desk = "Guichet 1", .raised_at = th_now(&F) - 30, .remote = true,
                               .actor = "hq"};
    int64_t id;
    bool created;
    CHECK_INT(queue_alarm_raise(F.q, th_now(&F), &r, &id, &created), QUEUE_OK);
    hub_notify(F.hub);
    CHECK(th_sse_wait(desk2, "\"uid\":\"avesnes.remote1\"", WAIT_MS));
    CHECK(th_sse_wait(desk2, "\"remote\":true", WAIT_MS));
    th_sse_close(desk2);
}

/* The desk appliance reads the words the hub writes from the LAN contract. */
static void test_contract_words(void)
{
    for (int k = LAN_ALARM_ACK_SEEN; k < LAN_ALARM_ACK_COUNT; k++)
        CHECK_STR(lan_alarm_ack_name((lan_alarm_ack)k), queue_alarm_ack_name((queue_alarm_ack_kind)k));
    for (int r = 0; r < LAN_ALARM_RELAY_COUNT; r++)
        CHECK_STR(lan_alarm_relay_name((lan_alarm_relay)r), queue_alarm_relay_name((queue_alarm_relay)r));
}

int main(void)
{
    th_start(&F, "hub_alarm", false);
    RUN(test_contract_words);
    RUN(test_token_rules_and_replay);
    RUN(test_desks_hear_public_does_not);
    RUN(test_alarm_from_elsewhere);
    th_stop(&F);
    return testlib_finish();
}
