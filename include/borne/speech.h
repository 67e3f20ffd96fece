/* Speech and sound output shared by the kiosk and the waiting-room display: one worker thread and
 * one queue per process that speaks texts with espeak-ng (local, offline) and plays synthesised
 * tones (a chime, a click, the ticket and error tones), through an audio sink.
 *
 * Queueing: speech_say() copies an item (a tone, then a text in a voice) into a bounded queue and
 * wakes the worker, so the UI thread never waits for synthesis or playback. The worker plays one
 * item at a time, entirely, unless speech_cancel() stops it: cancel drops the queue, empties the
 * sink (what was queued to the device is not heard) and makes the worker skip the rest of the item
 * it is working on. The display never cancels (a call is never cut); the kiosk cancels when the
 * visitor acts. When the queue is full a new item is refused (-1): what is queued is never dropped
 * except by cancel.
 *
 * Degraded modes: a voice that cannot be loaded leaves the tones (logged once); an item's voice
 * missing falls back to the speech's default voice (logged once per voice).
 *
 * Streaming: a sink with pending_ms is fed as the text is synthesised, a chunk at a time, and never
 * far ahead of what it plays; a sink without it gets each text whole, in one buffer.
 *
 * Threads: speech_create/say/cancel/destroy from one thread (the UI); the sink's play and
 * pending_ms run on the worker, its flush on the caller of speech_cancel and on the worker (a
 * chunk handed over while a cancel flushed). espeak-ng has process-wide state: it is loaded once
 * per process and used under one lock (speech.c), held while a streamed text plays: a second
 * speech in the process, or speech_has_voice, waits for the sentence. */
#ifndef BORNE_SPEECH_H
#define BORNE_SPEECH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <SDL2/SDL.h>

#define SPEECH_QUEUE_MAX 16
#define SPEECH_TEXT_MAX 1024
#define SPEECH_VOICE_MAX 32

typedef enum speech_part { SPEECH_PART_TONE, SPEECH_PART_VOICE } speech_part;

typedef enum speech_tone {
    SPEECH_TONE_NONE = 0,
    SPEECH_TONE_CHIME,      /* two soft notes before a call on the display */
    SPEECH_TONE_CLICK,      /* a key or a tap (a few ms) */
    SPEECH_TONE_DONE,       /* the ticket printed: rising notes */
    SPEECH_TONE_ERROR,      /* something failed: two low notes */
    SPEECH_TONE_ALARM,      /* a desk's safety alarm: high, low, high (the browser desk's) */
} speech_tone;

/* Where the audio goes: the SDL audio device in production (speech_sdl_sink), a recorder in
 * tests (speech_memory_sink). */
typedef struct speech_sink {
    /* Appends mono signed 16-bit samples at `rate` Hz after what was played before; may block
     * (a slow device). 0, or -1 (logged by the worker, the item goes on). */
    int (*play)(void *ctx, speech_part part, const int16_t *pcm, size_t n, int rate);
    /* Milliseconds of audio appended but not yet heard (0 when idle). NULL: always 0. */
    unsigned (*pending_ms)(void *ctx);
    /* Drops what was appended and not yet heard. NULL: nothing can be dropped. */
    void (*flush)(void *ctx);
    void *ctx;
} speech_sink;

typedef struct speech_options {
    const char *voice;       /* default espeak-ng voice; NULL → "fr" */
    int words_per_minute;    /* 0 → 150, a little slower than espeak's 175 */
    /* Called on the worker with each text just before it is synthesised (logs, tests that check
     * what was said). NULL: none. */
    void (*on_text)(void *ctx, const char *voice, const char *text);
    void *on_text_ctx;
} speech_options;

typedef struct speech_item {
    speech_tone tone;        /* played first (NONE: no tone) */
    const char *text;        /* NULL or "": the tone alone */
    const char *voice;       /* NULL: the default voice */
    int volume_pct;          /* 0 → 100; up to 200 */
    int gap_ms;              /* silence after the item (so calls do not run together) */
} speech_item;

typedef struct speech speech;

/* Starts the worker. The sink is copied; its ctx must outlive the speech. NULL on no memory or no
 * thread. */
speech *speech_create(const speech_sink *sink, const speech_options *o);
/* Plays what is queued to the end, then stops the worker and frees. NULL is a no-op. */
void speech_destroy(speech *s);

/* Queues an item. 0, or -1 when the queue is full or the text is longer than SPEECH_TEXT_MAX.
 * Never blocks on audio or synthesis. */
int speech_say(speech *s, const speech_item *item);
/* Loads `voice` on the worker before the next text (its dictionary: 60 to 470 KB, read in tens
 * of ms), so the first sentence in a language chosen now is not delayed by it. Queued like an
 * item (a cancel drops it); 0, or -1 when the queue is full. */
int speech_prepare(speech *s, const char *voice);
/* Stops what plays now and drops the queue. Returns once the sink was emptied; the worker stops
 * feeding the sink before its next chunk. */
void speech_cancel(speech *s);
/* Items queued or playing (not yet finished). */
int speech_pending(speech *s);

/* Whether espeak-ng has the voice `name` ("fr", "nl", "ar"). Loads espeak-ng on first use (tens of
 * ms); call at start-up, not per frame. */
bool speech_has_voice(const char *name);

/* The production sink: SDL_QueueAudio on an opened, unpaused audio device; samples are
 * converted (SDL_AudioStream) to the device's format and rate where they differ. */
typedef struct speech_sdl {
    SDL_AudioDeviceID dev;
    SDL_AudioSpec have;      /* the device's format, as obtained */
    SDL_AudioStream *convert;   /* to the device's format (the worker's), NULL until needed */
    int convert_rate;
} speech_sdl;
/* Opens the default output device (its own rate and channels) and unpauses it. 0, or -1 with
 * SDL's reason in errbuf (no device: the caller goes on silent). */
int speech_sdl_open(speech_sdl *s, char *errbuf, size_t errlen);
void speech_sdl_close(speech_sdl *s);
speech_sink speech_sdl_sink(speech_sdl *s);

/* A sink that keeps what it is given and plays it against the wall clock as a device would
 * (pending_ms counts down in real time; flush drops what is not yet "heard"), for tests and
 * benchmarks. Thread-safe. */
typedef struct speech_memory speech_memory;
speech_memory *speech_memory_create(void);
void speech_memory_free(speech_memory *m);
speech_sink speech_memory_sink(speech_memory *m);
/* Monotonic time (µs) when the first sample of `part` with |value| >= threshold, appended after
 * `since` (µs, monotonic), is heard; 0 when none yet. */
int64_t speech_memory_first_loud_us(speech_memory *m, speech_part part, int64_t since, int threshold);
/* Monotonic time (µs) when the last loud sample appended before `before` (µs, monotonic) stops
 * being heard: its append time plus what was still ahead of it in the "device", cut at the first
 * flush after it; 0 when nothing loud was appended before then. */
int64_t speech_memory_audible_until_us(speech_memory *m, int64_t before, int threshold);
/* Total samples appended (voice and tones), for "non-silent" checks. */
size_t speech_memory_samples(speech_memory *m, speech_part part);

/* CLOCK_MONOTONIC in µs, the time base of speech_memory. */
int64_t speech_now_us(void);

#endif
