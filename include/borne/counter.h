/* The counter appliance (`borne --role counter`): a desk screen for one counter, an SDL client
 * of the hub's LAN API (through counter_client). Big buttons: Appeler le suivant, Rappeler,
 * Absent, Terminé, Transférer, Ouvrir / Pause / Fermer; waiting counts per service; the
 * current visitor with the time waited and, for an appointment, its time and the agent's note
 * ("Rendez-vous de 10:30 — note : …"); "Hub injoignable" while the hub is away (operations
 * are retried with their idempotency key, never done twice).
 *
 * Threads: everything here runs on the SDL thread; the client's threads only wake it with an
 * SDL user event (counter_event_type()).
 *
 * Ownership: counter_create() borrows the renderer (destroy it after counter_destroy()) and
 * copies the options' strings. */
#ifndef BORNE_COUNTER_H
#define BORNE_COUNTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <SDL2/SDL.h>

#include "borne/config.h"
#include "borne/counter_client.h"
#include "borne/ui.h"

typedef struct counter_app counter_app;

typedef struct counter_options {
    const char *assets_dir;        /* fonts/; NULL → "assets" */
    const char *hub_url;           /* "http://kiosk.local:8080" */
    int counter_id;
    const char *token;
    double width_mm, height_mm;    /* visible screen size; <= 0 → 96 dpi */
    bool readback;                 /* keep the pixels of each frame (tests, screenshots) */
    counter_client_options client;
} counter_options;

int counter_create(counter_app **out, SDL_Renderer *r, const counter_options *o, char *errbuf,
                   size_t errlen);
void counter_destroy(counter_app *a);

/* The SDL event type the client's threads push when the view changed, and the notify
 * callback that pushes it (thread-safe; the display uses it too). */
uint32_t counter_event_type(void);
void counter_push_wake(void *ctx);

/* Feeds an SDL event (taps, keys, client wake-ups). Returns whether to redraw. */
bool counter_handle_event(counter_app *a, const SDL_Event *e);
/* Draws one frame for wall-clock time `now` (Unix seconds); the caller presents it. */
int counter_draw(counter_app *a, int64_t now);
ui *counter_get_ui(counter_app *a);
void counter_get_view(counter_app *a, counter_view *out);

/* The appliance's main loop: window from cfg->ui, counter `counter_id` of cfg with the token
 * of its token_file, hub at hub_url. Returns when the window is closed: 0, or -1 with errbuf. */
int counter_run(const borne_config *cfg, const char *hub_url, int counter_id,
                const char *assets_dir, char *errbuf, size_t errlen);

#endif
