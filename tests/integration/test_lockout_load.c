/* The hostile LAN fixture (see test_lockout_load.h): one poll(2) loop over every socket. */
#include "test_lockout_load.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef enum slot_state { SLOT_CLOSED, SLOT_CONNECTING, SLOT_OPEN } slot_state;

typedef struct slot {
    int fd;
    bool slow;
    slot_state state;
    int status;              /* HTTP status seen on a stream, 0 before */
    char head[16];           /* first bytes of the answer, to read the status */
    size_t head_len;
    int64_t next_ms;         /* reopen (closed) or next header line (slow) */
    struct in_addr source;
} slot;

struct lockout_load {
    lockout_plan plan;
    slot *slots;
    int n;
    struct pollfd *pfd;
    pthread_t thread;
    atomic_bool stop;
    pthread_mutex_t mu;
    lockout_stats stats;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void die(const char *what)
{
    fprintf(stderr, "lockout load: %s: %s\n", what, strerror(errno));
    abort();
}

/* Small writes into an empty socket buffer: they fit, or the server is gone, which the next
 * read says. */
static void send_all(slot *s, const char *text)
{
    (void)!send(s->fd, text, strlen(text), MSG_NOSIGNAL);
}

static void close_slot(lockout_load *l, slot *s, bool by_server)
{
    close(s->fd);
    s->fd = -1;
    pthread_mutex_lock(&l->mu);
    if (s->state == SLOT_OPEN && s->slow)
        l->stats.slow_open--;
    if (s->status == 200)
        l->stats.streams_open--;
    else if (s->status)
        l->stats.streams_refused--;
    if (by_server)
        l->stats.closed_by_server++;
    pthread_mutex_unlock(&l->mu);
    s->state = SLOT_CLOSED;
    s->status = 0;
    s->head_len = 0;
    s->next_ms = now_ms() + l->plan.retry_ms;
}

static void open_slot(lockout_load *l, slot *s)
{
    s->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->fd < 0)
        die("socket");
    int one = 1;
    setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in src = {.sin_family = AF_INET, .sin_addr = s->source};
    if (bind(s->fd, (struct sockaddr *)&src, sizeof src) != 0)
        die("bind to a loopback address");
    struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons((uint16_t)l->plan.port)};
    inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
    if (connect(s->fd, (struct sockaddr *)&dst, sizeof dst) != 0 && errno != EINPROGRESS) {
        close(s->fd);
        s->fd = -1;
        s->next_ms = now_ms() + l->plan.retry_ms;
        return;
    }
    s->state = SLOT_CONNECTING;
    pthread_mutex_lock(&l->mu);
    l->stats.connects++;
    pthread_mutex_unlock(&l->mu);
}

static void connected(lockout_load *l, slot *s)
{
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err) {
        close_slot(l, s, true);
        return;
    }
    s->state = SLOT_OPEN;
    if (s->slow) {
        send_all(s, l->plan.slow_start);
        s->next_ms = now_ms() + l->plan.slow_period_ms;
        pthread_mutex_lock(&l->mu);
        l->stats.slow_open++;
        pthread_mutex_unlock(&l->mu);
    } else {
        send_all(s, l->plan.stream_request);
    }
}

static void readable(lockout_load *l, slot *s)
{
    char buf[4096];
    ssize_t n = recv(s->fd, buf, sizeof buf, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        close_slot(l, s, true);
        return;
    }
    if (n < 0 || s->slow || s->status)
        return;
    size_t take = (size_t)n < sizeof s->head - 1 - s->head_len ? (size_t)n : sizeof s->head - 1 - s->head_len;
    memcpy(s->head + s->head_len, buf, take);
    s->head_len += take;
    s->head[s->head_len] = '\0';
    int status;
    if (s->head_len >= 12 && sscanf(s->head, "HTTP/1.%*d %d", &status) == 1) {
        s->status = status;
        pthread_mutex_lock(&l->mu);
        if (status == 200)
            l->stats.streams_open++;
        else
            l->stats.streams_refused++;
        pthread_mutex_unlock(&l->mu);
    }
}

static void *run(void *arg)
{
    lockout_load *l = arg;
    while (!atomic_load(&l->stop)) {
        int64_t t = now_ms();
        for (int i = 0; i < l->n; i++) {
            slot *s = &l->slots[i];
            if (s->state == SLOT_CLOSED && t >= s->next_ms)
                open_slot(l, s);
            else if (s->state == SLOT_OPEN && s->slow && t >= s->next_ms) {
                send_all(s, "X-Slow: x\r\n");
                s->next_ms = t + l->plan.slow_period_ms;
            }
            l->pfd[i].fd = s->fd;
            l->pfd[i].events = s->state == SLOT_CONNECTING ? POLLOUT : POLLIN;
            l->pfd[i].revents = 0;
        }
        if (poll(l->pfd, (nfds_t)l->n, 50) < 0 && errno != EINTR)
            die("poll");
        for (int i = 0; i < l->n; i++) {
            slot *s = &l->slots[i];
            if (s->fd < 0 || !l->pfd[i].revents)
                continue;
            if (s->state == SLOT_CONNECTING)
                connected(l, s);
            else if (s->state == SLOT_OPEN)
                readable(l, s);
        }
    }
    for (int i = 0; i < l->n; i++)
        if (l->slots[i].fd >= 0)
            close(l->slots[i].fd);
    return NULL;
}

void lockout_raise_nofile(int need)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        die("getrlimit");
    if (rl.rlim_cur >= (rlim_t)need)
        return;
    if (rl.rlim_max < (rlim_t)need) {
        fprintf(stderr, "lockout load: needs %d open files, the hard limit is %llu\n", need,
                (unsigned long long)rl.rlim_max);
        abort();
    }
    rl.rlim_cur = (rlim_t)need;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        die("setrlimit");
}

lockout_load *lockout_start(const lockout_plan *plan)
{
    lockout_load *l = calloc(1, sizeof *l);
    if (!l)
        die("calloc");
    l->plan = *plan;
    l->n = plan->streams + plan->slow;
    /* ours, the server's side of each, and room for the test's own */
    lockout_raise_nofile(2 * l->n + 1024);
    l->slots = calloc((size_t)l->n, sizeof *l->slots);
    l->pfd = calloc((size_t)l->n, sizeof *l->pfd);
    if (!l->slots || !l->pfd)
        die("calloc");
    for (int i = 0; i < l->n; i++) {
        int a = i / plan->per_address;   /* 127.0.1.2 onwards, 250 addresses per third octet */
        char ip[32];
        snprintf(ip, sizeof ip, "127.0.%d.%d", 1 + a / 250, 2 + a % 250);
        inet_pton(AF_INET, ip, &l->slots[i].source);
        l->slots[i].fd = -1;
        l->slots[i].slow = i >= plan->streams;
    }
    pthread_mutex_init(&l->mu, NULL);
    if (pthread_create(&l->thread, NULL, run, l) != 0)
        die("pthread_create");
    return l;
}

void lockout_stats_get(lockout_load *l, lockout_stats *out)
{
    pthread_mutex_lock(&l->mu);
    *out = l->stats;
    pthread_mutex_unlock(&l->mu);
}

void lockout_stop(lockout_load *l)
{
    atomic_store(&l->stop, true);
    pthread_join(l->thread, NULL);
    pthread_mutex_destroy(&l->mu);
    free(l->slots);
    free(l->pfd);
    free(l);
}

long lockout_rss_kib(int pid)
{
    char path[64], line[256];
    if (pid)
        snprintf(path, sizeof path, "/proc/%d/status", pid);
    else
        snprintf(path, sizeof path, "/proc/self/status");
    FILE *f = fopen(path, "r");
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
            break;
    if (f)
        fclose(f);
    return kib;
}
