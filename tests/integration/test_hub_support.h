/* Fixture of the hub tests, the bench and hub_testserver: a fresh antenne (config file written
 * to a temp dir, token files, database with its setup applied), a hub on a free loopback port
 * with a test-controlled clock, and a small libcurl client. */
#ifndef TEST_HUB_SUPPORT_H
#define TEST_HUB_SUPPORT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "borne/config.h"
#include "borne/hub.h"
#include "borne/queue.h"
#include "borne/queue_alarm.h"

/* Counters of the fixture: 1 serves A,F (token TH_TOKEN1); 2 serves A,F,R (TH_TOKEN2);
 * 3 serves F (TH_TOKEN3); 4 serves A and has no token file. Services A, F, R enabled
 * (R = appointments), E disabled. Always open. recalls_before_no_show = 1. */
#define TH_TOKEN1 "token-one-0123456789abcdef"
#define TH_TOKEN2 "token-two-0123456789abcdef"
#define TH_TOKEN3 "token-three-0123456789abcdef"

typedef struct th_fixture {
    const char *dir;
    char db_path[512];
    borne_config cfg;
    hub *hub;
    int port;                 /* 0 until the first start: any free port */
    bool real_clock;
    queue *q;                 /* the test's own engine handle (main thread only) */
    _Atomic int64_t now;      /* the hub's clock */
} th_fixture;

/* Builds the antenne in a fresh temp dir named `name` and starts the hub with the real
 * clock (real_clock) or with f->now (starting at 2026-11-23 10:00 Paris). Aborts on failure. */
void th_start(th_fixture *f, const char *name, bool real_clock);
/* The same with another antenne config (its token files named counter1..3.token are written). */
void th_start_ini(th_fixture *f, const char *name, bool real_clock, const char *ini_text);
extern const char TH_WORST_INI[];
void th_stop(th_fixture *f);
/* Stops only the hub (the database and f->q stay), then starts it again on the same port:
 * the hub going away and coming back, as seen by its clients. */
void th_hub_down(th_fixture *f);
void th_hub_up(th_fixture *f);
int64_t th_now(th_fixture *f);

typedef struct th_response {
    long status;
    char *body;               /* NUL-terminated, malloc'd: th_response_free() */
    size_t len;
    bool replayed;            /* Idempotent-Replayed: true */
    int retry_after;          /* Retry-After seconds, 0 when absent */
} th_response;

/* One HTTP request to the fixture's hub (its own connection). token / idem_key / body may be
 * NULL. Returns the status (0 when the transfer failed). */
long th_http(const th_fixture *f, const char *method, const char *path, const char *token,
             const char *idem_key, const char *body, th_response *out);
void th_response_free(th_response *r);

/* A keep-alive client (one libcurl easy handle) for loops: the bench, concurrent tests. */
typedef struct th_client th_client;
th_client *th_client_new(int port);
long th_client_do(th_client *c, const char *method, const char *path, const char *token,
                  const char *idem_key, const char *body, th_response *out);
void th_client_free(th_client *c);

/* n API clients issuing tickets of `service` through one token at full speed, each on its own
 * keep-alive connection and thread, until th_issuers_stop(), which returns how many were
 * issued (201) and sets *refused to the other answers. */
typedef struct th_issuers th_issuers;
th_issuers *th_issuers_start(const th_fixture *f, int n, const char *token, char service);
long th_issuers_stop(th_issuers *is, long *refused);
/* Issued so far. */
long th_issuers_count(th_issuers *is);

/* An SSE client in its own thread, collecting the raw stream. */
typedef struct th_sse th_sse;
th_sse *th_sse_open(int port, const char *last_event_id);
/* The same from another loopback address (e.g. "127.0.0.5"): many displays are many machines,
 * and the hub holds at most 16 connections per address. */
th_sse *th_sse_open_from(int port, const char *last_event_id, const char *source);
/* Same on another stream path, with a counter's bearer token (NULL: none). */
th_sse *th_sse_open_at(int port, const char *path, const char *token, const char *last_event_id);
/* Waits up to timeout_ms until the stream so far contains `needle`; returns whether it did. */
bool th_sse_wait(th_sse *s, const char *needle, int timeout_ms);
/* Copy of the stream so far (malloc'd). */
char *th_sse_text(th_sse *s);
void th_sse_close(th_sse *s);

/* Monotonic microseconds. */
int64_t th_usec(void);

#endif
