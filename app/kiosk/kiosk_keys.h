/* The keypad's keys: which SDL key does what on the kiosk. A USB numeric keypad is an evdev
 * keyboard that SDL delivers as key events; the map is data (config section [keypad], one line
 * per action: `back = Keypad -, Escape`, SDL key names), with a default for a plain keypad.
 * Not public. */
#ifndef BORNE_KIOSK_KEYS_H
#define BORNE_KIOSK_KEYS_H

#include <stddef.h>

#include <SDL2/SDL.h>

#define KIOSK_ACTIONS(X) \
    X(UP, "up", "Keypad 8, Up") \
    X(DOWN, "down", "Keypad 2, Down, Tab") \
    X(LEFT, "left", "Keypad 4, Left") \
    X(RIGHT, "right", "Keypad 6, Right") \
    X(SELECT, "select", "Keypad 5, Keypad Enter, Return, Space") \
    X(BACK, "back", "Keypad -, Escape") \
    X(ERASE, "erase", "Backspace, Keypad Backspace, Delete") \
    X(REPEAT, "repeat", "Keypad *, F1") \
    X(SPEECH, "speech", "Keypad /, F2") \
    X(VOLUME_UP, "volume_up", "Keypad +, VolumeUp") \
    X(VOLUME_DOWN, "volume_down", "Keypad ., VolumeDown") \
    X(LARGE_TEXT, "large_text", "Keypad 0, F3")

typedef enum kiosk_action {
    KIOSK_ACT_NONE = 0,
#define KIOSK_ACTION_ENUM(id, name, keys) KIOSK_ACT_##id,
    KIOSK_ACTIONS(KIOSK_ACTION_ENUM)
#undef KIOSK_ACTION_ENUM
    KIOSK_ACT_COUNT
} kiosk_action;

#define KIOSK_KEYMAP_MAX 64

typedef struct kiosk_keymap {
    int n;
    struct {
        SDL_Keycode key;
        kiosk_action action;
    } keys[KIOSK_KEYMAP_MAX];
} kiosk_keymap;

const char *kiosk_action_name(kiosk_action a);
/* The action named `name` ("back"), KIOSK_ACT_NONE when unknown. */
kiosk_action kiosk_action_named(const char *name);
void kiosk_keymap_default(kiosk_keymap *m);
/* Maps the comma-separated SDL key names in `keys` to action a, replacing its keys. Returns 0, or
 * -1 with the unknown key name in errbuf (the map is then unchanged). */
int kiosk_keymap_set(kiosk_keymap *m, kiosk_action a, const char *keys, char *errbuf, size_t errlen);
kiosk_action kiosk_keymap_lookup(const kiosk_keymap *m, SDL_Keycode key);
/* The digit a key types (number row or keypad, whatever NumLock says), or -1. */
int kiosk_key_digit(SDL_Keycode key);

#endif
