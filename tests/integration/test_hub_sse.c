/* The event stream (GET /api/v1/events) over real HTTP: a display connected before a call
 * receives it, changes made outside the hub (another engine handle, as the kiosk UI or
 * borne-admin would) reach the stream, and a reconnecting display gets the current state
 * first, then the events it missed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_hub_support.h"
#include "testlib.h"

/* Generous: a wait ends as soon as the stream carries its text; only a hung hub reaches it. */
#define WAIT_MS 30000

static th_fixture F;

static long post(const char *path, const char *token, const char *body)
{
    th_response r;
    long st = th_http(&F, "POST", path, token, NULL, body, &r);
    th_response_free(&r);
    return st;
}

/* The "id:" of the first SSE message of kind `kind` in text, or -1. */
static long long id_of(const char *text, const char *kind)
{
    char needle[64];
    snprintf(needle, sizeof needle, "\nevent: %s\n", kind);
    const char *p = strstr(text, needle);
    if (!p)
        return -1;
    const char *line = p;
    while (line > text && line[-1] != '\n')
        line--;
    long long id = -1;
    return sscanf(line, "id: %lld", &id) == 1 ? id : -1;
}

static void test_display_sees_calls(void)
{
    th_sse *display = th_sse_open(F.port, NULL);
    CHECK(th_sse_wait(display, "event: state\n", WAIT_MS));

    /* issued by another engine handle: the hub only learns it from the event log */
    queue_issued is;
    CHECK_INT(queue_issue(F.q, th_now(&F), 'A', NULL, &is), QUEUE_OK);
    CHECK(th_sse_wait(display, "\"kind\":\"issue\",\"actor\":\"kiosk\"", WAIT_MS));

    CHECK_INT(post("/api/v1/counters/1/open", TH_TOKEN1, NULL), 200);
    CHECK(th_sse_wait(display, "event: counter_open\n", WAIT_MS));
    CHECK_INT(post("/api/v1/counters/1/call-next", TH_TOKEN1, NULL), 200);
    CHECK(th_sse_wait(display, "\"kind\":\"call\",\"actor\":\"counter:1\",\"ticket_id\":1,\"label\":\"A001\"",
                      WAIT_MS));
    /* after the batch, a snapshot showing the ticket at counter 1 (the stream may deliver the
     * call and the snapshot in separate reads: wait for the snapshot before reading the text) */
    CHECK(th_sse_wait(display, "\"name\":\"Guichet 1\",\"services\":\"AF\",\"state\":\"open\","
                      "\"ticket\":{\"id\":1,\"label\":\"A001\"", WAIT_MS));
    char *text = th_sse_text(display);
    const char *call = strstr(text, "event: call\n");
    CHECK(call && strstr(call, "event: state\n") != NULL);
    CHECK(strncmp(text, "retry: 2000\n\nid: ", 17) == 0);
    free(text);
    th_sse_close(display);
}

static void test_reconnect_gets_state_first(void)
{
    th_sse *display = th_sse_open(F.port, NULL);
    CHECK(th_sse_wait(display, "event: state\n", WAIT_MS));
    char *first = th_sse_text(display);
    long long last = id_of(first, "state");
    CHECK(last > 0);
    free(first);
    th_sse_close(display);

    /* while the display is away: a recall and a new ticket. The hub publishes what the engine
     * committed on its next look at the event log: a witness stream shows when the snapshot
     * reflects both (else, on a busy machine, the display came back to the snapshot before). */
    static const char waiting_f[] = "\"letter\":\"F\",\"label_fr\":\"Formation et emploi\","
                                    "\"label_en\":\"Training and jobs\",\"walk_in\":true,\"waiting\":1";
    th_sse *witness = th_sse_open(F.port, NULL);
    CHECK(th_sse_wait(witness, "event: state\n", WAIT_MS));
    CHECK_INT(post("/api/v1/counters/1/recall", TH_TOKEN1, NULL), 200);
    CHECK_INT(post("/api/v1/tickets", TH_TOKEN1, "{\"service\":\"F\"}"), 201);
    CHECK(th_sse_wait(witness, waiting_f, WAIT_MS));
    th_sse_close(witness);

    char lei[32];
    snprintf(lei, sizeof lei, "%lld", last);
    display = th_sse_open(F.port, lei);
    CHECK(th_sse_wait(display, "\"kind\":\"issue\",\"actor\":\"counter:1\"", WAIT_MS));
    char *text = th_sse_text(display);
    /* state first ... */
    const char *state = strstr(text, "event: state\n");
    const char *recall = strstr(text, "event: recall\n");
    CHECK(state != NULL && recall != NULL && state < recall);
    char *snapshot = state ? strndup(state, (size_t)(strstr(state, "\n\n") - state)) : NULL;
    CHECK(snapshot && strstr(snapshot, "\"recalls\":1") != NULL);
    /* waiting tickets are counted, not listed: F001 is not in it */
    CHECK(snapshot && strstr(snapshot, "\"label\":\"F001\"") == NULL);
    free(snapshot);
    /* ... with the counts as they are now: F has one waiting */
    CHECK(strstr(text, waiting_f) != NULL);
    /* the missed events are at or below the snapshot's id */
    CHECK(id_of(text, "recall") > last);
    CHECK(id_of(text, "recall") <= id_of(text, "state"));
    free(text);

    /* a fresh display (no Last-Event-ID) gets the state and no replay */
    th_sse *fresh = th_sse_open(F.port, NULL);
    CHECK(th_sse_wait(fresh, "event: state\n", WAIT_MS));
    CHECK_INT(post("/api/v1/counters/1/finish", TH_TOKEN1, NULL), 200);
    CHECK(th_sse_wait(fresh, "event: finish\n", WAIT_MS));
    char *ft = th_sse_text(fresh);
    CHECK(strstr(ft, "event: recall\n") == NULL);
    free(ft);
    CHECK(th_sse_wait(display, "event: finish\n", WAIT_MS));

    /* stopping the hub ends the streams */
    th_stop(&F);
    th_sse_close(display);
    th_sse_close(fresh);
}

int main(void)
{
    th_start(&F, "hub_sse", false);
    RUN(test_display_sees_calls);
    RUN(test_reconnect_gets_state_first);
    return testlib_finish();
}
