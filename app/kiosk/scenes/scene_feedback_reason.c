/* After a rain or storm rating: why, in one optional tap (the contract's reasons: attente,
 * accueil, réponse obtenue, locaux, autre), or skip. Counted with the rating per bucket. Or
 * "parler à un agent": every desk sees that a visitor at the kiosk wants to speak to someone. */
#include "../kiosk_choices.h"

#include <stdio.h>
#include <string.h>

#define REASON_KEY_(N, v, word, ...) [v] = "reason." word,
static const char *const reason_keys[CONTRACT_REASONS_N + 1] = {CONTRACT_REASONS(REASON_KEY_)};
#undef REASON_KEY_

/* "Speak to an agent" first (where desks can hear it): a visitor who needs someone must not have
 * to find it on a second page of a 7" screen. Then the reasons in the contract's order. */
static int reason_choices(const kiosk *k, kl_choice *c)
{
    int n = 0;
    if (k->ask_agent)
        c[n++] = (kl_choice){T_AGENT, kiosk_tr(k, "reason.agent"), UI_ICON_NONE, UI_BUTTON_PRIMARY};
    for (int r = 1; r <= CONTRACT_REASONS_N; r++)
        c[n++] = (kl_choice){T_REASON + r, kiosk_tr(k, reason_keys[r]), UI_ICON_NONE, UI_BUTTON_SECONDARY};
    return n;
}

static void draw_feedback_reason(const kiosk_layout *l)
{
    const kiosk *k = l->k;
    SDL_Rect a = kl_title_row(l, T_DONE, "reason.skip", UI_ICON_BACK, kiosk_tr(k, "reason.title"));
    kl_choice c[CONTRACT_REASONS_N + 1];
    int n = reason_choices(k, c);
    kl_choices(l, a, c, n, l->portrait ? 1 : 3);
}

static bool on_event(kiosk *k, const kiosk_scene_event *e)
{
    if (e->kind != KIOSK_EV_TARGET)
        return false;
    if (e->target > T_REASON && e->target <= T_REASON + CONTRACT_REASONS_N) {
        k->fb_reason = e->target - T_REASON;
    } else if (e->target == T_AGENT && k->ask_agent) {
        /* Every desk is told; nobody's identity goes with it (the kiosk has none). */
        k->ask_agent(k->ask_agent_ctx);
        k->agent_asked = true;
    } else if (e->target != T_DONE)
        return false;
    kiosk_scene_replace(k, KIOSK_THANKS);
    return true;
}

static void describe(kiosk *k, kiosk_spoken *d)
{
    kiosk_say_title(d, kiosk_tr(k, "reason.title"));
    kiosk_say_choice(d, T_DONE, kiosk_tr(k, "reason.skip"), kiosk_key_words(k, "back"));
    kl_choice c[CONTRACT_REASONS_N + 1];
    int n = reason_choices(k, c);
    kiosk_say_choices(k, d, c, n);
}

/* Back skips the question: the rating is kept, with no reason. */
const kiosk_scene kiosk_scene_feedback_reason = {
    .on_event = on_event, .draw = draw_feedback_reason, .describe = describe, .back = KIOSK_THANKS,
    .flags = KIOSK_SCENE_TIMED,
};
