/* libFuzzer target of the config loader (app/config): any bytes as a borne.ini. Asserts the
 * door's promises: a loaded config holds only valid text (UTF-8, no control character), and an
 * error message never carries a control byte to the terminal that prints it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "borne/config.h"
#include "borne/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void text_ok(const char *s)
{
    if (utf8_check_str(s, 0, NULL) != UTF8_OK)
        abort();
}

static char path[64];

static void remove_file(void)
{
    unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/fuzz_config.%d.ini", (int)getpid());
        atexit(remove_file);
    }
    FILE *f = fopen(path, "w");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    borne_config *c = malloc(sizeof *c);
    char err[512] = "";
    if (config_load(path, c, err, sizeof err) == 0) {
        text_ok(c->antenne.name);
        text_ok(c->antenne.message_fr);
        text_ok(c->antenne.message_en);
        for (int i = 0; i < c->setup.n_services; i++) {
            text_ok(c->setup.services[i].label_fr);
            text_ok(c->setup.services[i].label_en);
        }
        for (int i = 0; i < c->setup.n_counters; i++)
            text_ok(c->setup.counters[i].name);
    } else {
        for (const char *p = err; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f)
                abort();
    }
    free(c);
    return 0;
}
