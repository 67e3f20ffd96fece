/* drivers/clock: each kind of evidence for a trustworthy wall clock, and backward jumps. */
#include "borne/clock.h"
#include "testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/timex.h>
#include <unistd.h>

/* What the fake adjtimex answers. */
static struct {
    int ret;
    int status;
    long maxerror;
    int calls;
    int modes_seen;
} kernel;

static int fake_adjtimex(struct timex *tx)
{
    kernel.calls++;
    kernel.modes_seen |= (int)tx->modes;
    if (kernel.ret < 0) {
        errno = EPERM;
        return -1;
    }
    tx->status = kernel.status;
    tx->maxerror = kernel.maxerror;
    return kernel.ret;
}

static void kernel_synced(long maxerror_us)
{
    memset(&kernel, 0, sizeof kernel);
    kernel.ret = TIME_OK;
    kernel.status = STA_PLL;
    kernel.maxerror = maxerror_us;
}

static void kernel_unsynced(void)
{
    memset(&kernel, 0, sizeof kernel);
    kernel.ret = TIME_ERROR;
    kernel.status = STA_UNSYNC;
    kernel.maxerror = 16000000;
}

static const int64_t MIN_DATE = 1767225600; /* 2026-01-01 00:00 UTC */

/* A policy on a temp flag path that does not exist yet, and the fake kernel. */
static clock_policy test_policy(const char *dir)
{
    clock_policy p;
    clock_policy_default(&p);
    p.min_plausible = MIN_DATE;
    p.sync_flag_path = testlib_path(dir, "synchronized");
    p.read_kernel = fake_adjtimex;
    return p;
}

static void touch(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
}

static void test_default_policy(void)
{
    clock_policy p;
    clock_policy_default(&p);
    CHECK_INT(p.min_plausible, clock_build_day());
    CHECK_INT(clock_build_day() % 86400, 0);
    CHECK(clock_build_day() >= MIN_DATE - 366 * 86400); /* built this decade, not at epoch */
    CHECK_STR(p.sync_flag_path, "/run/systemd/timesync/synchronized");
    CHECK(p.use_kernel_sync);
    CHECK(!p.plausible_is_enough);
    CHECK(p.read_kernel == NULL);
}

/* A board without RTC after boot: 1970, whatever the other evidence says. */
static void test_too_early_beats_everything(void)
{
    const char *dir = testlib_tmpdir("clock-early");
    clock_policy p = test_policy(dir);
    touch(p.sync_flag_path);
    kernel_synced(1000);
    p.plausible_is_enough = true;
    CHECK_INT(clock_check(&p, 0), CLOCK_UNTRUSTED_TOO_EARLY);
    CHECK_INT(clock_check(&p, MIN_DATE - 1), CLOCK_UNTRUSTED_TOO_EARLY);
    CHECK(!clock_trusted(&p, MIN_DATE - 1));
    CHECK(clock_trusted(&p, MIN_DATE));
}

static void test_timesyncd_flag(void)
{
    const char *dir = testlib_tmpdir("clock-flag");
    clock_policy p = test_policy(dir);
    kernel_unsynced();
    CHECK_INT(clock_check(&p, MIN_DATE + 3600), CLOCK_UNTRUSTED_UNSYNCED);
    touch(p.sync_flag_path);
    CHECK_INT(clock_check(&p, MIN_DATE + 3600), CLOCK_TRUSTED_SYNCED);
    CHECK(clock_trusted(&p, MIN_DATE + 3600));
    CHECK_INT(unlink(p.sync_flag_path), 0);
    CHECK(!clock_trusted(&p, MIN_DATE + 3600));
}

static void test_flag_path_disabled(void)
{
    const char *dir = testlib_tmpdir("clock-noflag");
    clock_policy p = test_policy(dir);
    touch(p.sync_flag_path);
    p.use_kernel_sync = false;
    p.sync_flag_path = NULL;
    CHECK_INT(clock_check(&p, MIN_DATE + 1), CLOCK_UNTRUSTED_UNSYNCED);
    p.sync_flag_path = "";
    CHECK_INT(clock_check(&p, MIN_DATE + 1), CLOCK_UNTRUSTED_UNSYNCED);
}

static void test_kernel_synced(void)
{
    const char *dir = testlib_tmpdir("clock-kernel");
    clock_policy p = test_policy(dir);
    kernel_synced(25000);
    CHECK_INT(clock_check(&p, MIN_DATE + 60), CLOCK_TRUSTED_SYNCED);
    CHECK(kernel.calls > 0);
    CHECK_INT(kernel.modes_seen, 0); /* only ever read, never adjust the clock */
}

static void test_kernel_unsync_bit(void)
{
    const char *dir = testlib_tmpdir("clock-unsync");
    clock_policy p = test_policy(dir);
    kernel_synced(1000);
    kernel.status |= STA_UNSYNC;
    CHECK_INT(clock_check(&p, MIN_DATE + 60), CLOCK_UNTRUSTED_UNSYNCED);
}

static void test_kernel_time_error(void)
{
    const char *dir = testlib_tmpdir("clock-timeerr");
    clock_policy p = test_policy(dir);
    kernel_synced(1000);
    kernel.ret = TIME_ERROR;
    CHECK_INT(clock_check(&p, MIN_DATE + 60), CLOCK_UNTRUSTED_UNSYNCED);
}

static void test_kernel_max_error(void)
{
    const char *dir = testlib_tmpdir("clock-maxerr");
    clock_policy p = test_policy(dir);
    kernel_synced(p.max_error_us + 1);
    CHECK_INT(clock_check(&p, MIN_DATE + 60), CLOCK_UNTRUSTED_UNSYNCED);
    kernel_synced(p.max_error_us);
    CHECK_INT(clock_check(&p, MIN_DATE + 60), CLOCK_TRUSTED_SYNCED);
}

static void test_kernel_call_fails(void)
{
    const char *dir = testlib_tmpdir("clock-eperm");
    clock_policy p = test_policy(dir);
    kernel_synced(1000);
    kernel.ret = -1;
    CHECK_INT(clock_check(&p, MIN_DATE + 60), CLOCK_UNTRUSTED_UNSYNCED);
}

static void test_kernel_check_off(void)
{
    const char *dir = testlib_tmpdir("clock-kerneloff");
    clock_policy p = test_policy(dir);
    kernel_synced(1000);
    p.use_kernel_sync = false;
    CHECK_INT(clock_check(&p, MIN_DATE + 60), CLOCK_UNTRUSTED_UNSYNCED);
    CHECK_INT(kernel.calls, 0);
}

/* RTC board, no network: the plausible date is all the evidence there will ever be. */
static void test_plausible_is_enough(void)
{
    const char *dir = testlib_tmpdir("clock-rtc");
    clock_policy p = test_policy(dir);
    kernel_unsynced();
    p.plausible_is_enough = true;
    CHECK_INT(clock_check(&p, MIN_DATE + 60), CLOCK_TRUSTED_PLAUSIBLE);
    CHECK(clock_trusted(&p, MIN_DATE + 60));
    touch(p.sync_flag_path);
    CHECK_INT(clock_check(&p, MIN_DATE + 60), CLOCK_TRUSTED_SYNCED);
}

/* The real adjtimex(2) path: whatever this machine's NTP state, the answer is one of the two
 * plausible-date outcomes and the call does not fail. */
static void test_real_kernel(void)
{
    clock_policy p;
    clock_policy_default(&p);
    p.sync_flag_path = NULL;
    clock_state s = clock_check(&p, p.min_plausible + 1);
    CHECK(s == CLOCK_TRUSTED_SYNCED || s == CLOCK_UNTRUSTED_UNSYNCED);
    CHECK_INT(clock_check(&p, 0), CLOCK_UNTRUSTED_TOO_EARLY);
}

static void test_state_text(void)
{
    const char *texts[] = {
        clock_state_text(CLOCK_UNTRUSTED_TOO_EARLY), clock_state_text(CLOCK_UNTRUSTED_UNSYNCED),
        clock_state_text(CLOCK_TRUSTED_SYNCED), clock_state_text(CLOCK_TRUSTED_PLAUSIBLE),
    };
    for (int i = 0; i < 4; i++) {
        CHECK(texts[i] && texts[i][0]);
        for (int j = 0; j < i; j++)
            CHECK(strcmp(texts[i], texts[j]) != 0);
    }
}

static void test_backward_jump(void)
{
    clock_watch w = {0};
    CHECK_INT(clock_watch_observe(&w, MIN_DATE + 1000), 0);
    CHECK_INT(clock_watch_observe(&w, MIN_DATE + 1000), 0);
    CHECK_INT(clock_watch_observe(&w, MIN_DATE + 1001), 0);
    CHECK_INT(clock_watch_observe(&w, MIN_DATE + 400), 601);
    /* reported once: the new time is the reference from now on */
    CHECK_INT(clock_watch_observe(&w, MIN_DATE + 401), 0);
    CHECK_INT(clock_watch_observe(&w, MIN_DATE + 400), 1);
}

/* The first sync after a 1970 boot is a huge forward jump: not a backward one. */
static void test_forward_jump_is_not_reported(void)
{
    clock_watch w = {0};
    CHECK_INT(clock_watch_observe(&w, 12), 0);
    CHECK_INT(clock_watch_observe(&w, MIN_DATE), 0);
    CHECK(w.seen);
    CHECK_INT(w.last, MIN_DATE);
}

/* Monotonic deadlines are normalised (nanoseconds below one second) whatever the carry, never
 * earlier than now, and a condition made by clock_cond_init() times out on them. */
static void test_monotonic_deadline(void)
{
    static const int64_t delays[] = {-5, 0, 1, 999, 1000, 1001, 2500, 86400000};
    for (size_t i = 0; i < sizeof delays / sizeof delays[0]; i++) {
        int64_t before = clock_mono_ms();
        struct timespec ts = clock_mono_deadline(delays[i]);
        CHECK(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000L);
        int64_t at = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
        CHECK(at >= before + (delays[i] > 0 ? delays[i] : 0));
    }
    pthread_cond_t cv;
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    CHECK_INT(clock_cond_init(&cv), 0);
    pthread_mutex_lock(&mu);
    struct timespec soon = clock_mono_deadline(10);
    CHECK_INT(pthread_cond_timedwait(&cv, &mu, &soon), ETIMEDOUT);
    pthread_mutex_unlock(&mu);
    pthread_cond_destroy(&cv);
}

/* The injected clock: zero means the real wall clock, a fixed one moves only when told. */
static void test_injected_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t before = (int64_t)ts.tv_sec * 1000;
    borne_clock zero = {0}, wall = borne_clock_wall();
    CHECK(borne_clock_now_ms(&zero) >= before);
    CHECK(borne_clock_now_ms(NULL) >= before);
    CHECK(borne_clock_now_ms(&wall) >= before);
    borne_clock mono = borne_clock_monotonic();
    int64_t m = clock_mono_ms();
    CHECK(borne_clock_now_ms(&mono) >= m);

    borne_fixed_clock f = {0};
    borne_fixed_clock_set(&f, 1764979200000);
    borne_clock c = borne_fixed_clock_get(&f);
    CHECK_INT(borne_clock_now_ms(&c), 1764979200000);
    CHECK_INT(borne_clock_now_ms(&c), 1764979200000);
    borne_fixed_clock_advance(&f, 1500);
    CHECK_INT(borne_clock_now_ms(&c), 1764979201500);
    borne_fixed_clock_advance(&f, -2000);
    CHECK_INT(borne_clock_now_ms(&c), 1764979199500);
}

int main(void)
{
    RUN(test_default_policy);
    RUN(test_too_early_beats_everything);
    RUN(test_timesyncd_flag);
    RUN(test_flag_path_disabled);
    RUN(test_kernel_synced);
    RUN(test_kernel_unsync_bit);
    RUN(test_kernel_time_error);
    RUN(test_kernel_max_error);
    RUN(test_kernel_call_fails);
    RUN(test_kernel_check_off);
    RUN(test_plausible_is_enough);
    RUN(test_real_kernel);
    RUN(test_state_text);
    RUN(test_backward_jump);
    RUN(test_forward_jump_is_not_reported);
    RUN(test_monotonic_deadline);
    RUN(test_injected_clock);
    return testlib_finish();
}
