/*
 * mail.h — the mail outbox: pt_mail_enqueue (portal.h) renders
 * templates/mail/<name>.{subject,txt,html}.tpl into mail_outbox in the
 * caller's transaction; the job worker delivers it with libcurl over SMTP.
 *
 * Config ([mail]):
 *   smtp_url        smtp://host:port (or smtps://); required to deliver
 *   from            "Name <addr@example.com>" or "addr@example.com"; required
 *   username, password_file   AUTH (then STARTTLS is required too)
 *   starttls        yes|no (default no; yes whenever username is set)
 *   retry_seconds   first back-off after a failed delivery (default 30,
 *                   doubling, capped at 1 hour)
 *   max_attempts    deliveries tried before a message is marked failed
 *                   (default 20; it stays in mail_outbox, never deleted)
 *   timeout         seconds for one SMTP conversation (default 60)
 *
 * Addresses are plain ASCII (no SMTPUTF8): printable, no spaces, no
 * <>()[],;:"\ , one @, at most 254 bytes.
 */
#ifndef PT_MAIL_H
#define PT_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct pt_worker;

/* Claims due messages and delivers them: the number handled, or PT_E…. */
int pt_mail_deliver_due(struct pt_worker *w);
/* 'sending' rows older than stale_seconds (their worker died) → queued. */
int pt_mail_requeue_stale(struct pt_worker *w, unsigned stale_seconds);

/* ---- pure helpers, unit-tested ------------------------------------------ */

bool pt_mail_addr_ok(const char *addr);

/* Quoted-printable body (RFC 2045): CRLF lines of at most 76 characters;
 * LF or CRLF in the input are line breaks.  malloc'd, NULL on OOM. */
char *pt_mail_qp(const char *s, size_t len);
/* A header value: as is when printable ASCII, else RFC 2047 encoded words
 * (=?UTF-8?B?…?=, UTF-8 sequences never split) folded with CRLF SP.  CR and
 * LF in s become spaces.  malloc'd, NULL on OOM. */
char *pt_mail_header_text(const char *s);

struct pt_mail_msg {
    const char *from;          /* the configured "Name <addr>" */
    const char *to;
    const char *subject;
    const char *text;
    const char *html;          /* NULL: a text/plain message */
    const char *message_id;    /* "<…@…>" */
    const char *reply_to;      /* NULL, or an address (the brand's) */
    time_t      date;
};
/* The full RFC 5322 message, CRLF line ends.  malloc'd, NULL on OOM. */
char *pt_mail_build(const struct pt_mail_msg *m, size_t *len);
/* The bare address of "Name <addr>" (or of "addr") into buf; false if it is
 * not a valid address. */
bool pt_mail_from_addr(const char *from, char *buf, size_t len);

#endif
