/* Measuring checks over what a frame actually drew (its report and, when read back, its pixels):
 * clipped text, touch target sizes, text size and text contrast. Tests and the screenshot tool
 * use them so the rules of DESIGN.md §9 are computed, never asserted by hand. */
#ifndef BORNE_UI_CHECK_H
#define BORNE_UI_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "borne/ui.h"

typedef struct ui_rules {
    double min_target_mm;     /* kiosk: 15 */
    double min_cap_mm;        /* kiosk: 5 (body text cap height) */
    double min_contrast;      /* 7 */
} ui_rules;

/* The kiosk rules of DESIGN.md §9. */
ui_rules ui_rules_kiosk(void);

typedef struct ui_check_result {
    int texts, targets;
    int clipped;              /* texts not wholly drawn inside their box, or box off screen */
    int small_text;           /* cap height below the rule */
    int low_contrast;         /* declared colours below the rule */
    int small_targets;        /* a side below the rule (on screen part) */
    int overlaps;             /* pairs of targets, or of drawn texts, that intersect */
    int pixel_checked;        /* texts whose pixels were measured */
    int pixel_low_contrast;   /* measured pixels below the rule */
    double min_contrast;      /* lowest declared text contrast */
    double min_pixel_contrast;/* lowest measured text contrast (0 when nothing measured) */
    double min_target_mm;     /* smallest target side */
    double min_cap_mm;        /* smallest text cap height */
    char problems[1024];      /* one line per problem (the first ones), for test output */
} ui_check_result;

/* Checks the last frame of u. Returns the number of problems (0 = all rules met). */
int ui_check_frame(const ui *u, const ui_rules *rules, ui_check_result *out);

/* Measured contrast of the pixels in r of an ARGB8888 image: between the most frequent colour
 * (the background) and the colour farthest from it in luminance (the text). */
double ui_pixel_contrast(const uint32_t *pixels, int w, int h, SDL_Rect r);

#endif
