/* The letters of an appointment code ("RDV-7" on a letter without a barcode): A to Z and the
 * hyphen, each one tap, reached from the code scene's "ABC" or the keypad's letters key; the
 * keypad's arrows move over them and 5 types one. Back (or the letters key again) returns to the
 * digits, where "Valider" is. */
#include "../kiosk_choices.h"

#include <stdio.h>
#include <string.h>

#define N_LETTERS 26
static const char letters[N_LETTERS + 1][2] = {"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M",
                                               "N", "O", "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z", "-"};

static int letter_choices(kl_choice *c)
{
    for (int i = 0; i < N_LETTERS; i++)
        c[i] = (kl_choice){T_LETTER + i, letters[i], UI_ICON_NONE, UI_BUTTON_SECONDARY};
    c[N_LETTERS] = (kl_choice){T_KEY_HYPHEN, letters[N_LETTERS], UI_ICON_NONE, UI_BUTTON_SECONDARY};
    return N_LETTERS + 1;
}

/* "Code : RDV-", or what to do while nothing is typed. */
static void title(const kiosk *k, char *out, size_t n)
{
    if (k->code[0])
        ui_format(out, n, kiosk_tr(k, "checkin.letters_code"), "code", k->code, (const char *)NULL);
    else
        snprintf(out, n, "%s", kiosk_tr(k, "checkin.letters_title"));
}

static void draw_checkin_letters(const kiosk_layout *l)
{
    char t[128];
    title(l->k, t, sizeof t);
    SDL_Rect a = kl_title_row(l, T_BACK, "checkin.digits", UI_ICON_BACK, t);
    kl_choice c[N_LETTERS + 1];
    int n = letter_choices(c);
    kl_choices(l, a, c, n, l->portrait ? 6 : 9);
}

static bool on_event(kiosk *k, const kiosk_scene_event *e)
{
    if (e->kind == KIOSK_EV_TEXT) {
        kiosk_code_type(k, e->text);   /* a scanner read here still types the whole code */
        return true;
    }
    if (e->kind != KIOSK_EV_TARGET)
        return false;
    if (e->target >= T_LETTER && e->target < T_LETTER + N_LETTERS) {
        kiosk_code_append(k, letters[e->target - T_LETTER][0]);
        return true;
    }
    if (e->target == T_KEY_HYPHEN) {
        kiosk_code_append(k, '-');
        return true;
    }
    if (e->target == T_LETTERS || e->target == T_BACK) {
        kiosk_scene_back(k);
        return true;
    }
    return false;
}

static void describe(kiosk *k, kiosk_spoken *d)
{
    kiosk_say_code(k, d, "checkin.letters_title");
    kiosk_say_choice(d, T_BACK, kiosk_tr(k, "checkin.digits"), kiosk_key_words(k, "back"));
    kl_choice c[N_LETTERS + 1];
    int n = letter_choices(c);
    char one[2];
    c[N_LETTERS].label = kiosk_spoken_char(k, '-', one);   /* the hyphen is silent as a sign */
    kiosk_say_choices(k, d, c, n);
}

const kiosk_scene kiosk_scene_checkin_letters = {
    .on_event = on_event, .draw = draw_checkin_letters, .describe = describe, .back = KIOSK_BACK_POP,
    .flags = KIOSK_SCENE_TIMED,
};
