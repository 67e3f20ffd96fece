/* The hub's doors and its committed answers, over real HTTP (issue 13): text stored before the
 * doors were checked (a Latin-1 note, a Latin-1 service label) never turns a committed change
 * into an error; control characters in a body are refused with 400 and store nothing; a decoded
 * %00, '?', '#' or '/' never cuts a path short; an Idempotency-Key left pending by a killed
 * process is released when the hub starts again; the daily purge deletes stored replies. */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_hub_support.h"
#include "testlib.h"

static th_fixture F;
static sqlite3 *DB;   /* the test's own connection, for what only an old build could write */

#define LATIN1_NOTE "Dossier r\xE9sum\xE9 \xE0 v\xE9rifier"
#define REPAIRED_NOTE "Dossier r\xEF\xBF\xBDsum\xEF\xBF\xBD \xEF\xBF\xBD v\xEF\xBF\xBDrifier"

static void sql(const char *text)
{
    char *msg = NULL;
    if (!CHECK_INT(sqlite3_exec(DB, text, NULL, NULL, &msg), SQLITE_OK))
        fprintf(stderr, "  %s: %s\n", text, msg);
    sqlite3_free(msg);
}

static long long sql_int(const char *text)
{
    sqlite3_stmt *s;
    long long v = -1;
    if (sqlite3_prepare_v2(DB, text, -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static json_t *body_json(const th_response *r)
{
    json_t *j = json_loads(r->body, 0, NULL);
    CHECK(j != NULL);
    return j;
}

static const char *note_of(json_t *view)
{
    return json_string_value(json_object_get(json_object_get(view, "appointment"), "note"));
}

/* Tries: a note written in Latin-1 by the old import path (bad bytes straight into the
 * database), then call-next, its retry with the same key, recall, start and the counter's view.
 * Each commits, so each answers 2xx, the retry replays exactly the first answer, and the bad
 * bytes are shown as U+FFFD. */
static void latin1_note_never_fails_a_committed_call(void)
{
    th_response r, again;
    int64_t at = th_now(&F) - 60;
    char body[160];
    snprintf(body, sizeof body, "[{\"code\":\"RDV-L1\",\"at\":%lld,\"counter\":2,\"note\":\"x\"}]",
             (long long)at);
    CHECK_INT(th_http(&F, "PUT", "/api/v1/appointments", TH_TOKEN2, NULL, body, &r), 200);
    th_response_free(&r);
    sql("UPDATE appointment SET note = '" LATIN1_NOTE "' WHERE code = 'RDV-L1'");
    queue_issued ci;
    CHECK_INT(queue_check_in(F.q, th_now(&F), "RDV-L1", &ci), QUEUE_OK);
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/2/open", TH_TOKEN2, NULL, NULL, &r), 200);
    th_response_free(&r);

    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/2/call-next", TH_TOKEN2, "latin-call", NULL, &r), 200);
    json_t *j = body_json(&r);
    CHECK_STR(note_of(j), REPAIRED_NOTE);
    json_decref(j);
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/2/call-next", TH_TOKEN2, "latin-call", NULL, &again), 200);
    CHECK(again.replayed);
    CHECK_STR(again.body, r.body);
    th_response_free(&r);
    th_response_free(&again);
    queue_ticket t;
    CHECK_INT(queue_get_ticket(F.q, ci.ticket.id, &t), QUEUE_OK);
    CHECK_INT(t.state, QUEUE_CALLED);

    static const char *const steps[] = {"/api/v1/counters/2/recall", "/api/v1/counters/2/start"};
    for (size_t i = 0; i < 2; i++) {
        CHECK_INT(th_http(&F, "POST", steps[i], TH_TOKEN2, NULL, NULL, &r), 200);
        j = body_json(&r);
        CHECK_STR(note_of(j), REPAIRED_NOTE);
        json_decref(j);
        th_response_free(&r);
    }
    CHECK_INT(th_http(&F, "GET", "/api/v1/counters/2", TH_TOKEN2, NULL, NULL, &r), 200);
    j = body_json(&r);
    CHECK_STR(note_of(j), REPAIRED_NOTE);
    json_decref(j);
    th_response_free(&r);
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/2/finish", TH_TOKEN2, NULL, NULL, &r), 200);
    th_response_free(&r);
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/2/close", TH_TOKEN2, NULL, NULL, &r), 200);
    th_response_free(&r);
}

/* Tries: a Latin-1 service label and counter name already in the database (written by an older
 * build): the service stays in /state, with U+FFFD for the bad byte. */
static void latin1_label_keeps_the_service_in_state(void)
{
    th_response r;
    CHECK_INT(th_http(&F, "GET", "/api/v1/state", NULL, NULL, NULL, &r), 200);
    json_t *j = body_json(&r);
    size_t before = json_array_size(json_object_get(j, "services"));
    json_decref(j);
    th_response_free(&r);
    sql("UPDATE service SET label_fr = 'Aides soci\xE9tales' WHERE letter = 'F'");
    sql("UPDATE counter SET name = 'Guichet \xE9t\xE9' WHERE id = 3");
    CHECK_INT(th_http(&F, "GET", "/api/v1/state", NULL, NULL, NULL, &r), 200);
    j = body_json(&r);
    json_t *services = json_object_get(j, "services");
    CHECK(before >= 3);
    CHECK_INT(json_array_size(services), before);
    bool found = false;
    for (size_t i = 0; i < json_array_size(services); i++) {
        json_t *s = json_array_get(services, i);
        if (strcmp(json_string_value(json_object_get(s, "letter")), "F") == 0) {
            CHECK_STR(json_string_value(json_object_get(s, "label_fr")), "Aides soci\xEF\xBF\xBDtales");
            found = true;
        }
    }
    CHECK(found);
    CHECK_INT(json_array_size(json_object_get(j, "counters")), 4);
    json_decref(j);
    th_response_free(&r);
    sql("UPDATE service SET label_fr = 'Formation et emploi' WHERE letter = 'F'");
    sql("UPDATE counter SET name = 'Guichet 3' WHERE id = 3");
}

/* Tries: ESC, BEL and a C1 control spelled as JSON escapes in a note, a code and a member name;
 * each is 400 bad_text and nothing is stored. A line break in a note is kept. */
static void control_characters_are_refused_at_the_door(void)
{
    static const char *const bad[] = {
        "[{\"code\":\"RDV-C1\",\"at\":1795428000,\"note\":\"\\u001b[2J\"}]",
        "[{\"code\":\"RDV-C1\",\"at\":1795428000,\"note\":\"bell\\u0007\"}]",
        "[{\"code\":\"RDV-C1\",\"at\":1795428000,\"note\":\"csi \\u009b\"}]",
        "[{\"code\":\"RDV-C1\\u001b\",\"at\":1795428000}]",
        "[{\"code\":\"RDV-C1\",\"at\":1795428000,\"no\\u0000te\":\"x\"}]",
    };
    th_response r;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        long st = th_http(&F, "PUT", "/api/v1/appointments", TH_TOKEN2, NULL, bad[i], &r);
        if (!CHECK_INT(st, 400))
            fprintf(stderr, "  body %zu: %s\n", i, r.body);
        th_response_free(&r);
    }
    CHECK_INT(th_http(&F, "PUT", "/api/v1/appointments", TH_TOKEN2, NULL,
                      "[{\"code\":\"RDV-C1\",\"at\":1795428000,\"note\":\"bell\\u0007\"}]", &r), 400);
    CHECK(strstr(r.body, "\"bad_text\"") != NULL);
    th_response_free(&r);
    queue_appointment a;
    CHECK_INT(queue_appointment_get(F.q, "RDV-C1", &a), QUEUE_ENOAPPT);
    CHECK_INT(th_http(&F, "PUT", "/api/v1/appointments", TH_TOKEN2, NULL,
                      "[{\"code\":\"RDV-C2\",\"at\":1795428000,\"note\":\"ligne 1\\nligne 2\"}]", &r), 200);
    th_response_free(&r);
    CHECK_INT(queue_appointment_get(F.q, "RDV-C2", &a), QUEUE_OK);
    CHECK_STR(a.note, "ligne 1\nligne 2");
}

/* Tries: escapes that decode to NUL, '?', '#' or '/' inside a path. None serves the page it
 * would cut down to; ordinary escapes still decode. */
static void decoded_bytes_never_cut_a_path(void)
{
    static const char *const cut[] = {
        "/web/counter.html%00.png", "/web/counter.html%3F.png", "/web/counter.html%23.png",
        "/web/counter.html%3f", "/api/v1/state%00", "/api/v1/state%3Fx=1", "/counter%00",
        "/web%2Fcounter.html",
    };
    th_response r;
    for (size_t i = 0; i < sizeof cut / sizeof cut[0]; i++) {
        long st = th_http(&F, "GET", cut[i], NULL, NULL, NULL, &r);
        if (!CHECK(st == 404 || st == 400))
            fprintf(stderr, "  %s answered %ld\n", cut[i], st);
        CHECK(strstr(r.body, "Appeler le suivant") == NULL);
        th_response_free(&r);
    }
    CHECK_INT(th_http(&F, "GET", "/web/counter%2Ehtml", NULL, NULL, NULL, &r), 200);
    th_response_free(&r);
}

/* Tries: a key whose claim is left pending, as a kiosk SIGKILLed between the claim and the
 * stored answer leaves it. While the hub runs it is "in progress" (409); once the hub starts
 * again it is released and the retry runs. */
static void pending_key_of_a_dead_process_is_released(void)
{
    th_response r;
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/1/open", TH_TOKEN1, "open-dead", NULL, &r), 200);
    th_response_free(&r);
    sql("UPDATE hub_idempotency SET status = 0, body = NULL WHERE key = 'open-dead'");
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/1/open", TH_TOKEN1, "open-dead", NULL, &r), 409);
    CHECK(strstr(r.body, "\"in_progress\"") != NULL);
    th_response_free(&r);
    th_hub_down(&F);
    th_hub_up(&F);
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/1/open", TH_TOKEN1, "open-dead", NULL, &r), 200);
    CHECK(!r.replayed);
    th_response_free(&r);
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/1/open", TH_TOKEN1, "open-dead", NULL, &r), 200);
    CHECK(r.replayed);
    th_response_free(&r);
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/1/close", TH_TOKEN1, NULL, NULL, &r), 200);
    th_response_free(&r);
}

/* Tries: stored replies (one quoting a note) and a month without a single keyed request: the
 * engine's daily purge deletes them, whatever the hub's traffic. */
static void purge_deletes_stored_replies(void)
{
    CHECK(sql_int("SELECT count(*) FROM hub_idempotency") > 0);
    CHECK(sql_int("SELECT count(*) FROM hub_idempotency WHERE body LIKE '%Dossier r%'") == 1);
    CHECK(queue_purge(F.q, th_now(&F) + QUEUE_REPLY_KEEP_S - 1, 30) >= 0);
    CHECK(sql_int("SELECT count(*) FROM hub_idempotency") > 0);   /* younger than a day: kept */
    CHECK(queue_purge(F.q, th_now(&F) + QUEUE_REPLY_KEEP_S + 1, 30) >= 0);
    CHECK_INT(sql_int("SELECT count(*) FROM hub_idempotency"), 0);
}

/* Tries: a database from before the migration, whose hub_idempotency table the old hub made. */
static void old_database_keeps_its_keys(void)
{
    const char *dir = testlib_tmpdir("hub-doors-old");
    const char *path = testlib_path(dir, "old.db");
    char err[256];
    queue *q;
    CHECK_INT(queue_open(&q, path, NULL, err, sizeof err), QUEUE_OK);
    queue_close(q);
    sqlite3 *db;
    CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
    CHECK_INT(sqlite3_exec(db,
                           "DROP TABLE hub_idempotency; PRAGMA user_version = 1;"
                           /* and what migration 3 (contract 2) added, as a version-1 build left it */
                           "DROP TABLE contact; DROP TABLE partner; ALTER TABLE ticket DROP COLUMN partner;"
                           "ALTER TABLE feedback DROP COLUMN reason;"
                           /* and the safety alarms (migration 4) */
                           "DROP TABLE alarm_ack; DROP TABLE alarm; DROP TABLE alarm_ack_kind;"
                           "DROP TABLE alarm_relay_state; ALTER TABLE event DROP COLUMN alarm_id;"
                           /* and the service labels in nl, de, es, ar (migration 6) */
                           "ALTER TABLE service DROP COLUMN label_nl; ALTER TABLE service DROP COLUMN label_de;"
                           "ALTER TABLE service DROP COLUMN label_es; ALTER TABLE service DROP COLUMN label_ar;"
                           "CREATE TABLE hub_idempotency(counter_id INTEGER NOT NULL, key TEXT NOT NULL,"
                           " created_at INTEGER NOT NULL, request INTEGER NOT NULL,"
                           " status INTEGER NOT NULL DEFAULT 0, body TEXT,"
                           " PRIMARY KEY(counter_id, key)) WITHOUT ROWID;"
                           "INSERT INTO hub_idempotency VALUES(1, 'k', 5, 7, 200, '{}');",
                           NULL, NULL, NULL), SQLITE_OK);
    CHECK_INT(queue_open(&q, path, NULL, err, sizeof err), QUEUE_OK);
    queue_close(q);
    sqlite3_stmt *s;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM hub_idempotency", -1, &s, NULL);
    CHECK_INT(sqlite3_step(s), SQLITE_ROW);
    CHECK_INT(sqlite3_column_int(s, 0), 1);
    sqlite3_finalize(s);
    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL);
    CHECK_INT(sqlite3_step(s), SQLITE_ROW);
    CHECK_INT(sqlite3_column_int(s, 0), queue_schema_version());
    sqlite3_finalize(s);
    sqlite3_close(db);
}

int main(void)
{
    th_start(&F, "hub_doors", false);
    if (sqlite3_open(F.db_path, &DB) != SQLITE_OK)
        return 1;
    sqlite3_busy_timeout(DB, 5000);
    RUN(latin1_note_never_fails_a_committed_call);
    RUN(latin1_label_keeps_the_service_in_state);
    RUN(control_characters_are_refused_at_the_door);
    RUN(decoded_bytes_never_cut_a_path);
    RUN(pending_key_of_a_dead_process_is_released);
    RUN(purge_deletes_stored_replies);
    RUN(old_database_keeps_its_keys);
    sqlite3_close(DB);
    th_stop(&F);
    return testlib_finish();
}
