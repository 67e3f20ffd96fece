/* Signing in to the steering console (collector_users.h holds the people and their sessions):
 *
 *   GET  /console/login    the form (name, password)
 *   POST /console/login    form-encoded name and password → 303 to /console with the session cookie
 *                          "borne_session" (HttpOnly; SameSite=Strict; Path=/; Secure behind TLS), or
 *                          401 and the form again saying the name or password is wrong
 *   POST /console/logout   form field "csrf" must be the session's token (else 403): ends the session
 *
 * The HQ token (Bearer, or HTTP Basic password) still reads everything, for tools. */
#ifndef BORNE_COLLECTOR_SIGNIN_H
#define BORNE_COLLECTOR_SIGNIN_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stdint.h>

#include "borne/collector_users.h"

/* Who reads a request. */
struct collector_reader {
    bool session;                              /* signed in (false: the HQ token) */
    char name[COLLECTOR_USER_NAME_MAX + 1];    /* "" with the HQ token */
    char group[COLLECTOR_ID_MAX + 1];          /* the only group this reader may see; "" = the region */
    char csrf[COLLECTOR_SESSION_ID_LEN + 1];   /* the session's token for the forms */
};

/* Fills r from the session cookie when it names a live session; admin: the request carries the HQ
 * token (a region reader). Returns false when neither. */
bool collector_signin_reader(struct collector_users *u, struct MHD_Connection *c, bool admin, int64_t now,
                             struct collector_reader *r);

bool collector_signin_route(const char *url);
/* Every call of a /console/login or /console/logout request; *state is the request's own (freed by
 * collector_signin_done). secure: served over TLS (the cookie gets Secure). */
enum MHD_Result collector_signin_request(struct collector_users *u, struct MHD_Connection *c, const char *url,
                                         const char *method, bool secure, int64_t now, const char *upload_data,
                                         size_t *upload_data_size, void **state);
void collector_signin_done(void *state);

#endif
