/* A code that cannot be checked in (unknown, too early, too late, already used), with the offer
 * of a normal ticket. Back returns to the code. */
#include "../kiosk_scene.h"

#include <stdio.h>
#include <string.h>

static void message(const kiosk *k, char *msg, size_t n)
{
    const char *key = k->checkin_err == QUEUE_ETOOEARLY  ? "checkin.too_early"
                      : k->checkin_err == QUEUE_ETOOLATE ? "checkin.too_late"
                      : k->checkin_err == QUEUE_EUSED    ? "checkin.used"
                                                         : "checkin.unknown";
    char when[16] = "";
    if (k->appt_at) {
        time_t t = (time_t)k->appt_at;
        struct tm tm;
        localtime_r(&t, &tm);
        snprintf(when, sizeof when, "%02d:%02d", tm.tm_hour, tm.tm_min);
    }
    ui_format(msg, n, kiosk_tr(k, key), "time", when, (const char *)NULL);
}

static void draw_checkin_error(const kiosk_layout *l)
{
    const kiosk *k = l->k;
    SDL_Rect a = kl_title_row(l, T_BACK, "common.back", UI_ICON_BACK, kiosk_tr(k, "checkin.title"));
    char msg[256];
    message(k, msg, sizeof msg);
    int icon = kl_mm(l, l->small ? 12 : 16);
    double cap = l->small ? l->body : l->title;
    int bh = kl_button_h(l, cap, 1);
    if (bh < kl_mm(l, 22))
        bh = kl_mm(l, 22);
    SDL_Rect b = kl_cut_bottom(&a, bh, l->gap);
    kl_text(l, kl_cut_bottom(&a, kl_lines_h(l, l->body, false, 1), l->gap), kiosk_tr(k, "checkin.offer"), l->body, false,
         l->t->ink, UI_ALIGN_START, UI_ALIGN_START);
    SDL_Rect row = a;
    ui_icon(l->u, UI_ICON_WARNING, (SDL_Rect){row.x, row.y, icon, icon}, l->t->alert, l->t->page);
    row.x += icon + kl_mm(l, 4);
    row.w -= icon + kl_mm(l, 4);
    kl_text(l, row, msg, cap, true, l->t->alert, UI_ALIGN_START, UI_ALIGN_START);
    kl_button(l, T_TAKE_NORMAL, b, kiosk_tr(k, "checkin.take_normal"), NULL, UI_ICON_TICKET, UI_BUTTON_PRIMARY, cap);
}

static void on_enter(kiosk *k) { kiosk_access_tone(k, SPEECH_TONE_ERROR); }

static bool on_event(kiosk *k, const kiosk_scene_event *e)
{
    if (e->kind != KIOSK_EV_TARGET || e->target != T_TAKE_NORMAL)
        return false;
    kiosk_reset_flow(k);
    kiosk_scene_start(k, KIOSK_SERVICES);
    return true;
}

static void describe(kiosk *k, kiosk_spoken *d)
{
    char msg[256];
    message(k, msg, sizeof msg);
    kiosk_say_title(d, msg);
    kiosk_say_state(d, kiosk_tr(k, "checkin.offer"));
    kiosk_say_choice(d, T_BACK, kiosk_tr(k, "common.back"), kiosk_key_words(k, "back"));
    kiosk_say_choice(d, T_TAKE_NORMAL, kiosk_tr(k, "checkin.take_normal"), "");
}

const kiosk_scene kiosk_scene_checkin_error = {
    .on_enter = on_enter, .on_event = on_event, .draw = draw_checkin_error, .describe = describe, .back = KIOSK_BACK_POP,
    .flags = KIOSK_SCENE_TIMED,
};
