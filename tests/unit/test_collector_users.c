/* Console users and sessions: the users file's refusals (mode, scope, unknown group, twice the same
 * name, a hash that is not Argon2), password checks, sessions that expire and end, tokens compared
 * whole; sessions kept in a real store (SQLite) outlive a restart, under the hash of their id only,
 * and signing out or expiring ends them for good. */
#include "borne/collector_users.h"
#include "testlib.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const int64_t T0 = 1780000000;

static struct collector_antennes *registry(const char *dir)
{
    const char *csv = testlib_write_file(dir, "antennes.csv",
                                         "name,opened,population,communes,territory,group,lat,lon\n"
                                         "Soissons,2016-12-12,1,1,Aisne,aisne-sud,49.4,3.3\n"
                                         "Amiens,2018-05-22,1,1,Somme,somme,49.9,2.3\n",
                                         0644);
    struct collector_antennes *a = NULL;
    char err[256];
    CHECK_INT(collector_antennes_load_csv(csv, &a, err, sizeof err), 0);
    return a;
}

static void refusals(void)
{
    const char *dir = testlib_tmpdir("collector_users_bad");
    struct collector_antennes *a = registry(dir);
    char hash[256], line[512], err[512];
    CHECK_INT(collector_users_hash("un-mot-de-passe-correct", hash, sizeof hash), 0);
    /* Each line is `head` then the hash (when with_hash), written `lines` times. */
    const struct {
        const char *head;
        bool with_hash;
        int lines;
        unsigned mode;
        const char *says;
    } cases[] = {
        {"ok region ", true, 1, 0644, "chmod 600"},   /* a world-readable file: refused like a token file */
        {"ok county ", true, 1, 0600, "scope"},
        {"ok group:nord ", true, 1, 0600, "no antenne of the table is in this group"},
        {"Bad%Name region ", true, 1, 0600, "user name"},
        {"ok region ", true, 2, 0600, ":2: user listed twice"},
        {"ok region plain-text-password", false, 1, 0600, "hash"},
        {"ok region", false, 1, 0600, "expected"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        line[0] = '\0';
        for (int k = 0; k < cases[i].lines; k++) {
            strcat(line, cases[i].head);
            if (cases[i].with_hash)
                strcat(line, hash);
            strcat(line, "\n");
        }
        const char *path = testlib_write_file(dir, "users.txt", line, cases[i].mode);
        struct collector_users *u = (struct collector_users *)1;
        CHECK_INT(collector_users_load(path, a, &u, err, sizeof err), -1);
        CHECK(u == NULL);
        if (!CHECK(strstr(err, cases[i].says) != NULL))
            fprintf(stderr, "case %zu: %s\n", i, err);
    }
    collector_antennes_free(a);
}

static void sign_in_and_sessions(void)
{
    const char *dir = testlib_tmpdir("collector_users");
    struct collector_antennes *a = registry(dir);
    char h1[256], h2[256], text[1024], err[512];
    CHECK_INT(collector_users_hash("mot-de-passe-de-la-region", h1, sizeof h1), 0);
    CHECK_INT(collector_users_hash("mot-de-passe-du-groupe", h2, sizeof h2), 0);
    CHECK(strncmp(h1, "$argon2id$", 10) == 0);
    snprintf(text, sizeof text, "# console\ndirectrice region %s\n\ngestion group:aisne-sud %s\n", h1, h2);
    struct collector_users *u = NULL;
    CHECK_INT(collector_users_load(testlib_write_file(dir, "users.txt", text, 0600), a, &u, err, sizeof err), 0);
    long d = collector_users_verify(u, "directrice", "mot-de-passe-de-la-region");
    long g = collector_users_verify(u, "gestion", "mot-de-passe-du-groupe");
    CHECK(d >= 0 && g >= 0 && d != g);
    CHECK_STR(collector_users_group(u, d), "");
    CHECK_STR(collector_users_group(u, g), "aisne-sud");
    CHECK_INT(collector_users_verify(u, "directrice", "mot-de-passe-du-groupe"), -1);
    CHECK_INT(collector_users_verify(u, "personne", "mot-de-passe-de-la-region"), -1);

    char id[COLLECTOR_SESSION_ID_LEN + 1], csrf[COLLECTOR_SESSION_ID_LEN + 1], got[COLLECTOR_SESSION_ID_LEN + 1];
    CHECK_INT(collector_users_session_open(u, g, T0, id, csrf), 0);
    CHECK_INT((long)strlen(id), COLLECTOR_SESSION_ID_LEN);
    CHECK(strcmp(id, csrf) != 0);
    CHECK_INT(collector_users_session_get(u, id, T0 + 60, got), g);
    CHECK_STR(got, csrf);
    char forged[COLLECTOR_SESSION_ID_LEN + 1];
    memcpy(forged, id, sizeof forged);
    forged[0] = forged[0] == 'a' ? 'b' : 'a';
    CHECK_INT(collector_users_session_get(u, forged, T0 + 60, NULL), -1);
    CHECK_INT(collector_users_session_get(u, "short", T0 + 60, NULL), -1);
    CHECK_INT(collector_users_session_get(u, NULL, T0 + 60, NULL), -1);
    CHECK_INT(collector_users_session_get(u, id, T0 + COLLECTOR_SESSION_S, NULL), -1);   /* expired */
    CHECK_INT(collector_users_session_open(u, d, T0, id, csrf), 0);
    CHECK_INT(collector_users_session_close(u, id), 0);
    CHECK_INT(collector_users_session_get(u, id, T0 + 1, NULL), -1);
    CHECK(collector_users_token_equal(csrf, csrf));
    CHECK(!collector_users_token_equal(csrf, ""));
    CHECK(!collector_users_token_equal(NULL, csrf));
    collector_users_free(u);
    collector_antennes_free(a);
}

/* Every record of the sessions' namespace, keys and values joined. */
static int gather(void *ctx, const char *key, const char *value, int64_t at)
{
    (void)at;
    char *all = ctx;
    size_t len = strlen(all);
    snprintf(all + len, 8192 - len, "%s=%s\n", key, value);
    return 0;
}

static struct collector_users *restart(const char *users, const struct collector_antennes *a, const char *db,
                                       int64_t now)
{
    struct collector_users *u = NULL;
    char err[512];
    CHECK_INT(collector_users_load(users, a, &u, err, sizeof err), 0);
    if (!CHECK_INT(collector_users_persist(u, COLLECTOR_BACKEND_SQLITE, db, now, err, sizeof err), 0))
        fprintf(stderr, "%s\n", err);
    return u;
}

static void sessions_kept(void)
{
    const char *dir = testlib_tmpdir("collector_users_kept");
    struct collector_antennes *a = registry(dir);
    char h1[256], text[1024];
    CHECK_INT(collector_users_hash("mot-de-passe-de-la-region", h1, sizeof h1), 0);
    snprintf(text, sizeof text, "directrice region %s\nancienne region %s\n", h1, h1);
    const char *users = testlib_write_file(dir, "users.txt", text, 0600);
    char db[512];
    snprintf(db, sizeof db, "%s", testlib_path(dir, "hq.sqlite"));
    struct collector_users *u = restart(users, a, db, T0);
    long d = collector_users_verify(u, "directrice", "mot-de-passe-de-la-region");
    long old = collector_users_verify(u, "ancienne", "mot-de-passe-de-la-region");
    char kept[COLLECTOR_SESSION_ID_LEN + 1], ended[COLLECTOR_SESSION_ID_LEN + 1], short_lived[COLLECTOR_SESSION_ID_LEN + 1];
    char gone[COLLECTOR_SESSION_ID_LEN + 1], csrf[COLLECTOR_SESSION_ID_LEN + 1], got[COLLECTOR_SESSION_ID_LEN + 1];
    CHECK_INT(collector_users_session_open(u, d, T0, kept, csrf), 0);
    CHECK_INT(collector_users_session_open(u, d, T0, ended, got), 0);
    CHECK_INT(collector_users_session_open(u, d, T0 - COLLECTOR_SESSION_S + 100, short_lived, got), 0);
    CHECK_INT(collector_users_session_open(u, old, T0, gone, got), 0);
    CHECK_INT(collector_users_session_close(u, ended), 0);
    collector_users_free(u);

    /* The store holds hashes, never an id that opens a session. */
    struct collector_store *st = NULL;
    char err[512];
    CHECK_INT(collector_store_open(COLLECTOR_BACKEND_SQLITE, db, &st, err, sizeof err), 0);
    static char all[8192];
    all[0] = '\0';
    CHECK_INT(collector_store_kv_list(st, "console_session", gather, all), 0);
    CHECK(strstr(all, kept) == NULL && strstr(all, gone) == NULL && strstr(all, "\"user\":\"directrice\"") != NULL);
    collector_store_close(st);

    /* "ancienne" left the users file meanwhile; 200 s later the short session has expired. */
    snprintf(text, sizeof text, "directrice region %s\n", h1);
    users = testlib_write_file(dir, "users.txt", text, 0600);
    u = restart(users, a, db, T0 + 200);
    CHECK_INT(collector_users_session_get(u, kept, T0 + 200, got), 0);
    CHECK_STR(got, csrf);
    CHECK_INT(collector_users_session_get(u, ended, T0 + 200, NULL), -1);
    CHECK_INT(collector_users_session_get(u, short_lived, T0 + 200, NULL), -1);
    CHECK_INT(collector_users_session_get(u, gone, T0 + 200, NULL), -1);
    CHECK_INT(collector_users_session_close(u, kept), 0);
    collector_users_free(u);
    u = restart(users, a, db, T0 + 300);
    CHECK_INT(collector_users_session_get(u, kept, T0 + 300, NULL), -1);
    collector_users_free(u);
    /* Expired and orphaned records were deleted at the start that found them. */
    CHECK_INT(collector_store_open(COLLECTOR_BACKEND_SQLITE, db, &st, err, sizeof err), 0);
    all[0] = '\0';
    CHECK_INT(collector_store_kv_list(st, "console_session", gather, all), 0);
    CHECK_STR(all, "");
    collector_store_close(st);
    collector_antennes_free(a);
}

int main(void)
{
    RUN(refusals);
    RUN(sign_in_and_sessions);
    RUN(sessions_kept);
    return testlib_finish();
}
