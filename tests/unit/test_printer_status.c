/* Status parser: DLE EOT replies bit by bit, ASB frames, garbage, and the state they mean. */
#include <string.h>

#include "borne/escpos.h"
#include "testlib.h"

static escpos_status parse(const uint8_t *b, size_t n)
{
    escpos_parser p;
    escpos_parser_reset(&p);
    for (uint8_t q = 1; q <= 4; q++)
        escpos_parser_expect(&p, q);
    escpos_parser_feed(&p, b, n);
    CHECK_INT(p.replied, 0x1E);
    return p.status;
}

/* Each documented bit of DLE EOT 1..4 maps to its state. */
static void test_each_fault_bit(void)
{
    static const struct {
        uint8_t r[4];
        printer_state want;
    } cases[] = {
        {{0x12, 0x12, 0x12, 0x12}, PRINTER_READY},
        {{0x12, 0x12, 0x12, 0x1E}, PRINTER_NEAR_END},
        {{0x1A, 0x32, 0x12, 0x7E}, PRINTER_PAPER_OUT},
        {{0x12, 0x12, 0x12, 0x72}, PRINTER_PAPER_OUT},
        {{0x1A, 0x16, 0x12, 0x12}, PRINTER_COVER_OPEN},
        {{0x1A, 0x52, 0x1A, 0x12}, PRINTER_CUTTER_ERROR},
        {{0x1A, 0x52, 0x32, 0x12}, PRINTER_CUTTER_ERROR},
        {{0x1A, 0x12, 0x12, 0x12}, PRINTER_OFFLINE},
        {{0x12, 0x52, 0x52, 0x12}, PRINTER_OFFLINE},
        {{0x1A, 0x36, 0x12, 0x7E}, PRINTER_COVER_OPEN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        escpos_status s = parse(cases[i].r, 4);
        CHECK_STR(printer_state_name(escpos_status_state(&s)), printer_state_name(cases[i].want));
    }
}

/* Garbage around and between the replies is skipped: bytes that fail the 0x93/0x12 mask. */
static void test_garbage_tolerated(void)
{
    static const uint8_t b[] = {0xFF, 0x00, 0x12, 0x41, 0x80, 0x12, 0x13, 0x11, 0x12, 0xAA, 0x1E, 0x01};
    escpos_parser p;
    escpos_parser_reset(&p);
    for (uint8_t q = 1; q <= 4; q++)
        escpos_parser_expect(&p, q);
    escpos_parser_feed(&p, b, sizeof b);
    CHECK_INT(p.replied, 0x1E);
    CHECK(p.status.near_end);
    CHECK_INT(escpos_status_state(&p.status), PRINTER_NEAR_END);
    CHECK(p.ignored >= 7);
}

/* An ASB frame (first byte 0bxxx1xx00) updates the status and is not taken as a reply; the
 * pending query still gets its own reply after it. */
static void test_asb_frame(void)
{
    static const uint8_t b[] = {0x10 | 0x20, 0x00, 0x0C, 0x00, 0x12};
    escpos_parser p;
    escpos_parser_reset(&p);
    escpos_parser_expect(&p, 1);
    escpos_parser_feed(&p, b, 4);
    CHECK(p.asb_seen);
    CHECK(p.status.cover_open);
    CHECK(p.status.paper_out);
    CHECK_INT(p.replied, 0);
    escpos_parser_feed(&p, b + 4, 1);
    CHECK_INT(p.replied, 0x02);
}

/* A broken ASB header followed by a reply: the reply is not swallowed. */
static void test_asb_resync(void)
{
    static const uint8_t b[] = {0x10, 0x00, 0x12};
    escpos_parser p;
    escpos_parser_reset(&p);
    escpos_parser_expect(&p, 4);
    escpos_parser_feed(&p, b, sizeof b);
    CHECK_INT(p.replied, 0x10);
    CHECK(!p.asb_seen);
}

/* Replies split across feeds, and unsolicited valid-looking bytes with no query pending. */
static void test_split_and_unsolicited(void)
{
    escpos_parser p;
    escpos_parser_reset(&p);
    const uint8_t x = 0x1E;
    escpos_parser_feed(&p, &x, 1);
    CHECK_INT(p.replied, 0);
    CHECK(!p.status.near_end);
    CHECK(escpos_parser_expect(&p, 4));
    CHECK(!escpos_parser_expect(&p, 0));
    CHECK(!escpos_parser_expect(&p, 5));
    escpos_parser_feed(&p, &x, 1);
    CHECK(p.status.near_end);
    for (int i = 0; i < 8; i++)
        CHECK(escpos_parser_expect(&p, 1));
    CHECK(!escpos_parser_expect(&p, 1));
}

/* The completion marker: GS ( H fn 48 with the job id's last four digits; its reply is told
 * apart from status replies and ASB frames around it, split anywhere; a reply for another job,
 * a false start or a frame that breaks off is not taken, and swallows no status reply. */
static void test_done_marker(void)
{
    uint8_t m[ESCPOS_DONE_MARKER_LEN];
    escpos_done_marker(1234567, m);
    static const uint8_t want[] = {0x1D, '(', 'H', 6, 0, 48, 48, '4', '5', '6', '7'};
    CHECK(memcmp(m, want, sizeof want) == 0);

    static const uint8_t b[] = {0x12, 0x37, 0x22, '4', '5', '6', '7', 0x00, 0x1E};
    for (size_t split = 0; split <= sizeof b; split++) {
        escpos_parser p;
        escpos_parser_reset(&p);
        escpos_parser_expect(&p, 1);
        escpos_parser_expect(&p, 4);
        escpos_parser_feed(&p, b, split);
        escpos_parser_feed(&p, b + split, sizeof b - split);
        CHECK(escpos_parser_done(&p, 4567));
        CHECK(escpos_parser_done(&p, 1234567));
        CHECK(!escpos_parser_done(&p, 4568));
        CHECK_INT(p.replied, 0x12);
        CHECK(p.status.near_end);
    }
    /* false starts: header then a status reply; header, ident, then a reply mid-ID; no NUL */
    static const uint8_t bad[] = {0x37, 0x12, 0x37, 0x22, '4', 0x1E, 0x37, 0x22, '4', '5', '6', '7', 0x01};
    escpos_parser p;
    escpos_parser_reset(&p);
    escpos_parser_expect(&p, 1);
    escpos_parser_expect(&p, 4);
    escpos_parser_feed(&p, bad, sizeof bad);
    CHECK(!p.done_seen);
    CHECK_INT(p.replied, 0x12);
    CHECK(p.status.near_end);
}

/* State names are stable strings (UI and HQ health use them). */
static void test_state_names(void)
{
    CHECK_STR(printer_state_name(PRINTER_PAPER_OUT), "paper_out");
    CHECK_STR(printer_state_name(PRINTER_UNPLUGGED), "unplugged");
    CHECK(printer_state_can_print(PRINTER_NEAR_END));
    CHECK(!printer_state_can_print(PRINTER_COVER_OPEN));
}

int main(void)
{
    RUN(test_each_fault_bit);
    RUN(test_garbage_tolerated);
    RUN(test_asb_frame);
    RUN(test_asb_resync);
    RUN(test_split_and_unsolicited);
    RUN(test_done_marker);
    RUN(test_state_names);
    return testlib_finish();
}
