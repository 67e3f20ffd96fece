/* The alarm is silent for the public. The waiting-room display (SDL, on a real hub) draws the
 * same pixels after the same public story whether or not alarms were raised, answered and
 * tested in the middle of it; the public state differs by nothing but event numbers, and the
 * public stream carries no alarm and the same events in the same order (its state pushes are
 * batched as the hub goes, so their number is not compared). The kiosk (its own
 * fixture: the program's shell on the engine) draws the same pixels before and after alarms are
 * raised, answered and cleared in its database. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "borne/ui.h"
#include "test_display_support.h"
#include "test_kiosk_fixture.h"
#include "testlib.h"

#define WAIT_MS 8000
#define PAST_HIGHLIGHTS_MS 1000000000LL   /* the display's call highlight is long over */

typedef struct seen {
    uint32_t *pixels;
    int w, h;
    json_t *state;                 /* /api/v1/state without "now" and "last_event_id" */
    char events[2048];             /* the public stream's event names, one a line, without
                                    * "state" (the hub batches its state pushes as it goes) */
    bool alarm_in_public;
} seen;

static bool same_pixels(const uint32_t *a, const uint32_t *b, int w, int h, int *differ)
{
    *differ = 0;
    for (long i = 0; i < (long)w * h; i++)
        *differ += a[i] != b[i];
    return *differ == 0;
}

static uint32_t *copy_pixels(ui *u, int *w, int *h)
{
    const uint32_t *p = ui_pixels(u, w, h);
    uint32_t *c = p ? malloc((size_t)*w * (size_t)*h * sizeof *c) : NULL;
    if (c)
        memcpy(c, p, (size_t)*w * (size_t)*h * sizeof *c);
    return c;
}

static long post(th_fixture *f, const char *path, const char *token, const char *body, json_t **out)
{
    th_response r;
    long st = th_http(f, "POST", path, token, NULL, body, &r);
    if (out)
        *out = json_loads(r.body ? r.body : "", 0, NULL);
    th_response_free(&r);
    return st;
}

/* What the display must have seen: calls, and the state of an event or later. */
typedef struct seen_upto {
    uint64_t calls;
    int64_t last_id;
} seen_upto;

static bool settled(const client_view *v, const void *ctx)
{
    const seen_upto *u = ctx;
    return v->have_state && v->n_calls_total >= u->calls && v->last_event_id >= u->last_id;
}

/* One antenne's public story: three visitors, desk 1 opens and calls the first. With alarms:
 * before the call, desk 2 raises one, desk 3 answers it, desk 1 raises a test alarm, and every
 * desk's stream has them. */
static void story(bool alarms, seen *out)
{
    memset(out, 0, sizeof *out);
    th_fixture F;
    th_start(&F, alarms ? "silence_alarms" : "silence_quiet", false);
    th_sse *pub = th_sse_open(F.port, NULL);
    CHECK(th_sse_wait(pub, "event: state\n", WAIT_MS));
    td_display d;
    if (!td_open(&d, &F, 1366, 768, 698, 392))
        goto end;
    CHECK(td_pump(&d, settled, &(seen_upto){0, 0}, WAIT_MS));
    queue_issued is;
    for (int i = 0; i < 3; i++)
        CHECK_INT(queue_issue(F.q, th_now(&F) - 900 + 60 * i, 'A', NULL, &is), QUEUE_OK);
    CHECK_INT(post(&F, "/api/v1/counters/1/open", TH_TOKEN1, NULL, NULL), 200);
    if (alarms) {
        th_sse *desk = th_sse_open_at(F.port, "/api/v1/alarms/events", TH_TOKEN3, NULL);
        json_t *raised = NULL;
        CHECK_INT(post(&F, "/api/v1/counters/2/alarm", TH_TOKEN2, "{}", &raised), 201);
        char path[64];
        snprintf(path, sizeof path, "/api/v1/alarms/%lld/ack",
                 (long long)json_integer_value(json_object_get(json_object_get(raised, "alarm"), "id")));
        json_decref(raised);
        CHECK_INT(post(&F, path, TH_TOKEN3, "{\"kind\":\"arrive\"}", NULL), 200);
        CHECK_INT(post(&F, "/api/v1/counters/1/alarm", TH_TOKEN1, "{\"test\":true}", NULL), 201);
        CHECK(th_sse_wait(desk, "\"kind\":\"arrive\",\"who\":\"Guichet 3\"", WAIT_MS));
        CHECK(th_sse_wait(desk, "\"test\":true", WAIT_MS));
        th_sse_close(desk);
    }
    CHECK_INT(post(&F, "/api/v1/counters/1/call-next", TH_TOKEN1, NULL, NULL), 200);
    /* the hub has published the call (its state lists it) once the public stream has it */
    CHECK(th_sse_wait(pub, "event: call\n", WAIT_MS));
    th_response st;
    CHECK_INT(th_http(&F, "GET", "/api/v1/state", NULL, NULL, NULL, &st), 200);
    out->state = json_loads(st.body ? st.body : "", 0, NULL);
    out->alarm_in_public = st.body && strstr(st.body, "alarm");
    th_response_free(&st);
    int64_t last = json_integer_value(json_object_get(out->state, "last_event_id"));
    json_object_del(out->state, "now");
    json_object_del(out->state, "last_event_id");
    CHECK(td_pump(&d, settled, &(seen_upto){1, last}, WAIT_MS));
    display_draw(d.a, PAST_HIGHLIGHTS_MS);
    out->pixels = copy_pixels(display_get_ui(d.a), &out->w, &out->h);
    char *text = th_sse_text(pub);
    out->alarm_in_public |= text && strstr(text, "alarm");
    size_t n = 0;
    for (char *line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n"))
        if (strncmp(line, "event: ", 7) == 0 && strcmp(line, "event: state") != 0 &&
            n + strlen(line) + 2 < sizeof out->events)
            n += (size_t)snprintf(out->events + n, sizeof out->events - n, "%s\n", line + 7);
    free(text);
    char png[64];
    snprintf(png, sizeof png, "display-%s.png", alarms ? "alarms" : "quiet");
    CHECK_INT(ui_save_png(display_get_ui(d.a), testlib_path(F.dir, png)), 0);
    fprintf(stderr, "   screenshot: %s\n", testlib_path(F.dir, png));
end:
    td_close(&d);
    th_sse_close(pub);
    th_stop(&F);
}

static void test_display_and_public_api(void)
{
    seen quiet, loud;
    story(false, &quiet);
    story(true, &loud);
    CHECK(!quiet.alarm_in_public);
    CHECK(!loud.alarm_in_public);
    if (!CHECK(quiet.state && loud.state && json_equal(quiet.state, loud.state))) {
        char *q = json_dumps(quiet.state, JSON_SORT_KEYS), *l = json_dumps(loud.state, JSON_SORT_KEYS);
        fprintf(stderr, "   quiet state: %s\n   alarm state: %s\n", q ? q : "", l ? l : "");
        free(q);
        free(l);
    }
    CHECK_STR(loud.events, quiet.events);
    int differ = -1;
    CHECK(quiet.pixels && loud.pixels && quiet.w == loud.w && quiet.h == loud.h &&
          same_pixels(quiet.pixels, loud.pixels, quiet.w, quiet.h, &differ));
    if (differ > 0)
        fprintf(stderr, "   the display differs in %d pixels\n", differ);
    json_decref(quiet.state);
    json_decref(loud.state);
    free(quiet.pixels);
    free(loud.pixels);
}

static void test_kiosk(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "silence", &fixture_screens[1], NULL, fixture_open_time_ms(), true)))
        return;
    fixture_pump(&f, NULL, 0);
    CHECK_INT(kiosk_render(f.k), 0);
    int w, h, w2, h2;
    uint32_t *before = copy_pixels(kiosk_get_ui(f.k), &w, &h);
    int64_t now = f.now_ms / 1000, id, test_id;
    bool created;
    queue_alarm_raise_req alarm = {.uid = "silence.1", .antenne = f.cfg.antenne.id,
                                   .antenne_name = f.cfg.antenne.name, .counter_id = 1,
                                   .desk = "Guichet 1", .actor = "counter:1"};
    CHECK_INT(queue_alarm_raise(f.q, now, &alarm, &id, &created), QUEUE_OK);
    CHECK_INT(queue_alarm_acknowledge(f.q, now, id, QUEUE_ALARM_ACK_COMING, "Guichet 2",
                                      f.cfg.antenne.id, 0, "counter:2"), QUEUE_OK);
    alarm.uid = "silence.2";
    alarm.test = true;
    CHECK_INT(queue_alarm_raise(f.q, now, &alarm, &test_id, &created), QUEUE_OK);
    fixture_advance(&f, 1000);
    fixture_pump(&f, NULL, 0);
    CHECK_INT(kiosk_render(f.k), 0);
    uint32_t *during = copy_pixels(kiosk_get_ui(f.k), &w2, &h2);
    CHECK_INT(queue_alarm_clear(f.q, now, id, "Guichet 1", "Usager reparti", 0, "counter:1"), QUEUE_OK);
    fixture_advance(&f, 1000);
    fixture_pump(&f, NULL, 0);
    CHECK_INT(kiosk_render(f.k), 0);
    int w3, h3, differ = -1;
    uint32_t *after = copy_pixels(kiosk_get_ui(f.k), &w3, &h3);
    CHECK(before && during && w == w2 && h == h2 && same_pixels(before, during, w, h, &differ));
    if (differ > 0)
        fprintf(stderr, "   the kiosk differs in %d pixels while the alarm is on\n", differ);
    CHECK(after && w == w3 && h == h3 && same_pixels(before, after, w, h, &differ));
    CHECK_INT(kiosk_screenshot(f.k, testlib_path(f.dir, "kiosk-alarm.png")), 0);
    fprintf(stderr, "   screenshot: %s\n", testlib_path(f.dir, "kiosk-alarm.png"));
    free(before);
    free(during);
    free(after);
    fixture_close(&f);
}

int main(void)
{
    setenv("TZ", "Europe/Paris", 1);
    CHECK_INT(SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS), 0);
    RUN(test_display_and_public_api);
    RUN(test_kiosk);
    SDL_Quit();
    return testlib_finish();
}
