/* Every kiosk screen in one language (the argument: one ctest per language of assets/i18n, so
 * they run side by side), in normal and large text, at 800x480 (7"), 1024x600 (10.1"), 1280x800
 * (10") and 1080x1920 (24" portrait): no text clipped, every target >= 15 mm, text >= 5 mm cap
 * height (7.5 mm in large text: 1.5 times), contrast >= 7:1, all computed from what the frame
 * drew (report + pixels read back); every home keeps its text size and language controls on
 * screen. The language is chosen as a visitor does, on home. Each screen's PNG is kept under
 * $BORNE_TEST_TMP/screens/<size>[-large]/<lang>-<screen>.png as an artefact. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "borne/ui_check.h"
#include "borne/ui_i18n.h"
#include "test_kiosk_fixture.h"
#include "testlib.h"

static char screens_root[600];
static char lang[UI_LANG_MAX] = "fr";
static ui_catalog *words, *french;   /* the language's catalog, and French for its missing keys */

/* A word of the screens in the language checked. */
static const char *tr(const char *key)
{
    const char *v = ui_catalog_get(words, key);
    return v ? v : ui_tr(french, key);
}

/* A target labelled exactly `label` ("More", not "More time"). */
static bool has_target(fixture *f, const char *label)
{
    kiosk_render(f->k);
    ui_report rep = ui_get_report(kiosk_get_ui(f->k));
    for (int i = 0; i < rep.n_targets; i++)
        if (strcmp(rep.targets[i].label, label) == 0)
            return true;
    return false;
}

/* Taps the first target whose id is in [lo, hi) (a service tile: its label is the config's),
 * turning the pages of a paged list (large text on a 7-inch panel) until one shows. */
static bool tap_id_in(fixture *f, int lo, int hi)
{
    for (int page = 0; page < 8; page++) {
        kiosk_render(f->k);
        ui_report rep = ui_get_report(kiosk_get_ui(f->k));
        for (int i = 0; i < rep.n_targets; i++)
            if (rep.targets[i].id >= lo && rep.targets[i].id < hi) {
                kiosk_tap(f->k, rep.targets[i].rect.x + rep.targets[i].rect.w / 2,
                          rep.targets[i].rect.y + rep.targets[i].rect.h / 2);
                return true;
            }
        if (!has_target(f, tr("common.next")))
            break;
        fixture_tap(f, tr("common.next"));
    }
    fprintf(stderr, "no target in [%d, %d) on %s\n", lo, hi, kiosk_screen_name(kiosk_current_screen(f->k)));
    return false;
}

/* Taps `label`, turning the pages of a paged list until it shows. */
static bool tap_paged(fixture *f, const char *label)
{
    for (int i = 0; i < 8 && !has_target(f, label) && has_target(f, tr("common.next")); i++)
        fixture_tap(f, tr("common.next"));
    return fixture_tap(f, label);
}
#define SERVICE_TILES 100, 200   /* T_SERVICE + index (app/kiosk/kiosk_internal.h) */

/* Whether the frame shows text beginning with the first words of s (the report keeps the start of
 * long texts). */
static bool frame_has_start(fixture *f, const char *s)
{
    char start[32];
    snprintf(start, sizeof start, "%s", s);
    char *cut = strrchr(start, ' ');
    if (cut && strlen(s) >= sizeof start)
        *cut = '\0';
    return kiosk_frame_has_text(f->k, start);
}

/* The target labelled exactly `label`, wholly on screen. */
static bool target_on_screen(fixture *f, const char *label)
{
    ui *u = kiosk_get_ui(f->k);
    ui_report rep = ui_get_report(u);
    int w = 0, h = 0;
    ui_pixels(u, &w, &h);   /* the frame as drawn, in pixels (ui_width is in zoomed units) */
    for (int i = 0; i < rep.n_targets; i++) {
        SDL_Rect r = rep.targets[i].rect;
        if (strcmp(rep.targets[i].label, label) == 0)
            return r.x >= 0 && r.y >= 0 && r.x + r.w <= w && r.y + r.h <= h;
    }
    return false;
}

/* Home always offers the way back from large text and to another language: the text size button,
 * and every language's name (the row) or the language button. */
static void home_keeps_its_settings(fixture *f, const char *size, bool large)
{
    const char *text_size = tr(large ? "home.normal_text" : "home.large_text");
    if (!CHECK(target_on_screen(f, text_size)))
        fprintf(stderr, "%s %s home: no \"%s\" on screen\n", size, lang, text_size);
    if (target_on_screen(f, tr("lang.choose")))
        return;
    char dir[600];
    snprintf(dir, sizeof dir, "%s/i18n", getenv("BORNE_ASSETS") ? getenv("BORNE_ASSETS") : "assets");
    char langs[16][UI_LANG_MAX];
    int n = ui_catalog_list(dir, langs, 16);
    for (int i = 0; i < n; i++) {
        char path[900], err[256];
        snprintf(path, sizeof path, "%s/%s.cat", dir, langs[i]);
        ui_catalog *c;
        if (!CHECK_INT(ui_catalog_load(&c, path, err, sizeof err), 0))
            continue;
        if (!CHECK(target_on_screen(f, ui_tr(c, "lang.name"))))
            fprintf(stderr, "%s %s home: neither the language button nor \"%s\" on screen\n", size, lang,
                    ui_tr(c, "lang.name"));
        ui_catalog_free(c);
    }
}

static void check_and_save(fixture *f, const char *size, const char *what)
{
    ui *u = kiosk_get_ui(f->k);
    bool large = strstr(size, "-large") != NULL;
    /* The mode lasts the whole session: every screen of the visit shows it. */
    CHECK(kiosk_large_text(f->k) == large);
    char path[900];
    snprintf(path, sizeof path, "%s/%s/%s-%s.png", screens_root, size, lang, what);
    CHECK_INT(kiosk_screenshot(f->k, path), 0);
    ui_rules rules = ui_rules_kiosk();
    if (large)
        rules.min_cap_mm *= 1.5;
    ui_check_result res;
    int problems = ui_check_frame(u, &rules, &res);
    if (problems)
        fprintf(stderr, "%s %s %s:\n%s", size, lang, what, res.problems);
    CHECK_INT(problems, 0);
    CHECK(res.texts > 0);
    if (!CHECK(res.pixel_checked == res.texts))
        fprintf(stderr, "%s %s %s: %d of %d texts drawn\n", size, lang, what, res.pixel_checked, res.texts);
    CHECK(res.min_pixel_contrast >= 7.0);
    if (strcmp(what, "idle") != 0 && strcmp(what, "result") != 0)
        CHECK(res.targets > 0);
    if (kiosk_current_screen(f->k) == KIOSK_HOME)
        home_keeps_its_settings(f, size, large);
}

/* The current screen and, when it is paged, each of its next pages, then back to the first. */
static void check_pages(fixture *f, const char *size, const char *what)
{
    check_and_save(f, size, what);
    int pages = 1;
    for (; pages < 8 && has_target(f, tr("common.next")); pages++) {
        CHECK(fixture_tap(f, tr("common.next")));
        char name[64];
        snprintf(name, sizeof name, "%s-page%d", what, pages + 1);
        check_and_save(f, size, name);
        CHECK(has_target(f, tr("common.prev")));
    }
    while (--pages > 0)
        CHECK(fixture_tap(f, tr("common.prev")));
}

static bool printer_paper_out(fixture *f)
{
    return printer_get_state(f->p) == PRINTER_PAPER_OUT;
}

static void show_and_check(fixture *f, const char *size, kiosk_screen s)
{
    kiosk_show(f->k, s);
    check_pages(f, size, kiosk_screen_name(s));
}

/* Physical millimetres between the edges of the target `label` and the nearest digit key (the
 * larger of the horizontal and vertical gaps). */
static double mm_to_nearest_digit(fixture *f, const char *label)
{
    ui *u = kiosk_get_ui(f->k);
    ui_report rep = ui_get_report(u);
    const SDL_Rect *from = NULL;
    for (int i = 0; i < rep.n_targets && !from; i++)
        if (strcmp(rep.targets[i].label, label) == 0)
            from = &rep.targets[i].rect;
    if (!from)
        return 1e9;
    double best = 1e9;
    for (int i = 0; i < rep.n_targets; i++) {
        const char *t = rep.targets[i].label;
        if (!(t[0] >= '0' && t[0] <= '9' && !t[1]))
            continue;
        const SDL_Rect *r = &rep.targets[i].rect;
        int dx = r->x > from->x + from->w ? r->x - (from->x + from->w) : from->x > r->x + r->w ? from->x - (r->x + r->w) : 0;
        int dy = r->y > from->y + from->h ? r->y - (from->y + from->h) : from->y > r->y + r->h ? from->y - (r->y + r->h) : 0;
        double mm = ui_physical_mm(u, dx > dy ? dx : dy);
        best = mm < best ? mm : best;
    }
    return best;
}

static int agent_asks;
static void agent_asked(void *ctx)
{
    (void)ctx;
    agent_asks++;
}

static void large_key(fixture *f)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = SDLK_KP_0;
    kiosk_handle_event(f->k, &e);
}

/* The visitor's choice of language on home: its name in the row, or the language button then the
 * name on the language scene. */
static bool choose_language(fixture *f)
{
    if (strcmp(lang, "fr") == 0)
        return true;
    int x, y;
    if (!kiosk_find_target(f->k, tr("lang.name"), &x, &y) && !fixture_tap(f, "Langue"))
        return false;
    return fixture_tap(f, tr("lang.name"));
}

static void one_size(const fixture_screen *sc, bool large)
{
    fixture f;
    /* Desks to hear "speak to an agent": the kiosk offers it (the hub's part: test_agent_request). */
    fixture_extra with_desks = {.ask_agent = agent_asked, .ask_agent_ctx = NULL};
    if (!CHECK(fixture_open_with(&f, "screens", sc, NULL, fixture_open_time_ms(), true, &with_desks)))
        return;
    char size[128], dir[800];
    snprintf(size, sizeof size, "%s%s", sc->name, large ? "-large" : "");
    snprintf(dir, sizeof dir, "%s/%s", screens_root, size);
    mkdir(dir, 0755);

    /* Some calls, so the home screen shows the last-calls panel filled. */
    queue_issued is;
    for (int i = 0; i < 3; i++)
        CHECK_INT(queue_issue(f.q, f.now_ms / 1000, i == 1 ? 'F' : 'A', NULL, &is), 0);
    queue_ticket t;
    CHECK_INT(queue_counter_open(f.q, f.now_ms / 1000, 1), 0);
    CHECK_INT(queue_counter_open(f.q, f.now_ms / 1000, 2), 0);
    CHECK_INT(queue_call_next(f.q, f.now_ms / 1000, 1, &t), 0);
    CHECK_INT(queue_call_next(f.q, f.now_ms / 1000 + 30, 2, &t), 0);
    fixture_advance(&f, 1000);
    CHECK(choose_language(&f));
    if (large) {
        /* The home scene's button turns it on, and says so. */
        kiosk_render(f.k);
        CHECK(fixture_tap(&f, tr("home.large_text")));
    }

    check_and_save(&f, size, "home");
    /* The 24" portrait shows the last calls under the choices; smaller screens give the room to
     * the languages and today's hours, and leave the calls to the waiting room's display. */
    if (sc->h > sc->w && !large)
        CHECK(kiosk_frame_has_text(f.k, "Guichet 2"));
    static const kiosk_screen plain[] = {KIOSK_SERVICES, KIOSK_CHECKIN, KIOSK_FEEDBACK, KIOSK_IDLE,
                                         KIOSK_ADMIN_PIN, KIOSK_ADMIN, KIOSK_LANGUAGE};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        show_and_check(&f, size, plain[i]);

    /* The admin's confirmation, whole words (staff read it in normal text). */
    if (!large) {
        kiosk_show(f.k, KIOSK_ADMIN);
        CHECK(fixture_tap(&f, tr("admin.reset")));
        check_and_save(&f, size, "admin-confirm");
        CHECK(kiosk_frame_has_text(f.k, tr("admin.reset_confirm")));
    }

    /* The optional steps, the result, the check-in error and the thank-you come from real flows. */
    f.cfg.ui.ask_public_type = true;
    f.cfg.ui.ask_priority = true;
    kiosk_show(f.k, KIOSK_SERVICES);
    check_pages(&f, size, "services-priority-offered");
    CHECK(fixture_tap(&f, tr("services.priority")));
    check_and_save(&f, size, "services-priority-on");
    CHECK(tap_id_in(&f, SERVICE_TILES));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_PUBLIC);
    check_pages(&f, size, "public");
    CHECK(tap_paged(&f, tr("public.entreprise")));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_RESULT);
    check_pages(&f, size, "result-priority");
    CHECK(kiosk_frame_has_text(f.k, tr("result.title_priority")));
    f.cfg.ui.ask_public_type = false;
    f.cfg.ui.ask_priority = false;

    printer_fake_set_status(f.fake, 4, 0x12 | 0x60);   /* paper out */
    CHECK(fixture_pump(&f, printer_paper_out, 15000));
    fixture_pump(&f, NULL, 0);   /* the state change reaches the kiosk as an SDL event */
    kiosk_show(f.k, KIOSK_HOME);
    check_pages(&f, size, "home-paper-out");
    /* Whole, or in short where home has no room for it (large text), or its title alone (large
     * text on a 7-inch panel). */
    CHECK(frame_has_start(&f, tr("home.paper_out")) || frame_has_start(&f, tr("home.paper_out.short")) ||
          kiosk_frame_has_text(f.k, tr("home.paper_out.title")));
    kiosk_show(f.k, KIOSK_SERVICES);
    CHECK(tap_id_in(&f, SERVICE_TILES));
    check_pages(&f, size, "result-paper-out");
    printer_fake_set_status(f.fake, 4, 0x12);

    kiosk_show(f.k, KIOSK_CHECKIN);
    SDL_Event e = {0};
    e.type = SDL_TEXTINPUT;
    snprintf(e.text.text, sizeof e.text.text, "NOPE-42");
    kiosk_handle_event(f.k, &e);
    check_and_save(&f, size, "checkin-typed");
    /* "Valider" next to the keys that typed the code, in every orientation (upright it was 30 cm
     * above them). */
    double valider_mm = mm_to_nearest_digit(&f, tr("checkin.validate"));
    fprintf(stderr, "%s %s: Valider %.1f mm from the nearest key\n", size, lang, valider_mm);
    CHECK(valider_mm <= 25.0);
    CHECK(fixture_tap(&f, tr("checkin.letters")));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_CHECKIN_LETTERS);
    check_pages(&f, size, "checkin_letters");
    CHECK(fixture_tap(&f, tr("checkin.digits")));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_CHECKIN);
    CHECK(fixture_tap(&f, tr("checkin.validate")));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_CHECKIN_ERROR);
    check_pages(&f, size, "checkin_error");
    /* Too early (information, from when), already checked in (the number), checked in (when,
     * where). */
    static const struct { const char *code; int64_t in_s; bool before; const char *shot; } appts[] = {
        {"RDV-EARLY-1", 3 * 3600, false, "checkin-early"},
        {"RDV-USED-1", 5 * 60, true, "checkin-used"},
        {"RDV-OK-1", 10 * 60, false, "result-appointment"},
    };
    for (size_t i = 0; i < sizeof appts / sizeof appts[0]; i++) {
        queue_appointment ap;
        memset(&ap, 0, sizeof ap);
        snprintf(ap.code, sizeof ap.code, "%s", appts[i].code);
        ap.at = f.now_ms / 1000 + appts[i].in_s;
        ap.service = 'A';
        ap.counter_id = 2;
        CHECK_INT(queue_appointment_upsert(f.q, f.now_ms / 1000, &ap), 0);
        if (appts[i].before)
            CHECK_INT(queue_check_in(f.q, f.now_ms / 1000, appts[i].code, &is), 0);
        kiosk_show(f.k, KIOSK_CHECKIN);
        memset(&e, 0, sizeof e);
        e.type = SDL_TEXTINPUT;
        snprintf(e.text.text, sizeof e.text.text, "%s", appts[i].code);
        kiosk_handle_event(f.k, &e);
        CHECK(fixture_tap(&f, tr("checkin.validate")));
        check_pages(&f, size, appts[i].shot);
    }

    kiosk_show(f.k, KIOSK_FEEDBACK);
    CHECK(tap_paged(&f, tr("feedback.5")));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_FEEDBACK_REASON);
    check_pages(&f, size, "feedback_reason");
    /* "Parler à un agent" on the first page, whatever the size and language. */
    int x_, y_;
    CHECK(kiosk_find_target(f.k, tr("reason.agent"), &x_, &y_));
    int asked_before = agent_asks;
    CHECK(fixture_tap(&f, tr("reason.agent")));
    CHECK_INT(agent_asks, asked_before + 1);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_THANKS);
    check_pages(&f, size, "thanks-agent");

    kiosk_show(f.k, KIOSK_FEEDBACK);
    CHECK(fixture_tap(&f, tr("feedback.1")));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_THANKS);
    check_pages(&f, size, "thanks");

    /* Outside the opening hours: the closed screen, with no ticket button. */
    f.now_ms = testlib_local_time(2026, 11, 23, 19, 30, 0) * 1000;
    kiosk_show(f.k, KIOSK_HOME);
    kiosk_tick(f.k);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_CLOSED);
    /* The keypad's key turns large text on (and off) on any scene. */
    if (kiosk_large_text(f.k) != large)
        large_key(&f);
    check_pages(&f, size, "closed");
    /* Large text on a 7-inch panel: the week on a page of its own. */
    if (has_target(&f, tr("closed.hours"))) {
        CHECK(fixture_tap(&f, tr("closed.hours")));
        check_and_save(&f, size, "closed-hours");
        CHECK(kiosk_frame_has_text(f.k, tr("day.1")));
    }
    int x, y;
    CHECK(!kiosk_find_target(f.k, tr("home.take_ticket"), &x, &y));
    fixture_close(&f);
}

/* Services as antennes label them (the demo's five walk-in services, in the six languages), and
 * more of the same length: the services screen with 5 to 9 of them and the priority toggle, the
 * counts that fill a page of tiles (6 + priority at 1280x800 lost the letters and cut three
 * labels). */
static const struct { char letter; const char *label[2 + QUEUE_LABEL_MORE]; } long_services[] = {
    {'A', {"Aides individuelles", "Individual grants", "Individuele steun", "Individuelle Hilfen",
           "Ayudas individuales", "المساعدات الفردية"}},
    {'F', {"Formation et emploi", "Training and jobs", "Opleiding en werk", "Ausbildung und Arbeit",
           "Formación y empleo", "التكوين والتشغيل"}},
    {'P', {"Orientation et apprentissage", "Guidance and apprenticeships", "Oriëntatie en leerlingwezen",
           "Berufsberatung und Lehre", "Orientación y aprendizaje", "التوجيه والتمهين"}},
    {'E', {"Entreprises et associations", "Companies and associations", "Bedrijven en verenigingen",
           "Unternehmen und Vereine", "Empresas y asociaciones", "المؤسسات والجمعيات"}},
    {'D', {"Information, autre demande", "Information, other request", "Informatie, andere vraag",
           "Auskunft, anderes Anliegen", "Información, otra consulta", "معلومات، طلب آخر"}},
    {'L', {"Logement et mobilité", "Housing and mobility", "Wonen en mobiliteit", "Wohnen und Mobilität",
           "Vivienda y movilidad", "السكن والتنقل"}},
    {'S', {"Santé et solidarités", "Health and solidarity", "Gezondheid en solidariteit",
           "Gesundheit und Solidarität", "Salud y solidaridad", "الصحة والتضامن"}},
    {'T', {"Transports scolaires", "School transport", "Leerlingenvervoer", "Schülerbeförderung",
           "Transporte escolar", "النقل المدرسي"}},
    {'B', {"Bourses et aides aux études", "Grants and study aid", "Beurzen en studiesteun",
           "Stipendien und Studienhilfe", "Becas y ayudas al estudio", "المنح ومساعدات الدراسة"}},
};
static int n_long_services;

static void with_long_services(borne_config *c)
{
    queue_setup *s = &c->setup;
    s->n_services = n_long_services;
    memset(s->counters[0].services, 0, sizeof s->counters[0].services);
    for (int i = 0; i < n_long_services; i++) {
        s->counters[0].services[i] = long_services[i].letter;
        queue_service *v = &s->services[i];
        memset(v, 0, sizeof *v);
        v->letter = long_services[i].letter;
        snprintf(v->label_fr, sizeof v->label_fr, "%s", long_services[i].label[0]);
        snprintf(v->label_en, sizeof v->label_en, "%s", long_services[i].label[1]);
        for (int m = 0; m < QUEUE_LABEL_MORE; m++)
            snprintf(v->label_more[m], sizeof v->label_more[m], "%s", long_services[i].label[2 + m]);
        v->enabled = true;
        v->order = i;
    }
    c->ui.ask_priority = true;
}

/* Every service tile drawn shows its letter: a one-letter text inside the tile. */
static void tiles_keep_their_letters(fixture *f, const char *size, const char *what)
{
    kiosk_render(f->k);
    ui_report rep = ui_get_report(kiosk_get_ui(f->k));
    for (int i = 0; i < rep.n_targets; i++) {
        const ui_target_rec *t = &rep.targets[i];
        if (t->id < 100 || t->id >= 200)   /* SERVICE_TILES */
            continue;
        bool letter = false;
        for (int j = 0; j < rep.n_texts && !letter; j++) {
            const ui_text_rec *x = &rep.texts[j];
            letter = x->text[0] >= 'A' && x->text[0] <= 'Z' && !x->text[1] && SDL_HasIntersection(&x->ink, &t->rect);
        }
        if (!CHECK(letter))
            fprintf(stderr, "%s %s %s: no letter on the tile \"%s\"\n", size, lang, what, t->label);
    }
}

static void services_counts_on(const fixture_screen *sc, bool large)
{
    for (n_long_services = 5; n_long_services <= 9; n_long_services++) {
        fixture f;
        if (!CHECK(fixture_open(&f, "services-n", sc, with_long_services, fixture_open_time_ms(), true)))
            return;
        char size[128], dir[800], what[32];
        snprintf(size, sizeof size, "%s%s", sc->name, large ? "-large" : "");
        snprintf(dir, sizeof dir, "%s/%s", screens_root, size);
        mkdir(dir, 0755);
        snprintf(what, sizeof what, "services-%d", n_long_services);
        CHECK(choose_language(&f));
        if (large) {
            kiosk_render(f.k);
            CHECK(fixture_tap(&f, tr("home.large_text")));
        }
        kiosk_show(f.k, KIOSK_SERVICES);
        check_and_save(&f, size, what);
        tiles_keep_their_letters(&f, size, what);
        for (int page = 2; page < 8 && has_target(&f, tr("common.next")); page++) {
            CHECK(fixture_tap(&f, tr("common.next")));
            char name[48];
            snprintf(name, sizeof name, "%s-page%d", what, page);
            check_and_save(&f, size, name);
            tiles_keep_their_letters(&f, size, name);
        }
        fixture_close(&f);
    }
}

/* The worst week a closed screen meets: seven days of split hours, no two days alike (nothing to
 * merge into "Lundi – Vendredi"). */
static void split_week(borne_config *c)
{
    for (int d = 0; d < 7; d++) {
        c->setup.week[d].n = 2;
        c->setup.week[d].range[0].open_min = 8 * 60 + 30 + d;
        c->setup.week[d].range[0].close_min = 12 * 60 + 15;
        c->setup.week[d].range[1].open_min = 13 * 60 + 45;
        c->setup.week[d].range[1].close_min = 18 * 60 + 30;
    }
}

static void closed_worst_week_on(const fixture_screen *sc)
{
    fixture f;
    /* Monday 23:30: closed until Tuesday morning. */
    int64_t night = testlib_local_time(2026, 11, 23, 23, 30, 0) * 1000;
    if (!CHECK(fixture_open(&f, "closed-week", sc, split_week, night, true)))
        return;
    char dir[800];
    snprintf(dir, sizeof dir, "%s/%s", screens_root, sc->name);
    mkdir(dir, 0755);
    if (strcmp(lang, "fr") != 0) {
        CHECK(fixture_tap(&f, "Langue"));   /* the language scene, then the language's name */
        CHECK(fixture_tap(&f, tr("lang.name")));
    }
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_CLOSED);
    check_and_save(&f, sc->name, "closed-split-week");
    /* Every day of the week is on screen, and its second range too. */
    CHECK(kiosk_frame_has_text(f.k, tr("day.7")));
    CHECK(kiosk_frame_has_text(f.k, "08:36"));
    CHECK(kiosk_frame_has_text(f.k, "18:30"));
    fixture_close(&f);
}

static void closed_worst_week(void)
{
    const fixture_screen *all[] = {&fixture_screens[0], &fixture_screen_1024, &fixture_screens[1], &fixture_screens[2]};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        closed_worst_week_on(all[i]);
}

/* 1024x600 panels come in 7" (fixture_screen_1024, checked by closed_worst_week) and 10.1". */
static const fixture_screen tablet_1024 = {"10in-1024x600", 1024, 600, 222.0, 125.0};

static const fixture_screen *normal_screens(int i)
{
    const fixture_screen *all[] = {&fixture_screens[0], &tablet_1024, &fixture_screens[1], &fixture_screens[2]};
    return i < 4 ? all[i] : NULL;
}

static void screens_normal(void)
{
    for (int i = 0; normal_screens(i); i++)
        one_size(normal_screens(i), false);
}

/* Large text on every screen, the 7" panels included: the scenes reflow (one item per row, pages,
 * a shorter layout) rather than shrink the words back. */
static const fixture_screen *large_screens(int i)
{
    const fixture_screen *all[] = {&tablet_1024, &fixture_screens[1], &fixture_screens[2], &fixture_screens[0],
                                   &fixture_screen_1024};
    return i < 5 ? all[i] : NULL;
}

static void screens_large(void)
{
    for (int i = 0; large_screens(i); i++)
        one_size(large_screens(i), true);
}

static void services_counts(void)
{
    for (int i = 0; normal_screens(i); i++)
        services_counts_on(normal_screens(i), false);
    for (int i = 0; large_screens(i); i++)
        services_counts_on(large_screens(i), true);
}

static ui_catalog *catalog(const char *code)
{
    char path[800], err[256];
    snprintf(path, sizeof path, "%s/i18n/%s.cat", getenv("BORNE_ASSETS") ? getenv("BORNE_ASSETS") : "assets", code);
    ui_catalog *c = NULL;
    if (ui_catalog_load(&c, path, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        exit(2);
    }
    return c;
}

int main(int argc, char **argv)
{
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    if (argc > 1)
        snprintf(lang, sizeof lang, "%.7s", argv[1]);
    french = catalog("fr");
    words = catalog(lang);
    const char *tmp = getenv("BORNE_TEST_TMP");
    snprintf(screens_root, sizeof screens_root, "%s/screens", tmp && *tmp ? tmp : "/tmp");
    mkdir(screens_root, 0755);
    RUN(closed_worst_week);
    RUN(screens_normal);
    RUN(screens_large);
    RUN(services_counts);
    ui_catalog_free(words);
    ui_catalog_free(french);
    return testlib_finish();
}
