/* Spoken call announcements for the waiting-room display: each call is a chime, then the call
 * spoken in French by espeak-ng (local, offline), played in order through an audio sink, by the
 * speech module (borne/speech.h) that the kiosk uses too.
 *
 * Queueing: announce_enqueue() only copies the call into a bounded queue and wakes the worker
 * thread, so the UI thread never waits for synthesis or playback. The worker plays one
 * announcement at a time, entirely (chime, voice, then waits for the sink to drain), so a new
 * call never cuts the previous one. When the queue is full the new call is refused (returns -1,
 * still shown on screen): what is already queued is never dropped.
 *
 * Degraded modes: if the voice cannot be loaded the worker still plays the chimes (logged once).
 *
 * Threads: announce_create/enqueue/destroy from one thread (the UI); the sink's functions are
 * called from the speech worker only. */
#ifndef BORNE_ANNOUNCE_H
#define BORNE_ANNOUNCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "borne/speech.h"

/* The queue is the speech module's: one worker and one queue per process. */
#define ANNOUNCE_QUEUE_MAX SPEECH_QUEUE_MAX

typedef speech_part announce_part;
#define ANNOUNCE_CHIME SPEECH_PART_TONE
#define ANNOUNCE_VOICE SPEECH_PART_VOICE

/* Where announcements are played: the SDL audio device in production (announce_sdl_sink), a
 * recorder in tests. See speech_sink. */
typedef speech_sink announce_sink;

typedef struct announce_options {
    const char *voice;       /* espeak-ng voice name; NULL → "fr" */
} announce_options;

typedef struct announcer announcer;

/* Starts the worker. The sink is copied; its ctx must outlive the announcer. NULL on no memory
 * or no thread. */
announcer *announce_create(const announce_sink *sink, const announce_options *o);
/* Plays what is queued to the end, then stops the worker and frees. NULL is a no-op. */
void announce_destroy(announcer *an);

/* Queues "chime, then the call spoken" (label "A002", counter name as configured). 0, or -1 when
 * the queue is full. Never blocks on audio or synthesis. */
int announce_enqueue(announcer *an, const char *label, const char *counter, bool recall);
/* Announcements queued or playing (not yet finished). */
int announce_pending(announcer *an);

/* The text spoken for a call, spelled for the French voice: "Le numéro a 2, Guichet 2." The
 * letters of the label by their French names ("i grec"), its number without leading zeros, the
 * counter as written in the configuration. Returns the length, or -1 if it does not fit. */
int announce_spoken_text(char *out, size_t outlen, const char *label, const char *counter,
                         bool recall);

/* The production sink: SDL_QueueAudio on an opened, unpaused audio device (speech_sdl_sink). */
typedef speech_sdl announce_sdl;
announce_sink announce_sdl_sink(announce_sdl *s);

#endif
