/* See printer_emulator_client.h. */
#include "printer_emulator_client.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int emuctl_start(emuctl *c, const char *dir, int baud, bool png)
{
    const char *exe = getenv("BORNE_PRINTER_EMULATOR");
    if (!exe)
        return -ENOENT;
    snprintf(c->link, sizeof c->link, "%s/printer", dir);
    snprintf(c->control, sizeof c->control, "%s/control.sock", dir);
    snprintf(c->out, sizeof c->out, "%s/out", dir);
    if (mkdir(c->out, 0755) != 0 && errno != EEXIST)
        return -errno;
    char b[16];
    snprintf(b, sizeof b, "%d", baud);
    fflush(NULL);  /* or the child would carry our buffered output along */
    pid_t pid = fork();
    if (pid < 0)
        return -errno;
    if (pid == 0) {
        /* The emulator does not need the shim the test process was started with. */
        unsetenv("LD_PRELOAD");
        int null = open("/dev/null", O_WRONLY);
        if (null < 0 || dup2(null, STDOUT_FILENO) < 0)
            _exit(127);
        char *args[] = {(char *)exe, "--link", c->link, "--control", c->control, "--out", c->out, "--baud", b,
                        png ? NULL : "--no-png", NULL};
        execv(exe, args);
        _exit(127);
    }
    c->pid = pid;
    for (int i = 0; i < 500; i++) {
        struct stat st;
        if (lstat(c->link, &st) == 0 && stat(c->control, &st) == 0)
            return 0;
        nanosleep(&(struct timespec){0, 10 * 1000000L}, NULL);
    }
    emuctl_stop(c);
    return -ETIMEDOUT;
}

int emuctl_cmd(emuctl *c, const char *cmd, char *reply, size_t cap)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    size_t len = strlen(c->control);
    if (len >= sizeof a.sun_path)
        return -ENAMETOOLONG;
    memcpy(a.sun_path, c->control, len + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0)
        return -errno;
    char line[128], buf[256];
    snprintf(line, sizeof line, "%s\n", cmd);
    size_t got = 0;
    int r = 0;
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 || write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
        r = -errno;
    } else {
        while (got < sizeof buf - 1 && (got == 0 || buf[got - 1] != '\n')) {
            ssize_t n = read(fd, buf + got, sizeof buf - 1 - got);
            if (n <= 0) {
                r = n < 0 ? -errno : -EPIPE;
                break;
            }
            got += (size_t)n;
        }
    }
    close(fd);
    buf[got] = 0;
    if (reply && cap)
        snprintf(reply, cap, "%s", buf);
    if (r == 0 && strncmp(buf, "err", 3) == 0)
        r = -EPROTO;
    return r;
}

long long emuctl_stat(emuctl *c, const char *key)
{
    char reply[256], pat[64];
    if (emuctl_cmd(c, "stats", reply, sizeof reply) != 0)
        return -1;
    snprintf(pat, sizeof pat, "%s=", key);
    const char *p = strstr(reply, pat);
    return p ? atoll(p + strlen(pat)) : -1;
}

void emuctl_stop(emuctl *c)
{
    if (c->pid <= 0)
        return;
    kill(c->pid, SIGTERM);
    waitpid(c->pid, NULL, 0);
    c->pid = 0;
}
