/* The keypad's key map (see kiosk_keys.h). */
#include "kiosk_keys.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name, *keys;
} actions[KIOSK_ACT_COUNT] = {
    [KIOSK_ACT_NONE] = {"none", ""},
#define KIOSK_ACTION_ROW(id, name, keys) [KIOSK_ACT_##id] = {name, keys},
    KIOSK_ACTIONS(KIOSK_ACTION_ROW)
#undef KIOSK_ACTION_ROW
};

const char *kiosk_action_name(kiosk_action a) { return a > 0 && a < KIOSK_ACT_COUNT ? actions[a].name : "none"; }

kiosk_action kiosk_action_named(const char *name)
{
    for (int a = 1; a < KIOSK_ACT_COUNT; a++)
        if (strcmp(actions[a].name, name) == 0)
            return (kiosk_action)a;
    return KIOSK_ACT_NONE;
}

int kiosk_keymap_set(kiosk_keymap *m, kiosk_action a, const char *keys, char *errbuf, size_t errlen)
{
    kiosk_keymap next = *m;
    int w = 0;
    for (int i = 0; i < next.n; i++)
        if (next.keys[i].action != a)
            next.keys[w++] = next.keys[i];
    next.n = w;
    for (const char *p = keys; *p;) {
        size_t len = strcspn(p, ",");
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)len, p);
        p += len + (p[len] == ',');
        char *s = name;
        while (*s == ' ')
            s++;
        for (size_t e = strlen(s); e > 0 && s[e - 1] == ' '; e--)
            s[e - 1] = '\0';
        if (!*s)
            continue;
        SDL_Keycode key = SDL_GetKeyFromName(s);
        if (key == SDLK_UNKNOWN) {
            snprintf(errbuf, errlen, "unknown key \"%s\" (SDL key names: \"Keypad 8\", \"Escape\", \"F1\")", s);
            return -1;
        }
        if (next.n == KIOSK_KEYMAP_MAX) {
            snprintf(errbuf, errlen, "more than %d keys in the map", KIOSK_KEYMAP_MAX);
            return -1;
        }
        next.keys[next.n].key = key;
        next.keys[next.n].action = a;
        next.n++;
    }
    *m = next;
    return 0;
}

void kiosk_keymap_default(kiosk_keymap *m)
{
    char err[128];
    m->n = 0;
    for (int a = 1; a < KIOSK_ACT_COUNT; a++)
        kiosk_keymap_set(m, (kiosk_action)a, actions[a].keys, err, sizeof err);
}

kiosk_action kiosk_keymap_lookup(const kiosk_keymap *m, SDL_Keycode key)
{
    for (int i = 0; i < m->n; i++)
        if (m->keys[i].key == key)
            return m->keys[i].action;
    return KIOSK_ACT_NONE;
}

int kiosk_key_digit(SDL_Keycode key)
{
    if (key >= SDLK_0 && key <= SDLK_9)
        return key - SDLK_0;
    if (key >= SDLK_KP_1 && key <= SDLK_KP_9)
        return key - SDLK_KP_1 + 1;
    return key == SDLK_KP_0 ? 0 : -1;
}
