#include "borne/collector_report.h"
#include "borne/contract.h"

#include "collector_html.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *antenne_name(const struct collector_antennes *a, const char *id)
{
    long i = collector_antennes_find(a, id);
    return i >= 0 ? collector_antennes_at(a, (size_t)i)->name : "";
}

/* RFC 4180: quote a field holding a comma, quote, CR or LF, doubling inner quotes. */
static void csv_text(struct buf *b, const char *s)
{
    if (!s[strcspn(s, ",\"\r\n")]) {
        buf_puts(b, s);
        return;
    }
    buf_puts(b, "\"");
    for (; *s; s++)
        buf_printf(b, *s == '"' ? "\"\"" : "%c", *s);
    buf_puts(b, "\"");
}

/* Numeric members of a bucket in wire/CSV order, so CSV and JSON cannot drift apart: contract 1's
 * first (their columns keep their place), then the bucket's contract version and contract 2's
 * breakdowns, named <array>_<word> from the contract's lists. */
#define OUTCOME_COL_(N, v, word, label) "outcomes_" word,
#define CHANNEL_COL_(N, v, word, label) "channels_" word,
#define REASON_COL_(N, v, word, label) "feedback_reasons_" word,
#define BAND_COL_(N, v, word, label, low) "wait_bands_" word,
static const char *const num_names[] = {
    "revision",      "issued",        "called",        "served",     "redirected",  "no_show",
    "cancelled",     "expired",       "transferred",   "appointments_checked_in",   "wait_sum_s",
    "wait_count",    "wait_p50_s",    "wait_p90_s",    "service_sum_s",             "service_count",
    "service_p50_s", "service_p90_s", "soleil",        "soleil_voile", "nuageux",   "pluie",
    "orage",         "contract",      CONTRACT_OUTCOMES(OUTCOME_COL_) CONTRACT_CHANNELS(CHANNEL_COL_)
    CONTRACT_REASONS(REASON_COL_) CONTRACT_WAIT_BANDS(BAND_COL_)};
#define NUM_FIELDS ((int)(sizeof num_names / sizeof num_names[0]))
#define CONTRACT_FIELD 23   /* a version, like revision: never totalled */

static void bucket_nums(const struct collector_bucket *b, int64_t v[NUM_FIELDS])
{
    const int64_t src[] = {
        b->revision,          b->issued,         b->called,          b->served,
        b->redirected,        b->no_show,        b->cancelled,       b->expired,
        b->transferred,       b->appointments_checked_in,            b->wait.sum_s,
        b->wait.count,        b->wait.p50_s,     b->wait.p90_s,      b->service_time.sum_s,
        b->service_time.count, b->service_time.p50_s, b->service_time.p90_s, b->feedback[0],
        b->feedback[1],       b->feedback[2],    b->feedback[3],     b->feedback[4], b->schema};
    _Static_assert(sizeof src / sizeof src[0] == CONTRACT_FIELD + 1, "contract 1 columns, then the version");
    memcpy(v, src, sizeof src);
    int n = CONTRACT_FIELD + 1;
    for (int i = 0; i < CONTRACT_OUTCOMES_N; i++)
        v[n++] = b->outcomes[i];
    for (int i = 0; i < CONTRACT_CHANNELS_N; i++)
        v[n++] = b->channels[i];
    for (int i = 0; i < CONTRACT_REASONS_N; i++)
        v[n++] = b->feedback_reasons[i];
    for (int i = 0; i < CONTRACT_WAIT_BANDS_N; i++)
        v[n++] = b->wait_bands[i];
}


struct export_ctx {
    struct buf *b;
    const struct collector_antennes *antennes;
    size_t rows;
    int64_t totals[NUM_FIELDS];
};

static int csv_row(void *ctx, const struct collector_row *r)
{
    struct export_ctx *x = ctx;
    int64_t v[NUM_FIELDS];
    bucket_nums(&r->bucket, v);
    csv_text(x->b, r->antenne);
    buf_puts(x->b, ",");
    csv_text(x->b, antenne_name(x->antennes, r->antenne));
    buf_printf(x->b, ",%s,%d,%s,", r->bucket.day, r->bucket.hour, r->bucket.service);
    csv_text(x->b, r->bucket.public_type);
    for (int i = 0; i < NUM_FIELDS; i++)
        buf_printf(x->b, ",%lld", (long long)v[i]);
    buf_puts(x->b, ",");
    csv_text(x->b, r->bucket.partners);
    buf_puts(x->b, "\r\n");
    return x->b->oom ? -1 : 0;
}

int collector_report_csv(struct collector_store *store, const struct collector_antennes *antennes,
                         const struct collector_filter *filter, char **out, size_t *len)
{
    struct buf b = {0};
    buf_puts(&b, "antenne,antenne_name,day,hour,service,public");
    for (int i = 0; i < NUM_FIELDS; i++)
        buf_printf(&b, ",%s", num_names[i]);
    buf_puts(&b, ",partners\r\n");
    struct export_ctx x = {.b = &b, .antennes = antennes};
    return buf_finish(&b, collector_store_export(store, filter, csv_row, &x), out, len);
}

/* Ids, days, services and public types are validated plain ASCII; names come from the CSV and are
 * escaped. */
static void json_text(struct buf *b, const char *s)
{
    buf_puts(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            buf_printf(b, "\\%c", *p);
        else if (*p < 0x20)
            buf_printf(b, "\\u%04x", *p);
        else
            buf_printf(b, "%c", *p);
    }
    buf_puts(b, "\"");
}

static void json_stat(struct buf *b, const char *name, const struct collector_stat *s)
{
    buf_printf(b, ",\"%s\":{\"sum_s\":%lld,\"count\":%lld,\"p50_s\":%lld,\"p90_s\":%lld}", name, (long long)s->sum_s,
            (long long)s->count, (long long)s->p50_s, (long long)s->p90_s);
}

static int json_row(void *ctx, const struct collector_row *r)
{
    struct export_ctx *x = ctx;
    const struct collector_bucket *k = &r->bucket;
    int64_t v[NUM_FIELDS];
    bucket_nums(k, v);
    /* revision is a version, not a quantity: never summed (two at 2^53 would not fit). */
    for (int i = 1; i < NUM_FIELDS; i++)
        if (i != CONTRACT_FIELD)
            count_add(&x->totals[i], v[i]);
    buf_puts(x->b, x->rows++ ? ",\n" : "\n");
    buf_puts(x->b, "{\"antenne\":");
    json_text(x->b, r->antenne);
    buf_printf(x->b, ",\"day\":\"%s\",\"hour\":%d,\"service\":\"%s\",\"public\":", k->day, k->hour, k->service);
    json_text(x->b, k->public_type);
    buf_printf(x->b,
            ",\"revision\":%lld,\"issued\":%lld,\"called\":%lld,\"served\":%lld,\"redirected\":%lld,"
            "\"no_show\":%lld,\"cancelled\":%lld,\"expired\":%lld,\"transferred\":%lld,"
            "\"appointments_checked_in\":%lld",
            (long long)k->revision, (long long)k->issued, (long long)k->called, (long long)k->served,
            (long long)k->redirected, (long long)k->no_show, (long long)k->cancelled, (long long)k->expired,
            (long long)k->transferred, (long long)k->appointments_checked_in);
    json_stat(x->b, "wait", &k->wait);
    json_stat(x->b, "service_time", &k->service_time);
    buf_printf(x->b, ",\"feedback\":[%lld,%lld,%lld,%lld,%lld]", (long long)k->feedback[0], (long long)k->feedback[1],
            (long long)k->feedback[2], (long long)k->feedback[3], (long long)k->feedback[4]);
    /* Contract 2: the version the bucket came with (1: the breakdowns below are unknown, not 0). */
    buf_printf(x->b, ",\"contract\":%d", k->schema);
    for (int i = CONTRACT_FIELD + 1; i < NUM_FIELDS; i++)
        buf_printf(x->b, ",\"%s\":%lld", num_names[i], (long long)v[i]);
    buf_puts(x->b, ",\"partners\":");
    json_text(x->b, k->partners);
    buf_puts(x->b, "}");
    return x->b->oom ? -1 : 0;
}

int collector_report_json(struct collector_store *store, const struct collector_antennes *antennes,
                          const struct collector_filter *filter, char **out, size_t *len)
{
    struct buf b = {0};
    struct export_ctx x = {.b = &b, .antennes = antennes};
    buf_puts(&b, "{\"filter\":{\"from\":");
    json_text(&b, filter->from);
    buf_puts(&b, ",\"to\":");
    json_text(&b, filter->to);
    buf_puts(&b, ",\"antenne\":");
    json_text(&b, filter->antenne);
    buf_puts(&b, ",\"service\":");
    json_text(&b, filter->service);
    buf_puts(&b, "},\"buckets\":[");
    int rc = collector_store_export(store, filter, json_row, &x);
    buf_printf(&b, "\n],\"totals\":{\"buckets\":%zu", x.rows);
    /* revision and contract are versions, not quantities: no total. */
    for (int i = 1; i < NUM_FIELDS; i++)
        if (i != CONTRACT_FIELD)
            buf_printf(&b, ",\"%s\":%lld", num_names[i], (long long)x.totals[i]);
    buf_puts(&b, "}}\n");
    return buf_finish(&b, rc, out, len);
}

/* ---- HTML page ---- */

#define WEEKS 8

struct agg {
    int64_t weeks[WEEKS];
    int64_t issued, served, no_show, appointments;
    int64_t wait_count, svc_count;
    /* seconds summed over weeks of buckets, each up to count x a day: shown as means only, so
     * a double (which cannot overflow here) is exact enough */
    double wait_sum, wait_p90_weighted, svc_sum;
    int64_t fb[5];
    int64_t rows;          /* buckets seen: 0 means "no data", never a count of 0 */
};

struct page_ctx {
    const struct collector_antennes *antennes;
    struct agg *agg;       /* one per antenne, registry order */
    int64_t first_monday;  /* epoch day */
};


static int iso_week(int64_t monday)
{
    int y, m, d;
    day_civil(monday + 3, &y, &m, &d);
    char jan1[11];
    snprintf(jan1, sizeof jan1, "%04d-01-01", y);
    return (int)((monday + 3 - collector_ingest_parse_day(jan1)) / 7) + 1;
}

static int page_row(void *ctx, const struct collector_row *r)
{
    struct page_ctx *p = ctx;
    long i = collector_antennes_find(p->antennes, r->antenne);
    if (i < 0)
        return 0; /* an antenne removed from the CSV since: its data stays in the exports */
    struct agg *a = &p->agg[i];
    const struct collector_bucket *b = &r->bucket;
    a->rows++;
    int64_t w = (collector_ingest_parse_day(b->day) - p->first_monday) / 7;
    if (w >= 0 && w < WEEKS)
        count_add(&a->weeks[w], b->issued);
    count_add(&a->issued, b->issued);
    count_add(&a->served, b->served);
    count_add(&a->no_show, b->no_show);
    count_add(&a->appointments, b->appointments_checked_in);
    a->wait_sum += (double)b->wait.sum_s;
    count_add(&a->wait_count, b->wait.count);
    a->wait_p90_weighted += (double)b->wait.p90_s * (double)b->wait.count;
    a->svc_sum += (double)b->service_time.sum_s;
    count_add(&a->svc_count, b->service_time.count);
    for (int k = 0; k < 5; k++)
        count_add(&a->fb[k], b->feedback[k]);
    return 0;
}

struct device_slot {
    bool seen;
    struct collector_device d;
};

struct devices_ctx {
    const struct collector_antennes *antennes;
    struct device_slot *slots;
};

static int page_device(void *ctx, const struct collector_device *d)
{
    struct devices_ctx *x = ctx;
    long i = collector_antennes_find(x->antennes, d->antenne);
    if (i >= 0) {
        x->slots[i].seen = true;
        x->slots[i].d = *d;
    }
    return 0;
}



static void page_head(struct buf *b, int64_t now, int64_t first_monday, int64_t today)
{
    int y, m, d, y2, m2, d2;
    day_civil(first_monday, &y, &m, &d);
    day_civil(today, &y2, &m2, &d2);
    buf_puts(b, "<!doctype html><html lang='fr'><head><meta charset='utf-8'>"
             "<meta name='viewport' content='width=device-width,initial-scale=1'>"
             "<meta http-equiv='refresh' content='300'>"
             "<title>Borne · siège — fréquentation des antennes</title>");
    buf_puts(b, html_style);
    /* The reader's time: headquarters' zone (the process TZ), named. */
    time_t t = (time_t)now;
    struct tm tm;
    char at[32] = "";
    if (localtime_r(&t, &tm))
        strftime(at, sizeof at, "%H:%M (%Z)", &tm);
    buf_printf(b, "</head><body><header><h1>Fréquentation des antennes</h1><p>du %02d/%02d/%04d au %02d/%02d/%04d"
               " · mis à jour à %s</p></header><main>",
            d, m, y, d2, m2, y2, at);
}

static void page_cards(struct buf *b, const struct agg *total, size_t n_antennes, size_t attention)
{
    buf_puts(b, "<div class='cards'><div class='card'><b>");
    html_count(b, total->issued);
    buf_puts(b, "</b><span>tickets émis sur 8 semaines</span></div><div class='card'><b>");
    html_count(b, total->served);
    buf_puts(b, "</b><span>personnes reçues</span></div><div class='card'><b>");
    if (total->wait_count)
        html_duration(b, (int64_t)(total->wait_sum / (double)total->wait_count));
    else
        buf_puts(b, "—");
    buf_puts(b, "</b><span>attente moyenne</span></div><div class='card'><b>");
    int64_t n;
    double mean;
    if (html_satisfaction(total->fb, &mean, &n)) {
        html_score(b, mean);
        buf_puts(b, " / 5");
    } else
        buf_puts(b, "—");
    buf_printf(b, "</b><span>satisfaction moyenne</span></div><div class='card'><b>%zu / %zu</b>"
               "<span>bornes à surveiller</span></div></div>",
            attention, n_antennes);
}

static void page_attendance(struct buf *b, const struct collector_antennes *an, const struct agg *agg,
                            int64_t first_monday)
{
    int64_t max = 1;
    for (size_t i = 0; i < collector_antennes_count(an); i++)
        for (int w = 0; w < WEEKS; w++)
            max = agg[i].weeks[w] > max ? agg[i].weeks[w] : max;
    buf_puts(b, "<section id='attendance'><h2>Fréquentation par semaine</h2><p>Tickets émis par antenne et par semaine ISO.</p>"
             "<table><thead><tr><th>Antenne</th>");
    for (int w = 0; w < WEEKS; w++) {
        int y, m, d;
        day_civil(first_monday + 7 * w, &y, &m, &d);
        buf_printf(b, "<th class='n'>S%d<br><span class='muted'>%02d/%02d</span></th>", iso_week(first_monday + 7 * w), d,
                m);
    }
    buf_puts(b, "<th class='n'>Total</th><th class='n'>Reçues</th><th class='n'>Absents</th><th class='n'>RDV</th>"
             "</tr></thead><tbody>");
    for (size_t i = 0; i < collector_antennes_count(an); i++) {
        const struct agg *a = &agg[i];
        buf_puts(b, "<tr><td>");
        html_text(b, collector_antennes_at(an, i)->name);
        buf_puts(b, "</td>");
        if (!a->rows) {
            buf_printf(b, "<td colspan='%d' class='muted nodata'>pas de données</td></tr>", WEEKS + 4);
            continue;
        }
        for (int w = 0; w < WEEKS; w++) {
            buf_puts(b, "<td class='n'><div class='cell'>");
            html_count(b, a->weeks[w]);
            buf_printf(b, "<div class='bar' style='width:%.0fpx'></div></div></td>", 56.0 * (double)a->weeks[w] / (double)max);
        }
        buf_puts(b, "<td class='n'><b>");
        html_count(b, a->issued);
        buf_puts(b, "</b></td><td class='n'>");
        html_count(b, a->served);
        buf_puts(b, "</td><td class='n'>");
        html_count(b, a->no_show);
        buf_puts(b, "</td><td class='n'>");
        html_count(b, a->appointments);
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table></section>");
}

static void page_waits(struct buf *b, const struct collector_antennes *an, const struct agg *agg)
{
    buf_puts(b, "<section id='satisfaction'><h2>Attente et météo de la satisfaction</h2>"
             "<p>Attente moyenne = somme des attentes ÷ nombre d’appels. Le p90 est la moyenne des p90 horaires, "
             "pondérée par le nombre d’appels.</p><div class='legend'>");
    for (int k = 0; k < 5; k++)
        buf_printf(b, "<span><i class='f%d'></i>%s</span>", 5 - k, weather_word(k));
    buf_puts(b, "</div><table><thead><tr><th>Antenne</th><th class='n'>Attente moyenne</th><th class='n'>Attente p90</th>"
             "<th class='n'>Durée d’entretien</th><th>Météo</th><th>Répartition des avis</th></tr></thead><tbody>");
    for (size_t i = 0; i < collector_antennes_count(an); i++) {
        const struct agg *a = &agg[i];
        buf_puts(b, "<tr><td>");
        html_text(b, collector_antennes_at(an, i)->name);
        buf_puts(b, "</td><td class='n'>");
        if (a->wait_count) {
            html_duration(b, (int64_t)(a->wait_sum / (double)a->wait_count));
            buf_puts(b, "</td><td class='n'>");
            html_duration(b, (int64_t)(a->wait_p90_weighted / (double)a->wait_count));
        } else {
            buf_puts(b, "—</td><td class='n'>—");
        }
        buf_puts(b, "</td><td class='n'>");
        if (a->svc_count)
            html_duration(b, (int64_t)(a->svc_sum / (double)a->svc_count));
        else
            buf_puts(b, "—");
        buf_puts(b, "</td>");
        html_weather(b, a->fb);
        buf_puts(b, "</tr>");
    }
    buf_puts(b, "</tbody></table></section>");
}

/* A board silent for two hours during opening days deserves a look. */
#define STALE_S 7200

static bool needs_attention(const struct device_slot *s, int64_t now)
{
    if (!s->seen)
        return false;
    bool printer_ok = strcmp(s->d.health.printer, "ready") == 0 || s->d.sent_at < 0;
    return now - s->d.last_seen > STALE_S || !printer_ok;
}

static void page_devices(struct buf *b, const struct collector_antennes *an, const struct device_slot *slots,
                         int64_t now)
{
    buf_puts(b, "<section id='devices'><h2>État des bornes</h2><p>Dernier contact vu par le siège, état de l’imprimante à ticket "
             "et file d’attente au moment de l’envoi.</p><table><thead><tr><th>Antenne</th><th>Dernier contact</th>"
             "<th>Imprimante</th><th>Dernier envoi réussi</th><th class='n'>En attente</th><th>Version</th>"
             "<th class='n'>En service depuis</th></tr></thead><tbody>");
    /* Faults first (silent or printer not ready), then the others, each in registry order. */
    size_t n = collector_antennes_count(an);
    for (size_t k = 0; k < 2 * n; k++) {
        size_t i = k % n;
        if (needs_attention(&slots[i], now) != (k < n))
            continue;
        const struct device_slot *s = &slots[i];
        buf_puts(b, "<tr><td>");
        html_text(b, collector_antennes_at(an, i)->name);
        buf_puts(b, "</td><td>");
        if (!s->seen) {
            buf_puts(b, "<span class='muted'>jamais</span></td><td colspan='5'></td></tr>");
            continue;
        }
        if (now - s->d.last_seen > STALE_S) {
            buf_puts(b, "<span class='badge warn'><i aria-hidden='true'>!</i>");
            html_ago(b, now, s->d.last_seen);
            buf_puts(b, "</span>");
        } else {
            html_ago(b, now, s->d.last_seen);
        }
        buf_puts(b, "</td><td>");
        if (s->d.sent_at < 0) {
            buf_puts(b, "<span class='muted'>inconnu</span></td><td></td><td></td><td></td><td></td></tr>");
            continue;
        }
        html_printer(b, s->d.health.printer);
        buf_puts(b, "</td><td>");
        if (s->d.health.last_upload < 0)
            buf_puts(b, "<span class='muted'>jamais</span>");
        else
            html_ago(b, now, s->d.health.last_upload);
        buf_puts(b, "</td><td class='n'>");
        html_count(b, s->d.health.queue_waiting);
        buf_puts(b, "</td><td>");
        html_text(b, s->d.health.version);
        buf_puts(b, "</td><td class='n'>");
        html_duration(b, s->d.health.uptime_s);
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table></section>");
}

int collector_report_page(struct collector_store *store, const struct collector_antennes *antennes, int64_t now,
                          char **out, size_t *len)
{
    size_t n = collector_antennes_count(antennes);
    struct agg *agg = calloc(n ? n : 1, sizeof *agg);
    struct device_slot *slots = calloc(n ? n : 1, sizeof *slots);
    struct buf b = {0};
    int rc = -1;
    if (!agg || !slots)
        goto end;

    int64_t today = now / 86400;
    int64_t first_monday = day_monday(today) - 7 * (WEEKS - 1);
    struct collector_filter f;
    memset(&f, 0, sizeof f);
    int y, m, d;
    day_civil(first_monday, &y, &m, &d);
    snprintf(f.from, sizeof f.from, "%04d-%02d-%02d", y, m, d);
    struct page_ctx pc = {antennes, agg, first_monday};
    struct devices_ctx dc = {antennes, slots};
    if (collector_store_export(store, &f, page_row, &pc) != 0 ||
        collector_store_devices(store, page_device, &dc) != 0)
        goto end;

    struct agg total;
    memset(&total, 0, sizeof total);
    size_t attention = 0;
    for (size_t i = 0; i < n; i++) {
        count_add(&total.issued, agg[i].issued);
        count_add(&total.served, agg[i].served);
        total.wait_sum += agg[i].wait_sum;
        count_add(&total.wait_count, agg[i].wait_count);
        for (int k = 0; k < 5; k++)
            count_add(&total.fb[k], agg[i].fb[k]);
        attention += needs_attention(&slots[i], now);
    }
    page_head(&b, now, first_monday, today);
    page_cards(&b, &total, n, attention);
    page_attendance(&b, antennes, agg, first_monday);
    page_waits(&b, antennes, agg);
    page_devices(&b, antennes, slots, now);
    buf_puts(&b, "</main><footer>Borne · collecteur du siège — comptes agrégés uniquement, aucune donnée personnelle. "
              "<a href='/console'>Console de pilotage</a> · Exports : <a href='/api/v1/export.csv'>CSV</a> · <a href='/api/v1/export.json'>JSON</a></footer>"
              "</body></html>\n");
    rc = 0;
end:
    free(agg);
    free(slots);
    return buf_finish(&b, rc, out, len);
}
