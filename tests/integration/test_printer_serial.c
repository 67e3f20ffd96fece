/* The real serial path: driver -> Debian's libserialport (with the LD_PRELOAD pty shim) ->
 * pty -> borne-printer-emulator. Tickets read back, every fault, unplug/replug under a new
 * name, and a stalled XOFF line. States are awaited with a polling loop and generous
 * deadlines; the time each took is printed, never asserted. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "borne/printer.h"
#include "printer_emulator_client.h"
#include "borne/clock.h"
#include "testlib.h"

/* Generous: a job on a busy machine may take many times its line time; a wait ends as soon as
 * its condition holds. */
enum { MAX_EVENTS = 64, DEADLINE_MS = 60000 };

static struct {
    pthread_mutex_t mu;
    uint64_t ids[MAX_EVENTS];
    printer_job_result results[MAX_EVENTS];
    int n;
} rec = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void on_job(uint64_t id, printer_job_result r, void *ctx)
{
    (void)ctx;
    pthread_mutex_lock(&rec.mu);
    if (rec.n < MAX_EVENTS) {
        rec.ids[rec.n] = id;
        rec.results[rec.n] = r;
        rec.n++;
    }
    pthread_mutex_unlock(&rec.mu);
}

static void sleep_ms(int ms)
{
    nanosleep(&(struct timespec){ms / 1000, (long)(ms % 1000) * 1000000L}, NULL);
}

/* Number of results `r` recorded for job `id`. */
static int count_results(uint64_t id, printer_job_result r)
{
    int c = 0;
    pthread_mutex_lock(&rec.mu);
    for (int i = 0; i < rec.n; i++)
        if (rec.ids[i] == id && rec.results[i] == r)
            c++;
    pthread_mutex_unlock(&rec.mu);
    return c;
}

static bool wait_result(uint64_t id, printer_job_result r, const char *what)
{
    int64_t t0 = clock_mono_ms();
    while (count_results(id, r) == 0) {
        if (clock_mono_ms() - t0 > DEADLINE_MS) {
            printf("  %s: no such result after %d ms\n", what, DEADLINE_MS);
            return false;
        }
        sleep_ms(10);
    }
    printf("  %s after %lld ms\n", what, (long long)(clock_mono_ms() - t0));
    return true;
}

static bool wait_state(printer *p, printer_state want)
{
    int64_t t0 = clock_mono_ms();
    while (printer_get_state(p) != want) {
        if (clock_mono_ms() - t0 > DEADLINE_MS) {
            printf("  state %s never came (still %s)\n", printer_state_name(want),
                   printer_state_name(printer_get_state(p)));
            return false;
        }
        sleep_ms(10);
    }
    printf("  state %s after %lld ms\n", printer_state_name(want), (long long)(clock_mono_ms() - t0));
    return true;
}

static printer_ticket model(void)
{
    printer_ticket t = {
        .antenne = "Antenne de Lyon",
        .label = "A042",
        .service = "Aides individuelles",
        .when = "lun. 23/11/2026 14:05",
        .ahead = "3 personnes avant vous",
        .wait = "Attente estimée : 10 à 20 min",
        .message = "Cœur, 2 € « merci » : élève où Noël maïs.",
        .qr = "https://borne.example/t/A042",
    };
    return t;
}

/* The ticket as the emulator must read it back: one printed line per line. */
static void expected_text(const printer_ticket *t, bool pc858, char *out, size_t cap)
{
    const char *rule = "------------------------------------------------";
    snprintf(out, cap, "%s\n%s\n%s\n\n%s\n\n%s\n%s\n%s\n%s\n\n%s\n\n[QR] %s\n", t->antenne, rule, t->service, t->label,
             t->ahead, t->wait, rule, t->when,
             pc858 ? "Coeur, 2 € « merci » : élève où Noël maïs." : t->message, t->qr);
}

/* The emulator answers the status query on receipt and writes the ticket just after: wait
 * for the file (it appears whole, by rename). */
static char *slurp(const char *path)
{
    int64_t t0 = clock_mono_ms();
    while (access(path, F_OK) != 0 && clock_mono_ms() - t0 < DEADLINE_MS)
        sleep_ms(10);
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static bool file_exists(const char *path)
{
    return access(path, F_OK) == 0;
}

typedef struct rig {
    emuctl emu;
    printer *p;
    char dir[512];
} rig;

/* The driver at `baud`, the emulated printer taking bytes at `printer_baud`, the driver told
 * `line_baud` (0: not told). */
static bool rig_start_rates(rig *r, const char *name, int baud, int printer_baud, int line_baud,
                            const char *model_name, bool reprint, int probe_ms)
{
    pthread_mutex_lock(&rec.mu);
    rec.n = 0;  /* job ids restart with each driver */
    pthread_mutex_unlock(&rec.mu);
    snprintf(r->dir, sizeof r->dir, "%s", testlib_tmpdir(name));
    int e = emuctl_start(&r->emu, r->dir, printer_baud, true);
    CHECK_INT(e, 0);
    if (e != 0)
        return false;
    printer_config cfg = {.baud = baud, .line_baud = line_baud, .flow = PRINTER_FLOW_XONXOFF,
                          .reprint_after_fault = reprint, .probe_interval_ms = probe_ms};
    snprintf(cfg.device, sizeof cfg.device, "%s", r->emu.link);
    snprintf(cfg.model, sizeof cfg.model, "%s", model_name);
    printer_callbacks cb = {.on_job = on_job};
    e = printer_start(&r->p, &cfg, NULL, NULL, &cb);
    CHECK_INT(e, 0);
    if (e != 0) {
        emuctl_stop(&r->emu);
        return false;
    }
    return CHECK(wait_state(r->p, PRINTER_READY));
}

static bool rig_start(rig *r, const char *name, int baud, const char *model_name, bool reprint, int probe_ms)
{
    return rig_start_rates(r, name, baud, baud, 0, model_name, reprint, probe_ms);
}

static void rig_stop(rig *r)
{
    printer_stop(r->p);
    emuctl_stop(&r->emu);
}

static void check_round_trip(const char *model_name, bool pc858)
{
    rig r;
    if (!rig_start(&r, model_name, 38400, model_name, false, 200))
        return;
    printer_ticket t = model();
    uint64_t id;
    CHECK_INT(printer_submit(r.p, &t, &id), 0);
    CHECK(wait_result(id, PRINTER_JOB_PRINTED, "printed"));
    char want[2048];
    expected_text(&t, pc858, want, sizeof want);
    const char *got = slurp(testlib_path(r.emu.out, "ticket-0001.txt"));
    CHECK(got != NULL);
    if (got)
        CHECK_STR(got, want);
    CHECK(file_exists(testlib_path(r.emu.out, "ticket-0001.png")));
    CHECK_INT(emuctl_stat(&r.emu, "partial"), 0);
    rig_stop(&r);
}

/* A ticket printed through the real serial stack is read back by the emulator exactly as the
 * model says, accents and € included (WPC1252), and with œ -> "oe" in PC858. */
static void test_round_trip_wpc1252(void) { check_round_trip("epson-tm-t20", false); }
static void test_round_trip_pc858(void) { check_round_trip("epson-pc858", true); }

/* Each fault gives its state and the driver recovers when the fault clears; a ticket asked
 * for during a fault fails at once instead of waiting. */
static void test_faults(void)
{
    static const struct {
        const char *cmd;
        printer_state want;
    } faults[] = {
        {"near_end", PRINTER_NEAR_END},     {"paper_out", PRINTER_PAPER_OUT},
        {"cover_open", PRINTER_COVER_OPEN}, {"cutter_error", PRINTER_CUTTER_ERROR},
        {"no_answer", PRINTER_OFFLINE},
    };
    rig r;
    if (!rig_start(&r, "faults", 38400, "epson-tm-t20", false, 200))
        return;
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        printf("  fault %s\n", faults[i].cmd);
        CHECK_INT(emuctl_cmd(&r.emu, faults[i].cmd, NULL, 0), 0);
        CHECK(wait_state(r.p, faults[i].want));
        if (!printer_state_can_print(faults[i].want)) {
            printer_ticket t = model();
            uint64_t id;
            CHECK_INT(printer_submit(r.p, &t, &id), 0);
            CHECK(wait_result(id, PRINTER_JOB_FAILED, "refused during the fault"));
        }
        CHECK_INT(emuctl_cmd(&r.emu, "clear", NULL, 0), 0);
        CHECK(wait_state(r.p, PRINTER_READY));
    }
    CHECK_INT(emuctl_stat(&r.emu, "tickets"), 0);
    CHECK_INT(emuctl_cmd(&r.emu, "no_such_fault", NULL, 0), -EPROTO);
    rig_stop(&r);
}

/* Stray bytes on the line (answers preceded by garbage, unsolicited bursts) do not change the
 * state, and a ticket still prints. */
static void test_garbage(void)
{
    rig r;
    if (!rig_start(&r, "garbage", 38400, "epson-tm-t20", false, 100))
        return;
    CHECK_INT(emuctl_cmd(&r.emu, "garbage", NULL, 0), 0);
    int64_t t0 = clock_mono_ms();
    bool stayed = true;
    while (clock_mono_ms() - t0 < 1500) {
        stayed = stayed && printer_get_state(r.p) == PRINTER_READY;
        sleep_ms(10);
    }
    CHECK(stayed);
    printer_ticket t = model();
    uint64_t id;
    CHECK_INT(printer_submit(r.p, &t, &id), 0);
    CHECK(wait_result(id, PRINTER_JOB_PRINTED, "printed through garbage"));
    CHECK_INT(emuctl_stat(&r.emu, "tickets"), 1);
    rig_stop(&r);
}

/* Waits until the emulator has started receiving a ticket (its ESC @ arrived, no cut yet). */
static bool wait_ticket_started(emuctl *e)
{
    int64_t t0 = clock_mono_ms();
    while (clock_mono_ms() - t0 < DEADLINE_MS) {
        long long s = emuctl_stat(e, "start_ns"), end = emuctl_stat(e, "end_ns");
        if (s > end && s > 0)
            return true;
        sleep_ms(2);
    }
    return false;
}

static void mid_ticket(const char *fault, bool reprint)
{
    char name[64];
    snprintf(name, sizeof name, "%s-%s", fault, reprint ? "reprint" : "drop");
    rig r;
    /* 4800 baud: the ticket takes most of a second on the wire, time to cut in. */
    if (!rig_start(&r, name, 4800, "epson-tm-t20", reprint, 200))
        return;
    printer_ticket t = model();
    uint64_t id;
    CHECK_INT(printer_submit(r.p, &t, &id), 0);
    CHECK(wait_ticket_started(&r.emu));
    bool unplug = strcmp(fault, "unplug") == 0;
    char before[PATH_MAX] = "", after[PATH_MAX] = "";
    if (readlink(r.emu.link, before, sizeof before - 1) < 0)
        before[0] = 0;
    CHECK_INT(emuctl_cmd(&r.emu, unplug ? "unplug 1500" : fault, NULL, 0), 0);
    CHECK(wait_state(r.p, unplug ? PRINTER_UNPLUGGED : PRINTER_PAPER_OUT));
    printer_job_result first = reprint ? PRINTER_JOB_REPRINTING : PRINTER_JOB_FAILED;
    CHECK(wait_result(id, first, reprint ? "reported reprinting" : "reported failed"));
    if (!unplug)
        CHECK_INT(emuctl_cmd(&r.emu, "clear", NULL, 0), 0);
    CHECK(wait_state(r.p, PRINTER_READY));
    if (unplug) {
        if (readlink(r.emu.link, after, sizeof after - 1) < 0)
            after[0] = 0;
        printf("  device %s -> %s\n", before, after);
        CHECK(strcmp(before, after) != 0);
    }
    if (reprint) {
        CHECK(wait_result(id, PRINTER_JOB_PRINTED, "reprinted"));
        char want[2048];
        expected_text(&t, false, want, sizeof want);
        const char *got = slurp(testlib_path(r.emu.out, "ticket-0001.txt"));
        CHECK(got && strcmp(got, want) == 0);
    } else {
        /* Give a wrongly kept job every chance to come out before checking it did not. */
        sleep_ms(1500);
    }
    /* Exactly one whole ticket with reprint, none without; each outcome reported once. */
    CHECK_INT(emuctl_stat(&r.emu, "tickets"), reprint ? 1 : 0);
    CHECK_INT(count_results(id, first), 1);
    CHECK_INT(count_results(id, PRINTER_JOB_PRINTED), reprint ? 1 : 0);
    rig_stop(&r);
}

/* Paper out mid-ticket: reported, then reprinted whole after the paper is back (config on). */
static void test_paper_out_mid_ticket_reprint(void) { mid_ticket("paper_out", true); }
/* Same, config off: reported failed, never printed later. */
static void test_paper_out_mid_ticket_drop(void) { mid_ticket("paper_out", false); }
/* Unplug mid-ticket: unplugged, reconnects when the device comes back under a new name
 * behind the same symlink, then reprints (config on) ... */
static void test_unplug_mid_ticket_reprint(void) { mid_ticket("unplug", true); }
/* ... or reports failed and prints nothing (config off). */
static void test_unplug_mid_ticket_drop(void) { mid_ticket("unplug", false); }

/* XOFF held: the job times out, and meanwhile the driver answers at once (submit and state
 * query); after the line is released, the printer is ready again and prints. */
static void test_xoff_stall(void)
{
    rig r;
    if (!rig_start(&r, "xoff", 9600, "epson-tm-t20", false, 5000))
        return;
    CHECK_INT(emuctl_cmd(&r.emu, "xoff_hold", NULL, 0), 0);
    printer_ticket t = model();
    uint64_t id1, id2;
    CHECK_INT(printer_submit(r.p, &t, &id1), 0);
    sleep_ms(300);
    int64_t t0 = clock_mono_ms();
    CHECK_INT(printer_submit(r.p, &t, &id2), 0);
    printer_state during = printer_get_state(r.p);
    printf("  second submit + state query during the stall: %lld ms (state %s)\n", (long long)(clock_mono_ms() - t0),
           printer_state_name(during));
    CHECK(wait_result(id1, PRINTER_JOB_TIMEOUT, "timed out"));
    CHECK(wait_result(id2, PRINTER_JOB_FAILED, "second job refused while offline"));
    CHECK(wait_state(r.p, PRINTER_OFFLINE));
    CHECK_INT(emuctl_cmd(&r.emu, "clear", NULL, 0), 0);
    CHECK(wait_state(r.p, PRINTER_READY));
    uint64_t id3;
    CHECK_INT(printer_submit(r.p, &t, &id3), 0);
    CHECK(wait_result(id3, PRINTER_JOB_PRINTED, "printed after release"));
    CHECK_INT(emuctl_stat(&r.emu, "tickets"), 1);
    rig_stop(&r);
}

/* A slow printer (issue 13): the driver at 38400, the printer taking 1200 baud, reprint on.
 * Told the printer's rate, the driver waits as long as the printer needs: both tickets print,
 * once each. Not told, it cannot know, but it still never sends a number twice. */
static void slow_printer(int line_baud)
{
    rig r;
    if (!rig_start_rates(&r, line_baud ? "slow-told" : "slow-untold", 38400, 1200, line_baud, "epson-tm-t20",
                         true, 200))
        return;
    printer_ticket t = model();
    uint64_t id[2];
    CHECK_INT(printer_submit(r.p, &t, &id[0]), 0);
    CHECK_INT(printer_submit(r.p, &t, &id[1]), 0);
    for (int i = 0; i < 2; i++) {
        if (line_baud) {
            CHECK(wait_result(id[i], PRINTER_JOB_PRINTED, "printed at 1200 baud"));
        } else {
            int64_t until = clock_mono_ms() + 60000;
            while (clock_mono_ms() < until && count_results(id[i], PRINTER_JOB_PRINTED) +
                                                  count_results(id[i], PRINTER_JOB_TIMEOUT) +
                                                  count_results(id[i], PRINTER_JOB_FAILED) == 0)
                sleep_ms(50);
        }
        CHECK_INT(count_results(id[i], PRINTER_JOB_REPRINTING), 0);
    }
    /* every byte of both tickets has had the time to reach the paper, and more */
    sleep_ms(2000);
    int slips = emuctl_stat(&r.emu, "tickets");
    printf("  driver 38400, printer 1200, %s: %d slips for 2 numbers\n", line_baud ? "told" : "not told", slips);
    if (line_baud)
        CHECK_INT(slips, 2);
    else
        CHECK(slips <= 2);
    for (int i = 0; i < 2; i++)
        CHECK(count_results(id[i], PRINTER_JOB_PRINTED) <= 1);
    rig_stop(&r);
}

static void test_slow_printer_told(void) { slow_printer(1200); }
static void test_slow_printer_untold(void) { slow_printer(0); }

int main(void)
{
    if (!getenv("LD_PRELOAD") || !getenv("BORNE_PRINTER_EMULATOR")) {
        fprintf(stderr, "needs LD_PRELOAD=<borne_pty_shim> and BORNE_PRINTER_EMULATOR (set by ctest)\n");
        return 1;
    }
    RUN(test_round_trip_wpc1252);
    RUN(test_round_trip_pc858);
    RUN(test_faults);
    RUN(test_garbage);
    RUN(test_paper_out_mid_ticket_reprint);
    RUN(test_paper_out_mid_ticket_drop);
    RUN(test_unplug_mid_ticket_reprint);
    RUN(test_unplug_mid_ticket_drop);
    RUN(test_xoff_stall);
    RUN(test_slow_printer_told);
    RUN(test_slow_printer_untold);
    return testlib_finish();
}
