/* The counter appliance's screen, offscreen (SDL dummy video, software renderer) against a real
 * hub: an agent taps Ouvrir then "Appeler le suivant"; the engine has the ticket called and the
 * screen shows it; with the hub gone the screen says so. Then a checked-in appointment is
 * called: its time and private note are drawn under the visitor, also by an appliance started
 * afterwards (which must ask the hub for them), and they go once the visitor is done. What the
 * desk records (test_outcomes): each outcome, a referral to a partner of the antenne's list and
 * contacts by phone and e-mail, one tap each, reach the engine's aggregates that go to HQ. Then
 * the safety alarm, end to end (test_alarm). Writes appliance-1024x600-*.png. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "test_appliance_support.h"
#include "testlib.h"

#define WAIT_MS 8000

static th_fixture F;

static bool has_state(const client_view *v) { return v->have_state && v->connected; }
static bool is_open(const client_view *v) { return !v->busy && v->counter_state == LAN_COUNTER_OPEN; }
static bool has_ticket(const client_view *v) { return !v->busy && v->has_ticket; }
static bool offline(const client_view *v) { return !v->connected; }
static bool has_note(const client_view *v) { return !v->busy && v->has_appointment; }
static bool no_ticket(const client_view *v) { return !v->busy && v->connected && !v->has_ticket; }

static void test_counter_screen(void)
{
    ta_desk d;
    if (!ta_open(&d, &F, 1, TH_TOKEN1, 1024, 600, 217, 136))
        goto end;
    queue_issued is;
    CHECK_INT(queue_issue(F.q, th_now(&F), 'F', NULL, &is), QUEUE_OK);
    CHECK(ta_pump(&d, has_state, WAIT_MS));
    CHECK(ta_drawn(&d, "Guichet 1 · fermé"));
    CHECK(!ta_tap(&d, "Appeler le suivant"));     /* a closed counter has no call button */
    CHECK(ta_tap(&d, "Ouvrir"));
    CHECK(ta_pump(&d, is_open, WAIT_MS));
    CHECK(ta_tap(&d, "Appeler le suivant"));
    CHECK(ta_pump(&d, has_ticket, WAIT_MS));
    CHECK(ta_drawn(&d, "F001"));
    CHECK(ta_drawn(&d, "Formation et emploi · appelé"));
    queue_ticket t;
    CHECK_INT(queue_get_ticket(F.q, is.ticket.id, &t), QUEUE_OK);
    CHECK_INT(t.state, QUEUE_CALLED);
    CHECK_INT(t.counter_id, 1);
    ta_shot(&d, "called", NULL);

    th_hub_down(&F);
    CHECK(ta_pump(&d, offline, WAIT_MS));
    CHECK(ta_drawn(&d, "Hub injoignable, reconnexion…"));
    th_hub_up(&F);
    CHECK(ta_pump(&d, has_state, WAIT_MS));

    /* an appointment for F, due at 09:55, checked in at the kiosk, then called */
    queue_appointment rdv = {.code = "RDV-UI-1", .at = th_now(&F) - 300, .service = 'F',
                             .note = "Dossier Pôle emploi, deuxième rendez-vous"};
    CHECK_INT(queue_appointment_upsert(F.q, th_now(&F), &rdv), QUEUE_OK);
    queue_issued ci;
    CHECK_INT(queue_check_in(F.q, th_now(&F), "RDV-UI-1", &ci), QUEUE_OK);
    CHECK(ta_pump(&d, has_ticket, WAIT_MS));
    CHECK(!ta_drawn(&d, "Rendez-vous de"));     /* F001 is a walk-in */
    CHECK(ta_tap(&d, "Réponse sur place"));
    CHECK(ta_pump(&d, no_ticket, WAIT_MS));
    CHECK(ta_tap(&d, "Appeler le suivant"));
    CHECK(ta_pump(&d, has_note, WAIT_MS));
    CHECK(ta_drawn(&d, ci.ticket.label));
    CHECK(ta_drawn(&d, "Rendez-vous de 09:55 — note : Dossier Pôle emploi, deuxième rendez-vous"));
    ta_shot(&d, "note", NULL);

    /* an appliance started now learns the note from the hub, not from its own call */
    ta_close(&d);
    if (!ta_open(&d, &F, 1, TH_TOKEN1, 1024, 600, 217, 136))
        goto end;
    CHECK(ta_pump(&d, has_note, WAIT_MS));
    CHECK(ta_drawn(&d, "Rendez-vous de 09:55 — note : Dossier Pôle emploi"));
    CHECK(ta_tap(&d, "Réponse sur place"));
    CHECK(ta_pump(&d, no_ticket, WAIT_MS));
    CHECK(!ta_drawn(&d, "Dossier Pôle emploi"));
    client_view v;
    appliance_get_view(d.a, &v);
    CHECK(!v.has_appointment && v.appointment.note[0] == '\0');
end:
    ta_close(&d);
}

/* ---- what the desk records -------------------------------------------------------------------- */

typedef struct recorded {
    int outcomes[CONTRACT_OUTCOMES_N], channels[CONTRACT_CHANNELS_N], caf, france_travail;
} recorded;

static int add_bucket(const queue_bucket *b, void *ctx)
{
    recorded *r = ctx;
    for (int i = 0; i < CONTRACT_OUTCOMES_N; i++)
        r->outcomes[i] += b->outcomes[i];
    for (int i = 0; i < CONTRACT_CHANNELS_N; i++)
        r->channels[i] += b->channels[i];
    for (int i = 0; i < b->n_partners; i++) {
        r->caf += strcmp(b->partners[i].id, "caf") == 0 ? b->partners[i].n : 0;
        r->france_travail += strcmp(b->partners[i].id, "france-travail") == 0 ? b->partners[i].n : 0;
    }
    return 0;
}

/* What the engine's aggregates (the buckets the uploader sends to HQ) say for the fixture's day. */
static recorded aggregates(void)
{
    recorded r = {0};
    CHECK_INT(queue_aggregates(F.q, "2026-11-23", "2026-11-23", add_bucket, &r), QUEUE_OK);
    return r;
}

static bool idle(const client_view *v) { return !v->busy; }
static bool said_done(const client_view *v) { return !v->busy && !v->has_ticket && strstr(v->message, " terminé · "); }
static bool said_counted(const client_view *v) { return !v->busy && strstr(v->message, "Contact compté · "); }

/* Calls the next visitor, then finishes the visit by tapping `outcome` (and, for a referral,
 * `partner` in the picker); the desk's words confirm it. */
static void visit(ta_desk *d, const char *outcome, const char *partner, const char *confirm)
{
    CHECK(ta_tap(d, "Appeler le suivant"));
    CHECK(ta_pump(d, has_ticket, WAIT_MS));
    CHECK(ta_tap(d, outcome));
    if (partner) {
        CHECK(ta_pump(d, idle, WAIT_MS));
        CHECK(ta_tap(d, partner));
    }
    CHECK(ta_pump(d, said_done, WAIT_MS));
    if (!CHECK(ta_drawn(d, confirm)))
        fprintf(stderr, "   expected \"%s\" on screen\n", confirm);
}

static void test_outcomes(void)
{
    ta_desk d;
    if (!ta_open(&d, &F, 1, TH_TOKEN1, 1024, 600, 217, 136))
        goto end;
    queue_issued is;
    for (int i = 0; i < 6; i++)
        CHECK_INT(queue_issue(F.q, th_now(&F), 'A', NULL, &is), QUEUE_OK);
    CHECK(ta_pump(&d, is_open, WAIT_MS));
    recorded before = aggregates();

    visit(&d, "Réponse sur place", NULL, "terminé · Réponse sur place");
    visit(&d, "Aide à une démarche en ligne", NULL, "terminé · Aide à une démarche en ligne");
    visit(&d, "Rendez-vous à suivre", NULL, "terminé · Rendez-vous à suivre");
    visit(&d, "Orienté vers un partenaire", "CAF de l'Aisne", "terminé · Orienté vers CAF de l'Aisne");
    visit(&d, "Orienté vers un partenaire", "Autre partenaire", "terminé · Orienté vers un partenaire");
    /* the picker can be left: the visitor is still there, nothing recorded */
    CHECK(ta_tap(&d, "Appeler le suivant"));
    CHECK(ta_pump(&d, has_ticket, WAIT_MS));
    CHECK(ta_tap(&d, "Orienté vers un partenaire"));
    CHECK(ta_drawn(&d, "France Travail"));
    ta_shot(&d, "partners", NULL);
    CHECK(ta_tap(&d, "Annuler"));
    CHECK(ta_pump(&d, has_ticket, WAIT_MS));
    CHECK(ta_tap(&d, "Orienté vers un partenaire"));
    CHECK(ta_tap(&d, "France Travail"));
    CHECK(ta_pump(&d, said_done, WAIT_MS));

    /* contacts by another channel, between visitors */
    for (int i = 0; i < 2; i++) {
        CHECK(ta_tap(&d, "Téléphone"));
        CHECK(ta_pump(&d, said_counted, WAIT_MS));
    }
    CHECK(ta_drawn(&d, "Contact compté · Téléphone"));
    CHECK(ta_tap(&d, "Courriel"));
    CHECK(ta_pump(&d, said_counted, WAIT_MS));
    CHECK(ta_drawn(&d, "Contact compté · Courriel"));
    ta_shot(&d, "contacts", NULL);

    recorded after = aggregates();
    CHECK_INT(after.outcomes[CONTRACT_OUTCOME_ANSWERED - 1] - before.outcomes[CONTRACT_OUTCOME_ANSWERED - 1], 1);
    CHECK_INT(after.outcomes[CONTRACT_OUTCOME_ONLINE_HELP - 1] - before.outcomes[CONTRACT_OUTCOME_ONLINE_HELP - 1], 1);
    CHECK_INT(after.outcomes[CONTRACT_OUTCOME_APPOINTMENT - 1] - before.outcomes[CONTRACT_OUTCOME_APPOINTMENT - 1], 1);
    CHECK_INT(after.outcomes[CONTRACT_OUTCOME_PARTNER - 1] - before.outcomes[CONTRACT_OUTCOME_PARTNER - 1], 3);
    CHECK_INT(after.caf - before.caf, 1);
    CHECK_INT(after.france_travail - before.france_travail, 1);
    CHECK_INT(after.channels[CONTRACT_CHANNEL_PHONE - 1] - before.channels[CONTRACT_CHANNEL_PHONE - 1], 2);
    CHECK_INT(after.channels[CONTRACT_CHANNEL_EMAIL - 1] - before.channels[CONTRACT_CHANNEL_EMAIL - 1], 1);
end:
    ta_close(&d);
}

/* ---- the safety alarm ------------------------------------------------------------------------- */

static const lan_alarm *alarm_of(const client_view *v, const char *desk, bool active)
{
    for (int i = 0; i < v->n_alarms; i++)
        if (strcmp(v->alarms[i].desk, desk) == 0 && (v->alarms[i].cleared_at == 0) == active)
            return &v->alarms[i];
    return NULL;
}

static bool alarm_ready(const client_view *v) { return v->have_state && v->alarm_link; }
static bool raising(const client_view *v) { return v->alarm_busy || v->n_alarms > 0; }
static bool own_raised(const client_view *v) { return !v->alarm_busy && alarm_of(v, "Guichet 1", true); }
static bool own_acked(const client_view *v)
{
    const lan_alarm *a = alarm_of(v, "Guichet 1", true);
    return a && a->n_acks > 0;
}
static bool own_unreachable(const client_view *v)
{
    const lan_alarm *a = alarm_of(v, "Guichet 1", true);
    return a && a->relay == LAN_ALARM_RELAY_UNREACHABLE;
}
static bool own_sent(const client_view *v)
{
    const lan_alarm *a = alarm_of(v, "Guichet 1", true);
    return a && a->relay == LAN_ALARM_RELAY_SENT;
}
static bool own_cleared(const client_view *v) { return !alarm_of(v, "Guichet 1", true) && alarm_of(v, "Guichet 1", false); }
static bool not_sent_yet(const client_view *v) { return strstr(v->alarm_message, "pas encore envoyée") != NULL; }
static bool paused(const client_view *v) { return !v->busy && v->counter_state == LAN_COUNTER_PAUSED; }
static bool other_heard(const client_view *v) { return alarm_of(v, "Guichet 2", true) != NULL; }
static bool other_answered(const client_view *v)
{
    const lan_alarm *a = alarm_of(v, "Guichet 2", true);
    for (int i = 0; a && i < a->n_acks; i++)
        if (strcmp(a->acks[i].who, "Guichet 1") == 0)
            return true;
    return false;
}
static bool other_cleared(const client_view *v) { return !alarm_of(v, "Guichet 2", true) && alarm_of(v, "Guichet 2", false); }

static int64_t own_alarm_id(ta_desk *d)
{
    client_view v;
    appliance_get_view(d->a, &v);
    const lan_alarm *a = alarm_of(&v, "Guichet 1", true);
    return a ? a->id : 0;
}

static long post(const char *path, const char *token, const char *body, char *answer, size_t cap)
{
    th_response r;
    long st = th_http(&F, "POST", path, token, NULL, body, &r);
    if (answer)
        snprintf(answer, cap, "%s", r.body ? r.body : "");
    th_response_free(&r);
    return st;
}

/* Raised on the appliance by pressing and holding "Alerte" (a tap or a short press raise
 * nothing); heard on desk 3's alarm stream; desk 3's answer, then "transmise au siège" or not,
 * shown on the raiser's appliance; cleared there with a reason. A raise while the hub is away
 * says so at once and goes when the hub is back. Then another desk's alarm on this paused desk:
 * banner, tone until answered, "J'arrive" tapped reaches the others. */
static void test_alarm(void)
{
    ta_desk d;
    th_sse *desk3 = th_sse_open_at(F.port, "/api/v1/alarms/events", TH_TOKEN3, NULL);
    if (!ta_open(&d, &F, 1, TH_TOKEN1, 1024, 600, 217, 136))
        goto end;
    CHECK(ta_pump(&d, alarm_ready, WAIT_MS));
    CHECK(th_sse_wait(desk3, "event: alarm\n", WAIT_MS));

    CHECK(ta_tap(&d, "Alerte"));
    CHECK(ta_press(&d, "Alerte"));
    ta_run(&d, 800);
    ta_release(&d);
    ta_run(&d, LAN_ALARM_HOLD_MS);
    client_view v;
    appliance_get_view(d.a, &v);
    CHECK(!raising(&v));
    th_response r;
    CHECK_INT(th_http(&F, "GET", "/api/v1/alarms", TH_TOKEN3, NULL, NULL, &r), 200);
    CHECK(r.body && strstr(r.body, "\"alarms\":[]"));
    th_response_free(&r);

    int64_t pressed = th_usec();
    CHECK(ta_press(&d, "Alerte"));
    CHECK(ta_pump(&d, raising, WAIT_MS));
    int64_t raised = th_usec();
    ta_release(&d);
    CHECK(raised - pressed >= LAN_ALARM_HOLD_MS * 1000LL);
    CHECK(th_sse_wait(desk3, "\"desk\":\"Guichet 1\"", WAIT_MS));
    int64_t heard = th_usec();
    CHECK(ta_pump(&d, own_raised, WAIT_MS));
    int64_t id = own_alarm_id(&d);
    CHECK(id > 0);
    CHECK(ta_drawn(&d, "Votre alerte depuis 10:00"));
    CHECK(ta_drawn(&d, "Personne n'a encore répondu."));

    char path[64];
    snprintf(path, sizeof path, "/api/v1/alarms/%lld/ack", (long long)id);
    int64_t acked = th_usec();
    CHECK_INT(post(path, TH_TOKEN3, "{\"kind\":\"arrive\"}", NULL, 0), 200);
    CHECK(ta_pump(&d, own_acked, WAIT_MS));
    int64_t seen = th_usec();
    CHECK(ta_drawn(&d, "Guichet 3 : j'arrive (10:00)"));
    fprintf(stderr, "   held %.2f s; raise → desk 3's alarm stream %.0f ms; desk 3's answer → "
            "appliance %.0f ms (SDL %s video driver, loopback hub)\n", (raised - pressed) / 1e6,
            (heard - raised) / 1e3, (seen - acked) / 1e3, SDL_GetCurrentVideoDriver());

    CHECK_INT(queue_alarm_set_relay(F.q, th_now(&F), id, QUEUE_ALARM_RELAY_UNREACHABLE, 0), QUEUE_OK);
    CHECK(ta_pump(&d, own_unreachable, WAIT_MS));
    CHECK(ta_drawn(&d, "Alerte non transmise : réseau indisponible"));
    queue_alarm qa;
    CHECK_INT(queue_alarm_get(F.q, id, &qa), QUEUE_OK);
    CHECK_INT(queue_alarm_set_relay(F.q, th_now(&F), id, QUEUE_ALARM_RELAY_SENT, qa.revision), QUEUE_OK);
    CHECK(ta_pump(&d, own_sent, WAIT_MS));
    CHECK(ta_drawn(&d, "Alerte transmise au siège"));
    ta_shot(&d, "alarm-raised", NULL);

    CHECK(ta_tap(&d, "Lever l'alerte…"));
    CHECK(ta_tap(&d, "Situation réglée"));
    CHECK(ta_pump(&d, own_cleared, WAIT_MS));
    CHECK(th_sse_wait(desk3, "\"cleared_by\":\"Guichet 1\",\"clear_reason\":\"Situation réglée\"", WAIT_MS));
    CHECK(ta_drawn(&d, "Levée à 10:00 par Guichet 1"));
    CHECK(ta_drawn(&d, "Situation réglée"));
    CHECK(ta_tap(&d, "Masquer"));
    CHECK(!ta_drawn(&d, "Alerte levée"));

    /* the hub away: the raiser is told at once, and the alarm goes when it is back */
    th_hub_down(&F);
    CHECK(ta_press(&d, "Alerte"));
    CHECK(ta_pump(&d, not_sent_yet, WAIT_MS));
    ta_release(&d);
    CHECK(ta_drawn(&d, "Alerte pas encore envoyée : hub injoignable. Téléphonez."));
    th_hub_up(&F);
    th_sse_close(desk3);   /* its stream ended with the hub */
    desk3 = th_sse_open_at(F.port, "/api/v1/alarms/events", TH_TOKEN3, NULL);
    CHECK(ta_pump(&d, own_raised, WAIT_MS));
    CHECK(ta_drawn(&d, "Votre alerte depuis 10:00"));
    CHECK(ta_tap(&d, "Lever l'alerte…"));
    CHECK(ta_tap(&d, "Déclenchée par erreur"));
    CHECK(ta_pump(&d, own_cleared, WAIT_MS));
    CHECK(ta_tap(&d, "Masquer"));

    /* another desk's alarm on this desk, paused */
    CHECK(ta_tap(&d, "Pause"));
    CHECK(ta_pump(&d, paused, WAIT_MS));
    size_t quiet = speech_memory_samples(d.sound, SPEECH_PART_TONE);
    char answer[4096];
    int64_t raised2 = th_usec();
    CHECK_INT(post("/api/v1/counters/2/alarm", TH_TOKEN2, "{}", answer, sizeof answer), 201);
    CHECK(ta_pump(&d, other_heard, WAIT_MS));
    int64_t banner = th_usec();
    CHECK(ta_drawn(&d, "ALERTE — Guichet 2 depuis 10:00"));
    CHECK(ta_drawn(&d, "Guichet 1 · en pause"));
    int64_t until = th_usec() + WAIT_MS * 1000LL;
    while (speech_memory_samples(d.sound, SPEECH_PART_TONE) == quiet && th_usec() < until)
        ta_run(&d, 20);
    CHECK(speech_memory_samples(d.sound, SPEECH_PART_TONE) > quiet);
    fprintf(stderr, "   desk 2's raise → banner on the paused appliance %.0f ms\n",
            (banner - raised2) / 1e3);
    ta_shot(&d, "alarm-received", NULL);
    CHECK(ta_tap(&d, "J'arrive"));
    CHECK(th_sse_wait(desk3, "\"kind\":\"arrive\",\"who\":\"Guichet 1\"", WAIT_MS));
    CHECK(ta_pump(&d, other_answered, WAIT_MS));
    CHECK(ta_drawn(&d, "Guichet 1 : j'arrive (10:00)"));
    CHECK_INT(appliance_next_wakeup_ms(d.a), -1);   /* answered: the tone stops */

    json_t *raised_doc = json_loads(answer, 0, NULL);
    snprintf(path, sizeof path, "/api/v1/alarms/%lld/clear",
             (long long)json_integer_value(json_object_get(json_object_get(raised_doc, "alarm"), "id")));
    json_decref(raised_doc);
    CHECK_INT(post(path, TH_TOKEN2, "{\"reason\":\"Usager reparti calmement\"}", NULL, 0), 200);
    CHECK(ta_pump(&d, other_cleared, WAIT_MS));
    CHECK(ta_drawn(&d, "Alerte levée — Guichet 2"));
    ta_shot(&d, "alarm-cleared", NULL);
    CHECK(ta_drawn(&d, "Levée à 10:00 par Guichet 2"));   /* the report keeps a text's start */
    appliance_get_view(d.a, &v);
    CHECK_STR(alarm_of(&v, "Guichet 2", false)->clear_reason, "Usager reparti calmement");
    CHECK(ta_tap(&d, "Masquer"));
    CHECK(ta_drawn(&d, "—"));   /* the visitor's panel is back */
end:
    ta_close(&d);
    th_sse_close(desk3);
}

int main(void)
{
    th_start(&F, "appliance", false);
    CHECK_INT(SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS), 0);
    RUN(test_counter_screen);
    RUN(test_outcomes);
    RUN(test_alarm);
    SDL_Quit();
    th_stop(&F);
    return testlib_finish();
}
