/* Outbox: a batch and the high-water mark it covers are one transaction; rows leave only by
 * delete; a capped (full) outbox refuses cleanly and accepts again once space is freed; a process
 * killed mid-write never leaves coverage lost or doubled. */
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "borne/upload_outbox.h"
#include "testlib.h"

static const char *fresh(const char *name)
{
    return testlib_path(testlib_tmpdir(name), "outbox.sqlite");
}

static void test_put_oldest_delete(void)
{
    const char *path = fresh("outbox-basic");
    upload_outbox *o;
    char err[256];
    CHECK_INT(upload_outbox_open(&o, path, 0, err, sizeof err), 0);
    int64_t mark = -1;
    CHECK_INT(upload_outbox_high_water(o, &mark), 0);
    CHECK_INT(mark, 0);
    upload_outbox_entry e;
    CHECK_INT(upload_outbox_oldest(o, &e), -ENOENT);
    CHECK_INT(upload_outbox_put(o, "11111111-1111-4111-8111-111111111111", "[1]", 1, 10, 1000), 0);
    CHECK_INT(upload_outbox_put(o, "22222222-2222-4222-8222-222222222222", "[2,3]", 2, 25, 2000), 0);
    /* Coverage only moves forward. */
    CHECK_INT(upload_outbox_put(o, "33333333-3333-4333-8333-333333333333", "[4]", 1, 25, 3000), -EINVAL);
    CHECK_INT(upload_outbox_put(o, "33333333-3333-4333-8333-333333333333", "[]", 0, 30, 3000), -EINVAL);
    CHECK_INT(upload_outbox_high_water(o, &mark), 0);
    CHECK_INT(mark, 25);
    upload_outbox_counts c;
    CHECK_INT(upload_outbox_counts_get(o, &c), 0);
    CHECK_INT(c.pending, 2);
    CHECK_INT(c.pending_buckets, 3);
    CHECK_INT(upload_outbox_oldest(o, &e), 0);
    CHECK_STR(e.batch, "11111111-1111-4111-8111-111111111111");
    CHECK_STR(e.buckets_json, "[1]");
    CHECK_INT(e.revision, 10);
    CHECK_INT(e.created_ms, 1000);
    CHECK_INT(upload_outbox_delete(o, e.id), 0);
    upload_outbox_entry_clear(&e);
    upload_outbox_close(o);

    /* Everything survives a reopen. */
    CHECK_INT(upload_outbox_open(&o, path, 0, err, sizeof err), 0);
    CHECK_INT(upload_outbox_high_water(o, &mark), 0);
    CHECK_INT(mark, 25);
    CHECK_INT(upload_outbox_oldest(o, &e), 0);
    CHECK_STR(e.buckets_json, "[2,3]");
    CHECK_INT(e.n_buckets, 2);
    /* A refused batch is set aside, not deleted, and no longer blocks the queue. */
    CHECK_INT(upload_outbox_reject(o, e.id, "HTTP 422 invalid: test", 5000), 0);
    upload_outbox_entry_clear(&e);
    CHECK_INT(upload_outbox_oldest(o, &e), -ENOENT);
    CHECK_INT(upload_outbox_counts_get(o, &c), 0);
    CHECK_INT(c.pending, 0);
    CHECK_INT(c.rejected, 1);
    upload_outbox_close(o);
}

/* A file from a newer build is refused rather than misread. */
static void test_newer_schema_refused(void)
{
    const char *path = fresh("outbox-schema");
    sqlite3 *db;
    CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
    CHECK_INT(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    upload_outbox *o;
    char err[256] = "";
    CHECK_INT(upload_outbox_open(&o, path, 0, err, sizeof err), -EPROTO);
    CHECK(o == NULL);
    CHECK(strstr(err, "newer") != NULL);
}

static char *big_json(size_t n)
{
    char *s = malloc(n + 3);
    s[0] = '[';
    s[1] = '"';
    memset(s + 2, 'x', n - 2);
    s[n] = '"';
    s[n + 1] = ']';
    s[n + 2] = '\0';
    return s;
}

/* The cap (PRAGMA max_page_count) makes the outbox full: put writes nothing, the mark stays, the
 * file stays sound, and once a batch is deleted the next put fits again. */
static void test_full_then_resume(void)
{
    const char *path = fresh("outbox-full");
    upload_outbox *o;
    char err[256];
    CHECK_INT(upload_outbox_open(&o, path, 96 * 1024, err, sizeof err), 0);
    char *text = big_json(20000);
    int64_t rev = 0;
    int err_put = 0;
    int stored = 0;
    while (stored < 100) {
        char uuid[UPLOAD_UUID_LEN + 1];
        upload_uuid_v4(7, (uint64_t)stored + 1, uuid);
        err_put = upload_outbox_put(o, uuid, text, 1, rev + 1, 0);
        if (err_put != 0)
            break;
        rev++;
        stored++;
    }
    CHECK_INT(err_put, -ENOSPC);
    CHECK(stored > 0 && stored < 100);
    CHECK(strstr(upload_outbox_errmsg(o), "full") != NULL);
    int64_t mark = 0;
    CHECK_INT(upload_outbox_high_water(o, &mark), 0);
    CHECK_INT(mark, rev);
    upload_outbox_counts c;
    CHECK_INT(upload_outbox_counts_get(o, &c), 0);
    CHECK_INT(c.pending, stored);
    /* Still full on a second try: nothing half-written in between. */
    CHECK_INT(upload_outbox_put(o, "44444444-4444-4444-8444-444444444444", text, 1, rev + 1, 0), -ENOSPC);
    upload_outbox_entry e;
    CHECK_INT(upload_outbox_oldest(o, &e), 0);
    CHECK_INT(upload_outbox_delete(o, e.id), 0);
    upload_outbox_entry_clear(&e);
    CHECK_INT(upload_outbox_put(o, "44444444-4444-4444-8444-444444444444", text, 1, rev + 1, 0), 0);
    CHECK_INT(upload_outbox_high_water(o, &mark), 0);
    CHECK_INT(mark, rev + 1);
    upload_outbox_close(o);
    free(text);

    sqlite3 *db;
    CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *s;
    CHECK_INT(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL), SQLITE_OK);
    CHECK_INT(sqlite3_step(s), SQLITE_ROW);
    CHECK_STR((const char *)sqlite3_column_text(s, 0), "ok");
    sqlite3_finalize(s);
    sqlite3_close(db);
}

/* A child puts batches as fast as it can and is SIGKILLed; afterwards the mark is exactly the
 * revision of the last stored batch: no batch without its mark, no mark without its batch. The
 * kill waits for the child's word that it has stored a batch this round (on a loaded machine a
 * fixed delay could end before it even opened the file); the pause after it only varies where
 * in a write the kill lands. */
static void test_killed_mid_write(void)
{
    const char *path = fresh("outbox-crash");
    for (int round = 0; round < 3; round++) {
        int stored[2];
        if (!CHECK_INT(pipe(stored), 0))
            return;
        pid_t pid = fork();
        if (pid == 0) {
            close(stored[0]);
            upload_outbox *o;
            char err[256];
            if (upload_outbox_open(&o, path, 0, err, sizeof err) != 0) {
                fprintf(stderr, "child: %s\n", err);
                _exit(2);
            }
            int64_t mark = 0;
            int rc = upload_outbox_high_water(o, &mark);
            for (int64_t r = mark + 1; rc == 0; r++) {
                char uuid[UPLOAD_UUID_LEN + 1];
                /* r in the low half: the version bits overwrite some of the high half. */
                upload_uuid_v4((uint64_t)round, (uint64_t)r, uuid);
                rc = upload_outbox_put(o, uuid, "[0]", 1, r, r);
                if (rc == 0 && r == mark + 1 && write(stored[1], "s", 1) != 1)
                    _exit(4);
            }
            fprintf(stderr, "child: %s\n", upload_outbox_errmsg(o));
            _exit(3);
        }
        if (!CHECK(pid > 0))
            return;
        close(stored[1]);
        char word;
        CHECK_INT((int)read(stored[0], &word, 1), 1);   /* 0 only if the child died first */
        close(stored[0]);
        usleep(20000 + 30000 * round);
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        if (!CHECK(WIFSIGNALED(status)))
            fprintf(stderr, "child exited with %d\n", WEXITSTATUS(status));
        upload_outbox *o;
        char err[256];
        CHECK_INT(upload_outbox_open(&o, path, 0, err, sizeof err), 0);
        int64_t mark = 0;
        CHECK_INT(upload_outbox_high_water(o, &mark), 0);
        CHECK(mark > 0);
        sqlite3 *db;
        CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
        sqlite3_stmt *s;
        CHECK_INT(sqlite3_prepare_v2(db, "SELECT max(revision), count(*) FROM upload_batch", -1, &s, NULL),
                  SQLITE_OK);
        CHECK_INT(sqlite3_step(s), SQLITE_ROW);
        CHECK_INT(sqlite3_column_int64(s, 0), mark);
        CHECK_INT(sqlite3_column_int64(s, 1), mark);   /* one batch per revision, none lost */
        sqlite3_finalize(s);
        sqlite3_close(db);
        upload_outbox_close(o);
    }
}

int main(void)
{
    RUN(test_put_oldest_delete);
    RUN(test_newer_schema_refused);
    RUN(test_full_then_resume);
    RUN(test_killed_mid_write);
    return testlib_finish();
}
