/* Renders one text through the speech module (espeak-ng, the worker, the tone first if asked) into
 * a WAV file, to hear and measure what a visitor hears (sox stat, a listening check):
 *   speech_wav OUT.wav VOICE "TEXT"
 * Mono 16-bit at the rate the module synthesises. Exit 0, or 1 with the reason on stderr. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "borne/speech.h"

typedef struct wav {
    FILE *f;
    uint32_t bytes;
    int rate;
} wav;

static void le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* The RIFF header for `bytes` of mono 16-bit PCM at `rate`. */
static int write_header(wav *w)
{
    unsigned char h[44];
    memcpy(h, "RIFF", 4);
    le32(h + 4, 36 + w->bytes);
    memcpy(h + 8, "WAVEfmt ", 8);
    le32(h + 16, 16);
    h[20] = 1, h[21] = 0;   /* PCM */
    h[22] = 1, h[23] = 0;   /* mono */
    le32(h + 24, (uint32_t)w->rate);
    le32(h + 28, (uint32_t)w->rate * 2);
    h[32] = 2, h[33] = 0;
    h[34] = 16, h[35] = 0;
    memcpy(h + 36, "data", 4);
    le32(h + 40, w->bytes);
    return fseek(w->f, 0, SEEK_SET) == 0 && fwrite(h, sizeof h, 1, w->f) == 1 ? 0 : -1;
}

static int play(void *ctx, speech_part part, const int16_t *pcm, size_t n, int rate)
{
    (void)part;
    wav *w = ctx;
    if (w->rate && w->rate != rate)
        return -1;   /* one rate per file */
    w->rate = rate;
    for (size_t i = 0; i < n; i++) {
        unsigned char s[2] = {(unsigned char)(pcm[i] & 0xff), (unsigned char)((uint16_t)pcm[i] >> 8)};
        if (fwrite(s, 2, 1, w->f) != 1)
            return -1;
    }
    w->bytes += (uint32_t)(n * 2);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: speech_wav OUT.wav VOICE TEXT\n");
        return 1;
    }
    if (!speech_has_voice(argv[2])) {
        fprintf(stderr, "speech_wav: espeak-ng has no voice \"%s\"\n", argv[2]);
        return 1;
    }
    wav w = {.f = fopen(argv[1], "wb")};
    if (!w.f) {
        perror(argv[1]);
        return 1;
    }
    unsigned char blank[44] = {0};
    fwrite(blank, sizeof blank, 1, w.f);
    speech_sink sink = {.play = play, .ctx = &w};
    speech_options o = {.voice = argv[2]};
    speech *s = speech_create(&sink, &o);
    speech_item it = {.text = argv[3], .voice = argv[2]};
    if (!s || speech_say(s, &it) != 0) {
        fprintf(stderr, "speech_wav: the speech module refused the text\n");
        speech_destroy(s);
        fclose(w.f);
        return 1;
    }
    speech_destroy(s);   /* plays what is queued to the end */
    int rc = w.rate && write_header(&w) == 0 ? 0 : 1;
    if (fclose(w.f) != 0 || rc != 0) {
        fprintf(stderr, "speech_wav: nothing synthesised or %s not written\n", argv[1]);
        return 1;
    }
    return 0;
}
