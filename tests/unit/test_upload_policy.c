/* Upload policy: full-jitter backoff bounds and growth, the token file rules (mode 0600, clear
 * refusal otherwise) and the config checks of upload_start(). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "borne/upload.h"
#include "test_secret_support.h"
#include "testlib.h"

static void test_backoff(void)
{
    /* The random value picks a point in [0, ceiling]: max random → ceiling + random % ... */
    CHECK_INT(upload_backoff_ms(5000, 900000, 1, 5000), 5000);
    CHECK_INT(upload_backoff_ms(5000, 900000, 1, 5001), 0);
    CHECK_INT(upload_backoff_ms(5000, 900000, 1, 0), 0);
    CHECK_INT(upload_backoff_ms(5000, 900000, 2, 10000), 10000);
    CHECK_INT(upload_backoff_ms(5000, 900000, 3, 20000), 20000);
    CHECK_INT(upload_backoff_ms(5000, 900000, 3, 20001), 0);
    /* The ceiling doubles up to the cap and stays there, even after very many failures. */
    CHECK_INT(upload_backoff_ms(5000, 900000, 8, 640000), 640000);
    CHECK_INT(upload_backoff_ms(5000, 900000, 9, 900000), 900000);
    CHECK_INT(upload_backoff_ms(5000, 900000, 9, 900001), 0);
    CHECK_INT(upload_backoff_ms(5000, 900000, 1000, UINT64_MAX), (int64_t)(UINT64_MAX % 900001));
    for (uint64_t r = 0; r < 100000; r += 997) {
        int64_t d = upload_backoff_ms(5000, 900000, 4, r * 2654435761u);
        CHECK(d >= 0 && d <= 40000);
    }
}

static const char *token_file(const char *dir, const char *text, mode_t mode)
{
    return testlib_write_file(dir, "token", text, mode);
}

static int read_hq_token(const char *path, char *err, size_t errlen, void *ctx)
{
    (void)ctx;
    char tok[128];
    return upload_read_token(path, tok, sizeof tok, err, errlen);
}

static void test_token_file(void)
{
    const char *dir = testlib_tmpdir("upload-token");
    test_secret_consumer("hq.token", read_hq_token, NULL);
    char tok[64], err[512];
    CHECK_INT(upload_read_token(token_file(dir, "s3cret-token-0123456789", 0400), tok, sizeof tok, err,
                                sizeof err), 0);
    CHECK_STR(tok, "s3cret-token-0123456789");
    const char *path = token_file(dir, "s3cret-token-0123456789\n", 0644);
    CHECK_INT(upload_read_token(path, tok, sizeof tok, err, sizeof err), -EPERM);
    CHECK(strstr(err, "mode 0644") != NULL);
    CHECK(strstr(err, "chmod 600") != NULL);
    CHECK(strstr(err, path) != NULL);
    CHECK_INT(upload_read_token(token_file(dir, "\n", 0600), tok, sizeof tok, err, sizeof err), -EINVAL);
    CHECK_INT(upload_read_token(token_file(dir, "two words, long enough\n", 0600), tok, sizeof tok, err, sizeof err),
              -EINVAL);
    CHECK(strstr(err, "visible ASCII") != NULL);
    CHECK_STR(tok, "");
    CHECK_INT(upload_read_token(token_file(dir, "0123456789abcdef0123456789", 0600), tok, 16, err, sizeof err),
              -EINVAL);
    CHECK_INT(upload_read_token(testlib_path(dir, "missing"), tok, sizeof tok, err, sizeof err), -ENOENT);
}

/* upload_start refuses a group-readable token file with the same clear message, and starts nothing. */
static void test_start_refusals(void)
{
    const char *dir = testlib_tmpdir("upload-start");
    upload_config cfg = { .url = "https://hq.invalid", .antenne = "fourmies",
                          .token_file = token_file(dir, "s3cret-token-0123456789\n", 0644),
                          .db_path = testlib_path(dir, "borne.db"), .version = "0.1.0" };
    upload *u = (upload *)&cfg;
    char err[512];
    CHECK_INT(upload_start(&u, &cfg, err, sizeof err), -EPERM);
    CHECK(u == NULL);
    CHECK(strstr(err, "chmod 600") != NULL);
    cfg.url = "ftp://hq.invalid";
    CHECK_INT(upload_start(&u, &cfg, err, sizeof err), -EINVAL);
    CHECK(strstr(err, "https://") != NULL);
    cfg.url = "https://hq.invalid";
    cfg.antenne = "Fourmies/../x";
    CHECK_INT(upload_start(&u, &cfg, err, sizeof err), -EINVAL);
    CHECK(strstr(err, "antenne id") != NULL);
    cfg.antenne = "fourmies";
    cfg.version = NULL;
    CHECK_INT(upload_start(&u, &cfg, err, sizeof err), -EINVAL);
    CHECK(strstr(err, "version") != NULL);
}

static void test_state_names(void)
{
    CHECK_STR(upload_state_name(UPLOAD_IDLE), "idle");
    CHECK_STR(upload_state_name(UPLOAD_UNAUTHORIZED), "unauthorized");
    CHECK_STR(upload_state_name(UPLOAD_DISK_FULL), "disk_full");
    CHECK_STR(upload_state_name(UPLOAD_TLS_ERROR), "tls_error");
}

int main(void)
{
    RUN(test_backoff);
    RUN(test_token_file);
    RUN(test_start_refusals);
    RUN(test_state_names);
    return testlib_finish();
}
