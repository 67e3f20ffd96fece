/* The desk appliance as agents see it, at every board size (7" 800×480, 10" 1024×600 and
 * 1280×800, the 21.5" upright 1080×1920), with the worst content a desk meets: a two-digit desk,
 * ten services with long names, three-digit waiting counts, a priority visitor recalled, an
 * appointment with a long note, the transfer choice, what the desk records (the four outcomes,
 * sixteen partners with long names over pages, contacts by phone and e-mail), the hub gone, and
 * the safety alarm's states
 * (another desk's, another antenne's with a manager's answer, this desk's own held, raised, not
 * transmitted, its reasons, a cleared one). Every frame goes through the
 * frame checks (no text cut or ellipsised, no text on another, targets >= 15 mm, contrast >= 7:1)
 * and is written as appliance-<W>x<H>-<state>.png under the build tree for a person to look at. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "test_appliance_support.h"
#include "testlib.h"

#define WAIT_MS 8000

static th_fixture F;

/* The most partners an antenne may list (CONTRACT_PARTNERS_MAX), with the longest names. */
static const char PARTNERS_INI[] =
    "[partners]\n"
    "caf-02 = Caisse d'allocations familiales de l'Aisne, accueil sur place\n"
    "cpam-02 = Caisse primaire d'assurance maladie de l'Aisne, Saint-Quentin\n"
    "mdph-02 = Maison départementale des personnes handicapées de l'Aisne\n"
    "ml-sq = Mission locale de l'arrondissement de Saint-Quentin-en-Tourmont\n"
    "ft-sq = France Travail, agence de Saint-Quentin-en-Tourmont Centre\n"
    "ccas-sq = Centre communal d'action sociale de Saint-Quentin-en-Tourmont\n"
    "adil-02 = Agence départementale d'information sur le logement\n"
    "cidff-02 = Centre d'information sur les droits des femmes et des familles\n"
    "msa = Mutualité sociale agricole de Picardie, point d'accueil\n"
    "cma = Chambre de métiers et de l'artisanat Hauts-de-France, Aisne\n"
    "cci = Chambre de commerce et d'industrie de l'Aisne, pôle création\n"
    "fs = France Services, maison de services au public intercommunale\n"
    "pij = Point information jeunesse de la communauté d'agglomération\n"
    "urssaf = Union de recouvrement des cotisations de sécurité sociale\n"
    "dgfip = Service des impôts des particuliers de Saint-Quentin\n"
    "ad-sq = Association départementale d'aide aux victimes et médiation\n";

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

static bool has_state(const client_view *v) { return v->have_state && v->connected && !v->busy; }
static bool is_open(const client_view *v) { return !v->busy && v->counter_state == LAN_COUNTER_OPEN; }
static bool recalled(const client_view *v) { return !v->busy && v->has_ticket && v->ticket.recalls > 0; }
static bool has_note(const client_view *v) { return !v->busy && v->has_appointment; }
static bool no_ticket(const client_view *v) { return !v->busy && v->connected && !v->has_ticket; }
static bool offline(const client_view *v) { return !v->connected; }
static bool idle(const client_view *v) { return !v->busy && !v->alarm_busy; }
static bool all_partners(const client_view *v) { return v->n_partners == CONTRACT_PARTNERS_MAX; }
static bool counted(const client_view *v) { return !v->busy && strstr(v->message, "Contact compté") != NULL; }

/* ---- the alarm's states ---- */

static int n_active(const client_view *v)
{
    int n = 0;
    for (int i = 0; i < v->n_alarms; i++)
        n += v->alarms[i].cleared_at == 0;
    return n;
}
static const lan_alarm *active_of(const client_view *v, int counter)
{
    for (int i = 0; i < v->n_alarms; i++)
        if (!v->alarms[i].cleared_at && !v->alarms[i].remote && v->alarms[i].counter == counter)
            return &v->alarms[i];
    return NULL;
}
static bool none_active(const client_view *v) { return !v->alarm_busy && v->alarm_link && n_active(v) == 0; }
static int answered_here(const client_view *v)
{
    int n = 0;
    for (int i = 0; i < v->n_alarms; i++)
        for (int k = 0; !v->alarms[i].cleared_at && k < v->alarms[i].n_acks; k++)
            n += strcmp(v->alarms[i].acks[k].who, "Guichet 12") == 0;
    return n;
}
static bool heard_with_acks(const client_view *v)
{
    const lan_alarm *a = active_of(v, 3);
    return a && a->n_acks == 1 && n_active(v) == 2 && v->alarms[0].n_acks == 1 &&
           v->alarms[1].n_acks == 1;
}
static bool answered_one(const client_view *v) { return !v->alarm_busy && answered_here(v) == 1; }
static bool answered_two(const client_view *v) { return !v->alarm_busy && answered_here(v) == 2; }
static bool one_active(const client_view *v) { return !v->alarm_busy && n_active(v) == 1; }
static bool raising(const client_view *v) { return v->alarm_busy || active_of(v, 12); }
static bool own_unreachable(const client_view *v)
{
    const lan_alarm *a = active_of(v, 12);
    return a && a->n_acks == 1 && a->relay == LAN_ALARM_RELAY_UNREACHABLE;
}

static int64_t raise_as(const char *path, const char *token)
{
    th_response r;
    CHECK_INT(th_http(&F, "POST", path, token, NULL, "{}", &r), 201);
    json_t *j = json_loads(r.body ? r.body : "", 0, NULL);
    int64_t id = json_integer_value(json_object_get(json_object_get(j, "alarm"), "id"));
    json_decref(j);
    th_response_free(&r);
    return id;
}

/* The alarm's screens, with the longest words they meet: another desk's alarm and one of
 * another antenne of the group (its long name) with a manager's answer; this desk's own alarm,
 * held, answered, not transmitted; the reasons to clear it; a cleared alarm. */
static void walk_alarm(ta_desk *d, const ui_rules *rules)
{
    int64_t now = th_now(&F);
    char uid[48];
    snprintf(uid, sizeof uid, "villeneuve.%dx%d", d->w, d->h);
    queue_alarm_raise_req remote = {.uid = uid, .antenne = "villeneuve-d-ascq",
                                    .antenne_name = "Antenne de Villeneuve-d'Ascq – Hôtel de Région",
                                    .counter_id = 14, .desk = "Guichet 14", .remote = true,
                                    .actor = "hq"};
    int64_t remote_id;
    bool created;
    CHECK_INT(queue_alarm_raise(F.q, now, &remote, &remote_id, &created), QUEUE_OK);
    int64_t other = raise_as("/api/v1/counters/3/alarm", TH_TOKEN2);
    for (int i = 0; i < 2; i++)
        CHECK_INT(queue_alarm_acknowledge(F.q, now, i ? other : remote_id, QUEUE_ALARM_ACK_CALLING,
                                          "Responsable du groupe Sambre-Avesnois", "hq", 0, "hq"),
                  QUEUE_OK);
    CHECK(ta_pump(d, heard_with_acks, WAIT_MS));
    ta_shot(d, "alarm-received", rules);
    CHECK(ta_tap(d, "J'appelle"));   /* the next one waiting for this desk comes in its place */
    CHECK(ta_pump(d, answered_one, WAIT_MS));
    ta_shot(d, "alarm-next", rules);
    CHECK(ta_tap(d, "J'arrive"));
    CHECK(ta_pump(d, answered_two, WAIT_MS));
    CHECK_INT(queue_alarm_clear(F.q, now, remote_id, "Responsable (siège)", "Réglé sur place", 0, "hq"),
              QUEUE_OK);
    CHECK(ta_pump(d, one_active, WAIT_MS));
    ta_shot(d, "alarm-answered", rules);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/alarms/%lld/clear", (long long)other);
    th_response r;
    CHECK_INT(th_http(&F, "POST", path, TH_TOKEN2, NULL,
                      "{\"reason\":\"Usager reparti calmement après l'intervention du voisin\"}", &r), 200);
    th_response_free(&r);
    CHECK(ta_pump(d, none_active, WAIT_MS));
    ta_shot(d, "alarm-cleared", rules);
    for (int i = 0; i < 2 && ta_drawn(d, "Alerte levée"); i++)   /* the remote one, desk 3's */
        CHECK(ta_tap(d, "Masquer"));
    CHECK(!ta_drawn(d, "Alerte levée"));

    CHECK(ta_press(d, "Alerte"));
    ta_run(d, LAN_ALARM_HOLD_MS / 2);
    ta_shot(d, "alarm-hold", rules);
    CHECK(ta_pump(d, raising, WAIT_MS));
    ta_release(d);
    CHECK(ta_pump(d, one_active, WAIT_MS));
    client_view v;
    appliance_get_view(d->a, &v);
    int64_t own = active_of(&v, 12) ? active_of(&v, 12)->id : 0;
    snprintf(path, sizeof path, "/api/v1/alarms/%lld/ack", (long long)own);
    CHECK_INT(th_http(&F, "POST", path, TH_TOKEN2, NULL, "{\"kind\":\"arrive\"}", &r), 200);
    th_response_free(&r);
    CHECK_INT(queue_alarm_set_relay(F.q, th_now(&F), own, QUEUE_ALARM_RELAY_UNREACHABLE, 0), QUEUE_OK);
    CHECK(ta_pump(d, own_unreachable, WAIT_MS));
    ta_shot(d, "alarm-raised", rules);
    CHECK(ta_tap(d, "Lever l'alerte…"));
    CHECK(ta_pump(d, idle, WAIT_MS));
    ta_shot(d, "alarm-reasons", rules);
    CHECK(ta_tap(d, "Situation réglée"));
    CHECK(ta_pump(d, none_active, WAIT_MS));
    CHECK(ta_tap(d, "Masquer"));
    CHECK(ta_pump(d, idle, WAIT_MS));
    /* past the hub's 10 minutes of cleared alarms: the next size's appliance starts without */
    F.now += 11 * 60;
}

static void walk(const profile *p)
{
    ui_rules rules = desk_rules();
    ta_desk d;
    if (!ta_open(&d, &F, 12, TH_TOKEN1, p->w, p->h, p->w_mm, p->h_mm))
        goto end;
    CHECK(ta_pump(&d, has_state, WAIT_MS));
    ta_shot(&d, "closed", &rules);
    CHECK(ta_tap(&d, "Ouvrir"));
    CHECK(ta_pump(&d, is_open, WAIT_MS));
    ta_shot(&d, "open", &rules);
    CHECK(ta_tap(&d, "Appeler le suivant"));
    CHECK(ta_pump(&d, idle, WAIT_MS));
    CHECK(ta_tap(&d, "Rappeler"));
    CHECK(ta_pump(&d, recalled, WAIT_MS));
    ta_shot(&d, "called", &rules);
    CHECK(ta_tap(&d, "Transférer"));
    CHECK(ta_pump(&d, idle, WAIT_MS));
    ta_shot(&d, "transfer", &rules);
    CHECK(ta_tap(&d, "Annuler"));
    CHECK(ta_pump(&d, all_partners, WAIT_MS));
    /* the referral's picker, every page of it */
    CHECK(ta_tap(&d, "Orienté vers un partenaire"));
    CHECK(ta_pump(&d, idle, WAIT_MS));
    ta_shot(&d, "partners", &rules);
    const char *first = "Association départementale d'aide aux victimes et médiation";   /* by name */
    CHECK(ta_drawn(&d, first));
    int pages = 1;
    for (; pages <= CONTRACT_PARTNERS_MAX && ta_drawn(&d, "Suivants"); pages++) {
        CHECK(ta_tap(&d, "Suivants"));
        CHECK(ta_pump(&d, idle, WAIT_MS));
        if (ta_drawn(&d, first))   /* round to the first page */
            break;
        char state[32];
        snprintf(state, sizeof state, "partners-%d", pages + 1);
        ta_shot(&d, state, &rules);
    }
    fprintf(stderr, "   %dx%d: %d partners on %d pages\n", p->w, p->h, CONTRACT_PARTNERS_MAX, pages);
    CHECK(pages > 1);
    CHECK(ta_tap(&d, first));
    CHECK(ta_pump(&d, no_ticket, WAIT_MS));
    CHECK(ta_drawn(&d, "terminé · Orienté vers Association départementale"));
    CHECK(ta_tap(&d, "Téléphone"));
    CHECK(ta_pump(&d, counted, WAIT_MS));
    ta_shot(&d, "contact", &rules);

    queue_appointment rdv = {.code = "RDV-W", .at = th_now(&F) - 60, .service = 'K',
                             .counter_id = 12,
                             .note = "Deuxième rendez-vous : apporter l'avis d'imposition, le "
                                     "justificatif de domicile et le relevé d'identité bancaire"};
    snprintf(rdv.code, sizeof rdv.code, "RDV-%dX%d", p->w, p->h);
    CHECK_INT(queue_appointment_upsert(F.q, th_now(&F), &rdv), QUEUE_OK);
    queue_issued ci;
    CHECK_INT(queue_check_in(F.q, th_now(&F), rdv.code, &ci), QUEUE_OK);
    /* Called through the API, as another screen of the same desk would: the appliance must
     * learn the visitor and the note from the hub. */
    th_response resp;
    CHECK_INT(th_http(&F, "POST", "/api/v1/counters/12/call-next", TH_TOKEN1, NULL, NULL, &resp), 200);
    th_response_free(&resp);
    CHECK(ta_pump(&d, has_note, WAIT_MS));
    ta_shot(&d, "appointment", &rules);
    if (p->w_mm < 190) {   /* a 7" panel keeps the note and the waiting list on a second page */
        CHECK(ta_tap(&d, "Détails"));
        CHECK(ta_pump(&d, idle, WAIT_MS));
        ta_shot(&d, "details", &rules);
        CHECK(ta_tap(&d, "Retour"));
        CHECK(ta_pump(&d, idle, WAIT_MS));
    }
    walk_alarm(&d, &rules);   /* with the visitor in front of the desk */
    CHECK(ta_tap(&d, "Réponse sur place"));
    CHECK(ta_pump(&d, no_ticket, WAIT_MS));

    th_hub_down(&F);
    CHECK(ta_pump(&d, offline, WAIT_MS));
    ta_shot(&d, "offline", &rules);
    th_hub_up(&F);
    CHECK(ta_pump(&d, has_state, WAIT_MS));
    CHECK(ta_tap(&d, "Fermer"));
    CHECK(ta_pump(&d, idle, WAIT_MS));
end:
    ta_close(&d);
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
    static char ini[8192];
    CHECK((size_t)snprintf(ini, sizeof ini, "%s%s", TH_WORST_INI, PARTNERS_INI) < sizeof ini);
    th_start_ini(&F, "appliance_screens", false, ini);
    RUN(test_every_size);
    th_stop(&F);
    return testlib_finish();
}
