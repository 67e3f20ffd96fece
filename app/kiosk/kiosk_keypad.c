/* The keypad read from its evdev device ([keypad] device): a thread waits on it with poll() (a
 * read may block; never on the UI thread), grabs it so the desktop does not see its keys too, and
 * forwards each key press as an SDL user event. When the device is missing or goes away (unplugged:
 * the read fails) the kiosk keeps serving by touch, the admin screen says why, and the thread
 * opens it again every KEYPAD_RETRY_MS until it is back. */
#include "kiosk_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "borne/log.h"

BORNE_LOG_MODULE("kiosk");

#define KEYPAD_RETRY_MS 2000

struct kiosk_keypad {
    char path[CONFIG_PATH_MAX];
    int fd;                    /* -1 while missing */
    int stop[2];               /* a pipe: written by kiosk_keypad_stop to wake the thread */
    pthread_t thread;
};

static Uint32 keypad_event_type = (Uint32)-1;

/* code >= 0: a key pressed; -1: the device's state changed, data1 = errno (0: connected). */
static void push(int code, int err)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = keypad_event_type;
    e.user.code = code;
    e.user.data1 = (void *)(intptr_t)err;
    SDL_PushEvent(&e);
}

static int open_device(struct kiosk_keypad *kp)
{
    int fd = open(kp->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    /* Only the kiosk sees the keypad (not the X server as a second keyboard). A device that cannot
     * be grabbed (not evdev) is still read. */
    if (ioctl(fd, EVIOCGRAB, 1) != 0 && errno != ENOTTY && errno != EINVAL)
        log_warn("keypad %s: cannot grab it (%s): the desktop sees its keys too", kp->path, strerror(errno));
    return fd;
}

/* Waits ms or until stopped; true when stopped. */
static bool wait_stop(struct kiosk_keypad *kp, int ms)
{
    struct pollfd p = {.fd = kp->stop[0], .events = POLLIN};
    while (poll(&p, 1, ms) < 0)
        if (errno != EINTR)
            return true;
    return p.revents != 0;
}

/* Reads what the device has; returns 0, or the errno that lost it (ENODEV at end of file). */
static int read_keys(struct kiosk_keypad *kp)
{
    struct input_event ev[32];
    ssize_t got = read(kp->fd, ev, sizeof ev);
    if (got == 0)
        return ENODEV;
    if (got < 0)
        return errno == EAGAIN || errno == EINTR ? 0 : errno;
    for (ssize_t i = 0; i < got / (ssize_t)sizeof ev[0]; i++)
        if (ev[i].type == EV_KEY && ev[i].value == 1)   /* pressed; not released, not auto-repeat */
            push(ev[i].code, 0);
    return 0;
}

static void *watch(void *arg)
{
    struct kiosk_keypad *kp = arg;
    for (;;) {
        if (kp->fd < 0) {
            if (wait_stop(kp, KEYPAD_RETRY_MS))
                return NULL;
            int fd = open_device(kp);
            if (fd < 0)
                continue;
            kp->fd = fd;
            log_notice("keypad %s: connected", kp->path);
            push(-1, 0);
        }
        struct pollfd p[2] = {{.fd = kp->fd, .events = POLLIN}, {.fd = kp->stop[0], .events = POLLIN}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            log_error("keypad %s: poll: %s", kp->path, strerror(errno));
            return NULL;
        }
        if (p[1].revents)
            return NULL;
        if (!p[0].revents)
            continue;
        int err = read_keys(kp);
        if (err) {
            log_error("keypad %s: %s (unplugged?): the kiosk serves by touch until it is back", kp->path,
                      strerror(err));
            close(kp->fd);
            kp->fd = -1;
            push(-1, err);
        }
    }
}

struct kiosk_keypad *kiosk_keypad_start(const char *path, char *problem, size_t problem_len)
{
    problem[0] = '\0';
    if (!path || !*path)
        return NULL;
    if (keypad_event_type == (Uint32)-1 && (keypad_event_type = SDL_RegisterEvents(1)) == (Uint32)-1) {
        snprintf(problem, problem_len, "%s: no SDL event left", path);
        log_error("keypad %s", problem);
        return NULL;
    }
    struct kiosk_keypad *kp = calloc(1, sizeof *kp);
    if (!kp) {
        snprintf(problem, problem_len, "%s: out of memory", path);
        return NULL;
    }
    snprintf(kp->path, sizeof kp->path, "%s", path);
    kp->fd = open_device(kp);
    if (kp->fd < 0) {
        snprintf(problem, problem_len, "%s: %s", path, strerror(-kp->fd));
        log_error("keypad %s: the kiosk serves by touch; it is opened again when plugged in", problem);
        kp->fd = -1;
    } else {
        log_info("keypad %s", path);
    }
    if (pipe(kp->stop) != 0 || pthread_create(&kp->thread, NULL, watch, kp) != 0) {
        snprintf(problem, problem_len, "%s: cannot start its reader: %s", path, strerror(errno));
        log_error("keypad %s", problem);
        if (kp->fd >= 0)
            close(kp->fd);
        free(kp);
        return NULL;
    }
    return kp;
}

void kiosk_keypad_stop(struct kiosk_keypad *kp)
{
    if (!kp)
        return;
    if (write(kp->stop[1], "x", 1) != 1)
        log_warn("keypad: cannot stop its reader");
    pthread_join(kp->thread, NULL);
    close(kp->stop[0]);
    close(kp->stop[1]);
    if (kp->fd >= 0)
        close(kp->fd);
    free(kp);
}

const char *kiosk_keypad_problem(const kiosk *k) { return k->keypad_problem; }

bool kiosk_keypad_event(kiosk *k, const SDL_Event *e, int *code)
{
    if (keypad_event_type == (Uint32)-1 || e->type != keypad_event_type)
        return false;
    *code = e->user.code;
    if (e->user.code < 0) {
        int err = (int)(intptr_t)e->user.data1;
        if (err)
            snprintf(k->keypad_problem, sizeof k->keypad_problem, "%s: %s", k->cfg->keypad.device, strerror(err));
        else
            k->keypad_problem[0] = '\0';
        kiosk_dirty(k);
    }
    return true;
}
