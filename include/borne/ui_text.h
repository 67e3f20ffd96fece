/* Text for the widget layer: DejaVu Sans (regular and bold) read once from assets, opened at
 * the pixel sizes asked for, and rendered lines kept in a small texture cache so an unchanged
 * screen redraws without re-rasterising.
 *
 * Sizes are given as a cap height in millimetres (the height of "H"), the measure the kiosk
 * rule uses (body text >= 5 mm). A text that does not fit its box is first wrapped on spaces,
 * then shrunk step by step down to min_cap_mm; if it still does not fit it is drawn with an
 * ellipsis and recorded as not fitting, so the checks catch it: nothing is silently clipped.
 *
 * Threads: used on the renderer's thread only. */
#ifndef BORNE_UI_TEXT_H
#define BORNE_UI_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <SDL2/SDL.h>

#include "borne/ui.h"

typedef struct ui_fonts ui_fonts;

/* Reads the two font files under assets_dir/fonts. Returns 0 or -1 with errbuf filled.
 * *out is owned by the caller (ui_create does this): free with ui_fonts_destroy(). */
int ui_fonts_create(ui_fonts **out, SDL_Renderer *r, const char *assets_dir, char *errbuf, size_t errlen);
void ui_fonts_destroy(ui_fonts *f);
/* Drops cached line textures not used during the last `frames` frames (called per frame). */
void ui_fonts_end_frame(ui_fonts *f);

/* The fonts of a context (owned by it). */
ui_fonts *ui_get_fonts(const ui *u);

typedef enum ui_align { UI_ALIGN_START = 0, UI_ALIGN_CENTER, UI_ALIGN_END } ui_align;

typedef struct ui_text_style {
    double cap_mm;         /* wanted cap height */
    double min_cap_mm;     /* smallest allowed when shrinking; 0 → no shrinking */
    bool bold;
    SDL_Color fg;
    ui_align halign, valign;
    int max_lines;         /* 0 → as many as the box holds */
} ui_text_style;

/* Draws UTF-8 `text` in `box` ('\n' breaks lines). Returns true when the whole text fitted. */
bool ui_text(ui *u, SDL_Rect box, const char *text, const ui_text_style *st);
/* Width in pixels of one line of text at that size. */
int ui_text_width(ui *u, const char *text, double cap_mm, bool bold);
/* Number of lines `text` wraps into within `width` pixels at that size, or -1 when a single word
 * is wider than `width` (ui_text would then shrink it). For laying out boxes before drawing. */
int ui_text_lines(ui *u, const char *text, int width, double cap_mm, bool bold);
/* Direction. A text's paragraph runs right to left when its first letter is Arabic (or, with no
 * letter at all, when the screen is right to left). Within a line, runs of one direction are
 * shaped by HarfBuzz (SDL_ttf) in that direction: Arabic letters joined, numbers, times, ticket
 * codes and Latin names left to right inside Arabic text. */
typedef struct ui_text_run {
    size_t start, len;     /* bytes of the line */
    bool rtl;
    int level;             /* embedding level (UAX #9): 0 left to right, 1 Arabic, 2 a number in it */
} ui_text_run;
bool ui_text_is_rtl(const char *text, bool ui_rtl);
/* The runs of text[0..n) in visual order, left to right on the screen. Returns how many (<= max). */
int ui_text_runs(const char *text, size_t n, bool para_rtl, ui_text_run *runs, int max);

/* Height in pixels `text` takes wrapped within `width` at that size, marks reaching past the
 * font's height included, or -1 when a single word is wider than `width`. */
int ui_text_height(ui *u, const char *text, int width, double cap_mm, bool bold);
/* Line height in pixels at that size (what one line of ui_text takes). */
int ui_line_height(ui *u, double cap_mm, bool bold);

/* One line of left-to-right text as a 1-bit picture for the printer, so the ticket number on
 * paper is in the screen's typeface: rows of *width_bytes bytes, leftmost dot in the most
 * significant bit, 1 = ink, cropped to the ink, as large as fits max_w x max_h dots. Returns 0,
 * or -1 when the text draws no ink or the picture needs more than cap bytes (*width_bytes and
 * *height are 0 then, bits undefined). Needs no renderer; any thread that owns f. */
int ui_text_bitmap(ui_fonts *f, const char *text, bool bold, int max_w, int max_h, uint8_t *bits, size_t cap,
                   int *width_bytes, int *height);

#endif
