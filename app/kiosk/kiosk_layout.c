/* Layout helpers shared by the kiosk's scenes (see kiosk_layout.h). */
#include "kiosk_layout.h"

#include <stdio.h>
#include <string.h>

void kiosk_layout_init(kiosk_layout *l, kiosk *k)
{
    /* Large text magnifies the whole layout: the screen is laid out as a smaller one (fewer
     * tiles per row, wrapped labels, the 7-inch economies) with every size in its millimetres. */
    double zoom = k->large ? KL_LARGE_SCALE : 1.0;
    ui_set_zoom(k->ui, zoom);
    *l = (kiosk_layout){.k = k, .u = k->ui, .t = ui_get_theme(k->ui), .portrait = ui_portrait(k->ui),
                        .large = k->large};
    double w = ui_to_mm(k->ui, ui_width(k->ui)), h = ui_to_mm(k->ui, ui_height(k->ui));
    double shortest = w < h ? w : h;
    l->small = shortest < 120;
    /* Body type grows with the screen: 5 mm on a 7-inch board, up to 9 mm on big screens. It is
     * chosen from the physical size, so large text is 1.5 times the screen's normal text. */
    l->body = shortest * zoom / 20.0;
    if (l->body < KL_MIN_CAP)
        l->body = KL_MIN_CAP;
    if (l->body > 9.0)
        l->body = 9.0;
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
    ui_text_style st = {.cap_mm = cap, .min_cap_mm = KL_MIN_CAP, .bold = bold, .fg = fg, .halign = h, .valign = v};
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
    int n = ui_text_lines(l->u, s, w, cap, bold);
    if (n > 0)
        return kl_lines_h(l, cap, bold, n);
    n = ui_text_lines(l->u, s, w, KL_MIN_CAP, bold);
    return kl_lines_h(l, KL_MIN_CAP, bold, n > 0 ? n : 1);
}

/* Draws s at the top of *a, taking the height it needs. */
void kl_text_block(const kiosk_layout *l, SDL_Rect *a, const char *s, double cap, bool bold, SDL_Color fg, int gap)
{
    SDL_Rect r = kl_cut_top(a, kl_text_h(l, s, cap, bold, a->w), gap);
    kl_text(l, r, s, cap, bold, fg, UI_ALIGN_START, UI_ALIGN_START);
}

int kl_button_h(const kiosk_layout *l, double cap, int lines)
{
    int h = kl_lines_h(l, cap, true, lines) + kl_mm(l, 6);
    int min = kl_mm(l, KL_MIN_TARGET);
    return h > min ? h : min;
}

void kl_button(const kiosk_layout *l, int id, SDL_Rect r, const char *label, const char *sub, ui_icon_kind icon,
                   ui_button_kind kind, double cap)
{
    ui_button_spec b = {.id = id, .rect = r, .label = label, .sublabel = sub, .icon = icon, .kind = kind, .cap_mm = cap};
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
    /* As wide as the longest name it may show, so it never changes size as it cycles. */
    int widest = 0;
    for (int i = 0; i < l->k->n_langs; i++) {
        int w = ui_text_width(l->u, ui_tr(l->k->langs[i], "lang.name"), l->body, true);
        widest = w > widest ? w : widest;
    }
    return widest + h + kl_mm(l, 8);
}

/* Blue band: antenne name and date on the left, the time on the right. Returns its height. */
int kl_header(const kiosk_layout *l)
{
    int pad = kl_mm(l, l->small ? 1.5 : 3);
    int h = kl_lines_h(l, l->body, true, 2) + 2 * pad;
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

/* Title row of the inner screens: a back (or other) button on the left, the question next to it. */
SDL_Rect kl_title_row(const kiosk_layout *l, int button_id, const char *button_key, ui_icon_kind icon, const char *title)
{
    SDL_Rect a = kl_screen_area(l);
    int bh = kl_button_h(l, l->body, 1);
    int title_h = kl_lines_h(l, l->small ? KL_MIN_CAP : l->title, true, 2);
    int row_h = bh > title_h ? bh : title_h;
    SDL_Rect row = kl_cut_top(&a, row_h, l->gap);
    const char *label = kiosk_tr(l->k, button_key);
    int bw = ui_text_width(l->u, label, l->body, true) + kl_mm(l, 6) + bh + kl_mm(l, 3);
    SDL_Rect b = kl_cut_left(&row, bw, l->gap * 2);
    b.h = bh;
    b.y = row.y + (row_h - bh) / 2;
    kl_button(l, button_id, b, label, NULL, icon, UI_BUTTON_SECONDARY, l->body);
    kl_text(l, row, title, l->title, true, l->t->ink, UI_ALIGN_START, UI_ALIGN_CENTER);
    return a;
}

void kl_language_button(const kiosk_layout *l, SDL_Rect r)
{
    const kiosk *k = l->k;
    const char *next = ui_tr(k->langs[(k->lang + 1) % k->n_langs], "lang.name");
    kl_button(l, T_LANG, r, next, NULL, UI_ICON_GLOBE, UI_BUTTON_SECONDARY, l->body);
}

int kl_large_text_button_w(const kiosk_layout *l, int h)
{
    return ui_text_width(l->u, kiosk_tr(l->k, "home.large_text"), l->body, true) + h / 2 + kl_mm(l, 8);
}

/* A toggle: ticked and thick-bordered while the session shows large text. */
void kl_large_text_button(const kiosk_layout *l, SDL_Rect r)
{
    ui_button_spec b = {.id = T_LARGE_TEXT, .rect = r, .label = kiosk_tr(l->k, "home.large_text"),
                        .kind = UI_BUTTON_SECONDARY, .cap_mm = l->body, .selected = l->large};
    ui_button(l->u, &b);
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

void kl_service_tiles(const kiosk_layout *l, SDL_Rect area, int cols, int extra)
{
    const kiosk *k = l->k;
    int idx[QUEUE_MAX_SERVICES];
    int n = kiosk_services_shown(k, idx);
    for (int i = 0; i < n; i++) {
        const queue_service *s = &k->setup.services[idx[i]];
        ui_button_spec b = {.id = T_SERVICE + idx[i], .rect = kl_grid_cell(l, area, n + extra, cols, i),
                            .label = kiosk_service_label(k, idx[i]), .badge = s->letter,
                            .kind = UI_BUTTON_SECONDARY, .cap_mm = l->body,
                            .regular = ui_to_mm(l->u, area.w) / cols < 90};
        ui_button(l->u, &b);
    }
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

/* Digits 1..9 then 0 in the phone layout everyone knows; erase and confirm are wide buttons
 * with words, next to the field. */
void kl_keypad(const kiosk_layout *l, SDL_Rect a)
{
    static const char *const digits[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0"};
    for (int i = 0; i < 10; i++) {
        SDL_Rect r = kl_grid_cell(l, a, 12, 3, i == 9 ? 10 : i);
        kl_button(l, i == 9 ? T_KEY : T_KEY + i + 1, r, digits[i], NULL, UI_ICON_NONE, UI_BUTTON_SECONDARY, l->title);
    }
}

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

/* The field showing what was typed, then erase and confirm, then the hint below. */
void kl_code_field(const kiosk_layout *l, SDL_Rect *a, const char *shown, bool can_ok, const char *hint)
{
    double cap = l->small ? l->body : l->title * 1.3;
    int fh = kl_lines_h(l, cap, true, 1) + kl_mm(l, 4);
    SDL_Rect field = kl_cut_top(a, fh, l->gap);
    ui_fill_rounded(l->u, field, kl_mm(l, 2), l->t->ink);
    int b = kl_mm(l, 0.8);
    SDL_Rect inner = {field.x + b, field.y + b, field.w - 2 * b, field.h - 2 * b};
    ui_fill_rounded(l->u, inner, kl_mm(l, 2) - b, l->t->page);
    SDL_Rect tb = {inner.x + kl_mm(l, 3), inner.y, inner.w - kl_mm(l, 6), inner.h};
    if (shown[0])
        kl_text(l, tb, shown, cap, true, l->t->ink, UI_ALIGN_START, UI_ALIGN_CENTER);
    int bh = kl_button_h(l, l->body, 1);
    SDL_Rect row = kl_cut_top(a, bh, l->gap);
    SDL_Rect erase = kl_cut_left(&row, (row.w - l->gap) / 2, l->gap);
    kl_button(l, T_KEY_ERASE, erase, kiosk_tr(l->k, "checkin.erase"), NULL, l->small ? UI_ICON_NONE : UI_ICON_ERASE,
           UI_BUTTON_SECONDARY, l->body);
    if (can_ok)
        kl_button(l, T_KEY_OK, row, kiosk_tr(l->k, "checkin.validate"), NULL, l->small ? UI_ICON_NONE : UI_ICON_CHECK,
               UI_BUTTON_PRIMARY, l->body);
    if (hint)
        kl_text(l, *a, hint, l->body, false, l->t->ink, UI_ALIGN_START, UI_ALIGN_START);
}
