/* Steering alerts across a restart of the real borne-collector (as a .deb upgrade or a power cut at
 * HQ would do it), on SQLite and PostgreSQL: boards send live snapshots, the collector's alerts reach
 * a real webhook receiver and a sendmail stand-in, the region's director acknowledges one from the
 * console (signed in, with the CSRF token). After the restart the acknowledgement is still there (who
 * and when), nothing is sent again while the conditions still hold, an alert that clears is sent as
 * cleared once, and an alert that clears and fires again is not acknowledged. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "borne/collector_users.h"
#include "test_alert_sinks.h"
#include "test_collector_session.h"
#include "testlib.h"

static struct harness h;
static struct alert_sinks sinks;

#define FIRED "\"state\":\"fired\""
#define CLEARED "\"state\":\"cleared\""
#define WAIT "\"kind\":\"wait\""
#define SITE0 "\"antenne\":\"site-0\""
#define SITE1 "\"antenne\":\"site-1\""

/* Posts a live snapshot of site n: open, one service whose longest wait is `longest` seconds (the
 * region's target is 15 minutes). Board times only grow, so each snapshot is the newest. */
static void snapshot(int n, int64_t longest)
{
    static long seq;
    static int64_t at;
    if (!at)
        at = (int64_t)time(NULL) - 3600;
    char body[512], path[64];
    session_live_body(body, sizeof body, n, ++seq, ++at, 1, "ready", 3, (long)longest);
    snprintf(path, sizeof path, "/api/v1/antennes/site-%d/live", n);
    CHECK_INT(harness_request(&h, "POST", path, harness_token(n), body, strlen(body), NULL), 200);
}

/* Waits (generously: the machine may be loaded) until the webhook got `hooks` bodies holding a, b and
 * c, and the mails file holds `mails` messages in all (the mail goes out after the webhook). */
static bool sent(const char *a, const char *b, const char *c, int hooks, int mails)
{
    for (int i = 0; i < 6000; i++) {
        if (alert_sinks_hooks(a, b, c) >= hooks && alert_sinks_mail_lines(&sinks, "Subject: ") >= mails)
            return true;
        nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
    }
    fprintf(stderr, "never sent: %d webhook bodies with %s %s %s, %d mails\n", hooks, a, b, c, mails);
    return false;
}

/* The console's "taken by" cell of site n's wait alert as the HQ token reads it; "" when the alert is
 * not listed. */
static void ack_cell(int n, char *out, size_t size)
{
    struct testlib_buf page;
    out[0] = '\0';
    CHECK_INT(session_get(&h, NULL, "/console", &page, NULL, 0), 200);
    char key[64];
    snprintf(key, sizeof key, "data-k='alert.site-%d.wait.ack'>", n);
    const char *at = page.p ? strstr(page.p, key) : NULL;
    if (at) {
        at += strlen(key);
        const char *end = strstr(at, "</td>");
        snprintf(out, size, "%.*s", end ? (int)(end - at) : 0, at);
    }
    free(page.p);
}

struct stored {
    char rows[4][160];
    int n;
};

static int on_stored(void *ctx, const char *antenne, const char *kind, int64_t since, const char *acked_by,
                     int64_t acked_at)
{
    struct stored *s = ctx;
    if (s->n < 4)
        snprintf(s->rows[s->n++], sizeof s->rows[0], "%s:%s:%s:%s", antenne, kind, acked_by,
                 since > 0 && (acked_at > 0) == (acked_by[0] != '\0') ? "ok" : "bad times");
    return 0;
}

/* What the collector's store holds, read directly. */
static struct stored stored_alerts(void)
{
    struct stored s = {0};
    struct collector_store *st = harness_open_store(&h);
    if (CHECK(st != NULL)) {
        CHECK_INT(collector_store_alerts_list(st, on_stored, &s), 0);
        collector_store_close(st);
    }
    return s;
}

static void acknowledgements_survive(void)
{
    /* Both antennes over their target: one alert each, once by each way. */
    snapshot(0, 1500);
    snapshot(1, 1600);
    CHECK(sent(FIRED, WAIT, SITE0, 1, 1));
    CHECK(sent(FIRED, WAIT, SITE1, 1, 2));
    CHECK_INT(alert_sinks_hook_count(), 2);

    /* The director takes site-0's from the console. */
    CURL *director = session_sign_in(&h, "directrice", "mot-de-passe-de-la-region");
    if (!CHECK(director != NULL))
        return;
    CHECK_INT(session_post_change(&h, director, "/console/alerts/ack", "antenne=site-0&kind=wait"), 303);
    curl_easy_cleanup(director);
    char cell[512];
    ack_cell(0, cell, sizeof cell);
    CHECK(strncmp(cell, "par directrice, ", 16) == 0);
    struct stored s = stored_alerts();
    CHECK_INT(s.n, 2);
    CHECK_STR(s.rows[0], "site-0:wait:directrice:ok");
    CHECK_STR(s.rows[1], "site-1:wait::ok");

    /* The collector restarts. Before any board speaks again, both alerts are back as they were. */
    CHECK(harness_restart(&h));
    ack_cell(0, cell, sizeof cell);
    CHECK(strncmp(cell, "par directrice, ", 16) == 0);
    ack_cell(1, cell, sizeof cell);
    CHECK_STR(cell, "<span class='muted'>à prendre en charge</span>");

    /* site-0 still waits too long (nothing to send), then site-1 is back within its target (cleared,
     * once): once the clear arrived, the collector has judged site-0's snapshot too. */
    snapshot(0, 1700);
    snapshot(1, 120);
    CHECK(sent(CLEARED, WAIT, SITE1, 1, 3));
    CHECK_INT(alert_sinks_hooks(FIRED, WAIT, SITE0), 1);
    CHECK_INT(alert_sinks_hooks(FIRED, WAIT, SITE1), 1);
    CHECK_INT(alert_sinks_hook_count(), 3);
    CHECK_INT(alert_sinks_mail_lines(&sinks, "Subject: "), 3);
    ack_cell(0, cell, sizeof cell);
    CHECK(strncmp(cell, "par directrice, ", 16) == 0);
    ack_cell(1, cell, sizeof cell);
    CHECK_STR(cell, "");

    /* site-0 clears, then waits too long again: a new alert nobody has taken yet, also after a
     * second restart. */
    snapshot(0, 300);
    CHECK(sent(CLEARED, WAIT, SITE0, 1, 4));
    snapshot(0, 1800);
    CHECK(sent(FIRED, WAIT, SITE0, 2, 5));
    ack_cell(0, cell, sizeof cell);
    CHECK_STR(cell, "<span class='muted'>à prendre en charge</span>");
    CHECK(harness_restart(&h));
    ack_cell(0, cell, sizeof cell);
    CHECK_STR(cell, "<span class='muted'>à prendre en charge</span>");
    s = stored_alerts();
    CHECK_INT(s.n, 1);
    CHECK_STR(s.rows[0], "site-0:wait::ok");
    CHECK_INT(alert_sinks_hook_count(), 5);
    CHECK_INT(alert_sinks_mail_lines(&sinks, "Subject: "), 5);
}

int main(int argc, char **argv)
{
    const char *backend = argc > 1 ? argv[1] : "sqlite";
    const char *dir = testlib_tmpdir("collector_alerts_restart");
    alert_sinks_open(&sinks, dir);
    char hash[128], users[256];
    if (collector_users_hash("mot-de-passe-de-la-region", hash, sizeof hash) != 0)
        return 1;
    snprintf(users, sizeof users, "directrice region %s\n", hash);
    char *users_path = strdup(testlib_write_file(dir, "users.txt", users, 0600));
    const char *extra[] = {"--users", users_path, "--wait-target-min", "15", "--alert-webhook-url",
                           sinks.webhook_url, "--alert-mail-to", "direction@example.org", "--sendmail",
                           sinks.sendmail, NULL};
    if (!harness_start(&h, "collector_alerts_restart_server", backend, 2, 2, extra))
        return 1;
    RUN(acknowledgements_survive);
    CHECK(harness_stop(&h));
    alert_sinks_close(&sinks);
    free(users_path);
    return testlib_finish();
}
