/* The entrance kiosk as a shell role: the engine, the printer thread, the hub (LAN API for the
 * desks and displays), the HQ uploader, the HQ channel and the safety alarm around the kiosk's
 * screens.
 *
 * Start-up order is chosen for the first frame: the shell has the window already; the database
 * opens in a few ms, the threads start, and the kiosk draws. Without a printer, a hub or an
 * uploader the kiosk still serves the public: those failures are logged, not fatal. */
#include "borne/roles.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "borne/alarm.h"
#include "borne/channel.h"
#include "borne/clock.h"
#include "borne/fleet.h"
#include "borne/fleet_care.h"
#include "borne/fleet_health.h"
#include "borne/hub.h"
#include "borne/kiosk.h"
#include "borne/log.h"
#include "borne/printer.h"
#include "borne/queue.h"
#include "borne/upload.h"

BORNE_LOG_MODULE("kiosk");

typedef struct kiosk_role {
    borne_config *cfg;   /* the role's copy: business documents from HQ change it (fleet.h) */
    fleet *fl;
    fleet_care *care;
    queue *q;
    printer *prn;
    hub *hb;
    upload *up;
    channel *hq_channel;
    alarm_service *alarms;
    kiosk *k;
    clock_policy policy;
    printer_state last_printer;
    const char *version;
    int64_t started_ms, next_health_ms;   /* monotonic */
    char status[96];
} kiosk_role;

static bool wall_clock_trusted(int64_t now_s, void *ctx)
{
    return clock_trusted(ctx, now_s);
}

static void destroy(void *self)
{
    kiosk_role *r = self;
    kiosk_destroy(r->k);
    upload_stop(r->up);
    channel_free(r->hq_channel);   /* before the alarm service and the fleet: it runs their handlers */
    fleet_stop(r->fl);
    fleet_care_stop(r->care);
    alarm_stop(r->alarms);
    hub_stop(r->hb);
    printer_stop(r->prn);
    if (r->q)
        queue_close(r->q);
    free(r->cfg);
    free(r);
}

static int start_printer(kiosk_role *r, char *errbuf, size_t errlen)
{
    const borne_config *cfg = r->cfg;
    if (!cfg->printer.device[0]) {
        log_warn("no printer device (virtual printer not started): tickets are issued and shown, "
                 "not printed");
        return 0;
    }
    printer_callbacks cb;
    if (kiosk_printer_callbacks(&cb) != 0) {
        snprintf(errbuf, errlen, "no SDL user event left for the printer");
        return -1;
    }
    int rc = printer_start(&r->prn, &cfg->printer, NULL, NULL, &cb);
    if (rc < 0) {
        snprintf(errbuf, errlen, "printer %s: %s", cfg->printer.device, strerror(-rc));
        return -1;
    }
    return 0;
}

static void notify_hub(void *h)
{
    hub_notify(h);
}

static void *restart_after_ack(void *arg)
{
    (void)arg;
    /* The channel thread posts the acknowledgement right after the handler: let it go out. */
    struct timespec two_s = {.tv_sec = 2};
    nanosleep(&two_s, NULL);
    kill(getpid(), SIGTERM);   /* the shell's orderly stop; systemd's Restart=always starts us again */
    return NULL;
}

/* care_restart from HQ (fleet_care.h), on the channel thread. */
static void restart_soon(void *ctx)
{
    (void)ctx;
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, restart_after_ack, NULL) != 0)
        kill(getpid(), SIGTERM);
    pthread_attr_destroy(&attr);
}

/* The safety alarm (escalation, panic button) with the hub, whose desks raise and hear it, and
 * the one HQ channel it is relayed over, which also brings the business documents (fleet.h) and
 * remote care (fleet_care.h); the channel starts once every room's types are registered. */
static void start_alarm(kiosk_role *r, char *err, size_t errlen)
{
    const borne_config *cfg = r->cfg;
    if (cfg->hq.url[0]) {
        char state_path[CONFIG_PATH_MAX + 16];
        snprintf(state_path, sizeof state_path, "%s.channel", cfg->store.path);
        channel_config cc = {.url = cfg->hq.url, .antenne = cfg->antenne.id,
                             .token_file = cfg->hq.token_file,
                             .ca_file = cfg->hq.ca_file[0] ? cfg->hq.ca_file : NULL,
                             .state_path = state_path};
        if (channel_new(&r->hq_channel, &cc, err, errlen) != 0) {
            log_error("HQ channel not started: %s", err);
            r->hq_channel = NULL;
        } else {
            if (fleet_start(&r->fl, r->hq_channel, r->cfg, shell_wake, NULL, err, errlen) != 0)
                log_error("business documents from HQ not received: %s", err);
            fleet_care_options care = {.prn = r->prn, .request_restart = restart_soon};
            if (fleet_care_start(&r->care, r->hq_channel, &care, err, errlen) != 0)
                log_error("remote care from HQ not available: %s", err);
        }
    }
    if (r->hb) {
        alarm_options ao = {.changed = notify_hub, .changed_ctx = r->hb, .channel = r->hq_channel};
        if (alarm_start(&r->alarms, cfg, cfg->store.path, &ao, err, errlen) != 0)
            log_error("alarm escalation and relay not started: %s", err);
    }
    if (r->hq_channel && channel_start(r->hq_channel, err, errlen) != 0)
        log_error("HQ channel not started: %s", err);
}

static void start_services(kiosk_role *r, const roles_ctx *ctx)
{
    const borne_config *cfg = r->cfg;
    char err[512];
    if (cfg->hub.listen[0]) {
        char web_root[CONFIG_PATH_MAX + 8];
        snprintf(web_root, sizeof web_root, "%s/web", ctx->assets_dir);
        hub_options ho = {.on_events = shell_wake};
        /* Without the hub the desks fall back to borne-admin, but the public is still served. */
        if (hub_start(&r->hb, cfg, cfg->store.path, web_root, &ho, err, sizeof err) != 0)
            log_error("hub on %s not started: %s", cfg->hub.listen, err);
    }
    if (cfg->hq.url[0]) {
        upload_config ucfg = {
            .url = cfg->hq.url,
            .antenne = cfg->antenne.id,
            .token_file = cfg->hq.token_file,
            .ca_file = cfg->hq.ca_file[0] ? cfg->hq.ca_file : NULL,
            .db_path = cfg->store.path,
            .version = ctx->version,
        };
        /* Counts wait in the engine until the uploader can run: the kiosk still serves. */
        if (upload_start(&r->up, &ucfg, err, sizeof err) != 0) {
            log_error("upload to %s not started: %s", cfg->hq.url, err);
            r->up = NULL;
        }
    }
    start_alarm(r, err, sizeof err);
}

/* "Speak to an agent" from the kiosk: every desk hears it through the hub's state. */
static void ask_agent(void *hb) { hub_request_agent(hb); }

static int start(kiosk_role *r, const shell_env *env, char *errbuf, size_t errlen)
{
    const roles_ctx *ctx = env->ctx;
    /* The screen's handle: a visitor never waits behind the hub's API writers (write_gate.c). */
    queue_options screen = r->cfg->queue;
    screen.priority_writer = true;
    if (queue_open(&r->q, r->cfg->store.path, &screen, errbuf, errlen) != 0)
        return -1;
    /* The config is the source of truth for services, counters and hours, with the last business
     * document from headquarters over it. */
    fleet_overlay(r->cfg);
    if (queue_apply_setup(r->q, &r->cfg->setup, (int64_t)time(NULL)) != 0) {
        snprintf(errbuf, errlen, "%s: %s", r->cfg->store.path, queue_errmsg(r->q));
        return -1;
    }
    if (start_printer(r, errbuf, errlen) != 0)
        return -1;
    start_services(r, ctx);
    clock_policy_default(&r->policy);
    r->policy.plausible_is_enough = !r->cfg->clock.require_sync;
    kiosk_options ko = {.assets_dir = ctx->assets_dir, .clock_trusted = wall_clock_trusted,
                        .clock_trusted_ctx = &r->policy, .apply_business = fleet_apply_pending,
                        .apply_business_ctx = r->fl, .ask_agent = r->hb ? ask_agent : NULL,
                        .ask_agent_ctx = r->hb};
    return kiosk_create(&r->k, r->cfg, r->q, r->prn, env->renderer, &ko, errbuf, errlen);
}

static int create(void **self, const shell_env *env, char *errbuf, size_t errlen)
{
    *self = NULL;
    kiosk_role *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    if (!(r->cfg = malloc(sizeof *r->cfg))) {
        free(r);
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    *r->cfg = *((const roles_ctx *)env->ctx)->cfg;
    r->last_printer = (printer_state)-1;   /* tell the first state too */
    r->version = ((const roles_ctx *)env->ctx)->version;
    r->started_ms = r->next_health_ms = clock_mono_ms();
    if (start(r, env, errbuf, errlen) != 0) {
        destroy(r);
        return -1;
    }
    *self = r;
    return 0;
}

static bool handle_event(void *self, const SDL_Event *e)
{
    return kiosk_handle_event(((kiosk_role *)self)->k, e);
}

/* The kiosk shows the printer's state; the desks (through the hub) and HQ (the uploader's
 * health record) must know it too. */
static void forward_printer_state(kiosk_role *r)
{
    if (!r->prn)
        return;
    printer_state now = printer_get_state(r->prn);
    if (now == r->last_printer)
        return;
    r->last_printer = now;
    if (r->hb)
        hub_set_printer(r->hb, printer_state_name(now), printer_state_can_print(now));
    if (r->up)
        upload_set_printer_state(r->up, printer_state_name(now));
}

/* The health report to HQ (fleet_health.h), at start and every period, over the channel. */
static void report_health(kiosk_role *r)
{
    int64_t mono = clock_mono_ms();
    if (!r->hq_channel || mono < r->next_health_ms)
        return;
    r->next_health_ms = mono + FLEET_HEALTH_PERIOD_S * 1000;
    upload_status us = {0};
    if (r->up)
        upload_get_status(r->up, &us);
    int64_t now = (int64_t)time(NULL);
    fleet_health_input in = {
        .version = r->version,
        .config_version = r->cfg->business_version,
        .uptime_s = (mono - r->started_ms) / 1000,
        .store_path = r->cfg->store.path,
        .clock_synced = clock_check(&r->policy, now) == CLOCK_TRUSTED_SYNCED,
        .printer = r->prn ? printer_state_name(printer_get_state(r->prn)) : "none",
        .last_error = us.build_error[0] ? us.build_error : us.last_error,
        .upload_backlog = us.outbox_batches,
        .update_status_path = FLEET_UPDATE_STATUS_PATH,
    };
    int rc = fleet_health_send(r->hq_channel, &in, now);
    if (rc != 0)
        log_warn("health report not queued: %s", strerror(-rc));
}

static bool tick(void *self)
{
    kiosk_role *r = self;
    forward_printer_state(r);
    report_health(r);
    return kiosk_tick(r->k);
}

static int render(void *self)
{
    return kiosk_render(((kiosk_role *)self)->k);
}

static int next_wakeup_ms(void *self)
{
    return kiosk_next_wakeup_ms(((kiosk_role *)self)->k);
}

static const char *screen_name(void *self)
{
    return kiosk_screen_name(kiosk_current_screen(((kiosk_role *)self)->k));
}

static const char *status(void *self)
{
    kiosk_role *r = self;
    if (!r->prn)
        return "serving, no printer";
    snprintf(r->status, sizeof r->status, "serving, printer %s", printer_state_name(printer_get_state(r->prn)));
    return r->status;
}

const shell_role role_kiosk = {
    .name = "kiosk",
    .create = create,
    .destroy = destroy,
    .handle_event = handle_event,
    .tick = tick,
    .render = render,
    .next_wakeup_ms = next_wakeup_ms,
    .screen_name = screen_name,
    .status = status,
};
