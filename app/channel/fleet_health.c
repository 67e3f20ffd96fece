#include "borne/fleet_health.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

#include "borne/config.h"

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
    return json_pack("{s:s, s:I, s:I, s:I, s:I, s:b, s:s, s:s, s:I}", "version", in->version, "config_version",
                     (json_int_t)in->config_version, "uptime_s", (json_int_t)in->uptime_s, "disk_free_bytes",
                     (json_int_t)free_b, "disk_total_bytes", (json_int_t)total, "clock_synced", in->clock_synced,
                     "printer", in->printer, "last_error", in->last_error, "upload_backlog",
                     (json_int_t)in->upload_backlog);
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
