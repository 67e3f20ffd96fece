#include "borne/ui_i18n.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    char *key;
    char *value;
} entry;

struct ui_catalog {
    char lang[UI_LANG_MAX];
    entry *entries;
    size_t n, cap;
};

static bool valid_utf8(const unsigned char *s)
{
    while (*s) {
        int extra;
        unsigned cp;
        if (*s < 0x80) {
            s++;
            continue;
        } else if ((*s & 0xE0) == 0xC0) {
            extra = 1;
            cp = *s & 0x1F;
        } else if ((*s & 0xF0) == 0xE0) {
            extra = 2;
            cp = *s & 0x0F;
        } else if ((*s & 0xF8) == 0xF0) {
            extra = 3;
            cp = *s & 0x07;
        } else {
            return false;
        }
        s++;
        for (int i = 0; i < extra; i++, s++) {
            if ((*s & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (*s & 0x3F);
        }
        static const unsigned min_cp[4] = {0, 0x80, 0x800, 0x10000};
        if (cp < min_cp[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
    }
    return true;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

static bool valid_key(const char *k)
{
    if (!*k)
        return false;
    for (; *k; k++)
        if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '.' || *k == '_' || *k == '-'))
            return false;
    return true;
}

/* Unescapes in place; returns false on an unknown escape. */
static bool unescape(char *v)
{
    char *w = v;
    for (char *r = v; *r; r++) {
        if (*r != '\\') {
            *w++ = *r;
            continue;
        }
        r++;
        if (*r == 'n')
            *w++ = '\n';
        else if (*r == '\\')
            *w++ = '\\';
        else
            return false;
    }
    *w = '\0';
    return true;
}

void ui_catalog_free(ui_catalog *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->entries[i].key);
        free(c->entries[i].value);
    }
    free(c->entries);
    free(c);
}

static int add_entry(ui_catalog *c, const char *key, const char *value)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        entry *e = realloc(c->entries, cap * sizeof *e);
        if (!e)
            return -1;
        c->entries = e;
        c->cap = cap;
    }
    char *k = strdup(key), *v = strdup(value);
    if (!k || !v) {
        free(k);
        free(v);
        return -1;
    }
    c->entries[c->n++] = (entry){k, v};
    return 0;
}

int ui_catalog_load(ui_catalog **out, const char *path, char *errbuf, size_t errlen)
{
    *out = NULL;
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    ui_catalog *c = calloc(1, sizeof *c);
    if (!c) {
        fclose(fp);
        snprintf(errbuf, errlen, "%s: out of memory", path);
        return -1;
    }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t blen = strcspn(base, ".");
    if (blen == 0 || blen >= sizeof c->lang) {
        snprintf(errbuf, errlen, "%s: file name is not a language code", path);
        goto fail;
    }
    memcpy(c->lang, base, blen);

    char line[4096];
    int lineno = 0;
    while (fgets(line, sizeof line, fp)) {
        lineno++;
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            snprintf(errbuf, errlen, "%s:%d: line too long", path, lineno);
            goto fail;
        }
        if (len && line[len - 1] == '\n')
            line[--len] = '\0';
        if (lineno == 1 && (unsigned char)line[0] == 0xEF && (unsigned char)line[1] == 0xBB &&
            (unsigned char)line[2] == 0xBF)
            memmove(line, line + 3, strlen(line + 3) + 1);
        char *s = trim(line);
        if (!*s || *s == '#')
            continue;
        if (!valid_utf8((const unsigned char *)s)) {
            snprintf(errbuf, errlen, "%s:%d: not valid UTF-8", path, lineno);
            goto fail;
        }
        char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(errbuf, errlen, "%s:%d: expected key = value", path, lineno);
            goto fail;
        }
        *eq = '\0';
        char *key = trim(s), *value = trim(eq + 1);
        if (!valid_key(key)) {
            snprintf(errbuf, errlen, "%s:%d: bad key \"%s\" (use a-z 0-9 . _ -)", path, lineno, key);
            goto fail;
        }
        if (ui_catalog_get(c, key)) {
            snprintf(errbuf, errlen, "%s:%d: duplicate key \"%s\"", path, lineno, key);
            goto fail;
        }
        if (!unescape(value)) {
            snprintf(errbuf, errlen, "%s:%d: bad escape in value (only \\n and \\\\)", path, lineno);
            goto fail;
        }
        if (add_entry(c, key, value) != 0) {
            snprintf(errbuf, errlen, "%s:%d: out of memory", path, lineno);
            goto fail;
        }
    }
    if (ferror(fp)) {
        snprintf(errbuf, errlen, "%s: read error", path);
        goto fail;
    }
    fclose(fp);
    *out = c;
    return 0;
fail:
    fclose(fp);
    ui_catalog_free(c);
    return -1;
}

const char *ui_catalog_lang(const ui_catalog *c) { return c->lang; }
size_t ui_catalog_count(const ui_catalog *c) { return c->n; }
const char *ui_catalog_key(const ui_catalog *c, size_t i) { return i < c->n ? c->entries[i].key : NULL; }

const char *ui_catalog_get(const ui_catalog *c, const char *key)
{
    /* Linear: a catalog has ~200 keys and a screen looks up a few dozen per redraw. */
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->entries[i].key, key) == 0)
            return c->entries[i].value;
    return NULL;
}

const char *ui_tr(const ui_catalog *c, const char *key)
{
    const char *v = c ? ui_catalog_get(c, key) : NULL;
    return v ? v : key;
}

static int cmp_lang(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

int ui_catalog_list(const char *dir, char langs[][UI_LANG_MAX], int max)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < max) {
        size_t len = strlen(de->d_name);
        if (len <= 4 || len - 4 >= UI_LANG_MAX || strcmp(de->d_name + len - 4, ".cat") != 0)
            continue;
        memcpy(langs[n], de->d_name, len - 4);
        langs[n][len - 4] = '\0';
        n++;
    }
    closedir(d);
    qsort(langs, (size_t)n, sizeof langs[0], cmp_lang);
    return n;
}

size_t ui_format(char *out, size_t outlen, const char *tmpl, ...)
{
    size_t used = 0;
#define PUT(ch)                                                                                    \
    do {                                                                                           \
        if (used + 1 < outlen)                                                                     \
            out[used] = (ch);                                                                      \
        used++;                                                                                    \
    } while (0)
    for (const char *p = tmpl; *p;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        const char *value = NULL;
        if (close) {
            va_list ap;
            va_start(ap, tmpl);
            for (const char *name; (name = va_arg(ap, const char *));) {
                const char *v = va_arg(ap, const char *);
                if (strlen(name) == (size_t)(close - p - 1) && strncmp(name, p + 1, (size_t)(close - p - 1)) == 0) {
                    value = v;
                    break;
                }
            }
            va_end(ap);
        }
        if (value) {
            for (; *value; value++)
                PUT(*value);
            p = close + 1;
        } else {
            PUT(*p);
            p++;
        }
    }
#undef PUT
    if (outlen)
        out[used < outlen ? used : outlen - 1] = '\0';
    return used;
}
