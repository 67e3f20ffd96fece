/* borne-collector: the headquarters server receiving the antennes' counts. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "borne/collector_antennes.h"
#include "borne/collector_config.h"
#include "borne/collector_server.h"
#include "borne/log.h"

BORNE_LOG_MODULE("collector");

static int64_t wall_clock(void)
{
    return (int64_t)time(NULL);
}

static int load_antennes(const struct collector_config *c, struct collector_antennes **out, char *err, size_t n)
{
    if (collector_antennes_load_csv(c->antennes_csv, out, err, n) != 0)
        return -1;
    if ((c->tokens[0] && collector_antennes_load_tokens(*out, c->tokens, err, n) != 0) ||
        (c->tokens_dir[0] && collector_antennes_load_token_dir(*out, c->tokens_dir, err, n) != 0) ||
        (c->admin_token_file[0] && collector_antennes_load_admin_token(*out, c->admin_token_file, err, n) != 0)) {
        collector_antennes_free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct collector_config config;
    char err[2048];
    collector_config_defaults(&config);
    int rc = collector_config_parse_args(&config, argc, argv, err, sizeof err);
    if (rc == 1) {
        fputs(err, stdout);
        return 0;
    }
    if (rc != 0 || collector_config_check(&config, err, sizeof err) != 0) {
        fprintf(stderr, "borne-collector: %s\n", err);
        return 2;
    }

    struct collector_antennes *antennes;
    if (load_antennes(&config, &antennes, err, sizeof err) != 0) {
        fprintf(stderr, "borne-collector: %s\n", err);
        return 2;
    }
    if (!config.admin_token_file[0])
        log_warn("no HQ token (--admin-token-file): the page and exports are refused");

    /* Block the stop signals before the server threads start so only sigwait() below receives them.
     * SIGPIPE is ignored: a board hanging up mid-answer must not kill HQ. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct collector_server *server;
    if (collector_server_start(&config, antennes, wall_clock, &server, err, sizeof err) != 0) {
        fprintf(stderr, "borne-collector: %s\n", err);
        collector_antennes_free(antennes);
        return 1;
    }
    /* Tests and scripts read this line to learn the port (with --port 0). */
    printf("borne-collector: listening on %s://%s:%d (%zu antennes, %s)\n", config.cert[0] ? "https" : "http",
           config.listen, collector_server_port(server), collector_antennes_count(antennes),
           config.backend == COLLECTOR_BACKEND_POSTGRESQL ? "postgresql" : "sqlite");
    fflush(stdout);

    int sig;
    sigwait(&stop, &sig);
    collector_server_stop(server);
    collector_antennes_free(antennes);
    return 0;
}
