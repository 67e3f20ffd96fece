/* The languages offered, each named in its own language, where home has no room for their row
 * (7-inch boards). Choosing one keeps it for the session and goes back. */
#include "../kiosk_scene.h"

static void draw_language(const kiosk_layout *l)
{
    kiosk *k = l->k;
    SDL_Rect a = kl_title_row(l, T_BACK, "common.back", UI_ICON_BACK, kiosk_tr(k, "lang.choose"));
    int cols, h = kl_language_row_h(l, a.w, &cols);
    if (h < 0 || h > a.h) {
        /* Large text on a 7-inch panel: one name per row, in pages (the session's one is filled). */
        int row_h = kl_button_h(l, l->body, 1), first;
        int shown = kl_page(l, &a, k->n_langs, 1, row_h, &first);
        for (int i = first; i < first + shown; i++) {
            ui_button_spec b = {.id = T_LANG_ROW + i, .rect = kl_cut_top(&a, row_h, l->gap),
                                .label = kiosk_language_name(k, i),
                                .kind = i == k->lang ? UI_BUTTON_PRIMARY : UI_BUTTON_SECONDARY, .cap_mm = l->body,
                                .min_cap_mm = l->min_cap};
            ui_button(l->u, &b);
        }
        return;
    }
    int rows = (k->n_langs + cols - 1) / cols;
    int most = rows * kl_mm(l, 30) + (rows - 1) * l->gap;
    if (a.h > most)
        a.h = most;
    kl_language_row(l, a, cols);
}

static bool on_event(kiosk *k, const kiosk_scene_event *e)
{
    if (e->kind != KIOSK_EV_TARGET || e->target < T_LANG_ROW || e->target >= T_LANG_ROW + k->n_langs)
        return false;
    kiosk_set_language(k, e->target - T_LANG_ROW);
    kiosk_scene_back(k);
    return true;
}

static void describe(kiosk *k, kiosk_spoken *d)
{
    kiosk_say_title(d, kiosk_tr(k, "lang.choose"));
    kiosk_say_choice(d, T_BACK, kiosk_tr(k, "common.back"), kiosk_key_words(k, "back"));
    kiosk_say_page_prev(k, d);
    for (int i = 0; i < k->n_langs; i++)
        if (kiosk_page_shows(k, i))
            kiosk_say_choice(d, T_LANG_ROW + i, kiosk_language_name(k, i), "");
    kiosk_say_page_next(k, d);
}

const kiosk_scene kiosk_scene_language = {
    .on_event = on_event, .draw = draw_language, .describe = describe, .back = KIOSK_BACK_POP,
    .flags = KIOSK_SCENE_TIMED,
};
