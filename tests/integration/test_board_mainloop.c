/* Helper of board/test/deb-install-test (not a test by itself): a stand-in for borne's main
 * loop, reduced to its watchdog calls, so borne.service can be run under a real systemd before
 * (or without) the kiosk binary. It does what app/main.c must do: watchdog_open() first,
 * READY=1 once up, then every iteration the freeze point and a ping, STOPPING=1 on SIGTERM. */
#include "borne/watchdog.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t stop;

static void on_sigterm(int sig)
{
    (void)sig;
    stop = 1;
}

int main(void)
{
    watchdog *w = NULL;
    int r = watchdog_open(&w);
    if (r < 0) {
        fprintf(stderr, "<3>watchdog_open: %s\n", strerror(-r));
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigterm;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    fprintf(stderr, "<6>main loop stand-in up, watchdog %s (%llu us)\n",
            watchdog_enabled(w) ? "on" : "off", (unsigned long long)watchdog_interval_usec(w));
    watchdog_ready(w, "main loop stand-in running");
    const struct timespec turn = {.tv_sec = 0, .tv_nsec = 100000000};
    while (!stop) {
        watchdog_debug_freeze_point(w);
        r = watchdog_ping(w);
        if (r < 0)
            fprintf(stderr, "<4>watchdog ping: %s\n", strerror(-r));
        nanosleep(&turn, NULL);
    }
    watchdog_stopping(w);
    watchdog_close(w);
    fprintf(stderr, "<6>main loop stand-in stopped\n");
    return 0;
}
