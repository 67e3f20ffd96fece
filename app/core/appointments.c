/* Appointments (import, check-in), feedback and the retention purge.
 *
 * Check-in does not look at opening hours: the appointment itself says when the visitor is
 * expected, and the window [at - early, at + late] (queue_options) decides. The ticket is an
 * appointment ticket of the appointment's service, reserved for its counter if it has one; it
 * jumps the queue only once the appointment time has come (see counters.c). */
#include "queue_internal.h"

#include "borne/utf8.h"

#include <string.h>

static const char SQL_APPT_UPSERT[] =
    "INSERT INTO appointment(code, at, service, counter_id, note, updated_at)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6)"
    " ON CONFLICT(code) DO UPDATE SET at = excluded.at, service = excluded.service,"
    " counter_id = excluded.counter_id, note = excluded.note, updated_at = excluded.updated_at";
static const char SQL_APPT_GET[] =
    "SELECT code, at, service, counter_id, note, COALESCE(ticket_id, 0) FROM appointment"
    " WHERE code = ?";
/* A code typed as the visitor reads it: letters in either case, with or without its hyphens
 * ("rdv7" finds "RDV-7"). Only after the exact lookup missed (a scan, at human pace); two
 * appointments that differ only so are ambiguous and neither is taken. */
static const char SQL_APPT_GET_LOOSE[] =
    "SELECT code, at, service, counter_id, note, COALESCE(ticket_id, 0) FROM appointment"
    " WHERE code IS NOT NULL AND replace(upper(code), '-', '') = replace(upper(?), '-', '') LIMIT 2";
/* The appointment behind a ticket. appointment.ticket_id has no index (adding one is a schema
 * step) and rows are kept after the purge, so a scan grows with the years (≈2.5 ms at 20 000
 * rows here) and would run on every appointment call. The ticket remembers the appointment's
 * time (appt_at), which the `at` index finds at once; only an appointment re-imported with a
 * new time after its check-in misses there and needs the scan. Purged rows (code NULL) never
 * count. */
static const char SQL_APPT_OF_TICKET_AT[] =
    "SELECT code, at, service, counter_id, note, ticket_id FROM appointment"
    " WHERE at = (SELECT appt_at FROM ticket WHERE id = ?1) AND ticket_id = ?1"
    "   AND code IS NOT NULL";
static const char SQL_APPT_OF_TICKET_SCAN[] =
    "SELECT code, at, service, counter_id, note, ticket_id FROM appointment"
    " WHERE ticket_id = ?1 AND code IS NOT NULL";
static const char SQL_APPT_LINK[] = "UPDATE appointment SET ticket_id = ? WHERE code = ?";
static const char SQL_CTR_SERVICES[] =
    "SELECT services FROM counter WHERE id = ? AND enabled = 1";
static const char SQL_FEEDBACK_ADD[] =
    "INSERT INTO feedback(at, day, hour, level, service, reason) VALUES(?, ?, ?, ?, ?, ?)";
static const char SQL_PURGE[] =
    "UPDATE appointment SET code = NULL, note = ''"
    " WHERE at < ? AND (code IS NOT NULL OR note <> '')";
static const char SQL_PURGE_REPLIES[] = "DELETE FROM hub_idempotency WHERE created_at < ?";

static bool valid_code(const char *code)
{
    size_t n = 0;
    for (const char *p = code; *p; p++, n++) {
        char ch = *p;
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '-'))
            return false;
    }
    return n > 0 && n < QUEUE_CODE_MAX;
}

/* The counter exists and serves `service`. */
static int counter_serves(queue *q, int counter_id, char service)
{
    Q_STMT(q, s, SQL_CTR_SERVICES);
    sqlite3_bind_int(s, 1, counter_id);
    int rc = sqlite3_step(s);
    int err = QUEUE_OK;
    if (rc == SQLITE_DONE)
        err = q_fail(q, QUEUE_ENOCOUNTER, "unknown counter %d", counter_id);
    else if (rc != SQLITE_ROW)
        err = q_sqlfail(q, rc, "read counter");
    else if (!strchr((const char *)sqlite3_column_text(s, 0), service))
        err = q_fail(q, QUEUE_ENOTSERVED, "counter %d does not serve service %c", counter_id,
                     service);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return err;
}

static int upsert(queue *q, int64_t now, const queue_appointment *a)
{
    int err = q_service_check(q, a->service, false);
    if (err)
        return err;
    if (a->counter_id && (err = counter_serves(q, a->counter_id, a->service)))
        return err;
    Q_STMT(q, s, SQL_APPT_UPSERT);
    char l[2] = {a->service, '\0'};
    sqlite3_bind_text(s, 1, a->code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, a->at);
    sqlite3_bind_text(s, 3, l, 1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 4, a->counter_id);
    sqlite3_bind_text(s, 5, a->note, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 6, now);
    if ((err = q_exec_stmt(q, s, "save appointment")))
        return err;
    return q_event(q, now, "appointment", "admin", NULL, a->service, a->counter_id, false);
}

static int appointment_check(queue *q, const queue_appointment *a)
{
    if (!a)
        return q_fail(q, QUEUE_EINVAL, "appointment: none given");
    if (!memchr(a->code, '\0', sizeof a->code) || !valid_code(a->code))
        return q_fail(q, QUEUE_EINVAL, "appointment code must be 1..%d of [A-Za-z0-9-]",
                      QUEUE_CODE_MAX - 1);
    if (!memchr(a->note, '\0', sizeof a->note))
        return q_fail(q, QUEUE_EINVAL, "appointment %s: note not terminated", a->code);
    /* the last door: whatever reader let it through, invalid text is never stored */
    utf8_status st = utf8_check_str(a->note, UTF8_MULTILINE, NULL);
    if (st != UTF8_OK)
        return q_fail(q, QUEUE_EINVAL, "appointment %s: note holds %s", a->code, utf8_strerror(st));
    if (a->counter_id < 0)
        return q_fail(q, QUEUE_ENOCOUNTER, "unknown counter %d", a->counter_id);
    return QUEUE_OK;
}

int queue_appointment_upsert(queue *q, int64_t now, const queue_appointment *a)
{
    int err = appointment_check(q, a);
    if (err || (err = q_begin(q)))
        return err;
    return q_end(q, upsert(q, now, a));
}

int queue_appointments_upsert(queue *q, int64_t now, const queue_appointment *items, int n,
                              int *failed)
{
    *failed = -1;
    int err = QUEUE_OK;
    for (int i = 0; i < n && !err; i++)
        if ((err = appointment_check(q, &items[i])))
            *failed = i;
    if (err || (err = q_begin(q)))
        return err;
    for (int i = 0; i < n && !err; i++)
        if ((err = upsert(q, now, &items[i])))
            *failed = i;
    return q_end(q, err);
}

/* Reads one appointment row (columns as in SQL_APPT_GET) into *out. */
static void appt_read(sqlite3_stmt *s, queue_appointment *out)
{
    memset(out, 0, sizeof *out);
    q_copy(out->code, sizeof out->code, (const char *)sqlite3_column_text(s, 0));
    out->at = sqlite3_column_int64(s, 1);
    out->service = (char)sqlite3_column_text(s, 2)[0];
    out->counter_id = sqlite3_column_int(s, 3);
    q_copy(out->note, sizeof out->note, (const char *)sqlite3_column_text(s, 4));
    out->ticket_id = sqlite3_column_int64(s, 5);
}

/* One row of `sql` for `code` into *out: QUEUE_OK, QUEUE_ENOAPPT (none, or more than one) or an
 * error. */
static int appt_query(queue *q, const char *sql, const char *code, queue_appointment *out)
{
    Q_STMT(q, s, sql);
    sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    int err = QUEUE_OK;
    if (rc == SQLITE_ROW) {
        appt_read(s, out);
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW)
            err = q_fail(q, QUEUE_ENOAPPT, "code \"%s\" matches more than one appointment", code);
        else if (rc != SQLITE_DONE)
            err = q_sqlfail(q, rc, "read appointment");
    } else if (rc == SQLITE_DONE) {
        err = q_fail(q, QUEUE_ENOAPPT, "no appointment with code \"%s\"", code);
    } else {
        err = q_sqlfail(q, rc, "read appointment");
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return err;
}

static int appt_load(queue *q, const char *code, queue_appointment *out)
{
    if (!code || !valid_code(code))
        return q_fail(q, QUEUE_ENOAPPT, "no appointment with code \"%.*s\"", QUEUE_CODE_MAX,
                      code ? code : "");
    int err = appt_query(q, SQL_APPT_GET, code, out);
    return err == QUEUE_ENOAPPT ? appt_query(q, SQL_APPT_GET_LOOSE, code, out) : err;
}

int queue_appointment_get(queue *q, const char *code, queue_appointment *out)
{
    queue_appointment a;
    int err = appt_load(q, code, &a);
    if (!err && out)
        *out = a;
    return err;
}

/* One lookup with `sql`: QUEUE_OK (row read into *out if given), QUEUE_ENOAPPT or an error. */
static int appt_of_ticket(queue *q, const char *sql, int64_t ticket_id, queue_appointment *out)
{
    Q_STMT(q, s, sql);
    sqlite3_bind_int64(s, 1, ticket_id);
    int rc = sqlite3_step(s);
    int err = QUEUE_OK;
    if (rc == SQLITE_ROW) {
        if (out)
            appt_read(s, out);
    } else if (rc == SQLITE_DONE) {
        err = q_fail(q, QUEUE_ENOAPPT, "no appointment checked in as ticket %lld",
                     (long long)ticket_id);
    } else {
        err = q_sqlfail(q, rc, "read appointment");
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return err;
}

int queue_appointment_of_ticket(queue *q, int64_t ticket_id, queue_appointment *out)
{
    int err = appt_of_ticket(q, SQL_APPT_OF_TICKET_AT, ticket_id, out);
    if (err == QUEUE_ENOAPPT)
        err = appt_of_ticket(q, SQL_APPT_OF_TICKET_SCAN, ticket_id, out);
    return err;
}

static int check_in(queue *q, int64_t now, const char *code, queue_issued *out)
{
    queue_appointment a;
    int err = appt_load(q, code, &a);
    if (err)
        return err;
    if (a.ticket_id)
        return q_fail(q, QUEUE_EUSED, "appointment %s is already checked in", code);
    int64_t early = (int64_t)q->opts.checkin_early_min * 60;
    int64_t late = (int64_t)q->opts.checkin_late_min * 60;
    if (now < a.at - early)
        return q_fail(q, QUEUE_ETOOEARLY, "appointment %s: check-in opens %d min before the"
                      " appointment (%lld min to wait)", code, q->opts.checkin_early_min,
                      (long long)((a.at - early - now + 59) / 60));
    if (now > a.at + late)
        return q_fail(q, QUEUE_ETOOLATE, "appointment %s: check-in closed %d min after the"
                      " appointment", code, q->opts.checkin_late_min);
    /* `enabled` only says whether the service is offered as a walk-in tile: the appointment
     * service is usually not, and its booked visitors must still get their ticket. */
    if ((err = q_service_check(q, a.service, false)))
        return err;
    /* The setup may have changed since the import: a counter that is gone or no longer serves
     * the service would never call the ticket, so it goes to any counter instead. */
    int counter = a.counter_id;
    if (counter && (err = counter_serves(q, counter, a.service))) {
        if (err != QUEUE_ENOCOUNTER && err != QUEUE_ENOTSERVED)
            return err;
        counter = 0;
    }
    queue_issued issued;
    if ((err = q_issue_locked(q, now, a.service, QUEUE_PUBLIC_UNSPECIFIED, false, true, a.at,
                              counter, "kiosk", "check_in", &issued)))
        return err;
    Q_STMT(q, s, SQL_APPT_LINK);
    sqlite3_bind_int64(s, 1, issued.ticket.id);
    sqlite3_bind_text(s, 2, a.code, -1, SQLITE_STATIC);   /* as stored: the typed one may differ in case */
    if ((err = q_exec_stmt(q, s, "link appointment")))
        return err;
    if (out)
        *out = issued;
    return QUEUE_OK;
}

int queue_check_in(queue *q, int64_t now, const char *code, queue_issued *out)
{
    int err = q_begin(q);
    if (err)
        return err;
    return q_end(q, check_in(q, now, code, out));
}

static int feedback(queue *q, int64_t now, int level, char service, int reason)
{
    int err;
    if (service && (err = q_service_check(q, service, false)))
        return err;
    q_local lt;
    q_localtime(now, &lt);
    Q_STMT(q, s, SQL_FEEDBACK_ADD);
    char l[2] = {service, '\0'};
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_text(s, 2, lt.day, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 3, lt.hour);
    sqlite3_bind_int(s, 4, level);
    sqlite3_bind_text(s, 5, l, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 6, reason);
    if ((err = q_exec_stmt(q, s, "save feedback")))
        return err;
    return q_event_unticketed(q, now, "feedback", "kiosk", &lt, service, 0);
}

int queue_feedback(queue *q, int64_t now, int level, char service, int reason)
{
    if (!contract_weather_word(level))
        return q_fail(q, QUEUE_EINVAL, "feedback level %d (must be 1..5)", level);
    if (reason != CONTRACT_REASON_NONE &&
        (!contract_reason_word(reason) || level < CONTRACT_WEATHER_PLUIE))
        return q_fail(q, QUEUE_EINVAL, "feedback reason %d: a contract reason, with rain or storm only",
                      reason);
    int err = q_begin(q);
    if (err)
        return err;
    return q_end(q, feedback(q, now, level, service, reason));
}

/* The LAN API's stored replies go with the notes: they may quote one, and without this they were
 * deleted only by the next keyed request, which a quiet month never sends. A reply is useless
 * after QUEUE_REPLY_KEEP_S, which is never longer than the shortest retention (one day). */
static int purge(queue *q, int64_t now, int days, int *n)
{
    Q_STMT(q, replies, SQL_PURGE_REPLIES);
    sqlite3_bind_int64(replies, 1, now - QUEUE_REPLY_KEEP_S);
    int err = q_exec_stmt(q, replies, "purge stored replies");
    if (err)
        return err;
    Q_STMT(q, s, SQL_PURGE);
    sqlite3_bind_int64(s, 1, now - (int64_t)days * 86400);
    if ((err = q_exec_stmt(q, s, "purge appointments")))
        return err;
    *n = sqlite3_changes(q->db);
    if (*n == 0)
        return QUEUE_OK;
    return q_event(q, now, "purge", "system", NULL, 0, 0, false);
}

int queue_purge(queue *q, int64_t now, int days)
{
    if (days < 0)
        return q_fail(q, QUEUE_EINVAL, "purge: negative retention (%d days)", days);
    int err = q_begin(q), n = 0;
    if (err)
        return err;
    err = q_end(q, purge(q, now, days, &n));
    return err ? err : n;
}
