/* Queue engine: bad input and bad storage. Each error must come with the right code and a
 * non-empty message, and must lose nothing already stored: unknown or disabled service,
 * closed hours, bad feedback, appointment code unknown / too early / too late / already used,
 * corrupt file, newer schema, read-only file, write lock held too long, disk full (ENOSPC
 * injected at the write system call, which SQLite reports as SQLITE_FULL). */
#include "queue_internal.h"
#include "test_queue_support.h"
#include "testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t T0;   /* Tuesday 2026-03-10 10:00 local */

#define CHECK_ERR(q, call, code)                         \
    do {                                                 \
        CHECK_INT((call), (code));                       \
        CHECK(queue_errmsg(q)[0] != '\0');               \
    } while (0)

/* Unknown, lower-case and disabled services; a public type out of range. */
static void test_bad_service(void)
{
    queue *q = tq_open("err-service", NULL, T0, NULL);
    queue_issued out;
    CHECK_ERR(q, queue_issue(q, T0, 'Z', NULL, &out), QUEUE_ENOSERVICE);
    CHECK_ERR(q, queue_issue(q, T0, 'a', NULL, &out), QUEUE_ENOSERVICE);
    CHECK_ERR(q, queue_issue(q, T0, 0, NULL, &out), QUEUE_ENOSERVICE);
    CHECK_ERR(q, queue_issue(q, T0, 'E', NULL, &out), QUEUE_EDISABLED);
    queue_issue_opts o = {.public_type = QUEUE_PUBLIC_COUNT};
    CHECK_ERR(q, queue_issue(q, T0, 'A', &o, &out), QUEUE_EINVAL);
    CHECK_ERR(q, queue_get_ticket(q, 12345, &out.ticket), QUEUE_ENOTICKET);
    /* nothing was numbered by the failures */
    CHECK_STR(tq_issue(q, T0, 'A', false).label, "A001");
    queue_close(q);
}

/* A setup that contradicts itself is refused whole; the previous one stays. */
static void test_bad_setup(void)
{
    queue *q = tq_open("err-setup", NULL, T0, NULL);
    queue_setup s;
    tq_setup(&s);
    s.counters[0].services[0] = 'Q';
    CHECK_ERR(q, queue_apply_setup(q, &s, T0), QUEUE_EINVAL);
    tq_setup(&s);
    s.services[1].letter = 'A';
    CHECK_ERR(q, queue_apply_setup(q, &s, T0), QUEUE_EINVAL);
    tq_setup(&s);
    s.week[2].range[0].close_min = 8 * 60;
    CHECK_ERR(q, queue_apply_setup(q, &s, T0), QUEUE_EINVAL);
    queue_setup got;
    CHECK_INT(queue_get_setup(q, &got), QUEUE_OK);
    CHECK_INT(got.n_services, 4);
    CHECK_INT(got.n_counters, 3);
    CHECK_STR(got.counters[0].services, "AR");
    CHECK_INT(got.week[2].range[0].close_min, 12 * 60);
    /* dropping counter 3 and service F disables them: F cannot be issued, counter 3 unknown */
    tq_setup(&s);
    s.n_counters = 2;
    s.counters[1].services[1] = 'R';
    s.counters[1].services[2] = '\0';
    s.services[1] = s.services[3];
    s.n_services = 3;
    CHECK_INT(queue_apply_setup(q, &s, T0), QUEUE_OK);
    CHECK_ERR(q, queue_issue(q, T0, 'F', NULL, NULL), QUEUE_EDISABLED);
    CHECK_ERR(q, queue_counter_open(q, T0, 3), QUEUE_ENOCOUNTER);
    queue_close(q);
}

/* Opening hours: Sunday and after the last-ticket time are closed, with the next opening. */
static void test_closed_hours(void)
{
    queue *q = tq_open("err-hours", NULL, T0, NULL);
    queue_setup s;
    tq_setup(&s);
    s.always_open = false;
    CHECK_INT(queue_apply_setup(q, &s, T0), QUEUE_OK);
    int64_t sunday = testlib_local_time(2026, 3, 15, 10, 0, 0);
    int64_t next = -1;
    CHECK(!queue_is_open(q, sunday, &next));
    CHECK_INT(next, testlib_local_time(2026, 3, 16, 9, 0, 0));
    CHECK_ERR(q, queue_issue(q, sunday, 'A', NULL, NULL), QUEUE_ECLOSED);
    /* closes 17:00, last ticket 15 min before */
    CHECK_INT(queue_issue(q, testlib_local_time(2026, 3, 10, 16, 44, 0), 'A', NULL, NULL), QUEUE_OK);
    CHECK_ERR(q, queue_issue(q, testlib_local_time(2026, 3, 10, 16, 46, 0), 'A', NULL, NULL),
              QUEUE_ECLOSED);
    CHECK(!queue_is_open(q, testlib_local_time(2026, 3, 10, 12, 30, 0), &next));
    CHECK_INT(next, testlib_local_time(2026, 3, 10, 13, 30, 0));
    CHECK(queue_is_open(q, testlib_local_time(2026, 3, 10, 13, 30, 0), NULL));
    queue_close(q);
}

/* Feedback: level outside 1..5 and unknown service refused; good ones stored. */
static void test_feedback_input(void)
{
    queue *q = tq_open("err-feedback", NULL, T0, NULL);
    CHECK_ERR(q, queue_feedback(q, T0, 0, 0, CONTRACT_REASON_NONE), QUEUE_EINVAL);
    CHECK_ERR(q, queue_feedback(q, T0, 6, 'A', CONTRACT_REASON_NONE), QUEUE_EINVAL);
    CHECK_ERR(q, queue_feedback(q, T0, 3, 'Z', CONTRACT_REASON_NONE), QUEUE_ENOSERVICE);
    CHECK_INT(queue_feedback(q, T0, 1, 0, CONTRACT_REASON_NONE), QUEUE_OK);
    CHECK_INT(queue_feedback(q, T0, 5, 'A', CONTRACT_REASON_NONE), QUEUE_OK);
    queue_close(q);
}

/* Appointments: bad code, unknown service or counter, counter not serving the service;
 * check-in unknown / too early / too late / already used; the edges of the window are in. */
static void test_appointments(void)
{
    queue_options o = {.checkin_early_min = 20, .checkin_late_min = 10};
    queue *q = tq_open("err-appt", &o, T0, NULL);
    queue_appointment a = {.code = "AB-12", .at = T0 + 3600, .service = 'R', .counter_id = 2};
    snprintf(a.note, sizeof a.note, "bring the CAF letter");
    CHECK_INT(queue_appointment_upsert(q, T0, &a), QUEUE_OK);
    queue_appointment bad = a;
    snprintf(bad.code, sizeof bad.code, "no spaces");
    CHECK_ERR(q, queue_appointment_upsert(q, T0, &bad), QUEUE_EINVAL);
    bad = a;
    bad.service = 'Z';
    CHECK_ERR(q, queue_appointment_upsert(q, T0, &bad), QUEUE_ENOSERVICE);
    bad = a;
    bad.counter_id = 9;
    CHECK_ERR(q, queue_appointment_upsert(q, T0, &bad), QUEUE_ENOCOUNTER);
    bad = a;
    bad.counter_id = 3;   /* serves F only */
    CHECK_ERR(q, queue_appointment_upsert(q, T0, &bad), QUEUE_ENOTSERVED);

    queue_issued out;
    CHECK_ERR(q, queue_check_in(q, T0, "NOPE", &out), QUEUE_ENOAPPT);
    CHECK_ERR(q, queue_check_in(q, T0, "", &out), QUEUE_ENOAPPT);
    CHECK_ERR(q, queue_check_in(q, T0 + 3600 - 20 * 60 - 1, "AB-12", &out), QUEUE_ETOOEARLY);
    CHECK_ERR(q, queue_check_in(q, T0 + 3600 + 10 * 60 + 1, "AB-12", &out), QUEUE_ETOOLATE);
    CHECK_INT(queue_check_in(q, T0 + 3600 - 20 * 60, "AB-12", &out), QUEUE_OK);
    CHECK_STR(out.ticket.label, "R001");
    CHECK(out.ticket.appointment);
    CHECK_INT(out.ticket.counter_id, 2);   /* reserved for the appointment's counter */
    CHECK_ERR(q, queue_check_in(q, T0 + 3600, "AB-12", &out), QUEUE_EUSED);
    queue_appointment got;
    CHECK_INT(queue_appointment_get(q, "AB-12", &got), QUEUE_OK);
    CHECK_INT(got.ticket_id, out.ticket.id);
    CHECK_STR(got.note, "bring the CAF letter");
    /* a re-import keeps the link to the ticket */
    a.at = T0 + 4000;
    CHECK_INT(queue_appointment_upsert(q, T0 + 10, &a), QUEUE_OK);
    CHECK_INT(queue_appointment_get(q, "AB-12", &got), QUEUE_OK);
    CHECK_INT(got.ticket_id, out.ticket.id);
    CHECK_INT(got.at, T0 + 4000);
    /* the reserved ticket is called by counter 2 only */
    queue_ticket t;
    CHECK_INT(queue_counter_open(q, T0, 1), QUEUE_OK);
    CHECK_INT(queue_counter_open(q, T0, 2), QUEUE_OK);
    CHECK_INT(queue_call_next(q, T0 + 3700, 1, &t), QUEUE_EEMPTY);
    CHECK_INT(queue_call_next(q, T0 + 3700, 2, &t), QUEUE_OK);
    CHECK_INT(t.id, out.ticket.id);
    /* an appointment for a counter that the setup later dropped goes to any counter */
    queue_appointment gone = {.code = "GONE-1", .at = T0 + 3600, .service = 'R', .counter_id = 1};
    CHECK_INT(queue_appointment_upsert(q, T0, &gone), QUEUE_OK);
    queue_setup s;
    tq_setup(&s);
    s.counters[0] = s.counters[2];
    s.n_counters = 2;   /* counters 3 and 2 remain */
    CHECK_INT(queue_apply_setup(q, &s, T0 + 20), QUEUE_OK);
    queue_issued gone_out;
    CHECK_INT(queue_check_in(q, T0 + 3600, "GONE-1", &gone_out), QUEUE_OK);
    CHECK_INT(gone_out.ticket.counter_id, 0);
    /* purge: notes and codes older than 30 days go, recent ones stay */
    queue_appointment recent = {.code = "NEW-1", .at = T0 + 40 * 86400, .service = 'R'};
    snprintf(recent.note, sizeof recent.note, "keep me");
    CHECK_INT(queue_appointment_upsert(q, T0, &recent), QUEUE_OK);
    CHECK_ERR(q, queue_purge(q, T0, -1), QUEUE_EINVAL);
    CHECK_INT(queue_purge(q, T0 + 31 * 86400, 30), 2);
    CHECK_INT(queue_purge(q, T0 + 31 * 86400, 30), 0);
    CHECK_ERR(q, queue_appointment_get(q, "AB-12", &got), QUEUE_ENOAPPT);
    CHECK_INT(queue_appointment_get(q, "NEW-1", &got), QUEUE_OK);
    CHECK_STR(got.note, "keep me");
    CHECK_INT(queue_get_ticket(q, out.ticket.id, &t), QUEUE_OK);   /* the visit stays */
    queue_close(q);
}

/* A file that is not a database: QUEUE_ECORRUPT with the path in the message; the file is
 * left as it was (nothing overwritten). */
static void test_corrupt_file(void)
{
    const char *dir = testlib_tmpdir("err-corrupt");
    const char *path = testlib_path(dir, "queue.db");
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f)
        return;
    for (int i = 0; i < 512; i++)
        fputs("this is not an SQLite database. ", f);
    fclose(f);
    struct stat before, after;
    CHECK_INT(stat(path, &before), 0);
    queue *q = (queue *)1;
    char err[512] = "";
    CHECK_INT(queue_open(&q, path, NULL, err, sizeof err), QUEUE_ECORRUPT);
    CHECK(q == NULL);
    CHECK(strstr(err, path) != NULL);
    CHECK(strstr(err, "not a database") != NULL);
    CHECK_INT(stat(path, &after), 0);
    CHECK_INT(after.st_size, before.st_size);
    CHECK_INT(queue_open(&q, "", NULL, err, sizeof err), QUEUE_EINVAL);
    CHECK(err[0] != '\0');
}

/* A database written by a newer schema is refused, not touched. */
static void test_newer_schema(void)
{
    const char *dir;
    queue *q = tq_open("err-schema", NULL, T0, &dir);
    tq_issue(q, T0, 'A', false);
    CHECK_INT(sqlite3_exec(queue_test_db(q), "PRAGMA user_version = 99", NULL, NULL, NULL),
              SQLITE_OK);
    queue_close(q);
    char err[512] = "";
    CHECK_INT(queue_open(&q, testlib_path(dir, "queue.db"), NULL, err, sizeof err), QUEUE_ESCHEMA);
    CHECK(strstr(err, "99") != NULL);
}

/* A read-only database file in a read-only directory. Tests run as root in CI, and root
 * ignores file permissions, so the check runs in a child that drops to an unprivileged user
 * (nobody) first: what it meets is the real permission refusal of the kernel. Afterwards the
 * data is intact. */
static void test_read_only(void)
{
    const char *dir;
    queue *q = tq_open("err-readonly", NULL, T0, &dir);
    queue_ticket a = tq_issue(q, T0, 'A', false);
    queue_close(q);   /* last connection: the WAL is checkpointed and removed */
    const char *path = testlib_path(dir, "queue.db");
    CHECK_INT(chmod(path, 0444), 0);
    CHECK_INT(chmod(dir, 0555), 0);
    pid_t pid = fork();
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(3);
        queue *rq = NULL;
        char err[512] = "";
        int rc = queue_open(&rq, path, NULL, err, sizeof err);
        if (rc != QUEUE_EREADONLY) {
            fprintf(stderr, "read-only open gave %d: %s\n", rc, err);
            _exit(1);
        }
        fprintf(stderr, "  (read-only open: %s)\n", err);
        _exit(err[0] && strstr(err, path) ? 0 : 2);
    }
    int status = 0;
    CHECK_INT(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status));
    CHECK_INT(WEXITSTATUS(status), 0);
    CHECK_INT(chmod(dir, 0755), 0);
    CHECK_INT(chmod(path, 0644), 0);
    char err[512];
    CHECK_INT(queue_open(&q, path, NULL, err, sizeof err), QUEUE_OK);
    queue_ticket t;
    CHECK_INT(queue_get_ticket(q, a.id, &t), QUEUE_OK);
    CHECK_STR(t.label, "A001");
    queue_close(q);
}

/* Another connection holds the write lock longer than the busy timeout: QUEUE_EBUSY and
 * nothing written; once the lock is released the same call works and the number is the first. */
static void test_busy(void)
{
    queue_options o = {.busy_timeout_ms = 50};
    const char *dir;
    queue *q = tq_open("err-busy", &o, T0, &dir);
    sqlite3 *other = NULL;
    CHECK_INT(sqlite3_open(testlib_path(dir, "queue.db"), &other), SQLITE_OK);
    CHECK_INT(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    CHECK_ERR(q, queue_issue(q, T0, 'A', NULL, NULL), QUEUE_EBUSY);
    CHECK_INT(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    CHECK_STR(tq_issue(q, T0 + 1, 'A', false).label, "A001");
    queue_close(q);
}

/* ---- disk full ----------------------------------------------------------------------------- */

static volatile int disk_full;
static sqlite3_syscall_ptr real_write, real_pwrite64;

static ssize_t full_write(int fd, const void *buf, size_t n)
{
    if (disk_full) {
        errno = ENOSPC;
        return -1;
    }
    return ((ssize_t(*)(int, const void *, size_t))real_write)(fd, buf, n);
}

static ssize_t full_pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    if (disk_full) {
        errno = ENOSPC;
        return -1;
    }
    return ((ssize_t(*)(int, const void *, size_t, off_t))real_pwrite64)(fd, buf, n, off);
}

static int count_fn(const queue_ticket *t, void *ctx)
{
    (void)t;
    (*(int *)ctx)++;
    return 0;
}

/* The disk fills up: writes fail with QUEUE_EFULL, everything stored before stays readable and
 * intact, and once space is back the next ticket follows without a gap. */
static void test_disk_full(void)
{
    sqlite3_vfs *vfs = sqlite3_vfs_find(NULL);
    real_write = vfs->xGetSystemCall(vfs, "write");
    real_pwrite64 = vfs->xGetSystemCall(vfs, "pwrite64");
    CHECK(real_write != NULL);
    CHECK(real_pwrite64 != NULL);
    if (!real_write || !real_pwrite64)
        return;
    vfs->xSetSystemCall(vfs, "write", (sqlite3_syscall_ptr)full_write);
    vfs->xSetSystemCall(vfs, "pwrite64", (sqlite3_syscall_ptr)full_pwrite64);

    const char *dir;
    queue *q = tq_open("err-full", NULL, T0, &dir);
    queue_ticket a1 = tq_issue(q, T0, 'A', false);
    tq_issue(q, T0 + 1, 'A', false);
    tq_issue(q, T0 + 2, 'F', false);
    CHECK_INT(queue_counter_open(q, T0, 1), QUEUE_OK);
    queue_ticket t;
    CHECK_INT(queue_call_next(q, T0 + 3, 1, &t), QUEUE_OK);

    disk_full = 1;
    CHECK_ERR(q, queue_issue(q, T0 + 10, 'A', NULL, NULL), QUEUE_EFULL);
    CHECK_ERR(q, queue_finish(q, T0 + 11, 1, QUEUE_OUTCOME_SERVED), QUEUE_EFULL);
    CHECK_ERR(q, queue_feedback(q, T0 + 12, 2, 0, CONTRACT_REASON_NONE), QUEUE_EFULL);
    fprintf(stderr, "  (disk full: %s)\n", queue_errmsg(q));
    int n = 0;
    CHECK_INT(queue_list_tickets(q, T0 + 13, 0, count_fn, &n), QUEUE_OK);
    CHECK_INT(n, 3);
    CHECK_INT(queue_get_ticket(q, a1.id, &t), QUEUE_OK);
    CHECK_INT(t.state, QUEUE_CALLED);   /* the failed finish changed nothing */
    disk_full = 0;

    queue_ticket a3 = tq_issue(q, T0 + 20, 'A', false);
    CHECK_STR(a3.label, "A003");
    CHECK_INT(queue_finish(q, T0 + 21, 1, QUEUE_OUTCOME_SERVED), QUEUE_OK);
    queue_close(q);
    vfs->xSetSystemCall(vfs, NULL, NULL);   /* restore every system call */

    char err[256];
    CHECK_INT(queue_open(&q, testlib_path(dir, "queue.db"), NULL, err, sizeof err), QUEUE_OK);
    n = 0;
    CHECK_INT(queue_list_tickets(q, T0 + 30, 0, count_fn, &n), QUEUE_OK);
    CHECK_INT(n, 4);
    sqlite3_stmt *s = NULL;
    CHECK_INT(sqlite3_prepare_v2(queue_test_db(q), "PRAGMA integrity_check", -1, &s, NULL),
              SQLITE_OK);
    CHECK_INT(sqlite3_step(s), SQLITE_ROW);
    CHECK_STR((const char *)sqlite3_column_text(s, 0), "ok");
    sqlite3_finalize(s);
    queue_close(q);
}

int main(void)
{
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    T0 = testlib_local_time(2026, 3, 10, 10, 0, 0);
    RUN(test_bad_service);
    RUN(test_bad_setup);
    RUN(test_closed_hours);
    RUN(test_feedback_input);
    RUN(test_appointments);
    RUN(test_corrupt_file);
    RUN(test_newer_schema);
    RUN(test_read_only);
    RUN(test_busy);
    RUN(test_disk_full);
    return testlib_finish();
}
