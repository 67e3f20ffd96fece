/* The HQ <-> board channel end to end, in one process: a real collector server (libmicrohttpd,
 * SQLite store) on loopback and the board's channel (libcurl) talking to it over HTTP.
 * Waits are on conditions with generous deadlines, never on timing. */
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "borne/channel.h"
#include "borne/collector_antennes.h"
#include "borne/collector_channel.h"
#include "borne/collector_config.h"
#include "borne/collector_server.h"
#include "test_fleet_support.h"
#include "testlib.h"

#define ADMIN_TOKEN FLEET_ADMIN_TOKEN

static struct fleet_hq hq;
static const char *dir;

static long http(const char *method, const char *path, const char *token, const char *body, json_t **out)
{
    return fleet_http(&hq, method, path, token, body, out);
}

static int64_t publish(const char *antenne, const char *type, const char *data)
{
    char path[128], body[512];
    snprintf(path, sizeof path, "/api/v1/antennes/%s/channel/messages", antenne);
    snprintf(body, sizeof body, "{\"type\":\"%s\",\"data\":%s}", type, data);
    json_t *ans;
    long code = http("POST", path, ADMIN_TOKEN, body, &ans);
    CHECK_INT(code, 201);
    int64_t id = json_integer_value(json_object_get(ans, "id"));
    json_decref(ans);
    return id;
}

/* The collector's record of message id: its "ok" (1/0) once acknowledged, -1 before; error and result
 * (may be NULL) get copies. */
static int acked(int64_t id, char *error, size_t errlen, json_t **result)
{
    json_t *ans;
    if (http("GET", "/api/v1/channel/messages?limit=1000", ADMIN_TOKEN, NULL, &ans) != 200)
        return -1;
    int ok = -1;
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(ans, "messages"), i, m) {
        if (json_integer_value(json_object_get(m, "id")) != id || !json_integer_value(json_object_get(m, "acked_at")))
            continue;
        ok = json_is_true(json_object_get(m, "ok"));
        if (error)
            snprintf(error, errlen, "%s", json_string_value(json_object_get(m, "error")) ?: "");
        if (result)
            *result = json_incref(json_object_get(m, "result"));
    }
    json_decref(ans);
    return ok;
}

struct ack_wait {
    int64_t id;
};

static bool is_acked(void *ctx)
{
    return acked(((struct ack_wait *)ctx)->id, NULL, 0, NULL) >= 0;
}

static bool site0_online(void *ctx)
{
    (void)ctx;
    json_t *ans;
    bool on = false;
    if (http("GET", "/api/v1/channel/online", ADMIN_TOKEN, NULL, &ans) == 200)
        on = json_array_size(json_object_get(ans, "online")) == 1;
    json_decref(ans);
    return on;
}

/* ---- board side -------------------------------------------------------------------------------- */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int echo_calls;
static int64_t deferred_id;

static int on_echo(void *ctx, const channel_message *msg, json_t **result, char *err, size_t errlen)
{
    (void)ctx;
    pthread_mutex_lock(&mu);
    echo_calls++;
    pthread_mutex_unlock(&mu);
    if (json_object_get(msg->data, "refuse")) {
        snprintf(err, errlen, "refused as asked");
        return -EINVAL;
    }
    *result = json_pack("{s:O}", "echo", msg->data);
    return CHANNEL_DONE;
}

static int on_later(void *ctx, const channel_message *msg, json_t **result, char *err, size_t errlen)
{
    (void)ctx;
    (void)result;
    (void)err;
    (void)errlen;
    pthread_mutex_lock(&mu);
    deferred_id = msg->id;
    pthread_mutex_unlock(&mu);
    return CHANNEL_DEFERRED;
}

static bool later_arrived(void *ctx)
{
    (void)ctx;
    pthread_mutex_lock(&mu);
    bool got = deferred_id != 0;
    pthread_mutex_unlock(&mu);
    return got;
}

static channel *board_start(void)
{
    channel_config cfg = {
        .url = hq.url,
        .antenne = "site-0",
        .token_file = testlib_path(dir, "board.token"),
        .state_path = testlib_path(dir, "channel.json"),
        .backoff_base_ms = 50,
        .backoff_cap_ms = 200,
    };
    channel *ch = NULL;
    char err[256];
    CHECK_INT(channel_new(&ch, &cfg, err, sizeof err), 0);
    CHECK_INT(channel_register(ch, "echo", on_echo, NULL), 0);
    CHECK_INT(channel_register(ch, "later", on_later, NULL), 0);
    CHECK_INT(channel_register(ch, "echo", on_echo, NULL), -EEXIST);
    CHECK_INT(channel_register(ch, "Bad-Type", on_echo, NULL), -EINVAL);
    CHECK_INT(channel_start(ch, err, sizeof err), 0);
    CHECK(fleet_wait_for(site0_online, NULL));
    return ch;
}

/* ---- collector-side event type ----------------------------------------------------------------- */

static int hq_events;
static char hq_event_antenne[64];

static int on_hq_event(void *ctx, const char *antenne, const char *key, int64_t at, const json_t *data, char *err,
                       size_t errlen)
{
    (void)ctx;
    (void)key;
    (void)at;
    if (json_object_get(data, "bad")) {
        snprintf(err, errlen, "bad event");
        return -1;
    }
    pthread_mutex_lock(&mu);
    hq_events++;
    snprintf(hq_event_antenne, sizeof hq_event_antenne, "%s", antenne);
    pthread_mutex_unlock(&mu);
    return 0;
}

struct sent {
    int calls;
    bool delivered;
    char error[128];
};

static void on_sent(void *ctx, const char *key, bool delivered, const char *error)
{
    (void)key;
    struct sent *s = ctx;
    pthread_mutex_lock(&mu);
    s->delivered = delivered;
    snprintf(s->error, sizeof s->error, "%s", error ? error : "");
    s->calls++;
    pthread_mutex_unlock(&mu);
}

static bool sent_done(void *ctx)
{
    pthread_mutex_lock(&mu);
    bool done = ((struct sent *)ctx)->calls > 0;
    pthread_mutex_unlock(&mu);
    return done;
}

/* ---- tests ----------------------------------------------------------------------------------- */

static void test_delivery_and_ack(void)
{
    channel *ch = board_start();
    int64_t id = publish("site-0", "echo", "{\"n\":1}");
    struct ack_wait w = {id};
    CHECK(fleet_wait_for(is_acked, &w));
    json_t *result = NULL;
    CHECK_INT(acked(id, NULL, 0, &result), 1);
    CHECK_INT(json_integer_value(json_object_get(json_object_get(result, "echo"), "n")), 1);
    json_decref(result);

    /* Refused by the handler: the exact reason reaches HQ. */
    id = publish("site-0", "echo", "{\"refuse\":true}");
    w.id = id;
    CHECK(fleet_wait_for(is_acked, &w));
    char error[256];
    CHECK_INT(acked(id, error, sizeof error, NULL), 0);
    CHECK_STR(error, "refused as asked");

    /* A type nobody registered on the board. */
    w.id = publish("site-0", "nothing", "{}");
    CHECK(fleet_wait_for(is_acked, &w));
    CHECK_INT(acked(w.id, error, sizeof error, NULL), 0);
    CHECK_STR(error, "no handler for type nothing");

    /* Deferred: acknowledged only when the handler completes it. */
    w.id = publish("site-0", "later", "{}");
    CHECK(fleet_wait_for(later_arrived, NULL));
    CHECK_INT(acked(w.id, NULL, 0, NULL), -1);
    CHECK_INT(channel_complete(ch, "later", w.id + 100, NULL, NULL), -ENOENT);
    CHECK_INT(channel_complete(ch, "later", deferred_id, NULL, json_pack("{s:s}", "done", "yes")), 0);
    CHECK(fleet_wait_for(is_acked, &w));
    CHECK_INT(acked(w.id, NULL, 0, NULL), 1);
    channel_free(ch);
}

static void test_offline_then_reconnect_and_resend(void)
{
    /* Published while the board is away: delivered when it comes back. */
    int64_t id = publish("site-0", "echo", "{\"n\":2}");
    pthread_mutex_lock(&mu);
    int before = echo_calls;
    pthread_mutex_unlock(&mu);
    channel *ch = board_start();
    struct ack_wait w = {id};
    CHECK(fleet_wait_for(is_acked, &w));
    CHECK_INT(acked(id, NULL, 0, NULL), 1);
    channel_free(ch);

    /* A message the board applied but whose ack was lost (its state file is ahead of HQ): the
     * resend is acknowledged without running the handler again. */
    id = publish("site-0", "echo", "{\"n\":3}");
    char state[256];
    snprintf(state, sizeof state, "{\"echo\":{\"id\":%lld,\"ok\":true,\"error\":\"\"}}", (long long)id);
    fleet_write_file(testlib_path(dir, "channel.json"), state, 0600);
    ch = board_start();
    w.id = id;
    CHECK(fleet_wait_for(is_acked, &w));
    json_t *result = NULL;
    CHECK_INT(acked(id, NULL, 0, &result), 1);
    CHECK(json_is_true(json_object_get(result, "duplicate")));
    json_decref(result);
    pthread_mutex_lock(&mu);
    CHECK_INT(echo_calls, before + 1);
    pthread_mutex_unlock(&mu);
    channel_free(ch);
}

static void test_forged_antenne(void)
{
    /* The token of site-0 on site-1's channel, acks and events: 403, nothing recorded. */
    CHECK_INT(http("GET", "/api/v1/antennes/site-1/channel", fleet_token(0), NULL, NULL), 403);
    int64_t id = publish("site-1", "echo", "{}");
    char body[128];
    snprintf(body, sizeof body, "{\"id\":%lld,\"type\":\"echo\",\"ok\":true}", (long long)id);
    CHECK_INT(http("POST", "/api/v1/antennes/site-1/channel/acks", fleet_token(0), body, NULL), 403);
    CHECK_INT(acked(id, NULL, 0, NULL), -1);
    /* site-0 acknowledging site-1's message id on its own route changes nothing either. */
    json_t *ans;
    CHECK_INT(http("POST", "/api/v1/antennes/site-0/channel/acks", fleet_token(0), body, &ans), 200);
    CHECK(json_is_false(json_object_get(ans, "recorded")));
    json_decref(ans);
    CHECK_INT(acked(id, NULL, 0, NULL), -1);
    CHECK_INT(http("POST", "/api/v1/antennes/site-1/channel/events", fleet_token(0),
                   "{\"type\":\"ping\",\"key\":\"k\",\"at\":1,\"data\":{}}", NULL), 403);
    CHECK_INT(http("GET", "/api/v1/antennes/site-0/channel", NULL, NULL, NULL), 401);
    CHECK_INT(http("POST", "/api/v1/antennes/site-0/channel/messages", fleet_token(0), "{\"type\":\"x\",\"data\":{}}",
                   NULL), 401);
    CHECK_INT(http("GET", "/api/v1/antennes/nowhere/channel", fleet_token(0), NULL, NULL), 404);
    /* A browser's Basic credentials read the list but never send: a cross-site form carries them. */
    CHECK_INT(fleet_http_browser(&hq, "GET", "/api/v1/channel/messages?limit=1", "marie", NULL, NULL, NULL), 200);
    CHECK_INT(fleet_http_browser(&hq, "POST", "/api/v1/antennes/site-0/channel/messages", "marie", NULL,
                                 "{\"type\":\"x\",\"data\":{}}", NULL), 403);
}

static void test_events(void)
{
    channel *ch = board_start();
    struct sent a = {0}, b = {0}, c = {0}, d = {0};
    json_t *data = json_pack("{s:i}", "n", 1);
    CHECK_INT(channel_send(ch, "ping", "event-1", 1700000000, data, on_sent, &a), 0);
    CHECK(fleet_wait_for(sent_done, &a));
    CHECK(a.delivered);
    /* The same key again: delivered (HQ answers duplicate), handled once. */
    CHECK_INT(channel_send(ch, "ping", "event-1", 1700000000, data, on_sent, &b), 0);
    CHECK(fleet_wait_for(sent_done, &b));
    CHECK(b.delivered);
    pthread_mutex_lock(&mu);
    CHECK_INT(hq_events, 1);
    CHECK_STR(hq_event_antenne, "site-0");
    pthread_mutex_unlock(&mu);
    /* A type HQ does not know, and an event HQ refuses: given up with the reason, not retried. */
    CHECK_INT(channel_send(ch, "unknown", "event-2", 1700000000, data, on_sent, &c), 0);
    json_t *bad = json_pack("{s:b}", "bad", 1);
    CHECK_INT(channel_send(ch, "ping", "event-3", 1700000000, bad, on_sent, &d), 0);
    CHECK(fleet_wait_for(sent_done, &c));
    CHECK(fleet_wait_for(sent_done, &d));
    CHECK(!c.delivered);
    CHECK(!d.delivered);
    CHECK(strstr(c.error, "422") != NULL);
    CHECK_INT(channel_send(ch, "Bad", "k", 1, data, NULL, NULL), -EINVAL);
    json_decref(data);
    json_decref(bad);
    channel_status st;
    channel_get_status(ch, &st);
    CHECK(st.connected);
    CHECK_INT(st.events_waiting, 0);
    channel_free(ch);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (!fleet_hq_start(&hq, "channel", 2))
        return 1;
    dir = hq.dir;
    fleet_write_file(testlib_path(dir, "board.token"), fleet_token(0), 0600);
    struct collector_channel_type ping = {.name = "ping", .on_event = on_hq_event};
    CHECK_INT(collector_channel_register(collector_server_channel(hq.server), &ping), 0);
    CHECK_INT(collector_channel_register(collector_server_channel(hq.server), &ping), -EEXIST);

    RUN(test_delivery_and_ack);
    RUN(test_offline_then_reconnect_and_resend);
    RUN(test_forged_antenne);
    RUN(test_events);

    fleet_hq_stop(&hq);
    curl_global_cleanup();
    return testlib_finish();
}
