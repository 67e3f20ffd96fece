/* What the kiosk says and sounds (EN 301 549 5.1.3): the scene spoken on entry while speech is on,
 * the focused choice as the focus moves, the repeat key, the session's volume, the click on every
 * key or tap and the ticket and error tones, through the speech module. Speech is on for a session
 * when the visitor presses the speech key or plugs a headset in; it stops as soon as the visitor
 * acts, and the session's end turns it off (unless a headset is still in) and resets the volume.
 *
 * Privacy (5.1.3.8-9): what is typed for an appointment code (digits, letters, the hyphen) is
 * spoken character by character only in a headset; on the loudspeaker the kiosk says "caractère
 * saisi" (one word for every kind, so not even whether it was a letter is heard) and the number of
 * characters, and a key that types a character is "touche" when the focus reaches it (the letters
 * page is walked with the arrows: the focused letter is the one about to be typed). The admin PIN
 * is never spoken, not even in a headset. */
#include "kiosk_scene.h"

#include <stdio.h>
#include <string.h>

#include "borne/log.h"

BORNE_LOG_MODULE("kiosk");

#define VOLUME_STEP 20
#define VOLUME_MIN 40
#define VOLUME_MAX 200

static const char *voice(const kiosk *k)
{
    return kiosk_tr(k, "lang.voice");
}

static void say_in(kiosk *k, speech_tone tone, const char *text, const char *in_voice)
{
    if (!k->speech)
        return;
    speech_item it = {.tone = tone, .text = text, .voice = in_voice, .volume_pct = k->volume_pct};
    speech_say(k->speech, &it);
}

static void say(kiosk *k, speech_tone tone, const char *text)
{
    say_in(k, tone, text, voice(k));
}

void kiosk_access_open(kiosk *k, const kiosk_options *opt)
{
    k->volume_pct = 100;
    speech_sink sink;
    if (opt && opt->audio_sink) {
        sink = *opt->audio_sink;
    } else if (speech_sdl_open(&k->audio, k->audio_problem, sizeof k->audio_problem) == 0) {
        sink = speech_sdl_sink(&k->audio);
    } else {
        /* The kiosk serves silently; the admin screen shows why. */
        log_warn("%s: the kiosk is silent", k->audio_problem);
        return;
    }
    speech_options so = {.voice = "fr", .on_text = opt ? opt->on_spoken : NULL,
                         .on_text_ctx = opt ? opt->on_spoken_ctx : NULL};
    k->speech = speech_create(&sink, &so);
    if (!k->speech) {
        snprintf(k->audio_problem, sizeof k->audio_problem, "speech: out of memory or threads");
        log_warn("%s", k->audio_problem);
        return;
    }
    kiosk_access_language(k);
    /* A language without its voice is spoken with the French one: said on the admin screen. */
    for (int i = 0; i < k->n_langs; i++) {
        const char *v = ui_catalog_get(k->langs[i], "lang.voice");
        if (v && speech_has_voice(v))
            continue;
        size_t used = strlen(k->voice_problem);
        snprintf(k->voice_problem + used, sizeof k->voice_problem - used, "%s%s", used ? ", " : "",
                 ui_catalog_lang(k->langs[i]));
        log_warn("%s: no espeak-ng voice \"%s\": spoken with the French voice", ui_catalog_lang(k->langs[i]),
                 v ? v : "(lang.voice missing)");
    }
}

void kiosk_access_language(kiosk *k)
{
    /* The voice is loaded now, not when the visitor first asks to hear something. */
    if (k->speech)
        speech_prepare(k->speech, voice(k));
}

void kiosk_access_close(kiosk *k)
{
    if (k->speech) {
        speech_cancel(k->speech);
        speech_destroy(k->speech);
    }
    k->speech = NULL;
    speech_sdl_close(&k->audio);
}

const char *kiosk_audio_problem(const kiosk *k) { return k->audio_problem; }
const char *kiosk_voice_problem(const kiosk *k) { return k->voice_problem; }
bool kiosk_speech_on(const kiosk *k) { return k->speech_on; }
bool kiosk_large_text(const kiosk *k) { return k->large; }

/* The scene's description, spoken from the start. */
static void speak_scene(kiosk *k)
{
    kiosk_spoken d;
    kiosk_describe(k, &d);
    char text[SPEECH_TEXT_MAX];
    kiosk_spoken_text(k, &d, text, sizeof text);
    say(k, SPEECH_TONE_NONE, text);
}

void kiosk_access_input(kiosk *k)
{
    if (!k->speech)
        return;
    speech_cancel(k->speech);
    say(k, SPEECH_TONE_CLICK, NULL);
}

void kiosk_access_scene_entered(kiosk *k)
{
    if (k->speech_on)
        speak_scene(k);
}

/* A key of the screen that types a character of a code. */
static bool types_a_character(int target)
{
    return (target >= T_KEY && target <= T_KEY + 9) || (target >= T_LETTER && target < T_LETTER + 26) ||
           target == T_KEY_HYPHEN;
}

/* Whether what is typed on the current scene may be said: in a headset, never a secret. */
static bool may_say_typed(const kiosk *k)
{
    return k->headset && !(kiosk_scene_of(k->screen)->flags & KIOSK_SCENE_SECRET);
}

void kiosk_access_focus(kiosk *k)
{
    if (!k->speech_on)
        return;
    kiosk_spoken d;
    kiosk_describe(k, &d);
    int id = ui_focused(k->ui);
    if (types_a_character(id) && !may_say_typed(k)) {
        say(k, SPEECH_TONE_NONE, kiosk_tr(k, "speech.key_hidden"));
        return;
    }
    for (int i = 0; i < d.n_choices; i++)
        if (d.choices[i].target == id) {
            char text[256];
            snprintf(text, sizeof text, "%s%s%s", d.choices[i].label, d.choices[i].key[0] ? ", " : "",
                     d.choices[i].key);
            say_in(k, SPEECH_TONE_NONE, text, d.choices[i].voice[0] ? d.choices[i].voice : voice(k));
            return;
        }
}

void kiosk_access_typed(kiosk *k, char c, bool secret)
{
    if (!k->speech_on)
        return;
    char one[2];
    if (secret)
        say(k, SPEECH_TONE_NONE, kiosk_tr(k, "speech.digit_hidden"));
    else
        say(k, SPEECH_TONE_NONE, may_say_typed(k) ? kiosk_spoken_char(k, c, one) : kiosk_tr(k, "speech.char_hidden"));
}

void kiosk_access_tone(kiosk *k, speech_tone tone) { say(k, tone, NULL); }

void kiosk_access_key(kiosk *k, keypad_action a)
{
    switch (a) {
    case KEYPAD_REPEAT:
        k->speech_on = true;
        speak_scene(k);
        break;
    case KEYPAD_SPEECH:
        k->speech_on = !k->speech_on;
        if (k->speech_on)
            speak_scene(k);
        break;
    case KEYPAD_VOLUME_UP:
    case KEYPAD_VOLUME_DOWN: {
        int v = k->volume_pct + (a == KEYPAD_VOLUME_UP ? VOLUME_STEP : -VOLUME_STEP);
        k->volume_pct = v < VOLUME_MIN ? VOLUME_MIN : v > VOLUME_MAX ? VOLUME_MAX : v;
        char n[16], text[64];
        snprintf(n, sizeof n, "%d", k->volume_pct);
        ui_format(text, sizeof text, kiosk_tr(k, "speech.volume"), "n", n, (const char *)NULL);
        say(k, SPEECH_TONE_NONE, text);
        break;
    }
    case KEYPAD_LARGE_TEXT:
        k->large = !k->large;
        kiosk_dirty(k);
        /* Said even with speech off: whoever pressed it may not read the screen well. */
        say(k, SPEECH_TONE_NONE, kiosk_tr(k, k->large ? "speech.large_on" : "speech.large_off"));
        break;
    default:
        break;
    }
}

void kiosk_set_headset(kiosk *k, bool plugged)
{
    k->headset = plugged;
    k->speech_on = plugged;
    if (k->speech)
        speech_cancel(k->speech);
    if (plugged)
        speak_scene(k);
}

void kiosk_access_session_end(kiosk *k)
{
    k->speech_on = k->headset;
    k->volume_pct = 100;
    k->large = false;
    kiosk_access_language(k);
}
