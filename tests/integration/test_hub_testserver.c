/* hub_testserver: the hub fixture as a process, for the tests written in JavaScript (headless
 * Chromium). Starts a fresh antenne with the real clock on a free loopback port, prints
 * "PORT <n>", then answers one line per command read on stdin:
 *   ticket <id>        → "TICKET <id> <label> <state> <counter>", read from the engine
 *   waiting            → "WAITING <n>": tickets of the day still waiting or called
 *   printer <word> <0|1> → the kiosk's printer state as the hub hears it (hub_set_printer) → "OK"
 *   checkin <code>     → checks the appointment in as the kiosk would → "CHECKIN <id> <label>"
 *   appliance <id>     → starts the desk appliance of counter <id> offscreen (SDL dummy
 *                        video; run with SDL_VIDEODRIVER=dummy) → "OK" once it has the state
 *   tap <label>        → taps that button of the appliance and waits for the answer
 *                        → "OK <ticket label or -> <message>" or "ERROR no button <label>"
 *   quit (or EOF)      → stops everything and exits 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "borne/appliance.h"
#include "test_hub_support.h"

static th_fixture F;

typedef struct desk {
    bool sdl;
    SDL_Window *win;
    SDL_Renderer *r;
    appliance *app;
} desk;

static const char *token_of(int id)
{
    return id == 1 ? TH_TOKEN1 : id == 2 ? TH_TOKEN2 : id == 3 ? TH_TOKEN3 : "none";
}

/* Handles the appliance's events until `done` holds (or 5 s), then draws a frame. */
static void pump(desk *a, bool (*done)(const client_view *))
{
    int64_t until = th_usec() + 5000000;
    client_view v;
    do {
        SDL_Event e;
        if (SDL_WaitEventTimeout(&e, 10))
            appliance_handle_event(a->app, &e);
        appliance_get_view(a->app, &v);
    } while (!done(&v) && th_usec() < until);
    appliance_draw(a->app, (int64_t)time(NULL));
}

static bool ready(const client_view *v) { return v->have_state && v->connected && !v->busy; }

static const char *start_appliance(desk *a, int id)
{
    if (a->app)
        return "ERROR already started";
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0)
        return "ERROR SDL_Init";
    a->sdl = true;
    a->win = SDL_CreateWindow("counter", 0, 0, 1024, 600, 0);
    a->r = a->win ? SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE) : NULL;
    char url[64], err[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", F.port);
    appliance_options o = {.assets_dir = getenv("BORNE_ASSETS"), .hub_url = url, .counter_id = id,
                           .token = token_of(id), .width_mm = 217, .height_mm = 136,
                           .client = {.retry_ms = 200}};
    if (!a->r || appliance_create(&a->app, a->r, &o, err, sizeof err) != 0) {
        fprintf(stderr, "hub_testserver: appliance: %s\n", a->r ? err : SDL_GetError());
        return "ERROR appliance";
    }
    pump(a, ready);
    return "OK";
}

static void tap(desk *a, const char *label)
{
    if (!a->app) {
        printf("ERROR no appliance\n");
        return;
    }
    pump(a, ready);
    ui_report rep = ui_get_report(appliance_get_ui(a->app));
    for (int i = 0; i < rep.n_targets; i++) {
        if (strcmp(rep.targets[i].label, label) != 0)
            continue;
        SDL_Event e = {0};
        e.button.type = SDL_MOUSEBUTTONDOWN;
        e.button.button = SDL_BUTTON_LEFT;
        e.button.x = rep.targets[i].rect.x + rep.targets[i].rect.w / 2;
        e.button.y = rep.targets[i].rect.y + rep.targets[i].rect.h / 2;
        appliance_handle_event(a->app, &e);
        e.button.type = SDL_MOUSEBUTTONUP;
        appliance_handle_event(a->app, &e);
        pump(a, ready);
        client_view v;
        appliance_get_view(a->app, &v);
        printf("OK %s %s\n", v.has_ticket ? v.ticket.label : "-", v.message);
        return;
    }
    printf("ERROR no button %s\n", label);
}

static int count_open(const queue_ticket *t, void *ctx)
{
    (void)t;
    (*(int *)ctx)++;
    return 0;
}

/* Contacts by channel over every bucket of today (the desk's "Autres contacts" taps). */
static int add_contacts(const queue_bucket *b, void *ctx)
{
    int *n = ctx;
    for (int i = 0; i < CONTRACT_CHANNELS_N; i++)
        n[i] += b->channels[i];
    return 0;
}

int main(void)
{
    th_start(&F, "hub_testserver", true);
    printf("PORT %d\n", F.port);
    fflush(stdout);
    desk a = {0};
    char line[256];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\r\n")] = '\0';
        long long id;
        int n;
        if (sscanf(line, "ticket %lld", &id) == 1) {
            queue_ticket t;
            int rc = queue_get_ticket(F.q, id, &t);
            if (rc == QUEUE_OK)
                printf("TICKET %lld %s %s %d\n", id, t.label, queue_state_name(t.state), t.counter_id);
            else
                printf("ERROR %s\n", queue_strerror(rc));
        } else if (sscanf(line, "outcome %lld", &id) == 1) {
            queue_ticket t;
            int rc = queue_get_ticket(F.q, id, &t);
            const char *word = contract_outcome_word((int)t.outcome);
            if (rc == QUEUE_OK)
                printf("OUTCOME %s %s\n", word ? word : "-", t.partner[0] ? t.partner : "-");
            else
                printf("ERROR %s\n", queue_strerror(rc));
        } else if (strcmp(line, "contacts") == 0) {
            int per_channel[CONTRACT_CHANNELS_N] = {0};
            char day[11];
            time_t now = (time_t)th_now(&F);
            struct tm tm;
            strftime(day, sizeof day, "%Y-%m-%d", localtime_r(&now, &tm));
            int rc = queue_aggregates(F.q, day, day, add_contacts, per_channel);
            if (rc == QUEUE_OK)
                printf("CONTACTS phone %d email %d\n", per_channel[CONTRACT_CHANNEL_PHONE - 1],
                       per_channel[CONTRACT_CHANNEL_EMAIL - 1]);
            else
                printf("ERROR %s\n", queue_strerror(rc));
        } else if (strncmp(line, "checkin ", 8) == 0) {
            queue_issued is;
            int rc = queue_check_in(F.q, th_now(&F), line + 8, &is);
            if (rc == QUEUE_OK)
                printf("CHECKIN %lld %s\n", (long long)is.ticket.id, is.ticket.label);
            else
                printf("ERROR %s\n", queue_strerror(rc));
        } else if (strncmp(line, "printer ", 8) == 0) {
            char word[16];
            int can_print;
            if (sscanf(line + 8, "%15s %d", word, &can_print) == 2) {
                hub_set_printer(F.hub, word, can_print != 0);
                printf("OK\n");
            } else {
                printf("ERROR printer <state> <0|1>\n");
            }
        } else if (strcmp(line, "agent") == 0) {
            /* what the kiosk role's hook calls when a visitor taps "Parler à un agent" */
            hub_request_agent(F.hub);
            printf("OK\n");
        } else if (strcmp(line, "waiting") == 0) {
            int count = 0;
            queue_list_tickets(F.q, th_now(&F), 1u << QUEUE_WAITING | 1u << QUEUE_CALLED,
                               count_open, &count);
            printf("WAITING %d\n", count);
        } else if (sscanf(line, "appliance %d", &n) == 1) {
            printf("%s\n", start_appliance(&a, n));
        } else if (strncmp(line, "tap ", 4) == 0) {
            tap(&a, line + 4);
        } else if (strcmp(line, "quit") == 0) {
            break;
        } else {
            printf("ERROR unknown command\n");
        }
        fflush(stdout);
    }
    appliance_destroy(a.app);
    if (a.r)
        SDL_DestroyRenderer(a.r);
    if (a.win)
        SDL_DestroyWindow(a.win);
    if (a.sdl)
        SDL_Quit();
    th_stop(&F);
    return 0;
}
