/* Queue engine crash test: a child process issues, calls and finishes tickets in a loop and
 * reports each ticket (id, label) on a pipe only after queue_issue() returned; the parent
 * kills it with SIGKILL at a random moment (including during open), then reopens the database
 * and checks: PRAGMA integrity_check is ok, every reported ticket is present with its label,
 * and per day and service the numbers are exactly 1..N (no gap, no repeat).
 *
 * Usage: test_queue_crash [kills]   (default 200; the `slow` variant runs 2000) */
#include "queue_internal.h"
#include "test_queue_support.h"
#include "testlib.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TICKETS_PER_DAY 400   /* stay below 999: no wrap, so numbers must be exactly 1..N */

typedef struct reported {
    int64_t id;
    char label[8];
} reported;

static reported *rep;
static size_t n_rep, cap_rep;

static void child(const char *path, int64_t now, int wfd)
{
    queue *q = NULL;
    char err[256];
    if (queue_open(&q, path, NULL, err, sizeof err) != QUEUE_OK) {
        fprintf(stderr, "child: %s\n", err);
        _exit(2);
    }
    queue_rollover(q, now);
    for (unsigned i = 0;; i++, now++) {
        queue_issued out;
        int rc = queue_issue(q, now, i % 3 ? 'A' : 'F', NULL, &out);
        if (rc != QUEUE_OK) {
            fprintf(stderr, "child: issue: %s\n", queue_errmsg(q));
            _exit(3);
        }
        char line[64];
        int len = snprintf(line, sizeof line, "%" PRId64 " %s %" PRId64 "\n", out.ticket.id,
                           out.ticket.label, now);
        if (write(wfd, line, (size_t)len) != len)   /* < PIPE_BUF: all or nothing */
            _exit(4);
        queue_counter_status st;
        if (queue_counter_get(q, 2, &st) != QUEUE_OK)
            _exit(5);
        if (st.current_ticket) {
            if (i % 2)
                queue_start(q, now, 2);
            rc = queue_finish(q, now, 2, QUEUE_OUTCOME_SERVED);
        } else {
            rc = queue_call_next(q, now, 2, NULL);
        }
        if (rc != QUEUE_OK && rc != QUEUE_EEMPTY) {
            fprintf(stderr, "child: counter: %s\n", queue_errmsg(q));
            _exit(6);
        }
    }
}

/* Reads the child's whole output (the pipe closes when it dies) and records complete lines. */
static void read_reports(int rfd, int64_t *last_now)
{
    static char buf[1 << 16];
    size_t len = 0;
    for (;;) {
        ssize_t r = read(rfd, buf + len, sizeof buf - 1 - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        len += (size_t)r;
        buf[len] = '\0';
        char *line = buf, *nl;
        while ((nl = strchr(line, '\n'))) {
            *nl = '\0';
            reported x = {0};
            int64_t now = 0;
            if (sscanf(line, "%" SCNd64 " %7s %" SCNd64, &x.id, x.label, &now) == 3) {
                if (n_rep == cap_rep) {
                    cap_rep = cap_rep ? cap_rep * 2 : 1024;
                    rep = realloc(rep, cap_rep * sizeof *rep);
                    if (!rep)
                        abort();
                }
                rep[n_rep++] = x;
                *last_now = now;
            } else {
                CHECK(!"malformed report line");
            }
            line = nl + 1;
        }
        len = strlen(line);
        memmove(buf, line, len);
    }
}

/* After a kill: integrity, every reported ticket present, numbers 1..N per day and service. */
static bool verify(const char *path, size_t checked_from)
{
    queue *q = NULL;
    char err[256];
    if (!CHECK_INT(queue_open(&q, path, NULL, err, sizeof err), QUEUE_OK)) {
        fprintf(stderr, "reopen: %s\n", err);
        return false;
    }
    bool ok = true;
    sqlite3 *db = queue_test_db(q);
    sqlite3_stmt *s = NULL;
    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL);
    ok &= CHECK_INT(sqlite3_step(s), SQLITE_ROW);
    ok &= CHECK_STR((const char *)sqlite3_column_text(s, 0), "ok");
    sqlite3_finalize(s);
    for (size_t i = checked_from; i < n_rep; i++) {
        queue_ticket t;
        ok &= CHECK_INT(queue_get_ticket(q, rep[i].id, &t), QUEUE_OK);
        ok &= CHECK_STR(t.label, rep[i].label);
    }
    sqlite3_prepare_v2(db,
                       "SELECT day, issue_service, count(*), min(seq), max(seq),"
                       " count(DISTINCT label) FROM ticket GROUP BY 1, 2",
                       -1, &s, NULL);
    while (sqlite3_step(s) == SQLITE_ROW) {
        int n = sqlite3_column_int(s, 2);
        ok &= CHECK_INT(sqlite3_column_int(s, 3), 1);
        ok &= CHECK_INT(sqlite3_column_int(s, 4), n);
        ok &= CHECK_INT(sqlite3_column_int(s, 5), n);
    }
    sqlite3_finalize(s);
    queue_close(q);
    return ok;
}

static int kills = 200;

static void test_kill_loop(void)
{
    int64_t day0 = testlib_local_time(2026, 3, 10, 9, 0, 0);
    const char *dir;
    queue *q = tq_open("crash", NULL, day0, &dir);
    CHECK_INT(queue_counter_open(q, day0, 2), QUEUE_OK);
    queue_close(q);
    const char *path = testlib_path(dir, "queue.db");
    unsigned seed = 20261123;
    srand(seed);
    int64_t now = day0;
    int day = 0;
    size_t day_start = 0, checked = 0;
    int opened_before_kill = 0;
    for (int k = 0; k < kills; k++) {
        int fds[2];
        if (pipe(fds) != 0)
            abort();
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            child(path, now, fds[1]);
        }
        close(fds[1]);
        /* 0..40 ms: sometimes before the child has even opened the database */
        struct timespec d = {0, (long)(rand() % 40000) * 1000};
        nanosleep(&d, NULL);
        kill(pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        size_t before = n_rep;
        int64_t last = now;
        read_reports(fds[0], &last);
        close(fds[0]);
        opened_before_kill += n_rep > before;
        now = last + 1;
        if (n_rep - day_start >= TICKETS_PER_DAY) {   /* next morning */
            day++;
            now = testlib_local_time(2026, 3, 10 + day, 9, 0, 0);
            day_start = n_rep;
        }
        if (!verify(path, checked)) {
            fprintf(stderr, "after kill %d (seed %u)\n", k + 1, seed);
            break;
        }
        checked = n_rep;
    }
    printf("%d kills, %zu tickets reported over %d days, %d runs issued before the kill\n",
           kills, n_rep, day + 1, opened_before_kill);
    CHECK(n_rep > 0);
    free(rep);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        kills = atoi(argv[1]);
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    RUN(test_kill_loop);
    return testlib_finish();
}
