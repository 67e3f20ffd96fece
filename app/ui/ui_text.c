#include "borne/ui_text.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL2/SDL_ttf.h>

#define FONTS_PER_WEIGHT 12      /* open sizes kept per weight (a screen uses 4 to 8) */
#define LINE_CACHE 96            /* rendered lines kept (one screen's worth and some) */
#define TEXT_MAX 1024            /* longest text drawn, bytes */
#define LINES_MAX 24
#define SHRINK_STEP 0.94         /* each shrink step: 6 % smaller cap height */
#define TEXT_RUNS_MAX 32         /* direction runs in one line */

typedef struct font_slot {
    TTF_Font *font;
    int size;                    /* point size = pixel em size at 72 dpi */
    int cap_px;                  /* measured height of "H" */
    uint64_t used;
} font_slot;

typedef struct line_entry {
    char *text;
    uint32_t hash;
    int size;
    bool bold;
    bool rtl;                    /* shaped right to left */
    SDL_Color fg;
    SDL_Texture *tex;
    int w, h;
    uint64_t frame;              /* last frame it was drawn in */
} line_entry;

struct ui_fonts {
    SDL_Renderer *r;
    void *data[2];               /* font files, read once; [0] regular, [1] bold */
    size_t len[2];
    double cap_ratio[2];         /* cap height / em size */
    font_slot slots[2][FONTS_PER_WEIGHT];
    line_entry lines[LINE_CACHE];
    uint64_t clock;              /* use counter for the font LRU */
    uint64_t frame;
};

static const char *font_files[2] = {"fonts/DejaVuSans.ttf", "fonts/DejaVuSans-Bold.ttf"};

static TTF_Font *open_size(ui_fonts *f, int bold, int size)
{
    /* Each size is its own FreeType face over the same bytes in memory: no file access after
     * start-up, and SDL_ttf's glyph cache stays valid (TTF_SetFontSize would flush it). */
    SDL_RWops *rw = SDL_RWFromConstMem(f->data[bold], (int)f->len[bold]);
    return rw ? TTF_OpenFontRW(rw, 1, size) : NULL;
}

static int measure_cap(TTF_Font *font)
{
    int minx, maxx, miny, maxy, adv;
    if (TTF_GlyphMetrics32(font, 'H', &minx, &maxx, &miny, &maxy, &adv) != 0)
        return 0;
    return maxy;
}

int ui_fonts_create(ui_fonts **out, SDL_Renderer *r, const char *assets_dir, char *errbuf, size_t errlen)
{
    *out = NULL;
    if (!TTF_WasInit() && TTF_Init() != 0) {
        snprintf(errbuf, errlen, "TTF_Init: %s", TTF_GetError());
        return -1;
    }
    ui_fonts *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    f->r = r;
    for (int b = 0; b < 2; b++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", assets_dir ? assets_dir : ".", font_files[b]);
        f->data[b] = SDL_LoadFile(path, &f->len[b]);
        if (!f->data[b]) {
            snprintf(errbuf, errlen, "%s: %s", path, SDL_GetError());
            ui_fonts_destroy(f);
            return -1;
        }
        TTF_Font *probe = open_size(f, b, 200);
        int cap = probe ? measure_cap(probe) : 0;
        if (probe)
            TTF_CloseFont(probe);
        if (cap <= 0) {
            snprintf(errbuf, errlen, "%s: not a usable font (%s)", path, TTF_GetError());
            ui_fonts_destroy(f);
            return -1;
        }
        f->cap_ratio[b] = cap / 200.0;
    }
    *out = f;
    return 0;
}

static void drop_line(line_entry *e)
{
    if (e->tex)
        SDL_DestroyTexture(e->tex);
    free(e->text);
    memset(e, 0, sizeof *e);
}

void ui_fonts_destroy(ui_fonts *f)
{
    if (!f)
        return;
    for (int i = 0; i < LINE_CACHE; i++)
        drop_line(&f->lines[i]);
    for (int b = 0; b < 2; b++) {
        for (int i = 0; i < FONTS_PER_WEIGHT; i++)
            if (f->slots[b][i].font)
                TTF_CloseFont(f->slots[b][i].font);
        SDL_free(f->data[b]);
    }
    free(f);
}

void ui_fonts_end_frame(ui_fonts *f)
{
    /* Lines not drawn in this frame or the one before belong to a screen that is gone: free
     * their textures so memory stays at about one screen of text. */
    for (int i = 0; i < LINE_CACHE; i++)
        if (f->lines[i].text && f->lines[i].frame + 1 < f->frame)
            drop_line(&f->lines[i]);
    f->frame++;
}

static font_slot *get_font(ui_fonts *f, bool bold, int size)
{
    int b = bold ? 1 : 0;
    font_slot *victim = &f->slots[b][0];
    for (int i = 0; i < FONTS_PER_WEIGHT; i++) {
        font_slot *s = &f->slots[b][i];
        if (s->font && s->size == size) {
            s->used = ++f->clock;
            return s;
        }
        if (!s->font || (victim->font && s->used < victim->used))
            victim = s;
    }
    TTF_Font *font = open_size(f, b, size);
    if (!font)
        return NULL;
    if (victim->font)
        TTF_CloseFont(victim->font);
    victim->font = font;
    victim->size = size;
    victim->cap_px = measure_cap(font);
    victim->used = ++f->clock;
    return victim;
}

/* The smallest font whose "H" is at least cap_px tall. */
static font_slot *font_for_cap(ui_fonts *f, bool bold, int cap_px)
{
    int b = bold ? 1 : 0;
    int size = (int)ceil(cap_px / f->cap_ratio[b]);
    if (size < 4)
        size = 4;
    font_slot *s = get_font(f, bold, size);
    while (s && s->cap_px < cap_px && size < 2000)
        s = get_font(f, bold, ++size);
    return s;
}

static uint32_t hash_text(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* ---- direction: a small subset of the Unicode bidirectional algorithm (UAX #9) --------------
 * Enough for a kiosk's texts: Arabic words, Latin names (an antenne, a desk), numbers, times and
 * ticket codes, punctuation; no explicit embeddings or isolates. Paragraph direction from the
 * first strong letter (P2-P3), numbers with their separators (W4), numbers after Latin are Latin
 * (W7), neutrals take the direction around them or the paragraph's (N1-N2), levels (I1-I2) and the
 * reordering of runs (L2). Each run is then shaped by HarfBuzz in its own direction. */

enum { BIDI_L, BIDI_R, BIDI_EN, BIDI_CS, BIDI_N };

static uint32_t next_cp(const char *s, size_t n, size_t *i)
{
    const unsigned char *p = (const unsigned char *)s + *i;
    size_t left = n - *i;
    uint32_t cp = p[0];
    size_t len = 1;
    if (cp >= 0xF0 && left >= 4) {
        cp = ((cp & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
        len = 4;
    } else if (cp >= 0xE0 && left >= 3) {
        cp = ((cp & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        len = 3;
    } else if (cp >= 0xC0 && left >= 2) {
        cp = ((cp & 0x1Fu) << 6) | (p[1] & 0x3Fu);
        len = 2;
    }
    *i += len;
    return cp;
}

static int bidi_class(uint32_t cp)
{
    if ((cp >= 0x0590 && cp <= 0x08FF) || (cp >= 0xFB1D && cp <= 0xFDFF) || (cp >= 0xFE70 && cp <= 0xFEFF))
        return BIDI_R;
    if (cp >= '0' && cp <= '9')
        return BIDI_EN;
    if (cp == ',' || cp == '.' || cp == ':' || cp == '/')
        return BIDI_CS;
    if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || (cp >= 0x00C0 && cp <= 0x024F && cp != 0xD7 && cp != 0xF7) ||
        (cp >= 0x0370 && cp <= 0x052F))
        return BIDI_L;
    return BIDI_N;
}

bool ui_text_is_rtl(const char *text, bool ui_rtl)
{
    size_t n = strlen(text);
    for (size_t i = 0; i < n;) {
        int c = bidi_class(next_cp(text, n, &i));
        if (c == BIDI_L || c == BIDI_R)
            return c == BIDI_R;
    }
    return ui_rtl;
}

int ui_text_runs(const char *text, size_t n, bool para_rtl, ui_text_run *runs, int max)
{
    if (n > TEXT_MAX)
        n = TEXT_MAX;
    static _Thread_local struct { size_t at; int cls, level; } ch[TEXT_MAX];
    int m = 0;
    for (size_t i = 0; i < n;) {
        ch[m].at = i;
        ch[m].cls = bidi_class(next_cp(text, n, &i));
        m++;
    }
    int para = para_rtl ? BIDI_R : BIDI_L;
    for (int i = 1; i + 1 < m; i++)   /* W4: 1,5 or 12:30 is one number */
        if (ch[i].cls == BIDI_CS && ch[i - 1].cls == BIDI_EN && ch[i + 1].cls == BIDI_EN)
            ch[i].cls = BIDI_EN;
    int strong = para;                /* W7: a number after Latin letters is Latin */
    for (int i = 0; i < m; i++) {
        if (ch[i].cls == BIDI_L || ch[i].cls == BIDI_R)
            strong = ch[i].cls;
        else if (ch[i].cls == BIDI_EN && strong == BIDI_L)
            ch[i].cls = BIDI_L;
        else if (ch[i].cls == BIDI_CS)
            ch[i].cls = BIDI_N;
    }
    for (int i = 0; i < m;) {         /* N1-N2: numbers count as right to left around neutrals */
        if (ch[i].cls != BIDI_N) {
            i++;
            continue;
        }
        int j = i;
        while (j < m && ch[j].cls == BIDI_N)
            j++;
        int before = i == 0 ? para : ch[i - 1].cls == BIDI_L ? BIDI_L : BIDI_R;
        int after = j == m ? para : ch[j].cls == BIDI_L ? BIDI_L : BIDI_R;
        for (int k = i; k < j; k++)
            ch[k].cls = before == after ? before : para;
        i = j;
    }
    int base = para_rtl ? 1 : 0, top = base;
    for (int i = 0; i < m; i++) {     /* I1-I2 */
        int c = ch[i].cls;
        ch[i].level = base == 0 ? (c == BIDI_L ? 0 : c == BIDI_R ? 1 : 2) : (c == BIDI_R ? 1 : 2);
        top = ch[i].level > top ? ch[i].level : top;
    }
    int nr = 0;
    for (int i = 0; i < m && nr < max;) {
        int j = i;
        while (j < m && ch[j].level == ch[i].level)
            j++;
        size_t end = j == m ? n : ch[j].at;
        runs[nr++] = (ui_text_run){ch[i].at, end - ch[i].at, ch[i].level % 2 == 1, ch[i].level};
        i = j;
    }
    /* L2: from the highest level down to the lowest odd one, reverse every sequence of runs at
     * that level or above. */
    int lowest_odd = base % 2 == 1 ? base : base + 1;
    for (int lv = top; lv >= lowest_odd; lv--)
        for (int i = 0; i < nr;) {
            if (runs[i].level < lv) {
                i++;
                continue;
            }
            int j = i;
            while (j < nr && runs[j].level >= lv)
                j++;
            for (int a = i, b = j - 1; a < b; a++, b--) {
                ui_text_run t = runs[a];
                runs[a] = runs[b];
                runs[b] = t;
            }
            i = j;
        }
    return nr;
}

static void set_direction(TTF_Font *font, bool rtl)
{
    /* Without a script HarfBuzz uses its default shaper: Arabic letters would stay unjoined. */
    TTF_SetFontDirection(font, rtl ? TTF_DIRECTION_RTL : TTF_DIRECTION_LTR);
    TTF_SetFontScriptName(font, rtl ? "Arab" : "Latn");
}

static int run_width(TTF_Font *font, const char *s, size_t n, bool rtl)
{
    char buf[TEXT_MAX];
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    int w = 0, h = 0;
    set_direction(font, rtl);
    TTF_SizeUTF8(font, buf, &w, &h);
    return w;
}

/* Width of text[0..n) laid out in runs; the paragraph's direction comes from the whole text. */
static int bidi_width(TTF_Font *font, const char *s, size_t n, bool para_rtl)
{
    ui_text_run runs[TEXT_RUNS_MAX];
    int nr = ui_text_runs(s, n, para_rtl, runs, TEXT_RUNS_MAX);
    int w = 0;
    for (int i = 0; i < nr; i++)
        w += run_width(font, s + runs[i].start, runs[i].len, runs[i].rtl);
    return w;
}

static line_entry *get_line(ui_fonts *f, font_slot *fs, bool bold, bool rtl, const char *text, SDL_Color fg)
{
    uint32_t h = hash_text(text);
    line_entry *free_slot = NULL, *oldest = &f->lines[0];
    for (int i = 0; i < LINE_CACHE; i++) {
        line_entry *e = &f->lines[i];
        if (!e->text) {
            if (!free_slot)
                free_slot = e;
            continue;
        }
        if (e->hash == h && e->size == fs->size && e->bold == bold && e->rtl == rtl && e->fg.r == fg.r && e->fg.g == fg.g &&
            e->fg.b == fg.b && e->fg.a == fg.a && strcmp(e->text, text) == 0) {
            e->frame = f->frame;
            return e;
        }
        if (e->frame < oldest->frame)
            oldest = e;
    }
    line_entry *e = free_slot ? free_slot : oldest;
    drop_line(e);
    set_direction(fs->font, rtl);
    SDL_Surface *s = TTF_RenderUTF8_Blended(fs->font, text, fg);
    if (!s)
        return NULL;
    e->tex = SDL_CreateTextureFromSurface(f->r, s);
    e->w = s->w;
    e->h = s->h;
    SDL_FreeSurface(s);
    e->text = strdup(text);
    if (!e->tex || !e->text) {
        drop_line(e);
        return NULL;
    }
    e->hash = h;
    e->size = fs->size;
    e->bold = bold;
    e->rtl = rtl;
    e->fg = fg;
    e->frame = f->frame;
    return e;
}

typedef struct line_span {
    size_t start, len;
} line_span;

/* Greedy word wrap of text into spans no wider than max_w. Returns the number of lines, or -1
 * when a single word is wider than max_w or more than LINES_MAX lines are needed. */
static int wrap(TTF_Font *font, const char *text, int max_w, bool para_rtl, line_span *out)
{
    int n = 0;
    size_t pos = 0, total = strlen(text);
    while (pos <= total) {
        size_t para_end = pos;
        while (para_end < total && text[para_end] != '\n')
            para_end++;
        size_t line_start = pos, line_end = pos;   /* current line is [line_start, line_end) */
        size_t word = pos;
        for (;;) {
            while (word < para_end && text[word] == ' ')
                word++;
            size_t word_end = word;
            while (word_end < para_end && text[word_end] != ' ')
                word_end++;
            if (word == word_end)
                break;
            size_t cand_start = line_end == line_start ? word : line_start;
            if (bidi_width(font, text + cand_start, word_end - cand_start, para_rtl) <= max_w) {
                line_start = cand_start;
                line_end = word_end;
            } else {
                if (bidi_width(font, text + word, word_end - word, para_rtl) > max_w)
                    return -1;
                if (n == LINES_MAX)
                    return -1;
                out[n++] = (line_span){line_start, line_end - line_start};
                line_start = word;
                line_end = word_end;
            }
            word = word_end;
        }
        if (n == LINES_MAX)
            return -1;
        out[n++] = (line_span){line_start, line_end - line_start};
        if (para_end >= total)
            break;
        pos = para_end + 1;
    }
    return n;
}

/* Height of a line as rendered: the font's height, or more where shaped glyphs reach past its
 * ascent or descent (Arabic hamza and vowel marks do in DejaVu Sans). */
static int line_extent(TTF_Font *font, const char *s, size_t n, bool para_rtl)
{
    ui_text_run runs[TEXT_RUNS_MAX];
    int nr = ui_text_runs(s, n, para_rtl, runs, TEXT_RUNS_MAX), h = TTF_FontHeight(font);
    for (int i = 0; i < nr; i++) {
        char buf[TEXT_MAX];
        snprintf(buf, sizeof buf, "%.*s", (int)runs[i].len, s + runs[i].start);
        int rw = 0, rh = 0;
        set_direction(font, runs[i].rtl);
        if (TTF_SizeUTF8(font, buf, &rw, &rh) == 0 && rh > h)
            h = rh;
    }
    return h;
}

/* Lines are TTF_FontLineSkip apart from the box's top; the last one sets the bottom. */
static int block_height(TTF_Font *font, const char *text, const line_span *spans, int lines, bool para_rtl)
{
    const line_span *last = &spans[lines - 1];
    return (lines - 1) * TTF_FontLineSkip(font) + line_extent(font, text + last->start, last->len, para_rtl);
}

static bool layout_fits(TTF_Font *font, const char *text, SDL_Rect box, int max_lines, bool para_rtl, line_span *spans,
                        int *n)
{
    *n = wrap(font, text, box.w, para_rtl, spans);
    if (*n < 0)
        return false;
    if (max_lines > 0 && *n > max_lines)
        return false;
    return block_height(font, text, spans, *n, para_rtl) <= box.h;
}

/* Cuts `line` (a NUL-terminated copy) so that it plus an ellipsis fits max_w. */
static void ellipsize(TTF_Font *font, char *line, size_t cap, int max_w, bool para_rtl)
{
    static const char dots[] = "\xE2\x80\xA6";  /* U+2026 */
    size_t len = strlen(line);
    for (;;) {
        char buf[TEXT_MAX + 4];
        snprintf(buf, sizeof buf, "%.*s%s", (int)len, line, dots);
        if (bidi_width(font, buf, strlen(buf), para_rtl) <= max_w || len == 0) {
            snprintf(line, cap, "%s", buf);
            return;
        }
        do
            len--;
        while (len > 0 && ((unsigned char)line[len] & 0xC0) == 0x80);
    }
}

static int cap_px_for(ui *u, double mm)
{
    return (int)ceil(mm * ui_px_per_mm(u) - 1e-6);
}

bool ui_text(ui *u, SDL_Rect box, const char *text, const ui_text_style *st)
{
    ui_fonts *f = ui_get_fonts(u);
    /* Right to left the box is mirrored with the layout and "start" is its right side. */
    box = ui_flip(u, box);
    ui_align halign = st->halign;
    if (ui_rtl(u) && halign != UI_ALIGN_CENTER)
        halign = halign == UI_ALIGN_START ? UI_ALIGN_END : UI_ALIGN_START;
    bool para_rtl = ui_text_is_rtl(text, ui_rtl(u));
    ui_text_rec rec = {0};
    rec.box = box;
    rec.fg = st->fg;
    rec.bg = ui_background_at(u, box.x + box.w / 2, box.y + box.h / 2);
    snprintf(rec.text, sizeof rec.text, "%s", text);

    char buf[TEXT_MAX];
    snprintf(buf, sizeof buf, "%s", text);
    rec.fit = strlen(text) < sizeof buf;

    line_span spans[LINES_MAX];
    int n = 0;
    int cap = cap_px_for(u, st->cap_mm);
    int min_cap = st->min_cap_mm > 0 ? cap_px_for(u, st->min_cap_mm) : cap;
    font_slot *fs = font_for_cap(f, st->bold, cap);
    bool fits = fs && layout_fits(fs->font, buf, box, st->max_lines, para_rtl, spans, &n);
    while (fs && !fits && cap > min_cap) {
        cap = (int)(cap * SHRINK_STEP);
        if (cap < min_cap)
            cap = min_cap;
        fs = font_for_cap(f, st->bold, cap);
        fits = fs && layout_fits(fs->font, buf, box, st->max_lines, para_rtl, spans, &n);
    }
    if (!fs) {
        rec.fit = false;
        ui_record_text(u, &rec);
        return false;
    }
    int skip = TTF_FontLineSkip(fs->font), fh = TTF_FontHeight(fs->font);
    bool truncated_last = false;
    if (!fits) {
        /* Still too big at the smallest allowed size: keep what fits and end with an ellipsis;
         * the report says so. A word wider than the box is cut on its own line. */
        rec.fit = false;
        n = wrap(fs->font, buf, box.w, para_rtl, spans);
        if (n < 0) {
            n = 1;
            spans[0] = (line_span){0, strcspn(buf, "\n")};
            truncated_last = true;
        }
        int room = box.h >= fh ? 1 + (box.h - fh) / skip : 1;
        if (st->max_lines > 0 && room > st->max_lines)
            room = st->max_lines;
        if (n > room) {
            n = room;
            truncated_last = true;
        }
    }
    rec.cap_px = fs->cap_px;
    rec.lines = n;

    int block = block_height(fs->font, buf, spans, n, para_rtl);
    int y = box.y;
    if (st->valign == UI_ALIGN_CENTER)
        y += (box.h - block) / 2;
    else if (st->valign == UI_ALIGN_END)
        y += box.h - block;
    SDL_Rect ink = {0};
    for (int i = 0; i < n; i++) {
        char line[TEXT_MAX + 4];
        snprintf(line, sizeof line, "%.*s", (int)spans[i].len, buf + spans[i].start);
        if (truncated_last && i == n - 1)
            ellipsize(fs->font, line, sizeof line, box.w, para_rtl);
        if (!line[0])
            continue;
        /* The line's runs, each shaped in its direction, placed left to right in visual order. */
        ui_text_run runs[TEXT_RUNS_MAX];
        int nr = ui_text_runs(line, strlen(line), para_rtl, runs, TEXT_RUNS_MAX);
        line_entry *parts[TEXT_RUNS_MAX];
        int line_w = 0, line_h = 0, drawn = 0;
        for (int r = 0; r < nr; r++) {
            char part[TEXT_MAX + 4];
            snprintf(part, sizeof part, "%.*s", (int)runs[r].len, line + runs[r].start);
            line_entry *e = part[0] ? get_line(f, fs, st->bold, runs[r].rtl, part, st->fg) : NULL;
            if (!e) {
                rec.fit = rec.fit && part[0] == '\0';
                continue;
            }
            parts[drawn++] = e;
            line_w += e->w;
            line_h = e->h > line_h ? e->h : line_h;
        }
        int x = box.x;
        if (halign == UI_ALIGN_CENTER)
            x += (box.w - line_w) / 2;
        else if (halign == UI_ALIGN_END)
            x += box.w - line_w;
        for (int r = 0; r < drawn; r++) {
            SDL_Rect dst = {x, y + i * skip, parts[r]->w, parts[r]->h};
            SDL_RenderCopy(ui_renderer(u), parts[r]->tex, NULL, &dst);
            x += parts[r]->w;
        }
        if (drawn == 0)
            continue;
        SDL_Rect dst = {x - line_w, y + i * skip, line_w, line_h};
        if (ink.w == 0)
            ink = dst;
        else
            SDL_UnionRect(&ink, &dst, &ink);
    }
    rec.ink = ink;
    if (ink.w > 0 && (ink.x < box.x || ink.y < box.y || ink.x + ink.w > box.x + box.w ||
                      ink.y + ink.h > box.y + box.h))
        rec.fit = false;
    ui_record_text(u, &rec);
    return rec.fit;
}

int ui_text_width(ui *u, const char *text, double cap_mm, bool bold)
{
    font_slot *fs = font_for_cap(ui_get_fonts(u), bold, cap_px_for(u, cap_mm));
    return fs ? bidi_width(fs->font, text, strlen(text), ui_text_is_rtl(text, ui_rtl(u))) : 0;
}

int ui_text_lines(ui *u, const char *text, int width, double cap_mm, bool bold)
{
    font_slot *fs = font_for_cap(ui_get_fonts(u), bold, cap_px_for(u, cap_mm));
    char buf[TEXT_MAX];
    snprintf(buf, sizeof buf, "%s", text);
    line_span spans[LINES_MAX];
    return fs ? wrap(fs->font, buf, width, ui_text_is_rtl(buf, ui_rtl(u)), spans) : -1;
}

int ui_text_height(ui *u, const char *text, int width, double cap_mm, bool bold)
{
    font_slot *fs = font_for_cap(ui_get_fonts(u), bold, cap_px_for(u, cap_mm));
    char buf[TEXT_MAX];
    snprintf(buf, sizeof buf, "%s", text);
    line_span spans[LINES_MAX];
    bool para_rtl = ui_text_is_rtl(buf, ui_rtl(u));
    int n = fs ? wrap(fs->font, buf, width, para_rtl, spans) : -1;
    return n > 0 ? block_height(fs->font, buf, spans, n, para_rtl) : -1;
}

/* Letters of a right-to-left screen that reach highest and lowest once shaped (hamza above and
 * below, madda, descenders, a shadda with a tanween on its letter), checked against the catalog's
 * sentences at every size from 20 to 90 px in DejaVu Sans and Sans Bold. */
static const char rtl_tall_forms[] = "\u0625\u0623\u0622\u064A\u0643\u0645\u064B\u0651\u0630\u0629\u0639\u0626"
                                     "\u062C\u0632\u0626\u064A\u064B\u0627";

int ui_line_height(ui *u, double cap_mm, bool bold)
{
    font_slot *fs = font_for_cap(ui_get_fonts(u), bold, cap_px_for(u, cap_mm));
    if (!fs)
        return 0;
    /* A box sized in lines holds the screen's script: Arabic reaches past the font's height. */
    if (ui_rtl(u))
        return line_extent(fs->font, rtl_tall_forms, sizeof rtl_tall_forms - 1, true);
    return TTF_FontHeight(fs->font);
}

/* The ink's bounding box of an 8-bit SDL_ttf "solid" surface (index 0 is the background). */
static bool ink_box(const SDL_Surface *s, SDL_Rect *box)
{
    int x0 = s->w, y0 = s->h, x1 = -1, y1 = -1;
    for (int y = 0; y < s->h; y++) {
        const Uint8 *row = (const Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch;
        for (int x = 0; x < s->w; x++)
            if (row[x]) {
                x0 = x < x0 ? x : x0, x1 = x > x1 ? x : x1;
                y0 = y < y0 ? y : y0, y1 = y;
            }
    }
    *box = (SDL_Rect){x0, y0, x1 - x0 + 1, y1 - y0 + 1};
    return x1 >= 0;
}

int ui_text_bitmap(ui_fonts *f, const char *text, bool bold, int max_w, int max_h, uint8_t *bits, size_t cap,
                   int *width_bytes, int *height)
{
    *width_bytes = *height = 0;
    if (!text || !*text || max_w < 8 || max_h < 8)
        return -1;
    int b = bold ? 1 : 0;
    /* First guess from the cap height, then shrink by the ink actually drawn: a few rounds settle
     * it (digits and capitals are what tickets hold; anything taller is scaled down too). */
    int size = (int)(max_h / f->cap_ratio[b]);
    for (int round = 0; round < 6 && size >= 4; round++) {
        TTF_Font *font = open_size(f, b, size);
        if (!font)
            return -1;
        SDL_Surface *s = TTF_RenderUTF8_Solid(font, text, (SDL_Color){0, 0, 0, 255});
        TTF_CloseFont(font);
        if (!s)
            return -1;
        SDL_Rect ink;
        if (!ink_box(s, &ink)) {
            SDL_FreeSurface(s);
            return -1;
        }
        if (ink.w > max_w || ink.h > max_h) {
            double k = fmin((double)max_w / ink.w, (double)max_h / ink.h);
            int smaller = (int)(size * k);
            size = smaller < size ? smaller : size - 1;
            SDL_FreeSurface(s);
            continue;
        }
        size_t row_bytes = ((size_t)ink.w + 7) / 8;
        if (row_bytes * (size_t)ink.h > cap) {
            SDL_FreeSurface(s);
            return -1;
        }
        memset(bits, 0, row_bytes * (size_t)ink.h);
        for (int y = 0; y < ink.h; y++) {
            const Uint8 *row = (const Uint8 *)s->pixels + (size_t)(ink.y + y) * (size_t)s->pitch + ink.x;
            for (int x = 0; x < ink.w; x++)
                if (row[x])
                    bits[(size_t)y * row_bytes + (size_t)x / 8] |= (uint8_t)(0x80 >> (x % 8));
        }
        SDL_FreeSurface(s);
        *width_bytes = (int)row_bytes;
        *height = ink.h;
        return 0;
    }
    return -1;
}
