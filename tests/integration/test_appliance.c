/* The counter appliance's screen, offscreen (SDL dummy video, software renderer) against a real
 * hub: an agent taps Ouvrir then "Appeler le suivant"; the engine has the ticket called and the
 * screen shows it; with the hub gone the screen says so. Then a checked-in appointment is
 * called: its time and private note are drawn under the visitor, also by an appliance started
 * afterwards (which must ask the hub for them), and they go once the visitor is done. Writes
 * appliance.png and appliance_note.png. */
#include <stdio.h>
#include <string.h>

#include "borne/appliance.h"
#include "test_hub_support.h"
#include "testlib.h"

static th_fixture F;

/* Handles events until pred holds on the app's view (or 8 s pass), redrawing as it goes. */
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

static bool has_state(const client_view *v) { return v->have_state && v->connected; }
static bool is_open(const client_view *v) { return !v->busy && v->counter_state == LAN_COUNTER_OPEN; }
static bool has_ticket(const client_view *v) { return !v->busy && v->has_ticket; }
static bool offline(const client_view *v) { return !v->connected; }
static bool has_note(const client_view *v) { return !v->busy && v->has_appointment; }
static bool no_ticket(const client_view *v) { return !v->busy && v->connected && !v->has_ticket; }

/* Taps the target labelled `label` in the last frame; false if there is none. */
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
    return false;
}

static bool drawn(appliance *a, const char *needle)
{
    ui_report rep = ui_get_report(appliance_get_ui(a));
    for (int i = 0; i < rep.n_texts; i++)
        if (strstr(rep.texts[i].text, needle))
            return true;
    return false;
}

static void test_counter_screen(void)
{
    CHECK_INT(SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS), 0);
    SDL_Window *w = SDL_CreateWindow("counter", 0, 0, 1024, 600, 0);
    SDL_Renderer *r = w ? SDL_CreateRenderer(w, -1, SDL_RENDERER_SOFTWARE) : NULL;
    CHECK(r != NULL);
    char url[64], err[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", F.port);
    appliance_options o = {.assets_dir = getenv("BORNE_ASSETS"), .hub_url = url, .counter_id = 1,
                           .token = TH_TOKEN1, .width_mm = 217, .height_mm = 136, .readback = true,
                           .client = {.retry_ms = 100}};
    appliance *a = NULL;
    CHECK_INT(appliance_create(&a, r, &o, err, sizeof err), 0);
    if (!a)
        return;
    queue_issued is;
    CHECK_INT(queue_issue(F.q, th_now(&F), 'F', NULL, &is), QUEUE_OK);
    CHECK(pump(a, has_state));
    CHECK(drawn(a, "Guichet 1 · fermé"));
    CHECK(!tap(a, "Appeler le suivant"));     /* a closed counter has no call button */
    CHECK(tap(a, "Ouvrir"));
    CHECK(pump(a, is_open));
    CHECK(tap(a, "Appeler le suivant"));
    CHECK(pump(a, has_ticket));
    CHECK(drawn(a, "F001"));
    CHECK(drawn(a, "Formation et emploi · appelé"));
    queue_ticket t;
    CHECK_INT(queue_get_ticket(F.q, is.ticket.id, &t), QUEUE_OK);
    CHECK_INT(t.state, QUEUE_CALLED);
    CHECK_INT(t.counter_id, 1);
    CHECK_INT(ui_save_png(appliance_get_ui(a), testlib_path(F.dir, "appliance.png")), 0);
    fprintf(stderr, "   screenshot: %s\n", testlib_path(F.dir, "appliance.png"));

    th_hub_down(&F);
    CHECK(pump(a, offline));
    CHECK(drawn(a, "Hub injoignable, reconnexion…"));
    th_hub_up(&F);
    CHECK(pump(a, has_state));

    /* an appointment for F, due at 09:55, checked in at the kiosk, then called */
    queue_appointment rdv = {.code = "RDV-UI-1", .at = th_now(&F) - 300, .service = 'F',
                             .note = "Dossier Pôle emploi, deuxième rendez-vous"};
    CHECK_INT(queue_appointment_upsert(F.q, th_now(&F), &rdv), QUEUE_OK);
    queue_issued ci;
    CHECK_INT(queue_check_in(F.q, th_now(&F), "RDV-UI-1", &ci), QUEUE_OK);
    CHECK(pump(a, has_ticket));
    CHECK(!drawn(a, "Rendez-vous de"));     /* F001 is a walk-in */
    CHECK(tap(a, "Terminé"));
    CHECK(pump(a, no_ticket));
    CHECK(tap(a, "Appeler le suivant"));
    CHECK(pump(a, has_note));
    CHECK(drawn(a, ci.ticket.label));
    CHECK(drawn(a, "Rendez-vous de 09:55 — note : Dossier Pôle emploi, deuxième rendez-vous"));
    CHECK_INT(ui_save_png(appliance_get_ui(a), testlib_path(F.dir, "appliance_note.png")), 0);
    fprintf(stderr, "   screenshot: %s\n", testlib_path(F.dir, "appliance_note.png"));

    /* an appliance started now learns the note from the hub, not from its own call */
    appliance_destroy(a);
    a = NULL;
    CHECK_INT(appliance_create(&a, r, &o, err, sizeof err), 0);
    if (!a)
        return;
    CHECK(pump(a, has_note));
    CHECK(drawn(a, "Rendez-vous de 09:55 — note : Dossier Pôle emploi"));
    CHECK(tap(a, "Terminé"));
    CHECK(pump(a, no_ticket));
    CHECK(!drawn(a, "Dossier Pôle emploi"));
    client_view v;
    appliance_get_view(a, &v);
    CHECK(!v.has_appointment && v.appointment.note[0] == '\0');

    appliance_destroy(a);
    SDL_DestroyRenderer(r);
    SDL_DestroyWindow(w);
    SDL_Quit();
}

int main(void)
{
    th_start(&F, "appliance", false);
    RUN(test_counter_screen);
    th_stop(&F);
    return testlib_finish();
}
