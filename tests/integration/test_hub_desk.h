/* A desk's LAN client (borne/client.h) on the hub of a test fixture (test_hub_support.h): started on
 * the fixture's loopback URL, and its view polled until a condition holds. */
#ifndef TEST_HUB_DESK_H
#define TEST_HUB_DESK_H

#include <stdbool.h>

#include "borne/client.h"
#include "test_hub_support.h"

/* How long th_desk_wait() waits: generous, the machine may be loaded. */
#define TH_DESK_WAIT_MS 8000

/* Starts counter's client with token; NULL (and a failed check) when client_start refuses. */
client *th_desk_start(const th_fixture *f, int counter, const char *token, const client_options *o,
                      client_notify_fn notify, void *ctx);

typedef bool (*th_view_pred)(const client_view *v);
/* Polls the view into *v until pred holds (true) or TH_DESK_WAIT_MS passes (false). */
bool th_desk_wait(client *c, th_view_pred pred, client_view *v);

#endif
