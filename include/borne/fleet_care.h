/* Remote care from headquarters over the board's HQ channel (channel.h): message types an
 * administrator sends from the console (POST /api/v1/antennes/<id>/channel/messages) and whose
 * answer comes back in the acknowledgement's result (GET /api/v1/channel/messages):
 *
 *   care_print    a test page on the ticket printer        → {"job": n}
 *   care_logs     the last 200 lines of the board's journal, personal data masked (e-mail addresses,
 *                 runs of 6 or more digits: phone numbers, file numbers)   → {"lines": [...]}
 *   care_restart  the service restarts (systemd's Restart=always brings it back) → {"restarting": true}
 * Refusals: no printer, a journal that cannot be read (the command's error).
 *
 * Threads: the handlers run on the channel thread; care_logs runs the journal command there, bounded
 * by `timeout 10`. The restart itself is the role's (request_restart, called on the channel thread). */
#ifndef BORNE_FLEET_CARE_H
#define BORNE_FLEET_CARE_H

#include <stddef.h>

#include "borne/channel.h"
#include "borne/printer.h"

#define FLEET_CARE_LOG_LINES 200

typedef struct fleet_care_options {
    printer *prn;                            /* NULL: care_print is refused */
    /* Shell command printing the journal, newest last; NULL → the borne unit's last 200 lines. */
    const char *log_command;
    void (*request_restart)(void *ctx);      /* NULL: care_restart is refused */
    void *restart_ctx;
} fleet_care_options;

typedef struct fleet_care fleet_care;

/* Registers the care types on ch (before channel_start). opt is copied. 0 or a negative errno with
 * errbuf set; either way *out (when not NULL) is stopped after channel_free(). */
int fleet_care_start(fleet_care **out, channel *ch, const fleet_care_options *opt, char *errbuf, size_t errlen);
/* After channel_free(). NULL is ignored. */
void fleet_care_stop(fleet_care *c);

/* Masks personal data in one journal line, in place (it never grows): e-mail addresses become
 * "[mail]", runs of 6 digits or more (spaces, dots, dashes between them) "[num]". */
void fleet_care_mask(char *line);

#endif
