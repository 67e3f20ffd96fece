/* The emulator's ESC/POS interpreter (written separately from the encoder, decoding with
 * iconv) reads back what the encoder produces, for every profile: a cross-check of the bytes
 * without the serial line. Also: hostile text stays text, torn tickets are told apart. */
#include <stdio.h>
#include <string.h>

#include "borne/escpos.h"
#include "printer_emulator_parse.h"
#include "testlib.h"

typedef struct seen {
    int complete, torn;
    char text[4096];
    size_t lines;
    emu_kind kinds[64];
    uint16_t raster_w, raster_h;
    uint8_t raster_sx, raster_sy;
} seen;

static void on_cut(const emu_ticket *t, void *ctx)
{
    seen *s = ctx;
    if (t->complete)
        s->complete++;
    else
        s->torn++;
    s->text[0] = 0;
    s->lines = t->n_lines;
    for (size_t i = 0; i < t->n_lines; i++) {
        const emu_line *l = &t->lines[i];
        if (i < 64)
            s->kinds[i] = l->kind;
        if (l->kind == EMU_QR)
            snprintf(s->text + strlen(s->text), sizeof s->text - strlen(s->text), "[QR] %s", l->qr);
        if (l->kind == EMU_RASTER) {
            s->raster_w = l->raster_w;
            s->raster_h = l->raster_h;
            s->raster_sx = l->raster_sx;
            s->raster_sy = l->raster_sy;
        }
        for (size_t r = 0; r < l->n_runs; r++)
            snprintf(s->text + strlen(s->text), sizeof s->text - strlen(s->text), "%s", l->runs[r].utf8);
        snprintf(s->text + strlen(s->text), sizeof s->text - strlen(s->text), "\n");
    }
}

static printer_ticket model(void)
{
    printer_ticket t = {.antenne = "Antenne d'Évreux", .label = "O118", .service = "Orientation & apprentissage",
                        .when = "mar. 24/11/2026 10:30", .ahead = "12 personnes avant vous",
                        .wait = "Attente estimée : 40 à 50 min", .message = "Cœur : 15 € « à bientôt »",
                        .qr = "https://borne.example/t/O118"};
    return t;
}

static seen parse(const uint8_t *b, size_t n)
{
    seen s = {0};
    emu_parser *p = emu_parser_new(576, on_cut, &s);
    CHECK(p != NULL);
    if (p) {
        emu_parser_feed(p, b, n);
        CHECK_INT(emu_parser_unknown(p), 0);
        emu_parser_free(p);
    }
    return s;
}

/* Every profile's ticket reads back as one complete ticket with the right text. */
static void test_every_profile(void)
{
    size_t np;
    const escpos_profile *all = escpos_profiles(&np);
    printer_ticket t = model();
    static uint8_t buf[16384];
    for (size_t i = 0; i < np; i++) {
        int n = escpos_encode_ticket(&all[i], &t, buf, sizeof buf);
        CHECK(n > 0);
        if (n <= 0)
            continue;
        seen s = parse(buf, (size_t)n);
        CHECK_INT(s.complete, 1);
        CHECK_INT(s.torn, 0);
        bool pc858 = all[i].charset == ESCPOS_CHARSET_PC858;
        CHECK(strstr(s.text, "Antenne d'Évreux\n") != NULL);
        CHECK(strstr(s.text, "\nO118\n") != NULL);
        CHECK(strstr(s.text, "Attente estimée : 40 à 50 min\n") != NULL);
        CHECK(strstr(s.text, pc858 ? "Coeur : 15 € « à bientôt »\n" : "Cœur : 15 € « à bientôt »\n") != NULL);
        if (all[i].qr == ESCPOS_QR_NATIVE) {
            CHECK(strstr(s.text, "[QR] https://borne.example/t/O118\n") != NULL);
        } else if (all[i].qr == ESCPOS_QR_RASTER) {
            /* 4 dots per module, square, version 3 at least (29 modules) for a 28-byte URL */
            CHECK(s.raster_h >= 29 * 4 && s.raster_w * 8 >= s.raster_h);
        } else {
            CHECK(strstr(s.text, "https://borne.example/t/O118\n") != NULL);
        }
    }
}

/* Fields stuffed with ESC/GS/DLE sequences: the printer sees one ticket, no extra cut, no
 * size change, and the would-be commands' printable bytes as plain text. */
static void test_hostile_text(void)
{
    printer_ticket t = model();
    strcpy(t.message, "x\x1dV\x41y\x1b@z\x1d!\x77w\x10\x14\x08");
    strcpy(t.service, "\x1b" "d\x7f" "Service");
    uint8_t buf[ESCPOS_TICKET_MAX];
    int n = escpos_encode_ticket(escpos_profile_find(""), &t, buf, sizeof buf);
    CHECK(n > 0);
    seen s = parse(buf, (size_t)n);
    CHECK_INT(s.complete, 1);
    CHECK_INT(s.torn, 0);
    CHECK(strstr(s.text, "\nxVAy@z!ww\n") != NULL);
    CHECK(strstr(s.text, "\ndService\n") != NULL);
}

/* A new ESC @ before the cut, or a tear, gives a torn ticket, never a complete one; a cut
 * with no ESC @ before it (the tail of a torn job) is not complete either. */
static void test_torn(void)
{
    static const uint8_t a[] = "\x1b@hello\n\x1b@world\n\x1dV\x42\x00" "tail\n\x1dV\x01";
    seen s = parse(a, sizeof a - 1);
    CHECK_INT(s.complete, 1);
    CHECK_INT(s.torn, 2);
    seen s2 = {0};
    emu_parser *p = emu_parser_new(576, on_cut, &s2);
    emu_parser_feed(p, (const uint8_t *)"\x1b@half a tic", 12);
    emu_parser_tear(p);
    emu_parser_feed(p, (const uint8_t *)"ket\n\x1dV\x01", 7);
    CHECK_INT(s2.complete, 0);
    CHECK_INT(s2.torn, 2);
    emu_parser_free(p);
}

typedef struct ids {
    int count;
    char last[5];
} ids;

static ids answered;

static void on_process_id(const uint8_t id[4], void *ctx)
{
    (void)ctx;
    answered.count++;
    memcpy(answered.last, id, 4);
}

/* The completion marker after the cut is executed in byte order. With printing stopped, it is
 * still executed right after a cut, even when the stop came in the middle of it, but not while
 * the rest of a torn ticket is ahead of it; then it waits, and nothing is lost. */
static void test_process_id(void)
{
    printer_ticket t = model();
    static uint8_t b[ESCPOS_TICKET_MAX + ESCPOS_DONE_MARKER_LEN];
    int n = escpos_encode_ticket(escpos_profile_find("epson-tm-t20"), &t, b, ESCPOS_TICKET_MAX);
    CHECK(n > 0);
    escpos_done_marker(42, b + n);
    size_t total = (size_t)n + ESCPOS_DONE_MARKER_LEN;
    seen s = {0};
    memset(&answered, 0, sizeof answered);
    emu_parser *p = emu_parser_new(576, on_cut, &s);
    emu_parser_on_process_id(p, on_process_id);
    emu_parser_feed(p, b, total);
    CHECK_INT(s.complete, 1);
    CHECK_INT(answered.count, 1);
    CHECK_STR(answered.last, "0042");
    CHECK_INT(emu_parser_unknown(p), 0);

    /* stopped right after the cut, at every point of the marker */
    for (size_t at = (size_t)n; at < total; at++) {
        emu_parser_feed(p, b, at);
        emu_parser_stop(p);
        CHECK_INT((int)emu_parser_feed_stopped(p, b + at, total - at), (int)(total - at));
        CHECK_INT(answered.count, 2 + (int)(at - (size_t)n));
    }
    /* stopped mid-ticket: the rest waits, the marker is not answered */
    int before = answered.count, torn = s.torn;
    emu_parser_feed(p, b, 40);
    emu_parser_stop(p);
    CHECK_INT(s.torn, torn + 1);
    CHECK_INT((int)emu_parser_feed_stopped(p, b + 40, total - 40), 0);
    CHECK_INT(answered.count, before);
    emu_parser_free(p);
}

/* Text longer than the paper wraps where the printer would (48 columns, fewer when wide). */
static void test_wrap_at_paper_width(void)
{
    uint8_t b[128] = "\x1b@\x1d!\x11";
    size_t n = 5;
    for (int i = 0; i < 30; i++)
        b[n++] = 'a' + (i % 26);
    memcpy(b + n, "\n\x1dV\x01", 4);
    seen s = parse(b, n + 4);
    CHECK_STR(s.text, "abcdefghijklmnopqrstuvwx\nyzabcd\n");
}

/* The number as a picture printed at 2x2 (GS v 0 mode 3) reads back as one, at its scale, with
 * the rest of the ticket unchanged around it. */
static void test_label_picture(void)
{
    printer_ticket t = model();
    t.label_art.width_bytes = 2;
    t.label_art.height = 3;
    memcpy(t.label_art.bits, "\xFF\x00\x0F\xF0\x81\x81", 6);
    static uint8_t b[ESCPOS_TICKET_MAX];
    int n = escpos_encode_ticket(escpos_profile_find("epson-tm-t20"), &t, b, sizeof b);
    CHECK(n > 0);
    seen s = parse(b, (size_t)n);
    CHECK_INT(s.complete, 1);
    CHECK_INT(s.raster_w, 2);
    CHECK_INT(s.raster_h, 3);
    CHECK_INT(s.raster_sx, 2);
    CHECK_INT(s.raster_sy, 2);
    CHECK(strstr(s.text, "\nO118\n") == NULL);   /* only in the QR's address */
    CHECK(strstr(s.text, "12 personnes avant vous") != NULL);
}

int main(void)
{
    RUN(test_every_profile);
    RUN(test_hostile_text);
    RUN(test_torn);
    RUN(test_label_picture);
    RUN(test_process_id);
    RUN(test_wrap_at_paper_width);
    return testlib_finish();
}
