/* The desk appliance's screen (see include/borne/appliance.h).
 *
 * Layout in millimetres of the physical screen: the current visitor and the buttons on the
 * left, waiting counts on the right. Buttons that make no sense in the current state are not
 * drawn (rather than greyed): on a touch screen a grey button is still tapped. */
#include "borne/appliance.h"

#include "borne/secret.h"
#include "borne/shell.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "borne/ui_text.h"
#include "borne/ui_widget.h"

enum {
    B_CALL = 1, B_RECALL, B_START, B_FINISH, B_REDIRECT, B_NO_SHOW, B_TRANSFER, B_OPEN, B_PAUSE,
    B_CLOSE, B_CANCEL,
    B_SERVICE0 = 100,   /* + index of the service in the view: transfer target */
};

struct appliance {
    ui *ui;
    client *client;
    client_view view;
    bool picking;       /* transfer: choosing the service */
};

int appliance_create(appliance **out, SDL_Renderer *r, const appliance_options *o, char *errbuf,
                     size_t errlen)
{
    *out = NULL;
    appliance *a = calloc(1, sizeof *a);
    if (!a) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    shell_wake_type();   /* registered here, on the SDL thread, before the client's threads wake */
    ui_options uo = {.assets_dir = o->assets_dir ? o->assets_dir : "assets",
                     .width_mm = o->width_mm, .height_mm = o->height_mm, .readback = o->readback};
    if (ui_create(&a->ui, r, &uo, errbuf, errlen) != 0 ||
        client_start(&a->client, o->hub_url, o->counter_id, o->token, &o->client, shell_wake, NULL,
                     errbuf, errlen) != 0) {
        appliance_destroy(a);
        return -1;
    }
    *out = a;
    return 0;
}

void appliance_destroy(appliance *a)
{
    if (!a)
        return;
    client_stop(a->client);
    ui_destroy(a->ui);
    free(a);
}

ui *appliance_get_ui(appliance *a)
{
    return a->ui;
}

void appliance_get_view(appliance *a, client_view *out)
{
    *out = a->view;
}

static void act(appliance *a, lan_action action, lan_outcome outcome, char service)
{
    /* a refusal means one is pending: the screen already says so */
    client_act(a->client, action, outcome, service, 0);
}

bool appliance_handle_event(appliance *a, const SDL_Event *e)
{
    if (e->type == shell_wake_type()) {
        client_get_view(a->client, &a->view);
        return true;
    }
    bool redraw = false;
    int id = ui_input(a->ui, e, &redraw);
    switch (id) {
    case B_CALL: act(a, LAN_ACT_CALL_NEXT, 0, 0); break;
    case B_RECALL: act(a, LAN_ACT_RECALL, 0, 0); break;
    case B_START: act(a, LAN_ACT_START, 0, 0); break;
    case B_FINISH: act(a, LAN_ACT_FINISH, LAN_OUTCOME_ANSWERED, 0); break;
    case B_REDIRECT: act(a, LAN_ACT_FINISH, LAN_OUTCOME_PARTNER, 0); break;
    case B_NO_SHOW: act(a, LAN_ACT_NO_SHOW, 0, 0); break;
    case B_OPEN: act(a, LAN_ACT_OPEN, 0, 0); break;
    case B_PAUSE: act(a, LAN_ACT_PAUSE, 0, 0); break;
    case B_CLOSE: act(a, LAN_ACT_CLOSE, 0, 0); break;
    case B_TRANSFER: a->picking = true; break;
    case B_CANCEL: a->picking = false; break;
    default:
        if (id >= B_SERVICE0 && id < B_SERVICE0 + a->view.n_services) {
            act(a, LAN_ACT_TRANSFER, 0, a->view.services[id - B_SERVICE0].letter);
            a->picking = false;
        }
        break;
    }
    return redraw || id != UI_NO_TARGET;
}

/* ---- drawing ---------------------------------------------------------------------------------- */

static void text(appliance *a, SDL_Rect box, const char *s, double cap_mm, bool bold, SDL_Color fg,
                 ui_align align)
{
    ui_text_style st = {.cap_mm = cap_mm, .min_cap_mm = cap_mm * 0.6, .bold = bold, .fg = fg,
                        .halign = align, .valign = UI_ALIGN_CENTER, .max_lines = 2};
    ui_text(a->ui, box, s, &st);
}

static void button(appliance *a, int id, SDL_Rect r, const char *label, ui_button_kind kind)
{
    ui_button_spec b = {.id = id, .rect = r, .label = label, .kind = kind, .cap_mm = 4.5};
    ui_button(a->ui, &b);
}

/* Lays out `n` buttons of one row in r with gaps of gap pixels. */
static SDL_Rect cell(SDL_Rect r, int i, int n, int gap)
{
    int w = (r.w - gap * (n - 1)) / n;
    return (SDL_Rect){r.x + i * (w + gap), r.y, w, r.h};
}

static void draw_current(appliance *a, SDL_Rect r, int64_t now)
{
    const ui_theme *th = ui_get_theme(a->ui);
    const client_view *v = &a->view;
    ui_fill_rounded(a->ui, r, ui_mm(a->ui, 2), th->panel);
    int pad = ui_mm(a->ui, 4);
    SDL_Rect label = {r.x + pad, r.y + pad, r.w - 2 * pad, r.h * 55 / 100 - pad};
    SDL_Rect info = {r.x + pad, label.y + label.h, r.w - 2 * pad, r.h - label.h - 2 * pad};
    if (!v->has_ticket) {
        text(a, label, "—", 16, true, th->ink, UI_ALIGN_START);
        text(a, info, v->counter_state == LAN_COUNTER_OPEN ? "Aucun visiteur appelé."
                      : v->counter_state == LAN_COUNTER_PAUSED ? "Guichet en pause."
                                                                 : "Guichet fermé.",
             5, false, th->ink, UI_ALIGN_START);
        return;
    }
    const lan_ticket *t = &v->ticket;
    if (v->has_appointment) {
        /* The note goes under the visitor in its own box, within the same panel: the buttons
         * below keep their place and size. The label and the info line share the top row. */
        int half = pad / 2;
        label = (SDL_Rect){r.x + pad, r.y + half, (r.w - 2 * pad) * 35 / 100, r.h * 50 / 100 - half};
        info = (SDL_Rect){label.x + label.w, label.y, r.w - 2 * pad - label.w, label.h};
        SDL_Rect box = {label.x, label.y + label.h, r.w - 2 * pad, r.h - label.h - 2 * half};
        ui_fill_rounded(a->ui, box, ui_mm(a->ui, 1.5), th->band);
        char when[8] = "";
        time_t at = (time_t)v->appointment.at;
        struct tm tm;
        if (localtime_r(&at, &tm))
            strftime(when, sizeof when, "%H:%M", &tm);
        char note[LAN_NOTE_MAX + 64];
        snprintf(note, sizeof note, "Rendez-vous de %s — %s%s", when,
                 v->appointment.note[0] ? "note : " : "pas de note", v->appointment.note);
        int inset = ui_mm(a->ui, 2);
        text(a, (SDL_Rect){box.x + inset, box.y, box.w - 2 * inset, box.h}, note, 4, false,
             th->band_ink, UI_ALIGN_START);
    }
    text(a, label, t->label, 16, true, th->ink, UI_ALIGN_START);
    const char *svc = "";
    for (int i = 0; i < v->n_services; i++)
        if (v->services[i].letter == t->service)
            svc = v->services[i].label;
    int64_t called = t->called_at ? t->called_at : now + v->skew;
    long waited = (long)((called - t->issued_at) / 60);
    char line[256];
    snprintf(line, sizeof line, "%s · %s · a attendu %ld min%s%s%s", svc,
             t->state == LAN_TICKET_SERVING ? "en entretien" : "appelé", waited < 0 ? 0 : waited,
             t->appointment ? " · rendez-vous" : "", t->priority ? " · prioritaire" : "",
             t->recalls ? " · rappelé" : "");
    text(a, info, line, 4.5, false, th->ink, UI_ALIGN_START);
}

static void draw_services(appliance *a, SDL_Rect r)
{
    const ui_theme *th = ui_get_theme(a->ui);
    const client_view *v = &a->view;
    int row = ui_mm(a->ui, 12);
    text(a, (SDL_Rect){r.x, r.y, r.w, row}, "En attente", 4.5, true, th->muted, UI_ALIGN_START);
    for (int i = 0; i < v->n_services; i++) {
        const client_service_view *s = &v->services[i];
        SDL_Rect line = {r.x, r.y + row * (i + 1), r.w, row};
        char name[LAN_NAME_MAX + 8], count[16];
        snprintf(name, sizeof name, "%c · %s", s->letter, s->label);
        snprintf(count, sizeof count, "%d", s->waiting);
        SDL_Color fg = s->mine ? th->ink : th->muted;
        text(a, (SDL_Rect){line.x, line.y, line.w * 4 / 5, line.h}, name, 4, s->mine, fg, UI_ALIGN_START);
        text(a, (SDL_Rect){line.x + line.w * 4 / 5, line.y, line.w / 5, line.h}, count, 5, true, fg,
             UI_ALIGN_END);
    }
}

static void draw_buttons(appliance *a, SDL_Rect r)
{
    const client_view *v = &a->view;
    int gap = ui_mm(a->ui, 3);
    int h = (r.h - 2 * gap) / 3;
    SDL_Rect rows[3];
    for (int i = 0; i < 3; i++)
        rows[i] = (SDL_Rect){r.x, r.y + i * (h + gap), r.w, h};
    if (a->picking) {
        int per_row = (v->n_services + 1) / 2;
        for (int i = 0; i < v->n_services; i++) {
            char label[LAN_NAME_MAX + 8];
            snprintf(label, sizeof label, "Vers %c", v->services[i].letter);
            button(a, B_SERVICE0 + i, cell(rows[i / per_row], i % per_row, per_row, gap), label,
                   UI_BUTTON_SECONDARY);
        }
        button(a, B_CANCEL, cell(rows[2], 0, 1, gap), "Annuler", UI_BUTTON_SECONDARY);
        return;
    }
    bool open = v->counter_state == LAN_COUNTER_OPEN;
    const lan_ticket *t = v->has_ticket ? &v->ticket : NULL;
    if (open && !t)
        button(a, B_CALL, rows[0], "Appeler le suivant", UI_BUTTON_PRIMARY);
    if (t && t->state == LAN_TICKET_CALLED) {
        button(a, B_RECALL, cell(rows[0], 0, 3, gap), "Rappeler", UI_BUTTON_SECONDARY);
        button(a, B_START, cell(rows[0], 1, 3, gap), "Accueillir", UI_BUTTON_SECONDARY);
        button(a, B_NO_SHOW, cell(rows[0], 2, 3, gap), "Absent", UI_BUTTON_SECONDARY);
    }
    if (t) {
        button(a, B_FINISH, cell(rows[1], 0, 3, gap), "Terminé", UI_BUTTON_PRIMARY);
        button(a, B_REDIRECT, cell(rows[1], 1, 3, gap), "Réorienté", UI_BUTTON_SECONDARY);
        button(a, B_TRANSFER, cell(rows[1], 2, 3, gap), "Transférer", UI_BUTTON_SECONDARY);
    }
    int k = 0;
    SDL_Rect last = rows[2];
    if (v->counter_state != LAN_COUNTER_OPEN)
        button(a, B_OPEN, cell(last, k++, 3, gap), "Ouvrir", UI_BUTTON_SECONDARY);
    if (open)
        button(a, B_PAUSE, cell(last, k++, 3, gap), "Pause", UI_BUTTON_SECONDARY);
    if (v->counter_state != LAN_COUNTER_CLOSED && !t)
        button(a, B_CLOSE, cell(last, k, 3, gap), "Fermer", UI_BUTTON_SECONDARY);
}

int appliance_draw(appliance *a, int64_t now)
{
    const ui_theme *th = ui_get_theme(a->ui);
    const client_view *v = &a->view;
    ui_begin_frame(a->ui, th->page);
    int w = ui_width(a->ui), h = ui_height(a->ui);
    int pad = ui_mm(a->ui, 5), band = ui_mm(a->ui, 14);
    ui_fill(a->ui, (SDL_Rect){0, 0, w, band}, th->band);
    char title[LAN_NAME_MAX * 3 + 8];
    snprintf(title, sizeof title, "%s · %s", v->counter_name[0] ? v->counter_name : "Guichet",
             v->counter_state == LAN_COUNTER_OPEN ? "ouvert"
             : v->counter_state == LAN_COUNTER_PAUSED ? "en pause" : "fermé");
    text(a, (SDL_Rect){pad, 0, w / 2, band}, title, 5, true, th->band_ink, UI_ALIGN_START);
    text(a, (SDL_Rect){w / 2, 0, w / 2 - pad, band},
         !v->connected ? "Hub injoignable, reconnexion…" : v->busy ? "Envoi…" : "En direct", 4,
         !v->connected, th->band_ink, UI_ALIGN_END);

    int left_w = (w - 3 * pad) * 62 / 100;
    int top = band + pad;
    int msg_h = ui_mm(a->ui, 8);
    SDL_Rect current = {pad, top, left_w, (h - top - pad) * 30 / 100};
    SDL_Rect buttons = {pad, current.y + current.h + pad, left_w,
                        h - (current.y + current.h + pad) - msg_h - 2 * pad};
    SDL_Rect msg = {pad, buttons.y + buttons.h + pad, left_w, msg_h};
    SDL_Rect side = {2 * pad + left_w, top, w - left_w - 3 * pad, h - top - pad};
    draw_current(a, current, now);
    draw_buttons(a, buttons);
    if (v->message[0])
        text(a, msg, v->message, 4, v->message_is_error, v->message_is_error ? th->alert : th->ink,
             UI_ALIGN_START);
    draw_services(a, side);
    return ui_end_frame(a->ui);
}

/* ---- the desk's token ------------------------------------------------------------------------- */

int appliance_read_token(const char *path, char *out, size_t cap, char *errbuf, size_t errlen)
{
    if (secret_read_file(path, out, cap, errbuf, errlen) != 0)
        return -1;
    if (!lan_token_valid(out)) {
        snprintf(errbuf, errlen, "%s: a desk token is visible ASCII characters without spaces", path);
        out[0] = '\0';
        return -1;
    }
    return 0;
}
