/* Catalog loading (good files, every kind of bad line with file:line), the shipped catalogs
 * holding every French key (the missing-key check), and placeholder filling. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "borne/config.h"
#include "borne/ui_i18n.h"
#include "testlib.h"

static const char *dir;

static const char *write_file(const char *name, const char *text)
{
    const char *path = testlib_path(dir, name);
    FILE *fp = fopen(path, "w");
    if (!fp)
        abort();
    fputs(text, fp);
    fclose(fp);
    return path;
}

static void loads_values_escapes_and_comments(void)
{
    const char *path = write_file("xx.cat", "\xEF\xBB\xBF# comment\n\n  hello = Bonjour  \n"
                                            "two.lines = un\\ndeux\nslash = a\\\\b\nempty =\n"
                                            "accents = Réouverture à 9 h – fermé\n");
    ui_catalog *c = NULL;
    char err[256] = "";
    CHECK_INT(ui_catalog_load(&c, path, err, sizeof err), 0);
    if (!c)
        return;
    CHECK_STR(ui_catalog_lang(c), "xx");
    CHECK_INT(ui_catalog_count(c), 5);
    CHECK_STR(ui_catalog_get(c, "hello"), "Bonjour");
    CHECK_STR(ui_catalog_get(c, "two.lines"), "un\ndeux");
    CHECK_STR(ui_catalog_get(c, "slash"), "a\\b");
    CHECK_STR(ui_catalog_get(c, "empty"), "");
    CHECK_STR(ui_catalog_get(c, "accents"), "Réouverture à 9 h – fermé");
    CHECK(ui_catalog_get(c, "missing") == NULL);
    CHECK_STR(ui_tr(c, "missing"), "missing");
    CHECK_STR(ui_catalog_key(c, 0), "hello");
    ui_catalog_free(c);
}

static void bad_lines_are_refused_with_file_and_line(void)
{
    static const struct { const char *text, *says; int line; } cases[] = {
        {"a = 1\nno equals sign\n", "expected key = value", 2},
        {"a = 1\nb = 2\nBad Key = 3\n", "bad key", 3},
        {"a = 1\na = 2\n", "duplicate key", 2},
        {"a = tab\\t\n", "bad escape", 1},
        {"a = 1\n\nb = \xC3\x28\n", "not valid UTF-8", 3},
        {"a = \xED\xA0\x80\n", "not valid UTF-8", 1},   /* a surrogate */
        {"= value\n", "bad key", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *path = write_file("bad.cat", cases[i].text);
        ui_catalog *c = (ui_catalog *)1;
        char err[256] = "", want[512];
        CHECK_INT(ui_catalog_load(&c, path, err, sizeof err), -1);
        CHECK(c == NULL);
        snprintf(want, sizeof want, "%s:%d: ", path, cases[i].line);
        if (!CHECK(strncmp(err, want, strlen(want)) == 0 && strstr(err, cases[i].says)))
            fprintf(stderr, "  case %zu: %s\n", i, err);
    }
    ui_catalog *c = NULL;
    char err[256] = "";
    CHECK_INT(ui_catalog_load(&c, testlib_path(dir, "absent.cat"), err, sizeof err), -1);
    CHECK(strstr(err, "absent.cat: ") != NULL);
}

static int cmp_name(const void *a, const void *b) { return strcmp(a, b); }

/* The {name} placeholders of s, sorted and joined, so two values can be compared. */
static void placeholders_of(const char *s, char *out, size_t n)
{
    char names[16][32];
    int k = 0;
    for (const char *p = strchr(s, '{'); p && k < 16; p = strchr(p + 1, '{')) {
        const char *close = strchr(p, '}');
        if (!close)
            break;
        snprintf(names[k++], sizeof names[0], "%.*s", (int)(close - p - 1), p + 1);
    }
    qsort(names, (size_t)k, sizeof names[0], cmp_name);
    out[0] = '\0';
    for (int i = 0; i < k; i++)
        snprintf(out + strlen(out), n - strlen(out), "{%s}", names[i]);
}

/* The missing-key check: every shipped catalog has every key of French (the reference the others
 * are translated from), no key French lacks, the same placeholders in each value, and says its
 * name, direction and voice. Lists every fault before failing. */
static void shipped_catalogs_have_every_french_key(void)
{
    char i18n[600];
    snprintf(i18n, sizeof i18n, "%s/i18n", getenv("BORNE_ASSETS") ? getenv("BORNE_ASSETS") : "assets");
    char langs[16][UI_LANG_MAX];
    int n = ui_catalog_list(i18n, langs, 16);
    CHECK(n >= 6);
    ui_catalog *cats[16] = {0}, *fr = NULL;
    for (int i = 0; i < n; i++) {
        char path[sizeof i18n + sizeof langs + 8], err[256];
        snprintf(path, sizeof path, "%s/%s.cat", i18n, langs[i]);
        if (!CHECK_INT(ui_catalog_load(&cats[i], path, err, sizeof err), 0))
            fprintf(stderr, "%s\n", err);
        else if (strcmp(langs[i], "fr") == 0)
            fr = cats[i];
    }
    /* The config offers exactly the languages shipped. */
    int known = 0;
    for (const char *const *k = config_known_languages; *k; k++, known++) {
        bool shipped = false;
        for (int i = 0; i < n; i++)
            shipped |= strcmp(langs[i], *k) == 0;
        if (!CHECK(shipped))
            fprintf(stderr, "  config_known_languages has %s, assets/i18n has no %s.cat\n", *k, *k);
    }
    CHECK_INT(known, n);
    if (!CHECK(fr != NULL))
        return;
    int missing = 0;
    for (int i = 0; i < n; i++) {
        if (!cats[i])
            continue;
        const char *lang = ui_catalog_lang(cats[i]);
        for (size_t k = 0; k < ui_catalog_count(fr); k++) {
            const char *key = ui_catalog_key(fr, k);
            const char *v = ui_catalog_get(cats[i], key);
            if (!v) {
                fprintf(stderr, "  %s.cat lacks %s\n", lang, key);
                missing++;
                continue;
            }
            char want[256], got[256];
            placeholders_of(ui_catalog_get(fr, key), want, sizeof want);
            placeholders_of(v, got, sizeof got);
            if (!CHECK_STR(got, want))
                fprintf(stderr, "  %s.cat %s: placeholders %s, French has %s\n", lang, key, got, want);
            if (!CHECK(v[0] != '\0'))
                fprintf(stderr, "  %s.cat %s is empty\n", lang, key);
        }
        for (size_t k = 0; k < ui_catalog_count(cats[i]); k++)
            if (!CHECK(ui_catalog_get(fr, ui_catalog_key(cats[i], k)) != NULL))
                fprintf(stderr, "  %s.cat has %s, which fr.cat lacks\n", lang, ui_catalog_key(cats[i], k));
        const char *direction = ui_catalog_get(cats[i], "lang.dir");
        CHECK(direction && (strcmp(direction, "ltr") == 0 || strcmp(direction, "rtl") == 0));
        const char *voice = ui_catalog_get(cats[i], "lang.voice");
        if (!CHECK(voice && strcmp(voice, lang) == 0))
            fprintf(stderr, "  %s.cat: lang.voice is %s\n", lang, voice ? voice : "missing");
    }
    if (!CHECK_INT(missing, 0))
        fprintf(stderr, "  %d keys missing: a missing key shows in French on the kiosk\n", missing);
    for (int i = 0; i < n; i++)
        ui_catalog_free(cats[i]);
    CHECK_INT(ui_catalog_list(testlib_path(dir, "nowhere"), langs, 8), -1);
}

static void placeholders_are_filled(void)
{
    char out[64];
    CHECK_INT(ui_format(out, sizeof out, "{n} personnes, {x} reste", "n", "3", (const char *)NULL), 22);
    CHECK_STR(out, "3 personnes, {x} reste");
    ui_format(out, sizeof out, "{label} → {counter}", "label", "A042", "counter", "Guichet 2", (const char *)NULL);
    CHECK_STR(out, "A042 → Guichet 2");
    char small[6];
    CHECK_INT(ui_format(small, sizeof small, "{a}{a}", "a", "xyz", (const char *)NULL), 6);
    CHECK_STR(small, "xyzxy");
    ui_format(out, sizeof out, "open { brace", "a", "b", (const char *)NULL);
    CHECK_STR(out, "open { brace");
}

int main(void)
{
    dir = testlib_tmpdir("ui-i18n");
    RUN(loads_values_escapes_and_comments);
    RUN(bad_lines_are_refused_with_file_and_line);
    RUN(shipped_catalogs_have_every_french_key);
    RUN(placeholders_are_filled);
    return testlib_finish();
}
