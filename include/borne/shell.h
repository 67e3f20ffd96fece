/* The application shell: the one loop every screen role of a board runs in (the kiosk, the
 * desk appliance, the display). One shell object owns SDL, the window and its renderer, the
 * signals, the systemd notify protocol (READY=1 after the first frame, STATUS=, WATCHDOG=1,
 * STOPPING=1), the wall-clock jump watch and the options every role has (--window, --frames,
 * --screens). A role is a row of operations (shell_role) over its own state; the loop asks it
 * to handle events, to tick, to render when something changed, and how long it may sleep.
 *
 * Sleeping: the loop waits for the next SDL event until the role's next wake-up (the kiosk: the
 * next minute on an idle home screen) or the next watchdog ping, whichever is first. With the
 * x11 and wayland drivers the wait blocks in the kernel; elsewhere (kmsdrm, dummy) SDL cannot
 * block, and the shell polls every 20 ms while someone uses the screen and every 50 ms after
 * 10 s without input, so a tap is seen at most 50 ms late.
 *
 * Signals: SIGTERM and SIGINT are blocked in every thread (shell_signals_block(), first thing in
 * main, before any thread starts) and read from a signalfd by a small watcher thread, which sets
 * the stop flag and pushes one wake-up event: no code runs in a signal handler, and a signal
 * arriving at any moment (start-up included: it stays pending until the loop runs) ends the
 * loop cleanly.
 *
 * Waking the loop from another thread: shell_wake() pushes one SDL event of shell_wake_type()
 * (thread-safe, never blocks); the role's handle_event sees it and reads what changed.
 *
 * Threads: every shell_* call but shell_wake() is for the thread that called shell_open()
 * (SDL's video thread). Errors: 0 or -1 with a message in errbuf. */
#ifndef BORNE_SHELL_H
#define BORNE_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <SDL2/SDL.h>

typedef struct shell shell;

/* What a role is created with. Borrowed: valid until the role is destroyed. */
typedef struct shell_env {
    SDL_Renderer *renderer;
    const void *ctx;             /* the caller's (main: the loaded borne_config and paths) */
} shell_env;

/* A role: a row of operations over the role's own state (`self`). create and destroy run on
 * the loop's thread, around the loop; the others from inside it. */
typedef struct shell_role {
    const char *name;            /* "kiosk", "counter", "display" (also --role's word) */
    uint32_t sdl_subsystems;     /* SDL_INIT_* beyond video and events (the display: audio) */
    /* Returns 0 and *self, or -1 with errbuf. */
    int (*create)(void **self, const shell_env *env, char *errbuf, size_t errlen);
    void (*destroy)(void *self);
    /* One SDL event; true when the screen must be redrawn. */
    bool (*handle_event)(void *self, const SDL_Event *e);
    /* Time-driven work, after every wait; true when the screen must be redrawn. */
    bool (*tick)(void *self);
    /* Draws the current screen (the shell presents it). 0, or -1 (SDL_GetError()). */
    int (*render)(void *self);
    /* Milliseconds until tick() has something to do (>= 0). */
    int (*next_wakeup_ms)(void *self);
    /* Name of what is on screen now ("home", "desk"), for --screens' file names: a PNG is
     * written each time it changes. NULL: the role's name (the first frame only). */
    const char *(*screen_name)(void *self);
    /* One line for `systemctl status` (STATUS=), e.g. "serving" or "hub unreachable"; sent
     * when it changes. NULL: "serving". */
    const char *(*status)(void *self);
} shell_role;

typedef struct shell_options {
    const char *title;           /* window title */
    int width, height;           /* a window of that size; 0: full screen */
    int max_frames;              /* stop after that many frames (headless checks); 0: never */
    const char *screens_dir;     /* write NNN-<screen>.png into it on every new screen; NULL: no */
    uint32_t sdl_subsystems;     /* SDL_INIT_* beyond video and events */
} shell_options;

/* Blocks SIGTERM and SIGINT in the calling thread (threads started later inherit it), so they
 * wait for the shell's signalfd. Call first thing in main. 0 or a negative errno. */
int shell_signals_block(void);

/* Opens the shell: signals (blocked, signalfd and its watcher thread), the systemd notify
 * socket and watchdog, SDL, the window and the software renderer. SDL's framebuffer
 * acceleration is off: on x11 SDL would otherwise create an OpenGL context only to present the
 * software renderer's surface, mapping Mesa and LLVM (about 60 MiB of PSS and 400 ms before
 * the first frame); BORNE_RENDERER names another SDL render driver for experiments.
 * Returns 0 and *out (free with shell_close()), or -1 with errbuf. */
int shell_open(shell **out, const shell_options *o, char *errbuf, size_t errlen);
void shell_close(shell *s);

SDL_Renderer *shell_renderer(shell *s);

/* Runs the loop for `role` until SIGTERM/SIGINT, SDL_QUIT or max_frames. Sends READY=1 after
 * the first frame and STOPPING=1 when it stops on purpose. 0, or -1 when rendering failed. */
int shell_run(shell *s, const shell_role *role, void *self);

/* The same loop for tests and tools: runs until done(ctx) holds (checked after every turn),
 * a stop, or timeout_ms of monotonic time. true when done() held. */
bool shell_run_until(shell *s, const shell_role *role, void *self, bool (*done)(void *ctx), void *ctx,
                     int timeout_ms);

/* Asks the loop to stop after the current turn (from the loop's thread). */
void shell_request_stop(shell *s);
/* Frames presented so far. */
int shell_frames(const shell *s);

/* The whole program for one role: shell_open, role->create with `ctx`, shell_run,
 * role->destroy, shell_close. Returns the process exit status (0, or 1 with the reason on
 * stderr). */
int shell_main(const shell_options *o, const shell_role *role, const void *ctx);

/* The SDL event type of shell_wake(), registered by shell_open() (or on first use: call it on
 * the SDL thread after SDL_Init before any other thread may wake). */
uint32_t shell_wake_type(void);
/* Pushes one shell_wake_type() event; ctx is unused (the client_notify_fn signature).
 * Thread-safe. */
void shell_wake(void *ctx);

#endif
