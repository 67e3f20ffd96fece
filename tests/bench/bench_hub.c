/* bench_hub: figures of the LAN API on this machine, over real HTTP on loopback (nothing is
 * asserted; goals: call-next p99 < 5 ms, fan-out < 100 ms).
 *   0. the same call-next made directly on the engine (no HTTP): what SQLite and the disk
 *      cost on their own (the engine commits with synchronous=FULL: one fsync per call);
 *   1. call-next round trip (keep-alive libcurl client): p50, p99, max;
 *   2. event fan-out: time from sending call-next to the call event reaching each of 20
 *      connected SSE clients: p50, p99, max over every client and round;
 *   3. sustained requests/s: GET /api/v1/state from 4 clients, POST /api/v1/tickets from 2
 *      (per-token limits off for the bench);
 *   4. the kiosk path (the engine handle the screen uses, priority writer) issuing while 8 API
 *      clients issue through one token at full speed: p50, p99 (goal: p99 < 50 ms);
 *   5. call-next (a new connection each, as a desk reconnecting) every 200 ms for 60 s while
 *      2,000 event streams and 500 slowloris connections come from other loopback addresses
 *      (test_lockout_load.h): p50, p99 (goal: p99 < 50 ms). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test_hub_support.h"
#include "test_lockout_load.h"

#define CALLS 900           /* a service holds at most 999 waiting numbers */
#define SSE_CLIENTS 20
#define FANOUT_ROUNDS 30
#define RPS_SECONDS 2

static th_fixture F;

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void report(const char *what, int64_t *us, int n)
{
    qsort(us, (size_t)n, sizeof us[0], cmp64);
    printf("  %-34s n=%-5d p50 %7.2f ms   p99 %7.2f ms   max %7.2f ms\n", what, n,
           us[n / 2] / 1000.0, us[(n * 99) / 100] / 1000.0, us[n - 1] / 1000.0);
}

static void must(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "bench_hub: %s failed\n", what);
        exit(1);
    }
}

static void bench_engine_call_next(void)
{
    enum { N = 300 };
    for (int i = 0; i < N; i++) {
        queue_issued is;
        must(queue_issue(F.q, th_now(&F), 'A', NULL, &is) == QUEUE_OK, "issue");
    }
    must(queue_counter_open(F.q, th_now(&F), 4) == QUEUE_OK, "open");
    static int64_t us[N];
    for (int i = 0; i < N; i++) {
        queue_ticket t;
        int64_t t0 = th_usec();
        must(queue_call_next(F.q, th_now(&F), 4, &t) == QUEUE_OK, "engine call-next");
        us[i] = th_usec() - t0;
        must(queue_finish(F.q, th_now(&F), 4, QUEUE_OUTCOME_SERVED) == QUEUE_OK, "engine finish");
    }
    must(queue_counter_close(F.q, th_now(&F), 4) == QUEUE_OK, "close");
    report("engine call-next alone (no HTTP)", us, N);
}

static void bench_call_next(void)
{
    for (int i = 0; i < CALLS; i++) {
        queue_issued is;
        int rc = queue_issue(F.q, th_now(&F), 'A', NULL, &is);
        if (rc != QUEUE_OK)
            fprintf(stderr, "issue %d: %s\n", i, queue_errmsg(F.q));
        must(rc == QUEUE_OK, "issue");
    }
    th_client *c = th_client_new(F.port);
    th_response r;
    must(th_client_do(c, "POST", "/api/v1/counters/1/open", TH_TOKEN1, NULL, NULL, &r) == 200, "open");
    th_response_free(&r);
    static int64_t us[CALLS];
    for (int i = 0; i < CALLS; i++) {
        int64_t t0 = th_usec();
        long st = th_client_do(c, "POST", "/api/v1/counters/1/call-next", TH_TOKEN1, NULL, NULL, &r);
        us[i] = th_usec() - t0;
        th_response_free(&r);
        must(st == 200, "call-next");
        must(th_client_do(c, "POST", "/api/v1/counters/1/finish", TH_TOKEN1, NULL, NULL, &r) == 200, "finish");
        th_response_free(&r);
    }
    th_client_free(c);
    report("call-next round trip", us, CALLS);
}

typedef struct waiter {
    th_sse *sse;
    const char *needle;
    int64_t at;
} waiter;

static void *wait_one(void *arg)
{
    waiter *w = arg;
    w->at = th_sse_wait(w->sse, w->needle, 5000) ? th_usec() : -1;
    return NULL;
}

/* The next day: yesterday's tickets expire, every service starts empty. */
static void new_day(void)
{
    atomic_fetch_add(&F.now, 86400);
    must(queue_rollover(F.q, th_now(&F)) >= 0, "rollover");
}

static void bench_fanout(void)
{
    int64_t ids[FANOUT_ROUNDS];
    for (int i = 0; i < FANOUT_ROUNDS; i++) {
        queue_issued is;
        must(queue_issue(F.q, th_now(&F), 'F', NULL, &is) == QUEUE_OK, "issue");
        ids[i] = is.ticket.id;
    }
    th_sse *sse[SSE_CLIENTS];
    for (int i = 0; i < SSE_CLIENTS; i++) {
        char source[32];   /* one display per machine, as in a waiting room */
        snprintf(source, sizeof source, "127.0.2.%d", i + 1);
        sse[i] = th_sse_open_from(F.port, NULL, source);
        must(th_sse_wait(sse[i], "event: state\n", 5000), "stream");
    }
    th_client *c = th_client_new(F.port);
    th_response r;
    must(th_client_do(c, "POST", "/api/v1/counters/3/open", TH_TOKEN3, NULL, NULL, &r) == 200, "open");
    th_response_free(&r);
    static int64_t us[FANOUT_ROUNDS * SSE_CLIENTS];
    int n = 0, lost = 0;
    for (int round = 0; round < FANOUT_ROUNDS; round++) {
        char needle[96];
        snprintf(needle, sizeof needle, "\"kind\":\"call\",\"actor\":\"counter:3\",\"ticket_id\":%lld,",
                 (long long)ids[round]);
        waiter w[SSE_CLIENTS];
        pthread_t t[SSE_CLIENTS];
        for (int i = 0; i < SSE_CLIENTS; i++) {
            w[i] = (waiter){.sse = sse[i], .needle = needle};
            pthread_create(&t[i], NULL, wait_one, &w[i]);
        }
        int64_t t0 = th_usec();
        must(th_client_do(c, "POST", "/api/v1/counters/3/call-next", TH_TOKEN3, NULL, NULL, &r) == 200,
             "call-next");
        th_response_free(&r);
        for (int i = 0; i < SSE_CLIENTS; i++) {
            pthread_join(t[i], NULL);
            if (w[i].at < 0)
                lost++;
            else
                us[n++] = w[i].at - t0;
        }
        must(th_client_do(c, "POST", "/api/v1/counters/3/finish", TH_TOKEN3, NULL, NULL, &r) == 200, "finish");
        th_response_free(&r);
    }
    th_client_free(c);
    char what[64];
    snprintf(what, sizeof what, "fan-out to %d SSE clients", SSE_CLIENTS);
    report(what, us, n);
    if (lost)
        printf("  (%d deliveries not seen within 5 s)\n", lost);
    /* stopping the hub ends the streams at once; closing them first would wait for curl */
    th_stop(&F);
    for (int i = 0; i < SSE_CLIENTS; i++)
        th_sse_close(sse[i]);
}

typedef struct loader {
    const char *method, *path, *body;
    int64_t until;
    atomic_long *budget;      /* requests left for all loaders */
    long done, failed;
} loader;

static void *load(void *arg)
{
    loader *l = arg;
    th_client *c = th_client_new(F.port);
    while (th_usec() < l->until && atomic_fetch_sub(l->budget, 1) > 0) {
        th_response r;
        long st = th_client_do(c, l->method, l->path, TH_TOKEN2, NULL, l->body, &r);
        if (st >= 200 && st < 300)
            l->done++;
        else if (l->failed++ == 0)
            fprintf(stderr, "bench_hub: %s %s: %ld %s\n", l->method, l->path, st, r.body ? r.body : "");
        th_response_free(&r);
    }
    th_client_free(c);
    return NULL;
}

/* `threads` keep-alive clients for RPS_SECONDS or `budget` requests, whichever ends first. */
static void bench_rps(const char *what, const char *method, const char *path, const char *body,
                      int threads, long budget)
{
    loader l[8];
    pthread_t t[8];
    atomic_long left = budget;
    int64_t t0 = th_usec();
    int64_t until = t0 + RPS_SECONDS * 1000000LL;
    for (int i = 0; i < threads; i++) {
        l[i] = (loader){.method = method, .path = path, .body = body, .until = until, .budget = &left};
        pthread_create(&t[i], NULL, load, &l[i]);
    }
    long done = 0, failed = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(t[i], NULL);
        done += l[i].done;
        failed += l[i].failed;
    }
    double s = (double)(th_usec() - t0) / 1e6;
    printf("  %-34s %d clients: %8.0f requests/s (%ld in %.2f s, %ld failed)\n", what, threads,
           (double)done / s, done, s, failed);
}

#define KIOSK_ISSUES 300

static void bench_kiosk_first(void)
{
    queue_options o = F.cfg.queue;
    o.priority_writer = true;
    queue *kiosk;
    char err[256];
    must(queue_open(&kiosk, F.db_path, &o, err, sizeof err) == QUEUE_OK, "kiosk handle");
    th_issuers *api = th_issuers_start(&F, 8, TH_TOKEN1, 'F');
    while (th_issuers_count(api) < 50) {
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
    static int64_t us[KIOSK_ISSUES];
    for (int i = 0; i < KIOSK_ISSUES; i++) {
        queue_issue_opts io = {.actor = "kiosk"};
        queue_issued is;
        int64_t t0 = th_usec();
        must(queue_issue(kiosk, th_now(&F), 'A', &io, &is) == QUEUE_OK, "kiosk issue");
        us[i] = th_usec() - t0;
    }
    long issued = th_issuers_stop(api, NULL);
    queue_close(kiosk);
    char what[64];
    snprintf(what, sizeof what, "kiosk issue, 8 API issuers (%ld)", issued);
    report(what, us, KIOSK_ISSUES);
}

#define LOCKOUT_S 60

static void bench_call_next_under_lockout(void)
{
    static int64_t us[LOCKOUT_S * 5];
    int calls = LOCKOUT_S * 5;
    for (int i = 0; i < calls; i++) {
        queue_issued is;
        must(queue_issue(F.q, th_now(&F), 'A', NULL, &is) == QUEUE_OK, "issue");
    }
    th_response r;
    must(th_http(&F, "POST", "/api/v1/counters/1/open", TH_TOKEN1, NULL, NULL, &r) == 200, "open");
    th_response_free(&r);
    lockout_load *load = lockout_start(&(lockout_plan){
        .port = F.port, .streams = 2000,
        .stream_request = "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        .slow = 500, .slow_start = "GET /api/v1/state HTTP/1.1\r\nHost: 127.0.0.1\r\n",
        .slow_period_ms = 10000, .per_address = 8, .retry_ms = 500});
    lockout_stats st;
    do {
        struct timespec ms = {0, 100000000};
        nanosleep(&ms, NULL);
        lockout_stats_get(load, &st);
    } while (st.connects < 2500);
    int64_t next = th_usec();
    for (int i = 0; i < calls; i++) {
        int64_t t0 = th_usec();
        must(th_http(&F, "POST", "/api/v1/counters/1/call-next", TH_TOKEN1, NULL, NULL, &r) == 200, "call-next");
        us[i] = th_usec() - t0;
        th_response_free(&r);
        must(th_http(&F, "POST", "/api/v1/counters/1/finish", TH_TOKEN1, NULL, NULL, &r) == 200, "finish");
        th_response_free(&r);
        next += 200000;
        int64_t wait = next - th_usec();
        if (wait > 0) {
            struct timespec ts = {(time_t)(wait / 1000000), (long)(wait % 1000000) * 1000};
            nanosleep(&ts, NULL);
        }
    }
    lockout_stats_get(load, &st);
    lockout_stop(load);
    report("call-next, 2000 streams + 500 slow", us, calls);
    printf("  %-34s %lld connections opened by the attackers, %d streams held at the end\n", "",
           (long long)st.connects, st.streams_open);
}

int main(void)
{
    printf("bench_hub (loopback HTTP, libmicrohttpd pool of 4 threads, connection budgets)\n");
    th_start(&F, "bench_hub", false);
    th_hub_down(&F);
    F.cfg.hub.tickets_per_minute = 0;
    F.cfg.hub.tickets_per_day = 0;
    th_hub_up(&F);
    bench_engine_call_next();
    bench_call_next();
    bench_rps("GET /api/v1/state", "GET", "/api/v1/state", NULL, 4, 1000000);
    /* F: no counter calls it here, and at most 999 can wait (R takes appointments only) */
    bench_rps("POST /api/v1/tickets", "POST", "/api/v1/tickets", "{\"service\":\"F\"}", 2, 500);
    new_day();
    bench_kiosk_first();
    new_day();
    bench_call_next_under_lockout();
    new_day();
    bench_fanout();   /* last: it stops the hub */
    return 0;
}
