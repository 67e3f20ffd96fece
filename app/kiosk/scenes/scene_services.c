/* Which service the visitor comes for. */
#include "../kiosk_scene.h"

#include <stdio.h>
#include <string.h>

static void draw_services(const kiosk_layout *l)
{
    SDL_Rect a = kl_title_row(l, T_BACK, "common.back", UI_ICON_BACK, kiosk_tr(l->k, "services.title"));
    kl_service_tiles(l, a, 2);
}

static bool on_event(kiosk *k, const kiosk_scene_event *e)
{
    if (e->kind != KIOSK_EV_TARGET || e->target < T_SERVICE || e->target >= T_SERVICE + k->setup.n_services)
        return false;
    k->service = e->target - T_SERVICE;
    kiosk_after_service(k);
    return true;
}

static void describe(kiosk *k, kiosk_spoken *d)
{
    kiosk_say_title(d, kiosk_tr(k, "services.title"));
    kiosk_say_choice(d, T_BACK, kiosk_tr(k, "common.back"), kiosk_key_words(k, "back"));
    kiosk_say_services(k, d);
}

const kiosk_scene kiosk_scene_services = {
    .on_event = on_event, .draw = draw_services, .describe = describe, .back = KIOSK_BACK_POP,
    .flags = KIOSK_SCENE_TIMED,
};
