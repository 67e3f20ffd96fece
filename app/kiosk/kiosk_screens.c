/* Drawing of every kiosk screen. Layout is in millimetres from the physical screen size: the
 * body cap height grows with the screen (never below 5 mm), targets are never under 15 mm. */
#include "kiosk_internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "borne/ui_text.h"
#include "borne/ui_widget.h"

#define MIN_CAP 5.0
#define MIN_TARGET 16.0   /* 1 mm above the 15 mm rule, for rounding at any density */

typedef struct L {
    kiosk *k;
    ui *u;
    const ui_theme *t;
    double body, title;
    int gap, margin;
    bool portrait;
    bool small;          /* 7-inch class: every millimetre counts */
} L;

static int M(const L *l, double mm) { return ui_mm(l->u, mm); }

static SDL_Rect cut_top(SDL_Rect *a, int h, int gap)
{
    SDL_Rect r = {a->x, a->y, a->w, h};
    a->y += h + gap;
    a->h -= h + gap;
    return r;
}

static SDL_Rect cut_bottom(SDL_Rect *a, int h, int gap)
{
    SDL_Rect r = {a->x, a->y + a->h - h, a->w, h};
    a->h -= h + gap;
    return r;
}

static SDL_Rect cut_left(SDL_Rect *a, int w, int gap)
{
    SDL_Rect r = {a->x, a->y, w, a->h};
    a->x += w + gap;
    a->w -= w + gap;
    return r;
}

static SDL_Rect cut_right(SDL_Rect *a, int w, int gap)
{
    SDL_Rect r = {a->x + a->w - w, a->y, w, a->h};
    a->w -= w + gap;
    return r;
}

static void text(const L *l, SDL_Rect box, const char *s, double cap, bool bold, SDL_Color fg, ui_align h, ui_align v)
{
    ui_text_style st = {.cap_mm = cap, .min_cap_mm = MIN_CAP, .bold = bold, .fg = fg, .halign = h, .valign = v};
    ui_text(l->u, box, s, &st);
}

static int lines_h(const L *l, double cap, bool bold, int n)
{
    return ui_line_height(l->u, cap, bold) * n;
}

/* Height of `s` wrapped in width w: at cap, or at the smallest size when a word is too long
 * (ui_text then shrinks it). */
static int text_h(const L *l, const char *s, double cap, bool bold, int w)
{
    int n = ui_text_lines(l->u, s, w, cap, bold);
    if (n > 0)
        return lines_h(l, cap, bold, n);
    n = ui_text_lines(l->u, s, w, MIN_CAP, bold);
    return lines_h(l, MIN_CAP, bold, n > 0 ? n : 1);
}

/* Draws s at the top of *a, taking the height it needs. */
static void text_block(const L *l, SDL_Rect *a, const char *s, double cap, bool bold, SDL_Color fg, int gap)
{
    SDL_Rect r = cut_top(a, text_h(l, s, cap, bold, a->w), gap);
    text(l, r, s, cap, bold, fg, UI_ALIGN_START, UI_ALIGN_START);
}

static int button_h(const L *l, double cap, int lines)
{
    int h = lines_h(l, cap, true, lines) + M(l, 6);
    int min = M(l, MIN_TARGET);
    return h > min ? h : min;
}

static void button(const L *l, int id, SDL_Rect r, const char *label, const char *sub, ui_icon_kind icon,
                   ui_button_kind kind, double cap)
{
    ui_button_spec b = {.id = id, .rect = r, .label = label, .sublabel = sub, .icon = icon, .kind = kind, .cap_mm = cap};
    ui_button(l->u, &b);
}

static SDL_Rect screen_area(const L *l)
{
    return (SDL_Rect){l->margin, l->margin, ui_width(l->u) - 2 * l->margin, ui_height(l->u) - 2 * l->margin};
}

/* ---- shared pieces ------------------------------------------------------------------------------ */

static void format_date(const L *l, char *out, size_t n, const struct tm *tm)
{
    char key_day[24], key_month[24], day[16];
    snprintf(key_day, sizeof key_day, "day.%d", tm->tm_wday == 0 ? 7 : tm->tm_wday);
    snprintf(key_month, sizeof key_month, "month.%d", tm->tm_mon + 1);
    snprintf(day, sizeof day, "%d", tm->tm_mday);
    ui_format(out, n, kiosk_tr(l->k, "date.format"), "weekday", kiosk_tr(l->k, key_day), "day", day, "month",
              kiosk_tr(l->k, key_month), (const char *)NULL);
}

static void format_hours(const L *l, char *out, size_t n, int weekday_mon0)
{
    const queue_day_hours *d = &l->k->setup.week[weekday_mon0];
    out[0] = '\0';
    if (d->n == 0) {
        snprintf(out, n, "%s", kiosk_tr(l->k, "hours.closed"));
        return;
    }
    size_t used = 0;
    for (int i = 0; i < d->n && used < n; i++) {
        char o[32], c[32], range[96];
        snprintf(o, sizeof o, "%02d:%02d", d->range[i].open_min / 60, d->range[i].open_min % 60);
        snprintf(c, sizeof c, "%02d:%02d", d->range[i].close_min / 60, d->range[i].close_min % 60);
        ui_format(range, sizeof range, kiosk_tr(l->k, "hours.range"), "open", o, "close", c, (const char *)NULL);
        used += (size_t)snprintf(out + used, n - used, "%s%s", i ? ", " : "", range);
    }
}

static struct tm local_now(const L *l)
{
    time_t t = (time_t)(kiosk_now_ms(l->k) / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    return tm;
}

static void language_button(const L *l, SDL_Rect r);

static int language_button_w(const L *l, int h)
{
    return ui_text_width(l->u, "Français", l->body, true) + h + M(l, 8);
}

/* Blue band: antenne name and date on the left, the time on the right. Returns its height. */
static int header(const L *l)
{
    int pad = M(l, l->small ? 1.5 : 3);
    int h = lines_h(l, l->body, true, 2) + 2 * pad;
    SDL_Rect band = {0, 0, ui_width(l->u), h};
    ui_fill(l->u, band, l->t->band);
    struct tm tm = local_now(l);
    char clock[8], date[96];
    snprintf(clock, sizeof clock, "%02d:%02d", tm.tm_hour, tm.tm_min);
    format_date(l, date, sizeof date, &tm);
    SDL_Rect in = {l->margin, pad, ui_width(l->u) - 2 * l->margin, h - 2 * pad};
    double clock_cap = l->small ? l->body * 1.6 : l->title * 1.4;
    int clock_w = ui_text_width(l->u, "00:00", clock_cap, true) + M(l, 2);
    SDL_Rect right = cut_right(&in, clock_w, M(l, 3));
    text(l, right, clock, clock_cap, true, l->t->band_ink, UI_ALIGN_END, UI_ALIGN_CENTER);
    SDL_Rect name = cut_top(&in, in.h / 2, 0);
    text(l, name, l->k->cfg->antenne.name, l->body, true, l->t->band_ink, UI_ALIGN_START, UI_ALIGN_START);
    text(l, in, date, l->body, false, l->t->band_ink, UI_ALIGN_START, UI_ALIGN_END);
    return h;
}

/* Title row of the inner screens: a back (or other) button on the left, the question next to it. */
static SDL_Rect title_row(const L *l, int button_id, const char *button_key, ui_icon_kind icon, const char *title)
{
    SDL_Rect a = screen_area(l);
    int bh = button_h(l, l->body, 1);
    int title_h = lines_h(l, l->small ? MIN_CAP : l->title, true, 2);
    int row_h = bh > title_h ? bh : title_h;
    SDL_Rect row = cut_top(&a, row_h, l->gap);
    const char *label = kiosk_tr(l->k, button_key);
    int bw = ui_text_width(l->u, label, l->body, true) + M(l, 6) + bh + M(l, 3);
    SDL_Rect b = cut_left(&row, bw, l->gap * 2);
    b.h = bh;
    b.y = row.y + (row_h - bh) / 2;
    button(l, button_id, b, label, NULL, icon, UI_BUTTON_SECONDARY, l->body);
    text(l, row, title, l->title, true, l->t->ink, UI_ALIGN_START, UI_ALIGN_CENTER);
    return a;
}

static void language_button(const L *l, SDL_Rect r)
{
    const kiosk *k = l->k;
    const char *next = ui_tr(k->langs[(k->lang + 1) % k->n_langs], "lang.name");
    button(l, T_LANG, r, next, NULL, UI_ICON_GLOBE, UI_BUTTON_SECONDARY, l->body);
}

/* n tiles in a grid filling area; cols chosen by the caller. */
static SDL_Rect grid_cell(const L *l, SDL_Rect area, int n, int cols, int i)
{
    int rows = (n + cols - 1) / cols;
    int w = (area.w - (cols - 1) * l->gap) / cols;
    int h = (area.h - (rows - 1) * l->gap) / rows;
    int max_h = M(l, l->portrait ? 100 : 80);
    if (h > max_h)
        h = max_h;
    return (SDL_Rect){area.x + (i % cols) * (w + l->gap), area.y + (i / cols) * (h + l->gap), w, h};
}

static void service_tiles(const L *l, SDL_Rect area, int cols)
{
    const kiosk *k = l->k;
    int idx[QUEUE_MAX_SERVICES], n = 0;
    for (int i = 0; i < k->setup.n_services; i++)
        if (k->setup.services[i].enabled)
            idx[n++] = i;
    /* Display order from the config. */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && k->setup.services[idx[j]].order < k->setup.services[idx[j - 1]].order; j--) {
            int t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    for (int i = 0; i < n; i++) {
        const queue_service *s = &k->setup.services[idx[i]];
        ui_button_spec b = {.id = T_SERVICE + idx[i], .rect = grid_cell(l, area, n, cols, i),
                            .label = kiosk_service_label(k, idx[i]), .badge = s->letter,
                            .kind = UI_BUTTON_SECONDARY, .cap_mm = l->body,
                            .regular = ui_to_mm(l->u, area.w) / cols < 90};
        ui_button(l->u, &b);
    }
}

/* ---- screens ------------------------------------------------------------------------------------ */

static void draw_calls_and_hours(const L *l, SDL_Rect a)
{
    const kiosk *k = l->k;
    struct tm tm = local_now(l);
    int lang_h = button_h(l, l->body, 1);
    SDL_Rect lang = cut_bottom(&a, lang_h, l->gap);
    int lw = language_button_w(l, lang_h);
    language_button(l, (SDL_Rect){lang.x, lang.y, lw < lang.w ? lw : lang.w, lang_h});
    char hours[160], line[200];
    format_hours(l, hours, sizeof hours, (tm.tm_wday + 6) % 7);
    ui_format(line, sizeof line, kiosk_tr(k, "home.hours_today"), "hours", hours, (const char *)NULL);
    int icon = lines_h(l, l->body, false, 1) * 4 / 5;
    int text_w = a.w - icon - M(l, 2);
    int need = ui_text_width(l->u, line, l->body, false);
    int hours_lines = need <= text_w ? 1 : need <= 2 * text_w - M(l, 20) ? 2 : 3;
    SDL_Rect hrow = cut_bottom(&a, lines_h(l, l->body, false, hours_lines), l->gap);
    ui_icon(l->u, UI_ICON_CLOCK, (SDL_Rect){hrow.x, hrow.y, icon, icon}, l->t->ink, l->t->page);
    hrow.x += icon + M(l, 2);
    hrow.w -= icon + M(l, 2);
    text(l, hrow, line, l->body, false, l->t->ink, UI_ALIGN_START, UI_ALIGN_START);

    /* The last calls panel takes only the height of its lines (one call on small screens). */
    double cap = l->small ? l->body : l->body * 1.2;
    int row_h = lines_h(l, cap, true, 1);
    int pad = M(l, l->small ? 2 : 3);
    int max_rows = l->small ? 1 : KIOSK_LAST_CALLS;
    int rows = k->n_calls == 0 ? 1 : k->n_calls < max_rows ? k->n_calls : max_rows;
    int head_h = 2 * pad + lines_h(l, l->body, true, 1) + l->gap;
    while (rows > 0 && head_h + rows * (row_h + M(l, 1)) > a.h)
        rows--;
    int panel_h = head_h + rows * (row_h + M(l, 1));
    if (panel_h < a.h)
        a.h = panel_h;
    ui_fill_rounded(l->u, a, M(l, 2.5), l->t->panel);
    SDL_Rect in = {a.x + pad, a.y + pad, a.w - 2 * pad, a.h - 2 * pad};
    SDL_Rect title = cut_top(&in, lines_h(l, l->body, true, 1), l->gap);
    text(l, title, kiosk_tr(k, "home.last_calls"), l->body, true, l->t->ink, UI_ALIGN_START, UI_ALIGN_START);
    if (k->n_calls == 0) {
        if (rows > 0)
            text(l, in, kiosk_tr(k, "home.no_calls"), l->body, false, l->t->muted, UI_ALIGN_START, UI_ALIGN_START);
        return;
    }
    for (int i = 0; i < k->n_calls && i < rows; i++) {
        char s[96];
        ui_format(s, sizeof s, kiosk_tr(k, "home.call"), "label", k->calls[i].label, "counter", k->calls[i].counter,
                  (const char *)NULL);
        text(l, cut_top(&in, row_h, M(l, 1)), s, cap, i == 0 && !l->small, i == 0 ? l->t->ink : l->t->muted,
             UI_ALIGN_START, UI_ALIGN_CENTER);
    }
}

static void draw_home(const L *l)
{
    const kiosk *k = l->k;
    int hh = header(l);
    SDL_Rect a = screen_area(l);
    a.y = hh + l->gap;
    a.h = ui_height(l->u) - hh - l->gap - l->margin;
    struct { int id; const char *label, *sub; ui_icon_kind icon; ui_button_kind kind; } entries[3] = {
        {T_TAKE, "home.take_ticket", "home.take_ticket.sub", UI_ICON_TICKET, UI_BUTTON_PRIMARY},
        {T_APPOINTMENT, "home.appointment", "home.appointment.sub", UI_ICON_CALENDAR, UI_BUTTON_PRIMARY},
        {T_FEEDBACK, "home.feedback", "home.feedback.sub", UI_ICON_SPEECH, UI_BUTTON_SECONDARY},
    };
    SDL_Rect col;
    if (l->portrait)
        col = cut_top(&a, a.h * 62 / 100, l->gap * 2);
    else
        col = cut_left(&a, a.w * (l->small ? 50 : 56) / 100, l->gap * 2);
    int bh = (col.h - 2 * l->gap) / 3;
    double cap = l->small ? l->body : l->title;
    /* Second lines only where they fit without squeezing the main words. */
    bool subs = bh >= lines_h(l, cap, true, 2) + lines_h(l, cap * 0.6, false, 2) + M(l, 6);
    for (int i = 0; i < 3; i++) {
        SDL_Rect r = cut_top(&col, bh, l->gap);
        button(l, entries[i].id, r, kiosk_tr(k, entries[i].label), subs ? kiosk_tr(k, entries[i].sub) : NULL,
               entries[i].icon, entries[i].kind, cap);
    }
    draw_calls_and_hours(l, a);
}

static void draw_closed(const L *l)
{
    const kiosk *k = l->k;
    int hh = header(l);
    SDL_Rect a = screen_area(l);
    a.y = hh + l->gap;
    a.h = ui_height(l->u) - hh - l->gap - l->margin;
    /* Landscape: the message on the left, the week and the language on the right. */
    SDL_Rect week = a;
    if (!l->portrait && !l->small)
        week = cut_right(&a, a.w * 48 / 100, l->gap * 2);
    int lang_h = button_h(l, l->body, 1);
    int lw = language_button_w(l, lang_h);
    int icon = lines_h(l, l->title, true, 1);
    /* The same screen says "starting" while the clock is not trusted yet. */
    const char *title = kiosk_tr(k, k->clock_ok ? "closed.title" : "starting.title");
    SDL_Rect trow;
    if (l->small) {
        /* 7-inch: the language button shares the title's row. */
        int two = lines_h(l, MIN_CAP, true, 2);
        trow = cut_top(&a, lang_h > two ? lang_h : two, l->gap);
        SDL_Rect lang = cut_right(&trow, lw, l->gap);
        lang.h = lang_h;
        language_button(l, lang);
    } else {
        SDL_Rect *lang_col = l->portrait ? &a : &week;
        SDL_Rect bottom = cut_bottom(lang_col, lang_h, l->gap);
        language_button(l, (SDL_Rect){bottom.x, bottom.y, lw < bottom.w ? lw : bottom.w, lang_h});
        trow = cut_top(&a, text_h(l, title, l->title, true, a.w - icon - M(l, 3)), l->gap);
    }
    ui_icon(l->u, UI_ICON_LOCK, (SDL_Rect){trow.x, trow.y, icon, icon}, l->t->ink, l->t->page);
    trow.x += icon + M(l, 3);
    trow.w -= icon + M(l, 3);
    text(l, trow, title, l->title, true, l->t->ink, UI_ALIGN_START, UI_ALIGN_START);
    if (!l->small)
        text_block(l, &a, kiosk_tr(k, k->clock_ok ? "closed.body" : "starting.body"), l->body, false,
                   l->t->ink, l->gap);
    if (k->next_open > 0) {
        time_t t = (time_t)k->next_open;
        struct tm tm;
        localtime_r(&t, &tm);
        char date[96], when[128], line[200];
        format_date(l, date, sizeof date, &tm);
        snprintf(when, sizeof when, "%s %02d:%02d", date, tm.tm_hour, tm.tm_min);
        ui_format(line, sizeof line, kiosk_tr(k, "closed.next"), "when", when, (const char *)NULL);
        text_block(l, &a, line, l->body, true, l->t->ink, l->gap);
    }
    if (l->portrait || l->small)
        week = a;
    a = week;
    /* The week, consecutive days with the same hours merged: "Lundi – Vendredi : ...". */
    int pad = M(l, l->small ? 2 : 3);
    char lines[7][240];
    int n_lines[7], n = 0, total = (l->small ? 0 : lines_h(l, l->body, true, 1) + M(l, 1)) + 2 * pad;
    for (int d = 0; d < 7;) {
        int e = d;
        while (e + 1 < 7 && memcmp(&k->setup.week[e + 1], &k->setup.week[d], sizeof k->setup.week[d]) == 0)
            e++;
        char hours[160], k1[16], k2[16];
        format_hours(l, hours, sizeof hours, d);
        snprintf(k1, sizeof k1, "day.%d", d + 1);
        snprintf(k2, sizeof k2, "day.%d", e + 1);
        char days[96];
        if (e == d)
            snprintf(days, sizeof days, "%s", kiosk_tr(k, k1));
        else
            ui_format(days, sizeof days, kiosk_tr(k, "hours.days"), "first", kiosk_tr(k, k1), "last", kiosk_tr(k, k2),
                      (const char *)NULL);
        ui_format(lines[n], sizeof lines[n], kiosk_tr(k, "hours.line"), "days", days, "hours", hours,
                  (const char *)NULL);
        n_lines[n] = text_h(l, lines[n], l->body, false, a.w - 2 * pad);
        total += n_lines[n] + M(l, 1);
        n++;
        d = e + 1;
    }
    if (total < a.h)
        a.h = total;
    ui_fill_rounded(l->u, a, M(l, 2.5), l->t->panel);
    SDL_Rect in = {a.x + pad, a.y + pad, a.w - 2 * pad, a.h - 2 * pad};
    if (!l->small)
        text(l, cut_top(&in, lines_h(l, l->body, true, 1), M(l, 1)), kiosk_tr(k, "closed.hours"), l->body, true,
             l->t->ink, UI_ALIGN_START, UI_ALIGN_START);
    for (int i = 0; i < n; i++)
        text(l, cut_top(&in, n_lines[i], M(l, 1)), lines[i], l->body, false, l->t->ink, UI_ALIGN_START,
             UI_ALIGN_START);
}

static void draw_services(const L *l)
{
    SDL_Rect a = title_row(l, T_BACK, "common.back", UI_ICON_BACK, kiosk_tr(l->k, "services.title"));
    service_tiles(l, a, 2);
}

static void draw_public(const L *l)
{
    SDL_Rect a = title_row(l, T_BACK, "common.back", UI_ICON_BACK, kiosk_tr(l->k, "public.title"));
    static const char *const keys[] = {"public.particulier", "public.entreprise", "public.association",
                                       "public.collectivite"};
    int cols = l->portrait ? 1 : 2;
    for (int i = 0; i < 4; i++)
        button(l, T_PUBLIC + QUEUE_PUBLIC_PARTICULIER + i, grid_cell(l, a, 4, cols, i), kiosk_tr(l->k, keys[i]), NULL,
               UI_ICON_PERSON, UI_BUTTON_SECONDARY, l->title);
}

static void draw_priority(const L *l)
{
    SDL_Rect a = title_row(l, T_BACK, "common.back", UI_ICON_BACK, kiosk_tr(l->k, "priority.title"));
    SDL_Rect body = cut_top(&a, lines_h(l, l->body, false, l->portrait ? 3 : 2), l->gap * 2);
    text(l, body, kiosk_tr(l->k, "priority.body"), l->body, false, l->t->ink, UI_ALIGN_START, UI_ALIGN_START);
    SDL_Rect no = l->portrait ? cut_top(&a, (a.h - l->gap) / 2, l->gap) : cut_left(&a, (a.w - l->gap) / 2, l->gap);
    button(l, T_PRIO_NO, no, kiosk_tr(l->k, "priority.no"), NULL, UI_ICON_PERSON, UI_BUTTON_SECONDARY, l->title);
    button(l, T_PRIO_YES, a, kiosk_tr(l->k, "priority.yes"), NULL, UI_ICON_PRIORITY, UI_BUTTON_SECONDARY, l->title);
}

static void status_line(const L *l, SDL_Rect row, const char *msg, bool failed)
{
    int icon = M(l, failed ? 14 : 11);
    ui_icon(l->u, failed ? UI_ICON_WARNING : UI_ICON_PRINTER, (SDL_Rect){row.x, row.y, icon, icon},
            failed ? l->t->alert : l->t->ink, l->t->page);
    row.x += icon + M(l, 3);
    row.w -= icon + M(l, 3);
    text(l, row, msg, l->body, false, failed ? l->t->alert : l->t->ink, UI_ALIGN_START, UI_ALIGN_START);
}

static void draw_result(const L *l)
{
    const kiosk *k = l->k;
    SDL_Rect a = screen_area(l);
    int done_h = button_h(l, l->body, 1);
    int dw = ui_text_width(l->u, kiosk_tr(k, "result.done"), l->body, true) + done_h + M(l, 12);
    if (!k->issued_ok) {
        SDL_Rect done = cut_bottom(&a, done_h, l->gap);
        button(l, T_DONE, (SDL_Rect){done.x + done.w - dw, done.y, dw, done_h}, kiosk_tr(k, "result.done"), NULL,
               UI_ICON_CHECK, UI_BUTTON_SECONDARY, l->body);
        int icon = M(l, 20);
        SDL_Rect row = cut_top(&a, icon, l->gap);
        ui_icon(l->u, UI_ICON_WARNING, (SDL_Rect){row.x, row.y, icon, icon}, l->t->alert, l->t->page);
        row.x += icon + M(l, 4);
        row.w -= icon + M(l, 4);
        text(l, row, kiosk_tr(k, "result.issue_failed"), l->title, true, l->t->alert, UI_ALIGN_START, UI_ALIGN_CENTER);
        return;
    }
    const queue_issued *is = &k->issued;
    char n[16], lo[16], hi[16], ahead[96], wait[96];
    snprintf(n, sizeof n, "%d", is->people_ahead);
    snprintf(lo, sizeof lo, "%d", is->wait_min_lo);
    snprintf(hi, sizeof hi, "%d", is->wait_min_hi);
    ui_format(ahead, sizeof ahead,
              kiosk_tr(k, is->people_ahead == 0 ? "result.ahead.0" : is->people_ahead == 1 ? "result.ahead.1" : "result.ahead.n"),
              "n", n, (const char *)NULL);
    ui_format(wait, sizeof wait, kiosk_tr(k, is->wait_min_lo == is->wait_min_hi ? "result.wait.one" : "result.wait"), "lo",
              lo, "hi", hi, (const char *)NULL);
    bool failed = k->print == PRINT_FAILED || k->print == PRINT_WAITING;
    const char *msg = kiosk_tr(k, k->print == PRINT_DONE      ? "result.printed"
                                  : k->print == PRINT_FAILED  ? "result.print_failed"
                                  : k->print == PRINT_WAITING ? "result.print_waiting"
                                                              : "result.printing");
    int icon_w = M(l, failed ? 14 : 11) + M(l, 3);

    SDL_Rect card, done, status = {0, 0, 0, 0};
    if (!l->portrait) {
        /* Landscape: the printing line takes a full-width strip at the bottom, the button goes
         * under the figures. */
        status = cut_bottom(&a, text_h(l, msg, l->body, false, a.w - icon_w), l->gap * 2);
        card = cut_left(&a, a.w * 45 / 100, l->gap * 2);
        done = cut_bottom(&a, done_h, l->gap);
    } else {
        card = l->portrait ? cut_top(&a, a.h * 40 / 100, l->gap * 3) : cut_left(&a, a.w * 48 / 100, l->gap * 2);
        done = cut_bottom(&a, done_h, l->gap);
    }
    done.x += done.w - dw;
    done.w = dw;
    done.h = done_h;
    button(l, T_DONE, done, kiosk_tr(k, "result.done"), NULL, UI_ICON_CHECK, UI_BUTTON_SECONDARY, l->body);

    /* The number: as large as the card allows. */
    ui_fill_rounded(l->u, card, M(l, 3), l->t->band);
    int pad = M(l, 4);
    SDL_Rect in = {card.x + pad, card.y + pad, card.w - 2 * pad, card.h - 2 * pad};
    const char *title = kiosk_tr(k, k->issued_appointment ? "result.appointment" : "result.title");
    SDL_Rect t = cut_top(&in, text_h(l, title, l->body, true, in.w), 0);
    text(l, t, title, l->body, true, l->t->band_ink, UI_ALIGN_CENTER, UI_ALIGN_START);
    ui_text_style big = {.cap_mm = ui_to_mm(l->u, in.h) * 0.55, .min_cap_mm = MIN_CAP, .bold = true,
                         .fg = l->t->band_ink, .halign = UI_ALIGN_CENTER, .valign = UI_ALIGN_CENTER, .max_lines = 1};
    ui_text(l->u, in, is->ticket.label, &big);

    double fig = l->portrait ? l->title : l->body;
    text_block(l, &a, ahead, fig, false, l->t->ink, 0);
    text_block(l, &a, wait, fig, false, l->t->ink, l->gap * 2);
    if (l->portrait) {
        int msg_h = text_h(l, msg, l->body, false, a.w - icon_w);
        status = cut_top(&a, msg_h, l->gap * 2);
    }
    /* The service name only where there is room: it is printed on the ticket as well. */
    for (int i = 0; i < k->setup.n_services; i++) {
        if (k->setup.services[i].letter != is->ticket.service)
            continue;
        const char *label = kiosk_service_label(k, i);
        double cap = l->small ? l->body : l->title;
        if (text_h(l, label, cap, true, a.w) <= a.h)
            text_block(l, &a, label, cap, true, l->t->ink, l->gap);
    }
    status_line(l, status, msg, failed);
}

/* Digits 1..9 then 0 in the phone layout everyone knows; erase and confirm are wide buttons
 * with words, next to the field. */
static void keypad(const L *l, SDL_Rect a)
{
    static const char *const digits[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0"};
    for (int i = 0; i < 10; i++) {
        SDL_Rect r = grid_cell(l, a, 12, 3, i == 9 ? 10 : i);
        button(l, i == 9 ? T_KEY : T_KEY + i + 1, r, digits[i], NULL, UI_ICON_NONE, UI_BUTTON_SECONDARY, l->title);
    }
}

static SDL_Rect keypad_area(const L *l, SDL_Rect *a)
{
    int key = M(l, l->portrait ? 40 : 17);
    int w = 3 * key + 2 * l->gap, h = 4 * key + 3 * l->gap;
    if (l->portrait) {
        SDL_Rect r = cut_bottom(a, h, l->gap * 2);
        r.x += (r.w - w) / 2;
        r.w = w;
        return r;
    }
    if (w > a->w / 2)
        w = a->w / 2;
    SDL_Rect r = cut_right(a, w, l->gap * 3);
    if (h < r.h)
        r.h = h;
    return r;
}

/* The field showing what was typed, then erase and confirm, then the hint below. */
static void code_field(const L *l, SDL_Rect *a, const char *shown, bool can_ok, const char *hint)
{
    double cap = l->small ? l->body : l->title * 1.3;
    int fh = lines_h(l, cap, true, 1) + M(l, 4);
    SDL_Rect field = cut_top(a, fh, l->gap);
    ui_fill_rounded(l->u, field, M(l, 2), l->t->ink);
    int b = M(l, 0.8);
    SDL_Rect inner = {field.x + b, field.y + b, field.w - 2 * b, field.h - 2 * b};
    ui_fill_rounded(l->u, inner, M(l, 2) - b, l->t->page);
    SDL_Rect tb = {inner.x + M(l, 3), inner.y, inner.w - M(l, 6), inner.h};
    if (shown[0])
        text(l, tb, shown, cap, true, l->t->ink, UI_ALIGN_START, UI_ALIGN_CENTER);
    int bh = button_h(l, l->body, 1);
    SDL_Rect row = cut_top(a, bh, l->gap);
    SDL_Rect erase = cut_left(&row, (row.w - l->gap) / 2, l->gap);
    button(l, T_KEY_ERASE, erase, kiosk_tr(l->k, "checkin.erase"), NULL, l->small ? UI_ICON_NONE : UI_ICON_ERASE,
           UI_BUTTON_SECONDARY, l->body);
    if (can_ok)
        button(l, T_KEY_OK, row, kiosk_tr(l->k, "checkin.validate"), NULL, l->small ? UI_ICON_NONE : UI_ICON_CHECK,
               UI_BUTTON_PRIMARY, l->body);
    if (hint)
        text(l, *a, hint, l->body, false, l->t->ink, UI_ALIGN_START, UI_ALIGN_START);
}

static void draw_checkin(const L *l)
{
    SDL_Rect a = title_row(l, T_BACK, "common.back", UI_ICON_BACK, kiosk_tr(l->k, "checkin.title"));
    keypad(l, keypad_area(l, &a));
    code_field(l, &a, l->k->code, l->k->code[0] != '\0', kiosk_tr(l->k, "checkin.hint"));
}

static void draw_checkin_error(const L *l)
{
    const kiosk *k = l->k;
    SDL_Rect a = title_row(l, T_BACK, "common.back", UI_ICON_BACK, kiosk_tr(k, "checkin.title"));
    const char *key = k->checkin_err == QUEUE_ETOOEARLY  ? "checkin.too_early"
                      : k->checkin_err == QUEUE_ETOOLATE ? "checkin.too_late"
                      : k->checkin_err == QUEUE_EUSED    ? "checkin.used"
                                                         : "checkin.unknown";
    char when[16] = "", msg[256];
    if (k->appt_at) {
        time_t t = (time_t)k->appt_at;
        struct tm tm;
        localtime_r(&t, &tm);
        snprintf(when, sizeof when, "%02d:%02d", tm.tm_hour, tm.tm_min);
    }
    ui_format(msg, sizeof msg, kiosk_tr(k, key), "time", when, (const char *)NULL);
    int icon = M(l, l->small ? 12 : 16);
    double cap = l->small ? l->body : l->title;
    int bh = button_h(l, cap, 1);
    if (bh < M(l, 22))
        bh = M(l, 22);
    SDL_Rect b = cut_bottom(&a, bh, l->gap);
    text(l, cut_bottom(&a, lines_h(l, l->body, false, 1), l->gap), kiosk_tr(k, "checkin.offer"), l->body, false,
         l->t->ink, UI_ALIGN_START, UI_ALIGN_START);
    SDL_Rect row = a;
    ui_icon(l->u, UI_ICON_WARNING, (SDL_Rect){row.x, row.y, icon, icon}, l->t->alert, l->t->page);
    row.x += icon + M(l, 4);
    row.w -= icon + M(l, 4);
    text(l, row, msg, cap, true, l->t->alert, UI_ALIGN_START, UI_ALIGN_START);
    button(l, T_TAKE_NORMAL, b, kiosk_tr(k, "checkin.take_normal"), NULL, UI_ICON_TICKET, UI_BUTTON_PRIMARY, cap);
}

static void draw_feedback(const L *l)
{
    SDL_Rect a = title_row(l, T_BACK, "common.back", UI_ICON_BACK, kiosk_tr(l->k, "feedback.title"));
    static const ui_icon_kind icons[5] = {UI_ICON_SUN, UI_ICON_SUN_VEILED, UI_ICON_CLOUD, UI_ICON_RAIN, UI_ICON_STORM};
    /* One row, read left to right like a scale, when the tiles stay wide enough. */
    int cols = ui_to_mm(l->u, a.w) / 5 >= 42 ? 5 : 3;
    bool regular = ui_to_mm(l->u, a.w) / cols < 45;
    for (int i = 0; i < 5; i++) {
        char key[16];
        snprintf(key, sizeof key, "feedback.%d", i + 1);
        SDL_Rect r;
        if (l->portrait) {
            /* One column of wide rows: the pictures stay big and the scale reads top to bottom. */
            r = grid_cell(l, a, 5, 1, i);
        } else {
            r = grid_cell(l, a, 5, cols, i);
        }
        ui_button_spec b = {.id = T_WEATHER + i + 1, .rect = r, .label = kiosk_tr(l->k, key), .icon = icons[i],
                            .kind = UI_BUTTON_SECONDARY, .cap_mm = l->body, .regular = regular};
        ui_button(l->u, &b);
    }
}

static void draw_thanks(const L *l)
{
    const kiosk *k = l->k;
    /* The thanks and the optional question in the title; the tiles get the rest. */
    SDL_Rect a = title_row(l, T_DONE, "result.done", UI_ICON_CHECK, kiosk_tr(k, "thanks.ask"));
    if (l->portrait)
        text_block(l, &a, kiosk_tr(k, "thanks.body"), l->body, false, l->t->ink, l->gap);
    service_tiles(l, a, 2);
}

static void draw_idle(const L *l)
{
    const kiosk *k = l->k;
    SDL_Rect a = screen_area(l);
    char s[16], body[128];
    snprintf(s, sizeof s, "%d", kiosk_idle_seconds_left(k));
    ui_format(body, sizeof body, kiosk_tr(k, "idle.body"), "s", s, (const char *)NULL);
    int icon = M(l, 18);
    SDL_Rect row = cut_top(&a, lines_h(l, l->title, true, 2) > icon ? lines_h(l, l->title, true, 2) : icon, l->gap * 2);
    ui_icon(l->u, UI_ICON_CLOCK, (SDL_Rect){row.x, row.y, icon, icon}, l->t->ink, l->t->page);
    row.x += icon + M(l, 4);
    row.w -= icon + M(l, 4);
    text(l, row, kiosk_tr(k, "idle.title"), l->title, true, l->t->ink, UI_ALIGN_START, UI_ALIGN_CENTER);
    text(l, cut_top(&a, lines_h(l, l->title, false, 2), l->gap * 2), body, l->title, false, l->t->ink, UI_ALIGN_START,
         UI_ALIGN_START);
    int bh = button_h(l, l->title, 1);
    if (bh < M(l, 22))
        bh = M(l, 22);
    if (bh * 2 + l->gap > a.h)
        bh = (a.h - l->gap) / 2;
    SDL_Rect more = l->portrait ? cut_top(&a, bh, l->gap) : cut_left(&a, (a.w - l->gap) * 6 / 10, l->gap);
    more.h = bh;
    button(l, T_MORE_TIME, more, kiosk_tr(k, "idle.more"), NULL, UI_ICON_CLOCK, UI_BUTTON_PRIMARY, l->title);
    SDL_Rect home = l->portrait ? cut_top(&a, bh, l->gap) : a;
    home.h = bh;
    button(l, T_HOME, home, kiosk_tr(k, "common.home"), NULL, UI_ICON_BACK, UI_BUTTON_SECONDARY, l->title);
}

static void draw_admin_pin(const L *l)
{
    const kiosk *k = l->k;
    SDL_Rect a = title_row(l, T_HOME, "common.back", UI_ICON_BACK, kiosk_tr(k, "admin.pin_title"));
    int64_t now = kiosk_now_ms(k);
    bool locked = now < k->locked_until_ms;
    char dots[64] = "";
    for (size_t i = 0; i < strlen(k->pin) && i < 15; i++)
        strcat(dots, "\xE2\x97\x8F");   /* U+25CF: the digits are never shown */
    if (!locked) {
        keypad(l, keypad_area(l, &a));
        code_field(l, &a, dots, k->pin[0] != '\0', NULL);
    }
    char msg[128] = "";
    if (locked) {
        char min[16];
        snprintf(min, sizeof min, "%d", (int)((k->locked_until_ms - now + 59999) / 60000));
        ui_format(msg, sizeof msg, kiosk_tr(k, "admin.locked"), "min", min, (const char *)NULL);
    } else if (k->pin_wrong > 0) {
        char left[16];
        snprintf(left, sizeof left, "%d", KIOSK_PIN_TRIES - k->pin_wrong);
        ui_format(msg, sizeof msg, kiosk_tr(k, "admin.wrong"), "left", left, (const char *)NULL);
    }
    if (msg[0]) {
        int icon = M(l, 12);
        ui_icon(l->u, UI_ICON_WARNING, (SDL_Rect){a.x, a.y, icon, icon}, l->t->alert, l->t->page);
        text(l, (SDL_Rect){a.x + icon + M(l, 3), a.y, a.w - icon - M(l, 3), a.h}, msg, l->body, true, l->t->alert,
             UI_ALIGN_START, UI_ALIGN_START);
    }
}

static void draw_admin(const L *l)
{
    const kiosk *k = l->k;
    SDL_Rect a = title_row(l, T_ADMIN_CLOSE, "admin.close", UI_ICON_BACK, kiosk_tr(k, "admin.title"));
    char state_key[32], line[200], n1[16], n2[16], n3[16];
    snprintf(state_key, sizeof state_key, "printer.%s", k->p ? printer_state_name(printer_get_state(k->p)) : "none");
    ui_format(line, sizeof line, kiosk_tr(k, "admin.printer"), "state", kiosk_tr(k, state_key), (const char *)NULL);
    int icon = M(l, 10);
    SDL_Rect row = cut_top(&a, lines_h(l, l->body, true, 1) > icon ? lines_h(l, l->body, true, 1) : icon, l->gap);
    ui_icon(l->u, UI_ICON_PRINTER, (SDL_Rect){row.x, row.y, icon, icon}, l->t->ink, l->t->page);
    text(l, (SDL_Rect){row.x + icon + M(l, 3), row.y, row.w - icon - M(l, 3), row.h}, line, l->body, true, l->t->ink,
         UI_ALIGN_START, UI_ALIGN_CENTER);
    snprintf(n1, sizeof n1, "%d", k->admin_issued);
    snprintf(n2, sizeof n2, "%d", k->admin_waiting);
    snprintf(n3, sizeof n3, "%d", k->admin_served);
    ui_format(line, sizeof line, kiosk_tr(k, "admin.today"), "issued", n1, "waiting", n2, "served", n3,
              (const char *)NULL);
    text(l, cut_top(&a, lines_h(l, l->body, false, 2), l->gap), line, l->body, false, l->t->ink, UI_ALIGN_START,
         UI_ALIGN_START);
    if (k->reset_done >= 0) {
        snprintf(n1, sizeof n1, "%d", k->reset_done);
        ui_format(line, sizeof line, kiosk_tr(k, "admin.reset_done"), "n", n1, (const char *)NULL);
        text(l, cut_top(&a, lines_h(l, l->body, false, 1), l->gap), line, l->body, false, l->t->ink, UI_ALIGN_START,
             UI_ALIGN_START);
    }
    int bh = button_h(l, l->body, 2);
    if (bh > a.h)
        bh = a.h;
    SDL_Rect brow = cut_top(&a, bh, l->gap);
    SDL_Rect test = cut_left(&brow, (brow.w - l->gap) / 2, l->gap);
    button(l, T_ADMIN_TEST, test, kiosk_tr(k, "admin.test"), NULL, UI_ICON_PRINTER, UI_BUTTON_SECONDARY, l->body);
    snprintf(n1, sizeof n1, "%d", k->admin_waiting);
    ui_format(line, sizeof line, kiosk_tr(k, k->reset_armed ? "admin.reset_confirm" : "admin.reset"), "n", n1,
              (const char *)NULL);
    button(l, T_ADMIN_RESET, brow, line, NULL, UI_ICON_WARNING, k->reset_armed ? UI_BUTTON_PRIMARY : UI_BUTTON_SECONDARY,
           l->body);
}

void kiosk_draw(kiosk *k)
{
    L l = {.k = k, .u = k->ui, .t = ui_get_theme(k->ui), .portrait = ui_portrait(k->ui)};
    double w = ui_to_mm(k->ui, ui_width(k->ui)), h = ui_to_mm(k->ui, ui_height(k->ui));
    double shortest = w < h ? w : h;
    l.small = shortest < 120;
    /* Body type grows with the screen: 5 mm on a 7-inch board, up to 9 mm on big screens. */
    l.body = shortest / 20.0;
    if (l.body < MIN_CAP)
        l.body = MIN_CAP;
    if (l.body > 9.0)
        l.body = 9.0;
    l.title = l.body * 1.25;
    l.gap = M(&l, shortest < 120 ? 2.0 : 3.5);
    l.margin = M(&l, shortest < 120 ? 2.5 : 6.0);
    switch (k->screen) {
    case KIOSK_HOME: draw_home(&l); break;
    case KIOSK_CLOSED: draw_closed(&l); break;
    case KIOSK_SERVICES: draw_services(&l); break;
    case KIOSK_PUBLIC: draw_public(&l); break;
    case KIOSK_PRIORITY: draw_priority(&l); break;
    case KIOSK_RESULT: draw_result(&l); break;
    case KIOSK_CHECKIN: draw_checkin(&l); break;
    case KIOSK_CHECKIN_ERROR: draw_checkin_error(&l); break;
    case KIOSK_FEEDBACK: draw_feedback(&l); break;
    case KIOSK_THANKS: draw_thanks(&l); break;
    case KIOSK_IDLE: draw_idle(&l); break;
    case KIOSK_ADMIN_PIN: draw_admin_pin(&l); break;
    case KIOSK_ADMIN: draw_admin(&l); break;
    case KIOSK_SCREEN_COUNT: break;
    }
}
