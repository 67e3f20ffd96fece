/* Names of the contract's enumerations (see borne/contract.h). */
#include "borne/contract.h"

#include <string.h>

#define WORD_(N, v, word, ...) [v] = word,
#define LABEL_(N, v, word, label, ...) [v] = label,

static const char *const weather_words[] = {CONTRACT_WEATHER(WORD_)};
static const char *const weather_labels[] = {CONTRACT_WEATHER(LABEL_)};
static const char *const outcome_words[] = {CONTRACT_OUTCOMES(WORD_)};
static const char *const outcome_labels[] = {CONTRACT_OUTCOMES(LABEL_)};
static const char *const channel_words[] = {CONTRACT_CHANNELS(WORD_)};
static const char *const channel_labels[] = {CONTRACT_CHANNELS(LABEL_)};
static const char *const reason_words[] = {CONTRACT_REASONS(WORD_)};
static const char *const reason_labels[] = {CONTRACT_REASONS(LABEL_)};
static const char *const band_words[] = {CONTRACT_WAIT_BANDS(WORD_)};
static const char *const band_labels[] = {CONTRACT_WAIT_BANDS(LABEL_)};
#define BAND_LOW_(N, v, word, label, low) [v] = low,
static const int band_low_min[] = {CONTRACT_WAIT_BANDS(BAND_LOW_)};

static const char *name_of(const char *const *names, int n, int value)
{
    return value >= 1 && value <= n ? names[value] : NULL;
}

static int value_of(const char *const *names, int n, const char *word)
{
    for (int v = 1; word && v <= n; v++)
        if (strcmp(names[v], word) == 0)
            return v;
    return 0;
}

const char *contract_weather_word(int v) { return name_of(weather_words, CONTRACT_WEATHER_N, v); }
const char *contract_weather_label(int v) { return name_of(weather_labels, CONTRACT_WEATHER_N, v); }
const char *contract_outcome_word(int v) { return name_of(outcome_words, CONTRACT_OUTCOMES_N, v); }
const char *contract_outcome_label(int v) { return name_of(outcome_labels, CONTRACT_OUTCOMES_N, v); }
const char *contract_channel_word(int v) { return name_of(channel_words, CONTRACT_CHANNELS_N, v); }
const char *contract_channel_label(int v) { return name_of(channel_labels, CONTRACT_CHANNELS_N, v); }
const char *contract_reason_word(int v) { return name_of(reason_words, CONTRACT_REASONS_N, v); }
const char *contract_reason_label(int v) { return name_of(reason_labels, CONTRACT_REASONS_N, v); }
const char *contract_band_word(int v) { return name_of(band_words, CONTRACT_WAIT_BANDS_N, v); }
const char *contract_band_label(int v) { return name_of(band_labels, CONTRACT_WAIT_BANDS_N, v); }

int contract_outcome_from_word(const char *w) { return value_of(outcome_words, CONTRACT_OUTCOMES_N, w); }
int contract_channel_from_word(const char *w) { return value_of(channel_words, CONTRACT_CHANNELS_N, w); }
int contract_reason_from_word(const char *w) { return value_of(reason_words, CONTRACT_REASONS_N, w); }

int contract_band_of_wait(long long wait_s)
{
    long long min = wait_s > 0 ? wait_s / 60 : 0;
    int band = 1;
    for (int v = 2; v <= CONTRACT_WAIT_BANDS_N; v++)
        if (band_low_min[v] <= min)
            band = v;
    return band;
}

int contract_slug_valid(const char *s, size_t max)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') || n >= max)
            return 0;
    }
    return n > 0;
}

int contract_partner_id_valid(const char *id)
{
    return contract_slug_valid(id, CONTRACT_PARTNER_ID_MAX);
}
