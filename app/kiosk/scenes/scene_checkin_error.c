/* A code that cannot be checked in: unknown (the code typed is repeated back: on the screen, and
 * aloud in a headset only), too early (from when check-in opens: not an error), too late, or
 * already checked in (the number it was given, not a second ticket). Back returns to the code. */
#include "../kiosk_scene.h"

#include <stdio.h>
#include <string.h>

static bool is_early(const kiosk *k) { return k->checkin_err == QUEUE_ETOOEARLY; }
static bool is_used(const kiosk *k) { return k->checkin_err == QUEUE_EUSED && k->appt_label[0]; }

static const char *message_key(const kiosk *k)
{
    return k->checkin_err == QUEUE_ETOOEARLY  ? "checkin.too_early"
           : k->checkin_err == QUEUE_ETOOLATE ? "checkin.too_late"
           : is_used(k)                       ? "checkin.used_number"
           : k->checkin_err == QUEUE_EUSED    ? "checkin.used"
                                              : "checkin.unknown";
}

/* The message, naming the code as `code` (drawn as typed, spoken spelled). */
static void message(const kiosk *k, const char *code, char *msg, size_t n)
{
    const char *key = message_key(k);
    char when[8] = "", opens[8] = "";
    if (k->appt.at) {
        kiosk_hhmm(k->appt.at, when);
        int early = k->cfg->queue.checkin_early_min > 0 ? k->cfg->queue.checkin_early_min : QUEUE_CHECKIN_EARLY_MIN;
        kiosk_hhmm(k->appt.at - (int64_t)early * 60, opens);
    }
    ui_format(msg, n, kiosk_tr(k, key), "time", when, "opens", opens, "code", code, "label", k->appt_label,
              (const char *)NULL);
}

/* Large text on a 7-inch panel: the answer, then the offer (or the number already given), on as
 * many pages as they need; "back" (or "previous") and "more" at the bottom, the action on the last
 * page. */
static void compact_answer(const kiosk_layout *l, const char *msg)
{
    kiosk *k = l->k;
    bool used = is_used(k);
    SDL_Rect a = kl_screen_area(l);
    int bh = kl_button_h(l, l->body, 1);
    SDL_Rect nav = kl_cut_bottom(&a, bh, l->gap);
    const char *part[2] = {msg, used ? k->appt_label : kiosk_tr(k, "checkin.offer")};
    double cap[2] = {l->body, used ? l->body * 2 : l->body};
    int h[2], page_of[2];
    for (int i = 0; i < 2; i++)
        h[i] = kl_text_h(l, part[i], cap[i], i == 0 || used, a.w);
    int pages = kl_paginate(l, h, 2, a.h, bh + l->gap, page_of);
    if (k->page >= pages)
        k->page = pages - 1;
    k->tile_paged = pages > 1;
    k->tile_more = k->page + 1 < pages;
    SDL_Rect left = kl_cut_left(&nav, (nav.w - l->gap) / 2, l->gap);
    if (k->page > 0)
        kl_button(l, T_PAGE_PREV, left, kiosk_tr(k, "common.prev"), NULL, UI_ICON_BACK, UI_BUTTON_SECONDARY, l->body);
    else
        kl_button(l, T_BACK, left, kiosk_tr(k, "common.back"), NULL, UI_ICON_BACK, UI_BUTTON_SECONDARY, l->body);
    if (k->tile_more)
        kl_button(l, T_PAGE_NEXT, nav, kiosk_tr(k, "common.next"), NULL, UI_ICON_NONE, UI_BUTTON_PRIMARY, l->body);
    else
        kl_button(l, used ? T_DONE : T_TAKE_NORMAL, kl_cut_bottom(&a, bh, l->gap),
                  kiosk_tr(k, used ? "result.done" : "checkin.take_normal"), NULL, used ? UI_ICON_CHECK : UI_ICON_TICKET,
                  UI_BUTTON_PRIMARY, l->body);
    SDL_Color fg = is_early(k) || used ? l->t->ink : l->t->alert;
    for (int i = 0; i < 2; i++)
        if (page_of[i] == k->page)
            kl_text(l, kl_cut_top(&a, h[i], l->gap), part[i], cap[i], i == 0 || used, i == 0 ? fg : l->t->ink,
                    UI_ALIGN_START, UI_ALIGN_START);
}

static void draw_checkin_error(const kiosk_layout *l)
{
    const kiosk *k = l->k;
    char msg[256];
    message(k, k->code, msg, sizeof msg);
    if (l->compact) {
        compact_answer(l, msg);
        return;
    }
    SDL_Rect a = kl_title_row(l, T_BACK, "common.back", UI_ICON_BACK, kiosk_tr(k, "checkin.title"));
    int icon = kl_mm(l, l->small ? 12 : 16);
    double cap = l->small ? l->body : l->title;
    int bh = kl_button_h(l, cap, 1);
    if (!l->compact && bh < kl_mm(l, 22))
        bh = kl_mm(l, 22);
    SDL_Rect b = kl_cut_bottom(&a, bh, l->gap);
    /* Early is information (a clock, ordinary ink); the others are problems. */
    SDL_Color fg = is_early(k) || is_used(k) ? l->t->ink : l->t->alert;
    ui_icon_kind kind = is_early(k) ? UI_ICON_CLOCK : is_used(k) ? UI_ICON_CHECK : UI_ICON_WARNING;
    int indent = icon + kl_mm(l, 4);
    /* The message whole, at the title size where it fits, else the body size (large text). */
    double mcap = kl_text_h(l, msg, cap, true, a.w - indent) <= a.h ? cap : l->body;
    int mh = kl_text_h(l, msg, mcap, true, a.w - indent);
    SDL_Rect row = kl_cut_top(&a, mh > icon ? mh : icon, l->gap * 2);
    ui_icon(l->u, kind, (SDL_Rect){row.x, row.y, icon, icon}, fg, l->t->page);
    kl_text(l, (SDL_Rect){row.x + indent, row.y, row.w - indent, mh}, msg, mcap, true, fg, UI_ALIGN_START,
            UI_ALIGN_START);
    if (is_used(k)) {
        /* The number the visitor already has, as large as the rest of the screen allows. */
        SDL_Rect num = {a.x + indent, a.y, a.w - indent, a.h};
        ui_text_style big = {.cap_mm = ui_to_mm(l->u, num.h) * 0.6, .min_cap_mm = l->min_cap, .bold = true,
                             .fg = l->t->ink, .halign = UI_ALIGN_START, .valign = UI_ALIGN_START, .max_lines = 1};
        ui_text(l->u, num, k->appt_label, &big);
        kl_button(l, T_DONE, b, kiosk_tr(k, "result.done"), NULL, UI_ICON_CHECK, UI_BUTTON_PRIMARY, cap);
        return;
    }
    /* The offer in words where it fits whole; the button under it says the same. */
    const char *offer = kiosk_tr(k, "checkin.offer");
    if (kl_text_h(l, offer, l->body, false, a.w) <= a.h)
        kl_text(l, a, offer, l->body, false, l->t->ink, UI_ALIGN_START, UI_ALIGN_END);
    kl_button(l, T_TAKE_NORMAL, b, kiosk_tr(k, "checkin.take_normal"), NULL, UI_ICON_TICKET, UI_BUTTON_PRIMARY, cap);
}

static void on_enter(kiosk *k)
{
    if (!is_early(k) && !is_used(k))
        kiosk_access_tone(k, SPEECH_TONE_ERROR);
}

static bool on_event(kiosk *k, const kiosk_scene_event *e)
{
    if (e->kind != KIOSK_EV_TARGET)
        return false;
    if (e->target == T_DONE && is_used(k)) {
        kiosk_session_end(k);
        return true;
    }
    if (e->target != T_TAKE_NORMAL || is_used(k))
        return false;
    kiosk_reset_flow(k);
    kiosk_scene_start(k, KIOSK_SERVICES);
    return true;
}

static void describe(kiosk *k, kiosk_spoken *d)
{
    char msg[512], spelled[QUEUE_CODE_MAX * 16];
    kiosk_code_spelled(k, spelled, sizeof spelled);
    message(k, spelled, msg, sizeof msg);
    /* The unknown code is repeated back in a headset only (EN 301 549 5.1.3.8-9). */
    bool unknown = strcmp(message_key(k), "checkin.unknown") == 0;
    kiosk_say_title(d, unknown && !k->headset ? kiosk_tr(k, "speech.code_unknown") : msg);
    kiosk_say_choice(d, T_BACK, kiosk_tr(k, "common.back"), kiosk_key_words(k, "back"));
    kiosk_say_page_prev(k, d);
    kiosk_say_page_next(k, d);
    if (is_used(k)) {
        kiosk_say_choice(d, T_DONE, kiosk_tr(k, "result.done"), "");
        return;
    }
    kiosk_say_state(d, kiosk_tr(k, "checkin.offer"));
    kiosk_say_choice(d, T_TAKE_NORMAL, kiosk_tr(k, "checkin.take_normal"), "");
}

const kiosk_scene kiosk_scene_checkin_error = {
    .on_enter = on_enter, .on_event = on_event, .draw = draw_checkin_error, .describe = describe, .back = KIOSK_BACK_POP,
    .flags = KIOSK_SCENE_TIMED,
};
