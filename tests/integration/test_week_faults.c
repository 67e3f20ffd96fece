/* A simulated week at one antenne under faults (issue 13's headline test).
 *
 * The antenne: the hub (test_hub_support fixture, real HTTP on loopback) with its engine
 * database; a kiosk process (this binary re-executed with --kiosk: engine + printer driver on
 * the real serial stack to borne-printer-emulator + uploader) that issues the tickets the parent
 * tells it to, at the simulated time it is given; desks calling and finishing through the hub;
 * the real borne-collector behind the fault proxy (upload_fault_server) answering 500 at seeded
 * requests. At seeded moments the parent SIGKILLs the kiosk (sometimes right after handing it a
 * ticket to issue), puts the printer out of paper or unplugs it, stops the collector, restarts
 * the kiosk with an outbox capped small (the SQLITE_FULL of a full disk), and moves the wall
 * clock back two hours.
 *
 * At the end the kiosk quits cleanly, an uploader in the parent drains the outbox, and:
 * every ticket printed at most once (emulator's tickets, by the ticket id in the QR payload) and
 * each printed one is in the database with the printed number; every ticket the kiosk reported
 * issued is in the database with its number; no number twice in a day; HQ's stored buckets equal
 * the board's own aggregates; PRAGMA integrity_check ok on the engine database and the outbox.
 *
 * Usage: test_week_faults <borne-collector> <upload_fault_server> <days> <events-per-day>
 * Printer faults land at any moment, tickets on their way to the printer or not: among them the
 * window where paper out or an unplug comes after the printer cut a whole ticket and before the
 * driver read the reply after it (the driver's completion marker settles it: printed once, never
 * reprinted).
 * Seed: BORNE_WEEK_SEED (default: from the clock), printed first. Needs LD_PRELOAD=<pty shim>
 * and BORNE_PRINTER_EMULATOR (set by ctest). */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "borne/printer.h"
#include "borne/queue.h"
#include "borne/upload.h"
#include "printer_emulator_client.h"
#include "test_hub_support.h"
#include "test_upload_support.h"
#include "testlib.h"

enum { OUTBOX_SMALL = 4096, MAX_TICKETS = 20000 };

/* ---- the kiosk process ------------------------------------------------------------------------ */

static pthread_mutex_t out_mu = PTHREAD_MUTEX_INITIALIZER;
typedef struct kiosk_job {
    uint64_t job;
    int64_t ticket;
    bool done;
} kiosk_job;
static kiosk_job jobs[MAX_TICKETS];
static int n_jobs;

/* One line to the parent in one write (< PIPE_BUF: a kill never leaves half a line). */
static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void report(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&out_mu);
    if (write(1, line, (size_t)len) != len)
        _exit(4);
    pthread_mutex_unlock(&out_mu);
}

static void on_job(uint64_t id, printer_job_result r, void *ctx)
{
    (void)ctx;
    pthread_mutex_lock(&out_mu);
    for (int i = 0; i < n_jobs; i++) {
        if (jobs[i].job == id) {
            jobs[i].done = r != PRINTER_JOB_REPRINTING;
            /* what the driver decided, to read beside a ticket printed twice */
            if (r != PRINTER_JOB_PRINTED)
                fprintf(stderr, "kiosk: ticket %" PRId64 ": %s\n", jobs[i].ticket,
                        r == PRINTER_JOB_FAILED ? "failed" : r == PRINTER_JOB_TIMEOUT ? "timeout" : "reprinting");
        }
    }
    pthread_mutex_unlock(&out_mu);
}

static bool all_jobs_done(void)
{
    pthread_mutex_lock(&out_mu);
    bool done = true;
    for (int i = 0; i < n_jobs; i++)
        done = done && jobs[i].done;
    pthread_mutex_unlock(&out_mu);
    return done;
}

static void sleep_ms(int ms)
{
    nanosleep(&(struct timespec){ ms / 1000, (long)(ms % 1000) * 1000000L }, NULL);
}

/* argv: --kiosk db printer-link upload-url token-file outbox-cap */
static int kiosk_main(char **argv)
{
    queue *q = NULL;
    char err[512];
    if (queue_open(&q, argv[2], NULL, err, sizeof err) != QUEUE_OK) {
        fprintf(stderr, "kiosk: %s\n", err);
        return 2;
    }
    printer_config pc = { .baud = 38400, .flow = PRINTER_FLOW_XONXOFF, .reprint_after_fault = true,
                          .probe_interval_ms = 200 };
    snprintf(pc.device, sizeof pc.device, "%s", argv[3]);
    snprintf(pc.model, sizeof pc.model, "epson-tm-t20");
    printer_callbacks cb = { .on_job = on_job };
    printer *p = NULL;
    if (printer_start(&p, &pc, NULL, NULL, &cb) != 0) {
        fprintf(stderr, "kiosk: printer did not start\n");
        return 2;
    }
    upload_config uc = ut_config("/nonexistent", argv[4], argv[5]);
    uc.db_path = argv[2];
    uc.outbox_max_bytes = atoll(argv[6]);
    uc.interval_ms = 500;
    upload *u = NULL;
    if (upload_start(&u, &uc, err, sizeof err) != 0) {
        fprintf(stderr, "kiosk: upload: %s\n", err);
        return 2;
    }
    report("ready\n");
    char line[128];
    FILE *in = fdopen(0, "r");
    bool full_seen = false;
    while (fgets(line, sizeof line, in)) {
        int64_t t;
        char svc;
        upload_status us;
        upload_get_status(u, &us);
        if (us.state == UPLOAD_DISK_FULL && !full_seen) {
            full_seen = true;
            report("outbox-full\n");
        }
        if (sscanf(line, "issue %" SCNd64 " %c", &t, &svc) == 2) {
            queue_issued is;
            if (queue_rollover(q, t) < 0 || queue_issue(q, t, svc, NULL, &is) != QUEUE_OK) {
                report("error %s\n", queue_errmsg(q));
                continue;
            }
            report("issued %" PRId64 " %s\n", is.ticket.id, is.ticket.label);
            printer_ticket tk = { .antenne = "Antenne de Fourmies" };
            snprintf(tk.label, sizeof tk.label, "%s", is.ticket.label);
            snprintf(tk.service, sizeof tk.service, "Service %c", svc);
            snprintf(tk.when, sizeof tk.when, "t=%" PRId64, t);
            snprintf(tk.qr, sizeof tk.qr, "T%" PRId64, is.ticket.id);
            uint64_t job;
            pthread_mutex_lock(&out_mu);
            bool queued = n_jobs < MAX_TICKETS && printer_submit(p, &tk, &job) == 0;
            if (queued)
                jobs[n_jobs++] = (kiosk_job){ .job = job, .ticket = is.ticket.id };
            pthread_mutex_unlock(&out_mu);
        } else if (strncmp(line, "wait-printer", 12) == 0) {
            for (int i = 0; i < 3000 && !printer_state_can_print(printer_get_state(p)); i++)
                sleep_ms(10);
            printer_state st = printer_get_state(p);
            report("printer %s\n", printer_state_can_print(st) ? "ready" : printer_state_name(st));
        } else if (strncmp(line, "quit", 4) == 0) {
            /* Every job comes to an end (printed, failed or timed out) before the clean exit. */
            for (int i = 0; i < 6000 && !all_jobs_done(); i++)
                sleep_ms(10);
            upload_stop(u);
            printer_stop(p);
            queue_close(q);
            report("bye\n");
            return 0;
        }
    }
    return 3;
}

/* ---- the parent: the antenne, the script, the faults ------------------------------------------ */

static const char *collector_bin, *fault_bin;
static uint32_t rng;

static uint32_t rnd(uint32_t n)
{
    rng = rng * 1664525u + 1013904223u;
    return (rng >> 8) % n;
}

typedef struct reported {
    int64_t id;
    char label[16];
} reported;

static reported rep[MAX_TICKETS];
static int n_rep, outbox_full_seen;

typedef struct kiosk_proc {
    pid_t pid;
    int to, from;       /* its stdin, its stdout */
    char buf[4096];
    size_t len;
} kiosk_proc;

typedef struct week {
    th_fixture F;
    emuctl emu;
    ut_collector hq;
    int hq_port;
    pid_t proxy;
    char url[64];
    const char *token_file;
    kiosk_proc k;
    int kills, kills_mid_issue, paper_outs, unplugs, collector_downs, small_outboxes, clock_jumps;
    int desk_calls, desk_finishes, errors;
    int paper_out, collector_down;   /* events left before the fault clears, 0 = none */
    bool printer_coming_back;        /* replugged or reloaded: the kiosk is told before the next visitor */
} week;

/* Reads one line from the kiosk (records "issued" lines); false at EOF. */
static bool kiosk_line(kiosk_proc *k, char *line, size_t cap)
{
    for (;;) {
        char *nl = memchr(k->buf, '\n', k->len);
        if (nl) {
            size_t n = (size_t)(nl - k->buf);
            snprintf(line, cap, "%.*s", (int)n, k->buf);
            memmove(k->buf, nl + 1, k->len - n - 1);
            k->len -= n + 1;
            reported r;
            if (sscanf(line, "issued %" SCNd64 " %15s", &r.id, r.label) == 2 && n_rep < MAX_TICKETS)
                rep[n_rep++] = r;
            outbox_full_seen += strcmp(line, "outbox-full") == 0;
            return true;
        }
        ssize_t got = read(k->from, k->buf + k->len, sizeof k->buf - k->len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return false;
        k->len += (size_t)got;
    }
}

static bool kiosk_start(week *w, int64_t outbox_cap)
{
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0)
        abort();
    char cap[32];
    snprintf(cap, sizeof cap, "%" PRId64, outbox_cap);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        char *argv[] = { "test_week_faults", "--kiosk", w->F.db_path, w->emu.link, w->url, (char *)w->token_file,
                         cap, NULL };
        execv("/proc/self/exe", argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    w->k = (kiosk_proc){ .pid = pid, .to = in[1], .from = out[0] };
    char line[256];
    while (kiosk_line(&w->k, line, sizeof line)) {
        if (strcmp(line, "ready") == 0)
            return true;
    }
    fprintf(stderr, "kiosk did not start\n");
    return false;
}

/* Collects what the kiosk said until it died (a SIGKILL) or said bye. */
static void kiosk_reap(week *w, bool killed)
{
    char line[256];
    if (killed)
        kill(w->k.pid, SIGKILL);
    while (kiosk_line(&w->k, line, sizeof line))
        ;
    int status = 0;
    waitpid(w->k.pid, &status, 0);
    if (killed)
        CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    else
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(w->k.to);
    close(w->k.from);
}



static void kiosk_restart(week *w);

static void kiosk_issue(week *w, int64_t t, char svc, bool kill_now)
{
    char cmd[64], line[256];
    int len = snprintf(cmd, sizeof cmd, "issue %" PRId64 " %c\n", t, svc);
    CHECK_INT((int)write(w->k.to, cmd, (size_t)len), len);
    if (kill_now) {
        /* wherever the kiosk is: opening, issuing, committing, printing */
        kiosk_reap(w, true);
        w->kills_mid_issue++;
        kiosk_restart(w);
        return;
    }
    while (kiosk_line(&w->k, line, sizeof line)) {
        if (strncmp(line, "issued ", 7) == 0)
            return;
        if (strncmp(line, "error ", 6) == 0) {
            fprintf(stderr, "kiosk: %s\n", line);
            w->errors++;
            return;
        }
    }
    CHECK(!"kiosk died on its own");
}

/* One desk action through the hub: finish the current visitor, or call the next one. */
static void desk(week *w, int counter, bool *busy)
{
    static const char *const tokens[] = { TH_TOKEN1, TH_TOKEN2 };
    char path[64];
    snprintf(path, sizeof path, "/api/v1/counters/%d/%s", counter, *busy ? "finish" : "call-next");
    th_response r;
    long st = th_http(&w->F, "POST", path, tokens[counter - 1], NULL, NULL, &r);
    th_response_free(&r);
    if (*busy) {
        CHECK_INT(st, 200);
        w->desk_finishes++;
        *busy = false;
    } else {
        CHECK(st == 200 || st == 409);
        *busy = st == 200;
        w->desk_calls += st == 200;
    }
}

static void collector_up(week *w)
{
    CHECK(ut_collector_start(&w->hq, collector_bin, w->F.dir, w->hq_port, NULL, NULL));
    w->collector_down = 0;
}

static void collector_down(week *w)
{
    ut_collector_stop(&w->hq);
    w->collector_downs++;
    w->collector_down = 3 + (int)rnd(15);
}

static void paper_back(week *w)
{
    CHECK_INT(emuctl_cmd(&w->emu, "clear", NULL, 0), 0);
    w->paper_out = 0;
    w->printer_coming_back = true;
}

/* In a real day visitors come minutes apart: by the next one, a replugged printer is open again
 * and a reloaded one has answered a status query. Here a day runs in under a second, quicker than
 * the driver's reopen period, so one unplug would fail every ticket after it (and, early in the
 * day, leave nothing printed to check): the script waits until the kiosk sees the printer ready. */
static void printer_back(week *w)
{
    static const char cmd[] = "wait-printer\n";
    CHECK_INT((int)write(w->k.to, cmd, sizeof cmd - 1), (int)sizeof cmd - 1);
    char line[256];
    while (kiosk_line(&w->k, line, sizeof line)) {
        if (strncmp(line, "printer ", 8) == 0) {
            CHECK_STR(line, "printer ready");
            w->printer_coming_back = false;
            return;
        }
    }
    CHECK(!"kiosk died on its own");
}

/* Faults last a few visitors, then clear (the paper is changed, HQ comes back). A fault still lands
 * on the tickets on their way to the printer; the visitor after it finds the printer back. */
static void faults_pass(week *w)
{
    if (w->printer_coming_back && !w->paper_out)
        printer_back(w);
    if (w->paper_out && --w->paper_out == 0)
        paper_back(w);
    if (w->collector_down && --w->collector_down == 0)
        collector_up(w);
}

/* Sometimes the kiosk comes back with its outbox capped at about its current size (a disk that
 * is full), while HQ is unreachable so batches pile up. */
static void kiosk_restart(week *w)
{
    bool small = rnd(4) == 0;
    w->small_outboxes += small;
    if (small && !w->collector_down)
        collector_down(w);
    CHECK(kiosk_start(w, small ? OUTBOX_SMALL : 0));
}

static void printer_fault(week *w)
{
    if (rnd(2)) {
        CHECK_INT(emuctl_cmd(&w->emu, "paper_out", NULL, 0), 0);
        w->paper_out = 2 + (int)rnd(6);
        w->paper_outs++;
    } else {
        CHECK_INT(emuctl_cmd(&w->emu, "unplug 300", NULL, 0), 0);
        w->unplugs++;
        w->printer_coming_back = true;
    }
}

/* A script of 500s for the proxy: one request in three in the first stretch, then clean. */
static void proxy_script(char *out, size_t cap, int n)
{
    size_t len = 0;
    for (int i = 0; i < n && len + 6 < cap; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? "," : "", rnd(3) == 0 ? "500" : "pass");
}

static int64_t engine_max;

static bool drained(const upload_status *s)
{
    return s->outbox_batches == 0 && s->high_water == engine_max && s->last_success_ms > 0;
}

/* Label of ticket id in the engine database, "" when absent. */
static void db_label(sqlite3 *db, int64_t id, char out[16])
{
    sqlite3_stmt *s;
    out[0] = 0;
    if (sqlite3_prepare_v2(db, "SELECT label FROM ticket WHERE id = ?", -1, &s, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) == SQLITE_ROW)
        snprintf(out, 16, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
}

/* Every ticket the emulator printed whole: its id (QR payload "T<id>") and number. */
static int check_printed(week *w, sqlite3 *db, int *partial)
{
    static int times[MAX_TICKETS * 4];
    memset(times, 0, sizeof times);
    DIR *d = opendir(w->emu.out);
    int printed = 0;
    *partial = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        if (strncmp(e->d_name, "partial-", 8) == 0 && strstr(e->d_name, ".txt"))
            (*partial)++;
        if (strncmp(e->d_name, "ticket-", 7) != 0 || !strstr(e->d_name, ".txt"))
            continue;
        FILE *f = fopen(testlib_path(w->emu.out, e->d_name), "r");
        char line[256], label[16] = "";
        int64_t id = -1;
        for (int n = 0; f && fgets(line, sizeof line, f); n++) {
            if (n == 4)
                sscanf(line, "%15s", label);
            sscanf(line, "[QR] T%" SCNd64, &id);
        }
        if (f)
            fclose(f);
        printed++;
        if (!CHECK(id > 0 && id < (int64_t)(sizeof times / sizeof times[0])))
            continue;
        if (++times[id] > 1)
            fprintf(stderr, "ticket id %" PRId64 " (%s) printed %d times\n", id, label, times[id]);
        CHECK(times[id] == 1);
        char want[16];
        db_label(db, id, want);
        CHECK_STR(label, want);
    }
    if (d)
        closedir(d);
    return printed;
}

static void check_end(week *w, const char *from, const char *to)
{
    sqlite3 *db;
    CHECK_INT(sqlite3_open_v2(w->F.db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    /* every ticket the kiosk said it issued is stored, with that number */
    int missing = 0;
    for (int i = 0; i < n_rep; i++) {
        char label[16];
        db_label(db, rep[i].id, label);
        if (strcmp(label, rep[i].label) != 0) {
            fprintf(stderr, "issued %" PRId64 " %s: database has \"%s\"\n", rep[i].id, rep[i].label, label);
            missing++;
        }
    }
    CHECK_INT(missing, 0);
    /* no number twice in a day */
    sqlite3_stmt *s;
    CHECK_INT(sqlite3_prepare_v2(db, "SELECT day, label, count(*) FROM ticket GROUP BY 1, 2 HAVING count(*) > 1",
                                 -1, &s, NULL), SQLITE_OK);
    int repeated = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        fprintf(stderr, "%s: %s issued %d times\n", sqlite3_column_text(s, 0), sqlite3_column_text(s, 1),
                sqlite3_column_int(s, 2));
        repeated++;
    }
    sqlite3_finalize(s);
    CHECK_INT(repeated, 0);
    int64_t in_db = 0;
    CHECK_INT(sqlite3_prepare_v2(db, "SELECT count(*) FROM ticket", -1, &s, NULL), SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW)
        in_db = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    int partial = 0, printed = check_printed(w, db, &partial);
    sqlite3_close(db);
    CHECK(printed > 0);
    ut_check_integrity(w->F.db_path);
    char outbox[600];
    snprintf(outbox, sizeof outbox, "%s.upload", w->F.db_path);
    ut_check_integrity(outbox);
    int buckets = ut_compare_with_hq(w->F.q, &w->hq, NULL, from, to);
    CHECK(buckets > 0);
    printf("tickets: %d reported issued, %" PRId64 " in the database, %d printed whole, %d torn; "
           "%d HQ buckets equal the board's\n",
           n_rep, in_db, printed, partial, buckets);
    printf("faults: %d kills (%d right after an issue order), %d paper out, %d unplugs, %d collector down, "
           "%d small outboxes (%d seen full), %d clock jumps; desks: %d calls, %d finishes; engine errors %d\n",
           w->kills + w->kills_mid_issue, w->kills_mid_issue, w->paper_outs, w->unplugs, w->collector_downs,
           w->small_outboxes, outbox_full_seen, w->clock_jumps, w->desk_calls, w->desk_finishes, w->errors);
}

static int days, per_day;
static uint32_t seed;

static void test_week(void)
{
    static week w;
    memset(&w, 0, sizeof w);
    rng = seed;
    th_start(&w.F, "week-faults", false);
    CHECK_INT(emuctl_start(&w.emu, testlib_tmpdir("week-printer"), 38400, false), 0);
    w.hq_port = ut_free_port();
    CHECK(ut_collector_start(&w.hq, collector_bin, w.F.dir, w.hq_port, NULL, NULL));
    char script[4096];
    proxy_script(script, sizeof script, 30 + days * 20);
    int proxy_port = 0;
    w.proxy = ut_fault_start(fault_bin, w.F.dir, w.hq_port, script, &proxy_port);
    CHECK(proxy_port > 0);
    snprintf(w.url, sizeof w.url, "http://127.0.0.1:%d", proxy_port);
    w.token_file = ut_token_file(w.F.dir, UT_TOKEN);
    if (!CHECK(kiosk_start(&w, 0)))
        return;

    /* The fixture's clock starts 2026-11-23 10:00 (Paris): the week is the days after it. */
    int64_t first = th_now(&w.F) - 3600 + 86400;
    char from[11], to[11];
    ut_day_text(first, from);
    ut_day_text(first + (int64_t)(days - 1) * 86400, to);
    for (int d = 0; d < days; d++) {
        int64_t t = first + (int64_t)d * 86400 - 3600;   /* 08:00 */
        atomic_store(&w.F.now, t);
        bool busy[2] = { false, false };
        for (int c = 1; c <= 2; c++) {
            char path[64];
            snprintf(path, sizeof path, "/api/v1/counters/%d/open", c);
            th_response r;
            CHECK_INT(th_http(&w.F, "POST", path, c == 1 ? TH_TOKEN1 : TH_TOKEN2, NULL, NULL, &r), 200);
            th_response_free(&r);
        }
        int jump_at = per_day / 2 + (int)rnd((uint32_t)(per_day / 4 + 1));
        for (int i = 0; i < per_day; i++) {
            t += 20 + rnd(240);
            if (i == jump_at) {
                t -= 2 * 3600;   /* the wall clock jumps back two hours (an NTP correction) */
                w.clock_jumps++;
            }
            atomic_store(&w.F.now, t);
            faults_pass(&w);
            uint32_t roll = rnd(100);
            if (roll < 4) {
                kiosk_reap(&w, true);
                w.kills++;
                kiosk_restart(&w);
            } else if (roll < 7 && !w.paper_out) {
                printer_fault(&w);
            } else if (roll < 10 && !w.collector_down) {
                collector_down(&w);
            }
            kiosk_issue(&w, t, "AF"[rnd(2)], rnd(100) < 3);
            for (int c = 0; c < 2; c++) {
                if (rnd(3) != 0)
                    desk(&w, c + 1, &busy[c]);
            }
        }
        for (int c = 0; c < 2; c++) {
            if (busy[c])
                desk(&w, c + 1, &busy[c]);
        }
    }

    /* End of the week: faults cleared, the kiosk quits, the board uploads everything. */
    paper_back(&w);
    if (w.collector_down)
        collector_up(&w);
    CHECK_INT((int)write(w.k.to, "quit\n", 5), 5);
    kiosk_reap(&w, false);
    int64_t next_morning = first + (int64_t)days * 86400 - 3600;
    atomic_store(&w.F.now, next_morning);
    CHECK(queue_rollover(w.F.q, next_morning) >= 0);
    engine_max = 0;
    CHECK_INT(queue_aggregates(w.F.q, from, to, ut_max_revision, &engine_max), 0);
    upload_config uc = ut_config(w.F.dir, w.url, w.token_file);
    uc.db_path = w.F.db_path;
    upload *u = NULL;
    char err[512];
    CHECK_INT(upload_start(&u, &uc, err, sizeof err), 0);
    upload_kick(u);
    upload_status st;
    CHECK(ut_wait(u, drained, 120, &st));
    upload_stop(u);
    printf("upload: %lld batches sent, %lld failures, %lld rejected, high-water %" PRId64 "\n", (long long)st.batches_sent,
           (long long)st.failures, (long long)st.rejected_batches, st.high_water);
    CHECK_INT(st.rejected_batches, 0);
    CHECK_STR(st.build_error, "");
    check_end(&w, from, to);

    ut_kill(w.proxy);
    ut_collector_stop(&w.hq);
    emuctl_stop(&w.emu);
    th_stop(&w.F);
}

int main(int argc, char **argv)
{
    if (argc == 7 && strcmp(argv[1], "--kiosk") == 0)
        return kiosk_main(argv);
    if (argc != 5 || !getenv("LD_PRELOAD") || !getenv("BORNE_PRINTER_EMULATOR")) {
        fprintf(stderr, "usage: %s <borne-collector> <upload_fault_server> <days> <events-per-day>\n"
                        "(needs LD_PRELOAD=<borne_pty_shim> and BORNE_PRINTER_EMULATOR, set by ctest)\n",
                argv[0]);
        return 2;
    }
    collector_bin = argv[1];
    fault_bin = argv[2];
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    signal(SIGPIPE, SIG_IGN);
    const char *env = getenv("BORNE_WEEK_SEED");
    seed = env ? (uint32_t)strtoul(env, NULL, 10) : (uint32_t)time(NULL);
    days = atoi(argv[3]);
    per_day = atoi(argv[4]);
    printf("seed %u (replay: BORNE_WEEK_SEED=%u), %d days, %d visitors a day\n", seed, seed, days, per_day);
    fflush(stdout);
    RUN(test_week);
    return testlib_finish();
}
