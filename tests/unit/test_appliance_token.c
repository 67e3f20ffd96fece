/* The desk appliance reads its token file with the shared secret reader: a group- or
 * world-readable file and a short token are refused with the reader's message. */
#include <string.h>

#include "borne/appliance.h"
#include "test_secret_support.h"
#include "testlib.h"

static int read_desk_token(const char *path, char *err, size_t errlen, void *ctx)
{
    (void)ctx;
    char token[LAN_TOKEN_MAX + 2];
    int rc = appliance_read_token(path, token, sizeof token, err, errlen);
    if (rc == 0 && strcmp(token, TEST_SECRET_GOOD) != 0)
        return -1;
    return rc;
}

static void desk_token_file(void)
{
    test_secret_consumer("counter2.token", read_desk_token, NULL);
}

static void lan_alphabet(void)
{
    const char *dir = testlib_tmpdir("appliance-alphabet");
    char token[LAN_TOKEN_MAX + 2], err[512];
    CHECK_INT(appliance_read_token(testlib_write_file(dir, "t", "two words 0123456789\n", 0600), token,
                                   sizeof token, err, sizeof err), -1);
    CHECK(strstr(err, "visible ASCII characters without spaces") != NULL);
    CHECK_STR(token, "");
}

int main(void)
{
    RUN(desk_token_file);
    RUN(lan_alphabet);
    return testlib_finish();
}
