/* alarm_send_mail with real child processes (shell stand-ins for sendmail): the message arrives on
 * its stdin whole; a failing program, one that never answers, a stop asked meanwhile and a program
 * that does not exist each give their own error, and no child is left behind. */
#include "borne/alarm_send.h"
#include "testlib.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static const char *dir;

static const char *stand_in(const char *name, const char *body)
{
    char script[1024];
    snprintf(script, sizeof script, "#!/bin/sh\n%s\n", body);
    return testlib_write_file(dir, name, script, 0755);
}

static bool no_child_left(void)
{
    return waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD;
}

static void test_delivered_whole(void)
{
    char body[700];
    snprintf(body, sizeof body, "[ \"$1\" = -t ] || exit 9\ncat > '%s'", testlib_path(dir, "received"));
    char *text = alarm_send_mail_text("chef@antenne.example", "Alerte : attente élevée", "Attente : 52 min.\n");
    CHECK(text != NULL);
    CHECK_INT(alarm_send_mail(stand_in("sendmail-ok", body), text, 10000, NULL, NULL), 0);
    FILE *f = fopen(testlib_path(dir, "received"), "r");
    char got[1024] = "";
    if (CHECK(f != NULL)) {
        got[fread(got, 1, sizeof got - 1, f)] = '\0';
        fclose(f);
    }
    CHECK_STR(got, text);
    free(text);
    CHECK(no_child_left());
}

static void test_failure_is_eio(void)
{
    CHECK_INT(alarm_send_mail(stand_in("sendmail-fails", "cat >/dev/null; exit 3"), "To: x\n\nbody", 10000, NULL,
                              NULL),
              -EIO);
    CHECK(no_child_left());
}

static void test_silent_program_is_killed_at_its_deadline(void)
{
    CHECK_INT(alarm_send_mail(stand_in("sendmail-silent", "exec sleep 60"), "To: x\n\nbody", 300, NULL, NULL),
              -ETIMEDOUT);
    CHECK(no_child_left());
}

static bool stop_at_second_look(void *ctx)
{
    int *looks = ctx;
    return ++*looks >= 2;
}

static void test_stop_abandons_without_waiting_the_deadline(void)
{
    int looks = 0;
    /* A deadline the test would time out on: only the stop can end this send. */
    CHECK_INT(alarm_send_mail(stand_in("sendmail-slow", "exec sleep 60"), "To: x\n\nbody", 3600 * 1000,
                              stop_at_second_look, &looks),
              -ECANCELED);
    CHECK_INT(looks, 2);
    CHECK(no_child_left());
}

static void test_missing_program(void)
{
    CHECK_INT(alarm_send_mail(testlib_path(dir, "no-such-sendmail"), "To: x\n\nbody", 1000, NULL, NULL), -ENOENT);
}

int main(void)
{
    dir = testlib_tmpdir("alarm_send_mail");
    RUN(test_delivered_whole);
    RUN(test_failure_is_eio);
    RUN(test_silent_program_is_killed_at_its_deadline);
    RUN(test_stop_abandons_without_waiting_the_deadline);
    RUN(test_missing_program);
    return testlib_finish();
}
