/* Queue engine benchmark: builds one simulated year of history (250 open days, ~85 visits a
 * day over 6 services and 4 counters, with the injected clock), then measures the latency of
 * issue-ticket and call-next (clock_gettime around each call, 2,000 of each, on days with up to
 * 100 people waiting) and prints the database size. Figures only; nothing is asserted.
 *
 * The history is written with synchronous=OFF to save time (it is not what is measured); the
 * measurements run with the engine's own setting (FULL), then with NORMAL and OFF for
 * comparison (OFF shows the engine's own work without waiting for the disk). */
#include "queue_internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DAYS 250
#define VISITS_PER_DAY 85
#define COUNTERS 4
#define MEASURE_DAYS 20
#define PER_DAY 100

static const char letters[] = "AFOEIR";

static int64_t local_time(int y, int mo, int d, int h, int mi)
{
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

static void die(queue *q, const char *what)
{
    fprintf(stderr, "bench_queue: %s: %s\n", what, q ? queue_errmsg(q) : "");
    exit(1);
}

static void setup(queue *q, int64_t now)
{
    queue_setup s;
    memset(&s, 0, sizeof s);
    for (int i = 0; letters[i]; i++) {
        queue_service *v = &s.services[s.n_services++];
        v->letter = letters[i];
        snprintf(v->label_fr, sizeof v->label_fr, "Service %c", letters[i]);
        snprintf(v->label_en, sizeof v->label_en, "Service %c", letters[i]);
        v->enabled = true;
        v->order = i;
    }
    const char *serves[COUNTERS] = {"AFR", "AOI", "EFI", "AFOEIR"};
    for (int c = 0; c < COUNTERS; c++) {
        queue_counter_def *d = &s.counters[s.n_counters++];
        d->id = c + 1;
        snprintf(d->name, sizeof d->name, "Guichet %d", c + 1);
        snprintf(d->services, sizeof d->services, "%s", serves[c]);
    }
    s.last_ticket_min = -1;
    s.always_open = true;
    if (queue_apply_setup(q, &s, now) != QUEUE_OK)
        die(q, "setup");
    for (int c = 1; c <= COUNTERS; c++)
        if (queue_counter_open(q, now, c) != QUEUE_OK)
            die(q, "open counter");
}

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* One simulated day: arrivals from 9:00 to 16:45, counters call, serve 4..20 min, finish;
 * some priority tickets, appointments, no-shows, transfers and feedback. */
static void simulate_day(queue *q, int64_t open, int visits, unsigned *rnd)
{
    int64_t arrivals[VISITS_PER_DAY * 2];
    for (int i = 0; i < visits; i++)
        arrivals[i] = open + rand_r(rnd) % (7 * 3600 + 45 * 60);
    qsort(arrivals, (size_t)visits, sizeof arrivals[0], cmp64);
    int64_t busy_until[COUNTERS + 1] = {0};
    int next = 0;
    for (int64_t t = open; t < open + 9 * 3600; t += 60) {
        for (; next < visits && arrivals[next] <= t; next++) {
            queue_issue_opts o = {.public_type = (queue_public)(rand_r(rnd) % QUEUE_PUBLIC_COUNT),
                                  .priority = rand_r(rnd) % 20 == 0};
            char svc = letters[rand_r(rnd) % 5];
            if (rand_r(rnd) % 10 == 0) {
                queue_appointment a = {.at = arrivals[next] + 600, .service = 'R'};
                /* day number in hex + visit: at most 2 + 8 + 1 + 11 characters, under QUEUE_CODE_MAX */
                snprintf(a.code, sizeof a.code, "B-%08x-%05d", (unsigned)(open / 86400), next);
                snprintf(a.note, sizeof a.note, "note %d", next);
                if (queue_appointment_upsert(q, arrivals[next] - 86400, &a) != QUEUE_OK ||
                    queue_check_in(q, arrivals[next], a.code, NULL) != QUEUE_OK)
                    die(q, "appointment");
            } else if (queue_issue(q, arrivals[next], svc, &o, NULL) != QUEUE_OK) {
                die(q, "issue");
            }
            if (rand_r(rnd) % 8 == 0 &&
                queue_feedback(q, arrivals[next], 1 + rand_r(rnd) % 5, svc, CONTRACT_REASON_NONE) != QUEUE_OK)
                die(q, "feedback");
        }
        for (int c = 1; c <= COUNTERS; c++) {
            queue_counter_status st;
            if (queue_counter_get(q, c, &st) != QUEUE_OK)
                die(q, "counter");
            if (st.current_ticket && t >= busy_until[c]) {
                int r = rand_r(rnd) % 40, rc;
                if (r == 1) {
                    rc = queue_transfer(q, t, c, letters[rand_r(rnd) % 5], 0);
                } else {
                    rc = queue_finish(q, t, c, r == 2 ? QUEUE_OUTCOME_REDIRECTED
                                                      : QUEUE_OUTCOME_SERVED);
                }
                if (rc != QUEUE_OK)
                    die(q, "end of service");
                st.current_ticket = 0;
            }
            if (!st.current_ticket) {
                int rc = queue_call_next(q, t, c, NULL);
                if (rc == QUEUE_OK && rand_r(rnd) % 40 == 0) {   /* nobody comes */
                    if (queue_recall(q, t + 60, c, NULL) != QUEUE_OK ||
                        queue_no_show(q, t + 120, c) != QUEUE_OK)
                        die(q, "no-show");
                } else if (rc == QUEUE_OK) {
                    if (queue_start(q, t + 30, c) != QUEUE_OK)
                        die(q, "start");
                    busy_until[c] = t + 240 + rand_r(rnd) % 960;
                } else if (rc != QUEUE_EEMPTY) {
                    die(q, "call next");
                }
            }
        }
    }
}

static double ns_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) * 1e9 + (double)(b->tv_nsec - a->tv_nsec);
}

static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void print_latency(const char *what, double *v, int n)
{
    qsort(v, (size_t)n, sizeof v[0], cmpd);
    printf("  %-10s n=%d  p50 %.3f ms  p99 %.3f ms  max %.3f ms\n", what, n,
           v[(n * 50 + 99) / 100 - 1] / 1e6, v[(n * 99 + 99) / 100 - 1] / 1e6, v[n - 1] / 1e6);
}

/* MEASURE_DAYS days: PER_DAY issues (timed) up front, then PER_DAY call-next (timed), each
 * followed by an untimed finish, counters in turn. */
static void measure(queue *q, int64_t first_day, int day_offset, const char *label)
{
    static double issue_ns[MEASURE_DAYS * PER_DAY], call_ns[MEASURE_DAYS * PER_DAY];
    int ni = 0, nc = 0;
    for (int d = 0; d < MEASURE_DAYS; d++) {
        int64_t open = first_day + (int64_t)(day_offset + d) * 86400;
        queue_rollover(q, open);
        for (int i = 0; i < PER_DAY; i++) {
            struct timespec a, b;
            clock_gettime(CLOCK_MONOTONIC, &a);
            int rc = queue_issue(q, open + i * 10, letters[i % 5], NULL, NULL);
            clock_gettime(CLOCK_MONOTONIC, &b);
            if (rc != QUEUE_OK)
                die(q, "measured issue");
            issue_ns[ni++] = ns_between(&a, &b);
        }
        for (int i = 0; i < PER_DAY; i++) {
            int c = COUNTERS;   /* serves every service: each call finds someone */
            struct timespec a, b;
            clock_gettime(CLOCK_MONOTONIC, &a);
            int rc = queue_call_next(q, open + 1000 + i * 10, c, NULL);
            clock_gettime(CLOCK_MONOTONIC, &b);
            if (rc != QUEUE_OK)
                die(q, "measured call next");
            call_ns[nc++] = ns_between(&a, &b);
            if (queue_finish(q, open + 1005 + i * 10, c, QUEUE_OUTCOME_SERVED) != QUEUE_OK)
                die(q, "finish");
        }
    }
    printf("latency, synchronous=%s:\n", label);
    print_latency("issue", issue_ns, ni);
    print_latency("call-next", call_ns, nc);
}

/* What one flush costs on this disk: the floor under every synchronous=FULL commit. */
static void measure_fsync(const char *dir)
{
    char path[600];
    snprintf(path, sizeof path, "%s/fsync.probe", dir);
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    if (fd < 0) {
        perror("fsync probe");
        return;
    }
    static double ns[500];
    char page[4096] = {0};
    int n = 0;
    for (int i = 0; i < 500; i++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        if (pwrite(fd, page, sizeof page, (off_t)(i % 16) * 4096) != (ssize_t)sizeof page ||
            fdatasync(fd) != 0)
            break;
        clock_gettime(CLOCK_MONOTONIC, &b);
        ns[n++] = ns_between(&a, &b);
    }
    close(fd);
    unlink(path);
    if (n)
        print_latency("4K+fdatasync", ns, n);
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

static void print_size(const char *when, const char *path)
{
    char wal[600];
    snprintf(wal, sizeof wal, "%s-wal", path);
    long long db = file_size(path), w = file_size(wal);
    printf("database %s: %.2f MiB (+ WAL %.2f MiB)\n", when, (double)db / 1048576.0,
           (double)w / 1048576.0);
}

static int count_bucket(const queue_bucket *b, void *ctx)
{
    (void)b;
    (*(long *)ctx)++;
    return 0;
}

/* What the uploader and the admin report cost on a year of history. */
static void measure_aggregates(queue *q, long events)
{
    struct timespec a, b;
    long year = 0, recent = 0;
    clock_gettime(CLOCK_MONOTONIC, &a);
    if (queue_aggregates(q, "2025-01-01", "2026-12-31", count_bucket, &year) != QUEUE_OK)
        die(q, "aggregates");
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("aggregates of the whole year: %ld buckets in %.1f ms\n", year, ns_between(&a, &b) / 1e6);
    clock_gettime(CLOCK_MONOTONIC, &a);
    if (queue_aggregates_since(q, events - 400, count_bucket, &recent) != QUEUE_OK)
        die(q, "aggregates since");
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("aggregates_since (last 400 events): %ld buckets in %.2f ms\n", recent,
           ns_between(&a, &b) / 1e6);
}

static int count_fn(const queue_event *e, void *ctx)
{
    (void)e;
    (*(long *)ctx)++;
    return 0;
}

int main(void)
{
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    const char *base = getenv("TMPDIR");
    char dir[512];
    snprintf(dir, sizeof dir, "%s/bench_queue-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char path[600];
    snprintf(path, sizeof path, "%s/queue.db", dir);
    queue *q = NULL;
    char err[256];
    if (queue_open(&q, path, NULL, err, sizeof err) != QUEUE_OK) {
        fprintf(stderr, "bench_queue: %s\n", err);
        return 1;
    }
    int64_t first = local_time(2025, 3, 3, 9, 0);   /* a Monday */
    setup(q, first - 3600);
    sqlite3_exec(queue_test_db(q), "PRAGMA synchronous = OFF", NULL, NULL, NULL);
    unsigned rnd = 42;
    int day = 0, visits = 0;
    struct timespec g0, g1;
    clock_gettime(CLOCK_MONOTONIC, &g0);
    for (int open_days = 0; open_days < DAYS; day++) {
        int64_t open = local_time(2025, 3, 3 + day, 9, 0);
        time_t tt = (time_t)open;
        struct tm tm;
        localtime_r(&tt, &tm);
        if (tm.tm_wday == 0 || tm.tm_wday == 6)
            continue;
        queue_rollover(q, open);
        int v = VISITS_PER_DAY - 20 + (int)(rand_r(&rnd) % 41);
        simulate_day(q, open, v, &rnd);
        visits += v;
        open_days++;
    }
    clock_gettime(CLOCK_MONOTONIC, &g1);
    queue_purge(q, local_time(2025, 3, 3 + day, 8, 0), 30);
    long events = 0;
    queue_events_since(q, 0, 0, count_fn, &events);
    sqlite3_exec(queue_test_db(q), "PRAGMA synchronous = FULL; PRAGMA wal_checkpoint(TRUNCATE)",
                 NULL, NULL, NULL);
    printf("history: %d open days, %d visits, %ld events (generated in %.1f s)\n", DAYS, visits,
           events, ns_between(&g0, &g1) / 1e9);
    print_size("after one year", path);
    measure_aggregates(q, events);

    printf("disk flush floor:\n");
    measure_fsync(dir);
    int64_t next_day = local_time(2025, 3, 3 + day, 9, 0);
    measure(q, next_day, 0, "FULL (engine setting)");
    sqlite3_exec(queue_test_db(q), "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
    measure(q, next_day, MEASURE_DAYS + 1, "NORMAL (comparison)");
    sqlite3_exec(queue_test_db(q), "PRAGMA synchronous = OFF", NULL, NULL, NULL);
    measure(q, next_day, 2 * MEASURE_DAYS + 2, "OFF (engine work alone, no flush)");
    print_size("at the end", path);
    queue_close(q);

    char wal[640], shm[640];
    snprintf(wal, sizeof wal, "%s-wal", path);
    snprintf(shm, sizeof shm, "%s-shm", path);
    unlink(wal);
    unlink(shm);
    unlink(path);
    rmdir(dir);
    return 0;
}
