/* ESC/POS: the byte level of the ticket printer. Two pure parts, no I/O:
 *  - the encoder: a printer_ticket (UTF-8) -> the exact bytes for one printer model profile;
 *  - the status parser: bytes coming back from the printer (DLE EOT replies, Automatic Status
 *    Back frames, garbage) -> the printer's condition.
 * Both are deterministic, so tests compare them byte for byte and fuzz them. */
#ifndef BORNE_ESCPOS_H
#define BORNE_ESCPOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "borne/printer.h"

typedef enum escpos_charset {
    ESCPOS_CHARSET_WPC1252 = 0,  /* Windows-1252: has € and œ */
    ESCPOS_CHARSET_PC858,        /* DOS Latin-1 with €: no œ (printed "oe") */
} escpos_charset;

typedef enum escpos_qr {
    ESCPOS_QR_NATIVE = 0,        /* GS ( k, model 2 */
    ESCPOS_QR_RASTER,            /* rendered with libqrencode, sent as GS v 0 */
    ESCPOS_QR_NONE,              /* payload printed as text */
} escpos_qr;

/* A printer model, as data. The table is escpos_profiles(); the config names one by `name`. */
typedef struct escpos_profile {
    const char *name;
    escpos_charset charset;
    uint8_t codepage;            /* n of ESC t n selecting `charset` on this model */
    uint8_t cut[8];              /* cut command (including any feed before it) */
    uint8_t cut_len;
    escpos_qr qr;
    uint8_t columns;             /* characters per line in font A at normal size */
    uint16_t dots;               /* printable width in dots (raster QR centring) */
    bool done_marker;            /* answers the completion marker (below): Epson TM models do,
                                  * clones often ignore GS ( H */
} escpos_profile;

/* The built-in profiles, *count entries; static storage. The first one is the default. */
const escpos_profile *escpos_profiles(size_t *count);
/* The profile called `name`; "" gives the default; NULL if unknown. */
const escpos_profile *escpos_profile_find(const char *name);

/* Bytes the encoder may produce for one ticket at most with a native-QR profile, label picture
 * included; a raster QR needs more (escpos_encode says how much). */
#define ESCPOS_TICKET_MAX (2048 + PRINTER_ART_MAX_BYTES)

/* Encodes `t` for `prof` into out[0..cap). Returns the number of bytes, or -ENOSPC when cap is
 * too small (nothing useful is in out then), -EINVAL on NULL arguments, -ENOMEM if the raster
 * QR cannot be built. Every text field is converted from UTF-8 to the profile's code page;
 * control bytes (< 0x20, 0x7F, U+0080..U+009F) are dropped so no field can smuggle a command;
 * invalid UTF-8 becomes '?'. A character missing from the code page gets a documented
 * fallback (œ -> "oe" in PC858, typographic quotes -> ASCII) or '?'. */
int escpos_encode_ticket(const escpos_profile *prof, const printer_ticket *t, uint8_t *out, size_t cap);

/* Converts one UTF-8 string to the charset, dropping control bytes: the text step of the
 * encoder, exposed for tests and the test page. Writes at most cap bytes (no terminator);
 * returns the length. */
size_t escpos_text(escpos_charset cs, const char *utf8, uint8_t *out, size_t cap);
/* Whether every character of utf8 prints in cs as itself or its documented fallback (no '?'):
 * the kiosk prints a ticket in the visitor's language only then (Arabic never prints on these
 * code pages). Control bytes, which escpos_text drops, do not count. */
bool escpos_can_print(escpos_charset cs, const char *utf8);

/* Real-time commands (sent by the driver, outside the ticket). */
#define ESCPOS_DLE 0x10
#define ESCPOS_EOT 0x04
/* DLE DC4 fn 8: clear the receive and print buffers (Epson), so that a printer which kept the
 * rest of a torn ticket does not print it after recovery. */
extern const uint8_t escpos_clear_buffers[10];

/* The completion marker the driver sends right after a ticket's cut: GS ( H fn=48 m=48 with a
 * four-digit ID (the job id modulo 10000). Unlike DLE EOT, which is answered on receipt, the
 * printer answers it in byte order, once everything before it is printed and cut (the
 * "process ID response" 37 22 d1..d4 00). It needs no paper: a printer that stops right after
 * the cut still answers it, ahead of any status asked after it; a printer that stopped before
 * the cut does not. So its reply is the proof that the ticket came out whole. */
#define ESCPOS_DONE_MARKER_LEN 11
void escpos_done_marker(uint64_t id, uint8_t out[ESCPOS_DONE_MARKER_LEN]);

/* ---- status parser ---------------------------------------------------------------------- */

/* The printer's condition as last reported. */
typedef struct escpos_status {
    bool offline;                /* n=1 0x08 */
    bool cover_open;             /* n=2 0x04 */
    bool paper_stop;             /* n=2 0x20: printing stopped at paper end */
    bool error;                  /* n=2 0x40: details in n=3 */
    bool paper_out;              /* n=4 0x60 */
    bool near_end;               /* n=4 0x0C */
    bool cutter_error;           /* n=3 0x08 */
    bool unrecoverable;          /* n=3 0x20 */
    bool auto_recoverable;       /* n=3 0x40 */
} escpos_status;

/* Parser state: the DLE EOT queries still waiting for their one-byte reply (in order) and a
 * partial ASB frame. Zero-initialise, or escpos_parser_reset(). Plain value, no allocation. */
typedef struct escpos_parser {
    uint8_t expect[8];           /* n of the queries sent, oldest first */
    uint8_t n_expect;
    uint8_t asb[4];
    uint8_t asb_len;
    uint8_t replied;             /* bit n set when the reply to DLE EOT n arrived */
    uint8_t done_frame[6];       /* a partial process ID response (37 22 d1..d4, then 00) */
    uint8_t done_len;
    bool done_seen;              /* a complete process ID response arrived */
    uint8_t done_id[4];          /* the ID of the last one */
    bool asb_seen;               /* at least one complete ASB frame */
    escpos_status status;
    uint32_t ignored;            /* garbage bytes skipped (diagnostics) */
} escpos_parser;

void escpos_parser_reset(escpos_parser *p);
/* Records that DLE EOT n (1..4) was sent; returns false when n is invalid or 8 are pending. */
bool escpos_parser_expect(escpos_parser *p, uint8_t n);
/* Feeds bytes received from the printer; updates p->status. A byte is a DLE EOT reply only
 * when (b & 0x93) == 0x12 and a query is pending; an ASB frame starts with (b & 0x93) == 0x10
 * and continues with three bytes where (b & 0x90) == 0; a process ID response is 37 22, four
 * bytes 0x20..0x7E and 00 (a frame that breaks off is skipped by its first byte only, the rest
 * is looked at afresh). Anything else is counted and skipped. */
void escpos_parser_feed(escpos_parser *p, const uint8_t *buf, size_t len);
/* True when the process ID response to escpos_done_marker(id) has arrived. */
bool escpos_parser_done(const escpos_parser *p, uint64_t id);
/* The state a status means: cover open > paper out > cutter/unrecoverable error > offline >
 * near end > ready. */
printer_state escpos_status_state(const escpos_status *s);

#endif
