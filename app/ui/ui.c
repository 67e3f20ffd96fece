#include "borne/ui.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL2/SDL_image.h>

#include "borne/ui_text.h"

/* Generous fixed capacities: a kiosk screen has a few dozen of each. Exceeding them marks the
 * report as overflowing, which the checks treat as a failure rather than a silent truncation. */
#define MAX_FILLS 512
#define MAX_TEXTS 256
#define MAX_TARGETS 128

struct ui {
    SDL_Renderer *r;
    const ui_theme *theme;
    ui_fonts *fonts;
    int w, h;
    double width_mm, height_mm;
    double px_per_mm;      /* physical */
    double zoom;           /* layout millimetres per physical one (large text: 1.5) */
    bool readback;
    uint32_t *pixels;
    int pix_w, pix_h;

    ui_fill_rec fills[MAX_FILLS];
    ui_text_rec texts[MAX_TEXTS];
    ui_target_rec targets[MAX_TARGETS];
    int n_fills, n_texts, n_targets;
    bool overflow;

    bool rtl;              /* right-to-left: every rect drawn or registered is mirrored */
    int pressed;           /* target held down, or UI_NO_TARGET */
    int focused;           /* target with keyboard focus, or UI_NO_TARGET */
};

static void update_density(ui *u)
{
    /* Without a physical size assume a 96 dpi desktop monitor. The smaller of the two axes'
     * densities is used so a size in mm is never rendered smaller than asked on either axis. */
    if (u->width_mm > 0 && u->height_mm > 0 && u->w > 0 && u->h > 0) {
        double dx = u->w / u->width_mm, dy = u->h / u->height_mm;
        u->px_per_mm = dx < dy ? dx : dy;
    } else {
        u->px_per_mm = 96.0 / 25.4;
    }
}

int ui_create(ui **out, SDL_Renderer *r, const ui_options *opt, char *errbuf, size_t errlen)
{
    *out = NULL;
    ui *u = calloc(1, sizeof *u);
    if (!u) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    u->r = r;
    u->theme = ui_theme_default();
    u->width_mm = opt->width_mm;
    u->height_mm = opt->height_mm;
    u->readback = opt->readback;
    u->zoom = 1.0;
    u->pressed = UI_NO_TARGET;
    u->focused = UI_NO_TARGET;
    if (ui_fonts_create(&u->fonts, r, opt->assets_dir, errbuf, errlen) != 0) {
        free(u);
        return -1;
    }
    if (SDL_GetRendererOutputSize(r, &u->w, &u->h) != 0) {
        snprintf(errbuf, errlen, "renderer output size: %s", SDL_GetError());
        ui_destroy(u);
        return -1;
    }
    update_density(u);
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    *out = u;
    return 0;
}

void ui_destroy(ui *u)
{
    if (!u)
        return;
    ui_fonts_destroy(u->fonts);
    free(u->pixels);
    free(u);
}

SDL_Renderer *ui_renderer(const ui *u) { return u->r; }
const ui_theme *ui_get_theme(const ui *u) { return u->theme; }
ui_fonts *ui_get_fonts(const ui *u) { return u->fonts; }
int ui_width(const ui *u) { return u->w; }
int ui_height(const ui *u) { return u->h; }
bool ui_portrait(const ui *u) { return u->h > u->w; }
double ui_px_per_mm(const ui *u) { return u->px_per_mm * u->zoom; }
int ui_mm(const ui *u, double mm) { return (int)ceil(mm * ui_px_per_mm(u) - 1e-6); }
double ui_to_mm(const ui *u, int px) { return px / ui_px_per_mm(u); }
double ui_physical_mm(const ui *u, int px) { return px / u->px_per_mm; }
void ui_set_zoom(ui *u, double zoom) { u->zoom = zoom > 0 ? zoom : 1.0; }
double ui_zoom(const ui *u) { return u->zoom; }
void ui_set_readback(ui *u, bool on) { u->readback = on; }
bool ui_get_readback(const ui *u) { return u->readback; }

void ui_set_rtl(ui *u, bool rtl) { u->rtl = rtl; }
bool ui_rtl(const ui *u) { return u->rtl; }

SDL_Rect ui_flip(const ui *u, SDL_Rect r)
{
    if (u->rtl)
        r.x = u->w - r.x - r.w;
    return r;
}

static SDL_FPoint flip_point(const ui *u, SDL_FPoint p)
{
    if (u->rtl)
        p.x = (float)u->w - p.x;
    return p;
}

void ui_set_physical_size(ui *u, double width_mm, double height_mm)
{
    u->width_mm = width_mm;
    u->height_mm = height_mm;
    update_density(u);
}

void ui_begin_frame(ui *u, SDL_Color bg)
{
    int w, h;
    if (SDL_GetRendererOutputSize(u->r, &w, &h) == 0 && (w != u->w || h != u->h)) {
        u->w = w;
        u->h = h;
        update_density(u);
    }
    u->n_fills = u->n_texts = u->n_targets = 0;
    u->overflow = false;
    SDL_SetRenderDrawColor(u->r, bg.r, bg.g, bg.b, 0xFF);
    SDL_RenderClear(u->r);
    ui_fill_rec rec = {{0, 0, u->w, u->h}, bg};
    u->fills[u->n_fills++] = rec;
}

static const ui_target_rec *find_target(const ui *u, int id)
{
    for (int i = 0; i < u->n_targets; i++)
        if (u->targets[i].id == id)
            return &u->targets[i];
    return NULL;
}

static void outline(ui *u, SDL_Rect r, int t, SDL_Color c);

static void draw_focus_ring(ui *u)
{
    const ui_target_rec *t = find_target(u, u->focused);
    if (!t)
        return;
    /* Two rings (dark outside, orange inside) so the focus shows on white and on dark blue. */
    int th = ui_mm(u, 0.8);
    SDL_Rect outer = {t->rect.x - 2 * th, t->rect.y - 2 * th, t->rect.w + 4 * th, t->rect.h + 4 * th};
    SDL_Rect inner = {t->rect.x - th, t->rect.y - th, t->rect.w + 2 * th, t->rect.h + 2 * th};
    outline(u, outer, th, u->theme->ink);
    outline(u, inner, th, u->theme->focus);
}

int ui_end_frame(ui *u)
{
    draw_focus_ring(u);
    ui_fonts_end_frame(u->fonts);
    if (!u->readback)
        return 0;
    if (u->pix_w != u->w || u->pix_h != u->h) {
        free(u->pixels);
        u->pixels = malloc((size_t)u->w * (size_t)u->h * 4);
        u->pix_w = u->pixels ? u->w : 0;
        u->pix_h = u->pixels ? u->h : 0;
        if (!u->pixels)
            return -1;
    }
    return SDL_RenderReadPixels(u->r, NULL, SDL_PIXELFORMAT_ARGB8888, u->pixels, u->w * 4) == 0 ? 0 : -1;
}

ui_report ui_get_report(const ui *u)
{
    ui_report rep = {u->n_fills, u->n_texts, u->n_targets, u->fills, u->texts, u->targets, u->overflow};
    return rep;
}

const uint32_t *ui_pixels(const ui *u, int *w, int *h)
{
    *w = u->pix_w;
    *h = u->pix_h;
    return u->readback ? u->pixels : NULL;
}

int ui_save_png(const ui *u, const char *path)
{
    if (!u->readback || !u->pixels) {
        SDL_SetError("no pixels read back");
        return -1;
    }
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormatFrom(u->pixels, u->pix_w, u->pix_h, 32, u->pix_w * 4,
                                                        SDL_PIXELFORMAT_ARGB8888);
    if (!s)
        return -1;
    int rc = IMG_SavePNG(s, path);
    SDL_FreeSurface(s);
    return rc == 0 ? 0 : -1;
}

/* ---- drawing ------------------------------------------------------------------------------ */

static void record_fill(ui *u, SDL_Rect r, SDL_Color c)
{
    if (u->n_fills == MAX_FILLS) {
        u->overflow = true;
        return;
    }
    ui_fill_rec rec = {r, c};
    u->fills[u->n_fills++] = rec;
}

static void set_color(ui *u, SDL_Color c)
{
    SDL_SetRenderDrawColor(u->r, c.r, c.g, c.b, c.a);
}

void ui_fill(ui *u, SDL_Rect r, SDL_Color c)
{
    r = ui_flip(u, r);
    set_color(u, c);
    SDL_RenderFillRect(u->r, &r);
    record_fill(u, r, c);
}

static void outline(ui *u, SDL_Rect r, int t, SDL_Color c)
{
    set_color(u, c);
    SDL_Rect sides[4] = {
        {r.x, r.y, r.w, t}, {r.x, r.y + r.h - t, r.w, t}, {r.x, r.y, t, r.h}, {r.x + r.w - t, r.y, t, r.h},
    };
    SDL_RenderFillRects(u->r, sides, 4);
}

void ui_outline(ui *u, SDL_Rect r, int t, SDL_Color c)
{
    outline(u, ui_flip(u, r), t, c);
}

/* Circles and polygons are triangle fans through SDL_RenderGeometry, which the software
 * renderer supports; enough segments that the edge steps stay below a pixel. */
/* A rounded rect (a circle when it is a square of twice the radius) filled by rows of pixels, each
 * as wide as the shape is at the row's centre: a fan of triangles per corner left one-pixel seams
 * in SDL's software renderer (a white line across a large-text corner or a letter's badge). */
static void fill_rows(ui *u, SDL_Rect r, int radius)
{
    enum { BATCH = 256 };
    SDL_Rect rows[BATCH];
    int n = 0;
    if (r.h > 2 * radius)
        rows[n++] = (SDL_Rect){r.x, r.y + radius, r.w, r.h - 2 * radius};
    float rad = (float)radius;
    for (int y = r.y; y < r.y + r.h; y++) {
        if (y >= r.y + radius && y < r.y + r.h - radius)
            continue;
        float centre = y < r.y + radius ? (float)(r.y + radius) : (float)(r.y + r.h - radius);
        float d = fabsf((float)y + 0.5f - centre);
        if (d >= rad)
            continue;
        float half = sqrtf(rad * rad - d * d);
        int x0 = (int)ceilf((float)r.x + rad - half - 0.5f), x1 = (int)floorf((float)(r.x + r.w) - rad + half - 0.5f);
        if (x1 >= x0)
            rows[n++] = (SDL_Rect){x0, y, x1 - x0 + 1, 1};
        if (n == BATCH) {
            SDL_RenderFillRects(u->r, rows, n);
            n = 0;
        }
    }
    if (n)
        SDL_RenderFillRects(u->r, rows, n);
}

void ui_fill_circle(ui *u, int cx, int cy, int radius, SDL_Color c)
{
    if (u->rtl)
        cx = u->w - cx;
    set_color(u, c);
    fill_rows(u, (SDL_Rect){cx - radius, cy - radius, 2 * radius, 2 * radius}, radius);
    /* Recorded as its inscribed square: text over a circle is over that colour. */
    int half = (int)(radius * 0.7);
    record_fill(u, (SDL_Rect){cx - half, cy - half, 2 * half, 2 * half}, c);
}

void ui_fill_rounded(ui *u, SDL_Rect r, int radius, SDL_Color c)
{
    r = ui_flip(u, r);
    if (radius * 2 > r.w)
        radius = r.w / 2;
    if (radius * 2 > r.h)
        radius = r.h / 2;
    set_color(u, c);
    fill_rows(u, r, radius);
    record_fill(u, r, c);
}

static void triangle(ui *u, SDL_FPoint a, SDL_FPoint b, SDL_FPoint c, SDL_Color col)
{
    SDL_Vertex v[3] = {{a, col, {0, 0}}, {b, col, {0, 0}}, {c, col, {0, 0}}};
    SDL_RenderGeometry(u->r, NULL, v, 3, NULL, 0);
}

void ui_fill_triangle(ui *u, SDL_FPoint a, SDL_FPoint b, SDL_FPoint c, SDL_Color col)
{
    triangle(u, flip_point(u, a), flip_point(u, b), flip_point(u, c), col);
}

void ui_line(ui *u, SDL_FPoint a, SDL_FPoint b, float width, SDL_Color c)
{
    a = flip_point(u, a);
    b = flip_point(u, b);
    float dx = b.x - a.x, dy = b.y - a.y;
    float len = sqrtf(dx * dx + dy * dy);
    if (len <= 0.0f)
        return;
    float nx = -dy / len * width / 2.0f, ny = dx / len * width / 2.0f;
    SDL_FPoint p0 = {a.x + nx, a.y + ny}, p1 = {b.x + nx, b.y + ny};
    SDL_FPoint p2 = {b.x - nx, b.y - ny}, p3 = {a.x - nx, a.y - ny};
    triangle(u, p0, p1, p2, c);
    triangle(u, p0, p2, p3, c);
}

void ui_record_text(ui *u, const ui_text_rec *rec)
{
    if (u->n_texts == MAX_TEXTS) {
        u->overflow = true;
        return;
    }
    u->texts[u->n_texts++] = *rec;
}

SDL_Color ui_background_at(const ui *u, int x, int y)
{
    for (int i = u->n_fills - 1; i >= 0; i--) {
        SDL_Point p = {x, y};
        if (SDL_PointInRect(&p, &u->fills[i].rect))
            return u->fills[i].color;
    }
    return u->theme->page;
}

/* ---- targets, input, focus ---------------------------------------------------------------- */

void ui_target(ui *u, int id, SDL_Rect r, const char *label)
{
    if (u->n_targets == MAX_TARGETS) {
        u->overflow = true;
        return;
    }
    ui_target_rec *t = &u->targets[u->n_targets++];
    t->id = id;
    t->rect = ui_flip(u, r);
    snprintf(t->label, sizeof t->label, "%s", label ? label : "");
}

bool ui_is_pressed(const ui *u, int id) { return u->pressed == id && id != UI_NO_TARGET; }
bool ui_is_focused(const ui *u, int id) { return u->focused == id && id != UI_NO_TARGET; }
int ui_focused(const ui *u) { return u->focused; }
void ui_input_reset(ui *u)
{
    u->focused = UI_NO_TARGET;
    u->pressed = UI_NO_TARGET;
}

int ui_hit(const ui *u, int x, int y)
{
    SDL_Point p = {x, y};
    /* Last registered wins: overlays (the idle warning) are drawn after the screen below. */
    for (int i = u->n_targets - 1; i >= 0; i--)
        if (SDL_PointInRect(&p, &u->targets[i].rect))
            return u->targets[i].id;
    return UI_NO_TARGET;
}

static int target_index(const ui *u, int id)
{
    for (int i = 0; i < u->n_targets; i++)
        if (u->targets[i].id == id)
            return i;
    return -1;
}

void ui_focus_next(ui *u)
{
    if (u->n_targets == 0)
        return;
    int i = target_index(u, u->focused);
    u->focused = u->targets[(i + 1) % u->n_targets].id;
}

void ui_focus_prev(ui *u)
{
    if (u->n_targets == 0)
        return;
    int i = target_index(u, u->focused);
    u->focused = u->targets[i <= 0 ? u->n_targets - 1 : i - 1].id;
}

static int pointer_down(ui *u, int x, int y, bool *redraw)
{
    u->pressed = ui_hit(u, x, y);
    if (u->pressed != UI_NO_TARGET && redraw)
        *redraw = true;
    return UI_NO_TARGET;
}

static int pointer_up(ui *u, int x, int y, bool *redraw)
{
    int was = u->pressed;
    u->pressed = UI_NO_TARGET;
    if (was == UI_NO_TARGET)
        return UI_NO_TARGET;
    if (redraw)
        *redraw = true;
    return ui_hit(u, x, y) == was ? was : UI_NO_TARGET;
}

static int key_down(ui *u, const SDL_KeyboardEvent *k, bool *redraw)
{
    switch (k->keysym.sym) {
    case SDLK_TAB:
        if (k->keysym.mod & KMOD_SHIFT)
            ui_focus_prev(u);
        else
            ui_focus_next(u);
        break;
    case SDLK_DOWN: case SDLK_RIGHT: case SDLK_KP_2: case SDLK_KP_6:
        ui_focus_next(u);
        break;
    case SDLK_UP: case SDLK_LEFT: case SDLK_KP_8: case SDLK_KP_4:
        ui_focus_prev(u);
        break;
    case SDLK_RETURN: case SDLK_KP_ENTER: case SDLK_SPACE: case SDLK_KP_5:
        return find_target(u, u->focused) ? u->focused : UI_NO_TARGET;
    default:
        return UI_NO_TARGET;
    }
    if (redraw)
        *redraw = true;
    return UI_NO_TARGET;
}

int ui_input(ui *u, const SDL_Event *e, bool *redraw)
{
    switch (e->type) {
    case SDL_FINGERDOWN:
        return pointer_down(u, (int)(e->tfinger.x * (float)u->w), (int)(e->tfinger.y * (float)u->h), redraw);
    case SDL_FINGERUP:
        return pointer_up(u, (int)(e->tfinger.x * (float)u->w), (int)(e->tfinger.y * (float)u->h), redraw);
    case SDL_MOUSEBUTTONDOWN:
        if (e->button.which == SDL_TOUCH_MOUSEID || e->button.button != SDL_BUTTON_LEFT)
            return UI_NO_TARGET;
        return pointer_down(u, e->button.x, e->button.y, redraw);
    case SDL_MOUSEBUTTONUP:
        if (e->button.which == SDL_TOUCH_MOUSEID || e->button.button != SDL_BUTTON_LEFT)
            return UI_NO_TARGET;
        return pointer_up(u, e->button.x, e->button.y, redraw);
    case SDL_KEYDOWN:
        return key_down(u, &e->key, redraw);
    default:
        return UI_NO_TARGET;
    }
}

