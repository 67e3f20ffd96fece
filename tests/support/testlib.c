#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static int cases_passed, cases_failed;
static int current_failures;

bool testlib_check(bool ok, const char *file, int line, const char *expr)
{
    if (!ok) {
        fprintf(stderr, "%s:%d: check failed: %s\n", file, line, expr);
        current_failures++;
    }
    return ok;
}

bool testlib_check_int(long long got, long long want, const char *file, int line, const char *expr)
{
    if (got != want) {
        fprintf(stderr, "%s:%d: %s is %lld, expected %lld\n", file, line, expr, got, want);
        current_failures++;
        return false;
    }
    return true;
}

bool testlib_check_str(const char *got, const char *want, const char *file, int line, const char *expr)
{
    if (got == NULL || want == NULL ? got != want : strcmp(got, want) != 0) {
        fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", file, line, expr,
                got ? got : "(null)", want ? want : "(null)");
        current_failures++;
        return false;
    }
    return true;
}

void testlib_run(const char *name, void (*fn)(void))
{
    current_failures = 0;
    fn();
    if (current_failures) {
        cases_failed++;
        fprintf(stderr, "FAIL %s\n", name);
    } else {
        cases_passed++;
        fprintf(stderr, "ok   %s\n", name);
    }
}

const char *testlib_tmpdir(const char *name)
{
    static char dirs[16][512];
    static int next;
    const char *base = getenv("BORNE_TEST_TMP");
    if (!base || !*base)
        base = "/tmp";
    mkdir(base, 0755);
    char *slot = dirs[next++ % 16];
    snprintf(slot, sizeof dirs[0], "%s/%s-XXXXXX", base, name);
    if (!mkdtemp(slot)) {
        perror("mkdtemp");
        abort();
    }
    return slot;
}

const char *testlib_path(const char *dir, const char *leaf)
{
    static char bufs[8][640];
    static int next;
    char *b = bufs[next++ % 8];
    snprintf(b, sizeof bufs[0], "%s/%s", dir, leaf);
    return b;
}

const char *testlib_write_file(const char *dir, const char *leaf, const char *text, unsigned mode)
{
    const char *path = testlib_path(dir, leaf);
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0 || chmod(path, (mode_t)mode) != 0) {
        perror(path);
        abort();
    }
    return path;
}

int testlib_finish(void)
{
    printf("%d passed, %d failed\n", cases_passed, cases_failed);
    return cases_failed ? 1 : 0;
}

int64_t testlib_local_time(int year, int month, int day, int hour, int min, int sec)
{
    struct tm tm = {0};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = min;
    tm.tm_sec = sec;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

size_t testlib_buf_append(char *data, size_t size, size_t n, void *buf)
{
    struct testlib_buf *b = buf;
    size_t len = size * n;
    char *p = realloc(b->p, b->len + len + 1);
    if (!p)
        return 0;
    memcpy(p + b->len, data, len);
    b->p = p;
    b->len += len;
    b->p[b->len] = '\0';
    return len;
}
