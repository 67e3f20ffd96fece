#include "test_alert_sinks.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "testlib.h"

#define HOOKS_MAX 32
static char hooks[HOOKS_MAX][1024];
static int n_hooks;
static pthread_mutex_t hook_mu = PTHREAD_MUTEX_INITIALIZER;

static enum MHD_Result on_hook(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *data, size_t *size, void **state)
{
    (void)cls, (void)url, (void)method, (void)version;
    if (!*state) {
        *state = c;
        return MHD_YES;
    }
    if (*size) {
        pthread_mutex_lock(&hook_mu);
        if (n_hooks < HOOKS_MAX)
            snprintf(hooks[n_hooks++], sizeof hooks[0], "%.*s", (int)*size, data);
        pthread_mutex_unlock(&hook_mu);
        *size = 0;
        return MHD_YES;
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(2, "ok", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

void alert_sinks_open(struct alert_sinks *s, const char *dir)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_lock(&hook_mu);
    n_hooks = 0;
    pthread_mutex_unlock(&hook_mu);
    snprintf(s->mails, sizeof s->mails, "%s", testlib_path(dir, "mails.txt"));
    char script[800];
    snprintf(script, sizeof script, "#!/bin/sh\n[ \"$1\" = -t ] || exit 64\ncat >> '%s'\n", s->mails);
    snprintf(s->sendmail, sizeof s->sendmail, "%s", testlib_write_file(dir, "sendmail", script, 0755));
    s->hook = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO, 0, NULL, NULL, on_hook, NULL,
                               MHD_OPTION_END);
    if (CHECK(s->hook != NULL))
        snprintf(s->webhook_url, sizeof s->webhook_url, "http://127.0.0.1:%d/hook",
                 MHD_get_daemon_info(s->hook, MHD_DAEMON_INFO_BIND_PORT)->port);
}

void alert_sinks_close(struct alert_sinks *s)
{
    if (s->hook)
        MHD_stop_daemon(s->hook);
    s->hook = NULL;
}

int alert_sinks_hooks(const char *a, const char *b, const char *c)
{
    int n = 0;
    pthread_mutex_lock(&hook_mu);
    for (int i = 0; i < n_hooks; i++)
        n += strstr(hooks[i], a) && strstr(hooks[i], b) && strstr(hooks[i], c);
    pthread_mutex_unlock(&hook_mu);
    return n;
}

int alert_sinks_hook_count(void)
{
    pthread_mutex_lock(&hook_mu);
    int n = n_hooks;
    pthread_mutex_unlock(&hook_mu);
    return n;
}

int alert_sinks_mail_lines(const struct alert_sinks *s, const char *prefix)
{
    FILE *f = fopen(s->mails, "r");
    if (!f)
        return 0;
    int n = 0;
    char line[1024];
    while (fgets(line, sizeof line, f))
        n += strncmp(line, prefix, strlen(prefix)) == 0;
    fclose(f);
    return n;
}
