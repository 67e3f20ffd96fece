/* borne-collector-passwd: the Argon2id hash of a console user's password (first line of stdin), for a
 * line "<name> <region|group:ID> <hash>" of the collector's users file (collector_users.h). */
#include <stdio.h>
#include <string.h>

#include "borne/collector_users.h"

int main(int argc, char **argv)
{
    (void)argv;
    if (argc != 1) {
        fputs("usage: borne-collector-passwd < password   (prints the hash for the users file)\n", stderr);
        return 2;
    }
    char password[COLLECTOR_PASSWORD_MAX + 2];
    if (!fgets(password, sizeof password, stdin)) {
        fputs("borne-collector-passwd: no password on stdin\n", stderr);
        return 2;
    }
    password[strcspn(password, "\r\n")] = '\0';
    if (strlen(password) < 12 || strlen(password) > COLLECTOR_PASSWORD_MAX) {
        fputs("borne-collector-passwd: a password of 12 to 256 bytes is needed\n", stderr);
        return 2;
    }
    char hash[256];
    if (collector_users_hash(password, hash, sizeof hash) != 0) {
        fputs("borne-collector-passwd: hashing failed (out of memory?)\n", stderr);
        return 1;
    }
    puts(hash);
    return 0;
}
