#include "borne/fleet_health.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "borne/config.h"
#include "borne/log.h"
#include "borne/utf8.h"

BORNE_LOG_MODULE("health");

/* borne-update's status file as {"result", "installed", "at", "message"}; NULL when it cannot be
 * read (not installed from the repository yet, or no run so far). Unknown lines are ignored: the
 * script may say more than HQ reads. */
static json_t *update_status(const char *path)
{
    static const char *const keys[] = {"result", "installed", "at", "message"};
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno != ENOENT)
            log_warn("%s: %s", path, strerror(errno));
        return NULL;
    }
    json_t *out = json_object();
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while (out && (len = getline(&line, &cap, f)) >= 0) {
        line[strcspn(line, "\n")] = '\0';
        char *eq = strchr(line, '=');
        if (!eq)
            continue;
        *eq = '\0';
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
            if (strcmp(line, keys[i]) != 0)
                continue;
            char *clean = utf8_repair(eq + 1, 0);
            if (clean) {
                /* Cut on a character boundary (repair may have made it longer). */
                if (strlen(clean) > FLEET_UPDATE_TEXT_MAX) {
                    size_t n = FLEET_UPDATE_TEXT_MAX;
                    while (((unsigned char)clean[n] & 0xC0) == 0x80)
                        n--;
                    clean[n] = '\0';
                }
                json_object_set_new(out, keys[i], json_string(clean));
            }
            free(clean);
        }
    }
    free(line);
    fclose(f);
    return out;
}

json_t *fleet_health_report(const fleet_health_input *in)
{
    char dir[CONFIG_PATH_MAX];
    snprintf(dir, sizeof dir, "%s", in->store_path);
    struct statvfs vfs;
    unsigned long long free_b = 0, total = 0;
    if (statvfs(dirname(dir), &vfs) == 0) {
        free_b = (unsigned long long)vfs.f_bavail * vfs.f_frsize;
        total = (unsigned long long)vfs.f_blocks * vfs.f_frsize;
    }
    json_t *report = json_pack("{s:s, s:I, s:I, s:I, s:I, s:b, s:s, s:s, s:I}", "version", in->version, "config_version",
                     (json_int_t)in->config_version, "uptime_s", (json_int_t)in->uptime_s, "disk_free_bytes",
                     (json_int_t)free_b, "disk_total_bytes", (json_int_t)total, "clock_synced", in->clock_synced,
                     "printer", in->printer, "last_error", in->last_error, "upload_backlog",
                     (json_int_t)in->upload_backlog);
    json_t *update = report && in->update_status_path ? update_status(in->update_status_path) : NULL;
    if (update)
        json_object_set_new(report, "update", update);
    return report;
}

int fleet_health_send(channel *ch, const fleet_health_input *in, int64_t now)
{
    json_t *report = fleet_health_report(in);
    if (!report)
        return -ENOMEM;
    char key[40];
    snprintf(key, sizeof key, "health-%lld", (long long)now);
    int rc = channel_send(ch, "health", key, now, report, NULL, NULL);
    json_decref(report);
    return rc;
}
