/* The turn of the writers of one process (see q_gate_enter in queue_internal.h).
 *
 * SQLite's busy handler sleeps and retries: it has no queue and no notion of priority. Eight
 * hub threads issuing back to back kept the write lock nearly all the time, and the kiosk's
 * handle, sleeping 1, 2, 5 ... 100 ms between tries, kept missing the moments it was free: the
 * visitor at the screen waited 3 to 5 s and then got "database busy". Writers of the process
 * now take turns here first; a handle opened with priority_writer (the kiosk's) goes before
 * every other waiting writer, so it waits at most for the one transaction in progress (a few
 * ms). SQLite's own lock still arbitrates between processes (borne-admin). */
#include "queue_internal.h"
#include "borne/clock.h"

#include <errno.h>
#include <pthread.h>

static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_turn;
static pthread_once_t gate_once = PTHREAD_ONCE_INIT;
static bool gate_busy;
static int gate_priority_waiting;
static int gate_waiting;

static void gate_init(void)
{
    clock_cond_init(&gate_turn);
}

bool q_gate_enter(bool priority, int timeout_ms)
{
    pthread_once(&gate_once, gate_init);
    struct timespec until = clock_mono_deadline(timeout_ms);
    pthread_mutex_lock(&gate_mu);
    if (priority)
        gate_priority_waiting++;
    gate_waiting++;
    bool timed_out = false;
    while (!timed_out && (gate_busy || (!priority && gate_priority_waiting > 0)))
        timed_out = pthread_cond_timedwait(&gate_turn, &gate_mu, &until) == ETIMEDOUT;
    gate_waiting--;
    /* a last look: the turn may have come with the timeout */
    bool mine = !gate_busy && (priority || gate_priority_waiting == 0);
    if (priority)
        gate_priority_waiting--;
    if (mine)
        gate_busy = true;
    pthread_mutex_unlock(&gate_mu);
    return mine;
}

void q_gate_leave(void)
{
    pthread_mutex_lock(&gate_mu);
    gate_busy = false;
    pthread_cond_broadcast(&gate_turn);
    pthread_mutex_unlock(&gate_mu);
}

int q_gate_waiting(void)
{
    pthread_mutex_lock(&gate_mu);
    int n = gate_waiting;
    pthread_mutex_unlock(&gate_mu);
    return n;
}
