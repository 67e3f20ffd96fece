/* Antenne configuration, read from an INI file (parsed by inih).
 *
 * The whole file is validated before anything is returned: a bad file yields
 * "file:line: what is wrong" and no config at all, so nothing is ever half-applied.
 * A loaded config is plain, read-only data shared by every module. */
#ifndef BORNE_CONFIG_H
#define BORNE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "borne/keypad.h"
#include "borne/printer.h"
#include "borne/queue.h"

#define CONFIG_PATH_MAX 256
#define CONFIG_TEXT_MAX 96
#define CONFIG_LANGS_MAX 8

/* The languages this firmware has catalogs for (assets/i18n/<code>.cat), in the order the home
 * scene offers them; [ui] languages picks among them. NULL-terminated. */
extern const char *const config_known_languages[];

typedef enum config_orientation { CONFIG_LANDSCAPE = 0, CONFIG_PORTRAIT } config_orientation;

/* What this board is: the entrance kiosk (owns the database, serves the hub), a counter
 * appliance at a desk, or a waiting-room display (both clients of the kiosk's hub). */
typedef enum config_role { CONFIG_ROLE_KIOSK = 0, CONFIG_ROLE_COUNTER, CONFIG_ROLE_DISPLAY } config_role;

/* "kiosk", "counter", "display"; parsing returns -1 for anything else. */
const char *config_role_name(config_role r);
int config_role_from_name(const char *name);

typedef struct borne_config {
    struct {
        config_role role;               /* [device] role; default kiosk */
        int counter_id;                 /* [device] counter: which desk a counter appliance is */
    } device;
    struct {
        char id[32];                    /* stable antenne id, [a-z0-9-] ("fourmies") */
        char name[CONFIG_TEXT_MAX];     /* "Antenne de Fourmies" */
        char timezone[64];              /* IANA name; default Europe/Paris */
        char message_fr[CONFIG_TEXT_MAX * 2]; /* printed at the bottom of tickets */
        char message_en[CONFIG_TEXT_MAX * 2];
        char screen_message_fr[CONFIG_TEXT_MAX * 2]; /* shown on the kiosk's home screen */
        char screen_message_en[CONFIG_TEXT_MAX * 2];
        int waiting_target_min;         /* the wait the antenne aims at; 0 = none */
    } antenne;
    /* Version of the business document from headquarters applied over the file (config_business.h);
     * 0 = the file's own business settings. */
    int64_t business_version;
    queue_setup setup;                  /* services, counters, hours, last ticket */
    /* token file of setup.counters[i] for the LAN API; empty = counter cannot use the API */
    char counter_token_files[QUEUE_MAX_COUNTERS][CONFIG_PATH_MAX];
    queue_options queue;                /* recalls, check-in window, default service time */
    int retention_days;                 /* purge appointment notes after; default 30 */
    printer_config printer;
    bool printer_virtual;               /* demo: start the printer emulator ourselves */
    struct {
        char language[8];               /* "fr" default: the language a session starts in */
        /* [ui] languages = fr,en,...: the languages offered, in that order (default: all of
         * config_known_languages); always holds `language` */
        char languages[CONFIG_LANGS_MAX][8];
        int n_languages;
        double width_mm, height_mm;     /* visible screen size, for physical sizing */
        config_orientation orientation;
        int idle_s;                     /* back home after; default 60 */
        bool ask_public_type;           /* the optional "Vous êtes ?" step */
        bool ask_priority;              /* the priority choice */
        char admin_pin[16];
    } ui;
    struct {
        char listen[64];                /* kiosk: "0.0.0.0:8080"; empty = no hub */
        char url[CONFIG_PATH_MAX];      /* counter and display: the kiosk's hub, "http://kiosk:8080" */
        /* POST /api/v1/tickets per counter token (the kiosk's own screen is never limited):
         * a burst of this many, refilled over a minute (default 30), and this many a local day
         * (default 300); 0 = no limit. Beyond: 429 with Retry-After. */
        int tickets_per_minute;
        int tickets_per_day;
    } hub;
    struct {
        char url[CONFIG_PATH_MAX];      /* empty = no upload */
        char token_file[CONFIG_PATH_MAX];
        char ca_file[CONFIG_PATH_MAX];
    } hq;
    struct {
        char path[CONFIG_PATH_MAX];     /* SQLite database file */
    } store;
    struct {
        int escalate_after_s;           /* nobody acknowledged within: webhook and mail; 0 = never */
                                        /* (default 120) */
        int escalate_every_s;           /* then again every; default = escalate_after_s */
        bool escalate_tests;            /* test alarms escalate too; default false */
        char webhook_url[CONFIG_PATH_MAX]; /* POST of the alarm document; empty = none */
        char mail_to[CONFIG_PATH_MAX];  /* comma-separated addresses; empty = no mail */
        char sendmail[CONFIG_PATH_MAX]; /* default /usr/sbin/sendmail (run with -t) */
        char panic_device[CONFIG_PATH_MAX]; /* evdev device of a USB panic button; empty = none */
        char panic_key[32];             /* its key: "KEY_F12", "BTN_0", or a number */
        int panic_counter;              /* the desk the button raises as (a [counter.N]) */
    } alarm;
    struct {
        char device[CONFIG_PATH_MAX];   /* evdev keyboard read by the kiosk itself (grabbed);
                                           empty (default): the keys SDL delivers */
        keypad_map map;                 /* default keypad_map_default(), lines of [keypad] */
    } keypad;
    struct {
        /* true (default): no ticket before the clock is known synchronised (a board without RTC
         * boots in 1970); false: a plausible date is enough (an RTC board, the demo). */
        bool require_sync;
    } clock;
} borne_config;

/* Checks what a role needs from a config whose role was changed after loading (command-line
 * override): a counter appliance needs a known [device] counter and [hub] url, a display the
 * url. Returns 0, or -EINVAL with the reason in errbuf. config_load() already checks the file's
 * own role. */
int config_check_role(const borne_config *cfg, char *errbuf, size_t errlen);

/* Fills *out with defaults (a valid but empty antenne: no services). */
void config_defaults(borne_config *out);

/* Loads and validates `path`. Returns 0 and fills *out, or a negative errno-style code with
 * "file:line: message" in errbuf and *out left untouched. Relative paths inside the file are
 * resolved against the file's directory. */
int config_load(const char *path, borne_config *out, char *errbuf, size_t errlen);

#endif
