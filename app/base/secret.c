/* Secret files. See borne/secret.h. */
#include "borne/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int refuse(int err, char *errbuf, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Sets errbuf, returns -err. */
static int refuse(int err, char *errbuf, size_t errlen, const char *fmt, ...)
{
    if (errbuf && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(errbuf, errlen, fmt, ap);
        va_end(ap);
    }
    return -err;
}

/* Opens path and checks the mode of what was opened (fstat, not stat: no swap in between).
 * Returns the descriptor or a negative errno. */
static int open_private(const char *path, char *errbuf, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return refuse(errno, errbuf, errlen, "secret file %s: %s", path, strerror(errno));
    struct stat st;
    int rc;
    if (fstat(fd, &st) != 0)
        rc = refuse(errno, errbuf, errlen, "secret file %s: %s", path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        rc = refuse(EINVAL, errbuf, errlen, "secret file %s: not a regular file", path);
    else if (st.st_mode & (S_IRWXG | S_IRWXO))
        rc = refuse(EPERM, errbuf, errlen, "secret file %s has mode %04o: it must be readable by its owner"
                    " only (chmod 600 %s)", path, (unsigned)(st.st_mode & 07777), path);
    else
        return fd;
    close(fd);
    return rc;
}

/* Length of the UTF-8 sequence at p (n bytes left) when it is a valid, non-control code point;
 * 0 otherwise. Overlong forms, surrogates and code points past U+10FFFF are invalid. */
static size_t printable_utf8(const unsigned char *p, size_t n)
{
    if (p[0] < 0x80)
        return p[0] >= 0x20 && p[0] != 0x7f ? 1 : 0;
    size_t len = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;
    if (len == 0 || p[0] > 0xf4 || len > n)
        return 0;
    uint32_t cp = p[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    static const uint32_t min_of_len[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_of_len[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return cp >= 0x80 && cp < 0xa0 ? 0 : len; /* C1 controls */
}

int secret_check(const char *where, const char *secret, char *errbuf, size_t errlen)
{
    const unsigned char *p = (const unsigned char *)secret;
    size_t n = strlen(secret), chars = 0;
    for (size_t i = 0; i < n; chars++) {
        size_t len = printable_utf8(p + i, n - i);
        if (len == 0)
            return refuse(EINVAL, errbuf, errlen, "secret in %s: byte %zu is a control character or not UTF-8"
                          " (one secret, on one line)", where, i + 1);
        i += len;
    }
    if (chars < SECRET_MIN)
        return refuse(EINVAL, errbuf, errlen, "secret in %s has %zu characters: a secret has at least %d",
                      where, chars, SECRET_MIN);
    return 0;
}

int secret_read_file(const char *path, char *out, size_t cap, char *errbuf, size_t errlen)
{
    if (cap)
        out[0] = '\0';
    int fd = open_private(path, errbuf, errlen);
    if (fd < 0)
        return fd;
    size_t n = 0;
    int rc = 0;
    while (rc == 0 && n < cap) {
        ssize_t r = read(fd, out + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            rc = refuse(errno, errbuf, errlen, "secret file %s: %s", path, strerror(errno));
        else if (r == 0)
            break;
        else
            n += (size_t)r;
    }
    close(fd);
    if (rc == 0 && n >= cap)
        rc = refuse(EINVAL, errbuf, errlen, "secret file %s: longer than %zu bytes", path, cap ? cap - 1 : 0);
    if (rc == 0) {
        if (n > 0 && out[n - 1] == '\n')
            n--;
        if (n > 0 && out[n - 1] == '\r')
            n--;
        out[n] = '\0';
        if (memchr(out, '\0', n))
            rc = refuse(EINVAL, errbuf, errlen, "secret in %s: byte %zu is a control character or not UTF-8"
                        " (one secret, on one line)", path, (size_t)((char *)memchr(out, '\0', n) - out) + 1);
        else
            rc = secret_check(path, out, errbuf, errlen);
    }
    if (rc != 0 && cap)
        memset(out, 0, cap);
    return rc;
}

FILE *secret_open_file(const char *path, char *errbuf, size_t errlen)
{
    int fd = open_private(path, errbuf, errlen);
    if (fd < 0) {
        errno = -fd;
        return NULL;
    }
    FILE *f = fdopen(fd, "r");
    if (!f) {
        int e = errno;
        refuse(e, errbuf, errlen, "secret file %s: %s", path, strerror(e));
        close(fd);
        errno = e;
    }
    return f;
}
