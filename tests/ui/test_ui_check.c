/* The widget layer's measuring checks catch what they must: clipped text, small targets, low
 * contrast (declared and measured from pixels); text shrinks and wraps before it clips;
 * physical units; taps, keys and the focus order; PNG capture. Drawn on a software renderer
 * over a plain surface: no window needed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "borne/ui.h"
#include "borne/ui_check.h"
#include "borne/ui_text.h"
#include "borne/ui_theme.h"
#include "borne/ui_widget.h"
#include "testlib.h"

typedef struct canvas {
    SDL_Surface *s;
    SDL_Renderer *r;
    ui *u;
} canvas;

/* 800x480 over 155x86 mm: the 7-inch board. */
static bool open_canvas(canvas *c, int w, int h, double w_mm, double h_mm)
{
    memset(c, 0, sizeof *c);
    c->s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    c->r = c->s ? SDL_CreateSoftwareRenderer(c->s) : NULL;
    const char *assets = getenv("BORNE_ASSETS");
    ui_options o = {.assets_dir = assets ? assets : "assets", .width_mm = w_mm, .height_mm = h_mm, .readback = true};
    char err[256];
    if (!c->r || ui_create(&c->u, c->r, &o, err, sizeof err) != 0) {
        fprintf(stderr, "canvas: %s\n", c->r ? err : SDL_GetError());
        return false;
    }
    return true;
}

static void close_canvas(canvas *c)
{
    ui_destroy(c->u);
    if (c->r)
        SDL_DestroyRenderer(c->r);
    if (c->s)
        SDL_FreeSurface(c->s);
}

static const SDL_Color white = {255, 255, 255, 255}, navy = {0, 0, 0x91, 255}, grey = {0x99, 0x99, 0x99, 255};

/* Whether pixel (x, y), by its centre, lies more than a pixel inside the rounded rect r: a seam
 * of the background there is a hole in the shape, not its edge. */
static bool deep_inside(SDL_Rect r, int radius, int x, int y)
{
    float px = (float)x + 0.5f, py = (float)y + 0.5f;
    if (px < r.x + 1.5f || py < r.y + 1.5f || px > r.x + r.w - 1.5f || py > r.y + r.h - 1.5f)
        return false;
    float cx = px < r.x + radius ? r.x + radius : px > r.x + r.w - radius ? r.x + r.w - radius : px;
    float cy = py < r.y + radius ? r.y + radius : py > r.y + r.h - radius ? r.y + r.h - radius : py;
    return (px - cx) * (px - cx) + (py - cy) * (py - cy) < (radius - 1.5f) * (radius - 1.5f);
}

/* Rounded rects and circles are filled whole at every size and place a layout gives them (large
 * text drew a white line of one pixel across a corner and across a letter's badge). */
static void rounded_shapes_have_no_seams(void)
{
    canvas c;
    if (!CHECK(open_canvas(&c, 1024, 600, 154, 86)))
        return;
    int holes = 0;
    for (int radius = 3; radius <= 40 && holes == 0; radius++) {
        for (int shift = 0; shift < 4 && holes == 0; shift++) {
            ui_begin_frame(c.u, white);
            SDL_Rect r = {13 + shift, 17 + 2 * shift, 300 + radius, 100 + shift};
            int cx = r.x + r.w + radius + 20, cy = r.y + radius;
            ui_fill_rounded(c.u, r, radius, navy);
            ui_fill_circle(c.u, cx, cy, radius, navy);
            ui_end_frame(c.u);
            int w, h;
            const uint32_t *px = ui_pixels(c.u, &w, &h);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    float dx = (float)x + 0.5f - (float)cx, dy = (float)y + 0.5f - (float)cy;
                    bool in = deep_inside(r, radius, x, y) || dx * dx + dy * dy < (radius - 1.5f) * (radius - 1.5f);
                    if (in && (px[y * w + x] & 0xFFFFFF) != 0x000091) {
                        if (holes++ == 0)
                            fprintf(stderr, "radius %d shift %d: pixel %d,%d not filled\n", radius, shift, x, y);
                    }
                }
        }
    }
    CHECK_INT(holes, 0);
    close_canvas(&c);
}

static void physical_units(void)
{
    canvas c;
    if (!CHECK(open_canvas(&c, 800, 480, 155, 86)))
        return;
    /* min(800/155, 480/86) = 5.16 px/mm: 15 mm is 78 px, rounded up. */
    CHECK(ui_px_per_mm(c.u) > 5.16 && ui_px_per_mm(c.u) < 5.17);
    CHECK_INT(ui_mm(c.u, 15), 78);
    CHECK(ui_to_mm(c.u, 78) >= 15.0);
    ui_set_physical_size(c.u, 0, 0);   /* unknown size: 96 dpi */
    CHECK_INT(ui_mm(c.u, 25.4), 96);
    close_canvas(&c);
}

static void contrast_arithmetic(void)
{
    CHECK(ui_contrast(white, (SDL_Color){0, 0, 0, 255}) > 20.99);
    CHECK(ui_contrast(white, navy) > 14.5);
    CHECK(ui_contrast(white, grey) < 3.0);
    const ui_theme *t = ui_theme_default();
    CHECK(ui_contrast(t->ink, t->page) >= 7.0);
    CHECK(ui_contrast(t->muted, t->page) >= 7.0);
    CHECK(ui_contrast(t->muted, t->panel) >= 7.0);
    CHECK(ui_contrast(t->alert, t->page) >= 7.0);
    CHECK(ui_contrast(t->band_ink, t->band) >= 7.0);
    CHECK(ui_contrast(t->primary_ink, t->primary) >= 7.0);
    CHECK(ui_contrast(t->primary_ink, t->primary_down) >= 7.0);
    CHECK(ui_contrast(t->secondary_ink, t->secondary) >= 7.0);
    CHECK(ui_contrast(t->secondary_ink, t->secondary_down) >= 7.0);
}

static void a_good_frame_passes(void)
{
    canvas c;
    if (!CHECK(open_canvas(&c, 800, 480, 155, 86)))
        return;
    ui_begin_frame(c.u, white);
    ui_text_style st = {.cap_mm = 6, .min_cap_mm = 5, .bold = true, .fg = navy};
    CHECK(ui_text(c.u, (SDL_Rect){10, 10, 700, 80}, "Prendre un ticket", &st));
    ui_button_spec b = {.id = 1, .rect = {10, 200, 400, ui_mm(c.u, 20)}, .label = "Valider", .icon = UI_ICON_CHECK};
    CHECK(ui_button(c.u, &b));
    CHECK_INT(ui_end_frame(c.u), 0);
    ui_rules rules = ui_rules_kiosk();
    ui_check_result res;
    int problems = ui_check_frame(c.u, &rules, &res);
    if (problems)
        fprintf(stderr, "%s", res.problems);
    CHECK_INT(problems, 0);
    CHECK_INT(res.targets, 1);
    CHECK_INT(res.texts, 2);
    CHECK_INT(res.pixel_checked, 2);
    CHECK(res.min_pixel_contrast > 14.5);
    CHECK(res.min_cap_mm >= 5.0);
    const char *png = testlib_path(testlib_tmpdir("ui-check"), "frame.png");
    CHECK_INT(ui_save_png(c.u, png), 0);
    FILE *fp = fopen(png, "rb");
    unsigned char sig[8] = {0};
    CHECK(fp && fread(sig, 1, 8, fp) == 8 && memcmp(sig, "\x89PNG\r\n\x1a\n", 8) == 0);
    if (fp)
        fclose(fp);
    close_canvas(&c);
}

static void long_text_wraps_then_shrinks_then_is_reported(void)
{
    canvas c;
    if (!CHECK(open_canvas(&c, 800, 480, 155, 86)))
        return;
    ui_begin_frame(c.u, white);
    ui_text_style st = {.cap_mm = 8, .min_cap_mm = 5, .fg = navy};
    /* Wraps onto two lines at full size. */
    CHECK(ui_text(c.u, (SDL_Rect){0, 0, 560, 200}, "Orientation et apprentissage", &st));
    /* Shrinks (one line only allowed) but stays at or above 5 mm. */
    st.max_lines = 1;
    CHECK(ui_text(c.u, (SDL_Rect){0, 220, 560, 80}, "Orientation et apprentissage", &st));
    /* Cannot fit at 5 mm: drawn with an ellipsis and reported. */
    CHECK(!ui_text(c.u, (SDL_Rect){0, 320, 200, 60}, "Information et autre demande", &st));
    ui_end_frame(c.u);
    ui_report rep = ui_get_report(c.u);
    CHECK_INT(rep.n_texts, 3);
    CHECK_INT(rep.texts[0].lines, 2);
    CHECK(ui_to_mm(c.u, rep.texts[0].cap_px) >= 8.0);
    CHECK_INT(rep.texts[1].lines, 1);
    CHECK(ui_to_mm(c.u, rep.texts[1].cap_px) < 8.0 && ui_to_mm(c.u, rep.texts[1].cap_px) >= 5.0);
    CHECK(!rep.texts[2].fit);
    CHECK(rep.texts[2].ink.w <= 200);
    ui_rules rules = ui_rules_kiosk();
    ui_check_result res;
    CHECK_INT(ui_check_frame(c.u, &rules, &res), 1);
    CHECK_INT(res.clipped, 1);
    CHECK(strstr(res.problems, "clipped: \"Information") != NULL);
    CHECK_INT(ui_text_lines(c.u, "Orientation et apprentissage", 560, 8, false), 2);
    CHECK_INT(ui_text_lines(c.u, "apprentissage", 20, 8, false), -1);
    close_canvas(&c);
}

static void small_targets_small_text_and_low_contrast_are_caught(void)
{
    canvas c;
    if (!CHECK(open_canvas(&c, 800, 480, 155, 86)))
        return;
    ui_begin_frame(c.u, white);
    ui_target(c.u, 7, (SDL_Rect){10, 10, ui_mm(c.u, 20), ui_mm(c.u, 10)}, "trop petit");
    ui_target(c.u, 8, (SDL_Rect){780, 10, ui_mm(c.u, 20), ui_mm(c.u, 20)}, "hors écran");
    ui_text_style grey_text = {.cap_mm = 6, .fg = grey};
    ui_text(c.u, (SDL_Rect){10, 200, 500, 60}, "Gris sur blanc", &grey_text);
    ui_text_style tiny = {.cap_mm = 3, .fg = navy};
    ui_text(c.u, (SDL_Rect){10, 300, 500, 60}, "Petit texte", &tiny);
    ui_target(c.u, 9, (SDL_Rect){400, 380, ui_mm(c.u, 16), ui_mm(c.u, 16)}, "dessous");
    ui_target(c.u, 10, (SDL_Rect){420, 390, ui_mm(c.u, 16), ui_mm(c.u, 16)}, "dessus");
    ui_end_frame(c.u);
    ui_rules rules = ui_rules_kiosk();
    ui_check_result res;
    CHECK_INT(ui_check_frame(c.u, &rules, &res), 6);
    CHECK_INT(res.overlaps, 1);
    CHECK(strstr(res.problems, "overlapping targets: \"dessous\" and \"dessus\"") != NULL);
    CHECK_INT(res.small_targets, 2);
    CHECK_INT(res.small_text, 1);
    CHECK_INT(res.low_contrast, 1);
    CHECK_INT(res.pixel_low_contrast, 1);
    CHECK(res.min_pixel_contrast > 2.0 && res.min_pixel_contrast < 3.0);
    CHECK(res.min_target_mm < 5.0);
    close_canvas(&c);
}

static void pixel_contrast_on_a_known_image(void)
{
    uint32_t px[4 * 4];
    for (int i = 0; i < 16; i++)
        px[i] = 0xFFFFFFFFu;
    px[5] = 0xFF000091u;
    px[6] = 0xFF6060C0u;   /* anti-aliasing: not the extreme */
    CHECK(ui_pixel_contrast(px, 4, 4, (SDL_Rect){0, 0, 4, 4}) > 14.5);
    CHECK(ui_pixel_contrast(px, 4, 4, (SDL_Rect){2, 2, 2, 2}) < 1.01);
    CHECK(ui_pixel_contrast(px, 4, 4, (SDL_Rect){10, 10, 2, 2}) == 0.0);
}

static void taps_keys_and_focus_order(void)
{
    canvas c;
    if (!CHECK(open_canvas(&c, 800, 480, 155, 86)))
        return;
    ui_begin_frame(c.u, white);
    ui_target(c.u, 10, (SDL_Rect){0, 0, 100, 100}, "a");
    ui_target(c.u, 20, (SDL_Rect){200, 0, 100, 100}, "b");
    ui_target(c.u, 30, (SDL_Rect){400, 0, 100, 100}, "c");
    ui_end_frame(c.u);
    SDL_Event e;
    memset(&e, 0, sizeof e);
    bool redraw = false;
    /* Down and up on the same target activates it; sliding off cancels. */
    e.type = SDL_FINGERDOWN;
    e.tfinger.x = 250.0f / 800.0f;
    e.tfinger.y = 50.0f / 480.0f;
    CHECK_INT(ui_input(c.u, &e, &redraw), UI_NO_TARGET);
    CHECK(redraw && ui_is_pressed(c.u, 20));
    e.type = SDL_FINGERUP;
    CHECK_INT(ui_input(c.u, &e, NULL), 20);
    e.type = SDL_FINGERDOWN;
    ui_input(c.u, &e, NULL);
    e.type = SDL_FINGERUP;
    e.tfinger.x = 450.0f / 800.0f;
    CHECK_INT(ui_input(c.u, &e, NULL), UI_NO_TARGET);
    /* The mouse works as touch, but mouse events made from touch are not counted twice. */
    memset(&e, 0, sizeof e);
    e.type = SDL_MOUSEBUTTONDOWN;
    e.button.button = SDL_BUTTON_LEFT;
    e.button.x = 450;
    e.button.y = 50;
    ui_input(c.u, &e, NULL);
    e.type = SDL_MOUSEBUTTONUP;
    CHECK_INT(ui_input(c.u, &e, NULL), 30);
    e.button.which = SDL_TOUCH_MOUSEID;
    e.type = SDL_MOUSEBUTTONDOWN;
    ui_input(c.u, &e, NULL);
    e.type = SDL_MOUSEBUTTONUP;
    CHECK_INT(ui_input(c.u, &e, NULL), UI_NO_TARGET);
    /* Keys: next wraps around, previous goes back, Enter activates the focused target. */
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = SDLK_RETURN;
    CHECK_INT(ui_input(c.u, &e, NULL), UI_NO_TARGET);   /* nothing focused yet */
    e.key.keysym.sym = SDLK_TAB;
    ui_input(c.u, &e, NULL);
    CHECK_INT(ui_focused(c.u), 10);
    e.key.keysym.sym = SDLK_DOWN;
    ui_input(c.u, &e, NULL);
    ui_input(c.u, &e, NULL);
    ui_input(c.u, &e, NULL);
    CHECK_INT(ui_focused(c.u), 10);
    e.key.keysym.sym = SDLK_UP;
    ui_input(c.u, &e, NULL);
    CHECK_INT(ui_focused(c.u), 30);
    e.key.keysym.sym = SDLK_KP_ENTER;
    CHECK_INT(ui_input(c.u, &e, NULL), 30);
    /* The focus ring is drawn over the focused target in the next frame. */
    ui_begin_frame(c.u, white);
    ui_target(c.u, 30, (SDL_Rect){400, 100, 100, 100}, "c");
    ui_end_frame(c.u);
    int w, h;
    const uint32_t *px = ui_pixels(c.u, &w, &h);
    CHECK(px && (px[(size_t)(100 - 2) * 800 + 450] & 0xFFFFFF) != 0xFFFFFF);
    close_canvas(&c);
}

int main(void)
{
    if (SDL_Init(0) != 0)
        return 1;
    RUN(physical_units);
    RUN(rounded_shapes_have_no_seams);
    RUN(contrast_arithmetic);
    RUN(a_good_frame_passes);
    RUN(long_text_wraps_then_shrinks_then_is_reported);
    RUN(small_targets_small_text_and_low_contrast_are_caught);
    RUN(pixel_contrast_on_a_known_image);
    RUN(taps_keys_and_focus_order);
    SDL_Quit();
    return testlib_finish();
}
