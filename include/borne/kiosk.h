/* The entrance kiosk: the screens a visitor uses to take a ticket, check in for an appointment
 * and give feedback, plus the idle return and the hidden admin screen.
 *
 * It runs on the SDL thread. Engine calls (queue_*) are made there: they are short SQLite
 * transactions. Printing goes through printer_submit(), which never blocks; the printer's
 * callbacks run on the printer thread and are forwarded as SDL user events (see
 * kiosk_printer_callbacks), which kiosk_handle_event() consumes.
 *
 * It runs as a role of the application shell (borne/shell.h), which owns the loop: the kiosk
 * redraws only when something changed and tells the loop when it must wake next (the next
 * minute on an idle home screen), so an idle kiosk uses about no CPU.
 *
 * Ownership: kiosk_create() borrows cfg, q, p (may be NULL: no printer) and the renderer; they
 * must outlive the kiosk. Free the kiosk with kiosk_destroy(). */
#ifndef BORNE_KIOSK_H
#define BORNE_KIOSK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <SDL2/SDL.h>

#include "borne/clock.h"
#include "borne/config.h"
#include "borne/printer.h"
#include "borne/queue.h"
#include "borne/speech.h"

typedef struct kiosk kiosk;

/* One screen per scene of include/borne/kiosk_scene_config.h: KIOSK_HOME, KIOSK_SERVICES, ... */
typedef enum kiosk_screen {
#define ADD_SCENE(name, id) KIOSK_##id,
#include "borne/kiosk_scene_config.h"
#undef ADD_SCENE
    KIOSK_SCREEN_COUNT
} kiosk_screen;

const char *kiosk_screen_name(kiosk_screen s);   /* "home", "services", ... */

typedef struct kiosk_options {
    const char *assets_dir;     /* fonts/ and i18n/; NULL → "assets" */
    borne_clock clock;          /* wall clock (borne/clock.h); {0} → the real one; tests inject theirs */
    bool readback;              /* keep each frame's pixels (tests, PNGs, kiosk_screenshot) */
    const char *screens_dir;    /* when set, a PNG of every new screen is written there
                                   (NNN-<screen>.png); implies readback. The program's
                                   --screens is the shell's, for every role */
    /* Whether the wall clock can be trusted yet (a board without RTC boots in 1970). Until it
     * says yes the kiosk shows "starting", issues no ticket and rolls no day over; once it said
     * yes it is not asked again. NULL → always trusted. */
    bool (*clock_trusted)(int64_t now_s, void *ctx);
    void *clock_trusted_ctx;
    /* Sound (speech, clicks, tones). NULL → the SDL audio device; without one the kiosk is
     * silent and the admin screen says so. Tests pass speech_memory_sink(). */
    const speech_sink *audio_sink;
    /* Called on the speech worker with each text spoken (logs, tests). NULL: none. */
    void (*on_spoken)(void *ctx, const char *voice, const char *text);
    void *on_spoken_ctx;
    /* Where a headset is plugged: the evdev switch devices are found under this directory
     * (NULL → "/dev/input"; "" → no headset jack is watched). */
    const char *input_dir;
    /* New business settings from headquarters (fleet_apply_pending): called from kiosk_tick only
     * while no visitor is mid-flow (home or closed screen); returning 1 means the engine's setup
     * changed and the kiosk reads it again. NULL → never. */
    int (*apply_business)(void *ctx, queue *q, int64_t now_s);
    void *apply_business_ctx;
    /* A visitor who rated the visit rain or storm asks to speak to an agent: tells every desk
     * (the kiosk role: hub_request_agent), on the UI thread, so it must not block. NULL → the
     * kiosk does not offer it (no desk would hear). */
    void (*ask_agent)(void *ctx);
    void *ask_agent_ctx;
} kiosk_options;

/* Fills the printer callbacks that forward printer events to the kiosk through SDL_PushEvent.
 * Call after SDL_Init and before printer_start(). Returns 0, or -1 if SDL has no user event
 * left. */
int kiosk_printer_callbacks(printer_callbacks *out);

int kiosk_create(kiosk **out, const borne_config *cfg, queue *q, printer *p, SDL_Renderer *r,
                 const kiosk_options *opt, char *errbuf, size_t errlen);
void kiosk_destroy(kiosk *k);

/* Handles one SDL event (touch, mouse, keys, text from a barcode scanner, printer events,
 * window events). Returns true when the screen must be redrawn. */
bool kiosk_handle_event(kiosk *k, const SDL_Event *e);
/* Advances time-driven things (clock, idle countdown, result timeout, last calls, opening
 * hours). Returns true when the screen must be redrawn. Call by kiosk_next_wakeup_ms(). */
bool kiosk_tick(kiosk *k);
/* Draws the current screen (does not present). Returns 0, or -1 if a frame read-back failed. */
int kiosk_render(kiosk *k);
/* Milliseconds until kiosk_tick() has something to do: the next minute on an idle screen, less
 * during countdowns and timed screens (at most 60000). */
int kiosk_next_wakeup_ms(const kiosk *k);

kiosk_screen kiosk_current_screen(const kiosk *k);
/* The widget context (owned by the kiosk): frame report, pixels and checks for tests/tools. */
struct ui *kiosk_get_ui(kiosk *k);
/* Draws the current screen and writes it as PNG. Returns 0, or -1 (SDL_GetError()). */
int kiosk_screenshot(kiosk *k, const char *path);
/* Shows a screen directly (screenshot tools and tests); the flow state is reset. */
void kiosk_show(kiosk *k, kiosk_screen s);
/* Centre of the touch target whose label equals `label` (or starts with it) in the last
 * frame; false when there is none. */
bool kiosk_find_target(kiosk *k, const char *label, int *x, int *y);
/* A tap at (x, y) as SDL_FINGERDOWN + SDL_FINGERUP through kiosk_handle_event. */
void kiosk_tap(kiosk *k, int x, int y);
/* Whether the last frame drew a text containing `needle`. */
bool kiosk_frame_has_text(kiosk *k, const char *needle);

/* Runs a scripted scenario, one command per line ('#' comments):
 *   tap <label>        tap the target with that label (or label prefix)
 *   type <text>        text input, as a barcode scanner types it
 *   key <name>         a key press: return, tab, backspace, escape, up, down, left, right
 *   expect <screen>    the current screen must be that one (kiosk_screen_name)
 *   see <text>         the screen must show a text containing it
 *   shot <file.png>    screenshot
 * Returns 0, or -1 with "script:line: what failed" in errbuf. */
int kiosk_run_script(kiosk *k, const char *script, char *errbuf, size_t errlen);

/* What a scene says when it is spoken (item 5.1.3 of EN 301 549): its title, its choices in the
 * order the focus visits them, each with the key that selects it, and its state (the code typed
 * so far, the countdown). Every target a scene draws is one of its choices. */
#define KIOSK_SPOKEN_CHOICES 32   /* the code's letters page: back, 26 letters, hyphen, pages */
typedef struct kiosk_spoken_choice {
    int target;              /* the id of the target drawn for it */
    char label[96];          /* as drawn */
    char key[64];            /* the key that selects it, in words ("touche moins"); "" = move the
                                focus to it with the arrows and press the select key */
    char voice[8];           /* the voice that says it as the focus reaches it; "" = the session's
                                (a language's name is said in that language) */
} kiosk_spoken_choice;

typedef struct kiosk_spoken {
    char title[256];
    char state[256];
    int n_choices;
    kiosk_spoken_choice choices[KIOSK_SPOKEN_CHOICES];
} kiosk_spoken;

/* The current scene's description, and the text spoken for it in the session's language
 * (returns its length, like snprintf). */
void kiosk_describe(kiosk *k, kiosk_spoken *out);
size_t kiosk_spoken_text(kiosk *k, const kiosk_spoken *d, char *out, size_t n);

/* A headset was plugged in (true) or out: what the evdev watcher's SW_HEADPHONE_INSERT event does
 * (speech starts in the headset, typed digits are spoken). For tests and tools. */
void kiosk_set_headset(kiosk *k, bool plugged);
/* Whether speech is on for this session (speech key, headset). */
bool kiosk_speech_on(const kiosk *k);
/* Whether the session shows large text. */
bool kiosk_large_text(const kiosk *k);
/* Why the configured keypad ([keypad] device) is not there ("path: reason"), "" when it is or
 * when none is configured. The admin screen shows it. */
const char *kiosk_keypad_problem(const kiosk *k);

/* Seconds left on the idle countdown while KIOSK_IDLE shows, else -1. */
int kiosk_idle_seconds_left(const kiosk *k);
/* Label of the last ticket shown on the result screen ("" before any). */
const char *kiosk_last_ticket(const kiosk *k);
/* The ticket number `label` as the kiosk prints it: drawn in the screen's bold typeface for the
 * configured printer model's paper. 0, or -1 when it cannot be drawn (the ticket then carries
 * the label in the printer's font; *out is emptied). */
int kiosk_number_art(kiosk *k, const char *label, printer_art *out);
/* How long the result screen stays for the current ticket, seconds. */
int kiosk_result_hold_s(const kiosk *k);

#endif
