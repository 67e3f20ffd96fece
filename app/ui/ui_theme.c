#include "borne/ui_theme.h"

#include <math.h>

/* Dark blue #000091 is the French state blue: 14.9:1 on white, so even the "muted" grey and the
 * alert red keep well above 7:1 on both the page and the pale panel. */
static const ui_theme kiosk_theme = {
    .page = {0xFF, 0xFF, 0xFF, 0xFF},
    .ink = {0x16, 0x16, 0x3A, 0xFF},
    .muted = {0x3A, 0x3A, 0x48, 0xFF},
    .band = {0x00, 0x00, 0x91, 0xFF},
    .band_ink = {0xFF, 0xFF, 0xFF, 0xFF},
    .primary = {0x00, 0x00, 0x91, 0xFF},
    .primary_ink = {0xFF, 0xFF, 0xFF, 0xFF},
    .primary_down = {0x00, 0x00, 0x5A, 0xFF},
    .secondary = {0xF0, 0xF0, 0xFC, 0xFF},
    .secondary_ink = {0x00, 0x00, 0x91, 0xFF},
    .secondary_down = {0xD4, 0xD4, 0xF5, 0xFF},
    .panel = {0xEE, 0xEE, 0xFA, 0xFF},
    .alert = {0x9A, 0x00, 0x0A, 0xFF},
    .focus = {0xE1, 0x8B, 0x00, 0xFF},
};

const ui_theme *ui_theme_default(void)
{
    return &kiosk_theme;
}

static double channel(Uint8 v)
{
    double c = v / 255.0;
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

double ui_luminance(SDL_Color c)
{
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

double ui_contrast(SDL_Color a, SDL_Color b)
{
    double la = ui_luminance(a), lb = ui_luminance(b);
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}
