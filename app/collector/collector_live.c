/* Live snapshots: validation of the wire form and the latest one per antenne (collector_live.h). */
#include "borne/collector_live.h"

#include "borne/collector_antennes.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool count_ok(json_int_t n)
{
    return n >= 0 && n <= COLLECTOR_LIVE_COUNT_MAX;
}

static enum collector_ingest_status parse_services(json_t *arr, struct collector_live *out,
                                                   struct collector_ingest_error *err)
{
    if (!json_is_array(arr))
        return collector_ingest_fail(err, COLLECTOR_INGEST_BAD_TYPE, "services: expected an array");
    if (json_array_size(arr) > COLLECTOR_LIVE_SERVICES)
        return collector_ingest_fail(err, COLLECTOR_INGEST_INVALID, "services: at most %d", COLLECTOR_LIVE_SERVICES);
    bool seen[COLLECTOR_LIVE_SERVICES] = {false};
    size_t i;
    json_t *s;
    json_array_foreach(arr, i, s) {
        const char *letter;
        json_int_t waiting, longest;
        json_error_t je;
        if (json_unpack_ex(s, &je, 0, "{s:s, s:I, s:I}", "service", &letter, "waiting", &waiting, "longest_wait_s",
                           &longest) != 0)
            return collector_ingest_fail(err, COLLECTOR_INGEST_BAD_TYPE, "services[%zu]: %s", i, je.text);
        if (!(letter[0] >= 'A' && letter[0] <= 'Z' && letter[1] == '\0'))
            return collector_ingest_fail(err, COLLECTOR_INGEST_INVALID,
                                         "services[%zu].service: one capital letter A-Z expected", i);
        if (seen[letter[0] - 'A'])
            return collector_ingest_fail(err, COLLECTOR_INGEST_INVALID, "services[%zu].service: %c given twice", i,
                                         letter[0]);
        seen[letter[0] - 'A'] = true;
        if (!count_ok(waiting) || !count_ok(longest))
            return collector_ingest_fail(err, COLLECTOR_INGEST_INVALID, "services[%zu]: counts must be 0..%d", i,
                        COLLECTOR_LIVE_COUNT_MAX);
        out->services[out->n_services++] =
            (struct collector_live_service){letter[0], (int64_t)waiting, (int64_t)longest};
    }
    return COLLECTOR_INGEST_OK;
}

enum collector_ingest_status collector_live_parse(const char *body, size_t len, const char *path_antenne,
                                                  int64_t now, struct collector_live *out,
                                                  struct collector_ingest_error *err)
{
    memset(out, 0, sizeof *out);
    err->status = COLLECTOR_INGEST_OK;
    err->message[0] = '\0';
    json_error_t je;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return collector_ingest_fail(err, COLLECTOR_INGEST_BAD_JSON, "line %d column %d: %s", je.line, je.column,
                                     je.text);
    json_int_t schema, desks;
    const char *antenne, *id, *at, *printer;
    int open;
    json_t *services;
    enum collector_ingest_status st = COLLECTOR_INGEST_OK;
    if (json_unpack_ex(root, &je, 0, "{s:I, s:s, s:s, s:s, s:b, s:I, s:s, s:o}", "schema", &schema, "antenne",
                       &antenne, "id", &id, "at", &at, "open", &open, "desks_open", &desks, "printer", &printer,
                       "services", &services) != 0)
        st = collector_ingest_fail(err, COLLECTOR_INGEST_BAD_TYPE, "%s", je.text);
    else if (schema < 2 || schema > CONTRACT_SCHEMA)
        st = collector_ingest_fail(err, COLLECTOR_INGEST_INVALID,
                  "schema: live snapshots exist from contract 2; %lld is not one this headquarters understands "
                  "(2..%d)",
                  (long long)schema, CONTRACT_SCHEMA);
    else if (strlen(id) != COLLECTOR_UUID_LEN || strspn(id, "0123456789abcdefABCDEF-") != COLLECTOR_UUID_LEN)
        st = collector_ingest_fail(err, COLLECTOR_INGEST_INVALID, "id: a UUID expected");
    else if (strcmp(antenne, path_antenne) != 0)
        st = collector_ingest_fail(err, COLLECTOR_INGEST_MISMATCH,
                                   "antenne: \"%.64s\" does not match the path antenne", antenne);
    else if ((out->at = collector_ingest_parse_time(at, 1)) < 0)
        st = collector_ingest_fail(err, COLLECTOR_INGEST_INVALID, "at: \"%.40s\" is not an RFC3339 UTC time", at);
    else if (out->at > now + 86400)
        st = collector_ingest_fail(err, COLLECTOR_INGEST_INVALID, "at: more than a day ahead of headquarters' clock");
    else if (!count_ok(desks))
        st = collector_ingest_fail(err, COLLECTOR_INGEST_INVALID, "desks_open: 0..%d expected",
                                   COLLECTOR_LIVE_COUNT_MAX);
    else if (!collector_ingest_printer_word(printer))
        st = collector_ingest_fail(err, COLLECTOR_INGEST_INVALID, "printer: a lower-case word [a-z_]{1,32} expected");
    else
        st = parse_services(services, out, err);
    if (st == COLLECTOR_INGEST_OK) {
        out->open = open != 0;
        out->desks_open = desks;
        snprintf(out->printer, sizeof out->printer, "%s", printer);
        snprintf(out->id, sizeof out->id, "%s", id);
    }
    json_decref(root);
    return st;
}

int64_t collector_live_waiting(const struct collector_live *l)
{
    int64_t n = 0;
    for (int i = 0; i < l->n_services; i++)
        n += l->services[i].waiting;
    return n;
}

int64_t collector_live_longest_wait(const struct collector_live *l)
{
    int64_t m = 0;
    for (int i = 0; i < l->n_services; i++)
        if (l->services[i].longest_wait_s > m)
            m = l->services[i].longest_wait_s;
    return m;
}

struct collector_live_board {
    pthread_mutex_t mu;
    size_t n;
    bool *held;
    struct collector_live *latest;
};

struct collector_live_board *collector_live_board_new(size_t n_antennes)
{
    struct collector_live_board *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->n = n_antennes;
    b->held = calloc(n_antennes ? n_antennes : 1, sizeof *b->held);
    b->latest = calloc(n_antennes ? n_antennes : 1, sizeof *b->latest);
    if (!b->held || !b->latest) {
        collector_live_board_free(b);
        return NULL;
    }
    pthread_mutex_init(&b->mu, NULL);
    return b;
}

void collector_live_board_free(struct collector_live_board *b)
{
    if (!b)
        return;
    if (b->held && b->latest)
        pthread_mutex_destroy(&b->mu);
    free(b->held);
    free(b->latest);
    free(b);
}

bool collector_live_board_put(struct collector_live_board *b, size_t i, const struct collector_live *snap,
                              int64_t received_at)
{
    if (i >= b->n)
        return false;
    pthread_mutex_lock(&b->mu);
    bool keep = !b->held[i] || snap->at >= b->latest[i].at;
    if (keep) {
        b->latest[i] = *snap;
        b->latest[i].received_at = received_at;
        b->held[i] = true;
    }
    pthread_mutex_unlock(&b->mu);
    return keep;
}

bool collector_live_board_get(struct collector_live_board *b, size_t i, struct collector_live *out)
{
    if (i >= b->n)
        return false;
    pthread_mutex_lock(&b->mu);
    bool held = b->held[i];
    if (held)
        *out = b->latest[i];
    pthread_mutex_unlock(&b->mu);
    return held;
}

static json_t *snapshot_json(const struct collector_live *l)
{
    json_t *services = json_array();
    for (int i = 0; services && i < l->n_services; i++) {
        char letter[2] = {l->services[i].service, '\0'};
        json_array_append_new(services, json_pack("{s:s, s:I, s:I}", "service", letter, "waiting",
                                                  (json_int_t)l->services[i].waiting, "longest_wait_s",
                                                  (json_int_t)l->services[i].longest_wait_s));
    }
    return json_pack("{s:I, s:I, s:b, s:I, s:I, s:I, s:s, s:o}", "at", (json_int_t)l->at, "received_at",
                     (json_int_t)l->received_at, "open", l->open, "desks_open", (json_int_t)l->desks_open,
                     "waiting", (json_int_t)collector_live_waiting(l), "longest_wait_s",
                     (json_int_t)collector_live_longest_wait(l), "printer", l->printer, "services", services);
}

json_t *collector_live_json(struct collector_live_board *b, const struct collector_antennes *antennes,
                            const bool *visible)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < collector_antennes_count(antennes); i++) {
        if (visible && !visible[i])
            continue;
        struct collector_live l;
        json_t *snap = collector_live_board_get(b, i, &l) ? snapshot_json(&l) : json_null();
        json_array_append_new(arr, json_pack("{s:s, s:o}", "antenne", collector_antennes_at(antennes, i)->id,
                                             "live", snap));
    }
    return arr;
}
