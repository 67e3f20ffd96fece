/* The levelled logger. See borne/log.h. */
#include "borne/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* More tags than the program has rooms: a tag beyond it shares the last bucket, which only
 * makes its rate limit stricter. */
enum { MAX_TAGS = 48 };

struct log_bucket {
    const char *tag;
    double tokens;
    int64_t refilled_ms;
    unsigned long long suppressed;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct log_bucket buckets[MAX_TAGS];
static int n_buckets;
static int out_fd = 2;
static log_level max_level = LOG_LEVEL_INFO;
static borne_clock clock_in_use;
static bool clock_set;

void log_set_max_level(log_level max)
{
    pthread_mutex_lock(&lock);
    max_level = max;
    pthread_mutex_unlock(&lock);
}

void log_set_fd(int fd)
{
    pthread_mutex_lock(&lock);
    out_fd = fd;
    pthread_mutex_unlock(&lock);
}

void log_set_clock(const borne_clock *c)
{
    pthread_mutex_lock(&lock);
    clock_set = c != NULL;
    if (c)
        clock_in_use = *c;
    pthread_mutex_unlock(&lock);
}

static int64_t now_ms(void)
{
    return clock_set ? borne_clock_now_ms(&clock_in_use) : clock_mono_ms();
}

static struct log_bucket *bucket_of(log_module *m)
{
    if (m->bucket)
        return m->bucket;
    for (int i = 0; i < n_buckets; i++)
        if (strcmp(buckets[i].tag, m->tag) == 0)
            return m->bucket = &buckets[i];
    struct log_bucket *b = &buckets[n_buckets < MAX_TAGS ? n_buckets++ : MAX_TAGS - 1];
    if (!b->tag)
        *b = (struct log_bucket){.tag = m->tag, .tokens = LOG_BURST, .refilled_ms = now_ms()};
    return m->bucket = b;
}

static bool take_token(struct log_bucket *b)
{
    int64_t now = now_ms();
    if (now > b->refilled_ms) {
        b->tokens += (double)(now - b->refilled_ms) * LOG_PER_SECOND / 1000.0;
        if (b->tokens > LOG_BURST)
            b->tokens = LOG_BURST;
    }
    /* A clock that went back (a test's, or a monotonic origin change) restarts the refill. */
    b->refilled_ms = now;
    if (b->tokens < 1.0)
        return false;
    b->tokens -= 1.0;
    return true;
}

static void write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(out_fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return; /* nowhere left to say it */
        p += w;
        n -= (size_t)w;
    }
}

static void report_suppressed(struct log_bucket *b)
{
    if (!b->suppressed)
        return;
    char line[128];
    int n = snprintf(line, sizeof line, "<%d>%s: %llu messages suppressed\n", LOG_LEVEL_WARN, b->tag,
                     b->suppressed);
    write_all(line, n < (int)sizeof line ? (size_t)n : sizeof line - 1);
    b->suppressed = 0;
}

/* Writes "<N>tag: " then the message without the tag, its trailing newlines and blanks, and
 * any other control byte, as one line. */
static void write_line(const char *tag, log_level level, char *msg)
{
    size_t tag_len = strlen(tag);
    while (strncmp(msg, tag, tag_len) == 0 && msg[tag_len] == ':' && msg[tag_len + 1] == ' ')
        msg += tag_len + 2;
    size_t len = strlen(msg);
    while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == '\r' || msg[len - 1] == ' '))
        msg[--len] = '\0';
    char line[LOG_LINE_MAX];
    int head = snprintf(line, sizeof line, "<%d>%s: ", (int)level, tag);
    size_t n = head < (int)sizeof line - 1 ? (size_t)head : sizeof line - 2;
    for (; *msg && n < sizeof line - 1; msg++) {
        unsigned char c = (unsigned char)*msg;
        line[n++] = (c < 0x20 && c != '\t') || c == 0x7f ? '?' : (char)c;
    }
    line[n++] = '\n';
    write_all(line, n);
}

void log_vwrite(log_module *m, log_level level, const char *fmt, va_list ap)
{
    char msg[LOG_LINE_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    pthread_mutex_lock(&lock);
    if (level <= max_level) {
        struct log_bucket *b = bucket_of(m);
        if (take_token(b)) {
            report_suppressed(b);
            write_line(m->tag, level, msg);
        } else {
            b->suppressed++;
        }
    }
    pthread_mutex_unlock(&lock);
}

void log_write(log_module *m, log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vwrite(m, level, fmt, ap);
    va_end(ap);
}

void log_flush(void)
{
    pthread_mutex_lock(&lock);
    for (int i = 0; i < n_buckets; i++)
        report_suppressed(&buckets[i]);
    pthread_mutex_unlock(&lock);
}
