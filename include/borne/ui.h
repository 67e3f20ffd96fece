/* Small immediate-mode widget layer on SDL2 shared by the kiosk, counter and display roles.
 *
 * Sizes are physical: the context knows the visible screen size in millimetres (config
 * ui.width_mm/height_mm) and converts with ui_mm(), so a 15 mm button is 15 mm on a 7-inch
 * board and on a 24-inch portrait screen alike.
 *
 * A frame is drawn between ui_begin_frame() and ui_end_frame(). While drawing, the context
 * records a frame report: every filled area, every text box (its rect, the ink drawn, whether
 * the whole text fitted, its colours) and every touch target. Checks (ui_check.h) and tests
 * compute clipping, target sizes and contrast from that report and, when read-back is on, from
 * the pixels read with SDL_RenderReadPixels before the caller presents the frame.
 *
 * Targets registered during a frame are what taps and keys act on until the next frame:
 * ui_input() turns SDL touch, mouse and key events into "target activated" answers, and keeps
 * the keyboard focus order (registration order) for keypads and speech output.
 *
 * Threads: a ui context is used only on the thread that owns the SDL renderer.
 * Ownership: ui_create() borrows the renderer (the caller destroys it after ui_destroy()). */
#ifndef BORNE_UI_H
#define BORNE_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <SDL2/SDL.h>

#include "borne/ui_theme.h"

typedef struct ui ui;

#define UI_REPORT_TEXT_MAX 80    /* start of a text kept in the report, for messages */
#define UI_NO_TARGET (-1)

typedef struct ui_fill_rec {
    SDL_Rect rect;
    SDL_Color color;
} ui_fill_rec;

typedef struct ui_text_rec {
    SDL_Rect box;          /* the box the text was given */
    SDL_Rect ink;          /* the lines actually drawn (within box when fit) */
    bool fit;              /* the whole text was drawn inside the box */
    int cap_px;            /* cap height of the font used, pixels */
    int lines;
    SDL_Color fg;
    SDL_Color bg;          /* last fill drawn under the box centre before the text */
    char text[UI_REPORT_TEXT_MAX];
} ui_text_rec;

typedef struct ui_target_rec {
    int id;
    SDL_Rect rect;
    char label[UI_REPORT_TEXT_MAX];
} ui_target_rec;

typedef struct ui_report {
    int n_fills, n_texts, n_targets;
    const ui_fill_rec *fills;
    const ui_text_rec *texts;
    const ui_target_rec *targets;
    bool overflow;         /* more records than the report holds (a check failure by itself) */
} ui_report;

typedef struct ui_options {
    const char *assets_dir;   /* holds fonts/DejaVuSans.ttf and fonts/DejaVuSans-Bold.ttf */
    double width_mm, height_mm; /* visible screen size; <= 0 → assume 96 dpi */
    bool readback;            /* read the pixels back at the end of each frame (tests, PNGs) */
} ui_options;

/* Creates a context drawing on `r`. Fonts are read once here. Returns 0, or -1 with the reason
 * in errbuf. On success *out is owned by the caller: free with ui_destroy(). */
int ui_create(ui **out, SDL_Renderer *r, const ui_options *opt, char *errbuf, size_t errlen);
void ui_destroy(ui *u);

SDL_Renderer *ui_renderer(const ui *u);
const ui_theme *ui_get_theme(const ui *u);
/* Output size in pixels (read at each ui_begin_frame) and its physical density. */
int ui_width(const ui *u);
int ui_height(const ui *u);
bool ui_portrait(const ui *u);
double ui_px_per_mm(const ui *u);
/* Millimetres to pixels, rounded up so a size is never smaller than asked. Millimetres of the
 * layout: times the zoom in physical ones. */
int ui_mm(const ui *u, double mm);
/* Pixels to millimetres of the layout. */
double ui_to_mm(const ui *u, int px);
/* Pixels to physical millimetres, whatever the zoom (what the checks measure). */
double ui_physical_mm(const ui *u, int px);
/* Magnifies everything laid out in millimetres (text, targets, gaps): a large-text mode lays the
 * same screen out as a smaller one at 1.5. 1 by default; ui_px_per_mm() includes it. */
void ui_set_zoom(ui *u, double zoom);
double ui_zoom(const ui *u);
/* Changes the physical size (for example when the screen configuration changes). */
void ui_set_physical_size(ui *u, double width_mm, double height_mm);
void ui_set_readback(ui *u, bool on);
bool ui_get_readback(const ui *u);

/* Right to left (Arabic): from now on every rect and point the drawing and target calls receive
 * is mirrored about the screen's vertical axis, so a layout written left to right comes out
 * mirrored (back button on the right, first tile on the right, text aligned right) without the
 * callers changing. Text itself is never mirrored (ui_text shapes and orders it), nor are the
 * icons that carry no direction (ui_icon). Reports, hits and the focus ring are in screen space. */
void ui_set_rtl(ui *u, bool rtl);
bool ui_rtl(const ui *u);
/* Where a rect of the layout lands on the screen (itself when left to right). */
SDL_Rect ui_flip(const ui *u, SDL_Rect r);

/* ---- frame -------------------------------------------------------------------------------- */

/* Starts a frame: clears the report and the targets, clears the screen to `bg`. */
void ui_begin_frame(ui *u, SDL_Color bg);
/* Ends a frame: draws the focus ring, reads the pixels back when enabled. The caller then
 * calls SDL_RenderPresent (or not, offscreen). Returns 0, or -1 if the read-back failed. */
int ui_end_frame(ui *u);
/* The report of the last frame (valid until the next ui_begin_frame). */
ui_report ui_get_report(const ui *u);
/* Pixels of the last frame (ARGB8888, pitch = width * 4), NULL when read-back is off. */
const uint32_t *ui_pixels(const ui *u, int *w, int *h);
/* Writes the last frame's pixels as PNG (needs read-back). Returns 0 or -1 (SDL_GetError). */
int ui_save_png(const ui *u, const char *path);

/* ---- drawing (all recorded in the report) -------------------------------------------------- */

void ui_fill(ui *u, SDL_Rect r, SDL_Color c);
void ui_fill_rounded(ui *u, SDL_Rect r, int radius, SDL_Color c);
void ui_outline(ui *u, SDL_Rect r, int thickness, SDL_Color c);
void ui_fill_circle(ui *u, int cx, int cy, int radius, SDL_Color c);
void ui_fill_triangle(ui *u, SDL_FPoint a, SDL_FPoint b, SDL_FPoint c, SDL_Color col);
/* A segment `width` pixels thick with square ends. */
void ui_line(ui *u, SDL_FPoint a, SDL_FPoint b, float width, SDL_Color c);

/* Records that `text` was drawn (used by ui_text.c; not for callers). */
void ui_record_text(ui *u, const ui_text_rec *rec);
/* The colour of the last fill covering point (x, y) in this frame, for text records. */
SDL_Color ui_background_at(const ui *u, int x, int y);

/* ---- targets, input and focus ------------------------------------------------------------- */

/* Registers a touch target for this frame; id >= 0, unique in the frame. */
void ui_target(ui *u, int id, SDL_Rect r, const char *label);
/* Whether target `id` is held down by a finger or the mouse right now (for pressed colours). */
bool ui_is_pressed(const ui *u, int id);
bool ui_is_focused(const ui *u, int id);
/* Target under a point of the last frame, or UI_NO_TARGET. */
int ui_hit(const ui *u, int x, int y);
/* Feeds an SDL event. Returns the id of the target it activates (a tap that starts and ends on
 * the same target; Return/Enter/Space on the focused one), else UI_NO_TARGET. Tab, arrows and
 * the keypad's 8/2 move the focus; *redraw (may be NULL) is set when the look changed. Mouse
 * events synthesised from touch are ignored, so a tap never counts twice. */
int ui_input(ui *u, const SDL_Event *e, bool *redraw);
void ui_focus_next(ui *u);
void ui_focus_prev(ui *u);
/* Forgets the held target and the focus (the screen changed under the finger). */
void ui_input_reset(ui *u);
int ui_focused(const ui *u);

#endif
