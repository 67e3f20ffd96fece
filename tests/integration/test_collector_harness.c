#include "test_collector_harness.h"

#include <curl/curl.h>
#include <errno.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"

#define PG_DEFAULT "host=127.0.0.1 port=5432 dbname=borne_test user=borne_test password=borne_test"

const char *harness_token(int n)
{
    /* Per thread: the benchmark's client threads call this concurrently. */
    static _Thread_local char bufs[4][64];
    static _Thread_local int next;
    char *b = bufs[next++ % 4];
    snprintf(b, sizeof bufs[0], "token-site-%d-0123456789", n);
    return b;
}

static const char *pg_conninfo(void)
{
    const char *c = getenv("BORNE_TEST_PG");
    return c && *c ? c : PG_DEFAULT;
}

bool harness_pg_command(const char *sql)
{
    PGconn *c = PQconnectdb(pg_conninfo());
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr,
                "PostgreSQL is NOT reachable with \"%s\" (set BORNE_TEST_PG): %s"
                "This test needs a real PostgreSQL on loopback; it fails rather than pass without one.\n",
                pg_conninfo(), PQerrorMessage(c));
        PQfinish(c);
        return false;
    }
    /* Quiet the NOTICEs of DROP SCHEMA ... CASCADE. */
    PGresult *r = PQexec(c, "SET client_min_messages = warning");
    PQclear(r);
    r = PQexec(c, sql);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        fprintf(stderr, "PostgreSQL: %s: %s", sql, PQresultErrorMessage(r));
    PQclear(r);
    PQfinish(c);
    return ok;
}

double harness_cpu_seconds(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')');
    unsigned long long utime, stime;
    /* Fields after the command name: state is 3rd, utime 14th, stime 15th. */
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
        return -1;
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

double harness_pg_cpu_seconds(const struct harness *h)
{
    if (h->backend != COLLECTOR_BACKEND_POSTGRESQL || !h->pg_schema[0])
        return -1;
    PGconn *c = PQconnectdb(pg_conninfo());
    const char *params[] = {h->pg_schema};
    PGresult *r = PQstatus(c) == CONNECTION_OK
                      ? PQexecParams(c, "SELECT pid FROM pg_stat_activity WHERE application_name = $1", 1, NULL,
                                     params, NULL, NULL, 0)
                      : NULL;
    double sum = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 ? 0 : -1;
    for (int i = 0; sum >= 0 && i < PQntuples(r); i++) {
        double s = harness_cpu_seconds((pid_t)atol(PQgetvalue(r, i, 0)));
        sum = s < 0 ? -1 : sum + s;
    }
    PQclear(r);
    PQfinish(c);
    return sum;
}

static bool write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0) {
        perror(path);
        if (f)
            fclose(f);
        return false;
    }
    return fclose(f) == 0;
}

static void site_files(const struct harness *h, char *csv, char *tokens, char *admin)
{
    snprintf(csv, 600, "%s/antennes.csv", h->dir);
    snprintf(tokens, 600, "%s/tokens.txt", h->dir);
    snprintf(admin, 600, "%s/hq.token", h->dir);
}

static bool write_sites(struct harness *h, int n, char *csv, char *tokens, char *admin)
{
    site_files(h, csv, tokens, admin);
    FILE *c = fopen(csv, "w"), *t = fopen(tokens, "w");
    if (!c || !t) {
        perror("harness files");
        if (c)
            fclose(c);
        if (t)
            fclose(t);
        return false;
    }
    fprintf(c, "# test antennes\nname,opened,population,communes\n");
    for (int i = 0; i < n; i++) {
        fprintf(c, "Site %d,2020-01-01,%d,%d\n", i, 100000 + i, 100);
        fprintf(t, "site-%d %s\n", i, harness_token(i));
    }
    bool ok = fclose(c) == 0;
    ok = fclose(t) == 0 && ok;
    ok = ok && write_file(admin, HARNESS_ADMIN_TOKEN "\n");
    /* Token files are secrets: the collector warns when others can read them. */
    return ok && chmod(tokens, 0600) == 0 && chmod(admin, 0600) == 0;
}

static bool launch(struct harness *h);
static bool stop_process(struct harness *h);

bool harness_start(struct harness *h, const char *name, const char *backend, int n_sites, int threads,
                   const char *const *extra)
{
    memset(h, 0, sizeof *h);
    h->pid = -1;
    snprintf(h->dir, sizeof h->dir, "%s", testlib_tmpdir(name));
    char csv[600], tokens[600], admin[600];
    if (!write_sites(h, n_sites, csv, tokens, admin))
        return false;
    if (strcmp(backend, "postgresql") == 0) {
        h->backend = COLLECTOR_BACKEND_POSTGRESQL;
        snprintf(h->pg_schema, sizeof h->pg_schema, "borne_t_%ld_%ld", (long)getpid(), (long)time(NULL));
        char sql[128];
        snprintf(sql, sizeof sql, "CREATE SCHEMA %s", h->pg_schema);
        if (!harness_pg_command(sql)) {
            h->pg_schema[0] = '\0';
            return false;
        }
        /* application_name lets a test find this collector's own connections in pg_stat_activity. */
        snprintf(h->storage, sizeof h->storage, "%s options='-c search_path=%s' application_name=%s", pg_conninfo(),
                 h->pg_schema, h->pg_schema);
    } else {
        h->backend = COLLECTOR_BACKEND_SQLITE;
        snprintf(h->storage, sizeof h->storage, "%s/collector.sqlite", h->dir);
    }
    h->threads = threads;
    h->extra = extra;
    return launch(h);
}

/* Starts the collector on the harness' files and storage; reads its port back. */
static bool launch(struct harness *h)
{
    const char *bin = COLLECTOR_BIN;
    char csv[600], tokens[600], admin[600], threads_s[16];
    site_files(h, csv, tokens, admin);
    snprintf(threads_s, sizeof threads_s, "%d", h->threads);
    /* HARNESS_COLLECTOR_WRAPPER: a program the collector runs under (a profiler), given its command line. */
    const char *wrapper = getenv("HARNESS_COLLECTOR_WRAPPER");
    const char *argv[41] = {bin, "--listen", "127.0.0.1", "--port", "0", "--threads", threads_s,
                            "--antennes-csv", csv, "--tokens", tokens, "--admin-token-file", admin,
                            h->backend == COLLECTOR_BACKEND_POSTGRESQL ? "--postgresql" : "--sqlite", h->storage};
    int argc = 15;
    for (int i = 0; h->extra && h->extra[i] && argc < 38; i++)
        argv[argc++] = h->extra[i];
    argv[argc] = NULL;
    if (wrapper && *wrapper) {
        memmove(argv + 1, argv, sizeof argv - sizeof argv[0]);
        argv[0] = bin = wrapper;
    }

    int out[2];
    if (pipe(out) != 0) {
        perror("pipe");
        return false;
    }
    h->pid = fork();
    if (h->pid < 0) {
        perror("fork");
        return false;
    }
    if (h->pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        close(out[1]);
        execv(bin, (char *const *)argv);
        perror(bin);
        _exit(127);
    }
    close(out[1]);
    FILE *f = fdopen(out[0], "r");
    char line[512] = "";
    bool got = f && fgets(line, sizeof line, f);
    if (f)
        fclose(f);
    else
        close(out[0]);
    const char *p = got ? strstr(line, "://127.0.0.1:") : NULL;
    if (!p || sscanf(p + 13, "%d", &h->port) != 1) {
        fprintf(stderr, "the collector did not start (first line: \"%s\")\n", line);
        harness_stop(h);
        return false;
    }
    if (strstr(line, "https://"))
        snprintf(h->url, sizeof h->url, "https://127.0.0.1:%d", h->port);
    else
        snprintf(h->url, sizeof h->url, "http://127.0.0.1:%d", h->port);
    return true;
}

bool harness_restart(struct harness *h)
{
    bool clean = stop_process(h);
    return launch(h) && clean;
}

bool harness_kill(struct harness *h)
{
    if (h->pid <= 0)
        return false;
    kill(h->pid, SIGKILL);
    int status;
    while (waitpid(h->pid, &status, 0) < 0 && errno == EINTR)
        ;
    h->pid = -1;
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

bool harness_stop(struct harness *h)
{
    bool clean = stop_process(h);
    if (h->pg_schema[0]) {
        char sql[128];
        snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", h->pg_schema);
        clean = harness_pg_command(sql) && clean;
        h->pg_schema[0] = '\0';
    }
    return clean;
}

static bool stop_process(struct harness *h)
{
    bool clean = true;
    if (h->pid > 0) {
        kill(h->pid, SIGTERM);
        int status;
        while (waitpid(h->pid, &status, 0) < 0 && errno == EINTR)
            ;
        clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        if (!clean)
            fprintf(stderr, "the collector did not exit cleanly (status %d)\n", status);
        h->pid = -1;
    }
    return clean;
}

long harness_request(struct harness *h, const char *method, const char *path, const char *token, const char *body,
                     size_t len, char **resp)
{
    CURL *c = curl_easy_init();
    if (!c)
        return 0;
    char url[1024], auth[512];
    snprintf(url, sizeof url, "%s%s", h->url, path);
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        headers = curl_slist_append(headers, auth);
    }
    struct testlib_buf s = {NULL, 0};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, testlib_buf_append);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    if (h->ca_file[0])
        curl_easy_setopt(c, CURLOPT_CAINFO, h->ca_file);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    if (resp)
        *resp = s.p ? s.p : strdup("");
    else
        free(s.p);
    return status;
}

long harness_post(struct harness *h, const char *antenne, const char *token, const char *body, char **resp)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/antennes/%s/batches", antenne);
    return harness_request(h, "POST", path, token, body, strlen(body), resp);
}

struct stream {
    size_t left;
    bool opened;
};

static size_t on_read(char *buf, size_t size, size_t n, void *ctx)
{
    struct stream *s = ctx;
    size_t want = size * n < s->left ? size * n : s->left;
    memset(buf, ' ', want);
    if (want && !s->opened) {
        buf[0] = '{';
        s->opened = true;
    }
    s->left -= want;
    return want;
}

long harness_post_chunked(struct harness *h, const char *antenne, const char *token, size_t size)
{
    CURL *c = curl_easy_init();
    if (!c)
        return 0;
    char url[1024], auth[512];
    snprintf(url, sizeof url, "%s/api/v1/antennes/%s/batches", h->url, antenne);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Transfer-Encoding: chunked");
    headers = curl_slist_append(headers, auth);
    struct stream st = {size, false};
    struct testlib_buf s = {NULL, 0};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &st);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, testlib_buf_append);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    free(s.p);
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    return status;
}

bool harness_alive(struct harness *h)
{
    if (h->pid <= 0 || waitpid(h->pid, NULL, WNOHANG) != 0)
        return false;
    return harness_request(h, "GET", "/healthz", NULL, NULL, 0, NULL) == 200;
}

struct collector_store *harness_open_store(struct harness *h)
{
    struct collector_store *s;
    char err[512];
    if (collector_store_open(h->backend, h->storage, &s, err, sizeof err) != 0) {
        fprintf(stderr, "cannot open the collector's store: %s\n", err);
        return NULL;
    }
    return s;
}

static int count_row(void *ctx, const struct collector_row *r)
{
    (void)r;
    ++*(long *)ctx;
    return 0;
}

long harness_count_rows(struct collector_store *s, const struct collector_filter *filter)
{
    struct collector_filter all;
    memset(&all, 0, sizeof all);
    long n = 0;
    return collector_store_export(s, filter ? filter : &all, count_row, &n) == 0 ? n : -1;
}
