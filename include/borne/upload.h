/* Headquarters upload: the board side of the store-and-forward of visit counts.
 *
 * One thread builds batches from the engine's aggregates (queue_aggregates_since() above the
 * outbox high-water mark), writes them to the outbox (upload_outbox.h) before any send, and sends
 * them oldest first to <url>/api/v1/antennes/<antenne>/batches (upload_http.h). A batch leaves
 * the outbox only after the collector acknowledged it. Buckets carry absolute totals and the
 * engine revision, so resending is always harmless.
 *
 * Schedule: every interval_ms the thread builds new batches and sends what is pending (or a
 * health-only batch when nothing is). A failed send retries after an exponential backoff with
 * full jitter (random in [0, min(cap, base * 2^failures)]); 503/429 wait the server's
 * Retry-After instead; 401/403/404 keep the data and retry every unauthorized_retry_ms. A batch
 * HQ refuses as invalid (400/413/422) is set aside in the outbox (status: rejected_batches) so it
 * never blocks the ones after it. upload_kick() asks for an immediate build and try, whatever
 * the backoff (network back, a new batch worth sending).
 *
 * Threads: upload_start() opens the thread's own connections (engine database through queue_open,
 * outbox file) and hands them to the thread. The caller (UI thread) only ever calls
 * upload_kick(), upload_set_printer_state() and upload_get_status(): each takes a mutex the
 * thread holds only for a few copies, never across I/O, so the caller never waits on the network
 * or the disk. upload_start()/upload_stop() belong to the main program's start and end.
 *
 * Errors: negative errno values, with a sentence in errbuf. */
#ifndef BORNE_UPLOAD_H
#define BORNE_UPLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "borne/clock.h"
#include "borne/upload_batch.h"

typedef struct upload upload;

/* Injected clock and randomness (tests make the backoff and batch ids deterministic). Called on
 * the upload thread only, and once by upload_start(). */
typedef struct upload_env {
    borne_clock clock;                /* wall clock (borne/clock.h); {0} → the real one */
    uint64_t (*random)(void *ctx);    /* 64 random bits; NULL → getrandom() */
    void *ctx;                        /* random's */
} upload_env;

typedef struct upload_config {
    const char *url;             /* headquarters base URL, "https://hq.example.org" (required) */
    const char *antenne;         /* antenne id, [a-z0-9-] (required) */
    const char *token_file;      /* bearer token; must not be readable by group or others */
    const char *ca_file;         /* custom CA bundle (PEM); NULL = the system store */
    const char *db_path;         /* the engine database (required) */
    const char *outbox_path;     /* NULL → "<db_path>.upload" */
    const char *version;         /* software version for the health record, "0.1.0" (required) */
    int64_t started_ms;          /* program start, for the uptime; 0 → the upload_start() time */
    int batch_max_buckets;       /* 0 → 500 */
    int64_t outbox_max_bytes;    /* cap of the outbox file; 0 → 64 MiB */
    int64_t interval_ms;         /* build and health period; 0 → 60 s */
    int64_t live_check_ms;       /* how often the live state is read (upload_live.h); 0 → 5 s; it is */
                                 /* sent on change and at least every interval_ms while open */
    int64_t backoff_base_ms;     /* 0 → 5 s */
    int64_t backoff_cap_ms;      /* 0 → 15 min */
    int64_t unauthorized_retry_ms; /* retry period after 401/403/404; 0 → backoff cap */
    int64_t retry_after_max_ms;  /* longest Retry-After obeyed; 0 → 1 h */
    long connect_timeout_ms;     /* 0 → 10 s */
    long timeout_ms;             /* whole request; 0 → 60 s */
    upload_env env;
} upload_config;

typedef enum upload_state {
    UPLOAD_IDLE = 0,             /* nothing pending, or waiting for the next period */
    UPLOAD_SENDING,
    UPLOAD_BACKOFF,              /* the last send failed (network, timeout, 5xx, 503/429) */
    UPLOAD_UNAUTHORIZED,         /* 401/403/404: token or antenne refused; data kept */
    UPLOAD_DISK_FULL,            /* the outbox cannot grow: building is paused, data stays in */
                                 /* the engine and is built once space is back */
    UPLOAD_TLS_ERROR,            /* certificate not trusted or TLS handshake failed */
} upload_state;

const char *upload_state_name(upload_state s);   /* "idle", "sending", ..., "tls_error" */

typedef struct upload_status {
    upload_state state;
    int64_t last_success_ms;     /* last acknowledged batch; 0 = never */
    int64_t last_attempt_ms;     /* 0 = never */
    int64_t next_attempt_ms;     /* planned retry after a failure; 0 = none planned */
    long http_status;            /* of the last answer; 0 = none (network or TLS failure) */
    char last_error[256];        /* sending: "" once a send succeeded, else the latest failure */
    char build_error[256];       /* building: "" when the last build went through, else why not */
                                 /* (outbox full, engine error, a bucket the engine got wrong) */
    int outbox_batches;          /* pending batches */
    int64_t outbox_buckets;      /* buckets in them */
    int rejected_batches;        /* refused by HQ as invalid, kept aside (see upload_outbox.h) */
    int64_t high_water;          /* engine revision the outbox covers */
    int64_t batches_sent;        /* acknowledged since start */
    int failures;                /* consecutive failed sends */
} upload_status;

/* Reads the HQ token file into buf with the shared secret reader (borne/secret.h: its rules,
 * its messages, its negative errno: -EPERM for a file group or others can access), then
 * refuses a token that is not visible ASCII (-EINVAL). On failure buf is "". */
int upload_read_token(const char *path, char *buf, size_t len, char *errbuf, size_t errlen);

/* The full-jitter backoff after `failures` (>= 1) consecutive failures: a delay in
 * [0, min(cap_ms, base_ms * 2^(failures - 1))] picked by `random`. */
int64_t upload_backoff_ms(int64_t base_ms, int64_t cap_ms, int failures, uint64_t random);

/* Checks the config, reads the token, opens the engine database and the outbox, starts the
 * thread. On success *out owns it: end with upload_stop(). On failure nothing is left running
 * and errbuf says why. */
int upload_start(upload **out, const upload_config *cfg, char *errbuf, size_t errlen);
/* Stops the thread (an HTTP request in flight is abandoned within a second), closes everything,
 * frees `u`. Pending batches stay in the outbox for the next start. NULL is ignored. */
void upload_stop(upload *u);

/* Asks for an immediate build and send attempt. Never blocks. */
void upload_kick(upload *u);
/* Printer state for the health record: a printer_state_name() ("ready", "paper_out", ...);
 * "unplugged" until first set. Call it at start and on every change (the printer driver's state
 * callback). -EINVAL for anything but [a-z_]{1,32}. Never blocks. */
int upload_set_printer_state(upload *u, const char *name);
/* A snapshot of the status. Never blocks on I/O. */
void upload_get_status(upload *u, upload_status *out);

#endif
