/* HTML building blocks shared by the collector's pages (the HQ page, collector_report.c, and the
 * steering console, collector_console.c): a growing text buffer, French number/duration words, the
 * weather of satisfaction in the kiosk's words and order, printer badges and the common style. */
#include "collector_html.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_printf(struct buf *b, const char *fmt, ...)
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

void buf_puts(struct buf *b, const char *s)
{
    buf_printf(b, "%s", s);
}

int buf_finish(struct buf *b, int rc, char **out, size_t *len)
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

/* Totals of bounded values (see collector_ingest.h) over any number of rows: one that would pass
 * INT64_MAX stays there (an absurd total is shown as the largest one, never as garbage). */
void count_add(int64_t *total, int64_t v)
{
    if (__builtin_add_overflow(*total, v, total))
        *total = INT64_MAX;
}

void partner_list_add(struct partner_list *l, const char *text)
{
    for (const char *p = text; *p;) {
        const char *eq = strchr(p, '=');
        if (!eq)
            return;
        size_t idlen = (size_t)(eq - p);
        int64_t n = strtoll(eq + 1, NULL, 10);
        const char *comma = strchr(eq, ',');
        bool other = idlen == 1 && *p == '*';
        int k = 0;
        while (!other && k < l->count && (strlen(l->v[k].id) != idlen || strncmp(l->v[k].id, p, idlen) != 0))
            k++;
        if (!other && k == l->count && k < PARTNER_LIST_MAX && idlen <= CONTRACT_PARTNER_ID_MAX) {
            memcpy(l->v[k].id, p, idlen);
            l->v[k].id[idlen] = '\0';
            l->v[k].n = 0;
            l->count++;
        }
        count_add(!other && k < l->count ? &l->v[k].n : &l->other, n);
        p = comma ? comma + 1 : eq + strlen(eq);
    }
}

void partner_list_text(const struct partner_list *l, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (int k = 0; k < l->count && len < cap; k++) {
        int n = snprintf(out + len, cap - len, "%s%s=%lld", k ? "," : "", l->v[k].id, (long long)l->v[k].n);
        len += n > 0 ? (size_t)n : 0;
    }
    if (l->other && len < cap)
        snprintf(out + len, cap - len, "%s*=%lld", len ? "," : "", (long long)l->other);
}

void day_civil(int64_t z, int *y, int *m, int *d)
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

void day_iso(int64_t day, char out[11])
{
    int y, m, d;
    day_civil(day, &y, &m, &d);
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
}

int64_t day_monday(int64_t day)
{
    int64_t dow = ((day + 3) % 7 + 7) % 7; /* 1970-01-01 was a Thursday: Monday = 0 */
    return day - dow;
}

void html_text(struct buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '&': buf_puts(b, "&amp;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        default: buf_printf(b, "%c", *s);
        }
    }
}

/* 12345 -> "12 345" (French thousands separator, a narrow no-break space). */
void html_count(struct buf *b, int64_t n)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%lld", (long long)n);
    for (int i = 0; i < len; i++) {
        if (i && digits[i - 1] != '-' && (len - i) % 3 == 0)
            buf_puts(b, "\xe2\x80\xaf");
        buf_printf(b, "%c", digits[i]);
    }
}

void html_duration(struct buf *b, int64_t s)
{
    if (s < 60)
        buf_printf(b, "%lld s", (long long)s);
    else if (s < 3600)
        buf_printf(b, "%lld min %02lld", (long long)(s / 60), (long long)(s % 60));
    else if (s < 172800)
        buf_printf(b, "%lld h %02lld", (long long)(s / 3600), (long long)(s % 3600 / 60));
    else
        buf_printf(b, "%lld j %lld h", (long long)(s / 86400), (long long)(s % 86400 / 3600));
}

void html_ago(struct buf *b, int64_t now, int64_t t)
{
    int64_t d = now - t;
    if (d < 0)
        d = 0;
    if (d < 120)
        buf_puts(b, "à l’instant");
    else if (d < 7200)
        buf_printf(b, "il y a %lld min", (long long)(d / 60));
    else if (d < 172800)
        buf_printf(b, "il y a %lld h", (long long)(d / 3600));
    else
        buf_printf(b, "il y a %lld j", (long long)(d / 86400));
}

/* Five weather levels in the contract's order (index 0 = soleil, the best; 4 = orage), each an
 * inline SVG (no font dependency) and the kiosk's word (contract_weather_label): never colour
 * alone. The colour class of level index k is f(5 - k) everywhere (legend and bars): f5 sunny. */
const char *const html_weather_svg[5] = {
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
void html_score(struct buf *b, double v)
{
    int tenths = (int)(v * 10.0 + 0.5);
    buf_printf(b, "%d,%d", tenths / 10, tenths % 10);
}

/* Satisfaction out of 5 (5 = all soleil) from counts in the engine's order. */
bool html_satisfaction(const int64_t fb[5], double *mean, int64_t *answers)
{
    int64_t n = 0;
    double score = 0;
    for (int k = 0; k < 5; k++) {
        count_add(&n, fb[k]);
        score += (5 - k) * (double)fb[k];
    }
    *answers = n;
    if (n)
        *mean = score / (double)n;
    return n > 0;
}

void html_weather(struct buf *b, const int64_t fb[5])
{
    int64_t n;
    double mean;
    html_satisfaction(fb, &mean, &n);
    if (n == 0) {
        buf_puts(b, "<td class='muted'>pas encore d’avis</td><td></td>");
        return;
    }
    int level = (int)(mean + 0.5);
    level = level < 1 ? 1 : level > 5 ? 5 : level;
    buf_printf(b, "<td><span class='weather lvl%d'><svg viewBox='0 0 28 28' width='28' height='28' aria-hidden='true'>"
               "%s</svg><span><b>%s</b><small>",
            level, html_weather_svg[5 - level], weather_word(5 - level));
    html_score(b, mean);
    buf_puts(b, " / 5 · ");
    html_count(b, n);
    buf_puts(b, " avis</small></span></span></td><td><div class='dist' role='img' aria-label='");
    for (int k = 0; k < 5; k++)
        buf_printf(b, "%s%s %lld", k ? ", " : "", weather_word(k), (long long)fb[k]);
    buf_puts(b, "'>");
    for (int k = 0; k < 5; k++)
        if (fb[k])
            buf_printf(b, "<span class='f%d' style='width:%.1f%%' title='%s : %lld'></span>", 5 - k,
                    100.0 * (double)fb[k] / (double)n, weather_word(k), (long long)fb[k]);
    buf_puts(b, "</div></td>");
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

void html_badge(struct buf *b, const char *severity, const char *label)
{
    const char *mark = strcmp(severity, "ok") == 0 ? "✓" : strcmp(severity, "warn") == 0 ? "!" : "✕";
    buf_printf(b, "<span class='badge %s'><i aria-hidden='true'>%s</i>", severity, mark);
    html_text(b, label);
    buf_puts(b, "</span>");
}

static const struct printer_word *printer_word(const char *state)
{
    for (size_t i = 0; i < sizeof printer_words / sizeof printer_words[0]; i++)
        if (strcmp(state, printer_words[i].state) == 0)
            return &printer_words[i];
    return NULL;
}

const char *html_printer_label(const char *state)
{
    const struct printer_word *w = printer_word(state);
    return w ? w->label : state;
}

const char *html_printer_severity(const char *state)
{
    const struct printer_word *w = printer_word(state);
    return w ? w->severity : "warn";
}

void html_printer(struct buf *b, const char *state)
{
    const struct printer_word *w = printer_word(state);
    html_badge(b, w ? w->severity : "warn", w ? w->label : state);
}

const char html_style[] =
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