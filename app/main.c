/* borne: one program for the three roles of a board (config [device] role, or --role):
 * the entrance kiosk, a counter appliance and a waiting-room display. The kiosk loads the
 * config, starts the printer, hub and uploader threads, and runs the SDL loop on the main
 * thread (the only thread that touches SDL video); the appliances are clients of its hub.
 *
 * Start-up order is chosen for the first frame: config and SDL first, then the database (a few
 * ms), then the first frame, and only then READY=1 to systemd. Shutdown is the reverse, through
 * one cleanup path. */
#include "borne/clock.h"
#include "borne/config.h"
#include "borne/appliance.h"
#include "borne/display.h"
#include "borne/hub.h"
#include "borne/kiosk.h"
#include "borne/printer.h"
#include "borne/queue.h"
#include "borne/ui.h"
#include "borne/upload.h"
#include "borne/watchdog.h"

#include <SDL2/SDL.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#ifndef BORNE_VERSION
#define BORNE_VERSION "dev"
#endif

enum { EXIT_FAILED = 1, EXIT_USAGE = 2 };

typedef struct options {
    const char *config;
    int role;                 /* -1 = from the config */
    int counter_id;           /* 0 = from the config */
    const char *store;        /* overrides [store] path */
    const char *printer;      /* overrides [printer] device (the demo's emulator link) */
    const char *assets;
    const char *screens;      /* write a PNG of every new screen there */
    int width, height;        /* window size; 0 = full screen */
    int max_frames;           /* headless runs: quit after that many frames; 0 = never */
} options;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: borne --config FILE [options]\n"
            "  --config FILE      antenne config (INI)\n"
            "  --role ROLE        kiosk, counter or display instead of [device] role\n"
            "  --counter N        which desk a counter appliance is, instead of [device] counter\n"
            "  --store PATH       database file instead of [store] path\n"
            "  --printer DEVICE   printer device instead of [printer] device\n"
            "  --assets DIR       fonts, i18n, web (default: " BORNE_DEFAULT_ASSETS ")\n"
            "  --window WxH       a window of that size instead of full screen\n"
            "  --screens DIR      write a PNG of every new screen into DIR\n"
            "  --frames N         quit after N frames (headless checks)\n");
}

static bool parse_size(const char *s, int *w, int *h)
{
    char x;
    int used = 0;
    return sscanf(s, "%d%c%d%n", w, &x, h, &used) == 3 && x == 'x' && s[used] == '\0' && *w >= 320 &&
           *h >= 240 && *w <= 8192 && *h <= 8192;
}

static int parse_options(int argc, char **argv, options *o)
{
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'}, {"role", required_argument, NULL, 'r'},
        {"counter", required_argument, NULL, 'n'},
        {"store", required_argument, NULL, 's'},  {"printer", required_argument, NULL, 'p'},
        {"assets", required_argument, NULL, 'a'}, {"window", required_argument, NULL, 'w'},
        {"screens", required_argument, NULL, 'S'}, {"frames", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    int opt;
    while ((opt = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c': o->config = optarg; break;
        case 'r':
            o->role = config_role_from_name(optarg);
            if (o->role < 0) {
                fprintf(stderr, "borne: --role \"%s\": kiosk, counter or display\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'n':
            o->counter_id = atoi(optarg);
            if (o->counter_id <= 0) {
                fprintf(stderr, "borne: --counter \"%s\": a counter number\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 's': o->store = optarg; break;
        case 'p': o->printer = optarg; break;
        case 'a': o->assets = optarg; break;
        case 'S': o->screens = optarg; break;
        case 'w':
            if (!parse_size(optarg, &o->width, &o->height)) {
                fprintf(stderr, "borne: --window \"%s\": WIDTHxHEIGHT, such as 1280x800\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'f':
            o->max_frames = atoi(optarg);
            if (o->max_frames <= 0) {
                fprintf(stderr, "borne: --frames \"%s\": a positive number\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h': usage(stdout); return -1;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (!o->config || optind != argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    return 0;
}

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
    /* Wake the loop at once rather than at the next clock tick. */
    SDL_Event quit = {.type = SDL_QUIT};
    SDL_PushEvent(&quit);
}

static bool wall_clock_trusted(int64_t now_s, void *ctx)
{
    const clock_policy *policy = ctx;
    return clock_trusted(policy, now_s);
}

/* The kiosk shows the printer's state; the desks (through the hub) and HQ (the uploader's
 * health record) must know it too. */
static void forward_printer_state(const printer *p, hub *hb, upload *up, printer_state *last)
{
    if (!p)
        return;
    printer_state now = printer_get_state(p);
    if (now != *last) {
        *last = now;
        if (hb)
            hub_set_printer(hb, printer_state_name(now), printer_state_can_print(now));
        if (up)
            upload_set_printer_state(up, printer_state_name(now));
    }
}

static int run_kiosk(const options *o, borne_config cfg, const char *assets)
{
    int status = EXIT_FAILED;
    char err[512];
    watchdog *wd = NULL;
    SDL_Window *win = NULL;
    SDL_Renderer *ren = NULL;
    queue *q = NULL;
    printer *prn = NULL;
    hub *hb = NULL;
    upload *up = NULL;
    kiosk *k = NULL;
    bool sdl_up = false;

    if (o->store)
        snprintf(cfg.store.path, sizeof cfg.store.path, "%s", o->store);
    if (o->printer) {
        snprintf(cfg.printer.device, sizeof cfg.printer.device, "%s", o->printer);
        cfg.printer_virtual = false;
    }
    if (o->screens && mkdir(o->screens, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "borne: --screens %s: %s\n", o->screens, strerror(errno));
        return EXIT_FAILED;
    }

    int rc = watchdog_open(&wd);
    if (rc < 0) {
        fprintf(stderr, "borne: watchdog: %s\n", strerror(-rc));
        goto end;
    }
    signal(SIGTERM, on_stop_signal);
    signal(SIGINT, on_stop_signal);

    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        fprintf(stderr, "borne: SDL: %s\n", SDL_GetError());
        goto end;
    }
    sdl_up = true;
    if (ui_window_open(cfg.antenne.name, o->width, o->height, &win, &ren, err, sizeof err) != 0) {
        fprintf(stderr, "borne: %s\n", err);
        goto end;
    }

    if (queue_open(&q, cfg.store.path, &cfg.queue, err, sizeof err) != 0) {
        fprintf(stderr, "borne: %s\n", err);
        goto end;
    }
    /* The config is the source of truth for services, counters and hours. */
    rc = queue_apply_setup(q, &cfg.setup, (int64_t)time(NULL));
    if (rc) {
        fprintf(stderr, "borne: %s: %s\n", cfg.store.path, queue_errmsg(q));
        goto end;
    }

    if (cfg.printer.device[0]) {
        printer_callbacks cb;
        if (kiosk_printer_callbacks(&cb) != 0) {
            fprintf(stderr, "borne: no SDL user event left for the printer\n");
            goto end;
        }
        rc = printer_start(&prn, &cfg.printer, NULL, NULL, &cb);
        if (rc < 0) {
            fprintf(stderr, "borne: printer %s: %s\n", cfg.printer.device, strerror(-rc));
            goto end;
        }
    } else {
        fprintf(stderr, "borne: no printer device (virtual printer not started): tickets are issued "
                        "and shown, not printed\n");
    }

    if (cfg.hub.listen[0]) {
        char web_root[CONFIG_PATH_MAX + 8];
        snprintf(web_root, sizeof web_root, "%s/web", assets);
        /* Without the hub the desks fall back to borne-admin, but the public is still served. */
        if (hub_start(&hb, &cfg, cfg.store.path, web_root, NULL, err, sizeof err) != 0)
            fprintf(stderr, "borne: hub on %s not started: %s\n", cfg.hub.listen, err);
    }
    if (cfg.hq.url[0]) {
        upload_config ucfg = {
            .url = cfg.hq.url,
            .antenne = cfg.antenne.id,
            .token_file = cfg.hq.token_file,
            .ca_file = cfg.hq.ca_file[0] ? cfg.hq.ca_file : NULL,
            .db_path = cfg.store.path,
            .version = BORNE_VERSION,
        };
        if (upload_start(&up, &ucfg, err, sizeof err) != 0) {
            /* Counts wait in the engine until the uploader can run: the kiosk still serves. */
            fprintf(stderr, "borne: upload to %s not started: %s\n", cfg.hq.url, err);
            up = NULL;
        }
    }

    clock_policy policy;
    clock_policy_default(&policy);
    policy.plausible_is_enough = !cfg.clock.require_sync;
    kiosk_options kopt = {.assets_dir = assets, .screens_dir = o->screens,
                          .clock_trusted = wall_clock_trusted, .clock_trusted_ctx = &policy};
    if (kiosk_create(&k, &cfg, q, prn, ren, &kopt, err, sizeof err) != 0) {
        fprintf(stderr, "borne: kiosk: %s\n", err);
        goto end;
    }

    bool dirty = true, ready_sent = false;
    int frames = 0;
    clock_watch jumps = {0};
    printer_state last_printer = (printer_state)-1;   /* tell the first state too */
    while (!stop_requested) {
        if (dirty) {
            if (kiosk_render(k) != 0) {
                fprintf(stderr, "borne: render: %s\n", SDL_GetError());
                goto end;
            }
            SDL_RenderPresent(ren);
            dirty = false;
            if (!ready_sent) {
                watchdog_ready(wd, "serving");
                ready_sent = true;
            }
            if (o->max_frames && ++frames >= o->max_frames)
                break;
        }
        watchdog_ping(wd);
        watchdog_debug_freeze_point(wd);
        SDL_Event e;
        if (kiosk_wait_event(k, &e)) {
            do {
                if (e.type == SDL_QUIT)
                    stop_requested = 1;
                dirty |= kiosk_handle_event(k, &e);
            } while (SDL_PollEvent(&e));
        }
        dirty |= kiosk_tick(k);
        forward_printer_state(prn, hb, up, &last_printer);
        int64_t back = clock_watch_observe(&jumps, (int64_t)time(NULL));
        if (back > 0)
            fprintf(stderr, "borne: the wall clock went back %lld s (numbering is per stored day: "
                            "nothing to repair)\n", (long long)back);
    }
    watchdog_stopping(wd);
    status = 0;
end:
    kiosk_destroy(k);
    upload_stop(up);
    hub_stop(hb);
    printer_stop(prn);
    if (q)
        queue_close(q);
    ui_window_close(win, ren);
    if (sdl_up)
        SDL_Quit();
    watchdog_close(wd);
    return status;
}

int main(int argc, char **argv)
{
    options o = {.role = -1};
    int rc = parse_options(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;

    char err[512];
    borne_config cfg;
    if (config_load(o.config, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "borne: %s\n", err);
        return EXIT_FAILED;
    }
    if (o.role >= 0)
        cfg.device.role = (config_role)o.role;
    if (o.counter_id)
        cfg.device.counter_id = o.counter_id;
    if (config_check_role(&cfg, err, sizeof err) != 0) {
        fprintf(stderr, "borne: %s: %s\n", o.config, err);
        return EXIT_FAILED;
    }
    const char *assets = o.assets ? o.assets : BORNE_DEFAULT_ASSETS;
    /* Every thread computes local days in the antenne's zone: set it before any starts. */
    setenv("TZ", cfg.antenne.timezone, 1);
    tzset();

    switch (cfg.device.role) {
    case CONFIG_ROLE_COUNTER:
        rc = appliance_run(&cfg, cfg.hub.url, cfg.device.counter_id, assets, err, sizeof err);
        break;
    case CONFIG_ROLE_DISPLAY:
        rc = display_run(&cfg, cfg.hub.url, assets, err, sizeof err);
        break;
    default:
        return run_kiosk(&o, cfg, assets);
    }
    if (rc != 0) {
        fprintf(stderr, "borne: %s: %s\n", config_role_name(cfg.device.role), err);
        return EXIT_FAILED;
    }
    return 0;
}
