/* Every role of the real `borne` program under the systemd notify protocol, played by this test:
 * NOTIFY_SOCKET is a datagram socket the test owns and WATCHDOG_USEC is set, as borne.service
 * does. For the kiosk, a desk appliance against that kiosk's hub, a desk appliance against a hub
 * that does not answer, and the display: READY=1 within 5 s of the start, WATCHDOG=1 on the
 * cadence systemd asks for (see check_cadence), STOPPING=1 on SIGTERM and exit status 0.
 *
 *   test_shell_roles notify          the above
 *   test_shell_roles sigterm N       N starts of a role (kiosk and display in turn), each stopped
 *                                    by SIGTERM after a random delay within its start-up or its
 *                                    loop: it must stop cleanly every time (exit status 0, or
 *                                    killed by SIGTERM before main() ran, which systemd counts as
 *                                    clean too), within a generous deadline, and say STOPPING=1
 *                                    whenever it had said READY=1.
 *
 * Offscreen: SDL's dummy video and audio drivers. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"

#define WATCHDOG_USEC 4000000LL          /* pings due at least every 2 s */
#define READY_WITHIN_MS 5000
#define STOP_WITHIN_MS 20000              /* generous: a loaded CI machine */
#define TOKEN "0123456789abcdef0123456789abcdef"

static char dir[512];
static int hub_port, dead_port;

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A TCP port nobody listens on right now (bound then closed). */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
        getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
        port = ntohs(sa.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static bool write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return false;
    bool ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
    return close(fd) == 0 && ok;
}

/* One config for every role: the kiosk listens on hub_port; the appliances look for the hub at
 * url_port (hub_port, or a port where nothing answers). */
static const char *write_config(const char *name, int url_port, char *path, size_t len)
{
    char text[2048];
    snprintf(text, sizeof text,
             "[antenne]\nid = test\nname = Antenne de test\ntimezone = Europe/Paris\n"
             "[hours]\nalways_open = true\n[device]\ncounter = 1\n"
             "[service.A]\nlabel_fr = Aides\nlabel_en = Grants\norder = 1\n"
             "[counter.1]\nname = Guichet 1\nservices = A\ntoken_file = %s/desk1.token\n"
             "[printer]\ndevice = virtual\n[hub]\nlisten = 127.0.0.1:%d\nurl = http://127.0.0.1:%d\n",
             dir, hub_port, url_port);
    snprintf(path, len, "%s", testlib_path(dir, name));
    CHECK(write_file(path, text, 0644));
    return path;
}

#define GAPS_MAX 256

typedef struct notify_log {
    int fd;
    int64_t started_ms;
    int64_t ready_ms;        /* -1 until READY=1 */
    /* Times of arrival in the socket (the kernel's stamp, not when this test got round to reading
     * it: the test's own scheduling delay must not count against the process under watch). */
    int64_t last_ping_us;    /* READY=1 or the last WATCHDOG=1; -1 before READY=1 */
    int64_t gaps_us[GAPS_MAX];   /* between READY=1 and each ping, then between pings */
    int n_gaps;
    int pings;
    bool stopping;
    char status[128];        /* last STATUS= */
} notify_log;

static int notify_socket(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int on = 1;
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) != 0) {
        perror(path);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* now: when the test read it (ms, monotonic); arrived_us: the kernel's stamp of its arrival. */
static void note(notify_log *n, char *buf, int64_t now, int64_t arrived_us)
{
    for (char *save = NULL, *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (strcmp(line, "READY=1") == 0 && n->ready_ms < 0) {
            n->ready_ms = now;
            n->last_ping_us = arrived_us;
        } else if (strcmp(line, "WATCHDOG=1") == 0) {
            if (n->last_ping_us >= 0 && n->n_gaps < GAPS_MAX)
                n->gaps_us[n->n_gaps++] = arrived_us - n->last_ping_us;
            if (n->last_ping_us >= 0)
                n->last_ping_us = arrived_us;
            n->pings++;
        } else if (strcmp(line, "STOPPING=1") == 0) {
            n->stopping = true;
        } else if (strncmp(line, "STATUS=", 7) == 0) {
            snprintf(n->status, sizeof n->status, "%s", line + 7);
        }
    }
}

/* The processes under watch: their messages are timed as they arrive, all of them at once. */
static notify_log *watched[2];

/* Reads what arrives on every watched socket for up to ms; notes READY, pings and STOPPING. */
static void read_notify(int ms)
{
    int64_t until = mono_ms() + ms;
    for (int64_t now = mono_ms(); now < until; now = mono_ms()) {
        struct pollfd p[2];
        notify_log *who[2];
        int n = 0;
        for (int i = 0; i < 2; i++)
            if (watched[i]) {
                p[n] = (struct pollfd){.fd = watched[i]->fd, .events = POLLIN};
                who[n++] = watched[i];
            }
        if (poll(p, (nfds_t)n, (int)(until - now)) <= 0)
            continue;
        for (int i = 0; i < n; i++) {
            char buf[512];
            union {
                char space[CMSG_SPACE(sizeof(struct timespec))];
                struct cmsghdr align;
            } ctl;
            struct iovec iov = {buf, sizeof buf - 1};
            struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.space,
                                 .msg_controllen = sizeof ctl.space};
            ssize_t len = p[i].revents ? recvmsg(p[i].fd, &msg, MSG_DONTWAIT) : -1;
            if (len <= 0)
                continue;
            buf[len] = '\0';
            struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
            while (c && !(c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS))
                c = CMSG_NXTHDR(&msg, c);
            struct timespec at;   /* CLOCK_REALTIME: only differences are used */
            if (!CHECK(c != NULL))
                continue;
            memcpy(&at, CMSG_DATA(c), sizeof at);
            note(who[i], buf, mono_ms(), (int64_t)at.tv_sec * 1000000 + at.tv_nsec / 1000);
        }
    }
}

static int by_value(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The watchdog's two promises, told apart from the machine's load. systemd declares a process
 * hung when no WATCHDOG=1 came for WatchdogSec (WATCHDOG_USEC): a gap of that length is a miss,
 * whatever its cause, and is never allowed. The shell's own schedule is a ping every quarter of
 * it (drivers/watchdog), so that it stays within half of WatchdogSec as sd_watchdog_enabled(3)
 * advises. A single gap is the schedule plus however long the machine kept the process (or its
 * loop turn) from running: on a loaded machine, one gap over WATCHDOG_USEC/2 says nothing about
 * the shell, and asserting on it made this test flaky. A wrong schedule (a loop that sleeps past
 * the ping, or a period over half the interval) makes every gap long, so the median gap, which
 * sporadic delays do not move, must be within half: that is what the shell intends. */
static void check_cadence(const char *who, notify_log *n)
{
    CHECK(n->pings >= 2);
    if (n->n_gaps == 0)
        return;
    int64_t sorted[GAPS_MAX];
    memcpy(sorted, n->gaps_us, (size_t)n->n_gaps * sizeof sorted[0]);
    qsort(sorted, (size_t)n->n_gaps, sizeof sorted[0], by_value);
    int64_t median = sorted[n->n_gaps / 2], longest = sorted[n->n_gaps - 1];
    fprintf(stderr, "    %s: %d pings, gaps median %lld ms, longest %lld ms (WatchdogSec %lld ms)\n", who,
            n->pings, (long long)(median / 1000), (long long)(longest / 1000),
            (long long)(WATCHDOG_USEC / 1000));
    CHECK(longest < WATCHDOG_USEC);
    CHECK(median <= WATCHDOG_USEC / 2);
}

/* Starts borne with its output in <dir>/<log>; returns the pid. */
static pid_t start_borne(const char *config, const char *role, const char *sock, const char *log)
{
    char bin[600], store[600], assets[600];
    snprintf(bin, sizeof bin, "%s/borne", getenv("BORNE_BIN"));
    snprintf(store, sizeof store, "%s", testlib_path(dir, "borne.db"));
    snprintf(assets, sizeof assets, "%s", getenv("BORNE_ASSETS"));
    const char *logpath = testlib_path(dir, log);
    pid_t pid = fork();
    if (pid == 0) {
        int out = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (out >= 0) {
            dup2(out, 1);
            dup2(out, 2);
        }
        char usec[32];
        snprintf(usec, sizeof usec, "%lld", WATCHDOG_USEC);
        setenv("NOTIFY_SOCKET", sock, 1);
        setenv("WATCHDOG_USEC", usec, 1);
        unsetenv("WATCHDOG_PID");
        setenv("SDL_VIDEODRIVER", "dummy", 1);
        setenv("SDL_AUDIODRIVER", "dummy", 1);
        execl(bin, bin, "--config", config, "--role", role, "--store", store, "--assets", assets,
              "--window", "800x480", (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* Waits for pid up to ms; returns its wait status, or -1 on timeout (then it is killed). */
static int wait_exit(pid_t pid, int ms)
{
    int64_t until = mono_ms() + ms;
    int status;
    while (mono_ms() < until) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return status;
        struct timespec pause = {0, 10 * 1000000};
        nanosleep(&pause, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
}

/* One role through its whole life under the notify protocol; its STATUS= must come to say
 * want_status (the appliances: whether they reach the hub). */
static void one_role(const char *what, const char *config, const char *role, const char *want_status)
{
    fprintf(stderr, "  %s\n", what);
    char sock[600];
    snprintf(sock, sizeof sock, "%s", testlib_path(dir, "notify.sock"));
    notify_log n = {.fd = notify_socket(sock), .ready_ms = -1, .last_ping_us = -1};
    if (!CHECK(n.fd >= 0))
        return;
    watched[1] = &n;
    n.started_ms = mono_ms();
    pid_t pid = start_borne(config, role, sock, "borne.log");
    while (n.ready_ms < 0 && mono_ms() - n.started_ms < READY_WITHIN_MS)
        read_notify(50);
    CHECK(n.ready_ms >= 0);
    /* Long enough for several pings: they are due every WATCHDOG_USEC/4. */
    read_notify((int)(WATCHDOG_USEC / 1000) * 3 / 2);
    fprintf(stderr, "    READY after %lld ms\n", (long long)(n.ready_ms - n.started_ms));
    check_cadence(what, &n);
    for (int64_t until = mono_ms() + READY_WITHIN_MS; strcmp(n.status, want_status) != 0 && mono_ms() < until;)
        read_notify(50);
    CHECK_STR(n.status, want_status);
    kill(pid, SIGTERM);
    int status = wait_exit(pid, STOP_WITHIN_MS);
    read_notify(100);
    CHECK(n.stopping);
    CHECK(status >= 0 && WIFEXITED(status));
    CHECK_INT(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0);
    watched[1] = NULL;
    close(n.fd);
}

static void roles_under_notify(void)
{
    char config_path[600], far_path[600];
    const char *config = write_config("borne.ini", hub_port, config_path, sizeof config_path);
    const char *far = write_config("far.ini", dead_port, far_path, sizeof far_path);
    /* The kiosk keeps running while the appliances and the display talk to its hub. */
    char sock[600];
    snprintf(sock, sizeof sock, "%s", testlib_path(dir, "kiosk-notify.sock"));
    notify_log kn = {.fd = notify_socket(sock), .ready_ms = -1, .last_ping_us = -1};
    if (!CHECK(kn.fd >= 0))
        return;
    watched[0] = &kn;
    fprintf(stderr, "  kiosk (hub on 127.0.0.1:%d)\n", hub_port);
    kn.started_ms = mono_ms();
    pid_t kiosk = start_borne(config, "kiosk", sock, "kiosk.log");
    while (kn.ready_ms < 0 && mono_ms() - kn.started_ms < READY_WITHIN_MS)
        read_notify(50);
    CHECK(kn.ready_ms >= 0);
    fprintf(stderr, "    READY after %lld ms\n", (long long)(kn.ready_ms - kn.started_ms));

    one_role("desk appliance, hub up", config, "counter", "serving, hub connected");
    one_role("desk appliance, hub unreachable", far, "counter", "serving, hub unreachable");
    one_role("display", config, "display", "serving, hub connected");

    read_notify(10);
    check_cadence("kiosk", &kn);
    kill(kiosk, SIGTERM);
    int status = wait_exit(kiosk, STOP_WITHIN_MS);
    read_notify(100);
    CHECK(kn.stopping);
    CHECK_INT(status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0);
    watched[0] = NULL;
    close(kn.fd);
}

static int sigterm_runs = 20;

static void sigterm_anytime(void)
{
    char config_path[600], sock[600];
    const char *config = write_config("borne.ini", hub_port, config_path, sizeof config_path);
    snprintf(sock, sizeof sock, "%s", testlib_path(dir, "notify.sock"));
    unsigned seed = (unsigned)time(NULL);
    fprintf(stderr, "  %d runs, seed %u\n", sigterm_runs, seed);
    int exited = 0, killed_early = 0, after_ready = 0;
    for (int i = 0; i < sigterm_runs; i++) {
        const char *role = i % 2 ? "display" : "kiosk";
        notify_log n = {.fd = notify_socket(sock), .ready_ms = -1, .last_ping_us = -1};
        if (!CHECK(n.fd >= 0))
            return;
        watched[1] = &n;
        /* 0 to 1 s: from exec, through the loader, SDL and the role's start, into the loop. */
        int delay_ms = (int)(rand_r(&seed) % 1000);
        pid_t pid = start_borne(config, role, sock, "sigterm.log");
        read_notify(delay_ms);
        kill(pid, SIGTERM);
        int status = wait_exit(pid, STOP_WITHIN_MS);
        read_notify(50);
        bool clean_exit = status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
        bool early_kill = status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM && n.ready_ms < 0;
        if (!CHECK(clean_exit || early_kill))
            fprintf(stderr, "    run %d (%s, SIGTERM after %d ms): status %d\n", i, role, delay_ms, status);
        if (n.ready_ms >= 0 && !CHECK(n.stopping))
            fprintf(stderr, "    run %d (%s): READY=1 without STOPPING=1\n", i, role);
        exited += clean_exit;
        killed_early += early_kill;
        after_ready += n.ready_ms >= 0;
        watched[1] = NULL;
        close(n.fd);
    }
    fprintf(stderr, "  %d clean exits (%d after READY=1), %d killed before main() blocked SIGTERM\n", exited,
            after_ready, killed_early);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "notify";
    snprintf(dir, sizeof dir, "%s", testlib_tmpdir("shell_roles"));
    hub_port = free_port();
    do
        dead_port = free_port();
    while (dead_port == hub_port);
    CHECK(write_file(testlib_path(dir, "desk1.token"), TOKEN "\n", 0600));
    if (strcmp(mode, "sigterm") == 0) {
        if (argc > 2)
            sigterm_runs = atoi(argv[2]);
        RUN(sigterm_anytime);
    } else {
        RUN(roles_under_notify);
    }
    return testlib_finish();
}
