/* Spoken call announcements (app/display/announce.c) with real espeak-ng synthesis and a
 * recording audio sink: the spoken French text, the order chime/voice per call with nothing
 * dropped or cut, the bounded queue, the chime-only fallback, one announcement written to a WAV
 * (checked in C, and by `sox --i` when sox is installed), and the display (against a real hub)
 * counting calls while the audio is still held up. Prints RSS and synthesis-time figures. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "borne/announce.h"
#include "borne/shell.h"
#include "borne/display.h"
#include "test_display_support.h"
#include "testlib.h"

#define MAX_PARTS 64

/* An audio sink that records what it is given; while `open` is false, play() blocks (a device
 * that has not taken the audio yet), so the tests control when playback "finishes". */
typedef struct rec {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool open;
    int n;
    announce_part part[MAX_PARTS];
    size_t len[MAX_PARTS];
    int rate[MAX_PARTS];
    int64_t in_us[MAX_PARTS], out_us[MAX_PARTS];
    int16_t *voice1;           /* a copy of the first voice */
    size_t voice1_n;
} rec;

static int rec_play(void *ctx, announce_part part, const int16_t *pcm, size_t n, int rate)
{
    rec *r = ctx;
    pthread_mutex_lock(&r->mu);
    int k = r->n < MAX_PARTS ? r->n++ : MAX_PARTS - 1;
    r->part[k] = part;
    r->len[k] = n;
    r->rate[k] = rate;
    r->in_us[k] = th_usec();
    if (part == ANNOUNCE_VOICE && !r->voice1 && (r->voice1 = malloc(n * sizeof *pcm))) {
        memcpy(r->voice1, pcm, n * sizeof *pcm);
        r->voice1_n = n;
    }
    pthread_cond_broadcast(&r->cv);
    while (!r->open)
        pthread_cond_wait(&r->cv, &r->mu);
    r->out_us[k] = th_usec();
    pthread_mutex_unlock(&r->mu);
    return 0;
}

static void rec_init(rec *r, bool open)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv, NULL);
    r->open = open;
}

static void rec_free(rec *r)
{
    free(r->voice1);
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
}

static void rec_open(rec *r)
{
    pthread_mutex_lock(&r->mu);
    r->open = true;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

static int rec_count(rec *r)
{
    pthread_mutex_lock(&r->mu);
    int n = r->n;
    pthread_mutex_unlock(&r->mu);
    return n;
}

/* Waits (up to 20 s) until the sink has received `n` buffers. */
static bool rec_wait(rec *r, int n)
{
    int64_t until = th_usec() + 20000000;
    while (rec_count(r) < n && th_usec() < until)
        SDL_Delay(10);
    return rec_count(r) >= n;
}

static announce_sink rec_sink(rec *r)
{
    return (announce_sink){.play = rec_play, .ctx = r};
}

/* chime, voice, chime, voice…, each voice real speech: longer than 0.5 s at its rate. */
static void check_pairs(rec *r, int calls)
{
    CHECK_INT(rec_count(r), 2 * calls);
    for (int k = 0; k < 2 * calls && k < r->n; k++) {
        CHECK_INT(r->part[k], k % 2 ? ANNOUNCE_VOICE : ANNOUNCE_CHIME);
        CHECK(r->rate[k] > 0);
        if (k % 2) {
            CHECK(r->rate[k] > 0 && r->len[k] > (size_t)r->rate[k] / 2);
            /* from the chime handed over to the voice handed over: the synthesis */
            double synth_ms = (double)(r->in_us[k] - r->out_us[k - 1]) / 1000;
            fprintf(stderr, "   voice %d: %.2f s of audio, synthesised in %.1f ms\n", k / 2 + 1,
                    (double)r->len[k] / r->rate[k], synth_ms);
        }
    }
}

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

/* The spoken text: letters by their French names, the number as a number, the counter as
 * written, recalls said as such, separators skipped, and a text that does not fit refused. */
static void test_spoken_text(void)
{
    char s[128];
    CHECK(announce_spoken_text(s, sizeof s, "A002", "Guichet 2", false) > 0);
    CHECK_STR(s, "Le numéro a 2, Guichet 2.");
    CHECK(announce_spoken_text(s, sizeof s, "Y100", "Bureau des titres", true) > 0);
    CHECK_STR(s, "Rappel. Le numéro i grec 100, Bureau des titres.");
    CHECK(announce_spoken_text(s, sizeof s, "F000", "Guichet 1", false) > 0);
    CHECK_STR(s, "Le numéro èf 0, Guichet 1.");
    CHECK(announce_spoken_text(s, sizeof s, "E-042", "Accueil", false) > 0);
    CHECK_STR(s, "Le numéro e 42, Accueil.");
    CHECK(announce_spoken_text(s, sizeof s, "w7", "", false) > 0);
    CHECK_STR(s, "Le numéro double vé 7.");
    CHECK_INT(announce_spoken_text(s, 20, "A002", "Guichet 2", false), -1);
}

/* Writes mono 16-bit PCM as a WAV file. */
static bool write_wav(const char *path, const int16_t *pcm, size_t n, int rate)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    uint32_t data = (uint32_t)(n * 2), riff = 36 + data, fmt_len = 16, rate32 = (uint32_t)rate,
             byte_rate = rate32 * 2;
    uint16_t pcm_fmt = 1, channels = 1, align = 2, bits = 16;
    bool ok = fwrite("RIFF", 1, 4, f) == 4 && fwrite(&riff, 4, 1, f) == 1 &&
              fwrite("WAVEfmt ", 1, 8, f) == 8 && fwrite(&fmt_len, 4, 1, f) == 1 &&
              fwrite(&pcm_fmt, 2, 1, f) == 1 && fwrite(&channels, 2, 1, f) == 1 &&
              fwrite(&rate32, 4, 1, f) == 1 && fwrite(&byte_rate, 4, 1, f) == 1 &&
              fwrite(&align, 2, 1, f) == 1 && fwrite(&bits, 2, 1, f) == 1 &&
              fwrite("data", 1, 4, f) == 4 && fwrite(&data, 4, 1, f) == 1 &&
              fwrite(pcm, 2, n, f) == n;
    return fclose(f) == 0 && ok;
}

/* Three calls enqueued at once while the sink holds the audio: each enqueue returns at once
 * and all three are counted as pending; once the audio flows, the sink gets chime1, voice1,
 * chime2, voice2, chime3, voice3, every voice real speech. The first voice goes to a WAV whose
 * header is read back (and given to `sox --i` if installed). */
static void test_order_and_wav(void)
{
    rec r;
    rec_init(&r, false);
    long rss0 = rss_kb();
    announce_sink sink = rec_sink(&r);
    announcer *an = announce_create(&sink, NULL);
    CHECK(an != NULL);
    if (!an)
        return;
    CHECK_INT(announce_enqueue(an, "A001", "Guichet 1", false), 0);
    CHECK_INT(announce_enqueue(an, "A002", "Guichet 2", false), 0);
    CHECK_INT(announce_enqueue(an, "B003", "Bureau des titres", true), 0);
    CHECK_INT(announce_pending(an), 3);
    CHECK(rec_count(&r) <= 1);   /* at most the first chime has reached the held-up sink */
    rec_open(&r);
    CHECK(rec_wait(&r, 6));
    int64_t until = th_usec() + 5000000;
    while (announce_pending(an) > 0 && th_usec() < until)
        SDL_Delay(10);
    CHECK_INT(announce_pending(an), 0);
    fprintf(stderr, "   RSS %ld kB before the announcer, %ld kB after three announcements\n", rss0,
            rss_kb());
    announce_destroy(an);
    check_pairs(&r, 3);

    const char *dir = testlib_tmpdir("display_announce");
    const char *wav = testlib_path(dir, "announce.wav");
    CHECK(r.voice1 != NULL);
    if (r.voice1) {
        int peak = 0;   /* speech, not silence */
        for (size_t i = 0; i < r.voice1_n; i++)
            peak = abs(r.voice1[i]) > peak ? abs(r.voice1[i]) : peak;
        CHECK(peak > 1000);
        CHECK(write_wav(wav, r.voice1, r.voice1_n, r.rate[1]));
        FILE *f = fopen(wav, "rb");
        unsigned char h[44] = {0};
        CHECK(f && fread(h, 1, sizeof h, f) == sizeof h);
        if (f)
            fclose(f);
        uint32_t rate = (uint32_t)(h[24] | h[25] << 8 | h[26] << 16 | (uint32_t)h[27] << 24);
        uint32_t data = (uint32_t)(h[40] | h[41] << 8 | h[42] << 16 | (uint32_t)h[43] << 24);
        CHECK(memcmp(h, "RIFF", 4) == 0 && memcmp(h + 8, "WAVEfmt ", 8) == 0);
        CHECK_INT(h[22], 1);                       /* mono */
        CHECK_INT(rate, r.rate[1]);
        CHECK_INT(data, r.voice1_n * 2);
        fprintf(stderr, "   %s\n", wav);
        if (system("command -v sox >/dev/null 2>&1") == 0) {
            char cmd[600];
            snprintf(cmd, sizeof cmd, "sox --i '%s' >&2", wav);
            CHECK_INT(system(cmd), 0);
        } else {
            fprintf(stderr, "   sox not installed: header checked in C only\n");
        }
    }
    rec_free(&r);
}

/* The queue is bounded: with one announcement held in the sink, ANNOUNCE_QUEUE_MAX more are
 * accepted and the next is refused (nothing queued is dropped to make room). */
static void test_queue_bound(void)
{
    rec r;
    rec_init(&r, false);
    announce_sink sink = rec_sink(&r);
    announcer *an = announce_create(&sink, NULL);
    CHECK(an != NULL);
    if (!an)
        return;
    CHECK_INT(announce_enqueue(an, "A001", "Guichet 1", false), 0);
    CHECK(rec_wait(&r, 1));   /* the worker holds the first one */
    for (int i = 0; i < ANNOUNCE_QUEUE_MAX; i++)
        CHECK_INT(announce_enqueue(an, "A002", "Guichet 1", false), 0);
    CHECK_INT(announce_enqueue(an, "A003", "Guichet 1", false), -1);
    CHECK_INT(announce_pending(an), ANNOUNCE_QUEUE_MAX + 1);
    rec_open(&r);
    announce_destroy(an);
    rec_free(&r);
}

/* A voice that cannot be loaded: every call still gets its chime, in order, and no voice. */
static void test_no_voice(void)
{
    rec r;
    rec_init(&r, true);
    announce_sink sink = rec_sink(&r);
    announce_options o = {.voice = "no-such-voice"};
    announcer *an = announce_create(&sink, &o);
    CHECK(an != NULL);
    if (!an)
        return;
    CHECK_INT(announce_enqueue(an, "A001", "Guichet 1", false), 0);
    CHECK_INT(announce_enqueue(an, "A002", "Guichet 2", false), 0);
    CHECK(rec_wait(&r, 2));
    int64_t until = th_usec() + 5000000;
    while (announce_pending(an) > 0 && th_usec() < until)
        SDL_Delay(10);
    announce_destroy(an);
    CHECK_INT(rec_count(&r), 2);
    CHECK_INT(r.part[0], ANNOUNCE_CHIME);
    CHECK_INT(r.part[1], ANNOUNCE_CHIME);
    rec_free(&r);
}

static th_fixture F;

static bool announced(display_app *a, const void *n)
{
    return display_announced(a) >= *(const int *)n;
}

static long post(const char *path, const char *token)
{
    th_response resp;
    long st = th_http(&F, "POST", path, token, NULL, NULL, &resp);
    th_response_free(&resp);
    return st;
}

/* The display against a real hub, its announcements going to a held-up sink: three calls are
 * (two call-next and a recall) are counted and drawn while their audio has not been played,
 * then played in call order. */
static void test_display_not_blocked(void)
{
    th_start(&F, "display_announce", false);
    CHECK_INT(SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS), 0);
    SDL_Window *w = SDL_CreateWindow("display", 0, 0, 1280, 720, 0);
    SDL_Renderer *rd = w ? SDL_CreateRenderer(w, -1, SDL_RENDERER_SOFTWARE) : NULL;
    CHECK(rd != NULL);
    rec r;
    rec_init(&r, false);
    announce_sink sink = rec_sink(&r);
    char url[64], err[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", F.port);
    display_options o = {.assets_dir = getenv("BORNE_ASSETS"), .hub_url = url, .width_mm = 1020,
                         .height_mm = 575, .sink = &sink, .client = {.retry_ms = 100}};
    display_app *a = NULL;
    CHECK_INT(display_create(&a, rd, &o, err, sizeof err), 0);
    if (a) {
        CHECK(td_pump_app(a, td_has_state, NULL, 8000, NULL));
        queue_issued is;
        for (int i = 0; i < 2; i++)
            CHECK_INT(queue_issue(F.q, th_now(&F), 'A', NULL, &is), QUEUE_OK);
        CHECK_INT(post("/api/v1/counters/1/open", TH_TOKEN1), 200);
        CHECK_INT(post("/api/v1/counters/2/open", TH_TOKEN2), 200);
        CHECK_INT(post("/api/v1/counters/1/call-next", TH_TOKEN1), 200);
        CHECK_INT(post("/api/v1/counters/2/call-next", TH_TOKEN2), 200);
        CHECK_INT(post("/api/v1/counters/1/recall", TH_TOKEN1), 200);
        int frames = 0, three = 3;
        td_pump_app(a, announced, &three, 8000, &frames);
        CHECK_INT(display_announced(a), 3);
        CHECK(rec_count(&r) <= 1);   /* the audio is still held up */
        fprintf(stderr, "   %d frames drawn while the audio was held\n", frames);
        rec_open(&r);
        CHECK(rec_wait(&r, 6));
        display_destroy(a);
        check_pairs(&r, 3);
    }
    rec_free(&r);
    SDL_DestroyRenderer(rd);
    SDL_DestroyWindow(w);
    SDL_Quit();
    th_stop(&F);
}

int main(void)
{
    RUN(test_spoken_text);
    RUN(test_order_and_wav);
    RUN(test_queue_bound);
    RUN(test_no_voice);
    RUN(test_display_not_blocked);
    return testlib_finish();
}
