/* The wire contract between a board and headquarters, defined once: the enumerations that travel
 * (weather levels, visit outcomes, contact channels, wait bands, feedback reasons) and the fields
 * of an aggregate bucket. The engine's queue_bucket, the uploader's JSON, the collector's
 * validator, its SQL columns and its exports are all expanded from these lists (X-macros), so a
 * field cannot exist on one side and be forgotten on the other.
 *
 * Enumeration lists: X(NAME, value, "wire word", "French label"). The value is what is stored
 * (engine tables, collector arrays at index value - 1) and never changes once shipped: values run
 * 1..N without holes, pinned by the _Static_asserts below. The order of the list is the order of
 * display (weather: sunny → storm).
 *
 * Schema versions: 1 = counts, wait and service-time statistics, weather feedback;
 * 2 = adds wait_bands, outcomes, channels, feedback_reasons and partners. The collector accepts
 * CONTRACT_SCHEMA_MIN..CONTRACT_SCHEMA; a schema-1 batch stores its new fields as 0 and HQ knows
 * they are unknown (the antenne's contract version is kept per bucket). */
#ifndef BORNE_CONTRACT_H
#define BORNE_CONTRACT_H

#include <stddef.h>

#define CONTRACT_SCHEMA 2
#define CONTRACT_SCHEMA_MIN 1

/* Feedback weather, order sunny → storm; the kiosk's words. Stored as feedback.level. */
#define CONTRACT_WEATHER(X)                                                                        \
    X(SOLEIL, 1, "soleil", "Soleil")                                                               \
    X(SOLEIL_VOILE, 2, "soleil_voile", "Soleil voilé")                                             \
    X(NUAGEUX, 3, "nuageux", "Nuageux")                                                            \
    X(PLUIE, 4, "pluie", "Pluie")                                                                  \
    X(ORAGE, 5, "orage", "Orage")

/* How a visit ended (ticket.outcome). 1 and 2 keep the meaning of schema 1's served/redirected. */
#define CONTRACT_OUTCOMES(X)                                                                       \
    X(ANSWERED, 1, "answered", "Réponse sur place")                                                \
    X(PARTNER, 2, "partner", "Orienté vers un partenaire")                                         \
    X(ONLINE_HELP, 3, "online_help", "Aide à une démarche en ligne")                               \
    X(APPOINTMENT, 4, "appointment", "Rendez-vous à suivre")

/* Contacts a desk handles by another channel than a visit (contact.channel). */
#define CONTRACT_CHANNELS(X)                                                                       \
    X(PHONE, 1, "phone", "Téléphone")                                                              \
    X(EMAIL, 2, "email", "Courriel")

/* Why a visitor rated rain or storm (feedback.reason; 0 = none given). */
#define CONTRACT_REASONS(X)                                                                        \
    X(ATTENTE, 1, "attente", "Attente")                                                            \
    X(ACCUEIL, 2, "accueil", "Accueil")                                                            \
    X(REPONSE, 3, "reponse", "Réponse obtenue")                                                    \
    X(LOCAUX, 4, "locaux", "Locaux")                                                               \
    X(AUTRE, 5, "autre", "Autre")

/* Wait bands of the histogram: X(NAME, value, "wire word", "label", lower bound in minutes).
 * A wait of w seconds falls in the last band whose lower bound is <= w / 60. */
#define CONTRACT_WAIT_BANDS(X)                                                                     \
    X(W0, 1, "0-5", "0–5 min", 0)                                                                  \
    X(W5, 2, "5-10", "5–10 min", 5)                                                                \
    X(W10, 3, "10-15", "10–15 min", 10)                                                            \
    X(W15, 4, "15-20", "15–20 min", 15)                                                            \
    X(W20, 5, "20-30", "20–30 min", 20)                                                            \
    X(W30, 6, "30-45", "30–45 min", 30)                                                            \
    X(W45, 7, "45-60", "45–60 min", 45)                                                            \
    X(W60, 8, "60+", "60 min et plus", 60)

#define CONTRACT_PLUS1_(...) +1
#define CONTRACT_WEATHER_N (0 CONTRACT_WEATHER(CONTRACT_PLUS1_))
#define CONTRACT_OUTCOMES_N (0 CONTRACT_OUTCOMES(CONTRACT_PLUS1_))
#define CONTRACT_CHANNELS_N (0 CONTRACT_CHANNELS(CONTRACT_PLUS1_))
#define CONTRACT_REASONS_N (0 CONTRACT_REASONS(CONTRACT_PLUS1_))
#define CONTRACT_WAIT_BANDS_N (0 CONTRACT_WAIT_BANDS(CONTRACT_PLUS1_))

#define CONTRACT_ENUM_(prefix, NAME, value, ...) CONTRACT_##prefix##_##NAME = value,
#define CONTRACT_WEATHER_E_(N, v, ...) CONTRACT_ENUM_(WEATHER, N, v)
#define CONTRACT_OUTCOME_E_(N, v, ...) CONTRACT_ENUM_(OUTCOME, N, v)
#define CONTRACT_CHANNEL_E_(N, v, ...) CONTRACT_ENUM_(CHANNEL, N, v)
#define CONTRACT_REASON_E_(N, v, ...) CONTRACT_ENUM_(REASON, N, v)
#define CONTRACT_BAND_E_(N, v, ...) CONTRACT_ENUM_(BAND, N, v)
enum contract_weather { CONTRACT_WEATHER(CONTRACT_WEATHER_E_) };
enum contract_outcome { CONTRACT_OUTCOMES(CONTRACT_OUTCOME_E_) };
enum contract_channel { CONTRACT_CHANNELS(CONTRACT_CHANNEL_E_) };
enum contract_reason { CONTRACT_REASON_NONE = 0, CONTRACT_REASONS(CONTRACT_REASON_E_) };
enum contract_band { CONTRACT_WAIT_BANDS(CONTRACT_BAND_E_) };

/* Stored values: shipped, never renumbered. */
_Static_assert(CONTRACT_WEATHER_SOLEIL == 1 && CONTRACT_WEATHER_ORAGE == 5, "weather levels are stored");
_Static_assert(CONTRACT_OUTCOME_ANSWERED == 1 && CONTRACT_OUTCOME_PARTNER == 2 && CONTRACT_OUTCOME_ONLINE_HELP == 3 &&
                   CONTRACT_OUTCOME_APPOINTMENT == 4 && CONTRACT_OUTCOMES_N == 4,
               "outcomes are stored");
_Static_assert(CONTRACT_CHANNEL_PHONE == 1 && CONTRACT_CHANNEL_EMAIL == 2 && CONTRACT_CHANNELS_N == 2,
               "channels are stored");
_Static_assert(CONTRACT_REASON_ATTENTE == 1 && CONTRACT_REASON_AUTRE == 5 && CONTRACT_REASONS_N == 5,
               "feedback reasons are stored");
_Static_assert(CONTRACT_BAND_W0 == 1 && CONTRACT_BAND_W60 == 8 && CONTRACT_WAIT_BANDS_N == 8, "wait bands");

/* The scalar counts of a bucket: X(name, since schema). name is the C member, the JSON member and
 * the SQL column. */
#define CONTRACT_BUCKET_COUNTS(X)                                                                  \
    X(issued, 1)                                                                                   \
    X(called, 1)                                                                                   \
    X(served, 1)                                                                                   \
    X(redirected, 1)                                                                               \
    X(no_show, 1)                                                                                  \
    X(cancelled, 1)                                                                                \
    X(expired, 1)                                                                                  \
    X(transferred, 1)                                                                              \
    X(appointments_checked_in, 1)

/* The arrays of counts of a bucket: X(name, since schema, length, SQL column prefix). JSON: an
 * array of exactly `length` integers in the list's order; SQL: columns <prefix>1..<prefix>N. */
#define CONTRACT_BUCKET_ARRAYS(X)                                                                  \
    X(feedback, 1, CONTRACT_WEATHER_N, fb)                                                         \
    X(wait_bands, 2, CONTRACT_WAIT_BANDS_N, wb)                                                    \
    X(outcomes, 2, CONTRACT_OUTCOMES_N, oc)                                                        \
    X(channels, 2, CONTRACT_CHANNELS_N, ch)                                                        \
    X(feedback_reasons, 2, CONTRACT_REASONS_N, fr)

/* Partner ids (schema 2, "partners": {"<id>": n, ...}): [a-z0-9-]{1,32}, at most this many per
 * bucket. Partners are configured per antenne ([partners] in the board's config). */
#define CONTRACT_PARTNER_ID_MAX 32
#define CONTRACT_PARTNERS_MAX 16

/* Wire word / label of a value (1..N); NULL when out of range. */
const char *contract_weather_word(int value);
const char *contract_weather_label(int value);
const char *contract_outcome_word(int value);
const char *contract_outcome_label(int value);
const char *contract_channel_word(int value);
const char *contract_channel_label(int value);
const char *contract_reason_word(int value);
const char *contract_reason_label(int value);
const char *contract_band_word(int value);
const char *contract_band_label(int value);
/* Value of a wire word; 0 when unknown. */
int contract_outcome_from_word(const char *word);
int contract_channel_from_word(const char *word);
int contract_reason_from_word(const char *word);
/* Band (1..N) of a wait in seconds (negative waits count as 0). */
int contract_band_of_wait(long long wait_s);
/* True for a slug [a-z0-9-]{1,max} (antenne and partner ids). */
int contract_slug_valid(const char *s, size_t max);
/* True for a partner id: [a-z0-9-]{1,CONTRACT_PARTNER_ID_MAX}. */
int contract_partner_id_valid(const char *id);

#endif
