/* The numbers the database stores for ticket states, outcomes, public types and counter states
 * are the file format: a database written by one build is read by the next. The engine pins them
 * with _Static_assert (queue_internal.h), so a renumbered enum does not build; this test reads
 * the raw columns after real operations and compares them with the literal numbers of the
 * format, so a changed stored value (the macros themselves) fails here. */
#include "queue_internal.h"
#include "test_queue_support.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 testlib_local_time(2026, 11, 23, 10, 0, 0)

static long long raw(queue *q, const char *sql, long long id)
{
    sqlite3_stmt *s = NULL;
    long long v = -1;
    if (sqlite3_prepare_v2(q->db, sql, -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(s, 1, id);
        if (sqlite3_step(s) == SQLITE_ROW)
            v = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
    return v;
}

static long long ticket_col(queue *q, const char *col, int64_t id)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT %s FROM ticket WHERE id = ?", col);
    return raw(q, sql, id);
}

static void ticket_states_and_outcomes(void)
{
    int64_t now = T0;
    queue *q = tq_open("stored-ticket", NULL, now, NULL);
    CHECK_INT(queue_counter_open(q, now, 1), QUEUE_OK);
    queue_issued is;
    queue_issue_opts firm = {.public_type = QUEUE_PUBLIC_ENTREPRISE};
    CHECK_INT(queue_issue(q, now, 'A', &firm, &is), QUEUE_OK);
    int64_t id = is.ticket.id;
    CHECK_INT(ticket_col(q, "state", id), 0);          /* waiting */
    CHECK_INT(ticket_col(q, "outcome", id), 0);        /* none */
    CHECK_INT(ticket_col(q, "public_type", id), 2);    /* entreprise */
    queue_ticket t;
    CHECK_INT(queue_call_next(q, now + 10, 1, &t), QUEUE_OK);
    CHECK_INT(ticket_col(q, "state", id), 1);          /* called */
    CHECK_INT(queue_start(q, now + 20, 1), QUEUE_OK);
    CHECK_INT(ticket_col(q, "state", id), 2);          /* serving */
    CHECK_INT(queue_finish(q, now + 30, 1, QUEUE_OUTCOME_SERVED), QUEUE_OK);
    CHECK_INT(ticket_col(q, "state", id), 3);          /* done */
    CHECK_INT(ticket_col(q, "outcome", id), 1);        /* served */

    id = tq_issue(q, now + 40, 'A', false).id;
    CHECK_INT(queue_call_next(q, now + 50, 1, &t), QUEUE_OK);
    CHECK_INT(queue_finish(q, now + 60, 1, QUEUE_OUTCOME_REDIRECTED), QUEUE_OK);
    CHECK_INT(ticket_col(q, "outcome", id), 2);        /* redirected (partner) */
    const queue_outcome later[] = {QUEUE_OUTCOME_ONLINE_HELP, QUEUE_OUTCOME_APPOINTMENT};
    for (int i = 0; i < 2; i++) {
        id = tq_issue(q, now + 61 + i, 'A', false).id;
        CHECK_INT(queue_call_next(q, now + 62 + i, 1, &t), QUEUE_OK);
        CHECK_INT(queue_finish(q, now + 63 + i, 1, later[i]), QUEUE_OK);
        CHECK_INT(ticket_col(q, "outcome", id), 3 + i); /* online help, appointment to follow */
    }

    id = tq_issue(q, now + 70, 'A', false).id;
    CHECK_INT(queue_call_next(q, now + 80, 1, &t), QUEUE_OK);
    CHECK_INT(queue_recall(q, now + 90, 1, &t), QUEUE_OK);
    CHECK_INT(queue_no_show(q, now + 100, 1), QUEUE_OK);
    CHECK_INT(ticket_col(q, "state", id), 4);          /* no-show */

    id = tq_issue(q, now + 110, 'A', false).id;
    CHECK_INT(queue_cancel(q, now + 120, id, "test"), QUEUE_OK);
    CHECK_INT(ticket_col(q, "state", id), 5);          /* cancelled */

    id = tq_issue(q, now + 130, 'A', false).id;
    CHECK_INT(queue_rollover(q, now + 86400), 1);            /* tickets it expired */
    CHECK_INT(ticket_col(q, "state", id), 6);          /* expired */

    queue_issue_opts publics[] = {{.public_type = QUEUE_PUBLIC_UNSPECIFIED}, {.public_type = QUEUE_PUBLIC_PARTICULIER},
                                  {.public_type = QUEUE_PUBLIC_ASSOCIATION}, {.public_type = QUEUE_PUBLIC_COLLECTIVITE}};
    const int stored[] = {0, 1, 3, 4};
    for (int i = 0; i < 4; i++) {
        CHECK_INT(queue_issue(q, now + 86400 + i, 'A', &publics[i], &is), QUEUE_OK);
        CHECK_INT(ticket_col(q, "public_type", is.ticket.id), stored[i]);
    }
    queue_close(q);
}

static void counter_states(void)
{
    int64_t now = T0;
    queue *q = tq_open("stored-counter", NULL, now, NULL);
    const char *sql = "SELECT state FROM counter WHERE id = ?";
    CHECK_INT(queue_counter_close(q, now, 2), QUEUE_OK);
    CHECK_INT(raw(q, sql, 2), 0);                       /* closed */
    CHECK_INT(queue_counter_open(q, now, 2), QUEUE_OK);
    CHECK_INT(raw(q, sql, 2), 1);                       /* open */
    CHECK_INT(queue_counter_pause(q, now, 2), QUEUE_OK);
    CHECK_INT(raw(q, sql, 2), 2);                       /* paused */
    queue_close(q);
}

/* The partial indexes of the first migration are byte for byte what shipped. */
static void shipped_schema_unchanged(void)
{
    queue *q = tq_open("stored-schema", NULL, T0, NULL);
    const char *want[][2] = {
        {"ticket_waiting", "CREATE INDEX ticket_waiting ON ticket(day, service) WHERE state = 0"},
        {"ticket_live", "CREATE INDEX ticket_live ON ticket(day) WHERE state IN (0, 1, 2)"},
        {"ticket_done", "CREATE INDEX ticket_done ON ticket(service, finished_at) WHERE state = 3"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        sqlite3_stmt *s = NULL;
        sqlite3_prepare_v2(q->db, "SELECT sql FROM sqlite_master WHERE name = ?", -1, &s, NULL);
        sqlite3_bind_text(s, 1, want[i][0], -1, SQLITE_STATIC);
        CHECK_INT(sqlite3_step(s), SQLITE_ROW);
        const char *got = (const char *)sqlite3_column_text(s, 0);
        CHECK_STR(got ? got : "", want[i][1]);
        sqlite3_finalize(s);
    }
    queue_close(q);
}

int main(void)
{
    setenv("TZ", "Europe/Paris", 1);
    RUN(ticket_states_and_outcomes);
    RUN(counter_states);
    RUN(shipped_schema_unchanged);
    return testlib_finish();
}
