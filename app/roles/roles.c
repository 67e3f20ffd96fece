/* The table of roles (see include/borne/roles.h). */
#include "borne/roles.h"

#include <string.h>

#define BORNE_ROLE_ROW_(name) &role_##name,
static const shell_role *const rows[] = {BORNE_ROLES(BORNE_ROLE_ROW_)};
#undef BORNE_ROLE_ROW_

const shell_role *roles_find(const char *name)
{
    for (size_t i = 0; name && i < sizeof rows / sizeof rows[0]; i++)
        if (strcmp(rows[i]->name, name) == 0)
            return rows[i];
    return NULL;
}

const char *roles_hub_status(const client_view *v)
{
    return v->connected ? "serving, hub connected" : "serving, hub unreachable";
}
