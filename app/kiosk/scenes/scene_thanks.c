/* Thanks, with the optional question "for which service?". The feedback is recorded when this
 * scene ends, however it ends (a service tapped, done, timeout). */
#include "../kiosk_scene.h"

#include <stdio.h>
#include <string.h>

static void draw_thanks(const kiosk_layout *l)
{
    const kiosk *k = l->k;
    /* Not the services screen: the thanks in a band across the screen first, then the optional
     * question beside "Terminé", the tiles under it. */
    SDL_Rect a = kl_screen_area(l);
    int pad = kl_mm(l, 2);
    /* Large text on a 7-inch panel: the words take the tick's room (a line less). */
    int icon = l->compact ? 0 : kl_lines_h(l, l->body, true, 1);
    int bh = kl_button_h(l, l->body, 1);
    const char *done = kiosk_tr(k, "result.done");
    int dw = ui_text_width(l->u, done, l->body, true) + bh + kl_mm(l, 12);
    /* 7-inch: the thanks and the question share the band, "Terminé" is the grid's last cell. */
    const char *title = kiosk_tr(k, k->agent_asked ? "thanks.agent" : l->small ? "thanks.ask" : "thanks.title");
    int title_w = a.w - icon - 2 * pad - kl_mm(l, 3);
    bool bold = kl_bold_holds(l, title, l->body, title_w);
    int th = kl_text_h(l, title, l->body, bold, title_w);
    int vpad = l->small ? 0 : pad;   /* 7-inch: the lines' own leading is the margin */
    int band_h = th + 2 * vpad;
    SDL_Rect band = kl_cut_top(&a, band_h, l->small ? l->gap : l->gap * 2);
    ui_fill_rounded(l->u, band, kl_mm(l, 3), l->t->band);
    if (icon)
        ui_icon(l->u, UI_ICON_CHECK, (SDL_Rect){band.x + pad, band.y + (band_h - icon) / 2, icon, icon}, l->t->band_ink,
                l->t->band);
    kl_text(l, (SDL_Rect){band.x + pad + icon + kl_mm(l, 3), band.y + vpad, title_w, th}, title, l->body, bold,
            l->t->band_ink, UI_ALIGN_START, UI_ALIGN_CENTER);
    if (k->agent_asked) {
        /* Someone is coming: the service question waits for them; only "Terminé". */
        SDL_Rect row = kl_cut_top(&a, bh, l->gap);
        kl_button(l, T_DONE, kl_cut_right(&row, dw < row.w ? dw : row.w, 0), done, NULL, UI_ICON_CHECK,
                  UI_BUTTON_SECONDARY, l->body);
        return;
    }
    if (l->small) {
        /* The tiles' free cell (the first one, on the first page, in large text). */
        SDL_Rect cell = kl_service_tiles(l, a, 2, 1);
        if (cell.w)
            kl_button(l, T_DONE, cell, done, NULL, UI_ICON_CHECK, UI_BUTTON_SECONDARY, l->body);
        return;
    }
    if (l->portrait)
        kl_text_block(l, &a, kiosk_tr(k, "thanks.body"), l->body, false, l->t->ink, l->gap);
    const char *about = kiosk_tr(k, "feedback.about");
    int qh = kl_text_h(l, about, l->body, false, a.w - dw - l->gap * 2);
    SDL_Rect row = kl_cut_top(&a, qh > bh ? qh : bh, l->gap);
    SDL_Rect b = kl_cut_right(&row, dw, l->gap * 2);
    b.h = bh;
    kl_button(l, T_DONE, b, done, NULL, UI_ICON_CHECK, UI_BUTTON_SECONDARY, l->body);
    kl_text(l, row, about, l->body, false, l->t->ink, UI_ALIGN_START, UI_ALIGN_CENTER);
    kl_service_tiles(l, a, 2, 0);
}

static bool on_event(kiosk *k, const kiosk_scene_event *e)
{
    if (e->kind == KIOSK_EV_TICK) {
        if (e->now_ms - k->screen_at_ms >= (int64_t)KIOSK_THANKS_S * 1000)
            kiosk_session_end(k);
        return true;
    }
    if (e->kind != KIOSK_EV_TARGET)
        return false;
    if (e->target >= T_SERVICE && e->target < T_SERVICE + k->setup.n_services)
        kiosk_commit_feedback(k, k->setup.services[e->target - T_SERVICE].letter);
    else if (e->target != T_DONE && e->target != T_BACK)
        return false;
    kiosk_session_end(k);
    return true;
}

static void leave(kiosk *k) { kiosk_commit_feedback(k, 0); }

static void describe(kiosk *k, kiosk_spoken *d)
{
    kiosk_say_title(d, kiosk_tr(k, k->agent_asked ? "thanks.agent" : "thanks.ask"));
    kiosk_say_choice(d, T_DONE, kiosk_tr(k, "result.done"), kiosk_key_words(k, "back"));
    if (!k->agent_asked)
        kiosk_say_services(k, d);
}

const kiosk_scene kiosk_scene_thanks = {
    .on_event = on_event, .on_exit = leave, .draw = draw_thanks, .describe = describe, .back = KIOSK_BACK_END,
};
