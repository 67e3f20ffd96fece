/* Support of the upload integration tests (see test_upload_support.h). */
#include "test_upload_support.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "borne/clock.h"
#include "testlib.h"

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    chmod(path, mode);
}

/* fork + exec with stdout/stderr to a file; the child dies with the test (PDEATHSIG). */
static pid_t spawn(char *const argv[], const char *out_path)
{
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    return pid;
}

void ut_kill(pid_t pid)
{
    if (pid <= 0)
        return;
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* A free port below the kernel's ephemeral range. A test that connects, while its collector is
 * down, to a port inside that range can be given that very port as the connection's source and
 * connect to itself (TCP simultaneous open); the socket then holds the port the collector is to
 * bind. And another test's bind(0) or connect() never picks a port outside the range. */
int ut_free_port(void)
{
    int low = 32768, high = 60999;
    FILE *range = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
    if (range) {
        if (fscanf(range, "%d %d", &low, &high) != 2)
            low = 32768, high = 60999;
        fclose(range);
    }
    int base = low > 12000 ? low - 10000 : high + 1, span = low > 12000 ? 10000 : 65536 - base;
    unsigned seed = (unsigned)getpid() * 2654435761u ^ (unsigned)time(NULL);
    for (int attempt = 0; attempt < 200 && span > 0; attempt++) {
        seed = seed * 1103515245u + 12345u;
        int port = base + (int)((seed >> 8) % (unsigned)span);
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bool free_port = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
        if (fd >= 0)
            close(fd);
        if (free_port)
            return port;
    }
    return 0;
}

bool ut_collector_start(ut_collector *c, const char *binary, const char *dir, int port, const char *cert,
                        const char *key)
{
    memset(c, 0, sizeof c[0]);
    const char *csv = testlib_path(dir, "antennes.csv");
    write_file(csv, "name,opened,population,communes\nFourmies,2016-11-28,306069,311\n", 0644);
    const char *tokens = testlib_path(dir, "tokens");
    write_file(tokens, UT_ANTENNE " " UT_TOKEN "\n", 0600);
    const char *admin = testlib_path(dir, "admin.token");
    write_file(admin, UT_ADMIN "\n", 0600);
    char store[512], out[512], port_text[16];
    snprintf(port_text, sizeof port_text, "%d", port);
    snprintf(store, sizeof store, "%s", testlib_path(dir, "hq.sqlite"));
    snprintf(out, sizeof out, "%s", testlib_path(dir, "collector.out"));
    char *argv[20];
    int n = 0;
    argv[n++] = (char *)binary;
    argv[n++] = "--port";
    argv[n++] = port_text;
    argv[n++] = "--sqlite";
    argv[n++] = store;
    argv[n++] = "--antennes-csv";
    argv[n++] = (char *)csv;
    argv[n++] = "--tokens";
    argv[n++] = (char *)tokens;
    argv[n++] = "--admin-token-file";
    argv[n++] = (char *)admin;
    if (cert) {
        argv[n++] = "--cert";
        argv[n++] = (char *)cert;
        argv[n++] = "--key";
        argv[n++] = (char *)key;
    }
    argv[n] = NULL;
    c->pid = spawn(argv, out);
    /* Generous: a sanitized collector on a loaded machine may take many seconds to listen. */
    for (int64_t until = clock_mono_ms() + 60000; !c->port && clock_mono_ms() < until;) {
        sleep_ms(20);
        FILE *f = fopen(out, "r");
        char line[512];
        while (f && fgets(line, sizeof line, f)) {
            const char *p = strstr(line, "listening on ");
            const char *colon = p ? strrchr(p, ':') : NULL;
            if (colon) {
                c->port = atoi(colon + 1);
                snprintf(c->url, sizeof c->url, "%s://127.0.0.1:%d", cert ? "https" : "http", c->port);
            }
        }
        if (f)
            fclose(f);
        if (waitpid(c->pid, NULL, WNOHANG) == c->pid) {
            c->pid = 0;
            break;
        }
    }
    if (!c->port) {
        fprintf(stderr, "collector did not start (see %s)\n", out);
        ut_kill(c->pid);
        c->pid = 0;
    }
    return c->port != 0;
}

void ut_collector_stop(ut_collector *c)
{
    ut_kill(c->pid);
    c->pid = 0;
}

pid_t ut_fault_start(const char *binary, const char *dir, int upstream_port, const char *script, int *port)
{
    char port_file[512], log[512], out[512], up[16];
    snprintf(port_file, sizeof port_file, "%s", testlib_path(dir, "fault.port"));
    snprintf(log, sizeof log, "%s", testlib_path(dir, "fault.log"));
    snprintf(out, sizeof out, "%s", testlib_path(dir, "fault.out"));
    snprintf(up, sizeof up, "%d", upstream_port);
    unlink(port_file);
    unlink(log);
    char *argv[] = { (char *)binary, "--port-file", port_file, "--upstream-port", up, "--log", log,
                     "--script", (char *)script, NULL };
    pid_t pid = spawn(argv, out);
    *port = 0;
    for (int64_t until = clock_mono_ms() + 60000; !*port && clock_mono_ms() < until;) {
        sleep_ms(10);
        FILE *f = fopen(port_file, "r");
        if (f) {
            if (fscanf(f, "%d", port) != 1)
                *port = 0;
            fclose(f);
        }
    }
    return pid;
}

int ut_fault_count(const char *dir, const char *mode, const char *batch)
{
    FILE *f = fopen(testlib_path(dir, "fault.log"), "r");
    int n = 0;
    char m[32], b[64];
    while (f && fscanf(f, "%31s %63s", m, b) == 2) {
        if (strcmp(m, mode) == 0 && (!batch || strcmp(b, batch) == 0))
            n++;
    }
    if (f)
        fclose(f);
    return n;
}

bool ut_fault_first(const char *dir, const char *mode, char batch[64])
{
    FILE *f = fopen(testlib_path(dir, "fault.log"), "r");
    char m[32];
    bool found = false;
    while (f && !found && fscanf(f, "%31s %63s", m, batch) == 2)
        found = strcmp(m, mode) == 0;
    if (f)
        fclose(f);
    return found;
}

const char *ut_token_file(const char *dir, const char *token)
{
    static char path[512];
    snprintf(path, sizeof path, "%s", testlib_path(dir, "board.token"));
    char text[300];
    snprintf(text, sizeof text, "%s\n", token);
    write_file(path, text, 0600);
    return path;
}

queue *ut_engine(const char *dir)
{
    queue *q = NULL;
    char err[256];
    if (queue_open(&q, testlib_path(dir, "borne.db"), NULL, err, sizeof err) != 0) {
        fprintf(stderr, "engine: %s\n", err);
        return NULL;
    }
    queue_setup s;
    memset(&s, 0, sizeof s);
    const char letters[] = "AFR";
    for (int i = 0; i < 3; i++) {
        s.services[i].letter = letters[i];
        snprintf(s.services[i].label_fr, sizeof s.services[i].label_fr, "Service %c", letters[i]);
        snprintf(s.services[i].label_en, sizeof s.services[i].label_en, "Service %c", letters[i]);
        s.services[i].enabled = true;
        s.services[i].order = i;
    }
    s.n_services = 3;
    for (int i = 0; i < 2; i++) {
        s.counters[i].id = i + 1;
        snprintf(s.counters[i].name, sizeof s.counters[i].name, "Guichet %d", i + 1);
        snprintf(s.counters[i].services, sizeof s.counters[i].services, "AFR");
    }
    s.n_counters = 2;
    s.last_ticket_min = -1;
    s.always_open = true;
    CHECK_INT(queue_apply_setup(q, &s, ut_days_ago(60)), 0);
    return q;
}

static int64_t day_start(int64_t first_day, int i)
{
    time_t t = (time_t)first_day;
    struct tm tm;
    localtime_r(&t, &tm);
    tm.tm_mday += i;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

int64_t ut_days_ago(int days_ago)
{
    return day_start((int64_t)time(NULL), -days_ago);
}

static uint32_t next_rand(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* One visit from issue to its end, within about `budget` seconds; returns the time it ended. */
static int64_t visit(queue *q, int64_t t, int64_t budget, uint32_t *seed)
{
    static const char letters[] = "AFR";
    char svc = letters[next_rand(seed) % 3];
    queue_issue_opts opts = { .public_type = (queue_public)(next_rand(seed) % QUEUE_PUBLIC_COUNT) };
    queue_issued is;
    if (!CHECK_INT(queue_issue(q, t, svc, &opts, &is), 0))
        return t;
    queue_ticket tk;
    int64_t call = t + 30 + next_rand(seed) % (budget / 3);
    int kind = (int)(next_rand(seed) % 10);
    if (kind == 0) {
        CHECK_INT(queue_cancel(q, t + 30, is.ticket.id, "kiosk"), 0);
        return t + 30;
    }
    CHECK_INT(queue_call_next(q, call, 1, &tk), 0);
    if (kind == 1) {
        CHECK_INT(queue_recall(q, call + 30, 1, &tk), 0);
        CHECK_INT(queue_no_show(q, call + 60, 1), 0);
        return call + 60;
    }
    CHECK_INT(queue_start(q, call + 20, 1), 0);
    int64_t end = call + 60 + next_rand(seed) % (budget / 3);
    if (kind == 2) {
        CHECK_INT(queue_transfer(q, end, 1, svc == 'F' ? 'A' : 'F', 0), 0);
        CHECK_INT(queue_call_next(q, end + 30, 2, &tk), 0);
        CHECK_INT(queue_start(q, end + 45, 2), 0);
        CHECK_INT(queue_finish(q, end + budget / 6, 2, QUEUE_OUTCOME_SERVED), 0);
        end += budget / 6;
    } else {
        CHECK_INT(queue_finish(q, end, 1, kind == 3 ? QUEUE_OUTCOME_REDIRECTED : QUEUE_OUTCOME_SERVED), 0);
    }
    if (next_rand(seed) % 3 == 0)
        CHECK_INT(queue_feedback(q, end + 10, 1 + (int)(next_rand(seed) % 5), svc, CONTRACT_REASON_NONE), 0);
    return end + 10;
}

void ut_simulate(queue *q, int64_t first_day, int days, int per_day, uint32_t seed)
{
    /* Visits one after the other between 9:30 and about 18:00, whatever the count. */
    int64_t budget = 8 * 3600 / (per_day > 0 ? per_day : 1);
    for (int d = 0; d < days; d++) {
        int64_t day = day_start(first_day, d);
        CHECK(queue_rollover(q, day + 8 * 3600) >= 0);
        int64_t t = day + 9 * 3600;
        CHECK_INT(queue_counter_open(q, t, 1), 0);
        CHECK_INT(queue_counter_open(q, t, 2), 0);
        /* One appointment a day, checked in a few minutes early. */
        queue_appointment a;
        memset(&a, 0, sizeof a);
        snprintf(a.code, sizeof a.code, "RDV-%d-%u", d, seed);
        a.at = t + 600;
        a.service = 'R';
        CHECK_INT(queue_appointment_upsert(q, t, &a), 0);
        queue_issued is;
        queue_ticket tk;
        CHECK_INT(queue_check_in(q, t + 300, a.code, &is), 0);
        CHECK_INT(queue_call_next(q, t + 600, 1, &tk), 0);
        CHECK_INT(queue_start(q, t + 660, 1), 0);
        CHECK_INT(queue_finish(q, t + 1500, 1, QUEUE_OUTCOME_SERVED), 0);
        t += 1800;
        for (int i = 0; i < per_day; i++)
            t = visit(q, t + 10 + next_rand(&seed) % (budget / 6), budget, &seed);
        /* Two visitors still waiting at closing: expired by the next rollover. */
        for (int i = 0; i < 2; i++)
            CHECK_INT(queue_issue(q, t + 60 * (i + 1), "AF"[i], NULL, &is), 0);
    }
    CHECK(queue_rollover(q, day_start(first_day, days) + 8 * 3600) >= 0);
}

void ut_check_integrity(const char *path)
{
    sqlite3 *db;
    CHECK_INT(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *s;
    CHECK_INT(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL), SQLITE_OK);
    CHECK_INT(sqlite3_step(s), SQLITE_ROW);
    CHECK_STR((const char *)sqlite3_column_text(s, 0), "ok");
    sqlite3_finalize(s);
    sqlite3_close(db);
}

bool ut_outbox_empty(const upload_status *s)
{
    /* At rest too: right after the last batch is acknowledged the thread may still be sending
     * (a live snapshot), and a check of the state after the wait would race with it. */
    return s->outbox_batches == 0 && s->high_water > 0 && s->last_success_ms > 0 && s->state == UPLOAD_IDLE;
}

bool ut_wait(upload *u, bool (*pred)(const upload_status *s), int timeout_s, upload_status *out)
{
    for (int i = 0; i < timeout_s * 50; i++) {
        upload_get_status(u, out);
        if (pred(out))
            return true;
        sleep_ms(20);
    }
    fprintf(stderr, "status: %s, %d batches pending, error: %s\n", upload_state_name(out->state),
            out->outbox_batches, out->last_error);
    return false;
}

upload_config ut_config(const char *dir, const char *url, const char *token_file)
{
    static char db[512];
    snprintf(db, sizeof db, "%s", testlib_path(dir, "borne.db"));
    upload_config c = {
        .url = url,
        .antenne = UT_ANTENNE,
        .token_file = token_file,
        .db_path = db,
        .version = "0.1.0",
        .batch_max_buckets = 40,
        .interval_ms = 60000,
        .backoff_base_ms = 50,
        .backoff_cap_ms = 400,
        .unauthorized_retry_ms = 300,
        .connect_timeout_ms = 2000,
        .timeout_ms = 3000,
    };
    return c;
}

/* ---- comparison with the collector -------------------------------------------------------------- */

long ut_request(const ut_collector *c, const char *ca_file, const char *path, const char *token,
                const char *body, char **out)
{
    char url[512], auth[200];
    snprintf(url, sizeof url, "%s%s", c->url, path);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    CURL *curl = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, auth);
    h = curl_slist_append(h, "Content-Type: application/json");
    struct testlib_buf g = { 0 };
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, testlib_buf_append);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &g);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    if (ca_file)
        curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file);
    if (body)
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    if (rc == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(curl);
    if (out)
        *out = g.p;
    else
        free(g.p);
    return status;
}

static json_t *hq_export(const ut_collector *c, const char *ca_file, const char *from, const char *to)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/export.json?from=%s&to=%s&antenne=" UT_ANTENNE, from, to);
    char *text = NULL;
    long status = ut_request(c, ca_file, path, UT_ADMIN, NULL, &text);
    json_t *j = status == 200 && text ? json_loads(text, 0, NULL) : NULL;
    if (!j)
        fprintf(stderr, "export: HTTP %ld: %.200s\n", status, text ? text : "");
    free(text);
    return j;
}

struct board {
    queue_bucket *b;
    size_t n, cap;
};

static int collect(const queue_bucket *b, void *ctx)
{
    struct board *bd = ctx;
    if (bd->n == bd->cap) {
        bd->cap = bd->cap ? bd->cap * 2 : 256;
        bd->b = realloc(bd->b, bd->cap * sizeof *bd->b);
    }
    bd->b[bd->n++] = *b;
    return 0;
}

static long long num(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static bool same(const queue_bucket *b, json_t *h)
{
    json_t *w = json_object_get(h, "wait"), *s = json_object_get(h, "service_time"),
           *f = json_object_get(h, "feedback");
    long long board[] = { b->revision, b->issued, b->called, b->served, b->redirected, b->no_show,
                          b->cancelled, b->expired, b->transferred, b->appointments_checked_in,
                          b->wait_sum_s, b->wait_count, b->wait_p50_s, b->wait_p90_s,
                          b->service_sum_s, b->service_count, b->service_p50_s, b->service_p90_s,
                          b->feedback[0], b->feedback[1], b->feedback[2], b->feedback[3], b->feedback[4] };
    long long hq[] = { num(h, "revision"), num(h, "issued"), num(h, "called"), num(h, "served"),
                       num(h, "redirected"), num(h, "no_show"), num(h, "cancelled"), num(h, "expired"),
                       num(h, "transferred"), num(h, "appointments_checked_in"), num(w, "sum_s"),
                       num(w, "count"), num(w, "p50_s"), num(w, "p90_s"), num(s, "sum_s"), num(s, "count"),
                       num(s, "p50_s"), num(s, "p90_s"),
                       (long long)json_integer_value(json_array_get(f, 0)),
                       (long long)json_integer_value(json_array_get(f, 1)),
                       (long long)json_integer_value(json_array_get(f, 2)),
                       (long long)json_integer_value(json_array_get(f, 3)),
                       (long long)json_integer_value(json_array_get(f, 4)) };
    for (size_t i = 0; i < sizeof board / sizeof board[0]; i++) {
        if (board[i] != hq[i]) {
            fprintf(stderr, "bucket %s %d %c %d: member #%zu board %lld, HQ %lld\n", b->day, b->hour,
                    b->service, (int)b->public_type, i, board[i], hq[i]);
            return false;
        }
    }
    return true;
}

int ut_compare_with_hq(queue *q, const ut_collector *c, const char *ca_file, const char *from, const char *to)
{
    struct board bd = { 0 };
    if (queue_aggregates(q, from, to, collect, &bd) != 0) {
        fprintf(stderr, "engine aggregates: %s\n", queue_errmsg(q));
        return -1;
    }
    json_t *ex = hq_export(c, ca_file, from, to);
    json_t *hb = json_object_get(ex, "buckets");
    int result = ex ? (int)bd.n : -1;
    if (ex && json_array_size(hb) != bd.n) {
        fprintf(stderr, "board has %zu buckets, HQ has %zu\n", bd.n, json_array_size(hb));
        result = -1;
    }
    for (size_t i = 0; i < bd.n && result >= 0; i++) {
        const queue_bucket *b = &bd.b[i];
        json_t *match = NULL;
        for (size_t j = 0; j < json_array_size(hb) && !match; j++) {
            json_t *h = json_array_get(hb, j);
            const char *svc = json_string_value(json_object_get(h, "service"));
            if (strcmp(json_string_value(json_object_get(h, "day")), b->day) == 0 &&
                num(h, "hour") == b->hour && svc && svc[0] == b->service &&
                strcmp(json_string_value(json_object_get(h, "public")), queue_public_name(b->public_type)) == 0)
                match = h;
        }
        if (!match) {
            fprintf(stderr, "bucket %s %d %c %d missing at HQ\n", b->day, b->hour, b->service, (int)b->public_type);
            result = -1;
        } else if (!same(b, match)) {
            result = -1;
        }
    }
    json_decref(ex);
    free(bd.b);
    return result;
}

void ut_day_text(int64_t t, char out[11])
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

int ut_max_revision(const queue_bucket *b, void *ctx)
{
    int64_t *m = ctx;
    if (b->revision > *m)
        *m = b->revision;
    return 0;
}
