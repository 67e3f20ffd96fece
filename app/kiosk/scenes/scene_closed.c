/* Closed (or starting while the clock is not trusted): when the office opens again and the
 * week's hours. */
#include "../kiosk_scene.h"

#include <stdio.h>
#include <string.h>

static void draw_closed(const kiosk_layout *l)
{
    const kiosk *k = l->k;
    int hh = kl_header(l);
    SDL_Rect a = kl_screen_area(l);
    a.y = hh + l->gap;
    a.h = ui_height(l->u) - hh - l->gap - l->margin;
    /* Landscape: the message on the left, the week and the language on the right. */
    SDL_Rect week = a;
    if (!l->portrait && !l->small)
        week = kl_cut_right(&a, a.w * 48 / 100, l->gap * 2);
    int lang_h = kl_button_h(l, l->body, 1);
    int lw = kl_language_button_w(l, lang_h);
    int icon = kl_lines_h(l, l->title, true, 1);
    /* The same screen says "starting" while the clock is not trusted yet. */
    const char *title = kiosk_tr(k, k->clock_ok ? "closed.title" : "starting.title");
    SDL_Rect trow;
    if (l->small) {
        /* 7-inch: the language button shares the title's row. */
        int two = kl_lines_h(l, KL_MIN_CAP, true, 2);
        trow = kl_cut_top(&a, lang_h > two ? lang_h : two, l->gap);
        SDL_Rect lang = kl_cut_right(&trow, lw, l->gap);
        lang.h = lang_h;
        kl_language_button(l, lang);
    } else {
        SDL_Rect *lang_col = l->portrait ? &a : &week;
        SDL_Rect bottom = kl_cut_bottom(lang_col, lang_h, l->gap);
        kl_language_button(l, (SDL_Rect){bottom.x, bottom.y, lw < bottom.w ? lw : bottom.w, lang_h});
        trow = kl_cut_top(&a, kl_text_h(l, title, l->title, true, a.w - icon - kl_mm(l, 3)), l->gap);
    }
    ui_icon(l->u, UI_ICON_LOCK, (SDL_Rect){trow.x, trow.y, icon, icon}, l->t->ink, l->t->page);
    trow.x += icon + kl_mm(l, 3);
    trow.w -= icon + kl_mm(l, 3);
    kl_text(l, trow, title, l->title, true, l->t->ink, UI_ALIGN_START, UI_ALIGN_START);
    if (!l->small)
        kl_text_block(l, &a, kiosk_tr(k, k->clock_ok ? "closed.body" : "starting.body"), l->body, false,
                   l->t->ink, l->gap);
    if (k->next_open > 0) {
        time_t t = (time_t)k->next_open;
        struct tm tm;
        localtime_r(&t, &tm);
        char date[96], when[128], line[200];
        kl_format_date(l, date, sizeof date, &tm);
        snprintf(when, sizeof when, "%s %02d:%02d", date, tm.tm_hour, tm.tm_min);
        ui_format(line, sizeof line, kiosk_tr(k, "closed.next"), "when", when, (const char *)NULL);
        kl_text_block(l, &a, line, l->body, true, l->t->ink, l->gap);
    }
    if (l->portrait || l->small)
        week = a;
    a = week;
    /* The week, consecutive days with the same hours merged: "Lundi – Vendredi : ...". */
    int pad = kl_mm(l, l->small ? 2 : 3);
    char lines[7][240];
    int n_lines[7], n = 0, total = (l->small ? 0 : kl_lines_h(l, l->body, true, 1) + kl_mm(l, 1)) + 2 * pad;
    for (int d = 0; d < 7;) {
        int e = d;
        while (e + 1 < 7 && memcmp(&k->setup.week[e + 1], &k->setup.week[d], sizeof k->setup.week[d]) == 0)
            e++;
        char hours[160], k1[16], k2[16];
        kl_format_hours(l, hours, sizeof hours, d);
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
        n_lines[n] = kl_text_h(l, lines[n], l->body, false, a.w - 2 * pad);
        total += n_lines[n] + kl_mm(l, 1);
        n++;
        d = e + 1;
    }
    if (total < a.h)
        a.h = total;
    ui_fill_rounded(l->u, a, kl_mm(l, 2.5), l->t->panel);
    SDL_Rect in = {a.x + pad, a.y + pad, a.w - 2 * pad, a.h - 2 * pad};
    if (!l->small)
        kl_text(l, kl_cut_top(&in, kl_lines_h(l, l->body, true, 1), kl_mm(l, 1)), kiosk_tr(k, "closed.hours"), l->body, true,
             l->t->ink, UI_ALIGN_START, UI_ALIGN_START);
    for (int i = 0; i < n; i++)
        kl_text(l, kl_cut_top(&in, n_lines[i], kl_mm(l, 1)), lines[i], l->body, false, l->t->ink, UI_ALIGN_START,
             UI_ALIGN_START);
}

static void next_open_text(const kiosk *k, char *line, size_t n)
{
    line[0] = '\0';
    if (k->next_open <= 0)
        return;
    time_t t = (time_t)k->next_open;
    struct tm tm;
    localtime_r(&t, &tm);
    kiosk_layout l = {.k = (kiosk *)k};
    char date[96], when[128];
    kl_format_date(&l, date, sizeof date, &tm);
    snprintf(when, sizeof when, "%s %02d:%02d", date, tm.tm_hour, tm.tm_min);
    ui_format(line, n, kiosk_tr(k, "closed.next"), "when", when, (const char *)NULL);
}

static bool on_event(kiosk *k, const kiosk_scene_event *e)
{
    if (e->kind == KIOSK_EV_NOWHERE)
        return kiosk_admin_corner(k, e->x, e->y);
    if (e->kind == KIOSK_EV_TARGET && e->target == T_LANG) {
        kiosk_next_language(k);
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
    kiosk_say_choice(d, T_LANG, kiosk_next_language_name(k), "");
}

const kiosk_scene kiosk_scene_closed = {
    .on_event = on_event, .draw = draw_closed, .describe = describe, .back = KIOSK_BACK_POP,
    .flags = KIOSK_SCENE_CLOCK,
};
