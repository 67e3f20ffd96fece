/* The kiosk's keypad as data: the actions its keys do, the keys by their Linux evdev names
 * (KEY_KP8, as in linux/input-event-codes.h and `evtest`) and the map from keys to actions, with
 * a default for a plain USB numeric keypad. The config's [keypad] section changes the map (one line
 * per action: `back = KEY_KPMINUS, KEY_ESC`); the kiosk reads keys from SDL or from the configured
 * evdev device. No SDL here: the config validator uses it too. */
#ifndef BORNE_KEYPAD_H
#define BORNE_KEYPAD_H

#include <stddef.h>
#include <stdint.h>

/* id, name in the config, default keys. */
#define KEYPAD_ACTIONS(X) \
    X(UP, "up", "KEY_KP8, KEY_UP") \
    X(DOWN, "down", "KEY_KP2, KEY_DOWN, KEY_TAB") \
    X(LEFT, "left", "KEY_KP4, KEY_LEFT") \
    X(RIGHT, "right", "KEY_KP6, KEY_RIGHT") \
    X(SELECT, "select", "KEY_KP5, KEY_KPENTER, KEY_ENTER, KEY_SPACE") \
    X(BACK, "back", "KEY_KPMINUS, KEY_ESC") \
    X(ERASE, "erase", "KEY_BACKSPACE, KEY_DELETE") \
    X(REPEAT, "repeat", "KEY_KPASTERISK, KEY_F1") \
    X(SPEECH, "speech", "KEY_KPSLASH, KEY_F2") \
    X(VOLUME_UP, "volume_up", "KEY_KPPLUS, KEY_VOLUMEUP") \
    X(VOLUME_DOWN, "volume_down", "KEY_KPDOT, KEY_VOLUMEDOWN") \
    X(LARGE_TEXT, "large_text", "KEY_KP0, KEY_F3") \
    X(LETTERS, "letters", "KEY_NUMLOCK, KEY_F4")

typedef enum keypad_action {
    KEYPAD_NONE = 0,
#define KEYPAD_ACTION_ENUM(id, name, keys) KEYPAD_##id,
    KEYPAD_ACTIONS(KEYPAD_ACTION_ENUM)
#undef KEYPAD_ACTION_ENUM
    KEYPAD_ACTION_COUNT
} keypad_action;

#define KEYPAD_MAP_MAX 64
#define KEYPAD_LIST_MAX 16   /* keys on one line of [keypad] */

typedef struct keypad_map {
    int n;
    struct {
        uint16_t code;       /* evdev key code */
        uint8_t action;      /* keypad_action */
    } keys[KEYPAD_MAP_MAX];
} keypad_map;

const char *keypad_action_name(keypad_action a);   /* "back"; "none" for KEYPAD_NONE */
/* The action named `name`, KEYPAD_NONE when there is none. */
keypad_action keypad_action_named(const char *name);

/* The evdev code of a key name ("KEY_KP8"), or -1 when the name is not one this map knows. */
int keypad_key_code(const char *name);
/* The name of an evdev code, NULL when unknown. */
const char *keypad_key_name(int code);
/* The known keys, for enumerations (i < keypad_key_count()). */
int keypad_key_count(void);
int keypad_key_at(int i);

/* Parses a comma-separated list of key names into codes[] (at most KEYPAD_LIST_MAX). Returns how
 * many, or -1 with the reason in errbuf (an unknown name, a key listed twice); codes[] is then
 * unspecified. */
int keypad_parse_keys(const char *list, uint16_t codes[KEYPAD_LIST_MAX], char *errbuf, size_t errlen);

void keypad_map_default(keypad_map *m);
/* Binds codes to a, replacing a's keys; a key another action had now does a. Returns 0, or -1
 * when the map would exceed KEYPAD_MAP_MAX (the map is then unchanged). */
int keypad_map_bind(keypad_map *m, keypad_action a, const uint16_t *codes, int n);
keypad_action keypad_map_lookup(const keypad_map *m, int code);
/* The digit an evdev key types (number row or keypad), or -1. */
int keypad_key_digit(int code);

#endif
