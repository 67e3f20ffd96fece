/* Queue engine, safety alarms: raise (and a replayed or relayed raise), acknowledgements as a
 * set, clear once, escalations and relay state, every change in the append-only event log with
 * the alarm's id, and the stored enum values named in SQL. */
#include "queue_internal.h"
#include "borne/queue_alarm.h"
#include "test_queue_support.h"
#include "testlib.h"

#include <stdlib.h>
#include <string.h>

static const int64_t T0 = 1780000000;

static queue_alarm_raise_req local_raise(const char *uid, int counter)
{
    return (queue_alarm_raise_req){.uid = uid, .antenne = "fourmies",
                                   .antenne_name = "Antenne de Fourmies", .counter_id = counter,
                                   .desk = "Guichet 2", .actor = "counter:2"};
}

typedef struct kinds {
    char text[512];
    int with_alarm;
} kinds;

static int collect_kinds(const queue_event *e, void *ctx)
{
    kinds *k = ctx;
    strncat(k->text, e->kind, sizeof k->text - strlen(k->text) - 2);
    strcat(k->text, " ");
    return 0;
}

static int64_t scalar(queue *q, const char *sql)
{
    sqlite3_stmt *s = NULL;
    int64_t v = -1;
    if (sqlite3_prepare_v2(queue_test_db(q), sql, -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static void test_raise_ack_clear(void)
{
    queue *q = tq_open("alarm-life", NULL, T0, NULL);
    queue_alarm_raise_req r = local_raise("fourmies-1", 2);
    int64_t id = 0, again = 0;
    bool created = false;
    CHECK_INT(queue_alarm_raise(q, T0, &r, &id, &created), QUEUE_OK);
    CHECK(created);
    CHECK(id > 0);
    /* the same uid again (a replayed request, or the copy HQ sends back): one alarm */
    CHECK_INT(queue_alarm_raise(q, T0 + 1, &r, &again, &created), QUEUE_OK);
    CHECK(!created);
    CHECK_INT(again, id);
    CHECK_INT(scalar(q, "SELECT count(*) FROM alarm"), 1);

    CHECK_INT(queue_alarm_acknowledge(q, T0 + 5, id, QUEUE_ALARM_ACK_SEEN, "Guichet 1", "fourmies",
                                      0, "counter:1"), QUEUE_OK);
    CHECK_INT(queue_alarm_acknowledge(q, T0 + 6, id, QUEUE_ALARM_ACK_SEEN, "Guichet 1", "fourmies",
                                      0, "counter:1"), QUEUE_OK);   /* known: no second row */
    CHECK_INT(queue_alarm_acknowledge(q, T0 + 7, id, QUEUE_ALARM_ACK_COMING, "Guichet 3", "avesnes",
                                      T0 + 4, "hq"), QUEUE_OK);
    CHECK_INT(queue_alarm_acknowledge(q, T0 + 7, id, (queue_alarm_ack_kind)9, "Guichet 3", "avesnes",
                                      0, "hq"), QUEUE_EINVAL);
    queue_alarm a;
    CHECK_INT(queue_alarm_get(q, id, &a), QUEUE_OK);
    CHECK_STR(a.uid, "fourmies-1");
    CHECK_STR(a.desk, "Guichet 2");
    CHECK_INT(a.raised_at, T0);
    CHECK_INT(a.n_acks, 2);
    CHECK_INT(a.acks[0].kind, QUEUE_ALARM_ACK_COMING);   /* oldest first: its own time T0+4 */
    CHECK_STR(a.acks[0].antenne, "avesnes");
    CHECK_INT(a.acks[1].kind, QUEUE_ALARM_ACK_SEEN);
    CHECK_STR(a.acks[1].who, "Guichet 1");
    CHECK_INT(a.cleared_at, 0);

    CHECK_INT(queue_alarm_clear(q, T0 + 60, id, "Guichet 2", "", 0, "counter:2"), QUEUE_EINVAL);
    CHECK_INT(queue_alarm_clear(q, T0 + 60, id, "Guichet 2", "visiteur calmé", 0, "counter:2"),
              QUEUE_OK);
    CHECK_INT(queue_alarm_clear(q, T0 + 70, id, "Manager", "again", 0, "hq"), QUEUE_OK);
    CHECK_INT(queue_alarm_get(q, id, &a), QUEUE_OK);
    CHECK_INT(a.cleared_at, T0 + 60);
    CHECK_STR(a.cleared_by, "Guichet 2");
    CHECK_STR(a.clear_reason, "visiteur calmé");
    CHECK_INT(queue_alarm_acknowledge(q, T0 + 80, id, QUEUE_ALARM_ACK_CALLING, "Guichet 1",
                                      "fourmies", 0, "counter:1"), QUEUE_ESTATE);
    CHECK_INT(queue_alarm_acknowledge(q, T0 + 80, 999, QUEUE_ALARM_ACK_CALLING, "Guichet 1",
                                      "fourmies", 0, "counter:1"), QUEUE_ENOTICKET);

    kinds k = {0};
    CHECK_INT(queue_events_since(q, 0, 0, collect_kinds, &k), QUEUE_OK);
    CHECK(strstr(k.text, "alarm_raise alarm_ack alarm_ack alarm_clear ") != NULL);
    CHECK_INT(scalar(q, "SELECT count(*) FROM event WHERE kind LIKE 'alarm_%' AND alarm_id = 1"), 4);
    /* the log stays append-only */
    CHECK(sqlite3_exec(queue_test_db(q), "DELETE FROM event WHERE alarm_id = 1", NULL, NULL, NULL) != SQLITE_OK);
    queue_close(q);
}

static void test_refused_raises(void)
{
    queue *q = tq_open("alarm-refused", NULL, T0, NULL);
    int64_t id;
    bool created;
    queue_alarm_raise_req r = local_raise("bad uid with spaces", 2);
    CHECK_INT(queue_alarm_raise(q, T0, &r, &id, &created), QUEUE_EINVAL);
    r = local_raise("fourmies-2", 42);
    CHECK_INT(queue_alarm_raise(q, T0, &r, &id, &created), QUEUE_ENOCOUNTER);
    CHECK_INT(id, 0);
    /* a remote desk is not one of ours */
    r.remote = true;
    r.antenne = "avesnes";
    CHECK_INT(queue_alarm_raise(q, T0, &r, &id, &created), QUEUE_OK);
    CHECK_INT(queue_alarm_find(q, "fourmies-2", &id), QUEUE_OK);
    CHECK_INT(queue_alarm_find(q, "nope", &id), QUEUE_ENOTICKET);
    queue_close(q);
}

static int count_alarm(const queue_alarm *a, void *ctx)
{
    (void)a;
    ++*(int *)ctx;
    return 0;
}

static void test_list_relay_escalate(void)
{
    queue *q = tq_open("alarm-relay", NULL, T0, NULL);
    queue_alarm_raise_req r = local_raise("fourmies-3", 1);
    r.test = true;
    int64_t id;
    bool created;
    CHECK_INT(queue_alarm_raise(q, T0, &r, &id, &created), QUEUE_OK);
    int n = 0;
    CHECK_INT(queue_alarm_list_unrelayed(q, count_alarm, &n), QUEUE_OK);
    CHECK_INT(n, 1);
    queue_alarm a;
    CHECK_INT(queue_alarm_get(q, id, &a), QUEUE_OK);
    CHECK(a.test);
    CHECK_INT(a.relay, QUEUE_ALARM_RELAY_PENDING);
    CHECK_INT(queue_alarm_set_relay(q, T0 + 1, id, QUEUE_ALARM_RELAY_UNREACHABLE, 0), QUEUE_OK);
    CHECK_INT(queue_alarm_set_relay(q, T0 + 2, id, QUEUE_ALARM_RELAY_UNREACHABLE, 0), QUEUE_OK);
    CHECK_INT(queue_alarm_set_relay(q, T0 + 3, id, QUEUE_ALARM_RELAY_SENT, a.revision), QUEUE_OK);
    n = 0;
    CHECK_INT(queue_alarm_list_unrelayed(q, count_alarm, &n), QUEUE_OK);
    CHECK_INT(n, 0);
    /* an escalation is a change HQ must hear about */
    CHECK_INT(queue_alarm_escalated(q, T0 + 120, id, T0 + 120), QUEUE_OK);
    CHECK_INT(queue_alarm_get(q, id, &a), QUEUE_OK);
    CHECK_INT(a.escalations, 1);
    CHECK_INT(a.escalated_at, T0 + 120);
    CHECK(a.revision > a.relayed_revision);
    CHECK_INT(scalar(q, "SELECT count(*) FROM event WHERE kind = 'alarm_relay'"), 2);

    /* shown: active, and cleared within the recent window */
    CHECK_INT(queue_alarm_clear(q, T0 + 200, id, "Guichet 1", "test terminé", 0, "counter:1"), QUEUE_OK);
    n = 0;
    CHECK_INT(queue_alarm_list(q, T0 + 300, 600, count_alarm, &n), QUEUE_OK);
    CHECK_INT(n, 1);
    n = 0;
    CHECK_INT(queue_alarm_list(q, T0 + 1000, 600, count_alarm, &n), QUEUE_OK);
    CHECK_INT(n, 0);
    queue_close(q);
}

static void test_names_pinned(void)
{
    queue *q = tq_open("alarm-names", NULL, T0, NULL);
    CHECK_INT(scalar(q, "SELECT id FROM alarm_ack_kind WHERE name = 'arrive'"), QUEUE_ALARM_ACK_COMING);
    CHECK_INT(scalar(q, "SELECT id FROM alarm_ack_kind WHERE name = 'appelle'"), QUEUE_ALARM_ACK_CALLING);
    CHECK_INT(scalar(q, "SELECT id FROM alarm_relay_state WHERE name = 'unreachable'"),
              QUEUE_ALARM_RELAY_UNREACHABLE);
    for (int k = QUEUE_ALARM_ACK_SEEN; k <= QUEUE_ALARM_ACK_COMING; k++)
        CHECK_INT(queue_alarm_ack_from_name(queue_alarm_ack_name((queue_alarm_ack_kind)k)), k);
    CHECK_INT(queue_alarm_ack_from_name("bof"), -1);
    CHECK_STR(queue_alarm_relay_name(QUEUE_ALARM_RELAY_LOCAL_ONLY), "local_only");
    queue_close(q);
}

int main(void)
{
    setenv("TZ", "Europe/Paris", 1);
    RUN(test_raise_ack_clear);
    RUN(test_refused_raises);
    RUN(test_list_relay_escalate);
    RUN(test_names_pinned);
    return testlib_finish();
}
