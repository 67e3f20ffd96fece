/* libFuzzer target: the batch validator's JSON reader (app/collector/collector_json.c) against jansson, which
 * read the batches before it: on any bytes both accept or both refuse, and never a crash or a leak. Two known
 * differences are left out: nesting beyond the reader's bound (jansson's is deeper), and a NUL byte outside
 * a string, which the reader always refuses (RFC 8259) and jansson skips in some places (its stream reader
 * takes a NUL for the end of its buffer: {"a":5<NUL>} is accepted). */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../app/collector/collector_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cj_value *root;
    struct cj_error err;
    struct cj_doc *doc = cj_parse((const char *)data, size, &root, &err);
    json_error_t jerr;
    json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
    bool deep = !doc && strcmp(err.text, "too deeply nested") == 0;
    if (!deep && !memchr(data, '\0', size) && (doc != NULL) != (j != NULL))
        abort();
    if (!doc && (err.line < 1 || err.column < 1 || !err.text[0]))
        abort();
    json_decref(j);
    cj_free(doc);
    return 0;
}
