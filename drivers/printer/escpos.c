/* ESC/POS encoder and status parser (see escpos.h). Pure code: no I/O, no globals written. */
#include "borne/escpos.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#define ESC 0x1B
#define GS 0x1D
#define LF 0x0A

/* Epson TM-T20/TM-T88 class: ESC t 16 = WPC1252, ESC t 19 = PC858; GS V 66 0 feeds to the
 * cutter and cuts partially (the stub keeps the ticket from falling on the floor). The
 * generic raster profile is for clones without GS ( k: it feeds with ESC d 4 then GS V 1. */
static const escpos_profile profiles[] = {
    {"epson-tm-t20", ESCPOS_CHARSET_WPC1252, 16, {GS, 'V', 66, 0}, 4, ESCPOS_QR_NATIVE, 48, 576, true},
    {"epson-tm-t88", ESCPOS_CHARSET_WPC1252, 16, {GS, 'V', 66, 0}, 4, ESCPOS_QR_NATIVE, 42, 512, true},
    {"epson-pc858", ESCPOS_CHARSET_PC858, 19, {GS, 'V', 66, 0}, 4, ESCPOS_QR_NATIVE, 48, 576, true},
    {"generic-pc858-raster", ESCPOS_CHARSET_PC858, 19, {ESC, 'd', 4, GS, 'V', 1}, 6, ESCPOS_QR_RASTER, 48, 576, false},
    {"generic-pc858-noqr", ESCPOS_CHARSET_PC858, 19, {ESC, 'd', 4, GS, 'V', 1}, 6, ESCPOS_QR_NONE, 32, 384, false},
};

const uint8_t escpos_clear_buffers[10] = {0x10, 0x14, 0x08, 0x01, 0x03, 0x14, 0x01, 0x06, 0x02, 0x08};

void escpos_done_marker(uint64_t id, uint8_t out[ESCPOS_DONE_MARKER_LEN])
{
    static const uint8_t head[] = {GS, '(', 'H', 6, 0, 48, 48};
    memcpy(out, head, sizeof head);
    for (int i = 3; i >= 0; i--, id /= 10)
        out[sizeof head + (size_t)i] = (uint8_t)('0' + id % 10);
}

const escpos_profile *escpos_profiles(size_t *count)
{
    *count = sizeof profiles / sizeof profiles[0];
    return profiles;
}

const escpos_profile *escpos_profile_find(const char *name)
{
    if (!name)
        return NULL;
    if (!name[0])
        return &profiles[0];
    for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
        if (strcmp(profiles[i].name, name) == 0)
            return &profiles[i];
    return NULL;
}

/* Unicode code point of bytes 0x80..0xFF in each charset (0 = unassigned). */
static const uint16_t upper_wpc1252[128] = {
    0x20AC, 0x0000, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x0000, 0x017D, 0x0000,
    0x0000, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x0000, 0x017E, 0x0178,
    0x00A0, 0x00A1, 0x00A2, 0x00A3, 0x00A4, 0x00A5, 0x00A6, 0x00A7,
    0x00A8, 0x00A9, 0x00AA, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x00AF,
    0x00B0, 0x00B1, 0x00B2, 0x00B3, 0x00B4, 0x00B5, 0x00B6, 0x00B7,
    0x00B8, 0x00B9, 0x00BA, 0x00BB, 0x00BC, 0x00BD, 0x00BE, 0x00BF,
    0x00C0, 0x00C1, 0x00C2, 0x00C3, 0x00C4, 0x00C5, 0x00C6, 0x00C7,
    0x00C8, 0x00C9, 0x00CA, 0x00CB, 0x00CC, 0x00CD, 0x00CE, 0x00CF,
    0x00D0, 0x00D1, 0x00D2, 0x00D3, 0x00D4, 0x00D5, 0x00D6, 0x00D7,
    0x00D8, 0x00D9, 0x00DA, 0x00DB, 0x00DC, 0x00DD, 0x00DE, 0x00DF,
    0x00E0, 0x00E1, 0x00E2, 0x00E3, 0x00E4, 0x00E5, 0x00E6, 0x00E7,
    0x00E8, 0x00E9, 0x00EA, 0x00EB, 0x00EC, 0x00ED, 0x00EE, 0x00EF,
    0x00F0, 0x00F1, 0x00F2, 0x00F3, 0x00F4, 0x00F5, 0x00F6, 0x00F7,
    0x00F8, 0x00F9, 0x00FA, 0x00FB, 0x00FC, 0x00FD, 0x00FE, 0x00FF,
};

static const uint16_t upper_pc858[128] = {
    0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7,
    0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5,
    0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9,
    0x00FF, 0x00D6, 0x00DC, 0x00F8, 0x00A3, 0x00D8, 0x00D7, 0x0192,
    0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA,
    0x00BF, 0x00AE, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x00C1, 0x00C2, 0x00C0,
    0x00A9, 0x2563, 0x2551, 0x2557, 0x255D, 0x00A2, 0x00A5, 0x2510,
    0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x00E3, 0x00C3,
    0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x00A4,
    0x00F0, 0x00D0, 0x00CA, 0x00CB, 0x00C8, 0x20AC, 0x00CD, 0x00CE,
    0x00CF, 0x2518, 0x250C, 0x2588, 0x2584, 0x00A6, 0x00CC, 0x2580,
    0x00D3, 0x00DF, 0x00D4, 0x00D2, 0x00F5, 0x00D5, 0x00B5, 0x00FE,
    0x00DE, 0x00DA, 0x00DB, 0x00D9, 0x00FD, 0x00DD, 0x00AF, 0x00B4,
    0x00AD, 0x00B1, 0x2017, 0x00BE, 0x00B6, 0x00A7, 0x00F7, 0x00B8,
    0x00B0, 0x00A8, 0x00B7, 0x00B9, 0x00B3, 0x00B2, 0x25A0, 0x00A0,
};

/* What to print for characters a code page lacks: French typography (œ, curly quotes,
 * narrow no-break space before ':' and '?') must stay readable, never turn into '?'. */
static const struct {
    uint32_t cp;
    const char *ascii;
} fallbacks[] = {
    {0x0152, "OE"}, {0x0153, "oe"}, {0x2018, "'"}, {0x2019, "'"}, {0x201A, ","},
    {0x201C, "\""}, {0x201D, "\""}, {0x201E, "\""}, {0x2013, "-"}, {0x2014, "-"},
    {0x2026, "..."}, {0x2009, " "}, {0x202F, " "}, {0x2022, "*"}, {0x0178, "Y"},
};

/* Decodes one UTF-8 sequence at s; returns its length (>= 1) and the code point, or
 * U+FFFD for a malformed or overlong sequence (consuming one byte). */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if ((c & 0xE0) == 0xC0) {
        n = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, v = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = v;
    return n;
}

/* What code point cp becomes in cs: one byte, a fallback string, or NULL when the code page has
 * nothing for it. `one` holds the single byte. */
static const char *map_cp(escpos_charset cs, uint32_t cp, char one[2])
{
    const uint16_t *upper = cs == ESCPOS_CHARSET_PC858 ? upper_pc858 : upper_wpc1252;
    one[1] = '\0';
    if (cp < 0x80) {
        one[0] = (char)cp;
        return one;
    }
    for (size_t i = 0; i < 128; i++)
        if (upper[i] == cp) {
            one[0] = (char)(0x80 + i);
            return one;
        }
    for (size_t i = 0; i < sizeof fallbacks / sizeof fallbacks[0]; i++)
        if (fallbacks[i].cp == cp)
            return fallbacks[i].ascii;
    return NULL;
}

static bool is_control(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0);
}

size_t escpos_text(escpos_charset cs, const char *utf8, uint8_t *out, size_t cap)
{
    const unsigned char *s = (const unsigned char *)utf8;
    size_t len = 0;
    while (*s) {
        uint32_t cp;
        s += utf8_next(s, &cp);
        if (is_control(cp))
            continue;  /* a control byte would be a printer command: never pass it through */
        char one[2];
        const char *rep = map_cp(cs, cp, one);
        if (!rep)
            rep = "?";
        size_t n = strlen(rep);
        if (len + n > cap)
            break;
        memcpy(out + len, rep, n);
        len += n;
    }
    return len;
}

bool escpos_can_print(escpos_charset cs, const char *utf8)
{
    const unsigned char *s = (const unsigned char *)utf8;
    while (*s) {
        uint32_t cp;
        s += utf8_next(s, &cp);
        char one[2];
        if (!is_control(cp) && !map_cp(cs, cp, one))
            return false;
    }
    return true;
}

/* Output buffer with sticky overflow: encode everything, check once at the end. */
typedef struct sink {
    uint8_t *p;
    size_t len, cap;
    bool overflow;
} sink;

static void put(sink *k, const void *b, size_t n)
{
    if (k->overflow || n > k->cap - k->len) {
        k->overflow = true;
        return;
    }
    memcpy(k->p + k->len, b, n);
    k->len += n;
}

static void put1(sink *k, uint8_t b) { put(k, &b, 1); }

static void cmd3(sink *k, uint8_t a, uint8_t b, uint8_t c)
{
    uint8_t s[3] = {a, b, c};
    put(k, s, 3);
}

/* Word-wraps already encoded single-byte text at `width` columns (the printer would break
 * mid-word); a word longer than a line is cut. Each line ends with LF. */
static void put_wrapped(sink *k, const uint8_t *t, size_t n, size_t width)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && t[i] == ' ')
            i++;
        if (i == n)
            break;
        size_t end = i + width < n ? i + width : n;
        if (end < n && t[end] != ' ') {
            size_t sp = end;
            while (sp > i && t[sp] != ' ')
                sp--;
            if (sp > i)
                end = sp;
        }
        size_t last = end;
        while (last > i && t[last - 1] == ' ')
            last--;
        put(k, t + i, last - i);
        put1(k, LF);
        i = end;
    }
}

static void put_field(sink *k, const escpos_profile *prof, const char *utf8, size_t width)
{
    uint8_t buf[512];
    size_t n = escpos_text(prof->charset, utf8, buf, sizeof buf);
    put_wrapped(k, buf, n, width);
}

static void put_rule(sink *k, const escpos_profile *prof)
{
    for (uint8_t i = 0; i < prof->columns; i++)
        put1(k, '-');
    put1(k, LF);
}

/* QR payload bytes: printable ASCII and UTF-8 bytes kept, control bytes dropped. */
static size_t qr_payload(const char *in, uint8_t *out, size_t cap)
{
    size_t n = 0;
    for (const unsigned char *s = (const unsigned char *)in; *s && n < cap; s++)
        if (*s >= 0x20 && *s != 0x7F)
            out[n++] = *s;
    return n;
}

static void put_qr_native(sink *k, const uint8_t *data, size_t n)
{
    static const uint8_t model2[] = {GS, '(', 'k', 4, 0, 49, 65, 50, 0};
    static const uint8_t size6[] = {GS, '(', 'k', 3, 0, 49, 67, 6};
    static const uint8_t ec_m[] = {GS, '(', 'k', 3, 0, 49, 69, 49};
    static const uint8_t print[] = {GS, '(', 'k', 3, 0, 49, 81, 48};
    uint8_t store[] = {GS, '(', 'k', (uint8_t)((n + 3) & 0xFF), (uint8_t)((n + 3) >> 8), 49, 80, 48};
    put(k, model2, sizeof model2);
    put(k, size6, sizeof size6);
    put(k, ec_m, sizeof ec_m);
    put(k, store, sizeof store);
    put(k, data, n);
    put(k, print, sizeof print);
}

/* GS v 0 raster of the QR at 4 dots per module: for printers without GS ( k. */
static int put_qr_raster(sink *k, const uint8_t *data, size_t n)
{
    enum { SCALE = 4 };
    QRcode *qr = QRcode_encodeData((int)n, data, 0, QR_ECLEVEL_M);
    if (!qr)
        return -ENOMEM;
    size_t px = (size_t)qr->width * SCALE;
    size_t row_bytes = (px + 7) / 8;
    uint8_t head[] = {GS, 'v', '0', 0, (uint8_t)(row_bytes & 0xFF), (uint8_t)(row_bytes >> 8),
                      (uint8_t)(px & 0xFF), (uint8_t)(px >> 8)};
    put(k, head, sizeof head);
    uint8_t row[64];
    for (size_t y = 0; y < px && row_bytes <= sizeof row; y++) {
        memset(row, 0, row_bytes);
        for (size_t x = 0; x < px; x++)
            if (qr->data[(y / SCALE) * (size_t)qr->width + x / SCALE] & 1)
                row[x / 8] |= (uint8_t)(0x80 >> (x % 8));
        put(k, row, row_bytes);
    }
    if (row_bytes > sizeof row)
        k->overflow = true;
    QRcode_free(qr);
    return 0;
}

/* Printed at 2x2 (GS v 0 mode 3), the picture must fit the paper's width. */
static bool art_fits(const escpos_profile *prof, const printer_art *a)
{
    return a->width_bytes && a->height && (size_t)a->width_bytes * a->height <= sizeof a->bits &&
           (size_t)a->width_bytes * 8 * 2 <= prof->dots;
}

static void put_art(sink *k, const printer_art *a)
{
    uint8_t head[] = {GS, 'v', '0', 3, (uint8_t)(a->width_bytes & 0xFF), (uint8_t)(a->width_bytes >> 8),
                      (uint8_t)(a->height & 0xFF), (uint8_t)(a->height >> 8)};
    put(k, head, sizeof head);
    put(k, a->bits, (size_t)a->width_bytes * a->height);
}

int escpos_encode_ticket(const escpos_profile *prof, const printer_ticket *t, uint8_t *out, size_t cap)
{
    if (!prof || !t || !out)
        return -EINVAL;
    sink k = {out, 0, cap, false};
    size_t cols = prof->columns;

    static const uint8_t init[] = {ESC, '@'};
    put(&k, init, sizeof init);
    cmd3(&k, ESC, 't', prof->codepage);
    cmd3(&k, ESC, 'a', 1);

    /* Header: antenne name, bold, double size when it fits on one line, else double height. */
    uint8_t head[sizeof t->antenne * 3];
    size_t head_len = escpos_text(prof->charset, t->antenne, head, sizeof head);
    bool wide = head_len <= cols / 2;
    cmd3(&k, ESC, 'E', 1);
    cmd3(&k, GS, '!', wide ? 0x11 : 0x01);
    put_wrapped(&k, head, head_len, wide ? cols / 2 : cols);
    cmd3(&k, GS, '!', 0x00);
    cmd3(&k, ESC, 'E', 0);
    put_rule(&k, prof);

    cmd3(&k, ESC, 'E', 1);
    put_field(&k, prof, t->service, cols);
    cmd3(&k, ESC, 'E', 0);
    put1(&k, LF);

    /* The number: the caller's picture in the screen's typeface, else the printer's font as
     * large as the paper allows (up to 8x8). */
    if (art_fits(prof, &t->label_art)) {
        put_art(&k, &t->label_art);
    } else {
        uint8_t label[sizeof t->label];
        size_t label_len = escpos_text(prof->charset, t->label, label, sizeof label);
        size_t mag = label_len ? cols / label_len : 8;
        mag = mag < 1 ? 1 : mag > 8 ? 8 : mag;
        cmd3(&k, ESC, 'E', 1);
        cmd3(&k, GS, '!', (uint8_t)(((mag - 1) << 4) | (mag - 1)));
        put_wrapped(&k, label, label_len, cols / mag);
        cmd3(&k, GS, '!', 0x00);
        cmd3(&k, ESC, 'E', 0);
    }
    put1(&k, LF);

    put_field(&k, prof, t->ahead, cols);
    put_field(&k, prof, t->wait, cols);
    put_rule(&k, prof);
    put_field(&k, prof, t->when, cols);

    uint8_t msg[512];
    size_t msg_len = escpos_text(prof->charset, t->message, msg, sizeof msg);
    if (msg_len) {
        put1(&k, LF);
        put_wrapped(&k, msg, msg_len, cols);
    }

    uint8_t qr[sizeof t->qr];
    size_t qr_len = qr_payload(t->qr, qr, sizeof qr);
    if (qr_len) {
        put1(&k, LF);
        if (prof->qr == ESCPOS_QR_NATIVE) {
            put_qr_native(&k, qr, qr_len);
        } else if (prof->qr == ESCPOS_QR_RASTER) {
            int r = put_qr_raster(&k, qr, qr_len);
            if (r < 0)
                return r;
        } else {
            put_field(&k, prof, t->qr, cols);
        }
    }
    put(&k, prof->cut, prof->cut_len);
    if (k.overflow)
        return -ENOSPC;
    return (int)k.len;
}

/* ---- status parser ---------------------------------------------------------------------- */

void escpos_parser_reset(escpos_parser *p)
{
    memset(p, 0, sizeof *p);
}

bool escpos_parser_expect(escpos_parser *p, uint8_t n)
{
    if (n < 1 || n > 4 || p->n_expect >= sizeof p->expect)
        return false;
    p->expect[p->n_expect++] = n;
    return true;
}

static void apply_reply(escpos_parser *p, uint8_t n, uint8_t b)
{
    escpos_status *s = &p->status;
    switch (n) {
    case 1:
        s->offline = b & 0x08;
        break;
    case 2:
        s->cover_open = b & 0x04;
        s->paper_stop = b & 0x20;
        s->error = b & 0x40;
        break;
    case 3:
        s->cutter_error = b & 0x08;
        s->unrecoverable = b & 0x20;
        s->auto_recoverable = b & 0x40;
        break;
    default:
        s->near_end = (b & 0x0C) != 0;
        s->paper_out = (b & 0x60) != 0;
        break;
    }
    p->replied |= (uint8_t)(1u << n);
}

static void apply_asb(escpos_parser *p)
{
    escpos_status *s = &p->status;
    s->offline = p->asb[0] & 0x08;
    s->cover_open = p->asb[0] & 0x20;
    s->paper_stop = false;  /* an ASB frame is a complete report: no DLE EOT 2-only bits */
    s->error = false;
    s->cutter_error = p->asb[1] & 0x08;
    s->unrecoverable = p->asb[1] & 0x20;
    s->auto_recoverable = p->asb[1] & 0x40;
    s->near_end = p->asb[2] & 0x03;
    s->paper_out = p->asb[2] & 0x0C;
    p->asb_seen = true;
}

enum { DONE_HEADER = 0x37, DONE_IDENT = 0x22 };

/* One byte of a process ID response in progress. A byte that breaks the frame ends it; the
 * frame's bytes after its header are then fed again, so a status reply caught in a false
 * start is never lost. */
static void feed_done(escpos_parser *p, uint8_t b)
{
    size_t at = p->done_len;
    bool fits = at == 1 ? b == DONE_IDENT : at < 6 ? b >= 0x20 && b <= 0x7E : b == 0;
    if (fits && at < 6) {
        p->done_frame[p->done_len++] = b;
        return;
    }
    p->done_len = 0;
    if (fits) {
        memcpy(p->done_id, p->done_frame + 2, sizeof p->done_id);
        p->done_seen = true;
        return;
    }
    uint8_t again[6];
    memcpy(again, p->done_frame + 1, at - 1);
    again[at - 1] = b;
    p->ignored++;
    escpos_parser_feed(p, again, at);
}

bool escpos_parser_done(const escpos_parser *p, uint64_t id)
{
    uint8_t want[ESCPOS_DONE_MARKER_LEN];
    escpos_done_marker(id, want);
    return p->done_seen && memcmp(p->done_id, want + ESCPOS_DONE_MARKER_LEN - 4, 4) == 0;
}

void escpos_parser_feed(escpos_parser *p, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t b = buf[i];
        if (p->done_len > 0) {
            feed_done(p, b);
            continue;
        }
        if (p->asb_len > 0) {
            if ((b & 0x90) == 0) {
                p->asb[p->asb_len++] = b;
                if (p->asb_len == 4) {
                    apply_asb(p);
                    p->asb_len = 0;
                }
                continue;
            }
            /* Not a frame after all: the header was garbage; look at b afresh. */
            p->ignored += p->asb_len;
            p->asb_len = 0;
        }
        if ((b & 0x93) == 0x12 && p->n_expect > 0) {
            apply_reply(p, p->expect[0], b);
            memmove(p->expect, p->expect + 1, --p->n_expect);
        } else if ((b & 0x93) == 0x10) {
            p->asb[0] = b;
            p->asb_len = 1;
        } else if (b == DONE_HEADER) {
            p->done_frame[0] = b;
            p->done_len = 1;
        } else {
            p->ignored++;
        }
    }
}

printer_state escpos_status_state(const escpos_status *s)
{
    if (s->cover_open)
        return PRINTER_COVER_OPEN;
    if (s->paper_out || s->paper_stop)
        return PRINTER_PAPER_OUT;
    if (s->cutter_error || s->unrecoverable)
        return PRINTER_CUTTER_ERROR;
    if (s->offline || s->error)
        return PRINTER_OFFLINE;
    if (s->near_end)
        return PRINTER_NEAR_END;
    return PRINTER_READY;
}
