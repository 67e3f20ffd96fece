/* Colours of the public kiosk theme and the contrast arithmetic the checks use.
 *
 * One high-contrast palette (white and dark blue): every text/background pair the widgets use
 * is at least 7:1 (WCAG 2.x AAA), and meaning is never carried by colour alone (errors also
 * have an icon and words). Pure data and pure functions: no SDL state. */
#ifndef BORNE_UI_THEME_H
#define BORNE_UI_THEME_H

#include <SDL2/SDL_pixels.h>

typedef struct ui_theme {
    SDL_Color page;         /* screen background */
    SDL_Color ink;          /* body text on page */
    SDL_Color muted;        /* secondary text on page (still >= 7:1) */
    SDL_Color band;         /* header band background */
    SDL_Color band_ink;     /* text on band */
    SDL_Color primary;      /* main buttons */
    SDL_Color primary_ink;
    SDL_Color primary_down; /* pressed */
    SDL_Color secondary;    /* other buttons and tiles */
    SDL_Color secondary_ink;
    SDL_Color secondary_down;
    SDL_Color panel;        /* soft panels (last calls, notices) */
    SDL_Color alert;        /* warning text/icons on page or panel */
    SDL_Color focus;        /* keyboard focus ring */
} ui_theme;

/* The kiosk palette (static storage). */
const ui_theme *ui_theme_default(void);

/* WCAG relative luminance of an sRGB colour, 0..1. */
double ui_luminance(SDL_Color c);
/* WCAG contrast ratio (L1 + 0.05) / (L2 + 0.05), 1..21, symmetric. */
double ui_contrast(SDL_Color a, SDL_Color b);

#endif
