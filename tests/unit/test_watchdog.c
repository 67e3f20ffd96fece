/* drivers/watchdog against a fake systemd: the test owns the NOTIFY_SOCKET datagram socket
 * and reads what sd_notify sends. Time is injected through watchdog_ping_at(). */
#include "borne/watchdog.h"
#include "testlib.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int notify_fd = -1;

/* Binds a fresh datagram socket and points NOTIFY_SOCKET at it. */
static void fake_systemd(const char *name)
{
    if (notify_fd >= 0)
        close(notify_fd);
    const char *path = testlib_path(testlib_tmpdir(name), "notify");
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    CHECK(strlen(path) < sizeof sa.sun_path);
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    CHECK(notify_fd >= 0);
    CHECK_INT(bind(notify_fd, (struct sockaddr *)&sa, sizeof sa), 0);
    setenv("NOTIFY_SOCKET", path, 1);
}

static void no_systemd(void)
{
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    unsetenv("BORNE_DEBUG_FREEZE");
}

/* sd_notify's sendmsg has completed when it returns, so the datagram is already queued: a
 * non-blocking read is exact. Returns the message or "" when none is waiting. */
static const char *next_message(void)
{
    static char buf[512];
    ssize_t n = recv(notify_fd, buf, sizeof buf - 1, MSG_DONTWAIT);
    if (n < 0) {
        CHECK(errno == EAGAIN || errno == EWOULDBLOCK);
        n = 0;
    }
    buf[n] = '\0';
    return buf;
}

static watchdog *open_ok(void)
{
    watchdog *w = NULL;
    CHECK_INT(watchdog_open(&w), 0);
    CHECK(w != NULL);
    return w;
}

static void test_outside_systemd_is_a_noop(void)
{
    no_systemd();
    watchdog *w = open_ok();
    CHECK(!watchdog_enabled(w));
    CHECK_INT(watchdog_interval_usec(w), 0);
    CHECK_INT(watchdog_ready(w, "ready"), 0);
    CHECK_INT(watchdog_status(w, "idle"), 0);
    CHECK_INT(watchdog_ping(w), 0);
    CHECK_INT(watchdog_ping_at(w, 123456789), 0);
    CHECK_INT(watchdog_stopping(w), 0);
    CHECK(!watchdog_debug_freeze_requested(w));
    watchdog_debug_freeze_point(w); /* returns: nothing was requested */
    watchdog_close(w);
}

static void test_ready_and_status(void)
{
    no_systemd();
    fake_systemd("wd-ready");
    watchdog *w = open_ok();
    CHECK(!watchdog_enabled(w));
    CHECK_INT(watchdog_ready(w, "kiosk fourmies"), 0);
    CHECK_STR(next_message(), "READY=1\nSTATUS=kiosk fourmies");
    /* A newline would start a new assignment (e.g. a forged READY=1): it becomes a space. */
    CHECK_INT(watchdog_status(w, "printer:\npaper out\x01\x7f"), 0);
    CHECK_STR(next_message(), "STATUS=printer: paper out  ");
    CHECK_INT(watchdog_stopping(w), 0);
    CHECK_STR(next_message(), "STOPPING=1");
    CHECK_STR(next_message(), "");
    watchdog_close(w);
}

static void test_long_status_is_truncated(void)
{
    no_systemd();
    fake_systemd("wd-long");
    watchdog *w = open_ok();
    char status[1000];
    memset(status, 'x', sizeof status - 1);
    status[sizeof status - 1] = '\0';
    CHECK_INT(watchdog_status(w, status), 0);
    const char *m = next_message();
    CHECK(strncmp(m, "STATUS=xxx", 10) == 0);
    CHECK(strlen(m) < sizeof status);
    watchdog_close(w);
}

static void test_ping_rate_limited_to_quarter_interval(void)
{
    no_systemd();
    fake_systemd("wd-ping");
    setenv("WATCHDOG_USEC", "4000000", 1);
    watchdog *w = open_ok();
    CHECK(watchdog_enabled(w));
    CHECK_INT(watchdog_interval_usec(w), 4000000);
    CHECK_INT(watchdog_next_ping_ms(w), 0);   /* never pinged: due now */
    const uint64_t t0 = 5000000;
    CHECK_INT(watchdog_ping_at(w, t0), 1);
    CHECK_STR(next_message(), "WATCHDOG=1");
    CHECK_INT(watchdog_ping_at(w, t0 + 10000), 0);
    CHECK_INT(watchdog_ping_at(w, t0 + 999999), 0);
    CHECK_STR(next_message(), "");
    CHECK_INT(watchdog_ping_at(w, t0 + 1000000), 1);
    CHECK_STR(next_message(), "WATCHDOG=1");
    CHECK_INT(watchdog_ping_at(w, t0 + 1500000), 0);
    CHECK_INT(watchdog_ping_at(w, t0 + 2600000), 1);
    CHECK_STR(next_message(), "WATCHDOG=1");
    CHECK_STR(next_message(), "");
    /* the real clock path pings once (the injected times are far in the past) and is then due
     * again in at most a quarter interval */
    CHECK_INT(watchdog_ping(w), 1);
    CHECK_STR(next_message(), "WATCHDOG=1");
    int next = watchdog_next_ping_ms(w);
    CHECK(next > 0 && next <= 1000);
    watchdog_close(w);
    no_systemd();
    w = open_ok();
    CHECK_INT(watchdog_next_ping_ms(w), -1);   /* not watched: no deadline */
    watchdog_close(w);
}

/* WATCHDOG_PID names the process systemd watches; a child that inherited it must not ping. */
static void test_watchdog_pid_of_another_process(void)
{
    no_systemd();
    fake_systemd("wd-pid");
    setenv("WATCHDOG_USEC", "2000000", 1);
    char pid[32];
    snprintf(pid, sizeof pid, "%ld", (long)getppid());
    setenv("WATCHDOG_PID", pid, 1);
    watchdog *w = open_ok();
    CHECK(!watchdog_enabled(w));
    CHECK_INT(watchdog_ping_at(w, 1), 0);
    CHECK_STR(next_message(), "");
    watchdog_close(w);

    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    setenv("WATCHDOG_PID", pid, 1);
    w = open_ok();
    CHECK(watchdog_enabled(w));
    watchdog_close(w);
}

static void test_malformed_environment_is_an_error(void)
{
    no_systemd();
    setenv("WATCHDOG_USEC", "soon", 1);
    watchdog *w = NULL;
    int r = watchdog_open(&w);
    CHECK(r < 0);
    CHECK(w == NULL);
}

static void test_notify_socket_gone_is_an_error(void)
{
    no_systemd();
    setenv("WATCHDOG_USEC", "2000000", 1);
    setenv("NOTIFY_SOCKET", testlib_path(testlib_tmpdir("wd-gone"), "nobody-listens"), 1);
    watchdog *w = open_ok();
    CHECK(watchdog_ready(w, "x") < 0);
    CHECK(watchdog_ping_at(w, 1) < 0);
    /* a failed ping is not counted: the next call tries again */
    CHECK(watchdog_ping_at(w, 2) < 0);
    watchdog_close(w);
}

static void test_debug_freeze_needs_the_variable(void)
{
    no_systemd();
    watchdog *w = open_ok();
    CHECK(!watchdog_debug_freeze_requested(w));
    watchdog_close(w);

    setenv("BORNE_DEBUG_FREEZE", "1", 1);
    w = open_ok();
    CHECK(!watchdog_debug_freeze_requested(w));
    CHECK_INT(raise(SIGUSR2), 0); /* handled, not fatal */
    CHECK(watchdog_debug_freeze_requested(w));
    watchdog_close(w);

    /* a watchdog opened without the variable ignores a freeze request */
    unsetenv("BORNE_DEBUG_FREEZE");
    w = open_ok();
    CHECK(!watchdog_debug_freeze_requested(w));
    watchdog_debug_freeze_point(w);
    watchdog_close(w);
}

int main(void)
{
    RUN(test_outside_systemd_is_a_noop);
    RUN(test_ready_and_status);
    RUN(test_long_status_is_truncated);
    RUN(test_ping_rate_limited_to_quarter_interval);
    RUN(test_watchdog_pid_of_another_process);
    RUN(test_malformed_environment_is_an_error);
    RUN(test_notify_socket_gone_is_an_error);
    RUN(test_debug_freeze_needs_the_variable);
    if (notify_fd >= 0)
        close(notify_fd);
    return testlib_finish();
}
