/* The feedback screen's weather scale, read as the ordered scale it is, on every kiosk screen
 * (7" 800x480 and 1024x600, 10.1" 1024x600, 10" 1280x800, 24" portrait 1080x1920), in every
 * language of assets/i18n and in normal and large text:
 * - the five targets, sunny to storm, stand in one row in landscape (first on the right in
 *   Arabic) and in one column in portrait, one after the other; in large text a landscape screen
 *   whose row cannot hold the words at that size may stand them in a column too;
 * - their icons, measured in the pixels drawn, are the same size (one of them a third of the
 *   others was the defect of issue 14);
 * - every word whole inside its target, and the frame's rules (ui_check_frame: no clipped text,
 *   targets >= 15 mm, text >= 5 mm, 7.5 mm in large text, contrast >= 7:1);
 * then the screens the scale leads to (the reason after a storm, the thank-you) pass the same
 * rules. PNGs: $BORNE_TEST_TMP/weather/<size>[-large]/<lang>-<screen>.png. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "borne/ui_check.h"
#include "borne/ui_i18n.h"
#include "test_kiosk_fixture.h"
#include "testlib.h"

#define LEVELS 5
/* The drawn icons differ by design (a sun's rays reach further than a cloud): within this ratio
 * they read as one size. */
#define ICON_SIZE_RATIO 1.3

static char root[600];
static const char *assets;

/* 1024x600 panels come in 7" (fixture_screen_1024) and 10.1". */
static const fixture_screen tablet_1024 = {"10in-1024x600", 1024, 600, 222.0, 125.0};

static ui_catalog *load_catalog(const char *code)
{
    char path[800], err[256];
    snprintf(path, sizeof path, "%s/i18n/%s.cat", assets, code);
    ui_catalog *c = NULL;
    if (ui_catalog_load(&c, path, err, sizeof err) != 0)
        fprintf(stderr, "%s\n", err);
    return c;
}

static void save(fixture *f, const char *size, const char *lang, const char *what)
{
    char path[900];
    snprintf(path, sizeof path, "%s/%s/%s-%s.png", root, size, lang, what);
    CHECK_INT(kiosk_screenshot(f->k, path), 0);
}

/* The frame's rules, as test_kiosk_screens applies them (large text: 1.5 times the text). */
static void frame_passes(fixture *f, const char *where, bool large)
{
    ui_rules rules = ui_rules_kiosk();
    if (large)
        rules.min_cap_mm *= 1.5;
    ui_check_result res;
    int problems = ui_check_frame(kiosk_get_ui(f->k), &rules, &res);
    if (!CHECK_INT(problems, 0))
        fprintf(stderr, "%s:\n%s", where, res.problems);
    CHECK(res.pixel_checked == res.texts);
}

static bool same_colour(uint32_t argb, SDL_Color c)
{
    return ((argb >> 16) & 0xFF) == c.r && ((argb >> 8) & 0xFF) == c.g && (argb & 0xFF) == c.b;
}

static bool in_rect(SDL_Rect r, int x, int y)
{
    return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

/* The box of the picture drawn in target rect t: its pixels of another colour than the tile,
 * its border and the page, outside the texts drawn. Zero size when there is none. */
static SDL_Rect icon_box(ui *u, SDL_Rect t)
{
    int w, h;
    const uint32_t *px = ui_pixels(u, &w, &h);
    const ui_theme *th = ui_get_theme(u);
    ui_report rep = ui_get_report(u);
    int x0 = w, y0 = h, x1 = -1, y1 = -1;
    for (int y = t.y; y < t.y + t.h && y < h; y++)
        for (int x = t.x; x < t.x + t.w && x < w; x++) {
            uint32_t p = px[(size_t)y * (size_t)w + (size_t)x];
            if (same_colour(p, th->secondary) || same_colour(p, th->secondary_ink) || same_colour(p, th->page) ||
                same_colour(p, th->secondary_down))
                continue;
            bool text = false;
            for (int i = 0; i < rep.n_texts && !text; i++)
                text = in_rect(rep.texts[i].ink, x, y);
            if (text)
                continue;
            x0 = x < x0 ? x : x0;
            y0 = y < y0 ? y : y0;
            x1 = x > x1 ? x : x1;
            y1 = y > y1 ? y : y1;
        }
    return x1 < 0 ? (SDL_Rect){0, 0, 0, 0} : (SDL_Rect){x0, y0, x1 - x0 + 1, y1 - y0 + 1};
}

/* Whether a text drew `label` wholly inside r. */
static bool word_inside(const ui_report *rep, const char *label, SDL_Rect r)
{
    for (int i = 0; i < rep->n_texts; i++) {
        const ui_text_rec *t = &rep->texts[i];
        if (strcmp(t->text, label) != 0 || !t->fit)
            continue;
        SDL_Rect both;
        if (SDL_IntersectRect(&t->ink, &r, &both) && both.w == t->ink.w && both.h == t->ink.h)
            return true;
    }
    return false;
}

/* Each target after the one before it along a row (x growing, or shrinking right to left) or a
 * column (y growing), all on that one line. */
static bool in_order(const SDL_Rect *r, bool column, bool rtl)
{
    for (int i = 1; i < LEVELS; i++) {
        const SDL_Rect *a = &r[i - 1], *b = &r[i];
        if (column) {
            if (b->x != a->x || b->w != a->w || b->y < a->y + a->h)
                return false;
        } else if (b->y != a->y || b->h != a->h || (rtl ? b->x + b->w > a->x : b->x < a->x + a->w)) {
            return false;
        }
    }
    return true;
}

static void check_scale(fixture *f, ui_catalog *words, const char *where, bool portrait, bool large, bool rtl)
{
    ui *u = kiosk_get_ui(f->k);
    ui_report rep = ui_get_report(u);
    SDL_Rect tiles[LEVELS], icons[LEVELS];
    for (int level = 1; level <= LEVELS; level++) {
        char key[16];
        snprintf(key, sizeof key, "feedback.%d", level);
        const char *label = ui_tr(words, key);
        const SDL_Rect *found = NULL;
        for (int i = 0; i < rep.n_targets && !found; i++)
            if (strcmp(rep.targets[i].label, label) == 0)
                found = &rep.targets[i].rect;
        if (!CHECK(found != NULL)) {
            fprintf(stderr, "%s: no target \"%s\"\n", where, label);
            return;
        }
        tiles[level - 1] = *found;
        if (!CHECK(word_inside(&rep, label, *found)))
            fprintf(stderr, "%s: \"%s\" not drawn whole inside its target\n", where, label);
        icons[level - 1] = icon_box(u, *found);
    }
    bool row = in_order(tiles, false, rtl), column = in_order(tiles, true, rtl);
    /* Landscape: a row; portrait: a column; large text on a landscape screen: either. */
    bool ordered = portrait ? column : large ? row || column : row;
    if (!CHECK(ordered))
        for (int i = 0; i < LEVELS; i++)
            fprintf(stderr, "%s: level %d at %d,%d %dx%d\n", where, i + 1, tiles[i].x, tiles[i].y, tiles[i].w,
                    tiles[i].h);
    double smallest = 1e9, largest = 0;
    for (int i = 0; i < LEVELS; i++) {
        double side = ui_physical_mm(u, icons[i].w > icons[i].h ? icons[i].w : icons[i].h);
        smallest = side < smallest ? side : smallest;
        largest = side > largest ? side : largest;
    }
    fprintf(stderr, "%s: %s, icons %.1f to %.1f mm\n", where, row ? "row" : column ? "column" : "no order", smallest,
            largest);
    /* A picture, not a dot: 8 mm at least, and one size. */
    CHECK(smallest >= 8.0);
    if (!CHECK(largest <= smallest * ICON_SIZE_RATIO))
        for (int i = 0; i < LEVELS; i++)
            fprintf(stderr, "%s: icon %d is %dx%d px\n", where, i + 1, icons[i].w, icons[i].h);
}

/* Home, in `lang` and the text size, as a visitor sets them. */
static bool visitor_settings(fixture *f, ui_catalog *words, const char *lang, bool large)
{
    kiosk_render(f->k);
    int x, y;
    const char *name = ui_tr(words, "lang.name");
    if (strcmp(lang, "fr") != 0 && !kiosk_find_target(f->k, name, &x, &y) && !fixture_tap(f, "Langue"))
        return false;
    if (strcmp(lang, "fr") != 0 && !fixture_tap(f, name))
        return false;
    kiosk_render(f->k);
    return !large || fixture_tap(f, ui_tr(words, "home.large_text"));
}

/* Taps `label`, which must lead to screen `to`; saves it and checks its frame. */
static void tap_and_check(fixture *f, const char *label, kiosk_screen to, const char *size, const char *lang,
                          bool large)
{
    char where[256];
    snprintf(where, sizeof where, "%s %s %s", size, lang, kiosk_screen_name(to));
    CHECK(fixture_tap(f, label));
    CHECK_INT(kiosk_current_screen(f->k), to);
    kiosk_render(f->k);
    save(f, size, lang, kiosk_screen_name(to));
    frame_passes(f, where, large);
}

static void one(const fixture_screen *sc, const char *lang, bool large)
{
    ui_catalog *words = load_catalog(lang);
    if (!CHECK(words != NULL))
        return;
    fixture f;
    if (!CHECK(fixture_open(&f, "weather", sc, NULL, fixture_open_time_ms(), true))) {
        ui_catalog_free(words);
        return;
    }
    char size[128], dir[800], where[256];
    snprintf(size, sizeof size, "%s%s", sc->name, large ? "-large" : "");
    snprintf(dir, sizeof dir, "%s/%s", root, size);
    mkdir(dir, 0755);
    snprintf(where, sizeof where, "%s %s", size, lang);
    CHECK(visitor_settings(&f, words, lang, large));

    kiosk_show(f.k, KIOSK_FEEDBACK);
    kiosk_render(f.k);
    save(&f, size, lang, "feedback");
    CHECK(kiosk_large_text(f.k) == large);
    frame_passes(&f, where, large);
    check_scale(&f, words, where, sc->h > sc->w, large, strcmp(lang, "ar") == 0);

    /* A storm: the optional reason, skipped, then the thank-you. */
    tap_and_check(&f, ui_tr(words, "feedback.5"), KIOSK_FEEDBACK_REASON, size, lang, large);
    tap_and_check(&f, ui_tr(words, "reason.skip"), KIOSK_THANKS, size, lang, large);
    fixture_close(&f);
    ui_catalog_free(words);
}

static void scale_everywhere(void)
{
    const fixture_screen *screens[] = {&fixture_screens[0], &fixture_screen_1024, &tablet_1024, &fixture_screens[1],
                                       &fixture_screens[2]};
    char dir[800];
    snprintf(dir, sizeof dir, "%s/i18n", assets);
    char langs[16][UI_LANG_MAX];
    int n = ui_catalog_list(dir, langs, 16);
    CHECK(n >= 6);
    for (int l = 0; l < n; l++)
        for (size_t s = 0; s < sizeof screens / sizeof screens[0]; s++)
            for (int large = 0; large <= 1; large++)
                one(screens[s], langs[l], large);
}

int main(void)
{
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    assets = getenv("BORNE_ASSETS") ? getenv("BORNE_ASSETS") : "assets";
    const char *tmp = getenv("BORNE_TEST_TMP");
    snprintf(root, sizeof root, "%s/weather", tmp && *tmp ? tmp : "/tmp");
    mkdir(root, 0755);
    RUN(scale_everywhere);
    return testlib_finish();
}
