/* The logger: line format, tag and control-byte hygiene, levels, the per-tag flood limit (a
 * flood of 100k lines writes a bounded number and says how many it suppressed), threads. */
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "borne/log.h"
#include "testlib.h"

BORNE_LOG_MODULE("hub");
static log_module other = {.tag = "collector"};

static const char *dir;
static borne_fixed_clock fixed;
static char text[1 << 20];

static int out_fd = -1;

/* Starts a fresh output file, at a time far from the last (every bucket full again). */
static void capture(const char *name)
{
    out_fd = open(testlib_path(dir, name), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out_fd < 0)
        abort();
    log_set_fd(out_fd);
    borne_fixed_clock_advance(&fixed, 3600 * 1000);
}

/* Everything written since capture(), pending suppression counts included; ends the capture. */
static const char *read_back(void)
{
    log_flush();
    log_set_fd(2);
    ssize_t n = pread(out_fd, text, sizeof text - 1, 0);
    text[n > 0 ? n : 0] = '\0';
    close(out_fd);
    return text;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void line_format(void)
{
    capture("format");
    log_error("disk full: %d%%", 100);
    log_warn("w");
    log_notice("n");
    log_info("i");
    log_write(&other, LOG_LEVEL_ERROR, "%s", "x");
    CHECK_STR(read_back(), "<3>hub: disk full: 100%\n<4>hub: w\n<5>hub: n\n<6>hub: i\n<3>collector: x\n");
}

static void no_double_tag_no_control_bytes(void)
{
    capture("hygiene");
    log_error("hub: hub: request failed\n");
    log_error("hub:x stays");
    log_warn("two\nlines\r\n");
    log_warn("evil \033[2J bell \a tab\tkept, del \x7f");
    log_warn("%s", "");
    CHECK_STR(read_back(), "<3>hub: request failed\n<3>hub: hub:x stays\n<4>hub: two?lines\n"
                                    "<4>hub: evil ?[2J bell ? tab\tkept, del ?\n<4>hub: \n");
}

static void long_line_cut(void)
{
    char big[3 * LOG_LINE_MAX];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    capture("long");
    log_info("%s", big);
    const char *t = read_back();
    CHECK_INT(strlen(t), LOG_LINE_MAX);
    CHECK_INT(count_lines(t), 1);
    CHECK(strncmp(t, "<6>hub: aaa", 11) == 0);
}

static void levels(void)
{
    capture("levels");
    log_debug("hidden");
    log_set_max_level(LOG_LEVEL_DEBUG);
    log_debug("shown");
    log_set_max_level(LOG_LEVEL_WARN);
    log_notice("hidden");
    log_warn("shown");
    log_set_max_level(LOG_LEVEL_INFO);
    CHECK_STR(read_back(), "<7>hub: shown\n<4>hub: shown\n");
}

static void flood_is_bounded_and_counted(void)
{
    capture("flood");
    for (int i = 0; i < 100000; i++)
        log_error("flood %d", i);
    log_write(&other, LOG_LEVEL_ERROR, "another tag still speaks");
    const char *t = read_back();
    CHECK_INT(count_lines(t), LOG_BURST + 2);
    char want[128];
    snprintf(want, sizeof want, "<4>hub: %d messages suppressed\n", 100000 - LOG_BURST);
    CHECK(strstr(t, want) != NULL);
    CHECK(strstr(t, "<3>collector: another tag still speaks\n") != NULL);
    snprintf(want, sizeof want, "<3>hub: flood %d\n", LOG_BURST - 1);
    CHECK(strstr(t, want) != NULL);
    snprintf(want, sizeof want, "<3>hub: flood %d\n", LOG_BURST);
    CHECK(strstr(t, want) == NULL);
}

static void flood_resumes_at_the_rate(void)
{
    capture("resume");
    for (int i = 0; i < 1000; i++)
        log_error("flood");
    /* Ten seconds later: LOG_PER_SECOND lines a second came back, the count comes first. */
    borne_fixed_clock_advance(&fixed, 10 * 1000);
    for (int i = 0; i < 1000; i++)
        log_error("again");
    const char *t = read_back();
    char want[128];
    snprintf(want, sizeof want, "<4>hub: %d messages suppressed\n<3>hub: again\n", 1000 - LOG_BURST);
    CHECK(strstr(t, want) != NULL);
    snprintf(want, sizeof want, "<4>hub: %d messages suppressed\n", 1000 - 10 * LOG_PER_SECOND);
    CHECK(strstr(t, want) != NULL);
    CHECK_INT(count_lines(t), LOG_BURST + 1 + 10 * LOG_PER_SECOND + 1);
}

/* The real monotonic clock: whatever the speed of the machine, lines written stay within the
 * burst plus the rate over the time the flood took. */
static void flood_on_the_real_clock(void)
{
    log_set_clock(NULL);
    capture("real");
    int64_t start = clock_mono_ms();
    for (int i = 0; i < 100000; i++)
        log_info("flood %d", i);
    int64_t took_ms = clock_mono_ms() - start;
    const char *t = read_back();
    int lines = count_lines(t);
    CHECK(lines <= LOG_BURST + (took_ms + 999) / 1000 * LOG_PER_SECOND + 2);
    CHECK(strstr(t, "messages suppressed\n") != NULL);
    borne_clock c = borne_fixed_clock_get(&fixed);
    log_set_clock(&c);
}

enum { THREADS = 4, PER_THREAD = 5000 };

static void *speak(void *arg)
{
    for (int i = 0; i < PER_THREAD; i++) {
        log_warn("thread %ld line %d with some text to make it longer than a word", (long)(intptr_t)arg, i);
        if (i % 100 == 0)
            borne_fixed_clock_advance(&fixed, 1000);
    }
    return NULL;
}

static void threads_never_interleave(void)
{
    capture("threads");
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, speak, (void *)(intptr_t)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    const char *s = read_back();
    long written = 0, suppressed = 0;
    for (const char *line = s; *line;) {
        const char *end = strchr(line, '\n');
        if (!CHECK(end != NULL))
            break;
        long th, count;
        int ln;
        char tail[80];
        if (sscanf(line, "<4>hub: thread %ld line %d with some text to make it longer than a %79[^\n]", &th, &ln,
                   tail) == 3 && strcmp(tail, "word") == 0)
            written++;
        else if (CHECK(sscanf(line, "<4>hub: %ld messages suppressed", &count) == 1))
            suppressed += count;
        line = end + 1;
    }
    CHECK_INT(written + suppressed, THREADS * PER_THREAD);
    CHECK(written < THREADS * PER_THREAD);
}

int main(void)
{
    dir = testlib_tmpdir("log");
    borne_clock c = borne_fixed_clock_get(&fixed);
    log_set_clock(&c);
    RUN(line_format);
    RUN(no_double_tag_no_control_bytes);
    RUN(long_line_cut);
    RUN(levels);
    RUN(flood_is_bounded_and_counted);
    RUN(flood_resumes_at_the_rate);
    RUN(flood_on_the_real_clock);
    RUN(threads_never_interleave);
    return testlib_finish();
}
