/* libFuzzer target: the collector's ingest parser/validator on arbitrary bytes. Whatever comes in, it
 * must return a status, never crash or leak; an accepted batch must satisfy the contract's invariants. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "borne/collector_ingest.h"

/* 2026-11-23T10:00:00Z: a fixed clock keeps runs reproducible. */
#define NOW 1795428000LL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct collector_batch *b;
    struct collector_ingest_error err;
    enum collector_ingest_status st =
        collector_ingest_parse((const char *)data, size, "fourmies", NOW, 1000, &b, &err);
    if (st != COLLECTOR_INGEST_OK) {
        if (b || err.message[0] == '\0' || collector_ingest_http_status(st) < 400)
            abort();
        return 0;
    }
    for (size_t i = 0; i < collector_batch_bucket_count(b); i++) {
        const struct collector_bucket *k = collector_batch_bucket(b, i);
        if (k->hour < 0 || k->hour > 23 || k->revision <= 0 || k->wait.p50_s > k->wait.p90_s ||
            k->service[0] < 'A' || k->service[0] > 'Z' || collector_ingest_parse_day(k->day) == INT64_MIN ||
            k->issued < 0 || k->feedback[0] < 0)
            abort();
    }
    if (strcmp(collector_batch_antenne(b), "fourmies") != 0)
        abort();
    collector_batch_free(b);
    return 0;
}
