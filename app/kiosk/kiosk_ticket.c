/* The ticket flow: issuing, printing, and the words of a ticket on screen, paper and speech. */
#include "kiosk_scene.h"

#include "borne/escpos.h"
#include "borne/log.h"
#include "borne/ui_text.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

BORNE_LOG_MODULE("kiosk");

void kiosk_hhmm(int64_t at, char out[8])
{
    time_t t = (time_t)at;
    struct tm tm;
    localtime_r(&t, &tm);
    snprintf(out, 8, "%02d:%02d", tm.tm_hour % 24, tm.tm_min % 60);
}

static void appointment_line_in(const kiosk *k, const ui_catalog *c, char *out, size_t n)
{
    char when[8];
    kiosk_hhmm(k->appt.at, when);
    const char *desk = kiosk_tr_in(k, c, "checkin.any_desk");
    for (int i = 0; i < k->setup.n_counters; i++)
        if (k->issued.ticket.counter_id && k->setup.counters[i].id == k->issued.ticket.counter_id)
            desk = k->setup.counters[i].name;
    ui_format(out, n, kiosk_tr_in(k, c, "result.appointment_at"), "time", when, "desk", desk, (const char *)NULL);
}

void kiosk_appointment_line(const kiosk *k, char *out, size_t n)
{
    appointment_line_in(k, k->langs[k->lang], out, n);
}

static void figures_in(const kiosk *k, const ui_catalog *c, char *ahead, size_t ahead_n, char *wait, size_t wait_n)
{
    const queue_issued *is = &k->issued;
    char n[16], lo[16], hi[16];
    snprintf(n, sizeof n, "%d", is->people_ahead);
    snprintf(lo, sizeof lo, "%d", is->wait_min_lo);
    snprintf(hi, sizeof hi, "%d", is->wait_min_hi);
    const char *ahead_key = is->people_ahead == 0   ? "result.ahead.0"
                            : is->people_ahead == 1 ? "result.ahead.1"
                                                    : "result.ahead.n";
    ui_format(ahead, ahead_n, kiosk_tr_in(k, c, ahead_key), "n", n, (const char *)NULL);
    if (k->issued_appointment) {
        /* The appointment's time and desk matter more than an estimate. */
        appointment_line_in(k, c, wait, wait_n);
        return;
    }
    const char *wait_key = k->no_desk_open                     ? "result.no_desk"
                           : is->wait_min_lo == is->wait_min_hi ? "result.wait.one"
                                                                : "result.wait";
    ui_format(wait, wait_n, kiosk_tr_in(k, c, wait_key), "lo", lo, "hi", hi, (const char *)NULL);
}

void kiosk_ticket_figures(const kiosk *k, char *ahead, size_t ahead_n, char *wait, size_t wait_n)
{
    figures_in(k, k->langs[k->lang], ahead, ahead_n, wait, wait_n);
}

static const char *service_in(const kiosk *k, const ui_catalog *c)
{
    for (int i = 0; i < k->setup.n_services; i++)
        if (k->setup.services[i].letter == k->issued.ticket.service)
            return kiosk_service_label_in(k, c, i);
    return "";
}

static void service_line_in(const kiosk *k, const ui_catalog *c, char *out, size_t n)
{
    if (k->issued.ticket.priority)
        ui_format(out, n, kiosk_tr_in(k, c, "ticket.priority_service"), "service", service_in(k, c), (const char *)NULL);
    else
        snprintf(out, n, "%s", service_in(k, c));
}

const char *kiosk_ticket_service(const kiosk *k)
{
    return service_in(k, k->langs[k->lang]);
}

void kiosk_ticket_service_line(const kiosk *k, char *out, size_t n)
{
    service_line_in(k, k->langs[k->lang], out, n);
}

/* "Votre numéro : A 42, aides individuelles, 3 personnes avant vous, attente 10 à 15 minutes":
 * the letter apart from the number so that the voice says "A 42", not "a quarante-deux" run
 * together or "A zero zero four two". */
void kiosk_ticket_words(const kiosk *k, char *out, size_t n)
{
    if (!k->issued_ok) {
        snprintf(out, n, "%s", kiosk_tr(k, "result.issue_failed"));
        return;
    }
    const char *label = k->issued.ticket.label;
    char spaced[16];
    size_t letters = strcspn(label, "0123456789");
    const char *digits = label + letters;
    while (*digits == '0' && digits[1])
        digits++;
    snprintf(spaced, sizeof spaced, "%.*s %s", (int)letters, label, digits);
    char ahead[96], wait[96];
    kiosk_ticket_figures(k, ahead, sizeof ahead, wait, sizeof wait);
    char service[160];
    kiosk_ticket_service_line(k, service, sizeof service);
    ui_format(out, n, kiosk_tr(k, "speech.ticket"), "label", spaced, "service", service, "ahead", ahead, "wait", wait,
              (const char *)NULL);
}

void kiosk_print_message(const kiosk *k, char *out, size_t n)
{
    const char *key = k->print == PRINT_DONE      ? "result.printed"
                      : k->print == PRINT_FAILED  ? "result.print_failed"
                      : k->print == PRINT_WAITING ? "result.print_waiting"
                                                  : "result.printing";
    bool french = k->printed_french && (k->print == PRINT_DONE || k->print == PRINT_PENDING);
    snprintf(out, n, "%s%s%s", kiosk_tr(k, key), french ? " " : "", french ? kiosk_tr(k, "result.ticket_french") : "");
}

/* The feedback is given by the one tap on a weather picture; the optional service asked on the
 * thank-you screen is attached when that screen ends, however it ends. */
void kiosk_commit_feedback(kiosk *k, char service)
{
    if (k->fb_level)
        queue_feedback(k->q, kiosk_now_s(k), k->fb_level, service, k->fb_reason);
    k->fb_level = 0;
    k->fb_reason = CONTRACT_REASON_NONE;
}


static void ticket_in(const kiosk *k, const ui_catalog *c, printer_ticket *t)
{
    const queue_issued *is = &k->issued;
    memset(t, 0, sizeof *t);
    snprintf(t->antenne, sizeof t->antenne, "%s", k->cfg->antenne.name);
    snprintf(t->label, sizeof t->label, "%s", is->ticket.label);
    service_line_in(k, c, t->service, sizeof t->service);
    time_t at = (time_t)is->ticket.issued_at;
    struct tm tm;
    localtime_r(&at, &tm);
    strftime(t->when, sizeof t->when, "%d/%m/%Y %H:%M", &tm);
    figures_in(k, c, t->ahead, sizeof t->ahead, t->wait, sizeof t->wait);
    bool fr = strcmp(ui_catalog_lang(c), "fr") == 0;
    snprintf(t->message, sizeof t->message, "%s", fr || !k->cfg->antenne.message_en[0] ? k->cfg->antenne.message_fr
                                                                                        : k->cfg->antenne.message_en);
}

/* Whether an open desk serves the issued ticket's service: the estimate means nothing before. */
static bool desk_open_for(kiosk *k, char service)
{
    queue_service_stats st[QUEUE_MAX_SERVICES + 1];
    int n = queue_service_stats_now(k->q, kiosk_now_s(k), st, QUEUE_MAX_SERVICES + 1);
    for (int i = 0; i < n; i++)
        if (st[i].letter == service)
            return st[i].open_counters > 0;
    return n < 0;   /* figures unreadable: say what the engine estimated */
}

static bool ticket_prints(escpos_charset cs, const printer_ticket *t)
{
    const char *fields[] = {t->antenne, t->service, t->when, t->ahead, t->wait, t->message};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (!escpos_can_print(cs, fields[i]))
            return false;
    return true;
}

/* The number on paper in the screen's bold typeface, 64 rows printed at 2x (16 mm at 8 dots/mm),
 * narrower when the paper asks: about 2 KB on the serial line, so a ticket takes about 1 s more
 * at 19,200 baud than in the printer's own font. */
int kiosk_number_art(kiosk *k, const char *label, printer_art *out)
{
    const escpos_profile *prof = escpos_profile_find(k->cfg->printer.model);
    int width_bytes = 0, height = 0;
    int rc = prof ? ui_text_bitmap(ui_get_fonts(k->ui), label, true, prof->dots / 2 - 8, 64, out->bits,
                                   sizeof out->bits, &width_bytes, &height)
                  : -1;
    out->width_bytes = (uint16_t)width_bytes;
    out->height = (uint16_t)height;
    return rc;
}

/* The ticket follows the visitor's language where the printer's code page has its letters
 * (French, English, Dutch, German, Spanish on both code pages); otherwise (Arabic) it is printed
 * in French with a first line saying so, and the screen tells the visitor in their language. */
static void format_ticket(kiosk *k, printer_ticket *t)
{
    ticket_in(k, k->langs[k->lang], t);
    if (kiosk_number_art(k, t->label, &t->label_art) != 0)
        log_warn("ticket %s: the number is printed in the printer's font, not the screen's", t->label);
    const escpos_profile *prof = escpos_profile_find(k->cfg->printer.model);
    k->printed_french = prof && !ticket_prints(prof->charset, t);
    if (!k->printed_french)
        return;
    printer_art art = t->label_art;
    ticket_in(k, k->french, t);
    char message[sizeof t->message];
    snprintf(message, sizeof message, "%s", t->message);
    /* The note first: the antenne's own message is what gets cut if both are too long. */
    size_t len = (size_t)snprintf(t->message, sizeof t->message, "%s", kiosk_tr_in(k, k->french, "result.ticket_french"));
    if (message[0] && len + 1 < sizeof t->message)
        snprintf(t->message + len, sizeof t->message - len, " %s", message);
    t->label_art = art;
}

void kiosk_print_issued(kiosk *k)
{
    k->no_desk_open = !desk_open_for(k, k->issued.ticket.service);
    k->print = PRINT_FAILED;
    k->printed_french = false;
    k->job = 0;
    if (k->p) {
        printer_ticket t;
        format_ticket(k, &t);
        bool can = printer_state_can_print(printer_get_state(k->p));
        /* Submitted even when the printer is in fault: the driver reprints after recovery if
         * configured; the screen says plainly that the ticket did not come out. */
        if (printer_submit(k->p, &t, &k->job) == 0)
            k->print = can ? PRINT_PENDING : PRINT_FAILED;
    }
    k->result_until_ms = kiosk_now_ms(k) + (int64_t)kiosk_result_hold_s(k) * 1000;
}

void kiosk_issue(kiosk *k)
{
    queue_issue_opts o = {.public_type = k->public_type, .priority = k->priority, .actor = "kiosk"};
    int rc = queue_issue(k->q, kiosk_now_s(k), k->setup.services[k->service].letter, &o, &k->issued);
    k->issued_ok = rc == QUEUE_OK;
    k->issued_appointment = false;
    if (rc == QUEUE_ECLOSED) {
        k->open = false;
        kiosk_session_end(k);
        return;
    }
    if (k->issued_ok)
        kiosk_print_issued(k);
    else
        k->result_until_ms = kiosk_now_ms(k) + (int64_t)KIOSK_RESULT_FAIL_S * 1000;
    kiosk_scene_replace(k, KIOSK_RESULT);
}

void kiosk_after_service(kiosk *k)
{
    /* The priority is a toggle on the services screen (ui.ask_priority), not a step: a walk-in
     * ticket is two taps whoever asks for priority. */
    if (k->screen == KIOSK_SERVICES && k->cfg->ui.ask_public_type)
        kiosk_scene_next(k, KIOSK_PUBLIC);
    else
        kiosk_issue(k);
}

