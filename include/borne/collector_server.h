/* The HTTP(S) side of borne-collector (libmicrohttpd): routes, authentication, body cap, and a pool
 * of store connections, one per server thread.
 *
 *   POST /api/v1/antennes/<id>/batches   ingest (see collector_ingest.h for the wire contract)
 *   POST /api/v1/antennes/<id>/live      live snapshot, kept in memory (collector_live.h)
 *   GET  /api/v1/export.csv|export.json  ?from=YYYY-MM-DD&to=YYYY-MM-DD&antenne=<id>&service=<A-Z>  (HQ token)
 *   GET  /                               the HQ page (HQ token: Bearer, or HTTP Basic with it as password)
 *   GET  /healthz                        "ok" (no authentication; for probes)
 *
 * The body cap is enforced while receiving: a Content-Length over it is refused before any byte of the
 * body is read, and a chunked body is dropped as soon as it passes the cap (413 either way).
 */
#ifndef BORNE_COLLECTOR_SERVER_H
#define BORNE_COLLECTOR_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "borne/collector_antennes.h"
#include "borne/collector_config.h"

struct collector_server;

/* now: the clock (Unix time) used for validation and the page; injected so tests control it. */
typedef int64_t (*collector_clock_fn)(void);

/* Opens config->threads store connections for the readers (exports, page) plus one for the writer
 * thread, loads the TLS files and starts listening with config->threads server threads. Uploads are
 * committed in groups: a validated batch is queued and its connection suspended; the writer applies
 * every queued batch in one transaction (one disk flush), then resumes the connections, which answer. The config and
 * the registry are borrowed: they must outlive the server. Returns 0, or -1 with err filled. */
int collector_server_start(const struct collector_config *config, const struct collector_antennes *antennes,
                           collector_clock_fn now, struct collector_server **out, char *err, size_t errlen);

/* The HQ -> board channel of this server (collector_channel.h): register message types on it. */
struct collector_channel *collector_server_channel(struct collector_server *server);

/* The latest live snapshot per antenne (collector_live.h), filled by POST .../live. */
struct collector_live_board *collector_server_live(struct collector_server *server);

/* The port actually bound (useful with port 0). */
int collector_server_port(const struct collector_server *server);

/* Commits and answers the queued uploads (later ones get 503), stops the threads, closes the stores and
 * frees the server. */
void collector_server_stop(struct collector_server *server);

#endif
