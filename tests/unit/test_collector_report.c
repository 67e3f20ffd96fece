/* Exports and page from a real SQLite store: the CSV has its header and RFC 4180 quoting (a name with
 * a comma and quotes), the JSON parses and totals what was stored, the page escapes HTML and shows
 * the weather word, the mean wait from sums/counts and the printer state in words. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "borne/collector_report.h"
#include "borne/collector_synth.h"
#include "testlib.h"

/* 2026-11-23T10:00:00Z, a Monday */
#define NOW 1795428000LL

static struct collector_antennes *antennes;
static struct collector_store *store;

static void setup(void)
{
    const char *dir = testlib_tmpdir("collector-report");
    const char *csv = testlib_path(dir, "a.csv");
    FILE *f = fopen(csv, "w");
    fputs("name,opened,population,communes\n\"Lille, \"\"<MEL>\"\"\",,5,6\nLaon,,1,1\n", f);
    fclose(f);
    char err[512];
    CHECK_INT(collector_antennes_load_csv(csv, &antennes, err, sizeof err), 0);
    CHECK_INT(collector_store_open(COLLECTOR_BACKEND_SQLITE, testlib_path(dir, "s.sqlite"), &store, err, sizeof err), 0);

    struct collector_bucket b[2];
    memset(b, 0, sizeof b);
    for (int i = 0; i < 2; i++) {
        collector_synth_day_text(NOW / 86400 - 7, b[i].day);
        b[i].hour = 9 + i;
        b[i].service[0] = 'A';
        b[i].revision = 1;
        b[i].issued = b[i].called = b[i].served = 10;
        b[i].wait = (struct collector_stat){10 * 240, 10, 200, 400}; /* 4 min each */
        b[i].feedback[0] = 8;   /* soleil */
        b[i].feedback[1] = 2;   /* soleil voilé */
    }
    snprintf(b[1].public_type, sizeof b[1].public_type, "entreprise");
    struct collector_health h = {.uptime_s = 3 * 86400 + 3600, .last_upload = NOW - 300, .queue_waiting = 3};
    snprintf(h.version, sizeof h.version, "1.0.0");
    snprintf(h.printer, sizeof h.printer, "near_end");
    char uuid[COLLECTOR_UUID_LEN + 1];
    collector_synth_uuid(1, 1, uuid);
    char *body = collector_synth_body_schema(1, "lille-mel", uuid, NOW, b, 2, &h);   /* an old board */
    struct collector_batch *batch;
    struct collector_ingest_error ierr;
    CHECK_INT(collector_ingest_parse(body, strlen(body), "lille-mel", NOW, 10, &batch, &ierr), COLLECTOR_INGEST_OK);
    size_t applied;
    const struct collector_batch *const list[] = {batch};
    CHECK_INT(collector_store_apply(store, list, 1, NOW, &applied), 0);
    CHECK_INT(applied, 2);
    collector_batch_free(batch);
    free(body);
}

static void csv_export(void)
{
    struct collector_filter f;
    memset(&f, 0, sizeof f);
    char *out;
    size_t len;
    CHECK_INT(collector_report_csv(store, antennes, &f, &out, &len), 0);
    if (!out)
        return;
    CHECK_INT(strlen(out), len);
    const char *head = "antenne,antenne_name,day,hour,service,public,revision,issued,called,served,";
    CHECK(strncmp(out, head, strlen(head)) == 0);
    CHECK(strstr(out, "\r\nlille-mel,\"Lille, \"\"<MEL>\"\"\",") != NULL);
    CHECK(strstr(out, ",10,A,entreprise,1,10,10,10,") != NULL);
    /* Contract 2's columns come after contract 1's, named from the contract's words; this old
     * board's rows say contract 1 (the breakdowns unknown). */
    CHECK(strstr(out, ",orage,contract,outcomes_answered,outcomes_partner,") != NULL);
    CHECK(strstr(out, ",wait_bands_60+,partners\r\n") != NULL);
    int lines = 0;
    for (const char *p = out; (p = strstr(p, "\r\n")); p += 2)
        lines++;
    CHECK_INT(lines, 3);
    free(out);
    snprintf(f.antenne, sizeof f.antenne, "laon");
    CHECK_INT(collector_report_csv(store, antennes, &f, &out, &len), 0);
    CHECK(out && strchr(out, '\n') == out + len - 1); /* header only */
    free(out);
}

static void json_export(void)
{
    struct collector_filter f;
    memset(&f, 0, sizeof f);
    snprintf(f.service, sizeof f.service, "A");
    char *out;
    size_t len;
    CHECK_INT(collector_report_json(store, antennes, &f, &out, &len), 0);
    json_error_t e;
    json_t *j = out ? json_loads(out, 0, &e) : NULL;
    CHECK(j != NULL);
    json_t *t = json_object_get(j, "totals");
    CHECK_INT(json_integer_value(json_object_get(t, "buckets")), 2);
    CHECK_INT(json_integer_value(json_object_get(t, "issued")), 20);
    CHECK_INT(json_integer_value(json_object_get(t, "soleil")), 16);
    json_t *first = json_array_get(json_object_get(j, "buckets"), 0);
    CHECK_STR(json_string_value(json_object_get(first, "antenne")), "lille-mel");
    CHECK_INT(json_integer_value(json_object_get(json_object_get(first, "wait"), "sum_s")), 2400);
    CHECK_INT(json_integer_value(json_object_get(first, "contract")), 1);
    CHECK(json_is_integer(json_object_get(first, "feedback_reasons_attente")));
    CHECK(json_object_get(t, "contract") == NULL);   /* a version: never totalled */
    CHECK_STR(json_string_value(json_object_get(json_object_get(j, "filter"), "service")), "A");
    json_decref(j);
    free(out);
}

static void html_page(void)
{
    char *out;
    size_t len;
    CHECK_INT(collector_report_page(store, antennes, NOW, &out, &len), 0);
    if (!out)
        return;
    CHECK(strstr(out, "Lille, &quot;&lt;MEL&gt;&quot;") != NULL);
    CHECK(strstr(out, "<MEL>") == NULL);
    /* The kiosk's words, one order sunny → storm, legend and bars in the same colour (f5 = soleil). */
    CHECK(strstr(out, "<b>Soleil</b>") != NULL);         /* mean 4.8 */
    CHECK(strstr(out, "Ensoleillé") == NULL && strstr(out, "Éclaircies") == NULL);
    const char *legend = strstr(out, "<i class='f5'></i>Soleil");
    const char *storm = strstr(out, "<i class='f1'></i>Orage");
    CHECK(legend != NULL && storm != NULL && legend < storm);
    CHECK(strstr(out, "class='f5' style='width:80.0%' title='Soleil : 16'") != NULL);
    CHECK(strstr(out, "pas de données") != NULL);       /* Laon: no data, not 0 */
    CHECK(strstr(out, " UTC") == NULL && strstr(out, "mis à jour à ") != NULL);
    CHECK(strstr(out, "4,8 / 5") != NULL);
    CHECK(strstr(out, "4 min 00") != NULL);               /* 4800 s / 20 calls */
    CHECK(strstr(out, "Papier bientôt fini") != NULL);
    CHECK(strstr(out, "3 j 1 h") != NULL);                /* uptime */
    CHECK(strstr(out, "il y a 5 min") != NULL);           /* last upload */
    CHECK(strstr(out, "jamais") != NULL);                 /* Laon never sent anything */
    CHECK(strstr(out, "S47") != NULL && strstr(out, "S48") != NULL);
    free(out);
}

int main(void)
{
    setenv("TZ", "Europe/Paris", 1);   /* headquarters' zone: the page says its local time */
    tzset();
    setup();
    if (antennes && store) {
        RUN(csv_export);
        RUN(json_export);
        RUN(html_page);
    }
    collector_store_close(store);
    collector_antennes_free(antennes);
    return testlib_finish();
}
