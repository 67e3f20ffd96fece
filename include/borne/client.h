/* The LAN client of the hub's API (see assets/web/openapi.yaml), shared by the appliances: the
 * desk appliance (`borne --role counter`, app/appliance) follows the hub's event stream and runs
 * its desk's operations; the waiting-room display (`borne --role display`) uses it read-only
 * (counter id 0) for the state and the calls to announce. It knows the wire contract only
 * (borne/lan_contract.h): neither the engine nor the hub server.
 *
 * Threads: client_start() starts the stream reader (reconnects every second while the hub is
 * away, sending Last-Event-ID) and, for a desk, the action worker, which also fetches the
 * desk's own view when the current ticket is an appointment whose note it does not have yet
 * (after a restart, or a call made from another screen of the same desk), the reader of the
 * desks' alarm stream (GET /alarms/events, the token in the header; never the public stream)
 * and the alarm worker, so that a raise never waits behind a desk operation being retried. The UI thread reads a
 * copy of the current view with client_get_view() and asks for operations with client_act(),
 * which never blocks. `notify` is called from those threads whenever the view changed (the
 * roles wake the shell's loop from it, shell_wake()); it must be thread-safe.
 *
 * Never twice: each operation gets one Idempotency-Key, kept across all its retries (network
 * errors, 5xx, hub restarting), so a call-next whose answer was lost is not repeated by the
 * hub. One operation at a time: asking for another while one is pending is refused.
 *
 * Ownership: strings are copied at start; free with client_stop(). */
#ifndef BORNE_CLIENT_H
#define BORNE_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "borne/lan_contract.h"

typedef struct client client;

typedef void (*client_notify_fn)(void *ctx);

#define CLIENT_MSG_MAX 160

typedef struct client_service_view {
    char letter;
    char label[LAN_NAME_MAX];
    int waiting;
    int wait_min_lo, wait_min_hi;
    int open_counters;              /* open desks serving it (0: the estimate means nothing) */
    bool walk_in;                   /* offered at the kiosk; false: appointments only */
    bool mine;                      /* this counter serves it */
} client_service_view;

#define CLIENT_CALLS 8

typedef struct client_call {
    char label[LAN_TICKET_LABEL_MAX];
    int counter_id;
    bool recall;
} client_call;

typedef struct client_view {
    bool connected;                 /* the event stream is up */
    bool have_state;                /* at least one state received since start */
    bool busy;                      /* an operation is pending (being sent or retried) */
    char message[CLIENT_MSG_MAX];   /* French, for the agent: last error or confirmation */
    bool message_is_error;
    char antenne[LAN_NAME_MAX * 2];
    char antenne_id[LAN_NAME_MAX];  /* as in alarms' "antenne" and their acknowledgements' */
    char counter_name[LAN_NAME_MAX];
    lan_counter_state counter_state;
    bool has_ticket;
    lan_ticket ticket;
    /* The current visitor's appointment (code, at, note; ticket_id = ticket.id), from the
     * counter's own view (GET /counters/{id} or an operation's answer, with its token): the
     * public stream never carries the note. Cleared as soon as that visitor is no longer the
     * current one. */
    bool has_appointment;
    lan_appointment appointment;
    int64_t skew;                   /* hub clock - local clock, seconds */
    int recalls_before_no_show;     /* the hub refuses "absent" before that many recalls */
    /* The kiosk's printer: printer[0] == '\0' when the hub has none; otherwise its state word
     * (printer_state_name) and whether a ticket issued now would print. */
    char printer[16];
    bool printer_can_print;
    /* A visitor at the kiosk asked to speak to an agent (hub_request_agent): its id (0: none)
     * and when; any desk dismisses it with client_agent_dismiss. */
    int64_t agent_request_id, agent_request_at;
    int n_services;
    client_service_view services[LAN_MAX_SERVICES];
    /* The antenne's partners a visitor can be referred to (the state's choices): id and name. */
    int n_partners;
    struct { char id[CONTRACT_PARTNER_ID_MAX + 1]; char label[LAN_NAME_MAX]; } partners[CONTRACT_PARTNERS_MAX];
    int n_counters;                 /* for the transfer picker */
    struct { int id; char name[LAN_NAME_MAX]; } counters[LAN_MAX_COUNTERS];
    int64_t last_event_id;
    /* call and recall events as they arrive (including those replayed after a reconnection):
     * call number k (from 0) is calls[k % CLIENT_CALLS] while k >= n_calls_total - CLIENT_CALLS */
    uint64_t n_calls_total;
    client_call calls[CLIENT_CALLS];
    /* the first n_calls_history of them came from the first snapshot (calls made before the
     * client started): history to show, not news to announce */
    uint64_t n_calls_history;
    /* Safety alarms of the antenne and its group (desks only), from the desks' alarm stream:
     * the active ones first, then those cleared in the last minutes (borne/alarm_json.h). */
    bool alarm_link;                /* the alarm stream is up */
    int n_alarms;
    lan_alarm alarms[LAN_ALARMS_MAX];
    bool alarm_busy;                /* an alarm operation is pending */
    char alarm_message[CLIENT_MSG_MAX];   /* French: the last alarm operation's failure */
    bool alarm_message_is_error;
} client_view;

typedef struct client_options {
    int retry_ms;                   /* wait between retries; 0 → 1000 */
    int give_up_s;                  /* stop retrying an operation after; 0 → 60 */
} client_options;

/* hub_url: "http://host:port" (no trailing slash). token: the counter's token. counter_id 0:
 * read-only (no token, client_act() always refuses). opts may be NULL. Returns 0, or
 * -1 with errbuf filled. */
int client_start(client **out, const char *hub_url, int counter_id, const char *token,
                 const client_options *opts, client_notify_fn notify, void *ctx, char *errbuf,
                 size_t errlen);
void client_stop(client *c);

void client_get_view(client *c, client_view *out);

/* Queues an operation of this counter. outcome: finish only; to_service / to_counter: transfer
 * only (0 = unchanged). Returns 0, or -1 when one is already pending or the client is
 * read-only. */
int client_act(client *c, lan_action action, lan_outcome outcome, char to_service, int to_counter);
/* Finishes the current visit with its outcome (LAN_OUTCOME_NONE: answered) and, for
 * LAN_OUTCOME_PARTNER, the partner's id from the view's list (NULL or "": not said). Once done
 * the message says "<ticket> terminé · <outcome or partner>". Returns as client_act(), and -1
 * for a partner with another outcome or a partner id that is not valid. */
int client_finish(client *c, lan_outcome outcome, const char *partner);
/* Counts one contact by another channel (CONTRACT_CHANNEL_PHONE, _EMAIL); once done the message
 * says "Contact compté · Téléphone". Returns as client_act(), and -1 for an unknown channel. */
int client_contact(client *c, int channel);

/* Alarm operations of this desk (POST /counters/{id}/alarm, /alarms/{id}/ack and /clear), one
 * at a time beside the desk's operation, each with its Idempotency-Key across its retries. The
 * answer's alarm goes into the view at once; a raise that fails says "ALERTE NON ENVOYÉE :
 * téléphonez." in alarm_message. reason: 1 to LAN_ALARM_REASON_MAX - 1 bytes of UTF-8. Return
 * 0, or -1 when one is already pending, the client is read-only or an argument is invalid. */
int client_alarm_raise(client *c, bool test);
int client_alarm_ack(client *c, int64_t alarm_id, lan_alarm_ack kind);
int client_alarm_clear(client *c, int64_t alarm_id, const char *reason);

/* Dismisses the kiosk's request to speak to an agent (POST /agent-requests/{id}/dismiss), on the
 * alarm operations' worker. Returns 0, or -1 when one of them is pending, the client is read-only
 * or id is not positive. */
int client_agent_dismiss(client *c, int64_t request_id);

/* A new random Idempotency-Key (UUID version 4) into out[37]. Returns 0 or -1. */
int client_new_key(char out[37]);

#endif
