/* The waiting-room display as the room sees it, on the TVs it runs on (1920×1080 on a 43" set,
 * 1366×768 on a 32" one), with the worst content: twelve calls at desks 12 and 3, ten services
 * with long names, three-digit counts, services with nobody and with no desk open. Every frame
 * goes through the frame checks (no text cut, none on another, contrast >= 7:1) and is written
 * as display-<W>x<H>-<state>.png under the build tree. Before this check the side column
 * dropped the services that did not fit and wrote waits with no legend. */
#include <stdio.h>
#include <string.h>

#include "borne/ui_check.h"
#include "test_display_support.h"
#include "testlib.h"

static th_fixture F;

typedef struct tv {
    int w, h;
    double w_mm, h_mm;
} tv;

static const tv TVS[] = {{1920, 1080, 952, 535}, {1366, 768, 698, 392}};

/* The state and at least *calls calls. */
static bool settled(const client_view *v, const void *calls)
{
    return v->have_state && v->connected && v->n_calls_total >= *(const uint64_t *)calls;
}

static void shot(display_app *a, const tv *t, const char *state)
{
    /* Long after the last highlight: the ring is part of no check. */
    display_draw(a, (int64_t)SDL_GetTicks64() + 600000);
    ui_rules rules = ui_rules_kiosk();
    ui_check_result res;
    ui *u = display_get_ui(a);
    int problems = ui_check_frame(u, &rules, &res);
    char name[96];
    snprintf(name, sizeof name, "display-%dx%d-%s.png", t->w, t->h, state);
    CHECK_INT(ui_save_png(u, testlib_path(F.dir, name)), 0);
    if (problems)
        fprintf(stderr, "   %s:\n%s", name, res.problems);
    CHECK_INT(problems, 0);
}

static long post(const char *path, const char *token)
{
    th_response r;
    long st = th_http(&F, "POST", path, token, NULL, NULL, &r);
    th_response_free(&r);
    return st;
}

static void show(const tv *t, uint64_t calls, const char *state)
{
    td_display d;
    if (td_open(&d, &F, t->w, t->h, t->w_mm, t->h_mm)) {
        CHECK(td_pump(&d, settled, &calls, 8000));
        shot(d.a, t, state);
        /* every service somebody waits for is on screen, with its legend */
        CHECK(td_drawn(d.a, "Aides individuelles (transport, garde d'enfants, permis)"));
        CHECK(td_drawn(d.a, "Jeunesse, orientation et apprentissage"));
        CHECK(td_drawn(d.a, "attente estimée"));
    }
    td_close(&d);
}

static void test_every_tv(void)
{
    CHECK_INT(SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS), 0);
    /* Nobody at a desk yet: a wait estimate would mean nothing. */
    const char letters[] = "ABCDEFGHJ";
    queue_issued is;
    for (int i = 0; i < 9 * 112; i++)   /* three-digit counts */
        CHECK_INT(queue_issue(F.q, th_now(&F) - 3600 + i / 3, letters[i % 9], NULL, &is), QUEUE_OK);
    for (size_t i = 0; i < sizeof TVS / sizeof TVS[0]; i++)
        show(&TVS[i], 0, "morning");
    /* Twelve calls from desks 12 and 3. */
    CHECK_INT(post("/api/v1/counters/12/open", TH_TOKEN1), 200);
    CHECK_INT(post("/api/v1/counters/3/open", TH_TOKEN2), 200);
    for (int i = 0; i < 6; i++) {
        CHECK_INT(post("/api/v1/counters/12/call-next", TH_TOKEN1), 200);
        CHECK_INT(post("/api/v1/counters/12/no-show", TH_TOKEN1), 409);   /* needs a recall */
        CHECK_INT(post("/api/v1/counters/12/recall", TH_TOKEN1), 200);
        CHECK_INT(post("/api/v1/counters/12/no-show", TH_TOKEN1), 200);
        CHECK_INT(post("/api/v1/counters/3/call-next", TH_TOKEN2), 200);
        CHECK_INT(post("/api/v1/counters/3/start", TH_TOKEN2), 200);
        CHECK_INT(post("/api/v1/counters/3/finish", TH_TOKEN2), 200);
    }
    for (size_t i = 0; i < sizeof TVS / sizeof TVS[0]; i++)
        show(&TVS[i], 6, "calls");
    fprintf(stderr, "   screenshots: %s/display-*.png\n", F.dir);
    SDL_Quit();
}

int main(void)
{
    th_start_ini(&F, "display_screens", false, TH_WORST_INI);
    RUN(test_every_tv);
    th_stop(&F);
    return testlib_finish();
}
