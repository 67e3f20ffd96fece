/* Connection budgets of an HTTP server built on libmicrohttpd (the hub, the collector): what one
 * LAN or Internet client may hold, so that nobody can lock the others out.
 *
 * - a general pool of `general` connections, plus `reserved` slots that only trusted addresses
 *   get once the general pool is full (an address becomes trusted when the server calls
 *   http_budget_trust(), i.e. after it presented a valid token);
 * - at most `per_address` connections from one IP address (libmicrohttpd's own per-IP limit);
 * - a request deadline: from the moment a connection is accepted, or the previous request on it
 *   was answered, the next request must be complete (headers and body) within `deadline_s`
 *   seconds, or the socket is shut down. libmicrohttpd's own timeout only counts idle time, so
 *   a client trickling one header line every 10 s would otherwise hold its slot for ever.
 *   A request being answered (or a suspended stream) is no longer subject to the deadline.
 *
 * Use: pass http_budget_accept / budget as libmicrohttpd's accept policy, and
 * MHD_OPTION_NOTIFY_CONNECTION http_budget_notify / budget, MHD_OPTION_CONNECTION_LIMIT
 * general + reserved and MHD_OPTION_PER_IP_CONNECTION_LIMIT per_address (http_budget_mhd_limit()
 * gives the first). Call http_budget_answering() from the access handler once the request is
 * complete, and http_budget_request_done() from MHD_OPTION_NOTIFY_COMPLETED. A sweeper thread
 * checks the deadlines every second. Thread-safe. */
#ifndef BORNE_HTTP_BUDGET_H
#define BORNE_HTTP_BUDGET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <microhttpd.h>

typedef struct http_budget http_budget;

typedef struct http_budget_limits {
    unsigned general;      /* connections anyone may hold */
    unsigned reserved;     /* extra connections for trusted addresses only */
    unsigned per_address;  /* connections from one IP address */
    unsigned deadline_s;   /* seconds to send a complete request */
} http_budget_limits;

typedef struct http_budget_stats {
    unsigned open;         /* connections open now */
    unsigned in_reserve;   /* of which admitted on a reserved slot */
    uint64_t refused;      /* accepts refused: pool full and address not trusted */
    uint64_t cut;          /* connections shut down at their request deadline */
} http_budget_stats;

/* 0, or -errno (*out NULL) when memory or the sweeper thread cannot be had. */
int http_budget_new(http_budget **out, const http_budget_limits *limits);
/* After MHD_stop_daemon() (no callback may run any more). NULL is fine. */
void http_budget_free(http_budget *b);

/* The total for MHD_OPTION_CONNECTION_LIMIT. */
unsigned http_budget_mhd_limit(const http_budget *b);

/* libmicrohttpd callbacks (cls = the budget). */
enum MHD_Result http_budget_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen);
void http_budget_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                        enum MHD_ConnectionNotificationCode code);

/* The request on `conn` is complete and being answered: its deadline no longer runs. */
void http_budget_answering(http_budget *b, struct MHD_Connection *conn);
/* The request on `conn` was answered: the deadline of the next one starts now. */
void http_budget_request_done(http_budget *b, struct MHD_Connection *conn);

/* The client of `conn` presented a valid credential: its address may use the reserved slots
 * from now on (the most recent 64 addresses are remembered). */
void http_budget_trust(http_budget *b, struct MHD_Connection *conn);

/* Whether the client of `conn` is a trusted address (see http_budget_trust). */
bool http_budget_trusted(http_budget *b, struct MHD_Connection *conn);

void http_budget_stats_get(http_budget *b, http_budget_stats *out);

#endif
