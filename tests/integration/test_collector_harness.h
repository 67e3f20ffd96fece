/* Shared by the collector's integration tests and benchmark: runs a real borne-collector process on
 * loopback (port 0, read back from its first stdout line) with a small antennes CSV, tokens and an HQ
 * token written in a temporary directory, and talks to it with libcurl. The server binary is the
 * COLLECTOR_BIN compile definition (tests/collector.cmake). */
#ifndef TEST_COLLECTOR_HARNESS_H
#define TEST_COLLECTOR_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "borne/collector_store.h"

#define HARNESS_ADMIN_TOKEN "hq-token-for-tests-0123456789"

struct harness {
    pid_t pid;
    int port;
    char dir[512];
    char url[128];           /* http(s)://127.0.0.1:port */
    char storage[1024];      /* SQLite path or conninfo the collector uses */
    enum collector_backend backend;
    char pg_schema[64];      /* PostgreSQL: the per-run schema (also the collector's application_name),
                                dropped by harness_stop() */
    char ca_file[600];       /* set by the caller for HTTPS: the CA requests trust */
    int threads;
    const char *const *extra;   /* harness_start()'s, kept for harness_restart() */
};

/* CPU seconds used so far by a process (user + system), from /proc; -1 when unreadable. */
double harness_cpu_seconds(pid_t pid);

/* PostgreSQL: CPU seconds used so far by the database server's backends serving this collector (found
 * by its application_name in pg_stat_activity; the server runs on this machine); -1 when unknown. */
double harness_pg_cpu_seconds(const struct harness *h);

/* Token of antenne "site-<n>" in the harness: "token-site-<n>-0123456789". */
const char *harness_token(int n);

/* Writes n_sites antennes "Site <n>" (ids site-0 ...) with tokens, then starts the collector.
 * backend: "sqlite" or "postgresql" (conninfo from BORNE_TEST_PG or the documented default; a fresh
 * schema per run). extra: NULL-terminated extra arguments (e.g. --cert ...), may be NULL.
 * Returns false with a message on stderr when anything fails (PostgreSQL unreachable included). */
bool harness_start(struct harness *h, const char *name, const char *backend, int n_sites, int threads,
                   const char *const *extra);

/* Runs one SQL command on the test PostgreSQL (BORNE_TEST_PG); false with a message when unreachable. */
bool harness_pg_command(const char *sql);

/* SIGTERM, wait, and starts the collector again on the same files and storage (a new port: h->url
 * follows), as an upgrade or a power cut would. extra must still be valid. True when it exited cleanly
 * and started again. */
bool harness_restart(struct harness *h);

/* SIGKILL, wait, as a crash or a power cut would stop it (harness_restart() then starts it again); true when
 * it was running and died of the signal. */
bool harness_kill(struct harness *h);

/* SIGTERM, wait; true when the collector exited cleanly. Drops the PostgreSQL schema. */
bool harness_stop(struct harness *h);

/* True while the process runs and answers GET /healthz with 200. */
bool harness_alive(struct harness *h);

/* One HTTP request. token may be NULL (no Authorization). body may be NULL (GET). Returns the status
 * (0 when the transfer failed); *resp (may be NULL) gets a malloc'ed NUL-terminated body. */
long harness_request(struct harness *h, const char *method, const char *path, const char *token, const char *body,
                     size_t len, char **resp);

/* POST a batch body for antenne id with a token. */
long harness_post(struct harness *h, const char *antenne, const char *token, const char *body, char **resp);

/* POSTs `size` bytes for antenne with chunked transfer encoding (no Content-Length), as a client
 * streaming an endless body would. Returns the status (0 when the transfer failed). */
long harness_post_chunked(struct harness *h, const char *antenne, const char *token, size_t size);

/* Opens the collector's store directly (to check what is stored); NULL on error. */
struct collector_store *harness_open_store(struct harness *h);

/* Counts rows of the store matching the filter (all when NULL); -1 on error. */
long harness_count_rows(struct collector_store *s, const struct collector_filter *filter);

#endif
