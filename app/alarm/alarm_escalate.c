/* Escalation of an alarm nobody acknowledged: the configured webhook (a POST of the alarm
 * document) and a mail through the system's sendmail, once per period until acknowledged.
 *
 * sendmail rather than an SMTP client: every Debian board already has the MTA the Region's IT
 * configures (a relay, credentials, queueing while the network is down), and `sendmail -t`
 * reading the message on stdin is the interface every MTA offers. It runs as a child process
 * with a deadline, so a stuck MTA never holds the thread for long. */
#include "alarm_internal.h"
#include "borne/alarm_json.h"
#include "borne/log.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

BORNE_LOG_MODULE("alarm");

#define SENDMAIL_DEADLINE_MS 30000
#define WEBHOOK_TIMEOUT_S 10

extern char **environ;

int64_t alarm_escalation_due(const queue_alarm *a, const borne_config *cfg, int64_t now)
{
    (void)now;
    if (a->n_acks || a->cleared_at || a->remote || cfg->alarm.escalate_after_s <= 0 ||
        (a->test && !cfg->alarm.escalate_tests))
        return 0;
    if (a->escalations == 0)
        return a->raised_at + cfg->alarm.escalate_after_s;
    return a->escalated_at + cfg->alarm.escalate_every_s;
}

/* The mail: plain UTF-8 text, the same facts as the desks' banner. */
static char *mail_text(const alarm_service *s, const queue_alarm *a, int n)
{
    char when[32];
    time_t t = (time_t)a->raised_at;
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(when, sizeof when, "%d/%m/%Y %H:%M:%S", &tm);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    fprintf(f, "To: %s\n", s->cfg.alarm.mail_to);
    fprintf(f, "Subject: =?UTF-8?B?");
    /* The subject carries non-ASCII text (accents): RFC 2047 base64. */
    char subject[320];
    snprintf(subject, sizeof subject, "%sALERTE %s - %s (relance %d)", a->test ? "[TEST] " : "",
             a->antenne_name, a->desk, n);
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t sl = strlen(subject);
    for (size_t i = 0; i < sl; i += 3) {
        unsigned v = (unsigned char)subject[i] << 16;
        if (i + 1 < sl)
            v |= (unsigned char)subject[i + 1] << 8;
        if (i + 2 < sl)
            v |= (unsigned char)subject[i + 2];
        fputc(b64[(v >> 18) & 63], f);
        fputc(b64[(v >> 12) & 63], f);
        fputc(i + 1 < sl ? b64[(v >> 6) & 63] : '=', f);
        fputc(i + 2 < sl ? b64[v & 63] : '=', f);
    }
    fprintf(f, "?=\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
               "Content-Transfer-Encoding: 8bit\n\n");
    fprintf(f, "%sAlerte silencieuse déclenchée au %s, %s, le %s.\n\n"
               "Personne n'en a accusé réception depuis %lld s. Appelez l'antenne ou rendez-vous"
               " sur place.\n\nRéférence : %s\n",
            a->test ? "[TEST : ceci vérifie la chaîne d'alerte, aucune intervention n'est"
                      " demandée]\n\n" : "",
            a->desk, a->antenne_name, when, (long long)(alarm_now(s) - a->raised_at), a->uid);
    fclose(f);
    return text;
}

/* Runs "<sendmail> -t" with the message on stdin; returns 0 when it exited with 0. */
static int send_mail(alarm_service *s, const char *text)
{
    int pipefd[2];
    if (pipe(pipefd) != 0)
        return -errno;
    /* Neither end may leak into another child (the copy on the child's stdin is dup2's own). */
    fcntl(pipefd[0], F_SETFD, FD_CLOEXEC);
    fcntl(pipefd[1], F_SETFD, FD_CLOEXEC);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pipefd[0], STDIN_FILENO);
    char *argv[] = {s->cfg.alarm.sendmail, "-t", NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, s->cfg.alarm.sendmail, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[0]);
    if (rc != 0) {
        close(pipefd[1]);
        log_error("%s: %s", s->cfg.alarm.sendmail, strerror(rc));
        return -rc;
    }
    size_t len = strlen(text), off = 0;
    /* A sendmail that dies early must not kill us with SIGPIPE: the write fails instead. */
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    while (off < len) {
        ssize_t w = write(pipefd[1], text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    close(pipefd[1]);
    struct timespec zero = {0, 0};
    while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
        ;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    int status = 0;
    int64_t deadline = clock_mono_ms() + SENDMAIL_DEADLINE_MS;
    pid_t got;
    while ((got = waitpid(pid, &status, WNOHANG)) == 0 && clock_mono_ms() < deadline &&
           !alarm_stopping(s)) {
        struct timespec nap = {0, 20 * 1000000L};
        nanosleep(&nap, NULL);
    }
    if (got == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        log_error("%s: no answer within %d s: killed", s->cfg.alarm.sendmail,
                  SENDMAIL_DEADLINE_MS / 1000);
        return -ETIMEDOUT;
    }
    if (off < len || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        log_error("%s -t failed (exit %d)", s->cfg.alarm.sendmail,
                  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return -EIO;
    }
    return 0;
}

static void escalate(alarm_service *s, queue *q, const queue_alarm *a, int64_t slot)
{
    int n = a->escalations + 1;
    log_warn("alarm %s (%s) not acknowledged: escalation %d", a->uid, a->desk, n);
    if (s->cfg.alarm.webhook_url[0]) {
        json_t *doc = alarm_json(a, false);
        json_t *msg = json_pack("{s:s, s:i, s:o}", "event", "alarm_escalation", "escalation", n,
                                "alarm", doc);
        char *body = msg ? json_dumps(msg, JSON_COMPACT) : NULL;
        json_decref(msg);
        char why[256];
        long st = body ? alarm_http(s, s->cfg.alarm.webhook_url, body, WEBHOOK_TIMEOUT_S, why,
                                    sizeof why)
                       : 0;
        if (st < 200 || st >= 300)
            log_error("webhook %s: %s", s->cfg.alarm.webhook_url,
                      st ? "refused" : body ? why : "out of memory");
        free(body);
    }
    if (s->cfg.alarm.mail_to[0]) {
        char *text = mail_text(s, a, n);
        if (text)
            send_mail(s, text);
        free(text);
    }
    /* Recorded even when a channel failed: the period goes on, and the next one tries again. */
    int err = queue_alarm_escalated(q, alarm_now(s), a->id, slot);
    if (err)
        log_error("record escalation: %s", queue_errmsg(q));
    alarm_changed(s);
}

typedef struct due_list {
    alarm_batch *b;
    const alarm_service *s;
} due_list;

static int collect_due(const queue_alarm *a, void *ctx)
{
    due_list *d = ctx;
    alarm_batch *b = d->b;
    int64_t due = alarm_escalation_due(a, &d->s->cfg, b->now);
    if (!due || due > b->now)
        return 0;
    /* Late by a period or more (board asleep, clock jump): one now, the schedule from now. */
    b->slot[b->n] = b->now - due < d->s->cfg.alarm.escalate_every_s ? due : b->now;
    b->items[b->n++] = *a;
    return b->n == ALARM_BATCH;
}

static void collect(alarm_worker *w, alarm_batch *b)
{
    due_list d = {b, w->a};
    if (queue_alarm_list(w->q, b->now, 0, collect_due, &d) != QUEUE_OK)
        log_error("escalate: %s", queue_errmsg(w->q));
}

static void handle(alarm_worker *w, const alarm_batch *b, int i)
{
    escalate(w->a, w->q, &b->items[i], b->slot[i]);
}

void *alarm_escalate_thread(void *arg)
{
    return alarm_worker_run(arg, collect, handle);
}
