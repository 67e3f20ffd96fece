/* The screen roles of the `borne` program as rows of the application shell (borne/shell.h):
 * the entrance kiosk, the desk appliance ("counter": one desk's screen) and the waiting-room
 * display. Adding a role is one file (app/roles/role_<name>.c defining role_<name>) and one
 * row below. */
#ifndef BORNE_ROLES_H
#define BORNE_ROLES_H

#include "borne/client.h"
#include "borne/config.h"
#include "borne/shell.h"

/* The rows, by the name --role and [device] role use. */
#define BORNE_ROLES(X) \
    X(kiosk)           \
    X(counter)         \
    X(display)

#define BORNE_ROLE_DECLARE_(name) extern const shell_role role_##name;
BORNE_ROLES(BORNE_ROLE_DECLARE_)
#undef BORNE_ROLE_DECLARE_

/* What every role is created with: shell_env.ctx points to one. Borrowed for the role's life. */
typedef struct roles_ctx {
    const borne_config *cfg;     /* loaded, with the command line's overrides applied */
    const char *assets_dir;      /* fonts/, i18n/, web/ */
    const char *version;         /* for the HQ health record */
} roles_ctx;

/* The row named `name`, or NULL. */
const shell_role *roles_find(const char *name);

/* The STATUS= line of a client of the hub (the appliances): whether it reaches the hub. */
const char *roles_hub_status(const client_view *v);

#endif
