#include "test_queue_support.h"

#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void service(queue_setup *s, char letter, const char *fr, const char *en, bool enabled)
{
    queue_service *v = &s->services[s->n_services];
    v->letter = letter;
    snprintf(v->label_fr, sizeof v->label_fr, "%s", fr);
    snprintf(v->label_en, sizeof v->label_en, "%s", en);
    v->enabled = enabled;
    v->order = s->n_services;
    s->n_services++;
}

static void counter(queue_setup *s, int id, const char *services)
{
    queue_counter_def *c = &s->counters[s->n_counters++];
    c->id = id;
    snprintf(c->name, sizeof c->name, "Guichet %d", id);
    snprintf(c->services, sizeof c->services, "%s", services);
}

void tq_setup(queue_setup *s)
{
    memset(s, 0, sizeof *s);
    service(s, 'A', "Aides individuelles", "Individual support", true);
    service(s, 'F', "Formation & emploi", "Training & jobs", true);
    service(s, 'R', "Rendez-vous", "Appointments", true);
    service(s, 'E', "Entreprises & associations", "Businesses", false);
    counter(s, 1, "AR");
    counter(s, 2, "AFR");
    counter(s, 3, "F");
    for (int d = 0; d < 5; d++) {
        s->week[d].n = 2;
        s->week[d].range[0].open_min = 9 * 60;
        s->week[d].range[0].close_min = 12 * 60;
        s->week[d].range[1].open_min = 13 * 60 + 30;
        s->week[d].range[1].close_min = 17 * 60;
    }
    s->last_ticket_min = 15;
    s->always_open = true;
}

queue *tq_open(const char *name, const queue_options *opts, int64_t now, const char **dir_out)
{
    const char *dir = testlib_tmpdir(name);
    char err[256] = "";
    queue *q = NULL;
    int rc = queue_open(&q, testlib_path(dir, "queue.db"), opts, err, sizeof err);
    if (rc != QUEUE_OK) {
        fprintf(stderr, "tq_open: %s\n", err);
        abort();
    }
    queue_setup s;
    tq_setup(&s);
    if ((rc = queue_apply_setup(q, &s, now)) != QUEUE_OK) {
        fprintf(stderr, "tq_open: setup: %s\n", queue_errmsg(q));
        abort();
    }
    if (dir_out)
        *dir_out = dir;
    return q;
}

queue_ticket tq_issue(queue *q, int64_t now, char service, bool priority)
{
    queue_issue_opts o = {.priority = priority};
    queue_issued out;
    int rc = queue_issue(q, now, service, &o, &out);
    if (rc != QUEUE_OK) {
        fprintf(stderr, "tq_issue(%c): %s\n", service, queue_errmsg(q));
        abort();
    }
    return out.ticket;
}
