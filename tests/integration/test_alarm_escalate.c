/* Escalation of an alarm nobody acknowledges, with an injected clock: a real webhook receiver
 * (libmicrohttpd on loopback) and a sendmail stand-in (a shell script that keeps each message).
 * It fires once per period at the configured times (after 60 s, then every 60 s), once after a
 * jump of several periods, never for a test alarm (escalate_tests off), and an acknowledgement
 * stops it. Also: the USB panic button (a FIFO fed with evdev events) raises as its desk. */
#include "borne/alarm.h"
#include "borne/config.h"
#include "testlib.h"

#include <fcntl.h>
#include <linux/input.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define WAIT_MS 20000
static const int64_t T0 = 1780000000;

static borne_fixed_clock CLOCK;
static atomic_int hooks;
static char last_hook[4096];
static pthread_mutex_t hook_mu = PTHREAD_MUTEX_INITIALIZER;

static enum MHD_Result on_hook(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *data,
                               size_t *size, void **state)
{
    (void)cls, (void)url, (void)method, (void)version;
    if (!*state) {
        *state = c;
        return MHD_YES;
    }
    if (*size) {
        pthread_mutex_lock(&hook_mu);
        snprintf(last_hook, sizeof last_hook, "%.*s", (int)*size, data);
        pthread_mutex_unlock(&hook_mu);
        *size = 0;
        return MHD_YES;
    }
    atomic_fetch_add(&hooks, 1);
    struct MHD_Response *r = MHD_create_response_from_buffer(2, "ok", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

static int count_mails(const char *dir)
{
    FILE *f = fopen(testlib_path(dir, "mails.txt"), "r");
    if (!f)
        return 0;
    int n = 0;
    char line[1024];
    while (fgets(line, sizeof line, f))
        n += strncmp(line, "Subject: ", 9) == 0;
    fclose(f);
    return n;
}

static bool wait_escalations(queue *q, int64_t id, int want)
{
    for (int waited = 0; waited < WAIT_MS; waited += 10) {
        queue_alarm a;
        if (queue_alarm_get(q, id, &a) == QUEUE_OK && a.escalations >= want)
            return a.escalations == want;
        struct timespec nap = {0, 10 * 1000000L};
        nanosleep(&nap, NULL);
    }
    return false;
}

static int64_t raise_at(queue *q, const char *uid, int counter, bool test, int64_t at)
{
    queue_alarm_raise_req r = {.uid = uid, .antenne = "test", .antenne_name = "Antenne de test",
                               .counter_id = counter, .desk = counter == 1 ? "Guichet 1" : "Guichet 2",
                               .raised_at = at, .test = test, .actor = "counter:1"};
    int64_t id = 0;
    bool created;
    CHECK_INT(queue_alarm_raise(q, at, &r, &id, &created), QUEUE_OK);
    return id;
}

static void set_clock(alarm_service *s, int64_t t)
{
    borne_fixed_clock_set(&CLOCK, t * 1000);
    alarm_kick(s);
}

static void test_escalation_schedule(void)
{
    const char *dir = testlib_tmpdir("alarm_escalate");
    char script[600];
    snprintf(script, sizeof script, "#!/bin/sh\n[ \"$1\" = -t ] || exit 64\ncat >> '%s'\n",
             testlib_path(dir, "mails.txt"));
    testlib_write_file(dir, "sendmail", script, 0755);

    struct MHD_Daemon *hook = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO, 0,
                                               NULL, NULL, on_hook, NULL, MHD_OPTION_END);
    CHECK(hook != NULL);
    int port = MHD_get_daemon_info(hook, MHD_DAEMON_INFO_BIND_PORT)->port;

    borne_config cfg;
    config_defaults(&cfg);
    snprintf(cfg.antenne.id, sizeof cfg.antenne.id, "test");
    snprintf(cfg.antenne.name, sizeof cfg.antenne.name, "Antenne de test");
    cfg.setup.n_services = 1;
    cfg.setup.services[0] = (queue_service){.letter = 'A', .label_fr = "Aides", .label_en = "Aid",
                                            .enabled = true};
    cfg.setup.n_counters = 2;
    cfg.setup.counters[0] = (queue_counter_def){.id = 1, .name = "Guichet 1", .services = "A"};
    cfg.setup.counters[1] = (queue_counter_def){.id = 2, .name = "Guichet 2", .services = "A"};
    cfg.alarm.escalate_after_s = 60;
    cfg.alarm.escalate_every_s = 60;
    snprintf(cfg.alarm.webhook_url, sizeof cfg.alarm.webhook_url, "http://127.0.0.1:%d/hook", port);
    snprintf(cfg.alarm.mail_to, sizeof cfg.alarm.mail_to, "astreinte@example.org");
    snprintf(cfg.alarm.sendmail, sizeof cfg.alarm.sendmail, "%s", testlib_path(dir, "sendmail"));
    /* the panic button: a FIFO stands in for /dev/input/by-id/... */
    const char *fifo = testlib_path(dir, "panic");
    CHECK_INT(mkfifo(fifo, 0600), 0);
    snprintf(cfg.alarm.panic_device, sizeof cfg.alarm.panic_device, "%s", fifo);
    snprintf(cfg.alarm.panic_key, sizeof cfg.alarm.panic_key, "KEY_F12");
    cfg.alarm.panic_counter = 2;

    char db[512], err[256];
    snprintf(db, sizeof db, "%s", testlib_path(dir, "borne.db"));
    queue *q = NULL;
    CHECK_INT(queue_open(&q, db, NULL, err, sizeof err), QUEUE_OK);
    CHECK_INT(queue_apply_setup(q, &cfg.setup, T0), QUEUE_OK);

    borne_fixed_clock_set(&CLOCK, T0 * 1000);
    alarm_service *s = NULL;
    alarm_options o = {.clock = borne_fixed_clock_get(&CLOCK), .tick_ms = 20};
    CHECK_INT(alarm_start(&s, &cfg, db, &o, err, sizeof err), 0);

    int64_t a = raise_at(q, "test.a", 1, false, T0);
    int64_t t = raise_at(q, "test.t", 1, true, T0);
    set_clock(s, T0 + 59);
    set_clock(s, T0 + 60);
    CHECK(wait_escalations(q, a, 1));
    queue_alarm al;
    CHECK_INT(queue_alarm_get(q, a, &al), QUEUE_OK);
    CHECK_INT(al.escalated_at, T0 + 60);   /* at the configured time, not at T0 + 59 */
    set_clock(s, T0 + 90);
    set_clock(s, T0 + 119);
    set_clock(s, T0 + 120);
    CHECK(wait_escalations(q, a, 2));
    CHECK_INT(queue_alarm_get(q, a, &al), QUEUE_OK);
    CHECK_INT(al.escalated_at, T0 + 120);
    /* four periods at once (a sleeping board, a clock jump): one escalation, then from now on */
    set_clock(s, T0 + 400);
    CHECK(wait_escalations(q, a, 3));
    CHECK_INT(queue_alarm_get(q, a, &al), QUEUE_OK);
    CHECK_INT(al.escalated_at, T0 + 400);
    for (int waited = 0; waited < WAIT_MS && (count_mails(dir) < 3 || atomic_load(&hooks) < 3); waited += 10)
        usleep(10000);
    CHECK_INT(count_mails(dir), 3);
    CHECK_INT(atomic_load(&hooks), 3);
    pthread_mutex_lock(&hook_mu);
    CHECK(strstr(last_hook, "\"event\":\"alarm_escalation\",\"escalation\":3") != NULL);
    CHECK(strstr(last_hook, "\"desk\":\"Guichet 1\"") != NULL);
    pthread_mutex_unlock(&hook_mu);

    /* acknowledged: no more. Barrier: a second alarm raised so that it escalates at the same
     * moment; once it has, the pass that looked at the first one is over. */
    CHECK_INT(queue_alarm_acknowledge(q, T0 + 410, a, QUEUE_ALARM_ACK_COMING, "Guichet 2", "test", 0,
                                      "counter:2"), QUEUE_OK);
    int64_t b = raise_at(q, "test.b", 1, false, T0 + 1000 - 60);
    set_clock(s, T0 + 1000);
    CHECK(wait_escalations(q, b, 1));
    CHECK_INT(queue_alarm_get(q, a, &al), QUEUE_OK);
    CHECK_INT(al.escalations, 3);
    CHECK_INT(queue_alarm_get(q, t, &al), QUEUE_OK);
    CHECK_INT(al.escalations, 0);   /* a test alarm does not escalate (escalate_tests off) */
    for (int waited = 0; waited < WAIT_MS && count_mails(dir) < 4; waited += 10)
        usleep(10000);
    CHECK_INT(count_mails(dir), 4);

    /* no HQ configured: local alarms are marked so ("non transmise") */
    CHECK_INT(queue_alarm_get(q, b, &al), QUEUE_OK);
    for (int waited = 0; waited < WAIT_MS && al.relay != QUEUE_ALARM_RELAY_LOCAL_ONLY; waited += 10) {
        usleep(10000);
        queue_alarm_get(q, b, &al);
    }
    CHECK_INT(al.relay, QUEUE_ALARM_RELAY_LOCAL_ONLY);

    /* the panic button: a key press of KEY_F12 raises as Guichet 2; other keys do nothing */
    int fd = open(fifo, O_WRONLY);
    CHECK(fd >= 0);
    struct input_event ev[3] = {
        {.type = EV_KEY, .code = KEY_F11, .value = 1},
        {.type = EV_KEY, .code = KEY_F12, .value = 1},
        {.type = EV_KEY, .code = KEY_F12, .value = 0},
    };
    CHECK_INT(write(fd, ev, sizeof ev), (long long)sizeof ev);
    close(fd);
    int64_t panic_id = 0;
    for (int waited = 0; waited < WAIT_MS; waited += 10) {
        queue_alarm p;
        if (queue_alarm_get(q, b + 1, &p) == QUEUE_OK) {
            panic_id = p.id;
            CHECK_INT(p.counter_id, 2);
            CHECK_STR(p.desk, "Guichet 2");
            break;
        }
        usleep(10000);
    }
    CHECK(panic_id > 0);

    alarm_stop(s);
    queue_close(q);
    MHD_stop_daemon(hook);
}

static void test_helpers(void)
{
    CHECK_INT(alarm_key_code("KEY_F12"), KEY_F12);
    CHECK_INT(alarm_key_code("BTN_0"), BTN_0);
    CHECK_INT(alarm_key_code("KEY_SCROLLLOCK"), KEY_SCROLLLOCK);
    CHECK_INT(alarm_key_code("88"), 88);
    CHECK_INT(alarm_key_code("KEY_NOPE"), -1);
    CHECK_INT(alarm_key_code(""), -1);
    borne_config cfg;
    config_defaults(&cfg);
    cfg.alarm.escalate_after_s = 60;
    cfg.alarm.escalate_every_s = 30;
    queue_alarm a = {.raised_at = T0};
    CHECK_INT(alarm_escalation_due(&a, &cfg, T0), T0 + 60);
    a.escalations = 1;
    a.escalated_at = T0 + 60;
    CHECK_INT(alarm_escalation_due(&a, &cfg, T0), T0 + 90);
    a.remote = true;
    CHECK_INT(alarm_escalation_due(&a, &cfg, T0), 0);
    a.remote = false;
    a.n_acks = 1;
    CHECK_INT(alarm_escalation_due(&a, &cfg, T0), 0);
}

int main(void)
{
    setenv("TZ", "Europe/Paris", 1);
    RUN(test_helpers);
    RUN(test_escalation_schedule);
    return testlib_finish();
}
