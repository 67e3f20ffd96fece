/* Minimal test support shared by every test program: checks that report file:line and keep
 * going, a per-test temporary directory, and a closing "N passed, N failed" line. */
#ifndef BORNE_TESTLIB_H
#define BORNE_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool testlib_check(bool ok, const char *file, int line, const char *expr);
bool testlib_check_int(long long got, long long want, const char *file, int line, const char *expr);
bool testlib_check_str(const char *got, const char *want, const char *file, int line, const char *expr);

#define CHECK(cond) testlib_check((cond), __FILE__, __LINE__, #cond)
#define CHECK_INT(got, want) testlib_check_int((long long)(got), (long long)(want), __FILE__, __LINE__, #got)
#define CHECK_STR(got, want) testlib_check_str((got), (want), __FILE__, __LINE__, #got)

/* Runs one named test case; failures inside it are counted against it. */
#define RUN(fn) testlib_run(#fn, fn)
void testlib_run(const char *name, void (*fn)(void));

/* A fresh, empty directory for this test under $BORNE_TEST_TMP (or /tmp). Owned by testlib;
 * valid until exit. Each call makes a new one. */
const char *testlib_tmpdir(const char *name);

/* Joins dir and leaf into a static rotating buffer (8 slots): convenience for test paths. */
const char *testlib_path(const char *dir, const char *leaf);

/* Writes text to dir/leaf with the given mode (chmod after writing, whatever the umask) and
 * returns the path (the same rotating buffer as testlib_path). Aborts if it cannot. */
const char *testlib_write_file(const char *dir, const char *leaf, const char *text, unsigned mode);

/* Prints "N passed, N failed" and returns the process exit status. */
int testlib_finish(void);

/* A growing byte buffer, NUL-terminated (p NULL while empty); its owner frees p. */
struct testlib_buf {
    char *p;
    size_t len;
};

/* Appends size * n bytes of data to a struct testlib_buf: a libcurl write callback, also usable on any
 * bytes. Returns size * n, or 0 (which ends a libcurl transfer) when memory runs out; the buffer is
 * then unchanged. */
size_t testlib_buf_append(char *data, size_t size, size_t n, void *buf);

/* Unix time of a local wall-clock moment in the process TZ (tests set TZ themselves). */
int64_t testlib_local_time(int year, int month, int day, int hour, int min, int sec);

#endif
