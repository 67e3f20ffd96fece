/* The printer's byte pipe, as an ops table (the driver never knows whether it talks to a serial
 * port, the emulator's pty or an in-memory fake). Every op returns a count or 0 on success and
 * a negative errno on failure; -ENODEV means the device is gone (unplugged): the driver then
 * closes it and retries open() every 1-2 s. No op may block longer than the timeout it gets. */
#ifndef BORNE_TRANSPORT_H
#define BORNE_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "borne/printer.h"

struct printer_transport_ops {
    /* Opens `device` at `baud` 8N1 with `flow`. 0, -ENOENT (absent), -EBUSY, -EINVAL, ... */
    int (*open)(void *ctx, const char *device, int baud, printer_flow flow);
    void (*close)(void *ctx);
    /* Writes up to len bytes, waiting at most timeout_ms (> 0) for room. Returns the number
     * written (0 when flow control held the line the whole time) or -errno. */
    int (*write)(void *ctx, const uint8_t *buf, size_t len, int timeout_ms);
    /* Reads up to cap bytes, waiting at most timeout_ms (> 0) for the first. Returns the count
     * (0 on timeout) or -errno. */
    int (*read)(void *ctx, uint8_t *buf, size_t cap, int timeout_ms);
    /* Discards unread input and unsent output. */
    int (*flush)(void *ctx);
    /* Bytes written but not yet on the wire, or -errno. */
    int (*output_pending)(void *ctx);
};

/* libserialport on a real port (or the emulator's pty through the test shim). The context is
 * created by printer_serial_new() and freed by printer_serial_free() (closes it if open). */
extern const struct printer_transport_ops printer_serial_ops;
void *printer_serial_new(void);
void printer_serial_free(void *ctx);

/* In-memory fake for unit tests: a scripted printer. Replies to DLE EOT n from its status
 * bytes, records everything written, and injects faults. Thread-safe: the test thread scripts
 * it while the printer thread uses it. */
typedef struct printer_fake printer_fake;
extern const struct printer_transport_ops printer_fake_ops;
printer_fake *printer_fake_new(void);
void printer_fake_free(printer_fake *f);
/* Reply byte for DLE EOT n (1..4); defaults are the "all fine" values 0x12. */
void printer_fake_set_status(printer_fake *f, uint8_t n, uint8_t reply);
/* While set, DLE EOT gets no reply (printer off or wrong baud). */
void printer_fake_set_silent(printer_fake *f, bool silent);
/* While set, open() fails with -ENOENT and an open fake fails every op with -ENODEV. */
void printer_fake_set_unplugged(printer_fake *f, bool unplugged);
/* While set, write() accepts nothing (flow control held) and returns 0 after its timeout. */
void printer_fake_set_stalled(printer_fake *f, bool stalled);
/* Appends bytes the printer "sends" spontaneously (garbage, ASB frames). */
void printer_fake_push_input(printer_fake *f, const uint8_t *buf, size_t len);
/* Copies what was written since the last call (real-time queries included) into out, up to
 * cap bytes, and forgets it. Returns the count. */
size_t printer_fake_take_output(printer_fake *f, uint8_t *out, size_t cap);
/* How many times open() succeeded. */
int printer_fake_open_count(printer_fake *f);

/* The fake models the print engine as far as the completion marker needs (escpos.h): it
 * prints what it receives while its status allows (no paper out, cover open or cutter error),
 * holds it otherwise, and answers a marker once everything before it is printed (a marker
 * right after a cut is answered even by a stopped printer). */
typedef enum printer_fake_fault {
    PRINTER_FAKE_PAPER_OUT = 1,  /* DLE EOT 2 says paper stop, 4 says paper out */
    PRINTER_FAKE_UNPLUG,         /* as printer_fake_set_unplugged(true); the rest of the write is lost */
} printer_fake_fault;
/* Once the bytes written end with `bytes` (1..8 bytes), `fault` happens there, once: e.g. the
 * paper runs out right after the cut. */
void printer_fake_fault_after(printer_fake *f, const uint8_t *bytes, size_t len, printer_fake_fault fault);

#endif
