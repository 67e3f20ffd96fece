/* The safety alarm on the desk appliance (see include/borne/appliance.h).
 *
 * Raise: the discreet "Alerte" button among the desk's own, held LAN_ALARM_HOLD_MS (as the
 * browser desk), or Ctrl+Alt+A held as long on a desk with a keyboard; a tap does nothing. Hear:
 * another desk's alarm takes the visitor's panel, with its acknowledgement choices in the first
 * row of buttons, and rings every few seconds until this desk answered, whatever the desk's state
 * (paused, closed). The raiser sees who answered, whether the alarm left the antenne ("transmise
 * au siège" or not: then the phone) and clears it with one of a few reasons (a desk screen has no
 * keyboard). Everything comes from the desks' own alarm stream of the hub (borne/client.h), never
 * from the public one the kiosk and the displays read. */
#include "appliance_internal.h"

#include "borne/log.h"
#include "borne/ui_text.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

BORNE_LOG_MODULE("appliance");

#define RING_EVERY_MS 3000
#define HOLD_FRAME_MS 50    /* the hold's progress is redrawn this often */

/* The reasons a raiser clears with (the hub records the words). */
static const char *const REASONS[] = {"Situation réglée", "Déclenchée par erreur"};
#define N_REASONS ((int)(sizeof REASONS / sizeof REASONS[0]))

int appliance_alarm_init(appliance *a, const appliance_options *o, char *errbuf, size_t errlen)
{
    appliance_alarm *al = &a->alarm;
    speech_sink sink;
    if (o->sink) {
        sink = *o->sink;
    } else {
        char why[256];
        if (speech_sdl_open(&al->audio, why, sizeof why) != 0) {
            log_warn("the alarm will be silent on this desk: %s", why);
            return 0;
        }
        sink = speech_sdl_sink(&al->audio);
    }
    al->speech = speech_create(&sink, NULL);
    if (!al->speech) {
        snprintf(errbuf, errlen, "alarm tone: out of memory or threads");
        return -1;
    }
    return 0;
}

void appliance_alarm_fini(appliance *a)
{
    speech_destroy(a->alarm.speech);   /* before the device its sink plays on */
    speech_sdl_close(&a->alarm.audio);
}

/* ---- which alarm, whose ----------------------------------------------------------------------- */

static bool mine(const appliance *a, const lan_alarm *al)
{
    return !al->remote && al->counter == a->counter_id;
}

static bool answered(const appliance *a, const lan_alarm *al)
{
    for (int i = 0; i < al->n_acks; i++)
        if (strcmp(al->acks[i].who, a->view.counter_name) == 0 &&
            strcmp(al->acks[i].antenne, a->view.antenne_id) == 0)
            return true;
    return false;
}

static bool hidden(const appliance *a, int64_t id)
{
    for (int i = 0; i < LAN_ALARMS_MAX; i++)
        if (a->alarm.hidden[i] == id)
            return true;
    return false;
}

/* The alarm the panel shows: an active one (one that waits for this desk's answer first), else
 * a cleared one this desk has not put away; NULL when none. */
static const lan_alarm *current(const appliance *a, int *others_active)
{
    const client_view *v = &a->view;
    const lan_alarm *best = NULL, *cleared = NULL;
    int active = 0;
    for (int i = 0; i < v->n_alarms; i++) {
        const lan_alarm *al = &v->alarms[i];
        if (al->cleared_at) {
            if (!cleared && !hidden(a, al->id))
                cleared = al;
            continue;
        }
        active++;
        bool waits = !mine(a, al) && !answered(a, al);
        if (!best || (waits && (mine(a, best) || answered(a, best))))
            best = al;
    }
    if (others_active)
        *others_active = best ? active - 1 : 0;
    return best ? best : cleared;
}

static bool ringing(const appliance *a)
{
    for (int i = 0; i < a->view.n_alarms; i++) {
        const lan_alarm *al = &a->view.alarms[i];
        if (!al->cleared_at && !mine(a, al) && !answered(a, al))
            return true;
    }
    return false;
}

/* A raise that did not reach the hub, until the agent puts the message away. */
static bool failure_shown(const appliance *a)
{
    const client_view *v = &a->view;
    return v->alarm_message[0] && strcmp(v->alarm_message, a->alarm.hidden_message) != 0;
}

bool appliance_alarm_shown(appliance *a)
{
    return current(a, NULL) || failure_shown(a);
}

/* ---- input and time ----------------------------------------------------------------------------- */

static bool shortcut(const SDL_KeyboardEvent *k)
{
    return k->keysym.sym == SDLK_a && (k->keysym.mod & KMOD_CTRL) && (k->keysym.mod & KMOD_ALT);
}

static void hold_start(appliance *a, bool by_key)
{
    if (a->alarm.hold_since)
        return;
    a->alarm.hold_since = SDL_GetTicks64();
    a->alarm.hold_by_key = by_key;
}

static void hide(appliance *a, const lan_alarm *al)
{
    if (al) {
        memmove(&a->alarm.hidden[1], &a->alarm.hidden[0],
                (LAN_ALARMS_MAX - 1) * sizeof a->alarm.hidden[0]);
        a->alarm.hidden[0] = al->id;
    }
    snprintf(a->alarm.hidden_message, sizeof a->alarm.hidden_message, "%s", a->view.alarm_message);
}

bool appliance_alarm_event(appliance *a, const SDL_Event *e, int id)
{
    appliance_alarm *s = &a->alarm;
    bool changed = false;
    if (e->type == SDL_KEYDOWN && shortcut(&e->key) && !e->key.repeat) {
        hold_start(a, true);
        changed = true;
    } else if (e->type == SDL_KEYUP && s->hold_since && s->hold_by_key) {
        s->hold_since = 0;   /* any key let go ends a held shortcut */
        changed = true;
    }
    /* the button: held while the ui sees it pressed; a release before the time is nothing */
    bool pressed = ui_is_pressed(a->ui, B_ALARM);
    if (pressed && !s->hold_since) {
        hold_start(a, false);
        changed = true;
    } else if (!pressed && s->hold_since && !s->hold_by_key) {
        s->hold_since = 0;
        changed = true;
    }
    const lan_alarm *al = current(a, NULL);
    if (id >= B_ACK0 + 1 && id < B_ACK0 + LAN_ALARM_ACK_COUNT && al)
        client_alarm_ack(a->client, al->id, (lan_alarm_ack)(id - B_ACK0));
    else if (id == B_ALARM_CLEAR)
        s->clearing = true;
    else if (id == B_ALARM_CANCEL)
        s->clearing = false;
    else if (id >= B_REASON0 && id < B_REASON0 + N_REASONS && al) {
        client_alarm_clear(a->client, al->id, REASONS[id - B_REASON0]);
        s->clearing = false;
    } else if (id == B_ALARM_HIDE) {
        hide(a, al && al->cleared_at ? al : NULL);
    }
    return changed;
}

bool appliance_alarm_tick(appliance *a)
{
    appliance_alarm *s = &a->alarm;
    uint64_t now = SDL_GetTicks64();
    bool redraw = false;
    if (s->hold_since && now - s->hold_since >= LAN_ALARM_HOLD_MS) {
        s->hold_since = 0;
        s->hidden_message[0] = '\0';
        if (client_alarm_raise(a->client, false) != 0)
            log_warn("alarm: an alarm operation is still pending, the raise waits for it");
        redraw = true;
    } else if (s->hold_since) {
        redraw = true;   /* the progress */
    }
    if (!ringing(a)) {
        s->rung_at = 0;
    } else if (!s->rung_at || now - s->rung_at >= RING_EVERY_MS) {
        s->rung_at = now;
        speech_item tone = {.tone = SPEECH_TONE_ALARM};
        if (s->speech && speech_say(s->speech, &tone) != 0)
            log_warn("alarm tone: the sound queue is full");
    }
    /* a cleared alarm takes away the reason picker */
    const lan_alarm *al = current(a, NULL);
    if (s->clearing && (!al || al->cleared_at || !mine(a, al))) {
        s->clearing = false;
        redraw = true;
    }
    return redraw;
}

int appliance_alarm_next_ms(appliance *a)
{
    appliance_alarm *s = &a->alarm;
    if (s->hold_since)
        return HOLD_FRAME_MS;
    if (s->rung_at || ringing(a)) {
        uint64_t since = SDL_GetTicks64() - s->rung_at;
        return !s->rung_at || since >= RING_EVERY_MS ? 0 : (int)(RING_EVERY_MS - since);
    }
    return -1;
}

/* ---- drawing ------------------------------------------------------------------------------------ */

static void hhmm(int64_t t, char out[8])
{
    time_t tt = (time_t)t;
    struct tm tm;
    out[0] = '\0';
    if (localtime_r(&tt, &tm))
        strftime(out, 8, "%H:%M", &tm);
}

static const char *relay_words(lan_alarm_relay r)
{
    switch (r) {
    case LAN_ALARM_RELAY_SENT: return "Alerte transmise au siège";
    case LAN_ALARM_RELAY_UNREACHABLE: return "Alerte non transmise : réseau indisponible";
    case LAN_ALARM_RELAY_LOCAL_ONLY: return "Alerte non transmise : pas de liaison avec le siège";
    default: return "Transmission au siège…";
    }
}

/* The acknowledgements in one line: "Guichet 3 : j'arrive (10:42) · Manager, siège : j'appelle
 * (10:43)". */
static void acks_line(const lan_alarm *al, FILE *f)
{
    if (!al->n_acks) {
        fputs(al->cleared_at ? "Aucune réponse." : "Personne n'a encore répondu.", f);
        return;
    }
    for (int i = 0; i < al->n_acks; i++) {
        char at[8], kind[32];
        hhmm(al->acks[i].at, at);
        snprintf(kind, sizeof kind, "%s", lan_alarm_ack_label(al->acks[i].kind));
        if (kind[0])
            kind[0] = 'j';   /* "J'arrive" in the middle of a sentence */
        /* where from, when not from the alarm's antenne: "hq" is the manager at headquarters */
        const char *from = al->acks[i].antenne;
        bool elsewhere = strcmp(from, al->antenne) != 0;
        fprintf(f, "%s%s%s%s : %s (%s)", i ? " · " : "", al->acks[i].who, elsewhere ? ", " : "",
                !elsewhere ? "" : strcmp(from, "hq") == 0 ? "siège" : from, kind, at);
    }
}

void appliance_alarm_draw_panel(appliance *a, const layout *l)
{
    const ui_theme *th = ui_get_theme(a->ui);
    int others = 0;
    const lan_alarm *al = current(a, &others);
    char title[LAN_ALARM_NAME_MAX * 2 + 64], when[8] = "";
    char body[1024] = "";
    FILE *f = fmemopen(body, sizeof body, "w");
    SDL_Color bg = th->alert, fg = th->page;
    if (!al) {
        snprintf(title, sizeof title, "Alerte non envoyée");
        if (f)
            fputs(a->view.alarm_message, f);
    } else {
        hhmm(al->raised_at, when);
        const char *test = al->test ? "TEST — " : "";
        char where[LAN_ALARM_NAME_MAX * 2 + 8];
        snprintf(where, sizeof where, "%s%s%s", al->desk, al->remote ? ", " : "",
                 al->remote ? al->antenne_name : "");
        if (al->cleared_at)
            snprintf(title, sizeof title, "%sAlerte levée — %s", test, where);
        else if (mine(a, al))
            snprintf(title, sizeof title, "%sVotre alerte depuis %s", test, when);
        else
            snprintf(title, sizeof title, "%sALERTE — %s depuis %s", test, where, when);
        if (al->test || al->cleared_at) {
            bg = al->cleared_at ? th->panel : th->band;
            fg = al->cleared_at ? th->ink : th->band_ink;
        }
        if (f && mine(a, al) && !al->cleared_at)
            fprintf(f, "%s\n", relay_words(al->relay));
        if (f && al->escalations)
            fprintf(f, "Escaladée %d fois (courriel, webhook)\n", al->escalations);
        if (f)
            acks_line(al, f);
        if (f && al->cleared_at) {
            char at[8];
            hhmm(al->cleared_at, at);
            fprintf(f, "\nLevée à %s par %s : %s", at, al->cleared_by, al->clear_reason);
        }
        if (f && others)
            fprintf(f, "\n+ %d autre%s alerte%s en cours", others, others > 1 ? "s" : "",
                    others > 1 ? "s" : "");
        if (f && failure_shown(a))
            fprintf(f, "\n%s", a->view.alarm_message);
    }
    if (f)
        fclose(f);
    SDL_Rect r = l->current;
    ui_fill_rounded(a->ui, r, ui_mm(a->ui, 2), bg);
    int pad = ui_mm(a->ui, l->compact ? 1.5 : 4);
    SDL_Rect in = {r.x + pad, r.y + pad, r.w - 2 * pad, r.h - 2 * pad};
    SDL_Rect head = {in.x, in.y, in.w, in.h * 2 / 5};
    SDL_Rect rest = {in.x, head.y + head.h, in.w, in.h - head.h};
    appliance_text(a, head, title, appliance_cap_for(a, head, 7, 0.8), true, fg, UI_ALIGN_START);
    appliance_text(a, rest, body, appliance_cap_for(a, rest, 4.5, 0.3), false, fg, UI_ALIGN_START);
}

int appliance_alarm_draw_rows(appliance *a, const layout *l, const SDL_Rect *rows, int n)
{
    const lan_alarm *al = current(a, NULL);
    int gap = l->gap;
    if (!al || al->cleared_at) {   /* a cleared alarm, or the failure message alone */
        appliance_button(a, l, B_ALARM_HIDE, appliance_cell(rows[0], 2, 3, gap), "Masquer",
                         UI_BUTTON_SECONDARY);
        return 1;
    }
    if (!mine(a, al)) {
        for (int k = 1; k < LAN_ALARM_ACK_COUNT; k++)
            appliance_button(a, l, B_ACK0 + k, appliance_cell(rows[0], k - 1, 3, gap),
                             lan_alarm_ack_label((lan_alarm_ack)k),
                             answered(a, al) ? UI_BUTTON_SECONDARY : UI_BUTTON_PRIMARY);
        return 1;
    }
    if (!a->alarm.clearing) {
        appliance_button(a, l, B_ALARM_CLEAR, rows[0], "Lever l'alerte…", UI_BUTTON_SECONDARY);
        return 1;
    }
    /* the reasons one a row when there is room, else side by side; "Annuler" under them */
    bool stacked = n > N_REASONS;
    for (int i = 0; i < N_REASONS; i++)
        appliance_button(a, l, B_REASON0 + i,
                         stacked ? rows[i] : appliance_cell(rows[0], i, N_REASONS, gap), REASONS[i],
                         UI_BUTTON_PRIMARY);
    int last = stacked ? N_REASONS : 1;
    appliance_button(a, l, B_ALARM_CANCEL, appliance_cell(rows[last], 0, 3, gap), "Annuler",
                     UI_BUTTON_SECONDARY);
    return last + 1;
}

void appliance_alarm_draw_control(appliance *a, const layout *l, SDL_Rect r)
{
    appliance_button(a, l, B_ALARM, r, "Alerte", UI_BUTTON_SECONDARY);
    if (!a->alarm.hold_since)
        return;
    /* the hold's progress along the button's foot: it fills in LAN_ALARM_HOLD_MS */
    uint64_t held = SDL_GetTicks64() - a->alarm.hold_since;
    double f = held >= LAN_ALARM_HOLD_MS ? 1.0 : (double)held / LAN_ALARM_HOLD_MS;
    int h = ui_mm(a->ui, 2);
    ui_fill(a->ui, (SDL_Rect){r.x, r.y + r.h - h, (int)(r.w * f), h}, ui_get_theme(a->ui)->alert);
}
