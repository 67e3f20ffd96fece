/* Sending an alarm out of the building: webhook (libcurl) and mail (sendmail -t). See alarm_send.h.
 *
 * sendmail rather than an SMTP client: every Debian machine already has the MTA the Region's IT
 * configures (a relay, credentials, queueing while the network is down), and `sendmail -t`
 * reading the message on stdin is the interface every MTA offers. It runs as a child process
 * with a deadline, so a stuck MTA never holds the thread for long. */
#include "borne/alarm_send.h"
#include "borne/clock.h"
#include "borne/log.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

BORNE_LOG_MODULE("alarm");

extern char **environ;

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
    (void)p, (void)ctx;
    return size * n;
}

struct abandon {
    alarm_send_stop_fn stop;
    void *ctx;
};

static int on_progress(void *ctx, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
    (void)a, (void)b, (void)c, (void)d;
    const struct abandon *x = ctx;
    return x->stop && x->stop(x->ctx);
}

long alarm_send_webhook(const char *url, const char *json, long timeout_s, alarm_send_stop_fn stop, void *ctx,
                        char *errbuf, size_t errlen)
{
    struct abandon x = {stop, ctx};
    CURL *h = curl_easy_init();
    if (!h) {
        snprintf(errbuf, errlen, "out of memory");
        return 0;
    }
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
    char cerr[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, json);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout_s);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &x);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    if (rc == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    else
        snprintf(errbuf, errlen, "%s", cerr[0] ? cerr : curl_easy_strerror(rc));
    curl_easy_cleanup(h);
    curl_slist_free_all(hdr);
    return status;
}

int alarm_send_mail(const char *sendmail, const char *text, int deadline_ms, alarm_send_stop_fn stop, void *ctx)
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
    char *argv[] = {(char *)sendmail, "-t", NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, sendmail, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[0]);
    if (rc != 0) {
        close(pipefd[1]);
        log_error("%s: %s", sendmail, strerror(rc));
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
    int64_t deadline = clock_mono_ms() + deadline_ms;
    pid_t got;
    bool stopped = false;
    while ((got = waitpid(pid, &status, WNOHANG)) == 0 && clock_mono_ms() < deadline &&
           !(stopped = stop && stop(ctx))) {
        struct timespec nap = {0, 20 * 1000000L};
        nanosleep(&nap, NULL);
    }
    if (got == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        if (stopped) {
            log_warn("%s: abandoned, the program is stopping: this mail is not sent", sendmail);
            return -ECANCELED;
        }
        log_error("%s: no answer within %d ms: killed", sendmail, deadline_ms);
        return -ETIMEDOUT;
    }
    if (off < len || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        log_error("%s -t failed (exit %d)", sendmail,
                  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return -EIO;
    }
    return 0;
}

char *alarm_send_mail_text(const char *to, const char *subject, const char *body)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    fprintf(f, "To: %s\nSubject: =?UTF-8?B?", to);
    /* The subject carries non-ASCII text (accents): RFC 2047 base64. */
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
               "Content-Transfer-Encoding: 8bit\n\n%s", body);
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}
