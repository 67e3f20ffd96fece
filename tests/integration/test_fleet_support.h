/* Shared by the channel and fleet tests: a real collector server in the test process (SQLite,
 * loopback, port 0) with antennes site-0 .. site-<n-1>, their tokens and an HQ token, and small
 * HTTP and waiting helpers. */
#ifndef TEST_FLEET_SUPPORT_H
#define TEST_FLEET_SUPPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "borne/collector_server.h"

#define FLEET_ADMIN_TOKEN "hq-admin-token-0123456789"

struct fleet_hq {
    char dir[512];
    char url[64];
    struct collector_server *server;
    struct collector_antennes *antennes;
    struct collector_config config;
};

/* "token-of-site-<n>-0123456789" */
const char *fleet_token(int n);
/* Starts the collector with n antennes in a fresh directory; false (message on stderr) on failure. */
bool fleet_hq_start(struct fleet_hq *hq, const char *name, int n);
void fleet_hq_stop(struct fleet_hq *hq);
/* Writes a file with a mode. */
void fleet_write_file(const char *path, const char *text, mode_t mode);
/* Polls cond every 10 ms for up to 60 s. */
bool fleet_wait_for(bool (*cond)(void *), void *ctx);
/* One request to the collector; the status (0 when the transfer failed), the JSON answer in *out
 * (may be NULL). token may be NULL. */
long fleet_http(const struct fleet_hq *hq, const char *method, const char *path, const char *token,
                const char *body, json_t **out);
/* The same as a browser on the /config page: Basic credentials (user, the HQ token as password) and
 * the page's X-CSRF-Token when csrf is not NULL. */
long fleet_http_browser(const struct fleet_hq *hq, const char *method, const char *path, const char *user,
                        const char *csrf, const char *body, json_t **out);

#endif
