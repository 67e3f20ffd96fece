#include <string.h>

#include "borne/channel.h"

bool channel_type_valid(const char *t)
{
    size_t n = t ? strlen(t) : 0;
    if (n == 0 || n > CHANNEL_TYPE_MAX || !(t[0] >= 'a' && t[0] <= 'z'))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= '0' && t[i] <= '9') || t[i] == '_'))
            return false;
    return true;
}
