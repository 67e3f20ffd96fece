#include "borne/collector_console.h"
#include "borne/collector_alerts.h"
#include "borne/contract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector_html.h"

#define BAND_LOW_(N, v, word, label, low) low,
static const int band_low_min[] = {CONTRACT_WAIT_BANDS(BAND_LOW_)};

bool collector_console_target_ok(int minutes)
{
    for (int i = 1; i < CONTRACT_WAIT_BANDS_N; i++)
        if (band_low_min[i] == minutes)
            return true;
    return false;
}

/* The bound the wait bands can judge a target by: the greatest band bound at or under it (a share
 * "within 10 min" for a 12-minute target never claims more than was achieved); 0 under 5 minutes. */
static int judged_bound(int target_min)
{
    int bound = 0;
    for (int i = 1; i < CONTRACT_WAIT_BANDS_N; i++)
        if (band_low_min[i] <= target_min)
            bound = band_low_min[i];
    return bound;
}

/* Band i lies within a judged bound. */
static bool band_within(int i, int bound)
{
    return i + 1 < CONTRACT_WAIT_BANDS_N && band_low_min[i + 1] <= bound;
}

/* ---- query ---------------------------------------------------------------------------------- */

static bool territory_known(const struct collector_antennes *a, const char *t)
{
    for (size_t i = 0; i < collector_antennes_count(a); i++)
        if (strcmp(collector_antennes_at(a, i)->territory, t) == 0)
            return true;
    return false;
}

static bool group_known(const struct collector_antennes *a, const char *g)
{
    for (size_t i = 0; i < collector_antennes_count(a); i++)
        if (strcmp(collector_antennes_at(a, i)->group, g) == 0)
            return true;
    return false;
}

int collector_console_query_parse(const struct collector_antennes *antennes, int64_t now, const char *period,
                                  const char *date, const char *territory, const char *group,
                                  const char *antenne, struct collector_console_query *q, const char **why)
{
    memset(q, 0, sizeof *q);
    q->period = COLLECTOR_PERIOD_WEEK;
    q->day = now / 86400;
    if (period && *period) {
        if (strcmp(period, "day") == 0)
            q->period = COLLECTOR_PERIOD_DAY;
        else if (strcmp(period, "month") == 0)
            q->period = COLLECTOR_PERIOD_MONTH;
        else if (strcmp(period, "year") == 0)
            q->period = COLLECTOR_PERIOD_YEAR;
        else if (strcmp(period, "week") != 0)
            return *why = "period: day, week, month or year expected", -1;
    }
    if (date && *date) {
        q->day = collector_ingest_parse_day(date);
        if (q->day == INT64_MIN)
            return *why = "date: a YYYY-MM-DD date expected", -1;
    }
    if (territory && *territory) {
        if (strlen(territory) >= sizeof q->territory || !territory_known(antennes, territory))
            return *why = "territory: no antenne serves this territory", -1;
        snprintf(q->territory, sizeof q->territory, "%s", territory);
    }
    if (group && *group) {
        if (strlen(group) >= sizeof q->group || !group_known(antennes, group))
            return *why = "group: unknown group", -1;
        snprintf(q->group, sizeof q->group, "%s", group);
    }
    if (antenne && *antenne) {
        if (!collector_ingest_valid_id(antenne) || collector_antennes_find(antennes, antenne) < 0)
            return *why = "antenne: unknown antenne id", -1;
        snprintf(q->antenne, sizeof q->antenne, "%s", antenne);
    }
    return 0;
}

static bool in_scope(const struct collector_antenne_info *info, const struct collector_console_query *q)
{
    return (!q->territory[0] || strcmp(info->territory, q->territory) == 0) &&
           (!q->group[0] || strcmp(info->group, q->group) == 0) && (!q->antenne[0] || strcmp(info->id, q->antenne) == 0);
}

static int64_t first_of_month(int y, int m)
{
    if (m > 12) {
        y++;
        m = 1;
    }
    char text[32];
    snprintf(text, sizeof text, "%04d-%02d-01", y, m);
    return collector_ingest_parse_day(text);
}

static void period_range(enum collector_period p, int64_t day, int64_t *first, int64_t *last)
{
    int y, m, d;
    switch (p) {
    case COLLECTOR_PERIOD_DAY:
        *first = *last = day;
        return;
    case COLLECTOR_PERIOD_WEEK:
        *first = day_monday(day);
        *last = *first + 6;
        return;
    case COLLECTOR_PERIOD_MONTH:
        day_civil(day, &y, &m, &d);
        *first = day - (d - 1);
        *last = first_of_month(y, m + 1) - 1;
        return;
    case COLLECTOR_PERIOD_YEAR:
        day_civil(day, &y, &m, &d);
        *first = first_of_month(y, 1);
        *last = first_of_month(y + 1, 1) - 1;
        return;
    }
}

static const char *period_word(enum collector_period p)
{
    return p == COLLECTOR_PERIOD_DAY     ? "day"
           : p == COLLECTOR_PERIOD_MONTH ? "month"
           : p == COLLECTOR_PERIOD_YEAR  ? "year"
                                         : "week";
}

/* ---- tallies -------------------------------------------------------------------------------- */

struct tally {
    int64_t rows;            /* buckets: 0 means "pas de données", never a count of 0 */
    int64_t issued, served, redirected, no_show, appointments, wait_count;
    double wait_sum;         /* seconds, summed in doubles (shown as a mean only; see collector_report) */
    int64_t fb[CONTRACT_WEATHER_N];
    int64_t v1_issued;       /* tickets of contract-1 buckets: their breakdowns are unknown */
    int64_t outcomes[CONTRACT_OUTCOMES_N], channels[CONTRACT_CHANNELS_N];
    int64_t reasons[CONTRACT_REASONS_N], bands[CONTRACT_WAIT_BANDS_N];
    /* waits in bands judged against their antenne's own target, and those within it */
    int64_t judged, within;
};

static void sum_into(int64_t *dst, const int64_t *src, int n)
{
    for (int i = 0; i < n; i++)
        count_add(&dst[i], src[i]);
}

static void tally_add(struct tally *t, const struct collector_sums *s)
{
    const int64_t *src[] = {&s->rows, &s->issued, &s->served, &s->redirected, &s->no_show, &s->appointments,
                            &s->wait_count, &s->v1_issued};
    int64_t *dst[] = {&t->rows, &t->issued, &t->served, &t->redirected, &t->no_show, &t->appointments,
                      &t->wait_count, &t->v1_issued};
    for (size_t i = 0; i < sizeof src / sizeof src[0]; i++)
        count_add(dst[i], *src[i]);
    t->wait_sum += (double)s->wait_sum_s;
    sum_into(t->fb, s->weather, CONTRACT_WEATHER_N);
    sum_into(t->outcomes, s->outcomes, CONTRACT_OUTCOMES_N);
    sum_into(t->channels, s->channels, CONTRACT_CHANNELS_N);
    sum_into(t->reasons, s->reasons, CONTRACT_REASONS_N);
    sum_into(t->bands, s->bands, CONTRACT_WAIT_BANDS_N);
}

/* Judges an antenne's waits (its tally, all added) by its own target through the wait bands. */
static void tally_judge(struct tally *t, int target_min)
{
    int bound = judged_bound(target_min);
    t->judged = t->within = 0;
    for (int i = 0; bound && i < CONTRACT_WAIT_BANDS_N; i++) {
        count_add(&t->judged, t->bands[i]);
        if (band_within(i, bound))
            count_add(&t->within, t->bands[i]);
    }
}

static void tally_merge(struct tally *t, const struct tally *o)
{
    const int64_t *src[] = {&o->rows, &o->issued, &o->served, &o->redirected, &o->no_show, &o->appointments,
                            &o->wait_count, &o->v1_issued, &o->judged, &o->within};
    int64_t *dst[] = {&t->rows, &t->issued, &t->served, &t->redirected, &t->no_show, &t->appointments,
                      &t->wait_count, &t->v1_issued, &t->judged, &t->within};
    for (size_t i = 0; i < sizeof src / sizeof src[0]; i++)
        count_add(dst[i], *src[i]);
    t->wait_sum += o->wait_sum;
    sum_into(t->fb, o->fb, CONTRACT_WEATHER_N);
    sum_into(t->outcomes, o->outcomes, CONTRACT_OUTCOMES_N);
    sum_into(t->channels, o->channels, CONTRACT_CHANNELS_N);
    sum_into(t->reasons, o->reasons, CONTRACT_REASONS_N);
    sum_into(t->bands, o->bands, CONTRACT_WAIT_BANDS_N);
}

struct period_ctx {
    const struct collector_antennes *antennes;
    const int *targets;              /* per antenne, registry order */
    const struct collector_console_query *q;
    int64_t first, last;
    struct tally *per;               /* per antenne, registry order */
    int64_t daily[31];               /* arrivals per day of the period (up to a month) */
    int64_t monthly[12];             /* arrivals per month (a year) */
    int64_t heat[7][24];             /* arrivals per weekday (Monday first) and hour */
    struct partner_list partners;    /* referrals per partner */
};

static void daily_add(struct period_ctx *x, int64_t day, int64_t issued)
{
    if (day >= x->first && day <= x->last && day - x->first < (int64_t)(sizeof x->daily / sizeof x->daily[0]))
        count_add(&x->daily[day - x->first], issued);
}

static int period_row(void *ctx, const struct collector_rollup *r)
{
    struct period_ctx *x = ctx;
    long i = collector_antennes_find(x->antennes, r->antenne);
    if (i < 0 || !in_scope(collector_antennes_at(x->antennes, (size_t)i), x->q))
        return 0;
    tally_add(&x->per[i], &r->sums);
    for (int d = 0; d < 7; d++)
        for (int h = 0; h < 24; h++)
            count_add(&x->heat[d][h], r->heat[d][h]);
    int y, m, d;
    day_civil(r->first, &y, &m, &d);
    if (r->grain == COLLECTOR_GRAIN_DAY)
        daily_add(x, r->first, r->sums.issued);
    else if (r->grain == COLLECTOR_GRAIN_MONTH)
        for (int k = 0; k < 31; k++)
            daily_add(x, r->first + k, r->sub[k]);
    if (r->grain == COLLECTOR_GRAIN_YEAR)
        sum_into(x->monthly, r->sub, 12);
    else
        count_add(&x->monthly[m - 1], r->sums.issued);
    partner_list_add(&x->partners, r->partners);
    return 0;
}

/* ---- page pieces ---------------------------------------------------------------------------- */

static const char console_style[] =
    "<style>"
    "nav.tabs{display:flex;gap:6px;margin-left:auto}nav.tabs a{color:#fff;text-decoration:none;padding:6px 14px;"
    "border-radius:16px;background:rgba(255,255,255,.12)}nav.tabs a.on{background:#fff;color:#16315c;font-weight:600}"
    "form.filter{display:flex;flex-wrap:wrap;gap:10px 16px;align-items:end;margin-bottom:18px}"
    "form.filter label{display:flex;flex-direction:column;font-size:12px;color:var(--muted);gap:3px}"
    "form.filter select,form.filter input{font:inherit;padding:5px 8px;border:1px solid #c5cdd9;border-radius:6px;"
    "background:#fff;max-width:260px}form.filter button{font:inherit;padding:6px 16px;border:0;border-radius:6px;"
    "background:var(--accent);color:#fff}"
    ".pnav{display:flex;gap:14px;align-items:baseline;margin:0 0 14px;flex-wrap:wrap}.pnav h2{margin:0;font-size:20px}"
    ".pnav a{color:var(--accent)}"
    ".grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:18px;margin-bottom:22px}"
    ".grid section{margin:0}#heat{grid-column:1/-1}"
    "td.alerts{white-space:normal}td.alerts .badge{margin:1px 4px 1px 0}"
    ".empty{padding:28px;text-align:center;font-size:18px;color:var(--muted)}"
    ".hbars{margin:4px 20px 10px;display:grid;grid-template-columns:max-content 1fr max-content;gap:6px 12px;"
    "align-items:center;font-size:14px}.hbars .track{height:14px;background:var(--line);border-radius:7px;"
    "overflow:hidden}.hbars .fill{height:100%;background:#4d7cc7}.hbars .fill.in{background:#2e7d46}"
    ".hbars .fill.out{background:#c98a1b}.hbars .n{text-align:right;font-variant-numeric:tabular-nums}"
    ".note{margin:4px 20px 8px;color:var(--muted);font-size:13px}"
    "table.heat td{padding:3px 4px;text-align:center;font-size:12px;border:1px solid #fff;min-width:34px}"
    "table.heat th{padding:3px 6px;border:0}"
    "svg.chart{display:block;margin:6px 20px 10px;width:calc(100% - 40px);height:auto}"
    "svg.chart text{font-size:11px;fill:#5d6776}"
    ".dist.wide{width:auto;margin:6px 20px;height:18px;border-radius:9px}"
    "td small{display:block;color:var(--muted);font-size:12px}"
    "tr.alert td:first-child{box-shadow:inset 4px 0 #c0392b}"
    ".gauge{display:flex;flex-direction:column;gap:3px;min-width:120px}"
    ".gauge .track{height:6px;background:var(--line);border-radius:3px;overflow:hidden}"
    ".gauge .fill{height:100%;background:#2e7d46}.gauge .fill.over{background:#c0392b}"
    "form.ack{margin:0}form.ack button{font:inherit;font-size:13px;padding:4px 12px;border:0;border-radius:6px;"
    "background:var(--accent);color:#fff;cursor:pointer}"
    "form.who{display:flex;gap:8px;align-items:center;color:#c9d6ea}form.who button{font:inherit;color:#fff;"
    "background:rgba(255,255,255,.12);border:0;border-radius:16px;padding:6px 14px;cursor:pointer}"
    "</style>";

static void page_open(struct buf *b, const char *title, const char *tab, const struct collector_console_query *q,
                      int64_t now, int refresh_s)
{
    buf_puts(b, "<!doctype html><html lang='fr'><head><meta charset='utf-8'>"
                "<meta name='viewport' content='width=device-width,initial-scale=1'>");
    if (refresh_s)
        buf_printf(b, "<meta http-equiv='refresh' content='%d'>", refresh_s);
    buf_puts(b, "<title>Borne · console de pilotage — ");
    html_text(b, title);
    buf_puts(b, "</title>");
    buf_puts(b, html_style);
    buf_puts(b, console_style);
    time_t t = (time_t)now;
    struct tm tm;
    char at[32] = "";
    if (localtime_r(&t, &tm))
        strftime(at, sizeof at, "%d/%m/%Y %H:%M (%Z)", &tm);
    buf_puts(b, "</head><body><header><h1>Console de pilotage</h1><p>");
    html_text(b, at);
    buf_printf(b, "</p><nav class='tabs'><a href='/console'%s>Maintenant</a><a href='/console/period'%s>Période</a>",
               strcmp(tab, "now") == 0 ? " class='on'" : "", strcmp(tab, "period") == 0 ? " class='on'" : "");
    if (q->reader[0]) {
        buf_puts(b, "<form class='who' method='post' action='/console/logout'><span id='reader'>");
        html_text(b, q->reader);
        buf_printf(b, "</span><input type='hidden' name='csrf' value='%s'><button type='submit'>Se déconnecter</button>"
                      "</form>", q->csrf);
    } else
        buf_puts(b, "<a href='/'>Page du siège</a>");
    buf_puts(b, "</nav></header><main>");
}

static void page_close(struct buf *b)
{
    buf_puts(b, "</main><footer>Borne · console de pilotage du siège — comptes agrégés uniquement, aucune donnée "
                "personnelle.</footer></body></html>\n");
}

/* Percent-encodes a query value (territory names hold accents). */
static void url_value(struct buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
            *p == '_' || *p == '.')
            buf_printf(b, "%c", *p);
        else
            buf_printf(b, "%%%02X", *p);
    }
}

enum field { FIELD_TERRITORY, FIELD_GROUP };

static const char *field_of(const struct collector_antenne_info *info, enum field f)
{
    return f == FIELD_TERRITORY ? info->territory : info->group;
}

struct field_entry {
    const char *value;
    size_t i;
};

static int cmp_field_entry(const void *pa, const void *pb)
{
    const struct field_entry *a = pa, *b = pb;
    int c = strcmp(a->value, b->value);
    return c ? c : (a->i > b->i) - (a->i < b->i);
}

/* first[i]: the index of the first antenne carrying antenne i's territory/group (i itself for the first of
 * each), found by one sort: a national registry has thousands of antennes. NULL when out of memory (the
 * page then fails through b). */
static size_t *firsts_of(struct buf *b, const struct collector_antennes *a, enum field f)
{
    size_t n = collector_antennes_count(a);
    struct field_entry *e = malloc((n ? n : 1) * sizeof *e);
    size_t *first = malloc((n ? n : 1) * sizeof *first);
    if (!e || !first) {
        free(e);
        free(first);
        b->oom = true;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        e[i] = (struct field_entry){field_of(collector_antennes_at(a, i), f), i};
    qsort(e, n, sizeof *e, cmp_field_entry);
    for (size_t k = 0; k < n; k++)
        first[e[k].i] = k && strcmp(e[k].value, e[k - 1].value) == 0 ? first[e[k - 1].i] : e[k].i;
    free(e);
    return first;
}

static void select_field(struct buf *b, const struct collector_antennes *a, enum field f,
                         const struct collector_console_query *q)
{
    const char *chosen = f == FIELD_TERRITORY ? q->territory : q->group;
    size_t *first = firsts_of(b, a, f);
    if (!first)
        return;
    buf_printf(b, "<label>%s<select name='%s'>", f == FIELD_TERRITORY ? "Territoire" : "Groupe",
               f == FIELD_TERRITORY ? "territory" : "group");
    if (f == FIELD_TERRITORY || !q->group_locked)
        buf_printf(b, "<option value=''>%s</option>",
                   f == FIELD_TERRITORY ? "Tous les territoires" : "Tous les groupes");
    for (size_t i = 0; i < collector_antennes_count(a); i++) {
        const struct collector_antenne_info *info = collector_antennes_at(a, i);
        const char *v = field_of(info, f);
        if (!*v || first[i] != i || (q->group_locked && strcmp(info->group, q->group) != 0))
            continue;
        buf_puts(b, "<option value='");
        html_text(b, v);
        buf_printf(b, "'%s>", strcmp(v, chosen) == 0 ? " selected" : "");
        html_text(b, v);
        buf_puts(b, "</option>");
    }
    buf_puts(b, "</select></label>");
    free(first);
}

static void html_date(struct buf *b, int64_t day)
{
    int y, m, d;
    day_civil(day, &y, &m, &d);
    buf_printf(b, "%02d/%02d/%04d", d, m, y);
}

/* Tallies the rollup of days x->first..x->last in x->q's scope, then judges each antenne's waits. */
static int period_walk(struct collector_store *store, struct period_ctx *x)
{
    if (collector_store_rollup_walk(store, x->first, x->last, x->q->antenne, period_row, x) != 0)
        return -1;
    for (size_t i = 0; i < collector_antennes_count(x->antennes); i++)
        tally_judge(&x->per[i], x->targets[i]);
    return 0;
}

/* Days of years 0..9999 only (the validator's range). */
static void html_percent(struct buf *b, int64_t part, int64_t whole)
{
    int tenths = (int)(1000.0 * (double)part / (double)whole + 0.5);
    buf_printf(b, "%d,%d %%", tenths / 10, tenths % 10);
}

/* ---- "Maintenant" ----------------------------------------------------------------------------- */

struct now_row {
    bool has_live, seen;
    struct collector_live live;
    int64_t last_seen;
    unsigned alerts;   /* collector_alert_conditions() bits */
};

struct seen_ctx {
    const struct collector_antennes *antennes;
    struct now_row *rows;
};

static int now_device(void *ctx, const struct collector_device *d)
{
    struct seen_ctx *x = ctx;
    long i = collector_antennes_find(x->antennes, d->antenne);
    if (i >= 0) {
        x->rows[i].seen = true;
        x->rows[i].last_seen = d->last_seen;
    }
    return 0;
}

static void now_row_html(struct buf *b, const struct collector_antenne_info *info, const struct now_row *r,
                         int target_min, int64_t now)
{
    buf_printf(b, "<tr%s data-antenne='%s'><td>", r->alerts ? " class='alert'" : "", info->id);
    html_text(b, info->name);
    buf_puts(b, "<small>");
    html_text(b, info->territory);
    buf_puts(b, "</small></td>");
    if (!r->has_live) {
        buf_puts(b, "<td class='muted nodata' colspan='5'>pas de données en direct</td><td>");
        if (r->seen)
            html_ago(b, now, r->last_seen);
        else
            buf_puts(b, "<span class='muted'>jamais</span>");
        buf_puts(b, "</td><td></td></tr>");
        return;
    }
    const struct collector_live *l = &r->live;
    int64_t longest = collector_live_longest_wait(l);
    buf_puts(b, "<td>");
    html_badge(b, l->open ? "ok" : "warn", l->open ? "Ouverte" : "Fermée");
    buf_printf(b, "</td><td class='n' data-k='now.%s.waiting'>", info->id);
    html_count(b, collector_live_waiting(l));
    buf_printf(b, "</td><td><div class='gauge'><span data-k='now.%s.longest' data-v='%lld'>", info->id,
               (long long)longest);
    html_duration(b, longest);
    buf_printf(b, " / <span data-k='now.%s.target' data-v='%d'>%d min</span></span><div class='track'><div class='fill%s' style='width:%.0f%%'></div></div></div>"
                  "</td><td class='n' data-k='now.%s.desks'>",
               info->id, target_min, target_min, longest > (int64_t)target_min * 60 ? " over" : "",
               longest >= (int64_t)target_min * 60 ? 100.0 : 100.0 * (double)longest / (target_min * 60.0), info->id);
    html_count(b, l->desks_open);
    buf_puts(b, "</td><td>");
    html_printer(b, l->printer);
    buf_puts(b, "</td><td>");
    html_ago(b, now, l->received_at);
    buf_puts(b, "</td><td class='alerts'>");
    for (int k = 0; k < COLLECTOR_ALERT_KINDS; k++)
        if (r->alerts & (1u << k))
            html_badge(b, "bad", collector_alert_label((enum collector_alert_kind)k));
    buf_puts(b, "</td></tr>");
}

/* The active alerts of the scope, as the tracker holds them. */
struct alert_list {
    const struct collector_antennes *antennes;
    const struct collector_console_query *q;
    struct now_row *rows;
    struct collector_alert_info *items;
    size_t n, cap;
    bool oom;
};

static int collect_alert(void *ctx, const struct collector_alert_info *a)
{
    struct alert_list *x = ctx;
    if (!in_scope(collector_antennes_at(x->antennes, a->antenne), x->q))
        return 0;
    x->rows[a->antenne].alerts |= 1u << a->kind;
    if (x->n == x->cap) {
        size_t cap = x->cap ? 2 * x->cap : 16;
        struct collector_alert_info *ni = realloc(x->items, cap * sizeof *ni);
        if (!ni)
            return x->oom = true, -1;
        x->items = ni;
        x->cap = cap;
    }
    x->items[x->n++] = *a;
    return 0;
}

static void alerts_section(struct buf *b, const struct alert_list *x, int64_t now)
{
    buf_puts(b, "<section id='alerts'><h2>Alertes en cours</h2>");
    if (!x->n) {
        buf_puts(b, "<p data-k='alerts.none'>Aucune alerte en cours.</p></section>");
        return;
    }
    buf_puts(b, "<table><thead><tr><th>Antenne</th><th>Alerte</th><th>Depuis</th><th>Prise en charge</th></tr>"
                "</thead><tbody>");
    for (size_t i = 0; i < x->n; i++) {
        const struct collector_alert_info *a = &x->items[i];
        const struct collector_antenne_info *info = collector_antennes_at(x->antennes, a->antenne);
        const char *word = collector_alert_word(a->kind);
        buf_printf(b, "<tr data-alert='%s.%s'><td>", info->id, word);
        html_text(b, info->name);
        buf_puts(b, "<small>");
        html_text(b, info->territory);
        buf_puts(b, "</small></td><td>");
        html_badge(b, "bad", collector_alert_label(a->kind));
        buf_puts(b, "</td><td>");
        html_ago(b, now, a->since);
        buf_printf(b, "</td><td data-k='alert.%s.%s.ack'>", info->id, word);
        if (a->acked_by[0]) {
            buf_puts(b, "par ");
            html_text(b, a->acked_by);
            buf_puts(b, ", ");
            html_ago(b, now, a->acked_at);
        } else if (x->q->csrf[0]) {
            buf_printf(b, "<form class='ack' method='post' action='/console/alerts/ack'><input type='hidden' "
                          "name='csrf' value='%s'><input type='hidden' name='antenne' value='%s'><input type='hidden' "
                          "name='kind' value='%s'><button type='submit'>Acquitter</button></form>",
                       x->q->csrf, info->id, word);
        } else
            buf_puts(b, "<span class='muted'>à prendre en charge</span>");
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table></section>");
}

int collector_console_now(struct collector_store *store, const struct collector_antennes *antennes,
                          struct collector_live_board *live, struct collector_alerts *alerts, const int *targets,
                          int64_t now, const struct collector_console_query *q, char **out, size_t *len)
{
    size_t n = collector_antennes_count(antennes);
    struct now_row *rows = calloc(n ? n : 1, sizeof *rows);
    struct buf b = {0};
    if (!rows)
        return buf_finish(&b, -1, out, len);
    struct seen_ctx sc = {antennes, rows};
    int rc = collector_store_devices(store, now_device, &sc);
    struct alert_list al = {.antennes = antennes, .q = q, .rows = rows};
    if (alerts && collector_alerts_active(alerts, collect_alert, &al) != 0 && al.oom)
        rc = -1;
    int64_t open = 0, waiting = 0, over = 0, alerting = 0, shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (!in_scope(collector_antennes_at(antennes, i), q))
            continue;
        shown++;
        rows[i].has_live = collector_live_board_get(live, i, &rows[i].live);
        unsigned conds = rows[i].has_live ? collector_alert_conditions(&rows[i].live, targets[i], now) : 0;
        rows[i].alerts |= conds;
        /* "over target" is the wait alert's own rule (open, longest wait over the target) */
        over += (conds & (1u << COLLECTOR_ALERT_WAIT)) != 0;
        if (rows[i].has_live && rows[i].live.open) {
            open++;
            count_add(&waiting, collector_live_waiting(&rows[i].live));
        }
        alerting += rows[i].alerts != 0;
    }
    page_open(&b, "maintenant", "now", q, now, 60);
    buf_puts(&b, "<form class='filter' method='get' action='/console'>");
    select_field(&b, antennes, FIELD_TERRITORY, q);
    select_field(&b, antennes, FIELD_GROUP, q);
    buf_puts(&b, "<button type='submit'>Filtrer</button></form>");
    buf_printf(&b, "<div class='cards'><div class='card'><b data-k='now.open'>%lld / %lld</b><span>antennes ouvertes"
                   "</span></div><div class='card'><b data-k='now.waiting'>",
               (long long)open, (long long)shown);
    html_count(&b, waiting);
    buf_printf(&b, "</b><span>personnes en attente</span></div><div class='card'><b data-k='now.over'>%lld</b>"
                   "<span>au-delà de leur objectif d’attente</span></div><div class='card'><b data-k='now.alerts'>%lld</b>"
                   "<span>antennes en alerte</span></div></div>",
               (long long)over, (long long)alerting);
    alerts_section(&b, &al, now);
    buf_puts(&b, "<section id='now'><h2>Les antennes maintenant</h2><p>État envoyé par chaque borne au moins chaque "
                 "minute quand elle est ouverte ; l’attente la plus longue face à l’objectif de l’antenne (celui de "
                 "sa configuration publiée, sinon celui de la région). Alertes en tête.</p><table><thead>"
                 "<tr><th>Antenne</th><th>État</th><th class='n'>En attente</th><th>Attente la plus longue</th>"
                 "<th class='n'>Guichets</th><th>Imprimante</th><th>Dernier signe</th><th>Alertes</th></tr>"
                 "</thead><tbody>");
    for (size_t k = 0; k < 2 * n; k++) {
        size_t i = k % n;
        if (!in_scope(collector_antennes_at(antennes, i), q) || (rows[i].alerts != 0) != (k < n))
            continue;
        now_row_html(&b, collector_antennes_at(antennes, i), &rows[i], targets[i], now);
    }
    buf_puts(&b, "</tbody></table></section>");
    page_close(&b);
    free(rows);
    free(al.items);
    return buf_finish(&b, rc, out, len);
}

/* ---- period --------------------------------------------------------------------------------- */

static void period_href(struct buf *b, const struct collector_console_query *q, enum collector_period p, int64_t day)
{
    char date[11];
    day_iso(day, date);
    buf_printf(b, "/console/period?period=%s&amp;date=%s", period_word(p), date);
    const char *names[] = {"territory", "group", "antenne"};
    const char *values[] = {q->territory, q->group, q->antenne};
    for (int i = 0; i < 3; i++)
        if (values[i][0]) {
            buf_printf(b, "&amp;%s=", names[i]);
            url_value(b, values[i]);
        }
}

static void period_form(struct buf *b, const struct collector_antennes *a, const struct collector_console_query *q)
{
    char date[11];
    day_iso(q->day, date);
    buf_puts(b, "<form class='filter' method='get' action='/console/period'><label>Période<select name='period'>");
    const char *labels[] = {"Jour", "Semaine", "Mois", "Année"};
    for (int p = COLLECTOR_PERIOD_DAY; p <= COLLECTOR_PERIOD_YEAR; p++)
        buf_printf(b, "<option value='%s'%s>%s</option>", period_word((enum collector_period)p),
                   (int)q->period == p ? " selected" : "", labels[p]);
    buf_printf(b, "</select></label><label>Date<input type='date' name='date' value='%s'></label>", date);
    select_field(b, a, FIELD_TERRITORY, q);
    select_field(b, a, FIELD_GROUP, q);
    buf_puts(b, "<label>Antenne<select name='antenne'><option value=''>Toutes les antennes</option>");
    for (size_t i = 0; i < collector_antennes_count(a); i++) {
        const struct collector_antenne_info *info = collector_antennes_at(a, i);
        if (q->group_locked && strcmp(info->group, q->group) != 0)
            continue;
        buf_printf(b, "<option value='%s'%s>", info->id, strcmp(info->id, q->antenne) == 0 ? " selected" : "");
        html_text(b, info->name);
        buf_puts(b, "</option>");
    }
    buf_puts(b, "</select></label><button type='submit'>Afficher</button></form>");
}

static void period_title(struct buf *b, const struct collector_antennes *a, const struct collector_console_query *q,
                         int64_t first, int64_t last)
{
    static const char *const months[] = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
                                         "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
    int y, m, d;
    day_civil(first, &y, &m, &d);
    buf_puts(b, "<div class='pnav'><a href='");
    period_href(b, q, q->period, first - 1);
    buf_puts(b, "'>← précédent</a><h2 id='period-title'>");
    if (q->period == COLLECTOR_PERIOD_YEAR)
        buf_printf(b, "année %d", y);
    else if (q->period == COLLECTOR_PERIOD_MONTH)
        buf_printf(b, "%s %d", months[m - 1], y);
    else if (q->period == COLLECTOR_PERIOD_DAY)
        html_date(b, first);
    else {
        buf_puts(b, "Semaine du ");
        html_date(b, first);
        buf_puts(b, " au ");
        html_date(b, last);
    }
    buf_puts(b, " · ");
    if (q->antenne[0])
        html_text(b, collector_antennes_at(a, (size_t)collector_antennes_find(a, q->antenne))->name);
    else if (q->group[0] || q->territory[0]) {
        html_text(b, q->territory);
        buf_puts(b, q->group[0] && q->territory[0] ? ", groupe " : q->group[0] ? "groupe " : "");
        html_text(b, q->group);
    } else
        buf_puts(b, "toute la région");
    buf_puts(b, "</h2><a href='");
    period_href(b, q, q->period, last + 1);
    buf_puts(b, "'>suivant →</a></div>");
}

/* "objectif 15 min", and how the wait bands judge it when it is not one of their bounds. */
static void target_words(struct buf *b, int target_min)
{
    int bound = judged_bound(target_min);
    buf_printf(b, "objectif %d min", target_min);
    if (!bound)
        buf_puts(b, ", trop court pour les tranches d’attente");
    else if (bound != target_min)
        buf_printf(b, ", jugé à %d min", bound);
}

/* common: the waiting target every antenne in scope shares, 0 when they differ. */
static void tally_cards(struct buf *b, const struct tally *t, int common)
{
    buf_puts(b, "<div class='cards'><div class='card'><b data-k='total.issued'>");
    html_count(b, t->issued);
    buf_puts(b, "</b><span>tickets émis</span></div><div class='card'><b data-k='total.served'>");
    html_count(b, t->served);
    buf_puts(b, "</b><span>personnes reçues</span></div><div class='card'><b data-k='total.wait_mean'");
    if (t->wait_count) {
        int64_t mean = (int64_t)(t->wait_sum / (double)t->wait_count);
        buf_printf(b, " data-v='%lld'>", (long long)mean);
        html_duration(b, mean);
    } else
        buf_puts(b, ">—");
    buf_printf(b, "</b><span>attente moyenne</span></div><div class='card'><b data-k='total.within'");
    if (t->judged) {
        buf_printf(b, " data-v='%lld/%lld'>", (long long)t->within, (long long)t->judged);
        html_percent(b, t->within, t->judged);
    } else
        buf_puts(b, ">—");
    buf_puts(b, "</b><span>");
    if (common && judged_bound(common) == common)
        buf_printf(b, "servis en %d min ou moins", common);
    else if (common) {
        buf_puts(b, "servis dans l’");
        target_words(b, common);
    } else
        buf_puts(b, "servis dans l’objectif de leur antenne");
    buf_puts(b, "</span></div><div class='card'><b data-k='total.satisfaction'>");
    double mean;
    int64_t answers;
    if (html_satisfaction(t->fb, &mean, &answers)) {
        html_score(b, mean);
        buf_puts(b, " / 5");
    } else
        buf_puts(b, "—");
    buf_puts(b, "</b><span>satisfaction (");
    html_count(b, answers);
    buf_puts(b, " avis)</span></div></div>");
}

/* One comparison row: name, tickets, received, referred, mean wait, share within target, weather.
 * target_min: the row's own target, shown under its share (0 for a row of several antennes). */
static void compare_row(struct buf *b, const char *key, const char *name, const char *sub, const struct tally *t,
                        int target_min)
{
    buf_puts(b, "<tr><td>");
    html_text(b, name);
    if (sub && *sub) {
        buf_puts(b, "<small>");
        html_text(b, sub);
        buf_puts(b, "</small>");
    }
    buf_puts(b, "</td>");
    if (!t->rows) {
        buf_puts(b, "<td colspan='7' class='muted nodata'>pas de données</td></tr>");
        return;
    }
    const int64_t counts[] = {t->issued, t->served, t->redirected};
    const char *names[] = {"issued", "served", "redirected"};
    for (int i = 0; i < 3; i++) {
        buf_puts(b, "<td class='n' data-k='");
        html_text(b, key);
        buf_printf(b, ".%s'>", names[i]);
        html_count(b, counts[i]);
        buf_puts(b, "</td>");
    }
    buf_puts(b, "<td class='n'>");
    if (t->wait_count)
        html_duration(b, (int64_t)(t->wait_sum / (double)t->wait_count));
    else
        buf_puts(b, "—");
    buf_puts(b, "</td><td class='n'>");
    if (t->judged)
        html_percent(b, t->within, t->judged);
    else
        buf_puts(b, "—");
    if (target_min) {
        buf_puts(b, "<small data-k='");
        html_text(b, key);
        buf_printf(b, ".target' data-v='%d'>", target_min);
        target_words(b, target_min);
        buf_puts(b, "</small>");
    }
    buf_puts(b, "</td>");
    html_weather(b, t->fb);
    buf_puts(b, "</tr>");
}

static void compare_head(struct buf *b, const char *id, const char *title, const char *first_col)
{
    buf_printf(b, "<section id='%s'><h2>%s</h2><table><thead><tr><th>%s</th><th class='n'>Tickets</th>"
                  "<th class='n'>Reçues</th><th class='n'>Orientées</th><th class='n'>Attente moy.</th>"
                  "<th class='n'>Dans l’objectif</th><th>Météo</th><th>Avis, soleil → orage</th></tr></thead><tbody>",
               id, title, first_col);
}

/* Rows a comparison table shows at most: a national region's 2,800 antennes (or 900 groups) in one table
 * help nobody and weigh megabytes; the page says how many there are and how to narrow them. */
#define COMPARE_ROWS_MAX 120

/* True (and the section written, saying so) when a table would have more than COMPARE_ROWS_MAX rows. */
static bool compare_too_many(struct buf *b, const char *id, const char *title, size_t rows, const char *what)
{
    if (rows <= COMPARE_ROWS_MAX)
        return false;
    buf_printf(b, "<section id='%s'><h2>%s</h2><p class='note' data-k='%s.count' data-v='%zu'>", id, title, id, rows);
    html_count(b, (int64_t)rows);
    buf_printf(b, " %s : choisissez un territoire ou un groupe pour les comparer une à une, ou utilisez l’export "
                  "CSV.</p></section>",
               what);
    return true;
}

static void compare_antennes(struct buf *b, const struct collector_antennes *a, const struct collector_console_query *q,
                             const struct tally *per, const int *targets)
{
    size_t rows = 0;
    for (size_t i = 0; i < collector_antennes_count(a); i++)
        rows += in_scope(collector_antennes_at(a, i), q);
    if (compare_too_many(b, "by-antenne", "Par antenne", rows, "antennes"))
        return;
    compare_head(b, "by-antenne", "Par antenne", "Antenne");
    for (size_t i = 0; i < collector_antennes_count(a); i++) {
        const struct collector_antenne_info *info = collector_antennes_at(a, i);
        if (!in_scope(info, q))
            continue;
        char key[COLLECTOR_ID_MAX + 16];
        snprintf(key, sizeof key, "antenne.%s", info->id);
        compare_row(b, key, info->name, info->territory, &per[i], targets[i]);
    }
    buf_puts(b, "</tbody></table></section>");
}

/* Territories or groups side by side (those with an antenne in scope). */
static void compare_field(struct buf *b, const struct collector_antennes *a, const struct collector_console_query *q,
                          const struct tally *per, enum field f)
{
    bool territory = f == FIELD_TERRITORY;
    const char *id = territory ? "by-territory" : "by-group", *title = territory ? "Territoires" : "Groupes";
    size_t n = collector_antennes_count(a), rows = 0;
    size_t *first = firsts_of(b, a, f);
    struct tally *sum = calloc(n ? n : 1, sizeof *sum);
    int *sites = calloc(n ? n : 1, sizeof *sites);
    if (!first || !sum || !sites) {
        b->oom = true;
        n = 0;
    }
    for (size_t j = 0; j < n; j++)
        if (in_scope(collector_antennes_at(a, j), q)) {
            tally_merge(&sum[first[j]], &per[j]);
            rows += *field_of(collector_antennes_at(a, j), f) && !sites[first[j]]++;
        }
    if (compare_too_many(b, id, title, rows, territory ? "territoires" : "groupes"))
        n = 0;
    else
        compare_head(b, id, title, territory ? "Territoire" : "Groupe");
    for (size_t i = 0; i < n; i++) {
        const struct collector_antenne_info *info = collector_antennes_at(a, i);
        if (!*field_of(info, f) || first[i] != i || !sites[i])
            continue;
        char key[128];
        snprintf(key, sizeof key, "%s.%s", territory ? "territory" : "group", field_of(info, f));
        char sub[32];
        snprintf(sub, sizeof sub, "%d antenne%s", sites[i], sites[i] > 1 ? "s" : "");
        compare_row(b, key, field_of(info, f), sub, &sum[i], 0);
    }
    if (n)
        buf_puts(b, "</tbody></table></section>");
    free(first);
    free(sum);
    free(sites);
}

/* Horizontal bars: label, bar, count (and share). cls: per-row fill class or NULL. */
static void hbar(struct buf *b, const char *key, const char *label, int64_t v, int64_t max, int64_t total,
                 const char *cls)
{
    buf_puts(b, "<span>");
    html_text(b, label);
    buf_printf(b, "</span><div class='track'><div class='fill%s%s' style='width:%.1f%%'></div></div><span class='n'>"
                  "<b data-k='%s'>",
               cls ? " " : "", cls ? cls : "", max ? 100.0 * (double)v / (double)max : 0.0, key);
    html_count(b, v);
    buf_puts(b, "</b>");
    if (total) {
        buf_puts(b, " · ");
        html_percent(b, v, total);
    }
    buf_puts(b, "</span>");
}

static int64_t max_of(const int64_t *v, int n)
{
    int64_t m = 0;
    for (int i = 0; i < n; i++)
        m = v[i] > m ? v[i] : m;
    return m;
}

static int64_t sum_of(const int64_t *v, int n)
{
    int64_t s = 0;
    for (int i = 0; i < n; i++)
        count_add(&s, v[i]);
    return s;
}

/* One bar per value of a contract list, keyed <prefix>.<wire word>, labelled in the contract's words. */
static void hbar_list(struct buf *b, const char *prefix, const char *(*word)(int), const char *(*label)(int),
                      const int64_t *v, int n, int64_t max, int64_t total)
{
    for (int i = 0; i < n; i++) {
        char key[48];
        snprintf(key, sizeof key, "%s.%s", prefix, word(i + 1));
        hbar(b, key, label(i + 1), v[i], max, total, NULL);
    }
}

static void unknown_note(struct buf *b, const struct tally *t)
{
    if (!t->v1_issued)
        return;
    buf_puts(b, "<p class='note'><b data-k='total.v1_issued'>");
    html_count(b, t->v1_issued);
    buf_puts(b, "</b> tickets viennent de bornes au contrat 1 : leur détail est inconnu et n’est pas compté ici.</p>");
}

/* common: as tally_cards. Bands are coloured against a target only when every antenne shares it. */
static void section_waits(struct buf *b, const struct tally *t, int common)
{
    int bound = judged_bound(common);
    buf_puts(b, "<section id='waits'><h2>Attentes</h2><p>Répartition des attentes");
    if (bound)
        buf_printf(b, " ; en vert, servis en %d min ou moins (l’objectif).", bound);
    else
        buf_puts(b, " ; chaque antenne a son objectif (tableau par antenne).");
    buf_puts(b, "</p><div class='hbars'>");
    int64_t max = max_of(t->bands, CONTRACT_WAIT_BANDS_N), total = sum_of(t->bands, CONTRACT_WAIT_BANDS_N);
    for (int i = 0; i < CONTRACT_WAIT_BANDS_N; i++) {
        char key[32];
        snprintf(key, sizeof key, "band.%s", contract_band_word(i + 1));
        hbar(b, key, contract_band_label(i + 1), t->bands[i], max, total,
             !bound ? NULL : band_within(i, bound) ? "in" : "out");
    }
    buf_puts(b, "</div>");
    unknown_note(b, t);
    buf_puts(b, "</section>");
}

static void section_outcomes(struct buf *b, const struct tally *t, const struct period_ctx *x)
{
    buf_puts(b, "<section id='outcomes'><h2>Issue des visites</h2><div class='hbars'>");
    hbar_list(b, "outcome", contract_outcome_word, contract_outcome_label, t->outcomes, CONTRACT_OUTCOMES_N,
              max_of(t->outcomes, CONTRACT_OUTCOMES_N), sum_of(t->outcomes, CONTRACT_OUTCOMES_N));
    buf_puts(b, "</div>");
    unknown_note(b, t);
    buf_puts(b, "<h2>Partenaires</h2>");
    const struct partner_list *l = &x->partners;
    if (!l->count && !l->other) {
        buf_puts(b, "<p class='note'>Aucune orientation vers un partenaire sur la période.</p></section>");
        return;
    }
    int64_t pmax = 0;
    for (int k = 0; k < l->count; k++)
        pmax = l->v[k].n > pmax ? l->v[k].n : pmax;
    pmax = l->other > pmax ? l->other : pmax;
    buf_puts(b, "<div class='hbars'>");
    for (int k = 0; k < l->count; k++) {
        char key[64];
        snprintf(key, sizeof key, "partner.%s", l->v[k].id);
        hbar(b, key, l->v[k].id, l->v[k].n, pmax, 0, NULL);
    }
    if (l->other)
        hbar(b, "partner.other", "autres partenaires", l->other, pmax, 0, NULL);
    buf_puts(b, "</div></section>");
}

static void section_channels(struct buf *b, const struct tally *t)
{
    buf_puts(b, "<section id='channels'><h2>Canaux</h2><p>Visites reçues en antenne et contacts par un autre canal "
                "comptés aux guichets.</p><div class='hbars'>");
    int64_t visits = sum_of(t->outcomes, CONTRACT_OUTCOMES_N), all = visits;
    count_add(&all, sum_of(t->channels, CONTRACT_CHANNELS_N));
    int64_t max = max_of(t->channels, CONTRACT_CHANNELS_N);
    max = visits > max ? visits : max;
    hbar(b, "channel.visit", "Visite", visits, max, all, NULL);
    hbar_list(b, "channel", contract_channel_word, contract_channel_label, t->channels, CONTRACT_CHANNELS_N, max, all);
    buf_puts(b, "</div>");
    unknown_note(b, t);
    buf_puts(b, "</section>");
}

static void section_satisfaction(struct buf *b, const struct tally *t)
{
    buf_puts(b, "<section id='satisfaction'><h2>Météo de la satisfaction</h2><div class='legend'>");
    for (int k = 0; k < CONTRACT_WEATHER_N; k++)
        buf_printf(b, "<span><i class='f%d'></i>%s</span>", 5 - k, weather_word(k));
    int64_t n = sum_of(t->fb, CONTRACT_WEATHER_N);
    buf_puts(b, "</div><div class='dist wide' role='img' aria-label='");
    for (int k = 0; k < CONTRACT_WEATHER_N; k++)
        buf_printf(b, "%s%s %lld", k ? ", " : "", weather_word(k), (long long)t->fb[k]);
    buf_puts(b, "'>");
    for (int k = 0; k < CONTRACT_WEATHER_N; k++)
        if (t->fb[k])
            buf_printf(b, "<span class='f%d' style='width:%.1f%%' title='%s : %lld'></span>", 5 - k,
                       100.0 * (double)t->fb[k] / (double)n, weather_word(k), (long long)t->fb[k]);
    buf_puts(b, "</div><div class='hbars'>");
    int64_t max = max_of(t->fb, CONTRACT_WEATHER_N);
    for (int k = 0; k < CONTRACT_WEATHER_N; k++) {
        char key[32], cls[4];
        snprintf(key, sizeof key, "weather.%s", contract_weather_word(k + 1));
        snprintf(cls, sizeof cls, "f%d", 5 - k);
        hbar(b, key, weather_word(k), t->fb[k], max, n, cls);
    }
    buf_puts(b, "</div><h2>Raisons données (pluie, orage)</h2><div class='hbars'>");
    hbar_list(b, "reason", contract_reason_word, contract_reason_label, t->reasons, CONTRACT_REASONS_N,
              max_of(t->reasons, CONTRACT_REASONS_N), 0);
    buf_puts(b, "</div></section>");
}

/* Arrivals per day (per hour for a day) as an SVG bar chart. */
/* Arrivals per hour (a day), per day (a week or a month) or per month (a year) as an SVG bar chart; the
 * labels: hours, days of the month, months. */
static void section_arrivals(struct buf *b, const struct period_ctx *x, enum collector_period p)
{
    int n = p == COLLECTOR_PERIOD_DAY ? 24 : p == COLLECTOR_PERIOD_YEAR ? 12 : (int)(x->last - x->first + 1);
    int64_t v[31];
    int wd = (int)(((x->first + 3) % 7 + 7) % 7);
    for (int i = 0; i < n; i++)
        v[i] = p == COLLECTOR_PERIOD_DAY ? x->heat[wd][i] : p == COLLECTOR_PERIOD_YEAR ? x->monthly[i] : x->daily[i];
    const char *unit = p == COLLECTOR_PERIOD_DAY ? "heure" : p == COLLECTOR_PERIOD_YEAR ? "mois" : "jour";
    int64_t max = max_of(v, n);
    const int W = 600, H = 180, top = 16, bottom = 20;
    double slot = (double)W / n;
    buf_printf(b, "<section id='arrivals'><h2>Arrivées par %s</h2><svg class='chart' viewBox='0 0 %d %d' role='img' "
                  "aria-label='Tickets émis par %s'>",
               unit, W, H, unit);
    buf_printf(b, "<line x1='0' y1='%d' x2='%d' y2='%d' stroke='#c5cdd9'/>", H - bottom, W, H - bottom);
    for (int i = 0; i < n; i++) {
        double h = max ? (double)(H - top - bottom) * (double)v[i] / (double)max : 0;
        int label;
        if (p == COLLECTOR_PERIOD_DAY || p == COLLECTOR_PERIOD_YEAR)
            label = p == COLLECTOR_PERIOD_DAY ? i : i + 1;
        else {
            int y, m, d;
            day_civil(x->first + i, &y, &m, &d);
            label = d;
        }
        buf_printf(b, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='#4d7cc7' rx='2'><title>%d : %lld"
                      "</title></rect>",
                   i * slot + slot * 0.15, H - bottom - h, slot * 0.7, h, label, (long long)v[i]);
        if (n <= 12 || i % 2 == 0)
            buf_printf(b, "<text x='%.1f' y='%d' text-anchor='middle'>%d</text>", i * slot + slot / 2, H - 6, label);
    }
    buf_puts(b, "</svg></section>");
}

/* Weekday × hour heat map of arrivals: the busy and quiet hours. */
static void section_heat(struct buf *b, const struct period_ctx *x)
{
    static const char *const days[] = {"lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."};
    int lo = 8, hi = 18;
    int64_t max = 0;
    for (int d = 0; d < 7; d++)
        for (int h = 0; h < 24; h++)
            if (x->heat[d][h]) {
                lo = h < lo ? h : lo;
                hi = h > hi ? h : hi;
                max = x->heat[d][h] > max ? x->heat[d][h] : max;
            }
    buf_puts(b, "<section id='heat'><h2>Heures d’affluence</h2><p>Tickets émis par jour de la semaine et par heure "
                "(plus c’est foncé, plus il y a de monde).</p><table class='heat'><thead><tr><th></th>");
    for (int h = lo; h <= hi; h++)
        buf_printf(b, "<th>%dh</th>", h);
    buf_puts(b, "</tr></thead><tbody>");
    for (int d = 0; d < 7; d++) {
        buf_printf(b, "<tr><th>%s</th>", days[d]);
        for (int h = lo; h <= hi; h++) {
            double a = max ? (double)x->heat[d][h] / (double)max : 0;
            buf_printf(b, "<td data-k='heat.%d.%d' style='background:rgba(31,95,174,%.2f);color:%s'>%lld</td>", d, h,
                       a, a > 0.55 ? "#fff" : "#1c2430", (long long)x->heat[d][h]);
        }
        buf_puts(b, "</tr>");
    }
    buf_puts(b, "</tbody></table></section>");
}

/* Walks the period [first, last] of the query's scope into x and per (one tally per antenne, zeroed by
 * the caller), sums them into *total, and gives the waiting target every antenne in scope shares
 * (*common, 0 when they differ). 0, or -1 on a store error. */
static int period_tally(struct collector_store *store, const struct collector_antennes *antennes, const int *targets,
                        const struct collector_console_query *q, int64_t first, int64_t last, struct period_ctx *x,
                        struct tally *per, struct tally *total, int *common)
{
    x->antennes = antennes;
    x->targets = targets;
    x->q = q;
    x->per = per;
    x->first = first;
    x->last = last;
    if (period_walk(store, x) != 0)
        return -1;
    memset(total, 0, sizeof *total);
    int shared = -1;
    for (size_t i = 0; i < collector_antennes_count(antennes); i++) {
        tally_merge(total, &per[i]);
        if (in_scope(collector_antennes_at(antennes, i), q))
            shared = shared == -1 || shared == targets[i] ? targets[i] : 0;
    }
    *common = shared < 0 ? 0 : shared;
    return 0;
}

int collector_console_period(struct collector_store *store, const struct collector_antennes *antennes,
                             const int *targets, int64_t now, const struct collector_console_query *q, char **out,
                             size_t *len)
{
    size_t n = collector_antennes_count(antennes);
    struct period_ctx *x = calloc(1, sizeof *x);
    struct tally *per = calloc(n ? n : 1, sizeof *per);
    struct buf b = {0};
    int rc = -1;
    if (!x || !per)
        goto end;
    int64_t first = q->day, last = q->day;
    period_range(q->period, q->day, &first, &last);
    struct tally total;
    int common;
    if (period_tally(store, antennes, targets, q, first, last, x, per, &total, &common) != 0)
        goto end;

    page_open(&b, "période", "period", q, now, 0);
    period_form(&b, antennes, q);
    period_title(&b, antennes, q, x->first, x->last);
    if (!total.rows) {
        buf_puts(&b, "<section class='empty'><p data-k='empty'>pas de données</p><p class='note'>Aucune borne de ce "
                     "périmètre n’a envoyé de chiffres pour cette période.</p></section>");
    } else {
        tally_cards(&b, &total, common);
        buf_puts(&b, "<div class='grid'>");
        section_arrivals(&b, x, q->period);
        section_heat(&b, x);
        section_waits(&b, &total, common);
        section_outcomes(&b, &total, x);
        section_channels(&b, &total);
        section_satisfaction(&b, &total);
        buf_puts(&b, "</div>");
        if (!q->antenne[0]) {
            if (!q->territory[0])
                compare_field(&b, antennes, q, per, FIELD_TERRITORY);
            if (!q->group[0])
                compare_field(&b, antennes, q, per, FIELD_GROUP);
        }
        compare_antennes(&b, antennes, q, per, targets);
    }
    page_close(&b);
    rc = 0;
end:
    free(x);
    free(per);
    return buf_finish(&b, rc, out, len);
}

static void figures_of(const struct tally *t, struct collector_console_figures *f)
{
    f->rows = t->rows;
    f->issued = t->issued;
    f->served = t->served;
    f->v1_issued = t->v1_issued;
    memcpy(f->weather, t->fb, sizeof f->weather);
    memcpy(f->reasons, t->reasons, sizeof f->reasons);
    memcpy(f->bands, t->bands, sizeof f->bands);
    f->within = t->within;
    f->judged = t->judged;
}

int collector_console_figures(struct collector_store *store, const struct collector_antennes *antennes,
                              const int *targets, const struct collector_console_query *q, int64_t first,
                              int64_t last, struct collector_console_figures *total,
                              struct collector_console_figures *per)
{
    size_t n = collector_antennes_count(antennes);
    struct period_ctx *x = calloc(1, sizeof *x);
    struct tally *tallies = calloc(n ? n : 1, sizeof *tallies);
    int rc = -1;
    memset(total, 0, sizeof *total);
    if (!x || !tallies)
        goto end;
    struct tally sum;
    int common;
    if (period_tally(store, antennes, targets, q, first, last, x, tallies, &sum, &common) != 0)
        goto end;
    for (size_t i = 0; per && i < n; i++) {
        memset(&per[i], 0, sizeof per[i]);
        figures_of(&tallies[i], &per[i]);
        per[i].target_min = targets[i];
    }
    figures_of(&sum, total);
    total->target_min = common;
    memcpy(total->heat, x->heat, sizeof total->heat);
    rc = 0;
end:
    free(x);
    free(tallies);
    return rc;
}
