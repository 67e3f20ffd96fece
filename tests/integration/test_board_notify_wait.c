/* Helper of board/test/deb-install-test (not a test by itself): plays systemd's side of the
 * notify protocol for a binary started by hand in a chroot, where no systemd runs.
 *
 *   test_board_notify_wait <socket path> <message prefix> <timeout s>
 *
 * Binds a datagram socket at the path (world-writable, so the service user can send), prints
 * every message it receives on stdout, one per line with newlines shown as '|', and exits 0 at
 * the first message starting with the prefix, 1 on timeout, 2 on a usage or socket error. */
#include "borne/clock.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s <socket path> <message prefix> <timeout s>\n", argv[0]);
        return 2;
    }
    const char *path = argv[1], *prefix = argv[2];
    int64_t deadline = clock_mono_ms() + (int64_t)atoi(argv[3]) * 1000;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) {
        fprintf(stderr, "%s: path too long\n", path);
        return 2;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    unlink(path);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || chmod(path, 0666) != 0) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return 2;
    }
    int rc = 1;
    for (int64_t left; rc == 1 && (left = deadline - clock_mono_ms()) > 0;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        char buf[4096];
        ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
        if (n < 0) {
            fprintf(stderr, "recv: %s\n", strerror(errno));
            rc = 2;
            break;
        }
        buf[n] = '\0';
        bool match = strncmp(buf, prefix, strlen(prefix)) == 0;
        for (char *c = buf; *c; c++)
            if (*c == '\n')
                *c = '|';
        printf("%s\n", buf);
        fflush(stdout);
        if (match)
            rc = 0;
    }
    close(fd);
    unlink(path);
    return rc;
}
