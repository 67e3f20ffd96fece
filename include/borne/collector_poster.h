/* Printable posters of the steering console (served by borne-collector under the console's sign-in and
 * group permissions; French; drawn with cairo, the same drawing written as an A4 PDF or a PNG):
 *
 *   METEO     "Météo du territoire": the satisfaction weather of a month (sunny → storm, the kiosk's
 *             words) by share, with the counts and the reasons given for rain and storm, and each
 *             antenne of the scope side by side.
 *   SERVICES  the yearly Services Publics+ sheet: satisfaction, busy and quiet hours (weekday × hour
 *             chart of the tickets issued), the waiting commitment (the target) and the result (share of
 *             the waits in bands served within it).
 *
 * The figures are collector_console_figures() of the scope (the period page's sums). The posters are
 * public: a count from 1 to COLLECTOR_POSTER_SUPPRESS - 1 is printed "< 5" with no share nor bar, and
 * when a distribution with a printed total has exactly one such cell, its next smallest non-zero cell is
 * hidden too, so no hidden count can be worked out by subtraction. A scope with no bucket in the period
 * gives a poster that says "pas de données", never zeros. Fonts come from the system (fontconfig, DejaVu
 * Sans); nothing is fetched. */
#ifndef BORNE_COLLECTOR_POSTER_H
#define BORNE_COLLECTOR_POSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "borne/collector_antennes.h"
#include "borne/collector_console.h"
#include "borne/collector_store.h"

#define COLLECTOR_POSTER_SUPPRESS 5

enum collector_poster_kind {
    COLLECTOR_POSTER_METEO,      /* the month of q->day */
    COLLECTOR_POSTER_SERVICES,   /* the year of q->day */
};

enum collector_poster_format {
    COLLECTOR_POSTER_PDF,        /* A4 portrait, vector */
    COLLECTOR_POSTER_PNG,        /* the same page at 150 dpi (1240 × 1754 px) */
};

/* "meteo.pdf", "meteo.png", "services.pdf" or "services.png" (the last part of the poster's URL).
 * false for anything else (kind and format then untouched). */
bool collector_poster_parse_name(const char *name, enum collector_poster_kind *kind,
                                 enum collector_poster_format *format);

/* MIME type of a format. */
const char *collector_poster_mime(enum collector_poster_format format);

/* Draws the poster of q's scope (territory, group, antenne; all "" = the region) for the period holding
 * q->day; targets: each antenne's waiting target (as for collector_console_period()); now dates the print. Returns 0 with *out the file
 * (malloc'ed, *len bytes; the caller frees), or -1 (store error: see collector_store_error(); cairo or
 * memory failure) with *out NULL. */
int collector_poster(struct collector_store *store, const struct collector_antennes *antennes, const int *targets,
                     int64_t now, enum collector_poster_kind kind, enum collector_poster_format format,
                     const struct collector_console_query *q, unsigned char **out, size_t *len);

#endif
