/* The appointment code: typed on the screen's keypad or the keypad's digits, or scanned. Letters
 * ("RDV-7") are on a page of their own (scene_checkin_letters.c), from "ABC" or the keypad's
 * letters key. */
#include "../kiosk_scene.h"

#include <stdio.h>
#include <string.h>

/* The hint where it fits whole (the title already asks for the code). */
static void hint(const kiosk_layout *l, SDL_Rect a, ui_align v)
{
    const char *h = kiosk_tr(l->k, "checkin.hint");
    if (kl_text_h(l, h, l->body, false, a.w) <= a.h)
        kl_text(l, a, h, l->body, false, l->t->ink, UI_ALIGN_START, v);
}

static void draw_checkin(const kiosk_layout *l)
{
    const kiosk *k = l->k;
    SDL_Rect a = kl_title_row(l, T_BACK, "common.back", UI_ICON_BACK, kiosk_tr(k, "checkin.title"));
    if (kl_compact_code_entry(l, &a, k->code, k->code[0] != '\0', true)) {
        hint(l, a, UI_ALIGN_START);
        return;
    }
    /* "ABC" (the code's letters): upright in the keypad's free cell left of 0; on a landscape
     * screen the keys are too narrow for its word in large text, so it is a row under "Valider". */
    kl_keypad(l, kl_keypad_area(l, &a), l->portrait);
    if (l->portrait) {
        /* Upright, the field and "Valider" sit right above the keys, under the hint: the hand
         * that typed the code finds "Valider" next to it, not 30 cm higher. */
        SDL_Rect field = kl_cut_bottom(&a, kl_code_field_h(l, a.w), 0);
        kl_code_field(l, &field, k->code, k->code[0] != '\0', NULL);
        hint(l, a, UI_ALIGN_END);
        return;
    }
    kl_code_field(l, &a, k->code, k->code[0] != '\0', NULL);
    kl_button(l, T_LETTERS, kl_cut_top(&a, kl_button_h(l, l->body, 1), l->gap), kiosk_tr(k, "checkin.letters"), NULL,
              UI_ICON_NONE, UI_BUTTON_SECONDARY, l->body);
    hint(l, a, UI_ALIGN_START);
}

static void check_in(kiosk *k)
{
    if (!k->code[0])
        return;
    int rc = queue_check_in(k->q, kiosk_now_s(k), k->code, &k->issued);
    if (queue_appointment_get(k->q, k->code, &k->appt) != QUEUE_OK)
        memset(&k->appt, 0, sizeof k->appt);
    if (rc == QUEUE_OK) {
        k->issued_ok = true;
        k->issued_appointment = true;
        kiosk_print_issued(k);
        kiosk_scene_replace(k, KIOSK_RESULT);
        return;
    }
    k->checkin_err = rc;
    k->appt_label[0] = '\0';
    queue_ticket t;
    if (rc == QUEUE_EUSED && k->appt.ticket_id && queue_get_ticket(k->q, k->appt.ticket_id, &t) == QUEUE_OK)
        snprintf(k->appt_label, sizeof k->appt_label, "%s", t.label);
    kiosk_scene_next(k, KIOSK_CHECKIN_ERROR);
}

void kiosk_code_append(kiosk *k, char c)
{
    size_t n = strlen(k->code);
    if (n + 1 < sizeof k->code) {
        k->code[n] = c;
        k->code[n + 1] = '\0';
        kiosk_access_typed(k, c, false);
    }
    kiosk_dirty(k);
}

void kiosk_code_type(kiosk *k, const char *text)
{
    for (const char *c = text; *c; c++)
        if ((*c >= '0' && *c <= '9') || (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || *c == '-')
            kiosk_code_append(k, *c);
}

void kiosk_say_code(kiosk *k, kiosk_spoken *d, const char *title_key)
{
    kiosk_say_title(d, kiosk_tr(k, title_key));
    char code[256];
    kiosk_code_words(k, code, sizeof code);
    kiosk_say_state(d, code);
}

static bool on_event(kiosk *k, const kiosk_scene_event *e)
{
    if (e->kind == KIOSK_EV_TEXT) {
        kiosk_code_type(k, e->text);
        return true;
    }
    if (e->kind != KIOSK_EV_TARGET)
        return false;
    if (e->target >= T_KEY && e->target <= T_KEY + 9) {
        kiosk_code_append(k, (char)('0' + e->target - T_KEY));
        return true;
    }
    if (e->target == T_LETTERS) {
        kiosk_scene_next(k, KIOSK_CHECKIN_LETTERS);
        return true;
    }
    if (e->target == T_KEY_BACKSPACE) {
        size_t n = strlen(k->code);
        if (n)
            k->code[n - 1] = '\0';
        kiosk_dirty(k);
        return true;
    }
    if (e->target == T_KEY_ERASE) {
        /* One tap clears the code: a wrong code is typed again, not corrected character by
         * character (six taps for a six-character code). */
        k->code[0] = '\0';
        kiosk_dirty(k);
        return true;
    }
    if (e->target == T_KEY_OK) {
        check_in(k);
        return true;
    }
    return false;
}

static void describe(kiosk *k, kiosk_spoken *d)
{
    kiosk_say_code(k, d, "checkin.title");
    kiosk_say_choice(d, T_BACK, kiosk_tr(k, "common.back"), kiosk_key_words(k, "back"));
    kiosk_say_digit_keys(k, d);
    kiosk_say_choice(d, T_LETTERS, kiosk_tr(k, "checkin.letters_words"), kiosk_key_words(k, "letters"));
    kiosk_say_choice(d, T_KEY_ERASE, kiosk_tr(k, "checkin.erase"), kiosk_key_words(k, "erase"));
    if (k->code[0])
        kiosk_say_choice(d, T_KEY_OK, kiosk_tr(k, "checkin.validate"), kiosk_key_words(k, "enter"));
}

const kiosk_scene kiosk_scene_checkin = {
    .on_event = on_event, .draw = draw_checkin, .describe = describe, .back = KIOSK_BACK_POP,
    .flags = KIOSK_SCENE_TIMED | KIOSK_SCENE_DIGITS,
};
