/* The desk appliance as a shell role ("counter" in the config: one desk's screen), a client of
 * the kiosk's hub. It starts and serves whether or not the hub answers: the screen then says
 * "Hub injoignable" and the client keeps reconnecting. */
#include "borne/roles.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "borne/appliance.h"

typedef struct counter_role {
    appliance *a;
    int drawn_minute;            /* the "waited N min" line changes with the minute */
    client_view view;
} counter_role;

static int create(void **self, const shell_env *env, char *errbuf, size_t errlen)
{
    *self = NULL;
    const roles_ctx *ctx = env->ctx;
    const borne_config *cfg = ctx->cfg;
    int id = cfg->device.counter_id, idx = -1;
    for (int i = 0; i < cfg->setup.n_counters; i++)
        if (cfg->setup.counters[i].id == id)
            idx = i;
    if (idx < 0) {
        snprintf(errbuf, errlen, "counter %d is not in the config", id);
        return -1;
    }
    char token[LAN_TOKEN_MAX + 1];
    if (appliance_read_token(cfg->counter_token_files[idx], token, sizeof token, errbuf, errlen) != 0)
        return -1;
    counter_role *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    appliance_options o = {.assets_dir = ctx->assets_dir, .hub_url = cfg->hub.url, .counter_id = id,
                           .token = token, .width_mm = cfg->ui.width_mm, .height_mm = cfg->ui.height_mm};
    if (appliance_create(&r->a, env->renderer, &o, errbuf, errlen) != 0) {
        free(r);
        return -1;
    }
    r->drawn_minute = -1;
    *self = r;
    return 0;
}

static void destroy(void *self)
{
    counter_role *r = self;
    appliance_destroy(r->a);
    free(r);
}

static bool handle_event(void *self, const SDL_Event *e)
{
    return appliance_handle_event(((counter_role *)self)->a, e);
}

static int minute_now(void)
{
    return (int)(time(NULL) / 60);
}

static bool tick(void *self)
{
    counter_role *r = self;
    bool alarm = appliance_tick(r->a);   /* every time: it also rings and raises */
    return alarm || r->drawn_minute != minute_now();
}

static int render(void *self)
{
    counter_role *r = self;
    r->drawn_minute = minute_now();
    return appliance_draw(r->a, (int64_t)time(NULL));
}

static int next_wakeup_ms(void *self)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    int minute = (int)(60000 - ms % 60000);
    int alarm = appliance_next_wakeup_ms(((counter_role *)self)->a);
    return alarm >= 0 && alarm < minute ? alarm : minute;
}

static const char *status(void *self)
{
    counter_role *r = self;
    appliance_get_view(r->a, &r->view);
    return roles_hub_status(&r->view);
}

const shell_role role_counter = {
    .name = "counter",
    .create = create,
    .destroy = destroy,
    .handle_event = handle_event,
    .tick = tick,
    .render = render,
    .next_wakeup_ms = next_wakeup_ms,
    .status = status,
};
