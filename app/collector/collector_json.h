/* The batch validator's JSON reader (private to app/collector): a whole document parsed into one arena, read
 * in place. jansson spent about 60 % of the collector's instructions per batch (bench_collector under
 * callgrind: a malloc per value, a hash table per object); this keeps what the validator relied on from it:
 * strict RFC 8259 (an object or an array at the top, nothing after it), well-formed UTF-8 (no overlong form,
 * no surrogate, nothing above U+10FFFF, no \u0000), duplicate keys refused, integers within 64 bits and
 * told from reals, an error with its line and column.
 *
 * A document is freed whole by cj_free(); every value and string lives until then. */
#ifndef BORNE_COLLECTOR_JSON_H
#define BORNE_COLLECTOR_JSON_H

#include <stddef.h>
#include <stdint.h>

enum cj_type { CJ_NULL, CJ_TRUE, CJ_FALSE, CJ_INT, CJ_REAL, CJ_STRING, CJ_ARRAY, CJ_OBJECT };

struct cj_value {
    enum cj_type type;
    size_t n;                  /* members of an array or object */
    union {
        int64_t i;             /* CJ_INT */
        double d;              /* CJ_REAL */
        const char *s;         /* CJ_STRING: NUL-terminated UTF-8 (never holds NUL) */
        struct cj_value *first;   /* CJ_ARRAY, CJ_OBJECT: the first member, then ->next */
    } u;
    const char *key;           /* a member of an object: its key */
    struct cj_value *next;     /* the next member of its array or object, NULL after the last */
    struct cj_value *hint;     /* CJ_OBJECT: the member found last (lookups in document order cost one step) */
};

struct cj_doc;

struct cj_error {
    int line, column;          /* 1-based, of the first byte that is wrong (column in bytes) */
    char text[96];
};

/* Parses text[0..len). Returns the document (*root its top value) or NULL with err filled (out of memory
 * included). */
struct cj_doc *cj_parse(const char *text, size_t len, struct cj_value **root, struct cj_error *err);
void cj_free(struct cj_doc *doc);

/* The member of object o named key, or NULL (also when o is NULL or not an object). Moves o's hint. */
struct cj_value *cj_get(struct cj_value *o, const char *key);

static inline int cj_is(const struct cj_value *v, enum cj_type t)
{
    return v && v->type == t;
}

#endif
