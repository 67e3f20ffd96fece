/* The hub: the antenne's LAN API (HTTP + JSON + Server-Sent Events) served by the kiosk
 * process to the counters (appliance or browser page) and the waiting-room displays.
 * The contract is assets/web/openapi.yaml.
 *
 * Threads: hub_start() starts libmicrohttpd (a pool of HUB_THREADS threads polling every
 * connection; an event stream with nothing to send is suspended and holds none), one notifier
 * thread, and the sweeper of the connection budgets (include/borne/http_budget.h). Request threads borrow queue handles
 * from a pool (a handle is only ever used by one thread at a time) and the notifier has its
 * own; the caller's own queue handles are never touched. The notifier tails the engine's
 * event log every HUB_POLL_MS, or at once after a mutation made through the hub, so changes
 * made by other threads or processes (kiosk UI, borne-admin) reach the streams too.
 *
 * Time: the hub reads the time only through the clock given in hub_options (tests control it;
 * NULL = time()). It is called from several threads and must be thread-safe. */
#ifndef BORNE_HUB_H
#define BORNE_HUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "borne/clock.h"
#include "borne/config.h"

#define HUB_POLL_MS 50

typedef struct hub hub;

typedef struct hub_options {
    borne_clock clock;         /* wall clock (borne/clock.h); {0} = the real one */
    /* "host:port" overriding cfg->hub.listen (tests: "127.0.0.1:0" = any free port). */
    const char *listen;
    /* Called on the notifier thread after it published new engine events (the kiosk's loop,
     * asleep on an idle screen, wakes to show a call made at a desk). NULL: none. */
    void (*on_events)(void *ctx);
    void *on_events_ctx;
} hub_options;

/* Starts the hub on cfg->hub.listen (or opts->listen), serving the database at `db_path`
 * (opened with cfg->queue options; the schema and the setup are the caller's business) and
 * the static pages of `web_root` (assets/web). Counter tokens are read now from
 * cfg->counter_token_files (a counter without a token file cannot use the API; a token file
 * that cannot be read, or holds fewer than 16 characters, is an error). The config is copied.
 * `opts` may be NULL. On success *out owns the running hub: stop and free with hub_stop().
 * On failure returns -1, *out is NULL and errbuf (if given) says why. */
int hub_start(hub **out, const borne_config *cfg, const char *db_path, const char *web_root,
              const hub_options *opts, char *errbuf, size_t errlen);

/* The TCP port actually listened on (useful when the configured port was 0). */
int hub_port(const hub *h);

/* Wakes the notifier now, e.g. after the kiosk issued a ticket, instead of at its next poll. */
void hub_notify(hub *h);

/* The kiosk's printer, as the desks must know it (a visitor may be leaving without a slip):
 * `state` is printer_state_name()'s word ("ready", "paper_out", ...), `can_print` whether a
 * ticket issued now would print. The state and every stream get it at once. Before the first
 * call the state says "printer": null (no printer attached to this hub). Thread-safe. */
void hub_set_printer(hub *h, const char *state, bool can_print);

/* A visitor at the kiosk asks to speak to an agent (after a rain or storm rating): the state
 * says "agent_request": {"id", "at"} (no visitor identity: there is none to give) on every
 * stream until a desk dismisses it (POST /api/v1/agent-requests/{id}/dismiss, any desk's token).
 * A second request while one is shown keeps the first's id and time. Thread-safe. */
void hub_request_agent(hub *h);

/* Ends every event stream, stops serving, joins the threads and frees. NULL is fine. */
void hub_stop(hub *h);

#endif
