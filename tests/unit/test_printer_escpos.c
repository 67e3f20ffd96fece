/* ESC/POS encoder: byte-exact tickets in both code pages, the French characters, control
 * bytes in user text, profiles and sizes. */
#define _GNU_SOURCE  /* memmem */
#include <errno.h>
#include <iconv.h>
#include <string.h>

#include "borne/escpos.h"
#include "testlib.h"

static printer_ticket reference(void)
{
    printer_ticket t = {
        .antenne = "Antenne de Lyon",
        .label = "A042",
        .service = "Aides individuelles",
        .when = "lun. 23/11/2026 14:05",
        .ahead = "3 personnes avant vous",
        .wait = "Attente estimée : 10 à 20 min",
        .message = "Un cœur, 2 €.",
        .qr = "https://b.example/t/A042",
    };
    return t;
}

#define RULE "------------------------------------------------"
/* Everything but the code page selection and the accented bytes is the same in both. */
#define HEAD(cp) "\x1b@" "\x1bt" cp "\x1b" "a\x01" "\x1b" "E\x01" "\x1d!\x11" "Antenne de Lyon\n" \
    "\x1d!\x00" "\x1b" "E\x00" RULE "\n" "\x1b" "E\x01" "Aides individuelles\n" "\x1b" "E\x00" "\n" \
    "\x1b" "E\x01" "\x1d!\x77" "A042\n" "\x1d!\x00" "\x1b" "E\x00" "\n" "3 personnes avant vous\n"
#define TAIL "\n" \
    "\x1d(k\x04\x00" "1A2\x00" "\x1d(k\x03\x00" "1C\x06" "\x1d(k\x03\x00" "1E1" \
    "\x1d(k\x1b\x00" "1P0" "https://b.example/t/A042" "\x1d(k\x03\x00" "1Q0" "\x1dV\x42\x00"

/* The reference ticket, WPC1252 (Epson ESC t 16): é=E9 à=E0 œ=9C €=80. */
static void test_reference_wpc1252(void)
{
    static const char want[] = HEAD("\x10") "Attente estim\xe9" "e : 10 \xe0 20 min\n" RULE "\n"
        "lun. 23/11/2026 14:05\n" "\n" "Un c\x9c" "ur, 2 \x80.\n" TAIL;
    printer_ticket t = reference();
    uint8_t out[ESCPOS_TICKET_MAX];
    int n = escpos_encode_ticket(escpos_profile_find("epson-tm-t20"), &t, out, sizeof out);
    CHECK_INT(n, sizeof want - 1);
    CHECK(n == (int)sizeof want - 1 && memcmp(out, want, sizeof want - 1) == 0);
    CHECK(n < 1024);
}

/* Same ticket, PC858 (ESC t 19): é=82 à=85 €=D5, and œ, absent from PC858, prints "oe". */
static void test_reference_pc858(void)
{
    static const char want[] = HEAD("\x13") "Attente estim\x82" "e : 10 \x85 20 min\n" RULE "\n"
        "lun. 23/11/2026 14:05\n" "\n" "Un coeur, 2 \xd5.\n" TAIL;
    printer_ticket t = reference();
    uint8_t out[ESCPOS_TICKET_MAX];
    int n = escpos_encode_ticket(escpos_profile_find("epson-pc858"), &t, out, sizeof out);
    CHECK_INT(n, sizeof want - 1);
    CHECK(n == (int)sizeof want - 1 && memcmp(out, want, sizeof want - 1) == 0);
}

/* Every French character of the catalog, in both code pages, against hand-written bytes. */
static void test_french_characters(void)
{
    static const struct {
        const char *utf8, *wpc1252, *pc858;
    } cases[] = {
        {"é", "\xe9", "\x82"}, {"è", "\xe8", "\x8a"}, {"ê", "\xea", "\x88"}, {"à", "\xe0", "\x85"},
        {"ç", "\xe7", "\x87"}, {"ù", "\xf9", "\x97"}, {"ô", "\xf4", "\x93"}, {"î", "\xee", "\x8c"},
        {"ë", "\xeb", "\x89"}, {"ï", "\xef", "\x8b"}, {"«", "\xab", "\xae"}, {"»", "\xbb", "\xaf"},
        {"œ", "\x9c", "oe"}, {"Œ", "\x8c", "OE"}, {"€", "\x80", "\xd5"}, {"É", "\xc9", "\x90"},
        {"À", "\xc0", "\xb7"}, {"Ç", "\xc7", "\x80"}, {"â", "\xe2", "\x83"}, {"û", "\xfb", "\x96"},
        {"ü", "\xfc", "\x81"}, {"’", "\x92", "'"}, {"\xe2\x80\xaf", " ", " "}, {"…", "\x85", "..."},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t out[8];
        size_t n = escpos_text(ESCPOS_CHARSET_WPC1252, cases[i].utf8, out, sizeof out);
        CHECK(n == strlen(cases[i].wpc1252) && memcmp(out, cases[i].wpc1252, n) == 0);
        n = escpos_text(ESCPOS_CHARSET_PC858, cases[i].utf8, out, sizeof out);
        CHECK(n == strlen(cases[i].pc858) && memcmp(out, cases[i].pc858, n) == 0);
    }
}

/* Independent cross-check: glibc's iconv tables agree with ours for every character both
 * code pages define (iconv is the decoder we did not write). */
static void test_iconv_agrees(void)
{
    static const struct {
        escpos_charset cs;
        const char *name;
    } pages[] = {{ESCPOS_CHARSET_WPC1252, "CP1252"}, {ESCPOS_CHARSET_PC858, "CP858"}};
    for (size_t p = 0; p < 2; p++) {
        iconv_t cd = iconv_open("UTF-8", pages[p].name);
        CHECK(cd != (iconv_t)-1);
        if (cd == (iconv_t)-1)
            continue;
        int checked = 0;
        for (int b = 0xA0; b < 0x100; b++) {
            char in = (char)b, utf8[8] = {0};
            char *ip = &in, *op = utf8;
            size_t il = 1, ol = sizeof utf8 - 1;
            if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1)
                continue;
            uint8_t back[8];
            size_t n = escpos_text(pages[p].cs, utf8, back, sizeof back);
            CHECK(n == 1 && back[0] == b);
            checked++;
        }
        CHECK(checked >= 90);
        iconv_close(cd);
    }
}

/* Control bytes inside user or config text never reach the printer: a ticket whose fields
 * are full of ESC, GS, DLE, LF, DEL and C1 controls encodes exactly like the clean ticket. */
static void test_control_bytes_stripped(void)
{
    printer_ticket clean = reference(), dirty = reference();
    strcpy(dirty.antenne, "Ante\x1b@nne\n de\r Lyon\x7f");
    strcpy(dirty.label, "A\x1d!\x01" "042");
    strcpy(dirty.service, "Aides\x1dV\x42 individuelles\x10\x04\x01");
    strcpy(dirty.message, "Un c\xc2\x85œur,\x1b" "d 2 \x1b" "E€.");
    strcpy(dirty.qr, "https://b.example/t/\x1b" "A042");
    strcpy(clean.antenne, "Ante@nne de Lyon");
    strcpy(clean.label, "A!042");
    strcpy(clean.service, "AidesVB individuelles");
    strcpy(clean.message, "Un cœur,d 2 E€.");
    const escpos_profile *prof = escpos_profile_find("");
    uint8_t a[ESCPOS_TICKET_MAX], b[ESCPOS_TICKET_MAX];
    int na = escpos_encode_ticket(prof, &dirty, a, sizeof a);
    int nb = escpos_encode_ticket(prof, &clean, b, sizeof b);
    CHECK(na > 0);
    CHECK_INT(na, nb);
    CHECK(na == nb && memcmp(a, b, (size_t)na) == 0);
}

/* Malformed UTF-8 becomes '?', one per bad byte, and never a control byte. */
static void test_invalid_utf8(void)
{
    uint8_t out[16];
    size_t n = escpos_text(ESCPOS_CHARSET_WPC1252, "a\xff" "b\xc3" "c\xe2\x82", out, sizeof out);
    CHECK(n == 7 && memcmp(out, "a?b?c??", 7) == 0);
    n = escpos_text(ESCPOS_CHARSET_WPC1252, "\xc0\x9b", out, sizeof out);  /* overlong ESC */
    CHECK(n == 2 && memcmp(out, "??", 2) == 0);
}

/* Profiles are data: every entry is findable by name, "" is the default, unknown is NULL. */
static void test_profiles(void)
{
    size_t n;
    const escpos_profile *all = escpos_profiles(&n);
    CHECK(n >= 3);
    for (size_t i = 0; i < n; i++)
        CHECK(escpos_profile_find(all[i].name) == &all[i]);
    CHECK(escpos_profile_find("") == &all[0]);
    CHECK(escpos_profile_find("no-such-printer") == NULL);
}

/* The largest ticket the model allows fits in ESCPOS_TICKET_MAX in every profile, and a
 * too small buffer is an error, not a truncated ticket. */
static void test_sizes(void)
{
    printer_ticket t;
    memset(&t, 0, sizeof t);
    memset(t.antenne, 'A', sizeof t.antenne - 1);
    memset(t.label, 'B', sizeof t.label - 1);
    memset(t.service, 'C', sizeof t.service - 1);
    memset(t.when, 'D', sizeof t.when - 1);
    memset(t.ahead, 'E', sizeof t.ahead - 1);
    memset(t.wait, 'F', sizeof t.wait - 1);
    for (size_t i = 0; i + 2 < sizeof t.message; i += 2)
        memcpy(t.message + i, "é", 2);
    memset(t.qr, 'q', sizeof t.qr - 1);
    size_t np;
    const escpos_profile *all = escpos_profiles(&np);
    static uint8_t out[16384];
    for (size_t i = 0; i < np; i++) {
        int n = escpos_encode_ticket(&all[i], &t, out, sizeof out);
        CHECK(n > 0);
        if (all[i].qr != ESCPOS_QR_RASTER)
            CHECK(n <= ESCPOS_TICKET_MAX);
    }
    printer_ticket r = reference();
    CHECK_INT(escpos_encode_ticket(&all[0], &r, out, 100), -ENOSPC);
    CHECK_INT(escpos_encode_ticket(NULL, &r, out, sizeof out), -EINVAL);
}

/* A long message is word-wrapped at the profile's columns, never mid-word. */
static void test_wrap(void)
{
    printer_ticket t = reference();
    strcpy(t.message, "Pensez à préparer votre pièce d'identité et votre justificatif de domicile avant l'appel.");
    t.qr[0] = 0;
    uint8_t out[ESCPOS_TICKET_MAX];
    int n = escpos_encode_ticket(escpos_profile_find("epson-tm-t20"), &t, out, sizeof out);
    CHECK(n > 0);
    const char *want = "Pensez \xe0 pr\xe9parer votre pi\xe8" "ce d'identit\xe9 et\nvotre justificatif de domicile avant l'appel.\n";
    CHECK(n > 0 && memmem(out, (size_t)n, want, strlen(want)) != NULL);
}

/* The number as the caller's picture (the screen's typeface): GS v 0 at 2x2 with the dots as
 * given, in place of the large text; a picture wider than the paper falls back to the text. */
static void test_label_art(void)
{
    printer_ticket t = reference();
    t.label_art.width_bytes = 3;
    t.label_art.height = 2;
    memcpy(t.label_art.bits, "\xF0\x0F\x81\x18\xFF\x00", 6);
    static const char want[] = "\x1b" "E\x00" "\n"
        "\x1dv0\x03\x03\x00\x02\x00" "\xF0\x0F\x81\x18\xFF\x00" "\n" "3 personnes avant vous\n";
    uint8_t out[ESCPOS_TICKET_MAX];
    int n = escpos_encode_ticket(escpos_profile_find("epson-tm-t20"), &t, out, sizeof out);
    CHECK(n > 0 && memmem(out, (size_t)n, want, sizeof want - 1) != NULL);
    CHECK(n > 0 && memmem(out, (size_t)n, "A042\n", 5) == NULL);

    /* 30 bytes = 240 dots, 480 printed: fits 576 dots, not the 384 of a 58 mm printer. */
    t.label_art.width_bytes = 30;
    n = escpos_encode_ticket(escpos_profile_find("epson-tm-t20"), &t, out, sizeof out);
    CHECK(n > 0 && memmem(out, (size_t)n, "\x1dv0\x03\x1e\x00\x02\x00", 8) != NULL);
    n = escpos_encode_ticket(escpos_profile_find("generic-pc858-noqr"), &t, out, sizeof out);
    CHECK(n > 0 && memmem(out, (size_t)n, "\x1dv0", 3) == NULL);
    CHECK(n > 0 && memmem(out, (size_t)n, "A042\n", 5) != NULL);

    /* A picture bigger than its buffer says is never read past the buffer. */
    t.label_art.width_bytes = 36;
    t.label_art.height = PRINTER_ART_MAX_BYTES / 36 + 1;
    n = escpos_encode_ticket(escpos_profile_find("epson-tm-t20"), &t, out, sizeof out);
    CHECK(n > 0 && memmem(out, (size_t)n, "\x1dv0", 3) == NULL);
}

int main(void)
{
    RUN(test_reference_wpc1252);
    RUN(test_reference_pc858);
    RUN(test_french_characters);
    RUN(test_iconv_agrees);
    RUN(test_control_bytes_stripped);
    RUN(test_invalid_utf8);
    RUN(test_profiles);
    RUN(test_sizes);
    RUN(test_wrap);
    RUN(test_label_art);
    return testlib_finish();
}
