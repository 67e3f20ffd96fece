#include "borne/fleet.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "borne/config_business.h"
#include "borne/log.h"

BORNE_LOG_MODULE("fleet");

struct fleet {
    borne_config *cfg;        /* main's; business fields written on the SDL thread only */
    channel *ch;              /* borrowed: the role's HQ channel */
    void (*wake)(void *ctx);
    void *wake_ctx;
    char business_path[CONFIG_PATH_MAX + 32];

    pthread_mutex_t mu;       /* below */
    /* The validated document waiting for the SDL thread. */
    json_t *pending_doc;
    int64_t pending_id;
    borne_config *pending_cfg;
};

void fleet_business_path(const borne_config *cfg, char *out, size_t cap)
{
    snprintf(out, cap, "%s.business.json", cfg->store.path);
}

void fleet_overlay(borne_config *cfg)
{
    char path[CONFIG_PATH_MAX + 32], err[768];
    fleet_business_path(cfg, path, sizeof path);
    int rc = config_business_overlay(cfg, path, err, sizeof err);
    if (rc == 0)
        log_notice("business settings version %lld from headquarters (%s)", (long long)cfg->business_version, path);
    else if (rc < 0)
        log_error("last business document not applied, the file's settings serve: %s", err);
}

/* Written beside, flushed, renamed: a power cut leaves the old document or the new, never half. */
static int save_document(const char *path, const json_t *doc)
{
    char tmp[CONFIG_PATH_MAX + 48];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0)
        return -errno;
    int rc = json_dumpfd(doc, fd, JSON_COMPACT) == 0 && fsync(fd) == 0 ? 0 : -EIO;
    close(fd);
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -errno;
    if (rc != 0)
        unlink(tmp);
    return rc;
}

/* Channel thread: validate now (the refusal reaches HQ at once), apply later on the SDL thread. */
static int on_config(void *ctx, const channel_message *msg, json_t **result, char *err, size_t errlen)
{
    (void)result;
    fleet *f = ctx;
    borne_config *next = malloc(sizeof *next);
    if (!next) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    pthread_mutex_lock(&f->mu);
    /* Validated against the settings the board would run: the waiting document if any. */
    const borne_config *base = f->pending_cfg ? f->pending_cfg : f->cfg;
    *next = *base;
    int rc = -EINVAL;
    if (!json_is_string(json_object_get(msg->data, "antenne")))
        snprintf(err, errlen, "the document names no antenne");
    else
        rc = config_business_apply(next, msg->data, next, err, errlen);
    if (rc != 0) {
        int64_t serving = base->business_version;
        pthread_mutex_unlock(&f->mu);
        free(next);
        log_warn("business document (message %lld) refused, version %lld still serves: %s", (long long)msg->id,
                 (long long)serving, err);
        return rc;
    }
    if (f->pending_doc) {
        char why[96];
        snprintf(why, sizeof why, "superseded by version %lld before it could apply",
                 (long long)next->business_version);
        channel_complete(f->ch, "config", f->pending_id, why, NULL);
        json_decref(f->pending_doc);
        free(f->pending_cfg);
    }
    f->pending_doc = json_deep_copy(msg->data);
    f->pending_id = msg->id;
    f->pending_cfg = next;
    pthread_mutex_unlock(&f->mu);
    log_info("business settings version %lld validated, waiting for the kiosk to be idle",
             (long long)next->business_version);
    if (f->wake)
        f->wake(f->wake_ctx);
    return CHANNEL_DEFERRED;
}

int fleet_apply_pending(void *fleet_ctx, queue *q, int64_t now)
{
    fleet *f = fleet_ctx;
    if (!f)
        return 0;
    pthread_mutex_lock(&f->mu);
    json_t *doc = f->pending_doc;
    borne_config *next = f->pending_cfg;
    int64_t id = f->pending_id;
    f->pending_doc = NULL;
    f->pending_cfg = NULL;
    pthread_mutex_unlock(&f->mu);
    if (!doc)
        return 0;
    int64_t version = next->business_version;
    int rc = queue_apply_setup(q, &next->setup, now);
    if (rc != QUEUE_OK) {
        char why[320];
        snprintf(why, sizeof why, "the engine refused version %lld: %s", (long long)version, queue_errmsg(q));
        channel_complete(f->ch, "config", id, why, NULL);
        json_decref(doc);
        free(next);
        return -EINVAL;
    }
    /* Only the business fields change: the device settings other threads read stay as they are.
     * Under mu: the channel thread copies this config to validate the next document. */
    pthread_mutex_lock(&f->mu);
    borne_config *c = f->cfg;
    memcpy(c->setup.services, next->setup.services, sizeof c->setup.services);
    c->setup.n_services = next->setup.n_services;
    memcpy(c->setup.week, next->setup.week, sizeof c->setup.week);
    c->setup.last_ticket_min = next->setup.last_ticket_min;
    c->setup.public_holidays = next->setup.public_holidays;
    c->setup.n_closures = next->setup.n_closures;
    memcpy(c->setup.closures, next->setup.closures, sizeof c->setup.closures);
    memcpy(c->antenne.message_fr, next->antenne.message_fr, sizeof c->antenne.message_fr);
    memcpy(c->antenne.message_en, next->antenne.message_en, sizeof c->antenne.message_en);
    memcpy(c->antenne.screen_message_fr, next->antenne.screen_message_fr, sizeof c->antenne.screen_message_fr);
    memcpy(c->antenne.screen_message_en, next->antenne.screen_message_en, sizeof c->antenne.screen_message_en);
    c->antenne.waiting_target_min = next->antenne.waiting_target_min;
    c->setup.n_partners = next->setup.n_partners;
    memcpy(c->setup.partners, next->setup.partners, sizeof c->setup.partners);
    c->business_version = version;
    pthread_mutex_unlock(&f->mu);
    json_t *result = json_pack("{s:I}", "version", (json_int_t)version);
    int saved = save_document(f->business_path, doc);
    if (saved != 0) {
        /* Running, but the next start would go back to the previous document: HQ must know. */
        log_error("version %lld applied but not kept on disk (%s): %s", (long long)version, f->business_path,
                  strerror(-saved));
        json_object_set_new(result, "warning", json_string("applied, but not kept on disk: lost at restart"));
    }
    channel_complete(f->ch, "config", id, NULL, result);
    log_notice("business settings version %lld applied", (long long)version);
    json_decref(doc);
    free(next);
    return 1;
}

int fleet_start(fleet **out, channel *ch, borne_config *cfg, void (*wake)(void *ctx), void *wake_ctx,
                char *errbuf, size_t errlen)
{
    *out = NULL;
    fleet *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(errbuf, errlen, "out of memory");
        return -ENOMEM;
    }
    pthread_mutex_init(&f->mu, NULL);
    f->cfg = cfg;
    f->ch = ch;
    f->wake = wake;
    f->wake_ctx = wake_ctx;
    fleet_business_path(cfg, f->business_path, sizeof f->business_path);
    int rc = channel_register(ch, "config", on_config, f);
    if (rc != 0) {
        snprintf(errbuf, errlen, "channel type \"config\": %s", strerror(-rc));
        fleet_stop(f);
        return rc;
    }
    *out = f;
    return 0;
}

void fleet_stop(fleet *f)
{
    if (!f)
        return;
    json_decref(f->pending_doc);
    free(f->pending_cfg);
    pthread_mutex_destroy(&f->mu);
    free(f);
}
