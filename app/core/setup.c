/* Queue engine setup: services, counters and opening hours, as given by the config.
 *
 * Services and counters are never deleted (tickets and events refer to them): applying a setup
 * without them disables them. Counter states (open/paused/closed) survive a new setup. */
#include "queue_internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char SQL_SVC_DISABLE_ALL[] = "UPDATE service SET enabled = 0";
/* The label columns follow queue_label_more_lang() (store.c migration 6). */
static const char SQL_SVC_UPSERT[] =
    "INSERT INTO service(letter, label_fr, label_en, enabled, ord, label_nl, label_de, label_es, label_ar)"
    " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT(letter) DO UPDATE SET label_fr = excluded.label_fr,"
    " label_en = excluded.label_en, enabled = excluded.enabled, ord = excluded.ord,"
    " label_nl = excluded.label_nl, label_de = excluded.label_de, label_es = excluded.label_es,"
    " label_ar = excluded.label_ar";
static const char SQL_CTR_DISABLE_ALL[] = "UPDATE counter SET enabled = 0";
static const char SQL_CTR_UPSERT[] =
    "INSERT INTO counter(id, name, services, enabled) VALUES(?, ?, ?, 1)"
    " ON CONFLICT(id) DO UPDATE SET name = excluded.name, services = excluded.services,"
    " enabled = 1";
/* A counter dropped from the setup is closed too; its current ticket stays with it. */
static const char SQL_CTR_CLOSE_DISABLED[] = "UPDATE counter SET state = " SQLV_COUNTER_CLOSED " WHERE enabled = 0";
static const char SQL_HOURS_CLEAR[] = "DELETE FROM hours";
static const char SQL_HOURS_ADD[] =
    "INSERT INTO hours(weekday, idx, open_min, close_min) VALUES(?, ?, ?, ?)";
static const char SQL_SETTING_SET[] =
    "INSERT INTO settings(key, value) VALUES(?, ?)"
    " ON CONFLICT(key) DO UPDATE SET value = excluded.value";
static const char SQL_SETTING_GET[] = "SELECT value FROM settings WHERE key = ?";
static const char SQL_SVC_LIST[] =
    "SELECT letter, label_fr, label_en, enabled, ord, label_nl, label_de, label_es, label_ar FROM service"
    " ORDER BY ord, letter";
static const char SQL_CTR_LIST[] =
    "SELECT id, name, services FROM counter WHERE enabled = 1 ORDER BY id";
/* Opening hours and closed days in one statement (read at every "is it open" check): a closed
 * day comes as weekday -1 with the day in the last column. */
static const char SQL_HOURS_LIST[] =
    "SELECT weekday, idx, open_min, close_min, NULL FROM hours"
    " UNION ALL SELECT -1, 0, 0, 0, day FROM closure ORDER BY 1, 2, 5";
static const char SQL_SVC_GET[] = "SELECT enabled FROM service WHERE letter = ?";
static const char SQL_CLOSURE_CLEAR[] = "DELETE FROM closure";
static const char SQL_CLOSURE_ADD[] = "INSERT OR IGNORE INTO closure(day) VALUES(?)";

static bool valid_day(const char *d)
{
    int y, m, dd;
    char tail;
    return memchr(d, '\0', 11) && strlen(d) == 10 && sscanf(d, "%4d-%2d-%2d%c", &y, &m, &dd, &tail) == 3 &&
           m >= 1 && m <= 12 && dd >= 1 && dd <= 31;
}

static int validate(queue *q, const queue_setup *s)
{
    if (s->n_services < 0 || s->n_services > QUEUE_MAX_SERVICES)
        return q_fail(q, QUEUE_EINVAL, "setup: %d services (0..%d allowed)", s->n_services,
                      QUEUE_MAX_SERVICES);
    if (s->n_counters < 0 || s->n_counters > QUEUE_MAX_COUNTERS)
        return q_fail(q, QUEUE_EINVAL, "setup: %d counters (0..%d allowed)", s->n_counters,
                      QUEUE_MAX_COUNTERS);
    if (s->n_closures < 0 || s->n_closures > QUEUE_MAX_CLOSURES)
        return q_fail(q, QUEUE_EINVAL, "setup: %d closed days (0..%d allowed)", s->n_closures,
                      QUEUE_MAX_CLOSURES);
    for (int i = 0; i < s->n_closures; i++)
        if (!valid_day(s->closures[i]))
            return q_fail(q, QUEUE_EINVAL, "setup: closed day %d: YYYY-MM-DD expected", i + 1);
    bool seen[26] = {false};
    for (int i = 0; i < s->n_services; i++) {
        const queue_service *v = &s->services[i];
        if (v->letter < 'A' || v->letter > 'Z')
            return q_fail(q, QUEUE_EINVAL, "setup: service %d: letter must be A..Z", i + 1);
        if (seen[v->letter - 'A'])
            return q_fail(q, QUEUE_EINVAL, "setup: service %c given twice", v->letter);
        seen[v->letter - 'A'] = true;
        if (!memchr(v->label_fr, '\0', sizeof v->label_fr) ||
            !memchr(v->label_en, '\0', sizeof v->label_en) || !v->label_fr[0])
            return q_fail(q, QUEUE_EINVAL, "setup: service %c: missing or unterminated label",
                          v->letter);
        for (int l = 0; l < QUEUE_LABEL_MORE; l++)
            if (!memchr(v->label_more[l], '\0', sizeof v->label_more[l]))
                return q_fail(q, QUEUE_EINVAL, "setup: service %c: unterminated %s label", v->letter,
                              queue_label_more_lang(l));
    }
    for (int i = 0; i < s->n_counters; i++) {
        const queue_counter_def *c = &s->counters[i];
        if (c->id < 1)
            return q_fail(q, QUEUE_EINVAL, "setup: counter id %d (must be >= 1)", c->id);
        for (int j = 0; j < i; j++)
            if (s->counters[j].id == c->id)
                return q_fail(q, QUEUE_EINVAL, "setup: counter %d given twice", c->id);
        if (!memchr(c->name, '\0', sizeof c->name) ||
            !memchr(c->services, '\0', sizeof c->services) || !c->services[0])
            return q_fail(q, QUEUE_EINVAL, "setup: counter %d: no services or unterminated name",
                          c->id);
        for (const char *p = c->services; *p; p++)
            if (*p < 'A' || *p > 'Z' || !seen[*p - 'A'])
                return q_fail(q, QUEUE_EINVAL, "setup: counter %d serves unknown service '%c'",
                              c->id, *p);
    }
    for (int d = 0; d < 7; d++) {
        const queue_day_hours *h = &s->week[d];
        if (h->n < 0 || h->n > QUEUE_MAX_RANGES)
            return q_fail(q, QUEUE_EINVAL, "setup: weekday %d: %d ranges (0..%d)", d, h->n,
                          QUEUE_MAX_RANGES);
        for (int r = 0; r < h->n; r++) {
            int o = h->range[r].open_min, c = h->range[r].close_min;
            if (o < 0 || c > 24 * 60 || o >= c || (r > 0 && o < h->range[r - 1].close_min))
                return q_fail(q, QUEUE_EINVAL, "setup: weekday %d range %d: bad times %d-%d", d,
                              r + 1, o, c);
        }
    }
    if (s->last_ticket_min < -1 || s->last_ticket_min > 24 * 60)
        return q_fail(q, QUEUE_EINVAL, "setup: last_ticket_min %d out of range",
                      s->last_ticket_min);
    return q_partners_validate(q, s);
}

static int set_setting(queue *q, const char *key, int64_t value)
{
    Q_STMT(q, s, SQL_SETTING_SET);
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, value);
    return q_exec_stmt(q, s, "save setting");
}

static int get_setting(queue *q, const char *key, int64_t dflt, int64_t *out)
{
    Q_STMT(q, s, SQL_SETTING_GET);
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    int err = QUEUE_OK;
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else if (rc == SQLITE_DONE)
        *out = dflt;
    else
        err = q_sqlfail(q, rc, "read setting");
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return err;
}

static int apply(queue *q, const queue_setup *setup, int64_t now)
{
    int err;
    Q_STMT(q, dis, SQL_SVC_DISABLE_ALL);
    if ((err = q_exec_stmt(q, dis, "disable services")))
        return err;
    for (int i = 0; i < setup->n_services; i++) {
        const queue_service *v = &setup->services[i];
        Q_STMT(q, s, SQL_SVC_UPSERT);
        char letter[2] = {v->letter, '\0'};
        sqlite3_bind_text(s, 1, letter, 1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, v->label_fr, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, v->label_en, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 4, v->enabled);
        sqlite3_bind_int(s, 5, v->order);
        for (int l = 0; l < QUEUE_LABEL_MORE; l++)
            sqlite3_bind_text(s, 6 + l, v->label_more[l], -1, SQLITE_STATIC);
        if ((err = q_exec_stmt(q, s, "save service")))
            return err;
    }
    Q_STMT(q, cdis, SQL_CTR_DISABLE_ALL);
    if ((err = q_exec_stmt(q, cdis, "disable counters")))
        return err;
    for (int i = 0; i < setup->n_counters; i++) {
        const queue_counter_def *c = &setup->counters[i];
        Q_STMT(q, s, SQL_CTR_UPSERT);
        sqlite3_bind_int(s, 1, c->id);
        sqlite3_bind_text(s, 2, c->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, c->services, -1, SQLITE_STATIC);
        if ((err = q_exec_stmt(q, s, "save counter")))
            return err;
    }
    Q_STMT(q, close, SQL_CTR_CLOSE_DISABLED);
    if ((err = q_exec_stmt(q, close, "close removed counters")))
        return err;
    Q_STMT(q, clr, SQL_HOURS_CLEAR);
    if ((err = q_exec_stmt(q, clr, "clear hours")))
        return err;
    for (int d = 0; d < 7; d++)
        for (int r = 0; r < setup->week[d].n; r++) {
            Q_STMT(q, s, SQL_HOURS_ADD);
            sqlite3_bind_int(s, 1, d);
            sqlite3_bind_int(s, 2, r);
            sqlite3_bind_int(s, 3, setup->week[d].range[r].open_min);
            sqlite3_bind_int(s, 4, setup->week[d].range[r].close_min);
            if ((err = q_exec_stmt(q, s, "save hours")))
                return err;
        }
    Q_STMT(q, cclr, SQL_CLOSURE_CLEAR);
    if ((err = q_exec_stmt(q, cclr, "clear closed days")))
        return err;
    for (int i = 0; i < setup->n_closures; i++) {
        Q_STMT(q, s, SQL_CLOSURE_ADD);
        sqlite3_bind_text(s, 1, setup->closures[i], -1, SQLITE_STATIC);
        if ((err = q_exec_stmt(q, s, "save closed day")))
            return err;
    }
    if ((err = set_setting(q, "last_ticket_min", setup->last_ticket_min)) ||
        (err = set_setting(q, "always_open", setup->always_open)) ||
        (err = set_setting(q, "public_holidays", setup->public_holidays)) ||
        (err = q_partners_apply(q, setup)))
        return err;
    return q_event(q, now, "setup", "admin", NULL, 0, 0, false);
}

int queue_apply_setup(queue *q, const queue_setup *setup, int64_t now)
{
    if (!setup)
        return q_fail(q, QUEUE_EINVAL, "setup: none given");
    int err = validate(q, setup);
    if (err)
        return err;
    if ((err = q_begin(q)))
        return err;
    return q_end(q, apply(q, setup, now));
}

static int read_setup(queue *q, queue_setup *out)
{
    memset(out, 0, sizeof *out);
    int rc, err = QUEUE_OK;
    Q_STMT(q, s, SQL_SVC_LIST);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && out->n_services < QUEUE_MAX_SERVICES) {
        queue_service *v = &out->services[out->n_services++];
        v->letter = (char)sqlite3_column_text(s, 0)[0];
        q_copy(v->label_fr, sizeof v->label_fr, (const char *)sqlite3_column_text(s, 1));
        q_copy(v->label_en, sizeof v->label_en, (const char *)sqlite3_column_text(s, 2));
        v->enabled = sqlite3_column_int(s, 3) != 0;
        v->order = sqlite3_column_int(s, 4);
        for (int l = 0; l < QUEUE_LABEL_MORE; l++)
            q_copy(v->label_more[l], sizeof v->label_more[l], (const char *)sqlite3_column_text(s, 5 + l));
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        err = q_sqlfail(q, rc, "read services");
    sqlite3_reset(s);
    if (err)
        return err;
    Q_STMT(q, c, SQL_CTR_LIST);
    while ((rc = sqlite3_step(c)) == SQLITE_ROW && out->n_counters < QUEUE_MAX_COUNTERS) {
        queue_counter_def *d = &out->counters[out->n_counters++];
        d->id = sqlite3_column_int(c, 0);
        q_copy(d->name, sizeof d->name, (const char *)sqlite3_column_text(c, 1));
        q_copy(d->services, sizeof d->services, (const char *)sqlite3_column_text(c, 2));
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        err = q_sqlfail(q, rc, "read counters");
    sqlite3_reset(c);
    if (err)
        return err;
    Q_STMT(q, h, SQL_HOURS_LIST);
    while ((rc = sqlite3_step(h)) == SQLITE_ROW) {
        int d = sqlite3_column_int(h, 0);
        if (d == -1 && out->n_closures < QUEUE_MAX_CLOSURES)
            q_copy(out->closures[out->n_closures++], sizeof out->closures[0], (const char *)sqlite3_column_text(h, 4));
        if (d < 0 || d > 6 || out->week[d].n >= QUEUE_MAX_RANGES)
            continue;
        queue_day_hours *dh = &out->week[d];
        dh->range[dh->n].open_min = sqlite3_column_int(h, 2);
        dh->range[dh->n].close_min = sqlite3_column_int(h, 3);
        dh->n++;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        err = q_sqlfail(q, rc, "read hours");
    sqlite3_reset(h);
    if (err)
        return err;
    int64_t last = -1, always = 0, holidays = 0;
    if ((err = get_setting(q, "last_ticket_min", -1, &last)) ||
        (err = get_setting(q, "always_open", 0, &always)) ||
        (err = get_setting(q, "public_holidays", 0, &holidays)))
        return err;
    out->last_ticket_min = (int)last;
    out->always_open = always != 0;
    out->public_holidays = holidays != 0;
    return q_partners_read(q, out);
}

int queue_get_setup(queue *q, queue_setup *out)
{
    if (!out)
        return q_fail(q, QUEUE_EINVAL, "get_setup: no output");
    return read_setup(q, out);
}

/* Gregorian Easter Sunday (anonymous algorithm, Meeus/Jones/Butcher) as month and day. */
static void easter(int y, int *month, int *day)
{
    int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
    int h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    *month = (h + l - 7 * m + 114) / 31;
    *day = (h + l - 7 * m + 114) % 31 + 1;
}

/* Day of the year (0-based) of y-m-d, through UTC arithmetic so no time zone is involved. */
static int yday(int y, int m, int d)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
    time_t t = timegm(&tm);
    struct tm out;
    gmtime_r(&t, &out);
    return out.tm_yday;
}

bool queue_public_holiday(int year, int month, int day)
{
    static const int fixed[][2] = {{1, 1}, {5, 1}, {5, 8}, {7, 14}, {8, 15}, {11, 1}, {11, 11}, {12, 25}};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (fixed[i][0] == month && fixed[i][1] == day)
            return true;
    int em, ed;
    easter(year, &em, &ed);
    int delta = yday(year, month, day) - yday(year, em, ed);
    return delta == 1 || delta == 39 || delta == 50; /* Easter Monday, Ascension, Whit Monday */
}

static bool closed_day(const queue_setup *s, const char *day)
{
    for (int i = 0; i < s->n_closures; i++)
        if (strcmp(s->closures[i], day) == 0)
            return true;
    int y, m, d;
    return s->public_holidays && sscanf(day, "%d-%d-%d", &y, &m, &d) == 3 && queue_public_holiday(y, m, d);
}

/* Whether minute `min` of a day with hours `h` is inside a range, before its last-ticket stop. */
static bool open_at(const queue_day_hours *h, int last_ticket_min, int min)
{
    for (int r = 0; r < h->n; r++) {
        int stop = h->range[r].close_min - (last_ticket_min > 0 ? last_ticket_min : 0);
        if (min >= h->range[r].open_min && min < stop)
            return true;
    }
    return false;
}

int queue_open_at(queue *q, int64_t now, bool *open, int64_t *next_open)
{
    if (next_open)
        *next_open = 0;
    *open = false;
    queue_setup s;
    int err = read_setup(q, &s);
    if (err)
        return err;
    q_local lt;
    q_localtime(now, &lt);
    if (s.always_open ||
        (!closed_day(&s, lt.day) && open_at(&s.week[lt.weekday], s.last_ticket_min, lt.minute_of_day))) {
        *open = true;
        return QUEUE_OK;
    }
    /* Closed days can follow each other (Christmas week): look up to a month ahead. */
    if (next_open)
        for (int add = 0; add <= 31 && !*next_open; add++) {
            const queue_day_hours *h = &s.week[(lt.weekday + add) % 7];
            if (add > 0) {
                q_local other;
                q_localtime(q_local_moment(lt.day, add, 12 * 60), &other);
                if (closed_day(&s, other.day))
                    continue;
            } else if (closed_day(&s, lt.day)) {
                continue;
            }
            for (int r = 0; r < h->n; r++) {
                int64_t t = q_local_moment(lt.day, add, h->range[r].open_min);
                if (t > now) {
                    *next_open = t;
                    break;
                }
            }
        }
    return QUEUE_OK;
}

bool queue_is_open(queue *q, int64_t now, int64_t *next_open)
{
    bool open = false;
    return queue_open_at(q, now, &open, next_open) == QUEUE_OK && open;
}

int q_service_check(queue *q, char letter, bool must_be_enabled)
{
    if (letter < 'A' || letter > 'Z')
        return q_fail(q, QUEUE_ENOSERVICE, "unknown service '%c'", letter ? letter : '?');
    Q_STMT(q, s, SQL_SVC_GET);
    char l[2] = {letter, '\0'};
    sqlite3_bind_text(s, 1, l, 1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    int err = QUEUE_OK;
    if (rc == SQLITE_DONE)
        err = q_fail(q, QUEUE_ENOSERVICE, "unknown service '%c'", letter);
    else if (rc != SQLITE_ROW)
        err = q_sqlfail(q, rc, "read service");
    else if (must_be_enabled && !sqlite3_column_int(s, 0))
        err = q_fail(q, QUEUE_EDISABLED, "service '%c' is disabled", letter);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return err;
}
