#include "borne/ui_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "borne/ui_theme.h"

ui_rules ui_rules_kiosk(void)
{
    return (ui_rules){.min_target_mm = 15.0, .min_cap_mm = 5.0, .min_contrast = 7.0};
}

static SDL_Color argb(uint32_t p)
{
    return (SDL_Color){(Uint8)(p >> 16), (Uint8)(p >> 8), (Uint8)p, 0xFF};
}

double ui_pixel_contrast(const uint32_t *pixels, int w, int h, SDL_Rect r)
{
    SDL_Rect screen = {0, 0, w, h}, area;
    if (!SDL_IntersectRect(&r, &screen, &area))
        return 0.0;
    /* Count colours in a small open-addressing table; the mode is the background. */
    enum { SLOTS = 4096 };
    uint32_t keys[SLOTS];
    int counts[SLOTS] = {0};
    for (int y = area.y; y < area.y + area.h; y++)
        for (int x = area.x; x < area.x + area.w; x++) {
            uint32_t p = pixels[(size_t)y * (size_t)w + (size_t)x] | 0xFF000000u;
            uint32_t i = (p * 2654435761u) >> 20;
            for (int probe = 0; probe < SLOTS; probe++, i = (i + 1) % SLOTS) {
                if (counts[i] == 0) {
                    keys[i] = p;
                    counts[i] = 1;
                    break;
                }
                if (keys[i] == p) {
                    counts[i]++;
                    break;
                }
            }
        }
    int best = -1;
    for (int i = 0; i < SLOTS; i++)
        if (counts[i] && (best < 0 || counts[i] > counts[best]))
            best = i;
    if (best < 0)
        return 0.0;
    SDL_Color bg = argb(keys[best]);
    double most = 1.0;
    for (int i = 0; i < SLOTS; i++)
        if (counts[i]) {
            double c = ui_contrast(bg, argb(keys[i]));
            if (c > most)
                most = c;
        }
    return most;
}

__attribute__((format(printf, 2, 3))) static void note(ui_check_result *res, const char *fmt, ...)
{
    size_t used = strlen(res->problems);
    if (used + 1 >= sizeof res->problems)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->problems + used, sizeof res->problems - used, fmt, ap);
    va_end(ap);
}

int ui_check_frame(const ui *u, const ui_rules *rules, ui_check_result *res)
{
    memset(res, 0, sizeof *res);
    ui_report rep = ui_get_report(u);
    int w = ui_width(u), h = ui_height(u);
    SDL_Rect screen = {0, 0, w, h};
    int pw, ph;
    const uint32_t *pix = ui_pixels(u, &pw, &ph);
    int problems = 0;

    res->texts = rep.n_texts;
    res->targets = rep.n_targets;
    res->min_contrast = 21.0;
    res->min_cap_mm = 1e9;
    res->min_target_mm = 1e9;
    if (rep.overflow) {
        problems++;
        note(res, "frame report overflowed\n");
    }
    for (int i = 0; i < rep.n_texts; i++) {
        const ui_text_rec *t = &rep.texts[i];
        SDL_Rect inter;
        bool on_screen = SDL_IntersectRect(&t->box, &screen, &inter) && inter.w == t->box.w && inter.h == t->box.h;
        if (!t->fit || !on_screen) {
            res->clipped++;
            problems++;
            note(res, "clipped: \"%s\" box %dx%d+%d+%d\n", t->text, t->box.w, t->box.h, t->box.x, t->box.y);
        }
        double cap_mm = ui_physical_mm(u, t->cap_px);
        if (cap_mm < res->min_cap_mm)
            res->min_cap_mm = cap_mm;
        /* 0.05 mm of slack: the rule is in mm, fonts come in whole pixels. */
        if (cap_mm + 0.05 < rules->min_cap_mm) {
            res->small_text++;
            problems++;
            note(res, "small text: \"%s\" cap %.2f mm\n", t->text, cap_mm);
        }
        double c = ui_contrast(t->fg, t->bg);
        if (c < res->min_contrast)
            res->min_contrast = c;
        if (c < rules->min_contrast) {
            res->low_contrast++;
            problems++;
            note(res, "low contrast: \"%s\" %.2f:1\n", t->text, c);
        }
        if (pix && t->ink.w > 0 && t->ink.h > 0) {
            double pc = ui_pixel_contrast(pix, pw, ph, t->ink);
            res->pixel_checked++;
            if (res->min_pixel_contrast == 0.0 || pc < res->min_pixel_contrast)
                res->min_pixel_contrast = pc;
            if (pc < rules->min_contrast) {
                res->pixel_low_contrast++;
                problems++;
                note(res, "low pixel contrast: \"%s\" %.2f:1\n", t->text, pc);
            }
        }
    }
    for (int i = 0; i < rep.n_targets; i++) {
        const ui_target_rec *t = &rep.targets[i];
        SDL_Rect vis;
        if (!SDL_IntersectRect(&t->rect, &screen, &vis))
            vis = (SDL_Rect){0, 0, 0, 0};
        double side = ui_physical_mm(u, vis.w < vis.h ? vis.w : vis.h);
        if (side < res->min_target_mm)
            res->min_target_mm = side;
        if (side + 0.05 < rules->min_target_mm) {
            res->small_targets++;
            problems++;
            note(res, "small target: \"%s\" %.1fx%.1f mm\n", t->label, ui_physical_mm(u, vis.w), ui_physical_mm(u, vis.h));
        }
    }
    /* Two targets on the same spot make a tap ambiguous; two texts on each other are unreadable. */
    for (int i = 0; i < rep.n_targets; i++)
        for (int j = i + 1; j < rep.n_targets; j++)
            if (SDL_HasIntersection(&rep.targets[i].rect, &rep.targets[j].rect)) {
                res->overlaps++;
                problems++;
                note(res, "overlapping targets: \"%s\" and \"%s\"\n", rep.targets[i].label, rep.targets[j].label);
            }
    for (int i = 0; i < rep.n_texts; i++)
        for (int j = i + 1; j < rep.n_texts; j++)
            if (SDL_HasIntersection(&rep.texts[i].ink, &rep.texts[j].ink)) {
                res->overlaps++;
                problems++;
                note(res, "overlapping texts: \"%s\" and \"%s\"\n", rep.texts[i].text, rep.texts[j].text);
            }
    if (rep.n_texts == 0)
        res->min_cap_mm = 0;
    if (rep.n_targets == 0)
        res->min_target_mm = 0;
    return problems;
}
