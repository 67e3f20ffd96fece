/* The sinks of the speech module: the SDL audio device, and a memory recorder that plays against
 * the wall clock like a device (tests, benchmarks). */
#include "borne/speech.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- SDL ------------------------------------------------------------------------------------ */

int speech_sdl_open(speech_sdl *s, char *errbuf, size_t errlen)
{
    memset(s, 0, sizeof *s);
    if (!SDL_WasInit(SDL_INIT_AUDIO) && SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        snprintf(errbuf, errlen, "audio: %s", SDL_GetError());
        return -1;
    }
    /* The device's own rate and channels (HDMI often insists on 48 kHz stereo): the sink converts.
     * Small buffers: a cancelled sentence stops within one buffer. */
    SDL_AudioSpec want = {.freq = 22050, .format = AUDIO_S16SYS, .channels = 1, .samples = 512};
    s->dev = SDL_OpenAudioDevice(NULL, 0, &want, &s->have,
                                 SDL_AUDIO_ALLOW_FREQUENCY_CHANGE | SDL_AUDIO_ALLOW_CHANNELS_CHANGE);
    if (!s->dev) {
        snprintf(errbuf, errlen, "audio: %s", SDL_GetError());
        return -1;
    }
    SDL_PauseAudioDevice(s->dev, 0);
    return 0;
}

void speech_sdl_close(speech_sdl *s)
{
    if (s->dev)
        SDL_CloseAudioDevice(s->dev);
    s->dev = 0;
    SDL_FreeAudioStream(s->convert);
    s->convert = NULL;
}

static int sdl_play(void *ctx, speech_part part, const int16_t *pcm, size_t n, int rate)
{
    (void)part;
    speech_sdl *s = ctx;
    Uint32 bytes = (Uint32)(n * sizeof *pcm);
    if (rate == s->have.freq && s->have.format == AUDIO_S16SYS && s->have.channels == 1)
        return SDL_QueueAudio(s->dev, pcm, bytes) == 0 ? 0 : -1;
    /* One converter kept across plays (chunks of one voice come every 40 ms); it holds back the
     * few samples its resampler needs to see past, which come out with the next play. */
    if (!s->convert || s->convert_rate != rate) {
        SDL_FreeAudioStream(s->convert);
        s->convert = SDL_NewAudioStream(AUDIO_S16SYS, 1, rate, s->have.format, s->have.channels, s->have.freq);
        s->convert_rate = rate;
        if (!s->convert)
            return -1;
    }
    if (SDL_AudioStreamPut(s->convert, pcm, (int)bytes) != 0)
        return -1;
    Uint8 out[8192];
    int got;
    while ((got = SDL_AudioStreamGet(s->convert, out, sizeof out)) > 0)
        if (SDL_QueueAudio(s->dev, out, (Uint32)got) != 0)
            return -1;
    return got < 0 ? -1 : 0;
}

static unsigned sdl_pending_ms(void *ctx)
{
    speech_sdl *s = ctx;
    unsigned frame = (unsigned)(SDL_AUDIO_BITSIZE(s->have.format) / 8 * s->have.channels);
    uint64_t bytes = SDL_GetQueuedAudioSize(s->dev);
    return (unsigned)(bytes * 1000 / ((uint64_t)frame * (uint64_t)s->have.freq));
}

static void sdl_flush(void *ctx)
{
    speech_sdl *s = ctx;
    SDL_ClearQueuedAudio(s->dev);
}

speech_sink speech_sdl_sink(speech_sdl *s)
{
    return (speech_sink){.play = sdl_play, .pending_ms = sdl_pending_ms, .flush = sdl_flush, .ctx = s};
}

/* ---- memory --------------------------------------------------------------------------------- */

typedef struct chunk {
    int64_t appended_us, starts_us;   /* when given, when its first sample is "heard" */
    int rate;
    speech_part part;
    int16_t *pcm;
    size_t n;
} chunk;

struct speech_memory {
    pthread_mutex_t mu;
    chunk *chunks;
    size_t n, cap;
    int64_t device_free_us;           /* when the "device" has played everything it was given */
    int64_t *flushes;
    size_t n_flushes, cap_flushes;
};

speech_memory *speech_memory_create(void)
{
    speech_memory *m = calloc(1, sizeof *m);
    if (m)
        pthread_mutex_init(&m->mu, NULL);
    return m;
}

void speech_memory_free(speech_memory *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        free(m->chunks[i].pcm);
    free(m->chunks);
    free(m->flushes);
    pthread_mutex_destroy(&m->mu);
    free(m);
}

static int mem_play(void *ctx, speech_part part, const int16_t *pcm, size_t n, int rate)
{
    speech_memory *m = ctx;
    int16_t *copy = malloc(n * sizeof *copy + 1);
    if (!copy)
        return -1;
    memcpy(copy, pcm, n * sizeof *copy);
    pthread_mutex_lock(&m->mu);
    int rc = -1;
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        chunk *c = realloc(m->chunks, cap * sizeof *c);
        if (c) {
            m->chunks = c;
            m->cap = cap;
        }
    }
    if (m->n < m->cap) {
        int64_t now = speech_now_us();
        int64_t start = m->device_free_us > now ? m->device_free_us : now;
        m->chunks[m->n++] = (chunk){now, start, rate, part, copy, n};
        m->device_free_us = start + (int64_t)n * 1000000 / rate;
        copy = NULL;
        rc = 0;
    }
    pthread_mutex_unlock(&m->mu);
    free(copy);
    return rc;
}

static unsigned mem_pending_ms(void *ctx)
{
    speech_memory *m = ctx;
    pthread_mutex_lock(&m->mu);
    int64_t left = m->device_free_us - speech_now_us();
    pthread_mutex_unlock(&m->mu);
    return left > 0 ? (unsigned)(left / 1000) : 0;
}

static void mem_flush(void *ctx)
{
    speech_memory *m = ctx;
    pthread_mutex_lock(&m->mu);
    int64_t now = speech_now_us();
    if (m->n_flushes == m->cap_flushes) {
        size_t cap = m->cap_flushes ? m->cap_flushes * 2 : 16;
        int64_t *f = realloc(m->flushes, cap * sizeof *f);
        if (f) {
            m->flushes = f;
            m->cap_flushes = cap;
        }
    }
    if (m->n_flushes < m->cap_flushes)
        m->flushes[m->n_flushes++] = now;
    m->device_free_us = now;
    pthread_mutex_unlock(&m->mu);
}

speech_sink speech_memory_sink(speech_memory *m)
{
    return (speech_sink){.play = mem_play, .pending_ms = mem_pending_ms, .flush = mem_flush, .ctx = m};
}

static int64_t sample_time(const chunk *c, size_t i) { return c->starts_us + (int64_t)i * 1000000 / c->rate; }

/* The first flush after the chunk was appended, or INT64_MAX. Caller holds mu. */
static int64_t cut_of(const speech_memory *m, const chunk *c)
{
    for (size_t f = 0; f < m->n_flushes; f++)
        if (m->flushes[f] >= c->appended_us)
            return m->flushes[f];
    return INT64_MAX;
}

int64_t speech_memory_first_loud_us(speech_memory *m, speech_part part, int64_t since, int threshold)
{
    pthread_mutex_lock(&m->mu);
    int64_t at = 0;
    for (size_t k = 0; k < m->n && !at; k++) {
        const chunk *c = &m->chunks[k];
        if (c->appended_us < since || c->part != part)
            continue;
        for (size_t i = 0; i < c->n; i++)
            if (abs(c->pcm[i]) >= threshold) {
                at = sample_time(c, i);
                break;
            }
    }
    pthread_mutex_unlock(&m->mu);
    return at;
}

int64_t speech_memory_audible_until_us(speech_memory *m, int64_t before, int threshold)
{
    pthread_mutex_lock(&m->mu);
    int64_t until = 0;
    for (size_t k = 0; k < m->n && m->chunks[k].appended_us < before; k++) {
        const chunk *c = &m->chunks[k];
        int64_t cut = cut_of(m, c);
        for (size_t i = c->n; i-- > 0;)
            if (abs(c->pcm[i]) >= threshold) {
                int64_t t = sample_time(c, i);
                if (t > cut)
                    t = cut > c->starts_us ? cut : 0;
                if (t > until)
                    until = t;
                break;
            }
    }
    pthread_mutex_unlock(&m->mu);
    return until;
}

size_t speech_memory_samples(speech_memory *m, speech_part part)
{
    pthread_mutex_lock(&m->mu);
    size_t n = 0;
    for (size_t k = 0; k < m->n; k++)
        if (m->chunks[k].part == part)
            n += m->chunks[k].n;
    pthread_mutex_unlock(&m->mu);
    return n;
}
