/* The application shell (see include/borne/shell.h): one object, one loop, signals through the
 * loop. cage's cage.c is the model: the server object owns the display, the event sources and
 * the signal sources, and the roles only answer the loop. */
#include "borne/shell.h"

#include <SDL2/SDL_image.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "borne/clock.h"
#include "borne/log.h"
#include "borne/watchdog.h"

BORNE_LOG_MODULE("shell");

/* Where SDL cannot block in its event wait (kmsdrm, dummy), the loop polls: every 20 ms while
 * someone uses the screen, every 50 ms after 10 s without input. */
#define POLL_BUSY_MS 20
#define POLL_IDLE_MS 50
#define POLL_BUSY_FOR_MS 10000
#define STATUS_MAX 128

struct shell {
    shell_options opt;
    char screens_dir[512];
    watchdog *wd;
    bool sdl_up;
    SDL_Window *win;
    SDL_Renderer *ren;
    bool can_block;             /* the video driver blocks in SDL_WaitEventTimeout */
    Uint64 input_at_ticks;      /* last event the poll fallback returned */

    int sigfd, stopfd;          /* signalfd(SIGTERM, SIGINT); eventfd ending the watcher */
    pthread_t watcher;
    bool watcher_running;
    atomic_int signalled;       /* signal number that asked to stop, 0 none */

    bool stop;                  /* loop's thread only */
    bool dirty;
    bool ready_sent;
    int frames;
    int shots;
    char shown[64];             /* screen of the last PNG */
    char status[STATUS_MAX];    /* last STATUS= sent */
    clock_watch jumps;
};

/* ---- wake-ups ---------------------------------------------------------------------------- */

static uint32_t wake_type;

uint32_t shell_wake_type(void)
{
    if (!wake_type)
        wake_type = SDL_RegisterEvents(1);
    return wake_type;
}

void shell_wake(void *ctx)
{
    (void)ctx;
    SDL_Event e = {.type = shell_wake_type()};
    SDL_PushEvent(&e);
}

/* ---- signals ------------------------------------------------------------------------------- */

static void stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
}

int shell_signals_block(void)
{
    sigset_t set;
    stop_signals(&set);
    int r = pthread_sigmask(SIG_BLOCK, &set, NULL);
    return r ? -r : 0;
}

/* Thread context, not handler context: it may push an SDL event. */
static void *watch_signals(void *arg)
{
    shell *s = arg;
    struct pollfd fds[2] = {{.fd = s->sigfd, .events = POLLIN}, {.fd = s->stopfd, .events = POLLIN}};
    for (;;) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[1].revents)
            break;
        struct signalfd_siginfo si;
        if (fds[0].revents && read(s->sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
            atomic_store(&s->signalled, (int)si.ssi_signo);
            shell_wake(NULL);
        }
    }
    return NULL;
}

static int start_signals(shell *s, char *errbuf, size_t errlen)
{
    int r = shell_signals_block();
    sigset_t set;
    stop_signals(&set);
    if (r == 0) {
        s->sigfd = signalfd(-1, &set, SFD_CLOEXEC);
        s->stopfd = eventfd(0, EFD_CLOEXEC);
        r = s->sigfd < 0 || s->stopfd < 0 ? -errno : 0;
    }
    if (r == 0) {
        r = -pthread_create(&s->watcher, NULL, watch_signals, s);
        s->watcher_running = r == 0;
    }
    if (r < 0)
        snprintf(errbuf, errlen, "signals: %s", strerror(-r));
    return r < 0 ? -1 : 0;
}

static void stop_watcher(shell *s)
{
    if (s->watcher_running) {
        uint64_t one = 1;
        if (write(s->stopfd, &one, sizeof one) == (ssize_t)sizeof one)
            pthread_join(s->watcher, NULL);
        else
            pthread_detach(s->watcher);
    }
    if (s->sigfd >= 0)
        close(s->sigfd);
    if (s->stopfd >= 0)
        close(s->stopfd);
}

/* ---- open and close ------------------------------------------------------------------------ */

static int open_window(shell *s, char *errbuf, size_t errlen)
{
    const char *driver = getenv("BORNE_RENDERER");
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, driver ? driver : "software");
    int w = s->opt.width, h = s->opt.height;
    Uint32 flags = w ? SDL_WINDOW_SHOWN : SDL_WINDOW_FULLSCREEN_DESKTOP;
    s->win = SDL_CreateWindow(s->opt.title ? s->opt.title : "Borne", SDL_WINDOWPOS_CENTERED,
                              SDL_WINDOWPOS_CENTERED, w ? w : 1280, h ? h : 800, flags);
    if (s->win)
        s->ren = SDL_CreateRenderer(s->win, -1, driver ? 0 : SDL_RENDERER_SOFTWARE);
    if (!s->ren) {
        snprintf(errbuf, errlen, "SDL window: %s", SDL_GetError());
        return -1;
    }
    if (!w)
        SDL_ShowCursor(SDL_DISABLE);   /* full screen is a touch screen */
    const char *video = SDL_GetCurrentVideoDriver();
    s->can_block = video && (strcmp(video, "x11") == 0 || strcmp(video, "wayland") == 0);
    return 0;
}

int shell_open(shell **out, const shell_options *o, char *errbuf, size_t errlen)
{
    *out = NULL;
    shell *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    s->opt = *o;
    s->sigfd = s->stopfd = -1;
    s->dirty = true;
    if (o->screens_dir) {
        snprintf(s->screens_dir, sizeof s->screens_dir, "%s", o->screens_dir);
        s->opt.screens_dir = s->screens_dir;
        if (mkdir(s->screens_dir, 0755) != 0 && errno != EEXIST) {
            snprintf(errbuf, errlen, "--screens %s: %s", s->screens_dir, strerror(errno));
            shell_close(s);
            return -1;
        }
    }
    /* Signals first: every thread started from here on (SDL's, the roles') inherits the mask. */
    if (start_signals(s, errbuf, errlen) != 0) {
        shell_close(s);
        return -1;
    }
    int r = watchdog_open(&s->wd);
    if (r < 0) {
        snprintf(errbuf, errlen, "systemd watchdog: %s", strerror(-r));
        shell_close(s);
        return -1;
    }
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS | o->sdl_subsystems) != 0) {
        snprintf(errbuf, errlen, "SDL: %s", SDL_GetError());
        shell_close(s);
        return -1;
    }
    s->sdl_up = true;
    shell_wake_type();
    if (open_window(s, errbuf, errlen) != 0) {
        shell_close(s);
        return -1;
    }
    *out = s;
    return 0;
}

void shell_close(shell *s)
{
    if (!s)
        return;
    if (s->ren)
        SDL_DestroyRenderer(s->ren);
    if (s->win)
        SDL_DestroyWindow(s->win);
    stop_watcher(s);   /* before SDL_Quit: it may push an event */
    if (s->sdl_up)
        SDL_Quit();
    wake_type = 0;     /* a later shell (tests) registers it again */
    watchdog_close(s->wd);
    free(s);
}

SDL_Renderer *shell_renderer(shell *s)
{
    return s->ren;
}

int shell_frames(const shell *s)
{
    return s->frames;
}

void shell_request_stop(shell *s)
{
    s->stop = true;
}

/* ---- the loop -------------------------------------------------------------------------------- */

static bool wait_event(shell *s, SDL_Event *e, int timeout_ms)
{
    if (s->can_block)
        return SDL_WaitEventTimeout(e, timeout_ms) == 1;
    Uint64 start = SDL_GetTicks64(), end = start + (Uint64)timeout_ms;
    Uint32 poll_ms = start - s->input_at_ticks < POLL_BUSY_FOR_MS ? POLL_BUSY_MS : POLL_IDLE_MS;
    for (;;) {
        SDL_PumpEvents();
        if (SDL_PeepEvents(e, 1, SDL_GETEVENT, SDL_FIRSTEVENT, SDL_LASTEVENT) > 0) {
            if (e->type != shell_wake_type())
                s->input_at_ticks = SDL_GetTicks64();
            return true;
        }
        Uint64 now = SDL_GetTicks64();
        if (now >= end)
            return false;
        SDL_Delay(end - now < poll_ms ? (Uint32)(end - now) : poll_ms);
    }
}

/* A PNG of every new screen (--screens): the frame is read back before it is presented. */
static void write_screen(shell *s, const shell_role *role, void *self)
{
    const char *name = role->screen_name ? role->screen_name(self) : role->name;
    if (strcmp(name, s->shown) == 0)
        return;
    snprintf(s->shown, sizeof s->shown, "%s", name);
    int w, h;
    SDL_Surface *shot = NULL;
    if (SDL_GetRendererOutputSize(s->ren, &w, &h) == 0)
        shot = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    char path[700];
    snprintf(path, sizeof path, "%s/%03d-%s.png", s->screens_dir, ++s->shots, name);
    if (!shot || SDL_RenderReadPixels(s->ren, NULL, SDL_PIXELFORMAT_ARGB8888, shot->pixels, shot->pitch) != 0 ||
        IMG_SavePNG(shot, path) != 0)
        log_warn("--screens %s: %s", path, SDL_GetError());
    SDL_FreeSurface(shot);
}

static void report_status(shell *s, const shell_role *role, void *self)
{
    const char *st = role->status ? role->status(self) : "serving";
    if (strncmp(st, s->status, sizeof s->status - 1) == 0)
        return;
    snprintf(s->status, sizeof s->status, "%s", st);
    if (!s->ready_sent)
        return;   /* READY=1 carries it */
    int r = watchdog_status(s->wd, s->status);
    if (r < 0)
        log_warn("sd_notify STATUS: %s", strerror(-r));
}

static int present(shell *s, const shell_role *role, void *self)
{
    if (role->render(self) != 0) {
        log_error("%s: render: %s", role->name, SDL_GetError());
        return -1;
    }
    if (s->opt.screens_dir)
        write_screen(s, role, self);
    SDL_RenderPresent(s->ren);
    s->dirty = false;
    s->frames++;
    if (!s->ready_sent) {
        report_status(s, role, self);
        int r = watchdog_ready(s->wd, s->status);
        if (r < 0)
            log_warn("sd_notify READY: %s", strerror(-r));
        s->ready_sent = true;
    }
    return 0;
}

static void handle(shell *s, const shell_role *role, void *self, const SDL_Event *e)
{
    if (e->type == SDL_QUIT)
        s->stop = true;
    else
        s->dirty |= role->handle_event(self, e);
}

static int next_timeout(shell *s, const shell_role *role, void *self, Uint64 deadline)
{
    int ms = role->next_wakeup_ms(self);
    int ping = watchdog_next_ping_ms(s->wd);
    if (ping >= 0 && ping < ms)
        ms = ping;
    if (deadline) {
        Uint64 now = SDL_GetTicks64();
        int left = now >= deadline ? 0 : (int)(deadline - now);
        if (left < ms)
            ms = left;
    }
    return ms < 0 ? 0 : ms;
}

/* One loop for the product and the tests. Returns 1 when done() held, 0 on a stop or the
 * deadline, -1 on a render error. */
static int loop(shell *s, const shell_role *role, void *self, bool (*done)(void *), void *ctx, Uint64 deadline)
{
    for (;;) {
        if (atomic_load(&s->signalled))
            s->stop = true;
        if (!s->stop && s->dirty) {
            if (present(s, role, self) != 0)
                return -1;
            if (s->opt.max_frames && s->frames >= s->opt.max_frames)
                s->stop = true;
        }
        if (s->stop)
            return 0;
        if (done && done(ctx))
            return 1;
        if (deadline && SDL_GetTicks64() >= deadline)
            return 0;
        report_status(s, role, self);
        watchdog_ping(s->wd);
        watchdog_debug_freeze_point(s->wd);

        SDL_Event e;
        if (wait_event(s, &e, next_timeout(s, role, self, deadline))) {
            do
                handle(s, role, self, &e);
            while (SDL_PollEvent(&e));
        }
        s->dirty |= role->tick(self);
        int64_t back = clock_watch_observe(&s->jumps, (int64_t)time(NULL));
        if (back > 0) {
            log_notice("the wall clock went back %lld s", (long long)back);
            s->dirty = true;
        }
    }
}

int shell_run(shell *s, const shell_role *role, void *self)
{
    s->dirty = true;
    int rc = loop(s, role, self, NULL, NULL, 0);
    int signo = atomic_load(&s->signalled);
    if (signo)
        log_notice("%s: stopping on %s", role->name, strsignal(signo));
    int r = watchdog_stopping(s->wd);
    if (r < 0)
        log_warn("sd_notify STOPPING: %s", strerror(-r));
    return rc < 0 ? -1 : 0;
}

bool shell_run_until(shell *s, const shell_role *role, void *self, bool (*done)(void *ctx), void *ctx,
                     int timeout_ms)
{
    s->stop = false;
    return loop(s, role, self, done, ctx, SDL_GetTicks64() + (Uint64)(timeout_ms > 0 ? timeout_ms : 1)) == 1;
}

int shell_main(const shell_options *o, const shell_role *role, const void *ctx)
{
    char err[512];
    shell_options opt = *o;
    opt.sdl_subsystems |= role->sdl_subsystems;
    shell *s = NULL;
    if (shell_open(&s, &opt, err, sizeof err) != 0) {
        log_error("%s", err);
        return 1;
    }
    void *self = NULL;
    shell_env env = {.renderer = s->ren, .ctx = ctx};
    int rc = 1;
    if (role->create(&self, &env, err, sizeof err) != 0)
        log_error("%s: %s", role->name, err);
    else
        rc = shell_run(s, role, self) == 0 ? 0 : 1;
    if (self)
        role->destroy(self);
    shell_close(s);
    return rc;
}
