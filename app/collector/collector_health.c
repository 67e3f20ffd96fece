#include "borne/collector_health.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static bool whole(const json_t *v, json_int_t max)
{
    return json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= max;
}

static bool word(const json_t *v, size_t max)
{
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > max)
        return false;
    for (const char *p = json_string_value(v); *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-'))
            return false;
    return true;
}

static bool text(const json_t *v, size_t max)
{
    return json_is_string(v) && json_string_length(v) <= max;
}

/* A Debian version as dpkg-query prints it ("0.4.0+upgradetest1", "1:2.3~rc1-2"), or "none". */
static bool debian_version(const json_t *v)
{
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 64)
        return false;
    for (const char *p = json_string_value(v); *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr(".+~:-", *p)))
            return false;
    return true;
}

static bool update_failed(const char *result)
{
    return result && (strcmp(result, "rolled-back") == 0 || strcmp(result, "refused") == 0 ||
                      strcmp(result, "failed") == 0);
}

static int check_update(const json_t *update, char *err, size_t errlen)
{
    static const char *const results[] = {COLLECTOR_HEALTH_UPDATE_RESULTS};
    const char *result = json_string_value(json_object_get(update, "result"));
    bool known = false;
    for (size_t i = 0; result && i < sizeof results / sizeof results[0]; i++)
        known |= strcmp(result, results[i]) == 0;
    if (!json_is_object(update) || !known) {
        snprintf(err, errlen, "update.result: one of the words borne-update writes is required");
        return -1;
    }
    const json_t *installed = json_object_get(update, "installed");
    if (installed && !debian_version(installed)) {
        snprintf(err, errlen, "update.installed: a package version is required");
        return -1;
    }
    const json_t *at = json_object_get(update, "at"), *message = json_object_get(update, "message");
    if ((at && !text(at, 32)) || (message && !text(message, 512))) {
        snprintf(err, errlen, "update.at and update.message: texts of at most 32 and 512 bytes");
        return -1;
    }
    return 0;
}

int collector_health_check(const json_t *report, char *err, size_t errlen)
{
    static const char *const counts[] = {"config_version", "uptime_s", "disk_free_bytes", "disk_total_bytes",
                                         "upload_backlog"};
    if (!json_is_object(report)) {
        snprintf(err, errlen, "the report is not an object");
        return -1;
    }
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        if (!whole(json_object_get(report, counts[i]), (json_int_t)1 << 53)) {
            snprintf(err, errlen, "%s: a whole number from 0 is required", counts[i]);
            return -1;
        }
    if (!word(json_object_get(report, "version"), 32) || !word(json_object_get(report, "printer"), 32)) {
        snprintf(err, errlen, "version and printer: short words are required");
        return -1;
    }
    if (!json_is_boolean(json_object_get(report, "clock_synced"))) {
        snprintf(err, errlen, "clock_synced: true or false is required");
        return -1;
    }
    if (!text(json_object_get(report, "last_error"), 512)) {
        snprintf(err, errlen, "last_error: a text of at most 512 bytes is required (\"\" when none)");
        return -1;
    }
    const json_t *update = json_object_get(report, "update");
    return update ? check_update(update, err, errlen) : 0;
}

/* "09:00-12:00,13:30-17:00" contains minute m of the day. */
static bool in_ranges(const char *ranges, int m)
{
    for (const char *p = ranges; *p;) {
        int h1, m1, h2, m2, n = 0;
        if (sscanf(p, "%d:%d-%d:%d%n", &h1, &m1, &h2, &m2, &n) != 4)
            return false;
        if (m >= h1 * 60 + m1 && m < h2 * 60 + m2)
            return true;
        p += n;
        while (*p == ',' || *p == ' ')
            p++;
    }
    return false;
}

bool collector_health_open(const json_t *hours, int64_t now)
{
    static const char *const days[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    if (!json_is_object(hours))
        return true;
    time_t t = (time_t)now;
    struct tm tm;
    localtime_r(&t, &tm);
    const char *ranges = json_string_value(json_object_get(hours, days[tm.tm_wday]));
    return ranges && in_ranges(ranges, tm.tm_hour * 60 + tm.tm_min);
}

json_t *collector_health_flags(const json_t *report, int64_t sent_at, int64_t received_at, const json_t *hours,
                               int64_t now)
{
    json_t *flags = json_array();
    if ((!report || now - received_at > COLLECTOR_HEALTH_SILENT_S) && collector_health_open(hours, now))
        json_array_append_new(flags, json_string("silent"));
    if (!report)
        return flags;
    json_int_t free_b = json_integer_value(json_object_get(report, "disk_free_bytes"));
    json_int_t total = json_integer_value(json_object_get(report, "disk_total_bytes"));
    if (free_b < COLLECTOR_HEALTH_DISK_MIN_BYTES || free_b * 100 < total * COLLECTOR_HEALTH_DISK_MIN_PCT)
        json_array_append_new(flags, json_string("disk_full"));
    int64_t skew = sent_at - received_at;
    if (!json_is_true(json_object_get(report, "clock_synced")) || skew > COLLECTOR_HEALTH_CLOCK_SKEW_S ||
        skew < -COLLECTOR_HEALTH_CLOCK_SKEW_S)
        json_array_append_new(flags, json_string("clock"));
    if (update_failed(json_string_value(json_object_get(json_object_get(report, "update"), "result"))))
        json_array_append_new(flags, json_string("update"));
    return flags;
}
