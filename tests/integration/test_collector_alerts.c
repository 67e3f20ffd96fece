/* Steering alerts with an injected clock: live snapshots on the collector's live board, the rules
 * evaluated at chosen moments, a real webhook receiver (libmicrohttpd on loopback) and a sendmail
 * stand-in (a shell script that keeps each message). Each alert reaches the webhook and the mail
 * exactly once when it fires and once when it clears: a wait over target at once; a printer fault
 * only after 10 minutes in a row (a paper change under that pages nobody); a board that said "open"
 * and went silent after 10 minutes. An antenne never heard from has no alert. The satisfaction drop
 * over four weeks is reviewed from a real store (SQLite) filled through the real ingest: it fires
 * once, does not fire on a handful of answers, and clears at the next day's review. */
#include "borne/collector_alerts.h"
#include "borne/collector_antennes.h"
#include "borne/collector_live.h"
#include "borne/collector_store.h"
#include "borne/collector_synth.h"
#include "test_alert_sinks.h"
#include "testlib.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int64_t T0 = 1780000000;

static struct collector_live snapshot(bool open, int64_t at, const char *printer, int64_t waiting, int64_t longest)
{
    struct collector_live l;
    memset(&l, 0, sizeof l);
    snprintf(l.id, sizeof l.id, "00000000-0000-4000-8000-%012llu", (unsigned long long)at % 1000000000000ULL);
    l.at = at;
    l.received_at = at;
    l.open = open;
    l.desks_open = open ? 2 : 0;
    snprintf(l.printer, sizeof l.printer, "%s", printer);
    l.n_services = 1;
    l.services[0] = (struct collector_live_service){'A', waiting, longest};
    return l;
}

struct active {
    char seen[8][200];
    int n;
    const struct collector_antennes *a;
};

static int on_active(void *ctx, const struct collector_alert_info *alert)
{
    struct active *x = ctx;
    if (x->n < 8)
        snprintf(x->seen[x->n++], sizeof x->seen[0], "%.64s:%s:%.64s", collector_antennes_at(x->a, alert->antenne)->id,
                 collector_alert_word(alert->kind), alert->acked_by);
    return 0;
}

static int active_count(struct collector_alerts *al, const struct collector_antennes *a)
{
    struct active x = {.a = a};
    collector_alerts_active(al, on_active, &x);
    return x.n;
}

/* A webhook receiver, a sendmail stand-in and four antennes. */
struct fixture {
    const char *dir;
    struct alert_sinks sinks;
    struct collector_antennes *a;
    struct collector_live_board *live;
    struct collector_alert_sink sink;
    struct collector_alerts *al;
};

static void fixture_open(struct fixture *fx, const char *name)
{
    memset(fx, 0, sizeof *fx);
    const char *dir = fx->dir = testlib_tmpdir(name);
    alert_sinks_open(&fx->sinks, dir);
    const char *csv = testlib_write_file(dir, "antennes.csv",
                                         "name,opened,population,communes,territory,group,lat,lon\n"
                                         "Fourmies,2016-11-28,1,1,Nord,avesnois,50.0,4.0\n"
                                         "Amiens,2018-05-22,1,1,Somme,somme,49.9,2.3\n"
                                         "Arras,2020-09-21,1,1,Pas-de-Calais,artois,50.3,2.8\n"
                                         "Laon,,1,1,Aisne,aisne-sud,49.6,3.6\n",
                                         0644);
    char err[256];
    CHECK_INT(collector_antennes_load_csv(csv, &fx->a, err, sizeof err), 0);
    fx->live = collector_live_board_new(collector_antennes_count(fx->a));
    snprintf(fx->sink.webhook_url, sizeof fx->sink.webhook_url, "%s", fx->sinks.webhook_url);
    snprintf(fx->sink.mail_to, sizeof fx->sink.mail_to, "direction@example.org");
    snprintf(fx->sink.sendmail, sizeof fx->sink.sendmail, "%s", fx->sinks.sendmail);
    fx->al = collector_alerts_new(fx->a, fx->live, &fx->sink, NULL, NULL);
    CHECK(fx->al != NULL);
}

static void fixture_close(struct fixture *fx)
{
    collector_alerts_free(fx->al);
    collector_live_board_free(fx->live);
    collector_antennes_free(fx->a);
    alert_sinks_close(&fx->sinks);
}

static void test_rules(void)
{
    struct fixture fx;
    fixture_open(&fx, "collector_alerts");
    struct collector_antennes *a = fx.a;
    struct collector_live_board *live = fx.live;
    struct collector_alerts *al = fx.al;
    /* Every antenne has the region's target but Arras, whose own is 5 minutes. */
    const int targets[] = {15, 15, 5, 15};
    const long fourmies = collector_antennes_find(a, "fourmies"), amiens = collector_antennes_find(a, "amiens"),
               arras = collector_antennes_find(a, "arras");

    /* T0: Fourmies over the target (25 min > 15), Amiens out of paper, Arras fine (exactly its 5 min). */
    struct collector_live s = snapshot(true, T0, "ready", 6, 1500);
    collector_live_board_put(live, (size_t)fourmies, &s, T0);
    s = snapshot(true, T0, "paper_out", 1, 60);
    collector_live_board_put(live, (size_t)amiens, &s, T0);
    s = snapshot(true, T0, "ready", 2, 300);
    collector_live_board_put(live, (size_t)arras, &s, T0);
    CHECK_INT(collector_alerts_tick(al, NULL, targets, T0), 1);
    CHECK_INT(alert_sinks_hooks("\"state\":\"fired\"", "\"kind\":\"wait\"", "\"antenne\":\"fourmies\""), 1);
    CHECK_INT(alert_sinks_mail_lines(&fx.sinks, "Subject: "), 1);
    CHECK_INT(alert_sinks_mail_lines(&fx.sinks, "To: direction@example.org"), 1);
    CHECK_INT(active_count(al, a), 1);

    /* The same state a minute later: nothing new. The printer is out for 9 min: still nothing. */
    for (int64_t t = T0 + 60; t <= T0 + 540; t += 60) {
        s = snapshot(true, t, "paper_out", 1, 60);
        collector_live_board_put(live, (size_t)amiens, &s, t);
        s = snapshot(true, t, "ready", 6, 1500 + (t - T0));
        collector_live_board_put(live, (size_t)fourmies, &s, t);
        s = snapshot(true, t, "ready", 2, 300);
        collector_live_board_put(live, (size_t)arras, &s, t);
        CHECK_INT(collector_alerts_tick(al, NULL, targets, t), 0);
    }
    /* 10 minutes out of paper: the printer alert, once. */
    s = snapshot(true, T0 + 600, "paper_out", 1, 60);
    collector_live_board_put(live, (size_t)amiens, &s, T0 + 600);
    CHECK_INT(collector_alerts_tick(al, NULL, targets, T0 + 600), 1);
    CHECK_INT(alert_sinks_hooks("\"state\":\"fired\"", "\"kind\":\"printer\"", "\"antenne\":\"amiens\""), 1);
    CHECK_INT(collector_alerts_tick(al, NULL, targets, T0 + 610), 0);

    /* Fourmies is back within the target, Amiens has paper: both clear, once. */
    s = snapshot(true, T0 + 620, "ready", 2, 420);
    collector_live_board_put(live, (size_t)fourmies, &s, T0 + 620);
    s = snapshot(true, T0 + 620, "ready", 0, 0);
    collector_live_board_put(live, (size_t)amiens, &s, T0 + 620);
    s = snapshot(true, T0 + 620, "ready", 2, 300);
    collector_live_board_put(live, (size_t)arras, &s, T0 + 620);
    CHECK_INT(collector_alerts_tick(al, NULL, targets, T0 + 620), 2);
    CHECK_INT(alert_sinks_hooks("\"state\":\"cleared\"", "\"kind\":\"wait\"", "\"antenne\":\"fourmies\""), 1);
    CHECK_INT(alert_sinks_hooks("\"state\":\"cleared\"", "\"kind\":\"printer\"", "\"antenne\":\"amiens\""), 1);
    CHECK_INT(active_count(al, a), 0);

    /* A printer out for 5 minutes then fixed pages nobody. */
    s = snapshot(true, T0 + 700, "cover_open", 0, 0);
    collector_live_board_put(live, (size_t)amiens, &s, T0 + 700);
    CHECK_INT(collector_alerts_tick(al, NULL, targets, T0 + 700), 0);
    s = snapshot(true, T0 + 1000, "ready", 0, 0);
    collector_live_board_put(live, (size_t)amiens, &s, T0 + 1000);
    CHECK_INT(collector_alerts_tick(al, NULL, targets, T0 + 1000), 0);

    /* Arras said "open" at T0 + 620 and then nothing: silent after 10 minutes, not before. Fourmies
     * and Amiens keep sending. Closing clears it when the board speaks again. */
    for (int64_t t = T0 + 1060; t <= T0 + 1300; t += 60) {
        s = snapshot(true, t, "ready", 1, 100);
        collector_live_board_put(live, (size_t)fourmies, &s, t);
        collector_live_board_put(live, (size_t)amiens, &s, t);
        int fired = collector_alerts_tick(al, NULL, targets, t);
        CHECK_INT(fired, t - (T0 + 620) > COLLECTOR_ALERT_SILENT_S && t - 60 - (T0 + 620) <= COLLECTOR_ALERT_SILENT_S);
    }
    CHECK_INT(alert_sinks_hooks("\"state\":\"fired\"", "\"kind\":\"silent\"", "\"antenne\":\"arras\""), 1);
    s = snapshot(false, T0 + 1400, "ready", 0, 0);
    collector_live_board_put(live, (size_t)arras, &s, T0 + 1400);
    collector_live_board_put(live, (size_t)fourmies, &s, T0 + 1400);
    collector_live_board_put(live, (size_t)amiens, &s, T0 + 1400);
    CHECK_INT(collector_alerts_tick(al, NULL, targets, T0 + 1400), 1);
    CHECK_INT(alert_sinks_hooks("\"state\":\"cleared\"", "\"kind\":\"silent\"", "\"antenne\":\"arras\""), 1);

    /* Closed antennes silent for hours, and Laon never heard from: no alert. */
    CHECK_INT(collector_alerts_tick(al, NULL, targets, T0 + 20000), 0);
    /* Every change went out once by each way: 3 fired + 3 cleared. */
    CHECK_INT(alert_sinks_hook_count(), 6);
    CHECK_INT(alert_sinks_mail_lines(&fx.sinks, "Subject: =?UTF-8?B?"), 6);
    CHECK_INT(alert_sinks_mail_lines(&fx.sinks, "Antenne : Arras (Pas-de-Calais, groupe artois)"), 2);

    fixture_close(&fx);
}

/* Two antennes with different targets: each is judged by its own, and a target changed by a newly
 * published document counts from the next evaluation. */
static void test_own_targets(void)
{
    struct fixture fx;
    fixture_open(&fx, "collector_alerts_targets");
    const long fourmies = collector_antennes_find(fx.a, "fourmies"), arras = collector_antennes_find(fx.a, "arras");
    int targets[] = {30, 15, 5, 15};
    CHECK_INT(fourmies, 0);
    CHECK_INT(arras, 2);
    struct collector_live s = snapshot(true, T0, "ready", 6, 1500);   /* 25 min: within Fourmies' 30 */
    collector_live_board_put(fx.live, (size_t)fourmies, &s, T0);
    s = snapshot(true, T0, "ready", 2, 360);                           /* 6 min: over Arras' 5 */
    collector_live_board_put(fx.live, (size_t)arras, &s, T0);
    CHECK_INT(collector_alerts_tick(fx.al, NULL, targets, T0), 1);
    CHECK_INT(alert_sinks_hooks("\"kind\":\"wait\"", "\"antenne\":\"arras\"", "\"target_s\":300"), 1);
    CHECK_INT(alert_sinks_hooks("\"antenne\":\"fourmies\"", "", ""), 0);
    CHECK_INT(alert_sinks_mail_lines(&fx.sinks, "Attente la plus longue : 6 min (objectif 5 min)"), 1);
    /* Acknowledged from the console: the alert stays active, naming who took it; an alert that is not
     * active cannot be acknowledged. */
    CHECK_INT(collector_alerts_acknowledge(fx.al, NULL, (size_t)arras, COLLECTOR_ALERT_WAIT, "directrice", T0 + 5), 0);
    CHECK_INT(collector_alerts_acknowledge(fx.al, NULL, (size_t)arras, COLLECTOR_ALERT_WAIT, "quelqu-un", T0 + 6), 0);
    CHECK_INT(collector_alerts_acknowledge(fx.al, NULL, (size_t)fourmies, COLLECTOR_ALERT_WAIT, "directrice", T0 + 5),
              -ENOENT);
    struct active seen = {.a = fx.a};
    collector_alerts_active(fx.al, on_active, &seen);
    CHECK_INT(seen.n, 1);
    CHECK_STR(seen.seen[0], "arras:wait:directrice");
    enum collector_alert_kind kind;
    CHECK(collector_alert_kind_parse("satisfaction", &kind) && kind == COLLECTOR_ALERT_SATISFACTION);
    CHECK(!collector_alert_kind_parse("nope", &kind));
    /* Fourmies' document now says 20 minutes: over it at the next evaluation, once. */
    targets[0] = 20;
    CHECK_INT(collector_alerts_tick(fx.al, NULL, targets, T0 + 15), 1);
    CHECK_INT(alert_sinks_hooks("\"kind\":\"wait\"", "\"antenne\":\"fourmies\"", "\"target_s\":1200"), 1);
    CHECK_INT(collector_alerts_tick(fx.al, NULL, targets, T0 + 30), 0);
    /* Arras clears, then waits too long again: a new alert, not acknowledged yet. */
    s = snapshot(true, T0 + 45, "ready", 1, 200);
    collector_live_board_put(fx.live, (size_t)arras, &s, T0 + 45);
    CHECK_INT(collector_alerts_tick(fx.al, NULL, targets, T0 + 45), 1);
    s = snapshot(true, T0 + 60, "ready", 3, 400);
    collector_live_board_put(fx.live, (size_t)arras, &s, T0 + 60);
    CHECK_INT(collector_alerts_tick(fx.al, NULL, targets, T0 + 60), 1);
    seen.n = 0;
    collector_alerts_active(fx.al, on_active, &seen);
    CHECK_INT(seen.n, 2);
    CHECK_STR(seen.seen[1], "arras:wait:");
    fixture_close(&fx);
}

/* Stores one feedback bucket (no service) of `day` with the given answers, sunny → storm. */
static void store_feedback(struct collector_store *st, const char *antenne, int64_t day, const int64_t fb[5], int n)
{
    static int batch_no;
    struct collector_bucket b;
    memset(&b, 0, sizeof b);
    collector_synth_day_text(day, b.day);
    b.hour = 10 + n;
    b.revision = 1;
    memcpy(b.feedback, fb, sizeof b.feedback);
    char uuid[COLLECTOR_UUID_LEN + 1];
    collector_synth_uuid(77, (uint64_t)++batch_no, uuid);
    char *body = collector_synth_body(antenne, uuid, T0, &b, 1, NULL);
    struct collector_batch *batch = NULL;
    struct collector_ingest_error err;
    CHECK_INT(collector_ingest_parse(body, strlen(body), antenne, T0, 100, &batch, &err), COLLECTOR_INGEST_OK);
    size_t applied = 0;
    const struct collector_batch *one = batch;
    CHECK_INT(collector_store_apply(st, &one, 1, T0, &applied), 0);
    CHECK_INT(applied, 1);
    collector_batch_free(batch);
    free(body);
}

/* Four weeks against the four before: Fourmies goes from 10 % to 30 % of rain and storm (fires),
 * Amiens from 0 to 100 % on 5 answers (too few: nothing), Arras stays at 10 %. */
static void test_satisfaction(void)
{
    struct fixture fx;
    fixture_open(&fx, "collector_alerts_satisfaction");
    struct collector_store *st = NULL;
    char err[256];
    CHECK_INT(collector_store_open(COLLECTOR_BACKEND_SQLITE, testlib_path(fx.dir, "hq.sqlite"), &st, err, sizeof err),
              0);
    const int targets[] = {15, 15, 15, 15};
    const int64_t today = T0 / 86400, before = today - 40, recent = today - 10;
    const int64_t ten_pct[5] = {20, 10, 6, 3, 1}, thirty_pct[5] = {14, 8, 6, 8, 4};
    const int64_t none_bad[5] = {5, 0, 0, 0, 0}, all_bad[5] = {0, 0, 0, 3, 2};
    store_feedback(st, "fourmies", before, ten_pct, 0);
    store_feedback(st, "fourmies", recent, thirty_pct, 0);
    store_feedback(st, "amiens", before, none_bad, 0);
    store_feedback(st, "amiens", recent, all_bad, 0);
    store_feedback(st, "arras", before, ten_pct, 0);
    store_feedback(st, "arras", recent, ten_pct, 0);
    /* Older than eight weeks: in neither window. */
    store_feedback(st, "arras", today - 57, all_bad, 0);

    CHECK_INT(collector_alerts_review(fx.al, st, T0), 0);
    CHECK_INT(collector_alerts_tick(fx.al, NULL, targets, T0), 1);
    CHECK_INT(alert_sinks_hooks("\"state\":\"fired\"", "\"kind\":\"satisfaction\"", "\"antenne\":\"fourmies\""), 1);
    CHECK_INT(alert_sinks_hooks("\"recent\":{", "\"answers\":40", "\"rain_storm\":12"), 1);
    CHECK_INT(alert_sinks_mail_lines(&fx.sinks, "Les quatre dernières semaines"), 1);
    CHECK_INT(active_count(fx.al, fx.a), 1);
    /* The same day: no new review, nothing sent again. */
    CHECK_INT(collector_alerts_review(fx.al, st, T0 + 3600), 0);
    CHECK_INT(collector_alerts_tick(fx.al, NULL, targets, T0 + 3600), 0);

    /* Many sunny answers in the recent weeks: 12 bad of 100 (12 %, +2 points). Seen at the next
     * day's review, not before. */
    const int64_t sunny[5] = {60, 0, 0, 0, 0};
    store_feedback(st, "fourmies", recent + 1, sunny, 1);
    CHECK_INT(collector_alerts_review(fx.al, st, T0 + 7200), 0);
    CHECK_INT(collector_alerts_tick(fx.al, NULL, targets, T0 + 7200), 0);
    CHECK_INT(collector_alerts_review(fx.al, st, T0 + 86400), 0);
    CHECK_INT(collector_alerts_tick(fx.al, NULL, targets, T0 + 86400), 1);
    CHECK_INT(alert_sinks_hooks("\"state\":\"cleared\"", "\"kind\":\"satisfaction\"", "\"antenne\":\"fourmies\""), 1);
    CHECK_INT(collector_alerts_review(fx.al, st, T0 + 2 * 86400), 0);
    CHECK_INT(collector_alerts_tick(fx.al, NULL, targets, T0 + 2 * 86400), 0);
    CHECK_INT(alert_sinks_hook_count(), 2);
    CHECK_INT(alert_sinks_mail_lines(&fx.sinks, "Subject: "), 2);
    CHECK_INT(active_count(fx.al, fx.a), 0);
    collector_store_close(st);
    fixture_close(&fx);
}

/* Alerts kept in a store (SQLite) and taken back by a new tracker, as after a restart: acknowledged as
 * they were, and left alone until their rule can be judged again (the antenne's next snapshot, the
 * first satisfaction review): nothing is sent again, a board still silent keeps its alert. */
static void test_taken_back(void)
{
    struct fixture fx;
    fixture_open(&fx, "collector_alerts_taken_back");
    struct collector_store *st = NULL;
    char err[256];
    CHECK_INT(collector_store_open(COLLECTOR_BACKEND_SQLITE, testlib_path(fx.dir, "hq.sqlite"), &st, err, sizeof err),
              0);
    const int targets[] = {15, 15, 15, 15};
    const long fourmies = collector_antennes_find(fx.a, "fourmies"), arras = collector_antennes_find(fx.a, "arras");
    struct collector_live s = snapshot(true, T0, "ready", 6, 1500);
    collector_live_board_put(fx.live, (size_t)fourmies, &s, T0);
    s = snapshot(true, T0, "ready", 0, 0);
    collector_live_board_put(fx.live, (size_t)arras, &s, T0);
    CHECK_INT(collector_alerts_tick(fx.al, st, targets, T0), 1);
    s = snapshot(true, T0 + 650, "ready", 6, 2100);
    collector_live_board_put(fx.live, (size_t)fourmies, &s, T0 + 650);
    CHECK_INT(collector_alerts_tick(fx.al, st, targets, T0 + 700), 1);   /* Arras silent */
    CHECK_INT(collector_alerts_acknowledge(fx.al, st, (size_t)fourmies, COLLECTOR_ALERT_WAIT, "directrice", T0 + 800),
              0);
    CHECK_INT(alert_sinks_hook_count(), 2);

    /* A new tracker on an empty live board takes them back. */
    collector_alerts_free(fx.al);
    collector_live_board_free(fx.live);
    fx.live = collector_live_board_new(collector_antennes_count(fx.a));
    fx.al = collector_alerts_new(fx.a, fx.live, &fx.sink, NULL, NULL);
    CHECK_INT(collector_alerts_restore(fx.al, st), 0);
    struct active seen = {.a = fx.a};
    collector_alerts_active(fx.al, on_active, &seen);
    CHECK_INT(seen.n, 2);
    CHECK_STR(seen.seen[0], "fourmies:wait:directrice");
    CHECK_STR(seen.seen[1], "arras:silent:");
    /* No board spoke, no review yet: nothing changes, nothing is sent. */
    CHECK_INT(collector_alerts_tick(fx.al, st, targets, T0 + 900), 0);
    /* Fourmies is back within its target: cleared once; Arras still silent keeps its alert. */
    s = snapshot(true, T0 + 950, "ready", 1, 60);
    collector_live_board_put(fx.live, (size_t)fourmies, &s, T0 + 950);
    CHECK_INT(collector_alerts_review(fx.al, st, T0 + 1000), 0);
    CHECK_INT(collector_alerts_tick(fx.al, st, targets, T0 + 1000), 1);
    CHECK_INT(alert_sinks_hooks("\"state\":\"cleared\"", "\"kind\":\"wait\"", "\"antenne\":\"fourmies\""), 1);
    CHECK_INT(alert_sinks_hook_count(), 3);
    CHECK_INT(active_count(fx.al, fx.a), 1);
    /* An alert that is no longer active cannot be acknowledged, in memory or in the store. */
    CHECK_INT(collector_alerts_acknowledge(fx.al, st, (size_t)fourmies, COLLECTOR_ALERT_WAIT, "directrice", T0 + 1100),
              -ENOENT);
    collector_store_close(st);
    fixture_close(&fx);
}

/* The rules' conditions as the console shows them. */
static void test_conditions(void)
{
    struct collector_live l = snapshot(true, T0, "near_end", 3, 900);
    CHECK_INT(collector_alert_conditions(&l, 15, T0), 0);   /* exactly the target; paper low is no fault */
    l.services[0].longest_wait_s = 901;
    CHECK_INT(collector_alert_conditions(&l, 15, T0), 1u << COLLECTOR_ALERT_WAIT);
    l.open = false;
    snprintf(l.printer, sizeof l.printer, "offline");
    CHECK_INT(collector_alert_conditions(&l, 15, T0 + 5000), 1u << COLLECTOR_ALERT_PRINTER);
    l.open = true;
    CHECK_INT(collector_alert_conditions(&l, 20, T0) & (1u << COLLECTOR_ALERT_WAIT), 0);   /* 15 min 1 s < 20 */
}

int main(void)
{
    RUN(test_conditions);
    RUN(test_rules);
    RUN(test_own_targets);
    RUN(test_satisfaction);
    RUN(test_taken_back);
    return testlib_finish();
}
