/* UTF-8 and control characters at the doors (see include/borne/utf8.h). */
#include "borne/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned char b = p[0];
    size_t len;
    uint32_t c, min;
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    if (b >= 0xC2 && b <= 0xDF)
        len = 2, c = b & 0x1F, min = 0x80;
    else if (b >= 0xE0 && b <= 0xEF)
        len = 3, c = b & 0x0F, min = 0x800;
    else if (b >= 0xF0 && b <= 0xF4)
        len = 4, c = b & 0x07, min = 0x10000;
    else
        return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

static bool is_control(uint32_t cp, unsigned flags)
{
    if ((flags & UTF8_MULTILINE) && (cp == '\n' || cp == '\t'))
        return false;
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

utf8_status utf8_check(const char *s, size_t len, unsigned flags, size_t *bad_at)
{
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        utf8_status st = n == 0 ? UTF8_EINVALID : is_control(cp, flags) ? UTF8_ECONTROL : UTF8_OK;
        if (st != UTF8_OK) {
            if (bad_at)
                *bad_at = i;
            return st;
        }
        i += n;
    }
    return UTF8_OK;
}

utf8_status utf8_check_str(const char *s, unsigned flags, size_t *bad_at)
{
    return utf8_check(s, strlen(s), flags, bad_at);
}

const char *utf8_strerror(utf8_status st)
{
    switch (st) {
    case UTF8_OK: return "valid text";
    case UTF8_EINVALID: return "invalid UTF-8";
    case UTF8_ECONTROL: return "a control character";
    }
    return "invalid text";
}

char *utf8_escape(const char *s, size_t len, char *out, size_t cap)
{
    if (cap == 0)
        return out;
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        bool plain = n > 0 && !is_control(cp, 0) && cp != '\\';
        size_t need = plain ? n : 4;
        if (o + need >= cap)
            break;
        if (plain) {
            memcpy(out + o, p + i, n);
            i += n;
        } else {
            snprintf(out + o, 5, "\\x%02X", p[i]);
            i++;
        }
        o += need;
    }
    out[o] = '\0';
    return out;
}

char *utf8_repair(const char *s, unsigned flags)
{
    static const char replacement[] = "\xEF\xBF\xBD";
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    /* at worst every byte becomes U+FFFD */
    if (len > (SIZE_MAX - 1) / 3)
        return NULL;
    char *out = malloc(len * 3 + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            memcpy(out + o, replacement, 3);
            o += 3;
            i++;
            continue;
        }
        if (!is_control(cp, flags)) {
            memcpy(out + o, p + i, n);
            o += n;
        }
        i += n;
    }
    out[o] = '\0';
    return out;
}
