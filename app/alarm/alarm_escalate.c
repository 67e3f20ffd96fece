/* Escalation of an alarm nobody acknowledged: the configured webhook (a POST of the alarm
 * document) and a mail through the system's sendmail (alarm_send.h), once per period until
 * acknowledged. */
#include "alarm_internal.h"
#include "borne/alarm_json.h"
#include "borne/alarm_send.h"
#include "borne/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

BORNE_LOG_MODULE("alarm");

#define SENDMAIL_DEADLINE_MS 30000
#define WEBHOOK_TIMEOUT_S 10

int64_t alarm_escalation_due(const queue_alarm *a, const borne_config *cfg, int64_t now)
{
    (void)now;
    if (a->n_acks || a->cleared_at || a->remote || cfg->alarm.escalate_after_s <= 0 ||
        (a->test && !cfg->alarm.escalate_tests))
        return 0;
    if (a->escalations == 0)
        return a->raised_at + cfg->alarm.escalate_after_s;
    return a->escalated_at + cfg->alarm.escalate_every_s;
}

/* The mail: plain UTF-8 text, the same facts as the desks' banner. */
static char *mail_text(const alarm_service *s, const queue_alarm *a, int n)
{
    char when[32];
    time_t t = (time_t)a->raised_at;
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(when, sizeof when, "%d/%m/%Y %H:%M:%S", &tm);
    char subject[320];
    snprintf(subject, sizeof subject, "%sALERTE %s - %s (relance %d)", a->test ? "[TEST] " : "",
             a->antenne_name, a->desk, n);
    char *body = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&body, &len);
    if (!f)
        return NULL;
    fprintf(f, "%sAlerte silencieuse déclenchée au %s, %s, le %s.\n\n"
               "Personne n'en a accusé réception depuis %lld s. Appelez l'antenne ou rendez-vous"
               " sur place.\n\nRéférence : %s\n",
            a->test ? "[TEST : ceci vérifie la chaîne d'alerte, aucune intervention n'est"
                      " demandée]\n\n" : "",
            a->desk, a->antenne_name, when, (long long)(alarm_now(s) - a->raised_at), a->uid);
    if (fclose(f) != 0) {
        free(body);
        return NULL;
    }
    char *text = alarm_send_mail_text(s->cfg.alarm.mail_to, subject, body);
    free(body);
    return text;
}

static bool stopping(void *s)
{
    return alarm_stopping(s);
}

static void escalate(alarm_service *s, queue *q, const queue_alarm *a, int64_t slot)
{
    int n = a->escalations + 1;
    log_warn("alarm %s (%s) not acknowledged: escalation %d", a->uid, a->desk, n);
    if (s->cfg.alarm.webhook_url[0]) {
        json_t *doc = alarm_json(a, false);
        json_t *msg = json_pack("{s:s, s:i, s:o}", "event", "alarm_escalation", "escalation", n,
                                "alarm", doc);
        char *body = msg ? json_dumps(msg, JSON_COMPACT) : NULL;
        json_decref(msg);
        char why[256];
        long st = body ? alarm_send_webhook(s->cfg.alarm.webhook_url, body, WEBHOOK_TIMEOUT_S, stopping, s, why,
                                            sizeof why)
                       : 0;
        if (st < 200 || st >= 300)
            log_error("webhook %s: %s", s->cfg.alarm.webhook_url,
                      st ? "refused" : body ? why : "out of memory");
        free(body);
    }
    if (s->cfg.alarm.mail_to[0]) {
        char *text = mail_text(s, a, n);
        if (text)
            alarm_send_mail(s->cfg.alarm.sendmail, text, SENDMAIL_DEADLINE_MS, stopping, s);
        free(text);
    }
    /* Recorded even when a channel failed: the period goes on, and the next one tries again. */
    int err = queue_alarm_escalated(q, alarm_now(s), a->id, slot);
    if (err)
        log_error("record escalation: %s", queue_errmsg(q));
    alarm_changed(s);
}

typedef struct due_list {
    alarm_batch *b;
    const alarm_service *s;
} due_list;

static int collect_due(const queue_alarm *a, void *ctx)
{
    due_list *d = ctx;
    alarm_batch *b = d->b;
    int64_t due = alarm_escalation_due(a, &d->s->cfg, b->now);
    if (!due || due > b->now)
        return 0;
    /* Late by a period or more (board asleep, clock jump): one now, the schedule from now. */
    b->slot[b->n] = b->now - due < d->s->cfg.alarm.escalate_every_s ? due : b->now;
    b->items[b->n++] = *a;
    return b->n == ALARM_BATCH;
}

static void collect(alarm_worker *w, alarm_batch *b)
{
    due_list d = {b, w->a};
    if (queue_alarm_list(w->q, b->now, 0, collect_due, &d) != QUEUE_OK)
        log_error("escalate: %s", queue_errmsg(w->q));
}

static void handle(alarm_worker *w, const alarm_batch *b, int i)
{
    escalate(w->a, w->q, &b->items[i], b->slot[i]);
}

void *alarm_escalate_thread(void *arg)
{
    return alarm_worker_run(arg, collect, handle);
}
