/* The alarm's way through headquarters, over the HQ <-> board channel (channel.h): the push
 * thread sends every version HQ has not confirmed as an "alarm" event, and the channel's thread
 * merges the "alarm" messages HQ sends (the group's alarms, acknowledgements and clears made
 * elsewhere). Both carry whole documents (alarm_json.h, wrapped as {"alarm": document}) and merge
 * them, so a resend, a duplicate or a reordering never matters. */
#include "alarm_internal.h"
#include "borne/alarm_json.h"
#include "borne/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

BORNE_LOG_MODULE("alarm");

/* ---- HQ -> board ------------------------------------------------------------------------------ */

int alarm_on_message(void *ctx, const channel_message *msg, json_t **result, char *err,
                     size_t errlen)
{
    (void)result;
    alarm_service *a = ctx;
    queue_alarm doc;
    int64_t id;
    if (alarm_json_parse(json_object_get(msg->data, "alarm"), &doc, err, errlen) != 0)
        return -EINVAL;
    int rc = alarm_merge(a->channel_q, alarm_now(a), a->cfg.antenne.id, &doc, &id);
    if (rc != QUEUE_OK) {
        snprintf(err, errlen, "alarm %s: %s", doc.uid, queue_errmsg(a->channel_q));
        return -EIO;
    }
    alarm_changed(a);
    alarm_kick(a);
    return CHANNEL_DONE;
}

/* ---- board -> HQ ------------------------------------------------------------------------------ */

enum { FLIGHT_FREE = 0, FLIGHT_WAITING, FLIGHT_DELIVERED, FLIGHT_REFUSED };

/* On the channel's thread: HQ answered one of our events. */
static void on_sent(void *ctx, const char *key, bool delivered, const char *error)
{
    alarm_flight *f = ctx;
    alarm_service *a = f->a;
    if (!delivered)
        log_error("HQ refused alarm event %s: %s", key, error ? error : "?");
    pthread_mutex_lock(&a->mu);
    f->state = delivered ? FLIGHT_DELIVERED : FLIGHT_REFUSED;
    a->kicks++;
    pthread_cond_broadcast(&a->cond);
    pthread_mutex_unlock(&a->mu);
}

static int collect_unrelayed(const queue_alarm *a, void *ctx)
{
    alarm_batch *b = ctx;
    b->items[b->n++] = *a;
    return b->n == ALARM_BATCH;
}

/* Records HQ's answers (under the lock, copied out; written to the database without it). */
static void settle(alarm_service *a, queue *q)
{
    alarm_flight done[ALARM_IN_FLIGHT];
    int n = 0;
    pthread_mutex_lock(&a->mu);
    for (int i = 0; i < ALARM_IN_FLIGHT; i++) {
        alarm_flight *f = &a->flights[i];
        if (f->state == FLIGHT_DELIVERED) {
            done[n++] = *f;
            f->state = FLIGHT_FREE;
        }
    }
    pthread_mutex_unlock(&a->mu);
    for (int i = 0; i < n; i++)
        if (queue_alarm_set_relay(q, alarm_now(a), done[i].id, QUEUE_ALARM_RELAY_SENT,
                                  done[i].revision) != QUEUE_OK)
            log_error("push: %s", queue_errmsg(q));
    if (n)
        alarm_changed(a);
}

/* The slot of this version: already handed over (waiting or refused), a new one, or NULL when
 * every slot waits. */
static alarm_flight *flight_for(alarm_service *a, const queue_alarm *al, bool *new_one)
{
    alarm_flight *free_slot = NULL, *found = NULL;
    pthread_mutex_lock(&a->mu);
    for (int i = 0; i < ALARM_IN_FLIGHT && !found; i++) {
        alarm_flight *f = &a->flights[i];
        if (f->state != FLIGHT_FREE && f->id == al->id) {
            if (f->revision == al->revision)
                found = f;
            else if (f->state == FLIGHT_REFUSED)
                f->state = FLIGHT_FREE;   /* a newer version may be accepted */
        }
        if (f->state == FLIGHT_FREE && !free_slot)
            free_slot = f;
    }
    *new_one = !found && free_slot;
    if (*new_one)
        *free_slot = (alarm_flight){.a = a, .id = al->id, .revision = al->revision,
                                    .state = FLIGHT_WAITING};
    pthread_mutex_unlock(&a->mu);
    return found ? found : free_slot;
}

static void push_one(alarm_service *a, queue *q, const queue_alarm *al, bool connected)
{
    int64_t now = alarm_now(a);
    if (!a->channel) {
        queue_alarm_set_relay(q, now, al->id, QUEUE_ALARM_RELAY_LOCAL_ONLY, al->revision);
        alarm_changed(a);
        return;
    }
    bool new_one;
    alarm_flight *f = flight_for(a, al, &new_one);
    if (new_one) {
        char key[QUEUE_ALARM_UID_MAX + 24];
        snprintf(key, sizeof key, "%s@%lld", al->uid, (long long)al->revision);
        json_t *data = json_pack("{s:o}", "alarm", alarm_json(al, false));
        int rc = data ? channel_send(a->channel, "alarm", key, now, data, on_sent, f) : -ENOMEM;
        json_decref(data);
        if (rc != 0) {
            log_error("alarm %s not queued for HQ: %s", al->uid, strerror(-rc));
            pthread_mutex_lock(&a->mu);
            f->state = FLIGHT_FREE;
            pthread_mutex_unlock(&a->mu);
        }
    }
    /* The raiser must know at once when the alarm cannot leave the antenne. */
    if (!connected && al->relay != QUEUE_ALARM_RELAY_UNREACHABLE) {
        log_warn("alarm %s waits for the HQ channel", al->uid);
        queue_alarm_set_relay(q, now, al->id, QUEUE_ALARM_RELAY_UNREACHABLE, 0);
        alarm_changed(a);
    }
}

/* HQ's answers first, then what is still unconfirmed. */
static void collect(alarm_worker *w, alarm_batch *b)
{
    settle(w->a, w->q);
    if (queue_alarm_list_unrelayed(w->q, collect_unrelayed, b) != QUEUE_OK)
        log_error("push: %s", queue_errmsg(w->q));
    channel_status st = {.connected = false};
    if (w->a->channel && b->n)
        channel_get_status(w->a->channel, &st);
    b->connected = st.connected;
}

static void handle(alarm_worker *w, const alarm_batch *b, int i)
{
    push_one(w->a, w->q, &b->items[i], b->connected);
}

void *alarm_push_thread(void *arg)
{
    return alarm_worker_run(arg, collect, handle);
}
