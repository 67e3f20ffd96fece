#include "test_hub_desk.h"

#include <stdio.h>
#include <time.h>

#include "testlib.h"

client *th_desk_start(const th_fixture *f, int counter, const char *token, const client_options *o,
                      client_notify_fn notify, void *ctx)
{
    char url[64], err[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", f->port);
    client *c = NULL;
    if (!CHECK_INT(client_start(&c, url, counter, token, o, notify, ctx, err, sizeof err), 0)) {
        fprintf(stderr, "client of counter %d: %s\n", counter, err);
        return NULL;
    }
    return c;
}

bool th_desk_wait(client *c, th_view_pred pred, client_view *v)
{
    int64_t until = th_usec() + TH_DESK_WAIT_MS * 1000LL;
    do {
        client_get_view(c, v);
        if (pred(v))
            return true;
        nanosleep(&(struct timespec){0, 10 * 1000000L}, NULL);
    } while (th_usec() < until);
    return false;
}
