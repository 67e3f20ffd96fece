/* The desk appliance (`borne --role counter`): the screen of one desk ("guichet", a counter in
 * the engine's words), an SDL client of the hub's LAN API (through borne/client.h). Big
 * buttons: Appeler le suivant, Rappeler, Absent, Terminé, Transférer, Ouvrir / Pause / Fermer; waiting counts per service; the
 * current visitor with the time waited and, for an appointment, its time and the agent's note
 * ("Rendez-vous de 10:30 — note : …"); "Hub injoignable" while the hub is away (operations
 * are retried with their idempotency key, never done twice).
 *
 * Threads: everything here runs on the SDL thread; the client's threads only wake it with an
 * SDL user event (shell_wake(), borne/shell.h).
 *
 * Ownership: appliance_create() borrows the renderer (destroy it after appliance_destroy()) and
 * copies the options' strings. */
#ifndef BORNE_APPLIANCE_H
#define BORNE_APPLIANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <SDL2/SDL.h>

#include "borne/client.h"
#include "borne/ui.h"

typedef struct appliance appliance;

typedef struct appliance_options {
    const char *assets_dir;        /* fonts/; NULL → "assets" */
    const char *hub_url;           /* "http://kiosk.local:8080" */
    int counter_id;
    const char *token;
    double width_mm, height_mm;    /* visible screen size; <= 0 → 96 dpi */
    bool readback;                 /* keep the pixels of each frame (tests, screenshots) */
    client_options client;
} appliance_options;

int appliance_create(appliance **out, SDL_Renderer *r, const appliance_options *o, char *errbuf,
                     size_t errlen);
void appliance_destroy(appliance *a);

/* Feeds an SDL event (taps, keys, client wake-ups). Returns whether to redraw. */
bool appliance_handle_event(appliance *a, const SDL_Event *e);
/* Draws one frame for wall-clock time `now` (Unix seconds); the caller presents it. */
int appliance_draw(appliance *a, int64_t now);
ui *appliance_get_ui(appliance *a);
void appliance_get_view(appliance *a, client_view *out);

/* Reads a desk's token file: the shared secret rules (borne/secret.h, same messages), then the
 * LAN alphabet (lan_token_valid). Returns 0, or -1 with errbuf set and out "". */
int appliance_read_token(const char *path, char *out, size_t cap, char *errbuf, size_t errlen);

#endif
