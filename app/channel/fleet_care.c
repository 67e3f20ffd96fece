#include "borne/fleet_care.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "borne/log.h"

BORNE_LOG_MODULE("care");

#define DEFAULT_LOG_COMMAND "timeout 10 journalctl -u borne -n 200 --no-pager -o short-iso 2>&1"

struct fleet_care {
    fleet_care_options opt;
    char log_command[512];
};

static bool email_char(char c)
{
    return isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-' || c == '+';
}

/* Overwrites [from, to) with a mask and closes the gap; a span shorter than the mask becomes
 * stars (the line never grows). Returns where scanning goes on. */
static char *mask_span(char *from, char *to, const char *mask)
{
    size_t m = strlen(mask), tail = strlen(to);
    if ((size_t)(to - from) < m) {
        memset(from, '*', (size_t)(to - from));
        return to;
    }
    memcpy(from, mask, m);
    memmove(from + m, to, tail + 1);
    return from + m;
}

static void mask_emails(char *line)
{
    for (char *at; (at = strchr(line, '@'));) {
        char *b = at, *e = at + 1;
        while (b > line && email_char(b[-1]))
            b--;
        while (email_char(*e))
            e++;
        *at = '#';   /* an '@' that is not an address stays visible, not looked at again */
        if (b < at && e > at + 1 && memchr(at, '.', (size_t)(e - at)))
            line = mask_span(b, e, "[mail]");
        else
            line = at + 1;
    }
}

/* Digit runs (spaces, dots and dashes between digits allowed) of 6 digits or more. */
static void mask_numbers(char *line)
{
    for (char *p = line; *p;) {
        if (!isdigit((unsigned char)*p)) {
            p++;
            continue;
        }
        char *e = p, *last = p;
        int digits = 0;
        while (*e && (isdigit((unsigned char)*e) || ((*e == ' ' || *e == '.' || *e == '-') && isdigit((unsigned char)e[1])))) {
            if (isdigit((unsigned char)*e)) {
                digits++;
                last = e;
            }
            e++;
        }
        p = digits >= 6 ? mask_span(p, last + 1, "[num]") : e;
    }
}

void fleet_care_mask(char *line)
{
    mask_emails(line);
    mask_numbers(line);
}

static int on_logs(void *ctx, const channel_message *msg, json_t **result, char *err, size_t errlen)
{
    (void)msg;
    fleet_care *c = ctx;
    FILE *f = popen(c->log_command, "r");
    if (!f) {
        snprintf(err, errlen, "journal: %s", strerror(errno));
        return -errno;
    }
    json_t *lines = json_array();
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        fleet_care_mask(line);
        json_array_append_new(lines, json_stringn_nocheck(line, strlen(line)));
        if (json_array_size(lines) > FLEET_CARE_LOG_LINES)
            json_array_remove(lines, 0);
    }
    int status = pclose(f);
    if (status != 0 && json_array_size(lines) == 0) {
        json_decref(lines);
        snprintf(err, errlen, "journal: the command failed (status %d)", status);
        return -EIO;
    }
    log_notice("journal excerpt of %zu lines sent to headquarters (message %lld)", json_array_size(lines),
               (long long)msg->id);
    *result = json_pack("{s:o}", "lines", lines);
    return CHANNEL_DONE;
}

static int on_print(void *ctx, const channel_message *msg, json_t **result, char *err, size_t errlen)
{
    fleet_care *c = ctx;
    if (!c->opt.prn) {
        snprintf(err, errlen, "no printer on this board");
        return -ENODEV;
    }
    uint64_t job = 0;
    int rc = printer_submit_test(c->opt.prn, &job);
    if (rc != 0) {
        snprintf(err, errlen, "test page not queued: %s", strerror(-rc));
        return rc;
    }
    log_notice("test page asked by headquarters (message %lld)", (long long)msg->id);
    *result = json_pack("{s:I}", "job", (json_int_t)job);
    return CHANNEL_DONE;
}

static int on_restart(void *ctx, const channel_message *msg, json_t **result, char *err, size_t errlen)
{
    fleet_care *c = ctx;
    if (!c->opt.request_restart) {
        snprintf(err, errlen, "this board cannot restart its service");
        return -ENOTSUP;
    }
    log_notice("service restart asked by headquarters (message %lld)", (long long)msg->id);
    c->opt.request_restart(c->opt.restart_ctx);
    *result = json_pack("{s:b}", "restarting", 1);
    return CHANNEL_DONE;
}

int fleet_care_start(fleet_care **out, channel *ch, const fleet_care_options *opt, char *errbuf, size_t errlen)
{
    *out = NULL;
    fleet_care *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(errbuf, errlen, "out of memory");
        return -ENOMEM;
    }
    c->opt = *opt;
    snprintf(c->log_command, sizeof c->log_command, "%s", opt->log_command ? opt->log_command : DEFAULT_LOG_COMMAND);
    static const struct {
        const char *type;
        channel_handler fn;
    } types[] = {{"care_print", on_print}, {"care_logs", on_logs}, {"care_restart", on_restart}};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        int rc = channel_register(ch, types[i].type, types[i].fn, c);
        if (rc != 0) {
            snprintf(errbuf, errlen, "channel type \"%s\": %s", types[i].type, strerror(-rc));
            /* The types registered before hold c: it lives until fleet_care_stop(). */
            *out = c;
            return rc;
        }
    }
    c->opt.log_command = NULL;   /* copied above */
    *out = c;
    return 0;
}

void fleet_care_stop(fleet_care *c)
{
    free(c);
}
