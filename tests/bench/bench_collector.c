/* Collector ingest rate over real HTTP on loopback, SQLite then PostgreSQL: 2,800 simulated sites
 * (the national network), each batch one opening hour of one site (6 buckets), posted by concurrent
 * keep-alive clients. Prints batches/s and buckets/s next to the goal: 100 x the load of 2,800 sites
 * uploading every minute = 4,667 batches/s. SQLite is measured a second time while 1,000 slow
 * connections (headers trickled one line every 10 s, reopened when cut) come from other loopback
 * addresses (test_lockout_load.h). Every run also carries the live state of the 2,800 sites: one
 * snapshot per site per minute (47/s) posted by another client meanwhile, as the national network's
 * boards would, and the steering console read by headquarters (the Now page and the region's month,
 * one page every CONSOLE_PERIOD_MS). Figures only, nothing asserted. */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "borne/collector_synth.h"
#include "test_collector_session.h"
#include "test_lockout_load.h"

#define SITES 2800
#define CLIENTS 32
#define SERVER_THREADS 4
#define GOAL (100.0 * SITES / 60.0)

struct job {
    char antenne[16];
    char *body;
    size_t buckets;
};

static struct job *jobs;
static size_t n_jobs;
/* Fixed load (argv[2]): only the first N batches, no live snapshots nor console reads meanwhile, and one
 * read of the region's month at the end (it folds every day still dirty), so the work does not depend on
 * the time the run takes: for instruction counts (callgrind, HARNESS_COLLECTOR_WRAPPER). 0 = every batch
 * with the live and console load. */
static size_t fixed_batches;
static atomic_size_t next_job;
static atomic_long failures;
static struct harness h;

/* The boards' uploads: one thread drives CLIENTS keep-alive connections through libcurl's multi interface,
 * each posting the next batch as soon as its last one is answered. Real HTTP/1.1 over TCP with the
 * headers of the boards' uploader (upload_http.c: bearer token, JSON in and out, no 100-continue, its
 * user agent), its bodies unchanged. On a real network the boards are remote machines: one thread with
 * prebuilt headers, woken by epoll for the connections that are ready, instead of 32 threads rebuilding
 * them keeps this benchmark's own share of the 2 cores small (it is printed beside the collector's and
 * the database's). */
struct upload_conn {
    CURL *c;
    char url[192];
};

static struct curl_slist **site_headers;   /* per site: its token and the uploader's other headers */

static size_t drop_answer(char *data, size_t size, size_t n, void *ctx)
{
    (void)data;
    (void)ctx;
    return size * n;
}

static bool build_site_headers(void)
{
    site_headers = calloc(SITES, sizeof *site_headers);
    for (int s = 0; site_headers && s < SITES; s++) {
        char auth[512];
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", harness_token(s));
        const char *lines[] = {auth, "Content-Type: application/json", "Accept: application/json", "Expect:"};
        for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
            struct curl_slist *next = curl_slist_append(site_headers[s], lines[i]);
            if (!next)
                return false;
            site_headers[s] = next;
        }
    }
    return site_headers != NULL;
}

static void free_site_headers(void)
{
    for (int s = 0; site_headers && s < SITES; s++)
        curl_slist_free_all(site_headers[s]);
    free(site_headers);
    site_headers = NULL;
}

/* Hands the next batch to conn (false when none is left). */
static bool post_next(CURLM *m, struct upload_conn *conn)
{
    size_t i = atomic_fetch_add(&next_job, 1);
    if (i >= n_jobs)
        return false;
    const struct job *j = &jobs[i];
    snprintf(conn->url, sizeof conn->url, "%s/api/v1/antennes/%s/batches", h.url, j->antenne);
    curl_easy_setopt(conn->c, CURLOPT_URL, conn->url);
    curl_easy_setopt(conn->c, CURLOPT_HTTPHEADER, site_headers[atoi(j->antenne + 5)]);
    curl_easy_setopt(conn->c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(j->body));
    curl_easy_setopt(conn->c, CURLOPT_POSTFIELDS, j->body);
    if (curl_multi_add_handle(m, conn->c) != CURLM_OK) {
        atomic_fetch_add(&failures, 1);
        return false;
    }
    return true;
}

/* libcurl's sockets watched by epoll (curl_multi_socket_action): only the connections that are ready are looked
 * at, not all 32 at every answer as curl_multi_poll() would. */
struct upload_loop {
    int ep;
    long timeout_ms;   /* curl's timer: -1 none */
};

static int on_socket(CURL *c, curl_socket_t s, int what, void *loop_arg, void *socket_arg)
{
    (void)c;
    (void)socket_arg;
    struct upload_loop *loop = loop_arg;
    if (what == CURL_POLL_REMOVE)
        return epoll_ctl(loop->ep, EPOLL_CTL_DEL, s, NULL) == 0 || errno == ENOENT ? 0 : -1;
    struct epoll_event ev = {.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u),
                             .data.fd = s};
    if (epoll_ctl(loop->ep, EPOLL_CTL_MOD, s, &ev) == 0 || (errno == ENOENT && epoll_ctl(loop->ep, EPOLL_CTL_ADD, s, &ev) == 0))
        return 0;
    return -1;
}

static int on_timer(CURLM *m, long timeout_ms, void *loop_arg)
{
    (void)m;
    ((struct upload_loop *)loop_arg)->timeout_ms = timeout_ms;
    return 0;
}

static void *uploads(void *arg)
{
    (void)arg;
    struct upload_loop loop = {epoll_create1(EPOLL_CLOEXEC), -1};
    CURLM *m = loop.ep >= 0 ? curl_multi_init() : NULL;
    if (m) {
        curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, on_socket);
        curl_multi_setopt(m, CURLMOPT_SOCKETDATA, &loop);
        curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, on_timer);
        curl_multi_setopt(m, CURLMOPT_TIMERDATA, &loop);
    }
    struct upload_conn conns[CLIENTS];
    int active = 0;
    for (int k = 0; k < CLIENTS; k++) {
        conns[k].c = m ? curl_easy_init() : NULL;
        if (!conns[k].c) {
            atomic_fetch_add(&failures, 1);
            continue;
        }
        curl_easy_setopt(conns[k].c, CURLOPT_PRIVATE, &conns[k]);
        curl_easy_setopt(conns[k].c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(conns[k].c, CURLOPT_USERAGENT, "borne-upload");
        curl_easy_setopt(conns[k].c, CURLOPT_TIMEOUT, 60L);
        curl_easy_setopt(conns[k].c, CURLOPT_WRITEFUNCTION, drop_answer);
        active += post_next(m, &conns[k]);
    }
    while (active > 0) {
        struct epoll_event ev[CLIENTS];
        int n = epoll_wait(loop.ep, ev, CLIENTS, loop.timeout_ms < 0 || loop.timeout_ms > 1000 ? 1000 : (int)loop.timeout_ms);
        if (n < 0 && errno != EINTR)
            break;
        int running;
        CURLMcode rc = CURLM_OK;
        for (int i = 0; i < n && rc == CURLM_OK; i++)
            rc = curl_multi_socket_action(m, ev[i].data.fd,
                                          (ev[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) |
                                              (ev[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
                                              (ev[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0),
                                          &running);
        if (rc == CURLM_OK && (n <= 0 || loop.timeout_ms == 0))
            rc = curl_multi_socket_action(m, CURL_SOCKET_TIMEOUT, 0, &running);
        if (rc != CURLM_OK)
            break;
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            CURL *c = msg->easy_handle;
            long status = 0;
            if (msg->data.result == CURLE_OK)
                curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
            if (status != 200)
                atomic_fetch_add(&failures, 1);
            struct upload_conn *conn;
            curl_easy_getinfo(c, CURLINFO_PRIVATE, (char **)&conn);
            curl_multi_remove_handle(m, c);
            active -= !post_next(m, conn);
        }
    }
    /* A call that failed leaves transfers unfinished and batches unsent: each is a failure. */
    long lost = active;
    size_t taken = atomic_load(&next_job);
    if (taken < n_jobs)
        lost += (long)(n_jobs - taken);
    atomic_fetch_add(&failures, lost);
    for (int k = 0; k < CLIENTS; k++)
        if (conns[k].c) {
            curl_multi_remove_handle(m, conns[k].c);
            curl_easy_cleanup(conns[k].c);
        }
    curl_multi_cleanup(m);
    if (loop.ep >= 0)
        close(loop.ep);
    return NULL;
}

/* Live snapshots at LIVE_PER_S, one site after the other, until live_stop. */
#define LIVE_PER_S (SITES / 60.0)
static atomic_bool live_stop;
static atomic_long live_sent, live_failures;

static void *live_feeder(void *arg)
{
    (void)arg;
    CURL *c = curl_easy_init();
    char path[64], body[512];
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long k = 0; c && !atomic_load(&live_stop); k++) {
        int site = (int)(k % SITES);
        snprintf(path, sizeof path, "/api/v1/antennes/site-%d/live", site);
        session_live_body(body, sizeof body, site, k, (int64_t)time(NULL), 2, "ready", k % 9, (k % 9) * 120);
        long status = session_request(&h, c, path, harness_token(site), body, 60, NULL);
        atomic_fetch_add(status == 200 ? &live_sent : &live_failures, 1);
        /* Keep the pace: snapshot k + 1 is due at start + (k + 1) / LIVE_PER_S. */
        double due = (double)(k + 1) / LIVE_PER_S;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        double late = (double)(ts.tv_sec - start.tv_sec) + (double)(ts.tv_nsec - start.tv_nsec) / 1e9;
        if (due > late)
            usleep((useconds_t)((due - late) * 1e6));
    }
    curl_easy_cleanup(c);
    return NULL;
}

/* This process's CPU (user and system): the load generator's (and, with slow connections, the attacker's). */
static double own_cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Headquarters reading the console meanwhile: the Now page and the region's month in turn. */
#define CONSOLE_PERIOD_MS 500
static atomic_long console_read, console_failures;
static double console_ms;   /* summed; written by the reader only, read after it joined */
static char console_month[64];

static void *console_reader(void *arg)
{
    (void)arg;
    CURL *c = curl_easy_init();
    for (long k = 0; c && !atomic_load(&live_stop); k++) {
        double t0 = seconds();
        long status = session_request(&h, c, k % 2 ? console_month : "/console", HARNESS_ADMIN_TOKEN, NULL, 60, NULL);
        console_ms += (seconds() - t0) * 1000.0;
        atomic_fetch_add(status == 200 ? &console_read : &console_failures, 1);
        usleep(CONSOLE_PERIOD_MS * 1000);
    }
    curl_easy_cleanup(c);
    return NULL;
}

/* One weekday's opening hours for every site: 7 batches per site. */
static void make_jobs(int64_t day)
{
    jobs = calloc((size_t)SITES * 24, sizeof *jobs);
    for (int s = 0; s < SITES; s++) {
        char id[16];
        snprintf(id, sizeof id, "site-%d", s);
        struct collector_synth_site site = {id, 0.5 + (s % 10) * 0.3, (uint32_t)s * 2654435761u};
        for (int hour = 0; hour < 24; hour++) {
            struct collector_bucket b[COLLECTOR_SYNTH_SERVICES];
            size_t n = collector_synth_hour(&site, day, hour, 1, b, COLLECTOR_SYNTH_SERVICES);
            if (n == 0)
                continue;
            char uuid[COLLECTOR_UUID_LEN + 1];
            collector_synth_uuid((uint64_t)s, (uint64_t)(day * 24 + hour), uuid);
            struct job *j = &jobs[n_jobs++];
            snprintf(j->antenne, sizeof j->antenne, "%s", id);
            j->body = collector_synth_body(id, uuid, day * 86400 + hour * 3600 + 3599, b, n, NULL);
            j->buckets = n;
        }
    }
}

/* The benchmark runs outside ctest (in /tmp): leave no database behind. */
static void remove_files(const char *dir)
{
    static const char *const leaves[] = {"collector.sqlite", "collector.sqlite-wal", "collector.sqlite-shm",
                                         "antennes.csv", "tokens.txt", "hq.token"};
    char path[700];
    if (!dir[0])
        return;
    for (size_t i = 0; i < sizeof leaves / sizeof leaves[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, leaves[i]);
        remove(path);
    }
    remove(dir);
}

/* slow: connections held by an attacker meanwhile (0 = none). */
static void run(const char *backend, int slow)
{
    if (!harness_start(&h, "bench-collector", backend, SITES, SERVER_THREADS, NULL)) {
        printf("%-10s  not measured: the collector did not start (PostgreSQL not reachable? see above)\n", backend);
        harness_stop(&h);
        remove_files(h.dir);
        return;
    }
    lockout_load *load = NULL;
    char label[40];
    snprintf(label, sizeof label, "%s", backend);
    if (slow) {
        snprintf(label, sizeof label, "%s + %d slow", backend, slow);
        load = lockout_start(&(lockout_plan){
            .port = h.port, .slow = slow,
            .slow_start = "POST /api/v1/antennes/site-1/batches HTTP/1.1\r\nHost: 127.0.0.1\r\n",
            .slow_period_ms = 10000, .per_address = 8, .retry_ms = 500});
        lockout_stats st;
        do {
            usleep(100000);
            lockout_stats_get(load, &st);
        } while (st.connects < slow);
    }
    double db_cpu0 = harness_pg_cpu_seconds(&h);
    atomic_store(&next_job, 0);
    atomic_store(&failures, 0);
    atomic_store(&live_stop, false);
    atomic_store(&live_sent, 0);
    atomic_store(&live_failures, 0);
    atomic_store(&console_read, 0);
    atomic_store(&console_failures, 0);
    console_ms = 0;
    pthread_t live, console;
    double own_cpu0 = own_cpu_seconds(), t0 = seconds();
    if (!fixed_batches) {
        pthread_create(&live, NULL, live_feeder, NULL);
        pthread_create(&console, NULL, console_reader, NULL);
    }
    uploads(NULL);
    double dt = seconds() - t0;
    atomic_store(&live_stop, true);
    if (!fixed_batches) {
        pthread_join(live, NULL);
        pthread_join(console, NULL);
    } else {
        atomic_fetch_add(harness_request(&h, "GET", console_month, HARNESS_ADMIN_TOKEN, NULL, 0, NULL) == 200
                             ? &console_read
                             : &console_failures,
                         1);
    }
    double own_cpu = own_cpu_seconds() - own_cpu0;
    double cpu = harness_cpu_seconds(h.pid), db_cpu = harness_pg_cpu_seconds(&h) - db_cpu0;
    if (load)
        lockout_stop(load);
    backend = label;
    size_t buckets = 0;
    for (size_t i = 0; i < n_jobs; i++)
        buckets += jobs[i].buckets;
    double rate = (double)n_jobs / dt;
    printf("%-10s  %6zu batches in %6.2f s: %8.0f batches/s, %9.0f buckets/s  (%.2f x the goal of %.0f batches/s;"
           " failures: %ld)\n",
           backend, n_jobs, dt, rate, (double)buckets / dt, rate / GOAL, GOAL, atomic_load(&failures));
    printf("%-10s  meanwhile %ld live snapshots (%.0f per minute, goal %d), failures %ld\n", backend,
           atomic_load(&live_sent), 60.0 * (double)atomic_load(&live_sent) / dt, SITES, atomic_load(&live_failures));
    long pages = atomic_load(&console_read) + atomic_load(&console_failures);
    printf("%-10s  meanwhile %ld console pages read (Now and the region's month in turn), %.0f ms each on average,"
           " failures %ld\n",
           backend, pages, pages ? console_ms / (double)pages : 0.0, atomic_load(&console_failures));
    /* On a shared machine the wall-clock rate depends on the neighbours; batches per CPU-second does not. */
    if (cpu > 0)
        printf("%-10s  collector process CPU %.2f s: %.0f batches per CPU-second\n", backend, cpu,
               (double)n_jobs / cpu);
    if (db_cpu0 >= 0 && db_cpu > 0)
        printf("%-10s  PostgreSQL backends' CPU %.2f s: %.0f batches per CPU-second; with the collector's, %.0f\n",
               backend, db_cpu, (double)n_jobs / db_cpu, (double)n_jobs / (db_cpu + cpu));
    printf("%-10s  this benchmark's own CPU (its clients and feeders%s) %.2f s: %.0f us per batch\n", backend,
           slow ? ", the slow connections" : "", own_cpu, 1e6 * own_cpu / (double)n_jobs);
    fflush(stdout);
    harness_stop(&h);
    remove_files(h.dir);
}

/* argv[1] (optional): "sqlite" or "postgresql" to measure one backend only; argv[2] (optional): a fixed load of
 * that many batches (above). */
int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : "";
    fixed_batches = argc > 2 ? strtoul(argv[2], NULL, 10) : 0;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int64_t day = (int64_t)time(NULL) / 86400 - 1;
    while (((day + 3) % 7 + 7) % 7 >= 5) /* the last weekday before today */
        day--;
    make_jobs(day);
    if (!build_site_headers()) {
        fprintf(stderr, "bench_collector: out of memory\n");
        return 1;
    }
    size_t made = n_jobs;
    if (fixed_batches && fixed_batches < n_jobs)
        n_jobs = fixed_batches;
    char first[21];
    collector_synth_time_text(day * 86400, first);   /* "YYYY-MM-DDT00:00:00Z": the date is its first 10 */
    snprintf(console_month, sizeof console_month, "/console/period?period=month&date=%.10s", first);
    size_t body_bytes = 0;
    for (size_t i = 0; i < n_jobs; i++)
        body_bytes += strlen(jobs[i].body);
    printf("bench_collector: %d sites, %zu batches of %d buckets (%zu bytes each on average), %d keep-alive clients,"
           " %d server threads\n",
           SITES, n_jobs, COLLECTOR_SYNTH_SERVICES, n_jobs ? body_bytes / n_jobs : 0, CLIENTS, SERVER_THREADS);
    printf("goal: >= 100 x (2,800 sites uploading every minute) = %.0f batches/s\n", GOAL);
    lockout_raise_nofile(4000);
    if (!*only || strcmp(only, "sqlite") == 0) {
        run("sqlite", 0);
        if (!fixed_batches)
            run("sqlite", 1000);
    }
    if (!*only || strcmp(only, "postgresql") == 0)
        run("postgresql", 0);
    for (size_t i = 0; i < made; i++)
        free(jobs[i].body);
    free(jobs);
    free_site_headers();
    curl_global_cleanup();
    return 0;
}
