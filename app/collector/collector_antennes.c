#include "borne/collector_antennes.h"

#include "borne/secret.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TOKEN_MAX 256

struct entry {
    struct collector_antenne_info info;
    char token[TOKEN_MAX + 1];
};

struct collector_antennes {
    struct entry *v;
    size_t n;
    size_t *by_id;      /* indexes sorted by id */
    size_t *by_token;   /* indexes of antennes with a token, sorted by token */
    size_t n_tokens;
    char admin[TOKEN_MAX + 1];
};

int collector_antennes_slug(const char *name, char *out, size_t size)
{
    /* Latin-1 supplement letters (UTF-8 C3 80..C3 BF) folded to their base letter; enough for French
     * place names. Anything else that is not alphanumeric becomes a separator. */
    static const char c3[] = "aaaaaaaceeeeiiiidnooooo/ouuuuyts"; /* capitals and small letters alike */
    size_t n = 0;
    bool sep = false;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        char c = 0;
        if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
            c = (char)*p;
        else if (*p >= 'A' && *p <= 'Z')
            c = (char)(*p - 'A' + 'a');
        else if (*p == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF) {
            c = c3[(p[1] - 0x80) & 31];
            p++;
        } else if (*p == 0xC5 && (p[1] == 0x92 || p[1] == 0x93)) { /* Œ œ */
            if (sep && n) {
                if (n + 1 >= size)
                    return -1;
                out[n++] = '-';
            }
            sep = false;
            if (n + 2 >= size)
                return -1;
            out[n++] = 'o';
            c = 'e';
            p++;
        }
        if (c == '/' || c == 0) {
            sep = true;
            continue;
        }
        if (sep && n) {
            if (n + 1 >= size)
                return -1;
            out[n++] = '-';
        }
        sep = false;
        if (n + 1 >= size)
            return -1;
        out[n++] = c;
    }
    if (n == 0 || n > COLLECTOR_ID_MAX)
        return -1;
    out[n] = '\0';
    return 0;
}

static int fail(char *err, size_t errlen, const char *file, int line, const char *msg)
{
    if (line > 0)
        snprintf(err, errlen, "%s:%d: %s", file, line, msg);
    else
        snprintf(err, errlen, "%s: %s", file, msg);
    return -1;
}

/* Splits one CSV line in place (double quotes with "" escapes); returns the field count or -1. */
static int csv_fields(char *line, char **f, int max)
{
    int n = 0;
    char *r = line, *w = line;
    for (;;) {
        if (n == max)
            return -1;
        f[n++] = w;
        if (*r == '"') {
            r++;
            for (;;) {
                if (*r == '\0')
                    return -1;
                if (*r == '"' && r[1] == '"') {
                    *w++ = '"';
                    r += 2;
                } else if (*r == '"') {
                    r++;
                    break;
                } else {
                    *w++ = *r++;
                }
            }
        } else {
            while (*r && *r != ',')
                *w++ = *r++;
        }
        if (*r == '\0') {
            *w = '\0';
            return n;
        }
        if (*r != ',')
            return -1;
        *w++ = '\0';
        w = ++r;
    }
}

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
}

static bool parse_count(const char *s, int64_t *out)
{
    if (*s == '\0') {
        *out = 0;
        return true;
    }
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < 0)
        return false;
    *out = v;
    return true;
}

static const struct collector_antennes *sort_ctx;

static int cmp_id(const void *a, const void *b)
{
    return strcmp(sort_ctx->v[*(const size_t *)a].info.id, sort_ctx->v[*(const size_t *)b].info.id);
}

static int cmp_token(const void *a, const void *b)
{
    return strcmp(sort_ctx->v[*(const size_t *)a].token, sort_ctx->v[*(const size_t *)b].token);
}

/* Registries are built once at start-up on one thread, so the qsort context can be a static. */
static void sort_index(const struct collector_antennes *a, size_t *idx, size_t n, int (*cmp)(const void *,
                                                                                             const void *))
{
    sort_ctx = a;
    qsort(idx, n, sizeof *idx, cmp);
    sort_ctx = NULL;
}

static int add_entry(struct collector_antennes *a, size_t *cap, const struct collector_antenne_info *info)
{
    if (a->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 32;
        struct entry *nv = realloc(a->v, ncap * sizeof *nv);
        if (!nv)
            return -1;
        a->v = nv;
        *cap = ncap;
    }
    memset(&a->v[a->n], 0, sizeof a->v[a->n]);
    a->v[a->n].info = *info;
    a->n++;
    return 0;
}

/* territory, group, lat, lon of a row. */
static int parse_place(char **fl, struct collector_antenne_info *info)
{
    char *end;
    size_t tl = strlen(fl[0]);
    if (tl == 0 || tl >= sizeof info->territory || !collector_ingest_valid_id(fl[1]))
        return -1;
    info->lat = strtod(fl[2], &end);
    if (end == fl[2] || *end || info->lat < -90 || info->lat > 90)
        return -1;
    info->lon = strtod(fl[3], &end);
    if (end == fl[3] || *end || info->lon < -180 || info->lon > 180)
        return -1;
    memcpy(info->territory, fl[0], tl + 1);
    snprintf(info->group, sizeof info->group, "%s", fl[1]);
    info->has_coords = 1;
    return 0;
}

static int parse_csv(struct collector_antennes *a, FILE *f, const char *path, char *err, size_t errlen)
{
    char line[1024];
    int lineno = 0;
    bool header = false;
    int columns = 0;
    size_t cap = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f))
            return fail(err, errlen, path, lineno, "line too long");
        chomp(line);
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *fl[10];
        int nf = csv_fields(line, fl, 10);
        if (!header) {
            static const char *const names[] = {"name", "opened", "population", "communes",
                                                "territory", "group", "lat", "lon"};
            columns = nf == 4 || nf == 8 ? nf : 0;
            for (int i = 0; i < columns; i++)
                if (strcmp(fl[i], names[i]) != 0)
                    columns = 0;
            if (!columns)
                return fail(err, errlen, path, lineno,
                            "expected the header name,opened,population,communes[,territory,group,lat,lon]");
            header = true;
            continue;
        }
        if (nf != columns)
            return fail(err, errlen, path, lineno, columns == 4 ? "expected 4 fields like the header"
                                                                : "expected 8 fields like the header");
        struct collector_antenne_info info;
        memset(&info, 0, sizeof info);
        if (strlen(fl[0]) >= sizeof info.name || collector_antennes_slug(fl[0], info.id, sizeof info.id) != 0)
            return fail(err, errlen, path, lineno, "the name gives no usable id (1 to 64 letters or digits)");
        snprintf(info.name, sizeof info.name, "%s", fl[0]);
        if (fl[1][0] && collector_ingest_parse_day(fl[1]) == INT64_MIN)
            return fail(err, errlen, path, lineno, "opened: a YYYY-MM-DD date or empty expected");
        snprintf(info.opened, sizeof info.opened, "%s", fl[1]);
        if (!parse_count(fl[2], &info.population) || !parse_count(fl[3], &info.communes))
            return fail(err, errlen, path, lineno, "population and communes must be non-negative integers");
        if (columns == 8 && parse_place(fl + 4, &info) != 0)
            return fail(err, errlen, path, lineno,
                        "territory (1 to 63 bytes), group ([a-z0-9-] id), lat (-90..90) and lon (-180..180) expected");
        if (collector_antennes_find(a, info.id) >= 0)
            return fail(err, errlen, path, lineno, "two antennes have the same id");
        if (add_entry(a, &cap, &info) != 0)
            return fail(err, errlen, path, lineno, "out of memory");
        /* Keep the id index current so duplicates are caught while reading. */
        size_t *nb = realloc(a->by_id, a->n * sizeof *nb);
        if (!nb)
            return fail(err, errlen, path, lineno, "out of memory");
        a->by_id = nb;
        a->by_id[a->n - 1] = a->n - 1;
        sort_index(a, a->by_id, a->n, cmp_id);
    }
    if (ferror(f))
        return fail(err, errlen, path, 0, strerror(errno));
    if (!header)
        return fail(err, errlen, path, 0, "no header line");
    return 0;
}

int collector_antennes_load_csv(const char *csv_path, struct collector_antennes **out, char *err, size_t errlen)
{
    *out = NULL;
    struct collector_antennes *a = calloc(1, sizeof *a);
    if (!a)
        return fail(err, errlen, csv_path, 0, "out of memory");
    FILE *f = fopen(csv_path, "r");
    if (!f) {
        fail(err, errlen, csv_path, 0, strerror(errno));
        free(a);
        return -1;
    }
    int rc = parse_csv(a, f, csv_path, err, errlen);
    fclose(f);
    if (rc != 0) {
        collector_antennes_free(a);
        return -1;
    }
    *out = a;
    return 0;
}

void collector_antennes_free(struct collector_antennes *a)
{
    if (!a)
        return;
    free(a->v);
    free(a->by_id);
    free(a->by_token);
    free(a);
}

size_t collector_antennes_count(const struct collector_antennes *a)
{
    return a->n;
}

const struct collector_antenne_info *collector_antennes_at(const struct collector_antennes *a, size_t i)
{
    return &a->v[i].info;
}

const char *collector_antennes_token(const struct collector_antennes *a, size_t i)
{
    return a->v[i].token;
}

long collector_antennes_find(const struct collector_antennes *a, const char *id)
{
    size_t lo = 0, hi = a->by_id ? a->n : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(a->v[a->by_id[mid]].info.id, id);
        if (c == 0)
            return (long)a->by_id[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static bool valid_token(const char *t)
{
    /* The length floor is secret_check()'s. */
    if (strlen(t) > TOKEN_MAX)
        return false;
    for (; *t; t++)
        if (*t <= 0x20 || *t > 0x7e)
            return false;
    return true;
}

static long find_token(const struct collector_antennes *a, const char *token)
{
    size_t lo = 0, hi = a->n_tokens;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(a->v[a->by_token[mid]].token, token);
        if (c == 0)
            return (long)a->by_token[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static int set_token(struct collector_antennes *a, const char *id, const char *token, const char *file, int line,
                     char *err, size_t errlen)
{
    long i = collector_antennes_find(a, id);
    if (i < 0)
        return fail(err, errlen, file, line, "unknown antenne id");
    char where[1100];
    if (line > 0)
        snprintf(where, sizeof where, "%s:%d", file, line);
    else
        snprintf(where, sizeof where, "%s", file);
    if (secret_check(where, token, err, errlen) != 0)
        return -1;
    if (!valid_token(token))
        return fail(err, errlen, file, line, "a token is visible ASCII characters without spaces, at most 256");
    if (a->v[i].token[0])
        return fail(err, errlen, file, line, "this antenne already has a token");
    if (find_token(a, token) >= 0 || strcmp(token, a->admin) == 0)
        return fail(err, errlen, file, line, "this token is already given to another antenne or to HQ");
    snprintf(a->v[i].token, sizeof a->v[i].token, "%s", token);
    size_t *nb = realloc(a->by_token, (a->n_tokens + 1) * sizeof *nb);
    if (!nb)
        return fail(err, errlen, file, line, "out of memory");
    a->by_token = nb;
    a->by_token[a->n_tokens++] = (size_t)i;
    sort_index(a, a->by_token, a->n_tokens, cmp_token);
    return 0;
}

int collector_antennes_load_tokens(struct collector_antennes *a, const char *path, char *err, size_t errlen)
{
    FILE *f = secret_open_file(path, err, errlen);
    if (!f)
        return -1;
    char line[512];
    int lineno = 0, rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        chomp(line);
        char *p = line + strspn(line, " \t");
        if (*p == '#' || *p == '\0')
            continue;
        char *save;
        char *id = strtok_r(p, " \t", &save);
        char *token = strtok_r(NULL, " \t", &save);
        if (!token || strtok_r(NULL, " \t", &save))
            rc = fail(err, errlen, path, lineno, "expected \"<antenne id> <token>\"");
        else
            rc = set_token(a, id, token, path, lineno, err, errlen);
    }
    fclose(f);
    return rc;
}

int collector_antennes_load_token_dir(struct collector_antennes *a, const char *dir, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d)
        return fail(err, errlen, dir, 0, strerror(errno));
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n <= 6 || strcmp(e->d_name + n - 6, ".token") != 0)
            continue;
        char id[COLLECTOR_ID_MAX + 8], path[1024], token[TOKEN_MAX + 2];
        snprintf(id, sizeof id, "%.*s", (int)(n - 6), e->d_name);
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        rc = secret_read_file(path, token, sizeof token, err, errlen) == 0 ? 0 : -1;
        if (rc == 0)
            rc = set_token(a, id, token, path, 0, err, errlen);
    }
    closedir(d);
    return rc;
}

int collector_antennes_load_admin_token(struct collector_antennes *a, const char *path, char *err, size_t errlen)
{
    char token[TOKEN_MAX + 2];
    if (secret_read_file(path, token, sizeof token, err, errlen) != 0)
        return -1;
    if (!valid_token(token))
        return fail(err, errlen, path, 1, "a token is visible ASCII characters without spaces, at most 256");
    if (find_token(a, token) >= 0)
        return fail(err, errlen, path, 1, "the HQ token must differ from every antenne token");
    /* valid_token() bounded it to TOKEN_MAX; the read buffer is larger only to catch long lines. */
    memcpy(a->admin, token, strlen(token) + 1);
    return 0;
}

/* Compares without an early exit, so the time taken does not reveal how many leading bytes matched. */
static bool same_token(const char *stored, const char *given)
{
    size_t ls = strlen(stored), lg = strlen(given);
    unsigned char diff = (unsigned char)(ls != lg);
    for (size_t i = 0; i < ls; i++)
        diff |= (unsigned char)(stored[i] ^ given[i < lg ? i : 0]);
    return diff == 0;
}

enum collector_auth collector_antennes_check(const struct collector_antennes *a, size_t i, const char *token)
{
    if (!token || !*token)
        return COLLECTOR_AUTH_MISSING;
    if (a->v[i].token[0] && same_token(a->v[i].token, token))
        return COLLECTOR_AUTH_OK;
    if (find_token(a, token) >= 0 || collector_antennes_check_admin(a, token))
        return COLLECTOR_AUTH_OTHER;
    return COLLECTOR_AUTH_MISSING;
}

int collector_antennes_check_admin(const struct collector_antennes *a, const char *token)
{
    return token && a->admin[0] && same_token(a->admin, token);
}
