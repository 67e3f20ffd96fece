/* The hub reads the desks' token files with the shared secret reader: a group- or
 * world-readable file and a short token stop it from starting, with the reader's message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_hub_support.h"
#include "test_secret_support.h"
#include "testlib.h"

static th_fixture F;

static int start_with_token_file(const char *path, char *err, size_t errlen, void *ctx)
{
    (void)ctx;
    borne_config cfg = F.cfg;
    snprintf(cfg.counter_token_files[0], sizeof cfg.counter_token_files[0], "%s", path);
    const char *assets = getenv("BORNE_ASSETS");
    char web[512];
    snprintf(web, sizeof web, "%s/web", assets && *assets ? assets : "assets");
    hub *h = NULL;
    hub_options o = {.listen = "127.0.0.1:0"};
    int rc = hub_start(&h, &cfg, F.db_path, web, &o, err, errlen);
    hub_stop(h);
    return rc;
}

static void desk_token_files(void)
{
    test_secret_consumer("counter1.token", start_with_token_file, NULL);
}

/* The hub narrows the alphabet: a bearer token is visible ASCII, no space. */
static void token_with_a_space_refused(void)
{
    const char *dir = testlib_tmpdir("hub-space");
    char err[512];
    CHECK(start_with_token_file(testlib_write_file(dir, "t", "two words 0123456789\n", 0600), err, sizeof err,
                                NULL) != 0);
    CHECK(strstr(err, "visible ASCII characters without spaces") != NULL);
    CHECK(start_with_token_file(testlib_write_file(dir, "t", "élan-0123456789abcdef\n", 0600), err, sizeof err,
                                NULL) != 0);
    CHECK(strstr(err, "visible ASCII characters without spaces") != NULL);
}

int main(void)
{
    th_start(&F, "hub-tokens-fixture", true);
    RUN(desk_token_files);
    RUN(token_with_a_space_refused);
    th_stop(&F);
    return testlib_finish();
}
