/* Live state end to end: the board's uploader (real engine, real libcurl) sends its snapshot to the
 * real borne-collector, which keeps the latest per antenne and shows it at GET /api/v1/live; a change
 * at the desk arrives without waiting for the minute; a snapshot with an old token or another
 * antenne's, from the future contract or out of order, is refused or ignored and changes nothing.
 *
 * Usage: test_upload_live <borne-collector> */
#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "borne/upload_live.h"
#include "test_upload_support.h"
#include "testlib.h"

static ut_collector hq;

static long request(const char *path, const char *token, const char *body, char **out)
{
    return ut_request(&hq, NULL, path, token, body, out);
}

/* The antenne's live entry as HQ shows it: waiting (-1 when no snapshot yet) and its board time. */
static int64_t hq_waiting(int64_t *at)
{
    char *text = NULL;
    int64_t waiting = -1;
    if (request("/api/v1/live", UT_ADMIN, NULL, &text) == 200) {
        json_t *j = json_loads(text, 0, NULL);
        size_t i;
        json_t *e;
        json_array_foreach(j, i, e) {
            json_t *live = json_object_get(e, "live");
            if (strcmp(json_string_value(json_object_get(e, "antenne")), UT_ANTENNE) == 0 && json_is_object(live)) {
                waiting = json_integer_value(json_object_get(live, "waiting"));
                if (at)
                    *at = json_integer_value(json_object_get(live, "at"));
            }
        }
        json_decref(j);
    }
    free(text);
    return waiting;
}

static bool wait_for_waiting(int64_t want)
{
    for (int i = 0; i < 1000; i++) {   /* 20 s */
        if (hq_waiting(NULL) == want)
            return true;
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return false;
}

static char *snapshot(const char *antenne, int64_t at, int waiting)
{
    upload_live l = {.open = true, .desks_open = 1, .n_services = 1};
    l.services[0].service = 'A';
    l.services[0].waiting = waiting;
    l.services[0].longest_wait_s = 60;
    return upload_live_body(antenne, "123e4567-e89b-42d3-a456-426614174000", at, "ready", &l);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_upload_live <borne-collector>\n");
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const char *dir = testlib_tmpdir("upload-live");
    queue *q = ut_engine(dir);
    int64_t now = (int64_t)time(NULL);
    for (int i = 0; i < 3; i++)
        CHECK_INT(queue_issue(q, now - 600 + i, 'A', NULL, NULL), QUEUE_OK);
    if (!CHECK(ut_collector_start(&hq, argv[1], dir, 0, NULL, NULL)))
        return testlib_finish();
    CHECK_INT(hq_waiting(NULL), -1);   /* nothing known before the board speaks */

    upload_config cfg = ut_config(dir, hq.url, ut_token_file(dir, UT_TOKEN));
    cfg.live_check_ms = 100;
    upload *u = NULL;
    char err[256];
    CHECK_INT(upload_start(&u, &cfg, err, sizeof err), 0);
    CHECK(wait_for_waiting(3));
    /* A desk opens and calls: the change arrives long before the minute is up. */
    queue_ticket t;
    CHECK_INT(queue_counter_open(q, now, 1), QUEUE_OK);
    CHECK_INT(queue_call_next(q, (int64_t)time(NULL), 1, &t), QUEUE_OK);
    CHECK(wait_for_waiting(2));
    upload_stop(u);

    int64_t at = 0;
    CHECK_INT(hq_waiting(&at), 2);
    char *answer = NULL;
    /* An old token of this antenne (not the one HQ holds now), another antenne's, none: refused. */
    char *body = snapshot(UT_ANTENNE, at + 5, 9);
    CHECK_INT(request("/api/v1/antennes/" UT_ANTENNE "/live", "fourmies-token-of-last-year-000000", body, NULL),
              401);
    CHECK_INT(request("/api/v1/antennes/" UT_ANTENNE "/live", UT_ADMIN, body, NULL), 401);
    CHECK_INT(hq_waiting(NULL), 2);
    free(body);
    /* A snapshot from the future contract, a schema-1 one, a repeated service: 422, clearly. */
    body = snapshot(UT_ANTENNE, at + 5, 9);
    char *s = strstr(body, "\"schema\":2");
    if (CHECK(s != NULL))
        s[9] = '3';
    CHECK_INT(request("/api/v1/antennes/" UT_ANTENNE "/live", UT_TOKEN, body, &answer), 422);
    CHECK(answer && strstr(answer, "2..") != NULL);
    free(answer);
    free(body);
    CHECK_INT(request("/api/v1/antennes/" UT_ANTENNE "/live", UT_TOKEN,
                      "{\"schema\":2,\"antenne\":\"fourmies\",\"id\":\"123e4567-e89b-42d3-a456-426614174000\","
                      "\"at\":\"2026-01-01T10:00:00Z\",\"open\":true,\"desks_open\":1,\"printer\":\"ready\","
                      "\"services\":[{\"service\":\"A\",\"waiting\":1,\"longest_wait_s\":0},"
                      "{\"service\":\"A\",\"waiting\":1,\"longest_wait_s\":0}]}",
                      NULL),
              422);
    /* Out of order: an older snapshot arriving late is acknowledged but does not replace the latest. */
    body = snapshot(UT_ANTENNE, at - 30, 7);
    CHECK_INT(request("/api/v1/antennes/" UT_ANTENNE "/live", UT_TOKEN, body, &answer), 200);
    CHECK(answer && strstr(answer, "\"kept\":false") != NULL);
    free(answer);
    free(body);
    CHECK_INT(hq_waiting(NULL), 2);
    body = snapshot(UT_ANTENNE, at + 30, 7);
    CHECK_INT(request("/api/v1/antennes/" UT_ANTENNE "/live", UT_TOKEN, body, NULL), 200);
    free(body);
    CHECK_INT(hq_waiting(NULL), 7);
    /* The live view needs the HQ token. */
    CHECK_INT(request("/api/v1/live", UT_TOKEN, NULL, NULL), 401);

    ut_collector_stop(&hq);
    queue_close(q);
    curl_global_cleanup();
    return testlib_finish();
}
