/* Shared by the files of app/appliance only: the appliance's state, its layout and its drawing
 * helpers (appliance.c), and the safety alarm's part of the screen (appliance_alarm.c). */
#ifndef BORNE_APPLIANCE_INTERNAL_H
#define BORNE_APPLIANCE_INTERNAL_H

#include "borne/appliance.h"
#include "borne/speech.h"
#include "borne/ui_text.h"
#include "borne/ui_widget.h"

enum {
    B_CALL = 1, B_RECALL, B_START, B_NO_SHOW, B_TRANSFER, B_OPEN, B_PAUSE,
    B_CLOSE, B_CANCEL, B_DETAILS, B_BACK,
    B_PARTNER_OTHER, B_PARTNER_MORE,   /* the partner picker: not said, next page */
    B_ALARM,                     /* press and hold: raise */
    B_ALARM_CLEAR, B_ALARM_CANCEL, B_ALARM_HIDE,
    B_AGENT_SEEN,                /* a visitor asked for an agent: this desk goes */
    B_ACK0 = 40,                 /* + lan_alarm_ack */
    B_REASON0 = 50,              /* + index of the clear reason */
    B_OUTCOME0 = 60,             /* + lan_outcome: finish the visit so */
    B_CHANNEL0 = 70,             /* + contract_channel: one contact by that channel */
    B_SERVICE0 = 100,            /* + index of the service in the view: transfer target */
    B_PARTNER0 = 200,            /* + index of the partner in the view: referred to it */
};
_Static_assert(B_OUTCOME0 + LAN_OUTCOME_COUNT <= B_CHANNEL0 && B_CHANNEL0 + CONTRACT_CHANNELS_N < B_SERVICE0 &&
                   B_SERVICE0 + LAN_MAX_SERVICES <= B_PARTNER0,
               "button ids do not overlap");

/* The alarm's part of the appliance (appliance_alarm.c). */
typedef struct appliance_alarm {
    speech_sdl audio;            /* the device when no test sink was given */
    speech *speech;              /* the tone; NULL: silent (no audio device) */
    uint64_t hold_since;         /* SDL ticks when the press began; 0: not held */
    bool hold_by_key;            /* Ctrl+Alt+A rather than the button */
    uint64_t rung_at;            /* SDL ticks of the last tone; 0: not ringing */
    bool clearing;               /* the raiser chooses the reason */
    int64_t hidden[LAN_ALARMS_MAX];   /* cleared alarms this desk put away */
    char hidden_message[CLIENT_MSG_MAX];
} appliance_alarm;

struct appliance {
    ui *ui;
    client *client;
    int counter_id;
    client_view view;
    bool picking;       /* transfer: choosing the service */
    bool partnering;    /* a referral: choosing the partner */
    int partner_page;   /* of the partner picker, when the partners take more than one */
    bool details;       /* compact panel: the waiting list and the note instead of the visitor */
    appliance_alarm alarm;
};

typedef struct layout {
    bool compact;
    int pad, gap;
    SDL_Rect current, buttons, side;   /* side.w == 0 on a compact panel */
    SDL_Rect rows[3];                   /* of buttons: the visit, what the desk records, the desk */
    double cap;                         /* button labels */
} layout;

void appliance_text(appliance *a, SDL_Rect box, const char *s, double cap_mm, bool bold,
                    SDL_Color fg, ui_align align);
/* The largest cap height (<= max_mm) whose lines fill at most `fill` of the box's height. */
double appliance_cap_for(appliance *a, SDL_Rect box, double max_mm, double fill);
void appliance_button(appliance *a, const layout *l, int id, SDL_Rect r, const char *label,
                      ui_button_kind kind);
/* Cell i of n in row r, with gaps of gap pixels. */
SDL_Rect appliance_cell(SDL_Rect r, int i, int n, int gap);

/* appliance_agent.c: the kiosk's "speak to an agent" in the visitor's place until a desk goes. */
bool appliance_agent_shown(const appliance *a);
void appliance_agent_draw(appliance *a, const layout *l);

/* appliance_alarm.c. init: the tone's sink (o->sink, or the SDL device; none: silent, logged).
 * Returns 0, or -1 with errbuf set. */
int appliance_alarm_init(appliance *a, const appliance_options *o, char *errbuf, size_t errlen);
void appliance_alarm_fini(appliance *a);
/* Feeds an event after ui_input() returned `id`: the hold (button or Ctrl+Alt+A) and the alarm's
 * buttons. Returns whether the screen changed. */
bool appliance_alarm_event(appliance *a, const SDL_Event *e, int id);
bool appliance_alarm_tick(appliance *a);
int appliance_alarm_next_ms(appliance *a);
/* Whether the alarm takes the visitor's panel and the first button row. */
bool appliance_alarm_shown(appliance *a);
void appliance_alarm_draw_panel(appliance *a, const layout *l);
/* The alarm's buttons in the first of the n rows given (all of them while the raiser picks a
 * reason); returns the number of rows it took. */
int appliance_alarm_draw_rows(appliance *a, const layout *l, const SDL_Rect *rows, int n);
/* The discreet "Alerte" button in r, with the hold's progress. */
void appliance_alarm_draw_control(appliance *a, const layout *l, SDL_Rect r);

#endif
