/* JSON views of the engine for the LAN API: tickets, events and the whole queue state.
 *
 * The state is public (displays read it without a token), so it carries ticket labels and
 * counts only: never an appointment's note or code. hub_appointment_json() is only for the
 * answers a counter gets with its own token (hub.c). The last calls come from the event log (kept by
 * the notifier), not from a walk over the day's tickets, which costs milliseconds on a busy
 * day. */
#include "hub_internal.h"

#include "borne/utf8.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The engine's enums travel by the contract's names: same values, pinned here. */
_Static_assert((int)QUEUE_COUNTER_CLOSED == LAN_COUNTER_CLOSED && (int)QUEUE_COUNTER_OPEN == LAN_COUNTER_OPEN &&
                   (int)QUEUE_COUNTER_PAUSED == LAN_COUNTER_PAUSED,
               "counter states: engine and LAN contract");
_Static_assert((int)QUEUE_WAITING == LAN_TICKET_WAITING && (int)QUEUE_CALLED == LAN_TICKET_CALLED &&
                   (int)QUEUE_SERVING == LAN_TICKET_SERVING && (int)QUEUE_DONE == LAN_TICKET_DONE &&
                   (int)QUEUE_NO_SHOW == LAN_TICKET_NO_SHOW && (int)QUEUE_CANCELLED == LAN_TICKET_CANCELLED &&
                   (int)QUEUE_EXPIRED == LAN_TICKET_EXPIRED && LAN_TICKET_STATE_COUNT == 7,
               "ticket states: engine and LAN contract");
_Static_assert((int)QUEUE_OUTCOME_NONE == LAN_OUTCOME_NONE && (int)QUEUE_OUTCOME_SERVED == LAN_OUTCOME_ANSWERED &&
                   (int)QUEUE_OUTCOME_REDIRECTED == LAN_OUTCOME_PARTNER &&
                   (int)QUEUE_OUTCOME_ONLINE_HELP == LAN_OUTCOME_ONLINE_HELP &&
                   (int)QUEUE_OUTCOME_APPOINTMENT == LAN_OUTCOME_APPOINTMENT && LAN_OUTCOME_COUNT == 5,
               "outcomes: engine and LAN contract");

/* Text read back from the database. The doors refuse invalid text, but rows written before they
 * did (a Latin-1 note imported by an old borne-admin) are still there: jansson refuses them, and
 * an answer must never fail for it, so the bad bytes are shown as U+FFFD. NULL only when out of
 * memory. */
json_t *hub_text_json(const char *s)
{
    json_t *j = json_string(s);
    if (j)
        return j;
    char *fixed = utf8_repair(s, UTF8_MULTILINE);
    j = fixed ? json_string(fixed) : NULL;
    free(fixed);
    return j;
}

static json_t *letter_json(char c)
{
    char s[2] = {c, '\0'};
    return c ? json_string(s) : json_null();
}

json_t *hub_ticket_json(const queue_ticket *t)
{
    return json_pack("{s:I, s:o, s:o, s:s, s:s?, s:s?, s:s?, s:b, s:b, s:b, s:i, s:i,"
                     " s:I, s:I, s:I, s:I}",
                     "id", (json_int_t)t->id, "label", hub_text_json(t->label), "service", letter_json(t->service),
                     "state", lan_ticket_state_name((lan_ticket_state)t->state),
                     "outcome", t->outcome ? lan_outcome_name((lan_outcome)t->outcome) : NULL,
                     "partner", t->partner[0] ? t->partner : NULL,
                     "public", t->public_type ? queue_public_name(t->public_type) : NULL,
                     "priority", t->priority, "appointment", t->appointment,
                     "transferred", t->transferred, "counter", t->counter_id,
                     "recalls", t->recalls, "issued_at", (json_int_t)t->issued_at,
                     "called_at", (json_int_t)t->called_at, "started_at", (json_int_t)t->started_at,
                     "finished_at", (json_int_t)t->finished_at);
}

json_t *hub_event_json(const queue_event *e)
{
    return json_pack("{s:I, s:I, s:o, s:o, s:I, s:o, s:o, s:i}",
                     "id", (json_int_t)e->id, "at", (json_int_t)e->at, "kind", hub_text_json(e->kind),
                     "actor", hub_text_json(e->actor), "ticket_id", (json_int_t)e->ticket_id,
                     "label", hub_text_json(e->label),
                     "service", letter_json(e->service), "counter", e->counter_id);
}

json_t *hub_counter_json(const queue_counter_status *cs, const queue_ticket *current)
{
    return json_pack("{s:i, s:o, s:o, s:s, s:o}", "id", cs->id, "name", hub_text_json(cs->name),
                     "services", hub_text_json(cs->services),
                     "state", lan_counter_state_name((lan_counter_state)cs->state),
                     "ticket", current ? hub_ticket_json(current) : json_null());
}

json_t *hub_appointment_json(const queue_appointment *a)
{
    return json_pack("{s:o, s:I, s:o}", "code", hub_text_json(a->code), "at", (json_int_t)a->at,
                     "note", hub_text_json(a->note));
}

static const char *counter_name(const queue_setup *s, int id)
{
    for (int i = 0; i < s->n_counters; i++)
        if (s->counters[i].id == id)
            return s->counters[i].name;
    return "";
}

static json_t *services_json(queue *q, int64_t now, const queue_setup *setup, int *err)
{
    queue_service_stats st[QUEUE_MAX_SERVICES];
    int n = queue_service_stats_now(q, now, st, QUEUE_MAX_SERVICES);
    if (n < 0) {
        *err = n;
        return NULL;
    }
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
        const queue_service *svc = NULL;
        for (int j = 0; j < setup->n_services && !svc; j++)
            if (setup->services[j].letter == st[i].letter)
                svc = &setup->services[j];
        json_array_append_new(arr, json_pack("{s:o, s:o, s:o, s:b, s:i, s:i, s:[ii]}",
            "letter", letter_json(st[i].letter), "label_fr", hub_text_json(svc ? svc->label_fr : ""),
            "label_en", hub_text_json(svc ? svc->label_en : ""), "walk_in", st[i].walk_in,
            "waiting", st[i].waiting,
            "open_counters", st[i].open_counters, "wait_min", st[i].wait_min_lo, st[i].wait_min_hi));
    }
    return arr;
}

static json_t *counters_json(queue *q, const queue_setup *setup, int *err)
{
    json_t *arr = json_array();
    for (int i = 0; i < setup->n_counters; i++) {
        queue_counter_status cs;
        queue_ticket t;
        int rc = queue_counter_get(q, setup->counters[i].id, &cs);
        if (rc == QUEUE_OK && cs.current_ticket)
            rc = queue_get_ticket(q, cs.current_ticket, &t);
        if (rc != QUEUE_OK) {
            json_decref(arr);
            *err = rc;
            return NULL;
        }
        json_array_append_new(arr, hub_counter_json(&cs, cs.current_ticket ? &t : NULL));
    }
    return arr;
}

static void local_day(int64_t t, char out[11])
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static json_t *hub_printer_json(hub *h)
{
    pthread_mutex_lock(&h->printer_mu);
    json_t *p = h->printer[0] ? json_pack("{s:s, s:b}", "state", h->printer, "can_print",
                                          h->printer_can_print)
                              : json_null();
    pthread_mutex_unlock(&h->printer_mu);
    return p;
}

/* What a desk may record when a visit ends or a contact comes another way: the contract's words
 * with their labels, and the antenne's partners. */
static json_t *choices_json(const queue_setup *setup)
{
    json_t *outcomes = json_array(), *channels = json_array(), *partners = json_array();
    for (int v = 1; contract_outcome_word(v); v++)
        json_array_append_new(outcomes, json_pack("{s:s, s:s}", "id", contract_outcome_word(v), "label",
                                                  contract_outcome_label(v)));
    for (int v = 1; contract_channel_word(v); v++)
        json_array_append_new(channels, json_pack("{s:s, s:s}", "id", contract_channel_word(v), "label",
                                                  contract_channel_label(v)));
    for (int i = 0; i < setup->n_partners; i++)
        json_array_append_new(partners, json_pack("{s:s, s:s}", "id", setup->partners[i].id, "label",
                                                  setup->partners[i].label));
    return json_pack("{s:o, s:o, s:o}", "outcomes", outcomes, "channels", channels, "partners", partners);
}

json_t *hub_state_json(const hub *h, queue *q, int64_t now, int64_t last_event_id,
                       const queue_event *calls, int n_calls, int *err)
{
    queue_setup setup;
    int rc = queue_get_setup(q, &setup);
    if (rc != QUEUE_OK) {
        *err = rc;
        return NULL;
    }
    json_t *services = services_json(q, now, &setup, err);
    json_t *counters = services ? counters_json(q, &setup, err) : NULL;
    if (!counters) {
        json_decref(services);
        return NULL;
    }
    char today[11], day[11];
    local_day(now, today);
    json_t *arr = json_array();
    for (int i = 0; i < n_calls; i++) {
        local_day(calls[i].at, day);
        if (strcmp(day, today) != 0)
            continue;
        json_array_append_new(arr, json_pack("{s:I, s:o, s:o, s:i, s:o, s:I, s:b}",
            "ticket_id", (json_int_t)calls[i].ticket_id, "label", hub_text_json(calls[i].label),
            "service", letter_json(calls[i].service), "counter", calls[i].counter_id,
            "counter_name", hub_text_json(counter_name(&setup, calls[i].counter_id)),
            "at", (json_int_t)calls[i].at, "recall", strcmp(calls[i].kind, "recall") == 0));
    }
    json_t *device = hub_printer_json((hub *)h);
    /* Desks show times in the antenne's zone, whatever zone the browser runs in. */
    return json_pack("{s:I, s:I, s:{s:s, s:o, s:s}, s:i, s:o, s:o, s:b, s:o, s:o, s:o, s:o}",
                     "now", (json_int_t)now, "last_event_id", (json_int_t)last_event_id,
                     "antenne", "id", h->cfg.antenne.id, "name", hub_text_json(h->cfg.antenne.name),
                     "timezone", h->cfg.antenne.timezone,
                     "recalls_before_no_show", h->cfg.queue.recalls_before_no_show > 0
                                                   ? h->cfg.queue.recalls_before_no_show : 1,
                     "printer", device, "agent_request", hub_agent_json((hub *)h),
                     "open", queue_is_open(q, now, NULL), "services", services,
                     "counters", counters, "last_calls", arr, "choices", choices_json(&setup));
}
