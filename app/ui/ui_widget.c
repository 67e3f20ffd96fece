#include "borne/ui_widget.h"

#include "borne/ui_text.h"

#define BODY_MIN_MM 5.0   /* kiosk rule: body text cap height never below 5 mm */

static void badge(ui *u, SDL_Rect box, char letter, double min_cap, SDL_Color fill, SDL_Color ink)
{
    int s = box.w < box.h ? box.w : box.h;
    int cx = box.x + box.w / 2, cy = box.y + box.h / 2;
    ui_fill_circle(u, cx, cy, s / 2, fill);
    char text[2] = {letter, '\0'};
    int half = s / 2;
    double cap = ui_to_mm(u, (int)(s * 0.42));
    ui_text_style st = {.cap_mm = cap > min_cap ? cap : min_cap, .min_cap_mm = min_cap, .bold = true,
                        .fg = ink, .halign = UI_ALIGN_CENTER, .valign = UI_ALIGN_CENTER, .max_lines = 1};
    ui_text(u, (SDL_Rect){cx - half, cy - half, 2 * half, 2 * half}, text, &st);
}

/* Where a button's icon (or badge) and words go in its rect. */
typedef struct button_layout {
    SDL_Rect in;          /* inside the padding */
    SDL_Rect icon;        /* w 0: no icon drawn */
    SDL_Rect text;        /* the words (and the sublabel under them) */
    int pad, sub_h;
    double cap, min_cap, sub_cap;
    bool centred;
} button_layout;

static void layout_button(ui *u, const ui_button_spec *b, button_layout *L)
{
    SDL_Rect r = b->rect;
    /* Padding shrinks on small buttons (7-inch boards) so the words keep the room. */
    int pad = r.h / 10;
    if (pad > ui_mm(u, 3))
        pad = ui_mm(u, 3);
    if (pad < ui_mm(u, 1))
        pad = ui_mm(u, 1);
    SDL_Rect in = {r.x + pad, r.y + pad, r.w - 2 * pad, r.h - 2 * pad};
    bool has_icon = b->icon != UI_ICON_NONE || b->badge;
    double cap = b->cap_mm > 0 ? b->cap_mm : 6.0;
    double min_cap = b->min_cap_mm > 0 ? b->min_cap_mm : BODY_MIN_MM;
    /* Room for the words as they will wrap (at most two lines), the icon gets the rest. */
    int lines = ui_text_lines(u, b->label, r.w - 2 * ui_mm(u, 3), cap, !b->regular);
    double label_cap = lines > 0 ? cap : min_cap;
    if (lines <= 0)
        lines = ui_text_lines(u, b->label, r.w - 2 * ui_mm(u, 3), min_cap, !b->regular);
    if (lines <= 0 || lines > 2 || b->badge)
        lines = 2;   /* badges: the same size on every tile of a grid */
    int label_lines_h = ui_line_height(u, label_cap, !b->regular) * lines;
    double sub_cap = cap * 0.6 > min_cap ? cap * 0.6 : min_cap;
    int sub_h = b->sublabel ? ui_line_height(u, sub_cap, false) * 2 : 0;
    *L = (button_layout){.in = in, .text = in, .pad = pad, .sub_h = sub_h, .cap = cap, .min_cap = min_cap,
                         .sub_cap = sub_cap, .centred = !(has_icon && in.w >= in.h * 2)};
    if (!has_icon)
        return;
    /* Wide buttons put the icon on the left; tiles put it above the words. */
    if (in.w >= in.h * 2) {
        int s = in.h;
        if (s > ui_mm(u, 45))
            s = ui_mm(u, 45);
        if (s > in.w / 5)
            s = in.w / 5;
        /* A letter badge needs room for a 5 mm letter; below that the words say it alone. */
        if (b->badge && s < ui_mm(u, 10))
            s = 0;
        /* The words come first: a long word (German) that would not fit beside the icon,
         * even at the smallest size and on two lines, takes the icon's room. */
        int beside = in.w - s - pad - 2 * ui_mm(u, 3);
        int need = ui_text_lines(u, b->label, beside, min_cap, !b->regular);
        if (s > 0 && !b->sublabel && (need < 0 || ui_line_height(u, min_cap, !b->regular) * need > in.h))
            s = 0;
        L->icon = (SDL_Rect){in.x, in.y + (in.h - s) / 2, s, s};
        if (s > 0)
            L->text = (SDL_Rect){in.x + s + pad, in.y, in.w - s - pad, in.h};
    } else {
        int s = in.h - label_lines_h - sub_h - pad;
        if (s > in.w * 2 / 3)
            s = in.w * 2 / 3;
        if (s < ui_mm(u, b->badge ? 10 : 8))
            s = 0;
        L->icon = (SDL_Rect){in.x + (in.w - s) / 2, in.y, s, s};
        L->text = (SDL_Rect){in.x, in.y + s + (s ? pad : 0), in.w, in.h - s - (s ? pad : 0)};
    }
}

bool ui_button_fits(ui *u, const ui_button_spec *b)
{
    button_layout L;
    layout_button(u, b, &L);
    if (b->badge && L.icon.w <= 0)
        return false;
    int h = ui_text_height(u, b->label, L.text.w, L.min_cap, !b->regular);
    return h > 0 && h <= L.text.h - L.sub_h;
}

bool ui_button(ui *u, const ui_button_spec *b)
{
    const ui_theme *t = ui_get_theme(u);
    bool primary = b->kind == UI_BUTTON_PRIMARY;
    bool down = ui_is_pressed(u, b->id);
    SDL_Color fill = primary ? (down ? t->primary_down : t->primary) : (down ? t->secondary_down : t->secondary);
    SDL_Color ink = primary ? t->primary_ink : t->secondary_ink;
    SDL_Rect r = b->rect;
    int radius = ui_mm(u, 2.5);
    int border = ui_mm(u, b->selected ? 1.2 : 0.5);

    ui_fill_rounded(u, r, radius, primary ? fill : t->secondary_ink);
    if (!primary)
        ui_fill_rounded(u, (SDL_Rect){r.x + border, r.y + border, r.w - 2 * border, r.h - 2 * border},
                        radius - border, fill);
    ui_target(u, b->id, r, b->label);

    button_layout L;
    layout_button(u, b, &L);
    if (b->selected) {
        int s = ui_mm(u, 8);
        ui_icon(u, UI_ICON_CHECK, (SDL_Rect){r.x + r.w - s - ui_mm(u, 1.5), r.y + ui_mm(u, 1.5), s, s}, ink, fill);
    }
    if (L.icon.w > 0) {
        if (b->badge)
            badge(u, L.icon, b->badge, L.min_cap, ink, fill);
        else
            ui_icon(u, b->icon, L.icon, ink, fill);
    }
    ui_text_style st = {.cap_mm = L.cap, .min_cap_mm = L.min_cap, .bold = !b->regular, .fg = ink,
                        .halign = L.centred ? UI_ALIGN_CENTER : UI_ALIGN_START, .valign = UI_ALIGN_CENTER};
    if (!b->sublabel)
        return ui_text(u, L.text, b->label, &st);
    SDL_Rect top = L.text, bottom = L.text;
    top.h = L.text.h - L.sub_h;
    bottom.y = top.y + top.h;
    bottom.h = L.sub_h;
    st.valign = UI_ALIGN_END;
    bool ok = ui_text(u, top, b->label, &st);
    ui_text_style sub = st;
    sub.cap_mm = L.sub_cap;
    sub.bold = false;
    sub.valign = UI_ALIGN_START;
    return ui_text(u, bottom, b->sublabel, &sub) && ok;
}
