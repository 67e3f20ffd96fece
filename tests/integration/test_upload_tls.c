/* HTTPS to headquarters: the real borne-collector serves TLS with a self-signed certificate made
 * here by `openssl req -x509`. A board that does not trust it refuses to send (state tls_error,
 * data kept); the same board given the certificate as its CA file delivers everything.
 * argv[1]: borne-collector. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test_upload_support.h"
#include "testlib.h"

static const char *collector_bin;

static bool tls_refused(const upload_status *s)
{
    return s->state == UPLOAD_TLS_ERROR && s->failures >= 2;
}

static void test_certificate_checked(void)
{
    const char *dir = testlib_tmpdir("upload-tls");
    char cert[512], key[512], cmd[2048];
    snprintf(cert, sizeof cert, "%s", testlib_path(dir, "hq.crt"));
    snprintf(key, sizeof key, "%s", testlib_path(dir, "hq.key"));
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1"
             " -addext subjectAltName=IP:127.0.0.1 -keyout '%s' -out '%s' 2>/dev/null", key, cert);
    if (!CHECK_INT(system(cmd), 0))
        return;
    queue *q = ut_engine(dir);
    if (!CHECK(q != NULL))
        return;
    ut_simulate(q, ut_days_ago(2), 2, 15, 9);
    ut_collector hq;
    if (!CHECK(ut_collector_start(&hq, collector_bin, dir, 0, cert, key))) {
        queue_close(q);
        return;
    }
    CHECK(strncmp(hq.url, "https://", 8) == 0);

    /* Without the CA: refused, kept, reported. */
    upload_config cfg = ut_config(dir, hq.url, ut_token_file(dir, UT_TOKEN));
    upload *u;
    char err[512];
    CHECK_INT(upload_start(&u, &cfg, err, sizeof err), 0);
    upload_status st;
    CHECK(ut_wait(u, tls_refused, 30, &st));
    CHECK(st.outbox_batches > 0);
    CHECK_INT(st.last_success_ms, 0);
    CHECK_INT(st.http_status, 0);
    CHECK(strstr(st.last_error, "certificate") != NULL || strstr(st.last_error, "SSL") != NULL);
    upload_stop(u);

    /* With --ca (ca_file): delivered. */
    cfg.ca_file = cert;
    CHECK_INT(upload_start(&u, &cfg, err, sizeof err), 0);
    CHECK(ut_wait(u, ut_outbox_empty, 30, &st));
    CHECK_INT(st.state, UPLOAD_IDLE);
    char from[11], to[11];
    ut_day_text(ut_days_ago(2), from);
    ut_day_text(ut_days_ago(1), to);
    CHECK(ut_compare_with_hq(q, &hq, cert, from, to) > 10);
    upload_stop(u);
    ut_collector_stop(&hq);
    queue_close(q);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s <borne-collector>\n", argv[0]);
        return 2;
    }
    collector_bin = argv[1];
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    RUN(test_certificate_checked);
    return testlib_finish();
}
