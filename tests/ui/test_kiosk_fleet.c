/* Central configuration as a visitor sees it: a real collector (in this process, loopback), the
 * board's HQ channel and fleet module, and the kiosk in the program's shell loop (dummy video
 * driver, injected clock) with the hook the kiosk role gives it. A published service appears on
 * the services screen; a document never lands while a visitor is mid-flow; an exceptional
 * closure or a public holiday shows the closed screen that day. PNGs in the test's directory. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "borne/channel.h"
#include "borne/fleet.h"
#include "test_fleet_support.h"
#include "test_kiosk_fixture.h"
#include "testlib.h"

static struct fleet_hq hq;
static fixture f;
static channel *ch;
static fleet *fl;
static speech_sink sink;
static int wakes;

static void on_wake(void *ctx)
{
    __atomic_add_fetch(&wakes, 1, __ATOMIC_SEQ_CST);
    shell_wake(ctx);
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What the INI validator asks of the file (documents are checked with it as a whole): desks
 * serving letters HQ's documents keep (it refuses I and O), a printer line. */
static void as_site_0(borne_config *c)
{
    snprintf(c->antenne.id, sizeof c->antenne.id, "site-0");
    c->printer_virtual = true;
    snprintf(c->setup.counters[0].services, sizeof c->setup.counters[0].services, "AF");
    snprintf(c->setup.counters[1].services, sizeof c->setup.counters[1].services, "AE");
}

/* The fixture's kiosk again, with the kiosk role's hook: apply HQ's documents when idle. */
static bool open_board(void)
{
    if (!fixture_open(&f, "kiosk_fleet", &fixture_screens[1], as_site_0, fixture_open_time_ms(), false))
        return false;
    snprintf(f.cfg.store.path, sizeof f.cfg.store.path, "%s", testlib_path(f.dir, "borne.db"));
    snprintf(f.cfg.hq.url, sizeof f.cfg.hq.url, "%s", hq.url);
    snprintf(f.cfg.hq.token_file, sizeof f.cfg.hq.token_file, "%s", testlib_path(f.dir, "board.token"));
    fleet_write_file(f.cfg.hq.token_file, fleet_token(0), 0600);
    char err[512];
    channel_config cc = {.url = f.cfg.hq.url, .antenne = "site-0", .token_file = f.cfg.hq.token_file,
                         .state_path = testlib_path(f.dir, "board.channel")};
    if (channel_new(&ch, &cc, err, sizeof err) != 0 || fleet_start(&fl, ch, &f.cfg, on_wake, NULL, err, sizeof err) != 0 ||
        channel_start(ch, err, sizeof err) != 0) {
        fprintf(stderr, "board: %s\n", err);
        return false;
    }
    kiosk_destroy(f.k);
    const char *assets = getenv("BORNE_ASSETS");
    sink = speech_memory_sink(f.audio);
    kiosk_options ko = {.assets_dir = assets ? assets : "assets", .clock = {fixture_kiosk_clock, &f},
                        .readback = true, .audio_sink = &sink, .input_dir = "",
                        .apply_business = fleet_apply_pending, .apply_business_ctx = fl};
    if (kiosk_create(&f.k, &f.cfg, f.q, NULL, f.r, &ko, err, sizeof err) != 0) {
        fprintf(stderr, "kiosk_create: %s\n", err);
        return false;
    }
    return true;
}

static json_int_t publish_region(const char *services_extra, const char *closures)
{
    char doc[4096], path[] = "/api/v1/config/documents/region";
    snprintf(doc, sizeof doc,
             "{\"services\": [{\"letter\": \"A\", \"labels\": {\"fr\": \"Aides individuelles\"}, \"order\": 0},"
             " {\"letter\": \"F\", \"labels\": {\"fr\": \"Formation & emploi\"}, \"order\": 1},"
             " {\"letter\": \"E\", \"labels\": {\"fr\": \"Entreprises & associations\"}, \"order\": 2}%s],"
             " \"hours\": {\"mon\": \"09:00-12:00,13:30-17:00\", \"tue\": \"09:00-12:00,13:30-17:00\","
             " \"wed\": \"09:00-12:00,13:30-17:00\", \"thu\": \"09:00-12:00,13:30-17:00\","
             " \"fri\": \"09:00-12:00,13:30-17:00\", \"last_ticket_before_close\": 15},"
             " \"closures\": %s}",
             services_extra, closures);
    CHECK_INT(fleet_http(&hq, "PUT", path, FLEET_ADMIN_TOKEN, doc, NULL), 200);
    json_t *ans = NULL;
    CHECK_INT(fleet_http(&hq, "POST", "/api/v1/config/publish", FLEET_ADMIN_TOKEN, "{}", &ans), 200);
    json_int_t v = json_integer_value(json_object_get(ans, "version"));
    json_decref(ans);
    return v;
}

static json_int_t expected_version;

static bool running_expected(fixture *fx)
{
    (void)fx;
    return f.cfg.business_version == expected_version;
}

static bool woken_past(fixture *fx)
{
    (void)fx;
    return __atomic_load_n(&wakes, __ATOMIC_SEQ_CST) >= expected_version;
}

static bool screen_closed(fixture *fx)
{
    return kiosk_current_screen(fx->k) == KIOSK_CLOSED;
}

static void shot(const char *name)
{
    if (!CHECK_INT(kiosk_screenshot(f.k, testlib_path(f.dir, name)), 0))
        return;
    fprintf(stderr, "screenshot: %s\n", testlib_path(f.dir, name));
}

#define NEW_SERVICE ", {\"letter\": \"N\", \"labels\": {\"fr\": \"Chèque énergie 2027\"}, \"order\": 5}"
#define RENAMED ", {\"letter\": \"N\", \"labels\": {\"fr\": \"Chèque énergie (renouvellement)\"}, \"order\": 5}"
#define NO_CLOSURES "{\"public_holidays\": false}"

static void a_published_service_appears_on_the_services_screen(void)
{
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
    int64_t t0 = wall_ms();
    expected_version = publish_region(NEW_SERVICE, NO_CLOSURES);
    CHECK_INT(expected_version, 1);
    CHECK(fixture_pump(&f, running_expected, 60000));
    CHECK(fixture_tap(&f, "Prendre un ticket"));
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_SERVICES);
    CHECK(kiosk_frame_has_text(f.k, "Chèque énergie 2027"));
    fprintf(stderr, "publish at HQ -> new service on the services screen: %lld ms (in-process collector, "
                    "loopback channel, dummy video driver)\n",
            (long long)(wall_ms() - t0));
    shot("services-after-publish.png");
}

static void nothing_lands_while_a_visitor_is_mid_flow(void)
{
    /* Still on the services screen: a visitor is choosing. */
    expected_version = 2;
    CHECK_INT(publish_region(RENAMED, NO_CLOSURES), 2);
    CHECK(fixture_pump(&f, woken_past, 60000));
    fixture_pump(&f, NULL, 0);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_SERVICES);
    CHECK_INT(f.cfg.business_version, 1);
    CHECK(kiosk_frame_has_text(f.k, "Chèque énergie 2027"));
    /* The visitor leaves (idle reset): home, and the waiting document applies. */
    fixture_advance(&f, 120 * 1000);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
    CHECK(fixture_pump(&f, running_expected, 60000));
    CHECK(fixture_tap(&f, "Prendre un ticket"));
    CHECK(kiosk_frame_has_text(f.k, "Chèque énergie (renouvellement)"));
    fixture_advance(&f, 120 * 1000);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
}

static void an_exceptional_closure_shows_the_closed_screen_that_day(void)
{
    char today[32], closures[96];
    time_t t = (time_t)(f.now_ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
    snprintf(closures, sizeof closures, "{\"public_holidays\": false, \"dates\": [\"%s\"]}", today);
    expected_version = 3;
    CHECK_INT(publish_region(RENAMED, closures), 3);
    CHECK(fixture_pump(&f, running_expected, 60000));
    CHECK(fixture_pump(&f, screen_closed, 60000));
    shot("closed-exceptional.png");
    /* The next day the kiosk opens again by itself. */
    f.now_ms += 24 * 3600 * 1000;
    fixture_advance(&f, 0);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
}

static void a_public_holiday_shows_the_closed_screen(void)
{
    /* Wednesday 11 November 2026 (Armistice), 10:00: open while holidays do not close. */
    f.now_ms = testlib_local_time(2026, 11, 11, 10, 0, 0) * 1000;
    fixture_advance(&f, 0);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
    expected_version = 4;
    CHECK_INT(publish_region(RENAMED, "{\"public_holidays\": true}"), 4);
    CHECK(fixture_pump(&f, running_expected, 60000));
    CHECK(fixture_pump(&f, screen_closed, 60000));
    shot("closed-public-holiday.png");
    /* Thursday 12th is an ordinary day. */
    f.now_ms = testlib_local_time(2026, 11, 12, 10, 0, 0) * 1000;
    fixture_advance(&f, 0);
    CHECK_INT(kiosk_current_screen(f.k), KIOSK_HOME);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (!fleet_hq_start(&hq, "kiosk_fleet_hq", 1) || !open_board())
        return 1;
    RUN(a_published_service_appears_on_the_services_screen);
    RUN(nothing_lands_while_a_visitor_is_mid_flow);
    RUN(an_exceptional_closure_shows_the_closed_screen_that_day);
    RUN(a_public_holiday_shows_the_closed_screen);
    channel_free(ch); /* first: its thread runs the fleet's handler */
    fixture_close(&f);
    fleet_stop(fl);
    fleet_hq_stop(&hq);
    curl_global_cleanup();
    return testlib_finish();
}
