/* Outbox of upload batches in its own SQLite file (see upload_outbox.h for why). */
#include "borne/upload_outbox.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* PRAGMA user_version of this file; this module is its only owner. */
#define OUTBOX_SCHEMA 1

struct upload_outbox {
    sqlite3 *db;
    char errmsg[256];
};

static const char schema_v1[] =
    "CREATE TABLE upload_batch("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " batch TEXT NOT NULL UNIQUE,"
    " revision INTEGER NOT NULL,"         /* engine revision high-water mark this batch covers */
    " n_buckets INTEGER NOT NULL,"
    " buckets TEXT NOT NULL,"
    " created_ms INTEGER NOT NULL,"
    " rejected_ms INTEGER,"               /* set when HQ refused it as invalid */
    " rejected_why TEXT);"
    "CREATE TABLE upload_state(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "INSERT INTO upload_state VALUES('high_water', 0);"
    "PRAGMA user_version = 1;";

static int fail(upload_outbox *o, int rc, const char *what)
{
    snprintf(o->errmsg, sizeof o->errmsg, "outbox: %s: %s", what, sqlite3_errmsg(o->db));
    switch (rc & 0xff) {
    case SQLITE_FULL:
        return -ENOSPC;
    case SQLITE_NOMEM:
        return -ENOMEM;
    default:
        return -EIO;
    }
}

const char *upload_outbox_errmsg(const upload_outbox *o)
{
    return o->errmsg;
}

static int exec(upload_outbox *o, const char *sql, const char *what)
{
    int rc = sqlite3_exec(o->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : fail(o, rc, what);
}

static int migrate(upload_outbox *o)
{
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(o->db, "PRAGMA user_version", -1, &s, NULL);
    if (rc != SQLITE_OK)
        return fail(o, rc, "read schema version");
    rc = sqlite3_step(s);
    int version = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
    sqlite3_finalize(s);
    if (version < 0)
        return fail(o, rc, "read schema version");
    if (version > OUTBOX_SCHEMA) {
        snprintf(o->errmsg, sizeof o->errmsg,
                 "outbox: schema version %d is newer than this build's %d", version, OUTBOX_SCHEMA);
        return -EPROTO;
    }
    if (version == OUTBOX_SCHEMA)
        return 0;
    int err = exec(o, "BEGIN IMMEDIATE", "begin migration");
    if (err == 0)
        err = exec(o, schema_v1, "create schema");
    if (err == 0)
        return exec(o, "COMMIT", "commit migration");
    sqlite3_exec(o->db, "ROLLBACK", NULL, NULL, NULL);
    return err;
}

static int set_cap(upload_outbox *o, int64_t max_bytes)
{
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(o->db, "PRAGMA page_size", -1, &s, NULL);
    if (rc != SQLITE_OK)
        return fail(o, rc, "read page size");
    int64_t page = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 4096;
    sqlite3_finalize(s);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld", (long long)(max_bytes / page));
    rc = sqlite3_prepare_v2(o->db, sql, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return fail(o, rc, "set the size cap");
    rc = sqlite3_step(s);
    int err = rc == SQLITE_ROW ? 0 : fail(o, rc, "set the size cap");
    sqlite3_finalize(s);
    return err;
}

int upload_outbox_open(upload_outbox **out, const char *path, int64_t max_bytes, char *errbuf,
                       size_t errlen)
{
    *out = NULL;
    upload_outbox *o = calloc(1, sizeof *o);
    if (!o) {
        snprintf(errbuf, errlen, "outbox: out of memory");
        return -ENOMEM;
    }
    int rc = sqlite3_open_v2(path, &o->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             NULL);
    int err = rc == SQLITE_OK ? 0 : fail(o, rc, path);
    if (err == 0)
        sqlite3_busy_timeout(o->db, 5000);
    /* WAL + synchronous=NORMAL: a power cut may forget the last transactions but never tears
     * one. Forgetting a put just means building it again (its high-water mark went with it);
     * forgetting a delete means sending an acknowledged batch again, which the collector ignores. */
    if (err == 0)
        err = exec(o, "PRAGMA journal_mode = WAL", "set WAL mode");
    if (err == 0)
        err = exec(o, "PRAGMA synchronous = NORMAL", "set synchronous mode");
    if (err == 0)
        err = migrate(o);
    if (err == 0 && max_bytes > 0)
        err = set_cap(o, max_bytes);
    if (err != 0) {
        snprintf(errbuf, errlen, "%s", o->errmsg);
        upload_outbox_close(o);
        return err;
    }
    *out = o;
    return 0;
}

void upload_outbox_close(upload_outbox *o)
{
    if (!o)
        return;
    sqlite3_close(o->db);
    free(o);
}

int upload_outbox_high_water(upload_outbox *o, int64_t *out)
{
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(o->db, "SELECT value FROM upload_state WHERE key = 'high_water'", -1,
                                &s, NULL);
    if (rc != SQLITE_OK)
        return fail(o, rc, "read high-water mark");
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    int err = rc == SQLITE_ROW ? 0 : fail(o, rc, "read high-water mark");
    sqlite3_finalize(s);
    return err;
}

static int step_done(upload_outbox *o, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);
    int err = rc == SQLITE_DONE ? 0 : fail(o, rc, what);
    sqlite3_finalize(s);
    return err;
}

int upload_outbox_put(upload_outbox *o, const char *batch_uuid, const char *buckets_json,
                      int n_buckets, int64_t revision, int64_t created_ms)
{
    if (n_buckets <= 0 || !buckets_json || !batch_uuid) {
        snprintf(o->errmsg, sizeof o->errmsg, "outbox: empty batch");
        return -EINVAL;
    }
    int err = exec(o, "BEGIN IMMEDIATE", "begin put");
    if (err != 0)
        return err;
    int64_t mark = 0;
    err = upload_outbox_high_water(o, &mark);
    if (err == 0 && revision <= mark) {
        snprintf(o->errmsg, sizeof o->errmsg,
                 "outbox: batch covers revision %lld, already covered up to %lld",
                 (long long)revision, (long long)mark);
        err = -EINVAL;
    }
    sqlite3_stmt *s;
    if (err == 0) {
        int rc = sqlite3_prepare_v2(o->db,
                                    "INSERT INTO upload_batch(batch, revision, n_buckets, buckets, created_ms)"
                                    " VALUES(?, ?, ?, ?, ?)", -1, &s, NULL);
        if (rc != SQLITE_OK) {
            err = fail(o, rc, "prepare put");
        } else {
            sqlite3_bind_text(s, 1, batch_uuid, -1, SQLITE_STATIC);
            sqlite3_bind_int64(s, 2, revision);
            sqlite3_bind_int(s, 3, n_buckets);
            sqlite3_bind_text(s, 4, buckets_json, -1, SQLITE_STATIC);
            sqlite3_bind_int64(s, 5, created_ms);
            err = step_done(o, s, "insert batch");
        }
    }
    if (err == 0) {
        int rc = sqlite3_prepare_v2(o->db, "UPDATE upload_state SET value = ? WHERE key = 'high_water'",
                                    -1, &s, NULL);
        if (rc != SQLITE_OK) {
            err = fail(o, rc, "prepare high-water update");
        } else {
            sqlite3_bind_int64(s, 1, revision);
            err = step_done(o, s, "move high-water mark");
        }
    }
    if (err == 0)
        err = exec(o, "COMMIT", "commit put");
    if (err != 0)
        sqlite3_exec(o->db, "ROLLBACK", NULL, NULL, NULL);
    return err;
}

int upload_outbox_oldest(upload_outbox *o, upload_outbox_entry *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(o->db,
                                "SELECT id, batch, buckets, n_buckets, revision, created_ms FROM upload_batch"
                                " WHERE rejected_ms IS NULL ORDER BY id LIMIT 1", -1, &s, NULL);
    if (rc != SQLITE_OK)
        return fail(o, rc, "prepare oldest");
    rc = sqlite3_step(s);
    int err = 0;
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(s, 0);
        snprintf(out->batch, sizeof out->batch, "%s", (const char *)sqlite3_column_text(s, 1));
        const char *text = (const char *)sqlite3_column_text(s, 2);
        out->buckets_json = text ? strdup(text) : NULL;
        out->n_buckets = sqlite3_column_int(s, 3);
        out->revision = sqlite3_column_int64(s, 4);
        out->created_ms = sqlite3_column_int64(s, 5);
        if (!out->buckets_json) {
            snprintf(o->errmsg, sizeof o->errmsg, "outbox: out of memory reading a batch");
            err = -ENOMEM;
        }
    } else if (rc == SQLITE_DONE) {
        err = -ENOENT;
    } else {
        err = fail(o, rc, "read oldest batch");
    }
    sqlite3_finalize(s);
    return err;
}

void upload_outbox_entry_clear(upload_outbox_entry *e)
{
    free(e->buckets_json);
    memset(e, 0, sizeof *e);
}

int upload_outbox_delete(upload_outbox *o, int64_t id)
{
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(o->db, "DELETE FROM upload_batch WHERE id = ?", -1, &s, NULL);
    if (rc != SQLITE_OK)
        return fail(o, rc, "prepare delete");
    sqlite3_bind_int64(s, 1, id);
    return step_done(o, s, "delete batch");
}

int upload_outbox_reject(upload_outbox *o, int64_t id, const char *why, int64_t now_ms)
{
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(o->db, "UPDATE upload_batch SET rejected_ms = ?, rejected_why = ? WHERE id = ?",
                                -1, &s, NULL);
    if (rc != SQLITE_OK)
        return fail(o, rc, "prepare reject");
    sqlite3_bind_int64(s, 1, now_ms);
    sqlite3_bind_text(s, 2, why, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, id);
    return step_done(o, s, "set batch aside");
}

int upload_outbox_counts_get(upload_outbox *o, upload_outbox_counts *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(o->db,
                                "SELECT rejected_ms IS NOT NULL, count(*), total(n_buckets) FROM upload_batch"
                                " GROUP BY 1", -1, &s, NULL);
    if (rc != SQLITE_OK)
        return fail(o, rc, "prepare counts");
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (sqlite3_column_int(s, 0)) {
            out->rejected = sqlite3_column_int(s, 1);
        } else {
            out->pending = sqlite3_column_int(s, 1);
            out->pending_buckets = sqlite3_column_int64(s, 2);
        }
    }
    int err = rc == SQLITE_DONE ? 0 : fail(o, rc, "count batches");
    sqlite3_finalize(s);
    return err;
}
