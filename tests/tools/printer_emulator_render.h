/* Printer emulator output: a finished ticket as UTF-8 text and as a PNG picture of the paper. */
#ifndef BORNE_PRINTER_EMULATOR_RENDER_H
#define BORNE_PRINTER_EMULATOR_RENDER_H

#include "printer_emulator_parse.h"

/* One line per printed line; a QR code as "[QR] payload", a raster image as "[raster WxH]".
 * Returns 0 or -errno. */
int emu_write_text(const emu_ticket *t, const char *path);

/* Fonts must have been opened by emu_render_init(); dots = printable width. 0 or -1 with a
 * message on stderr. */
int emu_render_init(const char *regular_ttf, const char *bold_ttf);
int emu_render_png(const emu_ticket *t, int dots, const char *path);
void emu_render_quit(void);

#endif
