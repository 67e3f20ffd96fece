/* Speech and tones (see include/borne/speech.h).
 *
 * Why a local TTS library (espeak-ng, Debian's libespeak-ng1 + espeak-ng-data) rather than
 * pre-recorded clips: the texts are any ticket number, any counter name an antenne writes in its
 * configuration, every scene of the kiosk in six languages. Clips would need a recording per word
 * and per language, re-recorded whenever a label changes, and assembled clips sound choppy.
 * espeak-ng speaks any text offline with sentence intonation; its voice is robotic next to a
 * recording, but intelligible and cheap on the board: loading it with one voice adds about 2.6 MB
 * resident, and a sentence of 1.5 s is synthesised in 2 to 5 ms (6 to 30 ms for the first one,
 * which loads the data); test_display_announce and bench_speech print these figures.
 *
 * Synthesis runs on the worker (about 3 ms per second of speech). A sink that says how much it
 * holds (pending_ms: the SDL device, the memory sink) is streamed: each chunk espeak-ng gives
 * (CHUNK_MS of audio) is handed over at once, so the first word plays as soon as the first clause
 * is synthesised, and synthesis waits while the sink holds more than LEAD_MS, so neither the
 * speech nor the device ever holds a whole text's PCM (a scene's description is 20 to 40 s:
 * 1 to 2 MB at 22 kHz). A sink that cannot say (a file, a recorder) gets a text whole, in one
 * buffer. A cancel is seen by the synthesis callback at its next chunk.
 *
 * espeak-ng keeps process-wide state and its espeak_ng_Terminate() can hang on its internal
 * thread when called a second time in a process, so it is loaded once (the first time a voice is
 * needed) and kept until exit; every use is under espeak_mu. */
#include "borne/speech.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>

#include "borne/log.h"

BORNE_LOG_MODULE("speech");

#define TONE_RATE 22050
#define CHUNK_MS 40            /* espeak's output buffer: how often synthesis sees a cancel */
/* How far ahead of what is heard a streaming sink is fed: more than a late worker on a busy board
 * could leave it waiting (a gap in a word), little enough to keep in memory (9 KB at 22 kHz). */
#define LEAD_MS 200

typedef struct item {
    bool prepare;               /* only load the voice (speech_prepare) */
    speech_tone tone;
    char text[SPEECH_TEXT_MAX];
    char voice[SPEECH_VOICE_MAX];
    int volume_pct, gap_ms;
} item;

struct speech {
    speech_sink sink;
    speech_options opt;
    char voice[SPEECH_VOICE_MAX];
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;          /* queue changed, cancel or stop requested */
    item queue[SPEECH_QUEUE_MAX];
    int head, count;
    bool busy;                  /* the worker is playing one (taken off the queue) */
    bool stop;
    atomic_uint generation;     /* bumped by cancel: work of an older generation is dropped */
    int16_t *voice_pcm;         /* a text synthesised whole for a sink that does not stream
                                   (worker, under espeak_mu) */
    size_t voice_n, voice_cap;
    bool voice_oom;
    int16_t *scaled;            /* volume-scaled copy of a chunk (worker only) */
    size_t scaled_cap;
    bool voice_logged, play_logged;
    char missing_voice[SPEECH_VOICE_MAX];
};

int64_t speech_now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* ---- tones ---------------------------------------------------------------------------------- */

typedef struct note {
    double hz, ms, level;
} note;

/* Notes one after the other, each with a short attack and an exponential decay. Returns the
 * samples (to free) and their count in *n, NULL on no memory. */
static int16_t *make_notes(const note *notes, int count, double decay, size_t *n)
{
    size_t total = 0;
    for (int i = 0; i < count; i++)
        total += (size_t)(TONE_RATE * notes[i].ms / 1000.0);
    int16_t *s = malloc(total * sizeof *s);
    if (!s)
        return NULL;
    size_t at = 0;
    for (int i = 0; i < count; i++) {
        size_t len = (size_t)(TONE_RATE * notes[i].ms / 1000.0);
        for (size_t j = 0; j < len; j++) {
            double t = (double)j / TONE_RATE;
            double env = fmin(1.0, t / 0.004) * exp(-t * decay);
            s[at++] = (int16_t)(notes[i].level * env * sin(2.0 * M_PI * notes[i].hz * t));
        }
    }
    *n = total;
    return s;
}

static int16_t *make_tone(speech_tone tone, size_t *n)
{
    /* The chime is the display's (E5 then A5); the click is short and high so it never masks
     * speech; "printed" rises, "error" falls and is lower: told apart without seeing. */
    static const note chime[] = {{659.25, 550, 9000}, {880.0, 550, 9000}};
    static const note click[] = {{2000.0, 12, 6000}};
    static const note done[] = {{523.25, 110, 8000}, {659.25, 110, 8000}, {783.99, 220, 8000}};
    static const note error[] = {{329.63, 220, 9000}, {261.63, 320, 9000}};
    static const note alarm[] = {{880.0, 240, 10000}, {660.0, 240, 10000}, {880.0, 240, 10000}};
    switch (tone) {
    case SPEECH_TONE_CHIME: return make_notes(chime, 2, 5.0, n);
    case SPEECH_TONE_CLICK: return make_notes(click, 1, 300.0, n);
    case SPEECH_TONE_DONE: return make_notes(done, 3, 6.0, n);
    case SPEECH_TONE_ERROR: return make_notes(error, 2, 4.0, n);
    case SPEECH_TONE_ALARM: return make_notes(alarm, 3, 4.0, n);
    default: return NULL;
    }
}

/* ---- espeak-ng, process-wide ---------------------------------------------------------------- */

static pthread_mutex_t espeak_mu = PTHREAD_MUTEX_INITIALIZER;
static int espeak_rate;                 /* 0 until loaded */
static char espeak_voice[SPEECH_VOICE_MAX];
static int espeak_wpm;

/* The synthesis in progress (under espeak_mu): whose, for which generation, how loud. */
static struct {
    speech *s;
    unsigned generation;
    int volume_pct;
} playing;

static bool feed(speech *s, unsigned generation, speech_part part, const int16_t *pcm, size_t n, int rate,
                 int volume_pct);

static void espeak_message(const char *what, espeak_ng_STATUS st, char *err, size_t errlen)
{
    char m[160];
    espeak_ng_GetStatusCodeMessage(st, m, sizeof m);
    snprintf(err, errlen, "%s: %s", what, m);
}

static int on_chunk(short *wav, int n, espeak_EVENT *ev)
{
    (void)ev;
    speech *s = playing.s;
    if (atomic_load(&s->generation) != playing.generation)
        return 1;              /* cancelled: stops this synthesis */
    if (!wav || n <= 0 || s->voice_oom)
        return 0;
    if (s->sink.pending_ms)
        return feed(s, playing.generation, SPEECH_PART_VOICE, wav, (size_t)n, espeak_rate, playing.volume_pct) ? 0 : 1;
    if (s->voice_n + (size_t)n > s->voice_cap) {
        size_t cap = s->voice_cap ? s->voice_cap * 2 : 65536;
        while (cap < s->voice_n + (size_t)n)
            cap *= 2;
        int16_t *b = realloc(s->voice_pcm, cap * sizeof *b);
        if (!b) {
            s->voice_oom = true;
            return 1;
        }
        s->voice_pcm = b;
        s->voice_cap = cap;
    }
    memcpy(s->voice_pcm + s->voice_n, wav, (size_t)n * sizeof *wav);
    s->voice_n += (size_t)n;
    return 0;
}

/* Loads espeak-ng if needed. Caller holds espeak_mu. 0, or -1 with err. */
static int espeak_load(char *err, size_t errlen)
{
    if (espeak_rate)
        return 0;
    espeak_ng_ERROR_CONTEXT ctx = NULL;
    espeak_ng_InitializePath(NULL);
    espeak_ng_STATUS st = espeak_ng_Initialize(&ctx);
    espeak_ng_ClearErrorContext(&ctx);
    if (st != ENS_OK) {
        espeak_message("espeak-ng", st, err, errlen);
        return -1;
    }
    st = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, CHUNK_MS, NULL);
    if (st != ENS_OK) {
        espeak_message("espeak-ng output", st, err, errlen);
        return -1;
    }
    espeak_SetSynthCallback(on_chunk);
    espeak_rate = espeak_ng_GetSampleRate();
    return 0;
}

/* Selects `voice` at `wpm`. Caller holds espeak_mu. 0, or -1 with err. */
static int espeak_select(const char *voice, int wpm, char *err, size_t errlen)
{
    if (espeak_load(err, errlen) != 0)
        return -1;
    if (wpm != espeak_wpm) {
        espeak_ng_SetParameter(espeakRATE, wpm, 0);
        espeak_wpm = wpm;
    }
    if (strcmp(espeak_voice, voice) != 0) {
        espeak_ng_STATUS st = espeak_ng_SetVoiceByName(voice);
        if (st != ENS_OK) {
            espeak_voice[0] = '\0';
            espeak_message(voice, st, err, errlen);
            return -1;
        }
        snprintf(espeak_voice, sizeof espeak_voice, "%s", voice);
    }
    return 0;
}

bool speech_has_voice(const char *name)
{
    char err[200];
    pthread_mutex_lock(&espeak_mu);
    bool ok = espeak_load(err, sizeof err) == 0;
    if (ok) {
        /* The voice files are looked up the way SetVoiceByName does, without changing the voice
         * in use: by name, then by language. */
        espeak_VOICE want = {.languages = name};
        const espeak_VOICE **found = espeak_ListVoices(&want);
        ok = found && found[0];
        if (!ok) {
            const espeak_VOICE **all = espeak_ListVoices(NULL);
            for (int i = 0; all && all[i] && !ok; i++)
                ok = all[i]->name && strcmp(all[i]->name, name) == 0;
        }
    }
    pthread_mutex_unlock(&espeak_mu);
    return ok;
}

/* ---- the worker ----------------------------------------------------------------------------- */

static int play_chunk(speech *s, speech_part part, const int16_t *pcm, size_t n, int rate, int volume_pct)
{
    if (volume_pct != 100) {
        if (n > s->scaled_cap) {
            int16_t *b = realloc(s->scaled, n * sizeof *b);
            if (!b)
                return -1;
            s->scaled = b;
            s->scaled_cap = n;
        }
        for (size_t i = 0; i < n; i++) {
            int v = pcm[i] * volume_pct / 100;
            s->scaled[i] = (int16_t)(v > INT16_MAX ? INT16_MAX : v < INT16_MIN ? INT16_MIN : v);
        }
        pcm = s->scaled;
    }
    return s->sink.play(s->sink.ctx, part, pcm, n, rate);
}

/* Waits up to ms (the condition variable uses CLOCK_MONOTONIC); caller holds mu. */
static void wait_ms(speech *s, unsigned ms)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&s->cv, &s->mu, &t);
}

/* Hands pcm to the sink unless the item was cancelled, then lets a streaming sink play until it
 * holds LEAD_MS at most. false when the item was cancelled meanwhile. */
static bool feed(speech *s, unsigned generation, speech_part part, const int16_t *pcm, size_t n, int rate,
                 int volume_pct)
{
    if (atomic_load(&s->generation) != generation)
        return false;
    if (play_chunk(s, part, pcm, n, rate, volume_pct) != 0 && !s->play_logged) {
        log_warn("audio output failed");   /* once: the screen still works */
        s->play_logged = true;
    }
    if (atomic_load(&s->generation) != generation) {
        /* Cancelled between the check and the hand-over: the cancel's flush came before this
         * chunk, so it is dropped here. */
        if (s->sink.flush)
            s->sink.flush(s->sink.ctx);
        return false;
    }
    if (!s->sink.pending_ms)
        return true;
    pthread_mutex_lock(&s->mu);
    unsigned ahead;
    while (!s->stop && atomic_load(&s->generation) == generation &&
           (ahead = s->sink.pending_ms(s->sink.ctx)) > LEAD_MS)
        wait_ms(s, ahead - LEAD_MS);
    pthread_mutex_unlock(&s->mu);
    return atomic_load(&s->generation) == generation;
}

/* Lets the sink play what it was given, then the item's gap; returns early on stop or cancel, and
 * when an item without a gap has one queued after it (the voice follows the key's click at once). */
static void drain(speech *s, unsigned generation, int gap_ms)
{
    pthread_mutex_lock(&s->mu);
    unsigned left;
    while (!s->stop && atomic_load(&s->generation) == generation && !(gap_ms <= 0 && s->count) &&
           s->sink.pending_ms && (left = s->sink.pending_ms(s->sink.ctx)) > 0)
        wait_ms(s, left < 50 ? left : 50);
    if (!s->stop && atomic_load(&s->generation) == generation && gap_ms > 0)
        wait_ms(s, (unsigned)gap_ms);
    pthread_mutex_unlock(&s->mu);
}

static int words_per_minute(const speech *s)
{
    return s->opt.words_per_minute > 0 ? s->opt.words_per_minute : 150;
}

static void speak(speech *s, const item *it, unsigned generation)
{
    char err[256];
    const char *voice = it->voice[0] ? it->voice : s->voice;
    int wpm = words_per_minute(s);
    if (s->opt.on_text)
        s->opt.on_text(s->opt.on_text_ctx, voice, it->text);
    pthread_mutex_lock(&espeak_mu);
    int sel = espeak_select(voice, wpm, err, sizeof err);
    if (sel != 0 && strcmp(voice, s->voice) != 0) {
        /* A language without its voice is still spoken, in the default voice. */
        if (strcmp(s->missing_voice, voice) != 0) {
            log_warn("voice \"%s\" missing (%s), speaking with \"%s\"", voice, err, s->voice);
            snprintf(s->missing_voice, sizeof s->missing_voice, "%s", voice);
        }
        sel = espeak_select(s->voice, wpm, err, sizeof err);
    }
    if (sel != 0) {
        if (!s->voice_logged) {   /* once: the tones and the screen still work */
            log_warn("no voice, tones only (%s)", err);
            s->voice_logged = true;
        }
        pthread_mutex_unlock(&espeak_mu);
        return;
    }
    playing.s = s;
    playing.generation = generation;
    playing.volume_pct = it->volume_pct;
    s->voice_n = 0;
    s->voice_oom = false;
    espeak_ng_STATUS st = espeak_ng_Synthesize(it->text, strlen(it->text) + 1, 0, POS_CHARACTER, 0,
                                               espeakCHARS_UTF8, NULL, NULL);
    playing.s = NULL;
    int rate = espeak_rate;
    pthread_mutex_unlock(&espeak_mu);
    if (atomic_load(&s->generation) == generation) {
        if (st != ENS_OK || s->voice_oom) {
            if (s->voice_oom)
                snprintf(err, sizeof err, "synthesis: out of memory");
            else
                espeak_message("synthesis", st, err, sizeof err);
            log_warn("%s", err);
        } else if (s->voice_n) {
            feed(s, generation, SPEECH_PART_VOICE, s->voice_pcm, s->voice_n, rate, it->volume_pct);
        }
    }
    /* Kept for the next text unless it grew large (a long description). */
    if (s->voice_cap > 1u << 20) {
        free(s->voice_pcm);
        s->voice_pcm = NULL;
        s->voice_cap = 0;
    }
}

/* Selects the voice now; a voice that cannot be loaded is said by speak() when it is needed. */
static void prepare(speech *s, const char *voice)
{
    char err[256];
    pthread_mutex_lock(&espeak_mu);
    espeak_select(voice, words_per_minute(s), err, sizeof err);
    pthread_mutex_unlock(&espeak_mu);
}

static void *worker(void *arg)
{
    speech *s = arg;
    item *it = malloc(sizeof *it);
    for (;;) {
        pthread_mutex_lock(&s->mu);
        while (!s->count && !s->stop)
            pthread_cond_wait(&s->cv, &s->mu);
        if (s->stop || !it) {
            pthread_mutex_unlock(&s->mu);
            break;
        }
        *it = s->queue[s->head];
        s->head = (s->head + 1) % SPEECH_QUEUE_MAX;
        s->count--;
        s->busy = true;
        unsigned generation = atomic_load(&s->generation);
        pthread_mutex_unlock(&s->mu);

        if (it->prepare)
            prepare(s, it->voice);
        if (it->tone != SPEECH_TONE_NONE) {
            size_t n = 0;
            int16_t *tone = make_tone(it->tone, &n);
            if (tone)
                feed(s, generation, SPEECH_PART_TONE, tone, n, TONE_RATE, it->volume_pct);
            free(tone);
        }
        if (it->text[0] && atomic_load(&s->generation) == generation)
            speak(s, it, generation);
        drain(s, generation, it->gap_ms);
        pthread_mutex_lock(&s->mu);
        s->busy = false;
        pthread_cond_broadcast(&s->cv);
        pthread_mutex_unlock(&s->mu);
    }
    free(it);
    return NULL;
}

speech *speech_create(const speech_sink *sink, const speech_options *o)
{
    speech *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->sink = *sink;
    if (o)
        s->opt = *o;
    snprintf(s->voice, sizeof s->voice, "%s", o && o->voice ? o->voice : "fr");
    s->opt.voice = s->voice;
    atomic_init(&s->generation, 0);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&s->mu, NULL);
    if (pthread_create(&s->thread, NULL, worker, s) != 0) {
        pthread_cond_destroy(&s->cv);
        pthread_mutex_destroy(&s->mu);
        free(s);
        return NULL;
    }
    return s;
}

void speech_destroy(speech *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    while (s->count || s->busy)
        pthread_cond_wait(&s->cv, &s->mu);
    s->stop = true;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s->voice_pcm);
    free(s->scaled);
    free(s);
}

static int enqueue(speech *s, const speech_item *in, bool prepare)
{
    const char *text = in->text ? in->text : "";
    if (strlen(text) >= SPEECH_TEXT_MAX)
        return -1;
    pthread_mutex_lock(&s->mu);
    int rc = -1;
    if (s->count < SPEECH_QUEUE_MAX) {
        item *it = &s->queue[(s->head + s->count) % SPEECH_QUEUE_MAX];
        it->prepare = prepare;
        it->tone = in->tone;
        snprintf(it->text, sizeof it->text, "%s", text);
        snprintf(it->voice, sizeof it->voice, "%s", in->voice ? in->voice : "");
        it->volume_pct = in->volume_pct > 0 ? (in->volume_pct > 200 ? 200 : in->volume_pct) : 100;
        it->gap_ms = in->gap_ms;
        s->count++;
        pthread_cond_broadcast(&s->cv);
        rc = 0;
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

int speech_say(speech *s, const speech_item *in) { return enqueue(s, in, false); }

int speech_prepare(speech *s, const char *voice)
{
    speech_item it = {.voice = voice};
    return enqueue(s, &it, true);
}

void speech_cancel(speech *s)
{
    pthread_mutex_lock(&s->mu);
    atomic_fetch_add(&s->generation, 1);
    s->count = 0;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    /* After the bump: a chunk the worker appends from now on is dropped by its next check, and
     * one appended just before is dropped here. */
    if (s->sink.flush)
        s->sink.flush(s->sink.ctx);
}

int speech_pending(speech *s)
{
    pthread_mutex_lock(&s->mu);
    int n = s->count + s->busy;
    pthread_mutex_unlock(&s->mu);
    return n;
}
