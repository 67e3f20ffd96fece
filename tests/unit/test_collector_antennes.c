/* The antennes registry and the collector's configuration: ids are slugs of the CSV names (accents
 * folded), the real Hauts-de-France CSV loads, bad CSV/token/INI lines are reported as file:line,
 * tokens authenticate only their antenne, and flags override the INI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "borne/collector_antennes.h"
#include "borne/collector_config.h"
#include "borne/secret.h"
#include "test_secret_support.h"
#include "testlib.h"

static const char *dir;

/* 0600: token files must be (borne/secret.h); the CSV and INI files do not mind. */
static const char *write_file(const char *leaf, const char *text)
{
    return testlib_write_file(dir, leaf, text, 0600);
}

static void slugs(void)
{
    char id[80];
    CHECK_INT(collector_antennes_slug("Château-Thierry", id, sizeof id), 0);
    CHECK_STR(id, "chateau-thierry");
    CHECK_INT(collector_antennes_slug("Frévent", id, sizeof id), 0);
    CHECK_STR(id, "frevent");
    CHECK_INT(collector_antennes_slug("Calaisis-Boulonnais-Dunkerquois", id, sizeof id), 0);
    CHECK_STR(id, "calaisis-boulonnais-dunkerquois");
    CHECK_INT(collector_antennes_slug("  Saint  Œuf / Île ", id, sizeof id), 0);
    CHECK_STR(id, "saint-oeuf-ile");
    CHECK_INT(collector_antennes_slug("MEL", id, sizeof id), 0);
    CHECK_STR(id, "mel");
    CHECK_INT(collector_antennes_slug("---", id, sizeof id), -1);
    CHECK_INT(collector_antennes_slug("abcdef", id, 4), -1);
}

/* The demo dataset: every row loads with its slug id. */
static void demo_csv_loads(void)
{
    const char *csv = getenv("COLLECTOR_DEMO_CSV");
    if (!CHECK(csv != NULL))
        return;
    struct collector_antennes *a;
    char err[512];
    if (!CHECK_INT(collector_antennes_load_csv(csv, &a, err, sizeof err), 0)) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK_INT(collector_antennes_count(a), 20);
    long i = collector_antennes_find(a, "fourmies");
    CHECK_INT(i, 0);
    CHECK_STR(collector_antennes_at(a, 0)->name, "Fourmies");
    CHECK_STR(collector_antennes_at(a, 0)->opened, "2016-11-28");
    CHECK_INT(collector_antennes_at(a, 0)->population, 306069);
    CHECK(collector_antennes_find(a, "chateau-thierry") >= 0);
    CHECK(collector_antennes_find(a, "compiegne") >= 0);
    CHECK_STR(collector_antennes_at(a, (size_t)collector_antennes_find(a, "mel"))->opened, "");
    CHECK_INT(collector_antennes_find(a, "paris"), -1);
    /* Territories, groups and places: 7 groups of 2 or 3 sites sharing a manager, every antenne placed
     * in the Region (lat 48.8..51.1, lon 1.3..4.3). */
    const struct collector_antenne_info *laon = collector_antennes_at(a, (size_t)collector_antennes_find(a, "laon"));
    CHECK_STR(laon->territory, "Aisne");
    CHECK_STR(laon->group, "aisne-sud");
    char groups[8][COLLECTOR_ID_MAX + 1];
    int sizes[8] = {0}, n_groups = 0;
    for (size_t k = 0; k < collector_antennes_count(a); k++) {
        const struct collector_antenne_info *x = collector_antennes_at(a, k);
        CHECK(x->has_coords && x->lat > 48.8 && x->lat < 51.1 && x->lon > 1.3 && x->lon < 4.3);
        CHECK(x->territory[0] != '\0');
        int g = 0;
        while (g < n_groups && strcmp(groups[g], x->group) != 0)
            g++;
        if (g == n_groups && CHECK(n_groups < 8))
            snprintf(groups[n_groups++], sizeof groups[0], "%s", x->group);
        if (g < 8)
            sizes[g]++;
    }
    CHECK_INT(n_groups, 7);
    for (int g = 0; g < n_groups; g++)
        CHECK(sizes[g] >= 2 && sizes[g] <= 3);
    collector_antennes_free(a);
}

static void bad_csv_lines(void)
{
    struct collector_antennes *a;
    char err[512];
    const char *p = write_file("dup.csv", "# c\nname,opened,population,communes\nAmiens,2018-05-22,1,2\nAMIENS,,3,4\n");
    CHECK_INT(collector_antennes_load_csv(p, &a, err, sizeof err), -1);
    CHECK(a == NULL);
    CHECK(strstr(err, "dup.csv:4:") != NULL);
    p = write_file("date.csv", "name,opened,population,communes\nAmiens,2018-13-22,1,2\n");
    CHECK_INT(collector_antennes_load_csv(p, &a, err, sizeof err), -1);
    CHECK(strstr(err, "date.csv:2:") != NULL);
    p = write_file("head.csv", "nom,ouverture\nAmiens,2018-05-22\n");
    CHECK_INT(collector_antennes_load_csv(p, &a, err, sizeof err), -1);
    CHECK(strstr(err, "head.csv:1:") != NULL);
    /* The place columns come as a whole and must make sense. */
    p = write_file("place.csv", "name,opened,population,communes,territory,group,lat,lon\n"
                                "Laon,,1,1,Aisne,aisne-sud,49.56,3.62\nAmiens,,1,1,Somme,Somme Nord,49.9,2.3\n");
    CHECK_INT(collector_antennes_load_csv(p, &a, err, sizeof err), -1);
    CHECK(strstr(err, "place.csv:3:") != NULL);
    p = write_file("lat.csv", "name,opened,population,communes,territory,group,lat,lon\nLaon,,1,1,Aisne,g,95,3\n");
    CHECK_INT(collector_antennes_load_csv(p, &a, err, sizeof err), -1);
    p = write_file("short.csv", "name,opened,population,communes,territory,group,lat,lon\nLaon,,1,1\n");
    CHECK_INT(collector_antennes_load_csv(p, &a, err, sizeof err), -1);
    CHECK(strstr(err, "short.csv:2:") != NULL);
    p = write_file("quoted.csv", "name,opened,population,communes\n\"Lille, \"\"MEL\"\"\",,5,6\n");
    CHECK_INT(collector_antennes_load_csv(p, &a, err, sizeof err), 0);
    if (a) {
        CHECK_STR(collector_antennes_at(a, 0)->name, "Lille, \"MEL\"");
        CHECK_STR(collector_antennes_at(a, 0)->id, "lille-mel");
    }
    collector_antennes_free(a);
    CHECK_INT(collector_antennes_load_csv(testlib_path(dir, "missing.csv"), &a, err, sizeof err), -1);
}

static void tokens_authenticate_their_antenne(void)
{
    struct collector_antennes *a;
    char err[512];
    const char *csv = write_file("a.csv", "name,opened,population,communes\nAmiens,,1,1\nArras,,1,1\nLaon,,1,1\n");
    CHECK_INT(collector_antennes_load_csv(csv, &a, err, sizeof err), 0);
    if (!a)
        return;
    CHECK_INT(collector_antennes_load_tokens(a, write_file("t1", "# x\namiens amiens-token-0123456789\n"), err,
                                             sizeof err), 0);
    CHECK_INT(collector_antennes_load_tokens(a, write_file("t2", "paris paris-token-0123456789\n"), err, sizeof err),
              -1);
    CHECK(strstr(err, "t2:1: unknown antenne") != NULL);
    CHECK_INT(collector_antennes_load_tokens(a, write_file("t3", "arras short\n"), err, sizeof err), -1);
    CHECK(strstr(err, "secret in ") != NULL && strstr(err, "t3:1 has 5 characters: a secret has at least 16") != NULL);
    CHECK_INT(collector_antennes_load_tokens(a, write_file("t5", "arras arras-token-0123456789\n"), err, sizeof err),
              0);
    collector_antennes_free(a);
    CHECK_INT(collector_antennes_load_csv(csv, &a, err, sizeof err), 0);
    if (!a)
        return;
    CHECK_INT(collector_antennes_load_tokens(a, write_file("t1", "# x\namiens amiens-token-0123456789\n"), err,
                                             sizeof err), 0);
    CHECK_INT(collector_antennes_load_tokens(a, write_file("t4", "arras amiens-token-0123456789\n"), err, sizeof err),
              -1);
    CHECK(strstr(err, "already given") != NULL);
    const char *tdir = testlib_tmpdir("collector-tokdir");
    testlib_write_file(tdir, "arras.token", "arras-token-0123456789\n", 0600);
    CHECK_INT(collector_antennes_load_token_dir(a, tdir, err, sizeof err), 0);
    CHECK_INT(collector_antennes_load_admin_token(a, write_file("hq1", "amiens-token-0123456789\n"), err, sizeof err),
              -1);
    CHECK_INT(collector_antennes_load_admin_token(a, write_file("hq2", "hq-token-0123456789abc\n"), err, sizeof err),
              0);
    size_t amiens = (size_t)collector_antennes_find(a, "amiens"), arras = (size_t)collector_antennes_find(a, "arras"),
           laon = (size_t)collector_antennes_find(a, "laon");
    CHECK_INT(collector_antennes_check(a, amiens, "amiens-token-0123456789"), COLLECTOR_AUTH_OK);
    CHECK_INT(collector_antennes_check(a, arras, "arras-token-0123456789"), COLLECTOR_AUTH_OK);
    CHECK_INT(collector_antennes_check(a, arras, "amiens-token-0123456789"), COLLECTOR_AUTH_OTHER);
    CHECK_INT(collector_antennes_check(a, arras, "hq-token-0123456789abc"), COLLECTOR_AUTH_OTHER);
    CHECK_INT(collector_antennes_check(a, arras, "amiens-token-012345678"), COLLECTOR_AUTH_MISSING);
    CHECK_INT(collector_antennes_check(a, arras, NULL), COLLECTOR_AUTH_MISSING);
    CHECK_INT(collector_antennes_check(a, laon, "laon"), COLLECTOR_AUTH_MISSING);
    CHECK(collector_antennes_check_admin(a, "hq-token-0123456789abc"));
    CHECK(!collector_antennes_check_admin(a, "amiens-token-0123456789"));
    CHECK(!collector_antennes_check_admin(a, NULL));
    collector_antennes_free(a);
}

/* Every token file the collector reads goes through the shared secret reader: a group- or
 * world-readable file and a short token are refused with the reader's message. */
static struct collector_antennes *amiens_arras(void)
{
    struct collector_antennes *a = NULL;
    char err[512];
    collector_antennes_load_csv(write_file("aa.csv", "name,opened,population,communes\nAmiens,,1,1\nArras,,1,1\n"),
                                &a, err, sizeof err);
    return a;
}

static int load_admin(const char *path, char *err, size_t errlen, void *ctx)
{
    (void)ctx;
    struct collector_antennes *a = amiens_arras();
    int rc = a ? collector_antennes_load_admin_token(a, path, err, errlen) : -1;
    collector_antennes_free(a);
    return rc;
}

/* The test writes <dir>/amiens.token: the collector reads the directory. */
static int load_dir(const char *path, char *err, size_t errlen, void *ctx)
{
    (void)ctx;
    char d[512];
    snprintf(d, sizeof d, "%s", path);
    *strrchr(d, '/') = '\0';
    struct collector_antennes *a = amiens_arras();
    int rc = a ? collector_antennes_load_token_dir(a, d, err, errlen) : -1;
    if (rc == 0 && collector_antennes_check(a, (size_t)collector_antennes_find(a, "amiens"), TEST_SECRET_GOOD) !=
                       COLLECTOR_AUTH_OK)
        rc = -1;
    collector_antennes_free(a);
    return rc;
}

static void token_files_are_secrets(void)
{
    test_secret_consumer("hq.token", load_admin, NULL);
    test_secret_consumer("amiens.token", load_dir, NULL);
    /* The "<antenne> <token>" file: the same mode rule and message. */
    char want[512], got[512];
    const char *open_tokens = write_file("tokens-0644", "amiens amiens-token-0123456789\n");
    chmod(open_tokens, 0644);
    CHECK(secret_open_file(open_tokens, want, sizeof want) == NULL);
    struct collector_antennes *a = amiens_arras();
    CHECK_INT(collector_antennes_load_tokens(a, open_tokens, got, sizeof got), -1);
    CHECK_STR(got, want);
    collector_antennes_free(a);
}

/* The demo of the README, as a user runs it from a checkout (after chmod 600 of the token
 * files, which git does not keep): the config and every file it names load. */
static void demo_config_loads(void)
{
    const char *assets = getenv("BORNE_ASSETS");
    if (!CHECK(assets != NULL))
        return;
    const char *demo = testlib_tmpdir("collector-demo");
    const char *leaves[] = {"demo.ini", "demo-tokens.txt", "demo-hq.token", "antennes-hdf.csv"};
    for (size_t i = 0; i < sizeof leaves / sizeof leaves[0]; i++) {
        static char text[64 * 1024];
        char src[600];
        snprintf(src, sizeof src, "%s/collector/%s", assets, leaves[i]);
        FILE *f = fopen(src, "r");
        size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
        if (f)
            fclose(f);
        text[n] = '\0';
        CHECK(n > 0);
        testlib_write_file(demo, leaves[i], text, 0600);
    }
    struct collector_config c;
    collector_config_defaults(&c);
    char err[1024];
    if (!CHECK_INT(collector_config_load_ini(&c, testlib_path(demo, "demo.ini"), err, sizeof err), 0)) {
        fprintf(stderr, "  %s\n", err);
        return;
    }
    struct collector_antennes *a = NULL;
    CHECK_INT(collector_antennes_load_csv(c.antennes_csv, &a, err, sizeof err), 0);
    if (!a)
        return;
    CHECK_INT(collector_antennes_load_tokens(a, c.tokens, err, sizeof err), 0);
    CHECK_INT(collector_antennes_load_admin_token(a, c.admin_token_file, err, sizeof err), 0);
    CHECK_INT(collector_antennes_count(a), 20);
    for (size_t i = 0; i < collector_antennes_count(a); i++)
        CHECK(collector_antennes_token(a, i)[0] != '\0');
    collector_antennes_free(a);
}

static void config_ini_and_flags(void)
{
    struct collector_config c;
    char err[512];
    collector_config_defaults(&c);
    const char *ini = write_file("c.ini", "[collector]\nport = 9000\nthreads = 3\n[storage]\nbackend = postgresql\n"
                                          "conninfo = dbname=x\n[antennes]\ncsv = a.csv\ntokens = /abs/t\n"
                                          "[tls]\ncert = c.pem\nkey = k.pem\n");
    char *argv[] = {"borne-collector", "--port", "9001", "--config", (char *)ini, NULL};
    CHECK_INT(collector_config_parse_args(&c, 5, argv, err, sizeof err), 0);
    CHECK_INT(c.port, 9001);
    CHECK_INT(c.threads, 3);
    CHECK_INT(c.backend, COLLECTOR_BACKEND_POSTGRESQL);
    CHECK_STR(c.storage, "dbname=x");
    CHECK_STR(c.antennes_csv, testlib_path(dir, "a.csv"));
    CHECK_STR(c.tokens, "/abs/t");
    CHECK_STR(c.cert, testlib_path(dir, "c.pem"));
    CHECK_INT(collector_config_check(&c, err, sizeof err), 0);
    char *argv2[] = {"borne-collector", "--sqlite", "x.sqlite", NULL};
    CHECK_INT(collector_config_parse_args(&c, 3, argv2, err, sizeof err), 0);
    CHECK_INT(c.backend, COLLECTOR_BACKEND_SQLITE);

    collector_config_defaults(&c);
    const char *bad = write_file("bad.ini", "[collector]\nport = 9000\nport = 70000\n");
    CHECK_INT(collector_config_load_ini(&c, bad, err, sizeof err), -1);
    CHECK(strstr(err, "bad.ini:3: port") != NULL);
    bad = write_file("bad2.ini", "[storage]\nbackend = mysql\n");
    CHECK_INT(collector_config_load_ini(&c, bad, err, sizeof err), -1);
    CHECK(strstr(err, "bad2.ini:2:") != NULL);
    bad = write_file("bad3.ini", "[nowhere]\nx = 1\n");
    CHECK_INT(collector_config_load_ini(&c, bad, err, sizeof err), -1);
    char *argv3[] = {"borne-collector", "--frobnicate", "1", NULL};
    CHECK_INT(collector_config_parse_args(&c, 3, argv3, err, sizeof err), -1);
    char *argv4[] = {"borne-collector", "--port", NULL};
    CHECK_INT(collector_config_parse_args(&c, 2, argv4, err, sizeof err), -1);
    char *argv5[] = {"borne-collector", "--help", NULL};
    CHECK_INT(collector_config_parse_args(&c, 2, argv5, err, sizeof err), 1);

    collector_config_defaults(&c);
    CHECK_INT(collector_config_check(&c, err, sizeof err), -1); /* no antennes */
    snprintf(c.antennes_csv, sizeof c.antennes_csv, "a.csv");
    snprintf(c.cert, sizeof c.cert, "c.pem");
    CHECK_INT(collector_config_check(&c, err, sizeof err), -1); /* cert without key */
}

int main(void)
{
    dir = testlib_tmpdir("collector-antennes");
    RUN(slugs);
    RUN(demo_csv_loads);
    RUN(bad_csv_lines);
    RUN(tokens_authenticate_their_antenne);
    RUN(token_files_are_secrets);
    RUN(demo_config_loads);
    RUN(config_ini_and_flags);
    return testlib_finish();
}
