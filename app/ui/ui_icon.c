#include "borne/ui_icon.h"

#include <math.h>

/* Icons are designed on a unit square: P(x, y) maps 0..1 to the drawing square. */
typedef struct canvas {
    ui *u;
    float x, y, s;
} canvas;

static SDL_FPoint P(const canvas *c, float x, float y)
{
    return (SDL_FPoint){c->x + x * c->s, c->y + y * c->s};
}

static void circle(const canvas *c, float x, float y, float r, SDL_Color col)
{
    ui_fill_circle(c->u, (int)(c->x + x * c->s), (int)(c->y + y * c->s), (int)(r * c->s), col);
}

static void rect(const canvas *c, float x, float y, float w, float h, SDL_Color col)
{
    ui_fill(c->u, (SDL_Rect){(int)(c->x + x * c->s), (int)(c->y + y * c->s), (int)(w * c->s), (int)(h * c->s)}, col);
}

static void rrect(const canvas *c, float x, float y, float w, float h, float r, SDL_Color col)
{
    ui_fill_rounded(c->u, (SDL_Rect){(int)(c->x + x * c->s), (int)(c->y + y * c->s), (int)(w * c->s), (int)(h * c->s)},
                    (int)(r * c->s), col);
}

static void line(const canvas *c, float x0, float y0, float x1, float y1, float w, SDL_Color col)
{
    ui_line(c->u, P(c, x0, y0), P(c, x1, y1), w * c->s, col);
}

static void tri(const canvas *c, float x0, float y0, float x1, float y1, float x2, float y2, SDL_Color col)
{
    ui_fill_triangle(c->u, P(c, x0, y0), P(c, x1, y1), P(c, x2, y2), col);
}

static const SDL_Color sun_yellow = {0xF2, 0xB1, 0x00, 0xFF};
static const SDL_Color sun_core = {0xFF, 0xC8, 0x1E, 0xFF};
static const SDL_Color cloud_light = {0xC9, 0xCF, 0xD8, 0xFF};
static const SDL_Color cloud_dark = {0x6E, 0x76, 0x84, 0xFF};
static const SDL_Color cloud_edge = {0x3A, 0x40, 0x4C, 0xFF};
static const SDL_Color rain_blue = {0x1F, 0x5F, 0xD1, 0xFF};
static const SDL_Color bolt = {0xF5, 0xC4, 0x00, 0xFF};

static void sun(const canvas *c, float cx, float cy, float r)
{
    for (int i = 0; i < 8; i++) {
        float a = (float)i * (float)M_PI / 4.0f;
        line(c, cx + cosf(a) * r * 1.3f, cy + sinf(a) * r * 1.3f, cx + cosf(a) * r * 1.75f,
             cy + sinf(a) * r * 1.75f, r * 0.22f, sun_yellow);
    }
    circle(c, cx, cy, r, sun_yellow);
    circle(c, cx, cy, r * 0.8f, sun_core);
}

static void cloud(const canvas *c, float dx, float dy, float k, SDL_Color fill)
{
    /* An outline first (slightly bigger, dark) keeps the cloud visible on white. */
    float e = 0.025f;
    circle(c, dx + 0.32f * k, dy + 0.55f * k, 0.17f * k + e, cloud_edge);
    circle(c, dx + 0.52f * k, dy + 0.42f * k, 0.22f * k + e, cloud_edge);
    circle(c, dx + 0.72f * k, dy + 0.56f * k, 0.16f * k + e, cloud_edge);
    rrect(c, dx + 0.18f * k - e, dy + 0.52f * k, 0.70f * k + 2 * e, 0.22f * k + e, 0.11f * k, cloud_edge);
    circle(c, dx + 0.32f * k, dy + 0.55f * k, 0.17f * k, fill);
    circle(c, dx + 0.52f * k, dy + 0.42f * k, 0.22f * k, fill);
    circle(c, dx + 0.72f * k, dy + 0.56f * k, 0.16f * k, fill);
    rrect(c, dx + 0.18f * k, dy + 0.52f * k, 0.70f * k, 0.22f * k, 0.11f * k, fill);
}

static void draw(const canvas *c, ui_icon_kind kind, SDL_Color fg, SDL_Color bg)
{
    switch (kind) {
    case UI_ICON_NONE:
        break;
    case UI_ICON_TICKET:
        rrect(c, 0.12f, 0.22f, 0.76f, 0.56f, 0.06f, fg);
        circle(c, 0.12f, 0.50f, 0.09f, bg);
        circle(c, 0.88f, 0.50f, 0.09f, bg);
        for (int i = 0; i < 4; i++)
            rect(c, 0.64f, 0.28f + 0.12f * (float)i, 0.03f, 0.06f, bg);
        rect(c, 0.26f, 0.36f, 0.28f, 0.08f, bg);
        rect(c, 0.26f, 0.54f, 0.20f, 0.08f, bg);
        break;
    case UI_ICON_CALENDAR:
        rrect(c, 0.14f, 0.20f, 0.72f, 0.66f, 0.06f, fg);
        rect(c, 0.20f, 0.38f, 0.60f, 0.42f, bg);
        rect(c, 0.28f, 0.10f, 0.08f, 0.18f, fg);
        rect(c, 0.64f, 0.10f, 0.08f, 0.18f, fg);
        for (int r = 0; r < 2; r++)
            for (int k = 0; k < 3; k++)
                rect(c, 0.26f + 0.18f * (float)k, 0.46f + 0.17f * (float)r, 0.11f, 0.10f, fg);
        break;
    case UI_ICON_SPEECH:
        rrect(c, 0.10f, 0.16f, 0.80f, 0.52f, 0.14f, fg);
        tri(c, 0.26f, 0.62f, 0.46f, 0.62f, 0.22f, 0.86f, fg);
        circle(c, 0.32f, 0.42f, 0.055f, bg);
        circle(c, 0.50f, 0.42f, 0.055f, bg);
        circle(c, 0.68f, 0.42f, 0.055f, bg);
        break;
    case UI_ICON_GLOBE:
        circle(c, 0.5f, 0.5f, 0.38f, fg);
        circle(c, 0.5f, 0.5f, 0.31f, bg);
        rect(c, 0.47f, 0.14f, 0.06f, 0.72f, fg);
        rect(c, 0.14f, 0.47f, 0.72f, 0.06f, fg);
        rect(c, 0.22f, 0.30f, 0.56f, 0.05f, fg);
        rect(c, 0.22f, 0.65f, 0.56f, 0.05f, fg);
        break;
    case UI_ICON_BACK:
        tri(c, 0.12f, 0.5f, 0.45f, 0.2f, 0.45f, 0.8f, fg);
        rect(c, 0.40f, 0.42f, 0.46f, 0.16f, fg);
        break;
    case UI_ICON_CLOCK:
        circle(c, 0.5f, 0.5f, 0.40f, fg);
        circle(c, 0.5f, 0.5f, 0.32f, bg);
        line(c, 0.5f, 0.5f, 0.5f, 0.27f, 0.07f, fg);
        line(c, 0.5f, 0.5f, 0.68f, 0.58f, 0.07f, fg);
        break;
    case UI_ICON_WARNING:
        tri(c, 0.5f, 0.08f, 0.94f, 0.88f, 0.06f, 0.88f, fg);
        rect(c, 0.455f, 0.34f, 0.09f, 0.30f, bg);
        rect(c, 0.455f, 0.70f, 0.09f, 0.09f, bg);
        break;
    case UI_ICON_CHECK:
        circle(c, 0.5f, 0.5f, 0.42f, fg);
        line(c, 0.28f, 0.52f, 0.44f, 0.68f, 0.10f, bg);
        line(c, 0.41f, 0.68f, 0.74f, 0.34f, 0.10f, bg);
        break;
    case UI_ICON_PRINTER:
        rect(c, 0.28f, 0.12f, 0.44f, 0.24f, fg);
        rrect(c, 0.10f, 0.34f, 0.80f, 0.36f, 0.06f, fg);
        rect(c, 0.28f, 0.58f, 0.44f, 0.30f, fg);
        rect(c, 0.33f, 0.63f, 0.34f, 0.20f, bg);
        break;
    case UI_ICON_PERSON:
        circle(c, 0.5f, 0.27f, 0.15f, fg);
        rrect(c, 0.26f, 0.46f, 0.48f, 0.44f, 0.16f, fg);
        break;
    case UI_ICON_PRIORITY:
        /* The wheelchair-free "priority" sign: a person and a plus. */
        circle(c, 0.38f, 0.25f, 0.13f, fg);
        rrect(c, 0.18f, 0.42f, 0.40f, 0.46f, 0.14f, fg);
        rect(c, 0.66f, 0.36f, 0.08f, 0.32f, fg);
        rect(c, 0.54f, 0.48f, 0.32f, 0.08f, fg);
        break;
    case UI_ICON_ERASE:
        tri(c, 0.08f, 0.5f, 0.32f, 0.2f, 0.32f, 0.8f, fg);
        rect(c, 0.31f, 0.2f, 0.60f, 0.6f, fg);
        line(c, 0.45f, 0.35f, 0.73f, 0.65f, 0.07f, bg);
        line(c, 0.73f, 0.35f, 0.45f, 0.65f, 0.07f, bg);
        break;
    case UI_ICON_LOCK:
        circle(c, 0.5f, 0.38f, 0.22f, fg);
        circle(c, 0.5f, 0.38f, 0.14f, bg);
        rect(c, 0.28f, 0.40f, 0.44f, 0.16f, bg);
        rrect(c, 0.22f, 0.42f, 0.56f, 0.44f, 0.06f, fg);
        rect(c, 0.46f, 0.56f, 0.08f, 0.16f, bg);
        break;
    case UI_ICON_SUN:
        sun(c, 0.5f, 0.5f, 0.24f);
        break;
    case UI_ICON_SUN_VEILED:
        sun(c, 0.36f, 0.36f, 0.19f);
        cloud(c, 0.18f, 0.22f, 0.82f, cloud_light);
        break;
    case UI_ICON_CLOUD:
        cloud(c, 0.02f, 0.0f, 0.96f, cloud_light);
        break;
    case UI_ICON_RAIN:
        cloud(c, 0.02f, -0.12f, 0.96f, cloud_dark);
        for (int i = 0; i < 4; i++) {
            float x = 0.28f + 0.15f * (float)i;
            line(c, x, 0.68f, x - 0.06f, 0.90f, 0.05f, rain_blue);
        }
        break;
    case UI_ICON_STORM:
        cloud(c, 0.02f, -0.14f, 0.96f, cloud_dark);
        tri(c, 0.52f, 0.56f, 0.36f, 0.78f, 0.50f, 0.78f, bolt);
        tri(c, 0.50f, 0.74f, 0.58f, 0.74f, 0.40f, 0.98f, bolt);
        break;
    }
}

/* Icons that point somewhere (back, erase, the speech bubble's tail) are mirrored right to left
 * with the layout; the others (a clock, a tick, a printer, the weather) keep their look. */
static bool has_direction(ui_icon_kind kind)
{
    return kind == UI_ICON_BACK || kind == UI_ICON_ERASE || kind == UI_ICON_SPEECH;
}

void ui_icon(ui *u, ui_icon_kind kind, SDL_Rect box, SDL_Color fg, SDL_Color bg)
{
    bool rtl = ui_rtl(u);
    if (rtl && !has_direction(kind)) {
        box = ui_flip(u, box);
        ui_set_rtl(u, false);
    }
    int s = box.w < box.h ? box.w : box.h;
    canvas c = {u, (float)(box.x + (box.w - s) / 2), (float)(box.y + (box.h - s) / 2), (float)s};
    draw(&c, kind, fg, bg);
    ui_set_rtl(u, rtl);
}
