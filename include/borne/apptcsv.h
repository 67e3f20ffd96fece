/* Appointments CSV, as exported by the booking tools the antennes use:
 *
 *   code,date,time,service,counter,note
 *   RDV-1042,2026-11-24,10:30,R,1,"Dossier transport, pièces à vérifier"
 *
 * UTF-8, comma-separated, RFC 4180 quoting (a note may hold commas, quotes and line breaks),
 * header line required, `counter` may be empty (any counter), `note` may be empty. Date and time
 * are local (process TZ). A bad row is reported with its line number and skipped; the good rows
 * are still delivered. */
#ifndef BORNE_APPTCSV_H
#define BORNE_APPTCSV_H

#include <stdio.h>

#include "borne/queue.h"

/* Called for each well-formed row. Return 0 when the row was taken, a negative value when the
 * caller refused it (counted as bad, reading goes on), a positive value to stop reading. */
typedef int (*apptcsv_row_fn)(const queue_appointment *a, int line, void *ctx);
/* Called for each bad row with its (first) line and a reason. */
typedef void (*apptcsv_error_fn)(int line, const char *reason, void *ctx);

typedef struct apptcsv_result {
    int rows_ok;
    int rows_bad;
} apptcsv_result;

/* Reads the whole stream. Returns 0 when the stream could be read (bad rows are counted, not
 * fatal), -EINVAL when the header is missing or wrong (nothing delivered), -EIO on a read error,
 * or the positive value returned by row_fn. */
int apptcsv_read(FILE *in, apptcsv_row_fn row_fn, apptcsv_error_fn error_fn, void *ctx, apptcsv_result *out);

#endif
