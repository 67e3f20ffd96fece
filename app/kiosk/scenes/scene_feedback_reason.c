/* After a rain or storm rating: why, in one optional tap (the contract's reasons: attente,
 * accueil, réponse obtenue, locaux, autre), or skip. Counted with the rating per bucket. */
#include "../kiosk_scene.h"

#include <stdio.h>
#include <string.h>

#define REASON_KEY_(N, v, word, ...) [v] = "reason." word,
static const char *const reason_keys[CONTRACT_REASONS_N + 1] = {CONTRACT_REASONS(REASON_KEY_)};
#undef REASON_KEY_

static void draw_feedback_reason(const kiosk_layout *l)
{
    const kiosk *k = l->k;
    SDL_Rect a = kl_title_row(l, T_DONE, "reason.skip", UI_ICON_BACK, kiosk_tr(k, "reason.title"));
    int cols = l->portrait ? 1 : l->small ? 2 : 3;
    for (int r = 1; r <= CONTRACT_REASONS_N; r++)
        kl_button(l, T_REASON + r, kl_grid_cell(l, a, CONTRACT_REASONS_N, cols, r - 1), kiosk_tr(k, reason_keys[r]), NULL,
                  UI_ICON_NONE, UI_BUTTON_SECONDARY, l->body);
}

static bool on_event(kiosk *k, const kiosk_scene_event *e)
{
    if (e->kind != KIOSK_EV_TARGET)
        return false;
    if (e->target > T_REASON && e->target <= T_REASON + CONTRACT_REASONS_N)
        k->fb_reason = e->target - T_REASON;
    else if (e->target != T_DONE)
        return false;
    kiosk_scene_replace(k, KIOSK_THANKS);
    return true;
}

static void describe(kiosk *k, kiosk_spoken *d)
{
    kiosk_say_title(d, kiosk_tr(k, "reason.title"));
    kiosk_say_choice(d, T_DONE, kiosk_tr(k, "reason.skip"), kiosk_key_words(k, "back"));
    for (int r = 1; r <= CONTRACT_REASONS_N; r++)
        kiosk_say_choice(d, T_REASON + r, kiosk_tr(k, reason_keys[r]), "");
}

/* Back skips the question: the rating is kept, with no reason. */
const kiosk_scene kiosk_scene_feedback_reason = {
    .on_event = on_event, .draw = draw_feedback_reason, .describe = describe, .back = KIOSK_THANKS,
    .flags = KIOSK_SCENE_TIMED,
};
