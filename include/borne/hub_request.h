/* LAN API requests, parsed and validated without any HTTP library: routing of a method and a
 * path, the bearer token of an Authorization header, and the JSON body of each mutation.
 * Pure functions over bytes (no I/O, no clock, no globals), so the same code the server runs is
 * what the fuzzer (tests/fuzz/fuzz_hub_request.c) drives.
 *
 * Errors: functions return 0 or an HTTP status (400, 404, 405, 413, 422) and fill a
 * hub_error with a stable machine code ("bad_json", "unknown_route" ...) and an
 * English message for logs and developers; the UI maps codes to its own words. */
#ifndef BORNE_HUB_REQUEST_H
#define BORNE_HUB_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "borne/lan_contract.h"
#include "borne/queue.h"
#include "borne/queue_alarm.h"

/* Body caps: a mutation is a few fields; an appointment import is an array of them. */
#define HUB_BODY_MAX ((size_t)16 * 1024)
#define HUB_APPT_BODY_MAX ((size_t)256 * 1024)
#define HUB_APPT_MAX 1000          /* appointments per PUT */
#define HUB_TOKEN_MAX LAN_TOKEN_MAX
#define HUB_IDEM_KEY_MAX 128

typedef struct hub_error {
    char code[32];
    char message[160];
} hub_error;

typedef enum hub_route_kind {
    HUB_ROUTE_STATE = 1,       /* GET  /api/v1/state */
    HUB_ROUTE_EVENTS,          /* GET  /api/v1/events */
    HUB_ROUTE_TICKETS,         /* POST /api/v1/tickets */
    HUB_ROUTE_APPOINTMENTS,    /* PUT  /api/v1/appointments */
    HUB_ROUTE_COUNTER,         /* POST /api/v1/counters/{id}/{action} */
    HUB_ROUTE_STATIC,          /* GET  /counter, /display, /web/<file> */
    HUB_ROUTE_COUNTER_GET,     /* GET  /api/v1/counters/{id} (that counter's token) */
    HUB_ROUTE_ALARM_RAISE,     /* POST /api/v1/counters/{id}/alarm (that counter's token) */
    HUB_ROUTE_ALARMS,          /* GET  /api/v1/alarms (any desk token) */
    HUB_ROUTE_ALARM_EVENTS,    /* GET  /api/v1/alarms/events: desks' own stream (any desk token) */
    HUB_ROUTE_ALARM_ACK,       /* POST /api/v1/alarms/{aid}/ack (any desk token) */
    HUB_ROUTE_ALARM_CLEAR,     /* POST /api/v1/alarms/{aid}/clear (the raising desk's token) */
    HUB_ROUTE_AGENT_DISMISS,   /* POST /api/v1/agent-requests/{rid}/dismiss (any desk token) */
} hub_route_kind;

/* The actions of the wire contract (borne/lan_contract.h), same values as lan_action. */
#define HUB_ACT_ENUM_(id, name) HUB_ACT_##id,
typedef enum hub_action {
    HUB_ACT_NONE = 0,
    LAN_ACTIONS(HUB_ACT_ENUM_)
#undef HUB_ACT_ENUM_
} hub_action;

typedef struct hub_route {
    hub_route_kind kind;
    hub_action action;         /* HUB_ROUTE_COUNTER */
    int counter_id;            /* HUB_ROUTE_COUNTER, HUB_ROUTE_COUNTER_GET, */
                               /* HUB_ROUTE_ALARM_RAISE: 1..9999 */
    int64_t alarm_id;          /* HUB_ROUTE_ALARM_ACK, HUB_ROUTE_ALARM_CLEAR: >= 1; */
                               /* HUB_ROUTE_AGENT_DISMISS: the request's id, >= 1 */
    char file[64];             /* HUB_ROUTE_STATIC: a plain file name in the web root */
} hub_route;

/* Routes `method` + `url` (path only; a query string is ignored). Returns 0, 404 (no such
 * path) or 405 (path exists, other method). */
int hub_route_parse(const char *method, const char *url, hub_route *out, hub_error *err);

/* The bearer token of an Authorization header value ("Bearer <token>", scheme case-insensitive,
 * token of 1..HUB_TOKEN_MAX visible ASCII characters) copied into out[HUB_TOKEN_MAX + 1].
 * Returns false when the header is absent (NULL) or malformed. */
bool hub_bearer_token(const char *header, char *out);

/* An Idempotency-Key header value: 1..HUB_IDEM_KEY_MAX visible ASCII characters. */
bool hub_idem_key_valid(const char *key);

/* Body cap of a route (HUB_BODY_MAX or HUB_APPT_BODY_MAX). */
size_t hub_body_cap(const hub_route *r);

typedef struct hub_ticket_req {
    char service;
    bool priority;
    queue_public public_type;
} hub_ticket_req;

typedef struct hub_body {
    union {
        hub_ticket_req ticket;                        /* HUB_ROUTE_TICKETS */
        queue_outcome outcome;                        /* finish */
        int channel;                                  /* contact: CONTRACT_CHANNEL_* */
        struct { char service; int counter; } transfer;
        struct { int n; queue_appointment *items; } appts; /* owned: hub_body_free() */
        struct {
            bool test;                                /* raise: {"test": true} checks the chain */
            queue_alarm_ack_kind ack;                 /* ack: {"kind": "vu"|"appelle"|"arrive"} */
            char reason[QUEUE_ALARM_REASON_MAX];      /* clear: {"reason": "..."} (UTF-8) */
        } alarm;
    } u;
    char partner[CONTRACT_PARTNER_ID_MAX + 1];        /* finish: partner of a referral, "" = not said */
} hub_body;

/* Validates the body of route `r` (len bytes, not NUL-terminated) into *out. An empty body is
 * accepted where every field is optional (open, close, pause, call-next, recall, start,
 * no-show, finish). Appointment times are Unix seconds or a local "YYYY-MM-DDTHH:MM[:SS]"
 * in the process time zone. Returns 0, 400 (bad JSON: message has line and column; or a string
 * holding a control character, code "bad_text"; notes may hold line breaks and tabs), 413 (over
 * the cap) or 422 (valid JSON, wrong content). On success free with hub_body_free(). */
/* Decodes the %HH escapes of a request path in place (libmicrohttpd's unescape hook) and returns
 * its new length. An escape that would decode to NUL, '?', '#' or '/' is left as written: a
 * decoded byte must never cut the path short ("counter.html%00.png") or split it, and a path
 * holding '%' is no route (404). */
size_t hub_path_unescape(char *s);

int hub_body_parse(const hub_route *r, const char *body, size_t len, hub_body *out,
                   hub_error *err);
void hub_body_free(const hub_route *r, hub_body *b);

/* Name of an action as it appears in the path ("call-next"). */
const char *hub_action_name(hub_action a);

#endif
