/* Spoken call announcements (see include/borne/announce.h).
 *
 * Why a local TTS library (espeak-ng, Debian's libespeak-ng1 + espeak-ng-data) rather than
 * pre-recorded clips: a call is any service letter, any number up to 999 and any counter name an
 * antenne writes in its configuration ("Guichet 2", "Bureau des titres"). Clips would need a
 * recording per letter, per number word and per counter name, re-recorded whenever an antenne
 * renames a counter, and assembled clips sound choppy (no sentence prosody across the joins).
 * espeak-ng speaks any text offline, in French, with sentence intonation. Its voice is robotic
 * next to a recording, but it is intelligible and it is cheap on the board: measured on the dev
 * machine (x86-64, Debian 12, espeak-ng 1.51), loading it with the "fr" voice adds about 2.6 MB
 * of resident memory (VmRSS 4.8 → 7.4 MB in a bare program; 2.7 MB in test_display_announce,
 * buffers included), and synthesising "Le numéro a 2, Guichet 2." (1.5 s of audio at 22050 Hz)
 * takes 2 to 5 ms, 6 to 30 ms for the first one (it loads the data); test_display_announce
 * prints these figures on each run. Synthesis still runs on the worker thread, never on the UI
 * thread: a slow board or a cold disk must not freeze the screen.
 *
 * espeak-ng keeps process-wide state and its espeak_ng_Terminate() can hang on its internal
 * thread when called a second time in a process, so it is loaded once (the first time a voice is
 * needed) and kept until exit; every use is under espeak_mu. */
#include "borne/announce.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>

#include "borne/log.h"

BORNE_LOG_MODULE("display");

#define CHIME_RATE 22050
#define TEXT_MAX 256
#define GAP_MS 400             /* silence between two announcements, so they do not run together */
#define SPEECH_WPM 150         /* a little slower than espeak's 175: a hall, people far away */

struct announcer {
    announce_sink sink;
    char voice[32];
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;          /* queue changed or stop requested */
    char queue[ANNOUNCE_QUEUE_MAX][TEXT_MAX];
    int head, count;
    bool busy;                  /* the worker is playing one (taken off the queue) */
    bool stop;
    int16_t *chime;
    size_t chime_n;
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

/* ---- espeak-ng, process-wide ---- */

static pthread_mutex_t espeak_mu = PTHREAD_MUTEX_INITIALIZER;
static int espeak_rate;                 /* 0 until loaded */
static char espeak_voice[32];           /* the voice currently selected */

typedef struct pcm {
    int16_t *s;
    size_t n, cap;
    bool oom;
} pcm;
static pcm *collecting;                 /* the buffer of the synthesis in progress (espeak_mu) */

static int collect(short *wav, int n, espeak_EVENT *ev)
{
    (void)ev;
    pcm *b = collecting;
    if (!wav || n <= 0 || b->oom)
        return 0;
    if (b->n + (size_t)n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 65536;
        while (cap < b->n + (size_t)n)
            cap *= 2;
        int16_t *s = realloc(b->s, cap * sizeof *s);
        if (!s) {
            b->oom = true;
            return 1;          /* stops this synthesis */
        }
        b->s = s;
        b->cap = cap;
    }
    memcpy(b->s + b->n, wav, (size_t)n * sizeof *wav);
    b->n += (size_t)n;
    return 0;
}

static void espeak_message(const char *what, espeak_ng_STATUS st, char *err, size_t errlen)
{
    char m[160];
    espeak_ng_GetStatusCodeMessage(st, m, sizeof m);
    snprintf(err, errlen, "%s: %s", what, m);
}

/* Loads espeak-ng if needed and selects `voice`. Caller holds espeak_mu. 0, or -1 with err. */
static int espeak_select(const char *voice, char *err, size_t errlen)
{
    espeak_ng_STATUS st;
    if (!espeak_rate) {
        espeak_ng_ERROR_CONTEXT ctx = NULL;
        espeak_ng_InitializePath(NULL);
        st = espeak_ng_Initialize(&ctx);
        espeak_ng_ClearErrorContext(&ctx);
        if (st != ENS_OK) {
            espeak_message("espeak-ng", st, err, errlen);
            return -1;
        }
        st = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL);
        if (st != ENS_OK) {
            espeak_message("espeak-ng output", st, err, errlen);
            return -1;
        }
        espeak_SetSynthCallback(collect);
        espeak_ng_SetParameter(espeakRATE, SPEECH_WPM, 0);
        espeak_rate = espeak_ng_GetSampleRate();
    }
    if (strcmp(espeak_voice, voice) != 0) {
        st = espeak_ng_SetVoiceByName(voice);
        if (st != ENS_OK) {
            espeak_voice[0] = '\0';
            espeak_message(voice, st, err, errlen);
            return -1;
        }
        snprintf(espeak_voice, sizeof espeak_voice, "%s", voice);
    }
    return 0;
}

/* Synthesises `text` into b (b->s to free). Returns the sample rate, or -1 with err. */
static int synthesise(const char *voice, const char *text, pcm *b, char *err, size_t errlen)
{
    int rate = -1;
    pthread_mutex_lock(&espeak_mu);
    if (espeak_select(voice, err, errlen) == 0) {
        collecting = b;
        espeak_ng_STATUS st = espeak_ng_Synthesize(text, strlen(text) + 1, 0, POS_CHARACTER, 0,
                                                   espeakCHARS_UTF8, NULL, NULL);
        collecting = NULL;
        if (st != ENS_OK)
            espeak_message("synthesis", st, err, errlen);
        else if (b->oom)
            snprintf(err, errlen, "synthesis: out of memory");
        else
            rate = espeak_rate;
    }
    pthread_mutex_unlock(&espeak_mu);
    return rate;
}

/* ---- the worker ---- */

/* Two soft tones (E5 then A5) with a short attack and an exponential decay. */
static int make_chime(announcer *an)
{
    static const double tones[] = {659.25, 880.0};
    const int per = CHIME_RATE * 55 / 100;
    int n = per * 2;
    an->chime = malloc((size_t)n * sizeof an->chime[0]);
    if (!an->chime)
        return -1;
    for (int i = 0; i < n; i++) {
        double t = (double)(i % per) / CHIME_RATE;
        double env = fmin(1.0, t / 0.02) * exp(-t * 5.0);
        an->chime[i] = (int16_t)(9000.0 * env * sin(2.0 * M_PI * tones[i / per] * t));
    }
    an->chime_n = (size_t)n;
    return 0;
}

/* Waits up to ms (the condition variable uses CLOCK_MONOTONIC); caller holds mu. */
static void wait_ms(announcer *an, unsigned ms)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&an->cv, &an->mu, &t);
}

/* Lets the sink play what it was given, then a short gap; returns early on stop. */
static void drain(announcer *an)
{
    pthread_mutex_lock(&an->mu);
    unsigned left;
    while (!an->stop && an->sink.pending_ms && (left = an->sink.pending_ms(an->sink.ctx)) > 0)
        wait_ms(an, left < 50 ? left : 50);
    if (!an->stop)
        wait_ms(an, GAP_MS);
    pthread_mutex_unlock(&an->mu);
}

static void *worker(void *arg)
{
    announcer *an = arg;
    bool voice_logged = false, play_logged = false;
    char text[TEXT_MAX], err[256];
    for (;;) {
        pthread_mutex_lock(&an->mu);
        while (!an->count && !an->stop)
            pthread_cond_wait(&an->cv, &an->mu);
        if (an->stop) {
            pthread_mutex_unlock(&an->mu);
            break;
        }
        memcpy(text, an->queue[an->head], sizeof text);
        an->head = (an->head + 1) % ANNOUNCE_QUEUE_MAX;
        an->count--;
        an->busy = true;
        pthread_mutex_unlock(&an->mu);

        /* the chime first: it plays while the sentence is synthesised */
        int rc = an->sink.play(an->sink.ctx, ANNOUNCE_CHIME, an->chime, an->chime_n, CHIME_RATE);
        pcm voice = {0};
        int rate = synthesise(an->voice, text, &voice, err, sizeof err);
        if (rate < 0 && !voice_logged) {   /* once: the chime and the screen still announce */
            log_warn("announce: no voice, chime only (%s)", err);
            voice_logged = true;
        }
        if (rate > 0 && voice.n)
            rc |= an->sink.play(an->sink.ctx, ANNOUNCE_VOICE, voice.s, voice.n, rate);
        free(voice.s);
        if (rc != 0 && !play_logged) {
            log_warn("announce: audio output failed");
            play_logged = true;
        }
        drain(an);
        pthread_mutex_lock(&an->mu);
        an->busy = false;
        pthread_mutex_unlock(&an->mu);
    }
    return NULL;
}

announcer *announce_create(const announce_sink *sink, const announce_options *o)
{
    announcer *an = calloc(1, sizeof *an);
    if (!an)
        return NULL;
    an->sink = *sink;
    snprintf(an->voice, sizeof an->voice, "%s", o && o->voice ? o->voice : "fr");
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&an->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&an->mu, NULL);
    if (make_chime(an) != 0 || pthread_create(&an->thread, NULL, worker, an) != 0) {
        pthread_cond_destroy(&an->cv);
        pthread_mutex_destroy(&an->mu);
        free(an->chime);
        free(an);
        return NULL;
    }
    return an;
}

void announce_destroy(announcer *an)
{
    if (!an)
        return;
    pthread_mutex_lock(&an->mu);
    an->stop = true;
    pthread_cond_signal(&an->cv);
    pthread_mutex_unlock(&an->mu);
    pthread_join(an->thread, NULL);
    pthread_cond_destroy(&an->cv);
    pthread_mutex_destroy(&an->mu);
    free(an->chime);
    free(an);
}

int announce_enqueue(announcer *an, const char *label, const char *counter, bool recall)
{
    char text[TEXT_MAX];
    if (announce_spoken_text(text, sizeof text, label, counter, recall) < 0)
        return -1;
    pthread_mutex_lock(&an->mu);
    int rc = -1;
    if (an->count < ANNOUNCE_QUEUE_MAX) {
        memcpy(an->queue[(an->head + an->count) % ANNOUNCE_QUEUE_MAX], text, sizeof text);
        an->count++;
        pthread_cond_signal(&an->cv);
        rc = 0;
    }
    pthread_mutex_unlock(&an->mu);
    return rc;
}

int announce_pending(announcer *an)
{
    pthread_mutex_lock(&an->mu);
    int n = an->count + an->busy;
    pthread_mutex_unlock(&an->mu);
    return n;
}

/* ---- the SDL sink ---- */

static int sdl_play(void *ctx, announce_part part, const int16_t *pcm_in, size_t n, int rate)
{
    (void)part;
    announce_sdl *s = ctx;
    SDL_AudioStream *st = SDL_NewAudioStream(AUDIO_S16SYS, 1, rate, s->have.format,
                                             s->have.channels, s->have.freq);
    if (!st)
        return -1;
    int rc = -1;
    void *out = NULL;
    if (SDL_AudioStreamPut(st, pcm_in, (int)(n * sizeof *pcm_in)) == 0 &&
        SDL_AudioStreamFlush(st) == 0) {
        int avail = SDL_AudioStreamAvailable(st);
        out = malloc(avail > 0 ? (size_t)avail : 1);
        int got = out ? SDL_AudioStreamGet(st, out, avail) : -1;
        if (got >= 0 && SDL_QueueAudio(s->dev, out, (Uint32)got) == 0)
            rc = 0;
    }
    free(out);
    SDL_FreeAudioStream(st);
    return rc;
}

static unsigned sdl_pending_ms(void *ctx)
{
    announce_sdl *s = ctx;
    unsigned frame = (unsigned)(SDL_AUDIO_BITSIZE(s->have.format) / 8 * s->have.channels);
    uint64_t bytes = SDL_GetQueuedAudioSize(s->dev);
    return (unsigned)(bytes * 1000 / ((uint64_t)frame * (uint64_t)s->have.freq));
}

announce_sink announce_sdl_sink(announce_sdl *s)
{
    return (announce_sink){.play = sdl_play, .pending_ms = sdl_pending_ms, .ctx = s};
}
