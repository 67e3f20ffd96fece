/* The board's alarm threads: escalate, push, poll and panic (include/borne/alarm.h).
 *
 * Every thread sleeps on one condition variable with the tick as timeout, so alarm_kick() and
 * alarm_stop() reach them at once. Network and child-process work happens without the lock. */
#include "alarm_internal.h"
#include "borne/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

BORNE_LOG_MODULE("alarm");

int64_t alarm_now(const alarm_service *a)
{
    return borne_clock_now_ms(&a->clock) / 1000;
}

bool alarm_stopping(alarm_service *a)
{
    pthread_mutex_lock(&a->mu);
    bool stop = a->stopping;
    pthread_mutex_unlock(&a->mu);
    return stop;
}

/* Waits for a kick, the stop, or `ms`; returns whether the service is stopping. */
bool alarm_wait(alarm_service *a, uint64_t *seen_kick, int64_t ms)
{
    pthread_mutex_lock(&a->mu);
    struct timespec until = clock_mono_deadline(ms);
    while (!a->stopping && a->kicks == *seen_kick)
        if (pthread_cond_timedwait(&a->cond, &a->mu, &until) == ETIMEDOUT)
            break;
    *seen_kick = a->kicks;
    bool stop = a->stopping;
    pthread_mutex_unlock(&a->mu);
    return stop;
}

void *alarm_worker_run(alarm_worker *w, void (*collect)(alarm_worker *w, alarm_batch *b),
                       void (*handle)(alarm_worker *w, const alarm_batch *b, int i))
{
    uint64_t kick = 0;
    alarm_batch *b = malloc(sizeof *b);
    if (!b) {
        log_error("%s: out of memory", w->name);
        return NULL;
    }
    do {
        b->n = 0;
        b->now = alarm_now(w->a);
        collect(w, b);
        for (int i = 0; i < b->n && !alarm_stopping(w->a); i++)
            handle(w, b, i);
    } while (!alarm_wait(w->a, &kick, w->a->tick_ms));
    free(b);
    return NULL;
}

void alarm_kick(alarm_service *a)
{
    if (!a)
        return;
    pthread_mutex_lock(&a->mu);
    a->kicks++;
    pthread_cond_broadcast(&a->cond);
    pthread_mutex_unlock(&a->mu);
}

void alarm_changed(alarm_service *a)
{
    if (a->changed)
        a->changed(a->changed_ctx);
}

/* ---- merge ------------------------------------------------------------------------------- */

int alarm_merge(queue *q, int64_t now, const char *own_antenne, const queue_alarm *doc,
                int64_t *id)
{
    queue_alarm_raise_req r = {.uid = doc->uid, .antenne = doc->antenne,
                               .antenne_name = doc->antenne_name, .counter_id = doc->counter_id,
                               .desk = doc->desk, .raised_at = doc->raised_at, .test = doc->test,
                               .remote = strcmp(doc->antenne, own_antenne) != 0, .actor = "hq"};
    bool created;
    int err = queue_alarm_raise(q, now, &r, id, &created);
    for (int i = 0; !err && i < doc->n_acks; i++) {
        const queue_alarm_ack *k = &doc->acks[i];
        err = queue_alarm_acknowledge(q, now, *id, k->kind, k->who, k->antenne, k->at, "hq");
        if (err == QUEUE_ESTATE)   /* cleared here already: the acknowledgement came too late */
            err = QUEUE_OK;
    }
    if (!err && doc->cleared_at)
        err = queue_alarm_clear(q, now, *id, doc->cleared_by, doc->clear_reason, doc->cleared_at,
                                "hq");
    return err;
}

/* ---- start and stop ----------------------------------------------------------------------- */

static int fail(char *errbuf, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *errbuf, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errbuf, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static int start_thread(alarm_service *a, int i, void *(*fn)(void *), const char *name,
                        char *errbuf, size_t errlen)
{
    alarm_worker *w = &a->workers[i];
    w->a = a;
    w->name = name;
    if (queue_open(&w->q, a->db_path, &a->cfg.queue, errbuf, errlen) != QUEUE_OK)
        return -1;
    if (pthread_create(&w->thread, NULL, fn, w) != 0) {
        queue_close(w->q);
        w->q = NULL;
        return fail(errbuf, errlen, "cannot start the %s thread", name);
    }
    w->running = true;
    return 0;
}

int alarm_start(alarm_service **out, const borne_config *cfg, const char *db_path,
                const alarm_options *opts, char *errbuf, size_t errlen)
{
    *out = NULL;
    if (strlen(db_path) >= sizeof ((alarm_service *)0)->db_path)
        return fail(errbuf, errlen, "database path too long");
    int key = -1;
    if (cfg->alarm.panic_device[0] && (key = alarm_key_code(cfg->alarm.panic_key)) < 0)
        return fail(errbuf, errlen, "[alarm] panic_key \"%s\": an evdev key name such as KEY_F12"
                    " or BTN_0, or its number", cfg->alarm.panic_key);
    alarm_service *a = calloc(1, sizeof *a);
    if (!a)
        return fail(errbuf, errlen, "out of memory");
    a->cfg = *cfg;
    a->panic_code = key;
    snprintf(a->db_path, sizeof a->db_path, "%s", db_path);
    if (opts) {
        a->clock = opts->clock;
        a->tick_ms = opts->tick_ms;
        a->channel = opts->channel;
        a->changed = opts->changed;
        a->changed_ctx = opts->changed_ctx;
    }
    if (a->tick_ms <= 0)
        a->tick_ms = 250;
    pthread_mutex_init(&a->mu, NULL);
    clock_cond_init(&a->cond);
    if (a->channel) {
        int rc = queue_open(&a->channel_q, a->db_path, &a->cfg.queue, errbuf, errlen);
        if (rc == QUEUE_OK && (rc = channel_register(a->channel, "alarm", alarm_on_message, a)) != 0)
            snprintf(errbuf, errlen, "HQ channel: cannot register alarm messages: %s", strerror(-rc));
        if (rc != 0) {
            alarm_stop(a);
            return -1;
        }
    }
    if (start_thread(a, ALARM_ESCALATE, alarm_escalate_thread, "escalate", errbuf, errlen) ||
        start_thread(a, ALARM_PUSH, alarm_push_thread, "push", errbuf, errlen) ||
        (cfg->alarm.panic_device[0] &&
         start_thread(a, ALARM_PANIC, alarm_panic_thread, "panic", errbuf, errlen))) {
        alarm_stop(a);
        return -1;
    }
    *out = a;
    return 0;
}

void alarm_stop(alarm_service *a)
{
    if (!a)
        return;
    pthread_mutex_lock(&a->mu);
    a->stopping = true;
    pthread_cond_broadcast(&a->cond);
    pthread_mutex_unlock(&a->mu);
    for (int i = 0; i < ALARM_WORKERS; i++) {
        if (a->workers[i].running)
            pthread_join(a->workers[i].thread, NULL);
        queue_close(a->workers[i].q);
    }
    queue_close(a->channel_q);
    pthread_cond_destroy(&a->cond);
    pthread_mutex_destroy(&a->mu);
    free(a);
}
