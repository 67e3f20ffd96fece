/* Shared by the files of app/alarm only: the service, its worker threads, the HTTP helper. */
#ifndef BORNE_ALARM_INTERNAL_H
#define BORNE_ALARM_INTERNAL_H

#include "borne/alarm.h"

#include <pthread.h>
#include <stdbool.h>

enum { ALARM_ESCALATE = 0, ALARM_PUSH, ALARM_PANIC, ALARM_WORKERS };

#define ALARM_IN_FLIGHT 32

/* An alarm version handed to the channel, until HQ answers (the slot is the callback's ctx). */
typedef struct alarm_flight {
    struct alarm_service *a;
    int64_t id, revision;
    int state;                  /* free, waiting, delivered, refused (alarm_relay.c) */
} alarm_flight;

typedef struct alarm_worker {
    struct alarm_service *a;
    const char *name;
    queue *q;                   /* this thread's own handle */
    pthread_t thread;
    bool running;
} alarm_worker;

struct alarm_service {
    borne_config cfg;
    char db_path[CONFIG_PATH_MAX];
    channel *channel;
    queue *channel_q;           /* the channel thread's handle (its "alarm" handler) */
    borne_clock clock;
    int64_t tick_ms;
    int panic_code;
    void (*changed)(void *ctx);
    void *changed_ctx;
    alarm_worker workers[ALARM_WORKERS];

    pthread_mutex_t mu;         /* guards what follows */
    pthread_cond_t cond;
    bool stopping;
    uint64_t kicks;
    alarm_flight flights[ALARM_IN_FLIGHT];
};

int64_t alarm_now(const alarm_service *a);
bool alarm_stopping(alarm_service *a);
/* Sleeps until a kick newer than *seen_kick, the stop, or ms; true when stopping. */
bool alarm_wait(alarm_service *a, uint64_t *seen_kick, int64_t ms);
/* Tells the hub the database changed (its notifier would see it within its poll anyway). */
void alarm_changed(alarm_service *a);

/* The alarms one round of a worker handles (a full batch waits for the next round). */
#define ALARM_BATCH 8
typedef struct alarm_batch {
    queue_alarm items[ALARM_BATCH];
    int64_t slot[ALARM_BATCH];  /* escalate: the period each escalation is for */
    bool connected;             /* push: the HQ channel was up when the batch was collected */
    int n;
    int64_t now;
} alarm_batch;

/* The loop of the escalate and push threads: at every tick, or at once when kicked, `collect`
 * fills the batch (n = 0 and now set before; it logs its own errors), then `handle` runs on each
 * item until the service stops. Returns NULL (the thread's result). */
void *alarm_worker_run(alarm_worker *w, void (*collect)(alarm_worker *w, alarm_batch *b),
                       void (*handle)(alarm_worker *w, const alarm_batch *b, int i));

void *alarm_escalate_thread(void *worker);
void *alarm_push_thread(void *worker);
/* The "alarm" message handler of the channel (alarm_relay.c). */
int alarm_on_message(void *ctx, const channel_message *msg, json_t **result, char *err,
                     size_t errlen);
void *alarm_panic_thread(void *worker);

#endif
