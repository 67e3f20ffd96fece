/* libFuzzer: the emulator's ESC/POS interpreter takes any byte stream (fed in two parts,
 * with a tear, or a stop during which what a stopped printer still executes is fed, in
 * between when the first byte says so) without crashing or leaking. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "printer_emulator_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_cut(const emu_ticket *t, void *ctx)
{
    size_t *chars = ctx;
    for (size_t i = 0; i < t->n_lines; i++)
        for (size_t r = 0; r < t->lines[i].n_runs; r++)
            *chars += strlen(t->lines[i].runs[r].utf8);
}

static void on_process_id(const uint8_t id[4], void *ctx)
{
    size_t *chars = ctx;
    *chars += memchr(id, 0, 4) == NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t chars = 0;
    emu_parser *p = emu_parser_new(576, on_cut, &chars);
    if (!p)
        return 0;
    emu_parser_on_process_id(p, on_process_id);
    size_t half = size / 2;
    emu_parser_feed(p, data, half);
    if (size && (data[0] & 1))
        emu_parser_tear(p);
    if (size && (data[0] & 2)) {
        emu_parser_stop(p);
        size_t taken = emu_parser_feed_stopped(p, data + half, size - half);
        if (taken > size - half)
            __builtin_trap();
        half += taken;
    }
    emu_parser_feed(p, data + half, size - half);
    emu_parser_free(p);
    return 0;
}
