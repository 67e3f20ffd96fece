/* Bad input at start and while running (issue 12, "Must hold"): the kiosk keeps serving by touch
 * and the admin screen says what is missing.
 *  - the configured keypad device does not exist;
 *  - the keypad is read (keys from its evdev stream act), then unplugged (its read ends) and
 *    plugged back;
 *  - no audio device (SDL_AUDIODRIVER names a driver that is not there);
 *  - a language whose espeak-ng voice does not exist. */
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_kiosk_fixture.h"
#include "testlib.h"

static const fixture_screen *screen10 = &fixture_screens[1];
static char device[CONFIG_PATH_MAX];

static void keypad_device(borne_config *c) { memcpy(c->keypad.device, device, sizeof device); }

/* A visit by touch alone: a ticket is issued. */
static void touch_serves_in(fixture *f, const char *take, const char *service)
{
    kiosk_show(f->k, KIOSK_HOME);
    kiosk_render(f->k);
    CHECK(fixture_tap(f, take));
    kiosk_render(f->k);
    CHECK(fixture_tap(f, service));
    CHECK_INT(kiosk_current_screen(f->k), KIOSK_RESULT);
    CHECK(kiosk_last_ticket(f->k)[0] != '\0');
}

static void touch_still_serves(fixture *f) { touch_serves_in(f, "Prendre un ticket", "Aides individuelles"); }

static bool admin_says(fixture *f, const char *needle)
{
    kiosk_show(f->k, KIOSK_ADMIN);
    kiosk_render(f->k);
    bool seen = kiosk_frame_has_text(f->k, needle);
    kiosk_show(f->k, KIOSK_HOME);
    return seen;
}

static void missing_keypad(void)
{
    snprintf(device, sizeof device, "%s/no-such-keypad-event-kbd", testlib_tmpdir("keypad-missing"));
    fixture f;
    if (!CHECK(fixture_open(&f, "keypad-missing", screen10, keypad_device, fixture_open_time_ms(), true)))
        return;
    CHECK(strstr(kiosk_keypad_problem(f.k), "No such file or directory") != NULL);
    CHECK(admin_says(&f, "Clavier"));
    touch_still_serves(&f);
    fixture_close(&f);
}

static int writer = -1;

static void press(int code)
{
    struct input_event ev[3];
    memset(ev, 0, sizeof ev);
    ev[0].type = EV_KEY, ev[0].code = (unsigned short)code, ev[0].value = 1;
    ev[1].type = EV_KEY, ev[1].code = (unsigned short)code, ev[1].value = 0;
    ev[2].type = EV_SYN;
    CHECK(write(writer, ev, sizeof ev) == (ssize_t)sizeof ev);
}

/* A map changed as a [keypad] line changes it: large_text = KEY_KP9. */
static void keypad_device_remapped(borne_config *c)
{
    keypad_device(c);
    uint16_t kp9 = KEY_KP9;
    keypad_map_bind(&c->keypad.map, KEYPAD_LARGE_TEXT, &kp9, 1);
}

static bool large_on(fixture *f) { return kiosk_large_text(f->k); }
static bool large_off(fixture *f) { return !kiosk_large_text(f->k); }
static bool keypad_lost(fixture *f) { return kiosk_keypad_problem(f->k)[0] != '\0'; }
static bool keypad_back(fixture *f) { return kiosk_keypad_problem(f->k)[0] == '\0'; }

/* The keypad's evdev stream through a FIFO: what the kernel's device gives (struct input_event),
 * and an end of stream when the writer goes, like a read error when the keypad is unplugged. */
static void keypad_unplugged_and_back(void)
{
    snprintf(device, sizeof device, "%s/keypad-event-kbd", testlib_tmpdir("keypad-fifo"));
    if (!CHECK(mkfifo(device, 0600) == 0))
        return;
    writer = open(device, O_RDWR | O_CLOEXEC);
    if (!CHECK(writer >= 0))
        return;
    fixture f;
    if (!CHECK(fixture_open(&f, "keypad-fifo", screen10, keypad_device_remapped, fixture_open_time_ms(), true)))
        return;
    CHECK_STR(kiosk_keypad_problem(f.k), "");
    press(KEY_KP9);   /* the config's map: large text */
    CHECK(fixture_pump(&f, large_on, 5000));
    press(KEY_KP9);
    CHECK(fixture_pump(&f, large_off, 5000));

    /* Unplugged: gone from /dev/input and its stream ends. */
    unlink(device);
    close(writer);
    CHECK(fixture_pump(&f, keypad_lost, 10000));
    CHECK(strstr(kiosk_keypad_problem(f.k), "keypad-event-kbd") != NULL);
    CHECK(admin_says(&f, "Clavier"));
    touch_still_serves(&f);

    /* Plugged back: opened again (every 2 s), and its keys act again. */
    CHECK(mkfifo(device, 0600) == 0);
    writer = open(device, O_RDWR | O_CLOEXEC);
    CHECK(fixture_pump(&f, keypad_back, 10000));
    press(KEY_KP9);
    CHECK(fixture_pump(&f, large_on, 5000));
    fixture_close(&f);
    close(writer);
    unlink(device);
}

static void no_audio_device(void)
{
    setenv("SDL_AUDIODRIVER", "no-such-audio-driver", 1);
    fixture f;
    fixture_extra x = {.sdl_audio = true};
    bool opened = fixture_open_with(&f, "no-audio", screen10, NULL, fixture_open_time_ms(), true, &x);
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    if (!CHECK(opened))
        return;
    CHECK(admin_says(&f, "Son : audio:"));
    /* The speech key on a silent kiosk does no harm. */
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.keysym.sym = SDLK_KP_DIVIDE;
    kiosk_handle_event(f.k, &e);
    touch_still_serves(&f);
    fixture_close(&f);
}

/* A copy of the assets whose English catalog names a voice espeak-ng does not have. */
static void missing_voice(void)
{
    const char *src = getenv("BORNE_ASSETS");
    const char *dir = testlib_tmpdir("assets-novoice");
    char path[1024], cmd[2600];
    snprintf(cmd, sizeof cmd, "cp -r '%s/fonts' '%s/i18n' '%s/' && sed -i 's/^lang.voice = .*/lang.voice = zz-novoice/' '%s/i18n/en.cat'",
             src, src, dir, dir);
    if (!CHECK(system(cmd) == 0))
        return;
    snprintf(path, sizeof path, "%s", dir);
    fixture f;
    fixture_extra x = {.assets_dir = path};
    if (!CHECK(fixture_open_with(&f, "no-voice", screen10, NULL, fixture_open_time_ms(), true, &x)))
        return;
    CHECK(admin_says(&f, "Voix manquantes"));
    CHECK(admin_says(&f, "en"));
    kiosk_render(f.k);
    CHECK(fixture_tap(&f, "English"));   /* the row of languages on home */
    touch_serves_in(&f, "Take a ticket", "Individual grants");
    fixture_close(&f);
}

int main(void)
{
    setenv("TZ", "Europe/Paris", 1);
    RUN(missing_keypad);
    RUN(keypad_unplugged_and_back);
    RUN(no_audio_device);
    RUN(missing_voice);
    return testlib_finish();
}
