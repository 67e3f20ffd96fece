/* Queue engine: aggregates on a hand-computed scenario (counts, wait and service sums, p50/p90
 * by nearest rank, feedback), bucket revisions (increase on change; aggregates_since returns
 * exactly the changed buckets) and the event log (one row per operation, in order). */
#include "test_queue_support.h"
#include "testlib.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_B 32

typedef struct collected {
    int n;
    queue_bucket b[MAX_B];
} collected;

static int collect(const queue_bucket *b, void *ctx)
{
    collected *c = ctx;
    if (c->n < MAX_B)
        c->b[c->n++] = *b;
    return 0;
}

static const queue_bucket *find(const collected *c, int hour, char service, queue_public pub)
{
    for (int i = 0; i < c->n; i++)
        if (c->b[i].hour == hour && c->b[i].service == service && c->b[i].public_type == pub)
            return &c->b[i];
    return NULL;
}

static int64_t at(int h, int m)
{
    return testlib_local_time(2026, 3, 10, h, m, 0);
}

static queue *scenario(const char *name)
{
    queue *q = tq_open(name, NULL, at(9, 0), NULL);
    queue_issue_opts part = {.public_type = QUEUE_PUBLIC_PARTICULIER};
    queue_issued t1, t2, t3, t4, t5;
    queue_ticket t;
    CHECK_INT(queue_counter_open(q, at(9, 0), 1), QUEUE_OK);
    CHECK_INT(queue_counter_open(q, at(9, 0), 3), QUEUE_OK);
    CHECK_INT(queue_issue(q, at(10, 0), 'A', &part, &t1), QUEUE_OK);
    CHECK_INT(queue_issue(q, at(10, 1), 'A', &part, &t2), QUEUE_OK);
    CHECK_INT(queue_issue(q, at(10, 2), 'A', &part, &t3), QUEUE_OK);
    CHECK_INT(queue_cancel(q, at(10, 3), t3.ticket.id, "kiosk"), QUEUE_OK);
    /* t1: waits 300 s, served in 600 s from the start */
    CHECK_INT(queue_call_next(q, at(10, 5), 1, &t), QUEUE_OK);
    CHECK_INT(t.id, t1.ticket.id);
    CHECK_INT(queue_start(q, at(10, 6), 1), QUEUE_OK);
    CHECK_INT(queue_issue(q, at(10, 10), 'A', &part, &t4), QUEUE_OK);
    CHECK_INT(queue_finish(q, at(10, 16), 1, QUEUE_OUTCOME_SERVED), QUEUE_OK);
    /* t2: waits 900 s, recalled, no-show */
    CHECK_INT(queue_call_next(q, at(10, 16), 1, &t), QUEUE_OK);
    CHECK_INT(t.id, t2.ticket.id);
    CHECK_INT(queue_recall(q, at(10, 17), 1, &t), QUEUE_OK);
    CHECK_INT(queue_no_show(q, at(10, 18), 1), QUEUE_OK);
    /* t4: waits 600 s, 240 s at counter 1, transferred to F, 600 s at counter 3, redirected */
    CHECK_INT(queue_call_next(q, at(10, 20), 1, &t), QUEUE_OK);
    CHECK_INT(t.id, t4.ticket.id);
    CHECK_INT(queue_start(q, at(10, 21), 1), QUEUE_OK);
    CHECK_INT(queue_transfer(q, at(10, 25), 1, 'F', 0), QUEUE_OK);
    CHECK_INT(queue_call_next(q, at(10, 30), 3, &t), QUEUE_OK);
    CHECK_INT(t.id, t4.ticket.id);
    CHECK_INT(queue_start(q, at(10, 31), 3), QUEUE_OK);
    CHECK_INT(queue_finish(q, at(10, 41), 3, QUEUE_OUTCOME_REDIRECTED), QUEUE_OK);
    /* an appointment checked in at 10:50 */
    queue_appointment a = {.code = "R-1", .at = at(11, 0), .service = 'R'};
    CHECK_INT(queue_appointment_upsert(q, at(9, 0), &a), QUEUE_OK);
    queue_issued ci;
    CHECK_INT(queue_check_in(q, at(10, 50), "R-1", &ci), QUEUE_OK);
    /* t5: public type not given, still waiting at the end of the day */
    CHECK_INT(queue_issue(q, at(11, 0), 'A', NULL, &t5), QUEUE_OK);
    CHECK_INT(queue_feedback(q, at(11, 30), 1, 0, CONTRACT_REASON_NONE), QUEUE_OK);
    CHECK_INT(queue_feedback(q, at(11, 31), 1, 0, CONTRACT_REASON_NONE), QUEUE_OK);
    CHECK_INT(queue_feedback(q, at(11, 40), 4, 'A', CONTRACT_REASON_NONE), QUEUE_OK);
    return q;
}

/* The figures of every bucket, computed by hand from the scenario above. */
static void test_bucket_figures(void)
{
    queue *q = scenario("agg-figures");
    collected c = {0};
    CHECK_INT(queue_aggregates(q, "2026-03-10", "2026-03-10", collect, &c), QUEUE_OK);
    CHECK_INT(c.n, 4);
    const queue_bucket *b = find(&c, 10, 'A', QUEUE_PUBLIC_PARTICULIER);
    CHECK(b != NULL);
    if (b) {
        CHECK_STR(b->day, "2026-03-10");
        CHECK_INT(b->issued, 4);
        CHECK_INT(b->called, 3);
        CHECK_INT(b->served, 1);
        CHECK_INT(b->redirected, 1);
        CHECK_INT(b->no_show, 1);
        CHECK_INT(b->cancelled, 1);
        CHECK_INT(b->expired, 0);
        CHECK_INT(b->transferred, 1);
        CHECK_INT(b->appointments_checked_in, 0);
        CHECK_INT(b->wait_sum_s, 300 + 900 + 600);
        CHECK_INT(b->wait_count, 3);
        CHECK_INT(b->wait_p50_s, 600);   /* 300 600 900: rank ceil(1.5) = 2 */
        CHECK_INT(b->wait_p90_s, 900);   /* rank ceil(2.7) = 3 */
        CHECK_INT(b->service_sum_s, 600 + 840);
        CHECK_INT(b->service_count, 2);
        CHECK_INT(b->service_p50_s, 600);
        CHECK_INT(b->service_p90_s, 840);
        for (int i = 0; i < 5; i++)
            CHECK_INT(b->feedback[i], 0);
    }
    b = find(&c, 10, 'R', QUEUE_PUBLIC_UNSPECIFIED);
    CHECK(b != NULL);
    if (b) {
        CHECK_INT(b->issued, 1);
        CHECK_INT(b->appointments_checked_in, 1);
        CHECK_INT(b->called, 0);
        CHECK_INT(b->wait_count, 0);
        CHECK_INT(b->wait_p50_s, 0);
    }
    b = find(&c, 11, 'A', QUEUE_PUBLIC_UNSPECIFIED);
    CHECK(b != NULL);
    if (b) {
        CHECK_INT(b->issued, 1);
        CHECK_INT(b->expired, 0);
        CHECK_INT(b->feedback[3], 1);
    }
    b = find(&c, 11, 0, QUEUE_PUBLIC_UNSPECIFIED);   /* feedback not about a service */
    CHECK(b != NULL);
    if (b) {
        CHECK_INT(b->issued, 0);
        CHECK_INT(b->feedback[0], 2);
    }
    /* ordered by day, hour, service, public type */
    for (int i = 1; i < c.n; i++)
        CHECK(c.b[i - 1].hour < c.b[i].hour ||
              (c.b[i - 1].hour == c.b[i].hour && c.b[i - 1].service <= c.b[i].service));
    collected none = {0};
    CHECK_INT(queue_aggregates(q, "2026-03-11", "2026-03-12", collect, &none), QUEUE_OK);
    CHECK_INT(none.n, 0);
    CHECK_INT(queue_aggregates(q, "2026-3-11", "2026-03-12", collect, &none), QUEUE_EINVAL);
    queue_close(q);
}

/* Revisions: aggregates_since(0) lists every bucket by increasing revision; nothing is listed
 * after the latest one; a change (the rollover expiring t5, a new feedback) lists exactly the
 * buckets it touched, with a larger revision; reads and non-counting operations change none. */
static void test_revisions(void)
{
    queue *q = scenario("agg-revisions");
    collected all = {0};
    CHECK_INT(queue_aggregates_since(q, 0, collect, &all), QUEUE_OK);
    CHECK_INT(all.n, 4);
    for (int i = 1; i < all.n; i++)
        CHECK(all.b[i - 1].revision < all.b[i].revision);
    int64_t rev = all.b[all.n - 1].revision;
    collected c = {0};
    CHECK_INT(queue_aggregates_since(q, rev, collect, &c), QUEUE_OK);
    CHECK_INT(c.n, 0);
    /* counter state changes touch no bucket */
    CHECK_INT(queue_counter_pause(q, at(12, 0), 1), QUEUE_OK);
    CHECK_INT(queue_aggregates_since(q, rev, collect, &c), QUEUE_OK);
    CHECK_INT(c.n, 0);
    /* the next day: rollover expires t5 (bucket 11/A/unspecified) and the appointment ticket
     * never called (bucket 10/R/unspecified); nothing else changes */
    int64_t next = testlib_local_time(2026, 3, 11, 8, 0, 0);
    CHECK_INT(queue_rollover(q, next), 2);
    CHECK_INT(queue_aggregates_since(q, rev, collect, &c), QUEUE_OK);
    CHECK_INT(c.n, 2);
    const queue_bucket *a11 = find(&c, 11, 'A', QUEUE_PUBLIC_UNSPECIFIED);
    const queue_bucket *r10 = find(&c, 10, 'R', QUEUE_PUBLIC_UNSPECIFIED);
    CHECK(a11 && r10);
    if (!a11 || !r10) {
        queue_close(q);
        return;
    }
    CHECK_INT(a11->expired, 1);
    CHECK_INT(r10->expired, 1);
    const queue_bucket *before = find(&all, 11, 'A', QUEUE_PUBLIC_UNSPECIFIED);
    CHECK(before && a11->revision > before->revision && a11->revision > rev);
    CHECK(r10->revision > rev && c.b[0].revision < c.b[1].revision);
    int64_t rev2 = c.b[1].revision;
    /* feedback the next day makes a new bucket */
    CHECK_INT(queue_feedback(q, next + 60, 5, 'F', CONTRACT_REASON_NONE), QUEUE_OK);
    collected d = {0};
    CHECK_INT(queue_aggregates_since(q, rev2, collect, &d), QUEUE_OK);
    CHECK_INT(d.n, 1);
    CHECK_STR(d.b[0].day, "2026-03-11");
    CHECK_INT(d.b[0].service, 'F');
    CHECK_INT(d.b[0].feedback[4], 1);
    CHECK(d.b[0].revision > rev2);
    queue_close(q);
}

typedef struct ev_list {
    int n;
    queue_event e[64];
} ev_list;

static int collect_ev(const queue_event *e, void *ctx)
{
    ev_list *l = ctx;
    if (l->n < 64)
        l->e[l->n++] = *e;
    return 0;
}

/* The event log has one row per operation, in order, with who, what, which ticket and where;
 * limit and after_id page through it. */
static void test_event_log(void)
{
    queue *q = scenario("agg-events");
    int64_t next = testlib_local_time(2026, 3, 11, 8, 0, 0);
    CHECK_INT(queue_rollover(q, next), 2);
    CHECK_INT(queue_counter_close(q, next, 3), QUEUE_OK);
    CHECK_INT(queue_purge(q, next + 90 * 86400, 30), 1);
    ev_list l = {0};
    CHECK_INT(queue_events_since(q, 0, 0, collect_ev, &l), QUEUE_OK);
    const char *kinds[] = {"setup", "counter_open", "counter_open", "issue", "issue", "issue",
                           "cancel", "call", "start", "issue", "finish", "call", "recall",
                           "no_show", "call", "start", "transfer", "call", "start", "finish",
                           "appointment", "check_in", "issue", "feedback", "feedback",
                           "feedback", "expire", "expire", "counter_close", "purge"};
    int n = (int)(sizeof kinds / sizeof kinds[0]);
    CHECK_INT(l.n, n);
    for (int i = 0; i < n && i < l.n; i++) {
        CHECK_STR(l.e[i].kind, kinds[i]);
        if (i)
            CHECK(l.e[i].id > l.e[i - 1].id);
    }
    /* details of a few */
    CHECK_STR(l.e[3].actor, "kiosk");
    CHECK_STR(l.e[3].label, "A001");
    CHECK_INT(l.e[3].service, 'A');
    CHECK_INT(l.e[3].at, at(10, 0));
    CHECK_STR(l.e[7].actor, "counter:1");
    CHECK_INT(l.e[7].counter_id, 1);
    CHECK_STR(l.e[7].label, "A001");
    CHECK_INT(l.e[16].service, 'F');   /* transfer: the new service */
    CHECK_STR(l.e[26].actor, "system");
    CHECK(l.e[26].ticket_id != 0);
    CHECK_INT(l.e[28].counter_id, 3);
    /* paging */
    ev_list p = {0};
    CHECK_INT(queue_events_since(q, l.e[4].id, 3, collect_ev, &p), QUEUE_OK);
    CHECK_INT(p.n, 3);
    CHECK_INT(p.e[0].id, l.e[5].id);
    CHECK_INT(queue_events_since(q, 0, -1, collect_ev, &p), QUEUE_EINVAL);
    queue_close(q);
}

int main(void)
{
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    RUN(test_bucket_figures);
    RUN(test_revisions);
    RUN(test_event_log);
    return testlib_finish();
}
