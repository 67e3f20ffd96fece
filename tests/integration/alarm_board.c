/* One antenne's board for the alarm tests, as a process: the config file's database with its
 * setup, the hub (on a free loopback port), the HQ channel (short backoff: the test stops and
 * restarts the collector) and the alarm service, as the kiosk role runs them. Prints "PORT <n>", then answers commands on stdin:
 *   alarm <uid>   "ALARM <raised_at> <relay> <acks> <cleared_at>" or "NONE"
 *   quit          stops everything and exits 0
 * Usage: alarm_board <config.ini> */
#include "borne/alarm.h"
#include "borne/config.h"
#include "borne/hub.h"
#include "borne/queue.h"
#include "borne/queue_alarm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void notify(void *h)
{
    hub_notify(h);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: alarm_board <config.ini>\n");
        return 2;
    }
    borne_config cfg;
    char err[512];
    queue *q = NULL;
    if (config_load(argv[1], &cfg, err, sizeof err) != 0 ||
        queue_open(&q, cfg.store.path, &cfg.queue, err, sizeof err) != QUEUE_OK) {
        fprintf(stderr, "alarm_board: %s\n", err);
        return 1;
    }
    if (queue_apply_setup(q, &cfg.setup, (int64_t)time(NULL)) != QUEUE_OK) {
        fprintf(stderr, "alarm_board: %s\n", queue_errmsg(q));
        return 1;
    }
    const char *assets = getenv("BORNE_ASSETS");
    char web[512];
    snprintf(web, sizeof web, "%s/web", assets ? assets : "assets");
    hub *h = NULL;
    hub_options ho = {.listen = "127.0.0.1:0"};
    alarm_service *al = NULL;
    alarm_options ao = {.changed = notify};
    if (hub_start(&h, &cfg, cfg.store.path, web, &ho, err, sizeof err) != 0) {
        fprintf(stderr, "alarm_board: hub: %s\n", err);
        return 1;
    }
    ao.changed_ctx = h;
    char state_path[CONFIG_PATH_MAX + 16];
    snprintf(state_path, sizeof state_path, "%s.channel", cfg.store.path);
    channel_config cc = {.url = cfg.hq.url, .antenne = cfg.antenne.id,
                         .token_file = cfg.hq.token_file, .state_path = state_path,
                         .backoff_base_ms = 500, .backoff_cap_ms = 2000};
    channel *ch = NULL;
    if (channel_new(&ch, &cc, err, sizeof err) != 0 ||
        (ao.channel = ch, alarm_start(&al, &cfg, cfg.store.path, &ao, err, sizeof err) != 0) ||
        channel_start(ch, err, sizeof err) != 0) {
        fprintf(stderr, "alarm_board: %s\n", err);
        channel_free(ch);
        alarm_stop(al);
        hub_stop(h);
        return 1;
    }
    printf("PORT %d\n", hub_port(h));
    fflush(stdout);
    char line[256], uid[QUEUE_ALARM_UID_MAX];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strcmp(line, "quit") == 0)
            break;
        int64_t id;
        queue_alarm a;
        if (sscanf(line, "alarm %63s", uid) == 1 && queue_alarm_find(q, uid, &id) == QUEUE_OK &&
            queue_alarm_get(q, id, &a) == QUEUE_OK)
            printf("ALARM %lld %s %d %lld\n", (long long)a.raised_at, queue_alarm_relay_name(a.relay),
                   a.n_acks, (long long)a.cleared_at);
        else
            printf("NONE\n");
        fflush(stdout);
    }
    channel_free(ch);
    alarm_stop(al);
    hub_stop(h);
    queue_close(q);
    return 0;
}
