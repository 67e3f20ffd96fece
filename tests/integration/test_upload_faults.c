/* The board against a misbehaving headquarters: a fault-injecting proxy (tests/tools) in front of
 * the real borne-collector answers 500, 503/429 with Retry-After, stays silent past the timeout,
 * resets mid-body, or lets the collector store a batch and then loses the answer; and the real
 * collector refuses a wrong token; and the proxy is taken from the environment. Each time the
 * board keeps its data, reports the state, sends
 * again, and HQ ends with the board's totals exactly (a resent batch is never counted twice).
 * argv[1]: borne-collector, argv[2]: upload_fault_server. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test_upload_support.h"
#include "testlib.h"

static const char *collector_bin, *fault_bin;

typedef struct rig {
    const char *dir;
    queue *q;
    ut_collector hq;
    pid_t proxy;
    int proxy_port;
    upload *u;
    char from[11], to[11];
} rig;

/* Engine with three days of activity, a collector, the proxy with `script` (NULL: none, the board
 * talks to the collector directly) and the uploader (not when token is NULL), started. env (may
 * be NULL) replaces the clock and randomness, with a 2 s backoff base so the first retry waits
 * long enough to observe. */
static bool rig_start(rig *r, const char *name, const char *script, const char *token, long timeout_ms,
                      const upload_env *env)
{
    memset(r, 0, sizeof *r);
    r->dir = testlib_tmpdir(name);
    r->q = ut_engine(r->dir);
    if (!CHECK(r->q != NULL))
        return false;
    ut_simulate(r->q, ut_days_ago(3), 3, 15, 42);
    ut_day_text(ut_days_ago(3), r->from);
    ut_day_text(ut_days_ago(1), r->to);
    if (!CHECK(ut_collector_start(&r->hq, collector_bin, r->dir, 0, NULL, NULL)))
        return false;
    char url[sizeof r->hq.url];
    snprintf(url, sizeof url, "%s", r->hq.url);
    if (script) {
        r->proxy = ut_fault_start(fault_bin, r->dir, r->hq.port, script, &r->proxy_port);
        if (!CHECK(r->proxy_port > 0))
            return false;
        snprintf(url, sizeof url, "http://127.0.0.1:%d", r->proxy_port);
    }
    if (!token)
        return true;
    upload_config cfg = ut_config(r->dir, url, ut_token_file(r->dir, token));
    if (timeout_ms)
        cfg.timeout_ms = timeout_ms;
    if (env) {
        cfg.env = *env;
        cfg.backoff_base_ms = 2000;
        cfg.backoff_cap_ms = 8000;
    }
    char err[512];
    if (!CHECK_INT(upload_start(&r->u, &cfg, err, sizeof err), 0)) {
        fprintf(stderr, "%s\n", err);
        return false;
    }
    return true;
}

static bool rig_up(rig *r, const char *name, const char *script, const char *token, long timeout_ms)
{
    return rig_start(r, name, script, token, timeout_ms, NULL);
}

static bool rig_up_env(rig *r, const char *name, const char *script, const upload_env *env)
{
    return rig_start(r, name, script, UT_TOKEN, 0, env);
}

static void rig_down(rig *r)
{
    upload_stop(r->u);
    ut_kill(r->proxy);
    ut_collector_stop(&r->hq);
    queue_close(r->q);
}

/* Everything arrived, once: the board's totals are HQ's. */
static void check_delivered(rig *r)
{
    upload_status st;
    CHECK(ut_wait(r->u, ut_outbox_empty, 60, &st));
    CHECK_INT(st.state, UPLOAD_IDLE);
    CHECK_STR(st.last_error, "");
    CHECK_INT(st.failures, 0);
    CHECK_INT(st.rejected_batches, 0);
    CHECK_STR(st.build_error, "");
    CHECK(ut_compare_with_hq(r->q, &r->hq, NULL, r->from, r->to) > 20);
}

/* The batch that met the fault went again and reached the collector (more than once when a
 * retry queued behind a stalled proxy: harmless, the totals above prove it). */
static void check_resent(rig *r, const char *mode, int times)
{
    char batch[64];
    CHECK_INT(ut_fault_count(r->dir, mode, NULL), times);
    CHECK(ut_fault_first(r->dir, mode, batch));
    CHECK_INT(ut_fault_count(r->dir, mode, batch), times);
    CHECK(ut_fault_count(r->dir, "pass", batch) >= 1);
}

static void test_500(void)
{
    rig r;
    if (rig_up(&r, "upload-500", "500,500", UT_TOKEN, 0)) {
        check_delivered(&r);
        check_resent(&r, "500", 2);
    }
    rig_down(&r);
}

/* Injected clock and randomness: the schedule after a failure is exactly the full-jitter draw
 * upload_backoff_ms() makes from the injected random value, on the injected clock. */
static int64_t clock_ahead(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + 3600000;
}

/* Every draw is 1000 modulo 2001, so the first full-jitter delay (ceiling 2000) is 1000 ms; the
 * draws still differ, so batch ids stay unique. */
static uint64_t spaced_random(void *ctx)
{
    uint64_t *n = ctx;
    return 1000 + 2001 * ++*n;
}

static bool failed_once(const upload_status *s)
{
    return s->failures == 1;
}

static void test_injected_backoff(void)
{
    rig r;
    uint64_t draws = 0;
    upload_env env = { .clock = {clock_ahead, &draws}, .random = spaced_random, .ctx = &draws };
    if (rig_up_env(&r, "upload-jitter", "500,500", &env)) {
        upload_status st;
        CHECK(ut_wait(r.u, failed_once, 30, &st));
        CHECK_INT(st.http_status, 500);
        CHECK_INT(st.next_attempt_ms - st.last_attempt_ms, upload_backoff_ms(2000, 8000, 1, 1000));
        CHECK_INT(st.next_attempt_ms - st.last_attempt_ms, 1000);
        CHECK(st.last_attempt_ms > clock_ahead(NULL) - 60000);   /* the injected clock, 1 h ahead */
        check_delivered(&r);
        check_resent(&r, "500", 2);
    }
    rig_down(&r);
}

static bool answered_busy(const upload_status *s)
{
    return s->http_status == 503 || s->http_status == 429;
}

/* Retry-After is obeyed instead of the (much shorter) backoff: the planned retry is exactly
 * Retry-After after the failed attempt (both read from the same clock reading). */
static void test_retry_after(void)
{
    rig r;
    if (rig_up(&r, "upload-503", "503:1,429:2", UT_TOKEN, 0)) {
        upload_status st;
        CHECK(ut_wait(r.u, answered_busy, 30, &st));
        CHECK_INT(st.http_status, 503);
        CHECK_INT(st.state, UPLOAD_BACKOFF);
        CHECK_INT(st.next_attempt_ms - st.last_attempt_ms, 1000);
        CHECK(strstr(st.last_error, "HTTP 503 busy") != NULL);
        CHECK(st.outbox_batches > 0);
        check_delivered(&r);
        CHECK_INT(ut_fault_count(r.dir, "503", NULL), 1);
        CHECK_INT(ut_fault_count(r.dir, "429", NULL), 1);
    }
    rig_down(&r);
}

static bool timed_out(const upload_status *s)
{
    return s->failures >= 1 && strstr(s->last_error, "imeout") != NULL;
}

static void test_slow_past_timeout(void)
{
    rig r;
    if (rig_up(&r, "upload-slow", "slow:4", UT_TOKEN, 1500)) {
        upload_status st;
        CHECK(ut_wait(r.u, timed_out, 30, &st));
        CHECK_INT(st.http_status, 0);
        check_delivered(&r);
        check_resent(&r, "slow", 1);
    }
    rig_down(&r);
}

static void test_reset_mid_body(void)
{
    rig r;
    if (rig_up(&r, "upload-reset", "reset,reset", UT_TOKEN, 0)) {
        check_delivered(&r);
        check_resent(&r, "reset", 2);
    }
    rig_down(&r);
}

/* The collector stores the batch, the answer is lost: the board sends it again and HQ's totals
 * are still exactly the board's. */
static void test_lost_answer(void)
{
    rig r;
    if (rig_up(&r, "upload-lost", "lost,pass,lost", UT_TOKEN, 0)) {
        check_delivered(&r);
        CHECK_INT(ut_fault_count(r.dir, "lost", NULL), 2);
        char batch[64];
        CHECK(ut_fault_first(r.dir, "lost", batch));
        CHECK_INT(ut_fault_count(r.dir, "pass", batch), 1);
    }
    rig_down(&r);
}

static bool refused(const upload_status *s)
{
    return s->state == UPLOAD_UNAUTHORIZED && s->failures >= 3;
}

/* Wrong token: the real collector answers 401; the board keeps every batch, says so, retries
 * slowly, and delivers as soon as the right token is in the file. */
static void test_wrong_token(void)
{
    rig r;
    if (rig_up(&r, "upload-401", NULL, "not-the-fourmies-token-0123456789", 0)) {
        upload_status st;
        CHECK(ut_wait(r.u, refused, 30, &st));
        CHECK_INT(st.http_status, 401);
        CHECK(strstr(st.last_error, "HTTP 401 unauthorized") != NULL);
        CHECK(st.outbox_batches > 0);
        CHECK_INT(st.last_success_ms, 0);
        upload_status later;
        upload_get_status(r.u, &later);
        CHECK_INT(later.outbox_batches, st.outbox_batches);
        ut_token_file(r.dir, UT_TOKEN);
        upload_kick(r.u);
        check_delivered(&r);
    }
    rig_down(&r);
}

/* The proxy comes from the environment (libcurl's http_proxy): the board names a host that does
 * not resolve, and delivers anyway through the proxy the environment gives. */
static void test_proxy_from_environment(void)
{
    rig r;
    if (rig_start(&r, "upload-proxy", "pass", NULL, 0, NULL)) {
        char proxy[64];
        snprintf(proxy, sizeof proxy, "http://127.0.0.1:%d", r.proxy_port);
        setenv("http_proxy", proxy, 1);
        upload_config cfg = ut_config(r.dir, "http://hq.borne.invalid", ut_token_file(r.dir, UT_TOKEN));
        char err[512];
        CHECK_INT(upload_start(&r.u, &cfg, err, sizeof err), 0);
        check_delivered(&r);
        CHECK(ut_fault_count(r.dir, "pass", NULL) >= 1);
        unsetenv("http_proxy");
    }
    rig_down(&r);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s <borne-collector> <upload_fault_server>\n", argv[0]);
        return 2;
    }
    collector_bin = argv[1];
    fault_bin = argv[2];
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    RUN(test_500);
    RUN(test_injected_backoff);
    RUN(test_retry_after);
    RUN(test_slow_past_timeout);
    RUN(test_reset_mid_body);
    RUN(test_lost_answer);
    RUN(test_wrong_token);
    RUN(test_proxy_from_environment);
    return testlib_finish();
}
