/* The kiosk: creation, events, time and rendering; the screens are scenes (kiosk_scene.h). */
#include "kiosk_scene.h"
#include "kiosk_keys.h"

#include "borne/log.h"

#include <linux/input-event-codes.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

BORNE_LOG_MODULE("kiosk");

static Uint32 printer_event_type = (Uint32)-1;
enum { PEV_STATE = 1, PEV_JOB = 2 };

/* ---- printer thread → SDL events ------------------------------------------------------------ */

static void push_printer_event(int code, uintptr_t a, uintptr_t b)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = printer_event_type;
    e.user.code = code;
    e.user.data1 = (void *)a;
    e.user.data2 = (void *)b;
    SDL_PushEvent(&e);
}

static void on_printer_state(printer_state s, void *ctx)
{
    (void)ctx;
    push_printer_event(PEV_STATE, (uintptr_t)s, 0);
}

static void on_printer_job(uint64_t job, printer_job_result r, void *ctx)
{
    (void)ctx;
    push_printer_event(PEV_JOB, (uintptr_t)job, (uintptr_t)r);
}

int kiosk_printer_callbacks(printer_callbacks *out)
{
    if (printer_event_type == (Uint32)-1) {
        printer_event_type = SDL_RegisterEvents(1);
        if (printer_event_type == (Uint32)-1)
            return -1;
    }
    out->on_state = on_printer_state;
    out->on_job = on_printer_job;
    out->ctx = NULL;
    return 0;
}

/* ---- basics ------------------------------------------------------------------------------- */

int64_t kiosk_now_ms(const kiosk *k) { return borne_clock_now_ms(&k->clock); }
int64_t kiosk_now_s(const kiosk *k) { return kiosk_now_ms(k) / 1000; }
void kiosk_dirty(kiosk *k) { k->dirty = true; }

const char *kiosk_tr(const kiosk *k, const char *key)
{
    return kiosk_tr_in(k, k->langs[k->lang], key);
}

const char *kiosk_tr_in(const kiosk *k, const ui_catalog *c, const char *key)
{
    const char *v = ui_catalog_get(c, key);
    /* A key missing in a language falls back to French, the catalog every other one is translated
     * from (test_ui_i18n lists any key a shipped catalog lacks). */
    return v ? v : ui_tr(k->french, key);
}

const char *kiosk_service_label(const kiosk *k, int index)
{
    return kiosk_service_label_in(k, k->langs[k->lang], index);
}

const char *kiosk_service_label_in(const kiosk *k, const ui_catalog *c, int index)
{
    const queue_service *s = &k->setup.services[index];
    const char *lang = ui_catalog_lang(c);
    if (strcmp(lang, "fr") == 0)
        return s->label_fr;
    /* A language without its own label shows the English one (the config's default). */
    for (int l = 0; l < QUEUE_LABEL_MORE; l++)
        if (strcmp(lang, queue_label_more_lang(l)) == 0 && s->label_more[l][0])
            return s->label_more[l];
    return s->label_en[0] ? s->label_en : s->label_fr;
}

const char *kiosk_lang_problem(const kiosk *k) { return k->lang_problem; }
kiosk_screen kiosk_current_screen(const kiosk *k) { return k->screen; }
ui *kiosk_get_ui(kiosk *k) { return k->ui; }
const char *kiosk_last_ticket(const kiosk *k) { return k->issued_ok ? k->issued.ticket.label : ""; }

int kiosk_result_hold_s(const kiosk *k)
{
    return k->print == PRINT_FAILED || k->print == PRINT_WAITING ? KIOSK_RESULT_FAIL_S : KIOSK_RESULT_S;
}

/* The idle warning shows KIOSK_IDLE_WARN_S before the reset (WCAG 2.2.1: at least 20 s to say
 * "more time"); a configured idle time shorter than twice that is lengthened. */
static int idle_total_s(const kiosk *k)
{
    int idle = k->cfg->ui.idle_s > 0 ? k->cfg->ui.idle_s : 60;
    return idle < 2 * KIOSK_IDLE_WARN_S ? 2 * KIOSK_IDLE_WARN_S : idle;
}

int kiosk_idle_seconds_left(const kiosk *k)
{
    if (k->screen != KIOSK_IDLE)
        return -1;
    int64_t left = (k->input_at_ms + (int64_t)idle_total_s(k) * 1000 - kiosk_now_ms(k) + 999) / 1000;
    return left < 0 ? 0 : (int)left;
}

void kiosk_reset_flow(kiosk *k)
{
    k->service = -1;
    k->public_type = QUEUE_PUBLIC_UNSPECIFIED;
    k->priority = false;
    k->code[0] = '\0';
    k->fb_level = 0;
    k->fb_reason = CONTRACT_REASON_NONE;
    k->agent_asked = false;
    k->pin[0] = '\0';
    k->reset_armed = false;
    k->reset_done = -1;
}

void kiosk_session_end(kiosk *k)
{
    kiosk_commit_feedback(k, 0);
    kiosk_reset_flow(k);
    k->lang = k->default_lang;
    kiosk_access_session_end(k);
    kiosk_scene_reset(k, k->open ? KIOSK_HOME : KIOSK_CLOSED);
}

int kiosk_services_shown(const kiosk *k, int idx[QUEUE_MAX_SERVICES])
{
    int n = 0;
    for (int i = 0; i < k->setup.n_services; i++)
        if (k->setup.services[i].enabled)
            idx[n++] = i;
    /* Display order from the config. */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && k->setup.services[idx[j]].order < k->setup.services[idx[j - 1]].order; j--) {
            int t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    return n;
}

void kiosk_set_language(kiosk *k, int i)
{
    if (i >= 0 && i < k->n_langs && i != k->lang) {
        k->lang = i;
        kiosk_access_language(k);
    }
    k->dirty = true;
}

const char *kiosk_language_name(const kiosk *k, int i)
{
    return ui_tr(k->langs[i], "lang.name");
}

void kiosk_show(kiosk *k, kiosk_screen s)
{
    kiosk_reset_flow(k);
    k->input_at_ms = kiosk_now_ms(k);
    if (s == KIOSK_HOME || s == KIOSK_CLOSED)
        kiosk_scene_reset(k, s);
    else
        kiosk_scene_start(k, s == KIOSK_IDLE ? KIOSK_SERVICES : s);
    if (s == KIOSK_IDLE)
        kiosk_scene_next(k, KIOSK_IDLE);
}

/* ---- queue data ---------------------------------------------------------------------------- */

static int collect_call(const queue_event *e, void *ctx)
{
    kiosk *k = ctx;
    k->last_event = e->id;
    if (strcmp(e->kind, "call") != 0 && strcmp(e->kind, "recall") != 0)
        return 0;
    last_call c = {{0}, {0}};
    snprintf(c.label, sizeof c.label, "%s", e->label);
    for (int i = 0; i < k->setup.n_counters; i++)
        if (k->setup.counters[i].id == e->counter_id)
            snprintf(c.counter, sizeof c.counter, "%s", k->setup.counters[i].name);
    if (!c.counter[0])
        snprintf(c.counter, sizeof c.counter, "%d", e->counter_id);
    /* Newest first; a recall of a number already listed moves it to the top. */
    int n = k->n_calls;
    for (int i = 0; i < n; i++)
        if (strcmp(k->calls[i].label, c.label) == 0) {
            memmove(&k->calls[i], &k->calls[i + 1], (size_t)(n - i - 1) * sizeof c);
            n--;
            break;
        }
    if (n == KIOSK_LAST_CALLS)
        n--;
    memmove(&k->calls[1], &k->calls[0], (size_t)n * sizeof c);
    k->calls[0] = c;
    k->n_calls = n + 1;
    return 0;
}

static bool poll_calls(kiosk *k)
{
    int64_t before = k->last_event;
    last_call old[KIOSK_LAST_CALLS];
    int old_n = k->n_calls;
    memcpy(old, k->calls, sizeof old);
    queue_events_since(k->q, k->last_event, 0, collect_call, k);
    return before != k->last_event && (old_n != k->n_calls || memcmp(old, k->calls, sizeof old) != 0);
}

static bool clock_ok(kiosk *k)
{
    if (!k->clock_ok)
        k->clock_ok = !k->clock_trusted || k->clock_trusted(kiosk_now_s(k), k->clock_trusted_ctx);
    return k->clock_ok;
}

static bool poll_open(kiosk *k)
{
    bool was = k->open;
    /* No ticket may carry a 1970 date: until the clock is trusted the kiosk stays "closed"
     * (the closed screen then says it is starting). */
    k->next_open = 0;
    k->open = clock_ok(k) && queue_is_open(k->q, kiosk_now_s(k), &k->next_open);
    if (was == k->open)
        return false;
    if (k->screen == KIOSK_HOME || k->screen == KIOSK_CLOSED)
        kiosk_scene_reset(k, k->open ? KIOSK_HOME : KIOSK_CLOSED);
    return true;
}

/* ---- creation -------------------------------------------------------------------------------- */

static int load_catalog(ui_catalog **out, const char *assets, const char *code, char *errbuf, size_t errlen)
{
    char path[600];
    snprintf(path, sizeof path, "%s/i18n/%s.cat", assets, code);
    return ui_catalog_load(out, path, errbuf, errlen);
}

/* French always loads (it is what a missing key falls back to; without it the kiosk does not
 * start). Another configured language whose catalog is missing or bad is left out of the row
 * with an error naming file:line; the admin screen lists it (kiosk_lang_problem). */
static int load_langs(kiosk *k, const char *assets, char *errbuf, size_t errlen)
{
    if (load_catalog(&k->french, assets, "fr", errbuf, errlen) != 0)
        return -1;
    const borne_config *c = k->cfg;
    for (int i = 0; i < c->ui.n_languages && k->n_langs < KIOSK_MAX_LANGS; i++) {
        const char *code = c->ui.languages[i];
        char why[400];
        if (strcmp(code, "fr") == 0) {
            k->langs[k->n_langs++] = k->french;
        } else if (load_catalog(&k->langs[k->n_langs], assets, code, why, sizeof why) == 0) {
            k->n_langs++;
        } else {
            log_error("%s: language %s is not offered, the kiosk serves in the others", why, code);
            const char *file = strrchr(why, '/');
            size_t used = strlen(k->lang_problem);
            snprintf(k->lang_problem + used, sizeof k->lang_problem - used, "%s%s", used ? "; " : "",
                     file ? file + 1 : why);
        }
    }
    if (k->n_langs == 0)
        k->langs[k->n_langs++] = k->french;
    /* The session's starting language, or French when its catalog did not load. */
    k->default_lang = -1;
    for (int i = 0; i < k->n_langs && k->default_lang < 0; i++)
        if (strcmp(ui_catalog_lang(k->langs[i]), c->ui.language) == 0)
            k->default_lang = i;
    for (int i = 0; i < k->n_langs && k->default_lang < 0; i++)
        if (k->langs[i] == k->french)
            k->default_lang = i;
    if (k->default_lang < 0)
        k->default_lang = 0;
    k->lang = k->default_lang;
    return 0;
}

int kiosk_create(kiosk **out, const borne_config *cfg, queue *q, printer *p, SDL_Renderer *r,
                 const kiosk_options *opt, char *errbuf, size_t errlen)
{
    *out = NULL;
    kiosk *k = calloc(1, sizeof *k);
    if (!k) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    k->cfg = cfg;
    k->q = q;
    k->p = p;
    if (opt)
        k->clock = opt->clock;
    const char *assets = opt && opt->assets_dir ? opt->assets_dir : "assets";
    if (opt && opt->screens_dir)
        snprintf(k->screens_dir, sizeof k->screens_dir, "%s", opt->screens_dir);
    ui_options uo = {.assets_dir = assets, .width_mm = cfg->ui.width_mm, .height_mm = cfg->ui.height_mm,
                     .readback = (opt && opt->readback) || k->screens_dir[0]};
    if (ui_create(&k->ui, r, &uo, errbuf, errlen) != 0 || load_langs(k, assets, errbuf, errlen) != 0) {
        kiosk_destroy(k);
        return -1;
    }
    kiosk_access_open(k, opt);
    k->keypad = kiosk_keypad_start(cfg->keypad.device, k->keypad_problem, sizeof k->keypad_problem);
    k->headset_watch = kiosk_headset_start(opt && opt->input_dir ? opt->input_dir : "/dev/input", &k->headset);
    k->speech_on = k->headset;
    if (queue_get_setup(q, &k->setup) != QUEUE_OK)
        k->setup = cfg->setup;
    k->drawn_minute = -1;
    k->rollover_minute = -1;
    k->purge_yday = -1;
    if (opt) {
        k->clock_trusted = opt->clock_trusted;
        k->clock_trusted_ctx = opt->clock_trusted_ctx;
        k->apply_business = opt->apply_business;
        k->apply_business_ctx = opt->apply_business_ctx;
        k->ask_agent = opt->ask_agent;
        k->ask_agent_ctx = opt->ask_agent_ctx;
    }
    k->reset_done = -1;
    if (!cfg->ui.admin_pin[0])
        log_notice("no [ui] admin_pin in the config: the admin screen stays locked until one is set");
    k->input_at_ms = kiosk_now_ms(k);
    k->open = clock_ok(k) && queue_is_open(q, kiosk_now_s(k), &k->next_open);
    poll_calls(k);
    kiosk_reset_flow(k);
    k->screen = k->open ? KIOSK_HOME : KIOSK_CLOSED;
    kiosk_scene_reset(k, k->screen);
    k->shot_pending = true;   /* the first screen is a new screen too */
    *out = k;
    return 0;
}

void kiosk_destroy(kiosk *k)
{
    if (!k)
        return;
    kiosk_headset_stop(k->headset_watch);
    kiosk_keypad_stop(k->keypad);
    kiosk_access_close(k);
    for (int i = 0; i < k->n_langs; i++)
        if (k->langs[i] != k->french)
            ui_catalog_free(k->langs[i]);
    ui_catalog_free(k->french);
    ui_destroy(k->ui);
    free(k);
}

/* Five taps within 4 s in the top-left corner (the antenne name) open the PIN screen. */
bool kiosk_admin_corner(kiosk *k, int x, int y)
{
    int side = ui_mm(k->ui, 20);
    if (x > side || y > side)
        return false;
    int64_t now = kiosk_now_ms(k);
    if (k->corner_taps == 0 || now - k->corner_first_ms > 4000) {
        k->corner_taps = 0;
        k->corner_first_ms = now;
    }
    if (++k->corner_taps < 5)
        return false;
    k->corner_taps = 0;
    /* The installed config ships no PIN: until one is set the admin screen stays shut. */
    if (!k->cfg->ui.admin_pin[0]) {
        log_warn("admin screen refused: set [ui] admin_pin (4 to 15 digits) in the config");
        return true;
    }
    kiosk_scene_next(k, KIOSK_ADMIN_PIN);
    return true;
}

/* ---- events ------------------------------------------------------------------------------------ */

static void printer_event(kiosk *k, const SDL_Event *e)
{
    kiosk_scene_event ev = {.kind = KIOSK_EV_PRINTER, .now_ms = kiosk_now_ms(k)};
    if (e->user.code == PEV_STATE) {
        kiosk_scene_event_send(k, &ev);
        return;
    }
    uint64_t job = (uint64_t)(uintptr_t)e->user.data1;
    printer_job_result r = (printer_job_result)(uintptr_t)e->user.data2;
    if (job != k->job || k->print == PRINT_NONE)
        return;
    print_status was = k->print;
    k->print = r == PRINTER_JOB_PRINTED ? PRINT_DONE : r == PRINTER_JOB_REPRINTING ? PRINT_WAITING : PRINT_FAILED;
    if (k->print == was)
        return;
    kiosk_access_tone(k, k->print == PRINT_DONE ? SPEECH_TONE_DONE : SPEECH_TONE_ERROR);
    kiosk_scene_event_send(k, &ev);
}

static void activate(kiosk *k, int target)
{
    if (target == T_PAGE_PREV || target == T_PAGE_NEXT) {
        k->page += target == T_PAGE_NEXT ? 1 : -1;
        if (k->page < 0)
            k->page = 0;
        ui_input_reset(k->ui);
        kiosk_dirty(k);
        return;
    }
    kiosk_scene_event ev = {.kind = KIOSK_EV_TARGET, .target = target, .now_ms = kiosk_now_ms(k)};
    if (!kiosk_scene_event_send(k, &ev) && target == T_BACK)
        kiosk_scene_back(k);
}

static void text_input(kiosk *k, const char *text)
{
    /* The key press just handled already typed this digit (keypad with NumLock on, number row). */
    if (k->swallow_text && text[0] == k->swallow_text && !text[1]) {
        k->swallow_text = 0;
        return;
    }
    k->swallow_text = 0;
    kiosk_scene_event ev = {.kind = KIOSK_EV_TEXT, .text = text, .now_ms = kiosk_now_ms(k)};
    kiosk_scene_event_send(k, &ev);
}

/* A key of the keypad (or a keyboard), by its evdev code, from SDL or from the keypad device. On
 * scenes where a code is typed, digits type (whatever NumLock says) and Enter validates; elsewhere
 * the keys do what the map says. Returns the digit typed, or -1. */
static int key_press(kiosk *k, int code, bool shift)
{
    bool digits = kiosk_scene_of(k->screen)->flags & KIOSK_SCENE_DIGITS;
    int digit = keypad_key_digit(code);
    k->input_at_ms = kiosk_now_ms(k);
    kiosk_access_input(k);
    k->dirty = true;
    if (digits && digit >= 0) {
        activate(k, T_KEY + digit);
        return digit;
    }
    keypad_action a = keypad_map_lookup(&k->cfg->keypad.map, code);
    if (code == KEY_TAB && shift)
        a = KEYPAD_UP;
    if ((kiosk_scene_of(k->screen)->flags & KIOSK_SCENE_ANY_INPUT_BACK) && a != KEYPAD_SELECT) {
        kiosk_scene_back(k);
        return -1;
    }
    int focused = ui_focused(k->ui);
    switch (a) {
    case KEYPAD_UP: case KEYPAD_LEFT:
        ui_focus_prev(k->ui);
        kiosk_access_focus(k);
        break;
    case KEYPAD_DOWN: case KEYPAD_RIGHT:
        ui_focus_next(k->ui);
        kiosk_access_focus(k);
        break;
    case KEYPAD_SELECT:
        if (focused != UI_NO_TARGET)
            activate(k, focused);
        else if (digits)
            activate(k, T_KEY_OK);
        else {
            ui_focus_next(k->ui);
            kiosk_access_focus(k);
        }
        break;
    case KEYPAD_BACK:
        activate(k, T_BACK);
        break;
    case KEYPAD_ERASE:
        /* The keypad's erase key takes back one character, as on any keyboard; the screen's
         * "Effacer" button clears the code in one tap. */
        if (digits)
            activate(k, T_KEY_BACKSPACE);
        break;
    case KEYPAD_LETTERS:
        /* The code's letters and back (the appointment scenes; others have no letters). */
        activate(k, T_LETTERS);
        break;
    default:
        kiosk_access_key(k, a);
        break;
    }
    return -1;
}

bool kiosk_handle_event(kiosk *k, const SDL_Event *e)
{
    if (e->type == printer_event_type && printer_event_type != (Uint32)-1) {
        printer_event(k, e);
        return k->dirty;
    }
    bool input = false, redraw = false;
    switch (e->type) {
    case SDL_FINGERDOWN:
    case SDL_MOUSEBUTTONDOWN: {
        input = true;
        if (e->type == SDL_MOUSEBUTTONDOWN && e->button.which == SDL_TOUCH_MOUSEID)
            break;
        int x = e->type == SDL_FINGERDOWN ? (int)(e->tfinger.x * (float)ui_width(k->ui)) : e->button.x;
        int y = e->type == SDL_FINGERDOWN ? (int)(e->tfinger.y * (float)ui_height(k->ui)) : e->button.y;
        kiosk_scene_event ev = {.kind = KIOSK_EV_NOWHERE, .x = x, .y = y, .now_ms = kiosk_now_ms(k)};
        k->input_at_ms = ev.now_ms;
        kiosk_access_input(k);
        if (ui_hit(k->ui, x, y) != UI_NO_TARGET)
            break;
        if (kiosk_scene_of(k->screen)->flags & KIOSK_SCENE_ANY_INPUT_BACK) {
            kiosk_scene_back(k);
            return true;
        }
        if (kiosk_scene_event_send(k, &ev))
            return true;
        break;
    }
    case SDL_FINGERUP: case SDL_MOUSEBUTTONUP: case SDL_FINGERMOTION:
        input = true;
        break;
    case SDL_KEYDOWN: {
        int digit = key_press(k, kiosk_key_evdev(&e->key.keysym), e->key.keysym.mod & KMOD_SHIFT);
        /* SDL follows a typed digit with its text event (NumLock on, number row): not twice. */
        k->swallow_text = digit >= 0 ? (char)('0' + digit) : 0;
        return true;
    }
    case SDL_TEXTINPUT:
        input = true;
        text_input(k, e->text.text);
        break;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_EXPOSED || e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
            k->dirty = true;
        break;
    default: {
        bool plugged;
        if (kiosk_headset_event(e, &plugged)) {
            kiosk_set_headset(k, plugged);
            return k->dirty;
        }
        int code;
        if (kiosk_keypad_event(k, e, &code)) {
            if (code >= 0)
                key_press(k, code, false);
            return true;
        }
        break;
    }
    }
    if (input)
        k->input_at_ms = kiosk_now_ms(k);
    int id = ui_input(k->ui, e, &redraw);
    if (redraw)
        k->dirty = true;
    if (id != UI_NO_TARGET)
        activate(k, id);
    return k->dirty;
}

bool kiosk_tick(kiosk *k)
{
    int64_t now = kiosk_now_ms(k);
    unsigned flags = kiosk_scene_of(k->screen)->flags;
    if (poll_calls(k) && (flags & KIOSK_SCENE_CLOCK))
        k->dirty = true;
    poll_open(k);
    time_t t = (time_t)(now / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    int minute = tm.tm_hour * 60 + tm.tm_min;
    /* Once a minute: expire yesterday's tickets after midnight (idempotent, cheap); once a day,
     * clear the appointment notes older than the retention period. Neither on an untrusted clock:
     * a 1970 date would expire nothing and a jump forward would expire everything. */
    if (k->clock_ok && minute != k->rollover_minute) {
        queue_rollover(k->q, now / 1000);
        k->rollover_minute = minute;
    }
    if (k->clock_ok && tm.tm_yday != k->purge_yday) {
        queue_purge(k->q, now / 1000, k->cfg->retention_days);
        k->purge_yday = tm.tm_yday;
    }
    if (minute != k->drawn_minute && (flags & KIOSK_SCENE_CLOCK))
        k->dirty = true;
    kiosk_scene_event ev = {.kind = KIOSK_EV_TICK, .now_ms = now};
    kiosk_scene_event_send(k, &ev);
    if (kiosk_scene_of(k->screen)->flags & KIOSK_SCENE_TIMED) {
        int64_t quiet = now - k->input_at_ms;
        if (quiet >= (int64_t)idle_total_s(k) * 1000) {
            kiosk_session_end(k);
        } else if (quiet >= (int64_t)(idle_total_s(k) - KIOSK_IDLE_WARN_S) * 1000 && k->screen != KIOSK_IDLE) {
            kiosk_scene_next(k, KIOSK_IDLE);
        }
    } else if (k->screen == KIOSK_HOME && k->lang != k->default_lang &&
               now - k->input_at_ms >= (int64_t)idle_total_s(k) * 1000) {
        /* A visitor who chose a language and walked away: the next one finds the default. */
        kiosk_session_end(k);
    }
    /* Last, so a session that ended in this tick lets a waiting document apply now, not at the
     * next wake-up; then the new hours and closed days decide the screen. */
    if (k->apply_business && (k->screen == KIOSK_HOME || k->screen == KIOSK_CLOSED) &&
        k->apply_business(k->apply_business_ctx, k->q, now / 1000) > 0 && queue_get_setup(k->q, &k->setup) == QUEUE_OK) {
        k->dirty = true;
        poll_open(k);
    }
    return k->dirty;
}

/* The loop sleeps until the first of: the next minute (the clock on screen, the day's rollover
 * and the opening hours are whole minutes), the end of a timed screen, the next second of a
 * countdown or of a wait for the clock to be trusted. Calls made at a desk wake the loop through
 * the hub (hub_options.on_events), taps and printer events through SDL. */
int kiosk_next_wakeup_ms(const kiosk *k)
{
    int64_t now = kiosk_now_ms(k);
    int64_t next_second = (now / 1000 + 1) * 1000;
    int64_t next = (now / 60000 + 1) * 60000;
    if (!k->clock_ok)
        next = next_second;
    if (k->screen == KIOSK_RESULT && k->result_until_ms < next)
        next = k->result_until_ms;
    else if (k->screen == KIOSK_THANKS && k->screen_at_ms + (int64_t)KIOSK_THANKS_S * 1000 < next)
        next = k->screen_at_ms + (int64_t)KIOSK_THANKS_S * 1000;
    else if (k->screen == KIOSK_ADMIN_PIN && k->locked_until_ms > now)
        next = next_second;
    if (kiosk_scene_of(k->screen)->flags & KIOSK_SCENE_TIMED) {
        int64_t warn_at = k->input_at_ms + (int64_t)(idle_total_s(k) - KIOSK_IDLE_WARN_S) * 1000;
        int64_t due = now >= warn_at ? next_second : warn_at;
        if (due < next)
            next = due;
    }
    return next <= now ? 0 : (int)(next - now);
}

static int render_frame(kiosk *k)
{
    ui_begin_frame(k->ui, ui_get_theme(k->ui)->page);
    /* Arabic mirrors the whole layout (ui.h); everything below is written left to right. */
    ui_set_rtl(k->ui, strcmp(kiosk_tr(k, "lang.dir"), "rtl") == 0);
    kiosk_layout l;
    kiosk_layout_init(&l, k);
    kiosk_scene_of(k->screen)->draw(&l);
    int rc = ui_end_frame(k->ui);
    time_t t = (time_t)(kiosk_now_ms(k) / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    k->drawn_minute = tm.tm_hour * 60 + tm.tm_min;
    k->dirty = false;
    return rc;
}

int kiosk_render(kiosk *k)
{
    int rc = render_frame(k);
    if (rc == 0 && k->shot_pending && k->screens_dir[0]) {
        char path[700];
        snprintf(path, sizeof path, "%s/%03d-%s.png", k->screens_dir, ++k->shots, kiosk_screen_name(k->screen));
        rc = ui_save_png(k->ui, path);
    }
    k->shot_pending = false;
    return rc;
}

int kiosk_screenshot(kiosk *k, const char *path)
{
    bool was = ui_get_readback(k->ui);
    ui_set_readback(k->ui, true);
    int rc = render_frame(k);
    if (rc == 0)
        rc = ui_save_png(k->ui, path);
    ui_set_readback(k->ui, was);
    return rc;
}

/* ---- test and tool helpers ------------------------------------------------------------------ */

bool kiosk_find_target(kiosk *k, const char *label, int *x, int *y)
{
    if (k->dirty)
        render_frame(k);
    ui_report rep = ui_get_report(k->ui);
    const ui_target_rec *best = NULL;
    for (int i = 0; i < rep.n_targets && !best; i++)
        if (strcmp(rep.targets[i].label, label) == 0)
            best = &rep.targets[i];
    for (int i = 0; i < rep.n_targets && !best; i++)
        if (strncmp(rep.targets[i].label, label, strlen(label)) == 0)
            best = &rep.targets[i];
    if (!best)
        return false;
    *x = best->rect.x + best->rect.w / 2;
    *y = best->rect.y + best->rect.h / 2;
    return true;
}

void kiosk_tap(kiosk *k, int x, int y)
{
    /* Taps act on what is on screen: draw first if the screen changed since the last frame. */
    if (k->dirty)
        render_frame(k);
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_FINGERDOWN;
    e.tfinger.x = (float)x / (float)ui_width(k->ui);
    e.tfinger.y = (float)y / (float)ui_height(k->ui);
    e.tfinger.pressure = 1.0f;
    kiosk_handle_event(k, &e);
    e.type = SDL_FINGERUP;
    kiosk_handle_event(k, &e);
}

bool kiosk_frame_has_text(kiosk *k, const char *needle)
{
    if (k->dirty)
        render_frame(k);
    ui_report rep = ui_get_report(k->ui);
    for (int i = 0; i < rep.n_texts; i++)
        if (strstr(rep.texts[i].text, needle))
            return true;
    return false;
}

static SDL_Keycode key_named(const char *name)
{
    static const struct { const char *name; SDL_Keycode key; } keys[] = {
        {"return", SDLK_RETURN}, {"tab", SDLK_TAB}, {"backspace", SDLK_BACKSPACE}, {"escape", SDLK_ESCAPE},
        {"up", SDLK_UP}, {"down", SDLK_DOWN}, {"left", SDLK_LEFT}, {"right", SDLK_RIGHT},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(keys[i].name, name) == 0)
            return keys[i].key;
    return SDLK_UNKNOWN;
}

int kiosk_run_script(kiosk *k, const char *script, char *errbuf, size_t errlen)
{
    int lineno = 0;
    for (const char *p = script; *p;) {
        lineno++;
        size_t len = strcspn(p, "\n");
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)len, p);
        p += len + (p[len] == '\n');
        char *cmd = line;
        while (*cmd == ' ')
            cmd++;
        if (!*cmd || *cmd == '#')
            continue;
        char *arg = strchr(cmd, ' ');
        if (arg)
            *arg++ = '\0';
        else
            arg = cmd + strlen(cmd);
        if (strcmp(cmd, "tap") == 0) {
            int x, y;
            if (!kiosk_find_target(k, arg, &x, &y)) {
                snprintf(errbuf, errlen, "script:%d: no target \"%s\" on %s", lineno, arg, kiosk_screen_name(k->screen));
                return -1;
            }
            kiosk_tap(k, x, y);
        } else if (strcmp(cmd, "type") == 0) {
            SDL_Event e;
            memset(&e, 0, sizeof e);
            e.type = SDL_TEXTINPUT;
            snprintf(e.text.text, sizeof e.text.text, "%s", arg);
            kiosk_handle_event(k, &e);
        } else if (strcmp(cmd, "key") == 0) {
            SDL_Keycode key = key_named(arg);
            if (key == SDLK_UNKNOWN) {
                snprintf(errbuf, errlen, "script:%d: unknown key \"%s\"", lineno, arg);
                return -1;
            }
            SDL_Event e;
            memset(&e, 0, sizeof e);
            e.type = SDL_KEYDOWN;
            e.key.keysym.sym = key;
            kiosk_handle_event(k, &e);
        } else if (strcmp(cmd, "expect") == 0) {
            if (strcmp(kiosk_screen_name(k->screen), arg) != 0) {
                snprintf(errbuf, errlen, "script:%d: screen is %s, expected %s", lineno, kiosk_screen_name(k->screen), arg);
                return -1;
            }
        } else if (strcmp(cmd, "see") == 0) {
            if (!kiosk_frame_has_text(k, arg)) {
                snprintf(errbuf, errlen, "script:%d: \"%s\" not on %s", lineno, arg, kiosk_screen_name(k->screen));
                return -1;
            }
        } else if (strcmp(cmd, "shot") == 0) {
            if (kiosk_screenshot(k, arg) != 0) {
                snprintf(errbuf, errlen, "script:%d: %s: %s", lineno, arg, SDL_GetError());
                return -1;
            }
        } else {
            snprintf(errbuf, errlen, "script:%d: unknown command \"%s\"", lineno, cmd);
            return -1;
        }
    }
    return 0;
}
