/* Translation catalogs: one UTF-8 file per language, assets/i18n/<lang>.cat, loaded at run
 * time so a language is added by dropping a file, without code.
 *
 * Format, one entry per line:   key = value
 *   - blank lines and lines starting with '#' are ignored; spaces around key and value are
 *     trimmed; keys are [a-z0-9._-]; a key appears once;
 *   - in values, "\n" is a line break and "\\" a backslash; placeholders are written {name}
 *     and filled by ui_format() (never a printf format: catalogs are data, not code).
 * A bad file is refused whole with "file:line: message".
 *
 * Ownership: ui_catalog_load() gives the caller a catalog to free with ui_catalog_free().
 * Strings returned point into the catalog and live as long as it. */
#ifndef BORNE_UI_I18N_H
#define BORNE_UI_I18N_H

#include <stdbool.h>
#include <stddef.h>

typedef struct ui_catalog ui_catalog;

#define UI_LANG_MAX 16

/* Loads a catalog file; the language code is the file name without ".cat". Returns 0, or -1
 * with "file:line: message" (or "file: message") in errbuf. */
int ui_catalog_load(ui_catalog **out, const char *path, char *errbuf, size_t errlen);
void ui_catalog_free(ui_catalog *c);

const char *ui_catalog_lang(const ui_catalog *c);
/* Value of key, or NULL when absent. */
const char *ui_catalog_get(const ui_catalog *c, const char *key);
/* Value of key, or the key itself when absent (a missing translation shows, it never crashes). */
const char *ui_tr(const ui_catalog *c, const char *key);
size_t ui_catalog_count(const ui_catalog *c);
/* Key of entry i (file order), for tests comparing catalogs. */
const char *ui_catalog_key(const ui_catalog *c, size_t i);

/* Language codes of the catalogs in dir (files *.cat), sorted; returns how many (<= max) or -1
 * if the directory cannot be read. */
int ui_catalog_list(const char *dir, char langs[][UI_LANG_MAX], int max);

/* Copies tmpl into out replacing each {name} by its value from the NULL-terminated list of
 * (name, value) string pairs. Unknown placeholders are kept as written. Always NUL-terminates;
 * returns the length the full result needs (like snprintf). */
size_t ui_format(char *out, size_t outlen, const char *tmpl, ...);

#endif
