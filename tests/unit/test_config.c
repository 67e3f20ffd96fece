/* Config loading: the demo file loads as written; every kind of bad file is refused with
 * "file:line: message" and leaves the caller's config untouched. */
#include "borne/config.h"
#include "testlib.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *write_file(const char *dir, const char *name, const char *text)
{
    const char *path = testlib_path(dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        abort();
    }
    fputs(text, f);
    fclose(f);
    return path;
}

#define MINIMAL "[antenne]\nid = lens\nname = Antenne de Lens\n[service.A]\nlabel_fr = Aides\n" \
                "[printer]\ndevice = virtual\n"

static void demo_config_loads(void)
{
    /* Tries: the shipped demo config, as the demo run reads it. */
    char path[512], err[512] = "";
    snprintf(path, sizeof path, "%s/demo/borne.ini", getenv("BORNE_ASSETS"));
    borne_config c;
    CHECK_INT(config_load(path, &c, err, sizeof err), 0);
    CHECK_STR(err, "");
    CHECK_STR(c.antenne.id, "fourmies");
    CHECK_STR(c.antenne.timezone, "Europe/Paris");
    CHECK_INT(c.setup.n_services, 6);
    CHECK_INT(c.setup.services[0].letter, 'A');
    CHECK_STR(c.setup.services[2].label_fr, "Orientation et apprentissage");
    /* Every service labelled in each of the kiosk's languages. */
    for (int i = 0; i < c.setup.n_services; i++)
        for (int l = 0; l < QUEUE_LABEL_MORE; l++)
            if (!CHECK(c.setup.services[i].label_more[l][0]))
                fprintf(stderr, "  service %c has no %s label\n", c.setup.services[i].letter, queue_label_more_lang(l));
    CHECK_STR(c.setup.services[0].label_more[1], "Individuelle Hilfen");
    CHECK(!c.setup.services[5].enabled);
    CHECK_INT(c.setup.n_counters, 2);
    CHECK_STR(c.setup.counters[1].services, "PEDR");
    CHECK_INT(c.setup.week[0].n, 2);
    CHECK_INT(c.setup.week[0].range[1].open_min, 13 * 60 + 30);
    CHECK_INT(c.setup.week[5].n, 0);
    CHECK_INT(c.setup.last_ticket_min, 15);
    CHECK(c.setup.always_open);
    CHECK(c.printer_virtual);
    CHECK_INT(c.printer.baud, 38400);
    CHECK_INT(c.printer.flow, PRINTER_FLOW_XONXOFF);
    CHECK_INT(c.ui.idle_s, 60);
    CHECK_STR(c.ui.admin_pin, "2468");
    CHECK(!c.clock.require_sync);
    /* A relative store path is relative to the config file. */
    char want[600];
    snprintf(want, sizeof want, "%s/demo/demo.db", getenv("BORNE_ASSETS"));
    CHECK_STR(c.store.path, want);
}

static void defaults_fill_what_is_omitted(void)
{
    /* Tries: a minimal file; everything not written takes the documented default. */
    const char *dir = testlib_tmpdir("config");
    borne_config c;
    char err[512] = "";
    CHECK_INT(config_load(write_file(dir, "min.ini", MINIMAL), &c, err, sizeof err), 0);
    CHECK_STR(c.antenne.timezone, "Europe/Paris");
    CHECK_STR(c.setup.services[0].label_en, "Aides"); /* label_en falls back to label_fr */
    CHECK(c.setup.services[0].enabled);
    CHECK_INT(c.retention_days, 30);
    CHECK_STR(c.ui.language, "fr");
    CHECK_INT(c.ui.n_languages, 6);   /* every language the firmware has, French first */
    CHECK_STR(c.ui.languages[0], "fr");
    CHECK_STR(c.ui.languages[5], "ar");
    CHECK_STR(c.store.path, "/var/lib/borne/borne.db");
    CHECK(c.clock.require_sync);
    CHECK_INT(c.hub.tickets_per_minute, 30);
    CHECK_INT(c.hub.tickets_per_day, 300);
    CHECK_INT(c.printer.line_baud, 0);
}

static void counter_name_defaults_and_token_path_is_relative(void)
{
    /* Tries: a counter without a name, and a relative token file. */
    const char *dir = testlib_tmpdir("config");
    borne_config c;
    char err[512] = "";
    const char *path = write_file(dir, "c.ini", MINIMAL "[counter.3]\nservices = A\ntoken_file = tok/3\n");
    CHECK_INT(config_load(path, &c, err, sizeof err), 0);
    CHECK_STR(c.setup.counters[0].name, "Guichet 3");
    CHECK_STR(c.counter_token_files[0], testlib_path(dir, "tok/3"));
}

struct bad_case {
    const char *what;   /* what the case tries */
    const char *text;
    int line;           /* expected line in the message; 0 = no line */
    const char *phrase; /* expected in the message */
};

static void bad_files_are_refused_with_their_line(void)
{
    static const struct bad_case cases[] = {
        {"syntax error", MINIMAL "this is not ini\n", 8, "syntax error"},
        {"unknown section", MINIMAL "[printr]\nbaud = 9600\n", 9, "unknown section [printr]"},
        {"unknown key", MINIMAL "[ui]\nidle = 5\n", 9, "unknown key \"idle\""},
        {"key before any section", "id = x\n" MINIMAL, 1, "before any [section]"},
        {"bad antenne id", "[antenne]\nid = Lens Centre\nname = x\n", 2, "antenne id"},
        {"unknown timezone", MINIMAL "[antenne]\ntimezone = Europe/Lile\n", 9, "not a known zone"},
        {"bad hours", MINIMAL "[hours]\nmon = 9h-12h\n", 9, "opening hours"},
        {"reversed range", MINIMAL "[hours]\ntue = 12:00-09:00\n", 9, "end after it starts"},
        {"overlapping ranges", MINIMAL "[hours]\nwed = 09:00-12:00,11:00-14:00\n", 9, "not overlap"},
        {"service not a letter", MINIMAL "[service.AB]\nlabel_fr = x\n", 9, "one capital letter"},
        {"service letter I", MINIMAL "[service.I]\nlabel_fr = x\n", 9, "read as 1 and 0"},
        {"service letter O", MINIMAL "[service.O]\nlabel_fr = x\n", 9, "read as 1 and 0"},
        {"service letter Q", MINIMAL "[service.Q]\nlabel_fr = x\n", 9, "read as 1 and 0"},
        {"service without label", MINIMAL "[service.B]\norder = 3\n", 9, "label_fr is required"},
        {"label in an unknown language", MINIMAL "[service.A]\nlabel_it = Aiuti\n", 9, "unknown key \"label_it\""},
        {"counter serving unknown service", MINIMAL "[counter.1]\nname = G1\nservices = A,Z\n", 10,
         "serves Z"},
        {"counter id not a number", MINIMAL "[counter.x]\nservices = A\n", 9, "number from 1 to 999"},
        {"bad baud", MINIMAL "[printer]\nbaud = 12345\n", 9, "baud"},
        {"unknown printer model", MINIMAL "[printer]\nmodel = epson-tm-t1000\n", 9, "epson-tm-t20"},
        {"unknown language", MINIMAL "[ui]\nlanguage = fr\nlanguages = fr, en, pt\n", 10, "unknown language \"pt\""},
        {"unknown default language", MINIMAL "[ui]\nlanguage = it\n", 9, "unknown language \"it\""},
        {"language listed twice", MINIMAL "[ui]\nlanguages = fr,ar,fr\n", 9, "listed twice"},
        {"empty language in the list", MINIMAL "[ui]\nlanguages = fr,,en\n", 9, "separated by commas"},
        {"default language not offered", MINIMAL "[ui]\nlanguages = en,de\n", 9, "not among [ui] languages"},
        {"unknown role", MINIMAL "[device]\nrole = printer\n", 9, "kiosk, counter or display"},
        {"counter role without hub url", MINIMAL "[counter.1]\nservices = A\n[device]\nrole = counter\ncounter = 1\n",
         11, "[hub] url"},
        {"counter role on an unknown desk", MINIMAL "[hub]\nurl = http://kiosk:8080\n[device]\nrole = counter\n"
         "counter = 4\n", 11, "[counter.N]"},
        {"display role without hub url", MINIMAL "[device]\nrole = display\n", 9, "[hub] url"},
        {"bad hub url", MINIMAL "[hub]\nurl = kiosk:8080\n", 9, "http://kiosk.local"},
        {"bad clock key", MINIMAL "[clock]\nrequire = no\n", 9, "unknown key \"require\" in [clock]"},
        {"bad flow", MINIMAL "[printer]\nflow = cts\n", 9, "none, rtscts or xonxoff"},
        {"negative ticket rate", MINIMAL "[hub]\ntickets_per_minute = -1\n", 9, "0 for no limit"},
        {"ticket quota not a number", MINIMAL "[hub]\ntickets_per_day = many\n", 9, "tickets_per_day"},
        {"printer line rate too low", MINIMAL "[printer]\nline_baud = 100\n", 9, "300 or more"},
        {"relative device", "[antenne]\nid = x\nname = x\n[service.A]\nlabel_fr = A\n[printer]\ndevice = ttyUSB0\n",
         7, "absolute device path"},
        {"duplicate key", MINIMAL "[ui]\nidle_s = 30\nidle_s = 40\n", 10, "set twice"},
        {"number out of range", MINIMAL "[ui]\nidle_s = 2\n", 9, "seconds from 10 to 3600"},
        {"not a number", MINIMAL "[queue]\nretention_days = thirty\n", 9, "retention_days"},
        {"bad bool", MINIMAL "[ui]\nask_priority = maybe\n", 9, "true or false"},
        {"bad pin", MINIMAL "[ui]\nadmin_pin = 12a4\n", 9, "admin_pin"},
        {"bad listen", MINIMAL "[hub]\nlisten = 8080\n", 9, "HOST:PORT"},
        {"hq url without token", MINIMAL "[hq]\nurl = https://hq.example/\n", 0, "token_file is required"},
        {"bad hq scheme", MINIMAL "[hq]\nurl = ftp://hq\n", 9, "https://"},
        {"missing id", "[antenne]\nname = x\n[service.A]\nlabel_fr = A\n[printer]\ndevice = virtual\n", 0,
         "id is required"},
        {"no service", "[antenne]\nid = x\nname = x\n[printer]\ndevice = virtual\n", 0, "at least one"},
        {"no printer", "[antenne]\nid = x\nname = x\n[service.A]\nlabel_fr = A\n", 0, "[printer] device"},
        {"Latin-1 antenne name", "[antenne]\nid = x\nname = Antenne de B\xE9thune\n[service.A]\n"
         "label_fr = A\n[printer]\ndevice = virtual\n", 3, "invalid UTF-8 at byte 13"},
        {"Latin-1 service label", MINIMAL "[service.B]\nlabel_fr = Emploi et m\xE9tiers\n", 9,
         "invalid UTF-8"},
        {"control character in a value", MINIMAL "[antenne]\nmessage_fr = a\tb\n", 9, "control character"},
        {"control character in a key", MINIMAL "[ui]\nidle\x7f_s = 30\n", 9, "control character"},
        {"control character in a section", MINIMAL "[ui\x1b]\nidle_s = 30\n", 9, "control character"},
        {"counter number with a leading zero", MINIMAL "[counter.1]\nservices = A\n[counter.01]\nname = X\n",
         11, "without leading zeros"},
        {"counter number with a sign", MINIMAL "[counter.+2]\nservices = A\n", 9, "without leading zeros"},
        {"too long label", MINIMAL "[service.B]\nlabel_fr = " "0123456789012345678901234567890123456789"
                                   "0123456789012345678901234567890123456789\n", 9, "too long"},
    };
    const char *dir = testlib_tmpdir("config-bad");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char name[32], err[512] = "";
        snprintf(name, sizeof name, "bad%zu.ini", i);
        const char *path = write_file(dir, name, cases[i].text);
        borne_config c;
        memset(&c, 0x5a, sizeof c);
        int rc = config_load(path, &c, err, sizeof err);
        if (!CHECK_INT(rc, -EINVAL))
            fprintf(stderr, "  case: %s\n", cases[i].what);
        char prefix[600];
        if (cases[i].line)
            snprintf(prefix, sizeof prefix, "%s:%d: ", path, cases[i].line);
        else
            snprintf(prefix, sizeof prefix, "%s: ", path);
        if (!CHECK(strncmp(err, prefix, strlen(prefix)) == 0) ||
            !CHECK(strstr(err, cases[i].phrase) != NULL))
            fprintf(stderr, "  case: %s: got \"%s\"\n", cases[i].what, err);
        /* Nothing half-applied: the caller's struct is untouched. */
        unsigned char *bytes = (unsigned char *)&c;
        size_t touched = 0;
        for (size_t b = 0; b < sizeof c; b++)
            touched += bytes[b] != 0x5a;
        if (!CHECK_INT(touched, 0))
            fprintf(stderr, "  case: %s\n", cases[i].what);
    }
}

static void appliance_roles_load(void)
{
    /* Tries: a counter appliance and a display config, and the check made after a command-line
     * role override (a kiosk config turned into a counter without a desk is refused). */
    const char *dir = testlib_tmpdir("config");
    borne_config c;
    char err[512] = "";
    const char *path = write_file(dir, "counter.ini", MINIMAL "[counter.2]\nservices = A\n[hub]\n"
                                  "url = http://kiosk.local:8080\n[device]\nrole = counter\ncounter = 2\n");
    CHECK_INT(config_load(path, &c, err, sizeof err), 0);
    CHECK_STR(err, "");
    CHECK_INT(c.device.role, CONFIG_ROLE_COUNTER);
    CHECK_INT(c.device.counter_id, 2);
    CHECK_STR(c.hub.url, "http://kiosk.local:8080");
    CHECK_INT(config_check_role(&c, err, sizeof err), 0);
    path = write_file(dir, "kiosk.ini", MINIMAL);
    CHECK_INT(config_load(path, &c, err, sizeof err), 0);
    CHECK_INT(c.device.role, CONFIG_ROLE_KIOSK);
    c.device.role = CONFIG_ROLE_COUNTER;
    CHECK_INT(config_check_role(&c, err, sizeof err), -EINVAL);
    CHECK(strstr(err, "[hub] url") != NULL);
    CHECK_STR(config_role_name(CONFIG_ROLE_DISPLAY), "display");
    CHECK_INT(config_role_from_name("counter"), CONFIG_ROLE_COUNTER);
    CHECK_INT(config_role_from_name("Counter"), -1);
}

static void long_line_is_refused(void)
{
    /* Tries: a line longer than inih's buffer, which would otherwise be split silently. */
    const char *dir = testlib_tmpdir("config");
    char text[1024];
    snprintf(text, sizeof text, MINIMAL "[antenne]\nmessage_fr = %0300d\n", 7);
    char err[512] = "";
    borne_config c;
    CHECK_INT(config_load(write_file(dir, "long.ini", text), &c, err, sizeof err), -EINVAL);
    CHECK(strstr(err, "line longer than") != NULL);
}

static void terminal_controls_are_never_echoed(void)
{
    /* Tries: ESC and BEL in a value (a terminal title change and a bell); the message shows them
     * escaped, so printing it to a terminal does nothing but print. */
    const char *dir = testlib_tmpdir("config");
    char err[512] = "";
    borne_config c;
    const char *path = write_file(dir, "esc.ini", MINIMAL "[antenne]\nmessage_fr = \x1b]0;owned\x07\x1b[2J\n");
    CHECK_INT(config_load(path, &c, err, sizeof err), -EINVAL);
    CHECK(strchr(err, '\x1b') == NULL);
    CHECK(strchr(err, '\x07') == NULL);
    if (!CHECK(strstr(err, "\\x1B]0;owned\\x07\\x1B[2J") != NULL))
        fprintf(stderr, "  got \"%s\"\n", err);
}

static void nul_byte_is_refused_at_its_line(void)
{
    /* Tries: a NUL byte inside a value, which would otherwise hide the rest of the line. */
    const char *dir = testlib_tmpdir("config");
    const char *path = testlib_path(dir, "nul.ini");
    static const char text[] = MINIMAL "[antenne]\nmessage_fr = Bienvenue\0 cach\xC3\xA9\n";
    FILE *f = fopen(path, "w");
    fwrite(text, 1, sizeof text - 1, f);
    fclose(f);
    char err[512] = "", want[600];
    borne_config c;
    CHECK_INT(config_load(path, &c, err, sizeof err), -EINVAL);
    snprintf(want, sizeof want, "%s:9: a NUL byte", path);
    CHECK(strncmp(err, want, strlen(want)) == 0);
}

static void long_comment_keeps_line_numbers(void)
{
    /* Tries: a 600-byte comment on line 1 (holding "=", which a piece of it must never be taken
     * for), then a mistake on line 10: the message names line 10, and the same file without the
     * mistake loads. */
    const char *dir = testlib_tmpdir("config");
    char text[2048], comment[620];
    memset(comment, 'x', sizeof comment);
    memcpy(comment, "; ", 2);
    memcpy(comment + 300, " idle_s = 5 ", 12);
    comment[sizeof comment - 1] = '\0';
    snprintf(text, sizeof text, "%s\n" MINIMAL "[ui]\nidle = 5\n", comment);
    char err[512] = "", want[600];
    borne_config c;
    const char *path = write_file(dir, "comment.ini", text);
    CHECK_INT(config_load(path, &c, err, sizeof err), -EINVAL);
    snprintf(want, sizeof want, "%s:10: unknown key \"idle\"", path);
    if (!CHECK(strncmp(err, want, strlen(want)) == 0))
        fprintf(stderr, "  got \"%s\"\n", err);
    snprintf(text, sizeof text, "%s\n" MINIMAL "[ui]\nidle_s = 45\n", comment);
    CHECK_INT(config_load(write_file(dir, "comment-ok.ini", text), &c, err, sizeof err), 0);
    CHECK_INT(c.ui.idle_s, 45);
    /* a long key line is refused at its own line */
    snprintf(text, sizeof text, "%s\n" MINIMAL "[antenne]\nmessage_fr = %0300d\n", comment, 7);
    path = write_file(dir, "comment-long.ini", text);
    CHECK_INT(config_load(path, &c, err, sizeof err), -EINVAL);
    snprintf(want, sizeof want, "%s:10: line longer than", path);
    if (!CHECK(strncmp(err, want, strlen(want)) == 0))
        fprintf(stderr, "  got \"%s\"\n", err);
}

static void missing_file_is_an_errno(void)
{
    /* Tries: a path that does not exist, and a directory given as the file. */
    char err[512] = "";
    borne_config c;
    CHECK_INT(config_load("/nonexistent/borne.ini", &c, err, sizeof err), -ENOENT);
    CHECK(strstr(err, "/nonexistent/borne.ini: ") == err);
    const char *dir = testlib_tmpdir("config");
    CHECK(config_load(dir, &c, err, sizeof err) < 0);
    CHECK(strstr(err, dir) == err);
}

int main(void)
{
    RUN(demo_config_loads);
    RUN(defaults_fill_what_is_omitted);
    RUN(counter_name_defaults_and_token_path_is_relative);
    RUN(bad_files_are_refused_with_their_line);
    RUN(appliance_roles_load);
    RUN(long_line_is_refused);
    RUN(terminal_controls_are_never_echoed);
    RUN(nul_byte_is_refused_at_its_line);
    RUN(long_comment_keeps_line_numbers);
    RUN(missing_file_is_an_errno);
    return testlib_finish();
}
