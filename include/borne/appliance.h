/* The desk appliance (`borne --role counter`): the screen of one desk ("guichet", a counter in
 * the engine's words), an SDL client of the hub's LAN API (through borne/client.h). Big
 * buttons: Appeler le suivant, Rappeler, Accueillir, Absent, Transférer, Ouvrir / Pause / Fermer;
 * what the desk records in one tap, in the wire contract's words (borne/contract.h): how a visit
 * ended (Réponse sur place, Orienté vers un partenaire — then which one, from the antenne's
 * list —, Aide à une démarche en ligne, Rendez-vous à suivre) and, between visitors, a contact by
 * Téléphone or Courriel; waiting counts per service; the
 * current visitor with the time waited and, for an appointment, its time and the agent's note
 * ("Rendez-vous de 10:30 — note : …"); "Hub injoignable" while the hub is away (operations
 * are retried with their idempotency key, never done twice). The silent safety alarm: a discreet
 * "Alerte" button held 2 s (or Ctrl+Alt+A) raises it; another desk's alarm takes the visitor's
 * panel with "J'ai vu / J'appelle / J'arrive" and rings until answered; the raiser sees who
 * answered, "transmise au siège" or not, and clears it with a reason (appliance_alarm.c).
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
#include "borne/speech.h"
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
    /* tests: the alarm tone goes here (copied; its ctx outlives the appliance); NULL → the SDL
     * audio device (none: the desk only shows alarms, logged) */
    const speech_sink *sink;
} appliance_options;

int appliance_create(appliance **out, SDL_Renderer *r, const appliance_options *o, char *errbuf,
                     size_t errlen);
void appliance_destroy(appliance *a);

/* Feeds an SDL event (taps, keys, client wake-ups). Returns whether to redraw. */
bool appliance_handle_event(appliance *a, const SDL_Event *e);
/* Time-driven work: the alarm's press-and-hold (raises after LAN_ALARM_HOLD_MS held) and its tone
 * (every 3 s while another desk's alarm waits for this desk's answer). Returns whether to redraw.
 * Call it at least as often as appliance_next_wakeup_ms() asks. */
bool appliance_tick(appliance *a);
/* Milliseconds until appliance_tick() has something to do (>= 0), or -1 when nothing is due. */
int appliance_next_wakeup_ms(appliance *a);
/* Draws one frame for wall-clock time `now` (Unix seconds); the caller presents it. */
int appliance_draw(appliance *a, int64_t now);
ui *appliance_get_ui(appliance *a);
void appliance_get_view(appliance *a, client_view *out);

/* Reads a desk's token file: the shared secret rules (borne/secret.h, same messages), then the
 * LAN alphabet (lan_token_valid). Returns 0, or -1 with errbuf set and out "". */
int appliance_read_token(const char *path, char *out, size_t cap, char *errbuf, size_t errlen);

#endif
