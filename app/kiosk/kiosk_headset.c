/* The headset jack: the kernel reports a plugged headset as the switch SW_HEADPHONE_INSERT of an
 * evdev device (/dev/input/eventN, often the sound card's "Headphone Jack"). A thread waits on
 * those devices with poll() (never the UI thread: a read may block) and forwards each change as an
 * SDL user event, which kiosk_handle_event() turns into kiosk_set_headset(). */
#include "kiosk_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "borne/log.h"

BORNE_LOG_MODULE("kiosk");

#define MAX_JACKS 4

struct kiosk_headset {
    int fds[MAX_JACKS];
    int n;
    int stop[2];               /* a pipe: written by kiosk_headset_stop to wake the thread */
    pthread_t thread;
};

static Uint32 headset_event_type = (Uint32)-1;

#define BIT_SET(bits, n) ((bits)[(n) / (8 * sizeof(long))] & (1UL << ((n) % (8 * sizeof(long)))))

/* Whether fd is a device with the headphone switch; *plugged gets its current state. */
static bool is_jack(int fd, bool *plugged)
{
    unsigned long sw[(SW_MAX + 8 * sizeof(long)) / (8 * sizeof(long))];
    memset(sw, 0, sizeof sw);
    if (ioctl(fd, EVIOCGBIT(EV_SW, sizeof sw), sw) < 0 || !BIT_SET(sw, SW_HEADPHONE_INSERT))
        return false;
    memset(sw, 0, sizeof sw);
    if (ioctl(fd, EVIOCGSW(sizeof sw), sw) >= 0)
        *plugged = BIT_SET(sw, SW_HEADPHONE_INSERT) != 0;
    return true;
}

static void push(bool plugged)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = headset_event_type;
    e.user.code = plugged;
    SDL_PushEvent(&e);
}

static void *watch(void *arg)
{
    struct kiosk_headset *h = arg;
    struct pollfd p[MAX_JACKS + 1];
    for (;;) {
        for (int i = 0; i < h->n; i++)
            p[i] = (struct pollfd){.fd = h->fds[i], .events = POLLIN};
        p[h->n] = (struct pollfd){.fd = h->stop[0], .events = POLLIN};
        if (poll(p, (nfds_t)h->n + 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            log_warn("headset jack: poll: %s", strerror(errno));
            return NULL;
        }
        if (p[h->n].revents)
            return NULL;
        for (int i = 0; i < h->n; i++) {
            if (!(p[i].revents & POLLIN))
                continue;
            struct input_event ev[16];
            ssize_t got = read(h->fds[i], ev, sizeof ev);
            for (ssize_t j = 0; got > 0 && j < got / (ssize_t)sizeof ev[0]; j++)
                if (ev[j].type == EV_SW && ev[j].code == SW_HEADPHONE_INSERT)
                    push(ev[j].value != 0);
        }
    }
}

struct kiosk_headset *kiosk_headset_start(const char *input_dir, bool *plugged_now)
{
    *plugged_now = false;
    if (!input_dir || !*input_dir)
        return NULL;
    if (headset_event_type == (Uint32)-1 && (headset_event_type = SDL_RegisterEvents(1)) == (Uint32)-1)
        return NULL;
    struct kiosk_headset *h = calloc(1, sizeof *h);
    DIR *d = h ? opendir(input_dir) : NULL;
    if (!d) {
        free(h);
        return NULL;
    }
    struct dirent *de;
    while ((de = readdir(d)) && h->n < MAX_JACKS) {
        if (strncmp(de->d_name, "event", 5) != 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", input_dir, de->d_name);
        int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            continue;
        bool plugged = false;
        if (is_jack(fd, &plugged)) {
            h->fds[h->n++] = fd;
            *plugged_now |= plugged;
            log_info("headset jack: %s%s", path, plugged ? " (plugged)" : "");
        } else {
            close(fd);
        }
    }
    closedir(d);
    if (h->n == 0 || pipe(h->stop) != 0 || pthread_create(&h->thread, NULL, watch, h) != 0) {
        if (h->n == 0)
            log_info("no headset jack under %s: speech starts with the speech key only", input_dir);
        for (int i = 0; i < h->n; i++)
            close(h->fds[i]);
        free(h);
        return NULL;
    }
    return h;
}

void kiosk_headset_stop(struct kiosk_headset *h)
{
    if (!h)
        return;
    if (write(h->stop[1], "x", 1) != 1)
        log_warn("headset jack: cannot stop the watcher");
    pthread_join(h->thread, NULL);
    close(h->stop[0]);
    close(h->stop[1]);
    for (int i = 0; i < h->n; i++)
        close(h->fds[i]);
    free(h);
}

bool kiosk_headset_event(const SDL_Event *e, bool *plugged)
{
    if (headset_event_type == (Uint32)-1 || e->type != headset_event_type)
        return false;
    *plugged = e->user.code != 0;
    return true;
}
