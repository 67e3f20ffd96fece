/* The config the package installs in /etc/borne/borne.ini (generated from the demo by
 * board/CMakeLists.txt) loads, names the real printer and database, and stays valid with
 * each board profile applied by borne-board-profile. */
#include "borne/config.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>

static const char *env(const char *name)
{
    const char *v = getenv(name);
    CHECK(v && v[0]);
    return v ? v : "";
}

/* Copies the default config into dir and applies the profile with the installed tool
 * (borne-board-profile), as a technician would. */
static const char *apply_profile(const char *dir, const char *profile)
{
    const char *out = testlib_path(dir, "borne.ini");
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "cp '%s' '%s' && BORNE_BOARDS_DIR='%s' bash '%s/scripts/borne-board-profile' %s '%s' >/dev/null",
             env("BORNE_DEFAULT_CONFIG"), out, env("BORNE_BOARD_DIR"), env("BORNE_BOARD_DIR"),
             profile, out);
    CHECK_INT(system(cmd), 0);
    return out;
}

static void load_ok(const char *path, borne_config *cfg)
{
    char err[512] = "";
    int rc = config_load(path, cfg, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "%s\n", err);
    CHECK_INT(rc, 0);
}

static void test_default_config(void)
{
    borne_config cfg;
    load_ok(env("BORNE_DEFAULT_CONFIG"), &cfg);
    CHECK(!cfg.printer_virtual);
    CHECK_STR(cfg.printer.device, "/dev/borne-printer");
    CHECK_STR(cfg.store.path, "/var/lib/borne/borne.db");
    /* safe defaults: no usable admin PIN (the demo's is public) and a synchronised clock */
    CHECK_STR(cfg.ui.admin_pin, "");
    CHECK(cfg.clock.require_sync);
}

static void test_rpi4_7in(void)
{
    borne_config cfg;
    load_ok(apply_profile(testlib_tmpdir("board-rpi"), "rpi4-7in"), &cfg);
    CHECK(cfg.ui.width_mm > 154 && cfg.ui.width_mm < 156);
    CHECK(cfg.ui.height_mm > 85 && cfg.ui.height_mm < 87);
    CHECK_INT(cfg.ui.orientation, CONFIG_LANDSCAPE);
    CHECK_STR(cfg.printer.device, "/dev/borne-printer");
    CHECK_STR(cfg.store.path, "/var/lib/borne/borne.db");
}

static void test_x86_kiosk(void)
{
    borne_config cfg;
    load_ok(apply_profile(testlib_tmpdir("board-x86"), "x86-kiosk"), &cfg);
    CHECK(cfg.ui.width_mm > 267 && cfg.ui.width_mm < 269);
    CHECK(cfg.ui.height_mm > 475 && cfg.ui.height_mm < 477);
    CHECK_INT(cfg.ui.orientation, CONFIG_PORTRAIT);
    CHECK_INT(cfg.printer.baud, 115200);
    CHECK_INT(cfg.printer.flow, PRINTER_FLOW_RTSCTS);
}

int main(void)
{
    RUN(test_default_config);
    RUN(test_rpi4_7in);
    RUN(test_x86_kiosk);
    return testlib_finish();
}
