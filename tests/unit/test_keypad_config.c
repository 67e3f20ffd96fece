/* The keypad's keys as data: the default map, the [keypad] section (device, one line per action,
 * evdev key names) and its errors at their line: an unknown action, an unknown key name, a key
 * bound twice. */
#include "borne/config.h"
#include "borne/keypad.h"
#include "testlib.h"

#include <linux/input-event-codes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MINIMAL "[antenne]\nid = lens\nname = Antenne de Lens\n[service.A]\nlabel_fr = Aides\n" \
                "[printer]\ndevice = virtual\n"

static int load(const char *text, borne_config *c, char *err, size_t errlen)
{
    const char *path = testlib_path(testlib_tmpdir("keypad"), "borne.ini");
    FILE *f = fopen(path, "w");
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
    err[0] = '\0';
    return config_load(path, c, err, errlen);
}

static void default_map(void)
{
    keypad_map m;
    keypad_map_default(&m);
    CHECK_INT(keypad_map_lookup(&m, KEY_KP8), KEYPAD_UP);
    CHECK_INT(keypad_map_lookup(&m, KEY_UP), KEYPAD_UP);
    CHECK_INT(keypad_map_lookup(&m, KEY_KP5), KEYPAD_SELECT);
    CHECK_INT(keypad_map_lookup(&m, KEY_KPENTER), KEYPAD_SELECT);
    CHECK_INT(keypad_map_lookup(&m, KEY_KPMINUS), KEYPAD_BACK);
    CHECK_INT(keypad_map_lookup(&m, KEY_KP0), KEYPAD_LARGE_TEXT);
    CHECK_INT(keypad_map_lookup(&m, KEY_Q), KEYPAD_NONE);
    /* Every action has a key by default, and each default key list parses. */
    for (int a = 1; a < KEYPAD_ACTION_COUNT; a++) {
        bool bound = false;
        for (int i = 0; i < m.n; i++)
            bound |= m.keys[i].action == a;
        if (!CHECK(bound))
            fprintf(stderr, "no default key for %s\n", keypad_action_name((keypad_action)a));
        CHECK_INT(keypad_action_named(keypad_action_name((keypad_action)a)), a);
    }
    CHECK_INT(keypad_key_digit(KEY_KP7), 7);
    CHECK_INT(keypad_key_digit(KEY_0), 0);
    CHECK_INT(keypad_key_digit(KEY_KPENTER), -1);
    for (int i = 0; i < keypad_key_count(); i++)
        CHECK_INT(keypad_key_code(keypad_key_name(keypad_key_at(i))), keypad_key_at(i));
    /* the keys panic buttons send ([alarm] panic_key reads this table too) */
    CHECK_INT(keypad_key_code("KEY_PAUSE"), KEY_PAUSE);
    CHECK_INT(keypad_key_code("KEY_SCROLLLOCK"), KEY_SCROLLLOCK);
    CHECK_INT(keypad_key_code("KEY_F13"), KEY_F13);
    CHECK_INT(keypad_key_code("KEY_F16"), KEY_F16);
    CHECK_INT(keypad_key_code("BTN_0"), BTN_0);
    CHECK_STR(keypad_key_name(BTN_TRIGGER), "BTN_TRIGGER");
}

static void section_changes_the_map(void)
{
    borne_config c;
    char err[512];
    CHECK_INT(load(MINIMAL "[keypad]\ndevice = /dev/input/by-id/usb-keypad-event-kbd\n"
                           "back = KEY_KPDOT ,KEY_BACKSPACE\nvolume_down = KEY_F5\n",
                   &c, err, sizeof err),
              0);
    CHECK_STR(err, "");
    CHECK_STR(c.keypad.device, "/dev/input/by-id/usb-keypad-event-kbd");
    CHECK_INT(keypad_map_lookup(&c.keypad.map, KEY_KPDOT), KEYPAD_BACK);
    CHECK_INT(keypad_map_lookup(&c.keypad.map, KEY_BACKSPACE), KEYPAD_BACK);
    /* The line replaces the action's keys; the keys it takes leave their default action. */
    CHECK_INT(keypad_map_lookup(&c.keypad.map, KEY_KPMINUS), KEYPAD_NONE);
    CHECK_INT(keypad_map_lookup(&c.keypad.map, KEY_ESC), KEYPAD_NONE);
    CHECK_INT(keypad_map_lookup(&c.keypad.map, KEY_F5), KEYPAD_VOLUME_DOWN);
    CHECK_INT(keypad_map_lookup(&c.keypad.map, KEY_DELETE), KEYPAD_ERASE);
    CHECK_INT(keypad_map_lookup(&c.keypad.map, KEY_KP8), KEYPAD_UP);
    /* Without the section: the default map, no device. */
    CHECK_INT(load(MINIMAL, &c, err, sizeof err), 0);
    CHECK_STR(c.keypad.device, "");
    CHECK_INT(keypad_map_lookup(&c.keypad.map, KEY_KPMINUS), KEYPAD_BACK);
}

static void bad_lines_are_refused_at_their_line(void)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        {MINIMAL "[keypad]\njump = KEY_KP9\n", ":9: unknown key \"jump\" in [keypad] (device, or an action: up, down,"},
        {MINIMAL "[keypad]\nup = KEY_KP8, Keypad 8\n", ":9: up: unknown key name \"Keypad 8\""},
        {MINIMAL "[keypad]\nup = KEY_KP88\n", ":9: up: unknown key name \"KEY_KP88\""},
        {MINIMAL "[keypad]\nup = KEY_KP8, KEY_KP8\n", ":9: up: KEY_KP8 is listed twice"},
        {MINIMAL "[keypad]\nup = KEY_KP8\n\nselect = KEY_KP5, KEY_KP8\n", ":11: select: KEY_KP8 is already bound on line 9"},
        {MINIMAL "[keypad]\nup = KEY_KP8\nup = KEY_UP\n", ":10: \"up\" is set twice in [keypad]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        borne_config c;
        char err[512];
        CHECK(load(cases[i].text, &c, err, sizeof err) != 0);
        if (!CHECK(strstr(err, cases[i].want) != NULL))
            fprintf(stderr, "case %zu: got \"%s\", want \"%s\"\n", i, err, cases[i].want);
    }
}

int main(void)
{
    RUN(default_map);
    RUN(section_changes_the_map);
    RUN(bad_lines_are_refused_at_their_line);
    return testlib_finish();
}
