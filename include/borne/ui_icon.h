/* Pictograms drawn with SDL primitives (circles, triangles, thick lines), so they scale to
 * any density without image files. Each is drawn in the largest square centred in `box`.
 * Icons never carry meaning alone: widgets always put words next to them. */
#ifndef BORNE_UI_ICON_H
#define BORNE_UI_ICON_H

#include <SDL2/SDL.h>

#include "borne/ui.h"

typedef enum ui_icon_kind {
    UI_ICON_NONE = 0,
    UI_ICON_TICKET,
    UI_ICON_CALENDAR,
    UI_ICON_SPEECH,
    UI_ICON_GLOBE,
    UI_ICON_BACK,
    UI_ICON_CLOCK,
    UI_ICON_WARNING,
    UI_ICON_CHECK,
    UI_ICON_PRINTER,
    UI_ICON_PERSON,
    UI_ICON_PRIORITY,
    UI_ICON_ERASE,
    UI_ICON_LOCK,
    /* weather scale of the feedback screen, level 1..5 (in colour: they are pictures) */
    UI_ICON_SUN,
    UI_ICON_SUN_VEILED,
    UI_ICON_CLOUD,
    UI_ICON_RAIN,
    UI_ICON_STORM,
} ui_icon_kind;

/* Draws icon `kind` in fg over bg (bg is used for cut-outs). */
void ui_icon(ui *u, ui_icon_kind kind, SDL_Rect box, SDL_Color fg, SDL_Color bg);

#endif
