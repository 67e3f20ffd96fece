/* Queue engine, contract 2: what a desk records — outcomes (with the partner of a referral, from
 * the configured list), contacts by phone and e-mail, feedback reasons — and the aggregates that
 * carry them (outcome, partner, channel and reason counts, the wait histogram). Also the migration
 * of a database written before them. */
#include "test_queue_support.h"
#include "testlib.h"
#include "queue_internal.h"

#include <string.h>

static int64_t at(int h, int m)
{
    return testlib_local_time(2026, 3, 10, h, m, 0);
}

static void partners_setup(queue *q)
{
    queue_setup s;
    tq_setup(&s);
    s.n_partners = 2;
    strcpy(s.partners[0].id, "caf");
    strcpy(s.partners[0].label, "CAF de l'Aisne");
    strcpy(s.partners[1].id, "france-travail");
    strcpy(s.partners[1].label, "France Travail");
    CHECK_INT(queue_apply_setup(q, &s, at(8, 0)), QUEUE_OK);
    queue_setup back;
    CHECK_INT(queue_get_setup(q, &back), QUEUE_OK);
    CHECK_INT(back.n_partners, 2);
    CHECK_STR(back.partners[1].label, "France Travail");
}

typedef struct found {
    queue_bucket a9, none10;
    int n;
} found;

static int keep(const queue_bucket *b, void *ctx)
{
    found *f = ctx;
    if (b->hour == 9 && b->service == 'A')
        f->a9 = *b;
    if (b->hour == 10 && b->service == 0)
        f->none10 = *b;
    f->n++;
    return 0;
}

/* Serves one A ticket at counter 1: called `wait_min` after issue, finished with `o`. */
static int serve(queue *q, int issue_min, int wait_min, queue_outcome o, const char *partner)
{
    tq_issue(q, at(9, issue_min), 'A', false);
    queue_ticket t;
    CHECK_INT(queue_call_next(q, at(9, issue_min + wait_min), 1, &t), QUEUE_OK);
    return queue_finish_to(q, at(9, issue_min + wait_min + 2), 1, o, partner);
}

static void outcomes_partners_bands(void)
{
    queue *q = tq_open("visits-outcomes", NULL, at(8, 0), NULL);
    partners_setup(q);
    CHECK_INT(queue_counter_open(q, at(8, 0), 1), QUEUE_OK);
    CHECK_INT(serve(q, 0, 3, QUEUE_OUTCOME_SERVED, NULL), QUEUE_OK);            /* band 0-5 */
    CHECK_INT(serve(q, 1, 7, QUEUE_OUTCOME_ONLINE_HELP, NULL), QUEUE_OK);       /* 5-10 */
    CHECK_INT(serve(q, 2, 12, QUEUE_OUTCOME_APPOINTMENT, ""), QUEUE_OK);        /* 10-15 */
    CHECK_INT(serve(q, 3, 25, QUEUE_OUTCOME_REDIRECTED, "caf"), QUEUE_OK);      /* 20-30 */
    CHECK_INT(serve(q, 4, 50, QUEUE_OUTCOME_REDIRECTED, "caf"), QUEUE_OK);      /* 45-60 */
    CHECK_INT(serve(q, 5, 30, QUEUE_OUTCOME_REDIRECTED, NULL), QUEUE_OK);       /* 30-45: not said */

    /* Bad input: an unknown partner, a partner with another outcome, an unknown outcome. */
    tq_issue(q, at(9, 58), 'A', false);
    queue_ticket t;
    CHECK_INT(queue_call_next(q, at(9, 59), 1, &t), QUEUE_OK);
    CHECK_INT(queue_finish_to(q, at(9, 59), 1, QUEUE_OUTCOME_REDIRECTED, "msa"), QUEUE_ENOPARTNER);
    CHECK(strstr(queue_errmsg(q), "msa") != NULL);
    CHECK_INT(queue_finish_to(q, at(9, 59), 1, QUEUE_OUTCOME_SERVED, "caf"), QUEUE_EINVAL);
    CHECK_INT(queue_finish(q, at(9, 59), 1, (queue_outcome)7), QUEUE_EINVAL);
    CHECK_INT(queue_finish(q, at(9, 59), 1, QUEUE_OUTCOME_NONE), QUEUE_EINVAL);
    CHECK_INT(queue_get_ticket(q, t.id, &t), QUEUE_OK);
    CHECK_INT(t.state, QUEUE_CALLED);   /* nothing of the refused finishes stuck */
    CHECK_INT(queue_finish_to(q, at(9, 59) + 30, 1, QUEUE_OUTCOME_REDIRECTED, "france-travail"), QUEUE_OK);
    CHECK_INT(queue_get_ticket(q, t.id, &t), QUEUE_OK);
    CHECK_STR(t.partner, "france-travail");

    found f;
    memset(&f, 0, sizeof f);
    CHECK_INT(queue_aggregates(q, "2026-03-10", "2026-03-10", keep, &f), QUEUE_OK);
    const queue_bucket *b = &f.a9;
    CHECK_INT(b->issued, 7);
    CHECK_INT(b->served, 3);
    CHECK_INT(b->redirected, 4);
    CHECK_INT(b->outcomes[CONTRACT_OUTCOME_ANSWERED - 1], 1);
    CHECK_INT(b->outcomes[CONTRACT_OUTCOME_ONLINE_HELP - 1], 1);
    CHECK_INT(b->outcomes[CONTRACT_OUTCOME_APPOINTMENT - 1], 1);
    CHECK_INT(b->outcomes[CONTRACT_OUTCOME_PARTNER - 1], 4);
    CHECK_INT(b->n_partners, 2);
    CHECK_STR(b->partners[0].id, "caf");
    CHECK_INT(b->partners[0].n, 2);
    CHECK_STR(b->partners[1].id, "france-travail");
    CHECK_INT(b->partners[1].n, 1);
    int expect_bands[CONTRACT_WAIT_BANDS_N] = {2, 1, 1, 0, 1, 1, 1, 0};   /* the 1-min wait too */
    for (int i = 0; i < CONTRACT_WAIT_BANDS_N; i++)
        CHECK_INT(b->wait_bands[i], expect_bands[i]);
    queue_close(q);
}

static void contacts_and_reasons(void)
{
    queue *q = tq_open("visits-contacts", NULL, at(8, 0), NULL);
    CHECK_INT(queue_contact(q, at(10, 5), 2, CONTRACT_CHANNEL_PHONE), QUEUE_OK);
    CHECK_INT(queue_contact(q, at(10, 6), 2, CONTRACT_CHANNEL_PHONE), QUEUE_OK);
    CHECK_INT(queue_contact(q, at(10, 7), 1, CONTRACT_CHANNEL_EMAIL), QUEUE_OK);
    CHECK_INT(queue_contact(q, at(10, 8), 9, CONTRACT_CHANNEL_EMAIL), QUEUE_ENOCOUNTER);
    CHECK_INT(queue_contact(q, at(10, 8), 1, 3), QUEUE_EINVAL);
    CHECK_INT(queue_contact(q, at(10, 8), 1, 0), QUEUE_EINVAL);
    CHECK_INT(queue_feedback(q, at(10, 20), CONTRACT_WEATHER_ORAGE, 0, CONTRACT_REASON_ATTENTE), QUEUE_OK);
    CHECK_INT(queue_feedback(q, at(10, 21), CONTRACT_WEATHER_PLUIE, 0, CONTRACT_REASON_LOCAUX), QUEUE_OK);
    CHECK_INT(queue_feedback(q, at(10, 22), CONTRACT_WEATHER_PLUIE, 0, CONTRACT_REASON_NONE), QUEUE_OK);
    /* a reason goes with rain or storm only, and must be one of the contract's */
    CHECK_INT(queue_feedback(q, at(10, 23), CONTRACT_WEATHER_SOLEIL, 0, CONTRACT_REASON_ACCUEIL), QUEUE_EINVAL);
    CHECK_INT(queue_feedback(q, at(10, 23), CONTRACT_WEATHER_ORAGE, 0, 6), QUEUE_EINVAL);

    found f;
    memset(&f, 0, sizeof f);
    CHECK_INT(queue_aggregates(q, "2026-03-10", "2026-03-10", keep, &f), QUEUE_OK);
    CHECK_INT(f.n, 1);
    const queue_bucket *b = &f.none10;
    CHECK_INT(b->channels[CONTRACT_CHANNEL_PHONE - 1], 2);
    CHECK_INT(b->channels[CONTRACT_CHANNEL_EMAIL - 1], 1);
    CHECK_INT(b->feedback[CONTRACT_WEATHER_PLUIE - 1], 2);
    CHECK_INT(b->feedback[CONTRACT_WEATHER_ORAGE - 1], 1);
    CHECK_INT(b->feedback_reasons[CONTRACT_REASON_ATTENTE - 1], 1);
    CHECK_INT(b->feedback_reasons[CONTRACT_REASON_LOCAUX - 1], 1);
    CHECK_INT(b->issued, 0);

    /* The uploader's query sees contact buckets too, and a new contact raises the revision. */
    int64_t rev = b->revision;
    CHECK(rev > 0);
    CHECK_INT(queue_contact(q, at(10, 40), 1, CONTRACT_CHANNEL_PHONE), QUEUE_OK);
    memset(&f, 0, sizeof f);
    CHECK_INT(queue_aggregates_since(q, rev, keep, &f), QUEUE_OK);
    CHECK_INT(f.n, 1);
    CHECK(f.none10.revision > rev);
    CHECK_INT(f.none10.channels[CONTRACT_CHANNEL_PHONE - 1], 3);
    queue_close(q);
}

/* A database written before contract 2 (schema version 2) gains the new columns and tables, and
 * its old outcomes keep their meaning (1 served = answered, 2 redirected = partner). */
static void migration_from_2(void)
{
    const char *dir = NULL;
    queue *q = tq_open("visits-migrate", NULL, at(8, 0), &dir);
    CHECK_INT(queue_counter_open(q, at(8, 0), 1), QUEUE_OK);
    CHECK_INT(serve(q, 0, 3, QUEUE_OUTCOME_REDIRECTED, NULL), QUEUE_OK);
    sqlite3 *db = queue_test_db(q);
    /* Undo migrations 3, 4 (the safety alarms) and 6 (labels) by hand, as a version-2 build left
     * the file. */
    CHECK_INT(sqlite3_exec(db,
                           "DROP TABLE alarm_ack; DROP TABLE alarm; DROP TABLE alarm_ack_kind;"
                           "DROP TABLE alarm_relay_state; ALTER TABLE event DROP COLUMN alarm_id;"
                           "DROP TABLE contact; DROP TABLE partner; ALTER TABLE ticket DROP COLUMN partner;"
                           "ALTER TABLE feedback DROP COLUMN reason; ALTER TABLE service DROP COLUMN label_nl;"
                           "ALTER TABLE service DROP COLUMN label_de; ALTER TABLE service DROP COLUMN label_es;"
                           "ALTER TABLE service DROP COLUMN label_ar; PRAGMA user_version = 2;",
                           NULL, NULL, NULL),
              SQLITE_OK);
    queue_close(q);
    char err[256];
    CHECK_INT(queue_open(&q, testlib_path(dir, "queue.db"), NULL, err, sizeof err), QUEUE_OK);
    found f;
    memset(&f, 0, sizeof f);
    CHECK_INT(queue_aggregates(q, "2026-03-10", "2026-03-10", keep, &f), QUEUE_OK);
    CHECK_INT(f.a9.redirected, 1);
    CHECK_INT(f.a9.outcomes[CONTRACT_OUTCOME_PARTNER - 1], 1);
    CHECK_INT(f.a9.n_partners, 0);
    CHECK_INT(queue_contact(q, at(10, 0), 1, CONTRACT_CHANNEL_EMAIL), QUEUE_OK);
    queue_close(q);
}

int main(void)
{
    RUN(outcomes_partners_bands);
    RUN(contacts_and_reasons);
    RUN(migration_from_2);
    return testlib_finish();
}
