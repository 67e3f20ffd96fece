/* Layout helpers shared by the kiosk's scenes (see kiosk_layout.h). */
#include "kiosk_layout.h"

#include <stdio.h>
#include <string.h>

void kiosk_layout_init(kiosk_layout *l, kiosk *k)
{
    /* Large text magnifies the whole layout where the glass leaves room: the screen is laid out as
     * a smaller one (fewer tiles per row, wrapped labels, the 7-inch economies) with every size in
     * its millimetres. A 7-inch panel (86 mm high) has no room for magnified targets and gaps:
     * there only the words grow, the targets keep their 16 mm, and the scenes reflow (one item per
     * row, pages, a shorter layout). */
    ui_set_zoom(k->ui, 1.0);
    k->tile_paged = k->tile_more = false;   /* until a list of this frame is paged (kl_page) */
    double w = ui_to_mm(k->ui, ui_width(k->ui)), h = ui_to_mm(k->ui, ui_height(k->ui));
    double shortest = w < h ? w : h;
    bool words_only = k->large && shortest < 120;
    double zoom = k->large && !words_only ? KL_LARGE_SCALE : 1.0, text = words_only ? KL_LARGE_SCALE : 1.0;
    ui_set_zoom(k->ui, zoom);
    shortest /= zoom;
    *l = (kiosk_layout){.k = k, .u = k->ui, .t = ui_get_theme(k->ui), .portrait = ui_portrait(k->ui),
                        .large = k->large, .compact = words_only, .min_cap = KL_MIN_CAP * text};
    l->small = shortest < 120;
    /* Body type grows with the screen: 5 mm on a 7-inch board, up to 9 mm on big screens. */
    l->body = shortest / 20.0;
    if (l->body < KL_MIN_CAP)
        l->body = KL_MIN_CAP;
    if (l->body > 9.0)
        l->body = 9.0;
    l->body *= text;
    l->title = l->body * 1.25;
    l->gap = kl_mm(l, shortest < 120 ? 2.0 : 3.5);
    l->margin = kl_mm(l, shortest < 120 ? 2.5 : 6.0);
}

int kl_mm(const kiosk_layout *l, double mm) { return ui_mm(l->u, mm); }

SDL_Rect kl_cut_top(SDL_Rect *a, int h, int gap)
{
    SDL_Rect r = {a->x, a->y, a->w, h};
    a->y += h + gap;
    a->h -= h + gap;
    return r;
}

SDL_Rect kl_cut_bottom(SDL_Rect *a, int h, int gap)
{
    SDL_Rect r = {a->x, a->y + a->h - h, a->w, h};
    a->h -= h + gap;
    return r;
}

SDL_Rect kl_cut_left(SDL_Rect *a, int w, int gap)
{
    SDL_Rect r = {a->x, a->y, w, a->h};
    a->x += w + gap;
    a->w -= w + gap;
    return r;
}

SDL_Rect kl_cut_right(SDL_Rect *a, int w, int gap)
{
    SDL_Rect r = {a->x + a->w - w, a->y, w, a->h};
    a->w -= w + gap;
    return r;
}

void kl_text(const kiosk_layout *l, SDL_Rect box, const char *s, double cap, bool bold, SDL_Color fg, ui_align h, ui_align v)
{
    ui_text_style st = {.cap_mm = cap, .min_cap_mm = l->min_cap, .bold = bold, .fg = fg, .halign = h, .valign = v};
    ui_text(l->u, box, s, &st);
}

int kl_lines_h(const kiosk_layout *l, double cap, bool bold, int n)
{
    return ui_line_height(l->u, cap, bold) * n;
}

/* Height of `s` wrapped in width w: at cap, or at the smallest size when a word is too long
 * (ui_text then shrinks it). */
int kl_text_h(const kiosk_layout *l, const char *s, double cap, bool bold, int w)
{
    int h = ui_text_height(l->u, s, w, cap, bold);
    if (h > 0)
        return h;
    h = ui_text_height(l->u, s, w, l->min_cap, bold);
    return h > 0 ? h : kl_lines_h(l, l->min_cap, bold, 1);
}

/* Draws s at the top of *a, taking the height it needs. */
void kl_text_block(const kiosk_layout *l, SDL_Rect *a, const char *s, double cap, bool bold, SDL_Color fg, int gap)
{
    SDL_Rect r = kl_cut_top(a, kl_text_h(l, s, cap, bold, a->w), gap);
    kl_text(l, r, s, cap, bold, fg, UI_ALIGN_START, UI_ALIGN_START);
}

int kl_button_h(const kiosk_layout *l, double cap, int lines)
{
    int text = kl_lines_h(l, cap, true, lines), h = text + kl_mm(l, l->compact ? 4 : 6);
    /* ui_button keeps a tenth of the height each side (up to 3 mm): the lines must fit inside. */
    if (l->compact && h < text * 5 / 4 + 2)
        h = text * 5 / 4 + 2;
    int min = kl_mm(l, KL_MIN_TARGET);
    return h > min ? h : min;
}

void kl_button(const kiosk_layout *l, int id, SDL_Rect r, const char *label, const char *sub, ui_icon_kind icon,
                   ui_button_kind kind, double cap)
{
    ui_button_spec b = {.id = id, .rect = r, .label = label, .sublabel = sub, .icon = icon, .kind = kind, .cap_mm = cap,
                        .min_cap_mm = l->min_cap};
    /* Large text on a 7-inch panel: a label that does not hold on one line loses its icon (the
     * words at 7.5 mm need the whole width), and takes the regular weight when the bold one does
     * not hold on the lines the button has. */
    int room = r.w - 2 * kl_mm(l, 3);
    if (l->compact && !sub && ui_text_width(l->u, label, cap, true) > room) {
        int lines = r.h >= kl_button_h(l, cap, 2) ? 2 : 1;
        int bold = ui_text_lines(l->u, label, room, cap, true);
        b.icon = UI_ICON_NONE;
        b.regular = bold < 1 || bold > lines;
    }
    ui_button(l->u, &b);
}

SDL_Rect kl_screen_area(const kiosk_layout *l)
{
    return (SDL_Rect){l->margin, l->margin, ui_width(l->u) - 2 * l->margin, ui_height(l->u) - 2 * l->margin};
}

void kl_format_date(const kiosk_layout *l, char *out, size_t n, const struct tm *tm)
{
    char key_day[24], key_month[24], day[16];
    snprintf(key_day, sizeof key_day, "day.%d", tm->tm_wday == 0 ? 7 : tm->tm_wday);
    snprintf(key_month, sizeof key_month, "month.%d", tm->tm_mon + 1);
    snprintf(day, sizeof day, "%d", tm->tm_mday);
    ui_format(out, n, kiosk_tr(l->k, "date.format"), "weekday", kiosk_tr(l->k, key_day), "day", day, "month",
              kiosk_tr(l->k, key_month), (const char *)NULL);
}

void kl_format_hours(const kiosk_layout *l, char *out, size_t n, int weekday_mon0)
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

struct tm kl_local_now(const kiosk_layout *l)
{
    time_t t = (time_t)(kiosk_now_ms(l->k) / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    return tm;
}

int kl_language_button_w(const kiosk_layout *l, int h)
{
    return ui_text_width(l->u, kiosk_tr(l->k, "lang.choose"), l->body, true) + h + kl_mm(l, 8);
}

/* Blue band: antenne name and date on the left, the time on the right. Returns its height. */
int kl_header_h(const kiosk_layout *l)
{
    return kl_lines_h(l, l->body, true, 2) + 2 * kl_mm(l, l->small ? 1.5 : 3);
}

int kl_header(const kiosk_layout *l)
{
    int pad = kl_mm(l, l->small ? 1.5 : 3);
    int h = kl_header_h(l);
    SDL_Rect band = {0, 0, ui_width(l->u), h};
    ui_fill(l->u, band, l->t->band);
    struct tm tm = kl_local_now(l);
    char clock[8], date[96];
    snprintf(clock, sizeof clock, "%02d:%02d", tm.tm_hour, tm.tm_min);
    kl_format_date(l, date, sizeof date, &tm);
    SDL_Rect in = {l->margin, pad, ui_width(l->u) - 2 * l->margin, h - 2 * pad};
    double clock_cap = l->small ? l->body * 1.6 : l->title * 1.4;
    int clock_w = ui_text_width(l->u, "00:00", clock_cap, true) + kl_mm(l, 2);
    SDL_Rect right = kl_cut_right(&in, clock_w, kl_mm(l, 3));
    kl_text(l, right, clock, clock_cap, true, l->t->band_ink, UI_ALIGN_END, UI_ALIGN_CENTER);
    SDL_Rect name = kl_cut_top(&in, in.h / 2, 0);
    kl_text(l, name, l->k->cfg->antenne.name, l->body, true, l->t->band_ink, UI_ALIGN_START, UI_ALIGN_START);
    kl_text(l, in, date, l->body, false, l->t->band_ink, UI_ALIGN_START, UI_ALIGN_END);
    return h;
}

bool kl_bold_holds(const kiosk_layout *l, const char *s, double cap, int w)
{
    if (!l->compact)
        return true;
    int bold = ui_text_lines(l->u, s, w, cap, true), regular = ui_text_lines(l->u, s, w, cap, false);
    return bold >= 1 && (regular < 1 || bold <= regular || bold <= 2);
}

/* Title row of the inner screens: a back (or other) button on the left, the question next to it. */
SDL_Rect kl_title_row(const kiosk_layout *l, int button_id, const char *button_key, ui_icon_kind icon, const char *title)
{
    SDL_Rect a = kl_screen_area(l);
    int bh = kl_button_h(l, l->body, 1);
    const char *label = kiosk_tr(l->k, button_key);
    /* Large text on a 7-inch panel: the button says it in words alone, so the question keeps
     * the width for two lines and the row is no taller than they are. */
    if (l->compact)
        icon = UI_ICON_NONE;
    int bw = ui_text_width(l->u, label, l->body, true) + 2 * kl_mm(l, 3) + (icon == UI_ICON_NONE ? 0 : bh + kl_mm(l, 3));
    /* The question takes the lines it needs beside the button (three in large text); under it,
     * across the screen, when a word of it does not hold beside the button ("Verwaltungscode" in
     * large text) or when that is shorter. */
    double cap = l->small ? l->min_cap : l->title;
    int beside_w = a.w - bw - l->gap * 2;
    bool bold = kl_bold_holds(l, title, cap, beside_w);
    int title_h = kl_text_h(l, title, cap, bold, beside_w);
    if (!l->compact && title_h < kl_lines_h(l, cap, true, 2))
        title_h = kl_lines_h(l, cap, true, 2);
    int row_h = bh > title_h ? bh : title_h;
    int across_h = kl_text_h(l, title, cap, true, a.w);
    if (ui_text_height(l->u, title, beside_w, cap, bold) <= 0 || bh + l->gap + across_h < row_h) {
        SDL_Rect b = kl_cut_top(&a, bh, l->gap);
        b.w = bw < b.w ? bw : b.w;
        kl_button(l, button_id, b, label, NULL, icon, UI_BUTTON_SECONDARY, l->body);
        kl_text(l, kl_cut_top(&a, across_h, l->gap), title, cap, true, l->t->ink, UI_ALIGN_START, UI_ALIGN_CENTER);
        return a;
    }
    SDL_Rect row = kl_cut_top(&a, row_h, l->gap);
    SDL_Rect b = kl_cut_left(&row, bw, l->gap * 2);
    b.h = bh;
    b.y = row.y + (row_h - bh) / 2;
    kl_button(l, button_id, b, label, NULL, icon, UI_BUTTON_SECONDARY, l->body);
    kl_text(l, row, title, cap, bold, l->t->ink, UI_ALIGN_START, UI_ALIGN_CENTER);
    return a;
}

void kl_language_button(const kiosk_layout *l, SDL_Rect r)
{
    kl_button(l, T_LANG, r, kiosk_tr(l->k, "lang.choose"), NULL, UI_ICON_GLOBE, UI_BUTTON_SECONDARY, l->body);
}

/* It says what it does: "large text", then "normal text" while the session shows large text. */
static const char *large_text_label(const kiosk_layout *l)
{
    return kiosk_tr(l->k, l->large ? "home.normal_text" : "home.large_text");
}

/* The settings (text size, language) rather than choices of the visit: on a landscape screen the
 * smallest words a kiosk shows (5 mm), so they leave room for the choices, the hours and the
 * calls; the body size in large text and on a portrait screen, which has the room. */
static double settings_cap(const kiosk_layout *l)
{
    return l->large || l->portrait ? l->body : KL_MIN_CAP;
}

/* Widest language name, in the row's words (regular weight: "Nederlands" in a third of a 7-inch
 * screen). */
static int widest_language_name(const kiosk_layout *l)
{
    int widest = 0;
    for (int i = 0; i < l->k->n_langs; i++) {
        int w = ui_text_width(l->u, kiosk_language_name(l->k, i), settings_cap(l), false);
        widest = w > widest ? w : widest;
    }
    return widest;
}

int kl_language_row_h(const kiosk_layout *l, int w, int *cols)
{
    int n = l->k->n_langs, h = kl_button_h(l, settings_cap(l), 1);
    /* The button's padding on both sides (3 mm at most, ui_button), and 1 mm to spare. */
    int need = widest_language_name(l) + 2 * kl_mm(l, 3) + kl_mm(l, 1);
    /* One row if the names fit, else two or three rows of equal cells: never a shrunk name. */
    for (int rows = 1; rows <= 3; rows++) {
        int c = (n + rows - 1) / rows;
        if ((w - (c - 1) * l->gap) / c >= need) {
            *cols = c;
            return rows * h + (rows - 1) * l->gap;
        }
    }
    *cols = 0;
    return -1;
}

void kl_language_row(const kiosk_layout *l, SDL_Rect area, int cols)
{
    const kiosk *k = l->k;
    int rows = (k->n_langs + cols - 1) / cols;
    int h = (area.h - (rows - 1) * l->gap) / rows;
    int w = (area.w - (cols - 1) * l->gap) / cols;
    for (int i = 0; i < k->n_langs; i++) {
        SDL_Rect r = {area.x + (i % cols) * (w + l->gap), area.y + (i / cols) * (h + l->gap), w, h};
        /* The session's language filled dark (a tick would take the room of the name). */
        ui_button_spec b = {.id = T_LANG_ROW + i, .rect = r, .label = kiosk_language_name(k, i),
                            .kind = i == k->lang ? UI_BUTTON_PRIMARY : UI_BUTTON_SECONDARY,
                            .cap_mm = settings_cap(l), .regular = true};
        ui_button(l->u, &b);
    }
}

int kl_large_text_button_w(const kiosk_layout *l)
{
    return ui_text_width(l->u, large_text_label(l), settings_cap(l), true) + kl_mm(l, 8);
}

bool kl_large_text_button_holds(const kiosk_layout *l, int w)
{
    int lines = ui_text_lines(l->u, large_text_label(l), w - kl_mm(l, 6), settings_cap(l), true);
    return lines >= 1 && lines <= 2;
}

int kl_large_text_button_h(const kiosk_layout *l, int w)
{
    int lines = ui_text_lines(l->u, large_text_label(l), w - kl_mm(l, 6), settings_cap(l), true);
    return kl_button_h(l, settings_cap(l), lines > 0 ? lines : 2);
}

void kl_large_text_button(const kiosk_layout *l, SDL_Rect r)
{
    kl_button(l, T_LARGE_TEXT, r, large_text_label(l), NULL, UI_ICON_NONE, UI_BUTTON_SECONDARY, settings_cap(l));
}

/* n tiles in a grid filling area; cols chosen by the caller. */
SDL_Rect kl_grid_cell(const kiosk_layout *l, SDL_Rect area, int n, int cols, int i)
{
    int rows = (n + cols - 1) / cols;
    int w = (area.w - (cols - 1) * l->gap) / cols;
    int h = (area.h - (rows - 1) * l->gap) / rows;
    int max_h = kl_mm(l, l->portrait ? 100 : 80);
    if (h > max_h)
        h = max_h;
    return (SDL_Rect){area.x + (i % cols) * (w + l->gap), area.y + (i / cols) * (h + l->gap), w, h};
}

int kl_page(const kiosk_layout *l, SDL_Rect *area, int n, int cols, int row_h, int *first)
{
    kiosk *k = l->k;
    *first = 0;
    k->tile_paged = k->tile_more = false;
    k->tile_first = 0;
    k->tile_n = n;
    int rows = (area->h + l->gap) / (row_h + l->gap);
    if (rows * cols >= n)
        return n;
    /* The rows above the page buttons (one line tall, whatever the rows). */
    int nav_h = kl_button_h(l, l->body, 1);
    rows = (area->h - nav_h) / (row_h + l->gap);
    int per_page = (rows > 1 ? rows : 1) * cols;
    int pages = (n + per_page - 1) / per_page;
    if (k->page >= pages)
        k->page = pages - 1;
    *first = k->page * per_page;
    int shown = n - *first < per_page ? n - *first : per_page;
    k->tile_paged = true;
    k->tile_more = k->page + 1 < pages;
    k->tile_first = *first;
    k->tile_n = shown;
    SDL_Rect nav = kl_cut_bottom(area, nav_h, l->gap);
    SDL_Rect prev = kl_cut_left(&nav, (nav.w - l->gap) / 2, l->gap);
    if (k->page > 0)
        kl_button(l, T_PAGE_PREV, prev, kiosk_tr(k, "common.prev"), NULL, UI_ICON_BACK, UI_BUTTON_SECONDARY, l->body);
    if (k->tile_more)
        kl_button(l, T_PAGE_NEXT, nav, kiosk_tr(k, "common.next"), NULL, UI_ICON_NONE, UI_BUTTON_PRIMARY, l->body);
    int shown_rows = (shown + cols - 1) / cols;
    area->h = shown_rows * (row_h + l->gap) - l->gap;
    return shown;
}

int kl_paginate(const kiosk_layout *l, const int *h, int n, int page_h, int last_extra, int *page_of)
{
    int page = 0, used = 0;
    for (int i = 0; i < n; i++) {
        if (used > 0 && used + h[i] > page_h) {
            page++;
            used = 0;
        }
        page_of[i] = page;
        used += h[i] + l->gap;
    }
    return used > 0 && used + last_extra > page_h ? page + 2 : page + 1;
}

static ui_button_spec tile_spec(const kiosk_layout *l, SDL_Rect r, int service, bool regular)
{
    return (ui_button_spec){.id = T_SERVICE + service, .rect = r, .label = kiosk_service_label(l->k, service),
                            .badge = l->k->setup.services[service].letter, .kind = UI_BUTTON_SECONDARY,
                            .cap_mm = l->body, .min_cap_mm = l->min_cap, .regular = regular};
}

static void service_tile(const kiosk_layout *l, SDL_Rect r, int service, bool regular)
{
    ui_button_spec b = tile_spec(l, r, service, regular);
    ui_button(l->u, &b);
}

/* Whether every service holds its words whole beside its letter in a tile of w x h. */
static bool tiles_hold(const kiosk_layout *l, const int *idx, int n, int w, int h, bool regular)
{
    for (int j = 0; j < n; j++) {
        ui_button_spec b = tile_spec(l, (SDL_Rect){0, 0, w, h}, idx[j], regular);
        if (!ui_button_fits(l->u, &b))
            return false;
    }
    return true;
}

/* The smallest tile height, up to max_h, at which every service holds its words whole beside its
 * letter in width w; 0 when none does. */
static int holding_h(const kiosk_layout *l, const int *idx, int n, int w, int max_h, bool regular)
{
    for (int h = kl_mm(l, KL_MIN_TARGET); h <= max_h; h += kl_mm(l, 1))
        if (tiles_hold(l, idx, n, w, h, regular))
            return h;
    return 0;
}

/* Normal text, more services than the grid holds whole (six and the priority toggle on a 10"
 * panel): the most columns (up to cols) whose tiles hold every label beside its letter with a row
 * and the page buttons on screen, tiles exactly that tall (a taller tile may lose its letter to
 * the words), the extra cells first, and pages with "previous" and "more" buttons. */
static SDL_Rect service_grid_pages(const kiosk_layout *l, SDL_Rect area, const int *idx, int n, int cols, int extra)
{
    kiosk *k = l->k;
    int max_h = area.h - l->gap - kl_button_h(l, l->body, 1), w = area.w, h = 0;
    bool regular = true;
    for (; cols >= 1 && !h; cols--) {
        w = (area.w - (cols - 1) * l->gap) / cols;
        regular = ui_to_mm(l->u, area.w) / cols < 90;
        h = holding_h(l, idx, n, w, max_h, regular);
    }
    cols = h ? cols + 1 : 1;
    if (!h)   /* none holds (the check says which): one per row, the words at their smallest */
        h = kl_mm(l, KL_MIN_TARGET);
    int first;
    int shown = kl_page(l, &area, n + extra, cols, h, &first);
    SDL_Rect extra_cell = {0, 0, 0, 0};
    k->tile_first = first > extra ? first - extra : 0;
    k->tile_n = 0;
    for (int j = 0; j < shown; j++) {
        SDL_Rect r = {area.x + (j % cols) * (w + l->gap), area.y + (j / cols) * (h + l->gap), w, h};
        int c = first + j;
        if (c < extra) {
            if (!extra_cell.w)
                extra_cell = r;
            continue;
        }
        k->tile_n++;
        service_tile(l, r, idx[c - extra], regular);
    }
    return extra_cell;
}

/* Large text: one tile per row, each as tall as its label needs beside its letter, the extra
 * cells first (a visitor taps a service last), and pages with "previous" and "more" buttons when
 * they do not all fit (the words never shrink back). */
static SDL_Rect service_rows(const kiosk_layout *l, SDL_Rect area, const int *idx, int n, int extra)
{
    kiosk *k = l->k;
    enum { MAX_CELLS = QUEUE_MAX_SERVICES + 4 };
    int cells = n + extra < MAX_CELLS ? n + extra : MAX_CELLS;
    int h[MAX_CELLS], page_of[MAX_CELLS] = {0}, total = -l->gap, one = kl_button_h(l, l->body, 1);
    int badge = one < area.w / 5 ? one : area.w / 5;
    for (int c = 0; c < cells; c++) {
        int lines = c < extra ? 1
                              : ui_text_lines(l->u, kiosk_service_label(k, idx[c - extra]),
                                              area.w - badge - 3 * kl_mm(l, 3), l->body, true);
        h[c] = kl_button_h(l, l->body, lines > 0 ? lines : 2);
        total += h[c] + l->gap;
    }
    if (total > area.h) {
        SDL_Rect nav = kl_cut_bottom(&area, one, l->gap);
        int pages = kl_paginate(l, h, cells, area.h, 0, page_of);
        if (k->page >= pages)
            k->page = pages - 1;
        k->tile_paged = true;
        k->tile_more = k->page + 1 < pages;
        SDL_Rect prev = kl_cut_left(&nav, (nav.w - l->gap) / 2, l->gap);
        if (k->page > 0)
            kl_button(l, T_PAGE_PREV, prev, kiosk_tr(k, "common.prev"), NULL, UI_ICON_BACK, UI_BUTTON_SECONDARY, l->body);
        if (k->tile_more)
            kl_button(l, T_PAGE_NEXT, nav, kiosk_tr(k, "common.next"), NULL, UI_ICON_NONE, UI_BUTTON_PRIMARY, l->body);
    }
    /* The page's spare height goes to its shorter rows, up to the tallest's: a one-line label's
     * row is otherwise shorter, with a smaller badge, than its two-line neighbours. */
    int used = -l->gap, tallest = 0, deficit = 0;
    for (int c = 0; c < cells; c++)
        if (page_of[c] == k->page) {
            used += h[c] + l->gap;
            tallest = h[c] > tallest ? h[c] : tallest;
        }
    for (int c = 0; c < cells; c++)
        if (page_of[c] == k->page)
            deficit += tallest - h[c];
    int spare = area.h - used < deficit ? area.h - used : deficit;
    for (int c = 0; c < cells && spare > 0; c++)
        if (page_of[c] == k->page)
            h[c] += (int)((int64_t)spare * (tallest - h[c]) / deficit);
    SDL_Rect extra_cell = {0, 0, 0, 0};
    k->tile_first = -1;
    k->tile_n = 0;
    for (int c = 0; c < cells; c++) {
        if (page_of[c] != k->page)
            continue;
        SDL_Rect r = kl_cut_top(&area, h[c], l->gap);
        if (c < extra) {
            if (!extra_cell.w)
                extra_cell = r;
            continue;
        }
        if (k->tile_first < 0)
            k->tile_first = c - extra;
        k->tile_n++;
        service_tile(l, r, idx[c - extra], ui_to_mm(l->u, area.w) < 90);
    }
    return extra_cell;
}

SDL_Rect kl_service_tiles(const kiosk_layout *l, SDL_Rect area, int cols, int extra)
{
    kiosk *k = l->k;
    int idx[QUEUE_MAX_SERVICES];
    int n = kiosk_services_shown(k, idx);
    if (l->large)
        return service_rows(l, area, idx, n, extra);
    bool regular = ui_to_mm(l->u, area.w) / cols < 90;
    SDL_Rect cell = kl_grid_cell(l, area, n + extra, cols, 0);
    if (cell.h < kl_mm(l, KL_MIN_TARGET) || !tiles_hold(l, idx, n, cell.w, cell.h, regular))
        return service_grid_pages(l, area, idx, n, cols, extra);
    SDL_Rect extra_cell = {0, 0, 0, 0};
    k->tile_first = 0;
    k->tile_n = n;
    for (int j = 0; j < n + extra; j++) {
        SDL_Rect r = kl_grid_cell(l, area, n + extra, cols, j);
        if (j >= n) {
            if (!extra_cell.w)
                extra_cell = r;
            continue;
        }
        service_tile(l, r, idx[j], regular);
    }
    return extra_cell;
}

void kl_status_line(const kiosk_layout *l, SDL_Rect row, const char *msg, bool failed)
{
    int icon = kl_mm(l, failed ? 14 : 11);
    ui_icon(l->u, failed ? UI_ICON_WARNING : UI_ICON_PRINTER, (SDL_Rect){row.x, row.y, icon, icon},
            failed ? l->t->alert : l->t->ink, l->t->page);
    row.x += icon + kl_mm(l, 3);
    row.w -= icon + kl_mm(l, 3);
    kl_text(l, row, msg, l->body, false, failed ? l->t->alert : l->t->ink, UI_ALIGN_START, UI_ALIGN_START);
}

/* Digits 1..9 then 0 in the phone layout everyone knows (cols 3; with_letters: "ABC", the
 * letters of codes like "RDV-7", in the free cell left of 0), or 1..5 over 6..0 (cols 5). */
static void keypad_grid(const kiosk_layout *l, SDL_Rect a, int cols, bool with_letters)
{
    static const char *const digits[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0"};
    /* The keypad sits where the mirrored layout puts it, but its digits keep the phone order in
     * every language, like the keypad under the visitor's fingers. */
    bool rtl = ui_rtl(l->u);
    a = ui_flip(l->u, a);
    ui_set_rtl(l->u, false);
    double cap = l->compact ? l->body : l->title;
    for (int i = 0; i < 10; i++) {
        SDL_Rect r = cols == 3 ? kl_grid_cell(l, a, 12, 3, i == 9 ? 10 : i) : kl_grid_cell(l, a, 10, cols, i);
        kl_button(l, i == 9 ? T_KEY : T_KEY + i + 1, r, digits[i], NULL, UI_ICON_NONE, UI_BUTTON_SECONDARY, cap);
    }
    if (with_letters && cols == 3)
        kl_button(l, T_LETTERS, kl_grid_cell(l, a, 12, 3, 9), kiosk_tr(l->k, "checkin.letters"), NULL, UI_ICON_NONE,
                  UI_BUTTON_SECONDARY, l->body);
    ui_set_rtl(l->u, rtl);
}

void kl_keypad(const kiosk_layout *l, SDL_Rect a, bool with_letters) { keypad_grid(l, a, 3, with_letters); }

SDL_Rect kl_keypad_area(const kiosk_layout *l, SDL_Rect *a)
{
    int key = kl_mm(l, l->portrait ? 40 : 17);
    int w = 3 * key + 2 * l->gap, h = 4 * key + 3 * l->gap;
    if (l->portrait) {
        SDL_Rect r = kl_cut_bottom(a, h, l->gap * 2);
        r.x += (r.w - w) / 2;
        r.w = w;
        return r;
    }
    if (w > a->w / 2)
        w = a->w / 2;
    SDL_Rect r = kl_cut_right(a, w, l->gap * 3);
    if (h < r.h)
        r.h = h;
    return r;
}

static double code_cap(const kiosk_layout *l) { return l->small ? l->body : l->title * 1.3; }

static int code_field_h(const kiosk_layout *l) { return kl_lines_h(l, code_cap(l), true, 1) + kl_mm(l, 4); }

/* Erase and confirm side by side when both words hold there on one line ("Bestätigen" is longer
 * than "Löschen": each as wide as its word needs, the rest shared), else one above the other. */
static int code_word_w(const kiosk_layout *l, const char *key)
{
    return ui_text_width(l->u, kiosk_tr(l->k, key), l->body, true) + 2 * kl_mm(l, 4);
}

static bool code_buttons_beside(const kiosk_layout *l, int w)
{
    return code_word_w(l, "checkin.erase") + l->gap + code_word_w(l, "checkin.validate") <= w;
}

int kl_code_field_h(const kiosk_layout *l, int w)
{
    int rows = code_buttons_beside(l, w) ? 1 : 2;
    return code_field_h(l) + l->gap + rows * (kl_button_h(l, l->body, 1) + l->gap);
}

/* The framed box showing what was typed. */
static void code_box(const kiosk_layout *l, SDL_Rect field, const char *shown, double cap)
{
    ui_fill_rounded(l->u, field, kl_mm(l, 2), l->t->ink);
    int b = kl_mm(l, 0.8);
    SDL_Rect inner = {field.x + b, field.y + b, field.w - 2 * b, field.h - 2 * b};
    ui_fill_rounded(l->u, inner, kl_mm(l, 2) - b, l->t->page);
    SDL_Rect tb = {inner.x + kl_mm(l, 3), inner.y, inner.w - kl_mm(l, 6), inner.h};
    if (shown[0])
        kl_text(l, tb, shown, cap, true, l->t->ink, UI_ALIGN_START, UI_ALIGN_CENTER);
}

/* The field showing what was typed, then erase and confirm, then the hint below. */
void kl_code_field(const kiosk_layout *l, SDL_Rect *a, const char *shown, bool can_ok, const char *hint)
{
    code_box(l, kl_cut_top(a, code_field_h(l), l->gap), shown, code_cap(l));
    int bh = kl_button_h(l, l->body, 1);
    const char *erase_word = kiosk_tr(l->k, "checkin.erase"), *ok_word = kiosk_tr(l->k, "checkin.validate");
    SDL_Rect row = kl_cut_top(a, bh, l->gap), erase = row;
    if (code_buttons_beside(l, row.w)) {
        int spare = row.w - l->gap - code_word_w(l, "checkin.erase") - code_word_w(l, "checkin.validate");
        erase = kl_cut_left(&row, code_word_w(l, "checkin.erase") + spare / 2, l->gap);
    } else {
        row = kl_cut_top(a, bh, l->gap);
    }
    kl_button(l, T_KEY_ERASE, erase, erase_word, NULL, l->small ? UI_ICON_NONE : UI_ICON_ERASE,
           UI_BUTTON_SECONDARY, l->body);
    if (can_ok)
        kl_button(l, T_KEY_OK, row, ok_word, NULL, l->small ? UI_ICON_NONE : UI_ICON_CHECK,
               UI_BUTTON_PRIMARY, l->body);
    /* The hint only where it fits whole (the title already asks for the code). */
    if (hint && kl_text_h(l, hint, l->body, false, a->w) <= a->h)
        kl_text(l, *a, hint, l->body, false, l->t->ink, UI_ALIGN_START, UI_ALIGN_START);
}

/* Large text on a 7-inch landscape panel: the phone layout's four rows of keys and the words at
 * 7.5 mm do not fit 86 mm. The question, then the field with confirm beside it, then the keys in
 * two rows of five with erase before them and "ABC" (with_letters) under erase; the hint gives
 * way. */
bool kl_compact_code_entry(const kiosk_layout *l, SDL_Rect *a, const char *shown, bool can_ok, bool with_letters)
{
    if (!l->compact || l->portrait)
        return false;
    int key = kl_mm(l, KL_MIN_TARGET);
    SDL_Rect keys = kl_cut_bottom(a, 2 * key + l->gap, l->gap);
    const char *erase_word = kiosk_tr(l->k, "checkin.erase"), *ok_word = kiosk_tr(l->k, "checkin.validate");
    const char *letters_word = kiosk_tr(l->k, "checkin.letters");
    int pad = 2 * kl_mm(l, 4);
    int side_w = ui_text_width(l->u, erase_word, l->body, true) + pad;
    int letters_w = ui_text_width(l->u, letters_word, l->body, true) + pad;
    if (with_letters && letters_w > side_w)
        side_w = letters_w;
    if (keys.w - side_w - l->gap < 5 * key + 4 * l->gap)
        side_w = keys.w - l->gap - (5 * key + 4 * l->gap);
    SDL_Rect side = kl_cut_left(&keys, side_w, l->gap);
    kl_button(l, T_KEY_ERASE, kl_cut_top(&side, key, l->gap), erase_word, NULL, UI_ICON_NONE, UI_BUTTON_SECONDARY,
              l->body);
    if (with_letters)
        kl_button(l, T_LETTERS, side, letters_word, NULL, UI_ICON_NONE, UI_BUTTON_SECONDARY, l->body);
    keypad_grid(l, keys, 5, false);
    SDL_Rect row = kl_cut_bottom(a, kl_button_h(l, l->body, 1), l->gap);
    int ok_w = ui_text_width(l->u, ok_word, l->body, true) + pad;
    SDL_Rect ok = kl_cut_right(&row, ok_w, l->gap);
    if (can_ok)
        kl_button(l, T_KEY_OK, ok, ok_word, NULL, UI_ICON_NONE, UI_BUTTON_PRIMARY, l->body);
    code_box(l, row, shown, l->body);
    return true;
}
