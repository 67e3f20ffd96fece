/* What a desk records about visits besides the ticket's life: the partners a visitor can be
 * referred to (from the setup), and contacts handled through another channel (phone, e-mail).
 * Both reach headquarters through the aggregates (borne/contract.h). */
#include "queue_internal.h"

#include <stdio.h>
#include <string.h>

static const char SQL_PARTNER_DISABLE_ALL[] = "UPDATE partner SET enabled = 0";
static const char SQL_PARTNER_UPSERT[] =
    "INSERT INTO partner(id, label, enabled) VALUES(?, ?, 1)"
    " ON CONFLICT(id) DO UPDATE SET label = excluded.label, enabled = 1";
static const char SQL_PARTNER_LIST[] = "SELECT id, label FROM partner WHERE enabled = 1 ORDER BY id";
static const char SQL_PARTNER_GET[] = "SELECT count(*) FROM partner WHERE id = ? AND enabled = 1";
static const char SQL_COUNTER_EXISTS[] = "SELECT count(*) FROM counter WHERE id = ? AND enabled = 1";
static const char SQL_CONTACT_ADD[] =
    "INSERT INTO contact(at, day, hour, counter_id, channel) VALUES(?, ?, ?, ?, ?)";

int q_partners_validate(queue *q, const queue_setup *s)
{
    if (s->n_partners < 0 || s->n_partners > QUEUE_MAX_PARTNERS)
        return q_fail(q, QUEUE_EINVAL, "setup: %d partners (0..%d allowed)", s->n_partners,
                      QUEUE_MAX_PARTNERS);
    for (int i = 0; i < s->n_partners; i++) {
        const queue_partner *p = &s->partners[i];
        if (!memchr(p->id, '\0', sizeof p->id) || !contract_partner_id_valid(p->id))
            return q_fail(q, QUEUE_EINVAL, "setup: partner %d: id must be 1-%d of a-z 0-9 -", i + 1,
                          CONTRACT_PARTNER_ID_MAX);
        if (!memchr(p->label, '\0', sizeof p->label) || !p->label[0])
            return q_fail(q, QUEUE_EINVAL, "setup: partner %s: missing or unterminated label", p->id);
        for (int j = 0; j < i; j++)
            if (strcmp(s->partners[j].id, p->id) == 0)
                return q_fail(q, QUEUE_EINVAL, "setup: partner %s given twice", p->id);
    }
    return QUEUE_OK;
}

/* Partners dropped from the setup are disabled, not deleted: old tickets keep naming them. */
int q_partners_apply(queue *q, const queue_setup *s)
{
    int err;
    Q_STMT(q, dis, SQL_PARTNER_DISABLE_ALL);
    if ((err = q_exec_stmt(q, dis, "disable partners")))
        return err;
    for (int i = 0; i < s->n_partners; i++) {
        Q_STMT(q, u, SQL_PARTNER_UPSERT);
        sqlite3_bind_text(u, 1, s->partners[i].id, -1, SQLITE_STATIC);
        sqlite3_bind_text(u, 2, s->partners[i].label, -1, SQLITE_STATIC);
        if ((err = q_exec_stmt(q, u, "save partner")))
            return err;
    }
    return QUEUE_OK;
}

int q_partners_read(queue *q, queue_setup *out)
{
    Q_STMT(q, s, SQL_PARTNER_LIST);
    int rc, err = QUEUE_OK;
    out->n_partners = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && out->n_partners < QUEUE_MAX_PARTNERS) {
        queue_partner *p = &out->partners[out->n_partners++];
        q_copy(p->id, sizeof p->id, (const char *)sqlite3_column_text(s, 0));
        q_copy(p->label, sizeof p->label, (const char *)sqlite3_column_text(s, 1));
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        err = q_sqlfail(q, rc, "read partners");
    sqlite3_reset(s);
    return err;
}

int q_partner_check(queue *q, const char *id)
{
    Q_STMT(q, s, SQL_PARTNER_GET);
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    int64_t n = 0;
    int err = q_scalar(q, s, &n, "find partner");
    if (!err && n == 0)
        err = q_fail(q, QUEUE_ENOPARTNER, "partner \"%.40s\" is not in the configured list", id);
    return err;
}

static int contact(queue *q, int64_t now, int counter_id, int channel)
{
    Q_STMT(q, c, SQL_COUNTER_EXISTS);
    sqlite3_bind_int(c, 1, counter_id);
    int64_t n = 0;
    int err = q_scalar(q, c, &n, "find counter");
    if (err)
        return err;
    if (n == 0)
        return q_fail(q, QUEUE_ENOCOUNTER, "contact: no counter %d", counter_id);
    q_local lt;
    q_localtime(now, &lt);
    Q_STMT(q, s, SQL_CONTACT_ADD);
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_text(s, 2, lt.day, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 3, lt.hour);
    sqlite3_bind_int(s, 4, counter_id);
    sqlite3_bind_int(s, 5, channel);
    if ((err = q_exec_stmt(q, s, "save contact")))
        return err;
    char actor[24];
    snprintf(actor, sizeof actor, "counter:%d", counter_id);
    return q_event_unticketed(q, now, "contact", actor, &lt, 0, counter_id);
}

int queue_contact(queue *q, int64_t now, int counter_id, int channel)
{
    if (!contract_channel_word(channel))
        return q_fail(q, QUEUE_EINVAL, "contact: channel %d is not one of the contract's", channel);
    int err = q_begin(q);
    if (err)
        return err;
    return q_end(q, contact(q, now, counter_id, channel));
}
