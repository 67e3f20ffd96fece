/* The collector as people and boards talk to it, for the collector's tests and benchmarks, against a
 * harness collector (test_collector_harness.h): the steering console signed in through the form
 * (libcurl's cookie engine keeps the sign-in and session cookies), pages read, and changes posted with
 * the session's CSRF token; requests with a token on a kept-alive handle; a board's live snapshot. */
#ifndef TEST_COLLECTOR_SESSION_H
#define TEST_COLLECTOR_SESSION_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "test_collector_harness.h"
#include "testlib.h"

/* Signs in through the form: its page sets the sign-in cookie whose token the form posts back. NULL
 * (and a message on stderr) unless the collector answered 303 to the console. */
CURL *session_sign_in(struct harness *h, const char *name, const char *password);

/* GET path signed in (session) or with the HQ token (session NULL). Returns the status (0 when the
 * transfer failed); out gets the body, ctype (may be NULL) the content type. */
long session_get(struct harness *h, CURL *session, const char *path, struct testlib_buf *out, char *ctype,
                 size_t ctype_size);

/* POSTs a change from the console: `form` (form-encoded, without the token) with the session's CSRF
 * token read from the console page. Returns the status (0 when the page or the transfer failed). */
long session_post_change(struct harness *h, CURL *session, const char *path, const char *form);

/* One request on a handle c kept alive across calls (a loop reuses one connection): GET when json is
 * NULL, else a POST of json; token as Bearer. The answer is dropped, its size added to *bytes (may
 * be NULL). Returns the status, 0 when the transfer failed or took over timeout_s. */
long session_request(struct harness *h, CURL *c, const char *path, const char *token, const char *json,
                     long timeout_s, size_t *bytes);

/* A board's live snapshot (contract 2) of antenne site-<site> at `at`, open, its one service A with
 * `waiting` people, the longest for longest_wait_s; seq makes its id unique. JSON into out. */
void session_live_body(char *out, size_t size, int site, long seq, int64_t at, int desks_open, const char *printer,
                       long waiting, long longest_wait_s);

#endif
