/* borne: one program for the screen roles of a board (config [device] role, or --role): the
 * entrance kiosk, a desk appliance ("counter") and a waiting-room display. main reads the
 * options and the config, picks the role's row (borne/roles.h) and hands it to the application
 * shell (borne/shell.h), which owns SDL, the loop, signals and systemd. */
#include "borne/config.h"
#include "borne/roles.h"
#include "borne/shell.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
            "  --role ROLE        kiosk, counter (a desk) or display instead of [device] role\n"
            "  --counter N        which desk a desk appliance is, instead of [device] counter\n"
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

int main(int argc, char **argv)
{
    /* Before anything else: a SIGTERM from now on waits for the shell's loop, which stops
     * cleanly, instead of killing a half-started process. */
    int rc = shell_signals_block();
    if (rc < 0) {
        fprintf(stderr, "borne: signals: %s\n", strerror(-rc));
        return EXIT_FAILED;
    }
    options o = {.role = -1};
    rc = parse_options(argc, argv, &o);
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
    if (o.store)
        snprintf(cfg.store.path, sizeof cfg.store.path, "%s", o.store);
    if (o.printer) {
        snprintf(cfg.printer.device, sizeof cfg.printer.device, "%s", o.printer);
        cfg.printer_virtual = false;
    }
    if (config_check_role(&cfg, err, sizeof err) != 0) {
        fprintf(stderr, "borne: %s: %s\n", o.config, err);
        return EXIT_FAILED;
    }
    const shell_role *role = roles_find(config_role_name(cfg.device.role));
    if (!role) {
        fprintf(stderr, "borne: role %s has no screen\n", config_role_name(cfg.device.role));
        return EXIT_FAILED;
    }
    /* Every thread computes local days in the antenne's zone: set it before any starts. */
    setenv("TZ", cfg.antenne.timezone, 1);
    tzset();

    roles_ctx ctx = {.cfg = &cfg, .assets_dir = o.assets ? o.assets : BORNE_DEFAULT_ASSETS,
                     .version = BORNE_VERSION};
    char title[160];
    snprintf(title, sizeof title, "Borne — %s", cfg.antenne.name);
    shell_options so = {.title = title, .width = o.width, .height = o.height,
                        .max_frames = o.max_frames, .screens_dir = o.screens};
    return shell_main(&so, role, &ctx);
}
