#include "borne/collector_config.h"
#include "borne/collector_console.h"

#include <errno.h>
#include <ini.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char collector_config_usage[] =
    "usage: borne-collector [--config FILE] [--listen ADDR] [--port N] [--threads N]\n"
    "                       [--sqlite PATH | --postgresql CONNINFO] --antennes-csv FILE\n"
    "                       [--tokens FILE] [--tokens-dir DIR] [--admin-token-file FILE]\n"
    "                       [--cert FILE --key FILE] [--body-cap BYTES] [--max-buckets N]\n"
    "                       [--pending-cap BYTES] [--groups FILE] [--alarms-journal FILE]\n"
    "                       [--wait-target-min N] [--alert-webhook-url URL] [--alert-mail-to ADDRS]\n"
    "                       [--sendmail PATH] [--users FILE]\n";

void collector_config_defaults(struct collector_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->listen, sizeof c->listen, "127.0.0.1");
    c->port = 8480;
    c->threads = 4;
    c->body_cap = 4u << 20;
    c->pending_cap = 64u << 20;
    c->max_buckets = 20000;
    c->backend = COLLECTOR_BACKEND_SQLITE;
    snprintf(c->storage, sizeof c->storage, "borne-collector.sqlite");
    snprintf(c->alarms_journal, sizeof c->alarms_journal, "borne-collector-alarms.jsonl");
    c->wait_target_min = 15;
    snprintf(c->alert_sink.sendmail, sizeof c->alert_sink.sendmail, "/usr/sbin/sendmail");
}

static int set_str(char *dst, size_t size, const char *v)
{
    if (strlen(v) >= size)
        return -1;
    snprintf(dst, size, "%s", v);
    return 0;
}

static int set_num(long long *out, const char *v, long long min, long long max)
{
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || end == v || *end || n < min || n > max)
        return -1;
    *out = n;
    return 0;
}

/* One setting by (section, key); base is the directory relative paths hang from (NULL for flags).
 * Returns NULL or what is wrong. */
static const char *apply(struct collector_config *c, const char *section, const char *key, const char *value,
                         const char *base)
{
    long long n;
    char path[COLLECTOR_PATH_MAX];
    const char *pathv = value;
    if (base && value[0] != '/' && value[0] != '\0') {
        if ((size_t)snprintf(path, sizeof path, "%s/%s", base, value) >= sizeof path)
            return "path too long";
        pathv = path;
    }
    if (strcmp(section, "collector") == 0) {
        if (strcmp(key, "listen") == 0)
            return set_str(c->listen, sizeof c->listen, value) ? "address too long" : NULL;
        if (strcmp(key, "port") == 0)
            return set_num(&n, value, 0, 65535) ? "port: 0..65535 expected" : (c->port = (int)n, NULL);
        if (strcmp(key, "threads") == 0)
            return set_num(&n, value, 1, 256) ? "threads: 1..256 expected" : (c->threads = (int)n, NULL);
        if (strcmp(key, "body_cap") == 0)
            return set_num(&n, value, 1024, 1LL << 30) ? "body_cap: 1024..1073741824 bytes expected"
                                                       : (c->body_cap = (size_t)n, NULL);
        if (strcmp(key, "pending_cap") == 0)
            return set_num(&n, value, 1024, 1LL << 34) ? "pending_cap: 1024..17179869184 bytes expected"
                                                       : (c->pending_cap = (size_t)n, NULL);
        if (strcmp(key, "max_buckets") == 0)
            return set_num(&n, value, 1, 10000000) ? "max_buckets: 1..10000000 expected"
                                                   : (c->max_buckets = (size_t)n, NULL);
    } else if (strcmp(section, "storage") == 0) {
        if (strcmp(key, "backend") == 0) {
            if (strcmp(value, "sqlite") == 0)
                c->backend = COLLECTOR_BACKEND_SQLITE;
            else if (strcmp(value, "postgresql") == 0)
                c->backend = COLLECTOR_BACKEND_POSTGRESQL;
            else
                return "backend: sqlite or postgresql expected";
            return NULL;
        }
        if (strcmp(key, "alarms_journal") == 0)
            return set_str(c->alarms_journal, sizeof c->alarms_journal, pathv) ? "path too long" : NULL;
        if (strcmp(key, "path") == 0 || strcmp(key, "conninfo") == 0)
            return set_str(c->storage, sizeof c->storage, strcmp(key, "path") == 0 ? pathv : value)
                       ? "value too long" : NULL;
    } else if (strcmp(section, "antennes") == 0) {
        char *dst = strcmp(key, "csv") == 0                ? c->antennes_csv
                    : strcmp(key, "tokens") == 0           ? c->tokens
                    : strcmp(key, "tokens_dir") == 0       ? c->tokens_dir
                    : strcmp(key, "admin_token_file") == 0 ? c->admin_token_file
                    : strcmp(key, "groups") == 0           ? c->groups
                                                           : NULL;
        if (dst)
            return set_str(dst, COLLECTOR_PATH_MAX, pathv) ? "path too long" : NULL;
    } else if (strcmp(section, "console") == 0) {
        if (strcmp(key, "wait_target_min") == 0)
            return set_num(&n, value, 1, 60) || !collector_console_target_ok((int)n)
                       ? "wait_target_min: a bound of the wait bands expected (5, 10, 15, 20, 30, 45 or 60)"
                       : (c->wait_target_min = (int)n, NULL);
        if (strcmp(key, "users") == 0)
            return set_str(c->users, sizeof c->users, pathv) ? "path too long" : NULL;
        char *dst = strcmp(key, "alert_webhook_url") == 0 ? c->alert_sink.webhook_url
                    : strcmp(key, "alert_mail_to") == 0   ? c->alert_sink.mail_to
                    : strcmp(key, "sendmail") == 0        ? c->alert_sink.sendmail
                                                          : NULL;
        if (dst)
            return set_str(dst, sizeof c->alert_sink.sendmail, value) ? "value too long" : NULL;
    } else if (strcmp(section, "tls") == 0) {
        char *dst = strcmp(key, "cert") == 0 ? c->cert : strcmp(key, "key") == 0 ? c->key : NULL;
        if (dst)
            return set_str(dst, COLLECTOR_PATH_MAX, pathv) ? "path too long" : NULL;
    } else {
        return "unknown section";
    }
    return "unknown key";
}

struct ini_ctx {
    struct collector_config *c;
    const char *base;
    const char *error;
};

static int on_ini(void *user, const char *section, const char *key, const char *value)
{
    struct ini_ctx *x = user;
    x->error = apply(x->c, section, key, value, x->base);
    return x->error == NULL;
}

int collector_config_load_ini(struct collector_config *c, const char *path, char *err, size_t errlen)
{
    char base[COLLECTOR_PATH_MAX];
    snprintf(base, sizeof base, "%s", path);
    char *slash = strrchr(base, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(base, sizeof base, ".");
    struct ini_ctx x = {c, base, NULL};
    int rc = ini_parse(path, on_ini, &x);
    if (rc == -1) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (rc != 0) {
        snprintf(err, errlen, "%s:%d: %s", path, rc, x.error ? x.error : "syntax error");
        return -1;
    }
    return 0;
}

struct flag {
    const char *name, *section, *key;
};

static const struct flag flags[] = {
    {"--listen", "collector", "listen"},         {"--port", "collector", "port"},
    {"--threads", "collector", "threads"},       {"--body-cap", "collector", "body_cap"},
    {"--pending-cap", "collector", "pending_cap"},
    {"--max-buckets", "collector", "max_buckets"}, {"--sqlite", "storage", "path"},
    {"--postgresql", "storage", "conninfo"},     {"--antennes-csv", "antennes", "csv"},
    {"--tokens", "antennes", "tokens"},          {"--tokens-dir", "antennes", "tokens_dir"},
    {"--admin-token-file", "antennes", "admin_token_file"}, {"--cert", "tls", "cert"},
    {"--key", "tls", "key"},                     {"--groups", "antennes", "groups"},
    {"--alarms-journal", "storage", "alarms_journal"}, {"--wait-target-min", "console", "wait_target_min"},
    {"--alert-webhook-url", "console", "alert_webhook_url"}, {"--alert-mail-to", "console", "alert_mail_to"},
    {"--sendmail", "console", "sendmail"},       {"--users", "console", "users"},
};

int collector_config_parse_args(struct collector_config *c, int argc, char **argv, char *err, size_t errlen)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            snprintf(err, errlen, "%s", collector_config_usage);
            return 1;
        }
        if (strcmp(argv[i], "--config") == 0) {
            if (i + 1 >= argc) {
                snprintf(err, errlen, "--config needs a value");
                return -1;
            }
            if (collector_config_load_ini(c, argv[++i], err, errlen) != 0)
                return -1;
        }
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0) {
            i++;
            continue;
        }
        const struct flag *f = NULL;
        for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++)
            if (strcmp(argv[i], flags[k].name) == 0)
                f = &flags[k];
        if (!f) {
            snprintf(err, errlen, "unknown argument %s\n%s", argv[i], collector_config_usage);
            return -1;
        }
        if (i + 1 >= argc) {
            snprintf(err, errlen, "%s needs a value", argv[i]);
            return -1;
        }
        const char *why = apply(c, f->section, f->key, argv[++i], NULL);
        if (why) {
            snprintf(err, errlen, "%s: %s", f->name, why);
            return -1;
        }
        if (strcmp(f->name, "--sqlite") == 0)
            c->backend = COLLECTOR_BACKEND_SQLITE;
        else if (strcmp(f->name, "--postgresql") == 0)
            c->backend = COLLECTOR_BACKEND_POSTGRESQL;
    }
    return 0;
}

int collector_config_check(const struct collector_config *c, char *err, size_t errlen)
{
    if (!c->antennes_csv[0]) {
        snprintf(err, errlen, "no antennes: give --antennes-csv FILE (or [antennes] csv = FILE)");
        return -1;
    }
    if (!c->cert[0] != !c->key[0]) {
        snprintf(err, errlen, "TLS needs both a certificate and a key (--cert and --key)");
        return -1;
    }
    if (!c->storage[0]) {
        snprintf(err, errlen, "no storage: give --sqlite PATH or --postgresql CONNINFO");
        return -1;
    }
    if (c->pending_cap < c->body_cap) {
        snprintf(err, errlen, "pending_cap (%zu) is below body_cap (%zu): no batch of the largest size could"
                 " ever be received", c->pending_cap, c->body_cap);
        return -1;
    }
    return 0;
}
