/* The SDL side of the keypad (borne/keypad.h holds the actions, the evdev key names and the map):
 * a key SDL delivers is looked up by its evdev code. Not public. */
#ifndef BORNE_KIOSK_KEYS_H
#define BORNE_KIOSK_KEYS_H

#include <SDL2/SDL.h>

#include "borne/keypad.h"

/* The evdev code of the key of an SDL key event (its scancode, else its keycode), or -1 when it is
 * none of the keys borne/keypad.h names. */
int kiosk_key_evdev(const SDL_Keysym *key);
/* The SDL scancode of an evdev code, SDL_SCANCODE_UNKNOWN when none (every key keypad.h names has
 * one: test_keypad checks it). */
SDL_Scancode kiosk_key_scancode(int code);

#endif
