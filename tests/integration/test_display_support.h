/* The waiting-room display in tests (test_display_screens, test_alarm_silence, test_hub_display,
 * test_display_announce): a display on a window of the dummy video driver against a fixture's hub,
 * its events handled as the shell handles them until the view the test waits for. */
#ifndef TEST_DISPLAY_SUPPORT_H
#define TEST_DISPLAY_SUPPORT_H

#include <stdbool.h>

#include "borne/display.h"
#include "test_hub_support.h"

typedef struct td_display {
    SDL_Window *window;
    SDL_Renderer *renderer;
    display_app *a;
} td_display;

/* Opens a display of the hub of f on a w×h window of w_mm×h_mm, keeping its pixels. false
 * (checked) on failure; td_close() in every case. SDL must be initialised (video, events). */
bool td_open(td_display *d, th_fixture *f, int w, int h, double w_mm, double h_mm);
void td_close(td_display *d);
/* Handles the display's events until pred(view, ctx) holds; false after timeout_ms. */
bool td_pump(td_display *d, bool (*pred)(const client_view *v, const void *ctx), const void *ctx,
             int timeout_ms);

/* Handles a display's events as the shell does, drawing a frame after each wait, until done(a, ctx)
 * holds (true) or timeout_ms passes (false). *frames (may be NULL) gets the frames drawn; a frame
 * that fails to draw fails a check. */
bool td_pump_app(display_app *a, bool (*done)(display_app *a, const void *ctx), const void *ctx, int timeout_ms,
                 int *frames);
/* A done() for td_pump_app: the display holds the hub's state, so calls made from now on are new
 * calls to announce, not the day's history (which a display that connects late never announces). */
bool td_has_state(display_app *a, const void *ctx);
/* Whether the display's last frame shows a text containing needle. */
bool td_drawn(display_app *a, const char *needle);

#endif
