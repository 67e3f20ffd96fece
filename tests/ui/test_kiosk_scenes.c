/* The scene list, checked as a whole: every scene of include/borne/kiosk_scene_config.h, in every
 * language of assets/i18n, says what it is (a title) and names every choice it draws, so a new
 * scene without its spoken description fails here. And the kiosk driven by the keypad alone, no
 * touch event at all: a walk-in ticket, an appointment check-in and a feedback, with the tickets'
 * bytes arriving at the printer; the idle warning extended again and again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "borne/ui.h"
#include "borne/ui_i18n.h"
#include "test_kiosk_fixture.h"
#include "testlib.h"

static const fixture_screen *screen10 = &fixture_screens[1];
static char lang[UI_LANG_MAX] = "fr";

static void set_lang(borne_config *c) { snprintf(c->ui.language, sizeof c->ui.language, "%.7s", lang); }

static void describe_scene(fixture *f, kiosk_screen s)
{
    kiosk_show(f->k, s);
    kiosk_render(f->k);
    kiosk_spoken d;
    kiosk_describe(f->k, &d);
    char text[4096];
    kiosk_spoken_text(f->k, &d, text, sizeof text);
    const char *name = kiosk_screen_name(s);
    if (!CHECK(d.title[0] != '\0'))
        fprintf(stderr, "%s/%s: no spoken title\n", lang, name);
    ui_report rep = ui_get_report(kiosk_get_ui(f->k));
    for (int i = 0; i < rep.n_targets; i++) {
        const kiosk_spoken_choice *c = NULL;
        for (int j = 0; j < d.n_choices && !c; j++)
            if (d.choices[j].target == rep.targets[i].id)
                c = &d.choices[j];
        if (!CHECK(c != NULL)) {
            fprintf(stderr, "%s/%s: target \"%s\" is drawn but not spoken\n", lang, name, rep.targets[i].label);
            continue;
        }
        if (!CHECK(c->label[0] && strstr(text, c->label)))
            fprintf(stderr, "%s/%s: \"%s\" missing from \"%s\"\n", lang, name, c->label, text);
    }
    /* Nothing spoken that is not there to select. */
    for (int j = 0; j < d.n_choices; j++) {
        bool drawn = false;
        for (int i = 0; i < rep.n_targets; i++)
            drawn |= rep.targets[i].id == d.choices[j].target;
        if (!CHECK(drawn))
            fprintf(stderr, "%s/%s: \"%s\" is spoken but not drawn\n", lang, name, d.choices[j].label);
    }
}

static void every_scene_speaks_its_choices(void)
{
    char dir[600];
    snprintf(dir, sizeof dir, "%s/i18n", getenv("BORNE_ASSETS") ? getenv("BORNE_ASSETS") : "assets");
    char langs[16][UI_LANG_MAX];
    int n = ui_catalog_list(dir, langs, 16);
    CHECK(n >= 2);
    for (int l = 0; l < n; l++) {
        snprintf(lang, sizeof lang, "%.15s", langs[l]);
        fixture f;
        if (!CHECK(fixture_open(&f, "scenes-speak", screen10, set_lang, fixture_open_time_ms(), true)))
            return;
        for (int s = 0; s < KIOSK_SCREEN_COUNT; s++)
            describe_scene(&f, (kiosk_screen)s);
        fixture_close(&f);
    }
}

/* ---- keypad only ---------------------------------------------------------------------------- */

static void key(fixture *f, SDL_Keycode sym)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = sym;
    kiosk_handle_event(f->k, &e);
    kiosk_render(f->k);
}

static const char *focused_label(fixture *f)
{
    ui_report rep = ui_get_report(kiosk_get_ui(f->k));
    int id = ui_focused(kiosk_get_ui(f->k));
    for (int i = 0; i < rep.n_targets; i++)
        if (rep.targets[i].id == id)
            return rep.targets[i].label;
    return "";
}

/* Moves the focus with the keypad's 2 (down) until the choice `label` has it, then presses 5: what
 * a visitor does who hears each choice as the focus reaches it. */
static bool choose(fixture *f, const char *label)
{
    kiosk_render(f->k);
    for (int i = 0; i < 40; i++) {
        key(f, SDLK_KP_2);
        if (strncmp(focused_label(f), label, strlen(label)) == 0) {
            key(f, SDLK_KP_5);
            return true;
        }
    }
    fprintf(stderr, "no focusable \"%s\" on %s\n", label, kiosk_screen_name(kiosk_current_screen(f->k)));
    return false;
}

static char printed[32768];
static size_t printed_len;

static bool printer_ready(fixture *f) { return printer_get_state(f->p) == PRINTER_READY; }

static bool number_printed(fixture *f, const char *label)
{
    printed_len += printer_fake_take_output(f->fake, (uint8_t *)printed + printed_len, sizeof printed - printed_len);
    return fixture_printed_number(f, (const uint8_t *)printed, printed_len, label);
}

static bool a001_printed(fixture *f) { return number_printed(f, "A001"); }
static bool last_ticket_printed(fixture *f) { return number_printed(f, kiosk_last_ticket(f->k)); }

static void keypad_only_visit(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "keypad-only", screen10, NULL, fixture_open_time_ms(), true)))
        return;
    CHECK(fixture_pump(&f, printer_ready, 5000));
    printed_len = 0;
    /* Walk-in ticket. */
    CHECK(choose(&f, "Prendre un ticket"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_SERVICES);
    CHECK(choose(&f, "Aides individuelles"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_RESULT);
    CHECK(fixture_pump(&f, a001_printed, 15000));
    CHECK(choose(&f, "Terminé"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);

    /* Appointment: the code typed on the keypad's digits (NumLock off: no text event). */
    fixture_add_appointment(&f, "4711", f.now_ms / 1000 + 10 * 60);
    CHECK(choose(&f, "J'ai un rendez-vous"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_CHECKIN);
    key(&f, SDLK_KP_4);
    key(&f, SDLK_KP_7);
    key(&f, SDLK_KP_1);
    key(&f, SDLK_KP_9);
    key(&f, SDLK_BACKSPACE);   /* a wrong digit, erased */
    key(&f, SDLK_KP_1);
    CHECK(kiosk_frame_has_text(f.k, "4711"));
    key(&f, SDLK_KP_ENTER);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_RESULT);
    CHECK(kiosk_frame_has_text(f.k, "Votre arrivée est enregistrée"));
    CHECK(fixture_pump(&f, last_ticket_printed, 15000));
    key(&f, SDLK_KP_MINUS);    /* back ends the visit on the ticket */
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);

    /* Feedback, then back out of the optional question. */
    CHECK(choose(&f, "Donner mon avis"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_FEEDBACK);
    CHECK(choose(&f, "Nuageux"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_THANKS);
    key(&f, SDLK_KP_MINUS);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
    fixture_close(&f);
}

/* "RDV-7" with the keypad alone: Num Lock opens the letters, the arrows reach each letter and 5
 * types it, back returns to the digits, 7 and Enter check in. */
static void keypad_only_code_with_letters(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "keypad-letters", screen10, NULL, fixture_open_time_ms(), true)))
        return;
    fixture_add_appointment(&f, "RDV-7", f.now_ms / 1000 + 10 * 60);
    queue_appointment a;
    CHECK(choose(&f, "J'ai un rendez-vous"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_CHECKIN);
    key(&f, SDLK_NUMLOCKCLEAR);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_CHECKIN_LETTERS);
    CHECK(choose(&f, "R"));
    CHECK(choose(&f, "D"));
    CHECK(choose(&f, "V"));
    CHECK(choose(&f, "-"));
    CHECK(kiosk_frame_has_text(f.k, "RDV-"));
    key(&f, SDLK_KP_MINUS);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_CHECKIN);
    key(&f, SDLK_KP_7);
    CHECK(kiosk_frame_has_text(f.k, "RDV-7"));
    key(&f, SDLK_KP_ENTER);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_RESULT);
    CHECK(kiosk_frame_has_text(f.k, "Votre arrivée est enregistrée"));
    CHECK_INT(queue_appointment_get(f.q, "RDV-7", &a), 0);
    CHECK(a.ticket_id > 0);
    fixture_close(&f);
}

/* Back from an inner scene returns to the one before, and keeps the session's language. */
static void back_keeps_the_session(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "keypad-back", screen10, NULL, fixture_open_time_ms(), true)))
        return;
    CHECK(choose(&f, "English"));   /* the row of languages on home */
    CHECK(choose(&f, "I have an appointment"));
    key(&f, SDLK_KP_1);
    key(&f, SDLK_KP_ENTER);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_CHECKIN_ERROR);
    key(&f, SDLK_ESCAPE);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_CHECKIN);
    key(&f, SDLK_KP_MINUS);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
    CHECK(kiosk_frame_has_text(f.k, "Take a ticket"));
    fixture_close(&f);
}

/* WCAG 2.2.1: the warning shows at least 20 s before the reset; any key extends, ten times and
 * more. */
static void idle_extends_ten_times(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "keypad-idle", screen10, NULL, fixture_open_time_ms(), true)))
        return;
    CHECK(choose(&f, "Prendre un ticket"));
    for (int round = 0; round < 12; round++) {
        int waited = 0;
        while (kiosk_current_screen(f.k) != KIOSK_IDLE && waited < 600) {
            fixture_advance(&f, 1000);
            waited++;
        }
        CHECK_INT(kiosk_current_screen(f.k), KIOSK_IDLE);
        CHECK(kiosk_idle_seconds_left(f.k) >= 19);
        kiosk_spoken d;
        kiosk_describe(f.k, &d);
        CHECK(strstr(d.state, "s") != NULL);
        key(&f, SDLK_KP_8);
        CHECK_INT(kiosk_current_screen(f.k), KIOSK_SERVICES);
    }
    fixture_close(&f);
}

int main(void)
{
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    RUN(every_scene_speaks_its_choices);
    RUN(keypad_only_visit);
    RUN(keypad_only_code_with_letters);
    RUN(back_keeps_the_session);
    RUN(idle_extends_ten_times);
    return testlib_finish();
}
