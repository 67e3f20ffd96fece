/* The kiosk's speech on the path a visitor gets (figures printed, never asserted): the real
 * `borne` program, kiosk role, demo antenne (its six languages: six catalogs, the Arabic font, six
 * espeak-ng voices checked at start), in a real X11 window under Xvfb at 800x480 (the 7-inch
 * board), with SDL's disk audio driver: the audio device thread writes the PCM it plays to a file
 * (SDL_DISKAUDIOFILE) at the device's pace, and this program reads that file as it grows. The
 * speech key (keypad /) is pressed through XTest, as a keyboard would.
 *   - first frame with everything loaded: exec -> the frame seen on the X framebuffer by the pixel
 *     probe (bench_proc.c, as bench_shell); PSS 10 s after it, before any speech;
 *   - speech latency: key press -> the first non-silent block of PCM written by SDL (the key's
 *     click) and -> the first block of the voice (the first loud run longer than 100 ms), p50 and
 *     p99 over BENCH_PRESSES presses (default 50); each press turns speech on (home is described),
 *     the next turns it off mid-sentence: key -> the first silent block, the stop latency;
 *   - CPU (from /proc/PID/stat, every thread) over the 3 s from the key (home synthesised, then
 *     spoken) and over 10 s after speech stopped, PSS (smaps_rollup) at both; what of it is
 *     espeak-ng's: its library mapped (smaps), its data files mapped (smaps: none, 1.51 reads them)
 *     and read into the heap (the phoneme tables and the French dictionary, whole: their sizes),
 *     and the PSS without all that against the shell's goal (16 MiB), which the issue grants the
 *     voice data on top of.
 * The disk driver writes blocks of the device's buffer (512 samples at 22.05 kHz: 23 ms) at the
 * device's pace, through a stdio buffer of 4 KiB: the file grows four blocks (93 ms) at a time, so
 * the time this program sees a block is 23 to 93 ms after SDL played it. Each block's time is
 * taken back from the growth it came with: the file grows when the block after the buffer's four
 * is written (glibc flushes a full buffer on the next write; seen within this program's 1 ms
 * poll), so the last block of a growth was played one block before, each before it one more. */
#include <X11/XKBlib.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_proc.h"

#define W 800
#define H 480
#define LOUD 600              /* |sample| from which a block is not silent (full scale 32767) */
#define BLOCK_BYTES 1024      /* 512 mono 16-bit samples: SDL's buffer, what the driver writes */
#define VOICE_RUN_MS 100.0    /* the click is a few ms; a word is longer than this */
#define MAX_PRESSES 1000

static char tmpdir[256], pcm_path[320];

/* ---- the PCM file, read as the driver writes it ---------------------------------------------- */

typedef struct pcm {
    int fd;
    off_t done;               /* bytes judged so far (whole blocks) */
    size_t blocks;            /* blocks judged so far */
    double block_ms;
} pcm;

/* Judges the blocks written since the last call: calls on_block with the time SDL played each
 * (see above) and whether it is loud. */
static void pcm_read(pcm *p, void (*on_block)(void *ctx, double played_ms, bool loud), void *ctx)
{
    unsigned char buf[BLOCK_BYTES * 64];
    for (;;) {
        ssize_t n = pread(p->fd, buf, sizeof buf, p->done);
        if (n < BLOCK_BYTES)
            return;
        double seen = bench_now_ms();
        ssize_t last = n / BLOCK_BYTES - 1;
        for (ssize_t off = 0; off + BLOCK_BYTES <= n; off += BLOCK_BYTES) {
            bool loud = false;
            for (int i = 0; i < BLOCK_BYTES && !loud; i += 2) {
                int16_t v = (int16_t)(buf[off + i] | buf[off + i + 1] << 8);
                loud = v >= LOUD || v <= -LOUD;
            }
            on_block(ctx, seen - (double)(last + 1 - off / BLOCK_BYTES) * p->block_ms, loud);
            p->done += BLOCK_BYTES;
            p->blocks++;
        }
    }
}

/* After a press that turns speech on: the first loud block, and the first block of a loud run
 * longer than VOICE_RUN_MS (silent blocks inside a word are rare; a gap resets the run). */
typedef struct onset {
    double block_ms;
    double first_loud, voice, run_start;
    double run_ms;
} onset;

static void onset_block(void *ctx, double played, bool loud)
{
    onset *o = ctx;
    if (!loud) {
        o->run_ms = 0;
        return;
    }
    if (o->first_loud < 0)
        o->first_loud = played;
    if (o->run_ms == 0)
        o->run_start = played;
    o->run_ms += o->block_ms;
    if (o->voice < 0 && o->run_ms >= VOICE_RUN_MS)
        o->voice = o->run_start;
}

/* After a press that turns speech off: the first silent block (the voice was cut; the key's own
 * click may come just before it), and how long it has been silent since. */
typedef struct quiet {
    double block_ms;
    double first_silent, silent_ms;
    int loud_blocks, blocks;
} quiet;

static void quiet_block(void *ctx, double played, bool loud)
{
    quiet *q = ctx;
    q->blocks++;
    if (loud) {
        q->loud_blocks++;
        q->silent_ms = 0;
        return;
    }
    if (q->first_silent < 0)
        q->first_silent = played;
    q->silent_ms += q->block_ms;
}

/* ---- the program ------------------------------------------------------------------------------ */

typedef struct run {
    pid_t pid;
    double exec_ms;
} run;

static bool start_borne(run *r)
{
    const char *const env[] = {"SDL_VIDEODRIVER", "x11", "DISPLAY", bench_xvfb_display(), "SDL_AUDIODRIVER", "disk",
                               "SDL_DISKAUDIOFILE", pcm_path, NULL};
    unlink(pcm_path);
    r->exec_ms = bench_now_ms();
    r->pid = bench_spawn_borne(tmpdir, W, H, env);
    return r->pid > 0;
}

static void stop_borne(run *r)
{
    kill(r->pid, SIGTERM);
    waitpid(r->pid, NULL, 0);
}

/* exec -> the frame seen by the probe; -1 when it never came within 30 s. */
static double first_frame(run *r, Display *d)
{
    while (bench_now_ms() - r->exec_ms < 30000) {
        if (bench_frame_on_screen(d, W, H))
            return bench_now_ms() - r->exec_ms;
        bench_sleep_ms(1);
    }
    return -1;
}

/* Pss of the mappings whose file name contains `what`, in MiB. */
static double mapped_pss_mib(pid_t pid, const char *what)
{
    char path[64], line[1024];
    snprintf(path, sizeof path, "/proc/%d/smaps", (int)pid);
    FILE *f = fopen(path, "r");
    long kb = 0, v;
    bool in = false;
    while (f && fgets(line, sizeof line, f)) {
        /* A mapping's line starts with its address in lower-case hex, its fields with a name. */
        if ((line[0] >= '0' && line[0] <= '9') || (line[0] >= 'a' && line[0] <= 'f')) {
            char *file = strchr(line, '/');
            in = file && strstr(file, what);
            continue;
        }
        if (in && sscanf(line, "Pss: %ld kB", &v) == 1)
            kb += v;
    }
    if (f)
        fclose(f);
    return kb / 1024.0;
}

/* espeak-ng's share of a process, in MiB. */
typedef struct voice_mem {
    double lib, data_mapped, data_read;
    double anonymous;         /* the whole process's, for comparison */
} voice_mem;

/* The files espeak-ng 1.51 reads whole into the heap: its phoneme tables (espeak_ng_Initialize),
 * the intonations and the dictionary of the voice in use (the demo's French). */
static double data_read_mib(const char *dir)
{
    static const char *const files[] = {"phondata", "phonindex", "phontab", "intonations", "fr_dict"};
    double bytes = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[1100];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        if (stat(path, &st) == 0)
            bytes += (double)st.st_size;
    }
    return bytes / (1024.0 * 1024.0);
}

/* Anonymous memory (heap, stacks: the process's own, shared with no one), in MiB: unlike the PSS
 * of the libraries, it does not move with what else runs on the machine. */
static double anonymous_mib(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
    FILE *f = fopen(path, "r");
    long kb = 0;
    while (f && fgets(line, sizeof line, f) && sscanf(line, "Anonymous: %ld kB", &kb) != 1)
        ;
    if (f)
        fclose(f);
    return kb / 1024.0;
}

static voice_mem voice_memory(pid_t pid)
{
    voice_mem v = {mapped_pss_mib(pid, "libespeak-ng"), mapped_pss_mib(pid, "espeak-ng-data"), 0, 0};
    /* The data's directory is the library's default: espeak-ng-data beside the library. */
    char path[64], line[1024];
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f)) {
        char *lib = strstr(line, "/libespeak-ng.so");
        char *file = strchr(line, '/');
        if (lib && file) {
            *lib = '\0';
            char dir[600];
            snprintf(dir, sizeof dir, "%s/espeak-ng-data", file);
            v.data_read = data_read_mib(dir);
            break;
        }
    }
    if (f)
        fclose(f);
    v.anonymous = anonymous_mib(pid);
    return v;
}

static void print_voice_share(double pss, voice_mem v)
{
    printf("    espeak-ng: library mapped %.2f MiB, data files mapped %.2f MiB, data read into the heap %.2f MiB; "
           "PSS without them %.1f MiB (goal 16 MiB); anonymous %.1f MiB\n", v.lib, v.data_mapped, v.data_read,
           pss - v.lib - v.data_mapped - v.data_read, v.anonymous);
}

static void press_key(Display *d, KeyCode kc)
{
    XTestFakeKeyEvent(d, kc, True, 0);
    XTestFakeKeyEvent(d, kc, False, 0);
    XFlush(d);
}

static double percentile(double *v, int n, double p)
{
    if (n == 0)
        return -1;
    qsort(v, (size_t)n, sizeof v[0], bench_cmp_double);
    int i = (int)(p * (n - 1) + 0.5);
    return v[i];
}

static double cpu_pct(pid_t pid, int ms)
{
    double c0 = bench_cpu_ticks(pid), w0 = bench_now_ms();
    bench_sleep_ms(ms);
    double c1 = bench_cpu_ticks(pid), w1 = bench_now_ms();
    return 100.0 * (c1 - c0) / (double)sysconf(_SC_CLK_TCK) / ((w1 - w0) / 1000.0);
}

static void skip_block(void *ctx, double played, bool loud)
{
    (void)ctx;
    (void)played;
    (void)loud;
}

/* Waits until the speech is silent for `ms` (after the key's click); the stop's figures in *q. */
static void wait_quiet(pcm *p, quiet *q, double ms, double timeout_ms)
{
    double until = bench_now_ms() + timeout_ms;
    while (bench_now_ms() < until) {
        pcm_read(p, quiet_block, q);
        if (q->silent_ms >= ms)
            return;
        bench_sleep_ms(1);
    }
}

int main(void)
{
    int presses = 50, starts = 5;
    const char *env = getenv("BENCH_PRESSES");
    if (env && atoi(env) > 0)
        presses = atoi(env) < MAX_PRESSES ? atoi(env) : MAX_PRESSES;
    env = getenv("BENCH_STARTS");
    if (env && atoi(env) > 0)
        starts = atoi(env) < 32 ? atoi(env) : 32;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/bench_speech-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(pcm_path, sizeof pcm_path, "%s/audio.pcm", tmpdir);
    printf("bench_speech: borne, kiosk role, demo antenne (six languages), x11 (Xvfb) %dx%d, SDL disk audio; "
           "%d starts, %d speech-key presses (BENCH_STARTS, BENCH_PRESSES)\n", W, H, starts, presses);
    fflush(stdout);
    Display *d = bench_xvfb_start(W, H);
    if (!d) {
        fprintf(stderr, "bench_speech: Xvfb did not start\n");
        bench_xvfb_stop();
        return 1;
    }
    int fail = 0;
    double first[32];
    int n_first = 0;
    run r = {0};
    for (int i = 0; i < starts; i++) {
        if (!start_borne(&r)) {
            fail = 1;
            break;
        }
        first[n_first++] = first_frame(&r, d);
        if (i + 1 < starts) {
            stop_borne(&r);
            XClearWindow(d, DefaultRootWindow(d));
            XSync(d, False);
        }
    }
    if (fail || n_first == 0) {
        fprintf(stderr, "bench_speech: borne did not start\n");
        bench_xvfb_stop();
        return 1;
    }
    /* The last start stays: memory 10 s after its first frame, then the speech. */
    bench_sleep_ms(10000);
    double pss_start, rss_start;
    bench_memory(r.pid, &pss_start, &rss_start);
    voice_mem voice_start = voice_memory(r.pid);

    pcm p = {.fd = open(pcm_path, O_RDONLY | O_CLOEXEC), .block_ms = 1000.0 * BLOCK_BYTES / 2 / 22050};
    if (p.fd < 0) {
        fprintf(stderr, "bench_speech: %s: %s (no audio device opened?)\n", pcm_path, strerror(errno));
        stop_borne(&r);
        bench_xvfb_stop();
        return 1;
    }
    KeyCode kc = XKeysymToKeycode(d, XK_KP_Divide);
    XTestFakeMotionEvent(d, -1, W / 2, H / 2, 0);   /* the window under the pointer has the keys */
    XFlush(d);
    pcm_read(&p, skip_block, NULL);

    /* While speaking, and after. */
    double c0 = bench_cpu_ticks(r.pid), w0 = bench_now_ms();
    press_key(d, kc);
    bench_sleep_ms(3000);
    double speaking_cpu =
        100.0 * (bench_cpu_ticks(r.pid) - c0) / (double)sysconf(_SC_CLK_TCK) / ((bench_now_ms() - w0) / 1000.0);
    double pss_speaking, rss_speaking;
    bench_memory(r.pid, &pss_speaking, &rss_speaking);
    voice_mem voice_speaking = voice_memory(r.pid);
    quiet during = {.block_ms = p.block_ms, .first_silent = -1};
    pcm_read(&p, quiet_block, &during);
    press_key(d, kc);
    quiet stop = {.block_ms = p.block_ms, .first_silent = -1};
    wait_quiet(&p, &stop, 500, 10000);
    bench_sleep_ms(2000);
    double after_cpu = cpu_pct(r.pid, 10000);
    double pss_after, rss_after;
    bench_memory(r.pid, &pss_after, &rss_after);
    voice_mem voice_after = voice_memory(r.pid);
    pcm_read(&p, skip_block, NULL);

    /* The presses. */
    static double click[MAX_PRESSES], voice[MAX_PRESSES], cut[MAX_PRESSES];
    int n_click = 0, n_voice = 0, n_cut = 0, missed = 0;
    for (int i = 0; i < presses; i++) {
        onset o = {.block_ms = p.block_ms, .first_loud = -1, .voice = -1};
        double pressed = bench_now_ms();
        press_key(d, kc);
        while (o.voice < 0 && bench_now_ms() - pressed < 5000) {
            pcm_read(&p, onset_block, &o);
            bench_sleep_ms(1);
        }
        if (o.first_loud >= 0)
            click[n_click++] = o.first_loud - pressed;
        if (o.voice < 0) {
            missed++;
            quiet q = {.block_ms = p.block_ms, .first_silent = -1};
            press_key(d, kc);   /* speech back off */
            wait_quiet(&p, &q, 300, 10000);
            continue;
        }
        voice[n_voice++] = o.voice - pressed;
        bench_sleep_ms(300);   /* mid-sentence */
        pcm_read(&p, skip_block, NULL);
        quiet q = {.block_ms = p.block_ms, .first_silent = -1};
        double off = bench_now_ms();
        press_key(d, kc);
        wait_quiet(&p, &q, 300, 10000);
        if (q.first_silent >= off)
            cut[n_cut++] = q.first_silent - off;
    }
    stop_borne(&r);
    close(p.fd);
    XCloseDisplay(d);
    bench_xvfb_stop();

    qsort(first, (size_t)n_first, sizeof first[0], bench_cmp_double);
    printf("  first frame (exec -> seen by the X probe), best / median of %d: %.1f / %.1f ms\n", n_first, first[0],
           first[n_first / 2]);
    printf("  PSS 10 s after the first frame (six catalogs, fonts, voices checked): %.1f MiB (RSS %.1f)\n", pss_start,
           rss_start);
    print_voice_share(pss_start, voice_start);
    printf("  speaking home (3 s from the key: synthesis and playback, %d of %d blocks loud): CPU %.1f %% of a core, "
           "PSS %.1f MiB (RSS %.1f)\n", during.loud_blocks, during.blocks, speaking_cpu, pss_speaking, rss_speaking);
    print_voice_share(pss_speaking, voice_speaking);
    printf("  after speech stopped (10 s): CPU %.3f %% of a core, PSS %.1f MiB (RSS %.1f)\n", after_cpu, pss_after,
           rss_after);
    print_voice_share(pss_after, voice_after);
    printf("  speech key -> first non-silent block (the click): p50 %.1f ms, p99 %.1f ms (%d presses)\n",
           percentile(click, n_click, 0.5), percentile(click, n_click, 0.99), n_click);
    printf("  speech key -> first block of voice: p50 %.1f ms, p99 %.1f ms (%d presses, %d without voice in 5 s; "
           "a voice right after the click starts with the click's block)\n",
           percentile(voice, n_voice, 0.5), percentile(voice, n_voice, 0.99), n_voice, missed);
    printf("  key during speech -> first silent block: p50 %.1f ms, p99 %.1f ms (%d presses; the key's click may "
           "come before it)\n", percentile(cut, n_cut, 0.5), percentile(cut, n_cut, 0.99), n_cut);
    printf("  blocks of %.1f ms (512 samples at 22.05 kHz), polled every 1 ms; load average %s", p.block_ms,
           bench_loadavg());
    const char *const leaves[] = {"audio.pcm", "bench.db", "bench.db-wal", "bench.db-shm", "borne.log"};
    bench_remove_dir(tmpdir, leaves, sizeof leaves / sizeof leaves[0]);
    return 0;
}
