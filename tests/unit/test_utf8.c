/* The one text check shared by every door: what is valid, what is refused, how bad bytes are
 * shown in a message, and how stored text from before the checks is repaired. */
#include "borne/utf8.h"
#include "testlib.h"

#include <stdlib.h>
#include <string.h>

static void accepts_french_and_every_plane(void)
{
    CHECK_INT(utf8_check_str("Pièces à vérifier « œuvre » €", 0, NULL), UTF8_OK);
    CHECK_INT(utf8_check_str("\xF0\x9F\x98\x80 \xE4\xB8\xAD", 0, NULL), UTF8_OK);   /* U+1F600, U+4E2D */
    CHECK_INT(utf8_check_str("", 0, NULL), UTF8_OK);
}

static void refuses_malformed_sequences(void)
{
    static const struct { const char *s; size_t at; } bad[] = {
        {"caf\xE9", 3},                 /* Latin-1 é */
        {"\xC0\xAF", 0},                /* overlong / */
        {"\xE0\x80\xAF", 0},            /* overlong, 3 bytes */
        {"a\xED\xA0\x80", 1},           /* surrogate U+D800 */
        {"\xF4\x90\x80\x80", 0},        /* above U+10FFFF */
        {"ab\xC3", 2},                  /* cut short */
        {"\x80", 0},                    /* lone continuation */
        {"\xFF", 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t at = 99;
        CHECK_INT(utf8_check_str(bad[i].s, 0, &at), UTF8_EINVALID);
        CHECK_INT(at, bad[i].at);
    }
}

static void refuses_control_characters(void)
{
    size_t at = 99;
    CHECK_INT(utf8_check_str("a\x1b[2Jb", 0, &at), UTF8_ECONTROL);
    CHECK_INT(at, 1);
    CHECK_INT(utf8_check_str("bell\a", 0, NULL), UTF8_ECONTROL);
    CHECK_INT(utf8_check_str("del\x7f", 0, NULL), UTF8_ECONTROL);
    CHECK_INT(utf8_check_str("c1 \xC2\x9B", 0, NULL), UTF8_ECONTROL);  /* U+009B CSI */
    CHECK_INT(utf8_check("a\0b", 3, 0, &at), UTF8_ECONTROL);
    CHECK_INT(at, 1);
    CHECK_INT(utf8_check_str("two\nlines\tand a tab", 0, NULL), UTF8_ECONTROL);
    CHECK_INT(utf8_check_str("two\nlines\tand a tab", UTF8_MULTILINE, NULL), UTF8_OK);
    CHECK_INT(utf8_check_str("crlf\r\n", UTF8_MULTILINE, NULL), UTF8_ECONTROL);
}

static void escapes_what_a_terminal_would_obey(void)
{
    char out[64];
    CHECK_STR(utf8_escape("a\x1b[2J\a\\é\xE9", 10, out, sizeof out), "a\\x1B[2J\\x07\\x5Cé\\xE9");
    /* cut at the buffer, never inside an escape or a character */
    CHECK_STR(utf8_escape("abc\x1b", 4, out, 6), "abc");
    CHECK_STR(utf8_escape("ééé", 6, out, 6), "éé");
}

static void repairs_text_stored_before_the_checks(void)
{
    char *r = utf8_repair("Dossier r\xE9sum\xE9 \x1b\x07ok", 0);
    CHECK_STR(r, "Dossier r\xEF\xBF\xBDsum\xEF\xBF\xBD ok");
    CHECK_INT(utf8_check_str(r, 0, NULL), UTF8_OK);
    free(r);
    r = utf8_repair("line\nnext", UTF8_MULTILINE);
    CHECK_STR(r, "line\nnext");
    free(r);
}

int main(void)
{
    RUN(accepts_french_and_every_plane);
    RUN(refuses_malformed_sequences);
    RUN(refuses_control_characters);
    RUN(escapes_what_a_terminal_would_obey);
    RUN(repairs_text_stored_before_the_checks);
    return testlib_finish();
}
