#include "borne/collector_users.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "borne/log.h"
#include "borne/secret.h"

BORNE_LOG_MODULE("users");

#define SESSIONS_MAX 256
#define NS_SESSION "console_session"
#define HASH_HEX (crypto_generichash_BYTES * 2)

struct user {
    char name[COLLECTOR_USER_NAME_MAX + 1];
    char group[COLLECTOR_ID_MAX + 1];
    char hash[crypto_pwhash_STRBYTES];
};

struct session {
    char hash[HASH_HEX + 1];   /* of the cookie's id: the id itself is kept nowhere */
    char csrf[COLLECTOR_SESSION_ID_LEN + 1];
    long user;
    int64_t expires;   /* 0 = free slot */
};

struct collector_users {
    struct user *users;
    size_t n;
    char dummy[crypto_pwhash_STRBYTES];   /* verified against for an unknown name */
    pthread_mutex_t mu;      /* sessions and the store connection */
    struct session sessions[SESSIONS_MAX];
    struct collector_store *store;   /* NULL: sessions in memory only */
};

static bool name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > COLLECTOR_USER_NAME_MAX)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-'))
            return false;
    return true;
}

static bool group_known(const struct collector_antennes *a, const char *g)
{
    for (size_t i = 0; i < collector_antennes_count(a); i++)
        if (strcmp(collector_antennes_at(a, i)->group, g) == 0)
            return true;
    return false;
}

int collector_users_hash(const char *password, char *out, size_t size)
{
    if (size < crypto_pwhash_STRBYTES || sodium_init() < 0)
        return -1;
    return crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0
               ? 0
               : -1;
}

static int fail(char *err, size_t errlen, const char *path, int line, const char *msg, FILE *f,
                struct collector_users *u)
{
    snprintf(err, errlen, "%s:%d: %s", path, line, msg);
    if (f)
        fclose(f);
    collector_users_free(u);
    return -1;
}

int collector_users_load(const char *path, const struct collector_antennes *antennes, struct collector_users **out,
                         char *err, size_t errlen)
{
    *out = NULL;
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium cannot start");
        return -1;
    }
    struct collector_users *u = calloc(1, sizeof *u);
    if (!u || collector_users_hash("no such user: same work as a real one", u->dummy, sizeof u->dummy) != 0) {
        free(u);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    pthread_mutex_init(&u->mu, NULL);
    if (!path[0]) {
        *out = u;
        return 0;
    }
    FILE *f = secret_open_file(path, err, errlen);
    if (!f) {
        collector_users_free(u);
        return -1;
    }
    char line[1024];
    for (int no = 1; fgets(line, sizeof line, f); no++) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char name[128], scope[128], hash[256];
        if (sscanf(line, "%127s %127s %255s", name, scope, hash) != 3)
            return fail(err, errlen, path, no, "expected \"<name> <region|group:ID> <hash>\"", f, u);
        if (!name_ok(name))
            return fail(err, errlen, path, no, "user name: [a-z0-9._-]{1,64} expected", f, u);
        for (size_t i = 0; i < u->n; i++)
            if (strcmp(u->users[i].name, name) == 0)
                return fail(err, errlen, path, no, "user listed twice", f, u);
        const char *group = "";
        if (strncmp(scope, "group:", 6) == 0) {
            group = scope + 6;
            if (!group_known(antennes, group))
                return fail(err, errlen, path, no, "no antenne of the table is in this group", f, u);
        } else if (strcmp(scope, "region") != 0)
            return fail(err, errlen, path, no, "scope: \"region\" or \"group:<id>\" expected", f, u);
        if (strncmp(hash, "$argon2", 7) != 0 || strlen(hash) >= crypto_pwhash_STRBYTES)
            return fail(err, errlen, path, no, "hash: an Argon2 string from borne-collector-passwd expected", f, u);
        struct user *nu = realloc(u->users, (u->n + 1) * sizeof *nu);
        if (!nu)
            return fail(err, errlen, path, no, "out of memory", f, u);
        u->users = nu;
        struct user *x = &u->users[u->n++];
        snprintf(x->name, sizeof x->name, "%.64s", name);
        snprintf(x->group, sizeof x->group, "%.64s", group);
        snprintf(x->hash, sizeof x->hash, "%.127s", hash);
    }
    fclose(f);
    *out = u;
    return 0;
}

void collector_users_free(struct collector_users *u)
{
    if (!u)
        return;
    collector_store_close(u->store);
    pthread_mutex_destroy(&u->mu);
    sodium_memzero(u->sessions, sizeof u->sessions);
    free(u->users);
    free(u);
}

long collector_users_verify(struct collector_users *u, const char *name, const char *password)
{
    long found = -1;
    for (size_t i = 0; i < u->n; i++)
        if (strcmp(u->users[i].name, name) == 0)
            found = (long)i;
    const char *hash = found >= 0 ? u->users[found].hash : u->dummy;
    bool ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
    return ok && found >= 0 ? found : -1;
}

const char *collector_users_name(const struct collector_users *u, long user)
{
    return u->users[user].name;
}

const char *collector_users_group(const struct collector_users *u, long user)
{
    return u->users[user].group;
}

static void random_hex(char out[COLLECTOR_SESSION_ID_LEN + 1])
{
    unsigned char raw[COLLECTOR_SESSION_ID_LEN / 2];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(out, COLLECTOR_SESSION_ID_LEN + 1, raw, sizeof raw);
}

static void id_hash(const char *id, char out[HASH_HEX + 1])
{
    unsigned char h[crypto_generichash_BYTES];
    crypto_generichash(h, sizeof h, (const unsigned char *)id, strlen(id), NULL, 0);
    sodium_bin2hex(out, HASH_HEX + 1, h, sizeof h);
}

/* Under mu: the record of s in the store (none kept without a store). */
static int record_put(struct collector_users *u, const struct session *s, int64_t now)
{
    if (!u->store)
        return 0;
    json_t *v = json_pack("{s:s, s:s, s:I}", "user", u->users[s->user].name, "csrf", s->csrf, "expires",
                          (json_int_t)s->expires);
    char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;
    json_decref(v);
    int rc = text ? collector_store_kv_put(u->store, NS_SESSION, s->hash, text, now) : -1;
    if (rc != 0)
        log_error("session not kept: %s", text ? collector_store_error(u->store) : "out of memory");
    if (text)
        sodium_memzero(text, strlen(text));
    free(text);
    return rc;
}

/* Under mu. */
static int record_delete(struct collector_users *u, const char *hash)
{
    if (!u->store || collector_store_kv_delete(u->store, NS_SESSION, hash) == 0)
        return 0;
    log_error("session record not deleted: %s", collector_store_error(u->store));
    return -1;
}

int collector_users_session_open(struct collector_users *u, long user, int64_t now,
                                 char id[COLLECTOR_SESSION_ID_LEN + 1], char csrf[COLLECTOR_SESSION_ID_LEN + 1])
{
    pthread_mutex_lock(&u->mu);
    struct session *slot = NULL;
    for (size_t i = 0; i < SESSIONS_MAX && !slot; i++)
        if (u->sessions[i].expires <= now && (!u->sessions[i].expires || record_delete(u, u->sessions[i].hash) == 0))
            slot = &u->sessions[i];
    int rc = -1;
    if (slot) {
        random_hex(id);
        id_hash(id, slot->hash);
        random_hex(slot->csrf);
        slot->user = user;
        slot->expires = now + COLLECTOR_SESSION_S;
        memcpy(csrf, slot->csrf, sizeof slot->csrf);
        rc = record_put(u, slot, now);
        if (rc != 0)
            sodium_memzero(slot, sizeof *slot);
    }
    pthread_mutex_unlock(&u->mu);
    return rc;
}

struct load_ctx {
    struct collector_users *u;
    int64_t now;
    char (*drop)[HASH_HEX + 1];   /* records to delete */
    size_t n_drop, cap_drop;
    size_t n_open;
    bool oom;
};

static int load_record(void *ctx, const char *key, const char *value, int64_t at)
{
    (void)at;
    struct load_ctx *x = ctx;
    struct collector_users *u = x->u;
    json_t *v = json_loads(value, 0, NULL);
    const char *name = json_string_value(json_object_get(v, "user"));
    const char *csrf = json_string_value(json_object_get(v, "csrf"));
    json_int_t expires = json_integer_value(json_object_get(v, "expires"));
    long user = -1;
    for (size_t i = 0; name && i < u->n; i++)
        if (strcmp(u->users[i].name, name) == 0)
            user = (long)i;
    bool keep = user >= 0 && csrf && strlen(csrf) == COLLECTOR_SESSION_ID_LEN && strlen(key) == HASH_HEX &&
                expires > x->now && x->n_open < SESSIONS_MAX;
    if (keep) {
        struct session *s = &u->sessions[x->n_open++];
        snprintf(s->hash, sizeof s->hash, "%s", key);
        snprintf(s->csrf, sizeof s->csrf, "%s", csrf);
        s->user = user;
        s->expires = expires;
    } else if (strlen(key) <= HASH_HEX) {
        if (x->n_drop == x->cap_drop) {
            size_t cap = x->cap_drop ? 2 * x->cap_drop : 16;
            void *nd = realloc(x->drop, cap * sizeof *x->drop);
            if (!nd) {
                json_decref(v);
                x->oom = true;
                return -1;
            }
            x->drop = nd;
            x->cap_drop = cap;
        }
        snprintf(x->drop[x->n_drop++], HASH_HEX + 1, "%s", key);
    }
    json_decref(v);
    return 0;
}

int collector_users_persist(struct collector_users *u, enum collector_backend backend, const char *target,
                            int64_t now, char *err, size_t errlen)
{
    if (collector_store_open(backend, target, &u->store, err, errlen) != 0)
        return -1;
    struct load_ctx x = {.u = u, .now = now};
    pthread_mutex_lock(&u->mu);
    int rc = collector_store_kv_list(u->store, NS_SESSION, load_record, &x);
    if (rc != 0)
        snprintf(err, errlen, "console sessions: %s", x.oom ? "out of memory" : collector_store_error(u->store));
    for (size_t i = 0; rc == 0 && i < x.n_drop; i++)
        record_delete(u, x.drop[i]);
    pthread_mutex_unlock(&u->mu);
    free(x.drop);
    if (rc != 0) {
        collector_store_close(u->store);
        u->store = NULL;
        sodium_memzero(u->sessions, sizeof u->sessions);
        return -1;
    }
    if (x.n_open)
        log_notice("%zu console sessions kept from before the start", x.n_open);
    return 0;
}

bool collector_users_token_equal(const char *a, const char *b)
{
    if (!a || !b || strlen(a) != strlen(b))
        return false;
    return sodium_memcmp(a, b, strlen(a)) == 0;
}

long collector_users_session_get(struct collector_users *u, const char *id, int64_t now,
                                 char csrf[COLLECTOR_SESSION_ID_LEN + 1])
{
    if (!id || strlen(id) != COLLECTOR_SESSION_ID_LEN)
        return -1;
    char hash[HASH_HEX + 1];
    id_hash(id, hash);
    long user = -1;
    pthread_mutex_lock(&u->mu);
    for (size_t i = 0; i < SESSIONS_MAX; i++) {
        struct session *s = &u->sessions[i];
        if (s->expires > now && collector_users_token_equal(s->hash, hash)) {
            user = s->user;
            if (csrf)
                memcpy(csrf, s->csrf, sizeof s->csrf);
        }
    }
    pthread_mutex_unlock(&u->mu);
    return user;
}

int collector_users_session_close(struct collector_users *u, const char *id)
{
    if (!id)
        return 0;
    char hash[HASH_HEX + 1];
    id_hash(id, hash);
    int rc = 0;
    pthread_mutex_lock(&u->mu);
    for (size_t i = 0; i < SESSIONS_MAX; i++)
        if (u->sessions[i].expires && collector_users_token_equal(u->sessions[i].hash, hash)) {
            rc = record_delete(u, hash);
            if (rc == 0)
                sodium_memzero(&u->sessions[i], sizeof u->sessions[i]);
        }
    pthread_mutex_unlock(&u->mu);
    return rc;
}
