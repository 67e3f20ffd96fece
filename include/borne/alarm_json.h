/* Safety alarms on the wire: one JSON document per alarm, the same shape on the desks' stream
 * (hub), from a board to headquarters and from headquarters to the other antennes of the group
 * (collector). A document is the whole alarm as its sender knows it; a receiver merges it
 * (acknowledgements are a set, a clear is final, the first raise time wins), so documents can be
 * resent, duplicated or reordered without harm.
 *
 *   {"uid", "antenne", "antenne_name", "counter", "desk", "raised_at", "test", "escalations",
 *    "cleared_at" (0 = active), "cleared_by", "clear_reason",
 *    "acks": [{"kind": "vu"|"appelle"|"arrive", "who", "antenne", "at"}]}
 *
 * Desks also get "id" (the hub's row id, for ack and clear), "remote" and "relay" ("pending",
 * "sent", "unreachable", "local_only"). Nothing in it is visitor data. */
#ifndef BORNE_ALARM_JSON_H
#define BORNE_ALARM_JSON_H

#include <jansson.h>
#include <stdbool.h>

#include "borne/queue_alarm.h"

/* The document of `a` (a new reference; NULL when out of memory). `desk_view` adds the local
 * fields. */
json_t *alarm_json(const queue_alarm *a, bool desk_view);

/* Reads a document into *out (acks beyond QUEUE_ALARM_ACKS_MAX are refused, not cut). Returns 0,
 * or -1 with a sentence in errbuf: a missing or mistyped field, a uid or antenne id that is not
 * [A-Za-z0-9._:-], text over the sizes of queue_alarm, an unknown acknowledgement kind. */
int alarm_json_parse(json_t *doc, queue_alarm *out, char *errbuf, size_t errlen);

/* A new global alarm id for an alarm raised at `antenne`: "<antenne>.<16 random hex digits>", so
 * no two boards ever collide. Returns 0, or -1 when the system has no randomness to give. */
int alarm_uid_new(const char *antenne, char out[QUEUE_ALARM_UID_MAX]);

#endif
