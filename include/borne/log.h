/* One levelled logger for every room.
 *
 * A .c file names its module once, at the top:
 *
 *     BORNE_LOG_MODULE("hub");
 *
 * then writes log_error(), log_warn(), log_notice(), log_info() or log_debug() with a printf
 * format. Each call writes one line "<N>tag: message" to stderr: N is the sd-daemon priority
 * (3 error .. 7 debug), which journald turns into the record's priority when the program runs
 * under systemd, and the tag says which room spoke. The message never holds the tag (a message
 * that starts with "tag: " has it removed, so "hub: hub:" cannot happen), never a newline or
 * another control byte (replaced by '?': one call is one journal record, and text that came
 * from outside cannot move the cursor of a terminal), and is cut at LOG_LINE_MAX bytes.
 *
 * Floods: each tag has a token bucket (LOG_BURST lines, refilled at LOG_PER_SECOND lines a
 * second, on the monotonic clock). A line beyond it is counted, not written; the next line
 * that passes, or log_flush(), first writes "<4>tag: N messages suppressed". Debug lines below
 * the level threshold are dropped before the bucket and count for nothing.
 *
 * Thread-safe: one mutex around the bucket and one write(2) per line, so lines of two threads
 * never interleave. Async-signal-safe: no. Never exits, never allocates. */
#ifndef BORNE_LOG_H
#define BORNE_LOG_H

#include <stdarg.h>

#include "borne/clock.h"

typedef enum log_level {
    LOG_LEVEL_ERROR = 3,
    LOG_LEVEL_WARN = 4,
    LOG_LEVEL_NOTICE = 5,
    LOG_LEVEL_INFO = 6,
    LOG_LEVEL_DEBUG = 7,
} log_level;

enum {
    LOG_LINE_MAX = 1024,   /* bytes of one line, prefix and newline included */
    LOG_BURST = 100,       /* lines a tag may write at once */
    LOG_PER_SECOND = 10,   /* sustained lines a second per tag */
};

/* One per .c file (BORNE_LOG_MODULE); the bucket is shared by every file with the same tag. */
typedef struct log_module {
    const char *tag;
    struct log_bucket *bucket; /* found by tag on first use, under the logger's mutex */
} log_module;

#define BORNE_LOG_MODULE(tag_) \
    static log_module borne_log_module_ __attribute__((unused)) = {.tag = (tag_)}

#define log_error(...) log_write(&borne_log_module_, LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) log_write(&borne_log_module_, LOG_LEVEL_WARN, __VA_ARGS__)
#define log_notice(...) log_write(&borne_log_module_, LOG_LEVEL_NOTICE, __VA_ARGS__)
#define log_info(...) log_write(&borne_log_module_, LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_write(&borne_log_module_, LOG_LEVEL_DEBUG, __VA_ARGS__)

void log_write(log_module *m, log_level level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same with a va_list (a library's log callback, e.g. libmicrohttpd's). */
void log_vwrite(log_module *m, log_level level, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

/* Lines above `max` are dropped (default LOG_LEVEL_INFO). */
void log_set_max_level(log_level max);

/* Where lines go: a file descriptor (default 2, stderr). Tests point it at a file. */
void log_set_fd(int fd);

/* The clock of the token buckets, in milliseconds on any monotonic origin; NULL = the real
 * monotonic clock. The clock (and its ctx) must outlive every log call. Tests inject a fixed one. */
void log_set_clock(const borne_clock *c);

/* Writes the "N messages suppressed" line of every tag that has some pending (at exit, or
 * after a flood, so the count is not lost when no further line comes). */
void log_flush(void);

#endif
