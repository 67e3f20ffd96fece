/* The kiosk speaks (EN 301 549 5.1.3), with real espeak-ng synthesis into the speech module's
 * memory sink, which plays against the wall clock like a device:
 *  - the speech key on home gives non-silent audio (the bound: 300 ms; asserted here with
 *    a 3 s deadline, ten times the bound, because this runs on a loaded 2-core machine: the bound
 *    itself is measured by bench_speech);
 *  - a key pressed during speech stops it (bound 100 ms; asserted at 1 s, same reason);
 *  - the appointment code (digits, letters, the focused keys) is never spoken on the loudspeaker,
 *    and is in a headset;
 *  - the click, the printed and error tones; the volume resets when the session ends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test_kiosk_fixture.h"
#include "testlib.h"

#define LOUD 1000

static const fixture_screen *screen10 = &fixture_screens[1];

static void key(fixture *f, SDL_Keycode sym)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = sym;
    kiosk_handle_event(f->k, &e);
    kiosk_render(f->k);
}

/* Waits (real time) until the sink got loud voice after `since`; returns when, 0 on timeout. */
static int64_t wait_loud(fixture *f, int64_t since, int timeout_ms)
{
    int64_t end = speech_now_us() + (int64_t)timeout_ms * 1000;
    int64_t at;
    while (!(at = speech_memory_first_loud_us(f->audio, SPEECH_PART_VOICE, since, LOUD)) && speech_now_us() < end)
        SDL_Delay(2);
    return at;
}

static bool spoken_has(fixture *f, const char *needle)
{
    char s[16384];
    fixture_spoken(f, s, sizeof s);
    return strstr(s, needle) != NULL;
}

static void speech_key_speaks_and_a_key_stops_it(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "speech-key", screen10, NULL, fixture_open_time_ms(), true)))
        return;
    CHECK(!kiosk_speech_on(f.k));
    int64_t pressed = speech_now_us();
    key(&f, SDLK_KP_DIVIDE);
    CHECK(kiosk_speech_on(f.k));
    int64_t heard = wait_loud(&f, pressed, 3000);
    CHECK(heard > 0);
    fprintf(stderr, "   speech key -> first loud sample: %.1f ms\n", (double)(heard - pressed) / 1000);
    CHECK(spoken_has(&f, "Bienvenue"));
    CHECK(spoken_has(&f, "Prendre un ticket"));
    /* Home's description lasts many seconds: a key now cuts it (bound 100 ms, asserted at 1 s),
     * and what is heard after the key is the focused choice, not the rest of home. */
    int64_t acted = speech_now_us();
    key(&f, SDLK_KP_2);
    SDL_Delay(200);
    int64_t until = speech_memory_audible_until_us(f.audio, acted, LOUD);
    CHECK(until - acted < 1000000);
    CHECK(spoken_has(&f, "Prendre un ticket\n"));
    CHECK(wait_loud(&f, acted, 3000) > 0);
    fprintf(stderr, "   key during speech -> old speech heard until %+.1f ms\n", (double)(until - acted) / 1000);
    fixture_close(&f);
}

static void stop_bound_without_new_speech(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "speech-stop", screen10, NULL, fixture_open_time_ms(), true)))
        return;
    int64_t pressed = speech_now_us();
    key(&f, SDLK_KP_MULTIPLY);     /* repeat: speaks the scene */
    CHECK(wait_loud(&f, pressed, 3000) > 0);
    SDL_Delay(100);
    /* The speech key again turns speech off: nothing new is said, the old is cut. */
    int64_t acted = speech_now_us();
    key(&f, SDLK_KP_DIVIDE);
    CHECK(!kiosk_speech_on(f.k));
    SDL_Delay(300);
    int64_t until = speech_memory_audible_until_us(f.audio, INT64_MAX, LOUD);
    fprintf(stderr, "   speech heard until %+.1f ms after the key\n", (double)(until - acted) / 1000);
    CHECK(until - acted < 1000000);
    fixture_close(&f);
}

/* A key, then time to hear what it says before the next one (a visitor listens too). */
static void key_listen(fixture *f, SDL_Keycode sym)
{
    key(f, sym);
    SDL_Delay(150);
}

/* Whether a line of what was said is exactly one character of `chars` (a typed character, a
 * focused key read out); prints the first one found. */
static bool said_a_character(const char *spoken, const char *chars)
{
    for (const char *c = chars; *c; c++) {
        char line[4] = {'\n', *c, '\n', '\0'};
        if (strstr(spoken, line)) {
            fprintf(stderr, "'%c' said alone\n", *c);
            return true;
        }
    }
    return false;
}

/* The appointment code (digits, and letters from the letters page walked with the keypad's
 * arrows) never reaches the loudspeaker: not typed, not focused, not repeated back when unknown,
 * not even whether a character was a letter or a digit. In a headset, all of it is said. */
static void code_only_in_a_headset(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "speech-digits", screen10, NULL, fixture_open_time_ms(), true)))
        return;
    fixture_add_appointment(&f, "AB-47", f.now_ms / 1000 + 10 * 60);
    key(&f, SDLK_KP_DIVIDE);
    kiosk_show(f.k, KIOSK_CHECKIN);
    key_listen(&f, SDLK_NUMLOCKCLEAR);   /* the letters key: the letters page */
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_CHECKIN_LETTERS);
    key_listen(&f, SDLK_KP_6);           /* "Chiffres", then A */
    key_listen(&f, SDLK_KP_6);
    key_listen(&f, SDLK_KP_5);           /* types A */
    key_listen(&f, SDLK_KP_6);
    key_listen(&f, SDLK_KP_5);           /* B */
    key_listen(&f, SDLK_KP_4);
    key_listen(&f, SDLK_KP_4);
    key_listen(&f, SDLK_KP_4);           /* the hyphen, last of the page */
    key_listen(&f, SDLK_KP_5);
    key_listen(&f, SDLK_KP_MULTIPLY);    /* repeat: the scene with its state */
    key_listen(&f, SDLK_NUMLOCKCLEAR);   /* back to the digits */
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_CHECKIN);
    key_listen(&f, SDLK_KP_4);
    key_listen(&f, SDLK_KP_1);
    key_listen(&f, SDLK_KP_MULTIPLY);
    key_listen(&f, SDLK_KP_ENTER);       /* "AB-41": unknown */
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_CHECKIN_ERROR);
    key_listen(&f, SDLK_KP_MULTIPLY);
    char s[16384];
    fixture_spoken(&f, s, sizeof s);
    CHECK(strstr(s, "\ncaractère saisi\n") != NULL);
    CHECK(strstr(s, "\ntouche\n") != NULL);
    CHECK(strstr(s, "3 caractères saisis. Le code n'est lu qu'au casque.") != NULL);
    CHECK(strstr(s, "5 caractères saisis") != NULL);
    CHECK(strstr(s, "Nous ne trouvons pas ce code de rendez-vous.") != NULL);
    CHECK(!said_a_character(s, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-"));
    CHECK(strstr(s, "chiffre") == NULL && strstr(s, "\ntiret\n") == NULL);
    CHECK(strstr(s, "A B") == NULL && strstr(s, "AB") == NULL && strstr(s, "4 1") == NULL && strstr(s, "41") == NULL);

    /* In a headset: the unknown code repeated back spelled, each focused and typed character, and
     * the code. */
    kiosk_set_headset(f.k, true);
    CHECK(kiosk_speech_on(f.k));
    key_listen(&f, SDLK_KP_MULTIPLY);
    CHECK(spoken_has(&f, "« A B tiret 4 1 »"));
    key_listen(&f, SDLK_KP_MINUS);       /* back to the code */
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_CHECKIN);
    key_listen(&f, SDLK_BACKSPACE);
    key_listen(&f, SDLK_KP_7);
    CHECK(spoken_has(&f, "\n7\n"));
    key_listen(&f, SDLK_NUMLOCKCLEAR);
    key_listen(&f, SDLK_KP_6);
    key_listen(&f, SDLK_KP_6);
    CHECK(spoken_has(&f, "\nA\n"));
    key_listen(&f, SDLK_KP_4);
    key_listen(&f, SDLK_KP_4);
    CHECK(spoken_has(&f, "\ntiret\n"));
    key_listen(&f, SDLK_KP_MULTIPLY);
    CHECK(spoken_has(&f, "A B tiret 4 7"));
    fixture_close(&f);
}

static void tones_and_session_reset(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "speech-tones", screen10, NULL, fixture_open_time_ms(), true)))
        return;
    size_t before = speech_memory_samples(f.audio, SPEECH_PART_TONE);
    key(&f, SDLK_KP_2);            /* a click even with speech off */
    int64_t end = speech_now_us() + 3000000;
    while (speech_memory_samples(f.audio, SPEECH_PART_TONE) == before && speech_now_us() < end)
        SDL_Delay(2);
    CHECK(speech_memory_samples(f.audio, SPEECH_PART_TONE) > before);
    /* Volume up, session ends, volume back to 100 % (and speech off: no headset). */
    key(&f, SDLK_KP_DIVIDE);
    key(&f, SDLK_KP_PLUS);
    SDL_Delay(200);
    CHECK(spoken_has(&f, "Volume 120 pour cent"));
    kiosk_show(f.k, KIOSK_SERVICES);
    for (int i = 0; i < 70; i++)
        fixture_advance(&f, 1000);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
    CHECK(!kiosk_speech_on(f.k));
    key(&f, SDLK_KP_DIVIDE);
    key(&f, SDLK_KP_PLUS);
    SDL_Delay(200);
    char s[16384];
    fixture_spoken(&f, s, sizeof s);
    int times = 0;
    for (const char *p = s; (p = strstr(p, "Volume 120 pour cent")); p++)
        times++;
    CHECK_INT(times, 2);
    CHECK(!spoken_has(&f, "Volume 140"));
    fixture_close(&f);
}

static bool wait_spoken(fixture *f, const char *needle)
{
    int64_t end = speech_now_us() + 3000000;
    while (!spoken_has(f, needle) && speech_now_us() < end)
        SDL_Delay(2);
    return spoken_has(f, needle);
}

/* Large text: the key or the home scene's button, said aloud even with speech off, kept for the
 * visit, gone when the session ends. */
static void large_text_spoken_and_reset(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "speech-large", screen10, NULL, fixture_open_time_ms(), true)))
        return;
    CHECK(!kiosk_speech_on(f.k));
    key(&f, SDLK_KP_0);
    CHECK(kiosk_large_text(f.k));
    CHECK(wait_spoken(&f, "Grands caractères"));
    key(&f, SDLK_KP_0);
    CHECK(!kiosk_large_text(f.k));
    CHECK(wait_spoken(&f, "Caractères normaux"));
    CHECK(fixture_tap(&f, "Grands caractères"));
    CHECK(kiosk_large_text(f.k));
    CHECK(fixture_tap(&f, "Prendre un ticket"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_SERVICES);
    CHECK(kiosk_large_text(f.k));
    for (int i = 0; i < 70; i++)
        fixture_advance(&f, 1000);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
    CHECK(!kiosk_large_text(f.k));
    fixture_close(&f);
}

int main(void)
{
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    RUN(speech_key_speaks_and_a_key_stops_it);
    RUN(stop_bound_without_new_speech);
    RUN(code_only_in_a_headset);
    RUN(tones_and_session_reset);
    RUN(large_text_spoken_and_reset);
    return testlib_finish();
}
