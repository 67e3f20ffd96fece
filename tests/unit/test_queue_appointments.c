/* Queue engine: finding the appointment behind a ticket (the note the counter shows), and what
 * the lookup answers for walk-ins, unknown tickets, re-imported and purged appointments. */
#include "test_queue_support.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int64_t T0;   /* a Tuesday 10:00 local */

/* A checked-in appointment is found from its ticket, note included, while it is called; a
 * note or a time changed by a later import is what the lookup gives; a walk-in ticket and an
 * unknown ticket are QUEUE_ENOAPPT. */
static void test_of_ticket(void)
{
    queue *q = tq_open("appt-of-ticket", NULL, T0, NULL);
    queue_appointment rdv = {.code = "RDV-10", .at = T0 + 1800, .service = 'R',
                             .note = "dossier CAF, apporter l'avis d'imposition"};
    CHECK_INT(queue_appointment_upsert(q, T0, &rdv), QUEUE_OK);
    queue_ticket walk = tq_issue(q, T0 + 60, 'A', false);
    queue_issued ci;
    CHECK_INT(queue_check_in(q, T0 + 1700, "RDV-10", &ci), QUEUE_OK);
    CHECK_INT(queue_counter_open(q, T0, 1), QUEUE_OK);
    queue_ticket t;
    CHECK_INT(queue_call_next(q, T0 + 1900, 1, &t), QUEUE_OK);
    CHECK_INT(t.id, ci.ticket.id);

    queue_appointment got;
    CHECK_INT(queue_appointment_of_ticket(q, t.id, &got), QUEUE_OK);
    CHECK_STR(got.code, "RDV-10");
    CHECK_INT(got.at, T0 + 1800);
    CHECK_INT(got.service, 'R');
    CHECK_INT(got.ticket_id, t.id);
    CHECK_STR(got.note, "dossier CAF, apporter l'avis d'imposition");
    CHECK_INT(queue_appointment_of_ticket(q, t.id, NULL), QUEUE_OK);

    /* the agency corrects the note after check-in: the counter sees the new one */
    snprintf(rdv.note, sizeof rdv.note, "%s", "dossier CAF complet");
    CHECK_INT(queue_appointment_upsert(q, T0 + 1950, &rdv), QUEUE_OK);
    CHECK_INT(queue_appointment_of_ticket(q, t.id, &got), QUEUE_OK);
    CHECK_STR(got.note, "dossier CAF complet");
    CHECK_INT(got.ticket_id, t.id);
    /* ... and moves it: the ticket still has the old time, the appointment is found anyway */
    rdv.at = T0 + 2400;
    CHECK_INT(queue_appointment_upsert(q, T0 + 1960, &rdv), QUEUE_OK);
    CHECK_INT(queue_appointment_of_ticket(q, t.id, &got), QUEUE_OK);
    CHECK_INT(got.at, T0 + 2400);
    CHECK_STR(got.note, "dossier CAF complet");

    CHECK_INT(queue_appointment_of_ticket(q, walk.id, &got), QUEUE_ENOAPPT);
    CHECK(queue_errmsg(q)[0] != '\0');
    CHECK_INT(queue_appointment_of_ticket(q, 999999, &got), QUEUE_ENOAPPT);
    CHECK_INT(queue_appointment_of_ticket(q, 0, &got), QUEUE_ENOAPPT);
    queue_close(q);
}

/* After the retention purge the appointment behind a ticket is gone: QUEUE_ENOAPPT, and
 * nothing of the note can be read back. An appointment not yet checked in has no ticket. */
static void test_purged(void)
{
    queue *q = tq_open("appt-purged", NULL, T0, NULL);
    queue_appointment rdv = {.code = "RDV-20", .at = T0 + 600, .service = 'R',
                             .note = "note à effacer"};
    queue_appointment other = {.code = "RDV-21", .at = T0 + 7200, .service = 'R'};
    CHECK_INT(queue_appointment_upsert(q, T0, &rdv), QUEUE_OK);
    CHECK_INT(queue_appointment_upsert(q, T0, &other), QUEUE_OK);
    queue_issued ci;
    CHECK_INT(queue_check_in(q, T0 + 600, "RDV-20", &ci), QUEUE_OK);
    queue_appointment got;
    CHECK_INT(queue_appointment_of_ticket(q, ci.ticket.id, &got), QUEUE_OK);
    CHECK_STR(got.note, "note à effacer");

    /* 0 days of retention at T0 + 3600: RDV-20 (T0 + 600) goes, RDV-21 (T0 + 7200) stays */
    CHECK_INT(queue_purge(q, T0 + 3600, 0), 1);
    CHECK_INT(queue_appointment_of_ticket(q, ci.ticket.id, &got), QUEUE_ENOAPPT);
    CHECK_INT(queue_appointment_get(q, "RDV-21", &got), QUEUE_OK);
    CHECK_INT(got.ticket_id, 0);
    queue_close(q);
}

int main(void)
{
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    T0 = testlib_local_time(2026, 3, 10, 10, 0, 0);
    RUN(test_of_ticket);
    RUN(test_purged);
    return testlib_finish();
}
