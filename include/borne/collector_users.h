/* People of headquarters who sign in to the steering console, and their sessions.
 *
 * Users file ([console] users = FILE, mode 0600 like the token files): one user per line,
 *   <name> <scope> <hash>
 * name [a-z0-9._-]{1,64}; scope "region" (every antenne) or "group:<group id>" (the antennes of one
 * group of the antennes table, the sites a manager runs); hash the libsodium crypto_pwhash_str()
 * string (Argon2id), made by `borne-collector-passwd`. '#' starts a comment line.
 *
 * Sessions: a random 256-bit id in a cookie (HttpOnly, SameSite=Strict, Secure behind TLS) and a
 * random CSRF token that every change (a POST) must carry in its form. They last COLLECTOR_SESSION_S.
 * With collector_users_persist() they are also kept in the store (fleet records of namespace
 * "console_session") so a restart signs nobody out: the record's key is the BLAKE2b hash of the id
 * (the store never holds a cookie that opens a session), its value the user's name, the CSRF token
 * and the expiry. Signing out deletes the record before the session ends in memory; a session
 * whose record cannot be deleted stays open (and the sign-out says so) rather than come back at the
 * next start.
 *
 * Thread-safe: the server's threads share one collector_users.
 */
#ifndef BORNE_COLLECTOR_USERS_H
#define BORNE_COLLECTOR_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "borne/collector_antennes.h"
#include "borne/collector_store.h"

#define COLLECTOR_SESSION_S (8 * 3600)
#define COLLECTOR_SESSION_ID_LEN 64      /* hex characters */
#define COLLECTOR_USER_NAME_MAX 64
#define COLLECTOR_PASSWORD_MAX 256

struct collector_users;

/* Loads the users file (path "" = no users: the console then takes the HQ token only). A group
 * scope must name a group of the registry. Returns 0, or -1 with "file:line: message" in err. */
int collector_users_load(const char *path, const struct collector_antennes *antennes, struct collector_users **out,
                         char *err, size_t errlen);
void collector_users_free(struct collector_users *u);

/* Keeps sessions in the store `target` of `backend` (its own connection) and opens the live ones kept
 * there: expired records, and those of users no longer in the file, are deleted. 0, or -1 with err
 * (nothing kept: the caller should not run without it). */
int collector_users_persist(struct collector_users *u, enum collector_backend backend, const char *target,
                            int64_t now, char *err, size_t errlen);

/* Hash of a password for the users file (out holds at least 128 bytes). 0, or -1 out of memory. */
int collector_users_hash(const char *password, char *out, size_t size);

/* The user signed in by name and password, or -1 (unknown name or wrong password; the same work is
 * done for an unknown name, so timing does not tell names). */
long collector_users_verify(struct collector_users *u, const char *name, const char *password);

const char *collector_users_name(const struct collector_users *u, long user);
/* The group the user is limited to; "" for a region user. */
const char *collector_users_group(const struct collector_users *u, long user);

/* Opens a session for user at now: id and csrf get COLLECTOR_SESSION_ID_LEN hex characters and a NUL.
 * 0, or -1 when the session table is full (expired ones are reused first) or its record cannot be
 * written. */
int collector_users_session_open(struct collector_users *u, long user, int64_t now,
                                 char id[COLLECTOR_SESSION_ID_LEN + 1], char csrf[COLLECTOR_SESSION_ID_LEN + 1]);
/* The user of a live session id (NULL or unknown or expired: -1); csrf (may be NULL) gets its token. */
long collector_users_session_get(struct collector_users *u, const char *id, int64_t now,
                                 char csrf[COLLECTOR_SESSION_ID_LEN + 1]);
/* Ends a session: 0 (also when there was none), or -1 when its record could not be deleted (the session
 * then stays open). */
int collector_users_session_close(struct collector_users *u, const char *id);

/* Constant-time comparison of two tokens (false when either is NULL or the lengths differ). */
bool collector_users_token_equal(const char *a, const char *b);

#endif
