/* Closed (or starting while the clock is not trusted): when the office opens again and the
 * week's hours. */
#include "../kiosk_scene.h"

#include <stdio.h>
#include <string.h>

/* The week as a table, one row per run of days with the same hours: "Lundi – Vendredi | 09:00 –
 * 12:00 | 13:30 – 17:00". One row per day and the ranges in columns never wrap, so a week of
 * split hours is seven lines whatever the screen; the size is the largest that fits. */
typedef struct week_rows {
    int n;
    char days[7][96];
    char range[7][QUEUE_MAX_RANGES][48];
    int n_ranges[7];
} week_rows;

static void week_table(const kiosk_layout *l, week_rows *w)
{
    const kiosk *k = l->k;
    w->n = 0;
    for (int d = 0; d < 7;) {
        int e = d;
        while (e + 1 < 7 && memcmp(&k->setup.week[e + 1], &k->setup.week[d], sizeof k->setup.week[d]) == 0)
            e++;
        char k1[16], k2[16];
        snprintf(k1, sizeof k1, "day.%d", d + 1);
        snprintf(k2, sizeof k2, "day.%d", e + 1);
        int r = w->n++;
        if (e == d)
            snprintf(w->days[r], sizeof w->days[r], "%s", kiosk_tr(k, k1));
        else
            ui_format(w->days[r], sizeof w->days[r], kiosk_tr(k, "hours.days"), "first", kiosk_tr(k, k1), "last",
                      kiosk_tr(k, k2), (const char *)NULL);
        const queue_day_hours *h = &k->setup.week[d];
        w->n_ranges[r] = h->n ? h->n : 1;
        if (!h->n)
            snprintf(w->range[r][0], sizeof w->range[r][0], "%s", kiosk_tr(k, "hours.closed"));
        for (int i = 0; i < h->n; i++) {
            char o[16], c[16];
            snprintf(o, sizeof o, "%02d:%02d", h->range[i].open_min / 60, h->range[i].open_min % 60);
            snprintf(c, sizeof c, "%02d:%02d", h->range[i].close_min / 60, h->range[i].close_min % 60);
            /* No spaces around the dash: digits in a column read as times in every language,
             * and the two ranges of a day then fit a 7-inch line. */
            snprintf(w->range[r][i], sizeof w->range[r][i], "%s\xE2\x80\x93%s", o, c);
        }
        d = e + 1;
    }
}

/* Column widths of the table at cap; returns the table's width (without padding). The days'
 * column is as wide as the longest day name: "Lundi – Vendredi" wraps on two lines there. */
static int week_columns(const kiosk_layout *l, const week_rows *w, double cap, int col[1 + QUEUE_MAX_RANGES], int sep,
                        bool stack)
{
    memset(col, 0, sizeof(int) * (1 + QUEUE_MAX_RANGES));
    int cols = 1;
    for (int d = 1; d <= 7; d++) {
        char key[16];
        snprintf(key, sizeof key, "day.%d", d);
        int dw = ui_text_width(l->u, kiosk_tr(l->k, key), cap, true);
        if (dw > col[0])
            col[0] = dw;
    }
    for (int r = 0; r < w->n; r++) {
        for (int i = 0; i < w->n_ranges[r]; i++) {
            int c = stack ? 1 : 1 + i;
            int rw = ui_text_width(l->u, w->range[r][i], cap, false);
            if (rw > col[c])
                col[c] = rw;
            if (c + 1 > cols)
                cols = c + 1;
        }
    }
    int total = 0;
    for (int i = 0; i < cols; i++)
        total += col[i] + (i ? sep : 0);
    return total;
}

/* The size of the week in a box of w×h: the largest cap up to the body size that fits (never
 * under the 5 mm rule); the heading "Horaires d'ouverture" goes first when room is short. */
typedef struct week_fit {
    double cap;
    bool heading;
    bool stack;   /* a day's ranges one under the other (large text on a 7-inch panel) */
    bool fits;
    int pad, sep, head_h, height;
    int col[1 + QUEUE_MAX_RANGES];
    int row_h[7];
} week_fit;

static week_fit fit_week(const kiosk_layout *l, const week_rows *w, int box_w, int box_h)
{
    week_fit f = {.cap = l->body, .heading = true, .stack = l->compact, .pad = kl_mm(l, l->small ? 1.5 : 3)};
    for (;;) {
        f.sep = kl_mm(l, f.cap * 0.6);
        int width = week_columns(l, w, f.cap, f.col, f.sep, f.stack) + 2 * f.pad;
        f.head_h = f.heading ? kl_lines_h(l, f.cap, true, 1) + kl_mm(l, 1) : 0;
        f.height = f.head_h + 2 * f.pad;
        for (int r = 0; r < w->n; r++) {
            /* As high as its words reach (Arabic's marks), not the script's tallest forms: seven
             * rows must hold on 86 mm. Stacked, a day's ranges add up. */
            f.row_h[r] = kl_text_h(l, w->days[r], f.cap, true, f.col[0]);
            int stacked = 0;
            for (int i = 0; i < w->n_ranges[r]; i++) {
                int rh = kl_text_h(l, w->range[r][i], f.cap, false, f.col[f.stack ? 1 : 1 + i]);
                stacked += rh;
                f.row_h[r] = !f.stack && rh > f.row_h[r] ? rh : f.row_h[r];
            }
            f.row_h[r] = f.stack && stacked > f.row_h[r] ? stacked : f.row_h[r];
            f.height += f.row_h[r];
        }
        f.fits = width <= box_w && f.height <= box_h;
        if (f.fits)
            return f;
        if (f.heading && f.height > box_h)
            f.heading = false;
        else if (f.cap <= l->min_cap)
            return f;   /* too small a screen for the rule: the checks say so */
        else
            f.cap = f.cap - 0.25 < l->min_cap ? l->min_cap : f.cap - 0.25;
    }
}

static void draw_week(const kiosk_layout *l, const week_rows *w, const week_fit *f, SDL_Rect a)
{
    SDL_Rect panel = {a.x, a.y, a.w, f->height};
    ui_fill_rounded(l->u, panel, kl_mm(l, 2.5), l->t->panel);
    SDL_Rect in = {a.x + f->pad, a.y + f->pad, a.w - 2 * f->pad, f->height - 2 * f->pad};
    if (f->heading)
        kl_text(l, kl_cut_top(&in, f->head_h - kl_mm(l, 1), kl_mm(l, 1)), kiosk_tr(l->k, "closed.hours"), f->cap, true,
                l->t->ink, UI_ALIGN_START, UI_ALIGN_START);
    for (int r = 0; r < w->n; r++) {
        SDL_Rect row = kl_cut_top(&in, f->row_h[r], 0);
        SDL_Rect cell = kl_cut_left(&row, f->col[0], f->sep);
        kl_text(l, cell, w->days[r], f->cap, true, l->t->ink, UI_ALIGN_START, UI_ALIGN_START);
        for (int i = 0; i < w->n_ranges[r]; i++) {
            if (f->stack)
                cell = kl_cut_top(&row, kl_text_h(l, w->range[r][i], f->cap, false, row.w), 0);
            else
                cell = kl_cut_left(&row, f->col[1 + i], f->sep);
            kl_text(l, cell, w->range[r][i], f->cap, false, l->t->ink, UI_ALIGN_START, UI_ALIGN_START);
        }
    }
}

/* "Réouverture : mardi 08:30" within the coming week (the table gives the date's context),
 * the full date further away. */
static void next_open_text(const kiosk *k, char *line, size_t n)
{
    line[0] = '\0';
    if (k->next_open <= 0)
        return;
    time_t t = (time_t)k->next_open;
    struct tm tm;
    localtime_r(&t, &tm);
    char date[96], when[128];
    if (k->next_open - kiosk_now_s(k) < 6 * 86400) {
        char key[16];
        snprintf(key, sizeof key, "day.%d", tm.tm_wday == 0 ? 7 : tm.tm_wday);
        snprintf(date, sizeof date, "%s", kiosk_tr(k, key));
    } else {
        kiosk_layout l = {.k = (kiosk *)k};
        kl_format_date(&l, date, sizeof date, &tm);
    }
    snprintf(when, sizeof when, "%s %02d:%02d", date, tm.tm_hour, tm.tm_min);
    ui_format(line, n, kiosk_tr(k, "closed.next"), "when", when, (const char *)NULL);
}

/* Large text on a 7-inch panel: the week on a page of its own when it does not fit under the
 * rest, behind a button named after it. */
static bool week_page(const kiosk_layout *l, const week_rows *w, SDL_Rect a)
{
    kiosk *k = l->k;
    int bh = kl_button_h(l, l->body, 1);
    SDL_Rect nav = kl_cut_bottom(&a, bh, l->gap);
    week_fit f = fit_week(l, w, a.w, a.h);
    if (!f.fits)
        return false;
    k->tile_paged = true;
    k->tile_more = false;
    kl_button(l, T_PAGE_PREV, kl_cut_left(&nav, (nav.w - l->gap) / 2, l->gap), kiosk_tr(k, "common.prev"), NULL,
              UI_ICON_BACK, UI_BUTTON_SECONDARY, l->body);
    draw_week(l, w, &f, a);
    return true;
}

static void draw_closed(const kiosk_layout *l)
{
    kiosk *k = l->k;
    week_rows w;
    week_table(l, &w);
    if (l->compact && k->page > 0 && week_page(l, &w, kl_screen_area(l)))
        return;
    /* A 7-inch screen has no room for the date band and seven lines of hours: the hours matter
     * more to whoever arrives after hours than the date. */
    int hh = l->small ? 0 : kl_header(l);
    SDL_Rect a = kl_screen_area(l);
    if (hh) {
        a.y = hh + l->gap;
        a.h = ui_height(l->u) - hh - l->gap - l->margin;
    }
    /* The lock and "closed" across the screen and when it opens again beside the language button,
     * or both beside the button when that is shorter (Arabic: seven rows of split hours must
     * still hold on 86 mm); the week under them. */
    const char *title = kiosk_tr(k, k->clock_ok ? "closed.title" : "starting.title");
    double title_cap = l->small ? l->body : l->title;
    int icon = kl_lines_h(l, title_cap, true, 1);
    int lang_h = kl_button_h(l, l->body, 1);
    int lw = kl_language_button_w(l, lang_h);
    int beside_w = a.w - lw - l->gap * 2;
    char next[200];
    next_open_text(k, next, sizeof next);
    int next_h = next[0] ? kl_text_h(l, next, l->body, true, beside_w) : 0;
    int title_across = kl_text_h(l, title, title_cap, true, a.w - icon - kl_mm(l, 3));
    int title_beside = kl_text_h(l, title, title_cap, true, beside_w - icon - kl_mm(l, 3));
    int stacked = title_beside + (next[0] ? kl_mm(l, 1) + next_h : 0);
    /* Across too when a word of it does not hold beside the button ("geschlossen" in large text). */
    bool across = ui_text_height(l->u, title, beside_w - icon - kl_mm(l, 3), title_cap, true) <= 0 ||
                  title_across + kl_mm(l, 1) + (next_h > lang_h ? next_h : lang_h) < (stacked > lang_h ? stacked : lang_h);
    SDL_Rect head = across ? kl_cut_top(&a, title_across, kl_mm(l, 1)) : (SDL_Rect){0, 0, 0, 0};
    int beside_h = across ? next_h : stacked;
    SDL_Rect trow = kl_cut_top(&a, beside_h > lang_h ? beside_h : lang_h, l->gap);
    SDL_Rect lang = kl_cut_right(&trow, lw, l->gap * 2);
    lang.h = lang_h;
    kl_language_button(l, lang);
    if (!across)
        head = kl_cut_top(&trow, title_beside, kl_mm(l, 1));
    ui_icon(l->u, UI_ICON_LOCK, (SDL_Rect){head.x, head.y, icon, icon}, l->t->ink, l->t->page);
    head.x += icon + kl_mm(l, 3);
    head.w -= icon + kl_mm(l, 3);
    kl_text(l, head, title, title_cap, true, l->t->ink, UI_ALIGN_START, UI_ALIGN_START);
    if (next[0])
        kl_text(l, trow, next, l->body, true, l->t->ink, UI_ALIGN_START, across ? UI_ALIGN_CENTER : UI_ALIGN_START);
    const char *body = kiosk_tr(k, k->clock_ok ? "closed.body" : "starting.body");
    if (l->compact && !fit_week(l, &w, a.w, a.h).fits) {
        int bh = kl_button_h(l, l->body, 1);
        k->tile_paged = k->tile_more = true;
        kl_button(l, T_PAGE_NEXT, kl_cut_top(&a, bh, l->gap), kiosk_tr(k, "closed.hours"), NULL, UI_ICON_CLOCK,
                  UI_BUTTON_PRIMARY, l->body);
        return;
    }
    int body_h = kl_text_h(l, body, l->body, false, a.w) + l->gap * 2;
    week_fit with_body = fit_week(l, &w, a.w, a.h - body_h);
    week_fit alone = fit_week(l, &w, a.w, a.h);
    if (with_body.cap == alone.cap && with_body.heading == alone.heading && with_body.height <= a.h - body_h) {
        kl_text_block(l, &a, body, l->body, false, l->t->ink, l->gap * 2);
        alone = with_body;
    }
    draw_week(l, &w, &alone, a);
}

static bool on_event(kiosk *k, const kiosk_scene_event *e)
{
    if (e->kind == KIOSK_EV_NOWHERE)
        return kiosk_admin_corner(k, e->x, e->y);
    if (e->kind == KIOSK_EV_TARGET && e->target == T_LANG) {
        kiosk_scene_next(k, KIOSK_LANGUAGE);
        return true;
    }
    return e->kind == KIOSK_EV_TARGET && e->target == T_BACK;
}

static void describe(kiosk *k, kiosk_spoken *d)
{
    kiosk_say_title(d, kiosk_tr(k, k->clock_ok ? "closed.title" : "starting.title"));
    char line[200];
    next_open_text(k, line, sizeof line);
    kiosk_say_state(d, line[0] ? line : kiosk_tr(k, k->clock_ok ? "closed.body" : "starting.body"));
    if (k->tile_paged && k->page > 0) {
        kiosk_say_choice(d, T_PAGE_PREV, kiosk_tr(k, "common.prev"), "");
        return;
    }
    kiosk_say_choice(d, T_LANG, kiosk_tr(k, "lang.choose"), "");
    if (k->tile_paged)
        kiosk_say_choice(d, T_PAGE_NEXT, kiosk_tr(k, "closed.hours"), "");
}

const kiosk_scene kiosk_scene_closed = {
    .on_event = on_event, .draw = draw_closed, .describe = describe, .back = KIOSK_BACK_POP,
    .flags = KIOSK_SCENE_CLOCK,
};
