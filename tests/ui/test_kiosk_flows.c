/* Scenarios driven by synthetic touch, key and text events, on a real engine and a real printer
 * driver over the in-memory fake transport. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "borne/ui.h"
#include "test_kiosk_fixture.h"
#include "testlib.h"

static const fixture_screen *screen10 = &fixture_screens[1];

static char printed[32768];
static size_t printed_len;

static bool printer_ready(fixture *f)
{
    return printer_get_state(f->p) == PRINTER_READY;
}

static bool printer_paper_out(fixture *f)
{
    return printer_get_state(f->p) == PRINTER_PAPER_OUT;
}

static bool ticket_printed(fixture *f)
{
    printed_len += printer_fake_take_output(f->fake, (uint8_t *)printed + printed_len, sizeof printed - 1 - printed_len);
    return kiosk_frame_has_text(f->k, "imprimé");
}

static bool contains(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return true;
    return false;
}

static void take_ticket_in_two_taps(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "flow-ticket", screen10, NULL, fixture_open_time_ms(), true)))
        return;
    CHECK(fixture_pump(&f, printer_ready, 5000));
    printed_len = 0;
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
    CHECK(fixture_tap(&f, "Prendre un ticket"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_SERVICES);
    CHECK(fixture_tap(&f, "Aides individuelles"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_RESULT);
    CHECK_STR(kiosk_last_ticket(f.k), "A001");
    CHECK(kiosk_frame_has_text(f.k, "A001"));
    CHECK(kiosk_frame_has_text(f.k, "s'imprime"));
    /* The job reaches the printer and its completion comes back as an SDL event. */
    CHECK(fixture_pump(&f, ticket_printed, 5000));
    /* The number in the screen's typeface (a picture), the rest in the printer's font. */
    CHECK(fixture_printed_number(&f, (const uint8_t *)printed, printed_len, "A001"));
    CHECK(!contains(printed, printed_len, "A001"));
    CHECK(contains(printed, printed_len, "Antenne de Fourmies"));
    queue_ticket t;
    CHECK_INT(queue_get_ticket(f.q, 1, &t), 0);
    CHECK_STR(t.label, "A001");
    CHECK_INT(t.state, QUEUE_WAITING);
    /* The result goes back home by itself, in the default language. */
    fixture_advance(&f, (int64_t)kiosk_result_hold_s(f.k) * 1000 + 1000);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
    fixture_close(&f);
}

static void paper_out_still_issues_and_keeps_number(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "flow-paper", screen10, NULL, fixture_open_time_ms(), true)))
        return;
    CHECK(fixture_pump(&f, printer_ready, 5000));
    CHECK(!kiosk_frame_has_text(f.k, "Plus de papier"));
    printer_fake_set_status(f.fake, 4, 0x12 | 0x60);
    CHECK(fixture_pump(&f, printer_paper_out, 5000));
    fixture_pump(&f, NULL, 0);   /* the state change reaches the kiosk as an SDL event */
    /* Home says it before the visitor chooses, and what to do. */
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
    CHECK(kiosk_frame_has_text(f.k, "Plus de papier"));
    CHECK(kiosk_frame_has_text(f.k, "Notez-le"));
    CHECK(fixture_tap(&f, "Prendre un ticket"));
    CHECK(fixture_tap(&f, "Formation"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_RESULT);
    CHECK_STR(kiosk_last_ticket(f.k), "F001");
    CHECK(kiosk_frame_has_text(f.k, "F001"));
    CHECK(kiosk_frame_has_text(f.k, "L'imprimante ne fonctionne pas"));
    CHECK(kiosk_frame_has_text(f.k, "Votre ticket est bien enregistré : notez"));
    /* The number to note cannot be misread: no I, O or Q beside digits. */
    CHECK(strpbrk(kiosk_last_ticket(f.k), "IOQ") == NULL);
    CHECK(kiosk_result_hold_s(f.k) > 15);
    queue_ticket t;
    CHECK_INT(queue_get_ticket(f.q, 1, &t), 0);
    CHECK_STR(t.label, "F001");
    /* Still there after the normal delay, gone after the long one. */
    for (int s = 0; s < 20; s++)
        fixture_advance(&f, 1000);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_RESULT);
    for (int s = 0; s < kiosk_result_hold_s(f.k); s++)
        fixture_advance(&f, 1000);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
    fixture_close(&f);
}

static void no_printer_still_issues(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "flow-noprinter", screen10, NULL, fixture_open_time_ms(), false)))
        return;
    CHECK(fixture_tap(&f, "Prendre un ticket"));
    CHECK(fixture_tap(&f, "Information"));
    CHECK_STR(kiosk_last_ticket(f.k), "D001");
    CHECK(kiosk_frame_has_text(f.k, "L'imprimante ne fonctionne pas"));
    fixture_close(&f);
}

static void ask_steps(borne_config *c)
{
    c->ui.ask_public_type = true;
    c->ui.ask_priority = true;
}

static void optional_steps_reach_the_engine(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "flow-steps", screen10, ask_steps, fixture_open_time_ms(), true)))
        return;
    CHECK(fixture_pump(&f, printer_ready, 5000));
    printed_len = 0;
    CHECK(fixture_tap(&f, "Prendre un ticket"));
    /* The priority is a toggle on the services screen: tapped on, then the service. */
    CHECK(fixture_tap(&f, "Je suis prioritaire"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_SERVICES);
    CHECK(fixture_tap(&f, "Entreprises"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_PUBLIC);
    CHECK(fixture_tap(&f, "Une association"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_RESULT);
    queue_ticket t;
    CHECK_INT(queue_get_ticket(f.q, 1, &t), 0);
    CHECK_STR(t.label, "E001");
    CHECK_INT(t.public_type, QUEUE_PUBLIC_ASSOCIATION);
    CHECK(t.priority);
    /* Marked on screen and on paper. */
    CHECK(kiosk_frame_has_text(f.k, "Votre numéro prioritaire"));
    CHECK(fixture_pump(&f, ticket_printed, 5000));
    CHECK(contains(printed, printed_len, "PRIORITAIRE"));
    fixture_close(&f);
}

static void ask_priority_only(borne_config *c)
{
    c->ui.ask_priority = true;
}

/* With the priority offered, a walk-in ticket is still two taps; tapped twice the toggle is off. */
static void priority_offered_in_two_taps(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "flow-prio", screen10, ask_priority_only, fixture_open_time_ms(), true)))
        return;
    CHECK(fixture_tap(&f, "Prendre un ticket"));
    CHECK(fixture_tap(&f, "Aides individuelles"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_RESULT);
    queue_ticket t;
    CHECK_INT(queue_get_ticket(f.q, 1, &t), 0);
    CHECK(!t.priority);
    CHECK(!kiosk_frame_has_text(f.k, "prioritaire"));
    CHECK(fixture_tap(&f, "Terminé"));
    CHECK(fixture_tap(&f, "Prendre un ticket"));
    CHECK(fixture_tap(&f, "Je suis prioritaire"));
    CHECK(fixture_tap(&f, "Je suis prioritaire"));
    CHECK(fixture_tap(&f, "Aides individuelles"));
    CHECK_INT(queue_get_ticket(f.q, 2, &t), 0);
    CHECK(!t.priority);
    fixture_close(&f);
}

static void scan(fixture *f, const char *code)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_TEXTINPUT;
    snprintf(e.text.text, sizeof e.text.text, "%s", code);
    kiosk_handle_event(f->k, &e);
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = SDLK_RETURN;
    kiosk_handle_event(f->k, &e);
}

/* A code with letters and no barcode ("RDV-7" on the letter): typed by touch, the letters on
 * their own page; a code imported in lower case is found as the visitor types it, without its
 * hyphen too. */
static void checkin_code_with_letters_by_touch(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "flow-letters", screen10, NULL, fixture_open_time_ms(), true)))
        return;
    int64_t now = f.now_ms / 1000;
    fixture_add_appointment(&f, "RDV-7", now + 10 * 60);
    fixture_add_appointment(&f, "abc-12", now + 20 * 60);
    static const struct { const char *letters, *digits; } typed[] = {{"RDV-", "7"}, {"ABC", "12"}};
    for (size_t i = 0; i < sizeof typed / sizeof typed[0]; i++) {
        CHECK(fixture_tap(&f, "J'ai un rendez-vous"));
        CHECK(fixture_tap(&f, "ABC"));
        CHECK_INT(kiosk_current_screen(f.k), KIOSK_CHECKIN_LETTERS);
        for (const char *c = typed[i].letters; *c; c++) {
            char one[2] = {*c, '\0'};
            CHECK(fixture_tap(&f, one));
        }
        CHECK(fixture_tap(&f, "Chiffres"));
        CHECK_INT(kiosk_current_screen(f.k), KIOSK_CHECKIN);
        for (const char *c = typed[i].digits; *c; c++) {
            char one[2] = {*c, '\0'};
            CHECK(fixture_tap(&f, one));
        }
        CHECK(fixture_tap(&f, "Valider"));
        CHECK_INT(kiosk_current_screen(f.k), KIOSK_RESULT);
        CHECK(kiosk_frame_has_text(f.k, "Votre arrivée est enregistrée"));
        CHECK(fixture_tap(&f, "Terminé"));
    }
    queue_appointment a;
    CHECK_INT(queue_appointment_get(f.q, "RDV-7", &a), 0);
    CHECK(a.ticket_id > 0);
    CHECK_INT(queue_appointment_get(f.q, "abc-12", &a), 0);
    CHECK(a.ticket_id > 0);
    fixture_close(&f);
}

static void checkin_answers_offer_a_normal_ticket(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "flow-checkin", screen10, NULL, fixture_open_time_ms(), true)))
        return;
    int64_t now = f.now_ms / 1000;
    fixture_add_appointment(&f, "EARLY1", now + 3 * 3600);
    fixture_add_appointment(&f, "LATE1", now - 2 * 3600);
    fixture_add_appointment(&f, "OK1", now + 10 * 60);
    char opens[64];
    time_t open_at = (time_t)(now + 3 * 3600 - 30 * 60);
    struct tm tm;
    localtime_r(&open_at, &tm);
    strftime(opens, sizeof opens, "à partir de %H:%M", &tm);
    static const struct { const char *code, *says; } cases[] = {
        {"NOPE99", "« NOPE99 »"},   /* the code typed, repeated back */
        {"EARLY1", "en avance"},
        {"LATE1", "dépassée"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        /* From home, the scanner alone starts the check-in. */
        scan(&f, cases[i].code);
        CHECK_INT(kiosk_current_screen(f.k), KIOSK_CHECKIN_ERROR);
        CHECK(kiosk_frame_has_text(f.k, cases[i].says));
        if (i == 1) {
            /* From when check-in opens (the whole sentence: the frame report keeps 80 bytes). */
            kiosk_spoken d;
            kiosk_describe(f.k, &d);
            CHECK(strstr(d.title, opens) != NULL);
        }
        CHECK(kiosk_frame_has_text(f.k, "Vous pouvez prendre un ticket normal"));
        CHECK(fixture_tap(&f, "Prendre un ticket normal"));
        CHECK_INT(kiosk_current_screen(f.k), KIOSK_SERVICES);
        CHECK(fixture_tap(&f, "Retour"));
        CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
    }
    /* The keypad: a valid code checks in, then the same code is "already used". */
    CHECK(fixture_pump(&f, printer_ready, 5000));
    printed_len = 0;
    CHECK(fixture_tap(&f, "J'ai un rendez-vous"));
    scan(&f, "OK1");
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_RESULT);
    CHECK(kiosk_frame_has_text(f.k, "Votre arrivée est enregistrée"));
    /* The confirmation (and the ticket) say when and where. */
    char at[64];
    time_t ok_at = (time_t)(now + 10 * 60);
    localtime_r(&ok_at, &tm);
    strftime(at, sizeof at, "Rendez-vous à %H:%M, premier guichet libre", &tm);
    CHECK(kiosk_frame_has_text(f.k, at));
    CHECK(fixture_pump(&f, ticket_printed, 5000));
    CHECK(contains(printed, printed_len, "Rendez-vous"));
    char label[16];
    snprintf(label, sizeof label, "%s", kiosk_last_ticket(f.k));
    CHECK(fixture_tap(&f, "Terminé"));
    CHECK(fixture_tap(&f, "J'ai un rendez-vous"));
    scan(&f, "OK1");
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_CHECKIN_ERROR);
    CHECK(kiosk_frame_has_text(f.k, "déjà enregistrée"));
    /* Already checked in: the number it was given, not a second ticket. */
    CHECK(kiosk_frame_has_text(f.k, label));
    int x, y;
    CHECK(!kiosk_find_target(f.k, "Prendre un ticket normal", &x, &y));
    /* One tap on "Effacer" clears the whole code. */
    CHECK(fixture_tap(&f, "Retour"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_CHECKIN);
    CHECK(kiosk_frame_has_text(f.k, "OK1"));
    CHECK(fixture_tap(&f, "Effacer"));
    CHECK(!kiosk_frame_has_text(f.k, "OK1"));
    CHECK(fixture_tap(&f, "4"));
    CHECK(fixture_tap(&f, "2"));
    CHECK(kiosk_frame_has_text(f.k, "42"));
    CHECK(fixture_tap(&f, "Valider"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_CHECKIN_ERROR);
    fixture_close(&f);
}

static int sum_feedback(const queue_bucket *b, void *ctx)
{
    int *sums = ctx;   /* 5 levels without service, 5 about F, then the reasons */
    for (int i = 0; i < 5; i++)
        sums[i + (b->service == 'F' ? 5 : 0)] += b->feedback[i];
    for (int r = 0; r < CONTRACT_REASONS_N; r++)
        sums[10 + r] += b->feedback_reasons[r];
    return 0;
}

static void feedback_in_one_tap(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "flow-feedback", screen10, NULL, fixture_open_time_ms(), true)))
        return;
    CHECK(fixture_tap(&f, "Donner mon avis"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_FEEDBACK);
    CHECK(fixture_tap(&f, "Soleil"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_THANKS);
    CHECK(kiosk_frame_has_text(f.k, "Merci"));
    /* Nothing more to do: the thank-you goes home and the opinion is counted. */
    for (int s = 0; s < 15; s++)
        fixture_advance(&f, 1000);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
    /* Rain: the optional reason (skipped here), then the optional service. */
    CHECK(fixture_tap(&f, "Donner mon avis"));
    CHECK(fixture_tap(&f, "Pluie"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_FEEDBACK_REASON);
    CHECK(fixture_tap(&f, "Passer"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_THANKS);
    CHECK(fixture_tap(&f, "Formation & emploi"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
    /* Storm, because of the wait: one tap, counted with the rating. */
    CHECK(fixture_tap(&f, "Donner mon avis"));
    CHECK(fixture_tap(&f, "Orage"));
    CHECK(fixture_tap(&f, "L'attente"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_THANKS);
    CHECK(fixture_tap(&f, "Terminé"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
    int sums[10 + CONTRACT_REASONS_N] = {0};
    char day[11];
    time_t t = (time_t)(f.now_ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(day, sizeof day, "%Y-%m-%d", &tm);
    CHECK_INT(queue_aggregates(f.q, day, day, sum_feedback, sums), 0);
    CHECK_INT(sums[0], 1);          /* soleil, no service */
    CHECK_INT(sums[5 + 3], 1);      /* pluie, about F */
    CHECK_INT(sums[4], 1);          /* orage */
    CHECK_INT(sums[10 + CONTRACT_REASON_ATTENTE - 1], 1);   /* the storm's reason */
    int reasons = 0;
    for (int r = 0; r < CONTRACT_REASONS_N; r++)
        reasons += sums[10 + r];
    CHECK_INT(reasons, 1);                                   /* the skipped one counts none */
    fixture_close(&f);
}

static void idle_counts_down_and_goes_home(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "flow-idle", screen10, NULL, fixture_open_time_ms(), true)))
        return;
    CHECK(fixture_tap(&f, "Prendre un ticket"));
    for (int s = 0; s < 39; s++)
        fixture_advance(&f, 1000);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_SERVICES);
    CHECK_INT(kiosk_idle_seconds_left(f.k), -1);
    fixture_advance(&f, 1000);
    fixture_advance(&f, 1000);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_IDLE);
    /* WCAG 2.2.1: the warning comes at least 20 s before the reset. */
    int left = kiosk_idle_seconds_left(f.k);
    CHECK(left >= 19 && left <= 20);
    char s[32];
    snprintf(s, sizeof s, "%d s", left);
    CHECK(kiosk_frame_has_text(f.k, s));
    fixture_advance(&f, 3000);
    CHECK_INT(kiosk_idle_seconds_left(f.k), left - 3);
    /* More time: back where the visitor was. */
    CHECK(fixture_tap(&f, "Plus de temps"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_SERVICES);
    /* A touch anywhere else on the warning does the same. */
    for (int i = 0; i < 41; i++)
        fixture_advance(&f, 1000);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_IDLE);
    kiosk_tap(f.k, screen10->w - 5, screen10->h - 5);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_SERVICES);
    for (int i = 0; i < 61; i++)
        fixture_advance(&f, 1000);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
    fixture_close(&f);
}

static void corner_taps(fixture *f)
{
    for (int i = 0; i < 5; i++)
        kiosk_tap(f->k, 5, 5);
}

static void type_pin(fixture *f, const char *pin)
{
    for (const char *c = pin; *c; c++) {
        char d[2] = {*c, 0};
        CHECK(fixture_tap(f, d));
    }
    CHECK(fixture_tap(f, "Valider"));
}

static void no_pin(borne_config *cfg)
{
    cfg->ui.admin_pin[0] = '\0';
}

static void admin_screen_stays_shut_without_a_pin(void)
{
    /* Tries: the installed config's case, no [ui] admin_pin: the corner gesture opens nothing
     * (an empty code must never be accepted either). */
    fixture f;
    if (!CHECK(fixture_open(&f, "flow-no-pin", screen10, no_pin, fixture_open_time_ms(), false)))
        return;
    corner_taps(&f);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
    int x, y;
    CHECK(!kiosk_find_target(f.k, "Valider", &x, &y));
    fixture_close(&f);
}

static void admin_pin_locks_out(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "flow-admin", screen10, NULL, fixture_open_time_ms(), true)))
        return;
    queue_issued is;
    CHECK_INT(queue_issue(f.q, f.now_ms / 1000, 'A', NULL, &is), 0);
    CHECK_INT(queue_issue(f.q, f.now_ms / 1000, 'F', NULL, &is), 0);
    corner_taps(&f);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_ADMIN_PIN);
    type_pin(&f, "1111");
    CHECK(kiosk_frame_has_text(f.k, "Code incorrect"));
    type_pin(&f, "2222");
    type_pin(&f, "3333");
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_ADMIN_PIN);
    CHECK(kiosk_frame_has_text(f.k, "Trop d'essais"));
    int x, y;
    CHECK(!kiosk_find_target(f.k, "2", &x, &y));   /* no keypad while locked */
    /* Locked even after leaving and coming back. */
    CHECK(fixture_tap(&f, "Retour"));
    corner_taps(&f);
    CHECK(kiosk_frame_has_text(f.k, "Trop d'essais"));
    /* Five minutes later (the idle timeout has long sent the screen home). */
    f.now_ms += 301 * 1000;
    kiosk_tick(f.k);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
    corner_taps(&f);
    CHECK(kiosk_find_target(f.k, "2", &x, &y));
    type_pin(&f, "2468");
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_ADMIN);
    CHECK(kiosk_frame_has_text(f.k, "2 tickets"));
    CHECK(fixture_tap(&f, "Page de test"));
    /* A double tap on "Vider la file" does not confirm: the second tap lands on "Non". */
    CHECK(kiosk_find_target(f.k, "Vider la file", &x, &y));
    kiosk_tap(f.k, x, y);
    CHECK(kiosk_frame_has_text(f.k, "Annuler les 2 tickets en attente ?"));
    kiosk_tap(f.k, x, y);
    CHECK(!kiosk_frame_has_text(f.k, "Tickets annulés"));
    CHECK(fixture_tap(&f, "Vider la file"));
    CHECK(fixture_tap(&f, "Oui, vider"));
    CHECK(kiosk_frame_has_text(f.k, "Tickets annulés : 2"));
    queue_ticket t;
    CHECK_INT(queue_get_ticket(f.q, 1, &t), 0);
    CHECK_INT(t.state, QUEUE_CANCELLED);
    CHECK(fixture_tap(&f, "Fermer"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
    fixture_close(&f);
}

static void closed_outside_hours(void)
{
    fixture f;
    int64_t evening = testlib_local_time(2026, 11, 23, 16, 50, 0) * 1000;  /* after the last-ticket time */
    if (!CHECK(fixture_open(&f, "flow-closed", screen10, NULL, evening, true)))
        return;
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_CLOSED);
    int x, y;
    CHECK(!kiosk_find_target(f.k, "Prendre un ticket", &x, &y));
    CHECK(kiosk_frame_has_text(f.k, "Réouverture"));
    CHECK(kiosk_frame_has_text(f.k, "Lundi – Vendredi"));
    /* The next morning it opens by itself. */
    f.now_ms = testlib_local_time(2026, 11, 24, 9, 0, 5) * 1000;
    kiosk_tick(f.k);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
    fixture_close(&f);
}

static bool clock_synced;

static bool test_clock_trusted(int64_t now_s, void *ctx)
{
    (void)now_s, (void)ctx;
    return clock_synced;
}

static void starting_until_the_clock_is_trusted(void)
{
    /* Tries: a board whose clock is not synchronised yet. It shows "starting", offers no ticket
     * and expires nothing; once the clock is trusted it opens, and stays trusted. */
    fixture f;
    if (!CHECK(fixture_open(&f, "flow-clock", screen10, NULL, fixture_open_time_ms(), true)))
        return;
    queue_issued friday;
    CHECK_INT(queue_issue(f.q, testlib_local_time(2026, 11, 20, 10, 0, 0), 'A', NULL, &friday), 0);
    kiosk_destroy(f.k);
    clock_synced = false;
    char err[256];
    kiosk_options ko = {.assets_dir = getenv("BORNE_ASSETS"), .clock = {fixture_kiosk_clock, &f},
                        .readback = true, .clock_trusted = test_clock_trusted};
    if (!CHECK_INT(kiosk_create(&f.k, &f.cfg, f.q, f.p, f.r, &ko, err, sizeof err), 0)) {
        f.k = NULL;
        fixture_close(&f);
        return;
    }
    kiosk_render(f.k);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_CLOSED);
    CHECK(kiosk_frame_has_text(f.k, "Démarrage en cours"));
    int x, y;
    CHECK(!kiosk_find_target(f.k, "Prendre un ticket", &x, &y));
    fixture_advance(&f, 61 * 1000);
    queue_ticket t;
    CHECK_INT(queue_get_ticket(f.q, friday.ticket.id, &t), 0);
    CHECK_INT(t.state, QUEUE_WAITING);   /* no rollover on an untrusted clock */

    clock_synced = true;
    fixture_advance(&f, 1000);
    kiosk_render(f.k);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
    CHECK(kiosk_find_target(f.k, "Prendre un ticket", &x, &y));
    CHECK_INT(queue_get_ticket(f.q, friday.ticket.id, &t), 0);
    CHECK_INT(t.state, QUEUE_EXPIRED);
    clock_synced = false;   /* latched: a later "not synchronised" does not close the kiosk */
    fixture_advance(&f, 1000);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
    fixture_close(&f);
}

static void keys_follow_the_focus_order(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "flow-keys", screen10, NULL, fixture_open_time_ms(), true)))
        return;
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = SDLK_TAB;
    kiosk_render(f.k);
    kiosk_handle_event(f.k, &e);
    CHECK_INT(ui_focused(kiosk_get_ui(f.k)), 1);        /* "Prendre un ticket" first */
    kiosk_handle_event(f.k, &e);
    e.key.keysym.mod = KMOD_SHIFT;
    kiosk_handle_event(f.k, &e);
    e.key.keysym.mod = 0;
    e.key.keysym.sym = SDLK_RETURN;
    kiosk_handle_event(f.k, &e);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_SERVICES);
    fixture_close(&f);
}

static void language_switch_and_back(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "flow-lang", screen10, NULL, fixture_open_time_ms(), true)))
        return;
    CHECK(fixture_tap(&f, "English"));   /* the row of languages on home */
    CHECK(kiosk_frame_has_text(f.k, "Take a ticket"));
    CHECK(fixture_tap(&f, "Take a ticket"));
    CHECK(fixture_tap(&f, "Training"));
    CHECK(kiosk_frame_has_text(f.k, "Your number"));
    CHECK(fixture_tap(&f, "Done"));
    CHECK(kiosk_frame_has_text(f.k, "Prendre un ticket"));   /* the next visitor starts in French */
    fixture_close(&f);
}

/* Back from the first inner screen (tap or the keypad's back key) keeps the session's language. */
static void back_keeps_the_language(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "flow-lang-back", screen10, NULL, fixture_open_time_ms(), true)))
        return;
    CHECK(fixture_tap(&f, "English"));   /* the row of languages on home */
    static const char *const entries[] = {"Take a ticket", "I have an appointment", "Give feedback"};
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
        CHECK(fixture_tap(&f, entries[i]));
        CHECK(fixture_tap(&f, "Back"));
        CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
        if (!CHECK(kiosk_frame_has_text(f.k, "Take a ticket")))
            fprintf(stderr, "after Back from \"%s\" the session is no longer in English\n", entries[i]);
        CHECK(fixture_tap(&f, entries[i]));
        SDL_Event e;
        memset(&e, 0, sizeof e);
        e.type = SDL_KEYDOWN;
        e.key.keysym.sym = SDLK_KP_MINUS;
        kiosk_handle_event(f.k, &e);
        CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
        CHECK(kiosk_frame_has_text(f.k, "Take a ticket"));
    }
    fixture_close(&f);
}

/* The wording of the figures: nobody ahead is said plainly; no wait is promised while no desk
 * is open. */
static void figures_tell_the_truth(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "flow-figures", screen10, NULL, fixture_open_time_ms(), true)))
        return;
    CHECK(fixture_tap(&f, "Prendre un ticket"));
    CHECK(fixture_tap(&f, "Aides individuelles"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_RESULT);
    CHECK(!kiosk_frame_has_text(f.k, "Personne avant vous"));
    CHECK(kiosk_frame_has_text(f.k, "Aucune personne avant vous"));
    /* No desk is open yet: no "1 to 5 min", but the plain fact. */
    CHECK(!kiosk_frame_has_text(f.k, "Attente estimée"));
    CHECK(kiosk_frame_has_text(f.k, "Aucun guichet n'est encore ouvert"));
    CHECK(fixture_tap(&f, "Terminé"));
    /* A desk opens: the estimate comes back. */
    CHECK_INT(queue_counter_open(f.q, f.now_ms / 1000, 1), 0);
    CHECK(fixture_tap(&f, "Prendre un ticket"));
    CHECK(fixture_tap(&f, "Aides individuelles"));
    CHECK(kiosk_frame_has_text(f.k, "1 personne avant vous"));
    CHECK(kiosk_frame_has_text(f.k, "Attente estimée"));
    fixture_close(&f);
}

static void always_open(borne_config *c)
{
    c->setup.always_open = true;
}

/* The demo ignores the hours: on a Sunday it issues tickets, so home must not say "fermé". */
static void always_open_sunday_says_open(void)
{
    fixture f;
    int64_t sunday = testlib_local_time(2026, 11, 29, 11, 0, 0) * 1000;
    if (!CHECK(fixture_open(&f, "flow-sunday", screen10, always_open, sunday, true)))
        return;
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
    CHECK(!kiosk_frame_has_text(f.k, "fermé"));
    CHECK(kiosk_frame_has_text(f.k, "ouvert toute la journée"));
    CHECK(fixture_tap(&f, "Prendre un ticket"));
    CHECK(fixture_tap(&f, "Aides individuelles"));
    CHECK_STR(kiosk_last_ticket(f.k), "A001");
    fixture_close(&f);
}

static void push_finger(Uint32 type, float x, float y)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = type;
    e.tfinger.x = x;
    e.tfinger.y = y;
    SDL_PushEvent(&e);
}

/* The program's loop (the shell's): events queued by SDL (touch here) are handled until SDL_QUIT. */
static void run_loop_until_quit(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "flow-run", screen10, NULL, fixture_open_time_ms(), true)))
        return;
    int x, y;
    CHECK(kiosk_find_target(f.k, "Prendre un ticket", &x, &y));
    float fx = (float)x / (float)screen10->w, fy = (float)y / (float)screen10->h;
    SDL_FlushEvents(SDL_FIRSTEVENT, SDL_LASTEVENT);
    push_finger(SDL_FINGERDOWN, fx, fy);
    push_finger(SDL_FINGERUP, fx, fy);
    SDL_Event quit;
    memset(&quit, 0, sizeof quit);
    quit.type = SDL_QUIT;
    SDL_PushEvent(&quit);
    CHECK_INT(shell_run(f.sh, &fixture_kiosk_role, &f), 0);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_SERVICES);
    fixture_close(&f);
}

static bool file_exists(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (fp)
        fclose(fp);
    return fp != NULL;
}

/* The main program's "--screens DIR" option: one PNG per screen shown, in order. */
static void screens_dir_gets_a_png_per_screen(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "flow-shots", screen10, NULL, fixture_open_time_ms(), true)))
        return;
    kiosk_destroy(f.k);
    char shots[600], err[256];
    snprintf(shots, sizeof shots, "%s", f.dir);
    kiosk_options ko = {.assets_dir = getenv("BORNE_ASSETS"), .clock = {fixture_kiosk_clock, &f},
                        .screens_dir = shots};
    f.k = NULL;
    CHECK_INT(kiosk_create(&f.k, &f.cfg, f.q, f.p, f.r, &ko, err, sizeof err), 0);
    if (!f.k)
        return;
    CHECK_INT(kiosk_render(f.k), 0);
    CHECK(fixture_tap(&f, "Prendre un ticket"));
    CHECK_INT(kiosk_render(f.k), 0);
    CHECK_INT(kiosk_render(f.k), 0);   /* same screen again: no new file */
    CHECK(file_exists(testlib_path(f.dir, "001-home.png")));
    CHECK(file_exists(testlib_path(f.dir, "002-services.png")));
    CHECK(!file_exists(testlib_path(f.dir, "003-services.png")));
    fixture_close(&f);
}

static void scripted_scenario(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "flow-script", &fixture_screens[2], NULL, fixture_open_time_ms(), true)))
        return;
    char shot[700], script[2048], err[256];
    snprintf(shot, sizeof shot, "%s/result.png", f.dir);
    snprintf(script, sizeof script,
             "# two taps to a ticket, in portrait\n"
             "expect home\n"
             "tap Prendre un ticket\n"
             "expect services\n"
             "tap Orientation\n"
             "expect result\n"
             "see P001\n"
             "shot %s\n"
             "tap Terminé\n"
             "expect home\n",
             shot);
    int rc = kiosk_run_script(f.k, script, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "%s\n", err);
    CHECK_INT(rc, 0);
    FILE *fp = fopen(shot, "rb");
    CHECK(fp != NULL);
    if (fp)
        fclose(fp);
    CHECK_INT(kiosk_run_script(f.k, "tap Nowhere\n", err, sizeof err), -1);
    CHECK(strstr(err, "script:1:") != NULL);
    CHECK_INT(kiosk_run_script(f.k, "\nexpect closed\n", err, sizeof err), -1);
    CHECK(strstr(err, "script:2:") != NULL);
    fixture_close(&f);
}

int main(void)
{
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    RUN(take_ticket_in_two_taps);
    RUN(paper_out_still_issues_and_keeps_number);
    RUN(no_printer_still_issues);
    RUN(optional_steps_reach_the_engine);
    RUN(priority_offered_in_two_taps);
    RUN(checkin_answers_offer_a_normal_ticket);
    RUN(checkin_code_with_letters_by_touch);
    RUN(feedback_in_one_tap);
    RUN(idle_counts_down_and_goes_home);
    RUN(admin_pin_locks_out);
    RUN(admin_screen_stays_shut_without_a_pin);
    RUN(closed_outside_hours);
    RUN(starting_until_the_clock_is_trusted);
    RUN(keys_follow_the_focus_order);
    RUN(language_switch_and_back);
    RUN(back_keeps_the_language);
    RUN(figures_tell_the_truth);
    RUN(always_open_sunday_says_open);
    RUN(run_loop_until_quit);
    RUN(screens_dir_gets_a_png_per_screen);
    RUN(scripted_scenario);
    return testlib_finish();
}
