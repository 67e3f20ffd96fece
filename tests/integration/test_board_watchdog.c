/* The watchdog contract a supervised main loop relies on, end to end in a child process
 * against a fake systemd (this test owns NOTIFY_SOCKET): READY=1 first, then WATCHDOG=1 pings
 * while the loop turns, and no ping at all once the debug freeze has stopped the loop, which
 * is what makes systemd's WatchdogSec= kill and restart a frozen kiosk. Restarting itself is
 * systemd's job and needs a real systemd (see board/DEPLOY.md). */
#include "borne/watchdog.h"
#include "testlib.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* 100 ms: pings every 50 ms, so the test runs quickly. */
#define INTERVAL_USEC 100000
/* Upper bound for anything expected to happen: only a failing run waits this long. */
#define GIVE_UP_MS 10000

static int open_notify_socket(const char *name)
{
    const char *path = testlib_path(testlib_tmpdir(name), "notify");
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    CHECK(fd >= 0);
    CHECK_INT(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    setenv("NOTIFY_SOCKET", path, 1);
    return fd;
}

/* What app/main.c does each loop iteration, reduced to the watchdog calls. */
static void child_loop(void)
{
    char pid[32];
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    setenv("WATCHDOG_PID", pid, 1);
    watchdog *w = NULL;
    if (watchdog_open(&w) != 0 || !watchdog_enabled(w) || watchdog_ready(w, "test loop") != 0)
        _exit(2);
    const struct timespec turn = {.tv_sec = 0, .tv_nsec = 5000000};
    for (;;) {
        watchdog_debug_freeze_point(w);
        if (watchdog_ping(w) < 0)
            _exit(3);
        nanosleep(&turn, NULL);
    }
}

static pid_t start_child(bool freeze_armed)
{
    char usec[32];
    snprintf(usec, sizeof usec, "%d", INTERVAL_USEC);
    setenv("WATCHDOG_USEC", usec, 1);
    if (freeze_armed)
        setenv("BORNE_DEBUG_FREEZE", "1", 1);
    else
        unsetenv("BORNE_DEBUG_FREEZE");
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        child_loop();
    return pid;
}

/* Next datagram within timeout_ms into buf; false on timeout. */
static bool receive(int fd, char *buf, size_t len, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r;
    do
        r = poll(&p, 1, timeout_ms);
    while (r < 0 && errno == EINTR);
    if (r <= 0)
        return false;
    ssize_t n = recv(fd, buf, len - 1, 0);
    if (n < 0)
        return false;
    buf[n] = '\0';
    return true;
}

static void expect_ready_then_pings(int fd)
{
    char msg[512];
    CHECK(receive(fd, msg, sizeof msg, GIVE_UP_MS));
    CHECK_STR(msg, "READY=1\nSTATUS=test loop");
    for (int i = 0; i < 3; i++) {
        CHECK(receive(fd, msg, sizeof msg, GIVE_UP_MS));
        CHECK_STR(msg, "WATCHDOG=1");
    }
}

static void test_freeze_stops_the_pings(void)
{
    int fd = open_notify_socket("wd-freeze");
    pid_t child = start_child(true);
    expect_ready_then_pings(fd);

    CHECK_INT(kill(child, SIGUSR2), 0);
    char msg[512];
    bool frozen = false;
    /* Pings sent before the signal landed may still be queued; the status line marks the
     * moment the loop stopped. */
    while (!frozen && receive(fd, msg, sizeof msg, GIVE_UP_MS)) {
        if (strncmp(msg, "STATUS=debug freeze", 19) == 0)
            frozen = true;
        else
            CHECK_STR(msg, "WATCHDOG=1");
    }
    CHECK(frozen);
    /* Five whole intervals with nothing: systemd would have fired long before. */
    CHECK(!receive(fd, msg, sizeof msg, 5 * INTERVAL_USEC / 1000));
    int status = 0;
    CHECK_INT(waitpid(child, &status, WNOHANG), 0); /* frozen, not dead */

    /* What systemd does next (WatchdogSignal=, then SIGKILL); SIGKILL avoids a core dump. */
    CHECK_INT(kill(child, SIGKILL), 0);
    CHECK_INT(waitpid(child, &status, 0), child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    close(fd);
}

/* In production the variable is absent: SIGUSR2 keeps its default action and cannot be used
 * to hang a kiosk. */
static void test_hook_disarmed_without_variable(void)
{
    int fd = open_notify_socket("wd-disarmed");
    pid_t child = start_child(false);
    expect_ready_then_pings(fd);
    CHECK_INT(kill(child, SIGUSR2), 0);
    int status = 0;
    CHECK_INT(waitpid(child, &status, 0), child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR2);
    close(fd);
}

int main(void)
{
    unsetenv("WATCHDOG_PID");
    RUN(test_freeze_stops_the_pings);
    RUN(test_hook_disarmed_without_variable);
    return testlib_finish();
}
