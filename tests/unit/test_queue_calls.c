/* Queue engine: counter operations and the call-next policy (priority, due appointments,
 * longest wait, services served, counter targets), transfer, recall/no-show, finish. */
#include "test_queue_support.h"
#include "testlib.h"

#include <stdlib.h>
#include <time.h>

static int64_t T0;   /* a Tuesday 10:00 local */

/* Longest wait first, then priority beats it, and ties go by issue order. */
static void test_priority_then_longest_wait(void)
{
    queue *q = tq_open("calls-prio", NULL, T0, NULL);
    queue_ticket a1 = tq_issue(q, T0 + 10, 'A', false);
    queue_ticket a2 = tq_issue(q, T0 + 20, 'A', false);
    queue_ticket p = tq_issue(q, T0 + 30, 'A', true);
    queue_ticket a3 = tq_issue(q, T0 + 30, 'A', false);
    CHECK_INT(queue_counter_open(q, T0, 1), QUEUE_OK);
    queue_ticket t;
    int64_t now = T0 + 100;
    int64_t want[] = {p.id, a1.id, a2.id, a3.id};
    for (int i = 0; i < 4; i++) {
        CHECK_INT(queue_call_next(q, now, 1, &t), QUEUE_OK);
        CHECK_INT(t.id, want[i]);
        CHECK_INT(t.state, QUEUE_CALLED);
        CHECK_INT(t.counter_id, 1);
        CHECK_INT(t.called_at, now);
        CHECK_INT(queue_finish(q, now + 5, 1, QUEUE_OUTCOME_SERVED), QUEUE_OK);
        now += 10;
    }
    CHECK_INT(queue_call_next(q, now, 1, &t), QUEUE_EEMPTY);
    CHECK(queue_errmsg(q)[0] != '\0');
    queue_close(q);
}

/* A checked-in appointment whose time has come goes first; one checked in early waits like a
 * walk-in (it does not jump the queue before its time). */
static void test_due_appointments(void)
{
    queue *q = tq_open("calls-appt", NULL, T0, NULL);
    queue_appointment due = {.code = "RDV-1", .at = T0 + 1500, .service = 'R'};
    queue_appointment later = {.code = "RDV-2", .at = T0 + 3600, .service = 'R'};
    CHECK_INT(queue_appointment_upsert(q, T0, &due), QUEUE_OK);
    CHECK_INT(queue_appointment_upsert(q, T0, &later), QUEUE_OK);
    queue_ticket w = tq_issue(q, T0 + 60, 'A', false);
    queue_issued ci_later, ci_due;
    /* RDV-2 checks in 30 min early (allowed), before RDV-1 arrives */
    CHECK_INT(queue_check_in(q, T0 + 1800, "RDV-2", &ci_later), QUEUE_OK);
    queue_ticket prio = tq_issue(q, T0 + 1810, 'A', true);
    CHECK_INT(queue_check_in(q, T0 + 1820, "RDV-1", &ci_due), QUEUE_OK);
    CHECK(ci_due.ticket.appointment);
    CHECK_INT(ci_due.ticket.service, 'R');
    CHECK_INT(ci_due.ticket.label[0], 'R');
    CHECK_INT(queue_counter_open(q, T0, 1), QUEUE_OK);
    queue_ticket t;
    int64_t now = T0 + 1900;   /* RDV-1 is due (T0+1500), RDV-2 is not (T0+3600) */
    int64_t want[] = {ci_due.ticket.id, prio.id, w.id, ci_later.ticket.id};
    for (int i = 0; i < 4; i++) {
        CHECK_INT(queue_call_next(q, now, 1, &t), QUEUE_OK);
        CHECK_INT(t.id, want[i]);
        CHECK_INT(queue_finish(q, now, 1, QUEUE_OUTCOME_SERVED), QUEUE_OK);
    }
    queue_close(q);
}

/* Counter 3 serves only F: it never gets A; counter 1 does not get F. */
static void test_services_served(void)
{
    queue *q = tq_open("calls-served", NULL, T0, NULL);
    queue_ticket a = tq_issue(q, T0 + 1, 'A', false);
    queue_ticket f = tq_issue(q, T0 + 2, 'F', false);
    CHECK_INT(queue_counter_open(q, T0, 1), QUEUE_OK);
    CHECK_INT(queue_counter_open(q, T0, 3), QUEUE_OK);
    queue_ticket t;
    CHECK_INT(queue_call_next(q, T0 + 10, 3, &t), QUEUE_OK);
    CHECK_INT(t.id, f.id);
    CHECK_INT(queue_finish(q, T0 + 11, 3, QUEUE_OUTCOME_SERVED), QUEUE_OK);
    CHECK_INT(queue_call_next(q, T0 + 12, 3, &t), QUEUE_EEMPTY);
    tq_issue(q, T0 + 13, 'F', false);
    CHECK_INT(queue_call_next(q, T0 + 14, 1, &t), QUEUE_OK);
    CHECK_INT(t.id, a.id);
    CHECK_INT(queue_finish(q, T0 + 15, 1, QUEUE_OUTCOME_SERVED), QUEUE_OK);
    CHECK_INT(queue_call_next(q, T0 + 16, 1, &t), QUEUE_EEMPTY);
    queue_close(q);
}

/* Transfer to another service keeps the arrival time (so the visitor is not sent to the back),
 * sets the transferred flag; a transfer targeted at counter 2 is not given to counter 1. */
static void test_transfer(void)
{
    queue *q = tq_open("calls-transfer", NULL, T0, NULL);
    queue_ticket a = tq_issue(q, T0 + 1, 'A', false);
    queue_ticket f1 = tq_issue(q, T0 + 50, 'F', false);
    CHECK_INT(queue_counter_open(q, T0, 1), QUEUE_OK);
    CHECK_INT(queue_counter_open(q, T0, 2), QUEUE_OK);
    CHECK_INT(queue_counter_open(q, T0, 3), QUEUE_OK);
    queue_ticket t;
    CHECK_INT(queue_call_next(q, T0 + 100, 1, &t), QUEUE_OK);
    CHECK_INT(t.id, a.id);
    CHECK_INT(queue_start(q, T0 + 110, 1), QUEUE_OK);
    /* counter 1 does not serve F: a transfer of F to counter 1 is refused */
    CHECK_INT(queue_transfer(q, T0 + 200, 1, 'F', 1), QUEUE_ENOTSERVED);
    CHECK_INT(queue_transfer(q, T0 + 200, 1, 'Z', 0), QUEUE_ENOSERVICE);
    CHECK_INT(queue_transfer(q, T0 + 200, 1, 0, 99), QUEUE_ENOCOUNTER);
    CHECK_INT(queue_transfer(q, T0 + 200, 1, 'F', 0), QUEUE_OK);
    CHECK_INT(queue_get_ticket(q, a.id, &t), QUEUE_OK);
    CHECK_INT(t.state, QUEUE_WAITING);
    CHECK_INT(t.service, 'F');
    CHECK_STR(t.label, a.label);
    CHECK(t.transferred);
    CHECK_INT(t.issued_at, T0 + 1);
    /* it arrived before f1, so counter 3 (F) takes it first */
    CHECK_INT(queue_call_next(q, T0 + 300, 3, &t), QUEUE_OK);
    CHECK_INT(t.id, a.id);
    /* now to counter 2 only, same service */
    CHECK_INT(queue_transfer(q, T0 + 310, 3, 0, 2), QUEUE_OK);
    CHECK_INT(queue_get_ticket(q, a.id, &t), QUEUE_OK);
    CHECK_INT(t.counter_id, 2);
    CHECK_INT(queue_call_next(q, T0 + 320, 3, &t), QUEUE_OK);
    CHECK_INT(t.id, f1.id);   /* counter 3 skips the ticket reserved for counter 2 */
    CHECK_INT(queue_finish(q, T0 + 330, 3, QUEUE_OUTCOME_SERVED), QUEUE_OK);
    CHECK_INT(queue_call_next(q, T0 + 340, 3, &t), QUEUE_EEMPTY);
    /* back to A, reserved for counter 2: counter 1 (serves A) must not get it */
    CHECK_INT(queue_call_next(q, T0 + 350, 2, &t), QUEUE_OK);
    CHECK_INT(t.id, a.id);
    CHECK_INT(queue_transfer(q, T0 + 360, 2, 'A', 2), QUEUE_OK);
    CHECK_INT(queue_call_next(q, T0 + 370, 1, &t), QUEUE_EEMPTY);
    CHECK_INT(queue_call_next(q, T0 + 380, 2, &t), QUEUE_OK);
    CHECK_INT(t.id, a.id);
    CHECK_INT(queue_finish(q, T0 + 390, 2, QUEUE_OUTCOME_REDIRECTED), QUEUE_OK);
    CHECK_INT(queue_get_ticket(q, a.id, &t), QUEUE_OK);
    CHECK_INT(t.state, QUEUE_DONE);
    CHECK_INT(t.outcome, QUEUE_OUTCOME_REDIRECTED);
    CHECK_INT(t.issued_at, T0 + 1);
    queue_close(q);
}

/* Counter states: calling on a closed or paused counter, calling while holding a ticket,
 * closing while holding one; recall counts and the no-show threshold; double finish. */
static void test_counter_rules(void)
{
    queue_options o = {.recalls_before_no_show = 2};
    queue *q = tq_open("calls-rules", &o, T0, NULL);
    tq_issue(q, T0 + 1, 'A', false);
    tq_issue(q, T0 + 2, 'A', false);
    queue_ticket t;
    CHECK_INT(queue_call_next(q, T0 + 10, 1, &t), QUEUE_ESTATE);   /* closed */
    CHECK(queue_errmsg(q)[0] != '\0');
    CHECK_INT(queue_call_next(q, T0 + 10, 42, &t), QUEUE_ENOCOUNTER);
    CHECK_INT(queue_counter_open(q, T0 + 10, 42), QUEUE_ENOCOUNTER);
    CHECK_INT(queue_counter_pause(q, T0 + 10, 1), QUEUE_OK);
    CHECK_INT(queue_call_next(q, T0 + 10, 1, &t), QUEUE_ESTATE);   /* paused */
    CHECK_INT(queue_counter_open(q, T0 + 10, 1), QUEUE_OK);
    CHECK_INT(queue_recall(q, T0 + 10, 1, &t), QUEUE_ENOTICKET);
    CHECK_INT(queue_finish(q, T0 + 10, 1, QUEUE_OUTCOME_SERVED), QUEUE_ENOTICKET);
    CHECK_INT(queue_call_next(q, T0 + 20, 1, &t), QUEUE_OK);
    CHECK_INT(queue_call_next(q, T0 + 21, 1, &t), QUEUE_ESTATE);   /* still holds one */
    CHECK_INT(queue_counter_close(q, T0 + 21, 1), QUEUE_ESTATE);
    queue_counter_status st;
    CHECK_INT(queue_counter_get(q, 1, &st), QUEUE_OK);
    CHECK_INT(st.state, QUEUE_COUNTER_OPEN);
    CHECK_INT(st.current_ticket, t.id);
    CHECK_STR(st.services, "AR");
    CHECK_INT(queue_no_show(q, T0 + 30, 1), QUEUE_ERECALLS);
    CHECK_INT(queue_recall(q, T0 + 40, 1, &t), QUEUE_OK);
    CHECK_INT(t.recalls, 1);
    CHECK_INT(queue_no_show(q, T0 + 50, 1), QUEUE_ERECALLS);
    CHECK_INT(queue_recall(q, T0 + 60, 1, &t), QUEUE_OK);
    CHECK_INT(t.recalls, 2);
    CHECK_INT(queue_no_show(q, T0 + 70, 1), QUEUE_OK);
    CHECK_INT(queue_get_ticket(q, t.id, &t), QUEUE_OK);
    CHECK_INT(t.state, QUEUE_NO_SHOW);
    CHECK_INT(queue_no_show(q, T0 + 71, 1), QUEUE_ESTATE);         /* twice */
    CHECK_INT(queue_call_next(q, T0 + 80, 1, &t), QUEUE_OK);
    CHECK_INT(queue_start(q, T0 + 90, 1), QUEUE_OK);
    CHECK_INT(queue_start(q, T0 + 91, 1), QUEUE_ESTATE);
    CHECK_INT(queue_recall(q, T0 + 91, 1, &t), QUEUE_ESTATE);      /* serving, not called */
    CHECK_INT(queue_no_show(q, T0 + 92, 1), QUEUE_ESTATE);
    CHECK_INT(queue_finish(q, T0 + 95, 1, (queue_outcome)7), QUEUE_EINVAL);
    CHECK_INT(queue_finish(q, T0 + 100, 1, QUEUE_OUTCOME_SERVED), QUEUE_OK);
    CHECK_INT(queue_finish(q, T0 + 101, 1, QUEUE_OUTCOME_SERVED), QUEUE_ESTATE);   /* double */
    CHECK(queue_errmsg(q)[0] != '\0');
    CHECK_INT(queue_get_ticket(q, t.id, &t), QUEUE_OK);
    CHECK_INT(t.state, QUEUE_DONE);
    CHECK_INT(t.started_at, T0 + 90);
    CHECK_INT(t.finished_at, T0 + 100);
    CHECK_INT(queue_counter_close(q, T0 + 110, 1), QUEUE_OK);
    CHECK_INT(queue_counter_get(q, 1, &st), QUEUE_OK);
    CHECK_INT(st.state, QUEUE_COUNTER_CLOSED);
    queue_close(q);
}

/* Cancel: waiting or called only; a called ticket frees its counter. */
static void test_cancel(void)
{
    queue *q = tq_open("calls-cancel", NULL, T0, NULL);
    queue_ticket a = tq_issue(q, T0 + 1, 'A', false);
    queue_ticket b = tq_issue(q, T0 + 2, 'A', false);
    CHECK_INT(queue_cancel(q, T0 + 3, b.id, "admin"), QUEUE_OK);
    CHECK_INT(queue_cancel(q, T0 + 3, b.id, "admin"), QUEUE_ESTATE);
    CHECK_INT(queue_cancel(q, T0 + 3, 9999, "admin"), QUEUE_ENOTICKET);
    CHECK_INT(queue_counter_open(q, T0, 1), QUEUE_OK);
    queue_ticket t;
    CHECK_INT(queue_call_next(q, T0 + 4, 1, &t), QUEUE_OK);
    CHECK_INT(t.id, a.id);
    CHECK_INT(queue_cancel(q, T0 + 5, a.id, NULL), QUEUE_OK);
    queue_counter_status st;
    CHECK_INT(queue_counter_get(q, 1, &st), QUEUE_OK);
    CHECK_INT(st.current_ticket, 0);
    CHECK_INT(queue_call_next(q, T0 + 6, 1, &t), QUEUE_EEMPTY);
    queue_close(q);
}

/* People ahead and the wait range: default service time before data, then the median of
 * finished services, divided by the open counters serving the service; never "0 min". */
static void test_wait_estimate(void)
{
    queue_options o = {.default_service_s = 600};
    queue *q = tq_open("calls-wait", &o, T0, NULL);
    queue_issued out;
    CHECK_INT(queue_issue(q, T0, 'F', NULL, &out), QUEUE_OK);
    CHECK_INT(out.people_ahead, 0);
    CHECK_INT(out.wait_min_lo, 1);
    CHECK_INT(out.wait_min_hi, 5);
    for (int i = 0; i < 2; i++)
        CHECK_INT(queue_issue(q, T0 + 1 + i, 'F', NULL, &out), QUEUE_OK);
    CHECK_INT(out.people_ahead, 2);
    /* 2 × 600 s ÷ 1 (no counter open: divide by 1) = 20 min */
    CHECK_INT(out.wait_min_lo, 20);
    CHECK_INT(out.wait_min_hi, 25);
    /* a priority ticket has nobody ahead */
    queue_issue_opts po = {.priority = true};
    CHECK_INT(queue_issue(q, T0 + 5, 'F', &po, &out), QUEUE_OK);
    CHECK_INT(out.people_ahead, 0);
    /* serve three F tickets in 120, 240, 300 s: median 240 s */
    CHECK_INT(queue_counter_open(q, T0, 3), QUEUE_OK);
    int64_t now = T0 + 100;
    int durations[] = {120, 300, 240};
    queue_ticket t;
    for (int i = 0; i < 3; i++) {
        CHECK_INT(queue_call_next(q, now, 3, &t), QUEUE_OK);
        CHECK_INT(queue_start(q, now, 3), QUEUE_OK);
        now += durations[i];
        CHECK_INT(queue_finish(q, now, 3, QUEUE_OUTCOME_SERVED), QUEUE_OK);
    }
    CHECK_INT(queue_counter_open(q, T0, 2), QUEUE_OK);
    for (int i = 0; i < 5; i++)
        tq_issue(q, now + i, 'F', false);
    /* 1 left + 5 new waiting; a new one has 6 ahead: 6 × 240 ÷ 2 open counters = 12 min */
    CHECK_INT(queue_issue(q, now + 10, 'F', NULL, &out), QUEUE_OK);
    CHECK_INT(out.people_ahead, 6);
    CHECK_INT(out.wait_min_lo, 10);
    CHECK_INT(out.wait_min_hi, 15);
    queue_service_stats st[8];
    int n = queue_service_stats_now(q, now + 10, st, 8);
    CHECK_INT(n, 4);   /* A, F, R, E: E is no tile but still has a queue */
    CHECK(st[2].walk_in && !st[3].walk_in);
    CHECK_INT(st[1].letter, 'F');
    CHECK_INT(st[1].waiting, 7);
    CHECK_INT(st[1].open_counters, 2);
    CHECK_INT(st[1].wait_min_lo, 10);   /* 7 × 240 ÷ 2 = 14 min */
    CHECK_INT(st[0].letter, 'A');
    CHECK_INT(st[0].waiting, 0);
    CHECK_INT(st[0].wait_min_lo, 1);
    queue_close(q);
}

/* Listing today's tickets by state mask, in issue order. */
static int count_fn(const queue_ticket *t, void *ctx)
{
    (void)t;
    (*(int *)ctx)++;
    return 0;
}

static void test_list(void)
{
    queue *q = tq_open("calls-list", NULL, T0, NULL);
    for (int i = 0; i < 4; i++)
        tq_issue(q, T0 + i, 'A', false);
    CHECK_INT(queue_counter_open(q, T0, 1), QUEUE_OK);
    queue_ticket t;
    CHECK_INT(queue_call_next(q, T0 + 10, 1, &t), QUEUE_OK);
    int all = 0, waiting = 0, called = 0;
    CHECK_INT(queue_list_tickets(q, T0 + 20, 0, count_fn, &all), QUEUE_OK);
    CHECK_INT(queue_list_tickets(q, T0 + 20, 1u << QUEUE_WAITING, count_fn, &waiting), QUEUE_OK);
    CHECK_INT(queue_list_tickets(q, T0 + 20, 1u << QUEUE_CALLED, count_fn, &called), QUEUE_OK);
    CHECK_INT(all, 4);
    CHECK_INT(waiting, 3);
    CHECK_INT(called, 1);
    queue_close(q);
}

/* A service that is not offered as a walk-in tile (disabled, as the appointment service usually
 * is) refuses walk-in tickets but still takes its booked visitors at check-in. */
static void test_checkin_into_tile_less_service(void)
{
    queue *q = tq_open("calls-tileless", NULL, T0, NULL);
    queue_issued out;
    CHECK_INT(queue_issue(q, T0, 'E', NULL, &out), QUEUE_EDISABLED);
    queue_appointment a = {.code = "E-7", .at = T0 + 600, .service = 'E'};
    CHECK_INT(queue_appointment_upsert(q, T0, &a), QUEUE_OK);
    CHECK_INT(queue_check_in(q, T0, "E-7", &out), QUEUE_OK);
    CHECK_STR(out.ticket.label, "E001");
    CHECK(out.ticket.appointment);
    queue_close(q);
}

int main(void)
{
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    T0 = testlib_local_time(2026, 3, 10, 10, 0, 0);
    RUN(test_priority_then_longest_wait);
    RUN(test_due_appointments);
    RUN(test_services_served);
    RUN(test_transfer);
    RUN(test_counter_rules);
    RUN(test_cancel);
    RUN(test_wait_estimate);
    RUN(test_list);
    RUN(test_checkin_into_tile_less_service);
    return testlib_finish();
}
