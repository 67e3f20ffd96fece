/* The desk appliance in tests (test_appliance, test_appliance_screens, test_alarm_silence): an
 * appliance on a window of the dummy video driver against the fixture's hub, driven as the shell
 * drives it (events, ticks, frames) and by real taps and holds on the targets of its last frame;
 * its alarm tone goes to a memory sink; checked screenshots under the test's directory. */
#ifndef TEST_APPLIANCE_SUPPORT_H
#define TEST_APPLIANCE_SUPPORT_H

#include <stdbool.h>

#include "borne/appliance.h"
#include "borne/ui_check.h"
#include "test_hub_support.h"

typedef struct ta_desk {
    th_fixture *f;
    SDL_Window *window;
    SDL_Renderer *renderer;
    appliance *a;
    speech_memory *sound;      /* what the appliance played */
    int w, h;                  /* pixels, for the screenshots' names */
} ta_desk;

/* Opens desk `counter` (with `token`) on a w×h window of w_mm×h_mm. false (checked) on failure;
 * ta_close() in every case. SDL must be initialised (video, events). */
bool ta_open(ta_desk *d, th_fixture *f, int counter, const char *token, int w, int h,
             double w_mm, double h_mm);
void ta_close(ta_desk *d);
/* Does the shell's work (events, ticks, a frame when asked) until pred holds on the desk's view,
 * then draws a frame; false after timeout_ms. */
bool ta_pump(ta_desk *d, bool (*pred)(const client_view *), int timeout_ms);
/* The same for ms milliseconds. */
void ta_run(ta_desk *d, int ms);
/* Taps the target labelled `label` in the last frame; false (said on stderr) when none. */
bool ta_tap(ta_desk *d, const char *label);
/* Presses the target `label` (the mouse's left button), or lets it go. */
bool ta_press(ta_desk *d, const char *label);
void ta_release(ta_desk *d);
/* Whether a text of the last frame contains `needle`. */
bool ta_drawn(ta_desk *d, const char *needle);
/* Writes the last frame as appliance-<W>x<H>-<state>.png; with rules, checks it first (a
 * problem is a check failure, listed on stderr). */
void ta_shot(ta_desk *d, const char *state, const ui_rules *rules);

#endif
