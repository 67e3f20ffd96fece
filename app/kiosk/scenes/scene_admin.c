/* Administration: printer state, today's figures, test page, emptying the queue (two taps). */
#include "../kiosk_scene.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int count_ticket(const queue_ticket *t, void *ctx)
{
    kiosk *k = ctx;
    k->admin_issued++;
    if (t->state == QUEUE_WAITING || t->state == QUEUE_CALLED)
        k->admin_waiting++;
    if (t->state == QUEUE_DONE)
        k->admin_served++;
    return 0;
}

static void refresh(kiosk *k)
{
    k->admin_issued = k->admin_waiting = k->admin_served = 0;
    queue_list_tickets(k->q, kiosk_now_s(k), 0, count_ticket, k);
}

typedef struct id_list {
    int64_t ids[1024];
    int n;
} id_list;

static int collect_id(const queue_ticket *t, void *ctx)
{
    id_list *l = ctx;
    if (l->n == (int)(sizeof l->ids / sizeof l->ids[0]))
        return 1;
    l->ids[l->n++] = t->id;
    return 0;
}

static void admin_reset(kiosk *k)
{
    /* Collected first, cancelled after: the walk must not see its own changes. Repeated until
     * nothing is left, for queues longer than one batch. */
    id_list *l = malloc(sizeof *l);
    if (!l)
        return;
    int done = 0;
    for (;;) {
        l->n = 0;
        queue_list_tickets(k->q, kiosk_now_s(k), (1u << QUEUE_WAITING) | (1u << QUEUE_CALLED), collect_id, l);
        int cancelled = 0;
        for (int i = 0; i < l->n; i++)
            if (queue_cancel(k->q, kiosk_now_s(k), l->ids[i], "admin") == QUEUE_OK)
                cancelled++;
        done += cancelled;
        if (cancelled == 0)
            break;
    }
    free(l);
    k->reset_done = done;
    k->reset_armed = false;
    refresh(k);
}


/* The printer, today's figures, the fallbacks the kiosk started with. */
static void draw_state(const kiosk_layout *l, SDL_Rect *area)
{
    const kiosk *k = l->k;
    SDL_Rect a = *area;
    char state_key[32], line[400], n1[16], n2[16], n3[16];
    snprintf(state_key, sizeof state_key, "printer.%s", k->p ? printer_state_name(printer_get_state(k->p)) : "none");
    ui_format(line, sizeof line, kiosk_tr(k, "admin.printer"), "state", kiosk_tr(k, state_key), (const char *)NULL);
    int icon = kl_mm(l, 10);
    SDL_Rect row = kl_cut_top(&a, kl_lines_h(l, l->body, true, 1) > icon ? kl_lines_h(l, l->body, true, 1) : icon, l->gap);
    ui_icon(l->u, UI_ICON_PRINTER, (SDL_Rect){row.x, row.y, icon, icon}, l->t->ink, l->t->page);
    kl_text(l, (SDL_Rect){row.x + icon + kl_mm(l, 3), row.y, row.w - icon - kl_mm(l, 3), row.h}, line, l->body, true, l->t->ink,
         UI_ALIGN_START, UI_ALIGN_CENTER);
    snprintf(n1, sizeof n1, "%d", k->admin_issued);
    snprintf(n2, sizeof n2, "%d", k->admin_waiting);
    snprintf(n3, sizeof n3, "%d", k->admin_served);
    ui_format(line, sizeof line, kiosk_tr(k, "admin.today"), "issued", n1, "waiting", n2, "served", n3,
              (const char *)NULL);
    kl_text(l, kl_cut_top(&a, kl_lines_h(l, l->body, false, 2), l->gap), line, l->body, false, l->t->ink, UI_ALIGN_START,
         UI_ALIGN_START);
    if (k->reset_done >= 0) {
        snprintf(n1, sizeof n1, "%d", k->reset_done);
        ui_format(line, sizeof line, kiosk_tr(k, "admin.reset_done"), "n", n1, (const char *)NULL);
        kl_text(l, kl_cut_top(&a, kl_lines_h(l, l->body, false, 1), l->gap), line, l->body, false, l->t->ink, UI_ALIGN_START,
             UI_ALIGN_START);
    }
    /* Silent fallbacks started with: no audio device, languages without their voice, catalogs that
     * did not load. */
    if (kiosk_audio_problem(k)[0]) {
        ui_format(line, sizeof line, kiosk_tr(k, "admin.silent"), "why", kiosk_audio_problem(k), (const char *)NULL);
        kl_text_block(l, &a, line, l->body, false, l->t->alert, l->gap);
    }
    if (k->keypad_problem[0]) {
        ui_format(line, sizeof line, kiosk_tr(k, "admin.keypad"), "why", k->keypad_problem, (const char *)NULL);
        kl_text_block(l, &a, line, l->body, false, l->t->alert, l->gap);
    }
    if (kiosk_voice_problem(k)[0]) {
        ui_format(line, sizeof line, kiosk_tr(k, "admin.voices"), "langs", kiosk_voice_problem(k), (const char *)NULL);
        kl_text_block(l, &a, line, l->body, false, l->t->alert, l->gap);
    }
    if (kiosk_lang_problem(k)[0]) {
        ui_format(line, sizeof line, kiosk_tr(k, "admin.langs"), "why", kiosk_lang_problem(k), (const char *)NULL);
        kl_text_block(l, &a, line, l->body, false, l->t->alert, l->gap);
    }
    *area = a;
}

/* Whether a label holds whole on the two lines of an action button of width w (in the regular
 * weight kl_button falls back to in large text on a 7-inch panel). */
static bool action_holds(const kiosk_layout *l, const char *key, int w)
{
    int lines = ui_text_lines(l->u, kiosk_tr(l->k, key), w - 2 * kl_mm(l, 3), l->body, !l->compact);
    return lines >= 1 && lines <= 2;
}

/* The test page and emptying the queue (with its confirmation): side by side, or one above the
 * other when a label does not hold in half the width ("Warteschlange leeren" in large text). */
static void draw_actions(const kiosk_layout *l, SDL_Rect a)
{
    const kiosk *k = l->k;
    char line[400], n1[16];
    int bh = kl_button_h(l, l->body, 2), half = (a.w - l->gap) / 2;
    bool beside = k->reset_armed ? action_holds(l, "admin.reset_confirm", half) && action_holds(l, "admin.reset_keep", half)
                                 : action_holds(l, "admin.test", half) && action_holds(l, "admin.reset", half);
    if (!beside) {   /* rows as tall as the longer label needs across the screen */
        const char *keys[2] = {k->reset_armed ? "admin.reset_confirm" : "admin.test",
                               k->reset_armed ? "admin.reset_keep" : "admin.reset"};
        int most = 1;
        for (int i = 0; i < 2; i++) {
            int lines = ui_text_lines(l->u, kiosk_tr(k, keys[i]), a.w - 2 * kl_mm(l, 3), l->body, !l->compact);
            most = lines > most ? lines : most;
        }
        bh = kl_button_h(l, l->body, most);
    }
    if (bh > a.h)
        bh = a.h;
    SDL_Rect brow = kl_cut_top(&a, bh, l->gap);
    SDL_Rect left = beside ? kl_cut_left(&brow, half, l->gap) : brow;
    if (!beside)
        brow = kl_cut_top(&a, bh, l->gap);
    if (k->reset_armed) {
        /* The confirmation is NOT where the first tap landed: a double tap lands on "No". The
         * question, under the row, says how many. */
        kl_button(l, T_ADMIN_RESET, left, kiosk_tr(k, "admin.reset_confirm"), NULL, UI_ICON_WARNING, UI_BUTTON_PRIMARY,
                  l->body);
        kl_button(l, T_ADMIN_KEEP, brow, kiosk_tr(k, "admin.reset_keep"), NULL, UI_ICON_BACK, UI_BUTTON_SECONDARY,
                  l->body);
        snprintf(n1, sizeof n1, "%d", k->admin_waiting);
        ui_format(line, sizeof line, kiosk_tr(k, "admin.reset_question"), "n", n1, (const char *)NULL);
        kl_text_block(l, &a, line, l->body, true, l->t->alert, l->gap);
        return;
    }
    kl_button(l, T_ADMIN_TEST, left, kiosk_tr(k, "admin.test"), NULL, UI_ICON_PRINTER, UI_BUTTON_SECONDARY, l->body);
    kl_button(l, T_ADMIN_RESET, brow, kiosk_tr(k, "admin.reset"), NULL, UI_ICON_WARNING, UI_BUTTON_SECONDARY, l->body);
}

static void draw_admin(const kiosk_layout *l)
{
    kiosk *k = l->k;
    SDL_Rect a = kl_title_row(l, T_ADMIN_CLOSE, "admin.close", UI_ICON_BACK, kiosk_tr(k, "admin.title"));
    if (!l->compact) {
        draw_state(l, &a);
        draw_actions(l, a);
        return;
    }
    /* Large text on a 7-inch panel: the state on one page, the actions on the next. */
    if (k->page > 1)
        k->page = 1;
    k->tile_paged = true;
    k->tile_more = k->page == 0;
    SDL_Rect nav = kl_cut_bottom(&a, kl_button_h(l, l->body, 1), l->gap);
    SDL_Rect prev = kl_cut_left(&nav, (nav.w - l->gap) / 2, l->gap);
    if (k->page == 0) {
        kl_button(l, T_PAGE_NEXT, nav, kiosk_tr(k, "common.next"), NULL, UI_ICON_NONE, UI_BUTTON_PRIMARY, l->body);
        draw_state(l, &a);
        return;
    }
    kl_button(l, T_PAGE_PREV, prev, kiosk_tr(k, "common.prev"), NULL, UI_ICON_BACK, UI_BUTTON_SECONDARY, l->body);
    draw_actions(l, a);
}

static void on_enter(kiosk *k) { refresh(k); }

static bool on_event(kiosk *k, const kiosk_scene_event *e)
{
    if (e->kind == KIOSK_EV_PRINTER) {
        kiosk_dirty(k);
        return true;
    }
    if (e->kind != KIOSK_EV_TARGET)
        return false;
    switch (e->target) {
    case T_ADMIN_CLOSE:
        kiosk_session_end(k);
        return true;
    case T_ADMIN_TEST:
        if (k->p)
            printer_submit_test(k->p, NULL);
        kiosk_dirty(k);
        return true;
    case T_ADMIN_KEEP:
        k->reset_armed = false;
        kiosk_dirty(k);
        return true;
    case T_ADMIN_RESET:
        if (k->reset_armed)
            admin_reset(k);
        else {
            k->reset_armed = true;
            k->reset_done = -1;
        }
        kiosk_dirty(k);
        return true;
    default:
        return false;
    }
}

static void describe(kiosk *k, kiosk_spoken *d)
{
    kiosk_say_title(d, kiosk_tr(k, "admin.title"));
    kiosk_say_choice(d, T_ADMIN_CLOSE, kiosk_tr(k, "admin.close"), kiosk_key_words(k, "back"));
    kiosk_say_page_prev(k, d);
    if (k->tile_paged && k->page == 0) {
        kiosk_say_page_next(k, d);
        return;
    }
    if (k->reset_armed) {
        char line[200], n[16];
        snprintf(n, sizeof n, "%d", k->admin_waiting);
        ui_format(line, sizeof line, kiosk_tr(k, "admin.reset_question"), "n", n, (const char *)NULL);
        kiosk_say_state(d, line);
        kiosk_say_choice(d, T_ADMIN_RESET, kiosk_tr(k, "admin.reset_confirm"), "");
        kiosk_say_choice(d, T_ADMIN_KEEP, kiosk_tr(k, "admin.reset_keep"), "");
        return;
    }
    kiosk_say_choice(d, T_ADMIN_TEST, kiosk_tr(k, "admin.test"), "");
    kiosk_say_choice(d, T_ADMIN_RESET, kiosk_tr(k, "admin.reset"), "");
}

const kiosk_scene kiosk_scene_admin = {
    .on_enter = on_enter, .on_event = on_event, .draw = draw_admin, .describe = describe, .back = KIOSK_BACK_END,
    .flags = KIOSK_SCENE_TIMED,
};
