/* Feedback: one tap on a weather picture, from sun to storm. The five are a scale and are drawn
 * as one: in one row, sunny first (on the right in Arabic), or in one column on a portrait
 * screen, every picture the same size and every word whole under (or beside) its picture.
 *
 * A row gives each tile the width its longest word needs and shares the rest equally, so
 * "Tormenta" keeps its 5 mm letters on a 7-inch screen where five equal tiles would cut it. When
 * even that does not hold the words (large text on a landscape screen: 7.5 mm letters), the scale
 * stands as a column beside the question, as on a portrait screen. */
#include "../kiosk_scene.h"

#include <stdio.h>
#include <string.h>

#define LEVELS 5
#define SCALE_WORD_LINES 2

static const ui_icon_kind icons[LEVELS] = {UI_ICON_SUN, UI_ICON_SUN_VEILED, UI_ICON_CLOUD, UI_ICON_RAIN,
                                           UI_ICON_STORM};

typedef struct scale {
    const char *words[LEVELS];
    double cap;
    bool bold;
    int pad;              /* inside a tile, between its edge, its picture and its words */
    int gap;              /* between the tiles */
    int border;
    int min_icon;         /* the smallest picture a layout may give (it carries the meaning) */
    bool bold_first;      /* else regular weight only (narrower: room for the question beside) */
    int icon;             /* the pictures' side, one for the five */
    SDL_Rect tile[LEVELS];
    int word_h;           /* row: the words' height under every picture (the most lines) */
} scale;

static const char *level_word(const kiosk *k, int level)
{
    char key[16];
    snprintf(key, sizeof key, "feedback.%d", level);
    return kiosk_tr(k, key);
}

/* The width of the longest word of s (the narrowest a tile may wrap it to). */
static int widest_word(const kiosk_layout *l, const char *s, double cap, bool bold)
{
    int widest = 0;
    while (*s) {
        size_t n = strcspn(s, " ");
        char word[64];
        snprintf(word, sizeof word, "%.*s", (int)(n < sizeof word - 1 ? n : sizeof word - 1), s);
        int w = ui_text_width(l->u, word, cap, bold);
        widest = w > widest ? w : widest;
        s += n;
        s += strspn(s, " ");
    }
    return widest;
}

/* Widths of the row's tiles in `total` pixels: each the share of the tiles not wider than it,
 * or the width its words need. False when the needs exceed the room. */
static bool row_widths(const int *need, int total, int *w)
{
    bool fixed[LEVELS] = {false};
    for (;;) {
        int room = total, free_n = 0;
        for (int i = 0; i < LEVELS; i++) {
            if (fixed[i])
                room -= need[i];
            else
                free_n++;
        }
        if (room < 0)
            return false;
        int share = free_n ? room / free_n : 0;
        bool changed = false;
        for (int i = 0; i < LEVELS; i++)
            if (!fixed[i] && need[i] > share) {
                fixed[i] = true;
                changed = true;
            }
        if (changed)
            continue;
        for (int i = 0; i < LEVELS; i++)
            w[i] = fixed[i] ? need[i] : share;
        return true;
    }
}

/* The row at one size of words: false when the words do not fit whole, on two lines at most,
 * with a picture of min_icon at least above them. */
static bool layout_row(const kiosk_layout *l, SDL_Rect a, scale *s)
{
    int need[LEVELS], w[LEVELS];
    for (int i = 0; i < LEVELS; i++)
        need[i] = widest_word(l, s->words[i], s->cap, s->bold) + 2 * s->pad;
    if (!row_widths(need, a.w - (LEVELS - 1) * s->gap, w))
        return false;
    int h = a.h < kl_mm(l, 80) ? a.h : kl_mm(l, 80);
    s->word_h = 0;
    s->icon = kl_mm(l, 45);
    for (int i = 0; i < LEVELS; i++) {
        int inner = w[i] - 2 * s->pad;
        int lines = ui_text_lines(l->u, s->words[i], inner, s->cap, s->bold);
        if (lines <= 0 || lines > SCALE_WORD_LINES)
            return false;
        int wh = ui_text_height(l->u, s->words[i], inner, s->cap, s->bold);
        s->word_h = wh > s->word_h ? wh : s->word_h;
        s->icon = inner < s->icon ? inner : s->icon;
    }
    int above = h - s->word_h - 3 * s->pad;
    s->icon = above < s->icon ? above : s->icon;
    if (s->icon < s->min_icon)
        return false;
    int x = a.x;
    for (int i = 0; i < LEVELS; i++) {
        s->tile[i] = (SDL_Rect){x, a.y, w[i], h};
        x += w[i] + s->gap;
    }
    return true;
}

/* The column: rows sharing the area's height, the picture on the reading side, the words beside
 * it. False when a word does not fit its row. */
static bool layout_column(const kiosk_layout *l, SDL_Rect a, scale *s)
{
    int gap = s->gap;
    int h = (a.h - (LEVELS - 1) * gap) / LEVELS;
    int max_h = kl_mm(l, l->portrait ? 100 : 80);
    h = h < max_h ? h : max_h;
    s->icon = h - 2 * s->pad;
    s->icon = s->icon < kl_mm(l, 45) ? s->icon : kl_mm(l, 45);
    int inner = a.w - 3 * s->pad - s->icon;
    for (int i = 0; i < LEVELS; i++) {
        int wh = ui_text_height(l->u, s->words[i], inner, s->cap, s->bold);
        if (wh <= 0 || wh > h - 2 * s->border)
            return false;
        s->tile[i] = (SDL_Rect){a.x, a.y + i * (h + gap), a.w, h};
    }
    return s->icon >= s->min_icon;
}

/* The smallest words of the session, in the layout's millimetres: 5 mm on the glass, 7.5 mm in
 * large text, whatever part of that the layout's zoom already gives. */
static double smallest_cap(const kiosk_layout *l)
{
    return KL_MIN_CAP * (l->large ? KL_LARGE_SCALE : 1.0) / ui_zoom(l->u);
}

/* The largest words, bold then regular, from the body size down to the smallest, that lay out. */
static bool fit(const kiosk_layout *l, SDL_Rect a, bool row, scale *s)
{
    double min_cap = smallest_cap(l);
    for (double cap = l->body > min_cap ? l->body : min_cap;; cap = cap - 0.5 > min_cap ? cap - 0.5 : min_cap) {
        for (int bold = s->bold_first; bold >= 0; bold--) {
            s->cap = cap;
            s->bold = bold;
            if (row ? layout_row(l, a, s) : layout_column(l, a, s))
                return true;
        }
        if (cap <= min_cap)
            return false;
    }
}

static void scale_tile(const kiosk_layout *l, const scale *s, int i, bool row)
{
    int id = T_WEATHER + i + 1, radius = kl_mm(l, 2.5);
    SDL_Rect r = s->tile[i];
    SDL_Color fill = ui_is_pressed(l->u, id) ? l->t->secondary_down : l->t->secondary;
    ui_fill_rounded(l->u, r, radius, l->t->secondary_ink);
    ui_fill_rounded(l->u, (SDL_Rect){r.x + s->border, r.y + s->border, r.w - 2 * s->border, r.h - 2 * s->border},
                    radius - s->border, fill);
    ui_target(l->u, id, r, s->words[i]);
    SDL_Rect icon, words;
    if (row) {
        /* The picture and the words as one block in the middle of the tile; the words of the
         * five start on one line. */
        int top = r.y + (r.h - s->icon - s->pad - s->word_h) / 2;
        icon = (SDL_Rect){r.x + (r.w - s->icon) / 2, top, s->icon, s->icon};
        words = (SDL_Rect){r.x + s->pad, top + s->icon + s->pad, r.w - 2 * s->pad, s->word_h};
    } else {
        icon = (SDL_Rect){r.x + s->pad, r.y + (r.h - s->icon) / 2, s->icon, s->icon};
        words = (SDL_Rect){icon.x + s->icon + s->pad, r.y + s->border, r.w - 3 * s->pad - s->icon,
                           r.h - 2 * s->border};
    }
    ui_icon(l->u, icons[i], icon, l->t->secondary_ink, fill);
    kl_text(l, words, s->words[i], s->cap, s->bold, l->t->secondary_ink, row ? UI_ALIGN_CENTER : UI_ALIGN_START,
            row ? UI_ALIGN_START : UI_ALIGN_CENTER);
}

/* A landscape screen whose row cannot hold the words (large text): the scale as a column down
 * the whole height, as wide as its longest word, the question and Back beside it. Every
 * millimetre goes to the five targets (7-inch: 15 mm each). */
static void draw_beside(const kiosk_layout *l, scale *s)
{
    int margin = kl_mm(l, 1);
    s->gap = kl_mm(l, 1);
    SDL_Rect a = {margin, margin, ui_width(l->u) - 2 * margin, ui_height(l->u) - 2 * margin};
    SDL_Rect widest = a;
    widest.w = a.w * 2 / 3;
    s->min_icon = 1;
    s->bold_first = false;
    fit(l, widest, false, s);
    int column_w = 0;
    for (int i = 0; i < LEVELS; i++) {
        int w = ui_text_width(l->u, s->words[i], s->cap, s->bold);
        column_w = w > column_w ? w : column_w;
    }
    column_w += s->icon + 5 * s->pad;   /* the picture, and a pad each side of both and to spare */
    column_w = column_w < widest.w ? column_w : widest.w;
    SDL_Rect column = kl_cut_right(&a, column_w, l->gap * 2);
    for (int i = 0; i < LEVELS; i++) {
        s->tile[i].x = column.x;
        s->tile[i].w = column.w;
        scale_tile(l, s, i, false);
    }
    SDL_Rect back = kl_cut_bottom(&a, kl_button_h(l, l->body, 1), l->gap);
    kl_button(l, T_BACK, back, kiosk_tr(l->k, "common.back"), NULL, UI_ICON_BACK, UI_BUTTON_SECONDARY, l->body);
    /* The question in bold where it fits whole, else in regular weight (narrower). */
    const char *title = kiosk_tr(l->k, "feedback.title");
    double cap = l->small ? smallest_cap(l) : l->title;
    int bold_h = ui_text_height(l->u, title, a.w, cap, true);
    bool bold = bold_h > 0 && bold_h <= a.h;
    kl_text(l, a, title, cap, bold, l->t->ink, UI_ALIGN_START, UI_ALIGN_CENTER);
}

static void draw_feedback(const kiosk_layout *l)
{
    /* 7-inch: 1 mm inside the tiles and between them, the row 1.5 mm from the screen's sides,
     * so the longest words ("Tormenta", "Gewitter") keep a row. */
    scale s = {.pad = kl_mm(l, l->small ? 1.0 : 1.5), .gap = l->small ? kl_mm(l, 1.0) : l->gap,
               .border = kl_mm(l, 0.5), .min_icon = kl_mm(l, 10), .bold_first = true};
    for (int i = 0; i < LEVELS; i++)
        s.words[i] = level_word(l->k, i + 1);
    bool row = !l->portrait;
    /* Whether the row holds the words is a matter of width: tried on the whole screen first. */
    SDL_Rect a = kl_screen_area(l);
    if (row && l->small) {
        int side = kl_mm(l, 1.5);
        a = (SDL_Rect){side, a.y, ui_width(l->u) - 2 * side, a.h};
    }
    if (row && !fit(l, a, true, &s)) {
        draw_beside(l, &s);
        return;
    }
    int x = a.x, w = a.w;
    a = kl_title_row(l, T_BACK, "common.back", UI_ICON_BACK, kiosk_tr(l->k, "feedback.title"));
    a.x = x;
    a.w = w;
    if (!fit(l, a, row, &s)) {
        /* Short of height under the title: smaller pictures rather than cut words. */
        s.min_icon = 1;
        fit(l, a, row, &s);
    }
    for (int i = 0; i < LEVELS; i++)
        scale_tile(l, &s, i, row);
}

static bool on_event(kiosk *k, const kiosk_scene_event *e)
{
    if (e->kind != KIOSK_EV_TARGET || e->target < T_WEATHER + 1 || e->target > T_WEATHER + LEVELS)
        return false;
    k->fb_level = e->target - T_WEATHER;
    k->fb_reason = CONTRACT_REASON_NONE;
    /* Rain or storm: why, optionally (the only levels the contract takes a reason for). */
    kiosk_scene_replace(k, k->fb_level >= 4 ? KIOSK_FEEDBACK_REASON : KIOSK_THANKS);
    return true;
}

static void describe(kiosk *k, kiosk_spoken *d)
{
    kiosk_say_title(d, kiosk_tr(k, "feedback.title"));
    kiosk_say_choice(d, T_BACK, kiosk_tr(k, "common.back"), kiosk_key_words(k, "back"));
    for (int i = 1; i <= LEVELS; i++)
        kiosk_say_choice(d, T_WEATHER + i, level_word(k, i), "");
}

const kiosk_scene kiosk_scene_feedback = {
    .on_event = on_event, .draw = draw_feedback, .describe = describe, .back = KIOSK_BACK_POP,
    .flags = KIOSK_SCENE_TIMED,
};
