/* How an alarm leaves the building when nobody answers: an HTTP POST of a JSON document to a
 * webhook (libcurl) and a mail through the system's sendmail ("<sendmail> -t", the message on its
 * stdin, run as a child with a deadline). The board's escalation (alarm_escalate.c) and the
 * collector's steering alerts (collector_alerts.c) both send this way.
 *
 * Both calls block (up to timeout_s / deadline_ms): run them on a thread of their own. `stop`
 * (may be NULL) is polled while waiting; when it returns true the send is abandoned. */
#ifndef BORNE_ALARM_SEND_H
#define BORNE_ALARM_SEND_H

#include <stdbool.h>
#include <stddef.h>

typedef bool (*alarm_send_stop_fn)(void *ctx);

/* POSTs json (Content-Type: application/json). Returns the HTTP status, or 0 on a network or TLS
 * failure or an abandon (why in errbuf). */
long alarm_send_webhook(const char *url, const char *json, long timeout_s, alarm_send_stop_fn stop, void *ctx,
                        char *errbuf, size_t errlen);

/* A message for alarm_send_mail(): "To: <to>", the subject in RFC 2047 (UTF-8, base64), MIME
 * headers for UTF-8 plain text, a blank line and body. malloc'ed; NULL when out of memory. */
char *alarm_send_mail_text(const char *to, const char *subject, const char *body);

/* Runs "<sendmail> -t" with text (headers, blank line, body) on its stdin. Returns 0 when it exited
 * with 0, else a negative errno (-ETIMEDOUT: killed after deadline_ms; -ECANCELED: killed because
 * `stop` said so; -EIO: it failed; another: it could not be started). */
int alarm_send_mail(const char *sendmail, const char *text, int deadline_ms, alarm_send_stop_fn stop, void *ctx);

#endif
