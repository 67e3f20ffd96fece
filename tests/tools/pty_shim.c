/* LD_PRELOAD shim, tests and demo only: lets Debian's libserialport 0.1.1 open a pty slave
 * (/dev/pts/N) so the real library code talks to the printer emulator. It fakes exactly the
 * two things a pty lacks, and only for ptys:
 *  1. sysfs: sp_get_port_by_name() lstat()s /sys/class/tty/pts/N and readlink()s it (a real
 *     tty has a symlink there; a pty has none). We answer "a link" and give a target without
 *     "usb"/"bluetooth", so the port is treated as a plain native serial port.
 *  2. modem lines: sp_open()/sp_set_config() use TIOCMGET/TIOCMSET/TIOCMBIS/TIOCMBIC, which a
 *     pty rejects with ENOTTY/EINVAL. We keep DTR/RTS per fd and report CTS, DSR and DCD up
 *     (a printer that is on and ready).
 * Everything else goes to the real libc. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define SYS_PTS "/sys/class/tty/pts/"

/* glibc < 2.33 builds of libserialport (Debian 12's included) call __lxstat, not lstat. */
int __lxstat(int ver, const char *path, struct stat *st);

static bool is_sys_pts(const char *path)
{
    if (!path || strncmp(path, SYS_PTS, strlen(SYS_PTS)) != 0)
        return false;
    const char *n = path + strlen(SYS_PTS);
    if (!*n)
        return false;
    for (; *n; n++)
        if (*n < '0' || *n > '9')
            return false;
    return true;
}

static void fake_link_stat(struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFLNK | 0777;
    st->st_nlink = 1;
}

int __lxstat(int ver, const char *path, struct stat *st)
{
    if (is_sys_pts(path)) {
        fake_link_stat(st);
        return 0;
    }
    int (*real)(int, const char *, struct stat *) = (int (*)(int, const char *, struct stat *))dlsym(RTLD_NEXT, "__lxstat");
    if (!real) {
        errno = ENOSYS;
        return -1;
    }
    return real(ver, path, st);
}

int lstat(const char *path, struct stat *st)
{
    if (is_sys_pts(path)) {
        fake_link_stat(st);
        return 0;
    }
    int (*real)(const char *, struct stat *) = (int (*)(const char *, struct stat *))dlsym(RTLD_NEXT, "lstat");
    if (!real) {
        errno = ENOSYS;
        return -1;
    }
    return real(path, st);
}

ssize_t readlink(const char *path, char *buf, size_t cap)
{
    if (is_sys_pts(path)) {
        char target[128];
        int n = snprintf(target, sizeof target, "../../devices/borne-pty-shim/tty/pts%s", path + strlen(SYS_PTS));
        size_t len = (size_t)n < cap ? (size_t)n : cap;
        memcpy(buf, target, len);  /* readlink() does not terminate either */
        return (ssize_t)len;
    }
    ssize_t (*real)(const char *, char *, size_t) = (ssize_t (*)(const char *, char *, size_t))dlsym(RTLD_NEXT, "readlink");
    if (!real) {
        errno = ENOSYS;
        return -1;
    }
    return real(path, buf, cap);
}

static bool is_pts_fd(int fd)
{
    struct stat st;
    /* Unix98 pty slaves: majors 136..143. */
    return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) >= 136 && major(st.st_rdev) <= 143;
}

enum { MAX_FD = 4096 };
static int lines[MAX_FD];  /* DTR/RTS as set by the program, per fd */

int ioctl(int fd, unsigned long req, ...)
{
    va_list ap;
    va_start(ap, req);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    bool modem = req == TIOCMGET || req == TIOCMSET || req == TIOCMBIS || req == TIOCMBIC;
    if (modem && fd >= 0 && fd < MAX_FD && arg && is_pts_fd(fd)) {
        int *bits = arg;
        const int settable = TIOCM_DTR | TIOCM_RTS;
        switch (req) {
        case TIOCMGET:
            *bits = (lines[fd] & settable) | TIOCM_CTS | TIOCM_DSR | TIOCM_CAR;
            break;
        case TIOCMSET:
            lines[fd] = *bits & settable;
            break;
        case TIOCMBIS:
            lines[fd] |= *bits & settable;
            break;
        default:
            lines[fd] &= ~(*bits & settable);
            break;
        }
        return 0;
    }
    int (*real)(int, unsigned long, ...) = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
    if (!real) {
        errno = ENOSYS;
        return -1;
    }
    return real(fd, req, arg);
}
