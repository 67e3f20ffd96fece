/* The check every token-file consumer runs in its own test: the consumer, given a token file,
 * accepts a good one, and refuses a group- or world-readable file and a short secret with the
 * message secret_read_file() gives for the same file (one rule, one wording, everywhere). */
#ifndef BORNE_TEST_SECRET_SUPPORT_H
#define BORNE_TEST_SECRET_SUPPORT_H

#include <stddef.h>

/* Makes the consumer read the token file at path; returns 0 when it accepted it, else nonzero
 * with its error message in err. */
typedef int (*test_secret_attempt)(const char *path, char *err, size_t errlen, void *ctx);

/* Writes each token file as `leaf` in a fresh temporary directory of its own (the good one
 * holds TEST_SECRET_GOOD) and checks attempt on it. */
void test_secret_consumer(const char *leaf, test_secret_attempt attempt, void *ctx);

#define TEST_SECRET_GOOD "a-good-token-0123456789"

#endif
