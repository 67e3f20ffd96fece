/* The batch validator's JSON reader (app/collector/collector_json.c): values, escapes and UTF-8, the limits
 * it shares with jansson (which read the batches before it, and still reads everything else): for every
 * input here both accept or both refuse; values, error positions, the depth bound and large documents. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../app/collector/collector_json.h"
#include "testlib.h"

static bool jansson_accepts(const char *text, size_t len)
{
    json_error_t e;
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);
    json_decref(j);
    return j != NULL;
}

/* Both readers agree on text[0..len). */
static void agrees(const char *text, size_t len)
{
    struct cj_value *root;
    struct cj_error err;
    struct cj_doc *doc = cj_parse(text, len, &root, &err);
    bool ours = doc != NULL, theirs = jansson_accepts(text, len);
    if (ours != theirs)
        fprintf(stderr, "  disagree on \"%.*s\": ours %d (%s), jansson %d\n", (int)len, text, ours, err.text, theirs);
    CHECK_INT(ours, theirs);
    cj_free(doc);
}

static void agrees_str(const char *text)
{
    agrees(text, strlen(text));
}

static void same_acceptance_as_jansson(void)
{
    static const char *const inputs[] = {
        "{}", "[]", " \t\r\n{ } ", "[1, -0, 0, 12, -12, 9223372036854775807, -9223372036854775808]",
        "[9223372036854775808]", "[-9223372036854775809]", "[1.5, -0.0, 1e10, 1E-5, 2.5e+3]", "[1e400]", "[1e-400]",
        "[01]", "[1.]", "[.5]", "[1e]", "[-]", "[+1]", "[0x10]", "[true, false, null]", "[tru]", "[nul]",
        "[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"]", "[\"\\u00e9\\u20AC\\ud83d\\ude00\"]", "[\"\\ud83d\"]", "[\"\\ude00\"]",
        "[\"\\ud83d\\u0041\"]", "[\"\\u0000\"]", "[\"\\u12\"]", "[\"\\x\"]", "[\"tab\there\"]", "[\"é€😀\"]",
        "[\"\xc3\"]", "[\"\xc0\xaf\"]", "[\"\xed\xa0\x80\"]", "[\"\xf4\x90\x80\x80\"]", "[\"\xe2\x82\"]",
        "[\"\xff\"]", "[\"\xc2\x80\"]", "{\"a\":1,\"a\":2}", "{\"a\":1,\"b\":{\"a\":2}}", "{\"a\" 1}", "{\"a\":1,}",
        "[1,]", "[1 2]", "{1:2}", "\"just a string\"", "42", "null", "", "   ", "{} x", "{}{}", "[", "{\"a\":",
        "[\"unterminated]", "{\"\\u00e9\":1,\"\xc3\xa9\":2}", "[[[[[[[[[[1]]]]]]]]]]",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
        agrees_str(inputs[i]);
    agrees("[1]\0", 4);          /* a NUL byte after the document */
    agrees("[\"a\0b\"]", 7);     /* a raw NUL in a string */
}

static void values_read_back(void)
{
    const char *text = "{\"n\": -42, \"big\": 9223372036854775807, \"r\": 2.5, \"s\": \"\\u00e9t\\u00e9 \\ud83d\\ude00\","
                       " \"a\": [1, [2], {\"k\": null}], \"t\": true, \"f\": false}";
    struct cj_value *root;
    struct cj_error err;
    struct cj_doc *doc = cj_parse(text, strlen(text), &root, &err);
    CHECK(doc != NULL);
    if (!doc)
        return;
    CHECK(cj_is(root, CJ_OBJECT));
    CHECK_INT(root->n, 7);
    /* out of document order too: the hint wraps round */
    CHECK_STR(cj_get(root, "s")->u.s, "été 😀");
    CHECK_INT(cj_get(root, "n")->u.i, -42);
    CHECK_INT(cj_get(root, "big")->u.i, 9223372036854775807LL);
    CHECK(cj_is(cj_get(root, "r"), CJ_REAL) && cj_get(root, "r")->u.d == 2.5);
    CHECK(cj_is(cj_get(root, "f"), CJ_FALSE));
    CHECK(cj_is(cj_get(root, "t"), CJ_TRUE));
    CHECK(cj_get(root, "missing") == NULL);
    struct cj_value *a = cj_get(root, "a");
    CHECK(cj_is(a, CJ_ARRAY) && a->n == 3);
    CHECK_INT(a->u.first->u.i, 1);
    CHECK(cj_is(a->u.first->next, CJ_ARRAY) && a->u.first->next->u.first->u.i == 2);
    CHECK(cj_is(cj_get(a->u.first->next->next, "k"), CJ_NULL));
    CHECK(a->u.first->next->next->next == NULL);
    CHECK(cj_get(a, "k") == NULL);   /* not an object */
    cj_free(doc);
}

static void errors_say_where(void)
{
    struct cj_value *root;
    struct cj_error err;
    CHECK(cj_parse("{\n  \"schema\": 1,\n  \"antenne\" 3}", 30, &root, &err) == NULL);
    CHECK_INT(err.line, 3);
    CHECK_INT(err.column, 13);
    CHECK_STR(err.text, "':' expected");
    CHECK(root == NULL);
    CHECK(cj_parse("{\"a\":1,\"a\":2}", 13, &root, &err) == NULL);
    CHECK_STR(err.text, "duplicate object key");
}

static void depth_is_bounded(void)
{
    enum { DEEP = 100000 };
    char *text = malloc(2 * DEEP);
    CHECK(text != NULL);
    if (!text)
        return;
    memset(text, '[', DEEP);
    memset(text + DEEP, ']', DEEP);
    struct cj_value *root;
    struct cj_error err;
    CHECK(cj_parse(text, 2 * DEEP, &root, &err) == NULL);
    CHECK_STR(err.text, "too deeply nested");
    free(text);
}

/* A member list longer than a block of the arena, and an object whose duplicate sits far from its twin. */
static void large_documents(void)
{
    enum { N = 20000 };
    char *text = malloc((size_t)N * 16 + 16);
    CHECK(text != NULL);
    if (!text)
        return;
    size_t len = 0;
    text[len++] = '{';
    for (int i = 0; i < N; i++)
        len += (size_t)sprintf(text + len, "%s\"k%d\":%d", i ? "," : "", i, i);
    text[len++] = '}';
    struct cj_value *root;
    struct cj_error err;
    struct cj_doc *doc = cj_parse(text, len, &root, &err);
    CHECK(doc != NULL);
    if (doc) {
        CHECK_INT(root->n, N);
        CHECK_INT(cj_get(root, "k19999")->u.i, 19999);
        CHECK_INT(cj_get(root, "k7")->u.i, 7);
    }
    cj_free(doc);
    len -= 1;
    len += (size_t)sprintf(text + len, ",\"k3\":0}");
    CHECK(cj_parse(text, len, &root, &err) == NULL);
    CHECK_STR(err.text, "duplicate object key");
    free(text);
}

int main(void)
{
    RUN(same_acceptance_as_jansson);
    RUN(values_read_back);
    RUN(errors_say_where);
    RUN(depth_is_bounded);
    RUN(large_documents);
    return testlib_finish();
}
