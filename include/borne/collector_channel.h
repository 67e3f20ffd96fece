/* The collector's side of the HQ <-> board channel (the board's side and the wire protocol are in
 * channel.h).
 *
 *   GET  /api/v1/antennes/<id>/channel          the antenne's event stream (antenne token)
 *   POST /api/v1/antennes/<id>/channel/acks     the board's answer to a message (antenne token)
 *   POST /api/v1/antennes/<id>/channel/events   an event from the board (antenne token)
 *   POST /api/v1/antennes/<id>/channel/messages queue a message for the board (HQ token)
 *   GET  /api/v1/channel/messages?antenne=&type=&limit=   messages and their answers (HQ token)
 *   GET  /api/v1/channel/online                 antennes with a channel open now (HQ token)
 *
 * Messages wait in the store (channel_messages) until the board acknowledges them, so a board that is
 * offline gets them in id order when it comes back; every (re)connection resends all unacknowledged
 * ones and the board's idempotence makes that harmless. One stream per antenne: a new connection
 * closes the older one. An open stream costs no thread: its connection is suspended in
 * libmicrohttpd's event loop until a message (or the keepalive) resumes it.
 *
 * Message types are a registry: a room registers a type with hooks for the boards' answers and for
 * the events they send, without touching this file.
 *
 * Threads: every function may be called from any thread (one mutex; the store connection is the
 * channel's own). Hooks run on a server thread, never under the channel's mutex: they may publish.
 */
#ifndef BORNE_COLLECTOR_CHANNEL_H
#define BORNE_COLLECTOR_CHANNEL_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "borne/collector_antennes.h"
#include "borne/collector_config.h"

struct collector_channel;

/* Seconds between keepalive comments on an idle stream (the board gives up after 3 silent periods). */
#define COLLECTOR_CHANNEL_KEEPALIVE_S 25
/* Longest message data (compact JSON) accepted for publishing, and longest board POST body. */
#define COLLECTOR_CHANNEL_DATA_MAX (256 * 1024)
/* Boards that may hold a stream at once, on top of the server's budget for ordinary requests. */
#define COLLECTOR_CHANNELS_MAX 4096

/* Hooks of one message type; any may be NULL. They return 0, or -1 with err filled (an event refused
 * by on_event is answered 422 with err and not stored). */
struct collector_channel_type {
    const char *name;                         /* channel_type_valid() */
    /* The board answered message `id` of this type (ok: applied; else `error`); result may be NULL. */
    void (*on_ack)(void *ctx, const char *antenne, int64_t id, bool ok, const char *error, const json_t *result);
    /* An event of this type from a board, the first time its key is seen (resends are absorbed). */
    int (*on_event)(void *ctx, const char *antenne, const char *key, int64_t at, const json_t *data, char *err,
                    size_t errlen);
    void *ctx;
};

typedef int64_t (*collector_channel_clock_fn)(void);

/* Opens the channel's store connection and starts the keepalive thread. antennes and config are
 * borrowed. 0, or -1 with err filled. */
int collector_channel_new(const struct collector_config *config, const struct collector_antennes *antennes,
                          collector_channel_clock_fn now, struct collector_channel **out, char *err, size_t errlen);
/* Ends every stream (their connections are resumed so they finish): call before MHD_stop_daemon(). */
void collector_channel_close_streams(struct collector_channel *ch);
/* Stops the thread, closes the store, frees. Streams must be closed already. NULL is ignored. */
void collector_channel_free(struct collector_channel *ch);

/* Registers a type (copied; name must stay valid). -EEXIST when the name is taken, -EINVAL for a bad
 * name, -ENOSPC past 32 types. */
int collector_channel_register(struct collector_channel *ch, const struct collector_channel_type *type);

/* Queues a message for antenne index i (data: a JSON object, borrowed). Stored before return, then
 * pushed at once to the antenne's stream when one is open. *id (may be NULL) gets the message id.
 * 0, -EINVAL (unknown type, bad data), -EIO (store; err says why). */
int collector_channel_publish(struct collector_channel *ch, size_t antenne, const char *type, const json_t *data,
                              int64_t *id, char *err, size_t errlen);

/* True when antenne index i has a stream open now. */
bool collector_channel_online(struct collector_channel *ch, size_t antenne);

/* Routing (collector_server.c): true when url is a channel route; then collector_channel_request()
 * handles every call of that request. admin: the request carries the HQ token. *state is a slot the
 * server keeps per request (NULL at first); collector_channel_completed() frees what it holds. */
bool collector_channel_route(const char *url);
enum MHD_Result collector_channel_request(struct collector_channel *ch, struct MHD_Connection *c, const char *url,
                                          const char *method, bool admin, const char *upload_data,
                                          size_t *upload_data_size, void **state);
void collector_channel_completed(void *state);

#endif
