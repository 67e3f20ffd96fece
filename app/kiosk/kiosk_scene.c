/* The scene manager: the table of scenes, the back stack, and descriptions (see kiosk_scene.h). */
#include "kiosk_scene.h"

#include <stdio.h>
#include <string.h>

static const kiosk_scene *const scenes[KIOSK_SCREEN_COUNT] = {
#define ADD_SCENE(name, id) [KIOSK_##id] = &kiosk_scene_##name,
#include "borne/kiosk_scene_config.h"
#undef ADD_SCENE
};

static const char *const scene_names[KIOSK_SCREEN_COUNT] = {
#define ADD_SCENE(name, id) [KIOSK_##id] = #name,
#include "borne/kiosk_scene_config.h"
#undef ADD_SCENE
};

const char *kiosk_screen_name(kiosk_screen s)
{
    return s >= 0 && s < KIOSK_SCREEN_COUNT ? scene_names[s] : "?";
}

const kiosk_scene *kiosk_scene_of(kiosk_screen s) { return scenes[s]; }

/* The one place where the screen changes. */
static void enter(kiosk *k, kiosk_screen s)
{
    const kiosk_scene *old = scenes[k->screen];
    if (old->on_exit)
        old->on_exit(k);
    if (s != k->screen)
        k->shot_pending = true;
    k->screen = s;
    k->screen_at_ms = kiosk_now_ms(k);
    k->page = k->tile_first = k->tile_n = 0;
    k->tile_paged = k->tile_more = false;
    kiosk_dirty(k);
    /* A finger still down on the old screen must not activate what is under it on the new one. */
    ui_input_reset(k->ui);
    if (scenes[s]->on_enter)
        scenes[s]->on_enter(k);
    kiosk_access_scene_entered(k);
}

void kiosk_scene_next(kiosk *k, kiosk_screen s)
{
    if (k->depth == KIOSK_STACK_MAX) {
        /* Deeper than any path of the kiosk: forget the oldest but home. */
        memmove(&k->stack[1], &k->stack[2], (KIOSK_STACK_MAX - 2) * sizeof k->stack[0]);
        k->depth--;
    }
    k->stack[k->depth++] = k->screen;
    enter(k, s);
}

void kiosk_scene_replace(kiosk *k, kiosk_screen s) { enter(k, s); }

void kiosk_scene_start(kiosk *k, kiosk_screen s)
{
    k->depth = 0;
    k->stack[k->depth++] = k->open ? KIOSK_HOME : KIOSK_CLOSED;
    enter(k, s);
}

void kiosk_scene_reset(kiosk *k, kiosk_screen s)
{
    k->depth = 0;
    enter(k, s);
}

void kiosk_scene_back(kiosk *k)
{
    kiosk_screen to = scenes[k->screen]->back;
    if (to == KIOSK_BACK_END || (to == KIOSK_BACK_POP && k->depth == 0)) {
        kiosk_session_end(k);
        return;
    }
    if (to == KIOSK_BACK_POP) {
        enter(k, k->stack[--k->depth]);
        return;
    }
    /* Back to a named scene: unwind the stack to it when it is there, else show it over home. */
    for (int i = k->depth - 1; i >= 0; i--)
        if (k->stack[i] == to) {
            k->depth = i;
            enter(k, to);
            return;
        }
    kiosk_scene_start(k, to);
}

bool kiosk_scene_event_send(kiosk *k, const kiosk_scene_event *e)
{
    return scenes[k->screen]->on_event && scenes[k->screen]->on_event(k, e);
}

/* ---- descriptions -------------------------------------------------------------------------- */

void kiosk_say_title(kiosk_spoken *d, const char *title) { snprintf(d->title, sizeof d->title, "%s", title); }
void kiosk_say_state(kiosk_spoken *d, const char *state) { snprintf(d->state, sizeof d->state, "%s", state); }

void kiosk_say_choice(kiosk_spoken *d, int target, const char *label, const char *key)
{
    if (d->n_choices == KIOSK_SPOKEN_CHOICES)
        return;
    kiosk_spoken_choice *c = &d->choices[d->n_choices++];
    c->target = target;
    snprintf(c->label, sizeof c->label, "%s", label);
    snprintf(c->key, sizeof c->key, "%s", key ? key : "");
    c->voice[0] = '\0';
}

void kiosk_say_languages(kiosk *k, kiosk_spoken *d)
{
    for (int i = 0; i < k->n_langs && d->n_choices < KIOSK_SPOKEN_CHOICES; i++) {
        kiosk_say_choice(d, T_LANG_ROW + i, kiosk_language_name(k, i), "");
        snprintf(d->choices[d->n_choices - 1].voice, sizeof d->choices[0].voice, "%s",
                 kiosk_tr_in(k, k->langs[i], "lang.voice"));
    }
}

const char *kiosk_key_words(const kiosk *k, const char *action)
{
    char key[48];
    snprintf(key, sizeof key, "key.%s", action);
    return kiosk_tr(k, key);
}

void kiosk_describe(kiosk *k, kiosk_spoken *out)
{
    memset(out, 0, sizeof *out);
    scenes[k->screen]->describe(k, out);
}

static size_t append(char *out, size_t n, size_t used, const char *s)
{
    if (used < n)
        snprintf(out + used, n - used, "%s", s);
    return used + strlen(s);
}

/* A sentence and its full stop, unless it ends with one (a catalog's whole sentence). */
static size_t append_sentence(char *out, size_t n, size_t used, const char *s)
{
    used = append(out, n, used, s);
    size_t len = strlen(s);
    return append(out, n, used, len && strchr(".?!", s[len - 1]) ? " " : ". ");
}

size_t kiosk_spoken_text(kiosk *k, const kiosk_spoken *d, char *out, size_t n)
{
    /* "Title. State. Choices: A; B, key minus. Arrows to choose, 5 to select." The state comes
     * before the choices: it is what changed when the scene is spoken again. */
    size_t used = 0;
    if (n)
        out[0] = '\0';
    used = append_sentence(out, n, used, d->title);
    if (d->state[0])
        used = append_sentence(out, n, used, d->state);
    bool focus_choices = false;
    if (d->n_choices) {
        used = append(out, n, used, kiosk_tr(k, "speech.choices"));
        used = append(out, n, used, " ");
    }
    for (int i = 0; i < d->n_choices; i++) {
        const kiosk_spoken_choice *c = &d->choices[i];
        used = append(out, n, used, c->label);
        if (c->key[0] && strcmp(c->key, c->label) != 0) {
            used = append(out, n, used, ", ");
            used = append(out, n, used, c->key);
        }
        focus_choices |= !c->key[0];
        used = append(out, n, used, i + 1 < d->n_choices ? " ; " : ". ");
    }
    if (focus_choices)
        used = append(out, n, used, kiosk_tr(k, "speech.navigate"));
    return used;
}

bool kiosk_page_shows(const kiosk *k, int i)
{
    return !k->tile_paged || (i >= k->tile_first && i < k->tile_first + k->tile_n);
}

void kiosk_say_page_prev(kiosk *k, kiosk_spoken *d)
{
    if (k->tile_paged && k->page > 0)
        kiosk_say_choice(d, T_PAGE_PREV, kiosk_tr(k, "common.prev"), "");
}

void kiosk_say_page_next(kiosk *k, kiosk_spoken *d)
{
    if (k->tile_paged && k->tile_more)
        kiosk_say_choice(d, T_PAGE_NEXT, kiosk_tr(k, "common.next"), "");
}

void kiosk_say_services(kiosk *k, kiosk_spoken *d)
{
    int idx[QUEUE_MAX_SERVICES];
    int n = kiosk_services_shown(k, idx);
    /* The page the last frame drew (all of them before the first frame). */
    kiosk_say_page_prev(k, d);
    for (int i = 0; i < n; i++)
        if (kiosk_page_shows(k, i))
            kiosk_say_choice(d, T_SERVICE + idx[i], kiosk_service_label(k, idx[i]), "");
    kiosk_say_page_next(k, d);
}

void kiosk_say_digit_keys(kiosk *k, kiosk_spoken *d)
{
    (void)k;
    for (int i = 1; i <= 10; i++) {
        char digit[2] = {(char)('0' + i % 10), '\0'};
        kiosk_say_choice(d, T_KEY + i % 10, digit, digit);
    }
}

const char *kiosk_spoken_char(const kiosk *k, char c, char out[2])
{
    /* espeak-ng says nothing for a hyphen alone, and "R D V - 7" as "R D V 7". */
    if (c == '-')
        return kiosk_tr(k, "speech.hyphen");
    out[0] = c;
    out[1] = '\0';
    return out;
}

void kiosk_code_spelled(const kiosk *k, char *out, size_t n)
{
    size_t w = 0;
    out[0] = '\0';
    for (const char *c = k->code; *c && w < n; c++) {
        char one[2];
        int m = snprintf(out + w, n - w, "%s%s", w ? " " : "", kiosk_spoken_char(k, *c, one));
        w += m > 0 ? (size_t)m : 0;
    }
}

void kiosk_code_words(const kiosk *k, char *out, size_t n)
{
    if (!k->code[0]) {
        snprintf(out, n, "%s", kiosk_tr(k, "speech.code_empty"));
        return;
    }
    if (!k->headset) {
        /* On the loudspeaker neither the code nor the kind of its characters (digit, letter) is
         * said (EN 301 549 5.1.3.8-9): how many, and that a headset reads them. */
        char count[16], typed[128];
        snprintf(count, sizeof count, "%d", (int)strlen(k->code));
        if (k->code[1])
            ui_format(typed, sizeof typed, kiosk_tr(k, "speech.code_hidden"), "n", count, (const char *)NULL);
        else
            snprintf(typed, sizeof typed, "%s", kiosk_tr(k, "speech.char_hidden"));
        snprintf(out, n, "%s. %s", typed, kiosk_tr(k, "speech.code_private"));
        return;
    }
    char spelled[QUEUE_CODE_MAX * 16];
    kiosk_code_spelled(k, spelled, sizeof spelled);
    ui_format(out, n, kiosk_tr(k, "speech.code"), "code", spelled, (const char *)NULL);
}
