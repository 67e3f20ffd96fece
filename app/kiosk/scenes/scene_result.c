/* The ticket: its number, people ahead, the wait, and whether it printed. Stays KIOSK_RESULT_S
 * (longer when the printer failed, to give time to note the number), then the session ends. */
#include "../kiosk_scene.h"

#include <stdio.h>
#include <string.h>

/* Large text on a 7-inch panel: the number in a band, then the printing line and the figures, in
 * that order, on as many pages as they need ("more" and "previous" at the bottom, "done" on the
 * last page: the scene ends by itself anyway). */
/* The printing line cut after its sentences, and a sentence taller than a page (w x page_h) after
 * its colon too ("Uw ticket is wel geregistreerd: noteer..." in large text on a 7-inch panel), so
 * a long line spreads over pages rather than overflow one. At most MAX_PARTS parts; returns how
 * many. */
enum { MAX_PARTS = 6 };
static int sentences(const kiosk_layout *l, const char *msg, int w, int page_h, char part[MAX_PARTS][400])
{
    int n = 0;
    const char *p = msg;
    while (*p && n < MAX_PARTS) {
        const char *end = n == MAX_PARTS - 1 ? NULL : strstr(p, ". ");
        size_t len = end ? (size_t)(end - p) + 1 : strlen(p);
        snprintf(part[n], 400, "%.*s", (int)len, p);
        const char *colon = strstr(part[n], ": ");
        if (colon && n < MAX_PARTS - 1 && kl_text_h(l, part[n], l->body, false, w) > page_h) {
            len = (size_t)(colon - part[n]) + 1;
            part[n][len] = '\0';
        }
        n++;
        p += len;
        while (*p == ' ')
            p++;
    }
    return n;
}

static void compact_result(const kiosk_layout *l, SDL_Rect a)
{
    kiosk *k = l->k;
    const queue_issued *is = &k->issued;
    char ahead[96], wait[160], msg[400], part[MAX_PARTS][400];
    kiosk_ticket_figures(k, ahead, sizeof ahead, wait, sizeof wait);
    kiosk_print_message(k, msg, sizeof msg);
    bool failed = k->print == PRINT_FAILED || k->print == PRINT_WAITING;
    const char *title = kiosk_tr(k, k->issued_appointment ? "result.appointment"
                                    : is->ticket.priority  ? "result.title_priority"
                                                           : "result.title");
    int bh = kl_button_h(l, l->body, 1);
    SDL_Rect nav = kl_cut_bottom(&a, bh, l->gap);
    int pad = kl_mm(l, 2);
    double number_cap = l->body * 2;
    int number_w = ui_text_width(l->u, is->ticket.label, number_cap, true) + 2 * pad;
    int number_h = kl_lines_h(l, number_cap, true, 1);
    /* The title beside the number, or above it when a word of it does not hold there
     * ("geregistreerd."). */
    bool title_above = ui_text_height(l->u, title, a.w - number_w - 3 * pad, l->body, true) <= 0;
    int title_h = kl_text_h(l, title, l->body, true, title_above ? a.w - 2 * pad : a.w - number_w - 3 * pad);
    /* The card first, then the printing line's sentences (the words without the printer's sign: a
     * line less at 7.5 mm), then the figures. */
    const char *text[1 + MAX_PARTS + 2] = {NULL};
    int n = 1 + sentences(l, msg, a.w, a.h, part), h[1 + MAX_PARTS + 2], page_of[1 + MAX_PARTS + 2];
    for (int i = 1; i < n; i++)
        text[i] = part[i - 1];
    int first_figure = n;
    text[n++] = ahead;
    text[n++] = wait;
    h[0] = (title_above ? title_h + number_h : title_h > number_h ? title_h : number_h) + 2 * pad;
    for (int i = 1; i < n; i++)
        h[i] = kl_text_h(l, text[i], l->body, false, a.w);
    int page = kl_paginate(l, h, n, a.h, 0, page_of) - 1;
    if (k->page > page)
        k->page = page;
    k->tile_paged = page > 0;
    k->tile_more = k->page < page;
    if (k->page > 0)
        kl_button(l, T_PAGE_PREV, kl_cut_left(&nav, (nav.w - l->gap) / 2, l->gap), kiosk_tr(k, "common.prev"), NULL,
                  UI_ICON_BACK, UI_BUTTON_SECONDARY, l->body);
    else
        kl_cut_left(&nav, (nav.w - l->gap) / 2, l->gap);
    if (k->tile_more)
        kl_button(l, T_PAGE_NEXT, nav, kiosk_tr(k, "common.next"), NULL, UI_ICON_NONE, UI_BUTTON_PRIMARY, l->body);
    else
        kl_button(l, T_DONE, nav, kiosk_tr(k, "result.done"), NULL, UI_ICON_CHECK, UI_BUTTON_SECONDARY, l->body);
    for (int i = 0; i < n; i++) {
        if (page_of[i] != k->page)
            continue;
        SDL_Rect r = kl_cut_top(&a, h[i], l->gap);
        if (i > 0) {
            SDL_Color fg = failed && i < first_figure ? l->t->alert : l->t->ink;
            kl_text(l, r, text[i], l->body, false, fg, UI_ALIGN_START, UI_ALIGN_START);
            continue;
        }
        ui_fill_rounded(l->u, r, kl_mm(l, 3), l->t->band);
        SDL_Rect in = {r.x + pad, r.y + pad, r.w - 2 * pad, r.h - 2 * pad};
        SDL_Rect number = title_above ? kl_cut_bottom(&in, number_h, 0) : kl_cut_right(&in, number_w, pad);
        kl_text(l, in, title, l->body, true, l->t->band_ink, UI_ALIGN_START, UI_ALIGN_CENTER);
        kl_text(l, number, is->ticket.label, number_cap, true, l->t->band_ink, UI_ALIGN_END, UI_ALIGN_CENTER);
    }
}

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
    if (l->compact) {
        compact_result(l, a);
        return;
    }
    const queue_issued *is = &k->issued;
    char ahead[96], wait[160];
    kiosk_ticket_figures(k, ahead, sizeof ahead, wait, sizeof wait);
    bool failed = k->print == PRINT_FAILED || k->print == PRINT_WAITING;
    char msg[400];
    kiosk_print_message(k, msg, sizeof msg);
    int icon_w = kl_mm(l, failed ? 14 : 11) + kl_mm(l, 3);
    const char *title = kiosk_tr(k, k->issued_appointment ? "result.appointment"
                                    : is->ticket.priority  ? "result.title_priority"
                                                           : "result.title");
    int pad = kl_mm(l, 4);
    double fig = l->portrait ? l->title : l->body;

    SDL_Rect card, done, status = {0, 0, 0, 0};
    if (!l->portrait) {
        /* Landscape: the printing line takes a full-width strip at the bottom, the button goes
         * under the figures, or under the card when the figures take the column (large text).
         * The card is as wide as its title's longest word needs ("geregistreerd." in large
         * text), up to 60 %. */
        status = kl_cut_bottom(&a, kl_text_h(l, msg, l->body, false, a.w - icon_w), l->gap * 2);
        int card_w = a.w * 45 / 100;
        while (card_w < a.w * 60 / 100 && ui_text_height(l->u, title, card_w - 2 * pad, l->body, true) <= 0)
            card_w += kl_mm(l, 1);
        card = kl_cut_left(&a, card_w, l->gap * 2);
        int figures_h = kl_text_h(l, ahead, fig, false, a.w) + kl_text_h(l, wait, fig, false, a.w) + l->gap * 2;
        if (figures_h + l->gap + done_h > a.h) {
            /* The figures and "done" do not both fit beside the card under a long printing line
             * (large text on a 10-inch panel): the card, the line and the figures on pages. */
            compact_result(l, kl_screen_area(l));
            return;
        }
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
    SDL_Rect in = {card.x + pad, card.y + pad, card.w - 2 * pad, card.h - 2 * pad};
    SDL_Rect t = kl_cut_top(&in, kl_text_h(l, title, l->body, true, in.w), 0);
    kl_text(l, t, title, l->body, true, l->t->band_ink, UI_ALIGN_CENTER, UI_ALIGN_START);
    ui_text_style big = {.cap_mm = ui_to_mm(l->u, in.h) * 0.55, .min_cap_mm = l->min_cap, .bold = true,
                         .fg = l->t->band_ink, .halign = UI_ALIGN_CENTER, .valign = UI_ALIGN_CENTER, .max_lines = 1};
    ui_text(l->u, in, is->ticket.label, &big);

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
    kiosk_say_page_prev(k, d);
    kiosk_say_page_next(k, d);
    if (!k->tile_more)
        kiosk_say_choice(d, T_DONE, kiosk_tr(k, "result.done"), "");
}

const kiosk_scene kiosk_scene_result = {
    .on_enter = on_enter, .on_event = on_event, .draw = draw_result, .describe = describe, .back = KIOSK_BACK_END,
};
