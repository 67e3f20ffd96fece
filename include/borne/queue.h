/* Queue engine: services, tickets, counters, appointments, feedback, aggregates, event log,
 * stored in SQLite. No SDL, no I/O besides the database file.
 *
 * Threads: a `queue` handle owns one SQLite connection and is used by one thread at a time.
 * Each thread (UI, printer worker, hub, uploader) opens its own handle on the same file; the
 * database is in WAL mode, so readers never block the writer, and every write is one short
 * `BEGIN IMMEDIATE` transaction, so two writers (threads or processes) never collide.
 *
 * Time: every function that needs the time takes `now` (Unix seconds, UTC). The engine never
 * reads the clock. Local days and hours are computed in the process time zone (TZ), which the
 * program sets once from the config before any thread starts (see ARCHITECTURE.md).
 *
 * Errors: functions return QUEUE_OK (0) or a negative `queue_err`. queue_errmsg() gives the
 * detail of the last error on that handle (valid until the next call on it). */
#ifndef BORNE_QUEUE_H
#define BORNE_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "borne/contract.h"

typedef struct queue queue;

typedef enum queue_err {
    QUEUE_OK = 0,
    QUEUE_EINVAL = -1,       /* malformed argument (bad letter, level out of 1..5, ...) */
    QUEUE_ENOSERVICE = -2,   /* unknown service letter */
    QUEUE_ENOCOUNTER = -3,   /* unknown counter id */
    QUEUE_ENOTICKET = -4,    /* unknown ticket, or the counter has no current ticket */
    QUEUE_ESTATE = -5,       /* not allowed in the current state (double finish, closed counter) */
    QUEUE_EEMPTY = -6,       /* nothing waiting for this counter */
    QUEUE_ECLOSED = -7,      /* outside opening hours or after the last-ticket time */
    QUEUE_EDISABLED = -8,    /* service exists but is disabled */
    QUEUE_ENOAPPT = -9,      /* unknown appointment code */
    QUEUE_ETOOEARLY = -10,   /* check-in before the allowed window */
    QUEUE_ETOOLATE = -11,    /* check-in after the allowed window */
    QUEUE_EUSED = -12,       /* appointment already checked in */
    QUEUE_ERECALLS = -13,    /* no-show refused: not enough recalls yet */
    QUEUE_ENOTSERVED = -14,  /* the counter does not serve that service */
    QUEUE_ENOPARTNER = -15,  /* partner id not in the configured list */
    QUEUE_EFULL = -20,       /* disk full (SQLITE_FULL): nothing was written */
    QUEUE_EREADONLY = -21,   /* database file or directory is read-only */
    QUEUE_ECORRUPT = -22,    /* not a database, or corrupt */
    QUEUE_EBUSY = -23,       /* could not get the write lock within the busy timeout */
    QUEUE_EIO = -24,         /* any other storage error */
    QUEUE_ENOMEM = -25,
    QUEUE_ESCHEMA = -26,     /* database written by a newer version of Borne */
} queue_err;

/* Static English text for an error code (for logs and the CLI). */
const char *queue_strerror(int err);

/* ---- opening --------------------------------------------------------------------------- */

/* The check-in window's default opening, minutes before the appointment. */
#define QUEUE_CHECKIN_EARLY_MIN 30

typedef struct queue_options {
    int busy_timeout_ms;      /* wait for the write lock; 0 → 5000 */
    int recalls_before_no_show; /* no-show allowed after this many recalls; 0 → default 1 */
    int checkin_early_min;    /* appointment check-in allowed this early; 0 → QUEUE_CHECKIN_EARLY_MIN */
    int checkin_late_min;     /* ... and this late; 0 → default 15 */
    int default_service_s;    /* median service time before data exists; 0 → default 600 */
    /* This handle's writes go before those of every other handle of the process that is
     * waiting (the kiosk screen's, so a visitor never waits behind API clients); the waits for
     * the turn and for SQLite's lock each count against busy_timeout_ms. */
    bool priority_writer;
} queue_options;

/* Opens (creating if needed) the database at `path`, migrates the schema forward, turns on WAL
 * and foreign keys. `opts` may be NULL. On success *out owns the handle: free with queue_close().
 * On failure *out is NULL and, if errbuf is given, it holds the reason. */
int queue_open(queue **out, const char *path, const queue_options *opts, char *errbuf, size_t errlen);
void queue_close(queue *q);
const char *queue_errmsg(const queue *q);
/* Schema version of this build and of an open database. */
int queue_schema_version(void);

/* ---- setup: services, counters, opening hours (from the config) ------------------------ */

#define QUEUE_LABEL_MAX 64
#define QUEUE_MAX_SERVICES 26
#define QUEUE_MAX_COUNTERS 32
#define QUEUE_MAX_RANGES 4
#define QUEUE_MAX_CLOSURES 64
/* The languages a service is labelled in besides French and English: the kiosk's other catalogs.
 * queue_label_more_lang(i) is the code of label_more[i] (inline: the config reads it too). */
#define QUEUE_LABEL_MORE 4
static inline const char *queue_label_more_lang(int i)
{
    static const char *const langs[QUEUE_LABEL_MORE] = {"nl", "de", "es", "ar"};
    return langs[i];
}

typedef struct queue_service {
    char letter;                      /* 'A'..'Z', the id and the ticket prefix */
    char label_fr[QUEUE_LABEL_MAX];   /* UTF-8 */
    char label_en[QUEUE_LABEL_MAX];
    char label_more[QUEUE_LABEL_MORE][QUEUE_LABEL_MAX]; /* queue_label_more_lang(i); "" = English */
    bool enabled;                     /* offered for walk-in tickets (a kiosk tile); check-in */
                                      /* of an appointment ignores it */
    int order;                        /* display order, ascending */
} queue_service;

typedef struct queue_counter_def {
    int id;                           /* >= 1 */
    char name[QUEUE_LABEL_MAX];       /* "Guichet 2" */
    char services[QUEUE_MAX_SERVICES + 1]; /* letters served, NUL-terminated, e.g. "AFR" */
} queue_counter_def;

typedef struct queue_day_hours {
    int n;                            /* 0 = closed that day */
    struct { int open_min, close_min; } range[QUEUE_MAX_RANGES]; /* minutes since local midnight */
} queue_day_hours;

#define QUEUE_MAX_PARTNERS CONTRACT_PARTNERS_MAX

/* A partner a visitor can be referred to ([partners] of the config). */
typedef struct queue_partner {
    char id[CONTRACT_PARTNER_ID_MAX + 1];  /* [a-z0-9-], what travels to HQ */
    char label[QUEUE_LABEL_MAX];           /* "CAF de l'Aisne", what the desk shows */
} queue_partner;

typedef struct queue_setup {
    int n_partners;
    queue_partner partners[QUEUE_MAX_PARTNERS];
    int n_services;
    queue_service services[QUEUE_MAX_SERVICES];
    int n_counters;
    queue_counter_def counters[QUEUE_MAX_COUNTERS];
    queue_day_hours week[7];          /* 0 = Monday ... 6 = Sunday */
    int last_ticket_min;              /* minutes before each range's close when tickets stop; */
                                      /* -1 = no early stop */
    bool always_open;                 /* demo/tests: ignore the hours */
    bool public_holidays;             /* closed on French public holidays (queue_public_holiday) */
    int n_closures;
    char closures[QUEUE_MAX_CLOSURES][11]; /* exceptional closed days, local "YYYY-MM-DD" */
} queue_setup;

/* Whether local day y-m-d is a French public holiday: 1 January, Easter Monday, 1 May, 8 May,
 * Ascension Thursday, Whit Monday, 14 July, 15 August, 1 November, 11 November, 25 December. */
bool queue_public_holiday(int year, int month, int day);

/* Replaces services, counters and hours in one transaction (services and counters that
 * disappear are disabled, not deleted: tickets keep referring to them). */
int queue_apply_setup(queue *q, const queue_setup *setup, int64_t now);
/* Reads them back (for the UI and the hub). */
int queue_get_setup(queue *q, queue_setup *out);

/* Whether a ticket can be issued at `now` (hours, last-ticket stop, closed days); when not,
 * *next_open (may be NULL) gets the next opening time or 0 if none is configured. */
bool queue_is_open(queue *q, int64_t now, int64_t *next_open);
/* The same, for callers that must not read a storage error as "closed" (maintenance windows):
 * QUEUE_OK with *open and *next_open set, or the error (message recorded; *open false and
 * *next_open 0, as when closed with no opening configured). */
int queue_open_at(queue *q, int64_t now, bool *open, int64_t *next_open);

/* ---- tickets ---------------------------------------------------------------------------- */

/* queue_public, queue_state, queue_outcome and queue_counter_state are stored in the database:
 * their values never change (pinned in app/core/queue_internal.h); append new ones at the end. */
typedef enum queue_public {
    QUEUE_PUBLIC_UNSPECIFIED = 0,
    QUEUE_PUBLIC_PARTICULIER,
    QUEUE_PUBLIC_ENTREPRISE,
    QUEUE_PUBLIC_ASSOCIATION,
    QUEUE_PUBLIC_COLLECTIVITE,
    QUEUE_PUBLIC_COUNT
} queue_public;

typedef enum queue_state {
    QUEUE_WAITING = 0,
    QUEUE_CALLED,
    QUEUE_SERVING,
    QUEUE_DONE,
    QUEUE_NO_SHOW,
    QUEUE_CANCELLED,
    QUEUE_EXPIRED,
} queue_state;

/* How a visit ended: the contract's outcomes (borne/contract.h), stored in ticket.outcome. */
typedef enum queue_outcome {
    QUEUE_OUTCOME_NONE = 0,
    QUEUE_OUTCOME_SERVED = CONTRACT_OUTCOME_ANSWERED,       /* answered on the spot */
    QUEUE_OUTCOME_REDIRECTED = CONTRACT_OUTCOME_PARTNER,    /* referred to a partner */
    QUEUE_OUTCOME_ONLINE_HELP = CONTRACT_OUTCOME_ONLINE_HELP, /* helped with an online application */
    QUEUE_OUTCOME_APPOINTMENT = CONTRACT_OUTCOME_APPOINTMENT, /* appointment to follow */
} queue_outcome;

const char *queue_state_name(queue_state s);     /* "waiting", "called", ... */
const char *queue_public_name(queue_public p);   /* "", "particulier", "entreprise", ... */
/* Parses a public-type name (as above); returns -1 when unknown. */
int queue_public_from_name(const char *name);

typedef struct queue_ticket {
    int64_t id;
    char label[8];            /* "A042" */
    char service;             /* current service letter (changes on transfer) */
    char day[11];             /* local day of issue, "YYYY-MM-DD" */
    int seq;                  /* sequence of that service that day, from 1; label shows it mod 1000 */
    queue_state state;
    queue_outcome outcome;
    char partner[CONTRACT_PARTNER_ID_MAX + 1]; /* referred to (outcome REDIRECTED); "" = not said */
    queue_public public_type;
    bool priority;
    bool appointment;
    bool transferred;
    int counter_id;           /* counter calling/serving it, or the transfer target; 0 = none */
    int recalls;
    int64_t issued_at;        /* arrival time: kept across transfers */
    int64_t called_at, started_at, finished_at;   /* 0 = not yet */
} queue_ticket;

typedef struct queue_issue_opts {
    queue_public public_type;
    bool priority;
    const char *actor;        /* who issued it, for the event log: "kiosk", "counter:2"; NULL = "kiosk" */
} queue_issue_opts;

typedef struct queue_issued {
    queue_ticket ticket;
    int people_ahead;         /* waiting tickets the counters will take before this one */
    int wait_min_lo, wait_min_hi; /* estimated wait as a range in minutes, rounded, lo >= 1 */
} queue_issued;

/* Issues a walk-in ticket for `service`. `opts` may be NULL. */
int queue_issue(queue *q, int64_t now, char service, const queue_issue_opts *opts, queue_issued *out);

/* Cancels a waiting or called ticket (visitor left, admin). */
int queue_cancel(queue *q, int64_t now, int64_t ticket_id, const char *actor);

int queue_get_ticket(queue *q, int64_t ticket_id, queue_ticket *out);

/* Tickets of the local day containing `now`, in issue order, filtered by state mask
 * (bit (1 << queue_state); 0 = all). Calls `fn` for each; a non-zero return stops the walk. */
typedef int (*queue_ticket_fn)(const queue_ticket *t, void *ctx);
int queue_list_tickets(queue *q, int64_t now, unsigned state_mask, queue_ticket_fn fn, void *ctx);

/* ---- counters ---------------------------------------------------------------------------- */

typedef enum queue_counter_state {
    QUEUE_COUNTER_CLOSED = 0,
    QUEUE_COUNTER_OPEN,
    QUEUE_COUNTER_PAUSED,
} queue_counter_state;

typedef struct queue_counter_status {
    int id;
    char name[QUEUE_LABEL_MAX];
    char services[QUEUE_MAX_SERVICES + 1];
    queue_counter_state state;
    int64_t current_ticket;   /* ticket called or being served, 0 = none */
} queue_counter_status;

int queue_counter_open(queue *q, int64_t now, int counter_id);
int queue_counter_pause(queue *q, int64_t now, int counter_id);
int queue_counter_close(queue *q, int64_t now, int counter_id);
int queue_counter_get(queue *q, int counter_id, queue_counter_status *out);

/* Calls the next ticket for an open counter: (1) checked-in appointments whose time has come,
 * (2) priority tickets, (3) longest wait; ties by issue order; only services it serves.
 * The counter must have no current ticket (finish or no-show it first). */
int queue_call_next(queue *q, int64_t now, int counter_id, queue_ticket *out);
/* Calls the counter's current ticket again (recalls + 1). */
int queue_recall(queue *q, int64_t now, int counter_id, queue_ticket *out);
/* The visitor arrived at the desk: called → serving. */
int queue_start(queue *q, int64_t now, int counter_id);
/* serving (or called) → done with an outcome (QUEUE_EINVAL for QUEUE_OUTCOME_NONE or an unknown
 * value). Same as queue_finish_to() without a partner. */
int queue_finish(queue *q, int64_t now, int counter_id, queue_outcome outcome);
/* Same, naming the partner the visitor was referred to: partner NULL or "" = not said; otherwise
 * only with QUEUE_OUTCOME_REDIRECTED (else QUEUE_EINVAL) and one of the configured partners (else
 * QUEUE_ENOPARTNER). */
int queue_finish_to(queue *q, int64_t now, int counter_id, queue_outcome outcome, const char *partner);
/* One contact handled by a desk through another channel (CONTRACT_CHANNEL_PHONE, _EMAIL): counted
 * in the bucket of its local day and hour with no service (service 0). QUEUE_ENOCOUNTER,
 * QUEUE_EINVAL for an unknown channel. */
int queue_contact(queue *q, int64_t now, int counter_id, int channel);
/* called → no_show, only after recalls_before_no_show recalls. */
int queue_no_show(queue *q, int64_t now, int counter_id);
/* Moves the counter's current ticket back to waiting, keeping its arrival time, for another
 * service (to_service != 0) and/or a specific counter (to_counter != 0). */
int queue_transfer(queue *q, int64_t now, int counter_id, char to_service, int to_counter);

/* ---- waiting figures (home screen, display, ticket) ------------------------------------- */

typedef struct queue_service_stats {
    char letter;
    bool walk_in;             /* offered as a tile at the kiosk ([service.X] enabled) */
    int waiting;
    int open_counters;        /* open counters serving it */
    int wait_min_lo, wait_min_hi; /* estimate for a ticket issued now */
} queue_service_stats;

/* One entry per configured service, in display order, walk-in tiles or not (the desks must see
 * the appointments' queue too); returns the count (or a negative error). */
int queue_service_stats_now(queue *q, int64_t now, queue_service_stats *out, int max);

/* ---- appointments ------------------------------------------------------------------------ */

#define QUEUE_CODE_MAX 24
#define QUEUE_NOTE_MAX 256

typedef struct queue_appointment {
    char code[QUEUE_CODE_MAX];    /* booking code, [A-Za-z0-9-], unique */
    int64_t at;                   /* appointment time */
    char service;                 /* usually 'R' */
    int counter_id;               /* 0 = any counter serving the service */
    char note[QUEUE_NOTE_MAX];    /* local note for the agent; never uploaded; purged */
    int64_t ticket_id;            /* ticket once checked in, 0 before */
} queue_appointment;

/* Inserts or updates by code (an already checked-in appointment keeps its ticket). A note that
 * is not valid UTF-8 or holds a control character other than LF and TAB is QUEUE_EINVAL. */
int queue_appointment_upsert(queue *q, int64_t now, const queue_appointment *a);
/* All n in one transaction, or none: on an error nothing is saved and *failed is the index of
 * the item refused (-1 when the error is not about one item). */
int queue_appointments_upsert(queue *q, int64_t now, const queue_appointment *items, int n,
                              int *failed);
/* By code as the visitor types it: the exact code, else the one code that equals it ignoring
 * case and hyphens ("rdv7" finds "RDV-7"; two such codes are ambiguous: QUEUE_ENOAPPT). */
int queue_appointment_get(queue *q, const char *code, queue_appointment *out);
/* Check-in by code (found as queue_appointment_get does) within [at - early, at + late] → an
 * appointment ticket. */
int queue_check_in(queue *q, int64_t now, const char *code, queue_issued *out);
/* The appointment a ticket was checked in for (the counter shows its note to the agent).
 * QUEUE_ENOAPPT when the ticket is unknown, not an appointment ticket, or its appointment was
 * purged: a purged appointment has lost its code and note, so there is nothing left to show,
 * and it is reported as gone rather than as an appointment with empty fields. The note is
 * private: callers must not put it anywhere that leaves the board or that displays read. */
int queue_appointment_of_ticket(queue *q, int64_t ticket_id, queue_appointment *out);

/* ---- feedback ---------------------------------------------------------------------------- */

/* level 1 = soleil ... 5 = orage (CONTRACT_WEATHER); service 0 = not about a service; reason =
 * CONTRACT_REASON_NONE or why (CONTRACT_REASONS), only with rain or storm (else QUEUE_EINVAL). */
int queue_feedback(queue *q, int64_t now, int level, char service, int reason);

/* ---- day and retention -------------------------------------------------------------------- */

typedef enum queue_local_status {
    QUEUE_LOCAL_OK = 0,
    QUEUE_LOCAL_INVALID = -1,    /* no such date or time (02-30, 25:00) */
    QUEUE_LOCAL_SKIPPED = -2,    /* the clock jumps over it (02:30 on a spring-forward night) */
    QUEUE_LOCAL_AMBIGUOUS = -3,  /* it happens twice (02:30 on a fall-back night) */
} queue_local_status;
/* The Unix time of a local wall-clock moment in the process TZ, the one reading of local times
 * typed or imported by people (appointments, --now). *out is set only on QUEUE_LOCAL_OK. */
queue_local_status queue_local_time(int year, int month, int day, int hour, int min, int sec,
                                    int64_t *out);
const char *queue_local_strerror(queue_local_status st);

/* Closes every unfinished ticket of days before the local day of `now` as expired. Idempotent;
 * the main loop calls it on each clock tick. Returns the number expired (>= 0) or an error. */
int queue_rollover(queue *q, int64_t now);
/* How long the LAN API keeps an idempotency key and its stored reply (app/hub). */
#define QUEUE_REPLY_KEEP_S (24 * 3600)
/* Clears appointment notes and codes older than `days` days (>= 1), and deletes the LAN API's
 * stored replies older than QUEUE_REPLY_KEEP_S. Returns the appointments purged or an error. */
int queue_purge(queue *q, int64_t now, int days);

/* ---- aggregates (what headquarters receives) --------------------------------------------- */

typedef struct queue_bucket {
    char day[11];                 /* local day of issue */
    int hour;                     /* local hour of issue, 0..23 */
    char service;                 /* service at issue time... or the transfer target (see ARCH) */
    queue_public public_type;
    int64_t revision;             /* strictly increases whenever the bucket changes */
#define QUEUE_BUCKET_COUNT_(name, since) int name;
    CONTRACT_BUCKET_COUNTS(QUEUE_BUCKET_COUNT_)     /* issued, called, served (every outcome but */
                                                    /* partner), redirected (partner), ... */
#undef QUEUE_BUCKET_COUNT_
    int64_t wait_sum_s;   int wait_count;    int wait_p50_s, wait_p90_s;
    int64_t service_sum_s; int service_count; int service_p50_s, service_p90_s;
    /* Arrays indexed by value - 1 of their contract list: feedback[0] = soleil ... [4] = orage,
     * wait_bands (called tickets by wait), outcomes (done tickets), channels (contacts, service-0
     * bucket), feedback_reasons. */
#define QUEUE_BUCKET_ARRAY_(name, since, n, col) int name[n];
    CONTRACT_BUCKET_ARRAYS(QUEUE_BUCKET_ARRAY_)
#undef QUEUE_BUCKET_ARRAY_
    int n_partners;               /* referrals by named partner, ordered by id */
    struct { char id[CONTRACT_PARTNER_ID_MAX + 1]; int n; } partners[CONTRACT_PARTNERS_MAX];
} queue_bucket;

typedef int (*queue_bucket_fn)(const queue_bucket *b, void *ctx);
/* Buckets of local days day_from..day_to inclusive ("YYYY-MM-DD"), ordered by day, hour,
 * service, public type. */
int queue_aggregates(queue *q, const char *day_from, const char *day_to, queue_bucket_fn fn, void *ctx);
/* Buckets whose revision is greater than `after_revision`, by increasing revision (uploader). */
int queue_aggregates_since(queue *q, int64_t after_revision, queue_bucket_fn fn, void *ctx);

/* ---- event log ------------------------------------------------------------------------------ */

typedef struct queue_event {
    int64_t id;                   /* increasing */
    int64_t at;
    char kind[16];                /* "issue", "call", "recall", "start", "finish", "no_show",
                                     "transfer", "cancel", "expire", "check_in", "feedback",
                                     "counter_open", "counter_pause", "counter_close", "setup" */
    char actor[24];               /* "kiosk", "counter:2", "admin", "system" */
    int64_t ticket_id;            /* 0 when none */
    char label[8];
    char service;
    int counter_id;
} queue_event;

typedef int (*queue_event_fn)(const queue_event *e, void *ctx);
/* Events with id > after_id in id order, at most `limit` (0 = no limit). */
int queue_events_since(queue *q, int64_t after_id, int limit, queue_event_fn fn, void *ctx);

#endif
