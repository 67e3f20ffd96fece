/* Live snapshot of the board (see upload_live.h). */
#include "borne/upload_live.h"

#include <jansson.h>
#include <string.h>

typedef struct oldest {
    int64_t issued_at[26];   /* by service letter, 0 = none waiting */
} oldest;

static int note_oldest(const queue_ticket *t, void *ctx)
{
    oldest *o = ctx;
    if (t->service >= 'A' && t->service <= 'Z') {
        int64_t *at = &o->issued_at[t->service - 'A'];
        if (!*at || t->issued_at < *at)
            *at = t->issued_at;
    }
    return 0;
}

int upload_live_read(queue *q, int64_t now, upload_live *out)
{
    memset(out, 0, sizeof *out);
    queue_service_stats stats[QUEUE_MAX_SERVICES];
    int n = queue_service_stats_now(q, now, stats, QUEUE_MAX_SERVICES);
    if (n < 0)
        return n;
    oldest o;
    memset(&o, 0, sizeof o);
    int err = queue_list_tickets(q, now, 1u << QUEUE_WAITING, note_oldest, &o);
    if (err)
        return err;
    queue_setup setup;
    if ((err = queue_get_setup(q, &setup)))
        return err;
    for (int i = 0; i < setup.n_counters; i++) {
        queue_counter_status cs;
        if ((err = queue_counter_get(q, setup.counters[i].id, &cs)))
            return err;
        out->desks_open += cs.state == QUEUE_COUNTER_OPEN;
    }
    out->open = queue_is_open(q, now, NULL);
    for (int i = 0; i < n; i++) {
        char letter = stats[i].letter;
        int64_t since = letter >= 'A' && letter <= 'Z' ? o.issued_at[letter - 'A'] : 0;
        out->services[i].service = letter;
        out->services[i].waiting = stats[i].waiting;
        out->services[i].longest_wait_s = since && since < now ? now - since : 0;
    }
    out->n_services = n;
    return QUEUE_OK;
}

bool upload_live_same(const upload_live *a, const upload_live *b)
{
    if (a->open != b->open || a->desks_open != b->desks_open || a->n_services != b->n_services)
        return false;
    for (int i = 0; i < a->n_services; i++)
        /* The longest wait grows by itself every second: a change of a minute is news. */
        if (a->services[i].service != b->services[i].service || a->services[i].waiting != b->services[i].waiting ||
            a->services[i].longest_wait_s / 60 != b->services[i].longest_wait_s / 60)
            return false;
    return true;
}

char *upload_live_body(const char *antenne, const char *id, int64_t at, const char *printer,
                       const upload_live *l)
{
    char when[UPLOAD_TIME_LEN + 1];
    if (upload_format_time(at, when) != 0)
        return NULL;
    json_t *services = json_array();
    for (int i = 0; services && i < l->n_services; i++) {
        char letter[2] = {l->services[i].service, '\0'};
        if (json_array_append_new(services, json_pack("{s:s, s:i, s:I}", "service", letter, "waiting",
                                                      l->services[i].waiting, "longest_wait_s",
                                                      (json_int_t)l->services[i].longest_wait_s)) != 0) {
            json_decref(services);
            return NULL;
        }
    }
    json_t *body = json_pack("{s:i, s:s, s:s, s:s, s:b, s:i, s:s, s:o}", "schema", CONTRACT_SCHEMA, "antenne",
                             antenne, "id", id, "at", when, "open", l->open, "desks_open", l->desks_open,
                             "printer", printer, "services", services);
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    return text;
}
