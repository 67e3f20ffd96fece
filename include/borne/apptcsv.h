/* Appointments CSV, as exported by the booking tools the antennes use:
 *
 *   code,date,time,service,counter,note
 *   RDV-1042,2026-11-24,10:30,R,1,"Dossier transport, pièces à vérifier"
 *
 * UTF-8, comma-separated, RFC 4180 quoting (a note may hold commas, quotes and line breaks),
 * header line required, `counter` may be empty (any counter), `note` may be empty. Date and time
 * are local (process TZ); a time the clocks skip or repeat that night is refused, not guessed.
 * Every bad row is reported with its line number: invalid UTF-8, a control character (a note may
 * hold line breaks and tabs), a NUL byte, a malformed field, a code already used by an earlier
 * row of the file. */
#ifndef BORNE_APPTCSV_H
#define BORNE_APPTCSV_H

#include <stdio.h>

#include "borne/queue.h"

/* Called for each bad row with its (first) line and a reason. */
typedef void (*apptcsv_error_fn)(int line, const char *reason, void *ctx);

/* The good rows of a file, in file order, each with the line it starts on. */
typedef struct apptcsv_rows {
    queue_appointment *items;
    int *lines;
    int n;
    int bad;       /* rows reported through error_fn */
} apptcsv_rows;

/* Reads the whole stream. Returns 0 when it could be read (bad rows are counted in out->bad,
 * not fatal: the caller decides), -EINVAL when the header is missing or wrong, -EIO on a read
 * error, -ENOMEM. On an error *out is empty. Free with apptcsv_rows_free() in every case. */
int apptcsv_read(FILE *in, apptcsv_error_fn error_fn, void *ctx, apptcsv_rows *out);
void apptcsv_rows_free(apptcsv_rows *rows);

#endif
