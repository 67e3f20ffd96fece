/* The printer emulator's ESC/POS interpreter: bytes -> printed tickets. Separate from the
 * emulator's I/O so a fuzzer drives it directly. Written from the Epson ESC/POS command
 * reference, independently of drivers/printer/escpos.c (it decodes code pages with iconv, not
 * with the encoder's tables), so a round trip through both is a real cross-check. */
#ifndef BORNE_PRINTER_EMULATOR_PARSE_H
#define BORNE_PRINTER_EMULATOR_PARSE_H

#include <iconv.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum emu_kind { EMU_TEXT, EMU_QR, EMU_RASTER } emu_kind;

/* One printed line: text runs share the line; a QR or raster image is a line of its own. */
typedef struct emu_run {
    char *utf8;
    uint8_t width, height;   /* magnification 1..8 */
    bool bold;
} emu_run;

typedef struct emu_line {
    emu_kind kind;
    uint8_t align;           /* 0 left, 1 centre, 2 right */
    emu_run *runs;           /* EMU_TEXT */
    size_t n_runs;
    char *qr;                /* EMU_QR payload (raw bytes, NUL-terminated) */
    uint8_t qr_module;       /* dots per module */
    uint8_t *raster;         /* EMU_RASTER: rows of raster_w bytes, MSB = leftmost dot */
    uint16_t raster_w, raster_h;
    uint8_t raster_sx, raster_sy;  /* dots printed per picture dot across and down (GS v 0 m) */
    uint16_t feed;           /* blank lines after this one (ESC d) */
} emu_line;

typedef struct emu_ticket {
    emu_line *lines;
    size_t n_lines;
    bool complete;           /* began with ESC @ and ended with a cut, nothing lost between */
} emu_ticket;

typedef void (*emu_cut_fn)(const emu_ticket *t, void *ctx);

typedef struct emu_parser emu_parser;

/* dots: printable width (576 for 80 mm paper). on_cut gets each finished ticket, cut or torn
 * (complete=false); the ticket is freed after the call. Returns NULL on out-of-memory. */
emu_parser *emu_parser_new(int dots, emu_cut_fn on_cut, void *ctx);
void emu_parser_free(emu_parser *p);
void emu_parser_feed(emu_parser *p, const uint8_t *buf, size_t len);
/* The paper ran out / the cover opened / the buffer was cleared mid-ticket: what was printed
 * so far is emitted as a torn ticket and the parser starts afresh (any partial command is
 * dropped, the next data is not a ticket start unless it begins with ESC @). */
void emu_parser_tear(emu_parser *p);
/* GS ( H fn=48 (process ID response request) executed, in byte order: everything before it
 * has been printed. id: its four ID bytes. The emulator answers 37 22 id 00. */
typedef void (*emu_process_id_fn)(const uint8_t id[4], void *ctx);
void emu_parser_on_process_id(emu_parser *p, emu_process_id_fn fn);
/* Printing stopped (paper out, cover open): a ticket in progress is torn as by
 * emu_parser_tear; between tickets nothing is lost, a command in progress stays. */
void emu_parser_stop(emu_parser *p);
/* While printing is stopped: a process ID request right after a cut still executes (it
 * prints nothing and everything before it is printed). Feeds the bytes of such a request at
 * the head of buf and returns how many it took; 0 when the head is anything else. */
size_t emu_parser_feed_stopped(emu_parser *p, const uint8_t *buf, size_t len);
/* Code page decoding used for text (also by the emulator's --help self description). */
const char *emu_codepage_name(uint8_t n);
/* Unknown or malformed commands skipped so far. */
unsigned emu_parser_unknown(const emu_parser *p);

#endif
