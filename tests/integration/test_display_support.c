/* See test_display_support.h. */
#include "test_display_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

bool td_open(td_display *d, th_fixture *f, int w, int h, double w_mm, double h_mm)
{
    memset(d, 0, sizeof *d);
    d->window = SDL_CreateWindow("display", 0, 0, w, h, 0);
    d->renderer = d->window ? SDL_CreateRenderer(d->window, -1, SDL_RENDERER_SOFTWARE) : NULL;
    if (!CHECK(d->renderer != NULL))
        return false;
    char url[64], err[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", f->port);
    display_options o = {.assets_dir = getenv("BORNE_ASSETS"), .hub_url = url, .width_mm = w_mm,
                         .height_mm = h_mm, .readback = true, .client = {.retry_ms = 100}};
    int rc = display_create(&d->a, d->renderer, &o, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "   display: %s\n", err);
    return CHECK_INT(rc, 0);
}

void td_close(td_display *d)
{
    display_destroy(d->a);
    if (d->renderer)
        SDL_DestroyRenderer(d->renderer);
    if (d->window)
        SDL_DestroyWindow(d->window);
    memset(d, 0, sizeof *d);
}

bool td_pump(td_display *d, bool (*pred)(const client_view *v, const void *ctx), const void *ctx,
             int timeout_ms)
{
    int64_t until = th_usec() + (int64_t)timeout_ms * 1000;
    client_view v;
    do {
        SDL_Event e;
        if (SDL_WaitEventTimeout(&e, 20))
            display_handle_event(d->a, &e);
        display_get_view(d->a, &v);
        if (pred(&v, ctx))
            return true;
    } while (th_usec() < until);
    return false;
}

bool td_pump_app(display_app *a, bool (*done)(display_app *a, const void *ctx), const void *ctx, int timeout_ms,
                 int *frames)
{
    int64_t until = th_usec() + (int64_t)timeout_ms * 1000;
    int drawn = 0;
    bool ok;
    do {
        SDL_Event e;
        if (SDL_WaitEventTimeout(&e, 20))
            display_handle_event(a, &e);
        CHECK_INT(display_draw(a, (int64_t)SDL_GetTicks64()), 0);
        drawn++;
    } while (!(ok = done(a, ctx)) && th_usec() < until);
    if (frames)
        *frames = drawn;
    return ok;
}

bool td_has_state(display_app *a, const void *ctx)
{
    (void)ctx;
    client_view v;
    display_get_view(a, &v);
    return v.have_state && v.connected;
}

bool td_drawn(display_app *a, const char *needle)
{
    ui_report rep = ui_get_report(display_get_ui(a));
    for (int i = 0; i < rep.n_texts; i++)
        if (strstr(rep.texts[i].text, needle))
            return true;
    return false;
}
