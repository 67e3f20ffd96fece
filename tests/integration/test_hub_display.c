/* The waiting-room display, offscreen (SDL dummy video and audio) against a real hub: calls
 * made at two counters are announced in order (sentence, chime queued) and shown; a recall is
 * announced as such; with the hub gone the display says so. Writes hub_display.png. */
#include <stdio.h>
#include <string.h>

#include "borne/shell.h"
#include "borne/display.h"
#include "test_display_support.h"
#include "testlib.h"

static th_fixture F;

static bool announced(display_app *a, const void *n)
{
    return display_announced(a) >= *(const int *)n;
}

/* Handles events until the display has announced `n` calls (or 8 s); exactly n. */
static bool pump_announced(display_app *a, int n)
{
    return td_pump_app(a, announced, &n, 8000, NULL) && display_announced(a) == n;
}

static bool offline(display_app *a, const void *ctx)
{
    (void)ctx;
    return td_drawn(a, "Connexion au hub perdue");
}

/* The recall made A001 the latest call: it is the big number. */
static bool shows_history(display_app *a, const void *ctx)
{
    (void)ctx;
    return td_drawn(a, "A001") && td_drawn(a, "Guichet 1");
}

static long post(const char *path, const char *token)
{
    th_response r;
    long st = th_http(&F, "POST", path, token, NULL, NULL, &r);
    th_response_free(&r);
    return st;
}

static void test_display(void)
{
    CHECK_INT(SDL_Init(SDL_INIT_VIDEO | SDL_INIT_AUDIO | SDL_INIT_EVENTS), 0);
    SDL_Window *w = SDL_CreateWindow("display", 0, 0, 1280, 720, 0);
    SDL_Renderer *r = w ? SDL_CreateRenderer(w, -1, SDL_RENDERER_SOFTWARE) : NULL;
    CHECK(r != NULL);
    char url[64], err[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", F.port);
    display_options o = {.assets_dir = getenv("BORNE_ASSETS"), .hub_url = url, .width_mm = 1020,
                         .height_mm = 575, .readback = true, .sound = true,
                         .client = {.retry_ms = 100}};
    display_app *a = NULL;
    CHECK_INT(display_create(&a, r, &o, err, sizeof err), 0);
    if (!a)
        return;
    CHECK(td_pump_app(a, td_has_state, NULL, 8000, NULL));
    CHECK_INT(display_announced(a), 0);
    queue_issued is;
    CHECK_INT(queue_issue(F.q, th_now(&F), 'A', NULL, &is), QUEUE_OK);
    CHECK_INT(queue_issue(F.q, th_now(&F), 'A', NULL, &is), QUEUE_OK);
    CHECK_INT(post("/api/v1/counters/1/open", TH_TOKEN1), 200);
    CHECK_INT(post("/api/v1/counters/2/open", TH_TOKEN2), 200);
    CHECK_INT(post("/api/v1/counters/1/call-next", TH_TOKEN1), 200);
    CHECK_INT(post("/api/v1/counters/2/call-next", TH_TOKEN2), 200);
    CHECK(pump_announced(a, 2));
    CHECK_STR(display_sentence(a), "Le numéro A002 est attendu au Guichet 2");
    CHECK(td_drawn(a, "A002"));
    CHECK(td_drawn(a, "A001"));   /* among the previous calls */
    CHECK_INT(ui_save_png(display_get_ui(a), testlib_path(F.dir, "hub_display.png")), 0);
    fprintf(stderr, "   screenshot: %s\n", testlib_path(F.dir, "hub_display.png"));

    CHECK_INT(post("/api/v1/counters/1/recall", TH_TOKEN1), 200);
    CHECK(pump_announced(a, 3));
    CHECK_STR(display_sentence(a), "Rappel : le numéro A001 est attendu au Guichet 1");

    th_hub_down(&F);
    CHECK(td_pump_app(a, offline, NULL, 8000, NULL));
    th_hub_up(&F);
    display_destroy(a);

    /* a display started later shows the day's calls without announcing them again */
    CHECK_INT(display_create(&a, r, &o, err, sizeof err), 0);
    if (!a)
        return;
    CHECK(td_pump_app(a, shows_history, NULL, 8000, NULL));
    CHECK(td_drawn(a, "A002"));
    CHECK_INT(display_announced(a), 0);
    CHECK_STR(display_sentence(a), "");
    display_destroy(a);
    SDL_DestroyRenderer(r);
    SDL_DestroyWindow(w);
    SDL_Quit();
}

int main(void)
{
    th_start(&F, "hub_display", false);
    RUN(test_display);
    th_stop(&F);
    return testlib_finish();
}
