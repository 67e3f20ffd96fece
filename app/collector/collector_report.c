#include "borne/collector_report.h"
#include "borne/contract.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct buf {
    char *p;
    size_t len, cap;
    bool oom;
};

__attribute__((format(printf, 2, 3))) static void bprintf(struct buf *b, const char *fmt, ...)
{
    if (b->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = true;
            return;
        }
        if (b->p && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t ncap = b->cap ? b->cap : 4096;
        while (ncap <= b->len + (size_t)n)
            ncap *= 2;
        char *np = realloc(b->p, ncap);
        if (!np) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = ncap;
    }
}

static void bputs(struct buf *b, const char *s)
{
    bprintf(b, "%s", s);
}

static int finish(struct buf *b, int rc, char **out, size_t *len)
{
    if (rc != 0 || b->oom || !b->p) {
        free(b->p);
        *out = NULL;
        *len = 0;
        return -1;
    }
    *out = b->p;
    *len = b->len;
    return 0;
}

static const char *antenne_name(const struct collector_antennes *a, const char *id)
{
    long i = collector_antennes_find(a, id);
    return i >= 0 ? collector_antennes_at(a, (size_t)i)->name : "";
}

/* RFC 4180: quote a field holding a comma, quote, CR or LF, doubling inner quotes. */
static void csv_text(struct buf *b, const char *s)
{
    if (!s[strcspn(s, ",\"\r\n")]) {
        bputs(b, s);
        return;
    }
    bputs(b, "\"");
    for (; *s; s++)
        bprintf(b, *s == '"' ? "\"\"" : "%c", *s);
    bputs(b, "\"");
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

/* Totals of bounded values (see collector_ingest.h) over any number of rows: one that would pass
 * INT64_MAX stays there (an absurd total is shown as the largest one, never as garbage). */
static void add_to(int64_t *total, int64_t v)
{
    if (__builtin_add_overflow(*total, v, total))
        *total = INT64_MAX;
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
    bputs(x->b, ",");
    csv_text(x->b, antenne_name(x->antennes, r->antenne));
    bprintf(x->b, ",%s,%d,%s,", r->bucket.day, r->bucket.hour, r->bucket.service);
    csv_text(x->b, r->bucket.public_type);
    for (int i = 0; i < NUM_FIELDS; i++)
        bprintf(x->b, ",%lld", (long long)v[i]);
    bputs(x->b, ",");
    csv_text(x->b, r->bucket.partners);
    bputs(x->b, "\r\n");
    return x->b->oom ? -1 : 0;
}

int collector_report_csv(struct collector_store *store, const struct collector_antennes *antennes,
                         const struct collector_filter *filter, char **out, size_t *len)
{
    struct buf b = {0};
    bputs(&b, "antenne,antenne_name,day,hour,service,public");
    for (int i = 0; i < NUM_FIELDS; i++)
        bprintf(&b, ",%s", num_names[i]);
    bputs(&b, ",partners\r\n");
    struct export_ctx x = {.b = &b, .antennes = antennes};
    return finish(&b, collector_store_export(store, filter, csv_row, &x), out, len);
}

/* Ids, days, services and public types are validated plain ASCII; names come from the CSV and are
 * escaped. */
static void json_text(struct buf *b, const char *s)
{
    bputs(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            bprintf(b, "\\%c", *p);
        else if (*p < 0x20)
            bprintf(b, "\\u%04x", *p);
        else
            bprintf(b, "%c", *p);
    }
    bputs(b, "\"");
}

static void json_stat(struct buf *b, const char *name, const struct collector_stat *s)
{
    bprintf(b, ",\"%s\":{\"sum_s\":%lld,\"count\":%lld,\"p50_s\":%lld,\"p90_s\":%lld}", name, (long long)s->sum_s,
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
            add_to(&x->totals[i], v[i]);
    bputs(x->b, x->rows++ ? ",\n" : "\n");
    bputs(x->b, "{\"antenne\":");
    json_text(x->b, r->antenne);
    bprintf(x->b, ",\"day\":\"%s\",\"hour\":%d,\"service\":\"%s\",\"public\":", k->day, k->hour, k->service);
    json_text(x->b, k->public_type);
    bprintf(x->b,
            ",\"revision\":%lld,\"issued\":%lld,\"called\":%lld,\"served\":%lld,\"redirected\":%lld,"
            "\"no_show\":%lld,\"cancelled\":%lld,\"expired\":%lld,\"transferred\":%lld,"
            "\"appointments_checked_in\":%lld",
            (long long)k->revision, (long long)k->issued, (long long)k->called, (long long)k->served,
            (long long)k->redirected, (long long)k->no_show, (long long)k->cancelled, (long long)k->expired,
            (long long)k->transferred, (long long)k->appointments_checked_in);
    json_stat(x->b, "wait", &k->wait);
    json_stat(x->b, "service_time", &k->service_time);
    bprintf(x->b, ",\"feedback\":[%lld,%lld,%lld,%lld,%lld]", (long long)k->feedback[0], (long long)k->feedback[1],
            (long long)k->feedback[2], (long long)k->feedback[3], (long long)k->feedback[4]);
    /* Contract 2: the version the bucket came with (1: the breakdowns below are unknown, not 0). */
    bprintf(x->b, ",\"contract\":%d", k->schema);
    for (int i = CONTRACT_FIELD + 1; i < NUM_FIELDS; i++)
        bprintf(x->b, ",\"%s\":%lld", num_names[i], (long long)v[i]);
    bputs(x->b, ",\"partners\":");
    json_text(x->b, k->partners);
    bputs(x->b, "}");
    return x->b->oom ? -1 : 0;
}

int collector_report_json(struct collector_store *store, const struct collector_antennes *antennes,
                          const struct collector_filter *filter, char **out, size_t *len)
{
    struct buf b = {0};
    struct export_ctx x = {.b = &b, .antennes = antennes};
    bputs(&b, "{\"filter\":{\"from\":");
    json_text(&b, filter->from);
    bputs(&b, ",\"to\":");
    json_text(&b, filter->to);
    bputs(&b, ",\"antenne\":");
    json_text(&b, filter->antenne);
    bputs(&b, ",\"service\":");
    json_text(&b, filter->service);
    bputs(&b, "},\"buckets\":[");
    int rc = collector_store_export(store, filter, json_row, &x);
    bprintf(&b, "\n],\"totals\":{\"buckets\":%zu", x.rows);
    /* revision and contract are versions, not quantities: no total. */
    for (int i = 1; i < NUM_FIELDS; i++)
        if (i != CONTRACT_FIELD)
            bprintf(&b, ",\"%s\":%lld", num_names[i], (long long)x.totals[i]);
    bputs(&b, "}}\n");
    return finish(&b, rc, out, len);
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

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t monday_of(int64_t day)
{
    int64_t dow = ((day + 3) % 7 + 7) % 7; /* 1970-01-01 was a Thursday: Monday = 0 */
    return day - dow;
}

static int iso_week(int64_t monday)
{
    int y, m, d;
    civil_from_days(monday + 3, &y, &m, &d);
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
        add_to(&a->weeks[w], b->issued);
    add_to(&a->issued, b->issued);
    add_to(&a->served, b->served);
    add_to(&a->no_show, b->no_show);
    add_to(&a->appointments, b->appointments_checked_in);
    a->wait_sum += (double)b->wait.sum_s;
    add_to(&a->wait_count, b->wait.count);
    a->wait_p90_weighted += (double)b->wait.p90_s * (double)b->wait.count;
    a->svc_sum += (double)b->service_time.sum_s;
    add_to(&a->svc_count, b->service_time.count);
    for (int k = 0; k < 5; k++)
        add_to(&a->fb[k], b->feedback[k]);
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

static void html_text(struct buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': bputs(b, "&lt;"); break;
        case '>': bputs(b, "&gt;"); break;
        case '&': bputs(b, "&amp;"); break;
        case '"': bputs(b, "&quot;"); break;
        default: bprintf(b, "%c", *s);
        }
    }
}

/* 12345 -> "12 345" (French thousands separator, a narrow no-break space). */
static void html_count(struct buf *b, int64_t n)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%lld", (long long)n);
    for (int i = 0; i < len; i++) {
        if (i && digits[i - 1] != '-' && (len - i) % 3 == 0)
            bputs(b, "\xe2\x80\xaf");
        bprintf(b, "%c", digits[i]);
    }
}

static void html_duration(struct buf *b, int64_t s)
{
    if (s < 60)
        bprintf(b, "%lld s", (long long)s);
    else if (s < 3600)
        bprintf(b, "%lld min %02lld", (long long)(s / 60), (long long)(s % 60));
    else if (s < 172800)
        bprintf(b, "%lld h %02lld", (long long)(s / 3600), (long long)(s % 3600 / 60));
    else
        bprintf(b, "%lld j %lld h", (long long)(s / 86400), (long long)(s % 86400 / 3600));
}

static void html_ago(struct buf *b, int64_t now, int64_t t)
{
    int64_t d = now - t;
    if (d < 0)
        d = 0;
    if (d < 120)
        bputs(b, "à l’instant");
    else if (d < 7200)
        bprintf(b, "il y a %lld min", (long long)(d / 60));
    else if (d < 172800)
        bprintf(b, "il y a %lld h", (long long)(d / 3600));
    else
        bprintf(b, "il y a %lld j", (long long)(d / 86400));
}

/* Five weather levels in the contract's order (index 0 = soleil, the best; 4 = orage), each an
 * inline SVG (no font dependency) and the kiosk's word (contract_weather_label): never colour
 * alone. The colour class of level index k is f(5 - k) everywhere (legend and bars): f5 sunny. */
#define weather_word(k) contract_weather_label((k) + 1)
static const char *const weather_svg[5] = {
    "<circle cx='14' cy='14' r='6' fill='#f5a300'/>"
    "<path d='M14 2v3M14 23v3M2 14h3M23 14h3M5.5 5.5l2.1 2.1M20.4 20.4l2.1 2.1M5.5 22.5l2.1-2.1M20.4 7.6l2.1-2.1' "
    "stroke='#f5a300' stroke-width='2' stroke-linecap='round'/>",
    "<circle cx='10' cy='10' r='5' fill='#f5b82e'/>"
    "<path d='M10 1.5v2.5M10 16v2.5M1.5 10h2.5M3.9 3.9l1.8 1.8M14.3 5.7l1.8-1.8M3.9 16.1l1.8-1.8' stroke='#f5b82e' "
    "stroke-width='1.8' stroke-linecap='round'/>"
    "<path d='M10 23h12a4 4 0 0 0 0-8 6 6 0 0 0-11 1.5A3.3 3.3 0 0 0 10 23z' fill='#c3cad6'/>",
    "<path d='M7 20h13a5 5 0 0 0 0-10 7 7 0 0 0-13 2A4 4 0 0 0 7 20z' fill='#a7b0bf'/>",
    "<path d='M7 15h11a4 4 0 0 0 0-8 6 6 0 0 0-11.3 1.5A3.3 3.3 0 0 0 7 15z' fill='#7b8494'/>"
    "<path d='M9 18l-1.5 4M14 18l-1.5 4M19 18l-1.5 4' stroke='#2f6fd6' stroke-width='2' stroke-linecap='round'/>",
    "<path d='M7 17h11a4 4 0 0 0 0-8 6 6 0 0 0-11.3 1.5A3.3 3.3 0 0 0 7 17z' fill='#5b6270'/>"
    "<path d='M13 17l-3 5h3l-2 5 6-7h-3l2-3z' fill='#f2b01e'/>",
};

/* A score with one decimal and a French decimal comma: 3,8. */
static void html_score(struct buf *b, double v)
{
    int tenths = (int)(v * 10.0 + 0.5);
    bprintf(b, "%d,%d", tenths / 10, tenths % 10);
}

/* Satisfaction out of 5 (5 = all soleil) from counts in the engine's order. */
static bool satisfaction(const int64_t fb[5], double *mean, int64_t *answers)
{
    int64_t n = 0;
    double score = 0;
    for (int k = 0; k < 5; k++) {
        add_to(&n, fb[k]);
        score += (5 - k) * (double)fb[k];
    }
    *answers = n;
    if (n)
        *mean = score / (double)n;
    return n > 0;
}

static void html_weather(struct buf *b, const int64_t fb[5])
{
    int64_t n;
    double mean;
    satisfaction(fb, &mean, &n);
    if (n == 0) {
        bputs(b, "<td class='muted'>pas encore d’avis</td><td></td>");
        return;
    }
    int level = (int)(mean + 0.5);
    level = level < 1 ? 1 : level > 5 ? 5 : level;
    bprintf(b, "<td><span class='weather lvl%d'><svg viewBox='0 0 28 28' width='28' height='28' aria-hidden='true'>"
               "%s</svg><span><b>%s</b><small>",
            level, weather_svg[5 - level], weather_word(5 - level));
    html_score(b, mean);
    bputs(b, " / 5 · ");
    html_count(b, n);
    bputs(b, " avis</small></span></span></td><td><div class='dist' role='img' aria-label='");
    for (int k = 0; k < 5; k++)
        bprintf(b, "%s%s %lld", k ? ", " : "", weather_word(k), (long long)fb[k]);
    bputs(b, "'>");
    for (int k = 0; k < 5; k++)
        if (fb[k])
            bprintf(b, "<span class='f%d' style='width:%.1f%%' title='%s : %lld'></span>", 5 - k,
                    100.0 * (double)fb[k] / (double)n, weather_word(k), (long long)fb[k]);
    bputs(b, "</div></td>");
}

struct printer_word {
    const char *state, *label, *severity; /* severity: ok, warn, bad */
};

static const struct printer_word printer_words[] = {
    {"ready", "Prête", "ok"},
    {"near_end", "Papier bientôt fini", "warn"},
    {"paper_out", "Plus de papier", "bad"},
    {"cover_open", "Capot ouvert", "bad"},
    {"cutter_error", "Coupe-papier bloqué", "bad"},
    {"offline", "Hors ligne", "bad"},
    {"unplugged", "Débranchée", "bad"},
};

static void html_badge(struct buf *b, const char *severity, const char *label)
{
    const char *mark = strcmp(severity, "ok") == 0 ? "✓" : strcmp(severity, "warn") == 0 ? "!" : "✕";
    bprintf(b, "<span class='badge %s'><i aria-hidden='true'>%s</i>", severity, mark);
    html_text(b, label);
    bputs(b, "</span>");
}

static void html_printer(struct buf *b, const char *state)
{
    for (size_t i = 0; i < sizeof printer_words / sizeof printer_words[0]; i++)
        if (strcmp(state, printer_words[i].state) == 0) {
            html_badge(b, printer_words[i].severity, printer_words[i].label);
            return;
        }
    html_badge(b, "warn", state);
}

static const char page_style[] =
    "<style>"
    ":root{--ink:#1c2430;--muted:#5d6776;--line:#e3e7ee;--bg:#f4f6fa;--card:#fff;--accent:#1f5fae;}"
    "*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,'Segoe UI','Noto Sans','DejaVu Sans',sans-serif;"
    "color:var(--ink);background:var(--bg)}"
    "header{background:#16315c;color:#fff;padding:18px 32px;display:flex;align-items:baseline;gap:18px;flex-wrap:wrap}"
    "header h1{margin:0;font-size:22px;font-weight:650}header p{margin:0;color:#c9d6ea}"
    "main{padding:20px 32px 40px;max-width:1500px}"
    ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:14px;margin-bottom:22px}"
    ".card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 18px}"
    ".card b{display:block;font-size:26px;font-weight:650}.card span{color:var(--muted)}"
    "section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:6px 0 10px;"
    "margin-bottom:22px;overflow-x:auto}"
    "section h2{font-size:17px;margin:10px 20px 6px}section>p{margin:0 20px 8px;color:var(--muted);font-size:13px}"
    "table{border-collapse:collapse;width:100%}th,td{padding:7px 12px;text-align:left;border-top:1px solid var(--line);"
    "white-space:nowrap}th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);"
    "font-weight:600;border-top:0}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    "tbody tr:nth-child(even){background:#fafbfd}.muted{color:var(--muted)}"
    ".cell{display:flex;flex-direction:column;align-items:flex-end;gap:3px}"
    ".bar{height:5px;border-radius:3px;background:#9fbce6;min-width:2px}"
    ".weather{display:inline-flex;align-items:center;gap:8px}.weather span{display:flex;flex-direction:column;"
    "line-height:1.15}.weather small{color:var(--muted)}"
    ".dist{display:flex;width:190px;height:12px;border-radius:6px;overflow:hidden;background:var(--line)}"
    ".dist span{height:100%}.f1{background:#6b4fa0}.f2{background:#4d7cc7}.f3{background:#a9b3c2}"
    ".f4{background:#9ccf7a}.f5{background:#f2bd3a}"
    ".legend{display:flex;gap:14px;margin:0 20px 6px;font-size:12px;color:var(--muted);flex-wrap:wrap}"
    ".legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}"
    ".badge{display:inline-flex;align-items:center;gap:6px;padding:2px 10px 2px 4px;border-radius:12px;"
    "font-size:13px;font-weight:600}.badge i{font-style:normal;display:inline-grid;place-items:center;width:18px;"
    "height:18px;border-radius:9px;color:#fff;font-size:11px}"
    ".ok{background:#e4f4e8;color:#1d5e31}.ok i{background:#2e7d46}"
    ".warn{background:#fff2d6;color:#7a4b00}.warn i{background:#b86e00}"
    ".bad{background:#fde4e4;color:#8f1d1d}.bad i{background:#c0392b}"
    "footer{color:var(--muted);font-size:12px;padding:0 32px 24px}"
    "</style>";

static void page_head(struct buf *b, int64_t now, int64_t first_monday, int64_t today)
{
    int y, m, d, y2, m2, d2;
    civil_from_days(first_monday, &y, &m, &d);
    civil_from_days(today, &y2, &m2, &d2);
    bputs(b, "<!doctype html><html lang='fr'><head><meta charset='utf-8'>"
             "<meta name='viewport' content='width=device-width,initial-scale=1'>"
             "<meta http-equiv='refresh' content='300'>"
             "<title>Borne · siège — fréquentation des antennes</title>");
    bputs(b, page_style);
    /* The reader's time: headquarters' zone (the process TZ), named. */
    time_t t = (time_t)now;
    struct tm tm;
    char at[32] = "";
    if (localtime_r(&t, &tm))
        strftime(at, sizeof at, "%H:%M (%Z)", &tm);
    bprintf(b, "</head><body><header><h1>Fréquentation des antennes</h1><p>du %02d/%02d/%04d au %02d/%02d/%04d"
               " · mis à jour à %s</p></header><main>",
            d, m, y, d2, m2, y2, at);
}

static void page_cards(struct buf *b, const struct agg *total, size_t n_antennes, size_t attention)
{
    bputs(b, "<div class='cards'><div class='card'><b>");
    html_count(b, total->issued);
    bputs(b, "</b><span>tickets émis sur 8 semaines</span></div><div class='card'><b>");
    html_count(b, total->served);
    bputs(b, "</b><span>personnes reçues</span></div><div class='card'><b>");
    if (total->wait_count)
        html_duration(b, (int64_t)(total->wait_sum / (double)total->wait_count));
    else
        bputs(b, "—");
    bputs(b, "</b><span>attente moyenne</span></div><div class='card'><b>");
    int64_t n;
    double mean;
    if (satisfaction(total->fb, &mean, &n)) {
        html_score(b, mean);
        bputs(b, " / 5");
    } else
        bputs(b, "—");
    bprintf(b, "</b><span>satisfaction moyenne</span></div><div class='card'><b>%zu / %zu</b>"
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
    bputs(b, "<section id='attendance'><h2>Fréquentation par semaine</h2><p>Tickets émis par antenne et par semaine ISO.</p>"
             "<table><thead><tr><th>Antenne</th>");
    for (int w = 0; w < WEEKS; w++) {
        int y, m, d;
        civil_from_days(first_monday + 7 * w, &y, &m, &d);
        bprintf(b, "<th class='n'>S%d<br><span class='muted'>%02d/%02d</span></th>", iso_week(first_monday + 7 * w), d,
                m);
    }
    bputs(b, "<th class='n'>Total</th><th class='n'>Reçues</th><th class='n'>Absents</th><th class='n'>RDV</th>"
             "</tr></thead><tbody>");
    for (size_t i = 0; i < collector_antennes_count(an); i++) {
        const struct agg *a = &agg[i];
        bputs(b, "<tr><td>");
        html_text(b, collector_antennes_at(an, i)->name);
        bputs(b, "</td>");
        if (!a->rows) {
            bprintf(b, "<td colspan='%d' class='muted nodata'>pas de données</td></tr>", WEEKS + 4);
            continue;
        }
        for (int w = 0; w < WEEKS; w++) {
            bputs(b, "<td class='n'><div class='cell'>");
            html_count(b, a->weeks[w]);
            bprintf(b, "<div class='bar' style='width:%.0fpx'></div></div></td>", 56.0 * (double)a->weeks[w] / (double)max);
        }
        bputs(b, "<td class='n'><b>");
        html_count(b, a->issued);
        bputs(b, "</b></td><td class='n'>");
        html_count(b, a->served);
        bputs(b, "</td><td class='n'>");
        html_count(b, a->no_show);
        bputs(b, "</td><td class='n'>");
        html_count(b, a->appointments);
        bputs(b, "</td></tr>");
    }
    bputs(b, "</tbody></table></section>");
}

static void page_waits(struct buf *b, const struct collector_antennes *an, const struct agg *agg)
{
    bputs(b, "<section id='satisfaction'><h2>Attente et météo de la satisfaction</h2>"
             "<p>Attente moyenne = somme des attentes ÷ nombre d’appels. Le p90 est la moyenne des p90 horaires, "
             "pondérée par le nombre d’appels.</p><div class='legend'>");
    for (int k = 0; k < 5; k++)
        bprintf(b, "<span><i class='f%d'></i>%s</span>", 5 - k, weather_word(k));
    bputs(b, "</div><table><thead><tr><th>Antenne</th><th class='n'>Attente moyenne</th><th class='n'>Attente p90</th>"
             "<th class='n'>Durée d’entretien</th><th>Météo</th><th>Répartition des avis</th></tr></thead><tbody>");
    for (size_t i = 0; i < collector_antennes_count(an); i++) {
        const struct agg *a = &agg[i];
        bputs(b, "<tr><td>");
        html_text(b, collector_antennes_at(an, i)->name);
        bputs(b, "</td><td class='n'>");
        if (a->wait_count) {
            html_duration(b, (int64_t)(a->wait_sum / (double)a->wait_count));
            bputs(b, "</td><td class='n'>");
            html_duration(b, (int64_t)(a->wait_p90_weighted / (double)a->wait_count));
        } else {
            bputs(b, "—</td><td class='n'>—");
        }
        bputs(b, "</td><td class='n'>");
        if (a->svc_count)
            html_duration(b, (int64_t)(a->svc_sum / (double)a->svc_count));
        else
            bputs(b, "—");
        bputs(b, "</td>");
        html_weather(b, a->fb);
        bputs(b, "</tr>");
    }
    bputs(b, "</tbody></table></section>");
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
    bputs(b, "<section id='devices'><h2>État des bornes</h2><p>Dernier contact vu par le siège, état de l’imprimante à ticket "
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
        bputs(b, "<tr><td>");
        html_text(b, collector_antennes_at(an, i)->name);
        bputs(b, "</td><td>");
        if (!s->seen) {
            bputs(b, "<span class='muted'>jamais</span></td><td colspan='5'></td></tr>");
            continue;
        }
        if (now - s->d.last_seen > STALE_S) {
            bputs(b, "<span class='badge warn'><i aria-hidden='true'>!</i>");
            html_ago(b, now, s->d.last_seen);
            bputs(b, "</span>");
        } else {
            html_ago(b, now, s->d.last_seen);
        }
        bputs(b, "</td><td>");
        if (s->d.sent_at < 0) {
            bputs(b, "<span class='muted'>inconnu</span></td><td></td><td></td><td></td><td></td></tr>");
            continue;
        }
        html_printer(b, s->d.health.printer);
        bputs(b, "</td><td>");
        if (s->d.health.last_upload < 0)
            bputs(b, "<span class='muted'>jamais</span>");
        else
            html_ago(b, now, s->d.health.last_upload);
        bputs(b, "</td><td class='n'>");
        html_count(b, s->d.health.queue_waiting);
        bputs(b, "</td><td>");
        html_text(b, s->d.health.version);
        bputs(b, "</td><td class='n'>");
        html_duration(b, s->d.health.uptime_s);
        bputs(b, "</td></tr>");
    }
    bputs(b, "</tbody></table></section>");
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
    int64_t first_monday = monday_of(today) - 7 * (WEEKS - 1);
    struct collector_filter f;
    memset(&f, 0, sizeof f);
    int y, m, d;
    civil_from_days(first_monday, &y, &m, &d);
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
        add_to(&total.issued, agg[i].issued);
        add_to(&total.served, agg[i].served);
        total.wait_sum += agg[i].wait_sum;
        add_to(&total.wait_count, agg[i].wait_count);
        for (int k = 0; k < 5; k++)
            add_to(&total.fb[k], agg[i].fb[k]);
        attention += needs_attention(&slots[i], now);
    }
    page_head(&b, now, first_monday, today);
    page_cards(&b, &total, n, attention);
    page_attendance(&b, antennes, agg, first_monday);
    page_waits(&b, antennes, agg);
    page_devices(&b, antennes, slots, now);
    bputs(&b, "</main><footer>Borne · collecteur du siège — comptes agrégés uniquement, aucune donnée personnelle. "
              "Exports : <a href='/api/v1/export.csv'>CSV</a> · <a href='/api/v1/export.json'>JSON</a></footer>"
              "</body></html>\n");
    rc = 0;
end:
    free(agg);
    free(slots);
    return finish(&b, rc, out, len);
}
