/* The application shell: the one SDL loop every screen role of a board runs in.
 *
 * Waking the loop from another thread: shell_wake() pushes one SDL event of shell_wake_type()
 * (thread-safe, never blocks); a role's handle_event sees it and reads what changed. The LAN
 * client's notify callback is shell_wake. */
#ifndef BORNE_SHELL_H
#define BORNE_SHELL_H

#include <stdint.h>

/* The SDL event type of shell_wake(), registered on first use (call it once on the SDL thread
 * after SDL_Init, before any thread may wake). */
uint32_t shell_wake_type(void);
/* Pushes one shell_wake_type() event; ctx is unused (the client_notify_fn signature). */
void shell_wake(void *ctx);

#endif
