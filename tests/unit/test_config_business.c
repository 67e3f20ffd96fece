/* Business documents from headquarters over a board's INI file: what applies, what is refused
 * (with which sentence), and that a refusal leaves the running settings whole. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "borne/config.h"
#include "borne/config_business.h"
#include "testlib.h"

static const char *dir;

static borne_config local(void)
{
    const char *path = testlib_path(dir, "borne.ini");
    FILE *f = fopen(path, "w");
    fputs("[antenne]\nid = fourmies\nname = Antenne de Fourmies\nmessage_fr = Local\n"
          "[service.A]\nlabel_fr = Aides\n[service.F]\nlabel_fr = Formation\n"
          "[counter.1]\nservices = A\n[printer]\ndevice = virtual\n",
          f);
    fclose(f);
    borne_config c;
    char err[256];
    CHECK_INT(config_load(path, &c, err, sizeof err), 0);
    return c;
}

static json_t *doc(const char *text)
{
    json_error_t e;
    json_t *d = json_loads(text, 0, &e);
    if (!d)
        fprintf(stderr, "bad test JSON: %s\n", e.text);
    return d;
}

#define GOOD                                                                                          \
    "\"services\": [{\"letter\": \"A\", \"labels\": {\"fr\": \"Aides\", \"en\": \"Grants\"}, \"order\": 2}," \
    " {\"letter\": \"N\", \"labels\": {\"fr\": \"Nouveau dispositif\"}, \"order\": 1, \"enabled\": true}],"   \
    " \"hours\": {\"mon\": \"09:00-12:00,13:30-17:00\", \"wed\": \"09:00-12:00\", \"last_ticket_before_close\": 10}," \
    " \"closures\": {\"public_holidays\": true, \"dates\": [\"2026-12-24\", \"2026-12-31\"]},"           \
    " \"messages\": {\"ticket\": {\"fr\": \"Merci\", \"en\": \"Thanks\"}, \"screen\": {\"fr\": \"Bienvenue\"}}," \
    " \"waiting_target_min\": 20, \"partners\": {\"caf\": \"CAF\", \"france-travail\": \"France Travail\"}"

static void a_good_document_applies(void)
{
    borne_config c = local(), out;
    char err[512] = "";
    json_t *d = doc("{\"version\": 3, " GOOD "}");
    CHECK_INT(config_business_apply(&c, d, &out, err, sizeof err), 0);
    CHECK_STR(err, "");
    CHECK_INT(out.business_version, 3);
    CHECK_INT(out.setup.n_services, 2);
    CHECK_INT(out.setup.services[1].letter, 'N');
    CHECK_STR(out.setup.services[1].label_fr, "Nouveau dispositif");
    CHECK_STR(out.setup.services[1].label_en, "Nouveau dispositif"); /* the file's rule: en falls back */
    CHECK_STR(out.setup.services[0].label_en, "Grants");
    CHECK_INT(out.setup.week[0].n, 2);
    CHECK_INT(out.setup.week[1].n, 0);
    CHECK_INT(out.setup.last_ticket_min, 10);
    CHECK(out.setup.public_holidays);
    CHECK_INT(out.setup.n_closures, 2);
    CHECK_STR(out.setup.closures[1], "2026-12-31");
    CHECK_STR(out.antenne.message_fr, "Merci");
    CHECK_STR(out.antenne.screen_message_fr, "Bienvenue");
    CHECK_INT(out.antenne.waiting_target_min, 20);
    CHECK_INT(out.setup.n_partners, 2);
    CHECK_STR(out.setup.partners[1].id, "france-travail");
    CHECK_STR(out.setup.partners[1].label, "France Travail");
    /* Device settings stay the file's. */
    CHECK(out.printer_virtual);
    CHECK_INT(out.setup.n_counters, 1);
    CHECK_STR(out.antenne.id, "fourmies");
    json_decref(d);

    /* Same or older version than the running one. */
    d = doc("{\"version\": 3, " GOOD "}");
    CHECK_INT(config_business_apply(&out, d, &out, err, sizeof err), -EINVAL);
    CHECK_STR(err, "version 3 is already running");
    json_decref(d);
    d = doc("{\"version\": 2, " GOOD "}");
    CHECK_INT(config_business_apply(&out, d, &out, err, sizeof err), -EINVAL);
    CHECK_STR(err, "version 2 is older than the running version 3");
    CHECK_INT(out.business_version, 3);
    json_decref(d);
}

static void bad_documents_are_refused_whole(void)
{
    struct {
        const char *doc, *want;
    } cases[] = {
        {"{\"version\": 4, " GOOD ", \"colour\": \"red\"}", "unknown key \"colour\""},
        {"{\"version\": 4, \"services\": [{\"letter\": \"A\", \"labels\": {\"fr\": \"x\"}},"
         " {\"letter\": \"A\", \"labels\": {\"fr\": \"y\"}}]}",
         "services[1]: letter A is given twice"},
        {"{\"version\": 4, \"services\": [{\"letter\": \"A\", \"labels\": {\"fr\": \"x\"}}],"
         " \"hours\": {\"mon\": \"09:00-12:00,11:00-17:00\"}}",
         "ranges must be in order and not overlap"},
        {"{\"version\": 4, \"services\": [{\"letter\": \"A\", \"labels\": {\"fr\": \"x\"}, \"colour\": 1}]}",
         "services[0] (A).colour: unknown key"},
        {"{\"version\": 4, \"services\": [{\"letter\": \"A\", \"labels\": {\"it\": \"x\"}}]}", "unknown key \"label_it\""},
        /* The file's counter 1 serves A: a document without A cannot apply. */
        {"{\"version\": 4, \"services\": [{\"letter\": \"B\", \"labels\": {\"fr\": \"x\"}}]}", "serves A"},
        {"{\"version\": 4, \"services\": [{\"letter\": \"A\", \"labels\": {\"fr\": \"x\"}}],"
         " \"closures\": {\"dates\": [\"24/12/2026\"]}}",
         "\"24/12/2026\" is not a YYYY-MM-DD day"},
        {"{\"services\": []}", "version: a positive integer is required"},
        {"[]", "not a JSON object"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        borne_config c = local(), before = c, out = c;
        char err[512] = "";
        json_t *d = doc(cases[i].doc);
        CHECK_INT(config_business_apply(&c, d, &out, err, sizeof err), -EINVAL);
        if (!CHECK(strstr(err, cases[i].want) != NULL))
            fprintf(stderr, "  case %zu: got \"%s\", want \"%s\"\n", i, err, cases[i].want);
        CHECK(memcmp(&out, &before, sizeof out) == 0);
        json_decref(d);
    }
}

static void the_last_good_document_survives_a_restart(void)
{
    borne_config c = local();
    char err[512];
    const char *path = testlib_path(dir, "business.json");
    CHECK_INT(config_business_overlay(&c, path, err, sizeof err), 1);
    FILE *f = fopen(path, "w");
    fputs("{\"version\": 9, " GOOD "}", f);
    fclose(f);
    CHECK_INT(config_business_overlay(&c, path, err, sizeof err), 0);
    CHECK_INT(c.business_version, 9);
    CHECK_INT(c.setup.n_services, 2);
    f = fopen(path, "w");
    fputs("{\"version\": 10, \"nope\": 1}", f);
    fclose(f);
    CHECK_INT(config_business_overlay(&c, path, err, sizeof err), -EINVAL);
    CHECK_INT(c.business_version, 9);
}

int main(void)
{
    dir = testlib_tmpdir("config_business");
    RUN(a_good_document_applies);
    RUN(bad_documents_are_refused_whole);
    RUN(the_last_good_document_survives_a_restart);
    return testlib_finish();
}
