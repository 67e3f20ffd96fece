/* The keypad's actions, key names and map (see keypad.h). */
#include "borne/keypad.h"

#include <linux/input-event-codes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name, *keys;
} actions[KEYPAD_ACTION_COUNT] = {
    [KEYPAD_NONE] = {"none", ""},
#define KEYPAD_ACTION_ROW(id, name, keys) [KEYPAD_##id] = {name, keys},
    KEYPAD_ACTIONS(KEYPAD_ACTION_ROW)
#undef KEYPAD_ACTION_ROW
};

/* The keys a numeric keypad or a keyboard may bind, and those a panic button sends ([alarm]
 * panic_key: a foot switch or a big USB button seen as a keyboard, a joystick or a mouse), by
 * their names in linux/input-event-codes.h. */
#define K(n) {"KEY_" #n, KEY_##n}
#define BTN(n) {"BTN_" #n, BTN_##n}
static const struct {
    const char *name;
    int code;
} keys[] = {
    K(KP0), K(KP1), K(KP2), K(KP3), K(KP4), K(KP5), K(KP6), K(KP7), K(KP8), K(KP9),
    K(KPENTER), K(KPMINUS), K(KPPLUS), K(KPASTERISK), K(KPSLASH), K(KPDOT), K(KPEQUAL), K(KPCOMMA),
    K(NUMLOCK),
    K(0), K(1), K(2), K(3), K(4), K(5), K(6), K(7), K(8), K(9),
    K(A), K(B), K(C), K(D), K(E), K(F), K(G), K(H), K(I), K(J), K(K), K(L), K(M),
    K(N), K(O), K(P), K(Q), K(R), K(S), K(T), K(U), K(V), K(W), K(X), K(Y), K(Z),
    K(ENTER), K(ESC), K(BACKSPACE), K(TAB), K(SPACE), K(DELETE), K(INSERT), K(HOME), K(END),
    K(PAGEUP), K(PAGEDOWN), K(UP), K(DOWN), K(LEFT), K(RIGHT), K(MINUS), K(EQUAL), K(DOT), K(SLASH),
    K(F1), K(F2), K(F3), K(F4), K(F5), K(F6), K(F7), K(F8), K(F9), K(F10), K(F11), K(F12),
    K(VOLUMEUP), K(VOLUMEDOWN), K(MUTE), K(HELP),
    K(PAUSE), K(SCROLLLOCK), K(SYSRQ),
    K(F13), K(F14), K(F15), K(F16), K(F17), K(F18), K(F19), K(F20), K(F21), K(F22), K(F23), K(F24),
    BTN(0), BTN(1), BTN(2), BTN(LEFT), BTN(TRIGGER), BTN(SOUTH),
};
#undef K
#undef BTN

const char *keypad_action_name(keypad_action a)
{
    return a > 0 && a < KEYPAD_ACTION_COUNT ? actions[a].name : "none";
}

keypad_action keypad_action_named(const char *name)
{
    for (int a = 1; a < KEYPAD_ACTION_COUNT; a++)
        if (strcmp(actions[a].name, name) == 0)
            return (keypad_action)a;
    return KEYPAD_NONE;
}

int keypad_key_code(const char *name)
{
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(keys[i].name, name) == 0)
            return keys[i].code;
    return -1;
}

const char *keypad_key_name(int code)
{
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (keys[i].code == code)
            return keys[i].name;
    return NULL;
}

int keypad_key_count(void) { return (int)(sizeof keys / sizeof keys[0]); }
int keypad_key_at(int i) { return keys[i].code; }

int keypad_parse_keys(const char *list, uint16_t codes[KEYPAD_LIST_MAX], char *errbuf, size_t errlen)
{
    int n = 0;
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        const char *s = p, *e = p + len;
        p = *e ? e + 1 : e;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if (s == e)
            continue;
        char name[32];
        snprintf(name, sizeof name, "%.*s", (int)(e - s), s);
        int code = (size_t)(e - s) < sizeof name ? keypad_key_code(name) : -1;
        if (code < 0) {
            snprintf(errbuf, errlen, "unknown key name \"%.*s\" (evdev names, as in `evtest`: KEY_KP8, KEY_ESC, KEY_F1)",
                     (int)(e - s), s);
            return -1;
        }
        for (int i = 0; i < n; i++)
            if (codes[i] == code) {
                snprintf(errbuf, errlen, "%s is listed twice", name);
                return -1;
            }
        if (n == KEYPAD_LIST_MAX) {
            snprintf(errbuf, errlen, "more than %d keys for one action", KEYPAD_LIST_MAX);
            return -1;
        }
        codes[n++] = (uint16_t)code;
    }
    return n;
}

int keypad_map_bind(keypad_map *m, keypad_action a, const uint16_t *codes, int n)
{
    keypad_map next;
    next.n = 0;
    for (int i = 0; i < m->n; i++) {
        bool taken = m->keys[i].action == a;
        for (int j = 0; j < n && !taken; j++)
            taken = m->keys[i].code == codes[j];
        if (!taken)
            next.keys[next.n++] = m->keys[i];
    }
    if (next.n + n > KEYPAD_MAP_MAX)
        return -1;
    for (int j = 0; j < n; j++) {
        next.keys[next.n].code = codes[j];
        next.keys[next.n].action = (uint8_t)a;
        next.n++;
    }
    *m = next;
    return 0;
}

void keypad_map_default(keypad_map *m)
{
    m->n = 0;
    for (int a = 1; a < KEYPAD_ACTION_COUNT; a++) {
        uint16_t codes[KEYPAD_LIST_MAX];
        char err[160];
        int n = keypad_parse_keys(actions[a].keys, codes, err, sizeof err);
        /* The defaults are constants: test_keypad checks every one of them parses. */
        if (n > 0)
            keypad_map_bind(m, (keypad_action)a, codes, n);
    }
}

keypad_action keypad_map_lookup(const keypad_map *m, int code)
{
    for (int i = 0; i < m->n; i++)
        if (m->keys[i].code == code)
            return (keypad_action)m->keys[i].action;
    return KEYPAD_NONE;
}

int keypad_key_digit(int code)
{
    static const int kp[10] = {KEY_KP0, KEY_KP1, KEY_KP2, KEY_KP3, KEY_KP4, KEY_KP5, KEY_KP6, KEY_KP7, KEY_KP8, KEY_KP9};
    if (code >= KEY_1 && code <= KEY_9)
        return code - KEY_1 + 1;
    if (code == KEY_0)
        return 0;
    for (int d = 0; d < 10; d++)
        if (kp[d] == code)
            return d;
    return -1;
}
