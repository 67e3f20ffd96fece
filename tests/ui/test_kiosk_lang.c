/* The kiosk's languages at run time: a key missing from a catalog shows in French (never as a key
 * name), a catalog with a syntax error is left out with file:line on the admin screen while the
 * kiosk serves in the others. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

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
    CHECK(kiosk_frame_has_text(f.k, "Wartenummer ziehen"));
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

int main(void)
{
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    snprintf(shipped, sizeof shipped, "%s", getenv("BORNE_ASSETS") ? getenv("BORNE_ASSETS") : "assets");
    RUN(missing_key_shows_in_french);
    RUN(bad_catalog_is_left_out_and_reported);
    return testlib_finish();
}
