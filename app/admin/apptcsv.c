#include "borne/apptcsv.h"
#include "borne/utf8.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define FIELDS 6
#define FIELD_MAX 512

typedef struct record {
    char field[FIELDS][FIELD_MAX];
    int n;
    bool overflow;      /* a field longer than FIELD_MAX, or more than FIELDS fields */
    bool bad_quote;
    bool nul;           /* a NUL byte, which would cut a field short */
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
            } else if (c == '\r') {
                /* a CRLF file's line break inside a quoted note is a plain LF */
                int next = fgetc(in);
                if (next != EOF)
                    ungetc(next, in);
                if (next == '\n')
                    continue;
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
        if (c == '\0')
            r->nul = true;
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

/* Validates one record into *a; returns NULL or the reason (in why, or a constant). */
static const char *to_appointment(const record *r, queue_appointment *a, char *why, size_t why_len)
{
    static const char *const names[FIELDS] = {"code", "date", "time", "service", "counter", "note"};
    if (r->nul)
        return "a NUL byte (the file must be UTF-8 text)";
    if (r->bad_quote)
        return "badly quoted field";
    if (r->overflow)
        return "too many fields or a field too long";
    if (r->n != FIELDS)
        return "expected 6 fields: code,date,time,service,counter,note";
    for (int i = 0; i < FIELDS; i++) {
        size_t at = 0;
        utf8_status st = utf8_check_str(r->field[i], i == 5 ? UTF8_MULTILINE : 0, &at);
        if (st != UTF8_OK) {
            snprintf(why, why_len, "%s: %s at byte %zu (the file must be UTF-8 text)", names[i],
                     utf8_strerror(st), at + 1);
            return why;
        }
    }
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
    queue_local_status st = queue_local_time(ymd[0], ymd[1], ymd[2], hm[0], hm[1], 0, &a->at);
    if (st == QUEUE_LOCAL_INVALID)
        return "date: no such day";
    if (st != QUEUE_LOCAL_OK) {
        snprintf(why, why_len, "time: %s", queue_local_strerror(st));
        return why;
    }

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

static bool rows_add(apptcsv_rows *rows, int *cap, const queue_appointment *a, int line)
{
    if (rows->n == *cap) {
        int grown = *cap ? *cap * 2 : 64;
        queue_appointment *items = realloc(rows->items, (size_t)grown * sizeof *items);
        if (items)
            rows->items = items;
        int *lines = realloc(rows->lines, (size_t)grown * sizeof *lines);
        if (lines)
            rows->lines = lines;
        if (!items || !lines)
            return false;
        *cap = grown;
    }
    rows->items[rows->n] = *a;
    rows->lines[rows->n++] = line;
    return true;
}

/* The line of an earlier good row with this code, or 0. */
static int earlier_line(const apptcsv_rows *rows, const char *code)
{
    for (int i = 0; i < rows->n; i++)
        if (strcmp(rows->items[i].code, code) == 0)
            return rows->lines[i];
    return 0;
}

void apptcsv_rows_free(apptcsv_rows *rows)
{
    free(rows->items);
    free(rows->lines);
    memset(rows, 0, sizeof *rows);
}

int apptcsv_read(FILE *in, apptcsv_error_fn error_fn, void *ctx, apptcsv_rows *out)
{
    static const char *const header[FIELDS] = {"code", "date", "time", "service", "counter", "note"};
    memset(out, 0, sizeof *out);
    record *r = malloc(sizeof *r);
    if (!r)
        return -ENOMEM;
    int rc = 0, lines, line = 1, cap = 0;

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
        char why[160];
        const char *reason = to_appointment(r, &a, why, sizeof why);
        int first = reason ? 0 : earlier_line(out, a.code);
        if (first) {
            snprintf(why, sizeof why, "code %s is already used on line %d", a.code, first);
            reason = why;
        }
        if (reason) {
            out->bad++;
            if (error_fn)
                error_fn(row_line, reason, ctx);
        } else if (!rows_add(out, &cap, &a, row_line)) {
            rc = -ENOMEM;
            goto end;
        }
    }
    if (got < 0)
        rc = got;
end:
    free(r);
    if (rc)
        apptcsv_rows_free(out);
    return rc;
}
