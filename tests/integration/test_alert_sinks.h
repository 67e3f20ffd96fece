/* Where the steering alerts of a test go: a real webhook receiver (libmicrohttpd on loopback) that
 * keeps every body it gets, and a sendmail stand-in (a shell script appending each message to a file). */
#ifndef TEST_ALERT_SINKS_H
#define TEST_ALERT_SINKS_H

#include <microhttpd.h>

struct alert_sinks {
    struct MHD_Daemon *hook;
    char webhook_url[128];
    char sendmail[600];   /* the stand-in script */
    char mails[600];      /* where it appends the messages */
};

/* Starts the receiver (forgetting the bodies received before) and writes the script into dir. */
void alert_sinks_open(struct alert_sinks *s, const char *dir);
void alert_sinks_close(struct alert_sinks *s);

/* Webhook bodies received so far holding every given fragment ("" matches any). */
int alert_sinks_hooks(const char *a, const char *b, const char *c);
/* Every webhook body received so far. */
int alert_sinks_hook_count(void);
/* Lines of the mails file starting with prefix. */
int alert_sinks_mail_lines(const struct alert_sinks *s, const char *prefix);

#endif
