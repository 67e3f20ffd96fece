/* HQ's reading of the boards' health reports: what a report must hold, and the flags. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "borne/collector_health.h"
#include "testlib.h"

static json_t *report(const char *extra)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"version\": \"0.3.0\", \"config_version\": 4, \"uptime_s\": 3600, \"disk_free_bytes\": 8000000000,"
             " \"disk_total_bytes\": 16000000000, \"clock_synced\": true, \"printer\": \"ready\","
             " \"last_error\": \"\", \"upload_backlog\": 0%s}",
             extra);
    json_t *r = json_loads(text, 0, NULL);
    if (!r)
        abort();
    return r;
}

static bool has_flags(json_t *flags, const char *want)
{
    char got[128] = "";
    size_t i;
    json_t *f;
    json_array_foreach(flags, i, f) {
        if (got[0])
            strcat(got, ",");
        strcat(got, json_string_value(f));
    }
    json_decref(flags);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "  flags \"%s\", want \"%s\"\n", got, want);
    return strcmp(got, want) == 0;
}

static void reports_are_checked(void)
{
    char err[256];
    json_t *r = report("");
    CHECK_INT(collector_health_check(r, err, sizeof err), 0);
    json_decref(r);
    static const char *const bad[] = {
        ", \"uptime_s\": -1", ", \"disk_free_bytes\": \"lots\"", ", \"clock_synced\": 1",
        ", \"printer\": \"Paper Out\"", ", \"version\": \"\"", ", \"last_error\": null",
        /* borne-update's last run: a result it writes, a package version, short texts. */
        ", \"update\": {\"result\": \"exploded\"}", ", \"update\": \"upgraded\"",
        ", \"update\": {\"installed\": \"0.3.0\"}", ", \"update\": {\"result\": \"upgraded\", \"installed\": \"0.3 ; rm\"}",
        ", \"update\": {\"result\": \"upgraded\", \"message\": 4}",
    };
    static const char *const good[] = {
        ", \"update\": {\"result\": \"upgraded\", \"installed\": \"0.3.0+t1\", \"at\": \"2026-12-08T22:00Z\"}",
        ", \"update\": {\"result\": \"upgraded\", \"message\": \"0.2.9 -> 0.3.0+upgradetest1\"}",
        ", \"update\": {\"result\": \"rolled-back\", \"installed\": \"1:0.3~rc1-2\"}",
        ", \"update\": {\"result\": \"not-configured\"}",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        r = report(good[i]);
        if (!CHECK_INT(collector_health_check(r, err, sizeof err), 0))
            fprintf(stderr, "  case %s refused: %s\n", good[i], err);
        json_decref(r);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = report(bad[i]);
        if (!CHECK_INT(collector_health_check(r, err, sizeof err), -1))
            fprintf(stderr, "  case %s accepted\n", bad[i]);
        json_decref(r);
    }
}

static void flags_say_what_is_wrong(void)
{
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    int64_t monday_10h = testlib_local_time(2026, 11, 23, 10, 0, 0);
    int64_t monday_20h = testlib_local_time(2026, 11, 23, 20, 0, 0);
    json_t *hours = json_loads("{\"mon\": \"09:00-12:00,13:30-17:00\"}", 0, NULL);
    CHECK(collector_health_open(hours, monday_10h));
    CHECK(!collector_health_open(hours, testlib_local_time(2026, 11, 23, 12, 30, 0)));
    CHECK(!collector_health_open(hours, testlib_local_time(2026, 11, 24, 10, 0, 0)));
    CHECK(collector_health_open(NULL, monday_20h));

    json_t *ok = report("");
    CHECK(has_flags(collector_health_flags(ok, monday_10h - 60, monday_10h - 60, hours, monday_10h), ""));
    /* Silent: only while open by its hours. */
    CHECK(has_flags(collector_health_flags(ok, monday_10h - 3600, monday_10h - 3600, hours, monday_10h), "silent"));
    CHECK(has_flags(collector_health_flags(ok, monday_20h - 3600, monday_20h - 3600, hours, monday_20h), ""));
    CHECK(has_flags(collector_health_flags(NULL, 0, 0, hours, monday_10h), "silent"));
    CHECK(has_flags(collector_health_flags(NULL, 0, 0, hours, monday_20h), ""));
    /* A clock that differs from HQ's by more than the allowed skew. */
    CHECK(has_flags(collector_health_flags(ok, monday_10h + 600, monday_10h, hours, monday_10h), "clock"));
    json_decref(ok);
    json_t *r = report(", \"clock_synced\": false, \"disk_free_bytes\": 100000000");
    CHECK(has_flags(collector_health_flags(r, monday_10h, monday_10h, hours, monday_10h), "disk_full,clock"));
    json_decref(r);
    /* An update that did not go through is flagged; one that did, or found nothing, is not. */
    static const struct { const char *result, *flags; } updates[] = {
        {"upgraded", ""}, {"up-to-date", ""}, {"rolled-back", "update"}, {"refused", "update"}, {"failed", "update"},
    };
    for (size_t i = 0; i < sizeof updates / sizeof updates[0]; i++) {
        char extra[96];
        snprintf(extra, sizeof extra, ", \"update\": {\"result\": \"%s\"}", updates[i].result);
        r = report(extra);
        CHECK(has_flags(collector_health_flags(r, monday_10h, monday_10h, hours, monday_10h), updates[i].flags));
        json_decref(r);
    }
    /* 4 % of a large disk is full too. */
    r = report(", \"disk_free_bytes\": 640000000");
    CHECK(has_flags(collector_health_flags(r, monday_10h, monday_10h, hours, monday_10h), "disk_full"));
    json_decref(r);
    json_decref(hours);
}

int main(void)
{
    RUN(reports_are_checked);
    RUN(flags_say_what_is_wrong);
    return testlib_finish();
}
