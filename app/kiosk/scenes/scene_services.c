/* Which service the visitor comes for; with ui.ask_priority, a priority toggle under the tiles
 * (one more tap for whoever needs it, none for the others). */
#include "../kiosk_scene.h"

#include <stdio.h>
#include <string.h>

static void draw_services(const kiosk_layout *l)
{
    const kiosk *k = l->k;
    SDL_Rect a = kl_title_row(l, T_BACK, "common.back", UI_ICON_BACK, kiosk_tr(k, "services.title"));
    if (!k->cfg->ui.ask_priority) {
        kl_service_tiles(l, a, 2, 0);
        return;
    }
    /* The toggle is the grid's last cell (the free one when the services are odd in number).
     * On: the primary colour and a tick, so the state is not told by colour alone. */
    SDL_Rect cell = kl_service_tiles(l, a, 2, 1);
    if (!cell.w)
        return;
    ui_button_spec b = {.id = T_PRIORITY, .rect = cell, .label = kiosk_tr(k, "services.priority"),
                        .icon = k->priority ? UI_ICON_CHECK : UI_ICON_PRIORITY,
                        .kind = k->priority ? UI_BUTTON_PRIMARY : UI_BUTTON_SECONDARY, .cap_mm = l->body, .min_cap_mm = l->min_cap,
                        .regular = ui_to_mm(l->u, a.w) / 2 < 90};
    ui_button(l->u, &b);
}

static bool on_event(kiosk *k, const kiosk_scene_event *e)
{
    if (e->kind != KIOSK_EV_TARGET)
        return false;
    if (e->target == T_PRIORITY && k->cfg->ui.ask_priority) {
        k->priority = !k->priority;
        kiosk_dirty(k);
        return true;
    }
    if (e->target < T_SERVICE || e->target >= T_SERVICE + k->setup.n_services)
        return false;
    k->service = e->target - T_SERVICE;
    kiosk_after_service(k);
    return true;
}

static void describe(kiosk *k, kiosk_spoken *d)
{
    kiosk_say_title(d, kiosk_tr(k, "services.title"));
    if (k->cfg->ui.ask_priority && k->priority)
        kiosk_say_state(d, kiosk_tr(k, "services.priority_on"));
    kiosk_say_choice(d, T_BACK, kiosk_tr(k, "common.back"), kiosk_key_words(k, "back"));
    kiosk_say_services(k, d);
    if (k->cfg->ui.ask_priority && (!k->tile_paged || k->page == 0))
        kiosk_say_choice(d, T_PRIORITY, kiosk_tr(k, "services.priority"), "");
}

const kiosk_scene kiosk_scene_services = {
    .on_event = on_event, .draw = draw_services, .describe = describe, .back = KIOSK_BACK_POP,
    .flags = KIOSK_SCENE_TIMED,
};
