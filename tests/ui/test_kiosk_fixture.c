#include "test_kiosk_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testlib.h"

const fixture_screen fixture_screens[3] = {
    {"7in-800x480", 800, 480, 155.0, 86.0},
    {"10in-1280x800", 1280, 800, 217.0, 136.0},
    {"24in-portrait-1080x1920", 1080, 1920, 300.0, 530.0},
};

/* The 7" boards' other panel (1024x600 on the same 154x86 mm glass). */
const fixture_screen fixture_screen_1024 = {"7in-1024x600", 1024, 600, 154.0, 86.0};

int64_t fixture_kiosk_clock(void *ctx)
{
    return ((fixture *)ctx)->now_ms;
}

int64_t fixture_open_time_ms(void)
{
    return testlib_local_time(2026, 11, 23, 10, 0, 0) * 1000;
}

static void demo_setup(borne_config *c)
{
    config_defaults(c);
    snprintf(c->antenne.id, sizeof c->antenne.id, "fourmies");
    snprintf(c->antenne.name, sizeof c->antenne.name, "Antenne de Fourmies");
    snprintf(c->antenne.message_fr, sizeof c->antenne.message_fr, "Merci de patienter, nous vous appelons.");
    snprintf(c->antenne.message_en, sizeof c->antenne.message_en, "Please wait, we will call you.");
    static const struct { char letter; const char *fr, *en; } svc[] = {
        {'A', "Aides individuelles", "Individual grants"},
        {'F', "Formation & emploi", "Training & jobs"},
        {'P', "Orientation & apprentissage", "Guidance & apprenticeship"},
        {'E', "Entreprises & associations", "Businesses & associations"},
        {'D', "Information / autre demande", "Information / other"},
    };
    queue_setup *s = &c->setup;
    s->n_services = 5;
    for (int i = 0; i < 5; i++) {
        s->services[i].letter = svc[i].letter;
        snprintf(s->services[i].label_fr, QUEUE_LABEL_MAX, "%s", svc[i].fr);
        snprintf(s->services[i].label_en, QUEUE_LABEL_MAX, "%s", svc[i].en);
        s->services[i].enabled = true;
        s->services[i].order = i;
    }
    s->n_counters = 2;
    s->counters[0] = (queue_counter_def){1, "Guichet 1", "AFPD"};
    s->counters[1] = (queue_counter_def){2, "Guichet 2", "AFED"};
    for (int d = 0; d < 5; d++) {
        s->week[d].n = 2;
        s->week[d].range[0].open_min = 9 * 60;
        s->week[d].range[0].close_min = 12 * 60;
        s->week[d].range[1].open_min = 13 * 60 + 30;
        s->week[d].range[1].close_min = 17 * 60;
    }
    s->last_ticket_min = 15;
    c->ui.ask_priority = false;
    c->ui.ask_public_type = false;
    c->ui.idle_s = 60;
    snprintf(c->ui.admin_pin, sizeof c->ui.admin_pin, "2468");
    /* Tests want printer state changes noticed fast; the bench sets the production period. */
    c->printer.probe_interval_ms = 50;
}

static void on_spoken(void *ctx, const char *voice, const char *text)
{
    (void)voice;
    fixture *f = ctx;
    pthread_mutex_lock(&f->spoken_mu);
    size_t left = sizeof f->spoken - f->spoken_len;
    int n = snprintf(f->spoken + f->spoken_len, left, "%s\n", text);
    if (n > 0 && (size_t)n < left)
        f->spoken_len += (size_t)n;
    pthread_mutex_unlock(&f->spoken_mu);
}

void fixture_spoken(fixture *f, char *out, size_t n)
{
    pthread_mutex_lock(&f->spoken_mu);
    snprintf(out, n, "%s", f->spoken);
    pthread_mutex_unlock(&f->spoken_mu);
}

bool fixture_open(fixture *f, const char *name, const fixture_screen *s, void (*tweak)(borne_config *cfg),
                  int64_t now_ms, bool with_printer)
{
    return fixture_open_with(f, name, s, tweak, now_ms, with_printer, NULL);
}

bool fixture_open_with(fixture *f, const char *name, const fixture_screen *s, void (*tweak)(borne_config *cfg),
                       int64_t now_ms, bool with_printer, const fixture_extra *x)
{
    memset(f, 0, sizeof *f);
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    f->now_ms = now_ms;
    demo_setup(&f->cfg);
    f->cfg.ui.width_mm = s->w_mm;
    f->cfg.ui.height_mm = s->h_mm;
    f->cfg.ui.orientation = s->h > s->w ? CONFIG_PORTRAIT : CONFIG_LANDSCAPE;
    if (tweak)
        tweak(&f->cfg);
    snprintf(f->dir, sizeof f->dir, "%s", testlib_tmpdir(name));

    char err[512];
    if (queue_open(&f->q, testlib_path(f->dir, "borne.db"), &f->cfg.queue, err, sizeof err) != QUEUE_OK ||
        queue_apply_setup(f->q, &f->cfg.setup, now_ms / 1000) != QUEUE_OK) {
        fprintf(stderr, "queue: %s\n", f->q ? queue_errmsg(f->q) : err);
        return false;
    }
    /* The window, SDL and the loop are the program's own: the application shell. */
    shell_options so = {.title = "borne test", .width = s->w, .height = s->h};
    if (shell_open(&f->sh, &so, err, sizeof err) != 0) {
        fprintf(stderr, "shell: %s\n", err);
        return false;
    }
    f->r = shell_renderer(f->sh);
    printer_callbacks cb;
    if (kiosk_printer_callbacks(&cb) != 0)
        return false;
    if (with_printer) {
        f->fake = printer_fake_new();
        printer_config pc = f->cfg.printer;
        snprintf(pc.device, sizeof pc.device, "fake");
        if (!f->fake || printer_start(&f->p, &pc, &printer_fake_ops, f->fake, &cb) != 0) {
            fprintf(stderr, "printer_start failed\n");
            return false;
        }
    }
    const char *assets = x && x->assets_dir ? x->assets_dir : getenv("BORNE_ASSETS");
    pthread_mutex_init(&f->spoken_mu, NULL);
    f->audio = speech_memory_create();
    speech_sink sink = speech_memory_sink(f->audio);
    kiosk_options ko = {.assets_dir = assets ? assets : "assets", .clock = {fixture_kiosk_clock, f},
                        .readback = true, .audio_sink = x && x->sdl_audio ? NULL : &sink, .on_spoken = on_spoken,
                        .on_spoken_ctx = f, .input_dir = "",
                        .ask_agent = x ? x->ask_agent : NULL, .ask_agent_ctx = x ? x->ask_agent_ctx : NULL};
    if (kiosk_create(&f->k, &f->cfg, f->q, f->p, f->r, &ko, err, sizeof err) != 0) {
        fprintf(stderr, "kiosk_create: %s\n", err);
        return false;
    }
    return true;
}

void fixture_close(fixture *f)
{
    kiosk_destroy(f->k);
    if (f->p)
        printer_stop(f->p);
    if (f->fake)
        printer_fake_free(f->fake);
    shell_close(f->sh);
    queue_close(f->q);
    speech_memory_free(f->audio);
    pthread_mutex_destroy(&f->spoken_mu);
    memset(f, 0, sizeof *f);
}

/* The kiosk as a row of the shell, as the program's kiosk role drives it, over the fixture's
 * kiosk (injected clock, fake printer). */
static bool row_handle_event(void *self, const SDL_Event *e)
{
    return kiosk_handle_event(((fixture *)self)->k, e);
}

static bool row_tick(void *self)
{
    return kiosk_tick(((fixture *)self)->k);
}

static int row_render(void *self)
{
    return kiosk_render(((fixture *)self)->k);
}

static int row_next_wakeup_ms(void *self)
{
    return kiosk_next_wakeup_ms(((fixture *)self)->k);
}

static const char *row_screen_name(void *self)
{
    return kiosk_screen_name(kiosk_current_screen(((fixture *)self)->k));
}

const shell_role fixture_kiosk_role = {
    .name = "kiosk",
    .handle_event = row_handle_event,
    .tick = row_tick,
    .render = row_render,
    .next_wakeup_ms = row_next_wakeup_ms,
    .screen_name = row_screen_name,
};

typedef struct pump_until {
    fixture *f;
    bool (*until)(fixture *f);
} pump_until;

static bool pump_done(void *ctx)
{
    pump_until *p = ctx;
    return p->until(p->f);
}

bool fixture_pump(fixture *f, bool (*until)(fixture *f), int timeout_ms)
{
    /* Real time here: the printer thread works on its own clock. */
    if (!until) {
        shell_run_until(f->sh, &fixture_kiosk_role, f, NULL, NULL, 0);
        return true;
    }
    pump_until p = {f, until};
    return shell_run_until(f->sh, &fixture_kiosk_role, f, pump_done, &p, timeout_ms);
}

void fixture_advance(fixture *f, int64_t ms)
{
    f->now_ms += ms;
    kiosk_tick(f->k);
}

bool fixture_tap(fixture *f, const char *label)
{
    int x, y;
    if (!kiosk_find_target(f->k, label, &x, &y)) {
        fprintf(stderr, "no target \"%s\" on %s\n", label, kiosk_screen_name(kiosk_current_screen(f->k)));
        return false;
    }
    kiosk_tap(f->k, x, y);
    return true;
}

bool fixture_printed_number(fixture *f, const uint8_t *bytes, size_t len, const char *label)
{
    static printer_art art;
    if (kiosk_number_art(f->k, label, &art) != 0)
        return false;
    const uint8_t head[] = {0x1D, 'v', '0', 3, (uint8_t)(art.width_bytes & 0xFF), (uint8_t)(art.width_bytes >> 8),
                            (uint8_t)(art.height & 0xFF), (uint8_t)(art.height >> 8)};
    size_t n = (size_t)art.width_bytes * art.height;
    for (size_t i = 0; i + sizeof head + n <= len; i++)
        if (memcmp(bytes + i, head, sizeof head) == 0 && memcmp(bytes + i + sizeof head, art.bits, n) == 0)
            return true;
    return false;
}

void fixture_add_appointment(fixture *f, const char *code, int64_t at)
{
    queue_appointment a;
    memset(&a, 0, sizeof a);
    snprintf(a.code, sizeof a.code, "%s", code);
    a.at = at;
    a.service = 'A';
    CHECK_INT(queue_appointment_upsert(f->q, f->now_ms / 1000, &a), 0);
}
