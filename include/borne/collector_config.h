/* Settings of borne-collector: an INI file and/or command-line flags (flags win).
 *
 *   [collector]  listen = 127.0.0.1     port = 8480 (0: any free port, printed at start)
 *                threads = 4            body_cap = 4194304 (bytes)   max_buckets = 20000
 *                pending_cap = 67108864 (bytes of request bodies held at once, all requests together)
 *   [storage]    backend = sqlite | postgresql
 *                path = collector.sqlite          (sqlite)
 *                conninfo = host=... dbname=...   (postgresql)
 *                alarms_journal = borne-collector-alarms.jsonl   (safety alarms, see collector_alarm.h)
 *   [antennes]   csv = antennes.csv   tokens = tokens.txt   tokens_dir = tokens/   admin_token_file = hq.token
 *                groups = groups.csv  (lines "<antenne id>,<group>": antennes that hear each other's alarms)
 *   [console]    wait_target_min = 15   (the region's waiting target, minutes: a bound of the wait bands,
 *                                       so the share served within it is exact; collector_console.h)
 *                alert_webhook_url = https://...   alert_mail_to = a@x,b@y   sendmail = /usr/sbin/sendmail
 *                                      (steering alerts, collector_alerts.h; empty = not sent that way)
 *                users = users.txt    (who signs in to the console, collector_users.h)
 *   [tls]        cert = cert.pem      key = key.pem       (both or neither; HTTPS when set)
 *
 * Relative paths in the INI are relative to the INI file's directory.
 * Flags: --config FILE --listen ADDR --port N --threads N --sqlite PATH --postgresql CONNINFO
 *        --antennes-csv FILE --tokens FILE --tokens-dir DIR --admin-token-file FILE --cert FILE --key FILE
 *        --body-cap BYTES --max-buckets N --pending-cap BYTES --groups FILE --alarms-journal FILE
 *        --wait-target-min N --alert-webhook-url URL --alert-mail-to ADDRS --sendmail PATH
 *        --users FILE
 */
#ifndef BORNE_COLLECTOR_CONFIG_H
#define BORNE_COLLECTOR_CONFIG_H

#include <stddef.h>

#include "borne/collector_alerts.h"
#include "borne/collector_store.h"

#define COLLECTOR_PATH_MAX 1024

/* A plain settings record, filled by the functions below. */
struct collector_config {
    char listen[64];
    int port;
    int threads;
    size_t body_cap;
    size_t pending_cap;
    size_t max_buckets;
    enum collector_backend backend;
    char storage[COLLECTOR_PATH_MAX];   /* SQLite path or PostgreSQL conninfo */
    char antennes_csv[COLLECTOR_PATH_MAX];
    char tokens[COLLECTOR_PATH_MAX];
    char tokens_dir[COLLECTOR_PATH_MAX];
    char admin_token_file[COLLECTOR_PATH_MAX];
    char groups[COLLECTOR_PATH_MAX];
    char alarms_journal[COLLECTOR_PATH_MAX];
    char cert[COLLECTOR_PATH_MAX];
    char key[COLLECTOR_PATH_MAX];
    int wait_target_min;
    struct collector_alert_sink alert_sink;
    char users[COLLECTOR_PATH_MAX];
};

/* Defaults: 127.0.0.1:8480, 4 threads, 4 MiB, 20000 buckets, SQLite "borne-collector.sqlite". */
void collector_config_defaults(struct collector_config *c);

/* Reads an INI file over c. Errors: "file:line: message" in err, -1 (c may be partly updated). */
int collector_config_load_ini(struct collector_config *c, const char *path, char *err, size_t errlen);

/* Applies argv (argv[0] skipped): --config first, then the other flags over it. Returns 0, 1 when
 * --help was asked (usage is in err), -1 on a bad flag (err says which). */
int collector_config_parse_args(struct collector_config *c, int argc, char **argv, char *err, size_t errlen);

/* Checks the combination (TLS cert without key, missing antennes CSV, ...). */
int collector_config_check(const struct collector_config *c, char *err, size_t errlen);

extern const char collector_config_usage[];

#endif
