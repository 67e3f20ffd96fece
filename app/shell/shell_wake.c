/* Waking the shell's loop from other threads (see include/borne/shell.h). */
#include "borne/shell.h"

#include <SDL2/SDL.h>

static uint32_t wake_type;

uint32_t shell_wake_type(void)
{
    if (!wake_type)
        wake_type = SDL_RegisterEvents(1);
    return wake_type;
}

void shell_wake(void *ctx)
{
    (void)ctx;
    SDL_Event e = {.type = shell_wake_type()};
    SDL_PushEvent(&e);
}
