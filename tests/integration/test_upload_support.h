/* Shared by the upload integration tests: real child processes (collector, fault proxy) on
 * loopback, a simulated antenne activity written through the engine, and the comparison of the
 * board's aggregates with what the collector stored. */
#ifndef TEST_UPLOAD_SUPPORT_H
#define TEST_UPLOAD_SUPPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "borne/queue.h"
#include "borne/upload.h"

#define UT_ANTENNE "fourmies"
#define UT_TOKEN "fourmies-token-0123456789abcdef"
#define UT_ADMIN "hq-admin-token-0123456789abcdef"

typedef struct ut_collector {
    pid_t pid;
    int port;
    char url[128];       /* "http://127.0.0.1:<port>" or https */
} ut_collector;

/* Starts borne-collector (binary path) on `port` (0 = any free one) with a SQLite store in dir;
 * cert/key may be NULL (plain HTTP). Keeps the store across restarts in the same dir. */
bool ut_collector_start(ut_collector *c, const char *binary, const char *dir, int port, const char *cert,
                        const char *key);
/* A loopback port free right now (bound, read back, released): where a collector will come up. */
int ut_free_port(void);
void ut_collector_stop(ut_collector *c);

/* Starts the fault proxy in front of upstream_port; *port gets its port. */
pid_t ut_fault_start(const char *binary, const char *dir, int upstream_port, const char *script, int *port);
void ut_kill(pid_t pid);
/* Lines of the fault proxy's log starting with `mode` (and, if given, for that batch). */
int ut_fault_count(const char *dir, const char *mode, const char *batch);
/* The batch of the first log line of `mode`; false when there is none. */
bool ut_fault_first(const char *dir, const char *mode, char batch[64]);

/* A token file of mode 0600 holding `token`; the path stays valid until the next call. */
const char *ut_token_file(const char *dir, const char *token);

/* Opens an engine database in dir with services A, F, R, two counters, always open. */
queue *ut_engine(const char *dir);
/* Simulated activity: `days` local days from `first_day` (midnight, local time), about
 * `per_day` visits each: served, redirected, no-show, cancelled, transferred, appointments,
 * feedback, and a few left waiting that the next rollover expires. Deterministic from seed. */
void ut_simulate(queue *q, int64_t first_day, int days, int per_day, uint32_t seed);

/* Midnight (local) `days_ago` days before today. */
int64_t ut_days_ago(int days_ago);

/* The local day of Unix time t as "YYYY-MM-DD". */
void ut_day_text(int64_t t, char out[11]);

/* queue_bucket_fn keeping the largest revision seen in *(int64_t *)ctx. */
int ut_max_revision(const queue_bucket *b, void *ctx);

/* Compares every board bucket of days [from, to] with the collector's export: same keys, same
 * counts and revision, no extra bucket at HQ. Returns the number of buckets compared, or -1 with
 * the first difference printed. */
int ut_compare_with_hq(queue *q, const ut_collector *c, const char *ca_file, const char *from, const char *to);

/* Checks (CHECK) that PRAGMA integrity_check says "ok" for the SQLite file at path. */
void ut_check_integrity(const char *path);

/* One request to the collector (GET, or POST of `body` when given) with a bearer token; the HTTP
 * status (0 when the transfer failed), and the answer in *out (to free; out may be NULL). */
long ut_request(const ut_collector *c, const char *ca_file, const char *path, const char *token,
                const char *body, char **out);
/* Polls the status (every 20 ms, up to timeout_s) until pred holds. */
bool ut_wait(upload *u, bool (*pred)(const upload_status *s), int timeout_s, upload_status *out);
/* Every built batch acknowledged and the uploader idle. */
bool ut_outbox_empty(const upload_status *s);

/* An upload config for tests: short periods and backoff, this dir's engine database (its path
 * stays valid until the next call). */
upload_config ut_config(const char *dir, const char *url, const char *token_file);

#endif
