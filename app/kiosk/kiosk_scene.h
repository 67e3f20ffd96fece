/* The scene manager (the Flipper Zero firmware's model): every kiosk screen is a scene, listed
 * once in include/borne/kiosk_scene_config.h and written in one file, scenes/scene_<name>.c,
 * which defines `const kiosk_scene kiosk_scene_<name>`. A scene draws itself, reacts to events,
 * says what it is (for speech) and names where Back goes. The manager keeps the back stack and
 * calls on_exit/on_enter when the screen changes. Not public. */
#ifndef BORNE_KIOSK_SCENE_H
#define BORNE_KIOSK_SCENE_H

#include "kiosk_layout.h"

typedef enum kiosk_scene_event_kind {
    KIOSK_EV_TARGET,     /* a target of the scene was activated (tap, select key): .target */
    KIOSK_EV_TEXT,       /* text typed (barcode scanner, keypad digits): .text */
    KIOSK_EV_TICK,       /* time passed (at least once a second) */
    KIOSK_EV_PRINTER,    /* the printer's state or the shown ticket's print status changed */
    KIOSK_EV_NOWHERE,    /* a touch outside every target: .x, .y */
} kiosk_scene_event_kind;

typedef struct kiosk_scene_event {
    kiosk_scene_event_kind kind;
    int target;
    const char *text;
    int x, y;
    int64_t now_ms;
} kiosk_scene_event;

/* Where Back goes: the previous scene on the stack. */
#define KIOSK_BACK_POP ((kiosk_screen)-1)
/* Back ends the session (result, thanks, admin). */
#define KIOSK_BACK_END ((kiosk_screen)-2)

enum {
    KIOSK_SCENE_TIMED = 1u << 0,     /* the idle warning and reset apply */
    KIOSK_SCENE_CLOCK = 1u << 1,     /* shows the time and the opening state (home, closed) */
    KIOSK_SCENE_DIGITS = 1u << 2,    /* the keypad's digit keys type digits instead of moving */
    KIOSK_SCENE_ANY_INPUT_BACK = 1u << 3,  /* any key but select, or a touch outside the targets,
                                              goes Back (the idle warning) */
    KIOSK_SCENE_SECRET = 1u << 4,    /* what is typed is never spoken, not even in a headset (the
                                        admin PIN) */
};

typedef struct kiosk_scene {
    void (*on_enter)(kiosk *k);                                   /* NULL: nothing */
    /* true when the scene handled the event; a T_BACK it leaves goes to `back`. */
    bool (*on_event)(kiosk *k, const kiosk_scene_event *e);
    void (*on_exit)(kiosk *k);                                    /* NULL: nothing */
    void (*draw)(const kiosk_layout *l);
    /* Fills title, state and one choice per target it draws (kiosk_say_*). */
    void (*describe)(kiosk *k, kiosk_spoken *d);
    kiosk_screen back;               /* KIOSK_BACK_POP, KIOSK_BACK_END or a scene to return to */
    unsigned flags;
} kiosk_scene;

#define ADD_SCENE(name, id) extern const kiosk_scene kiosk_scene_##name;
#include "borne/kiosk_scene_config.h"
#undef ADD_SCENE

const kiosk_scene *kiosk_scene_of(kiosk_screen s);
/* Shows s on top of the current scene (Back returns to it). */
void kiosk_scene_next(kiosk *k, kiosk_screen s);
/* Shows s instead of the current scene (Back skips the current one). */
void kiosk_scene_replace(kiosk *k, kiosk_screen s);
/* Starts a new path from home: the stack becomes [home] and s shows. */
void kiosk_scene_start(kiosk *k, kiosk_screen s);
/* Goes where the current scene's Back goes. */
void kiosk_scene_back(kiosk *k);
/* The whole stack is dropped and s shows alone (session end, tools). */
void kiosk_scene_reset(kiosk *k, kiosk_screen s);
/* Sends e to the current scene; true when handled. */
bool kiosk_scene_event_send(kiosk *k, const kiosk_scene_event *e);

/* Building a description. */
void kiosk_say_title(kiosk_spoken *d, const char *title);
void kiosk_say_state(kiosk_spoken *d, const char *state);
/* One choice: its target, its label as drawn, and its key in words ("" = arrows, then select). */
void kiosk_say_choice(kiosk_spoken *d, int target, const char *label, const char *key);
/* The services as choices, in the order of the tiles. */
void kiosk_say_services(kiosk *k, kiosk_spoken *d);
/* The offered languages as choices, in the order of the row, each said in its own voice. */
void kiosk_say_languages(kiosk *k, kiosk_spoken *d);
/* Paged lists (kl_page): whether cell i is on the page the last frame drew (every cell when the
 * list is not paged), and the page buttons that frame drew. */
bool kiosk_page_shows(const kiosk *k, int i);
void kiosk_say_page_prev(kiosk *k, kiosk_spoken *d);
void kiosk_say_page_next(kiosk *k, kiosk_spoken *d);
/* The ten digit keys of the screen's keypad, each typed by the same key of the keypad. */
void kiosk_say_digit_keys(kiosk *k, kiosk_spoken *d);
/* What was typed so far, spelled character by character in a headset ("Code : R D V tiret 7");
 * on the loudspeaker only how many characters (EN 301 549 5.1.3.8-9). */
void kiosk_code_words(const kiosk *k, char *out, size_t n);
/* The code typed, spelled character by character ("R D V tiret 7"): for a headset only. */
void kiosk_code_spelled(const kiosk *k, char *out, size_t n);
/* One character of a code as speech says it: itself, or a word where espeak-ng would say nothing
 * (the hyphen). Returns out or a catalog string. */
const char *kiosk_spoken_char(const kiosk *k, char c, char out[2]);
/* The spoken name of the back key, for the Back choices. */
const char *kiosk_key_words(const kiosk *k, const char *action);
/* The code scenes' title (catalog key) and the code typed so far, as kiosk_code_words says it. */
void kiosk_say_code(kiosk *k, kiosk_spoken *d, const char *title_key);

#endif
