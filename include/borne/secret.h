/* Secret files: bearer tokens of the desks, the HQ token of a board, the antennes' tokens of
 * the collector. One reader, one rule, one wording of every refusal, for every consumer:
 *
 *   - the file is readable and writable by its owner only (mode 0600 or stricter): a secret a
 *     group or everyone can read is no secret, so it is refused, never only warned about;
 *   - one secret is the whole file, its final newline ("\n" or "\r\n") trimmed;
 *   - at least SECRET_MIN characters (guessing 16 random characters is hopeless; a word is not);
 *   - valid UTF-8 without control characters (the secret goes into an HTTP header and a log).
 *
 * A consumer may narrow the alphabet further (bearer tokens are visible ASCII) with its own
 * message; it never widens these rules. */
#ifndef BORNE_SECRET_H
#define BORNE_SECRET_H

#include <stddef.h>
#include <stdio.h>

enum { SECRET_MIN = 16 };

/* Reads the secret of `path` into out (cap bytes, NUL-terminated). Returns 0, or a negative
 * errno with a one-line reason naming the path in errbuf and out set to "" (never a partial
 * secret): -EPERM group- or world-accessible, -EINVAL not a regular file, too short, too long
 * (a file of cap bytes or more), control character or invalid UTF-8; -errno when it cannot be
 * opened or read (-ENOENT...). */
int secret_read_file(const char *path, char *out, size_t cap, char *errbuf, size_t errlen);

/* For a file holding several secrets (the collector's "<antenne> <token>" lines): opens path
 * for reading after the same mode check. Returns the stream (the caller fcloses it), or NULL
 * with errbuf set and errno set to the reason. */
FILE *secret_open_file(const char *path, char *errbuf, size_t errlen);

/* Checks one secret taken from such a file against the length and character rules. `where`
 * names it in the message ("tokens.txt:12"). Returns 0 or -EINVAL with errbuf set. */
int secret_check(const char *where, const char *secret, char *errbuf, size_t errlen);

#endif
