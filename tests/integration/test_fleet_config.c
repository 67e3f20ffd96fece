/* Central configuration end to end in one process: documents edited and published at a real
 * collector, a board's fleet module (channel, validation, deferred apply) on a real engine
 * database, and what HQ then shows. The kiosk's part (apply when idle) is the call it makes. */
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "borne/config.h"
#include "borne/fleet.h"
#include "borne/fleet_care.h"
#include "borne/collector_fleet.h"
#include "borne/fleet_health.h"
#include "borne/queue.h"
#include "test_fleet_support.h"
#include "testlib.h"

static struct fleet_hq hq;
static borne_config cfg;
static queue *q;
static fleet *fl;
static fleet_care *care;
static channel *ch;
static int restarts;
static int wakes;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void on_wake(void *ctx)
{
    (void)ctx;
    pthread_mutex_lock(&mu);
    wakes++;
    pthread_mutex_unlock(&mu);
}

static bool woken(void *ctx)
{
    pthread_mutex_lock(&mu);
    bool w = wakes > *(int *)ctx;
    pthread_mutex_unlock(&mu);
    return w;
}

static void on_restart(void *ctx)
{
    (void)ctx;
    __atomic_add_fetch(&restarts, 1, __ATOMIC_SEQ_CST);
}

/* As the kiosk role does: one channel, the fleet's types registered before it starts. */
static int board_channel_start(char *err, size_t errlen)
{
    channel_config cc = {.url = cfg.hq.url, .antenne = cfg.antenne.id, .token_file = cfg.hq.token_file,
                         .state_path = testlib_path(hq.dir, "board.db.channel")};
    int rc = channel_new(&ch, &cc, err, errlen);
    if (rc == 0)
        rc = fleet_start(&fl, ch, &cfg, on_wake, NULL, err, errlen);
    /* A journal with personal data in it; no printer on this board. */
    fleet_care_options co = {.log_command = "printf 'kiosk: ticket A001 issued\\n"
                                            "hub: appointment for jean.dupont@example.fr, 06 12 34 56 78\\n'",
                             .request_restart = on_restart};
    if (rc == 0)
        rc = fleet_care_start(&care, ch, &co, err, errlen);
    if (rc == 0)
        rc = channel_start(ch, err, errlen);
    return rc;
}

static json_t *status_of(const char *antenne)
{
    json_t *ans = NULL, *row = NULL;
    if (fleet_http(&hq, "GET", "/api/v1/config/status", FLEET_ADMIN_TOKEN, NULL, &ans) == 200) {
        size_t i;
        json_t *r;
        json_array_foreach(json_object_get(ans, "antennes"), i, r) {
            if (strcmp(json_string_value(json_object_get(r, "antenne")), antenne) == 0)
                row = json_incref(r);
        }
    }
    json_decref(ans);
    return row;
}

struct want {
    const char *antenne;
    const char *member; /* "running" or "refused" */
    json_int_t running;
};

static bool status_is(void *ctx)
{
    struct want *w = ctx;
    json_t *row = status_of(w->antenne);
    bool ok = strcmp(w->member, "running") == 0
                  ? json_integer_value(json_object_get(row, "running")) == w->running
                  : json_object_get(row, "refused") != NULL;
    json_decref(row);
    return ok;
}

static bool online(void *ctx)
{
    (void)ctx;
    json_t *row = status_of("site-0");
    bool on = json_is_true(json_object_get(row, "online"));
    json_decref(row);
    return on;
}

static long put_doc(const char *scope, const char *body)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/config/documents/%s", scope);
    return fleet_http(&hq, "PUT", path, FLEET_ADMIN_TOKEN, body, NULL);
}

static json_int_t publish(size_t *n_antennes)
{
    json_t *ans = NULL;
    CHECK_INT(fleet_http(&hq, "POST", "/api/v1/config/publish", FLEET_ADMIN_TOKEN, "{}", &ans), 200);
    json_int_t v = json_integer_value(json_object_get(ans, "version"));
    if (n_antennes)
        *n_antennes = json_array_size(json_object_get(ans, "antennes"));
    json_decref(ans);
    return v;
}

/* What the kiosk does when it is at home: apply what waits. */
static int apply_when_idle(int wakes_before)
{
    CHECK(fleet_wait_for(woken, &wakes_before));
    return fleet_apply_pending(fl, q, (int64_t)time(NULL));
}

static bool has_service(char letter)
{
    queue_setup s;
    if (queue_get_setup(q, &s) != QUEUE_OK)
        return false;
    for (int i = 0; i < s.n_services; i++)
        if (s.services[i].letter == letter && s.services[i].enabled)
            return true;
    return false;
}

#define REGION                                                                                           \
    "{\"services\": [{\"letter\": \"A\", \"labels\": {\"fr\": \"Aides\", \"en\": \"Grants\"}, \"order\": 1}," \
    " {\"letter\": \"N\", \"labels\": {\"fr\": \"Nouveau dispositif\", \"en\": \"New scheme\"}, \"order\": 2}]," \
    " \"hours\": {\"mon\": \"00:00-24:00\", \"tue\": \"00:00-24:00\", \"wed\": \"00:00-24:00\","           \
    " \"thu\": \"00:00-24:00\", \"fri\": \"00:00-24:00\", \"sat\": \"00:00-24:00\", \"sun\": \"00:00-24:00\"," \
    " \"last_ticket_before_close\": 0}, \"closures\": {\"public_holidays\": false},"                     \
    " \"messages\": {\"ticket\": {\"fr\": \"Merci de votre visite\"}}}"

static void publish_reaches_the_board_and_hq_sees_it(void)
{
    CHECK(fleet_wait_for(online, NULL));
    CHECK(!has_service('N'));
    CHECK_INT(put_doc("region", REGION), 200);
    CHECK_INT(put_doc("group:avesnois", "{\"antennes\": [\"site-0\", \"site-1\"], \"waiting_target_min\": 15}"), 200);
    /* The preview names what changes, per antenne, before anything is sent. */
    json_t *pre = NULL;
    CHECK_INT(fleet_http(&hq, "GET", "/api/v1/config/preview", FLEET_ADMIN_TOKEN, NULL, &pre), 200);
    CHECK_INT(json_array_size(json_object_get(pre, "antennes")), 3);
    char *text = json_dumps(pre, JSON_COMPACT);
    CHECK(strstr(text, "\"path\":\"services\"") != NULL);
    CHECK(strstr(text, "\"path\":\"waiting_target_min\"") != NULL);
    free(text);
    json_decref(pre);

    int before = wakes;
    size_t n = 0;
    json_int_t v = publish(&n);
    CHECK_INT(v, 1);
    CHECK_INT(n, 3);
    /* Validated on arrival, applied only when the kiosk says it is idle. */
    CHECK_INT(apply_when_idle(before), 1);
    CHECK(has_service('N'));
    CHECK_INT(cfg.business_version, 1);
    CHECK_INT(cfg.antenne.waiting_target_min, 15);
    CHECK_STR(cfg.antenne.message_fr, "Merci de votre visite");
    struct want w = {"site-0", "running", 1};
    CHECK(fleet_wait_for(status_is, &w));
    /* site-1 has no board here: published, not running. */
    json_t *row = status_of("site-1");
    CHECK_INT(json_integer_value(json_object_get(row, "published")), 1);
    CHECK(!json_object_get(row, "running"));
    CHECK(json_is_false(json_object_get(row, "online")));
    json_decref(row);
    /* Nothing changed: publishing again sends nothing. */
    CHECK_INT(publish(&n), 0);
    CHECK_INT(n, 0);
}

struct refusal {
    const char *antenne;
    const char *error; /* a part of the board's sentence */
};

static bool refused_with(void *ctx)
{
    struct refusal *w = ctx;
    json_t *row = status_of(w->antenne);
    const char *error = json_string_value(json_object_get(json_object_get(row, "refused"), "error"));
    bool ok = error && strstr(error, w->error);
    json_decref(row);
    return ok;
}

static void an_invalid_document_is_refused_by_the_board(void)
{
    /* Each one published, refused by the board with its sentence at HQ, version 1 still serving. */
    static const struct {
        const char *doc, *error;
    } bad[] = {
        {"{\"colour\": \"red\"}", "unknown key \"colour\""},
        {"{\"services\": [{\"letter\": \"A\", \"labels\": {\"fr\": \"Aides\"}},"
         " {\"letter\": \"A\", \"labels\": {\"fr\": \"Autre\"}}]}",
         "letter A is given twice"},
        {"{\"hours\": {\"mon\": \"09:00-12:00,11:00-17:00\"}}", "not overlap"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT(put_doc("antenne:site-0", bad[i].doc), 200);
        size_t n = 0;
        CHECK_INT(publish(&n), (json_int_t)(2 + i));
        CHECK_INT(n, 1);
        struct refusal w = {"site-0", bad[i].error};
        if (!CHECK(fleet_wait_for(refused_with, &w)))
            fprintf(stderr, "  case %zu: no refusal with \"%s\" at HQ\n", i, bad[i].error);
        json_t *row = status_of("site-0");
        CHECK_INT(json_integer_value(json_object_get(row, "running")), 1);
        json_decref(row);
        CHECK_INT(cfg.business_version, 1);
        CHECK(has_service('N'));
        CHECK_INT(fleet_apply_pending(fl, q, (int64_t)time(NULL)), 0);
    }

    /* HQ's own checks: a version in a draft, an unknown scope, members outside a group. */
    CHECK_INT(put_doc("antenne:site-0", "{\"version\": 9}"), 422);
    CHECK_INT(put_doc("antenne:nowhere", "{}"), 404);
    CHECK_INT(put_doc("region", "{\"antennes\": [\"site-0\"]}"), 422);
    CHECK_INT(fleet_http(&hq, "GET", "/api/v1/config/status", NULL, NULL, NULL), 401);
}

static int64_t today_noon(void)
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    tm.tm_hour = 12;
    tm.tm_min = tm.tm_sec = 0;
    return (int64_t)mktime(&tm);
}

static void a_closure_and_a_fixed_document_apply(void)
{
    char today[16], doc[128];
    time_t t = (time_t)today_noon();
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
    CHECK(queue_is_open(q, today_noon(), NULL));
    snprintf(doc, sizeof doc, "{\"closures\": {\"dates\": [\"%s\"]}}", today);
    CHECK_INT(put_doc("antenne:site-0", doc), 200);
    int before = wakes;
    CHECK_INT(publish(NULL), 5);
    CHECK_INT(apply_when_idle(before), 1);
    CHECK(!queue_is_open(q, today_noon(), NULL));
    struct want w = {"site-0", "running", 5};
    CHECK(fleet_wait_for(status_is, &w));
    json_t *row = status_of("site-0");
    CHECK(!json_object_get(row, "refused"));
    json_decref(row);
}

static bool message_refused(void *ctx)
{
    json_t *ans = NULL;
    bool found = false;
    if (fleet_http(&hq, "GET", "/api/v1/channel/messages?antenne=site-0&type=config&limit=1", FLEET_ADMIN_TOKEN,
                   NULL, &ans) == 200) {
        json_t *m = json_array_get(json_object_get(ans, "messages"), 0);
        const char *e = json_string_value(json_object_get(m, "error"));
        found = json_integer_value(json_object_get(m, "acked_at")) && e && strstr(e, ctx);
    }
    json_decref(ans);
    return found;
}

/* Sent around the publishing logic (HQ's raw message route), as a replay or a forgery would be. */
static void send_raw_config(const char *data)
{
    char body[1024];
    snprintf(body, sizeof body, "{\"type\": \"config\", \"data\": %s}", data);
    CHECK_INT(fleet_http(&hq, "POST", "/api/v1/antennes/site-0/channel/messages", FLEET_ADMIN_TOKEN, body, NULL), 201);
}

#define ONE_SERVICE "\"services\": [{\"letter\": \"A\", \"labels\": {\"fr\": \"Aides\"}}]"

static void an_older_version_or_another_antenne_is_refused(void)
{
    send_raw_config("{\"version\": 2, \"antenne\": \"site-0\", " ONE_SERVICE "}");
    CHECK(fleet_wait_for(message_refused, (void *)"version 2 is older than the running version 5"));
    send_raw_config("{\"version\": 99, \"antenne\": \"site-1\", " ONE_SERVICE "}");
    CHECK(fleet_wait_for(message_refused, (void *)"the document is for antenne \"site-1\", this board is \"site-0\""));
    send_raw_config("{\"version\": 99, " ONE_SERVICE "}");
    CHECK(fleet_wait_for(message_refused, (void *)"the document names no antenne"));
    /* Refused whole: nothing waits, version 5 and its services still serve. */
    CHECK_INT(fleet_apply_pending(fl, q, (int64_t)time(NULL)), 0);
    CHECK_INT(cfg.business_version, 5);
    CHECK(has_service('N'));
}

static bool offline(void *ctx)
{
    return !online(ctx);
}

/* A board offline at publish time gets the document when it comes back (the collector resends
 * what was not acknowledged). */
static void a_board_offline_at_publish_gets_it_back_online(void)
{
    channel_free(ch);
    ch = NULL;
    fleet_stop(fl);
    fl = NULL;
    fleet_care_stop(care);
    care = NULL;
    CHECK(fleet_wait_for(offline, NULL));
    CHECK_INT(put_doc("antenne:site-0", "{\"messages\": {\"screen\": {\"fr\": \"Fermé le 24\"}}}"), 200);
    CHECK_INT(publish(NULL), 6);
    char err[512];
    int before = wakes;
    if (!CHECK_INT(board_channel_start(err, sizeof err), 0)) {
        fprintf(stderr, "board: %s\n", err);
        return;
    }
    CHECK_INT(apply_when_idle(before), 1);
    CHECK_INT(cfg.business_version, 6);
    CHECK_STR(cfg.antenne.screen_message_fr, "Fermé le 24");
    struct want w = {"site-0", "running", 6};
    CHECK(fleet_wait_for(status_is, &w));
}

static bool health_shown(void *ctx)
{
    (void)ctx;
    json_t *row = status_of("site-0");
    bool shown = json_object_get(row, "health") != NULL;
    json_decref(row);
    return shown;
}

static pthread_mutex_t sent_mu = PTHREAD_MUTEX_INITIALIZER;
static int sent_outcome; /* 0 pending, 1 delivered, -1 refused */
static char sent_error[256];

static void on_sent(void *ctx, const char *key, bool delivered, const char *error)
{
    (void)ctx;
    (void)key;
    pthread_mutex_lock(&sent_mu);
    sent_outcome = delivered ? 1 : -1;
    snprintf(sent_error, sizeof sent_error, "%s", error ? error : "");
    pthread_mutex_unlock(&sent_mu);
}

static bool sent_answered(void *ctx)
{
    (void)ctx;
    pthread_mutex_lock(&sent_mu);
    bool done = sent_outcome != 0;
    pthread_mutex_unlock(&sent_mu);
    return done;
}

/* The board's health report reaches HQ's status with its flags, and borne-update's last result
 * with it; a malformed one is refused. */
static void health_reports_reach_hq_with_their_flags(void)
{
    /* As borne-update writes it after a rollback, with a message too long and not UTF-8 (cut and
     * repaired on the board) and a line HQ does not read (left out). */
    char update[2048], junk[1001];
    memset(junk, 'x', sizeof junk - 1);
    junk[sizeof junk - 1] = '\0';
    snprintf(update, sizeof update, "result=rolled-back\ninstalled=0.3.0+upgradetest1\nat=2026-12-08T22:01:30Z\n"
                                    "cause=unknown line\nmessage=\xff%s\n", junk);
    const char *status_path = testlib_path(hq.dir, "update-status");
    fleet_write_file(status_path, update, 0644);
    fleet_health_input in = {.version = "0.3.0", .config_version = cfg.business_version, .uptime_s = 42,
                             .store_path = cfg.store.path, .clock_synced = false, .printer = "paper_out",
                             .last_error = "HTTP 503 from headquarters", .upload_backlog = 3,
                             .update_status_path = status_path};
    CHECK_INT(fleet_health_send(ch, &in, (int64_t)time(NULL)), 0);
    CHECK(fleet_wait_for(health_shown, NULL));
    json_t *row = status_of("site-0");
    json_t *h = json_object_get(row, "health");
    CHECK_INT(json_integer_value(json_object_get(h, "config_version")), 6);
    CHECK_STR(json_string_value(json_object_get(h, "printer")), "paper_out");
    CHECK_INT(json_integer_value(json_object_get(h, "upload_backlog")), 3);
    CHECK(json_integer_value(json_object_get(h, "disk_total_bytes")) > 0);
    json_t *up = json_object_get(h, "update");
    CHECK_STR(json_string_value(json_object_get(up, "result")), "rolled-back");
    CHECK_STR(json_string_value(json_object_get(up, "installed")), "0.3.0+upgradetest1");
    CHECK_STR(json_string_value(json_object_get(up, "at")), "2026-12-08T22:01:30Z");
    const char *message = json_string_value(json_object_get(up, "message"));
    CHECK_INT((long long)strlen(message ? message : ""), FLEET_UPDATE_TEXT_MAX);
    CHECK(message && strncmp(message, "\xef\xbf\xbdxxx", 6) == 0); /* U+FFFD for the bad byte */
    CHECK(json_object_get(up, "cause") == NULL);
    char *flags = json_dumps(json_object_get(row, "flags"), JSON_COMPACT);
    CHECK_STR(flags, "[\"clock\",\"update\"]"); /* open all day and just heard from: not silent */
    free(flags);
    json_decref(row);
    /* site-1 never reported and is open by its published hours: silent. */
    row = status_of("site-1");
    flags = json_dumps(json_object_get(row, "flags"), JSON_COMPACT);
    CHECK_STR(flags, "[\"silent\"]");
    free(flags);
    json_decref(row);

    json_t *bad = json_pack("{s:s}", "version", "0.3.0");
    CHECK_INT(channel_send(ch, "health", "health-bad", (int64_t)time(NULL), bad, on_sent, NULL), 0);
    json_decref(bad);
    CHECK(fleet_wait_for(sent_answered, NULL));
    CHECK_INT(sent_outcome, -1);
    CHECK(strstr(sent_error, "HTTP 422") != NULL); /* HQ logs why: config_version missing */
}

/* The acknowledgement of the last message of `type` to site-0 once it came: {"error"} or {"result"}. */
static json_t *answer;
static bool answered(void *ctx)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/channel/messages?antenne=site-0&type=%s&limit=1", (const char *)ctx);
    json_t *ans = NULL;
    json_decref(answer);
    answer = NULL;
    if (fleet_http(&hq, "GET", path, FLEET_ADMIN_TOKEN, NULL, &ans) == 200) {
        json_t *m = json_array_get(json_object_get(ans, "messages"), 0);
        if (json_integer_value(json_object_get(m, "acked_at")))
            answer = json_incref(m);
    }
    json_decref(ans);
    return answer != NULL;
}

static void remote_care_answers_in_the_acknowledgement(void)
{
    CHECK_INT(fleet_http(&hq, "POST", "/api/v1/antennes/site-0/channel/messages", FLEET_ADMIN_TOKEN,
                         "{\"type\": \"care_logs\", \"data\": {}}", NULL),
              201);
    CHECK(fleet_wait_for(answered, "care_logs"));
    json_t *lines = json_object_get(json_object_get(answer, "result"), "lines");
    CHECK_INT(json_array_size(lines), 2);
    CHECK_STR(json_string_value(json_array_get(lines, 0)), "kiosk: ticket A001 issued");
    CHECK_STR(json_string_value(json_array_get(lines, 1)), "hub: appointment for [mail], [num]");

    CHECK_INT(fleet_http(&hq, "POST", "/api/v1/antennes/site-0/channel/messages", FLEET_ADMIN_TOKEN,
                         "{\"type\": \"care_print\", \"data\": {}}", NULL),
              201);
    CHECK(fleet_wait_for(answered, "care_print"));
    CHECK_STR(json_string_value(json_object_get(answer, "error")), "no printer on this board");

    CHECK_INT(fleet_http(&hq, "POST", "/api/v1/antennes/site-0/channel/messages", FLEET_ADMIN_TOKEN,
                         "{\"type\": \"care_restart\", \"data\": {}}", NULL),
              201);
    CHECK(fleet_wait_for(answered, "care_restart"));
    CHECK(json_is_true(json_object_get(json_object_get(answer, "result"), "restarting")));
    CHECK_INT(__atomic_load_n(&restarts, __ATOMIC_SEQ_CST), 1);
    json_decref(answer);
    answer = NULL;

    char line[128] = "a@b.c called 03.27.59.12.34 about file 2026-000123, code 1234";
    fleet_care_mask(line);
    CHECK_STR(line, "***** called [num] about file [num], code 1234");
}

static void the_last_good_document_survives_a_restart(void)
{
    borne_config fresh;
    char err[256];
    CHECK_INT(config_load(testlib_path(hq.dir, "borne.ini"), &fresh, err, sizeof err), 0);
    CHECK_INT(fresh.business_version, 0);
    fleet_overlay(&fresh);
    CHECK_INT(fresh.business_version, 6);
    CHECK_INT(fresh.setup.n_services, 2);
    CHECK_INT(fresh.setup.n_closures, 0);
    CHECK_STR(fresh.antenne.screen_message_fr, "Fermé le 24");
}

static void the_audit_log_says_who(void)
{
    json_t *ans = NULL;
    CHECK_INT(fleet_http(&hq, "GET", "/api/v1/config/audit?limit=50", FLEET_ADMIN_TOKEN, NULL, &ans), 200);
    json_t *entries = json_object_get(ans, "entries");
    int edits = 0, publishes = 0;
    size_t i;
    json_t *e;
    json_array_foreach(entries, i, e) {
        CHECK_STR(json_string_value(json_object_get(e, "by")), "test-admin");
        const char *action = json_string_value(json_object_get(e, "action"));
        edits += strcmp(action, "edit") == 0;
        publishes += strcmp(action, "publish") == 0;
    }
    CHECK_INT(edits, 7);
    CHECK_INT(publishes, 6);
    json_decref(ans);
    /* The console page asks for the token, then is served. */
    CHECK_INT(fleet_http(&hq, "GET", "/config", NULL, NULL, NULL), 401);
}

/* The page's remote care buttons: with the browser's Basic credentials a change needs the page's
 * token (a form on another site would carry the credentials, never the token); the board answers. */
static void page_care_needs_the_page_token(void)
{
    static const char logs[] = "{\"antenne\": \"site-0\", \"type\": \"care_logs\"}";
    json_t *ans = NULL;
    CHECK_INT(fleet_http_browser(&hq, "GET", "/api/v1/config/csrf", "marie", NULL, NULL, &ans), 200);
    const char *token = json_string_value(json_object_get(ans, "csrf"));
    char csrf[80];
    snprintf(csrf, sizeof csrf, "%s", token ? token : "");
    json_decref(ans);
    CHECK_INT((long long)strlen(csrf), 64);
    CHECK_INT(fleet_http_browser(&hq, "POST", "/api/v1/config/care", "marie", NULL, logs, NULL), 403);
    CHECK_INT(fleet_http_browser(&hq, "POST", "/api/v1/config/care", "marie", "0123456789abcdef", logs, NULL), 403);
    CHECK_INT(fleet_http_browser(&hq, "POST", "/api/v1/config/publish", "marie", NULL, "{}", NULL), 403);
    CHECK_INT(fleet_http_browser(&hq, "PUT", "/api/v1/config/documents/region", "marie", NULL, "{}", NULL), 403);
    CHECK_INT(fleet_http_browser(&hq, "POST", "/api/v1/config/care", "marie", csrf,
                                 "{\"antenne\": \"site-0\", \"type\": \"care_format_disk\"}", NULL),
              422);
    CHECK_INT(fleet_http_browser(&hq, "POST", "/api/v1/config/care", "marie", csrf,
                                 "{\"antenne\": \"nowhere\", \"type\": \"care_logs\"}", NULL),
              422);
    CHECK_INT(fleet_http_browser(&hq, "POST", "/api/v1/config/care", "marie", csrf, logs, &ans), 201);
    json_int_t id = json_integer_value(json_object_get(ans, "id"));
    json_decref(ans);
    CHECK(fleet_wait_for(answered, "care_logs"));
    CHECK_INT(json_integer_value(json_object_get(answer, "id")), id);
    CHECK_INT(json_array_size(json_object_get(json_object_get(answer, "result"), "lines")), 2);
    json_decref(answer);
    answer = NULL;
    /* A script with the bearer token is no browser: no page token asked. */
    CHECK_INT(fleet_http(&hq, "POST", "/api/v1/config/care", FLEET_ADMIN_TOKEN,
                         "{\"antenne\": \"site-0\", \"type\": \"care_print\"}", NULL),
              201);
    CHECK(fleet_wait_for(answered, "care_print"));
    CHECK_STR(json_string_value(json_object_get(answer, "error")), "no printer on this board");
    json_decref(answer);
    answer = NULL;
    /* The audit log names who asked; the page has the buttons. */
    CHECK_INT(fleet_http(&hq, "GET", "/api/v1/config/audit?limit=2", FLEET_ADMIN_TOKEN, NULL, &ans), 200);
    json_t *e = json_array_get(json_object_get(ans, "entries"), 1);
    CHECK_STR(json_string_value(json_object_get(e, "action")), "care");
    CHECK_STR(json_string_value(json_object_get(e, "by")), "marie");
    CHECK_STR(json_string_value(json_object_get(e, "type")), "care_logs");
    json_decref(ans);
}

/* The stable ring's delay (borne-repo promote DIR hq reads it): a default until set, bounded. */
static void the_ring_delay_is_set_at_hq(void)
{
    json_t *ans = NULL;
    CHECK_INT(fleet_http(&hq, "GET", "/api/v1/config/rings", FLEET_ADMIN_TOKEN, NULL, &ans), 200);
    CHECK_INT(json_integer_value(json_object_get(ans, "stable_delay_h")), COLLECTOR_FLEET_STABLE_DELAY_H);
    CHECK(json_is_true(json_object_get(ans, "default")));
    json_decref(ans);
    static const char *const bad[] = {"{\"stable_delay_h\": -1}", "{\"stable_delay_h\": 2161}",
                                      "{\"stable_delay_h\": \"6\"}", "{\"stable_delay_h\": 6, \"pilot\": 1}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_INT(fleet_http(&hq, "PUT", "/api/v1/config/rings", FLEET_ADMIN_TOKEN, bad[i], NULL), 422);
    CHECK_INT(fleet_http_browser(&hq, "PUT", "/api/v1/config/rings", "marie", NULL, "{\"stable_delay_h\": 6}", NULL),
              403);
    CHECK_INT(fleet_http(&hq, "PUT", "/api/v1/config/rings", FLEET_ADMIN_TOKEN, "{\"stable_delay_h\": 6}", NULL), 200);
    CHECK_INT(fleet_http(&hq, "GET", "/api/v1/config/rings", FLEET_ADMIN_TOKEN, NULL, &ans), 200);
    CHECK_INT(json_integer_value(json_object_get(ans, "stable_delay_h")), 6);
    CHECK(json_is_false(json_object_get(ans, "default")));
    json_decref(ans);
    CHECK_INT(fleet_http(&hq, "GET", "/api/v1/config/audit?limit=1", FLEET_ADMIN_TOKEN, NULL, &ans), 200);
    json_t *e = json_array_get(json_object_get(ans, "entries"), 0);
    CHECK_STR(json_string_value(json_object_get(e, "action")), "rings");
    CHECK_INT(json_integer_value(json_object_get(e, "stable_delay_h")), 6);
    json_decref(ans);
}

int main(void)
{
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (!fleet_hq_start(&hq, "fleet_config", 3))
        return 1;
    char ini[2048], err[512];
    fleet_write_file(testlib_path(hq.dir, "board.token"), fleet_token(0), 0600);
    snprintf(ini, sizeof ini,
             "[antenne]\nid = site-0\nname = Site 0\n[service.A]\nlabel_fr = Aides\n[counter.1]\nservices = A\n"
             "[hours]\nalways_open = false\nmon = 00:00-24:00\ntue = 00:00-24:00\nwed = 00:00-24:00\n"
             "thu = 00:00-24:00\nfri = 00:00-24:00\nsat = 00:00-24:00\nsun = 00:00-24:00\n"
             "last_ticket_before_close = 0\n[printer]\ndevice = virtual\n"
             "[hq]\nurl = %s\ntoken_file = board.token\n[store]\npath = board.db\n[clock]\nrequire_sync = false\n",
             hq.url);
    fleet_write_file(testlib_path(hq.dir, "borne.ini"), ini, 0644);
    if (config_load(testlib_path(hq.dir, "borne.ini"), &cfg, err, sizeof err) != 0 ||
        queue_open(&q, cfg.store.path, &cfg.queue, err, sizeof err) != 0 ||
        queue_apply_setup(q, &cfg.setup, (int64_t)time(NULL)) != QUEUE_OK ||
        board_channel_start(err, sizeof err) != 0) {
        fprintf(stderr, "board: %s\n", err);
        return 1;
    }

    RUN(publish_reaches_the_board_and_hq_sees_it);
    RUN(an_invalid_document_is_refused_by_the_board);
    RUN(a_closure_and_a_fixed_document_apply);
    RUN(an_older_version_or_another_antenne_is_refused);
    RUN(a_board_offline_at_publish_gets_it_back_online);
    RUN(health_reports_reach_hq_with_their_flags);
    RUN(remote_care_answers_in_the_acknowledgement);
    RUN(the_last_good_document_survives_a_restart);
    RUN(the_audit_log_says_who);
    RUN(page_care_needs_the_page_token);
    RUN(the_ring_delay_is_set_at_hq);

    channel_free(ch);
    fleet_stop(fl);
    fleet_care_stop(care);
    queue_close(q);
    fleet_hq_stop(&hq);
    curl_global_cleanup();
    return testlib_finish();
}
