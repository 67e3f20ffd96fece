/* Buttons and tiles: one touch target each, an icon (or a letter badge) and words, in the
 * theme's colours. Sizes come from the rect the caller gives (laid out in mm with ui_mm()). */
#ifndef BORNE_UI_WIDGET_H
#define BORNE_UI_WIDGET_H

#include <stdbool.h>

#include <SDL2/SDL.h>

#include "borne/ui.h"
#include "borne/ui_icon.h"

typedef enum ui_button_kind {
    UI_BUTTON_PRIMARY = 0,   /* dark blue, white words: the main actions */
    UI_BUTTON_SECONDARY,     /* pale, dark blue words and border: choices, tiles, back */
} ui_button_kind;

typedef struct ui_button_spec {
    int id;                  /* target id, >= 0 */
    SDL_Rect rect;
    const char *label;       /* main words (bold) */
    const char *sublabel;    /* second line, regular, may be NULL */
    ui_icon_kind icon;       /* UI_ICON_NONE for none */
    char badge;              /* a letter in a disc instead of an icon (service prefixes), 0 = none;
                                never under min_cap_mm either */
    ui_button_kind kind;
    double cap_mm;           /* label cap height; 0 → 6 mm */
    double min_cap_mm;       /* smallest the label may shrink to; 0 → 5 mm (the kiosk's body
                                text rule; a seated agent's desk screen may go lower) */
    bool selected;           /* a chosen option: a tick and a thick border, not only colour */
    bool regular;            /* label in regular weight (long labels on narrow tiles) */
} ui_button_spec;

/* Draws the button and registers its target. Returns whether every word fitted. */
bool ui_button(ui *u, const ui_button_spec *b);
/* Whether ui_button would draw every word of b's label in b->rect (at its smallest size at
 * worst) and its badge, if it has one; draws nothing. */
bool ui_button_fits(ui *u, const ui_button_spec *b);

#endif
