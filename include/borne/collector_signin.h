/* Signing in to the steering console (collector_users.h holds the people and their sessions), and
 * the one gate every change made from the console goes through:
 *
 *   GET  /console/login    the form (name, password), and a "borne_login" cookie whose random value the
 *                          form carries too (field "login_csrf")
 *   POST /console/login    form-encoded name, password and login_csrf (equal to the cookie, else 403: a
 *                          page of another site cannot sign a browser in under its own account) → 303
 *                          to /console with the session cookie "borne_session" (HttpOnly;
 *                          SameSite=Strict; Path=/; Secure behind TLS: served over TLS, or forwarded by
 *                          a proxy saying X-Forwarded-Proto: https), or 401 and the form again
 *   POST /console/logout   form field "csrf" must be the session's token (else 403): ends the session
 *   POST /console/<any>    a change (e.g. /console/alerts/ack): without a live session 303 to the form;
 *                          without the session's token in field "csrf" 403; else the server's action
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

/* A change asked from the console, called once its session and CSRF token are checked: url, the
 * form-encoded body (collector_signin_form_value() reads it) and who asks. Answers the request. */
typedef enum MHD_Result (*collector_signin_action_fn)(void *ctx, struct MHD_Connection *c, const char *url,
                                                      const char *form, const struct collector_reader *who);

/* Value of field `name` of a form-encoded body, decoded into out; false when absent or too long. */
bool collector_signin_form_value(const char *form, const char *name, char *out, size_t size);

/* Requests this module answers: sign-in and sign-out, and every POST under /console/. */
bool collector_signin_route(const char *url, const char *method);
/* Every call of such a request; *state is the request's own (freed by collector_signin_done). secure:
 * served over TLS (the cookie gets Secure). action answers the changes. */
enum MHD_Result collector_signin_request(struct collector_users *u, struct MHD_Connection *c, const char *url,
                                         const char *method, bool secure, int64_t now, const char *upload_data,
                                         size_t *upload_data_size, void **state, collector_signin_action_fn action,
                                         void *action_ctx);
void collector_signin_done(void *state);

#endif
