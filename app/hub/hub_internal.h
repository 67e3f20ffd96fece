/* Shared by the files of the hub room only: the hub struct, the handle pool, the JSON views of
 * the engine, the idempotency store and the event streams. */
#ifndef BORNE_HUB_INTERNAL_H
#define BORNE_HUB_INTERNAL_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>

#include "borne/hub.h"
#include "borne/hub_request.h"
#include "borne/queue.h"

struct MHD_Daemon;
struct MHD_Response;
struct MHD_Connection;
struct http_budget;

/* A request thread's borrowed connections: a queue handle and a plain SQLite connection on
 * the same file for the idempotency keys (hub_idempotency, created by the engine). */
typedef struct hub_conn {
    queue *q;
    sqlite3 *db;
    sqlite3_stmt *idem_claim, *idem_get, *idem_store, *idem_drop, *idem_expire;
    struct hub_conn *next;
} hub_conn;

/* Event stream messages kept for late readers: the last HUB_RING entries. */
#define HUB_RING 512
/* Open event streams: anyone, and the extra ones only addresses with a counter token get. */
#define HUB_STREAMS 64
#define HUB_STREAMS_TRUSTED 16
#define HUB_LAST_CALLS 8

typedef struct hub_msg {
    uint64_t seq;        /* position in the stream, from 1; readers remember the last one sent */
    int64_t id;          /* event id (or, for a state message, the last event id it includes) */
    char *text;          /* complete SSE message(s), owned by the ring */
    size_t len;
    bool event;          /* an engine event (replayable), not a state snapshot */
} hub_msg;

/* One counter token's allowance on POST /api/v1/tickets (hub_rate.c); guarded by rate_mu. */
typedef struct hub_rate {
    double tokens;          /* tickets it may issue now */
    int64_t refilled_at;    /* hub clock, seconds */
    bool started;
    char day[11];           /* local day of `today` */
    int today;              /* tickets issued that day */
} hub_rate;

struct hub {
    borne_config cfg;
    char db_path[CONFIG_PATH_MAX];
    char web_root[CONFIG_PATH_MAX];
    borne_clock clock;
    void (*on_events)(void *ctx);
    void *on_events_ctx;
    int n_tokens;
    struct { int counter_id; char token[HUB_TOKEN_MAX + 1]; } tokens[QUEUE_MAX_COUNTERS];
    pthread_mutex_t rate_mu;
    hub_rate rates[QUEUE_MAX_COUNTERS];   /* of tokens[i] */
    struct MHD_Daemon *mhd;
    int port;

    pthread_mutex_t pool_mu;
    hub_conn *pool;

    /* streams: everything below is guarded by mu */
    pthread_mutex_t mu;
    pthread_cond_t wake;        /* the notifier waits for a poke or its poll period */
    bool poked, stopping, notifier_running;
    pthread_t notifier;
    queue *nq;                  /* the notifier's own handle */
    int64_t last_id;            /* last engine event put into the ring */
    hub_msg ring[HUB_RING];
    unsigned ring_head, ring_len;
    uint64_t next_seq;
    uint64_t ring_floor;        /* seq of the last evicted message: readers below it missed some */
    queue_event calls[HUB_LAST_CALLS]; /* last call/recall events, newest first, one per ticket */
    int n_calls;
    char *state_text;           /* latest "event: state" message, as of last_id */
    size_t state_len;
    bool state_stale;           /* something outside the event log changed (the printer) */

    pthread_mutex_t printer_mu; /* guards the kiosk's words (printer, agent request), read by every state */
    char printer[16];           /* "" = no printer attached */
    bool printer_can_print;
    int64_t agent_id, agent_at; /* a visitor asked for an agent at the kiosk (id 0: none) */
    int64_t agent_last;         /* the last request's id */

    unsigned streams;           /* open event streams */
    unsigned tick;              /* keep-alive periods elapsed */
    struct reader *parked;      /* streams with nothing to send, suspended */

    struct http_budget *budget; /* connections (app/net) */
    /* the desks' alarm stream (hub_alarm.c): latest "event: alarm" message and its version */
    char *alarm_text;
    size_t alarm_len;
    uint64_t alarm_version;
};

int64_t hub_now(const hub *h);

/* A growing byte buffer, always NUL-terminated once non-empty. */
typedef struct hub_buf {
    char *p;
    size_t len, cap;
} hub_buf;
bool hub_buf_add(hub_buf *b, const char *s, size_t n);

/* Pool: a handle for this thread until hub_conn_put(). NULL with errbuf on failure. */
hub_conn *hub_conn_get(hub *h, char *errbuf, size_t errlen);
void hub_conn_put(hub *h, hub_conn *c);
void hub_conn_free(hub_conn *c);

/* A JSON string of text read back from the database or an engine message: invalid UTF-8 (stored
 * before the doors checked it) shown as U+FFFD instead of failing. NULL only when out of memory. */
json_t *hub_text_json(const char *s);
/* JSON views (hub_json.c). Return new references; NULL on an engine error (err set). */
json_t *hub_ticket_json(const queue_ticket *t);
json_t *hub_event_json(const queue_event *e);
json_t *hub_counter_json(const queue_counter_status *cs, const queue_ticket *current); /* current may be NULL */
/* {code, at, note}: private to the counter holding the ticket, never in the state or a stream. */
json_t *hub_appointment_json(const queue_appointment *a);
/* calls: the last call/recall events, newest first (only those of the local day are shown). */
json_t *hub_state_json(const hub *h, queue *q, int64_t now, int64_t last_event_id,
                       const queue_event *calls, int n_calls, int *err);

/* The answer of one write: a status and its JSON text (owned unless `fixed`). retry_s > 0 marks
 * a refusal for want of room: nothing was done, so its Idempotency-Key is forgotten and the
 * answer carries Retry-After. */
typedef struct hub_reply {
    int status;
    char *text;
    bool fixed;
    int retry_s;
} hub_reply;
/* One write as the hub received it. */
typedef struct hub_write_req {
    hub *h;
    int who;                    /* the desk whose token the request carries */
    const hub_route *route;
    const hub_body *body;       /* parsed */
    const char *method, *url;   /* with the raw body: the Idempotency-Key's fingerprint */
    const char *raw;
    size_t raw_len;
} hub_write_req;
typedef hub_reply (*hub_write_fn)(hub_conn *c, int64_t now, const hub_write_req *w);

/* Runs one write through the Idempotency-Key store (hub.c) and answers it: without a key `write`
 * runs; with one, a replay gets the stored answer (Idempotent-Replayed), a key reused for another
 * request 422, a key still running 409, a malformed key 400, and a new key runs `write` once and
 * keeps its answer (a 5xx or a refusal is dropped: the retry runs). A success pokes the event
 * streams. */
enum MHD_Result hub_keyed_write(struct MHD_Connection *conn, hub_conn *c, const hub_write_req *w,
                                hub_write_fn write);

/* Idempotency store (hub_idem.c), on a hub_conn's SQLite connection. */
int hub_idem_prepare(hub_conn *c, char *errbuf, size_t errlen);
typedef enum hub_idem_result {
    HUB_IDEM_NEW, HUB_IDEM_STORED, HUB_IDEM_PENDING, HUB_IDEM_MISMATCH, HUB_IDEM_ERROR
} hub_idem_result;
/* A request's fingerprint: the same key with another method, path or body is a mismatch. */
int64_t hub_idem_fingerprint(const char *method, const char *url, const char *body, size_t len);
/* Claims (counter, key) for a new request, or returns the stored answer (*status, *body
 * malloc'd: the caller frees). Keys older than QUEUE_REPLY_KEEP_S are forgotten. */
hub_idem_result hub_idem_claim(hub_conn *c, int counter_id, const char *key, int64_t request,
                               int64_t now, int *status, char **body);
/* Stores the answer of a claimed key, or drops the claim (a retry may then run again). */
void hub_idem_store(hub_conn *c, int counter_id, const char *key, int status, const char *body);
void hub_idem_drop(hub_conn *c, int counter_id, const char *key);
/* At start-up, before any request: deletes the claims left pending by a process that died
 * (their retries may run). Returns how many, or -1 with errbuf set. */
int hub_idem_release_orphans(hub_conn *c, char *errbuf, size_t errlen);

/* Per-token limits on issuing (hub_rate.c): 0 = go ahead (counted), or the seconds to wait
 * before retrying with *code "rate_limited" (the per-minute bucket is empty) or "daily_quota". */
int hub_rate_take(hub *h, int counter_id, int64_t now, const char **code);

/* Answers and token checks of hub.c, shared with hub_alarm.c. */
enum MHD_Result hub_send_json(struct MHD_Connection *conn, int status, const char *text,
                              bool replayed);
enum MHD_Result hub_send_error(struct MHD_Connection *conn, int status, const char *code,
                               const char *message);
/* The counter whose bearer token the request carries, or 0. */
int hub_token_owner(const hub *h, struct MHD_Connection *conn);

/* Safety alarms (hub_alarm.c): routes, and the desks' own stream. The alarm is silent: its
 * events never reach the public stream or state that displays and the kiosk read. */
bool hub_alarm_event(const queue_event *e);
/* On the notifier thread (its handle h->nq), after alarm events: a new message for desks. */
void hub_alarm_publish(hub *h);
enum MHD_Result hub_alarm_serve(hub *h, struct MHD_Connection *conn, const char *method,
                                const char *url, const hub_route *r, const char *body,
                                size_t len);

/* A visitor's request to speak to an agent (hub_agent.c): the state's "agent_request" and the
 * desks' dismissal. */
json_t *hub_agent_json(hub *h);
enum MHD_Result hub_agent_dismiss(hub *h, struct MHD_Connection *conn, const hub_route *r);

/* Event streams (hub_sse.c). init: at creation, before anything can fail; join frees. */
void hub_sse_init(hub *h);
int hub_sse_start(hub *h, char *errbuf, size_t errlen);
void hub_sse_stop(hub *h);         /* ends streams: call before MHD_stop_daemon */
void hub_sse_join(hub *h);         /* joins the notifier and frees the ring */
void hub_sse_poke(hub *h);
/* Something the state shows changed outside the event log: every stream gets a new state. */
void hub_sse_republish(hub *h);
/* A stream response for a new reader on `conn`; last_event_id = its Last-Event-ID header or
 * NULL; trusted: the client may use the streams kept for counters. NULL when out of memory, or
 * with *full set when every stream slot it may use is taken. */
/* The desks' alarm stream (hub_alarm.c): `text` (owned) becomes the latest "event: alarm"
 * message, sent to every desk's stream; a new desk stream starts with `first` (its own list). */
void hub_sse_set_alarms(hub *h, char *text, size_t len);
struct MHD_Response *hub_sse_alarm_response(hub *h, struct MHD_Connection *conn,
                                            const char *first, bool *full);
struct MHD_Response *hub_sse_response(hub *h, struct MHD_Connection *conn, const char *last_event_id,
                                      bool trusted, bool *full);

#endif
