/* The desk appliance's screen (see include/borne/appliance.h).
 *
 * Layout in millimetres of the physical screen: the current visitor and three rows of buttons
 * with whole words, waiting counts beside them (under them in portrait; on a second page on a
 * 7-inch panel). Buttons that make no sense in the current state are not drawn (rather than
 * greyed): on a touch screen a grey button is still tapped. */
#include "appliance_internal.h"

#include "borne/contract.h"
#include "borne/secret.h"
#include "borne/shell.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "borne/ui_text.h"
#include "borne/ui_widget.h"

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
    a->counter_id = o->counter_id;
    if (ui_create(&a->ui, r, &uo, errbuf, errlen) != 0 ||
        appliance_alarm_init(a, o, errbuf, errlen) != 0 ||
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
    appliance_alarm_fini(a);
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

static void act(appliance *a, lan_action action, char service)
{
    /* a refusal means one is pending: the screen already says so */
    client_act(a->client, action, LAN_OUTCOME_NONE, service, 0);
}

/* A tap on an outcome: a referral asks which partner first (when the antenne lists any). */
static void outcome_tapped(appliance *a, lan_outcome o)
{
    if (o == LAN_OUTCOME_PARTNER && a->view.n_partners > 0) {
        a->partnering = true;
        a->partner_page = 0;
        return;
    }
    client_finish(a->client, o, NULL);
}

static void partner_tapped(appliance *a, const char *partner)
{
    client_finish(a->client, LAN_OUTCOME_PARTNER, partner);
    a->partnering = false;
}

bool appliance_handle_event(appliance *a, const SDL_Event *e)
{
    if (e->type == shell_wake_type()) {
        client_get_view(a->client, &a->view);
        return true;
    }
    bool redraw = false;
    int id = ui_input(a->ui, e, &redraw);
    redraw |= appliance_alarm_event(a, e, id);
    switch (id) {
    case B_CALL: act(a, LAN_ACT_CALL_NEXT, 0); break;
    case B_RECALL: act(a, LAN_ACT_RECALL, 0); break;
    case B_START: act(a, LAN_ACT_START, 0); break;
    case B_NO_SHOW: act(a, LAN_ACT_NO_SHOW, 0); break;
    case B_OPEN: act(a, LAN_ACT_OPEN, 0); break;
    case B_PAUSE: act(a, LAN_ACT_PAUSE, 0); break;
    case B_CLOSE: act(a, LAN_ACT_CLOSE, 0); break;
    case B_TRANSFER: a->picking = true; break;
    case B_CANCEL: a->picking = a->partnering = false; break;
    case B_DETAILS: a->details = true; break;
    case B_BACK: a->details = false; break;
    case B_PARTNER_OTHER: partner_tapped(a, NULL); break;
    case B_PARTNER_MORE: a->partner_page++; break;   /* wrapped when drawn */
    case B_AGENT_SEEN: client_agent_dismiss(a->client, a->view.agent_request_id); break;
    default:
        if (id > B_OUTCOME0 && id < B_OUTCOME0 + LAN_OUTCOME_COUNT)
            outcome_tapped(a, (lan_outcome)(id - B_OUTCOME0));
        else if (id > B_CHANNEL0 && id <= B_CHANNEL0 + CONTRACT_CHANNELS_N)
            client_contact(a->client, id - B_CHANNEL0);
        else if (id >= B_PARTNER0 && id < B_PARTNER0 + a->view.n_partners)
            partner_tapped(a, a->view.partners[id - B_PARTNER0].id);
        else if (id >= B_SERVICE0 && id < B_SERVICE0 + a->view.n_services) {
            act(a, LAN_ACT_TRANSFER, a->view.services[id - B_SERVICE0].letter);
            a->picking = false;
        }
        break;
    }
    return redraw || id != UI_NO_TARGET;
}

bool appliance_tick(appliance *a)
{
    return appliance_alarm_tick(a);
}

int appliance_next_wakeup_ms(appliance *a)
{
    return appliance_alarm_next_ms(a);
}

/* ---- drawing ---------------------------------------------------------------------------------- */

/* Sizes in millimetres of the panel. A 7-inch board (155 × 86 mm) has room for the visitor and
 * three rows of whole-word buttons only: its waiting list and the appointment note go to a
 * second page ("Détails"), in the place of the current visitor. */
#define COMPACT_BELOW_MM 190.0
#define ROW_MIN_MM 16.0        /* 15 mm targets, and a millimetre of slack for rounding */
#define ROW_MAX_MM 22.0
/* The outcomes' row: their words ("Aide à une démarche en ligne") take three lines of a quarter
 * row at the smallest label size. */
#define RECORD_ROW_MIN_MM 19.5
#define LABEL_MIN_MM 3.0       /* seated at arm's length: smaller than the kiosk's 5 mm */

static layout lay_out(appliance *a, int band)
{
    ui *u = a->ui;
    int w = ui_width(u), h = ui_height(u);
    double w_mm = ui_to_mm(u, w), h_mm = ui_to_mm(u, h);
    layout l = {.compact = !ui_portrait(u) && w_mm < COMPACT_BELOW_MM};
    l.pad = ui_mm(u, l.compact ? 2.5 : 5);
    l.gap = ui_mm(u, l.compact ? 1.5 : 2);
    l.cap = l.compact ? 4.0 : 5.0;
    int top = band + l.pad;
    double row_mm = (h_mm - ui_to_mm(u, top) - 2 * ui_to_mm(u, l.pad)) * 0.45 / 3;
    row_mm = row_mm < ROW_MIN_MM ? ROW_MIN_MM : row_mm > ROW_MAX_MM ? ROW_MAX_MM : row_mm;
    int row_h = ui_mm(u, row_mm), record_h = ui_mm(u, row_mm > RECORD_ROW_MIN_MM ? row_mm : RECORD_ROW_MIN_MM);
    int rows_h = 2 * row_h + record_h + 2 * l.gap;
    if (ui_portrait(u)) {
        int cur_h = ui_mm(u, 80);
        l.current = (SDL_Rect){l.pad, top, w - 2 * l.pad, cur_h};
        l.buttons = (SDL_Rect){l.pad, top + cur_h + l.pad, w - 2 * l.pad, rows_h};
        int side_y = l.buttons.y + rows_h + 2 * l.pad;
        l.side = (SDL_Rect){l.pad, side_y, w - 2 * l.pad, h - side_y - l.pad};
    } else {
        /* the buttons' quarters take two thirds of a 10" panel, so that whole words fit them */
        int left_w = l.compact ? w - 2 * l.pad : (w - 3 * l.pad) * 67 / 100;
        l.buttons = (SDL_Rect){l.pad, h - l.pad - rows_h, left_w, rows_h};
        l.current = (SDL_Rect){l.pad, top, left_w, l.buttons.y - l.pad - top};
        if (!l.compact)
            l.side = (SDL_Rect){2 * l.pad + left_w, top, w - left_w - 3 * l.pad, h - top - l.pad};
    }
    SDL_Rect b = l.buttons;
    l.rows[0] = (SDL_Rect){b.x, b.y, b.w, row_h};
    l.rows[1] = (SDL_Rect){b.x, b.y + row_h + l.gap, b.w, record_h};
    l.rows[2] = (SDL_Rect){b.x, b.y + b.h - row_h, b.w, row_h};
    return l;
}

/* The labels of the quarter-row buttons; the outcomes and channels are the contract's words. */
static const char *const QUARTER_LABELS[] = {
    "Rappeler", "Accueillir", "Absent", "Transférer", "Ouvrir", "Pause", "Fermer", "Détails",
    "Retour", "Annuler", "Autre partenaire", "Suivants",
};

static bool fits_cell(appliance *a, const char *label, int w, int h, double cap, bool bold)
{
    int need = ui_text_height(a->ui, label, w, cap, bold);
    return need >= 0 && need <= h;
}

/* One size for every button label, the largest at which each of them (whole words, wrapped)
 * fits a quarter of a row: labels of different sizes side by side read as different importance. */
static double label_cap(appliance *a, const layout *l)
{
    /* ui_button's text box: the cell less a tenth of its height (at most 3 mm) on each side */
    int cell_w = (l->buttons.w - 3 * l->gap) / 4, max_pad = ui_mm(a->ui, 3);
    int pad = l->rows[0].h / 10 < max_pad ? l->rows[0].h / 10 : max_pad;
    int record_pad = l->rows[1].h / 10 < max_pad ? l->rows[1].h / 10 : max_pad;
    int w = cell_w - 2 * pad, h = l->rows[0].h - 2 * pad;
    int record_w = cell_w - 2 * record_pad, record_h = l->rows[1].h - 2 * record_pad;
    for (double cap = l->cap; cap > LABEL_MIN_MM; cap -= 0.25) {
        bool fits = true;
        for (size_t i = 0; fits && i < sizeof QUARTER_LABELS / sizeof QUARTER_LABELS[0]; i++)
            fits = fits_cell(a, QUARTER_LABELS[i], w, h, cap, true);
        for (int v = 1; fits && contract_outcome_label(v); v++)
            fits = fits_cell(a, contract_outcome_label(v), record_w, record_h, cap, false);
        for (int v = 1; fits && contract_channel_label(v); v++)
            fits = fits_cell(a, contract_channel_label(v), record_w, record_h, cap, false);
        if (fits)
            return cap;
    }
    return LABEL_MIN_MM;
}

void appliance_text(appliance *a, SDL_Rect box, const char *s, double cap_mm, bool bold, SDL_Color fg,
                    ui_align align)
{
    ui_text_style st = {.cap_mm = cap_mm, .min_cap_mm = cap_mm < LABEL_MIN_MM ? cap_mm : LABEL_MIN_MM,
                        .bold = bold, .fg = fg, .halign = align, .valign = UI_ALIGN_CENTER};
    ui_text(a->ui, box, s, &st);
}

/* The largest cap height (<= max_mm) whose lines fill at most `fill` of the box's height. */
double appliance_cap_for(appliance *a, SDL_Rect box, double max_mm, double fill)
{
    double mm = ui_to_mm(a->ui, box.h) * fill / 1.6;   /* a line is about 1.6 caps high */
    return mm > max_mm ? max_mm : mm;
}

void appliance_button(appliance *a, const layout *l, int id, SDL_Rect r, const char *label,
                      ui_button_kind kind)
{
    ui_button_spec b = {.id = id, .rect = r, .label = label, .kind = kind, .cap_mm = l->cap,
                        .min_cap_mm = LABEL_MIN_MM};
    ui_button(a->ui, &b);
}

/* The same in regular weight: the long words of what the desk records ("Rendez-vous",
 * "Saint-Quentin-en-Tourmont") fit a quarter row of a 10" panel only so. */
static void record_button(appliance *a, const layout *l, int id, SDL_Rect r, const char *label,
                          ui_button_kind kind)
{
    ui_button_spec b = {.id = id, .rect = r, .label = label, .kind = kind, .cap_mm = l->cap,
                        .min_cap_mm = LABEL_MIN_MM, .regular = true};
    ui_button(a->ui, &b);
}

/* Lays out `n` buttons of one row in r with gaps of gap pixels. */
SDL_Rect appliance_cell(SDL_Rect r, int i, int n, int gap)
{
    int w = (r.w - gap * (n - 1)) / n;
    return (SDL_Rect){r.x + i * (w + gap), r.y, w, r.h};
}

static const char *service_label(const client_view *v, char letter)
{
    for (int i = 0; i < v->n_services; i++)
        if (v->services[i].letter == letter)
            return v->services[i].label;
    return "";
}

static void appointment_line(const client_view *v, char *out, size_t n, bool with_note)
{
    char when[8] = "";
    time_t at = (time_t)v->appointment.at;
    struct tm tm;
    if (localtime_r(&at, &tm))
        strftime(when, sizeof when, "%H:%M", &tm);
    if (!with_note)
        snprintf(out, n, "Rendez-vous de %s%s", when,
                 v->appointment.note[0] ? " — note : voir Détails" : " — pas de note");
    else
        snprintf(out, n, "Rendez-vous de %s — %s%s", when,
                 v->appointment.note[0] ? "note : " : "pas de note", v->appointment.note);
}

static void draw_current(appliance *a, const layout *l, int64_t now)
{
    const ui_theme *th = ui_get_theme(a->ui);
    const client_view *v = &a->view;
    SDL_Rect r = l->current;
    ui_fill_rounded(a->ui, r, ui_mm(a->ui, 2), th->panel);
    int pad = ui_mm(a->ui, l->compact ? 1 : 4);
    SDL_Rect in = {r.x + pad, r.y + pad, r.w - 2 * pad, r.h - 2 * pad};
    bool note_here = v->has_ticket && v->has_appointment && !l->compact;
    /* The number takes the top, the words under it; a note gets the lower half on its own. On a
     * compact panel the number stands left of the words. */
    int body_h = note_here ? in.h / 2 : in.h;
    SDL_Rect label = {in.x, in.y, in.w, body_h * 55 / 100};
    SDL_Rect info = {in.x, label.y + label.h, in.w, body_h - label.h};
    if (l->compact) {
        label = (SDL_Rect){in.x, in.y, in.w * 28 / 100, in.h};
        info = (SDL_Rect){label.x + label.w, in.y, in.w - label.w, in.h};
    }
    double label_cap = appliance_cap_for(a, label, 16, 0.95);
    double info_cap = l->compact ? LABEL_MIN_MM : appliance_cap_for(a, info, 5, 0.45);
    if (info_cap < LABEL_MIN_MM)
        info_cap = LABEL_MIN_MM;
    /* An error always shows; a confirmation ("A042 appelé.") only while no visitor is shown, as
     * the visitor's own line says more. */
    const char *shown = v->message[0] && (v->message_is_error || !v->has_ticket) ? v->message : NULL;
    SDL_Color info_fg = v->message[0] && v->message_is_error ? th->alert : th->ink;
    if (!v->has_ticket) {
        appliance_text(a, label, "—", label_cap, true, th->ink, UI_ALIGN_START);
        appliance_text(a, info, shown ? shown
                                : v->counter_state == LAN_COUNTER_OPEN ? "Aucun visiteur appelé."
                                : v->counter_state == LAN_COUNTER_PAUSED ? "Guichet en pause."
                                : "Guichet fermé.",
                       info_cap, false, shown ? info_fg : th->ink, UI_ALIGN_START);
        return;
    }
    const lan_ticket *t = &v->ticket;
    appliance_text(a, label, t->label, label_cap, true, th->ink, UI_ALIGN_START);
    int64_t called = t->called_at ? t->called_at : now + v->skew;
    long waited = (long)((called - t->issued_at) / 60);
    char line[LAN_NAME_MAX + LAN_NOTE_MAX + 160], appt[LAN_NOTE_MAX + 64] = "";
    if (v->has_appointment && l->compact)
        appointment_line(v, appt, sizeof appt, false);
    snprintf(line, sizeof line, "%s · %s · a attendu %ld min%s%s%s%s", service_label(v, t->service),
             t->state == LAN_TICKET_SERVING ? "en entretien" : "appelé", waited < 0 ? 0 : waited,
             t->priority ? " · prioritaire" : "", t->recalls ? " · rappelé" : "", appt[0] ? "\n" : "",
             appt);
    appliance_text(a, info, shown ? shown : line, info_cap, false, shown ? info_fg : th->ink, UI_ALIGN_START);
    if (note_here) {
        SDL_Rect box = {in.x, in.y + body_h, in.w, in.h - body_h};
        ui_fill_rounded(a->ui, box, ui_mm(a->ui, 1.5), th->band);
        appointment_line(v, appt, sizeof appt, true);
        int inset = ui_mm(a->ui, 2);
        appliance_text(a, (SDL_Rect){box.x + inset, box.y, box.w - 2 * inset, box.h}, appt,
                       appliance_cap_for(a, box, 4.5, 0.3), false, th->band_ink, UI_ALIGN_START);
    }
}

/* One row per service: name (wrapping) and count; when the names do not fit, a grid of letters
 * and counts (an agent knows the letters of the services). */
static void draw_services(appliance *a, SDL_Rect r)
{
    ui *u = a->ui;
    const ui_theme *th = ui_get_theme(u);
    const client_view *v = &a->view;
    int head = ui_mm(u, 9), gap = ui_mm(u, 1.5);
    appliance_text(a, (SDL_Rect){r.x, r.y, r.w, head}, "En attente", 4.5, true, th->muted, UI_ALIGN_START);
    int count_w = ui_mm(u, 14), name_w = r.w - count_w;
    char names[LAN_MAX_SERVICES][LAN_NAME_MAX + 8];
    int lines[LAN_MAX_SERVICES];
    double cap = 0;
    for (double try_cap = 3.5; try_cap >= LABEL_MIN_MM && cap == 0; try_cap -= 0.5) {
        int total = 0;
        for (int i = 0; i < v->n_services; i++) {
            snprintf(names[i], sizeof names[i], "%c · %s", v->services[i].letter, v->services[i].label);
            lines[i] = ui_text_lines(u, names[i], name_w, try_cap, v->services[i].mine);
            total += lines[i] < 0 ? r.h : ui_line_height(u, try_cap, true) * lines[i] + gap;
        }
        if (total <= r.h - head)
            cap = try_cap;
    }
    int y = r.y + head;
    if (cap == 0) {
        int cell_w = ui_mm(u, 26), cell_h = ui_line_height(u, 4, true) + gap;
        int cols = r.w / cell_w > 0 ? r.w / cell_w : 1;
        for (int i = 0; i < v->n_services; i++) {
            const client_service_view *s = &v->services[i];
            char cell_text[24];
            snprintf(cell_text, sizeof cell_text, "%c  %d", s->letter, s->waiting);
            SDL_Rect box = {r.x + (i % cols) * cell_w, y + (i / cols) * cell_h, cell_w, cell_h - gap};
            appliance_text(a, box, cell_text, 4, s->mine, s->mine ? th->ink : th->muted, UI_ALIGN_START);
        }
        return;
    }
    for (int i = 0; i < v->n_services; i++) {
        const client_service_view *s = &v->services[i];
        int row_h = ui_line_height(u, cap, true) * lines[i];
        char count[16];
        snprintf(count, sizeof count, "%d", s->waiting);
        SDL_Color fg = s->mine ? th->ink : th->muted;
        appliance_text(a, (SDL_Rect){r.x, y, name_w, row_h}, names[i], cap, s->mine, fg, UI_ALIGN_START);
        appliance_text(a, (SDL_Rect){r.x + name_w, y, count_w, row_h}, count, cap, true, fg, UI_ALIGN_END);
        y += row_h + gap;
    }
}

/* The details page of a compact panel: the note of the visitor, then the waiting list. */
static void draw_details(appliance *a, const layout *l)
{
    const ui_theme *th = ui_get_theme(a->ui);
    const client_view *v = &a->view;
    SDL_Rect r = {l->current.x, l->current.y, l->current.w, l->rows[1].y + l->rows[1].h - l->current.y};
    if (v->has_ticket && v->has_appointment) {
        char appt[LAN_NOTE_MAX + 64];
        appointment_line(v, appt, sizeof appt, true);
        SDL_Rect box = {r.x, r.y, r.w, r.h * 2 / 5};
        ui_fill_rounded(a->ui, box, ui_mm(a->ui, 1.5), th->band);
        int inset = ui_mm(a->ui, 2);
        appliance_text(a, (SDL_Rect){box.x + inset, box.y, box.w - 2 * inset, box.h}, appt, 4, false,
                       th->band_ink, UI_ALIGN_START);
        r.y += box.h + l->gap;
        r.h -= box.h + l->gap;
    }
    draw_services(a, r);
}

/* The partner picker of a referral: the partners' names in two columns over the visitor's panel
 * and the first two rows, as many pages as they need; the last row keeps Annuler, "Autre
 * partenaire" (referred, partner not said), Suivants and the alarm. */
static void draw_partners(appliance *a, const layout *l)
{
    const client_view *v = &a->view;
    const SDL_Rect *rows = l->rows;
    int gap = l->gap, row_h = rows[1].h;   /* names take three lines, as the outcomes */
    SDL_Rect area = {l->current.x, l->current.y, l->current.w, rows[1].y + rows[1].h - l->current.y};
    int cols = 2, lines = (area.h + gap) / (row_h + gap);
    int per_page = cols * (lines > 0 ? lines : 1);
    int pages = (v->n_partners + per_page - 1) / per_page;
    a->partner_page = pages > 0 ? a->partner_page % pages : 0;
    /* the rows share the area's height evenly, so the grid ends where the second row did */
    int cell_h = (area.h - (lines - 1) * gap) / lines;
    for (int k = 0; k < per_page; k++) {
        int i = a->partner_page * per_page + k;
        if (i >= v->n_partners)
            break;
        SDL_Rect line = {area.x, area.y + (k / cols) * (cell_h + gap), area.w, cell_h};
        record_button(a, l, B_PARTNER0 + i, appliance_cell(line, k % cols, cols, gap),
                      v->partners[i].label, UI_BUTTON_SECONDARY);
    }
    SDL_Rect last = rows[2];
    appliance_button(a, l, B_CANCEL, appliance_cell(last, 0, 4, gap), "Annuler", UI_BUTTON_SECONDARY);
    appliance_button(a, l, B_PARTNER_OTHER, appliance_cell(last, 1, 4, gap), "Autre partenaire",
                     UI_BUTTON_SECONDARY);
    if (pages > 1)
        appliance_button(a, l, B_PARTNER_MORE, appliance_cell(last, 2, 4, gap), "Suivants",
                         UI_BUTTON_SECONDARY);
}

/* What the desk records, one tap each: with a visitor, how the visit ended (the contract's
 * outcomes, the first one primary); between visitors, a contact by another channel (a phone call
 * or an e-mail is handled between visits, and the row keeps its place on the screen). */
static void draw_record_row(appliance *a, const layout *l, SDL_Rect row, bool visitor)
{
    int gap = l->gap;
    if (visitor) {
        for (int o = 1; o < LAN_OUTCOME_COUNT; o++)
            record_button(a, l, B_OUTCOME0 + o, appliance_cell(row, o - 1, LAN_OUTCOME_COUNT - 1, gap),
                          contract_outcome_label(o),
                          o == LAN_OUTCOME_ANSWERED ? UI_BUTTON_PRIMARY : UI_BUTTON_SECONDARY);
        return;
    }
    const ui_theme *th = ui_get_theme(a->ui);
    SDL_Rect words = appliance_cell(row, 0, 2, gap);
    appliance_text(a, (SDL_Rect){words.x, words.y, words.w - gap, words.h}, "Compter un contact :",
                   l->cap, false, th->ink, UI_ALIGN_END);
    for (int ch = 1; ch <= CONTRACT_CHANNELS_N; ch++)
        record_button(a, l, B_CHANNEL0 + ch, appliance_cell(row, 1 + ch, 4, gap),
                      contract_channel_label(ch), UI_BUTTON_SECONDARY);
}

/* Three rows of whole-word buttons in quarters: the visit (call, or recall, welcome, absent,
 * transfer), what the desk records, the desk (open, pause, close, details) with, in its fourth
 * cell, always the discreet alarm control (on every page: an agent in trouble does not go back
 * first). */
static void draw_buttons(appliance *a, const layout *l)
{
    const client_view *v = &a->view;
    int gap = l->gap;
    const SDL_Rect *rows = l->rows;
    SDL_Rect last = rows[2];
    if (a->details) {
        appliance_button(a, l, B_BACK, appliance_cell(last, 2, 4, gap),
                         "Retour", UI_BUTTON_SECONDARY);
    } else if (a->partnering) {
        draw_partners(a, l);
    } else if (a->picking) {
        int per_row = (v->n_services + 1) / 2;
        for (int i = 0; i < v->n_services; i++) {
            char label[LAN_NAME_MAX + 8];
            snprintf(label, sizeof label, "Vers %c", v->services[i].letter);
            appliance_button(a, l, B_SERVICE0 + i,
                             appliance_cell(rows[i / per_row], i % per_row, per_row, gap), label,
                             UI_BUTTON_SECONDARY);
        }
        appliance_button(a, l, B_CANCEL, appliance_cell(last, 0, 4, gap),
                         "Annuler", UI_BUTTON_SECONDARY);
    } else {
        /* A shown alarm takes the first row (its answers or its clear), or all while the raiser
         * picks a reason. On a 7" panel its text also needs the first row: the answers go to
         * the second, and the visit's buttons wait for the alarm to be put away. */
        bool shown = appliance_alarm_shown(a);
        int first = shown && l->compact ? 1 : 0;
        int taken = shown ? first + appliance_alarm_draw_rows(a, l, rows + first, 3 - first) : 0;
        if (taken == 3)
            return;
        bool open = v->counter_state == LAN_COUNTER_OPEN;
        const lan_ticket *t = v->has_ticket ? &v->ticket : NULL;
        if (open && !t && !taken)
            appliance_button(a, l, B_CALL, rows[0], "Appeler le suivant", UI_BUTTON_PRIMARY);
        if (t && t->state == LAN_TICKET_CALLED && !taken) {
            appliance_button(a, l, B_RECALL, appliance_cell(rows[0], 0, 4, gap),
                             "Rappeler", UI_BUTTON_SECONDARY);
            appliance_button(a, l, B_START, appliance_cell(rows[0], 1, 4, gap),
                             "Accueillir", UI_BUTTON_SECONDARY);
            /* Offered only once the hub accepts it: a refused tap teaches nothing. */
            if (t->recalls >= v->recalls_before_no_show)
                appliance_button(a, l, B_NO_SHOW, appliance_cell(rows[0], 2, 4, gap), "Absent",
                                 UI_BUTTON_SECONDARY);
        }
        if (t && !taken)
            appliance_button(a, l, B_TRANSFER, appliance_cell(rows[0], 3, 4, gap),
                             "Transférer", UI_BUTTON_SECONDARY);
        if (taken < 2)
            draw_record_row(a, l, rows[1], t != NULL);
        int k = 0;
        if (v->counter_state != LAN_COUNTER_OPEN)
            appliance_button(a, l, B_OPEN, appliance_cell(last, k++, 4, gap),
                             "Ouvrir", UI_BUTTON_SECONDARY);
        if (open)
            appliance_button(a, l, B_PAUSE, appliance_cell(last, k++, 4, gap),
                             "Pause", UI_BUTTON_SECONDARY);
        if (v->counter_state != LAN_COUNTER_CLOSED && !t)
            appliance_button(a, l, B_CLOSE, appliance_cell(last, k, 4, gap),
                             "Fermer", UI_BUTTON_SECONDARY);
        if (l->compact && !appliance_alarm_shown(a))
            appliance_button(a, l, B_DETAILS, appliance_cell(last, 2, 4, gap),
                             "Détails", UI_BUTTON_SECONDARY);
    }
    appliance_alarm_draw_control(a, l, appliance_cell(last, 3, 4, gap));
}

/* The kiosk's printer in words, when the desk must know (a visitor may leave without a slip). */
static const char *printer_words(const char *state)
{
    static const struct { const char *state, *words; } words[] = {
        {"near_end", "Imprimante : papier bientôt épuisé"}, {"paper_out", "Imprimante : plus de papier"},
        {"cover_open", "Imprimante : capot ouvert"}, {"cutter_error", "Imprimante : coupe-papier bloqué"},
        {"offline", "Imprimante : ne répond pas"}, {"unplugged", "Imprimante débranchée"},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(state, words[i].state) == 0)
            return words[i].words;
    return NULL;
}

/* The alarm in the visitor's place until it is put away; on a 7" panel over the first row of
 * buttons too (draw_buttons leaves it). */
static void draw_alarm_panel(appliance *a, layout l)
{
    if (l.compact) {
        l.current.h = l.rows[0].y + l.rows[0].h - l.current.y;
    }
    appliance_alarm_draw_panel(a, &l);
}

int appliance_draw(appliance *a, int64_t now)
{
    ui *u = a->ui;
    const ui_theme *th = ui_get_theme(u);
    const client_view *v = &a->view;
    ui_begin_frame(u, th->page);
    int w = ui_width(u);
    int band = ui_mm(u, ui_to_mm(u, ui_width(u)) < COMPACT_BELOW_MM ? 9 : 11);
    layout l = lay_out(a, band);
    l.cap = label_cap(a, &l);
    a->details = a->details && l.compact && !appliance_alarm_shown(a);
    /* the picker goes with the visitor it was for, and gives way to an alarm */
    a->partnering = a->partnering && v->has_ticket && !a->details && !appliance_alarm_shown(a);
    const char *fault = v->connected ? printer_words(v->printer) : NULL;
    bool alarm = fault && !v->printer_can_print;
    /* A fault that stops the slips turns the band red, and its words say it too. */
    ui_fill(u, (SDL_Rect){0, 0, w, band}, alarm ? th->alert : th->band);
    SDL_Color band_ink = alarm ? th->page : th->band_ink;
    char title[LAN_NAME_MAX * 3 + 8];
    snprintf(title, sizeof title, "%s · %s", v->counter_name[0] ? v->counter_name : "Guichet",
             v->counter_state == LAN_COUNTER_OPEN ? "ouvert"
             : v->counter_state == LAN_COUNTER_PAUSED ? "en pause" : "fermé");
    appliance_text(a, (SDL_Rect){l.pad, 0, w * 2 / 5 - l.pad, band}, title, 4.5, true, band_ink,
                   UI_ALIGN_START);
    const char *status = !v->connected ? "Hub injoignable, reconnexion…"
                         : fault ? fault : !v->alarm_link ? "Alerte indisponible"
                         : v->busy || v->alarm_busy ? "Envoi…" : "En direct";
    appliance_text(a, (SDL_Rect){w * 2 / 5, 0, w * 3 / 5 - l.pad, band}, status, 4, !v->connected || fault,
                   band_ink, UI_ALIGN_END);
    if (a->details)
        draw_details(a, &l);
    else if (appliance_alarm_shown(a))
        draw_alarm_panel(a, l);
    else if (appliance_agent_shown(a) && !a->partnering)
        appliance_agent_draw(a, &l);
    else if (!a->partnering)
        draw_current(a, &l, now);
    draw_buttons(a, &l);
    if (l.side.w > 0)
        draw_services(a, l.side);
    return ui_end_frame(u);
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
