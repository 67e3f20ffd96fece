/* Text at the doors: one check of UTF-8 and control characters for everything that enters the
 * system (config values, CSV rows, API bodies, operator arguments), one way to show bad bytes in
 * a message, and one repair for text stored before the doors were checked.
 *
 * "Valid" means well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF) and
 * no control character: C0 (U+0000..U+001F), DEL (U+007F) and C1 (U+0080..U+009F). Multi-line
 * text (UTF8_MULTILINE) may also hold LF and TAB; CR is always refused (CRLF files are handled
 * by their readers). */
#ifndef BORNE_UTF8_H
#define BORNE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum utf8_status {
    UTF8_OK = 0,
    UTF8_EINVALID = -1,   /* not well-formed UTF-8 */
    UTF8_ECONTROL = -2,   /* a control character */
} utf8_status;

enum { UTF8_MULTILINE = 1 };

/* Checks s[0..len). On failure *bad_at (if not NULL) is the offset of the first bad byte; on
 * success it is left untouched. */
utf8_status utf8_check(const char *s, size_t len, unsigned flags, size_t *bad_at);
/* Length of the well-formed UTF-8 sequence at s[0..n) (1..4), its code point in *cp; 0 (and *cp
 * untouched) when the bytes at s do not start one: RFC 3629, shortest form only, no surrogates,
 * nothing above U+10FFFF. n must be at least 1. For readers that walk text themselves. */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);
/* The same for a NUL-terminated string. */
utf8_status utf8_check_str(const char *s, unsigned flags, size_t *bad_at);
/* "invalid UTF-8" or "a control character", for messages. */
const char *utf8_strerror(utf8_status st);

/* Writes s[0..len) into out (always NUL-terminated when cap > 0) with every byte that is not
 * valid printable UTF-8, and the backslash, written as \xNN: safe to print on a terminal or in
 * a log. Cuts at cap, never in the middle of an escape or a character. Returns out. */
char *utf8_escape(const char *s, size_t len, char *out, size_t cap);

/* A malloc'd copy of s with each invalid sequence replaced by U+FFFD and control characters
 * removed (those allowed by flags kept), or NULL when out of memory. */
char *utf8_repair(const char *s, unsigned flags);

#endif
