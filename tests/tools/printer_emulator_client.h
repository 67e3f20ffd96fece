/* Test-side handle on a running borne-printer-emulator: start it in a directory, send control
 * commands, stop it. Used by the printer integration tests and the benchmark. */
#ifndef BORNE_PRINTER_EMULATOR_CLIENT_H
#define BORNE_PRINTER_EMULATOR_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct emuctl {
    pid_t pid;
    char link[200];      /* dir/printer: the symlink to the current pty */
    char control[100];   /* dir/control.sock */
    char out[200];       /* dir/out: ticket-NNNN.txt/.png */
} emuctl;

/* Starts $BORNE_PRINTER_EMULATOR (the executable path) with --baud `baud` in `dir` and waits
 * until its symlink and control socket exist. 0 or -errno. */
int emuctl_start(emuctl *c, const char *dir, int baud, bool png);
/* Sends one command line and reads the one-line reply into reply (may be NULL). 0 when the
 * reply starts with "ok" or the command was "stats", -EPROTO on "err", -errno otherwise. */
int emuctl_cmd(emuctl *c, const char *cmd, char *reply, size_t cap);
/* Reads the numeric field `key` of a "stats" reply; -1 if absent. */
long long emuctl_stat(emuctl *c, const char *key);
void emuctl_stop(emuctl *c);

#endif
