#include "test_secret_support.h"

#include <stdio.h>
#include <string.h>

#include "borne/secret.h"
#include "testlib.h"

/* The consumer's error holds exactly what the shared reader says about this file. */
static void refused_alike(const char *path, test_secret_attempt attempt, void *ctx)
{
    char want[512], got[512] = "", secret[256];
    CHECK(secret_read_file(path, secret, sizeof secret, want, sizeof want) < 0);
    CHECK(attempt(path, got, sizeof got, ctx) != 0);
    if (!CHECK(strstr(got, want) != NULL))
        fprintf(stderr, "  consumer said: %s\n  reader says:   %s\n", got, want);
}

void test_secret_consumer(const char *leaf, test_secret_attempt attempt, void *ctx)
{
    char err[512] = "";
    const char *good = testlib_write_file(testlib_tmpdir("secret-good"), leaf, TEST_SECRET_GOOD "\n", 0600);
    if (!CHECK_INT(attempt(good, err, sizeof err, ctx), 0))
        fprintf(stderr, "  consumer said: %s\n", err);
    refused_alike(testlib_write_file(testlib_tmpdir("secret-group"), leaf, TEST_SECRET_GOOD "\n", 0640), attempt, ctx);
    refused_alike(testlib_write_file(testlib_tmpdir("secret-world"), leaf, TEST_SECRET_GOOD "\n", 0604), attempt, ctx);
    refused_alike(testlib_write_file(testlib_tmpdir("secret-short"), leaf, "too-short\n", 0600), attempt, ctx);
}
