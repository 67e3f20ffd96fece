/* Queue engine: several processes (separate connections, WAL) issue tickets for the same
 * services on the same file at the same moment; the union of the numbers they received has no
 * duplicate, and storage holds exactly 1..N per service. Several processes also create the
 * same new database at once. */
#include "queue_internal.h"
#include "test_queue_support.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROCS 4
#define PER_PROC 150

static void child(const char *path, int64_t now, int go_fd, int out_fd)
{
    char c;
    if (read(go_fd, &c, 1) != 1)   /* everyone starts together */
        _exit(2);
    queue *q = NULL;
    char err[256];
    if (queue_open(&q, path, NULL, err, sizeof err) != QUEUE_OK) {
        fprintf(stderr, "child: %s\n", err);
        _exit(3);
    }
    for (int i = 0; i < PER_PROC; i++) {
        queue_issued out;
        if (queue_issue(q, now + i, i % 2 ? 'A' : 'F', NULL, &out) != QUEUE_OK) {
            fprintf(stderr, "child: %s\n", queue_errmsg(q));
            _exit(4);
        }
        char line[16];
        int len = snprintf(line, sizeof line, "%s\n", out.ticket.label);
        if (write(out_fd, line, (size_t)len) != len)
            _exit(5);
    }
    queue_close(q);
    _exit(0);
}

static int cmp_label(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void test_processes_never_share_a_number(void)
{
    int64_t t0 = testlib_local_time(2026, 3, 10, 9, 0, 0);
    const char *dir;
    queue *q = tq_open("concurrent", NULL, t0, &dir);
    queue_close(q);
    const char *path = testlib_path(dir, "queue.db");
    int go[2], out[PROCS][2];
    if (pipe(go) != 0)
        abort();
    pid_t pids[PROCS];
    for (int p = 0; p < PROCS; p++) {
        if (pipe(out[p]) != 0)
            abort();
        pids[p] = fork();
        if (pids[p] == 0) {
            close(go[1]);
            close(out[p][0]);
            child(path, t0 + 60, go[0], out[p][1]);
        }
        close(out[p][1]);
    }
    close(go[0]);
    char start[PROCS] = {0};
    CHECK_INT(write(go[1], start, PROCS), PROCS);
    close(go[1]);
    static char labels[PROCS * PER_PROC][8];
    int n = 0;
    for (int p = 0; p < PROCS; p++) {
        FILE *f = fdopen(out[p][0], "r");
        char line[32];
        while (f && fgets(line, sizeof line, f) && n < PROCS * PER_PROC) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(labels[n++], sizeof labels[0], "%.7s", line);
        }
        if (f)
            fclose(f);
        int status = 0;
        CHECK_INT(waitpid(pids[p], &status, 0), pids[p]);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    CHECK_INT(n, PROCS * PER_PROC);
    qsort(labels, (size_t)n, sizeof labels[0], cmp_label);
    int dups = 0;
    for (int i = 1; i < n; i++)
        dups += strcmp(labels[i - 1], labels[i]) == 0;
    CHECK_INT(dups, 0);
    CHECK_STR(labels[0], "A001");
    CHECK_STR(labels[n - 1], "F300");

    char err[256];
    CHECK_INT(queue_open(&q, path, NULL, err, sizeof err), QUEUE_OK);
    sqlite3_stmt *s = NULL;
    sqlite3_prepare_v2(queue_test_db(q),
                       "SELECT issue_service, count(*), max(seq) FROM ticket GROUP BY 1 ORDER BY 1",
                       -1, &s, NULL);
    int groups = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        groups++;
        CHECK_INT(sqlite3_column_int(s, 1), PROCS * PER_PROC / 2);
        CHECK_INT(sqlite3_column_int(s, 2), PROCS * PER_PROC / 2);
    }
    sqlite3_finalize(s);
    CHECK_INT(groups, 2);
    queue_close(q);
}

/* Several processes open a database that does not exist yet at the same moment: each gets
 * a working handle, the schema is created once (no step applied twice), and the result works. */
static void test_simultaneous_first_open(void)
{
    const char *dir = testlib_tmpdir("concurrent-create");
    const char *path = testlib_path(dir, "queue.db");
    int go[2];
    if (pipe(go) != 0)
        abort();
    pid_t pids[PROCS];
    for (int p = 0; p < PROCS; p++) {
        pids[p] = fork();
        if (pids[p] == 0) {
            close(go[1]);
            char c;
            if (read(go[0], &c, 1) != 1)
                _exit(2);
            queue *q = NULL;
            char err[256];
            if (queue_open(&q, path, NULL, err, sizeof err) != QUEUE_OK) {
                fprintf(stderr, "child: %s\n", err);
                _exit(3);
            }
            queue_setup s;
            tq_setup(&s);
            int rc = queue_apply_setup(q, &s, 0);
            queue_close(q);
            _exit(rc == QUEUE_OK ? 0 : 4);
        }
    }
    close(go[0]);
    char start[PROCS] = {0};
    CHECK_INT(write(go[1], start, PROCS), PROCS);
    close(go[1]);
    for (int p = 0; p < PROCS; p++) {
        int status = 0;
        CHECK_INT(waitpid(pids[p], &status, 0), pids[p]);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    queue *q = NULL;
    char err[256];
    CHECK_INT(queue_open(&q, path, NULL, err, sizeof err), QUEUE_OK);
    sqlite3_stmt *s = NULL;
    sqlite3_prepare_v2(queue_test_db(q), "PRAGMA user_version", -1, &s, NULL);
    CHECK_INT(sqlite3_step(s), SQLITE_ROW);
    CHECK_INT(sqlite3_column_int(s, 0), queue_schema_version());
    sqlite3_finalize(s);
    int64_t t0 = testlib_local_time(2026, 3, 10, 9, 0, 0);
    CHECK_STR(tq_issue(q, t0, 'A', false).label, "A001");
    queue_close(q);
}

int main(void)
{
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    RUN(test_processes_never_share_a_number);
    RUN(test_simultaneous_first_open);
    return testlib_finish();
}
