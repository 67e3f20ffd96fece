/* Queue engine, issue 13 ("the kiosk comes first"):
 * - the writers of one process take turns, and a priority writer (the kiosk's handle) goes
 *   before every writer that was already waiting;
 * - numbering a ticket costs a bounded number of statements, however full the service is: once
 *   999 tickets of a service wait, a refused issue made one query per candidate number (999
 *   under the write lock, ~140 ms) — counted here with SQLite's statement trace, not timed. */
#include "queue_internal.h"
#include "test_queue_support.h"
#include "testlib.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int64_t T0;

static int count_statement(unsigned type, void *ctx, void *p, void *x)
{
    (void)type;
    (void)p;
    (void)x;
    (*(int *)ctx)++;
    return 0;
}

static void test_full_service_costs_few_statements(void)
{
    queue *q = tq_open("writers-full", NULL, T0, NULL);
    int64_t ids[1000];
    for (int i = 1; i <= 999; i++)
        ids[i] = tq_issue(q, T0 + i, 'A', false).id;
    int statements = 0;
    sqlite3_trace_v2(q->db, SQLITE_TRACE_STMT, count_statement, &statements);
    queue_issued is;
    CHECK_INT(queue_issue(q, T0 + 1000, 'A', NULL, &is), QUEUE_ESTATE);
    CHECK(statements <= 12);
    printf("refused issue, 999 waiting: %d statements\n", statements);

    /* A500 leaves: the next issue finds that number, still in a handful of statements */
    CHECK_INT(queue_cancel(q, T0 + 1001, ids[500], "admin"), QUEUE_OK);
    statements = 0;
    CHECK_INT(queue_issue(q, T0 + 1002, 'A', NULL, &is), QUEUE_OK);
    CHECK_STR(is.ticket.label, "A500");
    CHECK_INT(is.ticket.seq, 1500);
    CHECK(statements <= 24);
    printf("issue after the wrap: %d statements\n", statements);
    sqlite3_trace_v2(q->db, 0, NULL, NULL);
    queue_close(q);
}

typedef struct writer {
    queue *q;
    char label[8];
} writer;

static void *issue_one(void *arg)
{
    writer *w = arg;
    queue_issued is;
    if (queue_issue(w->q, T0 + 1, 'A', NULL, &is) == QUEUE_OK)
        memcpy(w->label, is.ticket.label, sizeof w->label);
    return NULL;
}

static void wait_for_waiters(int n)
{
    for (int i = 0; i < 100000 && q_gate_waiting() < n; i++) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    CHECK_INT(q_gate_waiting(), n);
}

/* An API writer waits for the turn first; the kiosk's handle comes after it but goes first. */
static void test_priority_writer_goes_first(void)
{
    const char *dir;
    queue *holder = tq_open("writers-turn", NULL, T0, &dir);
    char err[256];
    writer api = {0}, kiosk = {0};
    queue_options prio = {.priority_writer = true};
    CHECK_INT(queue_open(&api.q, testlib_path(dir, "queue.db"), NULL, err, sizeof err), QUEUE_OK);
    CHECK_INT(queue_open(&kiosk.q, testlib_path(dir, "queue.db"), &prio, err, sizeof err), QUEUE_OK);

    CHECK_INT(q_begin(holder), QUEUE_OK);   /* a transaction in progress */
    pthread_t ta, tk;
    pthread_create(&ta, NULL, issue_one, &api);
    wait_for_waiters(1);
    pthread_create(&tk, NULL, issue_one, &kiosk);
    wait_for_waiters(2);
    CHECK_INT(q_end(holder, QUEUE_OK), QUEUE_OK);
    pthread_join(ta, NULL);
    pthread_join(tk, NULL);
    CHECK_STR(kiosk.label, "A001");
    CHECK_STR(api.label, "A002");
    queue_close(api.q);
    queue_close(kiosk.q);
    queue_close(holder);
}

int main(void)
{
    T0 = testlib_local_time(2026, 3, 10, 9, 0, 0);
    RUN(test_full_service_costs_few_statements);
    RUN(test_priority_writer_goes_first);
    return testlib_finish();
}
