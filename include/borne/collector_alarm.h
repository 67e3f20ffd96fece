/* Safety alarms at headquarters: the relay between the antennes of a group, the HQ console's
 * list and acknowledgements, and the counts.
 *
 * Boards and HQ talk over the HQ <-> board channel (collector_channel.h), type "alarm", data
 * {"alarm": document} (alarm_json.h):
 *   - event from a board: its own alarm, or its desks' acknowledgements of an alarm of its group
 *     (another group's alarm is refused: 422, logged);
 *   - message to a board: the merged document, published to every antenne of the alarm's group
 *     (the raising one included: it learns who answered elsewhere) whenever a merge changed it.
 * And on the HQ side (HQ token):
 *   GET  /api/v1/alarms                 every alarm with its group, and the counts per antenne
 *   POST /api/v1/alarms/<uid>/ack       {"kind", "who"} (a manager's acknowledgement)
 *   POST /api/v1/alarms/<uid>/clear     {"reason", "who"} (a manager clears)
 *   GET  /alarms                        the console page (Basic in a browser)
 *
 * Groups: antennes listed together in the groups file ("<antenne id>,<group>" lines) hear each
 * other's alarms; an antenne in no group only reaches HQ. Documents merge (acknowledgements are a
 * set, a clear is final), so resends are harmless.
 *
 * Storage: the merged documents in memory, each change appended to a JSON-lines journal
 * (fsync'd before the answer) that is replayed at start. Alarms name desks and staff, never a
 * visitor. */
#ifndef BORNE_COLLECTOR_ALARM_H
#define BORNE_COLLECTOR_ALARM_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "borne/collector_antennes.h"
#include "borne/collector_channel.h"
#include "borne/collector_config.h"

struct collector_alarms;
struct collector_alarm_req;

/* Loads the groups file (config->groups, may be empty), replays the journal
 * (config->alarms_journal, created if missing) and registers the "alarm" type on the channel.
 * The registry and the channel are borrowed. 0, or -1 with err filled ("file:line: why" for a bad
 * groups line). */
int collector_alarms_new(const struct collector_config *config,
                         const struct collector_antennes *antennes, int64_t (*now)(void),
                         struct collector_channel *channel, struct collector_alarms **out,
                         char *err, size_t errlen);
void collector_alarms_free(struct collector_alarms *a);

/* Whether url is one of the routes above. */
bool collector_alarms_route(const char *url);
/* The access handler of those routes: *state starts NULL and is this module's; free it with
 * collector_alarms_done() when libmicrohttpd completes the request. */
enum MHD_Result collector_alarms_request(struct collector_alarms *a, struct MHD_Connection *c,
                                         const char *url, const char *method, const char *upload,
                                         size_t *upload_size, struct collector_alarm_req **state);
void collector_alarms_done(struct collector_alarm_req *r);

#endif
