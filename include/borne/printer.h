/* Ticket printer driver: a state machine on its own thread with a job queue, over a transport
 * (libserialport, or an in-memory fake in tests). The caller never blocks: printer_submit()
 * returns at once; the job's outcome and every state change arrive through callbacks, which
 * run on the printer thread (a UI forwards them with SDL_PushEvent, which is thread-safe).
 *
 * Text in printer_ticket is UTF-8; it is converted to the printer's code page and stripped of
 * control bytes by the encoder (escpos.h), at the printer edge only. */
#ifndef BORNE_PRINTER_H
#define BORNE_PRINTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct printer printer;

typedef enum printer_state {
    PRINTER_UNPLUGGED = 0,   /* device absent or gone; retried every 1-2 s */
    PRINTER_PROBING,         /* starting, or port open and waiting for a valid status reply */
    PRINTER_READY,
    PRINTER_NEAR_END,        /* paper near end: prints, but someone should change the roll */
    PRINTER_PRINTING,
    PRINTER_PAPER_OUT,
    PRINTER_COVER_OPEN,
    PRINTER_CUTTER_ERROR,
    PRINTER_OFFLINE,         /* port open but no valid status reply */
} printer_state;

const char *printer_state_name(printer_state s);   /* "ready", "paper_out", ... */
/* True when a ticket submitted now is expected to print (ready, near end, printing). */
bool printer_state_can_print(printer_state s);

typedef enum printer_flow { PRINTER_FLOW_NONE = 0, PRINTER_FLOW_RTSCTS, PRINTER_FLOW_XONXOFF } printer_flow;

/* A 1-bit picture printed at twice its size both ways (GS v 0, mode 3): the ticket number drawn
 * in the screen's typeface, so screen and paper show the same letter shapes for a quarter of the
 * bytes a full-resolution picture would take on the serial line. Rows of width_bytes bytes, the
 * leftmost dot in the most significant bit, 1 = ink. */
#define PRINTER_ART_MAX_BYTES 3456   /* 288 x 96 dots: 576 x 192 printed, the widest paper */
typedef struct printer_art {
    uint16_t width_bytes, height;    /* 0 x 0: no picture */
    uint8_t bits[PRINTER_ART_MAX_BYTES];
} printer_art;

/* What a ticket says. Fixed-size copies so a queued job owns its text. */
typedef struct printer_ticket {
    char antenne[96];     /* header: antenne name */
    char label[16];       /* "A042", printed very large */
    printer_art label_art;/* label drawn by the caller in the screen's typeface; when empty or
                           * wider than the paper, label is printed in the printer's own font */
    char service[96];     /* service label */
    char when[64];        /* date and time, formatted by the caller in the visitor's language */
    char ahead[96];       /* "3 personnes avant vous" */
    char wait[96];        /* "Attente estimée : 10 à 20 min" */
    char message[256];    /* short message, may be empty */
    char qr[128];         /* QR payload, empty = none */
} printer_ticket;

/* At most one slip per number: a job is reprinted only when the driver knows its ticket did
 * not come out whole (see escpos.h, the completion marker). */
typedef enum printer_job_result {
    PRINTER_JOB_PRINTED = 0,     /* the printer confirmed the cut (its completion marker came
                                  * back); a fault right after it shows in the state */
    PRINTER_JOB_FAILED,          /* fault or unplug; not reprinted (config) */
    PRINTER_JOB_TIMEOUT,         /* flow control stalled, no answer came, or the device went
                                  * away after the ticket could have reached it: whether it
                                  * printed is unknown, so it is never reprinted */
    PRINTER_JOB_REPRINTING,      /* the printer stopped, or the device went away, before the
                                  * cut; will be reprinted whole after recovery */
} printer_job_result;

typedef void (*printer_state_fn)(printer_state state, void *ctx);
typedef void (*printer_job_fn)(uint64_t job_id, printer_job_result result, void *ctx);

typedef struct printer_config {
    char device[256];          /* /dev/ttyUSB0, /dev/borne-printer, /dev/serial/by-id/... */
    int baud;                  /* 9600 .. 115200 */
    /* The printer's own line rate when it differs from `baud` (an adapter at 38400 in front of
     * a printer set to 1200, the two meeting through flow control); 0 = the same. Every
     * deadline counts the bytes at the slower of the two, so a slow printer still printing a
     * ticket is never taken for a failed one (and sent it again). */
    int line_baud;
    printer_flow flow;
    char model[32];            /* profile name: "epson-tm-t20", "generic-pc858", ... */
    bool reprint_after_fault;  /* reprint a ticket interrupted by a fault once it clears */
    int probe_interval_ms;     /* status re-probe period when idle; 0 → 1000 */
} printer_config;

struct printer_transport_ops;  /* transport.h: the ops table, for tests and the emulator */

typedef struct printer_callbacks {
    printer_state_fn on_state;
    printer_job_fn on_job;
    void *ctx;
} printer_callbacks;

/* Starts the printer thread. `transport` NULL = libserialport on cfg->device. On success
 * *out owns the driver: stop and free with printer_stop(). */
int printer_start(printer **out, const printer_config *cfg, const struct printer_transport_ops *transport,
                  void *transport_ctx, const printer_callbacks *cb);
/* Queues a ticket; returns at once. *job_id (may be NULL) identifies it in on_job. Returns 0,
 * or -EAGAIN when the queue is full, -EINVAL on a bad ticket. */
int printer_submit(printer *p, const printer_ticket *t, uint64_t *job_id);
/* Queues a test page (admin screen). */
int printer_submit_test(printer *p, uint64_t *job_id);
printer_state printer_get_state(const printer *p);
void printer_stop(printer *p);

#endif
