/* INI configuration of an antenne (see include/borne/config.h and assets/demo/borne.ini).
 *
 * Parsing goes through inih's ini_parse_stream with our own line reader: Debian's inih is built
 * without INI_HANDLER_LINENO, and counting lines in the reader is what lets every error, including
 * the cross-checks done after parsing (a counter serving an unknown service), name its line.
 * Everything is parsed into a scratch copy; the caller's struct is written only if the whole file
 * is valid, so a bad file never half-applies. */
#include "borne/config.h"
#include "borne/escpos.h"
#include "borne/utf8.h"
#include "config_internal.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* inih's fixed line buffer (INI_MAX_LINE in Debian's build); longer lines would be split. */
#define READER_LINE_MAX 200

struct parse_ctx {
    FILE *file;
    const char *path;
    char dir[CONFIG_PATH_MAX];
    int line;                    /* line the reader returned last */
    borne_config cfg;
    char err[512];
    int err_line;
    /* lines where things were declared, for the checks made after parsing */
    int counter_services_line[QUEUE_MAX_COUNTERS];
    int service_line[QUEUE_MAX_SERVICES];
    int device_line;
    int alarm_line;                 /* [alarm] panic_counter */
    int language_line;              /* [ui] language or languages, whichever came last */
    struct {
        uint16_t code;
        int line;
    } keypad_given[KEYPAD_MAP_MAX]; /* keys bound by [keypad] lines, to refuse one bound twice */
    int n_keypad_given;
    /* duplicate-key detection: section + key seen so far */
    char (*seen)[96];
    size_t n_seen, cap_seen;
};

__attribute__((format(printf, 2, 3))) static int fail(parse_ctx *ctx, const char *fmt, ...);

static bool is_comment_or_blank(const char *line)
{
    line += strspn(line, " \t");
    return *line == ';' || *line == '#' || *line == '\n' || *line == '\r' || *line == '\0';
}

/* One call per physical line, so inih's count and ours are the file's line numbers. A line
 * longer than inih's buffer is not handed over in pieces (a piece of a long comment holding "="
 * would parse as a key): the rest of the line is skipped, which is harmless for a comment and an
 * error, at that line, for anything else. */
static char *counting_reader(char *str, int num, void *stream)
{
    parse_ctx *ctx = stream;
    /* fgets hides a NUL byte (the rest of the line would vanish): prefilled, the buffer shows
     * where fgets really stopped, which is its last NUL. */
    memset(str, 1, (size_t)num);
    if (!fgets(str, num, ctx->file))
        return NULL;
    ctx->line++;
    size_t len = strlen(str), stop = (size_t)num - 1;
    while (stop > len && str[stop] != '\0')
        stop--;
    if (stop != len)
        fail(ctx, "a NUL byte (the file must be UTF-8 text)");
    if (len == (size_t)num - 1 && str[len - 1] != '\n') {
        int c;
        bool cut = false;
        while ((c = fgetc(ctx->file)) != EOF && c != '\n')
            cut = true;
        if (cut && !is_comment_or_blank(str))
            fail(ctx, "line longer than %d bytes", READER_LINE_MAX - 2);
    }
    return str;
}

__attribute__((format(printf, 2, 3))) static int fail(parse_ctx *ctx, const char *fmt, ...)
{
    if (ctx->err[0])
        return 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->err, sizeof ctx->err, fmt, ap);
    va_end(ap);
    ctx->err_line = ctx->line;
    return 0;
}

__attribute__((format(printf, 3, 4))) static int fail_at(parse_ctx *ctx, int line, const char *fmt, ...)
{
    if (ctx->err[0])
        return 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->err, sizeof ctx->err, fmt, ap);
    va_end(ap);
    ctx->err_line = line;
    return 0;
}

/* ---- value parsers: each returns false on a malformed value ---- */

static bool parse_int(const char *v, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end != '\0' || n < lo || n > hi)
        return false;
    *out = (int)n;
    return true;
}

static bool parse_double(const char *v, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || end == v || *end != '\0' || !(d >= lo && d <= hi))
        return false;
    *out = d;
    return true;
}

static bool parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(v, yes[i]) == 0)
            return *out = true, true;
        if (strcasecmp(v, no[i]) == 0)
            return *out = false, true;
    }
    return false;
}

/* "HH:MM" → minutes since midnight (24:00 allowed as an end of day). */
static bool parse_hhmm(const char *v, size_t len, int *out)
{
    if (len != 5 || !isdigit((unsigned char)v[0]) || !isdigit((unsigned char)v[1]) || v[2] != ':' ||
        !isdigit((unsigned char)v[3]) || !isdigit((unsigned char)v[4]))
        return false;
    int h = (v[0] - '0') * 10 + (v[1] - '0');
    int m = (v[3] - '0') * 10 + (v[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m != 0))
        return false;
    *out = h * 60 + m;
    return true;
}

/* "09:00-12:00,13:30-17:00" or "closed" → ranges, ascending and disjoint. */
static bool parse_day_hours(parse_ctx *ctx, const char *v, queue_day_hours *out)
{
    memset(out, 0, sizeof *out);
    if (strcasecmp(v, "closed") == 0)
        return true;
    const char *p = v;
    int prev_close = -1;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *dash = strchr(p, '-');
        if (!dash)
            return fail(ctx, "opening hours \"%s\": expected HH:MM-HH:MM[,HH:MM-HH:MM...] or closed", v);
        const char *end = dash + 1;
        while (*end && *end != ',' && *end != ' ')
            end++;
        int open_min, close_min;
        if (!parse_hhmm(p, (size_t)(dash - p), &open_min) ||
            !parse_hhmm(dash + 1, (size_t)(end - dash - 1), &close_min))
            return fail(ctx, "opening hours \"%s\": times are HH:MM, 00:00 to 24:00", v);
        if (close_min <= open_min)
            return fail(ctx, "opening hours \"%s\": a range must end after it starts", v);
        if (open_min < prev_close)
            return fail(ctx, "opening hours \"%s\": ranges must be in order and not overlap", v);
        if (out->n == QUEUE_MAX_RANGES)
            return fail(ctx, "opening hours \"%s\": at most %d ranges a day", v, QUEUE_MAX_RANGES);
        out->range[out->n].open_min = open_min;
        out->range[out->n].close_min = close_min;
        out->n++;
        prev_close = close_min;
        while (*end == ' ')
            end++;
        if (*end == ',')
            end++;
        else if (*end)
            return fail(ctx, "opening hours \"%s\": ranges are separated by commas", v);
        p = end;
    }
    if (out->n == 0)
        return fail(ctx, "opening hours: empty value (write \"closed\" for a closed day)");
    return true;
}

/* Copies text, refusing values that would be truncated. */
static bool copy_text(parse_ctx *ctx, const char *key, char *dst, size_t cap, const char *v)
{
    size_t len = strlen(v);
    if (len >= cap)
        return fail(ctx, "%s is too long (%zu bytes, at most %zu)", key, len, cap - 1);
    memcpy(dst, v, len + 1);
    return true;
}

/* Relative paths are relative to the config file's directory, so a config and its token files
 * can be moved together. */
static bool copy_path(parse_ctx *ctx, const char *key, char *dst, size_t cap, const char *v)
{
    if (v[0] == '\0' || v[0] == '/')
        return copy_text(ctx, key, dst, cap, v);
    int n = snprintf(dst, cap, "%s/%s", ctx->dir, v);
    if (n < 0 || (size_t)n >= cap)
        return fail(ctx, "%s: path too long", key);
    return true;
}

static bool valid_id(const char *v)
{
    size_t len = strlen(v);
    if (len == 0 || len > 31)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!(islower((unsigned char)v[i]) || isdigit((unsigned char)v[i]) || v[i] == '-'))
            return false;
    return true;
}

/* Every section, key and value is valid UTF-8 without control characters before anything reads
 * it, so nothing invalid is stored and no message echoes ESC or BEL to a terminal. */
static bool text_ok(parse_ctx *ctx, const char *what, const char *v)
{
    size_t at = 0;
    utf8_status st = utf8_check_str(v, 0, &at);
    if (st == UTF8_OK)
        return true;
    char shown[96];
    return fail(ctx, "%s \"%s\": %s at byte %zu (the file must be UTF-8 text)", what,
                utf8_escape(v, strlen(v), shown, sizeof shown), utf8_strerror(st), at + 1);
}

static bool mark_seen(parse_ctx *ctx, const char *section, const char *name)
{
    char key[96];
    snprintf(key, sizeof key, "%s\n%s", section, name);
    for (size_t i = 0; i < ctx->n_seen; i++)
        if (strcmp(ctx->seen[i], key) == 0)
            return false;
    if (ctx->n_seen == ctx->cap_seen) {
        size_t cap = ctx->cap_seen ? ctx->cap_seen * 2 : 64;
        void *grown = realloc(ctx->seen, cap * sizeof *ctx->seen);
        if (!grown)
            return true; /* duplicate detection is best effort under memory pressure */
        ctx->seen = grown;
        ctx->cap_seen = cap;
    }
    memcpy(ctx->seen[ctx->n_seen++], key, sizeof key);
    return true;
}

/* ---- sections ---- */

static int on_antenne(parse_ctx *ctx, const char *name, const char *v)
{
    borne_config *c = &ctx->cfg;
    if (strcmp(name, "id") == 0) {
        if (!valid_id(v))
            return fail(ctx, "antenne id \"%s\": 1 to 31 characters among a-z, 0-9 and -", v);
        return copy_text(ctx, "id", c->antenne.id, sizeof c->antenne.id, v);
    }
    if (strcmp(name, "name") == 0)
        return copy_text(ctx, "name", c->antenne.name, sizeof c->antenne.name, v);
    if (strcmp(name, "timezone") == 0) {
        char zone[PATH_MAX];
        struct stat st;
        snprintf(zone, sizeof zone, "/usr/share/zoneinfo/%s", v);
        if (strstr(v, "..") || stat(zone, &st) != 0 || !S_ISREG(st.st_mode))
            return fail(ctx, "timezone \"%s\" is not a known zone (see /usr/share/zoneinfo)", v);
        return copy_text(ctx, "timezone", c->antenne.timezone, sizeof c->antenne.timezone, v);
    }
    if (strcmp(name, "message_fr") == 0)
        return copy_text(ctx, "message_fr", c->antenne.message_fr, sizeof c->antenne.message_fr, v);
    if (strcmp(name, "message_en") == 0)
        return copy_text(ctx, "message_en", c->antenne.message_en, sizeof c->antenne.message_en, v);
    if (strcmp(name, "screen_message_fr") == 0)
        return copy_text(ctx, name, c->antenne.screen_message_fr, sizeof c->antenne.screen_message_fr, v);
    if (strcmp(name, "screen_message_en") == 0)
        return copy_text(ctx, name, c->antenne.screen_message_en, sizeof c->antenne.screen_message_en, v);
    if (strcmp(name, "waiting_target_min") == 0) {
        if (!parse_int(v, 0, 600, &c->antenne.waiting_target_min))
            return fail(ctx, "waiting_target_min \"%s\": minutes from 0 to 600", v);
        return 1;
    }
    return fail(ctx, "unknown key \"%s\" in [antenne]", name);
}

/* [partners]: one line per partner a visitor can be referred to, "<id> = <label>". */
static int on_partner(parse_ctx *ctx, const char *name, const char *v)
{
    queue_setup *s = &ctx->cfg.setup;
    if (!contract_partner_id_valid(name))
        return fail(ctx, "partner \"%s\": the id is 1 to %d characters among a-z, 0-9 and -", name,
                    CONTRACT_PARTNER_ID_MAX);
    if (s->n_partners == QUEUE_MAX_PARTNERS)
        return fail(ctx, "[partners]: at most %d partners", QUEUE_MAX_PARTNERS);
    queue_partner *p = &s->partners[s->n_partners];
    if (!v[0])
        return fail(ctx, "partner \"%s\": give its name, as in %s = CAF de l'Aisne", name, name);
    snprintf(p->id, sizeof p->id, "%s", name);
    if (!copy_text(ctx, name, p->label, sizeof p->label, v))
        return 0;
    s->n_partners++;
    return 1;
}

/* [closures] public_holidays = true, dates = 2026-12-24, 2026-12-31 */
static int on_closures(parse_ctx *ctx, const char *name, const char *v)
{
    queue_setup *s = &ctx->cfg.setup;
    if (strcmp(name, "public_holidays") == 0) {
        if (!parse_bool(v, &s->public_holidays))
            return fail(ctx, "public_holidays \"%s\": true or false", v);
        return 1;
    }
    if (strcmp(name, "dates") != 0)
        return fail(ctx, "unknown key \"%s\" in [closures] (public_holidays, dates)", name);
    s->n_closures = 0;
    for (const char *p = v; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        size_t n = strcspn(p, " ,");
        int y, m, d;
        char day[11];
        if (n != 10 || sscanf(p, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
            return fail(ctx, "closures: \"%.*s\" is not a YYYY-MM-DD day", (int)(n > 40 ? 40 : n), p);
        snprintf(day, sizeof day, "%.10s", p);
        for (int i = 0; i < s->n_closures; i++)
            if (strcmp(s->closures[i], day) == 0)
                return fail(ctx, "closures: %s is given twice", day);
        if (s->n_closures == QUEUE_MAX_CLOSURES)
            return fail(ctx, "closures: at most %d days", QUEUE_MAX_CLOSURES);
        memcpy(s->closures[s->n_closures++], day, sizeof day);
        p += n;
    }
    return 1;
}

static int on_hours(parse_ctx *ctx, const char *name, const char *v)
{
    static const char *const days[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    queue_setup *s = &ctx->cfg.setup;
    for (int d = 0; d < 7; d++)
        if (strcmp(name, days[d]) == 0)
            return parse_day_hours(ctx, v, &s->week[d]);
    if (strcmp(name, "last_ticket_before_close") == 0) {
        if (!parse_int(v, 0, 240, &s->last_ticket_min))
            return fail(ctx, "last_ticket_before_close \"%s\": minutes from 0 to 240", v);
        return 1;
    }
    if (strcmp(name, "always_open") == 0) {
        if (!parse_bool(v, &s->always_open))
            return fail(ctx, "always_open \"%s\": true or false", v);
        return 1;
    }
    return fail(ctx, "unknown key \"%s\" in [hours] (days are mon..sun)", name);
}

static int on_service(parse_ctx *ctx, const char *section, const char *name, const char *v)
{
    const char *letter = section + strlen("service.");
    if (strlen(letter) != 1 || letter[0] < 'A' || letter[0] > 'Z')
        return fail(ctx, "[%s]: a service is one capital letter A-Z, as in [service.A]", section);
    /* A number is read aloud and from across the room: I001 and O001 read as 1001 and 0001. */
    if (strchr("IOQ", letter[0]))
        return fail(ctx, "[%s]: the letters I, O and Q read as 1 and 0 on tickets and screens: "
                         "choose another letter", section);
    queue_setup *s = &ctx->cfg.setup;
    int i = 0;
    while (i < s->n_services && s->services[i].letter != letter[0])
        i++;
    if (i == s->n_services) {
        queue_service *svc = &s->services[s->n_services++];
        svc->letter = letter[0];
        svc->enabled = true;
        svc->order = letter[0] - 'A' + 1;
        ctx->service_line[i] = ctx->line;
    }
    queue_service *svc = &s->services[i];
    if (strcmp(name, "label_fr") == 0)
        return copy_text(ctx, "label_fr", svc->label_fr, sizeof svc->label_fr, v);
    if (strcmp(name, "label_en") == 0)
        return copy_text(ctx, "label_en", svc->label_en, sizeof svc->label_en, v);
    for (int l = 0; l < QUEUE_LABEL_MORE; l++)
        if (strncmp(name, "label_", 6) == 0 && strcmp(name + 6, queue_label_more_lang(l)) == 0)
            return copy_text(ctx, name, svc->label_more[l], sizeof svc->label_more[l], v);
    if (strcmp(name, "enabled") == 0) {
        if (!parse_bool(v, &svc->enabled))
            return fail(ctx, "enabled \"%s\": true or false", v);
        return 1;
    }
    if (strcmp(name, "order") == 0) {
        if (!parse_int(v, 0, 999, &svc->order))
            return fail(ctx, "order \"%s\": a number from 0 to 999", v);
        return 1;
    }
    return fail(ctx, "unknown key \"%s\" in [%s]", name, section);
}

static int on_counter(parse_ctx *ctx, const char *section, const char *name, const char *v)
{
    int id;
    const char *number = section + strlen("counter.");
    char canonical[8];
    /* [counter.01] must not quietly become a second spelling of [counter.1] */
    if (!parse_int(number, 1, 999, &id) ||
        strcmp(number, (snprintf(canonical, sizeof canonical, "%d", id), canonical)) != 0)
        return fail(ctx, "[%s]: a counter is a number from 1 to 999 without leading zeros, as in"
                    " [counter.1]", section);
    queue_setup *s = &ctx->cfg.setup;
    int i = 0;
    while (i < s->n_counters && s->counters[i].id != id)
        i++;
    if (i == s->n_counters) {
        if (s->n_counters == QUEUE_MAX_COUNTERS)
            return fail(ctx, "at most %d counters", QUEUE_MAX_COUNTERS);
        s->counters[s->n_counters++].id = id;
        ctx->counter_services_line[i] = ctx->line;
    }
    queue_counter_def *c = &s->counters[i];
    if (strcmp(name, "name") == 0)
        return copy_text(ctx, "name", c->name, sizeof c->name, v);
    if (strcmp(name, "services") == 0) {
        size_t n = 0;
        for (const char *p = v; *p; p++) {
            if (*p == ',' || *p == ' ')
                continue;
            if (*p < 'A' || *p > 'Z')
                return fail(ctx, "services \"%s\": service letters A-Z separated by commas", v);
            if (strchr(c->services, *p))
                return fail(ctx, "services \"%s\": %c is listed twice", v, *p);
            c->services[n++] = *p;
            c->services[n] = '\0';
        }
        if (n == 0)
            return fail(ctx, "services: a counter serves at least one service");
        ctx->counter_services_line[i] = ctx->line;
        return 1;
    }
    if (strcmp(name, "token_file") == 0)
        return copy_path(ctx, "token_file", ctx->cfg.counter_token_files[i], CONFIG_PATH_MAX, v);
    return fail(ctx, "unknown key \"%s\" in [%s]", name, section);
}

static int on_queue(parse_ctx *ctx, const char *name, const char *v)
{
    static const struct {
        const char *key;
        long lo, hi;
        size_t offset; /* into queue_options; SIZE_MAX = retention_days */
    } keys[] = {
        {"recalls_before_no_show", 0, 10, offsetof(queue_options, recalls_before_no_show)},
        {"checkin_early_min", 0, 240, offsetof(queue_options, checkin_early_min)},
        {"checkin_late_min", 0, 240, offsetof(queue_options, checkin_late_min)},
        {"default_service_s", 30, 7200, offsetof(queue_options, default_service_s)},
        {"retention_days", 1, 3650, SIZE_MAX},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (strcmp(name, keys[i].key) != 0)
            continue;
        int *dst = keys[i].offset == SIZE_MAX ? &ctx->cfg.retention_days
                                              : (int *)((char *)&ctx->cfg.queue + keys[i].offset);
        if (!parse_int(v, keys[i].lo, keys[i].hi, dst))
            return fail(ctx, "%s \"%s\": a number from %ld to %ld", name, v, keys[i].lo, keys[i].hi);
        return 1;
    }
    return fail(ctx, "unknown key \"%s\" in [queue]", name);
}

static int on_printer(parse_ctx *ctx, const char *name, const char *v)
{
    printer_config *p = &ctx->cfg.printer;
    if (strcmp(name, "device") == 0) {
        ctx->cfg.printer_virtual = strcmp(v, "virtual") == 0;
        if (ctx->cfg.printer_virtual) {
            p->device[0] = '\0';
            return 1;
        }
        if (v[0] != '/')
            return fail(ctx, "device \"%s\": an absolute device path, or virtual", v);
        return copy_text(ctx, "device", p->device, sizeof p->device, v);
    }
    if (strcmp(name, "baud") == 0) {
        static const int rates[] = {9600, 19200, 38400, 57600, 115200};
        int baud = 0;
        parse_int(v, 0, INT_MAX, &baud);
        for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++)
            if (baud == rates[i])
                return p->baud = baud, 1;
        return fail(ctx, "baud \"%s\": one of 9600, 19200, 38400, 57600, 115200", v);
    }
    if (strcmp(name, "line_baud") == 0) {
        if (!parse_int(v, 0, 1000000, &p->line_baud) || (p->line_baud > 0 && p->line_baud < 300))
            return fail(ctx, "line_baud \"%s\": the printer's own rate (300 or more), 0 = same as baud", v);
        return 1;
    }
    if (strcmp(name, "flow") == 0) {
        if (strcmp(v, "none") == 0)
            p->flow = PRINTER_FLOW_NONE;
        else if (strcmp(v, "rtscts") == 0)
            p->flow = PRINTER_FLOW_RTSCTS;
        else if (strcmp(v, "xonxoff") == 0)
            p->flow = PRINTER_FLOW_XONXOFF;
        else
            return fail(ctx, "flow \"%s\": none, rtscts or xonxoff", v);
        return 1;
    }
    if (strcmp(name, "model") == 0) {
        if (!escpos_profile_find(v)) {
            char known[256] = "";
            size_t n;
            const escpos_profile *all = escpos_profiles(&n);
            for (size_t i = 0; i < n; i++)
                snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i ? ", " : "",
                         all[i].name);
            return fail(ctx, "model \"%s\": not a known printer profile (%s)", v, known);
        }
        return copy_text(ctx, "model", p->model, sizeof p->model, v);
    }
    if (strcmp(name, "reprint_after_fault") == 0) {
        if (!parse_bool(v, &p->reprint_after_fault))
            return fail(ctx, "reprint_after_fault \"%s\": true or false", v);
        return 1;
    }
    if (strcmp(name, "probe_interval_ms") == 0) {
        if (!parse_int(v, 100, 60000, &p->probe_interval_ms))
            return fail(ctx, "probe_interval_ms \"%s\": a number from 100 to 60000", v);
        return 1;
    }
    return fail(ctx, "unknown key \"%s\" in [printer]", name);
}

const char *const config_known_languages[] = {"fr", "en", "nl", "de", "es", "ar", NULL};

static bool known_language(const char *code, size_t len)
{
    for (const char *const *k = config_known_languages; *k; k++)
        if (strlen(*k) == len && strncmp(*k, code, len) == 0)
            return true;
    return false;
}

static int unknown_language(parse_ctx *ctx, const char *name, const char *code, size_t len)
{
    char known[64] = "";
    for (const char *const *k = config_known_languages; *k; k++)
        snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", k == config_known_languages ? "" : ",",
                 *k);
    return fail(ctx, "%s: unknown language \"%.*s\" (known: %s)", name, (int)len, code, known);
}

/* "fr, en,ar": known codes, each once. */
static int parse_languages(parse_ctx *ctx, const char *v)
{
    borne_config *c = &ctx->cfg;
    c->ui.n_languages = 0;
    for (const char *p = v;;) {
        p += strspn(p, " \t");
        size_t len = strcspn(p, ", \t");
        if (len == 0)
            return fail(ctx, "languages \"%s\": language codes separated by commas, such as fr,en,ar", v);
        if (!known_language(p, len))
            return unknown_language(ctx, "languages", p, len);
        for (int i = 0; i < c->ui.n_languages; i++)
            if (strlen(c->ui.languages[i]) == len && strncmp(c->ui.languages[i], p, len) == 0)
                return fail(ctx, "languages: \"%.*s\" is listed twice", (int)len, p);
        snprintf(c->ui.languages[c->ui.n_languages++], sizeof c->ui.languages[0], "%.*s", (int)len, p);
        p += len;
        p += strspn(p, " \t");
        if (!*p)
            return 1;
        if (*p != ',')
            return fail(ctx, "languages \"%s\": language codes separated by commas, such as fr,en,ar", v);
        p++;
    }
}

static int on_ui(parse_ctx *ctx, const char *name, const char *v)
{
    borne_config *c = &ctx->cfg;
    if (strcmp(name, "language") == 0) {
        if (!known_language(v, strlen(v)))
            return unknown_language(ctx, "language", v, strlen(v));
        ctx->language_line = ctx->line;
        return copy_text(ctx, "language", c->ui.language, sizeof c->ui.language, v);
    }
    if (strcmp(name, "languages") == 0) {
        ctx->language_line = ctx->line;
        return parse_languages(ctx, v);
    }
    if (strcmp(name, "width_mm") == 0 || strcmp(name, "height_mm") == 0) {
        double *dst = name[0] == 'w' ? &c->ui.width_mm : &c->ui.height_mm;
        if (!parse_double(v, 40, 3000, dst))
            return fail(ctx, "%s \"%s\": the visible screen size in millimetres (40 to 3000)", name, v);
        return 1;
    }
    if (strcmp(name, "orientation") == 0) {
        if (strcmp(v, "landscape") == 0)
            c->ui.orientation = CONFIG_LANDSCAPE;
        else if (strcmp(v, "portrait") == 0)
            c->ui.orientation = CONFIG_PORTRAIT;
        else
            return fail(ctx, "orientation \"%s\": landscape or portrait", v);
        return 1;
    }
    if (strcmp(name, "idle_s") == 0) {
        if (!parse_int(v, 10, 3600, &c->ui.idle_s))
            return fail(ctx, "idle_s \"%s\": seconds from 10 to 3600", v);
        return 1;
    }
    bool *flag = strcmp(name, "ask_public_type") == 0 ? &c->ui.ask_public_type
                 : strcmp(name, "ask_priority") == 0  ? &c->ui.ask_priority
                                                      : NULL;
    if (flag) {
        if (!parse_bool(v, flag))
            return fail(ctx, "%s \"%s\": true or false", name, v);
        return 1;
    }
    if (strcmp(name, "admin_pin") == 0) {
        size_t len = strlen(v);
        if (len < 4 || len >= sizeof c->ui.admin_pin || strspn(v, "0123456789") != len)
            return fail(ctx, "admin_pin: 4 to %zu digits", sizeof c->ui.admin_pin - 1);
        return copy_text(ctx, "admin_pin", c->ui.admin_pin, sizeof c->ui.admin_pin, v);
    }
    return fail(ctx, "unknown key \"%s\" in [ui]", name);
}

static int on_device(parse_ctx *ctx, const char *name, const char *v)
{
    if (strcmp(name, "role") == 0) {
        int role = config_role_from_name(v);
        if (role < 0)
            return fail(ctx, "role \"%s\": kiosk, counter or display", v);
        ctx->cfg.device.role = (config_role)role;
        ctx->device_line = ctx->line;
        return 1;
    }
    if (strcmp(name, "counter") == 0) {
        if (!parse_int(v, 1, 999, &ctx->cfg.device.counter_id))
            return fail(ctx, "counter \"%s\": the number of a [counter.N]", v);
        return 1;
    }
    return fail(ctx, "unknown key \"%s\" in [device]", name);
}

static int on_hub(parse_ctx *ctx, const char *name, const char *v)
{
    if (strcmp(name, "url") == 0) {
        if (v[0] && strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0)
            return fail(ctx, "url \"%s\": the kiosk's address, such as http://kiosk.local:8080", v);
        return copy_text(ctx, "url", ctx->cfg.hub.url, sizeof ctx->cfg.hub.url, v);
    }
    if (strcmp(name, "tickets_per_minute") == 0 || strcmp(name, "tickets_per_day") == 0) {
        bool minute = strcmp(name, "tickets_per_minute") == 0;
        if (!parse_int(v, 0, 100000, minute ? &ctx->cfg.hub.tickets_per_minute : &ctx->cfg.hub.tickets_per_day))
            return fail(ctx, "%s \"%s\": a number of tickets, 0 for no limit", name, v);
        return 1;
    }
    if (strcmp(name, "listen") != 0)
        return fail(ctx, "unknown key \"%s\" in [hub]", name);
    const char *colon = strrchr(v, ':');
    int port;
    if (v[0] && (!colon || colon == v || !parse_int(colon + 1, 1, 65535, &port)))
        return fail(ctx, "listen \"%s\": HOST:PORT, such as 0.0.0.0:8080", v);
    return copy_text(ctx, "listen", ctx->cfg.hub.listen, sizeof ctx->cfg.hub.listen, v);
}

static int on_hq(parse_ctx *ctx, const char *name, const char *v)
{
    borne_config *c = &ctx->cfg;
    if (strcmp(name, "url") == 0) {
        if (v[0] && strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0)
            return fail(ctx, "url \"%s\": an https:// (or http:// on a test network) address", v);
        return copy_text(ctx, "url", c->hq.url, sizeof c->hq.url, v);
    }
    if (strcmp(name, "token_file") == 0)
        return copy_path(ctx, "token_file", c->hq.token_file, sizeof c->hq.token_file, v);
    if (strcmp(name, "ca_file") == 0)
        return copy_path(ctx, "ca_file", c->hq.ca_file, sizeof c->hq.ca_file, v);
    return fail(ctx, "unknown key \"%s\" in [hq]", name);
}

/* Addresses go into a mail header: no newline, no quote, nothing but plain addresses. */
static bool mail_list_ok(const char *v)
{
    for (const char *p = v; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("@.+_-, ", *p))
            return false;
    return strchr(v, '@') != NULL;
}

static int on_alarm(parse_ctx *ctx, const char *name, const char *v)
{
    borne_config *c = &ctx->cfg;
    if (strcmp(name, "escalate_after_s") == 0 || strcmp(name, "escalate_every_s") == 0) {
        int *out = name[9] == 'a' ? &c->alarm.escalate_after_s : &c->alarm.escalate_every_s;
        if (!parse_int(v, name[9] == 'a' ? 0 : 10, 86400, out))
            return fail(ctx, "%s \"%s\": seconds, from %d to 86400", name, v, name[9] == 'a' ? 0 : 10);
        return 1;
    }
    if (strcmp(name, "escalate_tests") == 0) {
        if (!parse_bool(v, &c->alarm.escalate_tests))
            return fail(ctx, "escalate_tests \"%s\": true or false", v);
        return 1;
    }
    if (strcmp(name, "webhook_url") == 0) {
        if (v[0] && strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0)
            return fail(ctx, "webhook_url \"%s\": an https:// address", v);
        return copy_text(ctx, name, c->alarm.webhook_url, sizeof c->alarm.webhook_url, v);
    }
    if (strcmp(name, "mail_to") == 0) {
        if (v[0] && !mail_list_ok(v))
            return fail(ctx, "mail_to \"%s\": addresses separated by commas", v);
        return copy_text(ctx, name, c->alarm.mail_to, sizeof c->alarm.mail_to, v);
    }
    if (strcmp(name, "sendmail") == 0)
        return copy_path(ctx, name, c->alarm.sendmail, sizeof c->alarm.sendmail, v);
    if (strcmp(name, "panic_device") == 0)
        return copy_path(ctx, name, c->alarm.panic_device, sizeof c->alarm.panic_device, v);
    if (strcmp(name, "panic_key") == 0)
        return copy_text(ctx, name, c->alarm.panic_key, sizeof c->alarm.panic_key, v);
    if (strcmp(name, "panic_counter") == 0) {
        if (!parse_int(v, 1, 999, &c->alarm.panic_counter))
            return fail(ctx, "panic_counter \"%s\": the desk the button raises as, a [counter.N]", v);
        ctx->alarm_line = ctx->line;
        return 1;
    }
    return fail(ctx, "unknown key \"%s\" in [alarm]", name);
}

static int on_clock(parse_ctx *ctx, const char *name, const char *v)
{
    if (strcmp(name, "require_sync") != 0)
        return fail(ctx, "unknown key \"%s\" in [clock]", name);
    if (!parse_bool(v, &ctx->cfg.clock.require_sync))
        return fail(ctx, "require_sync \"%s\": true or false", v);
    return 1;
}

static int on_store(parse_ctx *ctx, const char *name, const char *v)
{
    if (strcmp(name, "path") != 0)
        return fail(ctx, "unknown key \"%s\" in [store]", name);
    if (!v[0])
        return fail(ctx, "path: the database file is required");
    return copy_path(ctx, "path", ctx->cfg.store.path, sizeof ctx->cfg.store.path, v);
}

/* One line per action; a key the file binds wins over the default map, a key it binds twice is
 * an error. */
static int on_keypad(parse_ctx *ctx, const char *name, const char *v)
{
    if (strcmp(name, "device") == 0)
        return copy_path(ctx, name, ctx->cfg.keypad.device, sizeof ctx->cfg.keypad.device, v);
    keypad_action a = keypad_action_named(name);
    if (a == KEYPAD_NONE) {
        char known[256] = "";
        for (int i = 1; i < KEYPAD_ACTION_COUNT; i++) {
            size_t used = strlen(known);
            snprintf(known + used, sizeof known - used, "%s%s", i > 1 ? ", " : "", keypad_action_name((keypad_action)i));
        }
        return fail(ctx, "unknown key \"%s\" in [keypad] (device, or an action: %s)", name, known);
    }
    uint16_t codes[KEYPAD_LIST_MAX];
    char err[160];
    int n = keypad_parse_keys(v, codes, err, sizeof err);
    if (n < 0)
        return fail(ctx, "%s: %s", name, err);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < ctx->n_keypad_given; j++)
            if (ctx->keypad_given[j].code == codes[i])
                return fail(ctx, "%s: %s is already bound on line %d", name, keypad_key_name(codes[i]),
                            ctx->keypad_given[j].line);
    if (ctx->n_keypad_given + n > KEYPAD_MAP_MAX || keypad_map_bind(&ctx->cfg.keypad.map, a, codes, n) != 0)
        return fail(ctx, "%s: more than %d keys in [keypad]", name, KEYPAD_MAP_MAX);
    for (int i = 0; i < n; i++) {
        ctx->keypad_given[ctx->n_keypad_given].code = codes[i];
        ctx->keypad_given[ctx->n_keypad_given].line = ctx->line;
        ctx->n_keypad_given++;
    }
    return 1;
}

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
    parse_ctx *ctx = user;
    if (ctx->err[0])
        return 0;
    if (!text_ok(ctx, "section name", section) || !text_ok(ctx, "key", name) ||
        !text_ok(ctx, name, value))
        return 0;
    if (!mark_seen(ctx, section, name))
        return fail(ctx, "\"%s\" is set twice in [%s]", name, section);
    if (strcmp(section, "antenne") == 0)
        return on_antenne(ctx, name, value);
    if (strcmp(section, "partners") == 0)
        return on_partner(ctx, name, value);
    if (strcmp(section, "hours") == 0)
        return on_hours(ctx, name, value);
    if (strncmp(section, "service.", 8) == 0)
        return on_service(ctx, section, name, value);
    if (strncmp(section, "counter.", 8) == 0)
        return on_counter(ctx, section, name, value);
    if (strcmp(section, "queue") == 0)
        return on_queue(ctx, name, value);
    if (strcmp(section, "printer") == 0)
        return on_printer(ctx, name, value);
    if (strcmp(section, "ui") == 0)
        return on_ui(ctx, name, value);
    if (strcmp(section, "device") == 0)
        return on_device(ctx, name, value);
    if (strcmp(section, "hub") == 0)
        return on_hub(ctx, name, value);
    if (strcmp(section, "hq") == 0)
        return on_hq(ctx, name, value);
    if (strcmp(section, "store") == 0)
        return on_store(ctx, name, value);
    if (strcmp(section, "clock") == 0)
        return on_clock(ctx, name, value);
    if (strcmp(section, "keypad") == 0)
        return on_keypad(ctx, name, value);
    if (strcmp(section, "alarm") == 0)
        return on_alarm(ctx, name, value);
    if (strcmp(section, "closures") == 0)
        return on_closures(ctx, name, value);
    if (section[0] == '\0')
        return fail(ctx, "\"%s\" comes before any [section]", name);
    return fail(ctx, "unknown section [%s]", section);
}

/* Checks that need the whole file. */
static bool validate(parse_ctx *ctx)
{
    borne_config *c = &ctx->cfg;
    if (!c->antenne.id[0])
        return fail_at(ctx, 0, "[antenne] id is required");
    if (!c->antenne.name[0])
        return fail_at(ctx, 0, "[antenne] name is required");
    if (c->setup.n_services == 0)
        return fail_at(ctx, 0, "at least one [service.X] section is required");
    for (int i = 0; i < c->setup.n_services; i++) {
        queue_service *s = &c->setup.services[i];
        if (!s->label_fr[0])
            return fail_at(ctx, ctx->service_line[i], "[service.%c] label_fr is required", s->letter);
        if (!s->label_en[0])
            memcpy(s->label_en, s->label_fr, sizeof s->label_en);
    }
    for (int i = 0; i < c->setup.n_counters; i++) {
        queue_counter_def *k = &c->setup.counters[i];
        if (!k->services[0])
            return fail_at(ctx, ctx->counter_services_line[i], "[counter.%d] services is required", k->id);
        for (const char *p = k->services; *p; p++) {
            bool known = false;
            for (int j = 0; j < c->setup.n_services; j++)
                known |= c->setup.services[j].letter == *p;
            if (!known)
                return fail_at(ctx, ctx->counter_services_line[i],
                               "[counter.%d] serves %c, which is not a [service.%c]", k->id, *p, *p);
        }
        if (!k->name[0])
            snprintf(k->name, sizeof k->name, "Guichet %d", k->id);
    }
    if (!c->printer_virtual && !c->printer.device[0])
        return fail_at(ctx, 0, "[printer] device is required (a device path, or virtual)");
    if (c->hq.url[0] && !c->hq.token_file[0])
        return fail_at(ctx, 0, "[hq] token_file is required when url is set");
    if (!c->alarm.escalate_every_s)
        c->alarm.escalate_every_s = c->alarm.escalate_after_s > 10 ? c->alarm.escalate_after_s : 10;
    if (c->alarm.panic_device[0]) {
        bool known = false;
        for (int i = 0; i < c->setup.n_counters; i++)
            known |= c->setup.counters[i].id == c->alarm.panic_counter;
        if (!known || !c->alarm.panic_key[0])
            return fail_at(ctx, ctx->alarm_line, "[alarm] panic_device needs panic_key and a"
                           " panic_counter naming a [counter.N]");
    }
    bool offered = false;
    for (int i = 0; i < c->ui.n_languages; i++)
        offered |= strcmp(c->ui.languages[i], c->ui.language) == 0;
    if (!offered)
        return fail_at(ctx, ctx->language_line, "[ui] language %s is not among [ui] languages", c->ui.language);
    char why[256];
    if (config_check_role(c, why, sizeof why) != 0)
        return fail_at(ctx, ctx->device_line, "%s", why);
    return true;
}

const char *config_role_name(config_role r)
{
    static const char *const names[] = {"kiosk", "counter", "display"};
    return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "?";
}

int config_role_from_name(const char *name)
{
    for (int r = CONFIG_ROLE_KIOSK; r <= CONFIG_ROLE_DISPLAY; r++)
        if (strcmp(name, config_role_name((config_role)r)) == 0)
            return r;
    return -1;
}

int config_check_role(const borne_config *cfg, char *errbuf, size_t errlen)
{
    const char *role = config_role_name(cfg->device.role);
    if (cfg->device.role != CONFIG_ROLE_KIOSK && !cfg->hub.url[0]) {
        snprintf(errbuf, errlen, "role %s: [hub] url (the kiosk's address) is required", role);
        return -EINVAL;
    }
    if (cfg->device.role == CONFIG_ROLE_COUNTER) {
        bool known = false;
        for (int i = 0; i < cfg->setup.n_counters; i++)
            known |= cfg->setup.counters[i].id == cfg->device.counter_id;
        if (!known) {
            snprintf(errbuf, errlen, "role counter: [device] counter must name a [counter.N] section");
            return -EINVAL;
        }
    }
    return 0;
}

void config_defaults(borne_config *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->antenne.timezone, sizeof out->antenne.timezone, "Europe/Paris");
    out->setup.last_ticket_min = 15;
    out->retention_days = 30;
    out->printer.baud = 19200;
    out->printer.flow = PRINTER_FLOW_RTSCTS;
    snprintf(out->printer.model, sizeof out->printer.model, "epson-tm-t20");
    out->printer.reprint_after_fault = true;
    out->printer.probe_interval_ms = 1000;
    snprintf(out->ui.language, sizeof out->ui.language, "fr");
    for (const char *const *k = config_known_languages; *k && out->ui.n_languages < CONFIG_LANGS_MAX; k++)
        snprintf(out->ui.languages[out->ui.n_languages++], sizeof out->ui.languages[0], "%s", *k);
    out->ui.width_mm = 155;
    out->ui.height_mm = 86;
    out->ui.idle_s = 60;
    out->ui.ask_priority = true;
    out->hub.tickets_per_minute = 30;
    out->hub.tickets_per_day = 300;
    snprintf(out->store.path, sizeof out->store.path, "/var/lib/borne/borne.db");
    out->clock.require_sync = true;
    keypad_map_default(&out->keypad.map);
    out->alarm.escalate_after_s = 120;
    snprintf(out->alarm.sendmail, sizeof out->alarm.sendmail, "/usr/sbin/sendmail");
}

int config_load(const char *path, borne_config *out, char *errbuf, size_t errlen)
{
    parse_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) {
        snprintf(errbuf, errlen, "%s: out of memory", path);
        return -ENOMEM;
    }
    int rc = 0;
    ctx->path = path;
    config_defaults(&ctx->cfg);
    ctx->cfg.printer_virtual = false;
    ctx->cfg.printer.device[0] = '\0';

    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(ctx->dir, sizeof ctx->dir, "%.*s", (int)(slash - path), path);
    else
        snprintf(ctx->dir, sizeof ctx->dir, ".");
    if (!ctx->dir[0])
        snprintf(ctx->dir, sizeof ctx->dir, "/");

    ctx->file = fopen(path, "r");
    if (!ctx->file) {
        rc = -errno;
        snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
        goto end;
    }
    int parse_rc = ini_parse_stream(counting_reader, ctx, on_entry, ctx);
    if (parse_rc != 0 && !ctx->err[0]) {
        ctx->err_line = parse_rc > 0 ? parse_rc : ctx->line;
        snprintf(ctx->err, sizeof ctx->err, parse_rc > 0 ? "syntax error (expected [section] or key = value)"
                                                         : "cannot read the file");
    }
    if (!ctx->err[0] && ferror(ctx->file))
        snprintf(ctx->err, sizeof ctx->err, "read error: %s", strerror(errno));
    if (!ctx->err[0])
        validate(ctx);
    if (ctx->err[0]) {
        if (ctx->err_line > 0)
            snprintf(errbuf, errlen, "%s:%d: %s", path, ctx->err_line, ctx->err);
        else
            snprintf(errbuf, errlen, "%s: %s", path, ctx->err);
        rc = -EINVAL;
        goto end;
    }
    *out = ctx->cfg;
end:
    if (ctx->file)
        fclose(ctx->file);
    free(ctx->seen);
    free(ctx);
    return rc;
}

/* ---- business documents (config_business.c feeds them through the same handlers) ---- */

parse_ctx *config_ctx_new(const borne_config *start)
{
    parse_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    ctx->cfg = *start;
    ctx->path = "document";
    /* The document replaces every business setting of the file; device settings stay. */
    queue_setup *s = &ctx->cfg.setup;
    s->n_services = 0;
    memset(s->services, 0, sizeof s->services);
    memset(s->week, 0, sizeof s->week);
    s->last_ticket_min = 15;
    s->public_holidays = false;
    s->n_closures = 0;
    ctx->cfg.antenne.message_fr[0] = ctx->cfg.antenne.message_en[0] = '\0';
    ctx->cfg.antenne.screen_message_fr[0] = ctx->cfg.antenne.screen_message_en[0] = '\0';
    ctx->cfg.antenne.waiting_target_min = 0;
    s->n_partners = 0;
    memset(s->partners, 0, sizeof s->partners);
    return ctx;
}

bool config_ctx_entry(parse_ctx *ctx, const char *section, const char *name, const char *value)
{
    ctx->line++;
    return on_entry(ctx, section, name, value) != 0 && !ctx->err[0];
}

const char *config_ctx_error(const parse_ctx *ctx)
{
    return ctx->err;
}

int config_ctx_finish(parse_ctx *ctx, borne_config *out, char *errbuf, size_t errlen)
{
    if (!ctx->err[0])
        validate(ctx);
    if (ctx->err[0]) {
        snprintf(errbuf, errlen, "%s", ctx->err);
        return -EINVAL;
    }
    *out = ctx->cfg;
    return 0;
}

void config_ctx_free(parse_ctx *ctx)
{
    if (ctx) {
        free(ctx->seen);
        free(ctx);
    }
}
