/* See test_appliance_support.h. */
#include "test_appliance_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

bool ta_open(ta_desk *d, th_fixture *f, int counter, const char *token, int w, int h,
             double w_mm, double h_mm)
{
    memset(d, 0, sizeof *d);
    d->f = f;
    d->w = w;
    d->h = h;
    d->window = SDL_CreateWindow("desk", 0, 0, w, h, 0);
    d->renderer = d->window ? SDL_CreateRenderer(d->window, -1, SDL_RENDERER_SOFTWARE) : NULL;
    d->sound = speech_memory_create();
    if (!CHECK(d->renderer != NULL && d->sound != NULL))
        return false;
    speech_sink sink = speech_memory_sink(d->sound);
    char url[64], err[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", f->port);
    appliance_options o = {.assets_dir = getenv("BORNE_ASSETS"), .hub_url = url,
                           .counter_id = counter, .token = token, .width_mm = w_mm,
                           .height_mm = h_mm, .readback = true, .client = {.retry_ms = 100},
                           .sink = &sink};
    int rc = appliance_create(&d->a, d->renderer, &o, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "   appliance: %s\n", err);
    return CHECK_INT(rc, 0);
}

void ta_close(ta_desk *d)
{
    appliance_destroy(d->a);   /* before the sink it plays on */
    speech_memory_free(d->sound);
    if (d->renderer)
        SDL_DestroyRenderer(d->renderer);
    if (d->window)
        SDL_DestroyWindow(d->window);
    memset(d, 0, sizeof *d);
}

/* One turn of the shell's loop: an event or 20 ms, the tick, a frame when something changed. */
static void turn(ta_desk *d)
{
    SDL_Event e;
    bool redraw = false;
    if (SDL_WaitEventTimeout(&e, 20))
        redraw = appliance_handle_event(d->a, &e);
    redraw |= appliance_tick(d->a);
    if (redraw)
        appliance_draw(d->a, th_now(d->f));
}

bool ta_pump(ta_desk *d, bool (*pred)(const client_view *), int timeout_ms)
{
    int64_t until = th_usec() + (int64_t)timeout_ms * 1000;
    client_view v;
    do {
        turn(d);
        appliance_get_view(d->a, &v);
        if (pred(&v)) {
            appliance_draw(d->a, th_now(d->f));
            return true;
        }
    } while (th_usec() < until);
    return false;
}

void ta_run(ta_desk *d, int ms)
{
    int64_t until = th_usec() + (int64_t)ms * 1000;
    while (th_usec() < until)
        turn(d);
    appliance_draw(d->a, th_now(d->f));
}

static bool find(ta_desk *d, const char *label, SDL_Rect *r)
{
    ui_report rep = ui_get_report(appliance_get_ui(d->a));
    for (int i = 0; i < rep.n_targets; i++)
        if (strcmp(rep.targets[i].label, label) == 0) {
            *r = rep.targets[i].rect;
            return true;
        }
    fprintf(stderr, "   no target \"%s\" on screen\n", label);
    return false;
}

static SDL_Point pressed_at;

static void mouse(ta_desk *d, Uint32 type, SDL_Point p)
{
    SDL_Event e = {0};
    e.button.type = type;
    e.button.button = SDL_BUTTON_LEFT;
    e.button.x = p.x;
    e.button.y = p.y;
    if (appliance_handle_event(d->a, &e))
        appliance_draw(d->a, th_now(d->f));
}

bool ta_press(ta_desk *d, const char *label)
{
    SDL_Rect r;
    if (!find(d, label, &r))
        return false;
    pressed_at = (SDL_Point){r.x + r.w / 2, r.y + r.h / 2};
    mouse(d, SDL_MOUSEBUTTONDOWN, pressed_at);
    return true;
}

/* The appliance's copy of the client's view changes only when it handles the client's wake-up:
 * an operation a tap started has already pushed one (busy), which must be handled before a
 * predicate such as "not busy" is asked, or that predicate reads the view from before the tap. */
static void drain(ta_desk *d)
{
    SDL_Event e;
    while (SDL_PollEvent(&e))
        appliance_handle_event(d->a, &e);
    appliance_draw(d->a, th_now(d->f));
}

void ta_release(ta_desk *d)
{
    mouse(d, SDL_MOUSEBUTTONUP, pressed_at);
    drain(d);
}

bool ta_tap(ta_desk *d, const char *label)
{
    if (!ta_press(d, label))
        return false;
    ta_release(d);
    return true;
}

bool ta_drawn(ta_desk *d, const char *needle)
{
    ui_report rep = ui_get_report(appliance_get_ui(d->a));
    for (int i = 0; i < rep.n_texts; i++)
        if (strstr(rep.texts[i].text, needle))
            return true;
    return false;
}

void ta_shot(ta_desk *d, const char *state, const ui_rules *rules)
{
    ui *u = appliance_get_ui(d->a);
    char name[96];
    snprintf(name, sizeof name, "appliance-%dx%d-%s.png", d->w, d->h, state);
    const char *path = testlib_path(d->f->dir, name);
    if (rules) {
        ui_check_result res;
        int problems = ui_check_frame(u, rules, &res);
        if (problems)
            fprintf(stderr, "   %s:\n%s", name, res.problems);
        CHECK_INT(problems, 0);
    }
    CHECK_INT(ui_save_png(u, path), 0);
    fprintf(stderr, "   screenshot: %s\n", path);
}
