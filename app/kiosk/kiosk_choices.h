/* A grid of worded choices (the feedback reasons, the letters of a code) that keeps every label
 * whole at the body size in any language and text size. Not public. */
#ifndef BORNE_KIOSK_CHOICES_H
#define BORNE_KIOSK_CHOICES_H

#include "kiosk_scene.h"

typedef struct kl_choice {
    int id;                  /* target id */
    const char *label;
    ui_icon_kind icon;       /* UI_ICON_NONE for none */
    ui_button_kind kind;
} kl_choice;

/* Lays the n choices in area with the most columns (up to max_cols) at which every label fits
 * on at most two lines and every row fits the area. When even one column does not hold them
 * all (large text on a small screen), shows a page of them with "previous" and "more" buttons,
 * using the kiosk's page state (k->page asked; k->tile_first, tile_n, tile_paged, tile_more
 * say what was drawn, for the spoken description). */
void kl_choices(const kiosk_layout *l, SDL_Rect area, const kl_choice *c, int n, int max_cols);

/* Speaks the choices kl_choices drew last (all of them before the first frame), with the page
 * buttons when it paged. */
void kiosk_say_choices(kiosk *k, kiosk_spoken *d, const kl_choice *c, int n);

#endif
