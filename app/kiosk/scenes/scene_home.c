/* Home: take a ticket, check in for an appointment, give feedback; the last calls, today's
 * hours and the language. A barcode scanner typing here starts the check-in. */
#include "../kiosk_scene.h"

#include <stdio.h>
#include <string.h>

/* The language and the text size side by side, or one above the other when they do not fit;
 * taken from the bottom of *a. */
static void draw_settings(const kiosk_layout *l, SDL_Rect *a)
{
    int lang_h = kl_button_h(l, l->body, 1);
    int lw = kl_language_button_w(l, lang_h), xw = kl_large_text_button_w(l);
    SDL_Rect lang = kl_cut_bottom(a, lang_h, l->gap), large;
    if (lw + l->gap + xw <= lang.w) {
        large = kl_cut_right(&lang, xw, l->gap);
    } else {
        large = kl_cut_bottom(a, kl_large_text_button_h(l, a->w), l->gap);
        xw = large.w;
    }
    kl_language_button(l, (SDL_Rect){lang.x, lang.y, lw < lang.w ? lw : lang.w, lang_h});
    kl_large_text_button(l, (SDL_Rect){large.x, large.y, xw < large.w ? xw : large.w, large.h});
}

static void draw_calls_and_hours(const kiosk_layout *l, SDL_Rect a)
{
    const kiosk *k = l->k;
    struct tm tm = kl_local_now(l);
    draw_settings(l, &a);
    char hours[160], line[200];
    /* A kiosk that ignores the hours (always_open) issues tickets on a closed day too: "fermé"
     * would then be false. */
    kl_format_hours(l, hours, sizeof hours, (tm.tm_wday + 6) % 7);
    if (k->setup.always_open)
        snprintf(line, sizeof line, "%s", kiosk_tr(k, "home.open_all_day"));
    else
        ui_format(line, sizeof line, kiosk_tr(k, "home.hours_today"), "hours", hours, (const char *)NULL);
    /* The last calls panel takes only the height of its lines (one call on small screens). */
    double cap = l->small ? l->body : l->body * 1.2;
    int row_h = kl_lines_h(l, cap, true, 1);
    int pad = kl_mm(l, l->small ? 2 : 3);
    int head_h = 2 * pad + kl_lines_h(l, l->body, true, 1) + l->gap;
    /* Today's hours beside the last call: at the body size, else at the smallest, else they give
     * way to the call (the closed screen has them). */
    int room = a.h - head_h - row_h - kl_mm(l, 1) - l->gap;
    double hours_cap = l->body;
    int icon = kl_lines_h(l, hours_cap, false, 1) * 4 / 5;
    int hours_h = kl_text_h(l, line, hours_cap, false, a.w - icon - kl_mm(l, 2));
    if (hours_h > room) {
        hours_cap = KL_MIN_CAP;
        icon = kl_lines_h(l, hours_cap, false, 1) * 4 / 5;
        hours_h = kl_text_h(l, line, hours_cap, false, a.w - icon - kl_mm(l, 2));
    }
    if (hours_h <= room) {
        SDL_Rect hrow = kl_cut_bottom(&a, hours_h, l->gap);
        ui_icon(l->u, UI_ICON_CLOCK, (SDL_Rect){hrow.x, hrow.y, icon, icon}, l->t->ink, l->t->page);
        hrow.x += icon + kl_mm(l, 2);
        hrow.w -= icon + kl_mm(l, 2);
        kl_text(l, hrow, line, hours_cap, false, l->t->ink, UI_ALIGN_START, UI_ALIGN_START);
    }
    int max_rows = l->small ? 1 : KIOSK_LAST_CALLS;
    int rows = k->n_calls == 0 ? 1 : k->n_calls < max_rows ? k->n_calls : max_rows;
    while (rows > 0 && head_h + rows * (row_h + kl_mm(l, 1)) > a.h)
        rows--;
    if (rows == 0)
        return;   /* no room for one call (the printer banner took it): the display shows them */
    int panel_h = head_h + rows * (row_h + kl_mm(l, 1));
    if (panel_h < a.h)
        a.h = panel_h;
    ui_fill_rounded(l->u, a, kl_mm(l, 2.5), l->t->panel);
    SDL_Rect in = {a.x + pad, a.y + pad, a.w - 2 * pad, a.h - 2 * pad};
    SDL_Rect title = kl_cut_top(&in, kl_lines_h(l, l->body, true, 1), l->gap);
    kl_text(l, title, kiosk_tr(k, "home.last_calls"), l->body, true, l->t->ink, UI_ALIGN_START, UI_ALIGN_START);
    if (k->n_calls == 0) {
        kl_text(l, in, kiosk_tr(k, "home.no_calls"), l->body, false, l->t->muted, UI_ALIGN_START, UI_ALIGN_START);
        return;
    }
    for (int i = 0; i < k->n_calls && i < rows; i++) {
        char s[96];
        ui_format(s, sizeof s, kiosk_tr(k, "home.call"), "label", k->calls[i].label, "counter", k->calls[i].counter,
                  (const char *)NULL);
        kl_text(l, kl_cut_top(&in, row_h, kl_mm(l, 1)), s, cap, i == 0 && !l->small, i == 0 ? l->t->ink : l->t->muted,
             UI_ALIGN_START, UI_ALIGN_CENTER);
    }
}

/* The catalog key of the printer banner, or NULL while tickets print. A printer still being
 * probed (start-up) is not a fault yet. */
static const char *printer_banner_key(const kiosk *k)
{
    if (!k->p)
        return "home.printer_down";
    printer_state st = printer_get_state(k->p);
    if (printer_state_can_print(st) || st == PRINTER_PROBING)
        return NULL;
    return st == PRINTER_PAPER_OUT ? "home.paper_out" : "home.printer_down";
}

/* Before the visitor chooses: no paper ticket will come out, and what to do instead. */
static void draw_printer_banner(const kiosk_layout *l, SDL_Rect *a, const char *msg)
{
    int pad = kl_mm(l, l->small ? 1.5 : 2.5);
    int icon = kl_mm(l, l->small ? 8 : 11);
    int text_w = a->w - 2 * pad - icon - kl_mm(l, 3);
    int th = kl_text_h(l, msg, l->body, true, text_w);
    SDL_Rect b = kl_cut_top(a, (th > icon ? th : icon) + 2 * pad, l->gap);
    ui_fill_rounded(l->u, b, kl_mm(l, 2), l->t->panel);
    ui_outline(l->u, b, kl_mm(l, 0.8), l->t->alert);
    ui_icon(l->u, UI_ICON_WARNING, (SDL_Rect){b.x + pad, b.y + pad, icon, icon}, l->t->alert, l->t->panel);
    kl_text(l, (SDL_Rect){b.x + pad + icon + kl_mm(l, 3), b.y + pad, text_w, th}, msg, l->body, true, l->t->alert,
            UI_ALIGN_START, UI_ALIGN_CENTER);
}

static void draw_home(const kiosk_layout *l)
{
    const kiosk *k = l->k;
    const char *banner = printer_banner_key(k);
    /* Large text on a landscape screen: the three choices across the whole width, the settings
     * under them; the last calls stay on the waiting room's display, and the band with the name
     * and the time only shows where the choices keep their size. A 7-inch screen has no row to
     * spare for a printer banner either: it takes the band's place. */
    bool wide = l->large && !l->portrait;
    int choices_h = 3 * (kl_button_h(l, l->body, 1) + l->gap) + 2 * (kl_button_h(l, l->body, 1) + l->gap);
    bool band = !(banner && l->small) && (!wide || kl_header_h(l) + l->gap + choices_h + l->margin <= ui_height(l->u));
    int hh = band ? kl_header(l) : 0;
    SDL_Rect a = kl_screen_area(l);
    if (hh) {
        a.y = hh + l->gap;
        a.h = ui_height(l->u) - hh - l->gap - l->margin;
    }
    if (banner)
        draw_printer_banner(l, &a, kiosk_tr(k, banner));
    struct { int id; const char *label, *sub; ui_icon_kind icon; ui_button_kind kind; } entries[3] = {
        {T_TAKE, "home.take_ticket", "home.take_ticket.sub", UI_ICON_TICKET, UI_BUTTON_PRIMARY},
        {T_APPOINTMENT, "home.appointment", "home.appointment.sub", UI_ICON_CALENDAR, UI_BUTTON_PRIMARY},
        {T_FEEDBACK, "home.feedback", "home.feedback.sub", UI_ICON_SPEECH, UI_BUTTON_SECONDARY},
    };
    SDL_Rect col;
    if (wide) {
        /* Under a printer banner the settings give way to the choices (the keypad's key still
         * switches the text size). */
        if (a.h >= 4 * (kl_button_h(l, l->body, 1) + l->gap))
            draw_settings(l, &a);
        col = a;
    } else if (l->portrait)
        col = kl_cut_top(&a, a.h * 62 / 100, l->gap * 2);
    else
        col = kl_cut_left(&a, a.w * (l->small ? 50 : 56) / 100, l->gap * 2);
    int bh = (col.h - 2 * l->gap) / 3;
    double cap = l->small || wide ? l->body : l->title;
    /* Second lines only where they fit without squeezing the main words. */
    bool subs = bh >= kl_lines_h(l, cap, true, 2) + kl_lines_h(l, cap * 0.6, false, 2) + kl_mm(l, 6);
    for (int i = 0; i < 3; i++) {
        SDL_Rect r = kl_cut_top(&col, bh, l->gap);
        kl_button(l, entries[i].id, r, kiosk_tr(k, entries[i].label), subs ? kiosk_tr(k, entries[i].sub) : NULL,
               entries[i].icon, entries[i].kind, cap);
    }
    if (!wide)
        draw_calls_and_hours(l, a);
}

static bool on_event(kiosk *k, const kiosk_scene_event *e)
{
    if (e->kind == KIOSK_EV_TEXT) {
        kiosk_reset_flow(k);
        kiosk_scene_start(k, KIOSK_CHECKIN);
        return kiosk_scene_event_send(k, e);
    }
    if (e->kind == KIOSK_EV_NOWHERE)
        return kiosk_admin_corner(k, e->x, e->y);
    if (e->kind == KIOSK_EV_PRINTER) {
        kiosk_dirty(k);   /* the banner comes and goes with the printer */
        return true;
    }
    if (e->kind != KIOSK_EV_TARGET)
        return false;
    switch (e->target) {
    case T_TAKE: kiosk_reset_flow(k); kiosk_scene_start(k, KIOSK_SERVICES); return true;
    case T_APPOINTMENT: kiosk_reset_flow(k); kiosk_scene_start(k, KIOSK_CHECKIN); return true;
    case T_FEEDBACK: kiosk_reset_flow(k); kiosk_scene_start(k, KIOSK_FEEDBACK); return true;
    case T_LANG: kiosk_scene_next(k, KIOSK_LANGUAGE); return true;
    case T_LARGE_TEXT: kiosk_access_key(k, KEYPAD_LARGE_TEXT); return true;
    case T_BACK: return true;   /* home is where Back ends */
    default: return false;
    }
}

static void describe(kiosk *k, kiosk_spoken *d)
{
    kiosk_say_title(d, kiosk_tr(k, "home.welcome"));
    const char *banner = printer_banner_key(k);
    if (banner)
        kiosk_say_state(d, kiosk_tr(k, banner));
    else if (k->n_calls) {
        char s[128];
        ui_format(s, sizeof s, kiosk_tr(k, "home.call"), "label", k->calls[0].label, "counter", k->calls[0].counter,
                  (const char *)NULL);
        kiosk_say_state(d, s);
    }
    kiosk_say_choice(d, T_TAKE, kiosk_tr(k, "home.take_ticket"), "");
    kiosk_say_choice(d, T_APPOINTMENT, kiosk_tr(k, "home.appointment"), "");
    kiosk_say_choice(d, T_FEEDBACK, kiosk_tr(k, "home.feedback"), "");
    kiosk_say_choice(d, T_LANG, kiosk_tr(k, "lang.choose"), "");
    kiosk_say_choice(d, T_LARGE_TEXT, kiosk_tr(k, k->large ? "home.normal_text" : "home.large_text"),
                     kiosk_key_words(k, "large_text"));
}

const kiosk_scene kiosk_scene_home = {
    .on_event = on_event, .draw = draw_home, .describe = describe, .back = KIOSK_BACK_POP,
    .flags = KIOSK_SCENE_CLOCK,
};
