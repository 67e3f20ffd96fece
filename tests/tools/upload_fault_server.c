/* upload_fault_server: a fault-injecting HTTP proxy for the upload tests.
 *
 *   upload_fault_server --port-file FILE --upstream-port N --log FILE --script MODE[,MODE...]
 *
 * Listens on 127.0.0.1 (a free port, written to FILE once listening). Each request takes the next
 * mode of the script; once the script is used up every request is `pass`:
 *   pass     forward to 127.0.0.1:<upstream> (the real collector) and relay its answer
 *   500      answer 500 with a JSON error
 *   503:N    answer 503 with Retry-After: N      429:N  the same with 429
 *   401      answer 401 unauthorized
 *   slow:N   read the request, say nothing for N seconds, close
 *   reset    read the headers and half the body, then reset the connection (RST)
 *   lost     forward to the collector (which stores the batch), then reset instead of answering
 * It also works as the HTTP proxy of the board (absolute URLs in the request line are forwarded to
 * the collector as paths). One line per request goes to the log: "<mode> <batch uuid>\n".
 * One connection at a time; every answer closes the connection. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define REQ_MAX (8 << 20)

static int upstream_port;

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void reset_close(int fd)
{
    struct linger l = { .l_onoff = 1, .l_linger = 0 };
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(fd);
}

/* Reads headers, then up to `body_want` bytes of body (-1 = all of Content-Length). Returns the
 * bytes held in buf, with *head_len and *body_len set; -1 on a broken request. */
static ssize_t read_request(int fd, char *buf, size_t cap, size_t *head_len, size_t *body_len, long body_want)
{
    size_t n = 0;
    char *end = NULL;
    while (!end) {
        if (n == cap)
            return -1;
        ssize_t r = read(fd, buf + n, cap - n);
        if (r <= 0)
            return -1;
        n += (size_t)r;
        buf[n] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    *head_len = (size_t)(end + 4 - buf);
    size_t content_length = 0;
    for (char *line = strstr(buf, "\r\n"); line && line < end; line = strstr(line + 2, "\r\n")) {
        if (strncasecmp(line + 2, "Content-Length:", 15) == 0)
            content_length = strtoul(line + 17, NULL, 10);
    }
    size_t want = body_want < 0 ? content_length : content_length / 2;
    while (n - *head_len < want) {
        if (n == cap)
            return -1;
        ssize_t r = read(fd, buf + n, cap - n);
        if (r <= 0)
            return -1;
        n += (size_t)r;
    }
    buf[n] = '\0';
    *body_len = n - *head_len;
    return (ssize_t)n;
}

/* A request sent to a proxy names the absolute URL ("POST http://host/path"); the collector
 * wants the path only. Rewrites the request line in place; returns the bytes removed. */
static size_t origin_form(char *req, size_t len)
{
    char *target = strchr(req, ' ');
    if (!target || strncmp(target + 1, "http://", 7) != 0)
        return 0;
    char *path = strchr(target + 8, '/');
    if (!path)
        return 0;
    size_t cut = (size_t)(path - (target + 1));
    memmove(target + 1, path, len - (size_t)(path - req) + 1);
    return cut;
}

static void batch_of(const char *body, char out[37])
{
    const char *p = strstr(body, "\"batch\":\"");
    snprintf(out, 37, "%s", p ? p + 9 : "-");
}

/* Sends the request upstream with "Connection: close" and relays nothing: returns the answer. */
static char *forward(const char *req, size_t head_len, size_t body_len, size_t *answer_len)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)upstream_port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    const char extra[] = "Connection: close\r\n\r\n";
    if (write_all(fd, req, head_len - 2) != 0 || write_all(fd, extra, sizeof extra - 1) != 0 ||
        write_all(fd, req + head_len, body_len) != 0) {
        close(fd);
        return NULL;
    }
    size_t cap = 65536, n = 0;
    char *ans = malloc(cap);
    ssize_t r;
    while (ans && (r = read(fd, ans + n, cap - n)) > 0) {
        n += (size_t)r;
        if (n == cap)
            ans = realloc(ans, cap *= 2);
    }
    close(fd);
    *answer_len = n;
    return ans;
}

static void answer(int fd, int status, const char *reason, const char *extra_header, const char *body)
{
    char head[512];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n%sContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n",
                     status, reason, extra_header, strlen(body));
    write_all(fd, head, (size_t)n);
    write_all(fd, body, strlen(body));
}

int main(int argc, char **argv)
{
    const char *port_file = NULL, *log_path = NULL, *script = "";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--port-file") == 0)
            port_file = argv[i + 1];
        else if (strcmp(argv[i], "--upstream-port") == 0)
            upstream_port = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--log") == 0)
            log_path = argv[i + 1];
        else if (strcmp(argv[i], "--script") == 0)
            script = argv[i + 1];
    }
    if (!port_file || !log_path || !upstream_port) {
        fprintf(stderr, "usage: upload_fault_server --port-file F --upstream-port N --log F --script M,...\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    if (bind(ls, (struct sockaddr *)&a, sizeof a) != 0 || listen(ls, 16) != 0 ||
        getsockname(ls, (struct sockaddr *)&a, &alen) != 0) {
        perror("upload_fault_server: listen");
        return 1;
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
    FILE *pf = fopen(tmp, "w");
    if (!pf || fprintf(pf, "%d\n", ntohs(a.sin_port)) < 0 || fclose(pf) != 0 || rename(tmp, port_file) != 0) {
        perror("upload_fault_server: port file");
        return 1;
    }
    char *modes = strdup(script);
    char *save = NULL;
    char *mode = strtok_r(modes, ",", &save);
    char *req = malloc(REQ_MAX + 1);
    for (;;) {
        int fd = accept(ls, NULL, NULL);
        if (fd < 0)
            continue;
        const char *m = mode ? mode : "pass";
        long arg = 0;
        const char *colon = strchr(m, ':');
        if (colon)
            arg = atol(colon + 1);
        size_t head_len = 0, body_len = 0;
        ssize_t n = read_request(fd, req, REQ_MAX, &head_len, &body_len, strcmp(m, "reset") == 0 ? 1 : -1);
        if (n < 0) {
            close(fd);
            continue;
        }
        size_t cut = origin_form(req, (size_t)n);
        head_len -= cut;
        char batch[37];
        batch_of(req + head_len, batch);
        FILE *log = fopen(log_path, "a");
        if (log) {
            fprintf(log, "%.*s %s\n", (int)(colon ? colon - m : (long)strlen(m)), m, batch);
            fclose(log);
        }
        if (mode)
            mode = strtok_r(NULL, ",", &save);
        if (strcmp(m, "reset") == 0) {
            reset_close(fd);
        } else if (strncmp(m, "slow", 4) == 0) {
            sleep((unsigned)arg);
            close(fd);
        } else if (strcmp(m, "500") == 0) {
            answer(fd, 500, "Internal Server Error", "", "{\"error\":\"internal\",\"message\":\"injected\"}");
            close(fd);
        } else if (strcmp(m, "401") == 0) {
            answer(fd, 401, "Unauthorized", "", "{\"error\":\"unauthorized\",\"message\":\"injected\"}");
            close(fd);
        } else if (strncmp(m, "503", 3) == 0 || strncmp(m, "429", 3) == 0) {
            char h[64];
            snprintf(h, sizeof h, "Retry-After: %ld\r\n", arg);
            answer(fd, atoi(m), m[0] == '5' ? "Service Unavailable" : "Too Many Requests", h,
                   "{\"error\":\"busy\",\"message\":\"injected\"}");
            close(fd);
        } else {
            size_t alen2 = 0;
            char *ans = forward(req, head_len, body_len, &alen2);
            if (!ans || strcmp(m, "lost") == 0)
                reset_close(fd);
            else {
                write_all(fd, ans, alen2);
                close(fd);
            }
            free(ans);
        }
    }
}
