/* Per-token limits on POST /api/v1/tickets (issue 13): one token filled a service with 999
 * tickets in 15 s, so the kiosk refused that service for the rest of the day. Each counter's
 * token has a bucket of cfg.hub.tickets_per_minute tickets, refilled evenly over a minute, and
 * a quota of cfg.hub.tickets_per_day per local day. Time is the hub's clock (tests inject it).
 * The kiosk screen issues through its own engine handle and is never limited here. */
#include "hub_internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int seconds_to_midnight(int64_t now)
{
    time_t t = (time_t)now;
    struct tm tm;
    localtime_r(&t, &tm);
    tm.tm_hour = tm.tm_min = 0;
    tm.tm_sec = 0;
    tm.tm_mday++;
    tm.tm_isdst = -1;
    time_t midnight = mktime(&tm);
    return midnight > t ? (int)(midnight - t) : 1;
}

static void local_day(int64_t now, char day[11])
{
    time_t t = (time_t)now;
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(day, 11, "%Y-%m-%d", &tm);
}

int hub_rate_take(hub *h, int counter_id, int64_t now, const char **code)
{
    int per_minute = h->cfg.hub.tickets_per_minute, per_day = h->cfg.hub.tickets_per_day;
    hub_rate *r = NULL;
    for (int i = 0; i < h->n_tokens; i++)
        if (h->tokens[i].counter_id == counter_id)
            r = &h->rates[i];
    if (!r)
        return 0;
    char day[11];
    local_day(now, day);
    int retry = 0;
    pthread_mutex_lock(&h->rate_mu);
    if (strcmp(day, r->day) != 0) {
        memcpy(r->day, day, sizeof r->day);
        r->today = 0;
    }
    if (per_minute > 0) {
        if (!r->started) {
            r->tokens = per_minute;
            r->refilled_at = now;
            r->started = true;
        }
        if (now > r->refilled_at) {
            r->tokens += (double)(now - r->refilled_at) * per_minute / 60.0;
            if (r->tokens > per_minute)
                r->tokens = per_minute;
            r->refilled_at = now;
        }
    }
    if (per_day > 0 && r->today >= per_day) {
        *code = "daily_quota";
        retry = seconds_to_midnight(now);
    } else if (per_minute > 0 && r->tokens < 1.0) {
        *code = "rate_limited";
        retry = (int)((1.0 - r->tokens) * 60.0 / per_minute) + 1;
    } else {
        if (per_minute > 0)
            r->tokens -= 1.0;
        r->today++;
    }
    pthread_mutex_unlock(&h->rate_mu);
    return retry;
}
