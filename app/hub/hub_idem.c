/* Idempotency keys of the LAN API, in the hub's own table of the antenne database.
 *
 * A key is claimed by inserting a pending row (status 0) before the engine is touched, so two
 * copies of one request racing on two connections cannot both run: the loser sees the pending
 * row and is told to retry. The answer is stored once known. The claim and the engine's write
 * are two transactions (the engine owns its connection): if the board dies between them the
 * key stays pending until it expires, and a retry is refused rather than run twice. */
#include "hub_internal.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEEP_S (24 * 3600)

static const char SQL_SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS hub_idempotency("
    " counter_id INTEGER NOT NULL, key TEXT NOT NULL, created_at INTEGER NOT NULL,"
    " request INTEGER NOT NULL, status INTEGER NOT NULL DEFAULT 0, body TEXT,"
    " PRIMARY KEY(counter_id, key)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS hub_idempotency_age ON hub_idempotency(created_at);";

int hub_idem_prepare(hub_conn *c, char *errbuf, size_t errlen)
{
    static const struct { size_t off; const char *sql; } stmts[] = {
        {offsetof(hub_conn, idem_claim),
         "INSERT OR IGNORE INTO hub_idempotency(counter_id, key, created_at, request)"
         " VALUES(?, ?, ?, ?)"},
        {offsetof(hub_conn, idem_get),
         "SELECT status, body, request FROM hub_idempotency WHERE counter_id = ? AND key = ?"},
        {offsetof(hub_conn, idem_store),
         "UPDATE hub_idempotency SET status = ?, body = ? WHERE counter_id = ? AND key = ?"},
        {offsetof(hub_conn, idem_drop),
         "DELETE FROM hub_idempotency WHERE counter_id = ? AND key = ?"},
        {offsetof(hub_conn, idem_expire), "DELETE FROM hub_idempotency WHERE created_at < ?"},
    };
    char *msg = NULL;
    if (sqlite3_exec(c->db, SQL_SCHEMA, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(errbuf, errlen, "hub_idempotency table: %s", msg ? msg : sqlite3_errmsg(c->db));
        sqlite3_free(msg);
        return -1;
    }
    for (size_t i = 0; i < sizeof stmts / sizeof stmts[0]; i++) {
        sqlite3_stmt **s = (sqlite3_stmt **)((char *)c + stmts[i].off);
        if (sqlite3_prepare_v2(c->db, stmts[i].sql, -1, s, NULL) != SQLITE_OK) {
            snprintf(errbuf, errlen, "hub_idempotency: %s", sqlite3_errmsg(c->db));
            return -1;
        }
    }
    return 0;
}

static void bind_key(sqlite3_stmt *s, int first, int counter_id, const char *key)
{
    sqlite3_bind_int(s, first, counter_id);
    sqlite3_bind_text(s, first + 1, key, -1, SQLITE_STATIC);
}

static int run(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc;
}

hub_idem_result hub_idem_claim(hub_conn *c, int counter_id, const char *key, int64_t request,
                               int64_t now, int *status, char **body)
{
    sqlite3_bind_int64(c->idem_expire, 1, now - KEEP_S);
    if (run(c->idem_expire) != SQLITE_DONE)
        return HUB_IDEM_ERROR;
    bind_key(c->idem_claim, 1, counter_id, key);
    sqlite3_bind_int64(c->idem_claim, 3, now);
    sqlite3_bind_int64(c->idem_claim, 4, request);
    if (run(c->idem_claim) != SQLITE_DONE)
        return HUB_IDEM_ERROR;
    if (sqlite3_changes(c->db) == 1)
        return HUB_IDEM_NEW;

    sqlite3_stmt *s = c->idem_get;
    bind_key(s, 1, counter_id, key);
    hub_idem_result res = HUB_IDEM_ERROR;
    if (sqlite3_step(s) == SQLITE_ROW) {
        *status = sqlite3_column_int(s, 0);
        const char *text = (const char *)sqlite3_column_text(s, 1);
        if (sqlite3_column_int64(s, 2) != request) {
            res = HUB_IDEM_MISMATCH;
        } else if (*status == 0) {
            res = HUB_IDEM_PENDING;
        } else if ((*body = strdup(text ? text : "")) != NULL) {
            res = HUB_IDEM_STORED;
        }
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return res;
}

int64_t hub_idem_fingerprint(const char *method, const char *url, const char *body, size_t len)
{
    /* FNV-1a, 64 bits: tells a retry from a different request reusing a key, nothing more. */
    uint64_t h = 0xcbf29ce484222325u;
    const char *parts[] = {method, " ", url, "\n"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        for (const char *p = parts[i]; *p; p++)
            h = (h ^ (unsigned char)*p) * 0x100000001b3u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)body[i]) * 0x100000001b3u;
    return (int64_t)(h >> 1);
}

void hub_idem_store(hub_conn *c, int counter_id, const char *key, int status, const char *body)
{
    sqlite3_bind_int(c->idem_store, 1, status);
    sqlite3_bind_text(c->idem_store, 2, body, -1, SQLITE_STATIC);
    bind_key(c->idem_store, 3, counter_id, key);
    /* A failed store leaves the claim pending: a retry is then refused, never run twice. */
    run(c->idem_store);
}

void hub_idem_drop(hub_conn *c, int counter_id, const char *key)
{
    bind_key(c->idem_drop, 1, counter_id, key);
    run(c->idem_drop);
}
