/* Grids of worded choices (see kiosk_choices.h). */
#include "kiosk_choices.h"


/* Lines the longest label takes in a cell of width w (in bold, or in the regular weight), or -1
 * when one takes more than two. */
static int label_lines(const kiosk_layout *l, const kl_choice *c, int n, int w, bool regular)
{
    int most = 1;
    for (int i = 0; i < n; i++) {
        /* ui_button keeps 3 mm each side, and the icon beside the words on a wide button. */
        int room = w - 2 * kl_mm(l, 3) - (c[i].icon != UI_ICON_NONE ? kl_mm(l, 12) : 0);
        int lines = ui_text_lines(l->u, c[i].label, room, l->body, !regular);
        if (lines < 1 || lines > 2)
            return -1;
        most = lines > most ? lines : most;
    }
    return most;
}

static void draw_cells(const kiosk_layout *l, SDL_Rect area, const kl_choice *c, int n, int cols, int cell_h)
{
    int rows = (n + cols - 1) / cols;
    int w = (area.w - (cols - 1) * l->gap) / cols;
    int h = (area.h - (rows - 1) * l->gap) / rows;
    int max_h = kl_mm(l, l->portrait ? 40 : 30);
    h = h > max_h ? max_h : h;
    h = h < cell_h ? cell_h : h;
    for (int i = 0; i < n; i++) {
        SDL_Rect r = {area.x + (i % cols) * (w + l->gap), area.y + (i / cols) * (h + l->gap), w, h};
        kl_button(l, c[i].id, r, c[i].label, NULL, c[i].icon, c[i].kind, l->body);
    }
}

void kl_choices(const kiosk_layout *l, SDL_Rect area, const kl_choice *c, int n, int max_cols)
{
    kiosk *k = l->k;
    k->tile_first = 0;
    k->tile_n = n;
    k->tile_paged = k->tile_more = false;
    /* The widest grid whose cells are targets and hold their labels; if its rows do not all
     * fit, the widest whose row leaves room for the page buttons under it. */
    int page_cols = 0, page_lines = 0;
    for (int cols = max_cols; cols >= 1; cols--) {
        int w = (area.w - (cols - 1) * l->gap) / cols;
        int lines = label_lines(l, c, n, w, false);
        if (lines < 0 || (w < kl_mm(l, KL_MIN_TARGET) && cols > 1))
            continue;
        int cell_h = kl_button_h(l, l->body, lines);
        int rows = (n + cols - 1) / cols;
        if (rows * cell_h + (rows - 1) * l->gap <= area.h) {
            draw_cells(l, area, c, n, cols, cell_h);
            return;
        }
        if (!page_cols && cell_h + l->gap + kl_button_h(l, l->body, 1) <= area.h) {   /* a row, kl_page's buttons */
            page_cols = cols;
            page_lines = lines;
        }
    }
    if (!page_cols) {   /* one per row, as tall as the longest label needs */
        page_cols = 1;
        page_lines = label_lines(l, c, n, area.w, false);
        page_lines = page_lines > 0 ? page_lines : 2;
    }
    /* By pages of the widest grid, the navigation row at the bottom. Under a tall question (three
     * lines in large text on a 7-inch panel) a row of two-line cells is cut to the room above the
     * page buttons where a label holds there: on one line in the regular weight (kl_button). */
    int cell_h = kl_button_h(l, l->body, page_lines), first;
    int room = area.h - l->gap - kl_button_h(l, l->body, 1);
    if (l->compact && cell_h > room && room >= kl_button_h(l, l->body, 1) &&
        label_lines(l, c, n, (area.w - (page_cols - 1) * l->gap) / page_cols, true) == 1)
        cell_h = room;
    int shown = kl_page(l, &area, n, page_cols, cell_h, &first);
    draw_cells(l, area, c + first, shown, page_cols, cell_h);
}

void kiosk_say_choices(kiosk *k, kiosk_spoken *d, const kl_choice *c, int n)
{
    kiosk_say_page_prev(k, d);
    for (int i = 0; i < n; i++)
        if (kiosk_page_shows(k, i))
            kiosk_say_choice(d, c[i].id, c[i].label, "");
    kiosk_say_page_next(k, d);
}
