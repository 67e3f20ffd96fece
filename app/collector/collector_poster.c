#include "borne/collector_poster.h"
#include "borne/log.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector_html.h"

BORNE_LOG_MODULE("poster");

#define PAGE_W 595.28   /* A4 in points */
#define PAGE_H 841.89
#define MARGIN 42.0
#define PNG_DPI 150.0
#define FONT "DejaVu Sans"

bool collector_poster_parse_name(const char *name, enum collector_poster_kind *kind,
                                 enum collector_poster_format *format)
{
    static const struct {
        const char *name;
        enum collector_poster_kind kind;
        enum collector_poster_format format;
    } names[] = {
        {"meteo.pdf", COLLECTOR_POSTER_METEO, COLLECTOR_POSTER_PDF},
        {"meteo.png", COLLECTOR_POSTER_METEO, COLLECTOR_POSTER_PNG},
        {"services.pdf", COLLECTOR_POSTER_SERVICES, COLLECTOR_POSTER_PDF},
        {"services.png", COLLECTOR_POSTER_SERVICES, COLLECTOR_POSTER_PNG},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0) {
            *kind = names[i].kind;
            *format = names[i].format;
            return true;
        }
    return false;
}

const char *collector_poster_mime(enum collector_poster_format format)
{
    return format == COLLECTOR_POSTER_PDF ? "application/pdf" : "image/png";
}

/* ---- public figures: counts under the threshold are hidden ---------------------------------- */

static bool hidden_count(int64_t v)
{
    return v > 0 && v < COLLECTOR_POSTER_SUPPRESS;
}

/* shown[i]: v[i] may be printed. with_total: the distribution's total is printed too, so a single
 * hidden cell would be the total minus the others: its next smallest non-zero cell is hidden as well. */
static void suppress(const int64_t *v, int n, bool with_total, bool *shown)
{
    int hidden = 0;
    for (int i = 0; i < n; i++) {
        shown[i] = !hidden_count(v[i]);
        hidden += !shown[i];
    }
    if (!with_total || hidden != 1)
        return;
    int k = -1;
    for (int i = 0; i < n; i++)
        if (shown[i] && v[i] > 0 && (k < 0 || v[i] < v[k]))
            k = i;
    if (k >= 0)
        shown[k] = false;
}

/* "12 345" with a narrow no-break space, as on the console's pages. */
static void count_text(int64_t n, char *out, size_t size)
{
    struct buf b = {0};
    html_count(&b, n);
    char *s;
    size_t len;
    if (buf_finish(&b, 0, &s, &len) == 0) {
        snprintf(out, size, "%s", s);
        free(s);
    } else
        snprintf(out, size, "%lld", (long long)n);
}

/* The count as the public may read it: "< 5" when hidden. */
static void public_count(int64_t n, bool shown, char *out, size_t size)
{
    if (shown)
        count_text(n, out, size);
    else
        snprintf(out, size, "< %d", COLLECTOR_POSTER_SUPPRESS);
}

static void percent_text(int64_t part, int64_t whole, char *out, size_t size)
{
    int tenths = whole ? (int)(1000.0 * (double)part / (double)whole + 0.5) : 0;
    snprintf(out, size, "%d,%d %%", tenths / 10, tenths % 10);
}

/* ---- drawing -------------------------------------------------------------------------------- */

struct rgb {
    double r, g, b;
};

#define RGB(hex) {((hex) >> 16 & 0xff) / 255.0, ((hex) >> 8 & 0xff) / 255.0, ((hex)&0xff) / 255.0}
static const struct rgb ink = RGB(0x1c2430), muted = RGB(0x5d6776), navy = RGB(0x16315c), white = RGB(0xffffff),
                        line = RGB(0xe3e8ef), good = RGB(0x2e7d46), late = RGB(0xc98a1b);
/* The weather levels' colours of the HQ pages (html_style's .f5 sunny .. .f1 storm), index 0 = soleil. */
static const struct rgb weather_fill[CONTRACT_WEATHER_N] = {RGB(0xf2bd3a), RGB(0x9ccf7a), RGB(0xa9b3c2),
                                                            RGB(0x4d7cc7), RGB(0x6b4fa0)};

static void colour(cairo_t *cr, struct rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

enum align { LEFT, CENTRE, RIGHT };

/* Draws s with its baseline at y; returns its advance width. */
static double text(cairo_t *cr, double x, double y, double size, bool bold, enum align align, struct rgb c,
                   const char *s)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    double at = align == LEFT ? x : align == CENTRE ? x - e.x_advance / 2 : x - e.x_advance;
    colour(cr, c);
    cairo_move_to(cr, at, y);
    cairo_show_text(cr, s);
    return e.x_advance;
}

static void rect(cairo_t *cr, double x, double y, double w, double h, struct rgb c)
{
    colour(cr, c);
    cairo_rectangle(cr, x, y, w, h);
    cairo_fill(cr);
}

/* A cloud in the 28-unit icon box, its base at y = base. */
static void cloud(cairo_t *cr, double cx, double base, double scale, struct rgb c)
{
    colour(cr, c);
    cairo_new_path(cr);
    cairo_arc(cr, cx - 5 * scale, base - 3.5 * scale, 3.5 * scale, 0, 2 * M_PI);
    cairo_fill(cr);
    cairo_arc(cr, cx + 0.5 * scale, base - 6 * scale, 6 * scale, 0, 2 * M_PI);
    cairo_fill(cr);
    cairo_arc(cr, cx + 6 * scale, base - 4 * scale, 4 * scale, 0, 2 * M_PI);
    cairo_fill(cr);
    cairo_rectangle(cr, cx - 5 * scale, base - 4 * scale, 11 * scale, 4 * scale);
    cairo_fill(cr);
}

static void sun(cairo_t *cr, double cx, double cy, double r, struct rgb c)
{
    colour(cr, c);
    cairo_new_path(cr);
    cairo_arc(cr, cx, cy, r, 0, 2 * M_PI);
    cairo_fill(cr);
    cairo_set_line_width(cr, r / 3);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    for (int k = 0; k < 8; k++) {
        double a = k * M_PI / 4;
        cairo_move_to(cr, cx + cos(a) * r * 1.5, cy + sin(a) * r * 1.5);
        cairo_line_to(cr, cx + cos(a) * r * 2.0, cy + sin(a) * r * 2.0);
    }
    cairo_stroke(cr);
}

/* The kiosk's weather pictures (index 0 soleil .. 4 orage), size points wide, top-left at x, y. */
static void weather_icon(cairo_t *cr, int k, double x, double y, double size)
{
    double u = size / 28.0;
    cairo_save(cr);
    switch (k) {
    case 0:
        sun(cr, x + 14 * u, y + 14 * u, 6 * u, (struct rgb)RGB(0xf5a300));
        break;
    case 1:
        sun(cr, x + 10 * u, y + 10 * u, 4.5 * u, (struct rgb)RGB(0xf5b82e));
        cloud(cr, x + 17 * u, y + 23 * u, u, (struct rgb)RGB(0xc3cad6));
        break;
    case 2:
        cloud(cr, x + 13 * u, y + 21 * u, 1.3 * u, (struct rgb)RGB(0xa7b0bf));
        break;
    case 3:
    case 4:
        cloud(cr, x + 13 * u, y + 16 * u, 1.15 * u, k == 3 ? (struct rgb)RGB(0x7b8494) : (struct rgb)RGB(0x5b6270));
        if (k == 3) {
            colour(cr, (struct rgb)RGB(0x2f6fd6));
            cairo_set_line_width(cr, 2 * u);
            cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
            for (int d = 0; d < 3; d++) {
                cairo_move_to(cr, x + (9 + 5 * d) * u, y + 19 * u);
                cairo_line_to(cr, x + (7.5 + 5 * d) * u, y + 24 * u);
            }
            cairo_stroke(cr);
        } else {
            colour(cr, (struct rgb)RGB(0xf2b01e));
            const double bolt[][2] = {{13, 16}, {10, 22}, {13, 22}, {11, 27.5}, {17.5, 20}, {14.5, 20}, {16.5, 16}};
            cairo_move_to(cr, x + bolt[0][0] * u, y + bolt[0][1] * u);
            for (size_t p = 1; p < sizeof bolt / sizeof bolt[0]; p++)
                cairo_line_to(cr, x + bolt[p][0] * u, y + bolt[p][1] * u);
            cairo_close_path(cr);
            cairo_fill(cr);
        }
        break;
    }
    cairo_restore(cr);
}

static const char *const months[] = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
                                     "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
static const char *const weekdays[] = {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"};

struct poster {
    cairo_t *cr;
    const struct collector_antennes *antennes;
    const struct collector_console_query *q;
    int64_t now;
    char scope[256];    /* "Antenne de Soissons", "Territoire : Aisne", ... */
    char period[64];    /* "mars 2026", "année 2026" */
    char period_in[64]; /* "en mars 2026", "en 2026" */
};

static void header(struct poster *p, const char *title, const char *tagline)
{
    cairo_t *cr = p->cr;
    rect(cr, 0, 0, PAGE_W, 128, navy);
    text(cr, MARGIN, 58, 30, true, LEFT, white, title);
    char sub[400];
    snprintf(sub, sizeof sub, "%s · %s", p->scope, p->period);
    text(cr, MARGIN, 90, 16, false, LEFT, white, sub);
    text(cr, MARGIN, 113, 10.5, false, LEFT, (struct rgb)RGB(0xc9d6ea), tagline);
}

static void footer(struct poster *p)
{
    int y, m, d;
    day_civil(p->now / 86400, &y, &m, &d);
    char made[200];
    snprintf(made, sizeof made, "Édité le %02d/%02d/%04d à partir des bornes d’accueil (Borne).", d, m, y);
    rect(p->cr, MARGIN, PAGE_H - 52, PAGE_W - 2 * MARGIN, 0.8, line);
    text(p->cr, MARGIN, PAGE_H - 36, 8.5, false, LEFT, muted,
         "Chiffres agrégés, aucune donnée personnelle. Les nombres inférieurs à 5 sont masqués (« < 5 »).");
    text(p->cr, MARGIN, PAGE_H - 24, 8.5, false, LEFT, muted, made);
}

static void no_data(struct poster *p)
{
    char why[300];
    snprintf(why, sizeof why, "Aucune borne de ce périmètre n’a envoyé de chiffres %s.", p->period_in);
    text(p->cr, PAGE_W / 2, 380, 40, true, CENTRE, muted, "pas de données");
    text(p->cr, PAGE_W / 2, 420, 12, false, CENTRE, muted, why);
}

static void section_title(cairo_t *cr, double y, const char *s)
{
    text(cr, MARGIN, y, 15, true, LEFT, navy, s);
    rect(cr, MARGIN, y + 6, 36, 2.5, (struct rgb)RGB(0x4d7cc7));
}

/* The weather of a mean out of 5 (index 0 soleil .. 4 orage), as the HQ pages round it. */
static int weather_of(const int64_t fb[CONTRACT_WEATHER_N], double *mean, int64_t *answers)
{
    if (!html_satisfaction(fb, mean, answers))
        return -1;
    int level = (int)(*mean + 0.5);
    level = level < 1 ? 1 : level > 5 ? 5 : level;
    return 5 - level;
}

static void score_text(double mean, char *out, size_t size)
{
    int tenths = (int)(mean * 10 + 0.5);
    snprintf(out, size, "%d,%d / 5", tenths / 10, tenths % 10);
}

/* The overall weather: big picture, word, mean and number of answers. Returns false (and says so) when
 * there are too few answers to publish one. */
static bool weather_headline(struct poster *p, double x, double y, const int64_t fb[CONTRACT_WEATHER_N])
{
    double mean;
    int64_t answers;
    int k = weather_of(fb, &mean, &answers);
    char n[48], line2[128], score[32];
    if (k < 0 || hidden_count(answers)) {
        text(p->cr, x, y + 40, 18, true, LEFT, muted,
             k < 0 ? "Pas encore d’avis sur la période" : "Moins de 5 avis : pas de météo publiée");
        return false;
    }
    weather_icon(p->cr, k, x, y, 84);
    text(p->cr, x + 100, y + 38, 30, true, LEFT, ink, contract_weather_label(k + 1));
    count_text(answers, n, sizeof n);
    score_text(mean, score, sizeof score);
    snprintf(line2, sizeof line2, "note moyenne %s · %s avis", score, n);
    text(p->cr, x + 100, y + 64, 13, false, LEFT, muted, line2);
    return true;
}

/* One row per weather level: picture, word, bar of the share, count and share. */
static void weather_rows(struct poster *p, double y, const int64_t fb[CONTRACT_WEATHER_N])
{
    cairo_t *cr = p->cr;
    bool shown[CONTRACT_WEATHER_N];
    suppress(fb, CONTRACT_WEATHER_N, true, shown);
    int64_t total = 0, max = 0;
    for (int k = 0; k < CONTRACT_WEATHER_N; k++) {
        count_add(&total, fb[k]);
        max = shown[k] && fb[k] > max ? fb[k] : max;
    }
    const double bar_x = MARGIN + 150, bar_w = 230;
    for (int k = 0; k < CONTRACT_WEATHER_N; k++, y += 34) {
        char n[48], share[32];
        weather_icon(cr, k, MARGIN, y - 20, 26);
        text(cr, MARGIN + 36, y - 2, 12.5, false, LEFT, ink, contract_weather_label(k + 1));
        rect(cr, bar_x, y - 13, bar_w, 12, line);
        if (shown[k] && max)
            rect(cr, bar_x, y - 13, bar_w * (double)fb[k] / (double)max, 12, weather_fill[k]);
        public_count(fb[k], shown[k], n, sizeof n);
        text(cr, PAGE_W - MARGIN - 62, y - 2, 12.5, true, RIGHT, ink, n);
        if (shown[k] && total) {
            percent_text(fb[k], total, share, sizeof share);
            text(cr, PAGE_W - MARGIN, y - 2, 11, false, RIGHT, muted, share);
        }
    }
}

/* The reasons given for rain and storm (their total is not printed: no secondary hiding needed). */
static double reason_rows(struct poster *p, double y, const struct collector_console_figures *f)
{
    cairo_t *cr = p->cr;
    bool shown[CONTRACT_REASONS_N];
    suppress(f->reasons, CONTRACT_REASONS_N, false, shown);
    for (int r = 0; r < CONTRACT_REASONS_N; r++) {
        char n[48];
        double x = MARGIN + (r % 3) * 172, ry = y + (r / 3) * 24;
        text(cr, x, ry, 12, false, LEFT, ink, contract_reason_label(r + 1));
        public_count(f->reasons[r], shown[r], n, sizeof n);
        text(cr, x + 150, ry, 12, true, RIGHT, ink, n);
    }
    y += 2 * 24;
    if (f->v1_issued)
        text(cr, MARGIN, y, 9, false, LEFT, muted,
             "Certaines bornes, au contrat 1, n’envoient pas encore les raisons : elles ne sont pas comptées ici.");
    return y;
}

/* Each antenne of the scope: its weather and number of answers, as many as the page holds. */
static void antenne_rows(struct poster *p, double y, const struct collector_console_figures *per)
{
    cairo_t *cr = p->cr;
    size_t n = collector_antennes_count(p->antennes), listed = 0, rest = 0;
    const double bottom = PAGE_H - 70;
    for (size_t i = 0; i < n; i++) {
        const struct collector_antenne_info *info = collector_antennes_at(p->antennes, i);
        bool in = (!p->q->territory[0] || strcmp(info->territory, p->q->territory) == 0) &&
                  (!p->q->group[0] || strcmp(info->group, p->q->group) == 0);
        if (!in)
            continue;
        if (y + listed * 22 > bottom) {
            rest++;
            continue;
        }
        double ry = y + listed++ * 22, mean;
        int64_t answers;
        text(cr, MARGIN, ry, 11.5, false, LEFT, ink, info->name);
        int k = weather_of(per[i].weather, &mean, &answers);
        char c[48], s[32];
        if (per[i].rows == 0)
            text(cr, MARGIN + 250, ry, 11, false, LEFT, muted, "pas de données");
        else if (k < 0 || hidden_count(answers))
            text(cr, MARGIN + 250, ry, 11, false, LEFT, muted, k < 0 ? "pas d’avis" : "moins de 5 avis");
        else {
            weather_icon(cr, k, MARGIN + 220, ry - 15, 20);
            text(cr, MARGIN + 250, ry, 11.5, true, LEFT, ink, contract_weather_label(k + 1));
            score_text(mean, s, sizeof s);
            count_text(answers, c, sizeof c);
            char both[96];
            snprintf(both, sizeof both, "%s · %s avis", s, c);
            text(cr, PAGE_W - MARGIN, ry, 11, false, RIGHT, muted, both);
        }
    }
    if (rest) {
        char more[96];
        snprintf(more, sizeof more, "… et %zu autres antennes", rest);
        text(cr, MARGIN, y + listed * 22, 11, false, LEFT, muted, more);
    }
}

static void draw_meteo(struct poster *p, const struct collector_console_figures *f,
                       const struct collector_console_figures *per)
{
    cairo_t *cr = p->cr;
    header(p, "Météo du territoire", "Ce que les visiteurs ont répondu sur les bornes d’accueil en partant.");
    if (!f->rows) {
        no_data(p);
        return;
    }
    char served[48], line1[160];
    bool served_shown = !hidden_count(f->served);
    public_count(f->served, served_shown, served, sizeof served);
    snprintf(line1, sizeof line1, "%s visiteurs reçus en antenne", served);
    text(cr, PAGE_W - MARGIN, 160, 12, false, RIGHT, muted, line1);
    if (weather_headline(p, MARGIN, 170, f->weather)) {
        section_title(cr, 300, "Les avis, du soleil à l’orage");
        weather_rows(p, 340, f->weather);
        section_title(cr, 530, "Raisons données en cas de pluie ou d’orage");
        reason_rows(p, 565, f);
    }
    bool several = !p->q->antenne[0];
    if (several) {
        section_title(cr, 650, "Par antenne");
        antenne_rows(p, 684, per);
    }
}

/* Weekday × hour chart of the tickets issued: the busy and quiet hours. Returns the y under it. */
static double heat_chart(struct poster *p, double y, const int64_t heat[7][24])
{
    cairo_t *cr = p->cr;
    int lo = 24, hi = -1, days = 5;   /* Monday to Friday, and the weekend days that had visitors */
    int64_t max = 0;
    for (int d = 0; d < 7; d++)
        for (int h = 0; h < 24; h++)
            if (heat[d][h]) {
                lo = h < lo ? h : lo;
                hi = h > hi ? h : hi;
                max = heat[d][h] > max ? heat[d][h] : max;
                days = d + 1 > days ? d + 1 : days;
            }
    if (hi < 0)
        return y;
    const double label_w = 66, cell_h = 26;
    double cell_w = (PAGE_W - 2 * MARGIN - label_w) / (hi - lo + 1);
    for (int h = lo; h <= hi; h++) {
        char hh[16];
        snprintf(hh, sizeof hh, "%dh", h);
        text(cr, MARGIN + label_w + (h - lo + 0.5) * cell_w, y, 9, false, CENTRE, muted, hh);
    }
    y += 6;
    for (int d = 0; d < days; d++) {
        double ry = y + d * cell_h;
        text(cr, MARGIN, ry + cell_h * 0.65, 10.5, false, LEFT, ink, weekdays[d]);
        for (int h = lo; h <= hi; h++) {
            int64_t v = heat[d][h];
            double x = MARGIN + label_w + (h - lo) * cell_w, a = max ? (double)v / (double)max : 0;
            bool hidden = hidden_count(v);
            struct rgb c = hidden ? (struct rgb)RGB(0xd5dae2)
                                  : (struct rgb){1 - a * (1 - 0.12), 1 - a * (1 - 0.37), 1 - a * (1 - 0.68)};
            rect(cr, x + 1, ry + 1, cell_w - 2, cell_h - 2, c);
            char n[48];
            public_count(v, !hidden, n, sizeof n);
            if (v)
                text(cr, x + cell_w / 2, ry + cell_h * 0.64, cell_w < 40 ? 7 : 8, false, CENTRE,
                     a > 0.55 ? white : ink, n);
        }
    }
    return y + days * cell_h + 8;
}

/* The k quietest and busiest open slots, in words ("mardi 14 h, jeudi 16 h, ..."). */
static void heat_words(const int64_t heat[7][24], bool busiest, char *out, size_t size)
{
    bool taken[7][24] = {{false}};
    size_t used = 0;
    out[0] = '\0';
    for (int k = 0; k < 3; k++) {
        int bd = -1, bh = -1;
        for (int d = 0; d < 7; d++)
            for (int h = 0; h < 24; h++) {
                if (!heat[d][h] || taken[d][h])
                    continue;
                if (bd < 0 || (busiest ? heat[d][h] > heat[bd][bh] : heat[d][h] < heat[bd][bh]))
                    bd = d, bh = h;
            }
        if (bd < 0)
            break;
        taken[bd][bh] = true;
        int w = snprintf(out + used, size - used, "%s%s %d h–%d h", k ? ", " : "", weekdays[bd], bh, bh + 1);
        if (w < 0 || (size_t)w >= size - used)
            break;
        used += (size_t)w;
    }
}

static void draw_services(struct poster *p, const struct collector_console_figures *f)
{
    cairo_t *cr = p->cr;
    header(p, "Services Publics+", "Nos engagements, nos résultats : satisfaction, heures d’affluence, attente.");
    if (!f->rows) {
        no_data(p);
        return;
    }
    char n[48], s[64], line1[256];
    bool issued_shown = !hidden_count(f->issued);
    public_count(f->issued, issued_shown, n, sizeof n);
    snprintf(line1, sizeof line1, "%s tickets émis sur l’année", n);
    text(cr, PAGE_W - MARGIN, 160, 12, false, RIGHT, muted, line1);

    section_title(cr, 160, "Votre satisfaction");
    double y = 180;
    if (weather_headline(p, MARGIN, y, f->weather)) {
        /* the distribution as one stacked bar with its shares */
        bool shown[CONTRACT_WEATHER_N];
        suppress(f->weather, CONTRACT_WEATHER_N, true, shown);
        int64_t total = 0;
        for (int k = 0; k < CONTRACT_WEATHER_N; k++)
            count_add(&total, f->weather[k]);
        double x = MARGIN, w = PAGE_W - 2 * MARGIN;
        for (int k = 0; k < CONTRACT_WEATHER_N; k++) {
            double part = w * (double)f->weather[k] / (double)total;
            rect(cr, x, y + 96, part, 14, shown[k] ? weather_fill[k] : line);
            x += part;
        }
        for (int k = 0; k < CONTRACT_WEATHER_N; k++) {
            char share[32], label[96];
            if (shown[k])
                percent_text(f->weather[k], total, share, sizeof share);
            else
                public_count(f->weather[k], false, share, sizeof share);
            snprintf(label, sizeof label, "%s %s", contract_weather_label(k + 1), share);
            rect(cr, MARGIN + k * 103, y + 122, 9, 9, weather_fill[k]);
            text(cr, MARGIN + k * 103 + 13, y + 130.5, 9, false, LEFT, ink, label);
        }
    }

    section_title(cr, 345, "Notre engagement d’attente");
    if (f->target_min)
        snprintf(s, sizeof s, "Vous recevoir en %d minutes au plus", f->target_min);
    else
        snprintf(s, sizeof s, "Vous recevoir dans le délai affiché par chaque antenne");
    text(cr, MARGIN, 380, 18, true, LEFT, ink, s);
    if (!f->judged || hidden_count(f->judged)) {
        text(cr, MARGIN, 420, 13, false, LEFT, muted,
             f->judged ? "Moins de 5 attentes mesurées : pas de résultat publié."
                       : "Attentes pas encore mesurées par tranche sur la période.");
    } else {
        char share[40], within[48], all[48], line2[256];
        int64_t over = f->judged - f->within;
        /* Too few waits over (or within) the target to print them: the share becomes a bound that does not
         * tell how few. */
        int64_t hide = COLLECTOR_POSTER_SUPPRESS - 1;
        if (hidden_count(over)) {
            int tenths = (int)(1000 * (f->judged - hide) / f->judged);
            snprintf(share, sizeof share, "≥ %d,%d %%", tenths / 10, tenths % 10);
        } else if (hidden_count(f->within)) {
            int tenths = (int)((1000 * hide + f->judged - 1) / f->judged);
            snprintf(share, sizeof share, "≤ %d,%d %%", tenths / 10, tenths % 10);
        } else
            percent_text(f->within, f->judged, share, sizeof share);
        count_text(f->judged, all, sizeof all);
        if (hidden_count(over) || hidden_count(f->within))
            snprintf(line2, sizeof line2, "sur %s attentes mesurées", all);
        else {
            count_text(f->within, within, sizeof within);
            snprintf(line2, sizeof line2, "%s attentes sur %s mesurées", within, all);
        }
        double x = MARGIN + 16 + text(cr, MARGIN, 428, 36, true, LEFT, f->within * 10 >= f->judged * 8 ? good : late,
                                      share);
        text(cr, x, 431, 11, false, LEFT, muted, line2);
        if (f->target_min)
            snprintf(line2, sizeof line2, "des visiteurs reçus en %d min ou moins", f->target_min);
        else
            snprintf(line2, sizeof line2, "des visiteurs reçus dans le délai de leur antenne");
        text(cr, x, 414, 13, false, LEFT, ink, line2);
    }
    if (f->v1_issued) {
        count_text(f->v1_issued, n, sizeof n);
        snprintf(line1, sizeof line1, "%s tickets de bornes au contrat 1 : leur attente par tranche est inconnue, "
                                      "ils ne sont pas comptés ici.", n);
        text(cr, MARGIN, 452, 8.5, false, LEFT, muted, line1);
    }

    section_title(cr, 495, "Nos heures d’affluence");
    text(cr, MARGIN, 520, 10, false, LEFT, muted,
         "Tickets émis sur l’année par jour et par heure : plus la case est foncée, plus il y a de monde.");
    y = heat_chart(p, 544, f->heat);
    heat_words(f->heat, false, s, sizeof s);
    char quiet[256], busy[256];
    snprintf(quiet, sizeof quiet, "Les plus calmes : %s", s);
    heat_words(f->heat, true, s, sizeof s);
    snprintf(busy, sizeof busy, "Les plus chargées : %s", s);
    text(cr, MARGIN, y + 12, 11, true, LEFT, good, quiet);
    text(cr, MARGIN, y + 30, 11, true, LEFT, late, busy);
}

/* ---- output --------------------------------------------------------------------------------- */

struct bytes {
    unsigned char *p;
    size_t len, cap;
};

static cairo_status_t bytes_write(void *closure, const unsigned char *data, unsigned int length)
{
    struct bytes *b = closure;
    if (b->len + length > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->len + length)
            cap *= 2;
        unsigned char *p = realloc(b->p, cap);
        if (!p)
            return CAIRO_STATUS_NO_MEMORY;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, length);
    b->len += length;
    return CAIRO_STATUS_SUCCESS;
}

static void scope_words(struct poster *p)
{
    const struct collector_console_query *q = p->q;
    if (q->antenne[0])
        snprintf(p->scope, sizeof p->scope, "Antenne de %s",
                 collector_antennes_at(p->antennes, (size_t)collector_antennes_find(p->antennes, q->antenne))->name);
    else if (q->territory[0] && q->group[0])
        snprintf(p->scope, sizeof p->scope, "%s, groupe %s", q->territory, q->group);
    else if (q->territory[0])
        snprintf(p->scope, sizeof p->scope, "%s", q->territory);
    else if (q->group[0])
        snprintf(p->scope, sizeof p->scope, "Groupe %s", q->group);
    else
        snprintf(p->scope, sizeof p->scope, "Toute la région");
}

int collector_poster(struct collector_store *store, const struct collector_antennes *antennes, const int *targets,
                     int64_t now, enum collector_poster_kind kind, enum collector_poster_format format,
                     const struct collector_console_query *q, unsigned char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    struct poster p = {.antennes = antennes, .q = q, .now = now};
    int y, m, d;
    day_civil(q->day, &y, &m, &d);
    char first_text[32], last_text[32];
    if (kind == COLLECTOR_POSTER_METEO) {
        snprintf(first_text, sizeof first_text, "%04d-%02d-01", y, m);
        snprintf(last_text, sizeof last_text, "%04d-%02d-01", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
        snprintf(p.period, sizeof p.period, "%s %d", months[m - 1], y);
        snprintf(p.period_in, sizeof p.period_in, "en %s %d", months[m - 1], y);
    } else {
        snprintf(first_text, sizeof first_text, "%04d-01-01", y);
        snprintf(last_text, sizeof last_text, "%04d-01-01", y + 1);
        snprintf(p.period, sizeof p.period, "année %d", y);
        snprintf(p.period_in, sizeof p.period_in, "en %d", y);
    }
    scope_words(&p);
    size_t n = collector_antennes_count(antennes);
    struct collector_console_figures *f = calloc(1, sizeof *f), *per = calloc(n ? n : 1, sizeof *per);
    struct bytes file = {0};
    int rc = -1;
    if (!f || !per ||
        collector_console_figures(store, antennes, targets, q, collector_ingest_parse_day(first_text),
                                  collector_ingest_parse_day(last_text) - 1, f, per) != 0)
        goto end;

    double scale = format == COLLECTOR_POSTER_PNG ? PNG_DPI / 72.0 : 1.0;
    cairo_surface_t *surface =
        format == COLLECTOR_POSTER_PDF
            ? cairo_pdf_surface_create_for_stream(bytes_write, &file, PAGE_W, PAGE_H)
            : cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)lround(PAGE_W * scale), (int)lround(PAGE_H * scale));
    if (format == COLLECTOR_POSTER_PDF) {
        char title[400];
        snprintf(title, sizeof title, "%s — %s — %s",
                 kind == COLLECTOR_POSTER_METEO ? "Météo du territoire" : "Services Publics+", p.scope, p.period);
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Borne, console de pilotage");
    }
    p.cr = cairo_create(surface);
    cairo_scale(p.cr, scale, scale);
    rect(p.cr, 0, 0, PAGE_W, PAGE_H, white);
    if (kind == COLLECTOR_POSTER_METEO)
        draw_meteo(&p, f, per);
    else
        draw_services(&p, f);
    footer(&p);
    cairo_show_page(p.cr);
    cairo_status_t st = cairo_status(p.cr);
    cairo_destroy(p.cr);
    if (st == CAIRO_STATUS_SUCCESS && format == COLLECTOR_POSTER_PNG)
        st = cairo_surface_write_to_png_stream(surface, bytes_write, &file);
    cairo_surface_finish(surface);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (st != CAIRO_STATUS_SUCCESS) {
        log_error("drawing the poster failed: %s", cairo_status_to_string(st));
        goto end;
    }
    *out = file.p;
    *len = file.len;
    file.p = NULL;
    rc = 0;
end:
    free(file.p);
    free(f);
    free(per);
    return rc;
}
