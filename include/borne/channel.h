/* The board's side of the HQ <-> board channel: one outbound long-lived request, messages by type.
 *
 * Wire protocol (the collector's side is collector_channel.h):
 *   GET <hq>/api/v1/antennes/<id>/channel, "Authorization: Bearer <antenne token>",
 *   "Accept: text/event-stream" → 200 and a Server-Sent-Events stream that never ends by itself:
 *       id: <message id, a positive integer, increasing>
 *       event: <type, [a-z][a-z0-9_]{0,31}>
 *       data: <one JSON object on one line>
 *       <blank line>
 *   and a comment line (":...") at least every 25 s. On every (re)connection the collector sends
 *   again every message the board has not acknowledged, in id order.
 *   The board answers each message once handled:
 *   POST <hq>/api/v1/antennes/<id>/channel/acks
 *       {"id": n, "type": t, "ok": true|false, "error": "why (when refused)", "result": {...}}
 *   and sends its own events (alarm raised, care results, ...) with
 *   POST <hq>/api/v1/antennes/<id>/channel/events
 *       {"type": t, "key": "<unique per board event, the idempotency key>", "at": unix, "data": {...}}
 *   (a resend with the same key is answered 200 {"duplicate": true} and not handled twice).
 *   401: no or wrong token; 403: the token of another antenne (logged at HQ); 404: unknown antenne;
 *   422: an event type HQ does not know, or a body it refuses (not retried).
 *
 * Idempotence: the board remembers, per type, the last message id it handled and the outcome, in a
 * small state file written atomically; a message whose id is not above it is not handled again, only
 * acknowledged again with the remembered outcome. So a resend (after a lost ack, a reconnection, a
 * reboot) is harmless, and within one type messages are applied in order.
 *
 * Threads: one thread owns the connection (libcurl multi: the stream and one POST at a time), with
 * full-jitter backoff (5 s → 5 min) between connection attempts. Handlers run on that thread and must
 * not block on the UI; a handler that needs the UI (or any long wait) returns CHANNEL_DEFERRED and
 * calls channel_complete() later from any thread. channel_send(), channel_complete() and
 * channel_get_status() never block on I/O.
 *
 * Errors: 0 or a negative errno; a sentence in errbuf where there is one. */
#ifndef BORNE_CHANNEL_H
#define BORNE_CHANNEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct channel channel;

#define CHANNEL_TYPE_MAX 32

/* A message or event type: [a-z][a-z0-9_]{0,31}. Shared with the collector (borne_channel_wire). */
bool channel_type_valid(const char *type);

typedef struct channel_config {
    const char *url;            /* headquarters base URL (required) */
    const char *antenne;        /* antenne id (required) */
    const char *token_file;     /* bearer token (chmod 600) (required) */
    const char *ca_file;        /* PEM bundle; NULL = the system store */
    const char *state_path;     /* last handled id per type (required; e.g. /var/lib/borne/channel.json) */
    int64_t backoff_base_ms;    /* 0 → 5 s */
    int64_t backoff_cap_ms;     /* 0 → 5 min */
    long silence_timeout_s;     /* a stream silent this long is dead; 0 → 90 s */
    long connect_timeout_ms;    /* 0 → 10 s */
} channel_config;

typedef struct channel_message {
    int64_t id;
    const char *type;
    const json_t *data;         /* a JSON object; borrowed for the call */
} channel_message;

enum {
    CHANNEL_DONE = 0,           /* handled: acknowledged at once as applied */
    CHANNEL_DEFERRED = 1,       /* the handler calls channel_complete() later */
};

/* Handles one message. Returns CHANNEL_DONE (optionally setting *result to a new JSON object the
 * ack carries: ownership passes to the channel), CHANNEL_DEFERRED, or a negative errno with the
 * reason in err (the message is acknowledged as refused with that text). */
typedef int (*channel_handler)(void *ctx, const channel_message *msg, json_t **result, char *err, size_t errlen);

/* Outcome of a channel_send(): delivered (HQ answered 2xx) or given up (HQ refused it, 4xx:
 * error says why). Called on the channel thread. */
typedef void (*channel_sent_fn)(void *ctx, const char *key, bool delivered, const char *error);

/* Checks the config and reads the token and the state file; nothing runs yet. *out owns the
 * channel: end with channel_free(). -EINVAL / -errno with errbuf set. */
int channel_new(channel **out, const channel_config *cfg, char *errbuf, size_t errlen);
/* Registers the handler of a type, before or after channel_start() (any thread). -EINVAL (bad
 * name), -EEXIST, -ENOSPC (past 32 types). A message of a type nobody registered is acknowledged
 * as refused ("no handler for type x"): register before start to never miss one. */
int channel_register(channel *ch, const char *type, channel_handler fn, void *ctx);
/* Starts the thread. */
int channel_start(channel *ch, char *errbuf, size_t errlen);
/* Stops the thread (a request in flight is abandoned at once) and frees. NULL is ignored. Events
 * not yet delivered are dropped (their owners keep their own records). */
void channel_free(channel *ch);

/* Finishes a message its handler deferred: error NULL = applied (result: optional, ownership passes),
 * else refused with that text. -ENOENT when (type, id) is not waiting. Any thread. */
int channel_complete(channel *ch, const char *type, int64_t id, const char *error, json_t *result);

/* Queues an event for HQ (POST .../channel/events), retried with backoff until HQ answers; data is
 * borrowed (copied). key: the event's idempotency key (unique for this board, 1-128 characters).
 * -ENOSPC when 256 events already wait. done (may be NULL) reports the outcome. Any thread. */
int channel_send(channel *ch, const char *type, const char *key, int64_t at, const json_t *data,
                 channel_sent_fn done, void *ctx);

typedef struct channel_status {
    bool connected;             /* the stream is open now */
    int64_t connected_since_ms; /* wall clock; 0 when not connected */
    int64_t last_message_id;    /* last id received on the stream, 0 = none */
    long http_status;           /* of the last stream attempt, 0 = none / network failure */
    char last_error[256];       /* why the last stream attempt ended, "" when none */
    int events_waiting;         /* channel_send() events not yet delivered */
} channel_status;

void channel_get_status(channel *ch, channel_status *out);

#endif
