/* The antennes a collector knows, with their bearer tokens and the HQ (admin) token.
 *
 * Antennes come from a CSV "name,opened,population,communes[,territory,group,lat,lon]" (lines starting
 * with '#' are comments; the last four columns are optional as a whole, so an older table still loads:
 * territory is the département served, group the id [a-z0-9-] of the sites sharing a manager,
 * lat/lon WGS84 degrees),
 * the first other line is the header); the id of an antenne is the slug of its name ("Château-Thierry"
 * -> "chateau-thierry"). Tokens come from a tokens file ("<id> <token>" per line, '#' comments) and/or a
 * directory holding "<id>.token" files. An antenne without a token is known (404 never applies to it)
 * but cannot upload (401). Tokens are 16 to 256 printable ASCII characters without spaces.
 *
 * The registry is immutable once built, so the server's threads read it without locks.
 */
#ifndef BORNE_COLLECTOR_ANTENNES_H
#define BORNE_COLLECTOR_ANTENNES_H

#include <stddef.h>
#include <stdint.h>

#include "borne/collector_ingest.h"

struct collector_antennes;

struct collector_antenne_info {
    char id[COLLECTOR_ID_MAX + 1];
    char name[128];
    char opened[11];     /* YYYY-MM-DD or "" when planned */
    int64_t population;
    int64_t communes;
    char territory[64];  /* "" when the table has no such column */
    char group[COLLECTOR_ID_MAX + 1];
    double lat, lon;     /* meaningful when has_coords */
    int has_coords;
};

/* Builds a registry from a CSV file. Errors are "file:line: message" in err; returns -1 and *out NULL.
 * Free with collector_antennes_free(). */
int collector_antennes_load_csv(const char *csv_path, struct collector_antennes **out, char *err, size_t errlen);

/* Adds tokens from a tokens file / a directory of <id>.token files; an unknown id or a malformed or
 * duplicated token is an error ("file:line: message"). Call before the registry is shared. */
int collector_antennes_load_tokens(struct collector_antennes *a, const char *tokens_path, char *err, size_t errlen);
int collector_antennes_load_token_dir(struct collector_antennes *a, const char *dir, char *err, size_t errlen);

/* Reads the HQ token from a file (first line); it must differ from every antenne token. */
int collector_antennes_load_admin_token(struct collector_antennes *a, const char *path, char *err, size_t errlen);

void collector_antennes_free(struct collector_antennes *a);

size_t collector_antennes_count(const struct collector_antennes *a);
/* i < count, in CSV order; valid while the registry lives. */
const struct collector_antenne_info *collector_antennes_at(const struct collector_antennes *a, size_t i);
/* Bearer token of antenne i, "" when it has none (for tools that upload on an antenne's behalf). */
const char *collector_antennes_token(const struct collector_antennes *a, size_t i);
/* Index of an id, or -1. */
long collector_antennes_find(const struct collector_antennes *a, const char *id);

enum collector_auth {
    COLLECTOR_AUTH_OK,          /* the token of that antenne */
    COLLECTOR_AUTH_MISSING,     /* 401: no token or a token nobody has */
    COLLECTOR_AUTH_OTHER,       /* 403: the token of another antenne (or the HQ token) */
};

/* Checks a bearer token (may be NULL) against antenne index i (constant time per comparison). */
enum collector_auth collector_antennes_check(const struct collector_antennes *a, size_t i, const char *token);
/* True when token is the HQ token (false when none is configured). */
int collector_antennes_check_admin(const struct collector_antennes *a, const char *token);

/* Slug of a UTF-8 name into out (lower-case ASCII letters, digits and '-'); 0, or -1 when empty/too long. */
int collector_antennes_slug(const char *name, char *out, size_t size);

#endif
