/* Secret files: the mode rule, the length rule, UTF-8 and control characters, trimming, and
 * the shared consumer check every token reader runs. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "borne/secret.h"
#include "test_secret_support.h"
#include "testlib.h"

static const char *dir;

static int read_it(const char *path, char *err, size_t errlen, void *ctx)
{
    (void)ctx;
    char out[128];
    return secret_read_file(path, out, sizeof out, err, errlen);
}

static void good_secret_trimmed(void)
{
    char out[64], err[256];
    CHECK_INT(secret_read_file(testlib_write_file(dir, "a", "0123456789abcdef\n", 0600), out, sizeof out, err,
                               sizeof err), 0);
    CHECK_STR(out, "0123456789abcdef");
    CHECK_INT(secret_read_file(testlib_write_file(dir, "b", "0123456789abcdef\r\n", 0400), out, sizeof out, err,
                               sizeof err), 0);
    CHECK_STR(out, "0123456789abcdef");
    /* 16 characters, not bytes: accented letters count once. */
    CHECK_INT(secret_read_file(testlib_write_file(dir, "c", "éééééééééééééééé", 0600), out, sizeof out, err,
                               sizeof err), 0);
    CHECK_STR(out, "éééééééééééééééé");
}

static void mode_refused(void)
{
    char out[64], err[256];
    const unsigned modes[] = {0640, 0604, 0660, 0606, 0610, 0644};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        const char *p = testlib_write_file(dir, "m", "0123456789abcdef\n", modes[i]);
        strcpy(out, "untouched");
        CHECK_INT(secret_read_file(p, out, sizeof out, err, sizeof err), -EPERM);
        CHECK_STR(out, "");
        CHECK(strstr(err, "readable by its owner only") != NULL);
        CHECK(strstr(err, "chmod 600") != NULL);
        CHECK(strstr(err, p) != NULL);
    }
}

static void short_and_bad_refused(void)
{
    char out[64], err[256];
    const char *bad[] = {
        "", "\n", "fifteen-chars-x\n", "ééééééééééééééé\n",            /* 15 characters */
        "0123456789abcdef\n\n", "0123456789\nabcdef\n", "0123456789abcdef\t", "0123456789\033[2Jabcdef",
        "0123456789abcdef\xe9", "0123456789abcdef\xc0\xaf", "0123456789abcdef\xed\xa0\x80",
        "0123456789abcdef\xc2\x85",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        strcpy(out, "untouched");
        CHECK_INT(secret_read_file(testlib_write_file(dir, "s", bad[i], 0600), out, sizeof out, err, sizeof err),
                  -EINVAL);
        CHECK_STR(out, "");
        CHECK(err[0] != '\0');
    }
    CHECK_INT(secret_read_file(testlib_write_file(dir, "s", "short\n", 0600), out, sizeof out, err, sizeof err),
              -EINVAL);
    CHECK(strstr(err, "has 5 characters: a secret has at least 16") != NULL);
    /* A NUL in the middle is a control character, not the end of the secret. */
    const char *p = testlib_path(dir, "nul");
    FILE *f = fopen(p, "w");
    fwrite("0123456789abcdef\0tail\n", 1, 22, f);
    fclose(f);
    chmod(p, 0600);
    CHECK_INT(secret_read_file(p, out, sizeof out, err, sizeof err), -EINVAL);
    if (!CHECK(strstr(err, "byte 17 is a control character") != NULL))
        fprintf(stderr, "  %s\n", err);
}

static void too_long_and_missing(void)
{
    char out[20], err[256];
    CHECK_INT(secret_read_file(testlib_write_file(dir, "l", "0123456789abcdefghij\n", 0600), out, sizeof out, err,
                               sizeof err), -EINVAL);
    CHECK(strstr(err, "longer than 19 bytes") != NULL);
    CHECK_INT(secret_read_file(testlib_path(dir, "absent"), out, sizeof out, err, sizeof err), -ENOENT);
    CHECK(strstr(err, "No such file") != NULL);
    CHECK_INT(secret_read_file(dir, out, sizeof out, err, sizeof err), -EINVAL); /* a directory */
}

static void several_secrets_file(void)
{
    char err[256];
    CHECK(secret_open_file(testlib_write_file(dir, "t", "a 0123456789abcdef\n", 0644), err, sizeof err) == NULL);
    CHECK_INT(errno, EPERM);
    CHECK(strstr(err, "readable by its owner only") != NULL);
    FILE *f = secret_open_file(testlib_write_file(dir, "t", "a 0123456789abcdef\n", 0600), err, sizeof err);
    CHECK(f != NULL);
    if (f)
        fclose(f);
    CHECK_INT(secret_check("t:3", "0123456789abcdef", err, sizeof err), 0);
    CHECK_INT(secret_check("t:3", "short", err, sizeof err), -EINVAL);
    CHECK(strstr(err, "secret in t:3 has 5 characters") != NULL);
}

static void consumer_check_on_the_reader_itself(void)
{
    test_secret_consumer("secret", read_it, NULL);
}

int main(void)
{
    dir = testlib_tmpdir("secret");
    RUN(good_secret_trimmed);
    RUN(mode_refused);
    RUN(short_and_bad_refused);
    RUN(too_long_and_missing);
    RUN(several_secrets_file);
    RUN(consumer_check_on_the_reader_itself);
    return testlib_finish();
}
