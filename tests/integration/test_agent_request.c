/* "Speak to an agent", end to end: a visitor rates the visit "Orage" on the kiosk (its fixture:
 * the program's shell on the engine) and taps "Parler à un agent"; the kiosk's hook calls the
 * hub as the kiosk role does; two desk clients (the appliance's library, over HTTP and the event
 * stream) see the request, without any visitor identity in the public state; one desk goes ("J'y
 * vais") and both see it gone. A second visitor's request while one is shown keeps the first. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "borne/client.h"
#include "test_hub_desk.h"
#include "test_kiosk_fixture.h"
#include "testlib.h"

static th_fixture F;

static void ask_agent(void *hb) { hub_request_agent(hb); }

static bool connected(const client_view *v) { return v->have_state && v->connected; }
static bool asked(const client_view *v) { return v->agent_request_id > 0; }
static bool not_asked(const client_view *v) { return v->have_state && v->agent_request_id == 0; }

static void visitor_asks(fixture *f)
{
    kiosk_show(f->k, KIOSK_FEEDBACK);
    CHECK(fixture_tap(f, "Orage"));
    CHECK_INT(kiosk_current_screen(f->k), KIOSK_FEEDBACK_REASON);
    CHECK(fixture_tap(f, "Parler à un agent"));
    CHECK_INT(kiosk_current_screen(f->k), KIOSK_THANKS);
    CHECK(kiosk_frame_has_text(f->k, "Merci ! Les agents sont prévenus"));
}

static void test_agent_request(void)
{
    th_start(&F, "agent_request", true);
    client_options o = {.retry_ms = 50, .give_up_s = 5};
    client *desk1 = th_desk_start(&F, 1, TH_TOKEN1, &o, NULL, NULL);
    client *desk2 = th_desk_start(&F, 2, TH_TOKEN2, &o, NULL, NULL);
    if (!desk1 || !desk2)
        return;
    client_view v1, v2;
    CHECK(th_desk_wait(desk1, connected, &v1) && th_desk_wait(desk2, connected, &v2));
    CHECK(v1.agent_request_id == 0 && v2.agent_request_id == 0);

    fixture f;
    fixture_extra x = {.ask_agent = ask_agent, .ask_agent_ctx = F.hub};
    if (!CHECK(fixture_open_with(&f, "agent-kiosk", &fixture_screens[1], NULL, fixture_open_time_ms(), true, &x)))
        return;
    visitor_asks(&f);
    CHECK(th_desk_wait(desk1, asked, &v1));
    CHECK(th_desk_wait(desk2, asked, &v2));
    CHECK(v1.agent_request_id == v2.agent_request_id);
    CHECK(v1.agent_request_at > 0);

    /* The public state says when, and nothing about who. */
    th_response r;
    CHECK_INT(th_http(&F, "GET", "/api/v1/state", NULL, NULL, NULL, &r), 200);
    json_t *st = json_loads(r.body ? r.body : "", 0, NULL);
    json_t *a = json_object_get(st, "agent_request");
    CHECK(json_is_object(a) && json_object_size(a) == 2);
    CHECK(json_integer_value(json_object_get(a, "id")) == v1.agent_request_id);
    json_decref(st);
    th_response_free(&r);

    /* Another visitor asks meanwhile: still the first request (its time is the longest wait). */
    kiosk_show(f.k, KIOSK_HOME);
    visitor_asks(&f);
    client_view again;
    client_get_view(desk1, &again);
    CHECK(again.agent_request_id == v1.agent_request_id && again.agent_request_at == v1.agent_request_at);
    int64_t first = v1.agent_request_id;

    /* Without a desk's token nobody dismisses it; desk 2 goes, and both desks see it gone. */
    char path[96];
    snprintf(path, sizeof path, "/api/v1/agent-requests/%lld/dismiss", (long long)v1.agent_request_id);
    CHECK_INT(th_http(&F, "POST", path, NULL, NULL, "", &r), 401);
    th_response_free(&r);
    CHECK_INT(client_agent_dismiss(desk2, v2.agent_request_id), 0);
    CHECK(th_desk_wait(desk1, not_asked, &v1));
    CHECK(th_desk_wait(desk2, not_asked, &v2));
    /* A stale dismissal (the same id again) is done, and changes nothing. */
    CHECK_INT(th_http(&F, "POST", path, TH_TOKEN1, NULL, "", &r), 200);
    th_response_free(&r);

    /* The next request is a new one. */
    visitor_asks(&f);
    CHECK(th_desk_wait(desk1, asked, &v1));
    CHECK(v1.agent_request_id > first);
    fixture_close(&f);
    client_stop(desk1);
    client_stop(desk2);
    th_stop(&F);
}

int main(void)
{
    setenv("TZ", "Europe/Paris", 1);
    RUN(test_agent_request);
    return testlib_finish();
}
