/* Business documents: the settings headquarters holds for an antenne, applied over the board's
 * own INI file. Device settings (printer, hub, tokens, role, store) always come from the file.
 *
 *   { "version": 7, "antenne": "fourmies",
 *     "services": [ {"letter": "A", "labels": {"fr": "Aides", "en": "Grants"}, "order": 1,
 *                    "enabled": true}, ... ],
 *     "hours": {"mon": "09:00-12:00,13:30-17:00", ..., "sun": "closed",
 *               "last_ticket_before_close": 15},
 *     "closures": {"public_holidays": true, "dates": ["2026-12-24"]},
 *     "messages": {"ticket": {"fr": "...", "en": "..."}, "screen": {"fr": "...", "en": "..."}},
 *     "waiting_target_min": 20,
 *     "partners": {"caf": "CAF de l'Aisne", "france-travail": "France Travail"} }
 *
 * Every member is checked by the INI validator itself (app/config: the same handlers and the same
 * whole-file checks), so a document is valid exactly when the same settings written in the file
 * would be. Unknown keys, a letter given twice, overlapping hours, a counter of the file serving a
 * service the document drops: refused with one sentence, and nothing is applied. The document
 * replaces the file's business settings as a whole (headquarters sends complete documents). */
#ifndef BORNE_CONFIG_BUSINESS_H
#define BORNE_CONFIG_BUSINESS_H

#include <jansson.h>
#include <stddef.h>

#include "borne/config.h"

/* Applies doc over `local` into *out (local and out may be the same). Refuses a document whose
 * "antenne" (optional here; the channel requires it, fleet.h) is not local->antenne.id, and a
 * version not above local->business_version ("version 3 is older than the running version 5";
 * equal: "version 5 is already running"). Returns 0, or -EINVAL with the reason in errbuf and *out
 * untouched. */
int config_business_apply(const borne_config *local, const json_t *doc, borne_config *out, char *errbuf,
                          size_t errlen);

/* The last good document kept on disk (see fleet.h): loads `path` and applies it over *cfg. 0
 * (cfg updated), 1 when there is no such file (cfg untouched), or a negative errno with errbuf
 * (cfg untouched: the file's own settings serve). */
int config_business_overlay(borne_config *cfg, const char *path, char *errbuf, size_t errlen);

#endif
