#include "borne/collector_alerts.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "borne/collector_ingest.h"
#include "borne/contract.h"
#include "borne/log.h"
#include "collector_html.h"

BORNE_LOG_MODULE("alerts");

/* A webhook answers within this or is given up (the next change is sent anyway). */
#define WEBHOOK_TIMEOUT_S 10
#define SENDMAIL_DEADLINE_MS 30000

/* The rules judged from the live snapshots (the rest from the stored feedback). */
#define LIVE_KINDS ((1u << COLLECTOR_ALERT_WAIT) | (1u << COLLECTOR_ALERT_PRINTER) | (1u << COLLECTOR_ALERT_SILENT))

/* Also the kind's name in the store (steering_alerts.kind): never rename one. */
static const char *const words[COLLECTOR_ALERT_KINDS] = {"wait", "printer", "silent", "satisfaction"};
static const char *const labels[COLLECTOR_ALERT_KINDS] = {"Attente trop longue", "Imprimante en panne",
                                                          "Silencieuse", "Satisfaction en baisse"};

const char *collector_alert_word(enum collector_alert_kind k)
{
    return words[k];
}

const char *collector_alert_label(enum collector_alert_kind k)
{
    return labels[k];
}

bool collector_alert_kind_parse(const char *word, enum collector_alert_kind *out)
{
    for (int k = 0; word && k < COLLECTOR_ALERT_KINDS; k++)
        if (strcmp(words[k], word) == 0) {
            *out = (enum collector_alert_kind)k;
            return true;
        }
    return false;
}

unsigned collector_alert_conditions(const struct collector_live *l, int target_min, int64_t now)
{
    unsigned c = 0;
    if (l->open && collector_live_longest_wait(l) > (int64_t)target_min * 60)
        c |= 1u << COLLECTOR_ALERT_WAIT;
    if (strcmp(html_printer_severity(l->printer), "bad") == 0)
        c |= 1u << COLLECTOR_ALERT_PRINTER;
    if (l->open && now - l->received_at > COLLECTOR_ALERT_SILENT_S)
        c |= 1u << COLLECTOR_ALERT_SILENT;
    return c;
}

/* One four-week window of feedback. */
struct window {
    char from[11], to[11];
    int64_t answers, bad;   /* all answers; rain and storm */
};

/* An antenne's last satisfaction review. */
struct satisfaction {
    struct window recent, previous;
    bool drop;
};

struct alert_state {
    int64_t since[COLLECTOR_ALERT_KINDS];   /* when the condition was first seen holding; 0 = it does not */
    bool fired[COLLECTOR_ALERT_KINDS];
    char acked_by[COLLECTOR_ALERT_KINDS][65];   /* "" = not acknowledged */
    int64_t acked_at[COLLECTOR_ALERT_KINDS];
    struct satisfaction sat;
};

struct collector_alerts {
    const struct collector_antennes *antennes;
    struct collector_live_board *live;
    const struct collector_alert_sink *sink;
    alarm_send_stop_fn stop;
    void *stop_ctx;
    pthread_mutex_t mu;   /* guards state (the console reads it) */
    struct alert_state *state;
    size_t n;
    int64_t reviewed_day;   /* of the last satisfaction review; INT64_MIN before the first */
};

/* One change to send: what fired or cleared, with the snapshot that said so. */
struct change {
    size_t antenne;
    enum collector_alert_kind kind;
    bool fired;
    int64_t since;
    int target_min;   /* the antenne's waiting target then */
    struct collector_live live;   /* zeroed when the antenne never sent one */
    struct satisfaction sat;
};

struct collector_alerts *collector_alerts_new(const struct collector_antennes *antennes,
                                              struct collector_live_board *live,
                                              const struct collector_alert_sink *sink, alarm_send_stop_fn stop,
                                              void *stop_ctx)
{
    struct collector_alerts *al = calloc(1, sizeof *al);
    size_t n = collector_antennes_count(antennes);
    if (!al || !(al->state = calloc(n ? n : 1, sizeof *al->state))) {
        free(al);
        return NULL;
    }
    al->antennes = antennes;
    al->live = live;
    al->sink = sink;
    al->stop = stop;
    al->stop_ctx = stop_ctx;
    al->n = n;
    al->reviewed_day = INT64_MIN;
    pthread_mutex_init(&al->mu, NULL);
    return al;
}

void collector_alerts_free(struct collector_alerts *al)
{
    if (!al)
        return;
    pthread_mutex_destroy(&al->mu);
    free(al->state);
    free(al);
}

static void rfc3339(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, 32, "%lld", (long long)t);
}

/* ---- satisfaction review -------------------------------------------------------------------- */

struct review {
    const struct collector_antennes *antennes;
    struct satisfaction *sat;   /* per antenne */
    bool recent;                /* filling the recent window (else the previous) */
};

static int review_row(void *ctx, const char *antenne, const int64_t *counts)
{
    struct review *r = ctx;
    long i = collector_antennes_find(r->antennes, antenne);
    if (i < 0)
        return 0;
    struct window *w = r->recent ? &r->sat[i].recent : &r->sat[i].previous;
    for (int k = 0; k < CONTRACT_WEATHER_N; k++) {
        count_add(&w->answers, counts[k]);
        if (k + 1 == CONTRACT_WEATHER_PLUIE || k + 1 == CONTRACT_WEATHER_ORAGE)
            count_add(&w->bad, counts[k]);
    }
    return 0;
}

static bool dropped(const struct satisfaction *s)
{
    if (s->recent.answers < COLLECTOR_ALERT_SATISFACTION_MIN || s->previous.answers < COLLECTOR_ALERT_SATISFACTION_MIN)
        return false;
    double recent = (double)s->recent.bad / (double)s->recent.answers;
    double previous = (double)s->previous.bad / (double)s->previous.answers;
    return (recent - previous) * 100.0 >= COLLECTOR_ALERT_SATISFACTION_RISE_PCT - 1e-9;
}

int collector_alerts_review(struct collector_alerts *al, struct collector_store *store, int64_t now)
{
    int64_t today = now >= 0 ? now / 86400 : -((-now + 86399) / 86400);
    if (today == al->reviewed_day)
        return 0;
    struct satisfaction *sat = calloc(al->n ? al->n : 1, sizeof *sat);
    if (!sat) {
        log_error("satisfaction review: out of memory");
        return -1;
    }
    const int64_t days = COLLECTOR_ALERT_SATISFACTION_DAYS;
    char from[2][11], to[2][11];
    day_iso(today - days, from[0]);
    day_iso(today - 1, to[0]);
    day_iso(today - 2 * days, from[1]);
    day_iso(today - days - 1, to[1]);
    for (size_t i = 0; i < al->n; i++) {
        memcpy(sat[i].recent.from, from[0], 11);
        memcpy(sat[i].recent.to, to[0], 11);
        memcpy(sat[i].previous.from, from[1], 11);
        memcpy(sat[i].previous.to, to[1], 11);
    }
    struct review r = {al->antennes, sat, true};
    int rc = collector_store_feedback_sums(store, from[0], to[0], review_row, &r);
    r.recent = false;
    if (rc == 0)
        rc = collector_store_feedback_sums(store, from[1], to[1], review_row, &r);
    if (rc != 0) {
        log_error("satisfaction review: %s", collector_store_error(store));
        free(sat);
        return -1;
    }
    pthread_mutex_lock(&al->mu);
    for (size_t i = 0; i < al->n; i++) {
        sat[i].drop = dropped(&sat[i]);
        al->state[i].sat = sat[i];
    }
    al->reviewed_day = today;
    pthread_mutex_unlock(&al->mu);
    free(sat);
    return 0;
}

/* ---- sending -------------------------------------------------------------------------------- */

static json_t *window_json(const struct window *w)
{
    return json_pack("{s:s, s:s, s:I, s:I}", "from", w->from, "to", w->to, "answers", (json_int_t)w->answers,
                     "rain_storm", (json_int_t)w->bad);
}

static void send_webhook(struct collector_alerts *al, const struct change *c, int64_t now)
{
    const struct collector_antenne_info *info = collector_antennes_at(al->antennes, c->antenne);
    char since[32], at[32];
    rfc3339(c->since, since);
    rfc3339(now, at);
    json_t *msg = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s}", "event", "steering_alert",
                            "state", c->fired ? "fired" : "cleared", "kind", words[c->kind], "antenne", info->id,
                            "antenne_name", info->name, "territory", info->territory, "group", info->group, "since",
                            since, "at", at, "longest_wait_s", (json_int_t)collector_live_longest_wait(&c->live),
                            "target_s", (json_int_t)c->target_min * 60, "printer", c->live.printer);
    if (msg && c->kind == COLLECTOR_ALERT_SATISFACTION)
        json_object_set_new(msg, "satisfaction", json_pack("{s:o, s:o}", "recent", window_json(&c->sat.recent),
                                                           "previous", window_json(&c->sat.previous)));
    char *body = msg ? json_dumps(msg, JSON_COMPACT) : NULL;
    json_decref(msg);
    char why[256] = "out of memory";
    long st = body ? alarm_send_webhook(al->sink->webhook_url, body, WEBHOOK_TIMEOUT_S, al->stop, al->stop_ctx, why,
                                        sizeof why)
                   : 0;
    if (st < 200 || st >= 300)
        log_error("webhook %s: %s", al->sink->webhook_url, st ? "refused" : why);
    free(body);
}

static void send_mail(struct collector_alerts *al, const struct change *c)
{
    const struct collector_antenne_info *info = collector_antennes_at(al->antennes, c->antenne);
    char subject[320], when[32] = "";
    snprintf(subject, sizeof subject, "[Borne] %s : %s%s", info->name, c->fired ? "" : "fin d'alerte, ",
             labels[c->kind]);
    time_t t = (time_t)c->since;
    struct tm tm;
    if (localtime_r(&t, &tm))
        strftime(when, sizeof when, "%d/%m/%Y %H:%M", &tm);
    struct buf b = {0};
    buf_printf(&b, "Antenne : %s (%s, groupe %s)\n%s depuis le %s.\n\n", info->name, info->territory, info->group,
               c->fired ? labels[c->kind] : "Alerte terminée, elle durait", when);
    if (c->kind == COLLECTOR_ALERT_SATISFACTION) {
        const struct window *w[2] = {&c->sat.recent, &c->sat.previous};
        for (int i = 0; i < 2; i++)
            buf_printf(&b, "%s (du %s au %s) : %lld avis « pluie » ou « orage » sur %lld (%.0f %%).\n",
                       i ? "Les quatre semaines d'avant" : "Les quatre dernières semaines", w[i]->from, w[i]->to,
                       (long long)w[i]->bad, (long long)w[i]->answers,
                       w[i]->answers ? 100.0 * (double)w[i]->bad / (double)w[i]->answers : 0.0);
    } else
        buf_printf(&b, "Attente la plus longue : %lld min (objectif %d min). Imprimante : %s. Antenne %s.\n",
                   (long long)(collector_live_longest_wait(&c->live) / 60), c->target_min,
                   html_printer_label(c->live.printer), c->live.open ? "ouverte" : "fermée");
    char *body;
    size_t len;
    char *text = NULL;
    if (buf_finish(&b, 0, &body, &len) == 0) {
        text = alarm_send_mail_text(al->sink->mail_to, subject, body);
        free(body);
    }
    if (!text || alarm_send_mail(al->sink->sendmail, text, SENDMAIL_DEADLINE_MS, al->stop, al->stop_ctx) != 0)
        log_error("alert mail to %s not sent", al->sink->mail_to);
    free(text);
}

/* Keeps a change in the store before it is sent: a collector stopped between the two has the alert
 * back on restart and does not send it again (losing one mail beats paging someone twice). */
static void keep_change(struct collector_alerts *al, struct collector_store *store, const struct change *c,
                        int64_t now)
{
    const char *id = collector_antennes_at(al->antennes, c->antenne)->id;
    int rc = c->fired ? collector_store_alert_fired(store, id, words[c->kind], c->since, now)
                      : collector_store_alert_cleared(store, id, words[c->kind]);
    if (rc != 0)
        log_error("alert %s %s of %s not kept (a restart would %s it): %s", words[c->kind],
                  c->fired ? "fired" : "cleared", id, c->fired ? "send it again" : "show it again",
                  collector_store_error(store));
}

int collector_alerts_tick(struct collector_alerts *al, struct collector_store *store, const int *targets, int64_t now)
{
    struct change *changes = malloc((al->n ? al->n : 1) * COLLECTOR_ALERT_KINDS * sizeof *changes);
    if (!changes) {
        log_error("alerts: out of memory");
        return 0;
    }
    int n = 0;
    for (size_t i = 0; i < al->n; i++) {
        struct collector_live l;
        unsigned conds = 0;
        /* Rules that cannot be judged yet leave their alert as it is: one taken back from the store
         * after a restart neither clears nor fires again before its antenne speaks (or the first
         * satisfaction review). */
        unsigned known = 0;
        if (collector_live_board_get(al->live, i, &l)) {
            conds = collector_alert_conditions(&l, targets[i], now);
            known = LIVE_KINDS;
        } else
            memset(&l, 0, sizeof l);
        pthread_mutex_lock(&al->mu);
        struct alert_state *s = &al->state[i];
        if (al->reviewed_day != INT64_MIN)
            known |= 1u << COLLECTOR_ALERT_SATISFACTION;
        if (s->sat.drop)
            conds |= 1u << COLLECTOR_ALERT_SATISFACTION;
        for (int k = 0; k < COLLECTOR_ALERT_KINDS; k++) {
            if (!(known & (1u << k)))
                continue;
            bool holds = conds & (1u << k);
            if (holds && !s->since[k])
                s->since[k] = k == COLLECTOR_ALERT_SILENT ? l.received_at + COLLECTOR_ALERT_SILENT_S : now;
            bool due = holds && (k != COLLECTOR_ALERT_PRINTER || now - s->since[k] >= COLLECTOR_ALERT_PRINTER_S);
            if (due != s->fired[k] && (due || !holds)) {
                s->fired[k] = due;
                s->acked_by[k][0] = '\0';
                s->acked_at[k] = 0;
                changes[n++] = (struct change){i, (enum collector_alert_kind)k, due, s->since[k], targets[i], l, s->sat};
            }
            if (!holds)
                s->since[k] = 0;
        }
        pthread_mutex_unlock(&al->mu);
    }
    for (int i = 0; i < n; i++) {
        log_notice("alert %s %s: %s", words[changes[i].kind], changes[i].fired ? "fired" : "cleared",
                   collector_antennes_at(al->antennes, changes[i].antenne)->id);
        if (store)
            keep_change(al, store, &changes[i], now);
        if (al->sink->webhook_url[0])
            send_webhook(al, &changes[i], now);
        if (al->sink->mail_to[0])
            send_mail(al, &changes[i]);
    }
    free(changes);
    return n;
}

int collector_alerts_active(struct collector_alerts *al, collector_alert_fn fn, void *ctx)
{
    int rc = 0;
    pthread_mutex_lock(&al->mu);
    for (size_t i = 0; i < al->n && !rc; i++)
        for (int k = 0; k < COLLECTOR_ALERT_KINDS && !rc; k++) {
            const struct alert_state *s = &al->state[i];
            if (!s->fired[k])
                continue;
            struct collector_alert_info info = {i, (enum collector_alert_kind)k, s->since[k], "", s->acked_at[k]};
            memcpy(info.acked_by, s->acked_by[k], sizeof info.acked_by);
            rc = fn(ctx, &info);
        }
    pthread_mutex_unlock(&al->mu);
    return rc;
}

int collector_alerts_acknowledge(struct collector_alerts *al, struct collector_store *store, size_t antenne,
                                 enum collector_alert_kind kind, const char *who, int64_t now)
{
    if (antenne >= al->n || (int)kind < 0 || kind >= COLLECTOR_ALERT_KINDS)
        return -ENOENT;
    const char *id = collector_antennes_at(al->antennes, antenne)->id;
    struct alert_state *s = &al->state[antenne];
    pthread_mutex_lock(&al->mu);
    bool active = s->fired[kind], taken = s->acked_by[kind][0] != '\0';
    int64_t since = s->since[kind];
    pthread_mutex_unlock(&al->mu);
    if (!active)
        return -ENOENT;
    if (taken)
        return 0;
    char name[sizeof s->acked_by[0]];
    snprintf(name, sizeof name, "%.64s", who);
    bool stored = false;
    if (store && collector_store_alert_ack(store, id, words[kind], since, name, now, &stored) != 0) {
        log_error("acknowledgement of alert %s of %s by %s not kept: %s", words[kind], id, name,
                  collector_store_error(store));
        return -EIO;
    }
    pthread_mutex_lock(&al->mu);
    /* The alert may have cleared (and even fired anew) meanwhile: only the very one is taken. */
    active = s->fired[kind] && s->since[kind] == since;
    if (active && !s->acked_by[kind][0]) {
        memcpy(s->acked_by[kind], name, sizeof name);
        s->acked_at[kind] = now;
        log_notice("alert %s of %s acknowledged by %s", words[kind], id, name);
    }
    pthread_mutex_unlock(&al->mu);
    if (active && store && !stored)
        log_warn("alert %s of %s was not in the store (it could not be kept when it fired): a restart forgets "
                 "this acknowledgement", words[kind], id);
    return active ? 0 : -ENOENT;
}

static int restore_row(void *ctx, const char *antenne, const char *kind, int64_t since, const char *acked_by,
                       int64_t acked_at)
{
    struct collector_alerts *al = ctx;
    long i = collector_antennes_find(al->antennes, antenne);
    enum collector_alert_kind k;
    if (i < 0 || !collector_alert_kind_parse(kind, &k)) {
        log_warn("stored alert %s of %s ignored: %s", kind, antenne, i < 0 ? "no such antenne now" : "unknown kind");
        return 0;
    }
    struct alert_state *s = &al->state[i];
    s->fired[k] = true;
    s->since[k] = since;
    snprintf(s->acked_by[k], sizeof s->acked_by[k], "%.64s", acked_by);
    s->acked_at[k] = acked_at;
    return 0;
}

int collector_alerts_restore(struct collector_alerts *al, struct collector_store *store)
{
    pthread_mutex_lock(&al->mu);
    int rc = collector_store_alerts_list(store, restore_row, al);
    pthread_mutex_unlock(&al->mu);
    if (rc != 0)
        log_error("steering alerts not taken back from the store: %s", collector_store_error(store));
    return rc == 0 ? 0 : -1;
}
