/* The kiosk's state, shared by kiosk.c (events, time, rendering), the scene manager
 * (kiosk_scene.c) and the scenes (scenes/scene_*.c). Not public. */
#ifndef BORNE_KIOSK_INTERNAL_H
#define BORNE_KIOSK_INTERNAL_H

#include "borne/kiosk.h"
#include "borne/ui.h"
#include "borne/ui_i18n.h"
#include "kiosk_keys.h"

#define KIOSK_MAX_LANGS CONFIG_LANGS_MAX
#define KIOSK_LAST_CALLS 3
#define KIOSK_PIN_TRIES 3
#define KIOSK_LOCKOUT_S 300
#define KIOSK_RESULT_S 15        /* result screen, ticket printed */
#define KIOSK_RESULT_FAIL_S 60   /* result screen when the printer failed: time to note it */
#define KIOSK_THANKS_S 12        /* thank-you screen, with the optional service question */
#define KIOSK_IDLE_WARN_S 20     /* the idle warning shows this long before the reset (WCAG 2.2.1) */
#define KIOSK_STACK_MAX 8        /* back stack depth: home → services → public is 3 */

/* Target ids. Families take a base plus an index. */
enum {
    T_TAKE = 1, T_APPOINTMENT, T_FEEDBACK, T_LANG, T_BACK, T_HOME,
    T_PRIORITY, T_KEY_ERASE, T_KEY_BACKSPACE, T_KEY_OK, T_TAKE_NORMAL, T_MORE_TIME, T_DONE,
    T_ADMIN_TEST, T_ADMIN_RESET, T_ADMIN_CLOSE, T_ADMIN_KEEP,
    T_LARGE_TEXT, T_PAGE_PREV, T_PAGE_NEXT, T_LETTERS, T_KEY_HYPHEN, T_AGENT,
    T_SERVICE = 100,      /* + index in setup */
    T_PUBLIC = 200,       /* + queue_public */
    T_KEY = 300,          /* + digit */
    T_WEATHER = 400,      /* + level 1..5 */
    T_LANG_ROW = 500,     /* + index in langs */
    T_REASON = 600,       /* + CONTRACT_REASON_* */
    T_LETTER = 700,       /* + 0..25: A..Z */
};

typedef enum print_status { PRINT_NONE = 0, PRINT_PENDING, PRINT_DONE, PRINT_FAILED, PRINT_WAITING } print_status;

typedef struct last_call {
    char label[8];
    char counter[QUEUE_LABEL_MAX];
} last_call;

struct kiosk {
    const borne_config *cfg;
    queue *q;
    printer *p;
    ui *ui;
    borne_clock clock;
    char screens_dir[512];
    int shots;

    ui_catalog *langs[KIOSK_MAX_LANGS];   /* offered, in the config's order */
    int n_langs, lang, default_lang;
    ui_catalog *french;                   /* where a missing key is looked up; may be in langs */
    char lang_problem[256];               /* catalogs that did not load (file:line: why) */
    queue_setup setup;

    kiosk_screen screen;
    kiosk_screen stack[KIOSK_STACK_MAX];  /* the scenes Back returns to, oldest first */
    int depth;
    int64_t screen_at_ms, input_at_ms;
    bool dirty, shot_pending;
    int drawn_minute;                     /* minute of day shown by the clock */
    int rollover_minute;                  /* minute of the last queue_rollover() */
    int purge_yday;                       /* local day of the last queue_purge(), -1 = none */
    bool (*clock_trusted)(int64_t now_s, void *ctx);
    void *clock_trusted_ctx;
    int (*apply_business)(void *ctx, queue *q, int64_t now_s); /* kiosk_options */
    void *apply_business_ctx;
    void (*ask_agent)(void *ctx);         /* kiosk_options */
    void *ask_agent_ctx;
    bool clock_ok;                        /* latched once clock_trusted() said yes */
    /* sound and speech (kiosk_access.c) */
    speech *speech;                       /* NULL: silent (no audio device) */
    speech_sdl audio;
    char audio_problem[160];              /* why the kiosk is silent, for the admin screen */
    char voice_problem[96];               /* languages spoken with the French voice */
    bool speech_on, headset, large;
    /* A list longer than the screen (service tiles in large text) shows by pages: the page asked
     * for, and what the last frame drew: whether it paged, the services on the page, whether
     * more pages follow. */
    int page, tile_first, tile_n;
    bool tile_paged, tile_more;
    bool lang_row;                        /* home's last frame drew the row of languages (else the
                                             button to the language scene) */
    bool home_no_feedback;                /* home left "give feedback" out (large text, 7-inch, printer
                                             banner) */
    int volume_pct;
    struct kiosk_headset *headset_watch;
    struct kiosk_keypad *keypad;          /* [keypad] device reader, NULL: the keys SDL delivers */
    /* why the configured keypad is not there, for the admin screen ("" when it is) */
    char keypad_problem[CONFIG_PATH_MAX + 96];
    char swallow_text;                    /* the digit a key press typed: its text event is ignored */

    /* ticket flow */
    int service;                          /* index in setup.services, -1 none */
    queue_public public_type;
    bool priority;
    queue_issued issued;
    bool issued_ok, issued_appointment;
    bool no_desk_open;                    /* no open desk serves the issued ticket's service yet */
    print_status print;
    bool printed_french;                  /* the printer could not print the session's language */
    uint64_t job;
    int64_t result_until_ms;

    /* check-in */
    char code[QUEUE_CODE_MAX];
    int checkin_err;
    queue_appointment appt;               /* the code's appointment (at 0: unknown code) */
    char appt_label[8];                   /* "Déjà enregistrée": the number it was given, "" none */

    int fb_level;                         /* feedback given, committed when the thank-you ends; 0 none */
    int fb_reason;                        /* why (rain, storm): CONTRACT_REASON_*, 0 none */
    bool agent_asked;                     /* the visitor asked to speak to an agent */

    /* admin */
    int corner_taps;
    int64_t corner_first_ms;
    char pin[16];
    int pin_wrong;
    int64_t locked_until_ms;
    bool reset_armed;
    int reset_done;                       /* tickets cancelled by the last reset, -1 none */
    int admin_issued, admin_waiting, admin_served;

    last_call calls[KIOSK_LAST_CALLS];
    int n_calls;
    int64_t last_event;
    bool open;
    int64_t next_open;
};

int64_t kiosk_now_ms(const kiosk *k);
int64_t kiosk_now_s(const kiosk *k);
const char *kiosk_tr(const kiosk *k, const char *key);
/* The same in catalog c (the printed ticket may be in French while the screen is not). */
const char *kiosk_tr_in(const kiosk *k, const ui_catalog *c, const char *key);
/* Service label in the current language, or in c's. */
const char *kiosk_service_label(const kiosk *k, int index);
const char *kiosk_service_label_in(const kiosk *k, const ui_catalog *c, int index);
/* The enabled services in display order (indexes in setup); returns how many. */
int kiosk_services_shown(const kiosk *k, int idx[QUEUE_MAX_SERVICES]);
/* The session goes on in langs[i] until it ends. */
void kiosk_set_language(kiosk *k, int i);
/* Name of langs[i] in that language ("Deutsch", "العربية"). */
const char *kiosk_language_name(const kiosk *k, int i);
/* Five taps within 4 s in the top-left corner open the PIN scene; true when this tap did. */
bool kiosk_admin_corner(kiosk *k, int x, int y);
/* Sound and speech (kiosk_access.c). */
void kiosk_access_open(kiosk *k, const kiosk_options *opt);
void kiosk_access_close(kiosk *k);
/* The session's language changed: its voice is loaded ahead of the first sentence. */
void kiosk_access_language(kiosk *k);
/* The visitor acted (key, tap): what is spoken stops, a click sounds. */
void kiosk_access_input(kiosk *k);
void kiosk_access_scene_entered(kiosk *k);
void kiosk_access_focus(kiosk *k);
/* A character was typed on a code scene; `secret`: never spoken (the admin PIN). */
void kiosk_access_typed(kiosk *k, char c, bool secret);
void kiosk_access_tone(kiosk *k, speech_tone tone);
void kiosk_access_key(kiosk *k, keypad_action a);
void kiosk_access_session_end(kiosk *k);
const char *kiosk_audio_problem(const kiosk *k);
const char *kiosk_voice_problem(const kiosk *k);
const char *kiosk_lang_problem(const kiosk *k);

/* The evdev headset jack watcher (kiosk_headset.c): a thread that forwards SW_HEADPHONE_INSERT as
 * SDL events kiosk_handle_event() consumes. NULL when the board has no jack. */
struct kiosk_headset *kiosk_headset_start(const char *input_dir, bool *plugged_now);
void kiosk_headset_stop(struct kiosk_headset *h);
/* Whether e is the watcher's event; *plugged is then its state. */
bool kiosk_headset_event(const SDL_Event *e, bool *plugged);

/* The [keypad] device reader (kiosk_keypad.c): a thread forwarding its key presses as SDL events.
 * A missing device is written into problem (the kiosk serves by touch; the thread opens it again
 * when it is plugged in); NULL when none is configured or the thread cannot start (problem says). */
struct kiosk_keypad *kiosk_keypad_start(const char *path, char *problem, size_t problem_len);
void kiosk_keypad_stop(struct kiosk_keypad *kp);
/* Whether e is the reader's event: *code is then the evdev key pressed, or -1 when the device came
 * or went (k->keypad_problem updated). */
bool kiosk_keypad_event(kiosk *k, const SDL_Event *e, int *code);

/* Marks the screen for redrawing. */
void kiosk_dirty(kiosk *k);
/* Clears the flow of the current visit (service chosen, code typed, feedback, PIN). */
void kiosk_reset_flow(kiosk *k);
/* The session is over (done, timeout, idle): commits the feedback, forgets the flow and the
 * session's language, and shows home (or closed). */
void kiosk_session_end(kiosk *k);

/* Ticket flow (kiosk_ticket.c): after a service (and the optional questions), issue and print. */
void kiosk_after_service(kiosk *k);
void kiosk_issue(kiosk *k);
/* Prints k->issued and sets the result screen's hold time. */
void kiosk_print_issued(kiosk *k);
/* "3 personnes avant vous", "Attente estimée : 10 à 15 min" for k->issued; the wait says that no
 * desk is open yet rather than promise minutes while none is. */
void kiosk_ticket_figures(const kiosk *k, char *ahead, size_t ahead_n, char *wait, size_t wait_n);
/* The issued ticket's service label in the session's language ("" when unknown). */
const char *kiosk_ticket_service(const kiosk *k);
/* The same with the priority mark for a priority ticket ("Aides individuelles · prioritaire"):
 * the line printed on the ticket and spoken. */
void kiosk_ticket_service_line(const kiosk *k, char *out, size_t n);
/* The ticket as spoken: number, service, people ahead, wait. */
void kiosk_ticket_words(const kiosk *k, char *out, size_t n);
/* The print status line ("Votre ticket est imprimé : prenez-le.", and where the ticket came out
 * in French, a sentence saying so). */
void kiosk_print_message(const kiosk *k, char *out, size_t n);
/* "10:30" for a time, in the antenne's zone. */
void kiosk_hhmm(int64_t at, char out[8]);
/* "Rendez-vous à 10:30, Guichet 2" for the checked-in appointment k->appt (screen, paper, speech). */
void kiosk_appointment_line(const kiosk *k, char *out, size_t n);
/* Types one character of the appointment code (k->code), spoken as typed; kiosk_code_type: the
 * characters a code may hold from a text typed or scanned. */
void kiosk_code_append(kiosk *k, char c);
void kiosk_code_type(kiosk *k, const char *text);
/* Records the feedback given (fb_level) with the optional service letter (0: none). */
void kiosk_commit_feedback(kiosk *k, char service);

#endif
