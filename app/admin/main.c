/* borne-admin: the queue engine from a shell. How an agent, a technician or a test inspects and
 * drives a box. Exit status: 0 done, 1 refused or failed (the message says why), 2 usage. */
#include "borne/apptcsv.h"
#include "borne/config.h"
#include "borne/queue.h"
#include "borne/utf8.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* EXIT_BUSY: quiet-window's "not now" (the antenne is open or opens soon), so a script can tell
 * it from a failure. */
enum { EXIT_REFUSED = 1, EXIT_USAGE = 2, EXIT_BUSY = 3 };

typedef struct admin {
    borne_config cfg;
    queue *q;
    int64_t now;
    bool csv;
} admin;

typedef struct command {
    const char *name;
    const char *args;
    int min_args, max_args;
    bool needs_db;
    int (*run)(admin *a, int argc, char **argv);
    const char *help;
} command;

static int refused(admin *a, const char *what, int err)
{
    const char *detail = a->q ? queue_errmsg(a->q) : "";
    fprintf(stderr, "borne-admin: %s: %s%s%s\n", what, queue_strerror(err), detail[0] ? ": " : "", detail);
    return EXIT_REFUSED;
}

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "borne-admin: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (borne-admin --help)\n");
    va_end(ap);
    return EXIT_USAGE;
}

static bool parse_counter(const char *s, int *id)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v < 1 || v > 999)
        return false;
    *id = (int)v;
    return true;
}

static bool parse_service(const char *s, char *letter)
{
    if (strlen(s) != 1 || s[0] < 'A' || s[0] > 'Z')
        return false;
    *letter = s[0];
    return true;
}

/* The engine's arithmetic on times (now minus a retention, a median window) must not overflow:
 * --now is a moment between 1970 and the end of year 9999. */
#define NOW_MAX INT64_C(253402300799)

/* "2026-11-23T10:30[:00]" in local time (one that exists, and only once, that day), or
 * "@<unix seconds>". */
static bool parse_now(const char *s, int64_t *out)
{
    if (s[0] == '@') {
        char *end;
        errno = 0;
        long long v = strtoll(s + 1, &end, 10);
        if (errno || *end || end == s + 1 || v < 0 || v > NOW_MAX)
            return false;
        *out = v;
        return true;
    }
    int y, mo, d, h, mi, sec = 0, used = 0;
    size_t len = strlen(s);
    if ((len != 16 && len != 19) ||
        sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &used) != 5 || used != 16 ||
        (len == 19 && sscanf(s + 16, ":%2d", &sec) != 1))
        return false;
    return queue_local_time(y, mo, d, h, mi, sec, out) == QUEUE_LOCAL_OK;
}

static void format_local(int64_t t, char *buf, size_t len)
{
    if (!t) {
        snprintf(buf, len, "-");
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(buf, len, "%H:%M:%S", &tm);
}

static void print_issued(const queue_issued *is)
{
    printf("%s\tticket %lld\t%d ahead\t%d-%d min\n", is->ticket.label, (long long)is->ticket.id,
           is->people_ahead, is->wait_min_lo, is->wait_min_hi);
}

static void print_ticket(const queue_ticket *t)
{
    char issued[16], called[16];
    format_local(t->issued_at, issued, sizeof issued);
    format_local(t->called_at, called, sizeof called);
    printf("%s\t%lld\t%s\t%s\t%s\t%s%s%s\tcounter %d\trecalls %d\n", t->label, (long long)t->id,
           queue_state_name(t->state), issued, called, t->priority ? "priority " : "",
           t->appointment ? "appointment " : "", t->transferred ? "transferred" : "", t->counter_id,
           t->recalls);
}

/* ---- commands ---- */

static int cmd_init(admin *a, int argc, char **argv)
{
    (void)argc, (void)argv;
    int rc = queue_apply_setup(a->q, &a->cfg.setup, a->now);
    if (rc)
        return refused(a, "init", rc);
    printf("database %s ready: %d services, %d counters (schema %d)\n", a->cfg.store.path,
           a->cfg.setup.n_services, a->cfg.setup.n_counters, queue_schema_version());
    return 0;
}

static int cmd_services(admin *a, int argc, char **argv)
{
    (void)argc, (void)argv;
    queue_service_stats st[QUEUE_MAX_SERVICES];
    int n = queue_service_stats_now(a->q, a->now, st, QUEUE_MAX_SERVICES);
    if (n < 0)
        return refused(a, "services", n);
    queue_setup setup;
    int rc = queue_get_setup(a->q, &setup);
    if (rc)
        return refused(a, "services", rc);
    for (int i = 0; i < n; i++) {
        const char *label = "";
        for (int j = 0; j < setup.n_services; j++)
            if (setup.services[j].letter == st[i].letter)
                label = setup.services[j].label_fr;
        printf("%c\t%s\twaiting %d\tcounters %d\t%d-%d min\n", st[i].letter, label, st[i].waiting,
               st[i].open_counters, st[i].wait_min_lo, st[i].wait_min_hi);
    }
    return 0;
}

static int cmd_issue(admin *a, int argc, char **argv)
{
    char letter;
    if (!parse_service(argv[0], &letter))
        return usage_error("issue: \"%s\" is not a service letter A-Z", argv[0]);
    queue_issue_opts opts = {.actor = "admin"};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "priority") == 0) {
            opts.priority = true;
            continue;
        }
        int p = queue_public_from_name(argv[i]);
        if (p <= 0)
            return usage_error("issue: \"%s\" is neither priority nor a public type "
                               "(particulier, entreprise, association, collectivite)", argv[i]);
        opts.public_type = (queue_public)p;
    }
    queue_issued is;
    int rc = queue_issue(a->q, a->now, letter, &opts, &is);
    if (rc)
        return refused(a, "issue", rc);
    print_issued(&is);
    return 0;
}

static int list_one(const queue_ticket *t, void *ctx)
{
    (void)ctx;
    print_ticket(t);
    return 0;
}

static int cmd_list(admin *a, int argc, char **argv)
{
    unsigned mask = 0;
    for (int i = 0; i < argc; i++) {
        int s = QUEUE_WAITING;
        while (s <= QUEUE_EXPIRED && strcmp(argv[i], queue_state_name((queue_state)s)) != 0)
            s++;
        if (s > QUEUE_EXPIRED)
            return usage_error("list: unknown state \"%s\" (waiting, called, serving, done, no_show, "
                               "cancelled, expired)", argv[i]);
        mask |= 1u << s;
    }
    int rc = queue_list_tickets(a->q, a->now, mask, list_one, NULL);
    return rc < 0 ? refused(a, "list", rc) : 0;
}

static int cmd_counter(admin *a, int argc, char **argv)
{
    (void)argc;
    int id, rc;
    if (!parse_counter(argv[0], &id))
        return usage_error("counter: \"%s\" is not a counter number", argv[0]);
    if (strcmp(argv[1], "open") == 0)
        rc = queue_counter_open(a->q, a->now, id);
    else if (strcmp(argv[1], "close") == 0)
        rc = queue_counter_close(a->q, a->now, id);
    else if (strcmp(argv[1], "pause") == 0)
        rc = queue_counter_pause(a->q, a->now, id);
    else if (strcmp(argv[1], "show") == 0)
        rc = QUEUE_OK;
    else
        return usage_error("counter: \"%s\" is not open, close, pause or show", argv[1]);
    if (rc)
        return refused(a, "counter", rc);
    queue_counter_status st;
    rc = queue_counter_get(a->q, id, &st);
    if (rc)
        return refused(a, "counter", rc);
    static const char *const states[] = {"closed", "open", "paused"};
    printf("%d\t%s\t%s\tserves %s\tcurrent %lld\n", st.id, st.name, states[st.state], st.services,
           (long long)st.current_ticket);
    return 0;
}

/* The counter operations that take only a counter and answer with its ticket. */
static int counter_op(admin *a, const char *what, const char *arg,
                      int (*op)(queue *, int64_t, int, queue_ticket *))
{
    int id;
    if (!parse_counter(arg, &id))
        return usage_error("\"%s\" is not a counter number", arg);
    queue_ticket t;
    int rc = op(a->q, a->now, id, &t);
    if (rc)
        return refused(a, what, rc);
    print_ticket(&t);
    return 0;
}

static int cmd_call(admin *a, int argc, char **argv)
{
    (void)argc;
    return counter_op(a, "call", argv[0], queue_call_next);
}

static int cmd_recall(admin *a, int argc, char **argv)
{
    (void)argc;
    return counter_op(a, "recall", argv[0], queue_recall);
}

static int cmd_start(admin *a, int argc, char **argv)
{
    (void)argc;
    int id;
    if (!parse_counter(argv[0], &id))
        return usage_error("start: \"%s\" is not a counter number", argv[0]);
    int rc = queue_start(a->q, a->now, id);
    return rc ? refused(a, "start", rc) : 0;
}

static int cmd_finish(admin *a, int argc, char **argv)
{
    int id;
    if (!parse_counter(argv[0], &id))
        return usage_error("finish: \"%s\" is not a counter number", argv[0]);
    queue_outcome outcome = QUEUE_OUTCOME_SERVED;
    if (argc == 2) {
        if (strcmp(argv[1], "redirected") == 0)
            outcome = QUEUE_OUTCOME_REDIRECTED;
        else if (strcmp(argv[1], "served") != 0)
            return usage_error("finish: outcome \"%s\" is not served or redirected", argv[1]);
    }
    int rc = queue_finish(a->q, a->now, id, outcome);
    return rc ? refused(a, "finish", rc) : 0;
}

static int cmd_no_show(admin *a, int argc, char **argv)
{
    (void)argc;
    int id;
    if (!parse_counter(argv[0], &id))
        return usage_error("no-show: \"%s\" is not a counter number", argv[0]);
    int rc = queue_no_show(a->q, a->now, id);
    return rc ? refused(a, "no-show", rc) : 0;
}

static int cmd_transfer(admin *a, int argc, char **argv)
{
    int id, to_counter = 0;
    char to_service = 0;
    if (!parse_counter(argv[0], &id))
        return usage_error("transfer: \"%s\" is not a counter number", argv[0]);
    if (strcmp(argv[1], "-") != 0 && !parse_service(argv[1], &to_service))
        return usage_error("transfer: \"%s\" is not a service letter (or - to keep it)", argv[1]);
    if (argc == 3 && !parse_counter(argv[2], &to_counter))
        return usage_error("transfer: \"%s\" is not a counter number", argv[2]);
    if (!to_service && !to_counter)
        return usage_error("transfer: give a service, a counter or both");
    int rc = queue_transfer(a->q, a->now, id, to_service, to_counter);
    return rc ? refused(a, "transfer", rc) : 0;
}

static int cmd_cancel(admin *a, int argc, char **argv)
{
    (void)argc;
    char *end;
    long long id = strtoll(argv[0], &end, 10);
    if (*end || id <= 0)
        return usage_error("cancel: \"%s\" is not a ticket id", argv[0]);
    int rc = queue_cancel(a->q, a->now, id, "admin");
    return rc ? refused(a, "cancel", rc) : 0;
}

static void import_error(int line, const char *reason, void *ctx)
{
    const char *path = ctx;
    fprintf(stderr, "%s:%d: %s\n", path, line, reason);
}

/* All or nothing, like PUT /appointments: every bad row is reported, and one bad row (or one the
 * engine refuses) saves none, so a corrected file can simply be imported again whole. */
static int cmd_import(admin *a, int argc, char **argv)
{
    (void)argc;
    FILE *in = strcmp(argv[0], "-") == 0 ? stdin : fopen(argv[0], "r");
    if (!in) {
        fprintf(stderr, "borne-admin: %s: %s\n", argv[0], strerror(errno));
        return EXIT_REFUSED;
    }
    apptcsv_rows rows;
    int rc = apptcsv_read(in, import_error, argv[0], &rows);
    if (in != stdin)
        fclose(in);
    if (rc == -EIO || rc == -ENOMEM)
        fprintf(stderr, "borne-admin: %s: %s\n", argv[0], rc == -EIO ? "read error" : "out of memory");
    int status = rc || rows.bad ? EXIT_REFUSED : 0;
    int failed = -1;
    if (!status && (rc = queue_appointments_upsert(a->q, a->now, rows.items, rows.n, &failed))) {
        if (failed >= 0)
            fprintf(stderr, "%s:%d: %s: %s\n", argv[0], rows.lines[failed], queue_strerror(rc),
                    queue_errmsg(a->q));
        else
            refused(a, "import", rc);
        status = EXIT_REFUSED;
    }
    if (status)
        printf("imported 0, rejected %d: nothing saved (the file is imported whole or not at all)\n",
               rows.bad + (failed >= 0));
    else
        printf("imported %d, rejected 0\n", rows.n);
    apptcsv_rows_free(&rows);
    return status;
}

static int cmd_check_in(admin *a, int argc, char **argv)
{
    (void)argc;
    queue_issued is;
    int rc = queue_check_in(a->q, a->now, argv[0], &is);
    if (rc)
        return refused(a, "check-in", rc);
    print_issued(&is);
    return 0;
}

static int cmd_feedback(admin *a, int argc, char **argv)
{
    char *end;
    long level = strtol(argv[0], &end, 10);
    if (*end || level < 1 || level > 5)
        return usage_error("feedback: level \"%s\" is not 1 (soleil) to 5 (orage)", argv[0]);
    char service = 0;
    if (argc == 2 && !parse_service(argv[1], &service))
        return usage_error("feedback: \"%s\" is not a service letter", argv[1]);
    int rc = queue_feedback(a->q, a->now, (int)level, service, CONTRACT_REASON_NONE);
    return rc ? refused(a, "feedback", rc) : 0;
}

static int print_bucket(const queue_bucket *b, void *ctx)
{
    const admin *a = ctx;
    const char *sep = a->csv ? "," : "\t";
    printf("%s%s%d%s%c%s%s%s%d%s%d%s%d%s%d%s%d%s%d%s%d%s%d%s%d%s%d%s%d%s%d%s%d%s%d%s%d%s%d%s%d%s%d%s%lld\n",
           b->day, sep, b->hour, sep, b->service, sep, queue_public_name(b->public_type), sep, b->issued, sep,
           b->called, sep, b->served, sep, b->redirected, sep, b->no_show, sep, b->cancelled, sep, b->expired,
           sep, b->transferred, sep, b->appointments_checked_in, sep, b->wait_p50_s, sep, b->wait_p90_s, sep,
           b->service_p50_s, sep, b->service_p90_s, sep, b->feedback[0], sep, b->feedback[1], sep,
           b->feedback[2], sep, b->feedback[3], sep, b->feedback[4], sep, (long long)b->revision);
    return 0;
}

static int cmd_stats(admin *a, int argc, char **argv)
{
    char day[11];
    if (argc == 1) {
        int ymd[3];
        if (strlen(argv[0]) != 10 || sscanf(argv[0], "%4d-%2d-%2d", &ymd[0], &ymd[1], &ymd[2]) != 3)
            return usage_error("stats: day \"%s\" is not YYYY-MM-DD", argv[0]);
        snprintf(day, sizeof day, "%s", argv[0]);
    } else {
        time_t t = (time_t)a->now;
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(day, sizeof day, "%Y-%m-%d", &tm);
    }
    const char *sep = a->csv ? "," : "\t";
    static const char *const columns[] = {
        "day", "hour", "service", "public", "issued", "called", "served", "redirected", "no_show",
        "cancelled", "expired", "transferred", "appointments", "wait_p50_s", "wait_p90_s",
        "service_p50_s", "service_p90_s", "soleil", "soleil_voile", "nuageux", "pluie", "orage", "revision"};
    for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++)
        printf("%s%s", i ? sep : "", columns[i]);
    printf("\n");
    int rc = queue_aggregates(a->q, day, day, print_bucket, a);
    return rc < 0 ? refused(a, "stats", rc) : 0;
}

static int print_event(const queue_event *e, void *ctx)
{
    (void)ctx;
    char at[16];
    format_local(e->at, at, sizeof at);
    printf("%lld\t%s\t%s\t%s\t%s\t%c\tcounter %d\n", (long long)e->id, at, e->kind, e->actor,
           e->label[0] ? e->label : "-", e->service ? e->service : '-', e->counter_id);
    return 0;
}

static int cmd_events(admin *a, int argc, char **argv)
{
    long long after = 0;
    if (argc == 1) {
        char *end;
        after = strtoll(argv[0], &end, 10);
        if (*end || after < 0)
            return usage_error("events: \"%s\" is not an event id", argv[0]);
    }
    int rc = queue_events_since(a->q, after, 0, print_event, NULL);
    return rc < 0 ? refused(a, "events", rc) : 0;
}

static int cmd_rollover(admin *a, int argc, char **argv)
{
    (void)argc, (void)argv;
    int n = queue_rollover(a->q, a->now);
    if (n < 0)
        return refused(a, "rollover", n);
    printf("expired %d\n", n);
    int purged = queue_purge(a->q, a->now, a->cfg.retention_days);
    if (purged < 0)
        return refused(a, "purge", purged);
    printf("purged %d\n", purged);
    return 0;
}

static int cmd_check_config(admin *a, int argc, char **argv)
{
    (void)argc, (void)argv;
    printf("%s: antenne %s, %d services, %d counters\n", a->cfg.antenne.name, a->cfg.antenne.id,
           a->cfg.setup.n_services, a->cfg.setup.n_counters);
    if (!a->cfg.ui.admin_pin[0])
        printf("note: no [ui] admin_pin: the kiosk keeps its admin screen locked until one is set\n");
    if (!a->cfg.clock.require_sync)
        printf("note: [clock] require_sync = false: tickets are issued even before the clock is"
               " synchronised\n");
    return 0;
}

/* For borne-update: maintenance (a package upgrade, a restart, a rollback if the new version fails)
 * only while the antenne is closed and stays closed for MINUTES. Hours and closures come from the
 * database, which holds what the kiosk applies (the file's or HQ's). */
static int cmd_quiet_window(admin *a, int argc, char **argv)
{
    long minutes = 60;
    if (argc == 1) {
        char *end;
        minutes = strtol(argv[0], &end, 10);
        if (*end || minutes < 0 || minutes > 24 * 60)
            return usage_error("quiet-window: MINUTES from 0 to 1440, not \"%s\"", argv[0]);
    }
    /* A database error is a refusal, never a green light. */
    bool open = false;
    int64_t next_open = 0;
    int rc = queue_open_at(a->q, a->now, &open, &next_open);
    if (rc)
        return refused(a, "quiet-window", rc);
    if (open) {
        printf("open now: not a quiet window\n");
        return EXIT_BUSY;
    }
    if (next_open && next_open - a->now < (int64_t)minutes * 60) {
        printf("closed, but opens in %lld min (< %ld): not a quiet window\n",
               (long long)((next_open - a->now) / 60), minutes);
        return EXIT_BUSY;
    }
    printf("closed for at least %ld min: quiet window\n", minutes);
    return 0;
}

static const command commands[] = {
    {"check-config", "", 0, 0, false, cmd_check_config, "validate the config file, touch nothing"},
    {"init", "", 0, 0, true, cmd_init, "create or migrate the database, apply services, counters, hours"},
    {"services", "", 0, 0, true, cmd_services, "services with waiting counts and estimated wait"},
    {"issue", "LETTER [priority] [PUBLIC]", 1, 3, true, cmd_issue, "issue a ticket"},
    {"list", "[STATE...]", 0, 7, true, cmd_list, "today's tickets, optionally by state"},
    {"counter", "ID open|close|pause|show", 2, 2, true, cmd_counter, "counter state"},
    {"call", "COUNTER", 1, 1, true, cmd_call, "call the next ticket"},
    {"recall", "COUNTER", 1, 1, true, cmd_recall, "call the current ticket again"},
    {"start", "COUNTER", 1, 1, true, cmd_start, "the visitor is at the desk"},
    {"finish", "COUNTER [served|redirected]", 1, 2, true, cmd_finish, "finish the current ticket"},
    {"no-show", "COUNTER", 1, 1, true, cmd_no_show, "mark the current ticket absent"},
    {"transfer", "COUNTER LETTER|- [TO_COUNTER]", 2, 3, true, cmd_transfer, "send the ticket back to the queue"},
    {"cancel", "TICKET_ID", 1, 1, true, cmd_cancel, "cancel a waiting or called ticket"},
    {"import-appointments", "FILE.csv|-", 1, 1, true, cmd_import, "upsert appointments from CSV"},
    {"check-in", "CODE", 1, 1, true, cmd_check_in, "check an appointment in"},
    {"feedback", "1..5 [LETTER]", 1, 2, true, cmd_feedback, "record satisfaction (1 soleil .. 5 orage)"},
    {"stats", "[YYYY-MM-DD]", 0, 1, true, cmd_stats, "the day's aggregates (today by default)"},
    {"events", "[AFTER_ID]", 0, 1, true, cmd_events, "the event log"},
    {"rollover", "", 0, 0, true, cmd_rollover, "expire earlier days' tickets and purge old notes"},
    {"quiet-window", "[MINUTES]", 0, 1, true, cmd_quiet_window,
     "exit 0 if closed for MINUTES (default 60), 3 if not: when to upgrade"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: borne-admin --config FILE [--db PATH] [--now TIME] [--csv] COMMAND [ARGS]\n"
                 "  --config FILE  antenne config (INI)\n"
                 "  --db PATH      database file instead of [store] path\n"
                 "  --now TIME     act as if it were TIME: YYYY-MM-DDTHH:MM[:SS] local, or @UNIX\n"
                 "  --csv          stats as CSV\n"
                 "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-20s %-32s %s\n", commands[i].name, commands[i].args, commands[i].help);
}

int main(int argc, char **argv)
{
    static const struct option options[] = {
        {"config", required_argument, NULL, 'c'}, {"db", required_argument, NULL, 'd'},
        {"now", required_argument, NULL, 'n'},    {"csv", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *config_path = NULL, *db_path = NULL, *now_text = NULL;
    admin a = {0};
    int opt;
    while ((opt = getopt_long(argc, argv, "+c:d:n:h", options, NULL)) != -1) {
        switch (opt) {
        case 'c': config_path = optarg; break;
        case 'd': db_path = optarg; break;
        case 'n': now_text = optarg; break;
        case 'v': a.csv = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const command *cmd = NULL;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[optind], commands[i].name) == 0)
            cmd = &commands[i];
    /* what an operator types is text like any other input: no control character reaches the
     * engine or a terminal through an argument */
    for (int i = optind; i < argc; i++) {
        utf8_status st = utf8_check_str(argv[i], 0, NULL);
        if (st != UTF8_OK) {
            char shown[96];
            return usage_error("argument \"%s\": %s", utf8_escape(argv[i], strlen(argv[i]), shown,
                                                                   sizeof shown), utf8_strerror(st));
        }
    }
    if (!cmd)
        return usage_error("unknown command \"%s\"", argv[optind]);
    int nargs = argc - optind - 1;
    if (nargs < cmd->min_args || nargs > cmd->max_args) {
        fprintf(stderr, "borne-admin: usage: borne-admin %s %s\n", cmd->name, cmd->args);
        return EXIT_USAGE;
    }
    if (!config_path)
        return usage_error("--config FILE is required");

    char err[512];
    if (config_load(config_path, &a.cfg, err, sizeof err) != 0) {
        fprintf(stderr, "borne-admin: %s\n", err);
        return EXIT_REFUSED;
    }
    if (db_path)
        snprintf(a.cfg.store.path, sizeof a.cfg.store.path, "%s", db_path);
    /* Local days and hours are the antenne's: the engine computes them in the process TZ. */
    setenv("TZ", a.cfg.antenne.timezone, 1);
    tzset();
    a.now = (int64_t)time(NULL);
    if (now_text && !parse_now(now_text, &a.now))
        return usage_error("--now: YYYY-MM-DDTHH:MM[:SS] (a local time that exists once that day)"
                           " or @UNIX (0 to %lld)", (long long)NOW_MAX);

    int status = 0;
    if (cmd->needs_db) {
        int rc = queue_open(&a.q, a.cfg.store.path, &a.cfg.queue, err, sizeof err);
        if (rc) {
            fprintf(stderr, "borne-admin: %s\n", err);
            return EXIT_REFUSED;
        }
    }
    status = cmd->run(&a, nargs, argv + optind + 1);
    if (a.q)
        queue_close(a.q);
    return status;
}
