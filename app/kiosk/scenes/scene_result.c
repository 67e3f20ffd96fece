/* The ticket: its number, people ahead, the wait, and whether it printed. Stays KIOSK_RESULT_S
 * (longer when the printer failed, to give time to note the number), then the session ends. */
#include "../kiosk_scene.h"

#include <stdio.h>
#include <string.h>

static void draw_result(const kiosk_layout *l)
{
    const kiosk *k = l->k;
    SDL_Rect a = kl_screen_area(l);
    int done_h = kl_button_h(l, l->body, 1);
    int dw = ui_text_width(l->u, kiosk_tr(k, "result.done"), l->body, true) + done_h + kl_mm(l, 12);
    if (!k->issued_ok) {
        SDL_Rect done = kl_cut_bottom(&a, done_h, l->gap);
        kl_button(l, T_DONE, (SDL_Rect){done.x + done.w - dw, done.y, dw, done_h}, kiosk_tr(k, "result.done"), NULL,
               UI_ICON_CHECK, UI_BUTTON_SECONDARY, l->body);
        int icon = kl_mm(l, 20);
        SDL_Rect row = kl_cut_top(&a, icon, l->gap);
        ui_icon(l->u, UI_ICON_WARNING, (SDL_Rect){row.x, row.y, icon, icon}, l->t->alert, l->t->page);
        row.x += icon + kl_mm(l, 4);
        row.w -= icon + kl_mm(l, 4);
        kl_text(l, row, kiosk_tr(k, "result.issue_failed"), l->title, true, l->t->alert, UI_ALIGN_START, UI_ALIGN_CENTER);
        return;
    }
    const queue_issued *is = &k->issued;
    char ahead[96], wait[160];
    kiosk_ticket_figures(k, ahead, sizeof ahead, wait, sizeof wait);
    bool failed = k->print == PRINT_FAILED || k->print == PRINT_WAITING;
    char msg[400];
    kiosk_print_message(k, msg, sizeof msg);
    int icon_w = kl_mm(l, failed ? 14 : 11) + kl_mm(l, 3);

    SDL_Rect card, done, status = {0, 0, 0, 0};
    if (!l->portrait) {
        /* Landscape: the printing line takes a full-width strip at the bottom, the button goes
         * under the figures. */
        status = kl_cut_bottom(&a, kl_text_h(l, msg, l->body, false, a.w - icon_w), l->gap * 2);
        card = kl_cut_left(&a, a.w * 45 / 100, l->gap * 2);
        done = kl_cut_bottom(&a, done_h, l->gap);
    } else {
        card = l->portrait ? kl_cut_top(&a, a.h * 40 / 100, l->gap * 3) : kl_cut_left(&a, a.w * 48 / 100, l->gap * 2);
        done = kl_cut_bottom(&a, done_h, l->gap);
    }
    done.x += done.w - dw;
    done.w = dw;
    done.h = done_h;
    kl_button(l, T_DONE, done, kiosk_tr(k, "result.done"), NULL, UI_ICON_CHECK, UI_BUTTON_SECONDARY, l->body);

    /* The number: as large as the card allows. */
    ui_fill_rounded(l->u, card, kl_mm(l, 3), l->t->band);
    int pad = kl_mm(l, 4);
    SDL_Rect in = {card.x + pad, card.y + pad, card.w - 2 * pad, card.h - 2 * pad};
    const char *title = kiosk_tr(k, k->issued_appointment ? "result.appointment"
                                    : is->ticket.priority  ? "result.title_priority"
                                                           : "result.title");
    SDL_Rect t = kl_cut_top(&in, kl_text_h(l, title, l->body, true, in.w), 0);
    kl_text(l, t, title, l->body, true, l->t->band_ink, UI_ALIGN_CENTER, UI_ALIGN_START);
    ui_text_style big = {.cap_mm = ui_to_mm(l->u, in.h) * 0.55, .min_cap_mm = KL_MIN_CAP, .bold = true,
                         .fg = l->t->band_ink, .halign = UI_ALIGN_CENTER, .valign = UI_ALIGN_CENTER, .max_lines = 1};
    ui_text(l->u, in, is->ticket.label, &big);

    double fig = l->portrait ? l->title : l->body;
    kl_text_block(l, &a, ahead, fig, false, l->t->ink, 0);
    kl_text_block(l, &a, wait, fig, false, l->t->ink, l->gap * 2);
    if (l->portrait) {
        int msg_h = kl_text_h(l, msg, l->body, false, a.w - icon_w);
        status = kl_cut_top(&a, msg_h, l->gap * 2);
    }
    /* The service name only where there is room: it is printed on the ticket as well. */
    for (int i = 0; i < k->setup.n_services; i++) {
        if (k->setup.services[i].letter != is->ticket.service)
            continue;
        const char *label = kiosk_service_label(k, i);
        double cap = l->small ? l->body : l->title;
        if (kl_text_h(l, label, cap, true, a.w) <= a.h)
            kl_text_block(l, &a, label, cap, true, l->t->ink, l->gap);
    }
    kl_status_line(l, status, msg, failed);
}

static void on_enter(kiosk *k)
{
    if (!k->issued_ok)
        kiosk_access_tone(k, SPEECH_TONE_ERROR);
}

static bool on_event(kiosk *k, const kiosk_scene_event *e)
{
    switch (e->kind) {
    case KIOSK_EV_TARGET:
        if (e->target != T_DONE && e->target != T_BACK)
            return false;
        kiosk_session_end(k);
        return true;
    case KIOSK_EV_TICK:
        if (e->now_ms >= k->result_until_ms)
            kiosk_session_end(k);
        return true;
    case KIOSK_EV_PRINTER: {
        int64_t until = k->screen_at_ms + (int64_t)kiosk_result_hold_s(k) * 1000;
        if (until > k->result_until_ms)
            k->result_until_ms = until;
        kiosk_dirty(k);
        return true;
    }
    default:
        return false;
    }
}

static void describe(kiosk *k, kiosk_spoken *d)
{
    char s[256];
    kiosk_ticket_words(k, s, sizeof s);
    kiosk_say_title(d, s);
    char msg[400];
    kiosk_print_message(k, msg, sizeof msg);
    kiosk_say_state(d, msg);
    kiosk_say_choice(d, T_DONE, kiosk_tr(k, "result.done"), "");
}

const kiosk_scene kiosk_scene_result = {
    .on_enter = on_enter, .on_event = on_event, .draw = draw_result, .describe = describe, .back = KIOSK_BACK_END,
};
