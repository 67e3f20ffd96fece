/* The priority question (config ui.ask_priority). */
#include "../kiosk_scene.h"

#include <stdio.h>
#include <string.h>

static void draw_priority(const kiosk_layout *l)
{
    SDL_Rect a = kl_title_row(l, T_BACK, "common.back", UI_ICON_BACK, kiosk_tr(l->k, "priority.title"));
    SDL_Rect body = kl_cut_top(&a, kl_lines_h(l, l->body, false, l->portrait ? 3 : 2), l->gap * 2);
    kl_text(l, body, kiosk_tr(l->k, "priority.body"), l->body, false, l->t->ink, UI_ALIGN_START, UI_ALIGN_START);
    SDL_Rect no = l->portrait ? kl_cut_top(&a, (a.h - l->gap) / 2, l->gap) : kl_cut_left(&a, (a.w - l->gap) / 2, l->gap);
    kl_button(l, T_PRIO_NO, no, kiosk_tr(l->k, "priority.no"), NULL, UI_ICON_PERSON, UI_BUTTON_SECONDARY, l->title);
    kl_button(l, T_PRIO_YES, a, kiosk_tr(l->k, "priority.yes"), NULL, UI_ICON_PRIORITY, UI_BUTTON_SECONDARY, l->title);
}

static bool on_event(kiosk *k, const kiosk_scene_event *e)
{
    if (e->kind != KIOSK_EV_TARGET || (e->target != T_PRIO_NO && e->target != T_PRIO_YES))
        return false;
    k->priority = e->target == T_PRIO_YES;
    kiosk_issue(k);
    return true;
}

static void describe(kiosk *k, kiosk_spoken *d)
{
    kiosk_say_title(d, kiosk_tr(k, "priority.title"));
    kiosk_say_state(d, kiosk_tr(k, "priority.body"));
    kiosk_say_choice(d, T_BACK, kiosk_tr(k, "common.back"), kiosk_key_words(k, "back"));
    kiosk_say_choice(d, T_PRIO_NO, kiosk_tr(k, "priority.no"), "");
    kiosk_say_choice(d, T_PRIO_YES, kiosk_tr(k, "priority.yes"), "");
}

const kiosk_scene kiosk_scene_priority = {
    .on_event = on_event, .draw = draw_priority, .describe = describe, .back = KIOSK_BACK_POP,
    .flags = KIOSK_SCENE_TIMED,
};
