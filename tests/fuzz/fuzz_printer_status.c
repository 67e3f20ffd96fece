/* libFuzzer: the status-reply parser takes any byte stream (split anywhere, with queries
 * pending or not) without crashing, and its state derivation stays within the enum. */
#include <stddef.h>
#include <stdint.h>

#include "borne/escpos.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    escpos_parser p;
    escpos_parser_reset(&p);
    /* The first byte scripts the queries sent (bits 0..3 -> DLE EOT 1..4, twice). */
    uint8_t script = size ? data[0] : 0;
    for (uint8_t n = 1; n <= 4; n++)
        if (script & (1u << (n - 1))) {
            escpos_parser_expect(&p, n);
            escpos_parser_expect(&p, n);
        }
    size_t half = size / 2;
    escpos_parser_feed(&p, data, half);
    escpos_parser_feed(&p, data + half, size - half);
    printer_state s = escpos_status_state(&p.status);
    if (s < PRINTER_UNPLUGGED || s > PRINTER_OFFLINE || p.n_expect > sizeof p.expect || p.asb_len > 3)
        __builtin_trap();
    return 0;
}
