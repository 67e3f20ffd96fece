/* Nobody on the Internet can lock the antennes out of HQ (issue 13), against the real
 * borne-collector process:
 * - 1,000 slow connections (a batch POST whose headers trickle one line every 10 s, reopened as
 *   soon as the collector ends them) from other loopback addresses, while a valid antenne
 *   uploads a batch every 500 ms: every upload goes through;
 * - request bodies held at once are capped (--pending-cap): uploads that would take the total
 *   over it are answered 503 with Retry-After, and the collector's memory stays bounded
 *   (it grew by 268 MB with 40 held 4 MB batches before).
 *
 * Usage: test_collector_lockout [seconds] (default 15; the slow label runs 60). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "borne/collector_synth.h"
#include "test_collector_harness.h"
#include "test_lockout_load.h"
#include "testlib.h"

#define SLOW 1000

static int Seconds = 15;
static int next_uuid = 1;

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static char *batch_body(const char *antenne)
{
    struct collector_synth_site site = {antenne, 1.0, 7};
    struct collector_bucket b[COLLECTOR_SYNTH_SERVICES];
    int64_t now = (int64_t)time(NULL);
    size_t n = collector_synth_hour(&site, now / 86400 - 2, 10, next_uuid, b, COLLECTOR_SYNTH_SERVICES);
    char uuid[COLLECTOR_UUID_LEN + 1];
    collector_synth_uuid((uint64_t)next_uuid++, 13, uuid);
    return collector_synth_body(antenne, uuid, now, b, n, NULL);
}

static long upload(struct harness *h)
{
    char *body = batch_body("site-0");
    char *resp = NULL;
    long st = harness_post(h, "site-0", harness_token(0), body, &resp);
    free(body);
    free(resp);
    return st;
}

static void test_uploads_through_slow_connections(void)
{
    struct harness h;
    if (!CHECK(harness_start(&h, "collector_lockout", "sqlite", 2, 4, NULL)))
        return;
    /* The antenne has uploaded before: its address may use the reserved slots. */
    CHECK_INT(upload(&h), 200);
    lockout_load *load = lockout_start(&(lockout_plan){
        .port = h.port, .slow = SLOW,
        .slow_start = "POST /api/v1/antennes/site-1/batches HTTP/1.1\r\nHost: 127.0.0.1\r\n",
        .slow_period_ms = 10000, .per_address = 8, .retry_ms = 500});
    lockout_stats st;
    int64_t until = mono_us() + 60 * 1000000LL;
    do {
        sleep_ms(100);
        lockout_stats_get(load, &st);
    } while (st.connects < SLOW && mono_us() < until);
    CHECK(st.connects >= SLOW);

    int tries = Seconds * 2, ok = 0;
    int64_t t0 = mono_us(), next = t0;
    for (int i = 0; i < tries; i++) {
        ok += upload(&h) == 200;
        next += 500000;
        int64_t wait = next - mono_us();
        if (wait > 0)
            sleep_ms((long)(wait / 1000));
    }
    lockout_stats_get(load, &st);
    lockout_stop(load);
    CHECK_INT(ok, tries);
    printf("collector lock-out (%d s, %d slow connections, %d held at the end, %lld opened): uploads %d/%d\n",
           Seconds, SLOW, st.slow_open, (long long)st.connects, ok, tries);
    CHECK(harness_stop(&h));
}

static int connect_local(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&dst, sizeof dst) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* The status of an answer already sent, or 0 when none came within timeout_ms. */
static int answer_status(int fd, int timeout_ms, char *head, size_t cap)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, timeout_ms) != 1)
        return 0;
    ssize_t n = recv(fd, head, cap - 1, 0);
    if (n <= 0)
        return 0;
    head[n] = '\0';
    int status = 0;
    return sscanf(head, "HTTP/1.%*d %d", &status) == 1 ? status : 0;
}

#define HELD 40
#define BODY_CAP (1 << 20)
#define PENDING_CAP (4 << 20)

static void test_pending_memory_is_capped(void)
{
    struct harness h;
    static const char *const extra[] = {"--body-cap", "1048576", "--pending-cap", "4194304", NULL};
    if (!CHECK(harness_start(&h, "collector_memcap", "sqlite", 2, 4, extra)))
        return;
    long rss0 = lockout_rss_kib(h.pid);
    /* 40 uploads announcing 1 MiB each and sending nearly all of it, then holding. */
    static char chunk[BODY_CAP - 4096];
    memset(chunk, ' ', sizeof chunk);
    int fds[HELD], busy = 0, held = 0;
    for (int i = 0; i < HELD; i++) {
        fds[i] = connect_local(h.port);
        if (!CHECK(fds[i] >= 0))
            continue;
        char head[512];
        int n = snprintf(head, sizeof head,
                         "POST /api/v1/antennes/site-0/batches HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                         "Content-Length: %d\r\n\r\n", harness_token(0), BODY_CAP);
        CHECK(send(fds[i], head, (size_t)n, MSG_NOSIGNAL) == n);
        char answer[512];
        int status = answer_status(fds[i], 2000, answer, sizeof answer);
        if (status == 503) {
            busy++;
            CHECK(strstr(answer, "Retry-After: 10") != NULL);
            continue;
        }
        CHECK_INT(status, 0);
        /* accepted: its body is on the way (the socket buffers take what they can) */
        (void)!send(fds[i], chunk, sizeof chunk, MSG_NOSIGNAL | MSG_DONTWAIT);
        held++;
    }
    sleep_ms(1000);   /* let the collector read what was sent (not asserted on: memory is) */
    long rss1 = lockout_rss_kib(h.pid);
    CHECK_INT(held, PENDING_CAP / (BODY_CAP + 1));
    CHECK_INT(busy, HELD - held);
    /* bodies of the held uploads, and the collector's own buffers: far below 40 MiB */
    CHECK(rss1 - rss0 < 3 * PENDING_CAP / 1024);
    printf("pending memory: %d uploads held, %d refused with 503, collector RSS %ld -> %ld KiB\n", held,
           busy, rss0, rss1);
    for (int i = 0; i < HELD; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    /* released: uploads go through again */
    int64_t until = mono_us() + 30 * 1000000LL;
    long st;
    while ((st = upload(&h)) != 200 && mono_us() < until)
        sleep_ms(200);
    CHECK_INT(st, 200);
    CHECK(harness_stop(&h));
}

int main(int argc, char **argv)
{
    if (argc > 1)
        Seconds = atoi(argv[1]);
    if (Seconds < 1)
        Seconds = 15;
    /* the collector inherits it: 1,000 held connections need more than the usual 1,024 files */
    lockout_raise_nofile(4 * SLOW);
    RUN(test_pending_memory_is_capped);
    RUN(test_uploads_through_slow_connections);
    return testlib_finish();
}
