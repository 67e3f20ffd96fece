/* The optional USB panic button: any evdev device (a foot switch, a big red USB button that
 * shows up as a keyboard) named by [alarm] panic_device; a press of panic_key raises an alarm as
 * [alarm] panic_counter. Read on its own thread with poll() and a one-second timeout, so a stop
 * is noticed and an unplugged button is reopened every second. */
#include "alarm_internal.h"
#include "borne/alarm_json.h"
#include "borne/keypad.h"
#include "borne/log.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

BORNE_LOG_MODULE("alarm");

/* Its name in the keypad's table of evdev keys (borne/keypad.h, which knows the keys panic
 * buttons send); any other key is given by its number. */
int alarm_key_code(const char *name)
{
    if (!name || !*name)
        return -1;
    int code = keypad_key_code(name);
    if (code >= 0)
        return code;
    char *end;
    long v = strtol(name, &end, 10);
    return *end == '\0' && v > 0 && v <= KEY_MAX ? (int)v : -1;
}

static void raise_from_button(alarm_service *s, queue *q)
{
    const borne_config *c = &s->cfg;
    const char *desk = "";
    for (int i = 0; i < c->setup.n_counters; i++)
        if (c->setup.counters[i].id == c->alarm.panic_counter)
            desk = c->setup.counters[i].name;
    char uid[QUEUE_ALARM_UID_MAX];
    if (alarm_uid_new(c->antenne.id, uid) != 0) {
        log_error("panic button: no randomness for an alarm id: alarm NOT raised");
        return;
    }
    queue_alarm_raise_req r = {.uid = uid, .antenne = c->antenne.id,
                               .antenne_name = c->antenne.name,
                               .counter_id = c->alarm.panic_counter, .desk = desk,
                               .actor = "panic"};
    int64_t id;
    bool created;
    if (queue_alarm_raise(q, alarm_now(s), &r, &id, &created) != QUEUE_OK) {
        log_error("panic button: the alarm could not be stored: %s", queue_errmsg(q));
        return;
    }
    log_notice("panic button: alarm raised for %s", desk);
    alarm_changed(s);
    alarm_kick(s);
}

void *alarm_panic_thread(void *arg)
{
    alarm_worker *w = arg;
    alarm_service *s = w->a;
    const char *dev = s->cfg.alarm.panic_device;
    int fd = -1;
    bool said = false;
    uint64_t kick = 0;
    while (!alarm_stopping(s)) {
        if (fd < 0) {
            fd = open(dev, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
            if (fd < 0) {
                if (!said)
                    log_warn("panic button %s: %s (retrying every second)", dev, strerror(errno));
                said = true;
                alarm_wait(s, &kick, 1000);
                continue;
            }
            if (said)
                log_notice("panic button %s is back", dev);
            said = false;
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int n = poll(&p, 1, 1000);
        if (n <= 0)
            continue;
        struct input_event ev[16];
        ssize_t got = read(fd, ev, sizeof ev);
        if (got < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (got <= 0) {   /* unplugged (ENODEV), or the writer of a FIFO went away */
            close(fd);
            fd = -1;
            alarm_wait(s, &kick, 1000);
            continue;
        }
        for (size_t i = 0; i < (size_t)got / sizeof ev[0]; i++)
            if (ev[i].type == EV_KEY && ev[i].code == s->panic_code && ev[i].value == 1)
                raise_from_button(s, w->q);
    }
    if (fd >= 0)
        close(fd);
    return NULL;
}
