/* HTML building blocks of the collector's pages (private to app/collector): the HQ page
 * (collector_report.c) and the steering console (collector_console.c) write the same words, numbers,
 * weather and badges with them, so the two cannot drift apart.
 *
 * A struct buf starts zeroed; writes after an allocation failure are dropped and buf_finish() then
 * fails, so callers check once at the end. */
#ifndef BORNE_COLLECTOR_HTML_H
#define BORNE_COLLECTOR_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "borne/contract.h"

struct buf {
    char *p;
    size_t len, cap;
    bool oom;
};

__attribute__((format(printf, 2, 3))) void buf_printf(struct buf *b, const char *fmt, ...);
void buf_puts(struct buf *b, const char *s);
/* rc == 0 and no allocation failure: *out = the text (caller frees), *len its length, returns 0.
 * Otherwise frees the buffer, *out = NULL, *len = 0, returns -1. */
int buf_finish(struct buf *b, int rc, char **out, size_t *len);

/* *total += v, staying at INT64_MAX instead of wrapping (the counts are bounded, see collector_ingest.h). */
void count_add(int64_t *total, int64_t v);

/* Referrals per partner summed from partners texts ("caf=3,msa=1"): the first PARTNER_LIST_MAX ids in
 * the order met, the rest in other (written and read back as "*=n"). */
#define PARTNER_LIST_MAX 64
struct partner_list {
    struct {
        char id[CONTRACT_PARTNER_ID_MAX + 1];
        int64_t n;
    } v[PARTNER_LIST_MAX];
    int count;
    int64_t other;
};
void partner_list_add(struct partner_list *l, const char *text);
/* The list as a partners text, "*=n" last for the others (cut at cap). */
void partner_list_text(const struct partner_list *l, char *out, size_t cap);

/* Civil date of a day number (days since 1970-01-01), and the Monday of its ISO week. */
void day_civil(int64_t day, int *y, int *m, int *d);
int64_t day_monday(int64_t day);
/* YYYY-MM-DD of a day number. */
void day_iso(int64_t day, char out[11]);

/* Text with < > & " escaped. */
void html_text(struct buf *b, const char *s);
/* 12345 -> "12 345" (narrow no-break space). */
void html_count(struct buf *b, int64_t n);
/* "42 s", "3 min 05", "2 h 10", "3 j 4 h". */
void html_duration(struct buf *b, int64_t s);
/* "à l’instant", "il y a 5 min", ... from now back to t. */
void html_ago(struct buf *b, int64_t now, int64_t t);
/* 3.84 -> "3,8". */
void html_score(struct buf *b, double v);

/* Weather levels in the contract's order: index k = 0 soleil (best) .. 4 orage. The colour class of
 * index k is f(5 - k) everywhere (legend and bars): f5 sunny. */
#define weather_word(k) contract_weather_label((k) + 1)
extern const char *const html_weather_svg[5];
/* Mean out of 5 (5 = all soleil) of counts in that order; false (mean untouched) when there are none. */
bool html_satisfaction(const int64_t fb[5], double *mean, int64_t *answers);
/* Two table cells: the weather word and icon with the mean and count, and the distribution bar
 * (or "pas encore d’avis"). */
void html_weather(struct buf *b, const int64_t fb[5]);

/* Printer state of a board ("ready", "paper_out", ...): "ok", "warn" or "bad", and its badge. */
const char *html_printer_severity(const char *state);
/* "Prête", "Plus de papier", ...; an unknown state as it came. */
const char *html_printer_label(const char *state);
void html_printer(struct buf *b, const char *state);
void html_badge(struct buf *b, const char *severity, const char *label);

/* The <style> element of the HQ pages. */
extern const char html_style[];

#endif
