/* Evdev codes and SDL scancodes of the keys borne/keypad.h names (see kiosk_keys.h). */
#include "kiosk_keys.h"

#include <linux/input-event-codes.h>

#define KP(n) {KEY_KP##n, SDL_SCANCODE_KP_##n}
#define NUM(n) {KEY_##n, SDL_SCANCODE_##n}
static const struct {
    int code;
    SDL_Scancode sc;
} table[] = {
    KP(0), KP(1), KP(2), KP(3), KP(4), KP(5), KP(6), KP(7), KP(8), KP(9),
    {KEY_KPENTER, SDL_SCANCODE_KP_ENTER}, {KEY_KPMINUS, SDL_SCANCODE_KP_MINUS}, {KEY_KPPLUS, SDL_SCANCODE_KP_PLUS},
    {KEY_KPASTERISK, SDL_SCANCODE_KP_MULTIPLY}, {KEY_KPSLASH, SDL_SCANCODE_KP_DIVIDE},
    {KEY_KPDOT, SDL_SCANCODE_KP_PERIOD}, {KEY_KPEQUAL, SDL_SCANCODE_KP_EQUALS}, {KEY_KPCOMMA, SDL_SCANCODE_KP_COMMA},
    {KEY_NUMLOCK, SDL_SCANCODE_NUMLOCKCLEAR},
    NUM(0), NUM(1), NUM(2), NUM(3), NUM(4), NUM(5), NUM(6), NUM(7), NUM(8), NUM(9),
    NUM(A), NUM(B), NUM(C), NUM(D), NUM(E), NUM(F), NUM(G), NUM(H), NUM(I), NUM(J), NUM(K), NUM(L), NUM(M),
    NUM(N), NUM(O), NUM(P), NUM(Q), NUM(R), NUM(S), NUM(T), NUM(U), NUM(V), NUM(W), NUM(X), NUM(Y), NUM(Z),
    {KEY_ENTER, SDL_SCANCODE_RETURN}, {KEY_ESC, SDL_SCANCODE_ESCAPE}, NUM(BACKSPACE), NUM(TAB), NUM(SPACE),
    NUM(DELETE), NUM(INSERT), NUM(HOME), NUM(END), NUM(PAGEUP), NUM(PAGEDOWN), NUM(UP), NUM(DOWN), NUM(LEFT),
    NUM(RIGHT), NUM(MINUS), {KEY_EQUAL, SDL_SCANCODE_EQUALS}, {KEY_DOT, SDL_SCANCODE_PERIOD}, NUM(SLASH),
    NUM(F1), NUM(F2), NUM(F3), NUM(F4), NUM(F5), NUM(F6), NUM(F7), NUM(F8), NUM(F9), NUM(F10), NUM(F11), NUM(F12),
    NUM(VOLUMEUP), NUM(VOLUMEDOWN), NUM(MUTE), NUM(HELP),
};
#undef KP
#undef NUM

int kiosk_key_evdev(const SDL_Keysym *key)
{
    SDL_Scancode sc = key->scancode != SDL_SCANCODE_UNKNOWN ? key->scancode : SDL_GetScancodeFromKey(key->sym);
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].sc == sc)
            return table[i].code;
    return -1;
}

SDL_Scancode kiosk_key_scancode(int code)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].code == code)
            return table[i].sc;
    return SDL_SCANCODE_UNKNOWN;
}
