/* The wire contract of the hub's LAN API (assets/web/openapi.yaml) as C: the words that travel
 * between the kiosk's hub (app/hub) and its clients (app/client: the desk appliance and the
 * waiting-room display). Header only, no library and no engine type, so a client depends on
 * this file and nothing of the server.
 *
 * Each vocabulary is one X-macro list; the enums, the name tables, the ticket struct and the
 * client's JSON reader are generated from it, and the hub names its actions, counter states and
 * outcomes from the same lists (its engine enums are pinned to these with _Static_assert in
 * app/hub/hub_json.c). Adding a word is one line here. */
#ifndef BORNE_LAN_CONTRACT_H
#define BORNE_LAN_CONTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "borne/contract.h"

#define LAN_API_PREFIX "/api/v1"
#define LAN_NAME_MAX 64          /* service, counter and antenne names, UTF-8 */
#define LAN_TICKET_LABEL_MAX 8   /* "A042" */
#define LAN_MAX_SERVICES 26
#define LAN_MAX_COUNTERS 32
#define LAN_CODE_MAX 24          /* appointment booking code */
#define LAN_NOTE_MAX 256         /* the agent's note of an appointment */
#define LAN_TOKEN_MAX 128        /* a desk's bearer token: 1..128 visible ASCII characters */

/* POST /api/v1/counters/{id}/{action}: X(ENUM_SUFFIX, "path segment") */
#define LAN_ACTIONS(X)                                                                           \
    X(OPEN, "open")                                                                              \
    X(CLOSE, "close")                                                                            \
    X(PAUSE, "pause")                                                                            \
    X(CALL_NEXT, "call-next")                                                                    \
    X(RECALL, "recall")                                                                          \
    X(START, "start")                                                                            \
    X(FINISH, "finish")                                                                          \
    X(NO_SHOW, "no-show")                                                                        \
    X(TRANSFER, "transfer")                                                                      \
    X(CONTACT, "contact")

/* A ticket's "state" (the engine's queue_state, same order). */
#define LAN_TICKET_STATES(X)                                                                     \
    X(WAITING, "waiting")                                                                        \
    X(CALLED, "called")                                                                          \
    X(SERVING, "serving")                                                                        \
    X(DONE, "done")                                                                              \
    X(NO_SHOW, "no_show")                                                                        \
    X(CANCELLED, "cancelled")                                                                    \
    X(EXPIRED, "expired")

/* A counter's "state" (the engine's queue_counter_state, same order). */
#define LAN_COUNTER_STATES(X)                                                                    \
    X(CLOSED, "closed")                                                                          \
    X(OPEN, "open")                                                                              \
    X(PAUSED, "paused")

/* A finished ticket's "outcome" (finish's body, a ticket's field) is one of the wire contract's
 * outcomes (CONTRACT_OUTCOMES in borne/contract.h: words and values); 0 is "none" (null). The hub
 * also accepts contract 1's "served" and "redirected" from older desks. */

/* The ticket object the hub sends (state.counters[].ticket, answers of operations):
 * X(kind, json key). Kinds: INT64, INT, BOOL, LETTER (a one-letter string or null), LABEL
 * (a string of at most LAN_TICKET_LABEL_MAX - 1 bytes), TICKET_STATE (a LAN_TICKET_STATES name).
 * The hub's ticket carries more (outcome, public, finished_at); the clients read these. */
#define LAN_TICKET_FIELDS(X)                                                                     \
    X(INT64, id)                                                                                 \
    X(LABEL, label)                                                                              \
    X(LETTER, service)                                                                           \
    X(TICKET_STATE, state)                                                                       \
    X(BOOL, priority)                                                                            \
    X(BOOL, appointment)                                                                         \
    X(BOOL, transferred)                                                                         \
    X(INT, recalls)                                                                              \
    X(INT, counter)                                                                              \
    X(INT64, issued_at)                                                                          \
    X(INT64, called_at)                                                                          \
    X(INT64, started_at)

/* Safety alarms (the desks' alarm routes and stream, borne/alarm_json.h for the document).
 * An acknowledgement's "kind" (the engine's queue_alarm_ack_kind, same values from 1):
 * X(ENUM_SUFFIX, wire word, the agent's words). */
#define LAN_ALARM_ACKS(X)                                                                        \
    X(SEEN, "vu", "J'ai vu")                                                                     \
    X(CALLING, "appelle", "J'appelle")                                                           \
    X(COMING, "arrive", "J'arrive")

/* Whether the alarm left the antenne, "relay" (the engine's queue_alarm_relay, same order). */
#define LAN_ALARM_RELAYS(X)                                                                      \
    X(PENDING, "pending")                                                                        \
    X(SENT, "sent")                                                                              \
    X(UNREACHABLE, "unreachable")                                                                \
    X(LOCAL_ONLY, "local_only")

#define LAN_ALARM_HOLD_MS 2000   /* press and hold to raise, the same on every desk */
#define LAN_ALARMS_MAX 8         /* alarms a desk shows at once (active, then recently cleared) */
#define LAN_ALARM_ACKS_MAX 16
#define LAN_ALARM_NAME_MAX 96    /* desk, antenne or person names */
#define LAN_ALARM_REASON_MAX 200

#define LAN_ENUM_ACTION_(id, name) LAN_ACT_##id,
typedef enum lan_action { LAN_ACT_NONE = 0, LAN_ACTIONS(LAN_ENUM_ACTION_) LAN_ACT_COUNT } lan_action;
#undef LAN_ENUM_ACTION_

#define LAN_ENUM_TICKET_STATE_(id, name) LAN_TICKET_##id,
typedef enum lan_ticket_state {
    LAN_TICKET_STATES(LAN_ENUM_TICKET_STATE_) LAN_TICKET_STATE_COUNT
} lan_ticket_state;
#undef LAN_ENUM_TICKET_STATE_

#define LAN_ENUM_COUNTER_STATE_(id, name) LAN_COUNTER_##id,
typedef enum lan_counter_state {
    LAN_COUNTER_STATES(LAN_ENUM_COUNTER_STATE_) LAN_COUNTER_STATE_COUNT
} lan_counter_state;
#undef LAN_ENUM_COUNTER_STATE_

#define LAN_ENUM_OUTCOME_(id, value, word, label) LAN_OUTCOME_##id = value,
typedef enum lan_outcome { LAN_OUTCOME_NONE = 0, CONTRACT_OUTCOMES(LAN_ENUM_OUTCOME_) LAN_OUTCOME_COUNT } lan_outcome;
#undef LAN_ENUM_OUTCOME_

#define LAN_DECL_INT64(n) int64_t n;
#define LAN_DECL_INT(n) int n;
#define LAN_DECL_BOOL(n) bool n;
#define LAN_DECL_LETTER(n) char n;
#define LAN_DECL_LABEL(n) char n[LAN_TICKET_LABEL_MAX];
#define LAN_DECL_TICKET_STATE(n) lan_ticket_state n;
#define LAN_DECL_FIELD_(kind, key) LAN_DECL_##kind(key)
typedef struct lan_ticket {
    LAN_TICKET_FIELDS(LAN_DECL_FIELD_)
} lan_ticket;
#undef LAN_DECL_FIELD_

#define LAN_ENUM_ALARM_ACK_(id, word, label) LAN_ALARM_ACK_##id,
typedef enum lan_alarm_ack { LAN_ALARM_ACK_NONE = 0, LAN_ALARM_ACKS(LAN_ENUM_ALARM_ACK_) LAN_ALARM_ACK_COUNT } lan_alarm_ack;
#undef LAN_ENUM_ALARM_ACK_

#define LAN_ENUM_ALARM_RELAY_(id, word) LAN_ALARM_RELAY_##id,
typedef enum lan_alarm_relay { LAN_ALARM_RELAYS(LAN_ENUM_ALARM_RELAY_) LAN_ALARM_RELAY_COUNT } lan_alarm_relay;
#undef LAN_ENUM_ALARM_RELAY_

/* An alarm as a desk sees it (the document with the hub's "id", "remote" and "relay"). */
typedef struct lan_alarm {
    int64_t id;                  /* the hub's id, for ack and clear */
    char antenne[LAN_NAME_MAX];
    char antenne_name[LAN_ALARM_NAME_MAX];
    int counter;                 /* the raising desk (of `antenne`) */
    char desk[LAN_ALARM_NAME_MAX];
    int64_t raised_at;
    bool test;
    bool remote;                 /* raised at another antenne of the group */
    lan_alarm_relay relay;
    int escalations;
    int64_t cleared_at;          /* 0: active */
    char cleared_by[LAN_ALARM_NAME_MAX];
    char clear_reason[LAN_ALARM_REASON_MAX];
    int n_acks;
    struct {
        lan_alarm_ack kind;
        char who[LAN_ALARM_NAME_MAX];
        char antenne[LAN_NAME_MAX];
        int64_t at;
    } acks[LAN_ALARM_ACKS_MAX];
} lan_alarm;

/* An appointment as a desk sees it with its own token (never in the public state). */
typedef struct lan_appointment {
    char code[LAN_CODE_MAX];
    int64_t at;
    char note[LAN_NOTE_MAX];
    int64_t ticket_id;           /* the ticket it belongs to (the client sets it) */
} lan_appointment;

#define LAN_NAME_(id, name) name,
/* Names by enum value; "" for NONE and out of range. */
static inline const char *lan_action_name(lan_action a)
{
    static const char *const names[] = {"", LAN_ACTIONS(LAN_NAME_)};
    return (unsigned)a < sizeof names / sizeof names[0] ? names[a] : "";
}

static inline const char *lan_ticket_state_name(lan_ticket_state s)
{
    static const char *const names[] = {LAN_TICKET_STATES(LAN_NAME_)};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "";
}

static inline const char *lan_counter_state_name(lan_counter_state s)
{
    static const char *const names[] = {LAN_COUNTER_STATES(LAN_NAME_)};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "";
}

static inline const char *lan_outcome_name(lan_outcome o)
{
#define LAN_OUTCOME_NAME_(id, value, word, label) [value] = word,
    static const char *const names[] = {"", CONTRACT_OUTCOMES(LAN_OUTCOME_NAME_)};
#undef LAN_OUTCOME_NAME_
    return (unsigned)o < sizeof names / sizeof names[0] ? names[o] : "";
}
static inline const char *lan_alarm_ack_name(lan_alarm_ack k)
{
#define LAN_ALARM_ACK_NAME_(id, word, label) word,
    static const char *const names[] = {"", LAN_ALARM_ACKS(LAN_ALARM_ACK_NAME_)};
#undef LAN_ALARM_ACK_NAME_
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "";
}

/* "J'ai vu", "J'appelle", "J'arrive"; "" for NONE and out of range. */
static inline const char *lan_alarm_ack_label(lan_alarm_ack k)
{
#define LAN_ALARM_ACK_LABEL_(id, word, label) label,
    static const char *const labels[] = {"", LAN_ALARM_ACKS(LAN_ALARM_ACK_LABEL_)};
#undef LAN_ALARM_ACK_LABEL_
    return (unsigned)k < sizeof labels / sizeof labels[0] ? labels[k] : "";
}

static inline const char *lan_alarm_relay_name(lan_alarm_relay r)
{
    static const char *const names[] = {LAN_ALARM_RELAYS(LAN_NAME_)};
    return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "";
}
#undef LAN_NAME_

/* Value of a name, or -1 when the name is not in the list (NULL too). */
static inline int lan_lookup_(const char *name, const char *(*name_of)(int), int first, int count)
{
    for (int i = first; name && i < count; i++)
        if (strcmp(name, name_of(i)) == 0)
            return i;
    return -1;
}
static inline const char *lan_action_name_i_(int i) { return lan_action_name((lan_action)i); }
static inline const char *lan_ticket_state_name_i_(int i) { return lan_ticket_state_name((lan_ticket_state)i); }
static inline const char *lan_counter_state_name_i_(int i) { return lan_counter_state_name((lan_counter_state)i); }
static inline const char *lan_outcome_name_i_(int i) { return lan_outcome_name((lan_outcome)i); }
static inline const char *lan_alarm_ack_name_i_(int i) { return lan_alarm_ack_name((lan_alarm_ack)i); }
static inline const char *lan_alarm_relay_name_i_(int i) { return lan_alarm_relay_name((lan_alarm_relay)i); }

static inline int lan_action_from_name(const char *name)
{
    return lan_lookup_(name, lan_action_name_i_, 1, LAN_ACT_COUNT);
}
static inline int lan_ticket_state_from_name(const char *name)
{
    return lan_lookup_(name, lan_ticket_state_name_i_, 0, LAN_TICKET_STATE_COUNT);
}
static inline int lan_counter_state_from_name(const char *name)
{
    return lan_lookup_(name, lan_counter_state_name_i_, 0, LAN_COUNTER_STATE_COUNT);
}
static inline int lan_outcome_from_name(const char *name)
{
    return lan_lookup_(name, lan_outcome_name_i_, 1, LAN_OUTCOME_COUNT);
}

static inline int lan_alarm_ack_from_name(const char *name)
{
    return lan_lookup_(name, lan_alarm_ack_name_i_, 1, LAN_ALARM_ACK_COUNT);
}
static inline int lan_alarm_relay_from_name(const char *name)
{
    return lan_lookup_(name, lan_alarm_relay_name_i_, 0, LAN_ALARM_RELAY_COUNT);
}

/* A desk token: 1..LAN_TOKEN_MAX visible ASCII characters (no space). */
static inline bool lan_token_valid(const char *t)
{
    size_t n = 0;
    for (; t && t[n]; n++)
        if ((unsigned char)t[n] <= 0x20 || (unsigned char)t[n] >= 0x7f || n >= LAN_TOKEN_MAX)
            return false;
    return n > 0;
}

#endif
