#include "collector_json.h"

#include "borne/utf8.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Nesting the parser follows (a batch needs 4 levels); deeper documents are refused, never a stack overflow. */
#define DEPTH_MAX 256
/* Arena blocks: most batches fit the first one. */
#define BLOCK_MIN 65536

struct block {
    struct block *next;
    size_t used, cap;
    _Alignas(max_align_t) char data[];
};

struct cj_doc {
    struct block *blocks;
};

struct parser {
    const char *start, *p, *end;
    struct cj_doc *doc;
    struct cj_error *err;
    const char *fail_at;   /* set with err->text on the first failure */
};

static void *arena_alloc(struct parser *ps, size_t size)
{
    size = (size + _Alignof(max_align_t) - 1) & ~(size_t)(_Alignof(max_align_t) - 1);
    struct block *b = ps->doc->blocks;
    if (!b || b->cap - b->used < size) {
        size_t cap = size > BLOCK_MIN ? size : BLOCK_MIN;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->used = 0;
        b->cap = cap;
        b->next = ps->doc->blocks;
        ps->doc->blocks = b;
    }
    void *p = b->data + b->used;
    b->used += size;
    return p;
}

__attribute__((format(printf, 3, 4))) static bool fail(struct parser *ps, const char *at, const char *fmt, ...)
{
    if (ps->fail_at)
        return false;
    ps->fail_at = at;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ps->err->text, sizeof ps->err->text, fmt, ap);
    va_end(ap);
    return false;
}

static void skip_space(struct parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static bool literal(struct parser *ps, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return fail(ps, ps->p, "invalid token");
    ps->p += n;
    return true;
}

static int hex4(const char *s)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static char *put_utf8(char *out, unsigned cp)
{
    if (cp < 0x80) {
        *out++ = (char)cp;
    } else if (cp < 0x800) {
        *out++ = (char)(0xC0 | cp >> 6);
        *out++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *out++ = (char)(0xE0 | cp >> 12);
        *out++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *out++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *out++ = (char)(0xF0 | cp >> 18);
        *out++ = (char)(0x80 | (cp >> 12 & 0x3F));
        *out++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *out++ = (char)(0x80 | (cp & 0x3F));
    }
    return out;
}

/* A string at ps->p (on its opening quote): its unescaped text, NUL-terminated, in the arena. */
static const char *parse_string(struct parser *ps)
{
    const char *q = ++ps->p;
    /* The text is never longer than its escaped form: one allocation. Find the closing quote first, noting
     * whether anything but printable ASCII comes before it: most strings (keys, days, ids) are copied as they
     * are. */
    bool plain = true;
    while (q < ps->end && *q != '"') {
        unsigned char c = (unsigned char)*q;
        if (c == '\\' || c < 0x20 || c >= 0x80) {
            plain = false;
            if (c == '\\' && q + 1 < ps->end)
                q++;
        }
        q++;
    }
    if (q >= ps->end)
        return fail(ps, ps->p, "unterminated string"), NULL;
    char *out = arena_alloc(ps, (size_t)(q - ps->p) + 1), *o = out;
    if (!out)
        return fail(ps, ps->p, "out of memory"), NULL;
    if (plain) {
        memcpy(out, ps->p, (size_t)(q - ps->p));
        out[q - ps->p] = '\0';
        ps->p = q + 1;
        return out;
    }
    const char *s = ps->p;
    while (s < q) {
        unsigned char c = (unsigned char)*s;
        if (c == '\\') {
            char e = s[1];
            s += 2;
            switch (e) {
            case '"': *o++ = '"'; break;
            case '\\': *o++ = '\\'; break;
            case '/': *o++ = '/'; break;
            case 'b': *o++ = '\b'; break;
            case 'f': *o++ = '\f'; break;
            case 'n': *o++ = '\n'; break;
            case 'r': *o++ = '\r'; break;
            case 't': *o++ = '\t'; break;
            case 'u': {
                int cp = q - s >= 4 ? hex4(s) : -1;
                if (cp < 0)
                    return fail(ps, s - 2, "invalid \\u escape"), NULL;
                s += 4;
                if (cp >= 0xDC00 && cp <= 0xDFFF)
                    return fail(ps, s - 6, "lone low surrogate \\u%04X", (unsigned)cp), NULL;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    int lo = q - s >= 6 && s[0] == '\\' && s[1] == 'u' ? hex4(s + 2) : -1;
                    if (lo < 0xDC00 || lo > 0xDFFF)
                        return fail(ps, s - 6, "lone high surrogate \\u%04X", (unsigned)cp), NULL;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    s += 6;
                }
                if (cp == 0)
                    return fail(ps, s - 6, "\\u0000 is not allowed"), NULL;
                o = put_utf8(o, (unsigned)cp);
                break;
            }
            default:
                return fail(ps, s - 2, "invalid escape"), NULL;
            }
        } else if (c < 0x20) {
            return fail(ps, s, "control character 0x%02x in a string", c), NULL;
        } else if (c < 0x80) {
            *o++ = (char)c;
            s++;
        } else {
            uint32_t cp;
            size_t n = utf8_decode(s, (size_t)(q - s), &cp);
            if (!n)
                return fail(ps, s, "invalid UTF-8 in a string"), NULL;
            memcpy(o, s, n);
            o += n;
            s += n;
        }
    }
    *o = '\0';
    ps->p = q + 1;
    return out;
}

static bool parse_number(struct parser *ps, struct cj_value *v)
{
    const char *s = ps->p, *p = s;
    if (p < ps->end && *p == '-')
        p++;
    if (p >= ps->end || *p < '0' || *p > '9')
        return fail(ps, s, "invalid token");
    if (*p == '0')
        p++;
    else
        while (p < ps->end && *p >= '0' && *p <= '9')
            p++;
    bool real = false;
    if (p < ps->end && *p == '.') {
        real = true;
        if (++p >= ps->end || *p < '0' || *p > '9')
            return fail(ps, s, "invalid number");
        while (p < ps->end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < ps->end && (*p == 'e' || *p == 'E')) {
        real = true;
        if (++p < ps->end && (*p == '+' || *p == '-'))
            p++;
        if (p >= ps->end || *p < '0' || *p > '9')
            return fail(ps, s, "invalid number");
        while (p < ps->end && *p >= '0' && *p <= '9')
            p++;
    }
    ps->p = p;
    if (!real) {
        bool neg = *s == '-';
        uint64_t u = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
        const char *d = s + neg;
        /* 18 digits cannot overflow: no bound check for them (nearly every number). */
        for (const char *safe = p - d > 18 ? d + 18 : p; d < safe; d++)
            u = u * 10 + (unsigned)(*d - '0');
        for (; d < p; d++) {
            unsigned digit = (unsigned)(*d - '0');
            if (u > (limit - digit) / 10)
                return fail(ps, s, "too big %sinteger", neg ? "negative " : "");
            u = u * 10 + digit;
        }
        v->type = CJ_INT;
        v->u.i = neg ? (int64_t)(0 - u) : (int64_t)u;
        return true;
    }
    char buf[64], *text = (size_t)(p - s) < sizeof buf ? buf : arena_alloc(ps, (size_t)(p - s) + 1);
    if (!text)
        return fail(ps, s, "out of memory");
    memcpy(text, s, (size_t)(p - s));
    text[p - s] = '\0';
    errno = 0;
    v->type = CJ_REAL;
    v->u.d = strtod(text, NULL);
    if (errno == ERANGE && isinf(v->u.d))
        return fail(ps, s, "real number overflow");
    return true;
}

static bool parse_value(struct parser *ps, struct cj_value *v, int depth);

static uint64_t key_hash(const char *k)
{
    uint64_t h = 14695981039346656037u;
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 1099511628211u;
    return h;
}

/* Refuses an object with two members of one name: a table of twice its size, on the stack for objects of up
 * to 32 members (a batch's), else on the heap. */
static bool unique_keys(struct parser *ps, const struct cj_value *o, const char *at)
{
    if (o->n < 2)
        return true;
    size_t cap = 4;
    while (cap < 2 * o->n)
        cap *= 2;
    const char *small[64];
    const char **slots = cap <= sizeof small / sizeof small[0] ? small : calloc(cap, sizeof *slots);
    if (!slots)
        return fail(ps, at, "out of memory");
    if (slots == small)
        memset(small, 0, cap * sizeof *slots);
    bool ok = true;
    for (const struct cj_value *m = o->u.first; m && ok; m = m->next) {
        size_t i = (size_t)key_hash(m->key) & (cap - 1);
        while (slots[i] && strcmp(slots[i], m->key) != 0)
            i = (i + 1) & (cap - 1);
        if (slots[i])
            ok = fail(ps, at, "duplicate object key");
        slots[i] = m->key;
    }
    if (slots != small)
        free(slots);
    return ok;
}

static bool parse_container(struct parser *ps, struct cj_value *v, int depth)
{
    bool object = *ps->p == '{';
    const char *open = ps->p++;
    if (depth >= DEPTH_MAX)
        return fail(ps, open, "too deeply nested");
    v->type = object ? CJ_OBJECT : CJ_ARRAY;
    v->n = 0;
    v->u.first = NULL;
    v->hint = NULL;
    struct cj_value **tail = &v->u.first;
    skip_space(ps);
    if (ps->p < ps->end && *ps->p == (object ? '}' : ']')) {
        ps->p++;
        return true;
    }
    for (;;) {
        struct cj_value *m = arena_alloc(ps, sizeof *m);
        if (!m)
            return fail(ps, ps->p, "out of memory");
        m->key = NULL;
        m->next = NULL;
        if (object) {
            skip_space(ps);
            if (ps->p >= ps->end || *ps->p != '"')
                return fail(ps, ps->p, "string or '}' expected");
            if (!(m->key = parse_string(ps)))
                return false;
            skip_space(ps);
            if (ps->p >= ps->end || *ps->p != ':')
                return fail(ps, ps->p, "':' expected");
            ps->p++;
        }
        if (!parse_value(ps, m, depth + 1))
            return false;
        *tail = m;
        tail = &m->next;
        v->n++;
        skip_space(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == (object ? '}' : ']')) {
            ps->p++;
            return !object || unique_keys(ps, v, open);
        }
        return fail(ps, ps->p, object ? "',' or '}' expected" : "',' or ']' expected");
    }
}

static bool parse_value(struct parser *ps, struct cj_value *v, int depth)
{
    skip_space(ps);
    if (ps->p >= ps->end)
        return fail(ps, ps->p, "unexpected end of input");
    switch (*ps->p) {
    case '{':
    case '[':
        return parse_container(ps, v, depth);
    case '"':
        v->type = CJ_STRING;
        return (v->u.s = parse_string(ps)) != NULL;
    case 't':
        v->type = CJ_TRUE;
        return literal(ps, "true");
    case 'f':
        v->type = CJ_FALSE;
        return literal(ps, "false");
    case 'n':
        v->type = CJ_NULL;
        return literal(ps, "null");
    default:
        return parse_number(ps, v);
    }
}

struct cj_doc *cj_parse(const char *text, size_t len, struct cj_value **root, struct cj_error *err)
{
    *root = NULL;
    memset(err, 0, sizeof *err);
    struct cj_doc *doc = calloc(1, sizeof *doc);
    struct parser ps = {text, text, text + len, doc, err, NULL};
    if (!doc) {
        snprintf(err->text, sizeof err->text, "out of memory");
        err->line = err->column = 1;
        return NULL;
    }
    struct cj_value *v = arena_alloc(&ps, sizeof *v);
    bool ok = v != NULL || fail(&ps, text, "out of memory");
    if (ok) {
        skip_space(&ps);
        if (ps.p >= ps.end || (*ps.p != '{' && *ps.p != '['))
            ok = fail(&ps, ps.p, "'[' or '{' expected");
    }
    if (ok) {
        v->key = NULL;
        v->next = NULL;
        ok = parse_value(&ps, v, 0);
    }
    if (ok) {
        skip_space(&ps);
        if (ps.p < ps.end)
            ok = fail(&ps, ps.p, "end of input expected");
    }
    if (!ok) {
        err->line = 1;
        const char *line_start = text;
        for (const char *c = text; c < ps.fail_at; c++)
            if (*c == '\n') {
                err->line++;
                line_start = c + 1;
            }
        err->column = (int)(ps.fail_at - line_start) + 1;
        cj_free(doc);
        return NULL;
    }
    *root = v;
    return doc;
}

void cj_free(struct cj_doc *doc)
{
    if (!doc)
        return;
    for (struct block *b = doc->blocks, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(doc);
}

struct cj_value *cj_get(struct cj_value *o, const char *key)
{
    if (!cj_is(o, CJ_OBJECT) || !o->u.first)
        return NULL;
    /* From the member after the last one found, round to it: the validator reads in document order. */
    struct cj_value *from = o->hint && o->hint->next ? o->hint->next : o->u.first, *m = from;
    do {
        if (strcmp(m->key, key) == 0)
            return o->hint = m;
        m = m->next ? m->next : o->u.first;
    } while (m != from);
    return NULL;
}
