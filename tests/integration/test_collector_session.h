/* The steering console as a person uses it, for the collector's tests and benchmarks: signed in
 * through the form (libcurl's cookie engine keeps the sign-in and session cookies), pages read, and
 * changes posted with the session's CSRF token, against a harness collector (test_collector_harness.h). */
#ifndef TEST_COLLECTOR_SESSION_H
#define TEST_COLLECTOR_SESSION_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

#include "test_collector_harness.h"

/* A response body, NUL-terminated (p NULL when empty); the caller frees p. */
struct session_body {
    unsigned char *p;
    size_t len;
};

/* Appends to a struct session_body: a libcurl write callback, also usable on any bytes. */
size_t session_body_add(char *p, size_t size, size_t n, void *body);

/* Signs in through the form: its page sets the sign-in cookie whose token the form posts back. NULL
 * (and a message on stderr) unless the collector answered 303 to the console. */
CURL *session_sign_in(struct harness *h, const char *name, const char *password);

/* GET path signed in (session) or with the HQ token (session NULL). Returns the status (0 when the
 * transfer failed); out gets the body, ctype (may be NULL) the content type. */
long session_get(struct harness *h, CURL *session, const char *path, struct session_body *out, char *ctype,
                 size_t ctype_size);

/* POSTs a change from the console: `form` (form-encoded, without the token) with the session's CSRF
 * token read from the console page. Returns the status (0 when the page or the transfer failed). */
long session_post_change(struct harness *h, CURL *session, const char *path, const char *form);

#endif
