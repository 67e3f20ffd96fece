/* Queue engine: ticket numbers (unique per local day and service, across close/reopen; the
 * wrap past 999 skips 000 and numbers still in the queue) and the day rollover at local
 * midnight in Europe/Paris, on an ordinary day and on both DST days of 2026. */
#include "test_queue_support.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Numbers continue across a close and reopen of the database, per service. */
static void test_unique_across_reopen(void)
{
    int64_t t0 = testlib_local_time(2026, 3, 10, 9, 30, 0);
    const char *dir;
    queue *q = tq_open("num-reopen", NULL, t0, &dir);
    CHECK_STR(tq_issue(q, t0, 'A', false).label, "A001");
    CHECK_STR(tq_issue(q, t0 + 1, 'A', false).label, "A002");
    CHECK_STR(tq_issue(q, t0 + 2, 'F', false).label, "F001");
    queue_close(q);
    char err[256];
    CHECK_INT(queue_open(&q, testlib_path(dir, "queue.db"), NULL, err, sizeof err), QUEUE_OK);
    queue_ticket a3 = tq_issue(q, t0 + 3, 'A', false);
    CHECK_STR(a3.label, "A003");
    CHECK_INT(a3.seq, 3);
    CHECK_STR(a3.day, "2026-03-10");
    CHECK_STR(tq_issue(q, t0 + 4, 'F', false).label, "F002");
    CHECK_INT(queue_schema_version(), 6); /* 4: alarms, 5: closed days, 6: labels in nl, de, es, ar */
    queue_close(q);
}

static int collect_labels(const queue_ticket *t, void *ctx)
{
    char (*labels)[8] = ctx;
    for (int i = 0; i < 1000; i++)
        if (!labels[i][0]) {
            memcpy(labels[i], t->label, 8);
            break;
        }
    return 0;
}

/* Past 999 the label wraps: 000 is skipped, and so is any number still waiting, called or
 * serving that day, while seq keeps counting up (and stays unique in storage). */
static void test_wrap_skips_numbers_in_queue(void)
{
    int64_t t0 = testlib_local_time(2026, 3, 10, 9, 0, 0);
    queue *q = tq_open("num-wrap", NULL, t0, NULL);
    int64_t ids[1000];
    for (int i = 1; i <= 999; i++)
        ids[i] = tq_issue(q, t0 + i, 'A', false).id;
    /* everybody leaves except A005 (waiting) and A007 (called by counter 1) */
    for (int i = 1; i <= 999; i++)
        if (i != 5 && i != 7)
            CHECK_INT(queue_cancel(q, t0 + 1000, ids[i], "admin"), QUEUE_OK);
    queue_ticket t;
    CHECK_INT(queue_counter_open(q, t0, 1), QUEUE_OK);
    CHECK_INT(queue_call_next(q, t0 + 1001, 1, &t), QUEUE_OK);
    CHECK_STR(t.label, "A005");
    CHECK_INT(queue_transfer(q, t0 + 1002, 1, 'A', 2), QUEUE_OK);   /* A005 waits for counter 2 */
    CHECK_INT(queue_call_next(q, t0 + 1003, 1, &t), QUEUE_OK);
    CHECK_STR(t.label, "A007");
    const char *want[] = {"A001", "A002", "A003", "A004", "A006", "A008"};
    int want_seq[] = {1001, 1002, 1003, 1004, 1006, 1008};
    for (int i = 0; i < 6; i++) {
        t = tq_issue(q, t0 + 1100 + i, 'A', false);
        CHECK_STR(t.label, want[i]);
        CHECK_INT(t.seq, want_seq[i]);
    }
    /* every ticket still in the queue holds a distinct label */
    static char labels[1000][8];
    memset(labels, 0, sizeof labels);
    unsigned live = 1u << QUEUE_WAITING | 1u << QUEUE_CALLED | 1u << QUEUE_SERVING;
    CHECK_INT(queue_list_tickets(q, t0 + 2000, live, collect_labels, labels), QUEUE_OK);
    int n = 0;
    for (; n < 1000 && labels[n][0]; n++)
        for (int j = 0; j < n; j++)
            CHECK(strcmp(labels[n], labels[j]) != 0);
    CHECK_INT(n, 8);
    queue_close(q);
}

/* One midnight: tickets of the day before are expired at rollover (waiting and called alike,
 * the counter is freed), numbering restarts at 001 on the new local day, and rollover is
 * idempotent. `midnight_utc` is the expected Unix time of that local midnight, so the test
 * fails loudly if the time zone data were not applied. */
static void check_midnight(const char *name, int y, int m, int d, int64_t midnight_utc,
                           const char *day_before, const char *day_after)
{
    int64_t mid = testlib_local_time(y, m, d, 0, 0, 0);
    CHECK_INT(mid, midnight_utc);
    queue *q = tq_open(name, NULL, mid - 3600, NULL);
    queue_ticket a1 = tq_issue(q, mid - 1800, 'A', false);
    CHECK_STR(a1.day, day_before);
    tq_issue(q, mid - 600, 'A', false);
    queue_ticket a3 = tq_issue(q, mid - 1, 'A', false);
    CHECK_STR(a3.label, "A003");
    CHECK_STR(a3.day, day_before);
    CHECK_INT(queue_counter_open(q, mid - 100, 1), QUEUE_OK);
    queue_ticket t;
    CHECK_INT(queue_call_next(q, mid - 50, 1, &t), QUEUE_OK);
    CHECK_INT(queue_rollover(q, mid - 1), 0);
    CHECK_INT(queue_rollover(q, mid), 3);
    CHECK_INT(queue_rollover(q, mid + 1), 0);
    CHECK_INT(queue_get_ticket(q, a1.id, &t), QUEUE_OK);
    CHECK_INT(t.state, QUEUE_EXPIRED);
    queue_counter_status st;
    CHECK_INT(queue_counter_get(q, 1, &st), QUEUE_OK);
    CHECK_INT(st.current_ticket, 0);
    queue_ticket n1 = tq_issue(q, mid + 5, 'A', false);
    CHECK_STR(n1.label, "A001");
    CHECK_STR(n1.day, day_after);
    CHECK_INT(queue_call_next(q, mid + 10, 1, &t), QUEUE_OK);
    CHECK_INT(t.id, n1.id);
    queue_close(q);
}

static void test_midnight_ordinary_day(void)
{
    check_midnight("num-mid-normal", 2026, 3, 11, 1773183600, "2026-03-10", "2026-03-11");
}

/* Spring forward: 2026-03-29 has 23 hours (midnight in CET), the next midnight is in CEST. */
static void test_midnight_spring_dst(void)
{
    check_midnight("num-mid-spring1", 2026, 3, 29, 1774738800, "2026-03-28", "2026-03-29");
    check_midnight("num-mid-spring2", 2026, 3, 30, 1774821600, "2026-03-29", "2026-03-30");
}

/* Fall back: 2026-10-25 has 25 hours (midnight in CEST), the next midnight is in CET. */
static void test_midnight_autumn_dst(void)
{
    check_midnight("num-mid-autumn1", 2026, 10, 25, 1792879200, "2026-10-24", "2026-10-25");
    check_midnight("num-mid-autumn2", 2026, 10, 26, 1792969200, "2026-10-25", "2026-10-26");
}

static int hour_fn(const queue_bucket *b, void *ctx)
{
    int *issued_by_hour = ctx;
    issued_by_hour[b->hour] += b->issued;
    return 0;
}

/* Within a DST day, tickets land in their local hour: 02:30 happens twice on 2026-10-25 and
 * both count in hour 2; the whole 25-hour day stays one day and one numbering. */
static void test_autumn_repeated_hour(void)
{
    int64_t first_0230 = 1792888200;   /* 2026-10-25 00:30 UTC = 02:30 CEST */
    int64_t second_0230 = first_0230 + 3600;   /* 01:30 UTC = 02:30 CET */
    queue *q = tq_open("num-dst-hour", NULL, first_0230, NULL);
    CHECK_STR(tq_issue(q, first_0230, 'A', false).label, "A001");
    queue_ticket b = tq_issue(q, second_0230, 'A', false);
    CHECK_STR(b.label, "A002");
    CHECK_STR(b.day, "2026-10-25");
    queue_ticket c = tq_issue(q, 1792969200 - 1, 'A', false);   /* 23:59:59 CET */
    CHECK_STR(c.label, "A003");
    CHECK_STR(c.day, "2026-10-25");
    int by_hour[24] = {0};
    CHECK_INT(queue_aggregates(q, "2026-10-25", "2026-10-25", hour_fn, by_hour), QUEUE_OK);
    CHECK_INT(by_hour[2], 2);
    CHECK_INT(by_hour[23], 1);
    queue_close(q);
}

int main(void)
{
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    RUN(test_unique_across_reopen);
    RUN(test_wrap_skips_numbers_in_queue);
    RUN(test_midnight_ordinary_day);
    RUN(test_midnight_spring_dst);
    RUN(test_midnight_autumn_dst);
    RUN(test_autumn_repeated_hour);
    return testlib_finish();
}
