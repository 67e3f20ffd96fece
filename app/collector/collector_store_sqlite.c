/* SQLite backend of the collector store. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector_store_backend.h"

struct sqlite_store {
    sqlite3 *db;
    sqlite3_stmt *stmts[STMT_COUNT];
};

static int sq_fail(struct sqlite_store *s, char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "sqlite: %s: %s", what, sqlite3_errmsg(s->db));
    return -1;
}

static int bind(struct sqlite_store *s, sqlite3_stmt *st, const struct store_param *p, int n, char *err,
                size_t errlen)
{
    sqlite3_reset(st);
    for (int i = 0; i < n; i++) {
        int rc = p[i].is_text ? sqlite3_bind_text(st, i + 1, p[i].text, -1, SQLITE_STATIC)
                              : sqlite3_bind_int64(st, i + 1, p[i].num);
        if (rc != SQLITE_OK)
            return sq_fail(s, err, errlen, "bind");
    }
    return 0;
}

/* The statement with its parameters written ? where they come as $1, $2 ... in order, once each (the same
 * numbering): SQLite looks a $N up among the names before it, which made preparing a multi-row form of
 * thousands of them quadratic, while a bare ? is numbered at once. NULL (malloc'ed otherwise) when they
 * do not come so: the statement is prepared as it is. */
static char *numbered_in_order(const char *sql)
{
    char *out = malloc(strlen(sql) + 1), *o = out;
    long next = 1;
    for (const char *p = sql; out && *p;) {
        if (*p == '\'') {   /* a literal, copied whole ('' inside it ends and reopens it) */
            const char *end = strchr(p + 1, '\'');
            size_t n = end ? (size_t)(end - p) + 1 : strlen(p);
            memcpy(o, p, n);
            o += n;
            p += n;
        } else if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
            char *end;
            if (strtol(p + 1, &end, 10) != next++) {
                free(out);
                return NULL;
            }
            *o++ = '?';
            p = end;
        } else {
            *o++ = *p++;
        }
    }
    if (out)
        *o = '\0';
    return out;
}

/* A statement is prepared at its first use: a reader's connection never pays for the writer's statements. */
static sqlite3_stmt *prepared(struct sqlite_store *s, enum store_stmt stmt, char *err, size_t errlen)
{
    if (!s->stmts[stmt]) {
        /* IMMEDIATE takes the write lock up front: two pooled connections can never deadlock upgrading. */
        const char *sql = stmt == STMT_BEGIN ? "BEGIN IMMEDIATE" : store_sql[stmt];
        char *anonymous = sql ? numbered_in_order(sql) : NULL;
        int rc = sql ? sqlite3_prepare_v3(s->db, anonymous ? anonymous : sql, -1, SQLITE_PREPARE_PERSISTENT,
                                          &s->stmts[stmt], NULL)
                     : SQLITE_MISUSE;
        free(anonymous);
        if (rc != SQLITE_OK) {
            sq_fail(s, err, errlen, "prepare");
            return NULL;
        }
    }
    return s->stmts[stmt];
}

static int sq_exec(void *impl, enum store_stmt stmt, const struct store_param *p, int n, int64_t *changes,
                   char *err, size_t errlen)
{
    struct sqlite_store *s = impl;
    sqlite3_stmt *st = prepared(s, stmt, err, errlen);
    if (!st || bind(s, st, p, n, err, errlen) != 0)
        return -1;
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) {
        sq_fail(s, err, errlen, "step");
        sqlite3_reset(st);
        return -1;
    }
    if (changes)
        *changes += sqlite3_changes(s->db);
    sqlite3_reset(st);
    return 0;
}

static int sq_query(void *impl, enum store_stmt stmt, const struct store_param *p, int n, store_row_fn fn, void *ctx,
                    char *err, size_t errlen)
{
    struct sqlite_store *s = impl;
    sqlite3_stmt *st = prepared(s, stmt, err, errlen);
    if (!st || bind(s, st, p, n, err, errlen) != 0)
        return -1;
    int ncols = sqlite3_column_count(st);
    const char *cols[STORE_MAX_COLS];
    if (ncols > STORE_MAX_COLS) {
        sqlite3_reset(st);
        snprintf(err, errlen, "sqlite: too many columns");
        return -1;
    }
    int rc, ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < ncols; i++)
            cols[i] = (const char *)sqlite3_column_text(st, i);
        if ((ret = fn(ctx, cols, ncols)) != 0)
            break;
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = sq_fail(s, err, errlen, "query");
    sqlite3_reset(st);
    return ret;
}

static void sq_close(void *impl)
{
    struct sqlite_store *s = impl;
    for (int i = 0; i < STMT_COUNT; i++)
        sqlite3_finalize(s->stmts[i]);
    sqlite3_close(s->db);
    free(s);
}

/* A store written before a contract version lacks that version's columns: add them. */
static int add_missing_columns(struct sqlite_store *s, char *err, size_t errlen)
{
    sqlite3_stmt *has = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM pragma_table_info('buckets') WHERE name = ?", -1, &has,
                           NULL) != SQLITE_OK)
        return sq_fail(s, err, errlen, "read columns");
    int rc = 0;
    for (const struct store_added_column *c = store_added_columns; c->name && rc == 0; c++) {
        sqlite3_reset(has);
        sqlite3_bind_text(has, 1, c->name, -1, SQLITE_STATIC);
        if (sqlite3_step(has) != SQLITE_ROW) {
            rc = sq_fail(s, err, errlen, "read columns");
        } else if (sqlite3_column_int(has, 0) == 0) {
            char sql[160];
            snprintf(sql, sizeof sql, "ALTER TABLE buckets ADD COLUMN %s %s", c->name, c->type);
            if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
                rc = sq_fail(s, err, errlen, "add column");
        }
    }
    sqlite3_finalize(has);
    return rc;
}

static const struct store_ops sqlite_ops = {sq_exec, sq_query, sq_close};

int store_sqlite_open(const char *path, const struct store_ops **ops, void **impl, char *err, size_t errlen)
{
    struct sqlite_store *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        snprintf(err, errlen, "sqlite: cannot open %s: %s", path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
        sq_close(s);
        return -1;
    }
    /* WAL lets export readers run beside the ingest writer. synchronous=FULL: a 200 tells the board it
     * may delete its outbox row, so the batch must survive a power cut once acknowledged. The busy
     * timeout covers the other pooled connections holding the write lock. */
    const char *setup = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;";
    sqlite3_busy_timeout(s->db, 10000);
    if (sqlite3_exec(s->db, setup, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, store_schema_sql, NULL, NULL, NULL) != SQLITE_OK) {
        sq_fail(s, err, errlen, path);
        sq_close(s);
        return -1;
    }
    if (add_missing_columns(s, err, errlen) != 0) {
        sq_close(s);
        return -1;
    }
    *ops = &sqlite_ops;
    *impl = s;
    return 0;
}
