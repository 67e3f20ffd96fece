/* Ingest against a real borne-collector process on loopback, for the backend named in argv[1]
 * (sqlite or postgresql): a valid batch is stored; duplicates, resends after a lost answer, older
 * revisions and reordering never double count; health keeps the newest record; CSV and JSON exports
 * total exactly what was ingested. */
#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "borne/collector_synth.h"
#include "test_collector_harness.h"
#include "testlib.h"

static struct harness h;
static struct collector_store *store;
static int64_t today;
static int next_uuid = 1;

static struct collector_bucket bucket(int64_t day, int hour, char service, int64_t revision, int64_t issued)
{
    struct collector_bucket b;
    memset(&b, 0, sizeof b);
    collector_synth_day_text(day, b.day);
    b.hour = hour;
    b.service[0] = service;
    b.revision = revision;
    b.issued = issued;
    b.called = issued;
    b.served = issued - issued / 10;
    b.no_show = issued / 10;
    b.wait = (struct collector_stat){issued * 300, issued, 250, 600};
    b.service_time = (struct collector_stat){b.served * 900, b.served, 800, 1500};
    b.feedback[4] = b.served / 2;
    b.feedback[2] = b.served / 4;
    b.schema = CONTRACT_SCHEMA;
    b.outcomes[CONTRACT_OUTCOME_ANSWERED - 1] = b.served;
    b.wait_bands[CONTRACT_BAND_W5 - 1] = issued;   /* 300 s each */
    return b;
}

static char *body_of(const char *antenne, const struct collector_bucket *b, size_t n, const char *printer,
                     int64_t sent_at)
{
    char uuid[COLLECTOR_UUID_LEN + 1];
    collector_synth_uuid((uint64_t)next_uuid++, 42, uuid);
    struct collector_health health = {.uptime_s = 100, .last_upload = -1, .queue_waiting = 2};
    snprintf(health.version, sizeof health.version, "1.2.3");
    snprintf(health.printer, sizeof health.printer, "%s", printer);
    return collector_synth_body(antenne, uuid, sent_at, b, n, &health);
}

/* POSTs and returns "applied" of a 200 answer (-1 otherwise). */
static long post_applied(const char *antenne, int site, const char *body)
{
    char *resp;
    long status = harness_post(&h, antenne, harness_token(site), body, &resp);
    json_t *j = json_loads(resp, 0, NULL);
    long applied = status == 200 && j ? (long)json_integer_value(json_object_get(j, "applied")) : -1;
    if (status != 200)
        fprintf(stderr, "POST answered %ld: %s\n", status, resp);
    json_decref(j);
    free(resp);
    return applied;
}

struct key_sum {
    const char *antenne;
    int64_t issued, revision;
    long rows;
};

static int sum_row(void *ctx, const struct collector_row *r)
{
    struct key_sum *k = ctx;
    if (!k->antenne || strcmp(k->antenne, r->antenne) == 0) {
        k->issued += r->bucket.issued;
        k->revision = r->bucket.revision;
        k->rows++;
    }
    return 0;
}

static struct key_sum stored(const char *antenne, const char *day, const char *service)
{
    struct collector_filter f;
    memset(&f, 0, sizeof f);
    if (day) {
        snprintf(f.from, sizeof f.from, "%s", day);
        snprintf(f.to, sizeof f.to, "%s", day);
    }
    if (service)
        snprintf(f.service, sizeof f.service, "%s", service);
    struct key_sum k = {antenne, 0, 0, 0};
    CHECK_INT(collector_store_export(store, &f, sum_row, &k), 0);
    return k;
}

/* A valid batch of three buckets is stored as sent, with its health record. */
static void valid_batch_stored(void)
{
    struct collector_bucket b[3] = {bucket(today - 1, 9, 'A', 1, 10), bucket(today - 1, 10, 'A', 1, 20),
                                    bucket(today - 1, 10, 'F', 1, 7)};
    char *body = body_of("site-0", b, 3, "near_end", (int64_t)time(NULL));
    char *resp;
    CHECK_INT(harness_post(&h, "site-0", harness_token(0), body, &resp), 200);
    json_t *j = json_loads(resp, 0, NULL);
    CHECK(j != NULL);
    CHECK_INT(json_integer_value(json_object_get(j, "accepted")), 3);
    CHECK_INT(json_integer_value(json_object_get(j, "applied")), 3);
    CHECK(json_is_string(json_object_get(j, "batch")));
    json_decref(j);
    free(resp);
    struct key_sum k = stored("site-0", NULL, NULL);
    CHECK_INT(k.rows, 3);
    CHECK_INT(k.issued, 37);
    free(body);
}

struct contract_probe {
    int schema;
    int64_t outcomes_online, bands_10, reasons_attente, issued;
    char partners[COLLECTOR_PARTNERS_TEXT_MAX];
    long rows;
};

static int probe_row(void *ctx, const struct collector_row *r)
{
    struct contract_probe *p = ctx;
    if (strcmp(r->antenne, "site-2") == 0) {
        p->schema = r->bucket.schema;
        p->outcomes_online = r->bucket.outcomes[CONTRACT_OUTCOME_ONLINE_HELP - 1];
        p->bands_10 = r->bucket.wait_bands[CONTRACT_BAND_W10 - 1];
        p->reasons_attente = r->bucket.feedback_reasons[CONTRACT_REASON_ATTENTE - 1];
        p->issued = r->bucket.issued;
        snprintf(p->partners, sizeof p->partners, "%s", r->bucket.partners);
        p->rows++;
    }
    return 0;
}

static struct contract_probe probe(const char *day)
{
    struct collector_filter f;
    memset(&f, 0, sizeof f);
    snprintf(f.from, sizeof f.from, "%s", day);
    snprintf(f.to, sizeof f.to, "%s", day);
    struct contract_probe p;
    memset(&p, 0, sizeof p);
    CHECK_INT(collector_store_export(store, &f, probe_row, &p), 0);
    return p;
}

/* A board still on contract 1 and an upgraded one upload side by side: both are stored, the old
 * one's bucket is marked as contract 1 (its new fields unknown), the new one's breakdowns kept; a
 * board upgraded mid-hour replaces the bucket with its richer version. */
static void old_and_new_contract(void)
{
    struct collector_bucket b = bucket(today - 2, 9, 'A', 1, 20);
    b.served -= 3;
    b.redirected = 3;
    b.outcomes[CONTRACT_OUTCOME_ANSWERED - 1] = b.served - 4;
    b.outcomes[CONTRACT_OUTCOME_ONLINE_HELP - 1] = 4;
    b.outcomes[CONTRACT_OUTCOME_PARTNER - 1] = 3;
    snprintf(b.partners, sizeof b.partners, "caf=2,france-travail=1");
    b.wait_bands[CONTRACT_BAND_W5 - 1] = 15;
    b.wait_bands[CONTRACT_BAND_W10 - 1] = 5;
    b.feedback_reasons[CONTRACT_REASON_ATTENTE - 1] = 2;
    char uuid[COLLECTOR_UUID_LEN + 1];
    collector_synth_uuid((uint64_t)next_uuid++, 7, uuid);
    char *v1 = collector_synth_body_schema(1, "site-2", uuid, (int64_t)time(NULL), &b, 1, NULL);
    CHECK_INT(post_applied("site-2", 2, v1), 1);
    char day[11];
    collector_synth_day_text(today - 2, day);
    struct contract_probe p = probe(day);
    CHECK_INT(p.rows, 1);
    CHECK_INT(p.schema, 1);
    CHECK_INT(p.issued, 20);
    CHECK_INT(p.outcomes_online, 0);
    CHECK_STR(p.partners, "");

    b.revision = 2;
    collector_synth_uuid((uint64_t)next_uuid++, 7, uuid);
    char *v2 = collector_synth_body_schema(2, "site-2", uuid, (int64_t)time(NULL), &b, 1, NULL);
    CHECK_INT(post_applied("site-2", 2, v2), 1);
    p = probe(day);
    CHECK_INT(p.rows, 1);
    CHECK_INT(p.schema, 2);
    CHECK_INT(p.outcomes_online, 4);
    CHECK_INT(p.bands_10, 5);
    CHECK_INT(p.reasons_attente, 2);
    CHECK_STR(p.partners, "caf=2,france-travail=1");

    /* A contract from the future is refused, clearly, and stores nothing. */
    b.revision = 3;
    collector_synth_uuid((uint64_t)next_uuid++, 7, uuid);
    char *v3 = collector_synth_body_schema(2, "site-2", uuid, (int64_t)time(NULL), &b, 1, NULL);
    char *at = strstr(v3, "\"schema\":2");
    CHECK(at != NULL);
    if (at)
        at[9] = '3';
    char *resp = NULL;
    CHECK_INT(harness_post(&h, "site-2", harness_token(2), v3, &resp), 422);
    CHECK(resp && strstr(resp, "upgrade the collector") != NULL);
    CHECK_INT(probe(day).schema, 2);
    free(resp);
    free(v1);
    free(v2);
    free(v3);
}

struct dev_probe {
    char printer[33];
    int64_t sent_at;
    int found;
};

static int dev_row(void *ctx, const struct collector_device *d)
{
    struct dev_probe *p = ctx;
    if (strcmp(d->antenne, "site-0") == 0) {
        snprintf(p->printer, sizeof p->printer, "%s", d->health.printer);
        p->sent_at = d->sent_at;
        p->found++;
    }
    return 0;
}

/* The device health of the last batch is stored; an older health record sent later does not win. */
static void health_keeps_newest(void)
{
    struct dev_probe p = {"", 0, 0};
    CHECK_INT(collector_store_devices(store, dev_row, &p), 0);
    CHECK_INT(p.found, 1);
    CHECK_STR(p.printer, "near_end");
    int64_t newer = p.sent_at + 60, older = p.sent_at - 3600;
    char *b1 = body_of("site-0", NULL, 0, "paper_out", newer);
    char *b2 = body_of("site-0", NULL, 0, "ready", older);
    CHECK_INT(post_applied("site-0", 0, b1), 0);
    CHECK_INT(post_applied("site-0", 0, b2), 0);
    memset(&p, 0, sizeof p);
    CHECK_INT(collector_store_devices(store, dev_row, &p), 0);
    CHECK_STR(p.printer, "paper_out");
    CHECK_INT(p.sent_at, newer);
    free(b1);
    free(b2);
}

/* The very same batch twice: the second answer is 200 but applies nothing; totals count it once. */
static void same_batch_twice(void)
{
    struct collector_bucket b[2] = {bucket(today - 2, 9, 'E', 1, 5), bucket(today - 2, 11, 'E', 1, 6)};
    char *body = body_of("site-1", b, 2, "ready", (int64_t)time(NULL));
    CHECK_INT(post_applied("site-1", 1, body), 2);
    CHECK_INT(post_applied("site-1", 1, body), 0);
    struct key_sum k = stored("site-1", NULL, "E");
    CHECK_INT(k.rows, 2);
    CHECK_INT(k.issued, 11);
    free(body);
}

/* A bucket at revision 5 then the same bucket at revision 4: the older one is ignored. */
static void older_revision_ignored(void)
{
    char day[11];
    collector_synth_day_text(today - 3, day);
    struct collector_bucket newer = bucket(today - 3, 14, 'I', 5, 50), older = bucket(today - 3, 14, 'I', 4, 40);
    char *b1 = body_of("site-1", &newer, 1, "ready", (int64_t)time(NULL));
    char *b2 = body_of("site-1", &older, 1, "ready", (int64_t)time(NULL));
    CHECK_INT(post_applied("site-1", 1, b1), 1);
    CHECK_INT(post_applied("site-1", 1, b2), 0);
    struct key_sum k = stored("site-1", day, "I");
    CHECK_INT(k.rows, 1);
    CHECK_INT(k.issued, 50);
    CHECK_INT(k.revision, 5);
    free(b1);
    free(b2);
}

/* One batch of ten buckets (more than one upsert statement takes) holding the same bucket twice, at
 * revisions 1 then 2: stored, the newer revision kept, every other bucket once. */
static void same_bucket_in_one_batch(void)
{
    char day[11];
    collector_synth_day_text(today - 4, day);
    struct collector_bucket b[10];
    for (int i = 0; i < 9; i++)
        b[i] = bucket(today - 4, 8 + i, 'K', 1, 10 + i);
    b[9] = bucket(today - 4, 16, 'K', 2, 99);   /* the ninth again, newer, in the same statement's rows */
    char *body = body_of("site-3", b, 10, "ready", (int64_t)time(NULL));
    CHECK_INT(post_applied("site-3", 3, body), 10);
    struct key_sum k = stored("site-3", day, "K");
    CHECK_INT(k.rows, 9);
    CHECK_INT(k.issued, 10 + 11 + 12 + 13 + 14 + 15 + 16 + 17 + 99);
    free(body);
}

/* Batches committed together in one group, as the writer does with uploads that arrive at once: a key
 * of one antenne again in a later batch of the group (newer), the same key at another antenne, and the
 * first batch sent twice. Each batch's applied count is its own; the group ends as if applied in turn. */
static void one_group_of_batches(void)
{
    char day[11];
    collector_synth_day_text(today - 5, day);
    struct collector_bucket a[2] = {bucket(today - 5, 9, 'G', 1, 10), bucket(today - 5, 10, 'G', 1, 20)};
    struct collector_bucket other = bucket(today - 5, 9, 'G', 1, 5);
    struct collector_bucket newer[2] = {bucket(today - 5, 9, 'G', 2, 30), bucket(today - 5, 11, 'G', 1, 7)};
    char *bodies[4] = {body_of("site-7", a, 2, "ready", (int64_t)time(NULL)),
                       body_of("site-3", &other, 1, "ready", (int64_t)time(NULL)),
                       body_of("site-7", newer, 2, "ready", (int64_t)time(NULL)), NULL};
    bodies[3] = strdup(bodies[0]);
    const char *antennes[4] = {"site-7", "site-3", "site-7", "site-7"};
    struct collector_batch *batches[4] = {NULL};
    for (int i = 0; i < 4; i++) {
        struct collector_ingest_error err;
        CHECK_INT(collector_ingest_parse(bodies[i], strlen(bodies[i]), antennes[i], (int64_t)time(NULL), 100,
                                         &batches[i], &err),
                  COLLECTOR_INGEST_OK);
    }
    size_t applied[4] = {9, 9, 9, 9};
    CHECK_INT(collector_store_apply(store, (const struct collector_batch *const *)batches, 4, (int64_t)time(NULL),
                                    applied),
              0);
    CHECK_INT(applied[0], 2);
    CHECK_INT(applied[1], 1);
    CHECK_INT(applied[2], 2);
    CHECK_INT(applied[3], 0);
    struct key_sum k = stored("site-7", day, "G");
    CHECK_INT(k.rows, 3);
    CHECK_INT(k.issued, 30 + 20 + 7);
    k = stored("site-3", day, "G");
    CHECK_INT(k.rows, 1);
    CHECK_INT(k.issued, 5);
    for (int i = 0; i < 4; i++) {
        collector_batch_free(batches[i]);
        free(bodies[i]);
    }
}

/* Three revisions of a growing bucket arrive as 3, 1, 2: the store ends at revision 3. */
static void reordering(void)
{
    char day[11];
    collector_synth_day_text(today, day);
    char *bodies[3];
    for (int r = 0; r < 3; r++) {
        struct collector_bucket b = bucket(today, 9, 'O', r + 1, 10 * (r + 1));
        bodies[r] = body_of("site-2", &b, 1, "ready", (int64_t)time(NULL));
    }
    CHECK_INT(post_applied("site-2", 2, bodies[2]), 1);
    CHECK_INT(post_applied("site-2", 2, bodies[0]), 0);
    CHECK_INT(post_applied("site-2", 2, bodies[1]), 0);
    struct key_sum k = stored("site-2", day, "O");
    CHECK_INT(k.rows, 1);
    CHECK_INT(k.issued, 30);
    CHECK_INT(k.revision, 3);
    for (int r = 0; r < 3; r++)
        free(bodies[r]);
}

/* The board sends a batch and the connection drops before it reads the answer (a 200 whose body was
 * lost): it resends the same batch; HQ counts the buckets once. */
static void resend_after_lost_answer(void)
{
    struct collector_bucket b[2] = {bucket(today - 4, 15, 'R', 2, 8), bucket(today - 4, 16, 'R', 2, 9)};
    char *body = body_of("site-3", b, 2, "ready", (int64_t)time(NULL));
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)h.port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK_INT(connect(fd, (struct sockaddr *)&addr, sizeof addr), 0);
    char head[512];
    int n = snprintf(head, sizeof head,
                     "POST /api/v1/antennes/site-3/batches HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
                     harness_token(3), strlen(body));
    CHECK(write(fd, head, (size_t)n) == n);
    CHECK(write(fd, body, strlen(body)) == (ssize_t)strlen(body));
    /* Wait for the first byte of the answer (the batch is then applied), then hang up unread. */
    char c;
    CHECK(read(fd, &c, 1) == 1);
    close(fd);
    CHECK_INT(post_applied("site-3", 3, body), 0);
    struct key_sum k = stored("site-3", NULL, "R");
    CHECK_INT(k.rows, 2);
    CHECK_INT(k.issued, 17);
    free(body);
}

struct expect {
    int64_t issued, served, wait_sum, fb5;
    long rows;
};

/* Sums a column of a CSV export by header name. */
static int64_t csv_sum(const char *csv, const char *column, long *rows)
{
    const char *eol = strstr(csv, "\r\n");
    if (!eol)
        return -1;
    int col = -1, i = 0;
    for (const char *p = csv; p < eol; i++) {
        size_t len = strcspn(p, ",\r");
        if (len == strlen(column) && strncmp(p, column, len) == 0)
            col = i;
        p += len + 1;
    }
    if (col < 0)
        return -1;
    int64_t sum = 0;
    *rows = 0;
    for (const char *line = eol + 2; *line; (*rows)++) {
        const char *p = line;
        for (int k = 0; k < col; k++)
            p = strchr(p, ',') + 1;
        sum += strtoll(p, NULL, 10);
        line = strstr(line, "\r\n") + 2;
    }
    return sum;
}

static void check_exports(const char *query, const struct expect *e)
{
    char path[256], *csv, *js;
    snprintf(path, sizeof path, "/api/v1/export.csv%s", query);
    CHECK_INT(harness_request(&h, "GET", path, HARNESS_ADMIN_TOKEN, NULL, 0, &csv), 200);
    long rows = 0;
    CHECK_INT(csv_sum(csv, "issued", &rows), e->issued);
    CHECK_INT(rows, e->rows);
    CHECK_INT(csv_sum(csv, "served", &rows), e->served);
    CHECK_INT(csv_sum(csv, "wait_sum_s", &rows), e->wait_sum);
    CHECK_INT(csv_sum(csv, "orage", &rows), e->fb5);
    snprintf(path, sizeof path, "/api/v1/export.json%s", query);
    CHECK_INT(harness_request(&h, "GET", path, HARNESS_ADMIN_TOKEN, NULL, 0, &js), 200);
    json_t *j = json_loads(js, 0, NULL);
    json_t *t = json_object_get(j, "totals");
    CHECK_INT(json_integer_value(json_object_get(t, "buckets")), e->rows);
    CHECK_INT(json_integer_value(json_object_get(t, "issued")), e->issued);
    CHECK_INT(json_integer_value(json_object_get(t, "served")), e->served);
    CHECK_INT(json_integer_value(json_object_get(t, "wait_sum_s")), e->wait_sum);
    CHECK_INT(json_integer_value(json_object_get(t, "orage")), e->fb5);
    CHECK_INT((long)json_array_size(json_object_get(j, "buckets")), e->rows);
    json_decref(j);
    free(csv);
    free(js);
}

static void add(struct expect *e, const struct collector_bucket *b)
{
    e->issued += b->issued;
    e->served += b->served;
    e->wait_sum += b->wait.sum_s;
    e->fb5 += b->feedback[4];
    e->rows++;
}

/* Two weeks of synthetic activity for sites 4..6 (one batch per site and day), each sent twice:
 * the CSV and JSON exports total exactly what was generated, overall and with every filter. */
static void export_totals(void)
{
    struct expect all = {0}, site5 = {0}, site5_oneday = {0}, site6_f = {0};
    char day_text[11];
    collector_synth_day_text(today - 3, day_text);
    for (int s = 4; s <= 6; s++) {
        char id[16];
        snprintf(id, sizeof id, "site-%d", s);
        struct collector_synth_site site = {id, 1.0 + s * 0.3, (uint32_t)s * 7919u};
        for (int64_t d = today - 13; d <= today - 1; d++) {
            struct collector_bucket b[24 * COLLECTOR_SYNTH_SERVICES];
            size_t n = 0;
            for (int hour = 0; hour < 24; hour++)
                n += collector_synth_hour(&site, d, hour, 1, b + n, sizeof b / sizeof b[0] - n);
            if (n == 0)
                continue;
            for (size_t i = 0; i < n; i++) {
                add(&all, &b[i]);
                if (s == 5)
                    add(&site5, &b[i]);
                if (s == 5 && d == today - 3)
                    add(&site5_oneday, &b[i]);
                if (s == 6 && b[i].service[0] == 'F')
                    add(&site6_f, &b[i]);
            }
            char *body = body_of(id, b, n, "ready", (int64_t)time(NULL));
            CHECK_INT(post_applied(id, s, body), (long)n);
            CHECK_INT(post_applied(id, s, body), 0);
            free(body);
        }
    }
    char q[128];
    char from[11], to[11];
    collector_synth_day_text(today - 13, from);
    collector_synth_day_text(today - 1, to);
    /* Sites 0..3 hold buckets from the other cases: every query names sites of this case. */
    struct expect none = {0};
    snprintf(q, sizeof q, "?antenne=site-5");
    check_exports(q, &site5);
    snprintf(q, sizeof q, "?antenne=site-5&from=%s&to=%s", from, to);
    check_exports(q, &site5);
    snprintf(q, sizeof q, "?antenne=site-5&from=%s&to=%s", to, from);
    check_exports(q, &none);
    snprintf(q, sizeof q, "?antenne=site-5&from=%s&to=%s", day_text, day_text);
    check_exports(q, &site5_oneday);
    snprintf(q, sizeof q, "?antenne=site-6&service=F");
    check_exports(q, &site6_f);
    long total_rows = 0;
    int64_t total_issued = 0;
    for (int s = 4; s <= 6; s++) {
        snprintf(q, sizeof q, "/api/v1/export.json?antenne=site-%d&from=%s&to=%s", s, from, to);
        char *js;
        CHECK_INT(harness_request(&h, "GET", q, HARNESS_ADMIN_TOKEN, NULL, 0, &js), 200);
        json_t *j = json_loads(js, 0, NULL);
        total_rows += (long)json_integer_value(json_object_get(json_object_get(j, "totals"), "buckets"));
        total_issued += json_integer_value(json_object_get(json_object_get(j, "totals"), "issued"));
        json_decref(j);
        free(js);
    }
    CHECK_INT(total_rows, all.rows);
    CHECK_INT(total_issued, all.issued);
}

/* The exports and the page refuse anyone without the HQ token, antenne tokens included. */
static void exports_need_hq_token(void)
{
    CHECK_INT(harness_request(&h, "GET", "/api/v1/export.csv", NULL, NULL, 0, NULL), 401);
    CHECK_INT(harness_request(&h, "GET", "/api/v1/export.json", harness_token(0), NULL, 0, NULL), 401);
    CHECK_INT(harness_request(&h, "GET", "/", harness_token(0), NULL, 0, NULL), 401);
    char *page;
    CHECK_INT(harness_request(&h, "GET", "/", HARNESS_ADMIN_TOKEN, NULL, 0, &page), 200);
    CHECK(strstr(page, "Site 5") != NULL);
    CHECK(strstr(page, "Plus de papier") != NULL); /* site-0's printer, from health_keeps_newest */
    free(page);
    CHECK_INT(harness_request(&h, "GET", "/api/v1/export.csv?from=2026-13-01", HARNESS_ADMIN_TOKEN, NULL, 0, NULL),
              400);
    CHECK_INT(harness_request(&h, "GET", "/api/v1/export.csv?antenne=nowhere", HARNESS_ADMIN_TOKEN, NULL, 0, NULL),
              400);
}

int main(int argc, char **argv)
{
    const char *backend = argc > 1 ? argv[1] : "sqlite";
    today = (int64_t)time(NULL) / 86400;
    if (!harness_start(&h, "collector-ingest", backend, 8, 4, NULL)) {
        fprintf(stderr, "FAIL: cannot start the collector on %s\n", backend);
        harness_stop(&h);
        return 1;
    }
    store = harness_open_store(&h);
    if (!store) {
        harness_stop(&h);
        return 1;
    }
    RUN(valid_batch_stored);
    RUN(health_keeps_newest);
    RUN(same_batch_twice);
    RUN(older_revision_ignored);
    RUN(reordering);
    RUN(same_bucket_in_one_batch);
    RUN(resend_after_lost_answer);
    RUN(one_group_of_batches);
    RUN(export_totals);
    RUN(exports_need_hq_token);
    RUN(old_and_new_contract);
    collector_store_close(store);
    CHECK(harness_alive(&h));
    CHECK(harness_stop(&h));
    return testlib_finish();
}
