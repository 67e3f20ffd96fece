/* Home: take a ticket, check in for an appointment, give feedback; the last calls, today's
 * hours and the language. A barcode scanner typing here starts the check-in. */
#include "../kiosk_scene.h"

#include <stdio.h>
#include <string.h>

static void draw_calls_and_hours(const kiosk_layout *l, SDL_Rect a)
{
    const kiosk *k = l->k;
    struct tm tm = kl_local_now(l);
    char hours[160], line[200];
    /* A kiosk that ignores the hours (always_open) issues tickets on a closed day too: "fermé"
     * would then be false. */
    kl_format_hours(l, hours, sizeof hours, (tm.tm_wday + 6) % 7);
    if (k->setup.always_open)
        snprintf(line, sizeof line, "%s", kiosk_tr(k, "home.open_all_day"));
    else
        ui_format(line, sizeof line, kiosk_tr(k, "home.hours_today"), "hours", hours, (const char *)NULL);
    /* The last calls panel takes only the height of its lines (one call on small screens). */
    double cap = l->small ? l->body : l->body * 1.2;
    int row_h = kl_lines_h(l, cap, true, 1);
    int pad = kl_mm(l, l->small ? 2 : 3);
    int head_h = 2 * pad + kl_lines_h(l, l->body, true, 1) + l->gap;
    /* Today's hours first (the waiting room's display shows the calls, not the hours): at the body
     * size, else at the smallest; the calls take the room left. */
    int room = a.h;
    double hours_cap = l->body;
    int icon = kl_lines_h(l, hours_cap, false, 1) * 4 / 5;
    int hours_h = kl_text_h(l, line, hours_cap, false, a.w - icon - kl_mm(l, 2));
    if (hours_h > room) {
        hours_cap = l->min_cap;
        icon = kl_lines_h(l, hours_cap, false, 1) * 4 / 5;
        hours_h = kl_text_h(l, line, hours_cap, false, a.w - icon - kl_mm(l, 2));
    }
    if (hours_h <= room) {
        SDL_Rect hrow = kl_cut_bottom(&a, hours_h, l->gap);
        ui_icon(l->u, UI_ICON_CLOCK, (SDL_Rect){hrow.x, hrow.y, icon, icon}, l->t->ink, l->t->page);
        hrow.x += icon + kl_mm(l, 2);
        hrow.w -= icon + kl_mm(l, 2);
        kl_text(l, hrow, line, hours_cap, false, l->t->ink, UI_ALIGN_START, UI_ALIGN_START);
    }
    int max_rows = l->small ? 1 : KIOSK_LAST_CALLS;
    int rows = k->n_calls == 0 ? 1 : k->n_calls < max_rows ? k->n_calls : max_rows;
    while (rows > 0 && head_h + rows * (row_h + kl_mm(l, 1)) > a.h)
        rows--;
    if (rows == 0)
        return;   /* no room for one call (the printer banner took it): the display shows them */
    int panel_h = head_h + rows * (row_h + kl_mm(l, 1));
    if (panel_h < a.h)
        a.h = panel_h;
    ui_fill_rounded(l->u, a, kl_mm(l, 2.5), l->t->panel);
    SDL_Rect in = {a.x + pad, a.y + pad, a.w - 2 * pad, a.h - 2 * pad};
    SDL_Rect title = kl_cut_top(&in, kl_lines_h(l, l->body, true, 1), l->gap);
    kl_text(l, title, kiosk_tr(k, "home.last_calls"), l->body, true, l->t->ink, UI_ALIGN_START, UI_ALIGN_START);
    if (k->n_calls == 0) {
        kl_text(l, in, kiosk_tr(k, "home.no_calls"), l->body, false, l->t->muted, UI_ALIGN_START, UI_ALIGN_START);
        return;
    }
    for (int i = 0; i < k->n_calls && i < rows; i++) {
        char s[96];
        ui_format(s, sizeof s, kiosk_tr(k, "home.call"), "label", k->calls[i].label, "counter", k->calls[i].counter,
                  (const char *)NULL);
        kl_text(l, kl_cut_top(&in, row_h, kl_mm(l, 1)), s, cap, i == 0 && !l->small, i == 0 ? l->t->ink : l->t->muted,
             UI_ALIGN_START, UI_ALIGN_CENTER);
    }
}

/* The catalog key of the printer banner, or NULL while tickets print. A printer still being
 * probed (start-up) is not a fault yet. */
static const char *printer_banner_key(const kiosk *k)
{
    if (!k->p)
        return "home.printer_down";
    printer_state st = printer_get_state(k->p);
    if (printer_state_can_print(st) || st == PRINTER_PROBING)
        return NULL;
    return st == PRINTER_PAPER_OUT ? "home.paper_out" : "home.printer_down";
}

/* Before the visitor chooses: no paper ticket will come out, and what to do instead. */
static int banner_h(const kiosk_layout *l, int w, const char *msg)
{
    int pad = kl_mm(l, l->small ? 1.5 : 2.5);
    int icon = kl_mm(l, l->small ? 8 : 11);
    int th = kl_text_h(l, msg, l->body, true, w - 2 * pad - icon - kl_mm(l, 3));
    return (th > icon ? th : icon) + 2 * pad;
}

static void draw_printer_banner(const kiosk_layout *l, SDL_Rect b, const char *msg)
{
    int pad = kl_mm(l, l->small ? 1.5 : 2.5);
    int icon = kl_mm(l, l->small ? 8 : 11);
    int text_w = b.w - 2 * pad - icon - kl_mm(l, 3);
    ui_fill_rounded(l->u, b, kl_mm(l, 2), l->t->panel);
    ui_outline(l->u, b, kl_mm(l, 0.8), l->t->alert);
    ui_icon(l->u, UI_ICON_WARNING, (SDL_Rect){b.x + pad, b.y + pad, icon, icon}, l->t->alert, l->t->panel);
    kl_text(l, (SDL_Rect){b.x + pad + icon + kl_mm(l, 3), b.y + pad, text_w, b.h - 2 * pad}, msg, l->body, true,
            l->t->alert, UI_ALIGN_START, UI_ALIGN_CENTER);
}

/* How home is cut. Plans are tried in order and the first that fits is drawn: the band with the
 * name and the time, the choices as a column beside (or above) the calls and the hours, and the
 * row of languages across the bottom; on smaller screens (7 inches, large text) the band goes
 * first, then the choices take two rows ([take a ticket | text size], [appointment | feedback])
 * and leave the calls to the waiting room's display; where the row of languages does not fit
 * (large text on a landscape screen) a button opens the language scene, and under a printer
 * banner the banner says it in short. The text size and the language are always on screen: a
 * visitor who switched to large text can always switch back. */
typedef enum home_choices { HOME_COLUMN_TITLE, HOME_COLUMN_BODY, HOME_TWO_ROWS } home_choices;

typedef struct home_plan {
    bool band;
    home_choices choices;
    bool row;            /* the row of languages; else the language button */
    const char *banner;  /* the printer banner's words: "" whole, ".short", or ".title" alone (large
                            text on a 7-inch panel: what to do is said on the ticket's scene) */
    bool no_feedback;    /* "give feedback" gives way to taking a ticket (large text on a 7-inch
                            panel under a printer banner) */
} home_plan;

static const home_plan plans[] = {
    {true, HOME_COLUMN_TITLE, true, "", false},         {true, HOME_COLUMN_BODY, true, "", false},
    {false, HOME_COLUMN_TITLE, true, "", false},        {false, HOME_COLUMN_BODY, true, "", false},
    {true, HOME_TWO_ROWS, true, "", false},             {false, HOME_TWO_ROWS, true, "", false},
    {true, HOME_COLUMN_BODY, false, "", false},         {false, HOME_COLUMN_BODY, false, "", false},
    {false, HOME_TWO_ROWS, false, "", false},           {false, HOME_TWO_ROWS, true, ".short", false},
    {false, HOME_TWO_ROWS, false, ".short", false},     {false, HOME_COLUMN_BODY, false, ".short", true},
    {false, HOME_COLUMN_BODY, false, ".title", true},
};

static const struct home_entry {
    int id;
    const char *label, *sub;
    ui_icon_kind icon;
    ui_button_kind kind;
} entries[3] = {
    {T_TAKE, "home.take_ticket", "home.take_ticket.sub", UI_ICON_TICKET, UI_BUTTON_PRIMARY},
    {T_APPOINTMENT, "home.appointment", "home.appointment.sub", UI_ICON_CALENDAR, UI_BUTTON_PRIMARY},
    {T_FEEDBACK, "home.feedback", "home.feedback.sub", UI_ICON_SPEECH, UI_BUTTON_SECONDARY},
};

/* Height of a choice in width w: its words on the lines they take (two at most). */
static int choice_h(const kiosk_layout *l, const struct home_entry *e, int w, double cap)
{
    int lines = ui_text_lines(l->u, kiosk_tr(l->k, e->label), w - kl_mm(l, 6), cap, true);
    return kl_button_h(l, cap, lines == 1 ? 1 : 2);
}

/* Without the row, the width of the text size button beside the language button in width w: its
 * words on one line, else on the two lines of the width left when that is lower than one button
 * above the other ("Normale Schrift" in large text on a 7-inch panel); 0 when they stack. */
static int text_size_beside_w(const kiosk_layout *l, int w)
{
    int lang_h = kl_button_h(l, l->body, 1), xw = kl_large_text_button_w(l);
    int rest = w - kl_language_button_w(l, lang_h) - l->gap;
    if (xw <= rest)
        return xw;
    int stacked = lang_h + l->gap + kl_large_text_button_h(l, xw < w ? xw : w);
    int beside = kl_large_text_button_h(l, rest);
    return kl_large_text_button_holds(l, rest) && (beside > lang_h ? beside : lang_h) < stacked ? rest : 0;
}

/* The settings without the row: the language button and the text size side by side, or one above
 * the other; the height they take in width w. */
static int settings_h(const kiosk_layout *l, int w, bool row)
{
    int lang_h = kl_button_h(l, l->body, 1), xw = kl_large_text_button_w(l);
    if (row)
        return kl_large_text_button_h(l, xw < w ? xw : w);
    int beside = text_size_beside_w(l, w);
    if (beside)
        return lang_h > kl_large_text_button_h(l, beside) ? lang_h : kl_large_text_button_h(l, beside);
    return lang_h + l->gap + kl_large_text_button_h(l, xw < w ? xw : w);
}

/* The settings in a, which settings_h measured: they take its whole height. */
static void draw_settings(const kiosk_layout *l, SDL_Rect a, bool row)
{
    int lang_h = kl_button_h(l, l->body, 1);
    int lw = kl_language_button_w(l, lang_h), xw = kl_large_text_button_w(l);
    int beside = row ? 0 : text_size_beside_w(l, a.w);
    if (xw > a.w)
        xw = a.w;
    if (beside) {
        kl_language_button(l, kl_cut_left(&a, lw, l->gap));
        xw = beside;
    } else if (!row) {
        SDL_Rect lang = kl_cut_bottom(&a, lang_h, l->gap);
        lang.w = lw < lang.w ? lw : lang.w;
        kl_language_button(l, lang);
    }
    kl_large_text_button(l, (SDL_Rect){a.x, a.y, xw < a.w ? xw : a.w, a.h});
}

/* The areas of a plan in the screen area a (after the band), or false when it does not fit. In
 * two rows, `settings` is the cell beside "take a ticket" (the text size beside the row of
 * languages, else the language button) and `side` the text size's own row under the choices
 * when the language button took that cell. */
typedef struct home_cut {
    SDL_Rect banner, choices, side, settings, row;
    int row_cols;
    double cap;
} home_cut;

static bool cut_two_rows(const kiosk_layout *l, const home_plan *p, SDL_Rect a, int need, home_cut *c)
{
    int lang_h = kl_button_h(l, l->body, 1), xw = kl_large_text_button_w(l);
    if (xw > a.w)
        xw = a.w;
    if (!p->row)
        c->side = kl_cut_bottom(&a, kl_large_text_button_h(l, xw), l->gap);
    int sw = p->row ? xw : kl_language_button_w(l, lang_h);
    if (sw > (a.w - l->gap) / 2)
        sw = (a.w - l->gap) / 2;
    int top = choice_h(l, &entries[0], a.w - sw - l->gap, c->cap);
    int sh = p->row ? kl_large_text_button_h(l, sw) : lang_h;
    top = top > sh ? top : sh;
    if (a.h < 0 || top + l->gap + need > a.h)
        return false;
    c->choices = a;
    c->settings = (SDL_Rect){a.x + a.w - sw, a.y, sw, top};
    c->side.w = xw;
    return true;
}

static bool cut_home(const kiosk_layout *l, const home_plan *p, const char *banner, SDL_Rect a, home_cut *c)
{
    *c = (home_cut){.cap = p->choices == HOME_COLUMN_TITLE ? l->title : l->body};
    if (banner)
        c->banner = kl_cut_top(&a, banner_h(l, a.w, banner), l->gap);
    if (p->row) {
        int h = kl_language_row_h(l, a.w, &c->row_cols);
        if (h < 0 || h > a.h)
            return false;
        c->row = kl_cut_bottom(&a, h, l->gap);
    }
    int need = 0, n = p->no_feedback ? 2 : 3;
    for (int i = 0; i < n; i++) {
        int w = p->choices == HOME_TWO_ROWS ? (a.w - l->gap) / 2 : a.w;
        int h = choice_h(l, &entries[i], w, c->cap);
        need = h > need ? h : need;
    }
    if (p->choices == HOME_TWO_ROWS)
        return cut_two_rows(l, p, a, need, c);
    bool wide = l->large && !l->portrait;
    if (wide || l->portrait) {
        int sh = settings_h(l, a.w, p->row);
        c->settings = kl_cut_bottom(&a, sh, l->gap);
        if (l->portrait && a.h > 3 * need + 2 * l->gap) {
            /* The choices take most of the screen, the calls and the hours the rest. */
            int ch = a.h * 62 / 100;
            c->choices = kl_cut_top(&a, ch > 3 * need + 2 * l->gap ? ch : 3 * need + 2 * l->gap, l->gap * 2);
            c->side = a;
        } else {
            c->choices = a;
        }
    } else {
        c->choices = kl_cut_left(&a, a.w * (l->small ? 50 : 56) / 100, l->gap * 2);
        c->side = a;
        int sh = settings_h(l, a.w, p->row);
        if (sh > a.h)
            return false;
        c->settings = kl_cut_bottom(&c->side, sh, l->gap);
    }
    return c->choices.h >= n * need + (n - 1) * l->gap && c->settings.h > 0;
}

static void draw_choices_two_rows(const kiosk_layout *l, const home_cut *c, bool row)
{
    const kiosk *k = l->k;
    SDL_Rect a = c->choices;
    SDL_Rect top = kl_cut_top(&a, c->settings.h, l->gap);
    top.w -= c->settings.w + l->gap;
    kl_button(l, entries[0].id, top, kiosk_tr(k, entries[0].label), NULL, entries[0].icon, entries[0].kind, c->cap);
    if (row) {
        kl_large_text_button(l, c->settings);
    } else {
        kl_language_button(l, c->settings);
        kl_large_text_button(l, c->side);
    }
    SDL_Rect left = kl_cut_left(&a, (a.w - l->gap) / 2, l->gap);
    kl_button(l, entries[1].id, left, kiosk_tr(k, entries[1].label), NULL, entries[1].icon, entries[1].kind, c->cap);
    kl_button(l, entries[2].id, a, kiosk_tr(k, entries[2].label), NULL, entries[2].icon, entries[2].kind, c->cap);
}

static void draw_choices_column(const kiosk_layout *l, SDL_Rect col, double cap, int n)
{
    int bh = (col.h - (n - 1) * l->gap) / n;
    /* Second lines only where they fit without squeezing the main words. */
    bool subs = bh >= kl_lines_h(l, cap, true, 2) + kl_lines_h(l, cap * 0.6, false, 2) + kl_mm(l, 6);
    for (int i = 0; i < n; i++) {
        SDL_Rect r = kl_cut_top(&col, bh, l->gap);
        kl_button(l, entries[i].id, r, kiosk_tr(l->k, entries[i].label), subs ? kiosk_tr(l->k, entries[i].sub) : NULL,
                  entries[i].icon, entries[i].kind, cap);
    }
}

static void draw_home(const kiosk_layout *l)
{
    const kiosk *k = l->k;
    const char *key = printer_banner_key(k);
    SDL_Rect screen = kl_screen_area(l), under_band = screen;
    int band = kl_header_h(l);
    under_band.y = band + l->gap;
    under_band.h = ui_height(l->u) - band - l->gap - l->margin;
    size_t n = sizeof plans / sizeof plans[0], i = 0;
    home_cut c;
    const char *banner = NULL;
    for (; i < n; i++) {
        char banner_key[48];
        snprintf(banner_key, sizeof banner_key, "%s%s", key ? key : "", plans[i].banner);
        banner = key ? kiosk_tr(k, banner_key) : NULL;
        if (cut_home(l, &plans[i], banner, plans[i].band ? under_band : screen, &c))
            break;
    }
    if (i == n) {   /* nothing fits: the last plan, whose checks then say what is cut */
        i = n - 1;
        cut_home(l, &plans[i], banner, plans[i].band ? under_band : screen, &c);
    }
    const home_plan *p = &plans[i];
    l->k->lang_row = p->row;
    l->k->home_no_feedback = p->no_feedback;
    if (p->band)
        kl_header(l);
    if (banner)
        draw_printer_banner(l, c.banner, banner);
    /* Drawn in the keypad's focus order: the choices, the settings, then the languages. */
    if (p->choices == HOME_TWO_ROWS) {
        draw_choices_two_rows(l, &c, p->row);
    } else {
        draw_choices_column(l, c.choices, c.cap, p->no_feedback ? 2 : 3);
        draw_settings(l, c.settings, p->row);
        if (c.side.w > 0 && c.side.h > 0)
            draw_calls_and_hours(l, c.side);
    }
    if (p->row)
        kl_language_row(l, c.row, c.row_cols);
}

static bool on_event(kiosk *k, const kiosk_scene_event *e)
{
    if (e->kind == KIOSK_EV_TEXT) {
        kiosk_reset_flow(k);
        kiosk_scene_start(k, KIOSK_CHECKIN);
        return kiosk_scene_event_send(k, e);
    }
    if (e->kind == KIOSK_EV_NOWHERE)
        return kiosk_admin_corner(k, e->x, e->y);
    if (e->kind == KIOSK_EV_PRINTER) {
        kiosk_dirty(k);   /* the banner comes and goes with the printer */
        return true;
    }
    if (e->kind != KIOSK_EV_TARGET)
        return false;
    switch (e->target) {
    case T_TAKE: kiosk_reset_flow(k); kiosk_scene_start(k, KIOSK_SERVICES); return true;
    case T_APPOINTMENT: kiosk_reset_flow(k); kiosk_scene_start(k, KIOSK_CHECKIN); return true;
    case T_FEEDBACK: kiosk_reset_flow(k); kiosk_scene_start(k, KIOSK_FEEDBACK); return true;
    case T_LANG: kiosk_scene_next(k, KIOSK_LANGUAGE); return true;
    case T_LARGE_TEXT: kiosk_access_key(k, KEYPAD_LARGE_TEXT); return true;
    case T_BACK: return true;   /* home is where Back ends */
    default: break;
    }
    if (e->target < T_LANG_ROW || e->target >= T_LANG_ROW + k->n_langs)
        return false;
    /* Kept for the session; said again in the chosen language. */
    kiosk_set_language(k, e->target - T_LANG_ROW);
    kiosk_access_scene_entered(k);
    return true;
}

static void describe(kiosk *k, kiosk_spoken *d)
{
    kiosk_say_title(d, kiosk_tr(k, "home.welcome"));
    const char *banner = printer_banner_key(k);
    if (banner)
        kiosk_say_state(d, kiosk_tr(k, banner));
    else if (k->n_calls) {
        char s[128];
        ui_format(s, sizeof s, kiosk_tr(k, "home.call"), "label", k->calls[0].label, "counter", k->calls[0].counter,
                  (const char *)NULL);
        kiosk_say_state(d, s);
    }
    kiosk_say_choice(d, T_TAKE, kiosk_tr(k, "home.take_ticket"), "");
    kiosk_say_choice(d, T_APPOINTMENT, kiosk_tr(k, "home.appointment"), "");
    if (!k->home_no_feedback)
        kiosk_say_choice(d, T_FEEDBACK, kiosk_tr(k, "home.feedback"), "");
    if (k->lang_row)
        kiosk_say_languages(k, d);
    else
        kiosk_say_choice(d, T_LANG, kiosk_tr(k, "lang.choose"), "");
    kiosk_say_choice(d, T_LARGE_TEXT, kiosk_tr(k, k->large ? "home.normal_text" : "home.large_text"),
                     kiosk_key_words(k, "large_text"));
}

const kiosk_scene kiosk_scene_home = {
    .on_event = on_event, .draw = draw_home, .describe = describe, .back = KIOSK_BACK_POP,
    .flags = KIOSK_SCENE_CLOCK,
};
