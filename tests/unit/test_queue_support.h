/* Shared fixture of the queue engine tests: a fresh database with a small, known setup. */
#ifndef TEST_QUEUE_SUPPORT_H
#define TEST_QUEUE_SUPPORT_H

#include "borne/queue.h"

/* Services: A (Aides), F (Formation), R (Rendez-vous) enabled; E (Entreprises) disabled.
 * Counters: 1 serves A and R, 2 serves A, F and R, 3 serves F. Always open unless the test
 * changes it. */
void tq_setup(queue_setup *s);

/* Opens <fresh tmpdir>/queue.db with `opts` (may be NULL), applies tq_setup() at `now`;
 * aborts the test program on failure. *dir_out (may be NULL) gets the directory. */
queue *tq_open(const char *name, const queue_options *opts, int64_t now, const char **dir_out);

/* Issues a walk-in ticket, aborting on failure; returns it. */
queue_ticket tq_issue(queue *q, int64_t now, char service, bool priority);

#endif
