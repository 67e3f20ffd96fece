/* Spoken call announcements (see include/borne/announce.h): the French words of a call, and
 * each call queued on the speech module (borne/speech.h) as the chime followed by the words,
 * with a pause after it so two calls do not run together. */
#include "borne/announce.h"

#include <stdio.h>
#include <stdlib.h>

#define TEXT_MAX 256
#define GAP_MS 400             /* silence between two announcements, so they do not run together */
#define SPEECH_WPM 150         /* a little slower than espeak's 175: a hall, people far away */

struct announcer {
    speech *speech;
};

/* ---- the spoken text ---- */

/* French letter names written as the voice must read them: alone, espeak reads "Y" as the word
 * "y" (/i/) and "E" inside a sentence as a mute e; spelled names are read the same everywhere. */
static const char *const letter_fr[26] = {
    "a", "bé", "cé", "dé", "e", "èf", "gé", "ache", "i", "ji", "ka", "èl", "èm",
    "èn", "o", "pé", "ku", "èr", "èss", "té", "u", "vé", "double vé", "ix", "i grec", "zèd"};

int announce_spoken_text(char *out, size_t outlen, const char *label, const char *counter,
                         bool recall)
{
    size_t len = 0;
    int n = snprintf(out, outlen, "%s", recall ? "Rappel. Le numéro" : "Le numéro");
    if (n < 0 || (size_t)n >= outlen)
        return -1;
    len = (size_t)n;
    for (const char *p = label; *p;) {
        const char *word = NULL;
        char digits[16];
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) {
            word = letter_fr[(*p | 0x20) - 'a'];
            p++;
        } else if (*p >= '0' && *p <= '9') {
            /* the number as a number: "002" is "deux", as a waiting room says it */
            while (*p == '0' && p[1] >= '0' && p[1] <= '9')
                p++;
            size_t k = 0;
            while (*p >= '0' && *p <= '9' && k + 1 < sizeof digits)
                digits[k++] = *p++;
            digits[k] = '\0';
            word = digits;
        } else {
            p++;               /* separators in a label are not spoken */
            continue;
        }
        n = snprintf(out + len, outlen - len, " %s", word);
        if (n < 0 || (size_t)n >= outlen - len)
            return -1;
        len += (size_t)n;
    }
    n = counter && *counter ? snprintf(out + len, outlen - len, ", %s.", counter)
                            : snprintf(out + len, outlen - len, ".");
    if (n < 0 || (size_t)n >= outlen - len)
        return -1;
    return (int)(len + (size_t)n);
}

announcer *announce_create(const announce_sink *sink, const announce_options *o)
{
    announcer *an = calloc(1, sizeof *an);
    if (!an)
        return NULL;
    speech_options so = {.voice = o && o->voice ? o->voice : "fr", .words_per_minute = SPEECH_WPM};
    an->speech = speech_create(sink, &so);
    if (!an->speech) {
        free(an);
        return NULL;
    }
    return an;
}

void announce_destroy(announcer *an)
{
    if (!an)
        return;
    speech_destroy(an->speech);
    free(an);
}

int announce_enqueue(announcer *an, const char *label, const char *counter, bool recall)
{
    char text[TEXT_MAX];
    if (announce_spoken_text(text, sizeof text, label, counter, recall) < 0)
        return -1;
    speech_item it = {.tone = SPEECH_TONE_CHIME, .text = text, .gap_ms = GAP_MS};
    return speech_say(an->speech, &it);
}

int announce_pending(announcer *an) { return speech_pending(an->speech); }

announce_sink announce_sdl_sink(announce_sdl *s) { return speech_sdl_sink(s); }
