/* Idempotency keys of the LAN API, in the hub_idempotency table of the antenne database (created
 * by the engine's migrations; the engine's daily purge deletes old replies, see queue_purge).
 *
 * A key is claimed by inserting a pending row (status 0) before the engine is touched, so two
 * copies of one request racing on two connections cannot both run: the loser sees the pending
 * row and is told to retry. The answer is stored once known. The claim and the engine's write
 * are two transactions (the engine owns its connection). A pending row left by a process that
 * died is released when the hub starts (hub_idem_release_orphans): its retry then runs. If the
 * process died in the microseconds between the engine's commit and the stored answer, that retry
 * runs the action a second time; refusing it for a day (the old rule) locked the desk's retries
 * out after every kiosk crash, which is the likelier harm. */
#include "hub_internal.h"

#include "borne/log.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

BORNE_LOG_MODULE("hub");

/* status of a claimed key whose answer is not known yet */
#define PENDING 0
#define STR_(x) #x
#define STR(x) STR_(x)

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
    sqlite3_bind_int64(c->idem_expire, 1, now - QUEUE_REPLY_KEEP_S);
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
        } else if (*status == PENDING) {
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

int hub_idem_release_orphans(hub_conn *c, char *errbuf, size_t errlen)
{
    static const char sql[] = "DELETE FROM hub_idempotency WHERE status = " STR(PENDING);
    if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(errbuf, errlen, "hub_idempotency: %s", sqlite3_errmsg(c->db));
        return -1;
    }
    int n = sqlite3_changes(c->db);
    if (n > 0)
        log_notice("released %d Idempotency-Key(s) left pending by a process that stopped", n);
    return n;
}

void hub_idem_drop(hub_conn *c, int counter_id, const char *key)
{
    bind_key(c->idem_drop, 1, counter_id, key);
    run(c->idem_drop);
}
