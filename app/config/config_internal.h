/* Private to app/config: the INI handlers, reused for the business documents from headquarters
 * (config_business.c), so one validator judges both. */
#ifndef BORNE_CONFIG_INTERNAL_H
#define BORNE_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "borne/config.h"

typedef struct parse_ctx parse_ctx;

/* A context starting from `start` with its business settings (services, hours, closures,
 * messages, partners, waiting target) emptied; NULL when out of memory. */
parse_ctx *config_ctx_new(const borne_config *start);
/* One key as if read from the INI file; false once an error is recorded (config_ctx_error). */
bool config_ctx_entry(parse_ctx *ctx, const char *section, const char *name, const char *value);
const char *config_ctx_error(const parse_ctx *ctx);
/* The whole-file checks; 0 and *out filled, or -EINVAL with the reason in errbuf. */
int config_ctx_finish(parse_ctx *ctx, borne_config *out, char *errbuf, size_t errlen);
void config_ctx_free(parse_ctx *ctx);

#endif
