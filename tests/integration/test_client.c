/* The appliances' LAN client against a real hub over loopback: it follows the state,
 * runs operations, notices the hub going away, keeps retrying an operation with the same
 * Idempotency-Key while the hub is down, and runs it exactly once when the hub is back. */
#include <jansson.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "borne/client.h"
#include "borne/hub_request.h"
#include "borne/lan_contract.h"
#include "test_hub_desk.h"
#include "testlib.h"

static th_fixture F;
static atomic_int notified;

static void on_change(void *ctx)
{
    (void)ctx;
    atomic_fetch_add(&notified, 1);
}

static bool has_state(const client_view *v) { return v->have_state && v->connected; }
static bool idle_open(const client_view *v) { return !v->busy && v->counter_state == LAN_COUNTER_OPEN; }
static bool idle_ticket(const client_view *v) { return !v->busy && v->has_ticket; }
static bool disconnected(const client_view *v) { return !v->connected; }
static bool retrying(const client_view *v) { return v->busy && v->message_is_error; }
static bool recalled(const client_view *v) { return !v->busy && v->has_ticket && v->ticket.recalls == 1 && v->connected; }
static bool idle(const client_view *v) { return !v->busy; }

static void test_client(void)
{
    client_options o = {.retry_ms = 100, .give_up_s = 30};
    client *c = th_desk_start(&F, 1, TH_TOKEN1, &o, on_change, NULL);
    if (!c)
        return;
    client_view v;
    CHECK(th_desk_wait(c, has_state, &v));
    CHECK_STR(v.counter_name, "Guichet 1");
    CHECK_STR(v.antenne, "Antenne de test");
    CHECK_INT(v.n_services, 4);   /* A, F, E, R */
    CHECK(v.services[0].mine && !v.services[2].mine && !v.services[3].mine);   /* A yes; E, R no */
    CHECK(atomic_load(&notified) > 0);

    CHECK_INT(client_act(c, LAN_ACT_OPEN, LAN_OUTCOME_NONE, 0, 0), 0);
    CHECK(th_desk_wait(c, idle_open, &v));
    queue_issued is;
    CHECK_INT(queue_issue(F.q, th_now(&F), 'A', NULL, &is), QUEUE_OK);
    CHECK_INT(client_act(c, LAN_ACT_CALL_NEXT, LAN_OUTCOME_NONE, 0, 0), 0);
    CHECK_INT(client_act(c, LAN_ACT_CALL_NEXT, LAN_OUTCOME_NONE, 0, 0), -1); /* one at a time */
    CHECK(th_desk_wait(c, idle_ticket, &v));
    CHECK_STR(v.ticket.label, "A001");
    CHECK_STR(v.message, "A001 appelé.");
    queue_ticket t;
    CHECK_INT(queue_get_ticket(F.q, is.ticket.id, &t), QUEUE_OK);
    CHECK_INT(t.state, QUEUE_CALLED);

    /* an error from the hub reaches the agent in French */
    CHECK_INT(client_act(c, LAN_ACT_CALL_NEXT, LAN_OUTCOME_NONE, 0, 0), 0);
    CHECK(th_desk_wait(c, idle, &v));
    CHECK(v.message_is_error);
    CHECK_STR(v.message, "Action impossible maintenant.");

    /* the hub goes away: the client says so, and keeps the recall pending */
    th_hub_down(&F);
    CHECK(th_desk_wait(c, disconnected, &v));
    CHECK_INT(client_act(c, LAN_ACT_RECALL, LAN_OUTCOME_NONE, 0, 0), 0);
    CHECK(th_desk_wait(c, retrying, &v));
    CHECK_STR(v.message, "Hub injoignable : nouvelle tentative…");
    th_hub_up(&F);
    CHECK(th_desk_wait(c, recalled, &v));
    CHECK_INT(queue_get_ticket(F.q, is.ticket.id, &t), QUEUE_OK);
    CHECK_INT(t.recalls, 1);

    CHECK_INT(client_act(c, LAN_ACT_FINISH, LAN_OUTCOME_PARTNER, 0, 0), 0);
    CHECK(th_desk_wait(c, idle, &v));
    CHECK_INT(queue_get_ticket(F.q, is.ticket.id, &t), QUEUE_OK);
    CHECK_INT(t.outcome, QUEUE_OUTCOME_REDIRECTED);
    client_stop(c);

    /* a wrong token is refused with a clear message and changes nothing */
    if (!(c = th_desk_start(&F, 1, TH_TOKEN2, &o, NULL, NULL)))
        return;
    CHECK(th_desk_wait(c, has_state, &v));
    CHECK_INT(client_act(c, LAN_ACT_CLOSE, LAN_OUTCOME_NONE, 0, 0), 0);
    CHECK(th_desk_wait(c, idle, &v));
    CHECK_STR(v.message, "Ce jeton appartient à un autre guichet.");
    CHECK_INT(v.counter_state, LAN_COUNTER_OPEN);
    client_stop(c);
    char url[64], err[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", F.port);
    CHECK_INT(client_start(&c, "ftp://x", 1, TH_TOKEN1, &o, NULL, NULL, err, sizeof err), -1);
    CHECK_INT(client_start(&c, url, 1, "bad token", &o, NULL, NULL, err, sizeof err), -1);
}

static void test_keys(void)
{
    char a[37], b[37];
    CHECK_INT(client_new_key(a), 0);
    CHECK_INT(client_new_key(b), 0);
    CHECK_INT(strlen(a), 36);
    CHECK(strcmp(a, b) != 0);
    CHECK_INT(a[14], '4');
    CHECK(hub_idem_key_valid(a));
}

/* The hub speaks the contract the client reads: every field of LAN_TICKET_FIELDS is in the
 * ticket the hub sends, and every word of the lists reads back to its value. */
static void test_contract(void)
{
    queue_issued is;
    CHECK_INT(queue_issue(F.q, th_now(&F), 'A', NULL, &is), QUEUE_OK);
    th_response r;
    th_http(&F, "POST", LAN_API_PREFIX "/counters/1/open", TH_TOKEN1, NULL, NULL, &r);   /* open or already */
    th_response_free(&r);
    CHECK_INT(th_http(&F, "POST", LAN_API_PREFIX "/counters/1/call-next", TH_TOKEN1, NULL, NULL, &r), 200);
    json_t *j = json_loads(r.body, 0, NULL);
    json_t *ticket = json_object_get(j, "ticket");
    CHECK(json_is_object(ticket));
#define HAS_FIELD(kind, key) CHECK(json_object_get(ticket, #key) != NULL);
    LAN_TICKET_FIELDS(HAS_FIELD)
#undef HAS_FIELD
    CHECK_STR(json_string_value(json_object_get(ticket, "state")), lan_ticket_state_name(LAN_TICKET_CALLED));
    json_decref(j);
    th_response_free(&r);
    CHECK_INT(th_http(&F, "POST", LAN_API_PREFIX "/counters/1/finish", TH_TOKEN1, NULL,
                      "{\"outcome\":\"redirected\"}", &r), 200);
    th_response_free(&r);
    queue_ticket t;
    CHECK_INT(queue_get_ticket(F.q, is.ticket.id, &t), QUEUE_OK);
    CHECK_INT(t.outcome, QUEUE_OUTCOME_REDIRECTED);

    for (int a = LAN_ACT_NONE + 1; a < LAN_ACT_COUNT; a++)
        CHECK_INT(lan_action_from_name(lan_action_name((lan_action)a)), a);
    for (int s = 0; s < LAN_TICKET_STATE_COUNT; s++)
        CHECK_INT(lan_ticket_state_from_name(lan_ticket_state_name((lan_ticket_state)s)), s);
    for (int s = 0; s < LAN_COUNTER_STATE_COUNT; s++)
        CHECK_INT(lan_counter_state_from_name(lan_counter_state_name((lan_counter_state)s)), s);
    for (int o = LAN_OUTCOME_NONE + 1; o < LAN_OUTCOME_COUNT; o++)
        CHECK_INT(lan_outcome_from_name(lan_outcome_name((lan_outcome)o)), o);
    CHECK_INT(lan_action_from_name("explode"), -1);
    CHECK_INT(lan_action_from_name(NULL), -1);
    CHECK(lan_token_valid("abc"));
    CHECK(!lan_token_valid("a b"));
    CHECK(!lan_token_valid(""));
}

int main(void)
{
    th_start(&F, "client", false);
    RUN(test_keys);
    RUN(test_client);
    RUN(test_contract);
    th_stop(&F);
    return testlib_finish();
}
