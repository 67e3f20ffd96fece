/* The desk appliance as agents see it, at every board size (7" 800×480, 10" 1024×600 and
 * 1280×800, the 21.5" upright 1080×1920), with the worst content a desk meets: a two-digit desk,
 * ten services with long names, three-digit waiting counts, a priority visitor recalled, an
 * appointment with a long note, the transfer choice, the hub gone. Every frame goes through the
 * frame checks (no text cut or ellipsised, no text on another, targets >= 15 mm, contrast >= 7:1)
 * and is written as appliance-<W>x<H>-<state>.png under the build tree for a person to look at. */
#include <stdio.h>
#include <string.h>

#include "borne/appliance.h"
#include "borne/ui_check.h"
#include "test_hub_support.h"
#include "testlib.h"

static th_fixture F;


typedef struct profile {
    int w, h;
    double w_mm, h_mm;
} profile;

/* The boards' panels (board/<name>/borne-board.ini and their notes). */
static const profile PROFILES[] = {
    {800, 480, 155, 86}, {1024, 600, 222, 125}, {1280, 800, 217, 136}, {1080, 1920, 268, 476},
};

/* Agents sit at arm's length from the desk screen: the kiosk's 5 mm body text (DESIGN.md §9,
 * read standing by everyone) is more than they need; targets and contrast keep the kiosk's rules. */
static ui_rules desk_rules(void)
{
    ui_rules r = ui_rules_kiosk();
    r.min_cap_mm = 3.0;
    return r;
}

static bool pump(appliance *a, bool (*pred)(const client_view *))
{
    int64_t until = th_usec() + 8000000;
    client_view v;
    do {
        SDL_Event e;
        if (SDL_WaitEventTimeout(&e, 20))
            appliance_handle_event(a, &e);
        appliance_get_view(a, &v);
        if (pred(&v)) {
            appliance_draw(a, th_now(&F));
            return true;
        }
    } while (th_usec() < until);
    return false;
}

static bool has_state(const client_view *v) { return v->have_state && v->connected && !v->busy; }
static bool is_open(const client_view *v) { return !v->busy && v->counter_state == LAN_COUNTER_OPEN; }
static bool recalled(const client_view *v) { return !v->busy && v->has_ticket && v->ticket.recalls > 0; }
static bool has_note(const client_view *v) { return !v->busy && v->has_appointment; }
static bool no_ticket(const client_view *v) { return !v->busy && v->connected && !v->has_ticket; }
static bool offline(const client_view *v) { return !v->connected; }
static bool idle(const client_view *v) { return !v->busy; }

static bool tap(appliance *a, const char *label)
{
    ui_report rep = ui_get_report(appliance_get_ui(a));
    for (int i = 0; i < rep.n_targets; i++) {
        if (strcmp(rep.targets[i].label, label) != 0)
            continue;
        SDL_Rect r = rep.targets[i].rect;
        SDL_Event e = {0};
        e.button.type = SDL_MOUSEBUTTONDOWN;
        e.button.button = SDL_BUTTON_LEFT;
        e.button.x = r.x + r.w / 2;
        e.button.y = r.y + r.h / 2;
        appliance_handle_event(a, &e);
        e.button.type = SDL_MOUSEBUTTONUP;
        appliance_handle_event(a, &e);
        return true;
    }
    fprintf(stderr, "   no target \"%s\" on screen\n", label);
    return false;
}

/* Checks the frame just drawn and writes it. */
static void shot(appliance *a, const profile *p, const char *state)
{
    ui_rules rules = desk_rules();
    ui_check_result res;
    ui *u = appliance_get_ui(a);
    int problems = ui_check_frame(u, &rules, &res);
    char name[96];
    snprintf(name, sizeof name, "appliance-%dx%d-%s.png", p->w, p->h, state);
    CHECK_INT(ui_save_png(u, testlib_path(F.dir, name)), 0);
    if (problems)
        fprintf(stderr, "   %s:\n%s", name, res.problems);
    CHECK_INT(problems, 0);
}

static void walk(const profile *p)
{
    SDL_Window *w = SDL_CreateWindow("desk", 0, 0, p->w, p->h, 0);
    SDL_Renderer *r = w ? SDL_CreateRenderer(w, -1, SDL_RENDERER_SOFTWARE) : NULL;
    if (!CHECK(r != NULL))
        return;
    char url[64], err[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", F.port);
    appliance_options o = {.assets_dir = getenv("BORNE_ASSETS"), .hub_url = url, .counter_id = 12,
                           .token = TH_TOKEN1, .width_mm = p->w_mm, .height_mm = p->h_mm,
                           .readback = true, .client = {.retry_ms = 100}};
    appliance *a = NULL;
    CHECK_INT(appliance_create(&a, r, &o, err, sizeof err), 0);
    if (!a)
        goto end;
    CHECK(pump(a, has_state));
    shot(a, p, "closed");
    CHECK(tap(a, "Ouvrir"));
    CHECK(pump(a, is_open));
    shot(a, p, "open");
    CHECK(tap(a, "Appeler le suivant"));
    CHECK(pump(a, idle));
    CHECK(tap(a, "Rappeler"));
    CHECK(pump(a, recalled));
    shot(a, p, "called");
    CHECK(tap(a, "Transférer"));
    CHECK(pump(a, idle));
    shot(a, p, "transfer");
    CHECK(tap(a, "Annuler"));
    CHECK(pump(a, idle));
    CHECK(tap(a, "Terminé"));
    CHECK(pump(a, no_ticket));

    queue_appointment rdv = {.code = "RDV-W", .at = th_now(&F) - 60, .service = 'K',
                             .counter_id = 12,
                             .note = "Deuxième rendez-vous : apporter l'avis d'imposition, le "
                                     "justificatif de domicile et le relevé d'identité bancaire"};
    snprintf(rdv.code, sizeof rdv.code, "RDV-%dX%d", p->w, p->h);
    CHECK_INT(queue_appointment_upsert(F.q, th_now(&F), &rdv), QUEUE_OK);
    queue_issued ci;
    CHECK_INT(queue_check_in(F.q, th_now(&F), rdv.code, &ci), QUEUE_OK);
    /* Called through the API, as another screen of the same desk would: the appliance must
     * learn the visitor and the note from the hub. (A tap here was once not taken in CI, right
     * after "Terminé" — not understood yet; see the closing note.) */
    th_response resp;
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/12/call-next", TH_TOKEN1, NULL, NULL, &resp), 200);
    th_response_free(&resp);
    CHECK(pump(a, has_note));
    shot(a, p, "appointment");
    if (p->w_mm < 190) {   /* a 7" panel keeps the note and the waiting list on a second page */
        CHECK(tap(a, "Détails"));
        CHECK(pump(a, idle));
        shot(a, p, "details");
        CHECK(tap(a, "Retour"));
        CHECK(pump(a, idle));
    }
    CHECK(tap(a, "Terminé"));
    CHECK(pump(a, no_ticket));

    th_hub_down(&F);
    CHECK(pump(a, offline));
    shot(a, p, "offline");
    th_hub_up(&F);
    CHECK(pump(a, has_state));
    CHECK(tap(a, "Fermer"));
    CHECK(pump(a, idle));
end:
    appliance_destroy(a);
    if (r)
        SDL_DestroyRenderer(r);
    if (w)
        SDL_DestroyWindow(w);
}

static void test_every_size(void)
{
    CHECK_INT(SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS), 0);
    /* Three-digit counts and a long wait in every service; the first called is a priority
     * visitor of the longest-named service. */
    queue_issue_opts prio = {.priority = true};
    queue_issued is;
    CHECK_INT(queue_issue(F.q, th_now(&F) - 3000, 'C', &prio, &is), QUEUE_OK);
    const char letters[] = "ABCDEFGHJ";
    for (int i = 0; i < 180; i++)
        CHECK_INT(queue_issue(F.q, th_now(&F) - 2900 + i, letters[i % 9], NULL, &is), QUEUE_OK);
    for (int i = 0; i < 110; i++)
        CHECK_INT(queue_issue(F.q, th_now(&F) - 2000 + i, 'A', NULL, &is), QUEUE_OK);
    for (size_t i = 0; i < sizeof PROFILES / sizeof PROFILES[0]; i++)
        walk(&PROFILES[i]);
    fprintf(stderr, "   screenshots: %s/appliance-*.png\n", F.dir);
    SDL_Quit();
}

int main(void)
{
    th_start_ini(&F, "appliance_screens", false, TH_WORST_INI);
    RUN(test_every_size);
    th_stop(&F);
    return testlib_finish();
}
