/* The board's part of running the fleet from headquarters: the message types of the fleet —
 * "config" (business documents, config_business.h) — on the board's one HQ channel (channel.h),
 * which the role creates and shares with the other rooms (alarm relay, ...).
 *
 * Config flow: a "config" message carries a complete business document. On the channel thread it
 * is validated against the running settings (config_business_apply: any refusal — a document
 * naming no antenne or another one, unknown key, letter clash, overlapping hours, a version not
 * newer than the running one — is logged and acknowledged with its sentence, and nothing changes). A valid one waits, and the SDL loop is woken (wake); the
 * kiosk calls fleet_apply_pending() when no visitor is mid-flow (home or closed screen): the
 * engine's services, hours and closed days change in one transaction, the business fields of the
 * running config are replaced, the document is kept on disk as the last good one
 * (fleet_business_path: applied again at the next start, before anything runs), and HQ gets the
 * version now running. A newer document arriving before the older one applied replaces it (the
 * older is answered "superseded").
 *
 * Threads: fleet_start/fleet_stop on the main thread; fleet_apply_pending on the SDL thread (it
 * writes the business fields of *cfg, which only that thread reads); the rest is internal. */
#ifndef BORNE_FLEET_H
#define BORNE_FLEET_H

#include <stddef.h>
#include <stdint.h>

#include "borne/channel.h"
#include "borne/config.h"
#include "borne/queue.h"

typedef struct fleet fleet;

/* Where the last good business document lives: "<store.path>.business.json". */
void fleet_business_path(const borne_config *cfg, char *out, size_t cap);

/* At start, before the engine gets the setup: applies the last good document over *cfg (a missing
 * file changes nothing; a file that no longer validates is logged and the file's settings serve). */
void fleet_overlay(borne_config *cfg);

/* Registers the fleet's types on ch (borrowed; register before channel_start() so no message is
 * refused for want of a handler). cfg is borrowed (the role's config; must outlive the fleet).
 * wake (may be NULL) is called from the channel thread when a document waits for
 * fleet_apply_pending(). 0, or a negative errno with errbuf set (nothing registered). */
int fleet_start(fleet **out, channel *ch, borne_config *cfg, void (*wake)(void *ctx), void *wake_ctx,
                char *errbuf, size_t errlen);
/* Frees. NULL is ignored. Free the channel first: its thread runs the fleet's handlers. */
void fleet_stop(fleet *f);

/* SDL thread, only when no visitor is mid-flow (the kiosk_options.apply_business signature;
 * fleet_ctx is the fleet, NULL → 0). Applies a waiting document: 1 applied (re-read the engine's
 * setup), 0 nothing waiting, a negative errno when the engine refused it (reported to HQ; nothing
 * changed). */
int fleet_apply_pending(void *fleet_ctx, queue *q, int64_t now);

#endif
