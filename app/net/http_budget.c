/* Connection budgets for libmicrohttpd servers (see include/borne/http_budget.h).
 *
 * Every open connection has a record (its socket context) on one list. The sweeper walks the
 * list once a second and shuts down the socket of each connection whose request is overdue:
 * libmicrohttpd then sees the end of the stream and closes the connection itself, through its
 * normal path. shutdown(2) runs under the list's mutex and a record leaves the list (in the
 * CLOSED notification) before libmicrohttpd closes the descriptor, so the sweeper never
 * touches a descriptor number that was reused by another connection. */
#include "borne/http_budget.h"
#include "borne/clock.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TRUSTED_MAX 64
#define SWEEP_MS 1000

typedef enum conn_phase {
    PHASE_WAITING,    /* the request is not complete yet: the deadline runs */
    PHASE_ANSWERING,  /* complete, being answered or streamed */
    PHASE_CUT,        /* shut down by the sweeper, libmicrohttpd closes it next */
} conn_phase;

typedef struct address {
    sa_family_t family;
    unsigned char bytes[16];
} address;

typedef struct conn_rec {
    struct conn_rec *prev, *next;
    int fd;
    conn_phase phase;
    int64_t since_ms;     /* accepted, or previous request answered */
    bool in_reserve;
} conn_rec;

struct http_budget {
    http_budget_limits limits;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    bool stopping;
    pthread_t sweeper;
    conn_rec *head;
    unsigned open, in_reserve;
    uint64_t refused, cut;
    address trusted[TRUSTED_MAX];   /* most recent first */
    unsigned n_trusted;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool address_of(const struct sockaddr *sa, address *out)
{
    memset(out, 0, sizeof *out);
    if (!sa)
        return false;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        out->family = AF_INET;
        memcpy(out->bytes, &in->sin_addr, sizeof in->sin_addr);
        return true;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        out->family = AF_INET6;
        memcpy(out->bytes, &in6->sin6_addr, sizeof in6->sin6_addr);
        return true;
    }
    return false;
}

/* Caller holds mu. */
static int trusted_index(const http_budget *b, const address *a)
{
    for (unsigned i = 0; i < b->n_trusted; i++)
        if (memcmp(&b->trusted[i], a, sizeof *a) == 0)
            return (int)i;
    return -1;
}

static void *sweep(void *arg)
{
    http_budget *b = arg;
    pthread_mutex_lock(&b->mu);
    while (!b->stopping) {
        struct timespec until = clock_mono_deadline(SWEEP_MS);
        pthread_cond_timedwait(&b->wake, &b->mu, &until);
        int64_t overdue = mono_ms() - (int64_t)b->limits.deadline_s * 1000;
        for (conn_rec *c = b->head; c; c = c->next) {
            if (c->phase == PHASE_WAITING && c->since_ms < overdue) {
                shutdown(c->fd, SHUT_RDWR);
                c->phase = PHASE_CUT;
                b->cut++;
            }
        }
    }
    pthread_mutex_unlock(&b->mu);
    return NULL;
}

int http_budget_new(http_budget **out, const http_budget_limits *limits)
{
    *out = NULL;
    http_budget *b = calloc(1, sizeof *b);
    if (!b)
        return -ENOMEM;
    b->limits = *limits;
    pthread_mutex_init(&b->mu, NULL);
    clock_cond_init(&b->wake);
    int rc = pthread_create(&b->sweeper, NULL, sweep, b);
    if (rc != 0) {
        pthread_cond_destroy(&b->wake);
        pthread_mutex_destroy(&b->mu);
        free(b);
        return -rc;
    }
    *out = b;
    return 0;
}

void http_budget_free(http_budget *b)
{
    if (!b)
        return;
    pthread_mutex_lock(&b->mu);
    b->stopping = true;
    pthread_cond_signal(&b->wake);
    pthread_mutex_unlock(&b->mu);
    pthread_join(b->sweeper, NULL);
    while (b->head) {   /* only if libmicrohttpd was never stopped properly */
        conn_rec *c = b->head;
        b->head = c->next;
        free(c);
    }
    pthread_cond_destroy(&b->wake);
    pthread_mutex_destroy(&b->mu);
    free(b);
}

unsigned http_budget_mhd_limit(const http_budget *b)
{
    /* libmicrohttpd splits its limit evenly between the threads of a pool and refuses at a
     * thread's share even when the others have room; twice the budget keeps that split from
     * ever being the limit that binds: the accept policy below is. */
    return 2 * (b->limits.general + b->limits.reserved);
}

enum MHD_Result http_budget_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    (void)addrlen;
    http_budget *b = cls;
    address a;
    bool known = address_of(addr, &a);
    pthread_mutex_lock(&b->mu);
    bool ok = b->open < b->limits.general ||
              (b->open < b->limits.general + b->limits.reserved && known && trusted_index(b, &a) >= 0);
    if (!ok)
        b->refused++;
    pthread_mutex_unlock(&b->mu);
    return ok ? MHD_YES : MHD_NO;
}

void http_budget_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                        enum MHD_ConnectionNotificationCode code)
{
    http_budget *b = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *fd = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        conn_rec *c = calloc(1, sizeof *c);
        if (!c || !fd) {   /* untracked: no deadline for it, but nothing breaks either */
            free(c);
            *socket_context = NULL;
            return;
        }
        c->fd = fd->connect_fd;
        c->since_ms = mono_ms();
        pthread_mutex_lock(&b->mu);
        c->in_reserve = b->open >= b->limits.general;
        b->open++;
        b->in_reserve += c->in_reserve;
        c->next = b->head;
        if (b->head)
            b->head->prev = c;
        b->head = c;
        pthread_mutex_unlock(&b->mu);
        *socket_context = c;
        return;
    }
    conn_rec *c = *socket_context;
    if (!c)
        return;
    pthread_mutex_lock(&b->mu);
    if (c->prev)
        c->prev->next = c->next;
    else
        b->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    b->open--;
    b->in_reserve -= c->in_reserve;
    pthread_mutex_unlock(&b->mu);
    free(c);
    *socket_context = NULL;
}

static conn_rec *record_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *i = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return i ? i->socket_context : NULL;
}

static void set_phase(http_budget *b, struct MHD_Connection *conn, conn_phase phase)
{
    conn_rec *c = record_of(conn);
    if (!c)
        return;
    pthread_mutex_lock(&b->mu);
    if (c->phase != PHASE_CUT) {
        c->phase = phase;
        c->since_ms = mono_ms();
    }
    pthread_mutex_unlock(&b->mu);
}

void http_budget_answering(http_budget *b, struct MHD_Connection *conn)
{
    set_phase(b, conn, PHASE_ANSWERING);
}

void http_budget_request_done(http_budget *b, struct MHD_Connection *conn)
{
    set_phase(b, conn, PHASE_WAITING);
}

static bool client_of(struct MHD_Connection *conn, address *a)
{
    const union MHD_ConnectionInfo *i = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return i && address_of(i->client_addr, a);
}

bool http_budget_trusted(http_budget *b, struct MHD_Connection *conn)
{
    address a;
    if (!client_of(conn, &a))
        return false;
    pthread_mutex_lock(&b->mu);
    bool known = trusted_index(b, &a) >= 0;
    pthread_mutex_unlock(&b->mu);
    return known;
}

void http_budget_trust(http_budget *b, struct MHD_Connection *conn)
{
    address a;
    if (!client_of(conn, &a))
        return;
    pthread_mutex_lock(&b->mu);
    int at = trusted_index(b, &a);
    unsigned n = at >= 0 ? (unsigned)at : (b->n_trusted < TRUSTED_MAX ? b->n_trusted++ : TRUSTED_MAX - 1);
    memmove(&b->trusted[1], &b->trusted[0], n * sizeof b->trusted[0]);
    b->trusted[0] = a;
    pthread_mutex_unlock(&b->mu);
}

void http_budget_stats_get(http_budget *b, http_budget_stats *out)
{
    pthread_mutex_lock(&b->mu);
    *out = (http_budget_stats){.open = b->open, .in_reserve = b->in_reserve, .refused = b->refused,
                               .cut = b->cut};
    pthread_mutex_unlock(&b->mu);
}
