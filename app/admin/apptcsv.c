#include "borne/apptcsv.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FIELDS 6
#define FIELD_MAX 512

typedef struct record {
    char field[FIELDS][FIELD_MAX];
    int n;
    bool overflow;      /* a field longer than FIELD_MAX, or more than FIELDS fields */
    bool bad_quote;
} record;

/* Reads one CSV record (which may span lines inside quotes). Returns 1 when a record was read,
 * 0 at end of input, -EIO on a read error. *lines gets the number of lines consumed. */
static int read_record(FILE *in, record *r, int *lines)
{
    memset(r, 0, sizeof *r);
    *lines = 0;
    size_t len = 0;
    bool quoted = false, after_quote = false, any = false;
    int c;
    r->n = 1;
    while ((c = fgetc(in)) != EOF) {
        any = true;
        if (quoted) {
            if (c == '"') {
                int next = fgetc(in);
                if (next == '"') {
                    c = '"';
                } else {
                    quoted = false;
                    after_quote = true;
                    if (next != EOF)
                        ungetc(next, in);
                    continue;
                }
            } else if (c == '\n') {
                ++*lines;
            }
        } else if (c == ',') {
            if (r->n == FIELDS)
                r->overflow = true;
            else
                r->n++;
            len = 0;
            after_quote = false;
            continue;
        } else if (c == '\n') {
            ++*lines;
            break;
        } else if (c == '\r') {
            continue;
        } else if (c == '"' && len == 0 && !after_quote) {
            quoted = true;
            continue;
        } else if (after_quote || c == '"') {
            r->bad_quote = true;
        }
        if (r->overflow)
            continue;
        if (len + 1 >= FIELD_MAX) {
            r->overflow = true;
            continue;
        }
        r->field[r->n - 1][len++] = (char)c;
        r->field[r->n - 1][len] = '\0';
    }
    if (ferror(in))
        return -EIO;
    if (quoted)
        r->bad_quote = true;
    if (!any)
        return 0;
    if (c == EOF)
        ++*lines;
    return 1;
}

static bool is_blank(const record *r)
{
    return r->n == 1 && r->field[0][0] == '\0';
}

static bool parse_fixed(const char *s, const char *shape, int *parts, int nparts)
{
    /* shape: 'd' a digit, any other char must match literally */
    if (strlen(s) != strlen(shape))
        return false;
    int k = 0, acc = 0;
    for (size_t i = 0;; i++) {
        if (shape[i] == 'd') {
            if (!isdigit((unsigned char)s[i]))
                return false;
            acc = acc * 10 + (s[i] - '0');
            continue;
        }
        if (k < nparts)
            parts[k++] = acc;
        acc = 0;
        if (!shape[i])
            break;
        if (s[i] != shape[i])
            return false;
    }
    return k == nparts;
}

/* Validates one record into *a; returns NULL or the reason. */
static const char *to_appointment(const record *r, queue_appointment *a)
{
    if (r->bad_quote)
        return "badly quoted field";
    if (r->overflow)
        return "too many fields or a field too long";
    if (r->n != FIELDS)
        return "expected 6 fields: code,date,time,service,counter,note";
    memset(a, 0, sizeof *a);
    const char *code = r->field[0];
    size_t code_len = strlen(code);
    if (code_len == 0 || code_len >= sizeof a->code)
        return "code: 1 to 23 characters";
    for (size_t i = 0; i < code_len; i++)
        if (!isalnum((unsigned char)code[i]) && code[i] != '-')
            return "code: letters, digits and - only";
    memcpy(a->code, code, code_len + 1);

    int ymd[3], hm[2];
    if (!parse_fixed(r->field[1], "dddd-dd-dd", ymd, 3))
        return "date: YYYY-MM-DD";
    if (!parse_fixed(r->field[2], "dd:dd", hm, 2) || hm[0] > 23 || hm[1] > 59)
        return "time: HH:MM";
    struct tm tm = {.tm_year = ymd[0] - 1900, .tm_mon = ymd[1] - 1, .tm_mday = ymd[2],
                    .tm_hour = hm[0], .tm_min = hm[1], .tm_isdst = -1};
    time_t at = mktime(&tm);
    /* mktime normalises 2026-02-30 into March: refuse dates that moved. */
    if (at == (time_t)-1 || tm.tm_mday != ymd[2] || tm.tm_mon != ymd[1] - 1)
        return "date: no such day";
    a->at = (int64_t)at;

    const char *svc = r->field[3];
    if (strlen(svc) != 1 || svc[0] < 'A' || svc[0] > 'Z')
        return "service: one letter A-Z";
    a->service = svc[0];

    if (r->field[4][0]) {
        char *end;
        long id = strtol(r->field[4], &end, 10);
        if (*end || id < 1 || id > 999)
            return "counter: empty or a number from 1 to 999";
        a->counter_id = (int)id;
    }
    size_t note_len = strlen(r->field[5]);
    if (note_len >= sizeof a->note)
        return "note: at most 255 bytes";
    memcpy(a->note, r->field[5], note_len + 1);
    return NULL;
}

int apptcsv_read(FILE *in, apptcsv_row_fn row_fn, apptcsv_error_fn error_fn, void *ctx, apptcsv_result *out)
{
    static const char *const header[FIELDS] = {"code", "date", "time", "service", "counter", "note"};
    apptcsv_result res = {0, 0};
    record *r = malloc(sizeof *r);
    if (!r)
        return -ENOMEM;
    int rc = 0, lines, line = 1;

    int got = read_record(in, r, &lines);
    bool header_ok = got == 1 && r->n == FIELDS;
    for (int i = 0; header_ok && i < FIELDS; i++) {
        const char *f = r->field[i];
        if (i == 0 && strncmp(f, "\xEF\xBB\xBF", 3) == 0)
            f += 3; /* spreadsheet tools add a UTF-8 BOM */
        header_ok = strcmp(f, header[i]) == 0;
    }
    if (got < 0) {
        rc = got;
        goto end;
    }
    if (!header_ok) {
        if (error_fn)
            error_fn(1, "header must be: code,date,time,service,counter,note", ctx);
        rc = -EINVAL;
        goto end;
    }
    line += lines;
    while ((got = read_record(in, r, &lines)) == 1) {
        int row_line = line;
        line += lines;
        if (is_blank(r))
            continue;
        queue_appointment a;
        const char *reason = to_appointment(r, &a);
        if (reason) {
            res.rows_bad++;
            if (error_fn)
                error_fn(row_line, reason, ctx);
            continue;
        }
        int stop = row_fn(&a, row_line, ctx);
        if (stop < 0) {
            /* The caller refused this row (the engine said why); keep going with the others. */
            res.rows_bad++;
            continue;
        }
        if (stop > 0) {
            rc = stop;
            goto end;
        }
        res.rows_ok++;
    }
    if (got < 0)
        rc = got;
end:
    free(r);
    if (out)
        *out = res;
    return rc;
}
