/* Outbox of upload batches, in SQLite.
 *
 * Where: its own database file next to the engine's (upload_start() uses "<engine db>.upload"),
 * not tables inside the engine's file, because
 *  - the engine versions its schema with PRAGMA user_version and refuses newer files: a second
 *    owner of that number in the same file would fight its migrations;
 *  - SQLite has one writer per file: a 500-bucket outbox insert would hold the lock a visitor's
 *    ticket issue waits for; in its own file the uploader never delays the queue;
 *  - the outbox is derived data. The engine's aggregates are the truth and the collector applies
 *    buckets by revision, so a lost or corrupt outbox file is repaired by deleting it: the high-
 *    water mark restarts at 0 and everything is sent again, harmlessly.
 * Tables are still prefixed upload_ so nothing is ambiguous if they are ever merged.
 *
 * Guarantees: a batch row and the high-water mark of engine revisions it covers are written in
 * one transaction (no crash can lose coverage or cover twice); a row leaves only through
 * upload_outbox_delete(), which the sender calls after an acknowledged 2xx. When the file cannot
 * grow (disk full, or the size cap given at open, enforced with PRAGMA max_page_count),
 * upload_outbox_put() writes nothing and returns -ENOSPC: the outbox stops growing, the high-water
 * mark stays where it was, and a later put succeeds once deletes or the disk free space again.
 *
 * Threads: a handle is one SQLite connection, used by one thread at a time.
 * Errors: negative errno values: -EINVAL, -ENOMEM, -ENOSPC (full), -ENOENT (nothing pending),
 * -EPROTO (file written by a newer schema), -EIO (anything else; upload_outbox_errmsg() says what). */
#ifndef BORNE_UPLOAD_OUTBOX_H
#define BORNE_UPLOAD_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "borne/upload_batch.h"

typedef struct upload_outbox upload_outbox;

/* Opens (creating if needed) the outbox at `path`. max_bytes > 0 caps the file size (rounded
 * down to whole pages); 0 = no cap. On success *out owns the handle: free with
 * upload_outbox_close(). On failure *out is NULL and errbuf says why. */
int upload_outbox_open(upload_outbox **out, const char *path, int64_t max_bytes, char *errbuf,
                       size_t errlen);
void upload_outbox_close(upload_outbox *o);
/* Detail of the last error on this handle (valid until the next call on it). */
const char *upload_outbox_errmsg(const upload_outbox *o);

/* Highest engine revision covered by the batches ever put (0 for a new outbox). */
int upload_outbox_high_water(upload_outbox *o, int64_t *out);

/* Adds a batch (its buckets array as JSON text, n_buckets > 0 buckets) covering engine revisions
 * up to `revision`, which must exceed the current high-water mark, and moves the mark to it. */
int upload_outbox_put(upload_outbox *o, const char *batch_uuid, const char *buckets_json,
                      int n_buckets, int64_t revision, int64_t created_ms);

typedef struct upload_outbox_entry {
    int64_t id;
    char batch[UPLOAD_UUID_LEN + 1];
    char *buckets_json;      /* owned by the entry: release with upload_outbox_entry_clear() */
    int n_buckets;
    int64_t revision;
    int64_t created_ms;
} upload_outbox_entry;

/* The oldest pending (not rejected) batch; -ENOENT when there is none. */
int upload_outbox_oldest(upload_outbox *o, upload_outbox_entry *out);
void upload_outbox_entry_clear(upload_outbox_entry *e);

/* Removes a batch headquarters acknowledged. */
int upload_outbox_delete(upload_outbox *o, int64_t id);
/* Sets a batch aside that headquarters refused as invalid (400/413/422): it stays in the file
 * for inspection and is not sent again, so one bad batch never blocks the ones after it. */
int upload_outbox_reject(upload_outbox *o, int64_t id, const char *why, int64_t now_ms);

typedef struct upload_outbox_counts {
    int pending;             /* batches waiting to be sent */
    int64_t pending_buckets;
    int rejected;            /* batches set aside by upload_outbox_reject() */
} upload_outbox_counts;
int upload_outbox_counts_get(upload_outbox *o, upload_outbox_counts *out);

#endif
