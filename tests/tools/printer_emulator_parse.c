/* ESC/POS interpreter of the printer emulator (see printer_emulator_parse.h). Command lengths
 * follow the Epson ESC/POS reference; anything unknown is counted and skipped by its known
 * length or, failing that, two bytes, so the parser never stalls on a bad stream. */
#include "printer_emulator_parse.h"

#include <stdlib.h>
#include <string.h>

enum {
    FONT_DOTS = 12,          /* font A: 12 x 24 dots */
    RUN_MAX = 1024,
    LINES_MAX = 4096,        /* a ticket longer than this is garbage: lines are dropped */
    PAYLOAD_MAX = 65536,
};

enum { ESC = 0x1B, GS = 0x1D, DLE = 0x10, FS = 0x1C, LF = 0x0A };

static const struct {
    uint8_t n;
    const char *iconv_name;
} codepages[] = {{0, "CP437"}, {2, "CP850"}, {16, "CP1252"}, {19, "CP858"}};
#define N_CODEPAGES (sizeof codepages / sizeof codepages[0])

struct emu_parser {
    int dots;
    emu_cut_fn on_cut;
    emu_process_id_fn on_process_id;
    void *ctx;

    uint8_t cmd[10];
    size_t cmd_len;
    uint8_t *payload;        /* GS ( k and GS v 0 data */
    size_t pay_len, pay_left;
    bool pay_lost;

    /* decode[c][b - 0x80]: UTF-8 of byte b in code page c ("" until built) */
    char decode[N_CODEPAGES][128][5];
    bool built[N_CODEPAGES];
    int cp;                  /* index in codepages, -1 unknown */

    uint8_t width, height, align, qr_module;
    bool bold;
    char *qr_data;

    char run[RUN_MAX];
    size_t run_len;
    uint8_t run_w, run_h;
    bool run_bold;
    emu_run *runs;
    size_t n_runs, cap_runs;
    int line_dots;

    emu_ticket t;
    size_t cap_lines;
    bool started;
    unsigned unknown;
};

const char *emu_codepage_name(uint8_t n)
{
    for (size_t i = 0; i < N_CODEPAGES; i++)
        if (codepages[i].n == n)
            return codepages[i].iconv_name;
    return NULL;
}

static void build_decode(emu_parser *p, int c)
{
    iconv_t cd = iconv_open("UTF-8", codepages[c].iconv_name);
    for (int b = 0x80; b < 0x100; b++) {
        char *out = p->decode[c][b - 0x80];
        strcpy(out, "?");
        if (cd == (iconv_t)-1)
            continue;
        char in = (char)b, tmp[8];
        char *ip = &in, *op = tmp;
        size_t il = 1, ol = sizeof tmp;
        iconv(cd, NULL, NULL, NULL, NULL);
        if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1 && op - tmp < 5) {
            memcpy(out, tmp, (size_t)(op - tmp));
            out[op - tmp] = 0;
        }
    }
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    p->built[c] = true;
}

static void reset_attrs(emu_parser *p)
{
    p->width = p->height = 1;
    p->bold = false;
    p->align = 0;
    p->cp = 0;
    p->qr_module = 3;
}

emu_parser *emu_parser_new(int dots, emu_cut_fn on_cut, void *ctx)
{
    emu_parser *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->dots = dots > 0 ? dots : 576;
    p->on_cut = on_cut;
    p->ctx = ctx;
    reset_attrs(p);
    return p;
}

static void free_lines(emu_parser *p)
{
    for (size_t i = 0; i < p->t.n_lines; i++) {
        emu_line *l = &p->t.lines[i];
        for (size_t r = 0; r < l->n_runs; r++)
            free(l->runs[r].utf8);
        free(l->runs);
        free(l->qr);
        free(l->raster);
    }
    p->t.n_lines = 0;
}

static void free_runs(emu_parser *p)
{
    for (size_t r = 0; r < p->n_runs; r++)
        free(p->runs[r].utf8);
    p->n_runs = 0;
    p->run_len = 0;
    p->line_dots = 0;
}

void emu_parser_free(emu_parser *p)
{
    if (!p)
        return;
    free_lines(p);
    free(p->t.lines);
    free_runs(p);
    free(p->runs);
    free(p->payload);
    free(p->qr_data);
    free(p);
}

static void commit_run(emu_parser *p)
{
    if (p->run_len == 0)
        return;
    size_t out_len = 0;
    char *s = malloc(p->run_len * 4 + 1);
    if (!s) {
        p->run_len = 0;
        return;
    }
    int c = p->cp;
    if (c >= 0 && !p->built[c])
        build_decode(p, c);
    for (size_t i = 0; i < p->run_len; i++) {
        uint8_t b = (uint8_t)p->run[i];
        const char *u = b < 0x80 ? NULL : c >= 0 ? p->decode[c][b - 0x80] : "?";
        if (!u) {
            s[out_len++] = (char)b;
        } else {
            size_t n = strlen(u);
            memcpy(s + out_len, u, n);
            out_len += n;
        }
    }
    s[out_len] = 0;
    if (p->n_runs == p->cap_runs) {
        size_t cap = p->cap_runs ? p->cap_runs * 2 : 8;
        emu_run *r = realloc(p->runs, cap * sizeof *r);
        if (!r) {
            free(s);
            p->run_len = 0;
            return;
        }
        p->runs = r;
        p->cap_runs = cap;
    }
    p->runs[p->n_runs++] = (emu_run){s, p->run_w, p->run_h, p->run_bold};
    p->run_len = 0;
}

static emu_line *push_line(emu_parser *p, emu_kind kind)
{
    if (p->t.n_lines >= LINES_MAX)
        return NULL;
    if (p->t.n_lines == p->cap_lines) {
        size_t cap = p->cap_lines ? p->cap_lines * 2 : 32;
        emu_line *l = realloc(p->t.lines, cap * sizeof *l);
        if (!l)
            return NULL;
        p->t.lines = l;
        p->cap_lines = cap;
    }
    emu_line *l = &p->t.lines[p->t.n_lines++];
    memset(l, 0, sizeof *l);
    l->kind = kind;
    l->align = p->align;
    return l;
}

static void commit_line(emu_parser *p)
{
    commit_run(p);
    emu_line *l = push_line(p, EMU_TEXT);
    if (!l) {
        free_runs(p);
        return;
    }
    if (p->n_runs) {
        l->runs = malloc(p->n_runs * sizeof *l->runs);
        if (l->runs) {
            memcpy(l->runs, p->runs, p->n_runs * sizeof *l->runs);
            l->n_runs = p->n_runs;
            p->n_runs = 0;
        }
    }
    free_runs(p);
}

static bool has_content(const emu_parser *p)
{
    return p->t.n_lines > 0 || p->n_runs > 0 || p->run_len > 0;
}

static void emit(emu_parser *p, bool complete)
{
    commit_run(p);
    if (p->n_runs)
        commit_line(p);
    p->t.complete = complete;
    if (p->on_cut)
        p->on_cut(&p->t, p->ctx);
    free_lines(p);
}

void emu_parser_tear(emu_parser *p)
{
    if (has_content(p))
        emit(p, false);
    p->cmd_len = 0;
    p->pay_left = p->pay_len = 0;
    p->pay_lost = false;
    p->started = false;
}

void emu_parser_on_process_id(emu_parser *p, emu_process_id_fn fn)
{
    p->on_process_id = fn;
}

static bool between_tickets(const emu_parser *p)
{
    return !p->started && !has_content(p);
}

void emu_parser_stop(emu_parser *p)
{
    if (!between_tickets(p))
        emu_parser_tear(p);
}

static void text_byte(emu_parser *p, uint8_t b)
{
    int w = FONT_DOTS * p->width;
    if (p->line_dots + w > p->dots)
        commit_line(p);  /* the printer wraps where the paper ends */
    if (p->run_len && (p->run_w != p->width || p->run_h != p->height || p->run_bold != p->bold))
        commit_run(p);
    if (p->run_len == 0) {
        p->run_w = p->width;
        p->run_h = p->height;
        p->run_bold = p->bold;
    }
    if (p->run_len < RUN_MAX)
        p->run[p->run_len++] = (char)b;
    p->line_dots += w;
}

static void set_codepage(emu_parser *p, uint8_t n)
{
    commit_run(p);
    p->cp = -1;
    for (size_t i = 0; i < N_CODEPAGES; i++)
        if (codepages[i].n == n)
            p->cp = (int)i;
}

static void qr_function(emu_parser *p)
{
    const uint8_t *d = p->payload;
    size_t n = p->pay_len;
    if (n < 2 || d[0] != 49) {
        p->unknown++;
        return;
    }
    switch (d[1]) {
    case 67:  /* module size */
        if (n >= 3 && d[2] >= 1 && d[2] <= 16)
            p->qr_module = d[2];
        break;
    case 80:  /* store data: 49 80 48 d1..dk */
        if (n >= 3) {
            free(p->qr_data);
            p->qr_data = malloc(n - 3 + 1);
            if (p->qr_data) {
                memcpy(p->qr_data, d + 3, n - 3);
                p->qr_data[n - 3] = 0;
            }
        }
        break;
    case 81: {  /* print the stored symbol */
        if (!p->qr_data)
            break;
        if (p->run_len || p->n_runs)
            commit_line(p);
        emu_line *l = push_line(p, EMU_QR);
        if (l) {
            l->qr = strdup(p->qr_data);
            l->qr_module = p->qr_module;
        }
        break;
    }
    default:  /* model, error correction: the emulator always renders model 2, level M */
        break;
    }
}

static void raster(emu_parser *p)
{
    uint16_t w = (uint16_t)(p->cmd[4] | p->cmd[5] << 8), h = (uint16_t)(p->cmd[6] | p->cmd[7] << 8);
    if (p->run_len || p->n_runs)
        commit_line(p);
    emu_line *l = push_line(p, EMU_RASTER);
    if (!l)
        return;
    l->raster = malloc(p->pay_len ? p->pay_len : 1);
    if (l->raster) {
        memcpy(l->raster, p->payload, p->pay_len);
        l->raster_w = w;
        l->raster_h = h;
        l->raster_sx = (p->cmd[3] & 1) ? 2 : 1;   /* m: 1 double width, 2 double height, 3 both */
        l->raster_sy = (p->cmd[3] & 2) ? 2 : 1;
    }
}

static void feed_lines(emu_parser *p, unsigned n)
{
    if (p->run_len || p->n_runs)
        commit_line(p);
    for (unsigned i = 0; i < n; i++)
        commit_line(p);
}

/* Header bytes a command needs, knowing cmd[0..cmd_len); *known false for commands this
 * emulator does not know (skipped as two bytes and counted). */
static size_t command_length(const emu_parser *p, bool *known)
{
    const uint8_t *c = p->cmd;
    *known = true;
    if (p->cmd_len < 2)
        return 2;
    switch (c[0]) {
    case ESC:
        switch (c[1]) {
        case '@': case '2': case '<': case 'i': case 'm': return 2;
        case 'p': return 5;
        case '$': case '\\': return 4;
        case 't': case 'a': case 'E': case '!': case 'd': case 'J': case '-': case 'M': case '3':
        case 'R': case 'G': case '{': case 'V': case 'r': case 'c': case 'U': case 'e': case ' ':
            return 3;
        default: break;
        }
        break;
    case GS:
        switch (c[1]) {
        case 'V':
            if (p->cmd_len < 3)
                return 3;
            return c[2] == 65 || c[2] == 66 || c[2] == 97 || c[2] == 98 || c[2] == 103 || c[2] == 104 ? 4 : 3;
        case '(': return 5;
        case 'v': return 8;
        case 'L': case 'W': return 4;
        case '!': case 'a': case 'B': case 'H': case 'f': case 'h': case 'w': case 'b': case 'I':
        case 'r': return 3;
        default: break;
        }
        break;
    case DLE:
        switch (c[1]) {
        case 0x04: case 0x05: return 3;
        case 0x14:
            if (p->cmd_len < 3)
                return 3;
            return c[2] == 8 ? 10 : c[2] == 1 || c[2] == 2 ? 5 : 3;
        default: break;
        }
        break;
    default: /* FS */
        switch (c[1]) {
        case '.': case '&': return 2;
        case 'p': return 4;
        case 'C': return 3;
        default: break;
        }
        break;
    }
    *known = false;
    return 2;
}

static void execute(emu_parser *p)
{
    const uint8_t *c = p->cmd;
    if (c[0] == ESC) {
        switch (c[1]) {
        case '@':
            if (has_content(p))
                emit(p, false);
            reset_attrs(p);
            p->started = true;
            break;
        case 't': set_codepage(p, c[2]); break;
        case 'a': p->align = (uint8_t)(c[2] % 48 <= 2 ? c[2] % 48 : 0); break;
        case 'E': p->bold = c[2] & 1; break;
        case '!':
            p->bold = c[2] & 0x08;
            p->height = (c[2] & 0x10) ? 2 : 1;
            p->width = (c[2] & 0x20) ? 2 : 1;
            break;
        case 'd': feed_lines(p, c[2]); break;
        default: break;  /* known, no effect on the text and image we keep */
        }
    } else if (c[0] == GS) {
        if (c[1] == '!') {
            p->width = (uint8_t)(((c[2] >> 4) & 7) + 1);
            p->height = (uint8_t)((c[2] & 7) + 1);
        } else if (c[1] == 'V') {
            emit(p, p->started);
            p->started = false;
        }
    }
}

/* After the header of a command with data: how many data bytes follow. */
static size_t payload_length(const emu_parser *p)
{
    const uint8_t *c = p->cmd;
    if (c[0] == GS && c[1] == '(')
        return (size_t)c[3] | (size_t)c[4] << 8;
    if (c[0] == GS && c[1] == 'v')
        return ((size_t)c[4] | (size_t)c[5] << 8) * ((size_t)c[6] | (size_t)c[7] << 8);
    return 0;
}

static void process_id(emu_parser *p)
{
    if (p->pay_len == 6 && p->payload[0] == 48 && p->payload[1] == 48) {
        if (p->on_process_id)
            p->on_process_id(p->payload + 2, p->ctx);
    } else {
        p->unknown++;
    }
}

static void payload_done(emu_parser *p)
{
    if (p->pay_lost)
        p->unknown++;
    else if (p->cmd[1] == '(' && p->cmd[2] == 'k')
        qr_function(p);
    else if (p->cmd[1] == '(' && p->cmd[2] == 'H')
        process_id(p);
    else if (p->cmd[1] == 'v' && p->cmd[2] == '0')
        raster(p);
    else
        p->unknown++;
    p->pay_left = p->pay_len = 0;
    p->pay_lost = false;
    p->cmd_len = 0;
}

void emu_parser_feed(emu_parser *p, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t b = buf[i];
        if (p->pay_left) {
            /* Data beyond PAYLOAD_MAX is consumed but not kept; the command is then skipped. */
            if (p->pay_len < PAYLOAD_MAX && (p->payload || (p->payload = malloc(PAYLOAD_MAX))))
                p->payload[p->pay_len++] = b;
            else
                p->pay_lost = true;
            if (--p->pay_left == 0)
                payload_done(p);
            continue;
        }
        if (p->cmd_len) {
            p->cmd[p->cmd_len++] = b;
            bool known;
            if (p->cmd_len < command_length(p, &known))
                continue;
            if (!known)
                p->unknown++;
            size_t pay = payload_length(p);
            execute(p);
            p->pay_left = pay;
            p->pay_len = 0;
            if (!pay)
                p->cmd_len = 0;
            continue;
        }
        if (b == ESC || b == GS || b == DLE || b == FS) {
            p->cmd[0] = b;
            p->cmd_len = 1;
        } else if (b == LF) {
            commit_line(p);
        } else if (b >= 0x20) {
            text_byte(p, b);
        }
    }
}

unsigned emu_parser_unknown(const emu_parser *p)
{
    return p->unknown;
}

size_t emu_parser_feed_stopped(emu_parser *p, const uint8_t *buf, size_t len)
{
    static const uint8_t head[] = {GS, '(', 'H'};
    size_t i = 0;
    while (i < len && between_tickets(p)) {
        bool in_request = p->cmd_len >= sizeof head && memcmp(p->cmd, head, sizeof head) == 0;
        if (!in_request && (p->cmd_len >= sizeof head || buf[i] != head[p->cmd_len] ||
                            memcmp(p->cmd, head, p->cmd_len) != 0))
            break;
        emu_parser_feed(p, buf + i, 1);
        i++;
    }
    return i;
}
