/* "Vous êtes ?" (config ui.ask_public_type): who the visitor is, for the statistics. */
#include "../kiosk_choices.h"

#include <stdio.h>
#include <string.h>

static const char *const public_keys[] = {"public.particulier", "public.entreprise", "public.association",
                                          "public.collectivite"};
static void draw_public(const kiosk_layout *l)
{
    SDL_Rect a = kl_title_row(l, T_BACK, "common.back", UI_ICON_BACK, kiosk_tr(l->k, "public.title"));
    int cols = l->portrait ? 1 : 2;
    /* Large text: the grid of worded choices (rows, pages) when a label does not hold whole in
     * its cell of the four ("Een overheidsdienst"). */
    bool hold = !l->compact;
    for (int i = 0; i < 4 && hold; i++) {
        ui_button_spec b = {.rect = kl_grid_cell(l, a, 4, cols, i), .label = kiosk_tr(l->k, public_keys[i]),
                            .icon = UI_ICON_PERSON, .cap_mm = l->title, .min_cap_mm = l->min_cap};
        hold = ui_button_fits(l->u, &b);
    }
    if (!hold) {
        kl_choice c[4];
        for (int i = 0; i < 4; i++)
            c[i] = (kl_choice){T_PUBLIC + QUEUE_PUBLIC_PARTICULIER + i, kiosk_tr(l->k, public_keys[i]), UI_ICON_PERSON,
                               UI_BUTTON_SECONDARY};
        kl_choices(l, a, c, 4, 2);
        return;
    }
    for (int i = 0; i < 4; i++)
        kl_button(l, T_PUBLIC + QUEUE_PUBLIC_PARTICULIER + i, kl_grid_cell(l, a, 4, cols, i), kiosk_tr(l->k, public_keys[i]), NULL,
               UI_ICON_PERSON, UI_BUTTON_SECONDARY, l->title);
}

static bool on_event(kiosk *k, const kiosk_scene_event *e)
{
    if (e->kind != KIOSK_EV_TARGET || e->target < T_PUBLIC || e->target >= T_PUBLIC + QUEUE_PUBLIC_COUNT)
        return false;
    k->public_type = (queue_public)(e->target - T_PUBLIC);
    kiosk_after_service(k);
    return true;
}

static void describe(kiosk *k, kiosk_spoken *d)
{
    kiosk_say_title(d, kiosk_tr(k, "public.title"));
    kiosk_say_choice(d, T_BACK, kiosk_tr(k, "common.back"), kiosk_key_words(k, "back"));
    kiosk_say_page_prev(k, d);
    for (int i = 0; i < 4; i++)
        if (kiosk_page_shows(k, i))
            kiosk_say_choice(d, T_PUBLIC + QUEUE_PUBLIC_PARTICULIER + i, kiosk_tr(k, public_keys[i]), "");
    kiosk_say_page_next(k, d);
}

const kiosk_scene kiosk_scene_public = {
    .on_event = on_event, .draw = draw_public, .describe = describe, .back = KIOSK_BACK_POP,
    .flags = KIOSK_SCENE_TIMED,
};
