/* The waiting-room display (`borne --role display`): a TV on a board showing the current call
 * large, the previous calls, and per-service waiting counts with the estimated wait. It follows
 * the hub's event stream (the LAN client, borne/client.h, read-only) and survives the hub going away.
 *
 * A new call (or recall) is shown with a ring around the number that fades over 3 s (no
 * flashing) and a written French sentence ("Le numéro F001 est attendu au Guichet 2"), and is
 * announced: a chime, then the call spoken in French by espeak-ng ("Le numéro èf 1, Guichet 2.",
 * see borne/announce.h). Announcements queue on the announcer's worker thread, so a new call
 * never cuts the previous one and the UI thread never waits for synthesis or audio. Without an
 * audio device the display stays silent; without the voice it plays the chime only.
 *
 * Threads: the SDL thread, plus the announcer's worker; the client's threads wake the SDL thread
 * with shell_wake() (borne/shell.h).
 * Ownership: display_create() borrows the renderer and copies the options' strings. */
#ifndef BORNE_DISPLAY_H
#define BORNE_DISPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <SDL2/SDL.h>

#include "borne/announce.h"
#include "borne/client.h"
#include "borne/ui.h"

typedef struct display_app display_app;

typedef struct display_options {
    const char *assets_dir;        /* fonts/; NULL → "assets" */
    const char *hub_url;
    double width_mm, height_mm;
    bool readback;
    bool sound;                    /* open the audio device for the announcements */
    const announce_sink *sink;     /* tests: announcements go here instead (copied); NULL → SDL */
    announce_options announce;     /* the voice; zero → French */
    client_options client;
} display_options;

int display_create(display_app **out, SDL_Renderer *r, const display_options *o, char *errbuf,
                   size_t errlen);
void display_destroy(display_app *a);

/* Feeds an SDL event; new calls are announced here. Returns whether to redraw. */
bool display_handle_event(display_app *a, const SDL_Event *e);
/* Draws one frame at `now_ms` (monotonic milliseconds, for the highlight's fade). */
int display_draw(display_app *a, int64_t now_ms);
/* Whether a new call's ring is still fading at now_ms: frames are due every 100 ms until not. */
bool display_animating(const display_app *a, int64_t now_ms);
ui *display_get_ui(display_app *a);
/* The hub's view as of the last wake-up handled (connected, calls, services). */
void display_get_view(const display_app *a, client_view *out);
/* Calls announced so far (sentence shown, announcement queued). */
int display_announced(const display_app *a);
/* The French sentence of the last announcement ("" before any). */
const char *display_sentence(const display_app *a);

#endif
