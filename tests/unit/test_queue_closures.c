/* Closed days: French public holidays computed, exceptional closures, and what "open" and "next
 * opening" become on and around them (injected time, TZ Europe/Paris). */
#include <stdlib.h>
#include <string.h>

#include "borne/queue.h"
#include "test_queue_support.h"
#include "testlib.h"

static void holidays_are_computed(void)
{
    /* Easter 2026 is 5 April, 2027 is 28 March, 2024 was 31 March. */
    CHECK(queue_public_holiday(2026, 4, 6));   /* Easter Monday */
    CHECK(queue_public_holiday(2026, 5, 14));  /* Ascension */
    CHECK(queue_public_holiday(2026, 5, 25));  /* Whit Monday */
    CHECK(queue_public_holiday(2027, 3, 29));
    CHECK(queue_public_holiday(2027, 5, 6));
    CHECK(queue_public_holiday(2027, 5, 17));
    CHECK(queue_public_holiday(2024, 4, 1));
    CHECK(queue_public_holiday(2024, 5, 9));
    CHECK(queue_public_holiday(2024, 5, 20));
    int fixed[][2] = {{1, 1}, {5, 1}, {5, 8}, {7, 14}, {8, 15}, {11, 1}, {11, 11}, {12, 25}};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        CHECK(queue_public_holiday(2026, fixed[i][0], fixed[i][1]));
    CHECK(!queue_public_holiday(2026, 4, 5));   /* Easter Sunday itself is a Sunday anyway */
    CHECK(!queue_public_holiday(2026, 4, 7));
    CHECK(!queue_public_holiday(2026, 12, 24));
    CHECK(!queue_public_holiday(2026, 5, 15));
}

static void weekday_hours(queue_setup *s)
{
    s->always_open = false;
    s->last_ticket_min = -1;
    for (int d = 0; d < 5; d++) {
        s->week[d].n = 1;
        s->week[d].range[0].open_min = 9 * 60;
        s->week[d].range[0].close_min = 17 * 60;
    }
}

static void closures_close_the_kiosk(void)
{
    int64_t t0 = testlib_local_time(2026, 12, 1, 10, 0, 0);
    queue *q = tq_open("closures", NULL, t0, NULL);
    queue_setup s;
    tq_setup(&s);
    weekday_hours(&s);
    s.public_holidays = true;
    s.n_closures = 1;
    strcpy(s.closures[0], "2026-12-24");
    CHECK_INT(queue_apply_setup(q, &s, t0), QUEUE_OK);

    queue_setup back;
    CHECK_INT(queue_get_setup(q, &back), QUEUE_OK);
    CHECK(back.public_holidays);
    CHECK_INT(back.n_closures, 1);
    CHECK_STR(back.closures[0], "2026-12-24");

    CHECK(queue_is_open(q, testlib_local_time(2026, 12, 23, 10, 0, 0), NULL));
    /* Thursday 24 (exceptional) and Friday 25 (Christmas) closed: next opening Monday 28 at 9:00. */
    int64_t next = 0;
    CHECK(!queue_is_open(q, testlib_local_time(2026, 12, 24, 10, 0, 0), &next));
    CHECK_INT(next, testlib_local_time(2026, 12, 28, 9, 0, 0));
    CHECK(!queue_is_open(q, testlib_local_time(2026, 12, 25, 10, 0, 0), &next));
    CHECK_INT(next, testlib_local_time(2026, 12, 28, 9, 0, 0));
    /* Evening of the 23rd: the next opening skips both closed days. */
    CHECK(!queue_is_open(q, testlib_local_time(2026, 12, 23, 18, 0, 0), &next));
    CHECK_INT(next, testlib_local_time(2026, 12, 28, 9, 0, 0));
    queue_issued t;
    CHECK_INT(queue_issue(q, testlib_local_time(2026, 12, 24, 10, 0, 0), 'A', &(queue_issue_opts){0}, &t),
              QUEUE_ECLOSED);

    /* Holidays off: 25 December is an ordinary Friday. */
    s.public_holidays = false;
    CHECK_INT(queue_apply_setup(q, &s, t0), QUEUE_OK);
    CHECK(queue_is_open(q, testlib_local_time(2026, 12, 25, 10, 0, 0), NULL));

    strcpy(s.closures[0], "2026-13-01");
    CHECK_INT(queue_apply_setup(q, &s, t0), QUEUE_EINVAL);
    queue_close(q);
}

int main(void)
{
    setenv("TZ", "Europe/Paris", 1);
    RUN(holidays_are_computed);
    RUN(closures_close_the_kiosk);
    return testlib_finish();
}
