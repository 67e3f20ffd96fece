/* What HQ reads out of the collector: CSV and JSON exports of the stored buckets and the HTML page
 * (attendance per antenne and week, waiting times, weather of satisfaction, device health).
 *
 * Each function returns 0 with *out a NUL-terminated malloc'ed text of *len bytes (the caller frees it),
 * or -1 (store error: see collector_store_error(); or out of memory) with *out NULL.
 */
#ifndef BORNE_COLLECTOR_REPORT_H
#define BORNE_COLLECTOR_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "borne/collector_antennes.h"
#include "borne/collector_store.h"

/* Header line then one line per bucket (RFC 4180 quoting, CRLF line ends). Columns:
 * antenne,antenne_name,day,hour,service,public,revision,issued,called,served,redirected,no_show,cancelled,
 * expired,transferred,appointments_checked_in,wait_sum_s,wait_count,wait_p50_s,wait_p90_s,service_sum_s,
 * service_count,service_p50_s,service_p90_s,feedback_1,feedback_2,feedback_3,feedback_4,feedback_5 */
int collector_report_csv(struct collector_store *store, const struct collector_antennes *antennes,
                         const struct collector_filter *filter, char **out, size_t *len);

/* {"filter":{...},"totals":{"buckets":n,"issued":n,...},"buckets":[{ same members as the wire bucket,
 * plus "antenne" }]} */
int collector_report_json(struct collector_store *store, const struct collector_antennes *antennes,
                          const struct collector_filter *filter, char **out, size_t *len);

/* The HQ page for the 8 ISO weeks up to the one holding now (Unix time, UTC days). */
int collector_report_page(struct collector_store *store, const struct collector_antennes *antennes, int64_t now,
                          char **out, size_t *len);

#endif
