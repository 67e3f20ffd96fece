/* The kiosk's languages at run time: a key missing from a catalog shows in French (never as a key
 * name), a catalog with a syntax error is left out with file:line on the admin screen while the
 * kiosk serves in the others; the row of languages on home; Arabic mirrored and shaped; the
 * printed ticket in the visitor's language where the printer's code page has its letters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "borne/ui_text.h"
#include "test_kiosk_fixture.h"
#include "testlib.h"

static const fixture_screen *screen10 = &fixture_screens[1];
static char shipped[600];

/* A copy of the shipped catalogs under a temporary assets dir (fonts linked), where `lang`.cat
 * goes through `edit` (NULL: copied as is). Returns the dir. */
static const char *assets_with(const char *name, const char *lang, void (*edit)(FILE *out, const char *line, int n))
{
    const char *dir = testlib_tmpdir(name);
    char path[900], src[900];
    snprintf(path, sizeof path, "%s/fonts", dir);
    snprintf(src, sizeof src, "%s/fonts", shipped);
    if (symlink(src, path) != 0)
        abort();
    snprintf(path, sizeof path, "%s/i18n", dir);
    mkdir(path, 0755);
    static const char *const langs[] = {"fr", "en", "nl", "de", "es", "ar"};
    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
        snprintf(src, sizeof src, "%s/i18n/%s.cat", shipped, langs[i]);
        snprintf(path, sizeof path, "%s/i18n/%s.cat", dir, langs[i]);
        FILE *in = fopen(src, "r"), *out = fopen(path, "w");
        if (!in || !out)
            abort();
        char line[4096];
        for (int n = 1; fgets(line, sizeof line, in); n++) {
            if (edit && strcmp(langs[i], lang) == 0)
                edit(out, line, n);
            else
                fputs(line, out);
        }
        fclose(in);
        fclose(out);
    }
    return dir;
}

static void drop_feedback_key(FILE *out, const char *line, int n)
{
    (void)n;
    if (strncmp(line, "home.feedback =", 15) != 0)
        fputs(line, out);
}

static void break_line_5(FILE *out, const char *line, int n)
{
    fputs(n == 5 ? "this line has no equals sign\n" : line, out);
}

static void german(borne_config *c) { snprintf(c->ui.language, sizeof c->ui.language, "de"); }

static void missing_key_shows_in_french(void)
{
    setenv("BORNE_ASSETS", assets_with("lang-missing", "de", drop_feedback_key), 1);
    fixture f;
    bool ok = fixture_open(&f, "lang-missing", screen10, german, fixture_open_time_ms(), true);
    setenv("BORNE_ASSETS", shipped, 1);
    if (!CHECK(ok))
        return;
    CHECK(kiosk_frame_has_text(f.k, "Nummer ziehen"));
    CHECK(kiosk_frame_has_text(f.k, "Donner mon avis"));
    CHECK(!kiosk_frame_has_text(f.k, "home.feedback"));
    fixture_close(&f);
}

static void bad_catalog_is_left_out_and_reported(void)
{
    setenv("BORNE_ASSETS", assets_with("lang-bad", "nl", break_line_5), 1);
    fixture f;
    bool ok = fixture_open(&f, "lang-bad", screen10, NULL, fixture_open_time_ms(), true);
    setenv("BORNE_ASSETS", shipped, 1);
    if (!CHECK(ok))
        return;
    /* Served in French; Dutch is not offered, the others are. */
    CHECK(kiosk_frame_has_text(f.k, "Prendre un ticket"));
    int x, y;
    CHECK(!kiosk_find_target(f.k, "Nederlands", &x, &y));
    kiosk_show(f.k, KIOSK_ADMIN);
    if (!CHECK(kiosk_frame_has_text(f.k, "nl.cat:5: expected key = value")))
        fprintf(stderr, "  the admin screen does not name the bad catalog\n");
    fixture_close(&f);
}

static char printed[8192];
static size_t printed_len;

static bool printer_ready(fixture *f) { return printer_get_state(f->p) == PRINTER_READY; }

static const char *printed_says;   /* the result screen's "printed" line in the session's language */

static bool ticket_printed(fixture *f)
{
    printed_len += printer_fake_take_output(f->fake, (uint8_t *)printed + printed_len, sizeof printed - 1 - printed_len);
    return kiosk_frame_has_text(f->k, printed_says);
}

static bool has_bytes(const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= printed_len; i++)
        if (memcmp(printed + i, needle, n) == 0)
            return true;
    return false;
}

/* Taps the language named `name`: on home's row, or through the language scene. */
static bool choose_language(fixture *f, const char *name)
{
    int x, y;
    if (!kiosk_find_target(f->k, name, &x, &y) && !fixture_tap(f, "Langue"))
        return false;
    return fixture_tap(f, name);
}

/* From home, in `lang_name`, one walk-in ticket; the bytes the printer got are in `printed`. */
static bool ticket_in(fixture *f, const char *lang_name, const char *take, const char *service, const char *says)
{
    printed_says = says;
    if (!CHECK(fixture_pump(f, printer_ready, 5000)))
        return false;
    printer_fake_take_output(f->fake, (uint8_t *)printed, sizeof printed);
    printed_len = 0;
    if (!CHECK(choose_language(f, lang_name)) || !CHECK(fixture_tap(f, take)) || !CHECK(fixture_tap(f, service)))
        return false;
    bool ok = CHECK(fixture_pump(f, ticket_printed, 5000));
    printed[printed_len] = '\0';
    return ok;
}

static void row_of_languages_keeps_the_choice_for_the_session(void)
{
    /* Every language named in its own language on home, at every size, chosen with one tap. */
    static const char *const names[] = {"Français", "English", "Nederlands", "Deutsch", "Español", "العربية"};
    const fixture_screen *sizes[] = {&fixture_screens[0], &fixture_screen_1024, &fixture_screens[1],
                                     &fixture_screens[2]};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        fixture f;
        if (!CHECK(fixture_open(&f, "lang-row", sizes[s], NULL, fixture_open_time_ms(), true)))
            return;
        int x, y;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (!CHECK(kiosk_find_target(f.k, names[i], &x, &y)))
                fprintf(stderr, "  %s: no \"%s\" on home\n", sizes[s]->name, names[i]);
        CHECK(fixture_tap(&f, "Español"));
        CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
        CHECK(kiosk_frame_has_text(f.k, "Sacar un número"));
        CHECK(fixture_tap(&f, "Sacar un número"));
        CHECK(kiosk_frame_has_text(f.k, "¿Cuál es el motivo de su visita?"));
        /* Back keeps it; the end of the session goes back to French. */
        CHECK(fixture_tap(&f, "Volver"));
        CHECK(kiosk_frame_has_text(f.k, "Dar mi opinión"));
        fixture_advance(&f, 10 * 60 * 1000);
        CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
        if (!CHECK(kiosk_frame_has_text(f.k, "Prendre un ticket")))
            fprintf(stderr, "  home stayed in the visitor's language after the idle time\n");
        fixture_close(&f);
    }

    /* The keypad reaches each name, and speaks it in its own language. */
    fixture f;
    if (!CHECK(fixture_open(&f, "lang-focus", &fixture_screens[0], NULL, fixture_open_time_ms(), true)))
        return;
    kiosk_render(f.k);
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    bool reached = false;
    for (int i = 0; i < 20 && !reached; i++) {
        e.key.keysym.sym = SDLK_KP_2;
        kiosk_handle_event(f.k, &e);
        kiosk_render(f.k);
        ui_report rep = ui_get_report(kiosk_get_ui(f.k));
        for (int t = 0; t < rep.n_targets; t++)
            reached |= rep.targets[t].id == ui_focused(kiosk_get_ui(f.k)) && strcmp(rep.targets[t].label, "Deutsch") == 0;
    }
    CHECK(reached);
    kiosk_spoken d;
    kiosk_describe(f.k, &d);
    bool german_voice = false;
    for (int i = 0; i < d.n_choices; i++)
        german_voice |= strcmp(d.choices[i].label, "Deutsch") == 0 && strcmp(d.choices[i].voice, "de") == 0;
    CHECK(german_voice);
    e.key.keysym.sym = SDLK_KP_5;
    kiosk_handle_event(f.k, &e);
    CHECK(kiosk_frame_has_text(f.k, "Nummer ziehen"));
    fixture_close(&f);
}

static void german_labels(borne_config *c)
{
    german(c);
    snprintf(c->setup.services[0].label_more[1], QUEUE_LABEL_MAX, "Individuelle Hilfen");
}

/* A service shows its label in the visitor's language, and the English one where the config
 * gives none in that language. */
static void service_labels_follow_the_language(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "lang-labels", screen10, german_labels, fixture_open_time_ms(), true)))
        return;
    CHECK(fixture_tap(&f, "Nummer ziehen"));
    CHECK(kiosk_frame_has_text(f.k, "Individuelle Hilfen"));
    CHECK(kiosk_frame_has_text(f.k, "Training & jobs"));
    CHECK(!kiosk_frame_has_text(f.k, "Individual grants"));
    fixture_close(&f);
}

static void arabic(borne_config *c) { snprintf(c->ui.language, sizeof c->ui.language, "ar"); }

/* x of the target labelled `label`, -1 when absent. */
static int target_x(fixture *f, const char *label)
{
    int x, y;
    return kiosk_find_target(f->k, label, &x, &y) ? x : -1;
}

static void arabic_is_mirrored_and_shaped(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "lang-rtl", screen10, arabic, fixture_open_time_ms(), true)))
        return;
    int w = screen10->w;
    /* Mirrored: the back button on the right, the first service tile right of the second, the
     * first home button (take a ticket) on the right half. */
    int take = target_x(&f, "أخذ تذكرة");
    CHECK(take > w / 2);
    kiosk_show(f.k, KIOSK_SERVICES);
    int back = target_x(&f, "رجوع");
    if (!CHECK(back > w / 2))
        fprintf(stderr, "  back button at x=%d of %d\n", back, w);
    ui_report rep = ui_get_report(kiosk_get_ui(f.k));
    int first = -1, second = -1;
    for (int i = 0; i < rep.n_targets; i++)
        if (rep.targets[i].id >= 100 && rep.targets[i].id < 200) {
            if (first < 0)
                first = i;
            else if (second < 0 && rep.targets[i].rect.y == rep.targets[first].rect.y)
                second = i;
        }
    if (CHECK(first >= 0 && second >= 0))
        CHECK(rep.targets[first].rect.x > rep.targets[second].rect.x);
    /* The code keypad keeps the phone order: 1 left of 3. */
    kiosk_show(f.k, KIOSK_CHECKIN);
    CHECK(target_x(&f, "1") < target_x(&f, "3"));

    /* Shaped: a joined word is not as wide as its letters set apart (isolated forms). */
    ui *u = kiosk_get_ui(f.k);
    static const char word[] = "العربية";
    int joined = ui_text_width(u, word, 6.0, false), apart = 0;
    for (size_t i = 0; i < sizeof word - 1; i += 2) {
        char letter[3] = {word[i], word[i + 1], '\0'};
        apart += ui_text_width(u, letter, 6.0, false);
    }
    if (!CHECK(joined > 0 && abs(joined - apart) > joined / 20))
        fprintf(stderr, "  joined %d px, letters apart %d px: no shaping?\n", joined, apart);
    /* Ordered: in Arabic text a ticket code stays left to right and comes visually first (left)
     * when it ends the sentence. */
    static const char said[] = "رقمكم: A042";
    ui_text_run runs[8];
    int n = ui_text_runs(said, strlen(said), ui_text_is_rtl(said, false), runs, 8);
    CHECK(ui_text_is_rtl(said, false));
    if (CHECK(n >= 2)) {
        CHECK(!runs[0].rtl);
        CHECK(strncmp(said + runs[0].start, "A042", 4) == 0);
        CHECK(runs[n - 1].rtl);
        CHECK(runs[n - 1].start == 0);
    }
    /* Times: "09:00 – 12:00" in Arabic reads right to left, opening time on the right. */
    static const char hours[] = "اليوم: 09:00 – 12:00";
    n = ui_text_runs(hours, strlen(hours), true, runs, 8);
    if (CHECK(n >= 3))
        CHECK(strncmp(hours + runs[0].start, "12:00", 5) == 0);
    fixture_close(&f);
}

static void ticket_follows_the_language_the_printer_can_print(void)
{
    fixture f;
    if (!CHECK(fixture_open(&f, "lang-ticket", screen10, NULL, fixture_open_time_ms(), true)))
        return;
    /* German: its letters are on the code page, the ticket is in German. */
    if (ticket_in(&f, "Deutsch", "Nummer ziehen", "Individual grants", "Ihr Ticket ist gedruckt")) {
        CHECK(has_bytes("Niemand vor Ihnen"));
        CHECK(has_bytes("Noch ist kein Schalter ge\xF6" "ffnet"));   /* WPC1252 */
        CHECK(!has_bytes("avant vous"));
    }
    fixture_advance(&f, 10 * 60 * 1000);
    /* Arabic: no code page has its letters; printed in French, with a line in French saying so,
     * and the screen says it in Arabic. */
    if (ticket_in(&f, "العربية", "أخذ تذكرة", "Individual grants", "تمت طباعة تذكرتكم")) {
        CHECK(has_bytes("1 personne avant vous"));
        CHECK(has_bytes("Ticket imprim\xE9 en fran\xE7" "ais"));   /* WPC1252 */
        CHECK(!has_bytes("??"));
        kiosk_spoken d;
        kiosk_describe(f.k, &d);
        if (!CHECK(strstr(d.state, "طُبعت تذكرتكم بالفرنسية") != NULL))
            fprintf(stderr, "  result says \"%s\"\n", d.state);
    }
    fixture_close(&f);
}

int main(void)
{
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    snprintf(shipped, sizeof shipped, "%s", getenv("BORNE_ASSETS") ? getenv("BORNE_ASSETS") : "assets");
    RUN(missing_key_shows_in_french);
    RUN(bad_catalog_is_left_out_and_reported);
    RUN(row_of_languages_keeps_the_choice_for_the_session);
    RUN(service_labels_follow_the_language);
    RUN(arabic_is_mirrored_and_shaped);
    RUN(ticket_follows_the_language_the_printer_can_print);
    return testlib_finish();
}
