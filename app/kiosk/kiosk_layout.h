/* Layout helpers shared by the kiosk's scenes (kiosk_layout.c). Not public.
 *
 * Layout is in millimetres from the physical screen size: the body cap height grows with the
 * screen (never below 5 mm), targets are never under 15 mm. A scene's draw function receives a
 * kiosk_layout computed once per frame and cuts the screen area into boxes with kl_cut_*. */
#ifndef BORNE_KIOSK_LAYOUT_H
#define BORNE_KIOSK_LAYOUT_H

#include <time.h>

#include "kiosk_internal.h"
#include "borne/ui_icon.h"
#include "borne/ui_text.h"
#include "borne/ui_widget.h"

#define KL_MIN_CAP 5.0
#define KL_LARGE_SCALE 1.5   /* large-text mode: every size 1.5 times its normal one */
#define KL_MIN_TARGET 16.0   /* 1 mm above the 15 mm rule, for rounding at any density */

typedef struct kiosk_layout {
    kiosk *k;
    ui *u;
    const ui_theme *t;
    double body, title;
    bool large;          /* the session's large-text mode: sizes are in magnified millimetres */
    bool compact;        /* large text on a 7-inch panel: only the words are magnified */
    double min_cap;      /* the smallest words of this layout (KL_MIN_CAP, 1.5 times in large text) */
    int gap, margin;
    bool portrait;
    bool small;          /* 7-inch class: every millimetre counts */
} kiosk_layout;

/* The layout of the current frame, from the screen's size and the session's text size. */
void kiosk_layout_init(kiosk_layout *l, kiosk *k);

int kl_mm(const kiosk_layout *l, double mm);
/* Take a strip of *a from one side (and the gap after it); the rest stays in *a. */
SDL_Rect kl_cut_top(SDL_Rect *a, int h, int gap);
SDL_Rect kl_cut_bottom(SDL_Rect *a, int h, int gap);
SDL_Rect kl_cut_left(SDL_Rect *a, int w, int gap);
SDL_Rect kl_cut_right(SDL_Rect *a, int w, int gap);

void kl_text(const kiosk_layout *l, SDL_Rect box, const char *s, double cap, bool bold, SDL_Color fg, ui_align h,
             ui_align v);
int kl_lines_h(const kiosk_layout *l, double cap, bool bold, int n);
/* Height of `s` wrapped in width w: at cap, or at the smallest size when a word is too long. */
int kl_text_h(const kiosk_layout *l, const char *s, double cap, bool bold, int w);
/* Whether s keeps the bold weight in width w: always, but in large text on a 7-inch panel, where
 * words that take three lines or more in bold take the regular weight when that saves a line
 * (a question three lines tall leaves no room for a row of two-line choices above the page
 * buttons). */
bool kl_bold_holds(const kiosk_layout *l, const char *s, double cap, int w);
/* Draws s at the top of *a, taking the height it needs. */
void kl_text_block(const kiosk_layout *l, SDL_Rect *a, const char *s, double cap, bool bold, SDL_Color fg, int gap);
int kl_button_h(const kiosk_layout *l, double cap, int lines);
void kl_button(const kiosk_layout *l, int id, SDL_Rect r, const char *label, const char *sub, ui_icon_kind icon,
               ui_button_kind kind, double cap);
SDL_Rect kl_screen_area(const kiosk_layout *l);

void kl_format_date(const kiosk_layout *l, char *out, size_t n, const struct tm *tm);
void kl_format_hours(const kiosk_layout *l, char *out, size_t n, int weekday_mon0);
struct tm kl_local_now(const kiosk_layout *l);

/* Blue band: antenne name and date, the time. Returns its height (kl_header_h without drawing). */
int kl_header(const kiosk_layout *l);
int kl_header_h(const kiosk_layout *l);
/* Title row of the inner screens: a back (or other) button, the question next to it. Returns the
 * area left under it. */
SDL_Rect kl_title_row(const kiosk_layout *l, int button_id, const char *button_key, ui_icon_kind icon,
                      const char *title);
int kl_language_button_w(const kiosk_layout *l, int h);
void kl_language_button(const kiosk_layout *l, SDL_Rect r);
/* The large-text toggle (home), the width its label needs on one line, the height it needs in
 * width w. */
int kl_large_text_button_w(const kiosk_layout *l);
int kl_large_text_button_h(const kiosk_layout *l, int w);
/* Whether its label holds whole in width w, on one or two lines. */
bool kl_large_text_button_holds(const kiosk_layout *l, int w);
void kl_large_text_button(const kiosk_layout *l, SDL_Rect r);
/* The row of the offered languages, each named in its own language, the session's one ticked.
 * kl_language_row_h: the height it takes in width w and its columns, or -1 when the names do not
 * fit even three rows (then a scene shows them). */
int kl_language_row_h(const kiosk_layout *l, int w, int *cols);
void kl_language_row(const kiosk_layout *l, SDL_Rect area, int cols);
/* Cell i of n tiles in a grid of `cols` columns filling area. */
SDL_Rect kl_grid_cell(const kiosk_layout *l, SDL_Rect area, int n, int cols, int i);
/* The service tiles in a grid of `cols` columns, leaving `extra` cells free after them; where the
 * labels do not all hold whole beside their letters (large text, many services), pages with the
 * extra cells first. Returns the first extra cell, or an empty rect when it is on another page. */
SDL_Rect kl_service_tiles(const kiosk_layout *l, SDL_Rect area, int cols, int extra);
/* Rows of row_h, `cols` cells each, for n cells in *area; when they do not all fit, pages with
 * "previous" and "more" buttons at the bottom (the page in the kiosk's page state, which the
 * spoken description reads). Returns how many cells this page shows, from *first; *area becomes
 * where their rows go. */
int kl_page(const kiosk_layout *l, SDL_Rect *area, int n, int cols, int row_h, int *first);
/* Blocks of heights h[0..n) on pages of page_h, in order (a block taller than a page has one of
 * its own); the last page also needs last_extra (its action). Fills page_of; returns the number
 * of pages (one more when the action has a page alone). */
int kl_paginate(const kiosk_layout *l, const int *h, int n, int page_h, int last_extra, int *page_of);
void kl_status_line(const kiosk_layout *l, SDL_Rect row, const char *msg, bool failed);
/* The phone-layout digit keypad, and the area it takes from *a; with_letters: "ABC" left of 0,
 * to the code's letters (appointment codes). */
void kl_keypad(const kiosk_layout *l, SDL_Rect a, bool with_letters);
SDL_Rect kl_keypad_area(const kiosk_layout *l, SDL_Rect *a);
/* Large text on a 7-inch landscape panel: the keypad, the field and their buttons (with_letters:
 * "ABC" too) in a shorter arrangement taken from *a (the rest stays there); true when it drew
 * them, false elsewhere, where the scene lays out kl_keypad and kl_code_field. */
bool kl_compact_code_entry(const kiosk_layout *l, SDL_Rect *a, const char *shown, bool can_ok, bool with_letters);
/* The field showing what was typed, then erase and confirm, then the hint below. */
void kl_code_field(const kiosk_layout *l, SDL_Rect *a, const char *shown, bool can_ok, const char *hint);
/* The height of the field and its buttons in width w (without the hint). */
int kl_code_field_h(const kiosk_layout *l, int w);

#endif
