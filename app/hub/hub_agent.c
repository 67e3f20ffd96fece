/* "Speak to an agent": a visitor who rated the visit rain or storm asks at the kiosk, every desk
 * sees it in the state ("agent_request") and any desk dismisses it. The kiosk knows nobody's
 * name, so the request carries only when it was made. Guarded by printer_mu with the kiosk's
 * other words; a change republishes the state on every stream, as the printer's does. */
#include "hub_internal.h"

#include <stdio.h>

json_t *hub_agent_json(hub *h)
{
    pthread_mutex_lock(&h->printer_mu);
    json_t *a = h->agent_id ? json_pack("{s:I, s:I}", "id", (json_int_t)h->agent_id, "at", (json_int_t)h->agent_at)
                            : json_null();
    pthread_mutex_unlock(&h->printer_mu);
    return a;
}

void hub_request_agent(hub *h)
{
    int64_t now = hub_now(h);
    pthread_mutex_lock(&h->printer_mu);
    /* Ids grow, across restarts too (from the clock): a desk dismisses the request it saw,
     * never a newer one. The time is the first unanswered request's, the longest anyone has
     * waited. */
    bool fresh = h->agent_id == 0;
    if (fresh) {
        h->agent_last = h->agent_last + 1 > now ? h->agent_last + 1 : now;
        h->agent_id = h->agent_last;
        h->agent_at = now;
    }
    pthread_mutex_unlock(&h->printer_mu);
    if (fresh)
        hub_sse_republish(h);
}

enum MHD_Result hub_agent_dismiss(hub *h, struct MHD_Connection *conn, const hub_route *r)
{
    if (!hub_token_owner(h, conn))
        return hub_send_error(conn, 401, "unauthorized", "missing or unknown counter token");
    pthread_mutex_lock(&h->printer_mu);
    bool current = h->agent_id == r->alarm_id;
    if (current)
        h->agent_id = h->agent_at = 0;
    pthread_mutex_unlock(&h->printer_mu);
    if (current)
        hub_sse_republish(h);
    /* Already dismissed by another desk: done all the same. */
    return hub_send_json(conn, 200, "{\"done\":true}", false);
}
