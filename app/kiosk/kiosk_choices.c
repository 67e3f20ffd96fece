/* Grids of worded choices (see kiosk_choices.h). */
#include "kiosk_choices.h"


/* Lines the longest label takes in a cell of width w, or -1 when one takes more than two. */
static int label_lines(const kiosk_layout *l, const kl_choice *c, int n, int w)
{
    int most = 1;
    for (int i = 0; i < n; i++) {
        /* ui_button keeps 3 mm each side, and the icon beside the words on a wide button. */
        int room = w - 2 * kl_mm(l, 3) - (c[i].icon != UI_ICON_NONE ? kl_mm(l, 12) : 0);
        int lines = ui_text_lines(l->u, c[i].label, room, l->body, true);
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
    /* The widest grid whose cells are targets and hold their labels: the pages' grid if the
     * rows do not all fit. */
    int page_cols = 1, page_lines = -1;
    for (int cols = max_cols; cols >= 1; cols--) {
        int w = (area.w - (cols - 1) * l->gap) / cols;
        int lines = label_lines(l, c, n, w);
        if (lines < 0 || (w < kl_mm(l, KL_MIN_TARGET) && cols > 1))
            continue;
        if (page_lines < 0) {
            page_cols = cols;
            page_lines = lines;
        }
        int cell_h = kl_button_h(l, l->body, lines);
        int rows = (n + cols - 1) / cols;
        if (rows * cell_h + (rows - 1) * l->gap <= area.h) {
            draw_cells(l, area, c, n, cols, cell_h);
            return;
        }
    }
    /* By pages, the navigation row at the bottom. */
    int cell_h = kl_button_h(l, l->body, page_lines > 0 ? page_lines : 2);
    int nav_h = kl_button_h(l, l->body, 1);
    int rows = (area.h - nav_h) / (cell_h + l->gap);
    int per_page = (rows < 1 ? 1 : rows) * page_cols;
    int pages = (n + per_page - 1) / per_page;
    if (k->page >= pages)
        k->page = pages - 1;
    k->tile_paged = true;
    k->tile_first = k->page * per_page;
    k->tile_n = n - k->tile_first < per_page ? n - k->tile_first : per_page;
    k->tile_more = k->page + 1 < pages;
    SDL_Rect nav = kl_cut_bottom(&area, nav_h, l->gap);
    SDL_Rect prev = kl_cut_left(&nav, (nav.w - l->gap) / 2, l->gap);
    if (k->page > 0)
        kl_button(l, T_PAGE_PREV, prev, kiosk_tr(k, "common.prev"), NULL, UI_ICON_BACK, UI_BUTTON_SECONDARY, l->body);
    if (k->tile_more)
        kl_button(l, T_PAGE_NEXT, nav, kiosk_tr(k, "common.next"), NULL, UI_ICON_NONE, UI_BUTTON_PRIMARY, l->body);
    int shown_rows = (k->tile_n + page_cols - 1) / page_cols;
    area.h = shown_rows * (cell_h + l->gap) - l->gap;
    draw_cells(l, area, c + k->tile_first, k->tile_n, page_cols, cell_h);
}

void kiosk_say_choices(kiosk *k, kiosk_spoken *d, const kl_choice *c, int n)
{
    int first = k->tile_paged ? k->tile_first : 0, last = k->tile_paged ? first + k->tile_n : n;
    if (k->tile_paged && k->page > 0)
        kiosk_say_choice(d, T_PAGE_PREV, kiosk_tr(k, "common.prev"), "");
    for (int i = first; i < last && i < n; i++)
        kiosk_say_choice(d, c[i].id, c[i].label, "");
    if (k->tile_paged && k->tile_more)
        kiosk_say_choice(d, T_PAGE_NEXT, kiosk_tr(k, "common.next"), "");
}
