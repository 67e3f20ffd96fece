/* Headquarters' side of running the fleet: the business documents of the antennes (see
 * config_business.h for their members) and what each board runs.
 *
 * Documents have scopes with inheritance: "region" → "group:<name>" → "antenne:<id>". A group
 * document lists its antennes in "antennes": [...] (membership, not a setting). The document an
 * antenne gets is the merge of the three (objects merged member by member, anything else replaced
 * by the nearer scope), plus "version". Editing a scope changes a draft; publishing gives the
 * changed antennes a new version (one counter for the whole fleet) and sends it over the channel;
 * an antenne whose merged document did not change gets nothing. Each board answers with the
 * version it runs or the exact reason it refused.
 *
 *   GET  /api/v1/config/documents                    every scope's draft
 *   PUT  /api/v1/config/documents/<scope>            replace a scope's draft (body: the document)
 *   GET  /api/v1/config/preview                      per antenne, what publishing would change
 *   POST /api/v1/config/publish                      publish every change: {"version", "antennes"}
 *   GET  /api/v1/config/status                       per antenne: published, running, refusal, online,
 *                                                    the last health report and its flags (collector_health.h)
 *   GET  /api/v1/config/audit?limit=                 who changed and published what, newest first
 *   POST /api/v1/config/care                         {"antenne", "type": care_print|care_logs|care_restart}
 *                                                    → 201 {"id"}: remote care (fleet_care.h); the answer
 *                                                    comes in GET /api/v1/channel/messages
 *   GET  /api/v1/config/rings                        {"stable_delay_h", "default"}: how long a version
 *                                                    stays in the pilot ring before `borne-repo promote
 *                                                    DIR hq` copies it to stable
 *   PUT  /api/v1/config/rings                        {"stable_delay_h": 0..COLLECTOR_FLEET_STABLE_DELAY_MAX_H}
 *   GET  /api/v1/config/csrf                         {"csrf"}: the page's token for changes
 *   GET  /config                                     the console page (with the care buttons)
 * All need the HQ token (Bearer, or Basic with the token as password: the Basic user name, or
 * the X-Borne-Actor header, is who the audit log names). A change (PUT, POST) signed in with Basic
 * — a browser — also needs the header X-CSRF-Token: <csrf>, else 403 "csrf".
 *
 * Threads: any; one mutex and the module's own store connection. */
#ifndef BORNE_COLLECTOR_FLEET_H
#define BORNE_COLLECTOR_FLEET_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "borne/collector_antennes.h"
#include "borne/collector_channel.h"
#include "borne/collector_config.h"

struct collector_fleet;

/* The stable ring's delay until an administrator sets one, and its bound (90 days). */
#define COLLECTOR_FLEET_STABLE_DELAY_H 48
#define COLLECTOR_FLEET_STABLE_DELAY_MAX_H 2160

/* Opens its store connection and registers the "config", "health" and remote care ("care_print",
 * "care_logs", "care_restart": fleet_care.h) types on the channel. 0, or -1 with err. */
int collector_fleet_new(const struct collector_config *config, const struct collector_antennes *antennes,
                        struct collector_channel *channel, collector_channel_clock_fn now,
                        struct collector_fleet **out, char *err, size_t errlen);
void collector_fleet_free(struct collector_fleet *f);

/* The waiting target of every antenne (minutes, registry order) by its published document: the
 * "waiting_target_min" merged region → group → antenne, as the board was sent it; fallback_min where
 * the published document sets none (absent, 0, or outside the boards' 1..600) or none was published.
 * The steering console and its alerts judge each antenne by it (collector_console.h). Any thread. */
void collector_fleet_wait_targets(struct collector_fleet *f, int fallback_min, int *out);

/* Routing, as collector_channel_route/request/completed. */
bool collector_fleet_route(const char *url);
enum MHD_Result collector_fleet_request(struct collector_fleet *f, struct MHD_Connection *c, const char *url,
                                        const char *method, bool admin, const char *upload_data,
                                        size_t *upload_data_size, void **state);
void collector_fleet_completed(void *state);

#endif
