/* The administration PIN (five taps in the top-left corner of home open it). Three wrong codes
 * lock it for KIOSK_LOCKOUT_S. The digits are never shown. */
#include "../kiosk_scene.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void draw_admin_pin(const kiosk_layout *l)
{
    const kiosk *k = l->k;
    SDL_Rect a = kl_title_row(l, T_HOME, "common.back", UI_ICON_BACK, kiosk_tr(k, "admin.pin_title"));
    int64_t now = kiosk_now_ms(k);
    bool locked = now < k->locked_until_ms;
    char dots[64] = "";
    for (size_t i = 0; i < strlen(k->pin) && i < 15; i++)
        strcat(dots, "\xE2\x97\x8F");   /* U+25CF: the digits are never shown */
    if (!locked && !kl_compact_code_entry(l, &a, dots, k->pin[0] != '\0', false)) {
        kl_keypad(l, kl_keypad_area(l, &a), false);
        kl_code_field(l, &a, dots, k->pin[0] != '\0', NULL);
    }
    char msg[128] = "";
    if (locked) {
        char min[16];
        snprintf(min, sizeof min, "%d", (int)((k->locked_until_ms - now + 59999) / 60000));
        ui_format(msg, sizeof msg, kiosk_tr(k, "admin.locked"), "min", min, (const char *)NULL);
    } else if (k->pin_wrong > 0) {
        char left[16];
        snprintf(left, sizeof left, "%d", KIOSK_PIN_TRIES - k->pin_wrong);
        ui_format(msg, sizeof msg, kiosk_tr(k, "admin.wrong"), "left", left, (const char *)NULL);
    }
    if (msg[0]) {
        int icon = kl_mm(l, 12);
        ui_icon(l->u, UI_ICON_WARNING, (SDL_Rect){a.x, a.y, icon, icon}, l->t->alert, l->t->page);
        kl_text(l, (SDL_Rect){a.x + icon + kl_mm(l, 3), a.y, a.w - icon - kl_mm(l, 3), a.h}, msg, l->body, true, l->t->alert,
             UI_ALIGN_START, UI_ALIGN_START);
    }
}

static void pin_digit(kiosk *k, char d)
{
    if (kiosk_now_ms(k) < k->locked_until_ms)
        return;
    size_t n = strlen(k->pin);
    if (n + 1 < sizeof k->pin) {
        k->pin[n] = d;
        k->pin[n + 1] = '\0';
        kiosk_access_typed(k, d, true);
    }
}

static void pin_submit(kiosk *k)
{
    if (kiosk_now_ms(k) < k->locked_until_ms || !k->pin[0])
        return;
    if (k->cfg->ui.admin_pin[0] && strcmp(k->pin, k->cfg->ui.admin_pin) == 0) {
        k->pin_wrong = 0;
        k->pin[0] = '\0';
        kiosk_scene_replace(k, KIOSK_ADMIN);
        return;
    }
    k->pin[0] = '\0';
    if (++k->pin_wrong >= KIOSK_PIN_TRIES) {
        k->pin_wrong = 0;
        k->locked_until_ms = kiosk_now_ms(k) + (int64_t)KIOSK_LOCKOUT_S * 1000;
    }
}

static void on_enter(kiosk *k) { k->pin[0] = '\0'; }

static bool on_event(kiosk *k, const kiosk_scene_event *e)
{
    if (e->kind == KIOSK_EV_TICK) {
        if (k->locked_until_ms > e->now_ms)
            kiosk_dirty(k);
        return true;
    }
    if (e->kind != KIOSK_EV_TARGET)
        return false;
    if (e->target >= T_KEY && e->target <= T_KEY + 9)
        pin_digit(k, (char)('0' + e->target - T_KEY));
    else if (e->target == T_KEY_ERASE || e->target == T_KEY_BACKSPACE) {
        size_t n = strlen(k->pin);
        if (n)
            k->pin[n - 1] = '\0';
    } else if (e->target == T_KEY_OK)
        pin_submit(k);
    else if (e->target == T_HOME)
        kiosk_session_end(k);
    else
        return false;
    kiosk_dirty(k);
    return true;
}

static void describe(kiosk *k, kiosk_spoken *d)
{
    kiosk_say_title(d, kiosk_tr(k, "admin.pin_title"));
    char n[24];
    snprintf(n, sizeof n, "%d", (int)strlen(k->pin));
    char s[96];
    ui_format(s, sizeof s, kiosk_tr(k, "speech.pin_typed"), "n", n, (const char *)NULL);
    kiosk_say_state(d, s);
    kiosk_say_choice(d, T_HOME, kiosk_tr(k, "common.back"), kiosk_key_words(k, "back"));
    if (kiosk_now_ms(k) >= k->locked_until_ms) {
        kiosk_say_digit_keys(k, d);
        kiosk_say_choice(d, T_KEY_ERASE, kiosk_tr(k, "checkin.erase"), kiosk_key_words(k, "erase"));
        if (k->pin[0])
            kiosk_say_choice(d, T_KEY_OK, kiosk_tr(k, "checkin.validate"), kiosk_key_words(k, "enter"));
    }
}

const kiosk_scene kiosk_scene_admin_pin = {
    .on_enter = on_enter, .on_event = on_event, .draw = draw_admin_pin, .describe = describe,
    .back = KIOSK_BACK_END, .flags = KIOSK_SCENE_TIMED | KIOSK_SCENE_DIGITS | KIOSK_SCENE_SECRET,
};
