/* Running the fleet from HQ, measured on the real collector program (borne-collector, a child
 * process, SQLite) over loopback:
 *   1. publish -> applied on a board, p50/p99 over 100 publishes: the board is the real channel
 *      client and fleet module (app/channel) with its engine; its loop applies the document as soon
 *      as the fleet wakes it (the kiosk does it at the end of that tick when idle).
 *   2. the collector holding 2,800 idle board channels (the national network): resident memory,
 *      threads, open files and CPU over a minute of keep-alives. The 2,799 other boards are raw
 *      sockets that opened their stream with their antenne's token and then only listen, from
 *      distinct loopback addresses (the per-address cap is for NATs, not for this).
 * Figures only, nothing asserted. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "borne/channel.h"
#include "borne/config.h"
#include "borne/fleet.h"
#include "borne/queue.h"
#include "test_fleet_support.h"
#include "testlib.h"

#define SITES 2800
#define PUBLISHES 100
#define IDLE_S 60

static struct fleet_hq hq; /* only url is used: the collector is the child process */
static pid_t collector;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t woken = PTHREAD_COND_INITIALIZER;
static int wakes;

static void on_wake(void *ctx)
{
    (void)ctx;
    pthread_mutex_lock(&mu);
    wakes++;
    pthread_cond_signal(&woken);
    pthread_mutex_unlock(&mu);
}

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The collector from its installed-like config; its first stdout line names the port. */
static bool start_collector(const char *dir)
{
    FILE *csv = fopen(testlib_path(dir, "antennes.csv"), "w");
    FILE *tokens = fopen(testlib_path(dir, "tokens.txt"), "w");
    if (!csv || !tokens)
        return false;
    fprintf(csv, "name,opened,population,communes\n");
    for (int i = 0; i < SITES; i++) {
        fprintf(csv, "Site %d,2020-01-01,1,1\n", i);
        fprintf(tokens, "site-%d %s\n", i, fleet_token(i));
    }
    fclose(csv);
    fclose(tokens);
    chmod(testlib_path(dir, "tokens.txt"), 0600);
    fleet_write_file(testlib_path(dir, "hq.token"), FLEET_ADMIN_TOKEN "\n", 0600);
    char ini[1024];
    snprintf(ini, sizeof ini,
             "[collector]\nlisten = 127.0.0.1\nport = 0\nthreads = 4\n[storage]\nbackend = sqlite\npath = %s\n"
             "[antennes]\ncsv = antennes.csv\ntokens = tokens.txt\nadmin_token_file = hq.token\n",
             testlib_path(dir, "collector.sqlite"));
    fleet_write_file(testlib_path(dir, "collector.ini"), ini, 0644);
    int out[2];
    if (pipe(out) != 0)
        return false;
    char config[600];
    snprintf(config, sizeof config, "%s", testlib_path(dir, "collector.ini"));
    char log_path[600];
    snprintf(log_path, sizeof log_path, "%s", testlib_path(dir, "collector.log"));
    collector = fork();
    if (collector == 0) {
        int log = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(log, STDERR_FILENO);
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        execl(BORNE_COLLECTOR_BIN, "borne-collector", "--config", config, (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    FILE *f = fdopen(out[0], "r");
    char line[512];
    int port = 0;
    while (port == 0 && f && fgets(line, sizeof line, f)) {
        const char *at = strstr(line, "listening on http://127.0.0.1:");
        if (at)
            port = atoi(at + strlen("listening on http://127.0.0.1:"));
    }
    /* The rest of its stdout is not read: the pipe stays open so it never gets SIGPIPE. */
    if (port == 0)
        return false;
    snprintf(hq.url, sizeof hq.url, "http://127.0.0.1:%d", port);
    return true;
}

static long proc_status(const char *key)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)collector);
    FILE *f = fopen(path, "r");
    long v = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, strlen(key)) == 0)
            v = strtol(line + strlen(key), NULL, 10);
    if (f)
        fclose(f);
    return v;
}

/* CPU time of the collector so far, in seconds: each thread's schedstat (nanoseconds on a CPU). */
static double cpu_s(void)
{
    char dir[64], path[384];
    snprintf(dir, sizeof dir, "/proc/%d/task", (int)collector);
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    unsigned long long total = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s/schedstat", dir, e->d_name);
        FILE *f = fopen(path, "r");
        unsigned long long ns = 0;
        if (f && fscanf(f, "%llu", &ns) == 1)
            total += ns;
        if (f)
            fclose(f);
    }
    closedir(d);
    return (double)total / 1e9;
}

static int open_files(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "ls /proc/%d/fd | wc -l", (int)collector);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p && fscanf(p, "%d", &n) != 1)
        n = -1;
    if (p)
        pclose(p);
    return n;
}

/* Board i's stream from its own loopback address: 0 once HQ answered 200 and the stream is open. */
static int open_stream(int i, int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in src = {.sin_family = AF_INET,
                              .sin_addr.s_addr = htonl(0x7f000000u | (uint32_t)(1 + i / 200) << 8 | (uint32_t)(1 + i % 200))};
    struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct timeval tv = {.tv_sec = 30};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char req[512], head[1024];
    int n = snprintf(req, sizeof req,
                     "GET /api/v1/antennes/site-%d/channel HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                     "Authorization: Bearer %s\r\n\r\n",
                     i, fleet_token(i));
    size_t have = 0;
    if (bind(fd, (struct sockaddr *)&src, sizeof src) != 0 || connect(fd, (struct sockaddr *)&dst, sizeof dst) != 0 ||
        write(fd, req, (size_t)n) != n)
        goto fail;
    while (have < sizeof head - 1 && !strstr(head, "\r\n\r\n")) {
        ssize_t r = read(fd, head + have, sizeof head - 1 - have);
        if (r <= 0)
            goto fail;
        have += (size_t)r;
        head[have] = '\0';
    }
    if (strncmp(head, "HTTP/1.1 200", 12) == 0)
        return fd;
fail:
    close(fd);
    return -1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static bool board_online(void *ctx)
{
    (void)ctx;
    json_t *ans = NULL;
    bool on = fleet_http(&hq, "GET", "/api/v1/channel/online", FLEET_ADMIN_TOKEN, NULL, &ans) == 200 &&
              json_array_size(json_object_get(ans, "online")) >= 1;
    json_decref(ans);
    return on;
}

static void publish_to_applied(borne_config *cfg, queue *q, fleet *fl)
{
    double ms[PUBLISHES];
    int done = 0;
    for (int i = 0; i < PUBLISHES; i++) {
        char doc[1024];
        snprintf(doc, sizeof doc,
                 "{\"services\": [{\"letter\": \"A\", \"labels\": {\"fr\": \"Aides, publication %d\"}, \"order\": 1}],"
                 " \"hours\": {\"mon\": \"00:00-24:00\", \"tue\": \"00:00-24:00\", \"wed\": \"00:00-24:00\","
                 " \"thu\": \"00:00-24:00\", \"fri\": \"00:00-24:00\", \"sat\": \"00:00-24:00\", \"sun\": \"00:00-24:00\","
                 " \"last_ticket_before_close\": 0}, \"closures\": {\"public_holidays\": false}}",
                 i);
        if (fleet_http(&hq, "PUT", "/api/v1/config/documents/antenne:site-0", FLEET_ADMIN_TOKEN, doc, NULL) != 200)
            break;
        pthread_mutex_lock(&mu);
        int before = wakes;
        pthread_mutex_unlock(&mu);
        double t0 = mono_ms();
        if (fleet_http(&hq, "POST", "/api/v1/config/publish", FLEET_ADMIN_TOKEN, "{}", NULL) != 200)
            break;
        /* The board's loop: woken by the fleet, applies at once (an idle kiosk does it that tick). */
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += 30;
        pthread_mutex_lock(&mu);
        while (wakes == before)
            if (pthread_cond_timedwait(&woken, &mu, &deadline) != 0)
                break;
        bool woke = wakes != before;
        pthread_mutex_unlock(&mu);
        if (!woke || fleet_apply_pending(fl, q, (int64_t)time(NULL)) != 1)
            break;
        ms[done++] = mono_ms() - t0;
    }
    if (done < PUBLISHES) {
        printf("  publish -> applied: only %d of %d publishes applied (board running version %lld)\n", done, PUBLISHES,
               (long long)cfg->business_version);
        return;
    }
    qsort(ms, PUBLISHES, sizeof ms[0], cmp_double);
    printf("  publish at HQ -> applied on the board (%d publishes): p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", PUBLISHES,
           ms[PUBLISHES / 2], ms[PUBLISHES * 99 / 100], ms[PUBLISHES - 1]);
}

/* One document for the whole region: how long HQ takes to store and push 2,800 messages, and until
 * the last open stream has it. */
static void region_publish(const int *fds)
{
    static const char doc[] = "{\"messages\": {\"screen\": {\"fr\": \"Fermeture exceptionnelle le 24 décembre\"}}}";
    if (fleet_http(&hq, "PUT", "/api/v1/config/documents/region", FLEET_ADMIN_TOKEN, doc, NULL) != 200)
        return;
    static struct pollfd pfd[SITES];
    static bool got[SITES];
    int waiting = 0;
    for (int i = 1; i < SITES; i++) {
        pfd[i - 1] = (struct pollfd){.fd = fds[i], .events = POLLIN};
        got[i] = fds[i] < 0;
        waiting += fds[i] >= 0;
    }
    double t0 = mono_ms();
    long code = fleet_http(&hq, "POST", "/api/v1/config/publish", FLEET_ADMIN_TOKEN, "{}", NULL);
    double answered = mono_ms() - t0;
    while (waiting > 0 && mono_ms() - t0 < 300e3 && poll(pfd, SITES - 1, 1000) >= 0)
        for (int i = 1; i < SITES; i++) {
            if (got[i] || !(pfd[i - 1].revents & POLLIN))
                continue;
            char buf[4096];
            ssize_t n = read(fds[i], buf, sizeof buf - 1);
            if (n <= 0) {
                pfd[i - 1].fd = -1;
                got[i] = true;
                waiting--;
                continue;
            }
            buf[n] = '\0';
            if (strstr(buf, "event: config")) {
                got[i] = true;
                pfd[i - 1].fd = -1;
                waiting--;
            }
        }
    printf("  one region document to %d antennes: HQ answered %ld after %.1f s, the last open stream had it after "
           "%.1f s (%d never did)\n",
           SITES, code, answered / 1e3, (mono_ms() - t0) / 1e3, waiting);
}

static void idle_channels(int port)
{
    long rss0 = proc_status("VmRSS:");
    int fds0 = open_files();
    static int fds[SITES];
    int open_n = 1; /* site-0 is the real board */
    double t0 = mono_ms();
    for (int i = 1; i < SITES; i++) {
        fds[i] = open_stream(i, port);
        open_n += fds[i] >= 0;
    }
    double opened_ms = mono_ms() - t0;
    /* A stream is listed once its connection is registered, just after its headers went out. */
    size_t online = 0;
    for (double until = mono_ms() + 30e3; online < (size_t)open_n && mono_ms() < until; usleep(100000)) {
        json_t *ans = NULL;
        if (fleet_http(&hq, "GET", "/api/v1/channel/online", FLEET_ADMIN_TOKEN, NULL, &ans) == 200)
            online = json_array_size(json_object_get(ans, "online"));
        json_decref(ans);
    }
    double c0 = cpu_s(), w0 = mono_ms();
    sleep(IDLE_S);
    double cpu = cpu_s() - c0, wall = (mono_ms() - w0) / 1e3;
    long rss = proc_status("VmRSS:"), hwm = proc_status("VmHWM:");
    int files = open_files();
    printf("  %d idle channels open in %.1f s (HQ lists %zu online)\n", open_n, opened_ms / 1e3, online);
    printf("  collector RSS %.1f MiB with one channel -> %.1f MiB with %d (peak %.1f MiB): %.1f KiB per channel\n",
           rss0 / 1024.0, rss / 1024.0, open_n, hwm / 1024.0, open_n > 1 ? (double)(rss - rss0) / (open_n - 1) : 0.0);
    printf("  collector threads %ld, open files %d -> %d (LimitNOFILE must cover these plus the connection budget)\n",
           proc_status("Threads:"), fds0, files);
    printf("  collector CPU while they idle (keep-alive every 25 s): %.2f s over %.0f s = %.2f %% of one core\n", cpu,
           wall, 100.0 * cpu / wall);
    region_publish(fds);
    for (int i = 1; i < SITES; i++)
        if (fds[i] >= 0)
            close(fds[i]);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0);
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    /* 2,800 sockets here and as many in the collector (it inherits the limit). */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const char *dir = testlib_tmpdir("bench_fleet");
    printf("bench_fleet: borne-collector (child process, SQLite, 4 threads) on loopback, this machine (%ld cores online)\n",
           sysconf(_SC_NPROCESSORS_ONLN));
    if (!start_collector(dir)) {
        printf("  the collector did not start\n");
        return 1;
    }
    char ini[2048], err[512];
    fleet_write_file(testlib_path(dir, "board.token"), fleet_token(0), 0600);
    snprintf(ini, sizeof ini,
             "[antenne]\nid = site-0\nname = Site 0\n[service.A]\nlabel_fr = Aides\n[counter.1]\nservices = A\n"
             "[hours]\nalways_open = true\n[printer]\ndevice = virtual\n[hq]\nurl = %s\ntoken_file = board.token\n"
             "[store]\npath = board.db\n[clock]\nrequire_sync = false\n",
             hq.url);
    fleet_write_file(testlib_path(dir, "borne.ini"), ini, 0644);
    borne_config cfg;
    queue *q = NULL;
    channel *ch = NULL;
    fleet *fl = NULL;
    channel_config cc = {.url = hq.url, .antenne = "site-0", .token_file = testlib_path(dir, "board.token"),
                         .state_path = testlib_path(dir, "board.db.channel")};
    int rc = config_load(testlib_path(dir, "borne.ini"), &cfg, err, sizeof err);
    if (rc == 0)
        rc = queue_open(&q, cfg.store.path, &cfg.queue, err, sizeof err);
    if (rc == 0 && queue_apply_setup(q, &cfg.setup, (int64_t)time(NULL)) != QUEUE_OK)
        rc = snprintf(err, sizeof err, "the engine refused the board's setup");
    if (rc == 0)
        rc = channel_new(&ch, &cc, err, sizeof err);
    if (rc == 0)
        rc = fleet_start(&fl, ch, &cfg, on_wake, NULL, err, sizeof err);
    if (rc == 0)
        rc = channel_start(ch, err, sizeof err);
    if (rc != 0 || !fleet_wait_for(board_online, NULL)) {
        printf("  the board did not reach HQ: %s\n", rc ? err : "no channel");
    } else {
        publish_to_applied(&cfg, q, fl);
        idle_channels(atoi(strrchr(hq.url, ':') + 1));
    }
    channel_free(ch);
    fleet_stop(fl);
    queue_close(q);
    kill(collector, SIGTERM);
    waitpid(collector, NULL, 0);
    curl_global_cleanup();
    return 0;
}
