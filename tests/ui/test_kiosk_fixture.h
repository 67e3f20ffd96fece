/* A kiosk on a real engine (temporary SQLite file), a real printer driver over the in-memory
 * fake transport, an injected clock, and the program's application shell (its window of a
 * chosen size on the dummy video driver, its software renderer, its loop). Shared by the kiosk
 * tests and the benchmark. */
#ifndef TEST_KIOSK_FIXTURE_H
#define TEST_KIOSK_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include <pthread.h>

#include <SDL2/SDL.h>

#include "borne/config.h"
#include "borne/kiosk.h"
#include "borne/printer.h"
#include "borne/queue.h"
#include "borne/shell.h"
#include "borne/transport.h"

typedef struct fixture_screen {
    const char *name;          /* "7in-800x480" */
    int w, h;                  /* pixels */
    double w_mm, h_mm;         /* visible size */
} fixture_screen;

/* The three screens every UI rule is checked on. */
extern const fixture_screen fixture_screens[3];
extern const fixture_screen fixture_screen_1024;

typedef struct fixture {
    borne_config cfg;
    queue *q;
    printer *p;
    printer_fake *fake;
    shell *sh;
    SDL_Renderer *r;           /* the shell's */
    kiosk *k;
    int64_t now_ms;            /* the kiosk's clock */
    char dir[512];
    speech_memory *audio;      /* the kiosk's sound goes here (plays against the wall clock) */
    pthread_mutex_t spoken_mu; /* what the kiosk said, texts separated by '\n' (speech worker) */
    char spoken[16384];
    size_t spoken_len;
} fixture;

/* Monday 23 November 2026, 10:00 Paris time (open). */
int64_t fixture_open_time_ms(void);

/* Sets up everything; options may tweak cfg before the kiosk is created (NULL = defaults).
 * Returns false (with a message on stderr) when something failed. */
bool fixture_open(fixture *f, const char *name, const fixture_screen *s, void (*tweak)(borne_config *cfg),
                  int64_t now_ms, bool with_printer);
/* The same, with the program's own sound (the SDL audio device: SDL_AUDIODRIVER decides) instead
 * of the memory sink when sdl_audio, and another assets directory when assets_dir is set. */
typedef struct fixture_extra {
    bool sdl_audio;
    const char *assets_dir;
    void (*ask_agent)(void *ctx);   /* the kiosk's "speak to an agent" (kiosk_options) */
    void *ask_agent_ctx;
} fixture_extra;
bool fixture_open_with(fixture *f, const char *name, const fixture_screen *s, void (*tweak)(borne_config *cfg),
                       int64_t now_ms, bool with_printer, const fixture_extra *x);
void fixture_close(fixture *f);
/* The kiosk as a row of the shell (self = the fixture). */
extern const shell_role fixture_kiosk_role;
/* Runs the shell's loop over the kiosk (events, ticks, frames) until `until` holds, for at most
 * timeout_ms (NULL: one turn, draining what is pending). */
bool fixture_pump(fixture *f, bool (*until)(fixture *f), int timeout_ms);
/* The kiosk clock the fixture injects (ctx = the fixture): for tests that create their own kiosk. */
int64_t fixture_kiosk_clock(void *ctx);
/* Advances the injected clock and ticks the kiosk. */
void fixture_advance(fixture *f, int64_t ms);
/* Copies what the kiosk said so far (texts separated by '\n') into out. */
void fixture_spoken(fixture *f, char *out, size_t n);
/* Taps the target labelled `label`; false when there is none. */
bool fixture_tap(fixture *f, const char *label);
/* Whether bytes[0..len) print the ticket number `label` as the kiosk draws it
 * (kiosk_number_art): the GS v 0 picture, header and dots byte for byte. */
bool fixture_printed_number(fixture *f, const uint8_t *bytes, size_t len, const char *label);
/* Imports an appointment `code` at `at` (Unix seconds) for service A, as the CSV import would. */
void fixture_add_appointment(fixture *f, const char *code, int64_t at);

#endif
