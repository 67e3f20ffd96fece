/* Appointments CSV: good rows arrive whole (quotes, commas and line breaks inside a note); every
 * malformed row is reported with its line number (the caller decides what a bad row means:
 * borne-admin then saves nothing). */
#include "borne/apptcsv.h"
#include "testlib.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct apptcsv_result {
    int rows_ok, rows_bad;
} apptcsv_result;

typedef struct seen {
    queue_appointment rows[16];
    int row_lines[16];
    int n_rows;
    int error_lines[16];
    char reasons[16][96];
    int n_errors;
} seen;

static void on_error(int line, const char *reason, void *ctx)
{
    seen *s = ctx;
    s->error_lines[s->n_errors] = line;
    snprintf(s->reasons[s->n_errors++], sizeof s->reasons[0], "%s", reason);
}

static int read_bytes(const char *text, size_t len, seen *s, apptcsv_result *res)
{
    memset(s, 0, sizeof *s);
    FILE *f = fmemopen((void *)text, len, "r");
    apptcsv_rows rows;
    int rc = apptcsv_read(f, on_error, s, &rows);
    fclose(f);
    for (int i = 0; i < rows.n && i < 16; i++) {
        s->rows[i] = rows.items[i];
        s->row_lines[i] = rows.lines[i];
    }
    s->n_rows = rows.n;
    res->rows_ok = rows.n;
    res->rows_bad = rows.bad;
    apptcsv_rows_free(&rows);
    return rc;
}

static int read_text(const char *text, seen *s, apptcsv_result *res)
{
    return read_bytes(text, strlen(text), s, res);
}

static void good_rows_with_quoted_notes(void)
{
    /* Tries: plain rows, an empty counter, a note with a comma, doubled quotes and a line break,
     * CRLF line ends and a UTF-8 BOM before the header. */
    const char *text = "\xEF\xBB\xBF" "code,date,time,service,counter,note\r\n"
                       "RDV-1,2026-11-24,10:30,R,1,Dossier transport\r\n"
                       "RDV-2,2026-11-24,11:00,R,,\"Pièces : avis d'imposition, RIB\"\n"
                       "RDV-3,2026-11-25,09:15,R,2,\"Il a dit \"\"urgent\"\"\nsur deux lignes\"\n"
                       "RDV-4,2026-11-25,14:00,A,2,\n";
    seen s;
    apptcsv_result res;
    CHECK_INT(read_text(text, &s, &res), 0);
    CHECK_INT(res.rows_ok, 4);
    CHECK_INT(res.rows_bad, 0);
    CHECK_INT(s.n_rows, 4);
    CHECK_STR(s.rows[0].code, "RDV-1");
    CHECK_INT(s.rows[0].at, testlib_local_time(2026, 11, 24, 10, 30, 0));
    CHECK_INT(s.rows[0].counter_id, 1);
    CHECK_INT(s.rows[1].counter_id, 0);
    CHECK_STR(s.rows[1].note, "Pièces : avis d'imposition, RIB");
    CHECK_STR(s.rows[2].note, "Il a dit \"urgent\"\nsur deux lignes");
    CHECK_INT(s.rows[3].service, 'A');
    CHECK_INT(s.row_lines[3], 6); /* the quoted line break counts: row 4 starts on line 6 */
}

static void bad_rows_are_all_reported(void)
{
    /* Tries: each malformed field, a short row and a broken quote, between good rows. */
    const char *text = "code,date,time,service,counter,note\n"
                       "OK-1,2026-11-24,10:30,R,1,\n"               /* 2 good */
                       "bad code!,2026-11-24,10:30,R,1,\n"          /* 3 code */
                       "X-2,24/11/2026,10:30,R,1,\n"                /* 4 date shape */
                       "X-3,2026-02-30,10:30,R,1,\n"                /* 5 no such day */
                       "X-4,2026-11-24,25:00,R,1,\n"                /* 6 hour */
                       "X-5,2026-11-24,10:30,RR,1,\n"               /* 7 service */
                       "X-6,2026-11-24,10:30,R,guichet,\n"          /* 8 counter */
                       "X-7,2026-11-24,10:30,R\n"                   /* 9 short */
                       "X-8,2026-11-24,10:30,R,1,ab\"c\"\n"         /* 10 stray quote */
                       "\n"                                         /* 11 blank: ignored */
                       "OK-2,2026-11-24,11:30,R,,fin\n";            /* 12 good */
    seen s;
    apptcsv_result res;
    CHECK_INT(read_text(text, &s, &res), 0);
    CHECK_INT(res.rows_ok, 2);
    CHECK_INT(res.rows_bad, 8);
    CHECK_STR(s.rows[1].code, "OK-2");
    CHECK_INT(s.row_lines[1], 12);
    static const int want_lines[] = {3, 4, 5, 6, 7, 8, 9, 10};
    static const char *const want_words[] = {"code", "date", "no such day", "time", "service",
                                             "counter", "6 fields", "quoted"};
    CHECK_INT(s.n_errors, 8);
    for (int i = 0; i < 8 && i < s.n_errors; i++) {
        CHECK_INT(s.error_lines[i], want_lines[i]);
        if (!CHECK(strstr(s.reasons[i], want_words[i]) != NULL))
            fprintf(stderr, "  line %d: \"%s\"\n", want_lines[i], s.reasons[i]);
    }
}

static void wrong_header_delivers_nothing(void)
{
    /* Tries: a file whose first line is a data row (header forgotten), and an empty file. */
    seen s;
    apptcsv_result res;
    CHECK_INT(read_text("RDV-1,2026-11-24,10:30,R,1,\n", &s, &res), -EINVAL);
    CHECK_INT(s.n_rows, 0);
    CHECK_INT(s.n_errors, 1);
    CHECK_INT(s.error_lines[0], 1);
    CHECK_INT(read_text("", &s, &res), -EINVAL);
}

static void text_and_times_are_checked(void)
{
    /* Tries: a Latin-1 note, ESC in a note, a NUL byte inside a note, a code repeated in one
     * file, the local time the clocks skip (2026-03-29 02:30, Europe/Paris) and the one they
     * repeat (2026-10-25 02:30), and a CRLF line break inside a quoted note (kept as LF). */
    static const char text[] = "code,date,time,service,counter,note\r\n"
                               "L-1,2026-11-24,10:30,R,1,Dossier r\xE9sum\xE9\r\n"      /* 2 */
                               "E-1,2026-11-24,10:30,R,1,\x1b[2Jeffac\xC3\xA9\r\n"      /* 3 */
                               "N-1,2026-11-24,10:30,R,1,avant\0apr\xC3\xA8s\r\n"       /* 4 */
                               "D-1,2026-11-24,10:30,R,1,premier\r\n"                    /* 5 */
                               "D-1,2026-11-24,11:30,R,1,second\r\n"                     /* 6 */
                               "S-1,2026-03-29,02:30,R,1,\r\n"                           /* 7 */
                               "A-1,2026-10-25,02:30,R,1,\r\n"                           /* 8 */
                               "OK-1,2026-10-25,03:30,R,1,\"ligne 1\r\nligne 2\"\r\n";  /* 9 */
    seen s;
    apptcsv_result res;
    CHECK_INT(read_bytes(text, sizeof text - 1, &s, &res), 0);
    CHECK_INT(res.rows_ok, 2);
    CHECK_INT(res.rows_bad, 6);
    static const int want_lines[] = {2, 3, 4, 6, 7, 8};
    static const char *const want_words[] = {"note: invalid UTF-8 at byte 10", "note: a control character",
                                             "NUL byte", "already used on line 5",
                                             "does not exist", "happens twice"};
    CHECK_INT(s.n_errors, 6);
    for (int i = 0; i < 6 && i < s.n_errors; i++) {
        CHECK_INT(s.error_lines[i], want_lines[i]);
        if (!CHECK(strstr(s.reasons[i], want_words[i]) != NULL))
            fprintf(stderr, "  line %d: \"%s\"\n", want_lines[i], s.reasons[i]);
    }
    CHECK_STR(s.rows[0].code, "D-1");
    CHECK_STR(s.rows[0].note, "premier");
    CHECK_STR(s.rows[1].note, "ligne 1\nligne 2");
    CHECK_INT(s.rows[1].at, testlib_local_time(2026, 10, 25, 3, 30, 0));
}

int main(void)
{
    setenv("TZ", "Europe/Paris", 1);
    RUN(good_rows_with_quoted_notes);
    RUN(bad_rows_are_all_reported);
    RUN(wrong_header_delivers_nothing);
    RUN(text_and_times_are_checked);
    return testlib_finish();
}
