/* Synthetic antenne activity in the collector's wire format: plausible, deterministic buckets for a site
 * and the JSON body of a batch. Used by the demo feeder (borne-collector-feed), the benchmark and the
 * tests; it stands in for the board's uploader, which builds the same bodies from real aggregates. */
#ifndef BORNE_COLLECTOR_SYNTH_H
#define BORNE_COLLECTOR_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "borne/collector_ingest.h"

#define COLLECTOR_SYNTH_SERVICES 6   /* A F O E I R, as the demo antennes */

struct collector_synth_site {
    const char *antenne;   /* id */
    double weight;         /* visitors scale: 1.0 is a mid-size antenne */
    uint32_t seed;
};

/* Fills out[] with the buckets of one opening hour (0..23) of a day (days since 1970-01-01): one per
 * service, public type "", the given revision, every field of the current contract (waits drawn one by
 * one so sum, percentiles and bands agree; outcomes, partners and feedback reasons add up). Returns the count (0 outside opening hours: weekends,
 * before 9, 12-13, after 17). max must be >= COLLECTOR_SYNTH_SERVICES. */
size_t collector_synth_hour(const struct collector_synth_site *site, int64_t day, int hour, int64_t revision,
                            struct collector_bucket *out, size_t max);

/* The buckets a board of a realistic office uploads for a whole day (days since 1970-01-01): closed on
 * weekends and French public holidays; open 9-12 and 13-17 with a seasonal load (a summer dip, peaks in
 * September and January), weekday and hour profiles (Monday and Tuesday mornings the busiest); each open
 * hour has its COLLECTOR_SYNTH_SERVICES service buckets then one of no service ("") counting the contacts
 * by phone and e-mail. Deterministic from site->seed. Returns the count (0 when closed); max must be
 * >= COLLECTOR_SYNTH_DAY_MAX. */
#define COLLECTOR_SYNTH_DAY_MAX (7 * (COLLECTOR_SYNTH_SERVICES + 1))
size_t collector_synth_day(const struct collector_synth_site *site, int64_t day, int64_t revision,
                           struct collector_bucket *out, size_t max);

/* A device health record (printer mostly ready, some antennes low on paper) for the site. */
void collector_synth_health(const struct collector_synth_site *site, int64_t now, struct collector_health *out);

/* A random-looking but deterministic UUID (version 4 layout) from two numbers. */
void collector_synth_uuid(uint64_t a, uint64_t b, char out[COLLECTOR_UUID_LEN + 1]);

/* The JSON body of a batch (health may be NULL). Returns a malloc'ed NUL-terminated string, or NULL on
 * out of memory. */
char *collector_synth_body(const char *antenne, const char *uuid, int64_t sent_at,
                           const struct collector_bucket *buckets, size_t n, const struct collector_health *health);

/* The same as a board of contract version `schema` sends it: fields of later versions left out
 * (collector_synth_body() uses CONTRACT_SCHEMA). */
char *collector_synth_body_schema(int schema, const char *antenne, const char *uuid, int64_t sent_at,
                                  const struct collector_bucket *buckets, size_t n,
                                  const struct collector_health *health);

/* "YYYY-MM-DD" of a day number, and RFC3339 UTC of a Unix time. */
void collector_synth_day_text(int64_t day, char out[11]);
void collector_synth_time_text(int64_t t, char out[21]);

#endif
