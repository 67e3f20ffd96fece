#include "borne/collector_users.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "borne/secret.h"

#define SESSIONS_MAX 256

struct user {
    char name[COLLECTOR_USER_NAME_MAX + 1];
    char group[COLLECTOR_ID_MAX + 1];
    char hash[crypto_pwhash_STRBYTES];
};

struct session {
    char id[COLLECTOR_SESSION_ID_LEN + 1];
    char csrf[COLLECTOR_SESSION_ID_LEN + 1];
    long user;
    int64_t expires;   /* 0 = free slot */
};

struct collector_users {
    struct user *users;
    size_t n;
    char dummy[crypto_pwhash_STRBYTES];   /* verified against for an unknown name */
    pthread_mutex_t mu;
    struct session sessions[SESSIONS_MAX];
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

int collector_users_session_open(struct collector_users *u, long user, int64_t now,
                                 char id[COLLECTOR_SESSION_ID_LEN + 1], char csrf[COLLECTOR_SESSION_ID_LEN + 1])
{
    pthread_mutex_lock(&u->mu);
    struct session *slot = NULL;
    for (size_t i = 0; i < SESSIONS_MAX && !slot; i++)
        if (u->sessions[i].expires <= now)
            slot = &u->sessions[i];
    if (slot) {
        random_hex(slot->id);
        random_hex(slot->csrf);
        slot->user = user;
        slot->expires = now + COLLECTOR_SESSION_S;
        memcpy(id, slot->id, sizeof slot->id);
        memcpy(csrf, slot->csrf, sizeof slot->csrf);
    }
    pthread_mutex_unlock(&u->mu);
    return slot ? 0 : -1;
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
    long user = -1;
    pthread_mutex_lock(&u->mu);
    for (size_t i = 0; i < SESSIONS_MAX; i++) {
        struct session *s = &u->sessions[i];
        if (s->expires > now && collector_users_token_equal(s->id, id)) {
            user = s->user;
            if (csrf)
                memcpy(csrf, s->csrf, sizeof s->csrf);
        }
    }
    pthread_mutex_unlock(&u->mu);
    return user;
}

void collector_users_session_close(struct collector_users *u, const char *id)
{
    if (!id)
        return;
    pthread_mutex_lock(&u->mu);
    for (size_t i = 0; i < SESSIONS_MAX; i++)
        if (u->sessions[i].expires && collector_users_token_equal(u->sessions[i].id, id))
            sodium_memzero(&u->sessions[i], sizeof u->sessions[i]);
    pthread_mutex_unlock(&u->mu);
}
