/* A visitor at the kiosk asked to speak to an agent (after a rain or storm rating): the desk
 * shows it in the visitor's place, with who asked (nobody's name: "un usager", at the kiosk)
 * and since when, until a desk says it is going ("J'y vais" dismisses it on every desk). */
#include "appliance_internal.h"

#include <stdio.h>
#include <time.h>

bool appliance_agent_shown(const appliance *a)
{
    return a->view.connected && a->view.agent_request_id > 0;
}

void appliance_agent_draw(appliance *a, const layout *l)
{
    const ui_theme *th = ui_get_theme(a->ui);
    SDL_Rect r = l->current;
    ui_fill_rounded(a->ui, r, ui_mm(a->ui, 2), th->band);
    int pad = ui_mm(a->ui, l->compact ? 1.5 : 4);
    SDL_Rect in = {r.x + pad, r.y + pad, r.w - 2 * pad, r.h - 2 * pad};
    int bh = ui_mm(a->ui, l->compact ? 12 : 16);
    SDL_Rect button = {in.x + in.w * 2 / 3, in.y + in.h - bh, in.w - in.w * 2 / 3, bh};
    SDL_Rect head = {in.x, in.y, in.w, (in.h - bh - pad) * 3 / 5};
    SDL_Rect rest = {in.x, head.y + head.h, in.w * 2 / 3 - pad, in.h - head.h};
    const char *title = "Un usager souhaite parler à un agent — borne d'accueil";
    appliance_text(a, head, title, appliance_cap_for(a, head, 7, 0.8), true, th->band_ink, UI_ALIGN_START);
    char since[64] = "";
    time_t at = (time_t)a->view.agent_request_at;
    struct tm tm;
    if (localtime_r(&at, &tm))
        strftime(since, sizeof since, "Depuis %H:%M, près de la borne.", &tm);
    appliance_text(a, rest, since, appliance_cap_for(a, rest, 4.5, 0.4), false, th->band_ink, UI_ALIGN_START);
    appliance_button(a, l, B_AGENT_SEEN, button, "J'y vais", UI_BUTTON_SECONDARY);
}
