/* Queue engine, safety alarms: a desk's silent alarm, its acknowledgements, escalations and
 * clear, stored next to the queue in the same SQLite file and written to the same append-only
 * event log (kinds "alarm_raise", "alarm_ack", "alarm_escalate", "alarm_relay", "alarm_clear",
 * each row carrying the alarm id). Same threading, time and error rules as queue.h.
 *
 * An alarm has a global id (`uid`, unique across every antenne) so that copies relayed through
 * headquarters to the other antennes of a group merge instead of multiplying: acknowledgements
 * are a set (who, kind), a clear is final, the first raise time wins. A local alarm is one
 * raised at this antenne; a remote one came from another antenne through HQ.
 *
 * Nothing here is visitor data: an alarm names a desk and the staff who acknowledged. */
#ifndef BORNE_QUEUE_ALARM_H
#define BORNE_QUEUE_ALARM_H

#include <stdbool.h>
#include <stdint.h>

#include "borne/queue.h"

#define QUEUE_ALARM_UID_MAX 64
#define QUEUE_ALARM_NAME_MAX 96       /* desk, antenne or person names, UTF-8 */
#define QUEUE_ALARM_REASON_MAX 200
#define QUEUE_ALARM_ACKS_MAX 16       /* acknowledgements kept in a queue_alarm (more are stored) */

/* Stored values (table alarm_ack_kind names them): never renumber. */
typedef enum queue_alarm_ack_kind {
    QUEUE_ALARM_ACK_SEEN = 1,         /* "vu": j'ai vu */
    QUEUE_ALARM_ACK_CALLING = 2,      /* "appelle": j'appelle */
    QUEUE_ALARM_ACK_COMING = 3,       /* "arrive": j'arrive */
} queue_alarm_ack_kind;

/* Whether the alarm left the antenne (table alarm_relay_state names them): never renumber. */
typedef enum queue_alarm_relay {
    QUEUE_ALARM_RELAY_PENDING = 0,    /* not yet confirmed by HQ */
    QUEUE_ALARM_RELAY_SENT = 1,       /* HQ stored the latest version */
    QUEUE_ALARM_RELAY_UNREACHABLE = 2,/* the last attempt failed; retried until it goes */
    QUEUE_ALARM_RELAY_LOCAL_ONLY = 3, /* no HQ configured on this board */
} queue_alarm_relay;

/* "vu", "appelle", "arrive" / "pending", "sent", "unreachable", "local_only"; "" if unknown.
 * The _from_name parsers return -1 for anything else. */
const char *queue_alarm_ack_name(queue_alarm_ack_kind k);
int queue_alarm_ack_from_name(const char *name);
const char *queue_alarm_relay_name(queue_alarm_relay r);

typedef struct queue_alarm_ack {
    queue_alarm_ack_kind kind;
    int64_t at;
    char who[QUEUE_ALARM_NAME_MAX];   /* "Guichet 2", "Manager (siège)" */
    char antenne[32];                 /* antenne id of who acknowledged; "hq" from HQ */
} queue_alarm_ack;

typedef struct queue_alarm {
    int64_t id;                       /* local row id */
    char uid[QUEUE_ALARM_UID_MAX];
    char antenne[32];                 /* antenne id where it was raised */
    char antenne_name[QUEUE_ALARM_NAME_MAX];
    int counter_id;                   /* raising desk at that antenne (0: panic button of a desk */
                                      /* that no longer exists never happens: always >= 1) */
    char desk[QUEUE_ALARM_NAME_MAX];  /* "Guichet 2" */
    int64_t raised_at;                /* original time, kept through every relay */
    bool test;                        /* checks the chain: shown as TEST, escalated only if */
                                      /* configured */
    bool remote;                      /* raised at another antenne */
    int64_t cleared_at;               /* 0 = active */
    char cleared_by[QUEUE_ALARM_NAME_MAX];
    char clear_reason[QUEUE_ALARM_REASON_MAX];
    int escalations;                  /* escalations sent so far */
    int64_t escalated_at;             /* schedule time of the last one; 0 = none */
    queue_alarm_relay relay;
    int64_t revision;                 /* increases on every change (relay: send when newer) */
    int64_t relayed_revision;         /* revision HQ confirmed */
    int n_acks;                       /* stored acknowledgements, oldest first; at most */
    queue_alarm_ack acks[QUEUE_ALARM_ACKS_MAX]; /* QUEUE_ALARM_ACKS_MAX of them are copied */
} queue_alarm;

typedef struct queue_alarm_raise_req {
    const char *uid;                  /* global id (required, 1..63 chars [A-Za-z0-9._:-]) */
    const char *antenne, *antenne_name;
    int counter_id;                   /* >= 1 */
    const char *desk;
    int64_t raised_at;                /* 0 → now */
    bool test;
    bool remote;
    const char *actor;                /* event log: "counter:2", "panic", "hq" */
} queue_alarm_raise_req;

/* Stores a new alarm, or finds the one with the same uid (a replayed raise or a relayed copy
 * seen again): *id gets its row id and *created whether it is new. A local raise checks that
 * the counter exists (QUEUE_ENOCOUNTER). */
int queue_alarm_raise(queue *q, int64_t now, const queue_alarm_raise_req *r, int64_t *id,
                      bool *created);

/* Adds an acknowledgement (who, kind) once: the same person acknowledging the same way again
 * changes nothing. QUEUE_ENOTICKET is "no such alarm" here, QUEUE_ESTATE an alarm already
 * cleared. `at` 0 → now (a relayed acknowledgement keeps its own time). */
int queue_alarm_acknowledge(queue *q, int64_t now, int64_t id, queue_alarm_ack_kind kind,
                            const char *who, const char *antenne, int64_t at, const char *actor);

/* Clears with a reason (final; clearing a cleared alarm again is QUEUE_OK and changes nothing).
 * `at` 0 → now. */
int queue_alarm_clear(queue *q, int64_t now, int64_t id, const char *who, const char *reason,
                      int64_t at, const char *actor);

/* Records one escalation sent for the schedule slot `slot_at`. */
int queue_alarm_escalated(queue *q, int64_t now, int64_t id, int64_t slot_at);

/* Records whether HQ has the alarm as of `revision` (SENT), could not be reached (UNREACHABLE),
 * or there is no HQ (LOCAL_ONLY); SENT and LOCAL_ONLY settle `revision` (no longer listed as
 * unrelayed). Logged only when the state changes. */
int queue_alarm_set_relay(queue *q, int64_t now, int64_t id, queue_alarm_relay relay,
                          int64_t revision);

int queue_alarm_get(queue *q, int64_t id, queue_alarm *out);
/* QUEUE_ENOTICKET when no alarm has this uid. */
int queue_alarm_find(queue *q, const char *uid, int64_t *id);

/* Alarms to show: active ones and those cleared within `recent_s` seconds before `now`, newest
 * raise first; `fn` returning non-zero stops the walk. */
typedef int (*queue_alarm_fn)(const queue_alarm *a, void *ctx);
int queue_alarm_list(queue *q, int64_t now, int64_t recent_s, queue_alarm_fn fn, void *ctx);
/* Local alarms whose revision HQ has not confirmed yet, oldest first. */
int queue_alarm_list_unrelayed(queue *q, queue_alarm_fn fn, void *ctx);

#endif
