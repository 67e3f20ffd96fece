/* Hub client of the appliances: the counter (`borne --role counter`) follows the hub's event
 * stream and runs its operations over the LAN API (see assets/web/openapi.yaml); the
 * waiting-room display (`borne --role display`) uses it read-only (counter id 0) for the
 * state and the calls to announce.
 *
 * Threads: counter_client_start() starts two threads: the stream reader (reconnects every
 * second while the hub is away, sending Last-Event-ID) and the action worker, which also
 * fetches the counter's own view when the current ticket is an appointment whose note it does
 * not have yet (after a restart, or a call made from another screen of the same counter). The UI thread
 * reads a copy of the current view with counter_client_view() and asks for operations with
 * counter_client_act(), which never blocks. `notify` is called from those threads whenever
 * the view changed (the appliance pushes an SDL event from it); it must be thread-safe.
 *
 * Never twice: each operation gets one Idempotency-Key, kept across all its retries (network
 * errors, 5xx, hub restarting), so a call-next whose answer was lost is not repeated by the
 * hub. One operation at a time: asking for another while one is pending is refused.
 *
 * Ownership: strings are copied at start; free with counter_client_stop(). */
#ifndef BORNE_COUNTER_CLIENT_H
#define BORNE_COUNTER_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "borne/hub_request.h"
#include "borne/queue.h"

typedef struct counter_client counter_client;

typedef void (*counter_notify_fn)(void *ctx);

#define COUNTER_MSG_MAX 160

typedef struct counter_service_view {
    char letter;
    char label[QUEUE_LABEL_MAX];
    int waiting;
    int wait_min_lo, wait_min_hi;
    bool mine;                      /* this counter serves it */
} counter_service_view;

#define COUNTER_CALLS 8

typedef struct counter_call {
    char label[8];
    int counter_id;
    bool recall;
} counter_call;

typedef struct counter_view {
    bool connected;                 /* the event stream is up */
    bool have_state;                /* at least one state received since start */
    bool busy;                      /* an operation is pending (being sent or retried) */
    char message[COUNTER_MSG_MAX];  /* French, for the agent: last error or confirmation */
    bool message_is_error;
    char antenne[QUEUE_LABEL_MAX * 2];
    char counter_name[QUEUE_LABEL_MAX];
    queue_counter_state counter_state;
    bool has_ticket;
    queue_ticket ticket;            /* label, service, state, priority, appointment, recalls, times */
    /* The current visitor's appointment (code, at, note; ticket_id = ticket.id), from the
     * counter's own view (GET /counters/{id} or an operation's answer, with its token): the
     * public stream never carries the note. Cleared as soon as that visitor is no longer the
     * current one. */
    bool has_appointment;
    queue_appointment appointment;
    int64_t skew;                   /* hub clock - local clock, seconds */
    int n_services;
    counter_service_view services[QUEUE_MAX_SERVICES];
    int n_counters;                 /* for the transfer picker */
    struct { int id; char name[QUEUE_LABEL_MAX]; } counters[QUEUE_MAX_COUNTERS];
    int64_t last_event_id;
    /* call and recall events as they arrive (including those replayed after a reconnection):
     * call number k (from 0) is calls[k % COUNTER_CALLS] while k >= n_calls_total - COUNTER_CALLS */
    uint64_t n_calls_total;
    counter_call calls[COUNTER_CALLS];
    /* the first n_calls_history of them came from the first snapshot (calls made before the
     * client started): history to show, not news to announce */
    uint64_t n_calls_history;
} counter_view;

typedef struct counter_client_options {
    int retry_ms;                   /* wait between retries; 0 → 1000 */
    int give_up_s;                  /* stop retrying an operation after; 0 → 60 */
} counter_client_options;

/* hub_url: "http://host:port" (no trailing slash). token: the counter's token. counter_id 0:
 * read-only (no token, counter_client_act() always refuses). opts may be NULL. Returns 0, or
 * -1 with errbuf filled. */
int counter_client_start(counter_client **out, const char *hub_url, int counter_id,
                         const char *token, const counter_client_options *opts,
                         counter_notify_fn notify, void *ctx, char *errbuf, size_t errlen);
void counter_client_stop(counter_client *c);

void counter_client_view(counter_client *c, counter_view *out);

/* Queues an operation of this counter. outcome: finish only; to_service / to_counter: transfer
 * only (0 = unchanged). Returns 0, or -1 when one is already pending or the client is
 * read-only. */
int counter_client_act(counter_client *c, hub_action action, queue_outcome outcome,
                       char to_service, int to_counter);

/* A new random Idempotency-Key (UUID version 4) into out[37]. Returns 0 or -1. */
int counter_client_new_key(char out[37]);

#endif
