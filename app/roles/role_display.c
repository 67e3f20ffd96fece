/* The waiting-room display as a shell role: a client of the kiosk's hub that shows and speaks
 * the calls. It starts and serves whether or not the hub answers. */
#include "borne/roles.h"

#include <stdio.h>
#include <stdlib.h>

#include "borne/display.h"

#define FADE_FRAME_MS 100   /* 10 frames a second while a new call's ring fades */

typedef struct display_role {
    display_app *a;
    client_view view;
} display_role;

static int64_t now_ms(void)
{
    return (int64_t)SDL_GetTicks64();
}

static int create(void **self, const shell_env *env, char *errbuf, size_t errlen)
{
    *self = NULL;
    const roles_ctx *ctx = env->ctx;
    display_role *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    display_options o = {.assets_dir = ctx->assets_dir, .hub_url = ctx->cfg->hub.url,
                         .width_mm = ctx->cfg->ui.width_mm, .height_mm = ctx->cfg->ui.height_mm,
                         .sound = true};
    if (display_create(&r->a, env->renderer, &o, errbuf, errlen) != 0) {
        free(r);
        return -1;
    }
    *self = r;
    return 0;
}

static void destroy(void *self)
{
    display_role *r = self;
    display_destroy(r->a);
    free(r);
}

static bool handle_event(void *self, const SDL_Event *e)
{
    return display_handle_event(((display_role *)self)->a, e);
}

static bool tick(void *self)
{
    return display_animating(((display_role *)self)->a, now_ms());
}

static int render(void *self)
{
    return display_draw(((display_role *)self)->a, now_ms());
}

/* Nothing on the display changes with time alone but the fading ring: the rest comes from the
 * hub, which wakes the loop. */
static int next_wakeup_ms(void *self)
{
    return display_animating(((display_role *)self)->a, now_ms()) ? FADE_FRAME_MS : 60000;
}

static const char *status(void *self)
{
    display_role *r = self;
    display_get_view(r->a, &r->view);
    return roles_hub_status(&r->view);
}

const shell_role role_display = {
    .name = "display",
    .sdl_subsystems = SDL_INIT_AUDIO,
    .create = create,
    .destroy = destroy,
    .handle_event = handle_event,
    .tick = tick,
    .render = render,
    .next_wakeup_ms = next_wakeup_ms,
    .status = status,
};
