/* A hostile LAN, as a test fixture: one thread holding many connections to a server from other
 * loopback addresses (127.0.1.2, 127.0.1.3, ... — the whole of 127/8 is the loopback on Linux, so
 * a client socket can be bound to any of them), of two kinds:
 * - streams: a complete GET request, then the answer is read and discarded for as long as the
 *   server keeps the connection (event streams);
 * - slow: a request line, then one more header line every `slow_period_ms`, never finished
 *   (slowloris).
 * A connection the server closes or refuses is opened again after `retry_ms`, as an attacker
 * would. Used by the lock-out tests and the benchmarks of the hub and the collector. */
#ifndef TEST_LOCKOUT_LOAD_H
#define TEST_LOCKOUT_LOAD_H

#include <stdint.h>

typedef struct lockout_plan {
    int port;                    /* server on 127.0.0.1 */
    int streams;                 /* connections of the first kind */
    const char *stream_request;  /* the complete request they send */
    int slow;                    /* connections of the second kind */
    const char *slow_start;      /* what they send first, e.g. "POST /x HTTP/1.1\r\n" */
    int slow_period_ms;          /* one header line every ... */
    int per_address;             /* connections from one source address */
    int retry_ms;                /* reopen a closed connection after ... */
} lockout_plan;

typedef struct lockout_stats {
    int streams_open;            /* stream connections open and answered with 200 now */
    int streams_refused;         /* answered with another status (503: every slot taken) */
    int slow_open;               /* slow connections open now */
    int64_t connects;            /* connections opened in all */
    int64_t closed_by_server;    /* connections the server ended (refused, cut, timed out) */
} lockout_stats;

typedef struct lockout_load lockout_load;

/* Raises RLIMIT_NOFILE to what the plan needs and starts the thread. Aborts on failure. */
lockout_load *lockout_start(const lockout_plan *plan);
void lockout_stats_get(lockout_load *l, lockout_stats *out);
/* Closes every connection and joins the thread. */
void lockout_stop(lockout_load *l);

/* Raises this process's RLIMIT_NOFILE (soft) to at least `need` (children inherit it). Aborts
 * when the hard limit is lower. */
void lockout_raise_nofile(int need);

/* Resident memory of process `pid` (0: this one), in KiB (VmRSS); -1 when unknown. */
long lockout_rss_kib(int pid);

#endif
