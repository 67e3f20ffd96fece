/* PostgreSQL backend of the collector store (libpq). Same SQL text as SQLite, prepared per connection. */
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector_store_backend.h"

#define MAX_PARAMS STORE_MAX_PARAMS

/* Statements of a write transaction are pipelined (libpq pipeline mode): sent without waiting, their
 * results read at COMMIT, so a group of batches costs one round trip instead of one per bucket. To
 * keep both socket buffers from filling (each side waiting for the other to read), the pipeline is
 * synced and drained every PIPELINE_MAX statements. */
#define PIPELINE_MAX 512

/* Where a queued statement's outcome goes: its row count (changes may be NULL), or its rows (fn). */
struct queued {
    int64_t *changes;
    store_row_fn fn;
    void *ctx;
};

struct pg_store {
    PGconn *conn;
    bool pipelined;
    size_t n_pending;
    struct queued pending[PIPELINE_MAX];
    bool failed;                      /* a queued statement failed: the transaction is lost */
    char first_error[256];
    /* A statement's parameters as text (numbers written here), up to MAX_PARAMS. */
    char (*num_text)[24];
    const char **values;
};

static int pg_fail(char *err, size_t errlen, const char *what, const char *msg)
{
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    snprintf(err, errlen, "postgresql: %s: %.*s", what, (int)n, msg);
    return -1;
}

static bool plain(enum store_stmt stmt)
{
    return stmt == STMT_BEGIN || stmt == STMT_COMMIT || stmt == STMT_ROLLBACK;
}

static int prepare_all(struct pg_store *s, char *err, size_t errlen)
{
    for (int i = 0; i < STMT_COUNT; i++) {
        if (plain((enum store_stmt)i))
            continue;
        char name[8];
        snprintf(name, sizeof name, "s%d", i);
        PGresult *r = PQprepare(s->conn, name, store_sql[i], 0, NULL);
        int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            pg_fail(err, errlen, "prepare", PQresultErrorMessage(r));
        PQclear(r);
        if (!ok)
            return -1;
    }
    return 0;
}

/* A PostgreSQL restart drops the connection; reconnect at the start of the next unit of work rather
 * than leave this pooled handle dead for the life of the collector. */
static int ensure_connected(struct pg_store *s, char *err, size_t errlen)
{
    if (PQstatus(s->conn) == CONNECTION_OK)
        return 0;
    PQreset(s->conn);
    if (PQstatus(s->conn) != CONNECTION_OK)
        return pg_fail(err, errlen, "reconnect", PQerrorMessage(s->conn));
    return prepare_all(s, err, errlen);
}

/* Decimal text of v into out (at least 21 bytes), without printf's cost: most parameters are numbers. */
static void int_text(int64_t v, char *out)
{
    char digits[21];
    int n = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *out++ = '-';
    while (n)
        *out++ = digits[--n];
    *out = '\0';
}

static void params_text(struct pg_store *s, const struct store_param *p, int n)
{
    for (int i = 0; i < n && i < MAX_PARAMS; i++) {
        if (p[i].is_text) {
            s->values[i] = p[i].text;
        } else {
            int_text(p[i].num, s->num_text[i]);
            s->values[i] = s->num_text[i];
        }
    }
}

static PGresult *run(struct pg_store *s, enum store_stmt stmt, const struct store_param *p, int n)
{
    if (plain(stmt))
        return PQexec(s->conn, store_sql[stmt]);
    params_text(s, p, n);
    char name[8];
    snprintf(name, sizeof name, "s%d", (int)stmt);
    return PQexecPrepared(s->conn, name, n, s->values, NULL, NULL, 0);
}

/* A statement's rows, to its callback: non-zero stops them and is returned. */
static int deliver_rows(PGresult *r, store_row_fn fn, void *ctx)
{
    int ncols = PQnfields(r), rows = PQntuples(r), ret = 0;
    const char *cols[STORE_MAX_COLS];
    if (ncols > STORE_MAX_COLS)
        return -1;
    for (int row = 0; row < rows && ret == 0; row++) {
        for (int i = 0; i < ncols; i++)
            cols[i] = PQgetisnull(r, row, i) ? NULL : PQgetvalue(r, row, i);
        ret = fn(ctx, cols, ncols);
    }
    return ret;
}

/* Sends a sync point and reads every queued result up to it. */
static void drain(struct pg_store *s)
{
    if (PQpipelineSync(s->conn) != 1) {
        s->failed = true;
        snprintf(s->first_error, sizeof s->first_error, "%s", PQerrorMessage(s->conn));
        return;
    }
    size_t i = 0;
    bool after_null = false;
    for (;;) {
        PGresult *r = PQgetResult(s->conn);
        if (!r) {
            /* One NULL ends each statement's results; two in a row mean the connection is gone. */
            if (after_null || PQstatus(s->conn) != CONNECTION_OK) {
                s->failed = true;
                snprintf(s->first_error, sizeof s->first_error, "connection lost: %s", PQerrorMessage(s->conn));
                break;
            }
            after_null = true;
            continue;
        }
        after_null = false;
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_PIPELINE_SYNC) {
            PQclear(r);
            break;
        }
        const struct queued *q = i < s->n_pending ? &s->pending[i] : NULL;
        if (st == PGRES_COMMAND_OK && (!q || !q->fn)) {
            if (q && q->changes)
                *q->changes += strtoll(PQcmdTuples(r), NULL, 10);
        } else if (st == PGRES_TUPLES_OK && q && q->fn) {
            if (deliver_rows(r, q->fn, q->ctx) != 0 && !s->failed) {
                s->failed = true;
                snprintf(s->first_error, sizeof s->first_error, "a row written was not one sent");
            }
        } else if (!s->failed) {
            s->failed = true;
            snprintf(s->first_error, sizeof s->first_error, "%s", PQresultErrorMessage(r));
        }
        i++;
        PQclear(r);
    }
    s->n_pending = 0;
}

static void leave_pipeline(struct pg_store *s)
{
    if (s->pipelined) {
        if (s->n_pending)
            drain(s);
        PQexitPipelineMode(s->conn);
        s->pipelined = false;
    }
}

static int queue(struct pg_store *s, enum store_stmt stmt, const struct store_param *p, int n, struct queued q,
                 char *err, size_t errlen)
{
    int sent;
    if (plain(stmt)) {
        sent = PQsendQueryParams(s->conn, store_sql[stmt], 0, NULL, NULL, NULL, NULL, 0);
    } else {
        char name[8];
        params_text(s, p, n);
        snprintf(name, sizeof name, "s%d", (int)stmt);
        sent = PQsendQueryPrepared(s->conn, name, n, s->values, NULL, NULL, 0);
    }
    if (sent != 1)
        return pg_fail(err, errlen, "send", PQerrorMessage(s->conn));
    s->pending[s->n_pending++] = q;
    if (s->n_pending == PIPELINE_MAX)
        drain(s);
    return 0;
}

static int pg_exec(void *impl, enum store_stmt stmt, const struct store_param *p, int n, int64_t *changes,
                   char *err, size_t errlen)
{
    struct pg_store *s = impl;
    if (n > MAX_PARAMS)
        return pg_fail(err, errlen, "exec", "too many parameters");
    if (stmt == STMT_BEGIN) {
        if (ensure_connected(s, err, errlen) != 0)
            return -1;
        if (PQenterPipelineMode(s->conn) != 1)
            return pg_fail(err, errlen, "pipeline", PQerrorMessage(s->conn));
        s->pipelined = true;
        s->failed = false;
        s->n_pending = 0;
        return queue(s, stmt, p, n, (struct queued){changes, NULL, NULL}, err, errlen);
    }
    if (s->pipelined && stmt != STMT_ROLLBACK) {
        if (queue(s, stmt, p, n, (struct queued){changes, NULL, NULL}, err, errlen) != 0)
            return -1;
        if (stmt == STMT_COMMIT)
            leave_pipeline(s);
        if (s->failed)
            return pg_fail(err, errlen, "transaction", s->first_error);
        return 0;
    }
    leave_pipeline(s);
    PGresult *r = run(s, stmt, p, n);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        pg_fail(err, errlen, store_sql[stmt][0] == 'I' ? "upsert" : store_sql[stmt], PQresultErrorMessage(r));
    else if (changes)
        *changes += strtoll(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    return ok ? 0 : -1;
}

static int pg_query(void *impl, enum store_stmt stmt, const struct store_param *p, int n, store_row_fn fn,
                    void *ctx, char *err, size_t errlen)
{
    struct pg_store *s = impl;
    if (n > MAX_PARAMS)
        return pg_fail(err, errlen, "query", "too many parameters");
    if (s->pipelined)
        return queue(s, stmt, p, n, (struct queued){NULL, fn, ctx}, err, errlen);
    if (ensure_connected(s, err, errlen) != 0)
        return -1;
    PGresult *r = run(s, stmt, p, n);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        pg_fail(err, errlen, "query", PQresultErrorMessage(r));
        PQclear(r);
        return -1;
    }
    if (PQnfields(r) > STORE_MAX_COLS) {
        PQclear(r);
        return pg_fail(err, errlen, "query", "too many columns");
    }
    int ret = deliver_rows(r, fn, ctx);
    PQclear(r);
    return ret;
}

static void pg_close(void *impl)
{
    struct pg_store *s = impl;
    PQfinish(s->conn);
    free(s->num_text);
    free(s->values);
    free(s);
}

static const struct store_ops pg_ops = {pg_exec, pg_query, pg_close};

int store_pg_open(const char *conninfo, const struct store_ops **ops, void **impl, char *err, size_t errlen)
{
    struct pg_store *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    s->num_text = malloc(MAX_PARAMS * sizeof *s->num_text);
    s->values = malloc(MAX_PARAMS * sizeof *s->values);
    if (!s->num_text || !s->values) {
        snprintf(err, errlen, "out of memory");
        pg_close(s);
        return -1;
    }
    s->conn = PQconnectdb(conninfo);
    if (!s->conn || PQstatus(s->conn) != CONNECTION_OK) {
        pg_fail(err, errlen, "connect", s->conn ? PQerrorMessage(s->conn) : "out of memory");
        pg_close(s);
        return -1;
    }
    /* Notices ("relation already exists, skipping") would clutter the collector's stderr. */
    char *setup = malloc(strlen(store_schema_sql) + 64);
    if (!setup) {
        snprintf(err, errlen, "out of memory");
        pg_close(s);
        return -1;
    }
    sprintf(setup, "SET client_min_messages = warning; %s", store_schema_sql);
    PGresult *r = PQexec(s->conn, setup);
    free(setup);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        pg_fail(err, errlen, "schema", PQresultErrorMessage(r));
    PQclear(r);
    /* A store written before a contract version lacks that version's columns. */
    for (const struct store_added_column *c = store_added_columns; ok && c->name; c++) {
        char sql[160];
        snprintf(sql, sizeof sql, "ALTER TABLE buckets ADD COLUMN IF NOT EXISTS %s %s", c->name, c->type);
        r = PQexec(s->conn, sql);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            pg_fail(err, errlen, "add column", PQresultErrorMessage(r));
        PQclear(r);
    }
    if (!ok || prepare_all(s, err, errlen) != 0) {
        pg_close(s);
        return -1;
    }
    *ops = &pg_ops;
    *impl = s;
    return 0;
}
