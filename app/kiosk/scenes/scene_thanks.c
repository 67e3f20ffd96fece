/* Thanks, with the optional question "for which service?". The feedback is recorded when this
 * scene ends, however it ends (a service tapped, done, timeout). */
#include "../kiosk_scene.h"

#include <stdio.h>
#include <string.h>

static void draw_thanks(const kiosk_layout *l)
{
    const kiosk *k = l->k;
    /* The thanks and the optional question in the title; the tiles get the rest. */
    SDL_Rect a = kl_title_row(l, T_DONE, "result.done", UI_ICON_CHECK, kiosk_tr(k, "thanks.ask"));
    if (l->portrait)
        kl_text_block(l, &a, kiosk_tr(k, "thanks.body"), l->body, false, l->t->ink, l->gap);
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
    kiosk_say_title(d, kiosk_tr(k, "thanks.ask"));
    kiosk_say_choice(d, T_DONE, kiosk_tr(k, "result.done"), kiosk_key_words(k, "back"));
    kiosk_say_services(k, d);
}

const kiosk_scene kiosk_scene_thanks = {
    .on_event = on_event, .on_exit = leave, .draw = draw_thanks, .describe = describe, .back = KIOSK_BACK_END,
};
