/* Feedback: one tap on a weather picture, from sun to storm. */
#include "../kiosk_scene.h"

#include <stdio.h>
#include <string.h>

static void draw_feedback(const kiosk_layout *l)
{
    SDL_Rect a = kl_title_row(l, T_BACK, "common.back", UI_ICON_BACK, kiosk_tr(l->k, "feedback.title"));
    static const ui_icon_kind icons[5] = {UI_ICON_SUN, UI_ICON_SUN_VEILED, UI_ICON_CLOUD, UI_ICON_RAIN, UI_ICON_STORM};
    /* One row, read left to right like a scale, when the tiles stay wide enough. */
    int cols = ui_to_mm(l->u, a.w) / 5 >= 42 ? 5 : 3;
    bool regular = ui_to_mm(l->u, a.w) / cols < 45;
    for (int i = 0; i < 5; i++) {
        char key[16];
        snprintf(key, sizeof key, "feedback.%d", i + 1);
        SDL_Rect r;
        if (l->portrait) {
            /* One column of wide rows: the pictures stay big and the scale reads top to bottom. */
            r = kl_grid_cell(l, a, 5, 1, i);
        } else {
            r = kl_grid_cell(l, a, 5, cols, i);
        }
        ui_button_spec b = {.id = T_WEATHER + i + 1, .rect = r, .label = kiosk_tr(l->k, key), .icon = icons[i],
                            .kind = UI_BUTTON_SECONDARY, .cap_mm = l->body, .regular = regular};
        ui_button(l->u, &b);
    }
}

static bool on_event(kiosk *k, const kiosk_scene_event *e)
{
    if (e->kind != KIOSK_EV_TARGET || e->target < T_WEATHER + 1 || e->target > T_WEATHER + 5)
        return false;
    k->fb_level = e->target - T_WEATHER;
    k->fb_reason = CONTRACT_REASON_NONE;
    /* Rain or storm: why, optionally (the only levels the contract takes a reason for). */
    kiosk_scene_replace(k, k->fb_level >= 4 ? KIOSK_FEEDBACK_REASON : KIOSK_THANKS);
    return true;
}

static void describe(kiosk *k, kiosk_spoken *d)
{
    kiosk_say_title(d, kiosk_tr(k, "feedback.title"));
    kiosk_say_choice(d, T_BACK, kiosk_tr(k, "common.back"), kiosk_key_words(k, "back"));
    for (int i = 1; i <= 5; i++) {
        char key[16];
        snprintf(key, sizeof key, "feedback.%d", i);
        kiosk_say_choice(d, T_WEATHER + i, kiosk_tr(k, key), "");
    }
}

const kiosk_scene kiosk_scene_feedback = {
    .on_event = on_event, .draw = draw_feedback, .describe = describe, .back = KIOSK_BACK_POP,
    .flags = KIOSK_SCENE_TIMED,
};
