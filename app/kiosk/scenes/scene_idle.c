/* "Are you still there?": shown over a scene KIOSK_IDLE_WARN_S before the session ends. Any key
 * or touch returns to the scene under it (as many times as the visitor needs). */
#include "../kiosk_scene.h"

#include <stdio.h>
#include <string.h>

static void draw_idle(const kiosk_layout *l)
{
    const kiosk *k = l->k;
    SDL_Rect a = kl_screen_area(l);
    char s[16], body[128];
    snprintf(s, sizeof s, "%d", kiosk_idle_seconds_left(k));
    ui_format(body, sizeof body, kiosk_tr(k, "idle.body"), "s", s, (const char *)NULL);
    /* Large text on a 7-inch panel: everything at the body size, each text the height it needs. */
    double cap = l->compact ? l->body : l->title;
    int icon = kl_mm(l, l->compact ? KL_MIN_TARGET : 18);
    const char *title = kiosk_tr(k, "idle.title");
    int title_h = l->compact ? kl_text_h(l, title, cap, true, a.w - icon - kl_mm(l, 4)) : kl_lines_h(l, cap, true, 2);
    SDL_Rect row = kl_cut_top(&a, title_h > icon ? title_h : icon, l->gap * 2);
    ui_icon(l->u, UI_ICON_CLOCK, (SDL_Rect){row.x, row.y, icon, icon}, l->t->ink, l->t->page);
    row.x += icon + kl_mm(l, 4);
    row.w -= icon + kl_mm(l, 4);
    kl_text(l, row, title, cap, true, l->t->ink, UI_ALIGN_START, UI_ALIGN_CENTER);
    int body_h = l->compact ? kl_text_h(l, body, cap, false, a.w) : kl_lines_h(l, cap, false, 2);
    kl_text(l, kl_cut_top(&a, body_h, l->gap * 2), body, cap, false, l->t->ink, UI_ALIGN_START, UI_ALIGN_START);
    int bh = kl_button_h(l, cap, 1);
    if (!l->compact && bh < kl_mm(l, 22))
        bh = kl_mm(l, 22);
    if (bh * 2 + l->gap > a.h)
        bh = (a.h - l->gap) / 2;
    /* Side by side, "more time" the wider, when both words hold there on one line with their
     * icons; else one above the other ("Beginscherm" in large text on a 7-inch panel). */
    const char *more_word = kiosk_tr(k, "idle.more"), *home_word = kiosk_tr(k, "common.home");
    int more_w = ui_text_width(l->u, more_word, cap, true) + bh + kl_mm(l, 9);
    int home_w = ui_text_width(l->u, home_word, cap, true) + bh + kl_mm(l, 9);
    int spare = a.w - l->gap - more_w - home_w, left_w = (a.w - l->gap) * 6 / 10;
    bool stacked = l->portrait || spare < 0;
    if (!stacked && (left_w < more_w || a.w - l->gap - left_w < home_w))
        left_w = more_w + spare / 2;
    SDL_Rect more = stacked ? kl_cut_top(&a, bh, l->gap) : kl_cut_left(&a, left_w, l->gap);
    more.h = bh;
    kl_button(l, T_MORE_TIME, more, more_word, NULL, UI_ICON_CLOCK, UI_BUTTON_PRIMARY, cap);
    SDL_Rect home = stacked ? kl_cut_top(&a, bh, l->gap) : a;
    home.h = bh;
    kl_button(l, T_HOME, home, home_word, NULL, UI_ICON_BACK, UI_BUTTON_SECONDARY, cap);
}

static bool on_event(kiosk *k, const kiosk_scene_event *e)
{
    if (e->kind == KIOSK_EV_TARGET && e->target == T_MORE_TIME) {
        kiosk_scene_back(k);
        return true;
    }
    if (e->kind == KIOSK_EV_TARGET && e->target == T_HOME) {
        kiosk_session_end(k);
        return true;
    }
    if (e->kind == KIOSK_EV_TICK)
        kiosk_dirty(k);   /* the countdown changes every second */
    return false;
}

static void describe(kiosk *k, kiosk_spoken *d)
{
    char s[16], body[128];
    snprintf(s, sizeof s, "%d", kiosk_idle_seconds_left(k));
    ui_format(body, sizeof body, kiosk_tr(k, "idle.body"), "s", s, (const char *)NULL);
    kiosk_say_title(d, kiosk_tr(k, "idle.title"));
    kiosk_say_state(d, body);
    kiosk_say_choice(d, T_MORE_TIME, kiosk_tr(k, "idle.more"), kiosk_key_words(k, "any"));
    kiosk_say_choice(d, T_HOME, kiosk_tr(k, "common.home"), "");
}

const kiosk_scene kiosk_scene_idle = {
    .on_event = on_event, .draw = draw_idle, .describe = describe, .back = KIOSK_BACK_POP,
    .flags = KIOSK_SCENE_TIMED | KIOSK_SCENE_ANY_INPUT_BACK,
};
