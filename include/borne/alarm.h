/* The board's side of the safety alarm (see queue_alarm.h for the alarm itself, alarm_json.h for
 * its documents): escalation when nobody acknowledges, the relay through headquarters to the
 * other antennes of the group, and the optional USB panic button.
 *
 * Threads, each with its own queue handle, none shared with the hub or the SDL thread:
 *   - escalate: every tick, a local alarm nobody acknowledged is escalated at raised_at +
 *     [alarm] escalate_after_s, then every escalate_every_s until acknowledged or cleared:
 *     a POST of its document to [alarm] webhook_url (libcurl) and a mail through the system's
 *     sendmail (fork/exec "<sendmail> -t", the message on its stdin) to [alarm] mail_to. Once per
 *     period: a clock that jumped several periods sends one, not a burst.
 *   - push: every alarm whose revision HQ has not confirmed goes to HQ as an "alarm" event of the
 *     HQ <-> board channel (channel.h; key "<uid>@<revision>", data: the document with its
 *     original raise time). HQ's answer marks it sent ("transmise au siège" on the raiser's
 *     desk); while the channel is down it is marked unreachable ("non transmise : réseau
 *     indisponible") and sent again until it goes.
 *   - the channel's own thread runs the handler of "alarm" messages: the group's alarms and the
 *     acknowledgements or clears made elsewhere, merged into the local database (its own queue
 *     handle), where the hub's notifier picks them up for the desks.
 *   - panic (when [alarm] panic_device is set): reads the evdev device; a press of panic_key
 *     raises an alarm as panic_counter. A device that goes away is reopened every second.
 * Without a channel (no [hq] url) the push marks local alarms local_only.
 *
 * Errors: alarm_start() returns 0 or -1 with a sentence in errbuf. */
#ifndef BORNE_ALARM_H
#define BORNE_ALARM_H

#include <stddef.h>
#include <stdint.h>

#include "borne/channel.h"
#include "borne/clock.h"
#include "borne/config.h"
#include "borne/queue_alarm.h"

typedef struct alarm_service alarm_service;

typedef struct alarm_options {
    borne_clock clock;         /* wall clock of escalations and raises; {0} = the real one */
    int64_t tick_ms;           /* how often escalate and push look; 0 → 250 */
    /* the HQ channel, created and not yet started (alarm_start registers the "alarm" type;
     * the caller starts it after, and frees it before alarm_stop); NULL = no HQ */
    channel *channel;
    /* called after this service wrote to the database (the hub's notifier: hub_notify) */
    void (*changed)(void *ctx);
    void *changed_ctx;
} alarm_options;

/* Starts the threads for the antenne of `cfg` on the database at db_path (schema and setup are
 * the caller's). The config is copied. */
int alarm_start(alarm_service **out, const borne_config *cfg, const char *db_path,
                const alarm_options *opts, char *errbuf, size_t errlen);
/* Look now instead of at the next tick (after a raise, or a test moving the clock). */
void alarm_kick(alarm_service *a);
/* Stops and joins the threads (a webhook in flight is abandoned within a second). The channel
 * must be freed already. NULL is fine. */
void alarm_stop(alarm_service *a);

/* Merges a document received from HQ into the database: a new alarm (remote unless it is
 * own_antenne's), its acknowledgements, its clear. *id gets the local row id. Returns a
 * queue_err. */
int alarm_merge(queue *q, int64_t now, const char *own_antenne, const queue_alarm *doc,
                int64_t *id);

/* The next escalation of `a` at or after `now`: 0 when it must not escalate (acknowledged,
 * cleared, remote, a test without escalate_tests, escalation off), else the schedule slot that
 * is due (<= now: send now) or the next one (> now). */
int64_t alarm_escalation_due(const queue_alarm *a, const borne_config *cfg, int64_t now);

/* The evdev key code of a name ("KEY_F12", "BTN_0", "KEY_PAUSE", or a decimal number), or -1. */
int alarm_key_code(const char *name);

#endif
