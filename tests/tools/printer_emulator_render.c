/* Renders an emulated ticket: text file and a PNG of 80 mm thermal paper at 203 dpi (one
 * pixel per printer dot). Font A is 12 x 24 dots; magnified text is drawn from a font at the
 * magnified height and stretched for unequal width/height, as the printer does. */
#include "printer_emulator_render.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <qrencode.h>

enum { MARGIN = 28, BASE_PX = 20, LINE_GAP = 6, MAX_MAG = 8 };

static const char *font_path[2];
static TTF_Font *fonts[2][MAX_MAG + 1];   /* [bold][height magnification] */

int emu_write_text(const emu_ticket *t, const char *path)
{
    /* Written aside and renamed: a reader polling for the file never sees half of it. */
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return -errno;
    for (size_t i = 0; i < t->n_lines; i++) {
        const emu_line *l = &t->lines[i];
        if (l->kind == EMU_QR)
            fprintf(f, "[QR] %s", l->qr ? l->qr : "");
        else if (l->kind == EMU_RASTER)
            fprintf(f, "[raster %ux%u]", (unsigned)l->raster_w * 8 * l->raster_sx, (unsigned)l->raster_h * l->raster_sy);
        for (size_t r = 0; r < l->n_runs; r++)
            fputs(l->runs[r].utf8, f);
        fputc('\n', f);
    }
    int r = ferror(f) ? -EIO : 0;
    if (fclose(f) != 0 && r == 0)
        r = -errno;
    if (r == 0 && rename(tmp, path) != 0)
        r = -errno;
    if (r != 0)
        unlink(tmp);
    return r;
}

int emu_render_init(const char *regular_ttf, const char *bold_ttf)
{
    if (TTF_Init() != 0) {
        fprintf(stderr, "emulator: TTF_Init: %s\n", TTF_GetError());
        return -1;
    }
    font_path[0] = regular_ttf;
    font_path[1] = bold_ttf;
    return 0;
}

static TTF_Font *font(bool bold, int h)
{
    h = h < 1 ? 1 : h > MAX_MAG ? MAX_MAG : h;
    TTF_Font **f = &fonts[bold][h];
    if (!*f && !(*f = TTF_OpenFont(font_path[bold], BASE_PX * h)))
        fprintf(stderr, "emulator: font %s: %s\n", font_path[bold], TTF_GetError());
    return *f;
}

void emu_render_quit(void)
{
    for (int b = 0; b < 2; b++)
        for (int h = 0; h <= MAX_MAG; h++)
            if (fonts[b][h]) {
                TTF_CloseFont(fonts[b][h]);
                fonts[b][h] = NULL;
            }
    TTF_Quit();
}

static int line_height(const emu_line *l)
{
    if (l->kind == EMU_QR) {
        QRcode *q = QRcode_encodeString8bit(l->qr ? l->qr : "", 0, QR_ECLEVEL_M);
        int h = q ? q->width * l->qr_module + LINE_GAP * 2 : 0;
        QRcode_free(q);
        return h;
    }
    if (l->kind == EMU_RASTER)
        return l->raster_h * l->raster_sy;
    int mag = 1;
    for (size_t r = 0; r < l->n_runs; r++)
        if (l->runs[r].height > mag)
            mag = l->runs[r].height;
    return 24 * mag + LINE_GAP;
}

static int x_for(int align, int w, int dots)
{
    int x = align == 1 ? (dots - w) / 2 : align == 2 ? dots - w : 0;
    return MARGIN + (x > 0 ? x : 0);
}

static void draw_text(SDL_Surface *paper, const emu_line *l, int y, int dots)
{
    SDL_Surface *parts[64];
    size_t n = l->n_runs < 64 ? l->n_runs : 64;
    int total = 0, tallest = 0;
    for (size_t r = 0; r < n; r++) {
        const emu_run *run = &l->runs[r];
        TTF_Font *f = font(run->bold, run->height);
        SDL_Color ink = {24, 24, 28, 255};
        parts[r] = f && run->utf8[0] ? TTF_RenderUTF8_Blended(f, run->utf8, ink) : NULL;
        if (parts[r]) {
            /* Width magnification independent of height: stretch horizontally. */
            int w = parts[r]->w * run->width / run->height;
            total += w;
            if (parts[r]->h > tallest)
                tallest = parts[r]->h;
        }
    }
    int x = x_for(l->align, total, dots);
    for (size_t r = 0; r < n; r++) {
        if (!parts[r])
            continue;
        const emu_run *run = &l->runs[r];
        SDL_Rect dst = {x, y + tallest - parts[r]->h, parts[r]->w * run->width / run->height, parts[r]->h};
        SDL_SetSurfaceBlendMode(parts[r], SDL_BLENDMODE_BLEND);
        SDL_BlitScaled(parts[r], NULL, paper, &dst);
        x += dst.w;
        SDL_FreeSurface(parts[r]);
    }
}

static void draw_qr(SDL_Surface *paper, const emu_line *l, int y, int dots, Uint32 ink)
{
    QRcode *q = QRcode_encodeString8bit(l->qr ? l->qr : "", 0, QR_ECLEVEL_M);
    if (!q)
        return;
    int m = l->qr_module, size = q->width * m;
    int x0 = x_for(l->align, size, dots);
    for (int qy = 0; qy < q->width; qy++)
        for (int qx = 0; qx < q->width; qx++)
            if (q->data[qy * q->width + qx] & 1) {
                SDL_Rect r = {x0 + qx * m, y + LINE_GAP + qy * m, m, m};
                SDL_FillRect(paper, &r, ink);
            }
    QRcode_free(q);
}

static void draw_raster(SDL_Surface *paper, const emu_line *l, int y, int dots, Uint32 ink)
{
    if (!l->raster)
        return;
    int w = l->raster_w * 8, sx = l->raster_sx, sy = l->raster_sy;
    int x0 = x_for(l->align, w * sx, dots);
    for (int ry = 0; ry < l->raster_h; ry++)
        for (int rx = 0; rx < w; rx++)
            if (l->raster[(size_t)ry * l->raster_w + (size_t)rx / 8] & (0x80 >> (rx % 8))) {
                SDL_Rect r = {x0 + rx * sx, y + ry * sy, sx, sy};
                SDL_FillRect(paper, &r, ink);
            }
}

int emu_render_png(const emu_ticket *t, int dots, const char *path)
{
    int height = MARGIN * 2 + 24;
    for (size_t i = 0; i < t->n_lines; i++)
        height += line_height(&t->lines[i]);
    SDL_Surface *paper = SDL_CreateRGBSurfaceWithFormat(0, dots + 2 * MARGIN, height, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!paper) {
        fprintf(stderr, "emulator: surface: %s\n", SDL_GetError());
        return -1;
    }
    SDL_FillRect(paper, NULL, SDL_MapRGB(paper->format, 252, 252, 248));
    Uint32 ink = SDL_MapRGB(paper->format, 24, 24, 28);
    int y = MARGIN;
    for (size_t i = 0; i < t->n_lines; i++) {
        const emu_line *l = &t->lines[i];
        if (l->kind == EMU_TEXT)
            draw_text(paper, l, y, dots);
        else if (l->kind == EMU_QR)
            draw_qr(paper, l, y, dots, ink);
        else
            draw_raster(paper, l, y, dots, ink);
        y += line_height(l);
    }
    /* The cut: a dashed line across the bottom, torn tickets get a ragged edge instead. */
    Uint32 edge = SDL_MapRGB(paper->format, 150, 150, 150);
    for (int x = 0; x < paper->w; x += 12) {
        SDL_Rect r = {x, height - 4 - (t->complete ? 0 : (x / 12) % 2 * 6), 8, 2};
        SDL_FillRect(paper, &r, edge);
    }
    int r = IMG_SavePNG(paper, path);
    if (r != 0)
        fprintf(stderr, "emulator: %s: %s\n", path, IMG_GetError());
    SDL_FreeSurface(paper);
    return r == 0 ? 0 : -1;
}
