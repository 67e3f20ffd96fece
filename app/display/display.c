/* The waiting-room display (see include/borne/display.h). */
#include "borne/display.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "borne/log.h"
#include "borne/shell.h"
#include "borne/ui_text.h"

BORNE_LOG_MODULE("display");

#define HIGHLIGHT_MS 3000

struct display_app {
    ui *ui;
    client *client;
    client_view view;
    uint64_t calls_done;          /* calls of the view already announced */
    int announced;
    char sentence[160];
    int64_t highlight_from_ms;    /* 0 = none */
    announce_sdl audio;           /* the device behind the SDL sink (dev 0 = none) */
    announce_sink sink;
    announcer *announcer;         /* NULL: silent display */
};

int display_create(display_app **out, SDL_Renderer *r, const display_options *o, char *errbuf,
                   size_t errlen)
{
    *out = NULL;
    display_app *a = calloc(1, sizeof *a);
    if (!a) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    shell_wake_type();
    ui_options uo = {.assets_dir = o->assets_dir ? o->assets_dir : "assets",
                     .width_mm = o->width_mm, .height_mm = o->height_mm, .readback = o->readback};
    if (ui_create(&a->ui, r, &uo, errbuf, errlen) != 0) {
        display_destroy(a);
        return -1;
    }
    if (o->sink) {
        a->sink = *o->sink;
    } else if (o->sound) {
        /* the device's own rate and channels (HDMI TVs often insist on 48 kHz stereo): the
         * sink converts the chime and the voice to them */
        SDL_AudioSpec want = {.freq = 22050, .format = AUDIO_S16SYS, .channels = 1,
                              .samples = 1024};
        a->audio.dev = SDL_OpenAudioDevice(NULL, 0, &want, &a->audio.have,
                                           SDL_AUDIO_ALLOW_FREQUENCY_CHANGE |
                                               SDL_AUDIO_ALLOW_CHANNELS_CHANGE);
        if (!a->audio.dev) {   /* a display without sound still shows the calls */
            log_warn("no audio: %s", SDL_GetError());
        } else {
            SDL_PauseAudioDevice(a->audio.dev, 0);
            a->sink = announce_sdl_sink(&a->audio);
        }
    }
    if (a->sink.play && !(a->announcer = announce_create(&a->sink, &o->announce))) {
        snprintf(errbuf, errlen, "announcements: out of memory or threads");
        display_destroy(a);
        return -1;
    }
    if (client_start(&a->client, o->hub_url, 0, NULL, &o->client, shell_wake, NULL, errbuf,
                     errlen) != 0) {
        display_destroy(a);
        return -1;
    }
    *out = a;
    return 0;
}

void display_destroy(display_app *a)
{
    if (!a)
        return;
    client_stop(a->client);
    announce_destroy(a->announcer);   /* before the device its sink plays on */
    if (a->audio.dev)
        SDL_CloseAudioDevice(a->audio.dev);
    ui_destroy(a->ui);
    free(a);
}

ui *display_get_ui(display_app *a)
{
    return a->ui;
}

void display_get_view(const display_app *a, client_view *out)
{
    *out = a->view;
}

int display_announced(const display_app *a)
{
    return a->announced;
}

const char *display_sentence(const display_app *a)
{
    return a->sentence;
}

static const char *counter_name(const client_view *v, int id)
{
    for (int i = 0; i < v->n_counters; i++)
        if (v->counters[i].id == id)
            return v->counters[i].name;
    return "un guichet";
}

static void announce(display_app *a, const client_call *c)
{
    const char *counter = counter_name(&a->view, c->counter_id);
    snprintf(a->sentence, sizeof a->sentence, "%s %s est attendu au %s",
             c->recall ? "Rappel : le numéro" : "Le numéro", c->label, counter);
    a->highlight_from_ms = (int64_t)SDL_GetTicks64();
    a->announced++;
    /* only queued here: the chime and the voice are made and played on the announcer's thread */
    if (a->announcer && announce_enqueue(a->announcer, c->label, counter, c->recall) != 0)
        log_warn("%s not spoken: the announcement queue is full (%d)", c->label, ANNOUNCE_QUEUE_MAX);
}

bool display_handle_event(display_app *a, const SDL_Event *e)
{
    if (e->type == SDL_WINDOWEVENT)
        return true;
    if (e->type != shell_wake_type())
        return false;
    client_get_view(a->client, &a->view);
    const client_view *v = &a->view;
    if (a->calls_done < v->n_calls_history)
        a->calls_done = v->n_calls_history;
    if (v->n_calls_total - a->calls_done > CLIENT_CALLS)   /* a burst: the newest ones */
        a->calls_done = v->n_calls_total - CLIENT_CALLS;
    while (a->calls_done < v->n_calls_total)
        announce(a, &v->calls[a->calls_done++ % CLIENT_CALLS]);
    return true;
}

bool display_animating(const display_app *a, int64_t now_ms)
{
    return a->highlight_from_ms && now_ms - a->highlight_from_ms < HIGHLIGHT_MS;
}

static void text(display_app *a, SDL_Rect box, const char *s, double cap_mm, bool bold,
                 SDL_Color fg, ui_align h)
{
    ui_text_style st = {.cap_mm = cap_mm, .min_cap_mm = cap_mm * 0.5, .bold = bold, .fg = fg,
                        .halign = h, .valign = UI_ALIGN_CENTER, .max_lines = 2};
    ui_text(a->ui, box, s, &st);
}

#define LONG_WAIT_MIN 120

/* What a service row says under its name: the estimate, or why there is none. */
static void wait_words(const client_service_view *s, char *out, size_t n)
{
    if (!s->waiting)
        snprintf(out, n, "personne");
    else if (!s->open_counters)
        snprintf(out, n, "aucun guichet ouvert");
    else if (s->wait_min_lo >= LONG_WAIT_MIN)   /* "1110 à 1115 min" tells a visitor nothing */
        snprintf(out, n, "attente de plus de %d h", LONG_WAIT_MIN / 60);
    else
        snprintf(out, n, "attente %d à %d min", s->wait_min_lo, s->wait_min_hi);
}

/* The rows of the side column at scale k (1 = full size): returns the height they take. */
typedef struct side_plan {
    double k;
    int n_calls;                /* previous calls shown */
    bool waiting_only;          /* services nobody waits for are left out */
} side_plan;

static bool shown(const client_service_view *s, const side_plan *p)
{
    return p->waiting_only ? s->waiting > 0 : s->walk_in || s->waiting > 0;
}

static int side_height(display_app *a, const side_plan *p, int width)
{
    ui *u = a->ui;
    const client_view *v = &a->view;
    int head = ui_line_height(u, 14 * p->k, true);
    int h = head + p->n_calls * ui_line_height(u, 20 * p->k, true) + head / 2 + head;
    for (int i = 0; i < v->n_services; i++) {
        if (!shown(&v->services[i], p))
            continue;
        int lines = ui_text_lines(u, v->services[i].label, width * 3 / 4, 12 * p->k, false);
        h += (lines < 1 ? 3 : lines) * ui_line_height(u, 12 * p->k, false) +
             ui_line_height(u, 9 * p->k, false) + ui_mm(u, 4 * p->k);
    }
    return h;
}

/* Shrinks the side column until it holds every row: first the type, down to half, then fewer
 * previous calls, then only the services somebody waits for. A TV has no scroll bar. */
static side_plan plan_side(display_app *a, SDL_Rect side)
{
    uint64_t calls = a->view.n_calls_total > 0 ? a->view.n_calls_total - 1 : 0;
    side_plan p = {.k = 1.0, .n_calls = calls < 4 ? (int)calls : 4};
    while (side_height(a, &p, side.w) > side.h) {
        if (p.k > 0.55)
            p.k -= 0.05;
        else if (p.n_calls > 2)
            p.n_calls--;
        else if (!p.waiting_only)
            p.waiting_only = true;
        else
            break;
    }
    return p;
}

int display_draw(display_app *a, int64_t now_ms)
{
    const ui_theme *th = ui_get_theme(a->ui);
    const client_view *v = &a->view;
    ui *u = a->ui;
    ui_begin_frame(u, th->page);
    int w = ui_width(u), h = ui_height(u);
    int pad = ui_mm(u, 15), band = ui_mm(u, 40);
    ui_fill(u, (SDL_Rect){0, 0, w, band}, th->band);
    text(a, (SDL_Rect){pad, 0, w - 2 * pad, band},
         v->connected || !v->have_state ? (v->antenne[0] ? v->antenne : "Borne")
                                        : "Connexion au hub perdue, reconnexion…",
         14, true, th->band_ink, UI_ALIGN_START);

    int left_w = (w - 3 * pad) * 58 / 100;
    SDL_Rect now = {pad, band + pad, left_w, h - band - 2 * pad};
    ui_fill_rounded(u, now, ui_mm(u, 8), th->panel);
    if (display_animating(a, now_ms)) {   /* a ring that thins out: never a blink */
        int64_t age = now_ms - a->highlight_from_ms;
        int ring = ui_mm(u, 12) * (int)(HIGHLIGHT_MS - age) / HIGHLIGHT_MS;
        ui_outline(u, now, ring > 1 ? ring : 1, th->focus);
    }
    const client_call *last = v->n_calls_total ? &v->calls[(v->n_calls_total - 1) % CLIENT_CALLS] : NULL;
    text(a, (SDL_Rect){now.x, now.y + now.h / 10, now.w, now.h / 8}, "Appel en cours", 14, false,
         th->muted, UI_ALIGN_CENTER);
    text(a, (SDL_Rect){now.x, now.y + now.h / 4, now.w, now.h * 2 / 5}, last ? last->label : "—",
         120, true, th->ink, UI_ALIGN_CENTER);
    text(a, (SDL_Rect){now.x, now.y + now.h * 13 / 20, now.w, now.h / 6},
         last ? counter_name(v, last->counter_id) : "", 35, true, th->ink, UI_ALIGN_CENTER);
    text(a, (SDL_Rect){now.x + pad / 2, now.y + now.h * 5 / 6, now.w - pad, now.h / 7}, a->sentence,
         12, false, th->ink, UI_ALIGN_CENTER);

    SDL_Rect side = {2 * pad + left_w, band + pad, w - left_w - 3 * pad, h - band - 2 * pad};
    side_plan p = plan_side(a, side);
    int head = ui_line_height(u, 14 * p.k, true), y = side.y;
    text(a, (SDL_Rect){side.x, y, side.w, head}, "Derniers appels", 14 * p.k, true, th->muted,
         UI_ALIGN_START);
    y += head;
    int call_h = ui_line_height(u, 20 * p.k, true);
    for (int k = 1; k <= p.n_calls; k++, y += call_h) {
        const client_call *c = &v->calls[(v->n_calls_total - 1 - (uint64_t)k) % CLIENT_CALLS];
        text(a, (SDL_Rect){side.x, y, side.w / 2, call_h}, c->label, 20 * p.k, true, th->ink,
             UI_ALIGN_START);
        text(a, (SDL_Rect){side.x + side.w / 2, y, side.w / 2, call_h}, counter_name(v, c->counter_id),
             14 * p.k, false, th->ink, UI_ALIGN_END);
    }
    y += head / 2;
    text(a, (SDL_Rect){side.x, y, side.w, head}, "En attente · personnes, attente estimée", 14 * p.k,
         true, th->muted, UI_ALIGN_START);
    y += head;
    int name_w = side.w * 3 / 4, line = ui_line_height(u, 12 * p.k, false);
    int sub = ui_line_height(u, 9 * p.k, false);
    for (int i = 0; i < v->n_services; i++) {
        const client_service_view *s = &v->services[i];
        if (!shown(s, &p))
            continue;
        int lines = ui_text_lines(u, s->label, name_w, 12 * p.k, false);
        int name_h = (lines < 1 ? 3 : lines) * line;
        char count[16], wait[48];
        snprintf(count, sizeof count, "%d", s->waiting);
        wait_words(s, wait, sizeof wait);
        text(a, (SDL_Rect){side.x, y, name_w, name_h}, s->label, 12 * p.k, false, th->ink,
             UI_ALIGN_START);
        text(a, (SDL_Rect){side.x + name_w, y, side.w - name_w, line}, count, 12 * p.k, true, th->ink,
             UI_ALIGN_END);
        text(a, (SDL_Rect){side.x, y + name_h, side.w, sub}, wait, 9 * p.k, false, th->ink,
             UI_ALIGN_START);
        y += name_h + sub + ui_mm(u, 4 * p.k);
    }
    return ui_end_frame(u);
}
