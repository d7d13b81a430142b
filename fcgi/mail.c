/*
 * mail.c — the outbox (see mail.h): rendering and queueing in the caller's
 * transaction, MIME building, and delivery with libcurl's SMTP.
 *
 * A message is marked sent only after the server accepted it (curl returned
 * CURLE_OK for the whole conversation).  Any other outcome queues it again
 * with a back-off; only a permanent refusal of the address (550–553) or
 * running out of attempts marks it failed, and failed rows stay in the table.
 */
#include "mail.h"
#include "brand.h"
#include "queue.h"

#include "pt_config.h"
#include "db.h"
#include "jobs.h"
#include "portal.h"
#include "request.h"
#include "tpl.h"
#include "tplset.h"
#include "worker.h"
#include "arena.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAIL_SUBJECT_MAX 900

/* ---- addresses and encodings (pure) ------------------------------------- */

bool pt_mail_addr_ok(const char *addr)
{
    const char *at = NULL;
    size_t len = addr ? strlen(addr) : 0;

    if (len < 3 || len > 254)
        return false;
    for (const char *p = addr; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= ' ' || c >= 127 || strchr("<>()[],;:\"\\", c))
            return false;
        if (c == '@') {
            if (at)
                return false;
            at = p;
        }
    }
    return at && at > addr && at - addr <= 64 && at[1] != '\0' && at[1] != '.' &&
           addr[len - 1] != '.';
}

bool pt_mail_from_addr(const char *from, char *buf, size_t len)
{
    const char *lt = from ? strrchr(from, '<') : NULL, *gt;
    size_t n;

    if (from == NULL)
        return false;
    if (lt) {
        if ((gt = strchr(lt, '>')) == NULL || gt[1] != '\0')
            return false;
        n = (size_t)(gt - lt - 1);
        from = lt + 1;
    } else {
        n = strlen(from);
    }
    if (n >= len)
        return false;
    memcpy(buf, from, n);
    buf[n] = '\0';
    return pt_mail_addr_ok(buf);
}

char *pt_mail_qp(const char *s, size_t len)
{
    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);
    size_t col = 0;

    if (f == NULL)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\r' && i + 1 < len && s[i + 1] == '\n')
            continue;                               /* CRLF: the LF ends the line */
        if (c == '\n') {
            fputs("\r\n", f);
            col = 0;
            continue;
        }
        bool eol = i + 1 == len || s[i + 1] == '\n' || (s[i + 1] == '\r' && i + 2 < len &&
                                                      s[i + 2] == '\n');
        /* Trailing blanks would be stripped in transit: encode them. */
        bool enc = c == '=' || c > 126 || (c < 32 && c != '\t') ||
                   ((c == ' ' || c == '\t') && eol) || (c == '.' && col == 0);
        size_t w = enc ? 3 : 1;
        if (col + w > 75) {                         /* 75 + the soft break "=" = 76 */
            fputs("=\r\n", f);
            col = 0;
        }
        if (enc)
            fprintf(f, "=%02X", c);
        else
            fputc(c, f);
        col += w;
    }
    if (fclose(f) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

static bool mail_plain(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 32 || (unsigned char)*s > 126 || (s[0] == '=' && s[1] == '?'))
            return false;
    return true;
}

char *pt_mail_header_text(const char *s)
{
    size_t len = strlen(s), i = 0;
    char *out = NULL, *clean = strdup(s);
    size_t outlen = 0;
    FILE *f;

    if (clean == NULL)
        return NULL;
    for (char *p = clean; *p; p++)
        if (*p == '\r' || *p == '\n')
            *p = ' ';
    if (mail_plain(clean))
        return clean;
    if ((f = open_memstream(&out, &outlen)) == NULL) {
        free(clean);
        return NULL;
    }
    while (i < len) {
        size_t n = len - i < 45 ? len - i : 45;     /* 45 bytes → 60 base64 chars */
        while (n > 0 && i + n < len && ((unsigned char)clean[i + n] & 0xC0) == 0x80)
            n--;                                    /* never split a UTF-8 sequence */
        if (n == 0)
            n = len - i < 45 ? len - i : 45;
        unsigned char b64[64];
        EVP_EncodeBlock(b64, (const unsigned char *)clean + i, (int)n);
        fprintf(f, "%s=?UTF-8?B?%s?=", i ? "\r\n " : "", b64);
        i += n;
    }
    free(clean);
    if (fclose(f) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* RFC 5322 date in UTC, with English names whatever the locale. */
static void mail_date(time_t t, char *buf, size_t len)
{
    static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
                                        "Aug", "Sep", "Oct", "Nov", "Dec" };
    struct tm tm;

    gmtime_r(&t, &tm);
    snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7],
             tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
             tm.tm_sec);
}

/* From: with the display name encoded or quoted as needed. */
static int mail_from_header(FILE *f, const char *from)
{
    char addr[256], name[256];
    const char *lt = strrchr(from, '<');

    if (!pt_mail_from_addr(from, addr, sizeof(addr)))
        return PT_EINVAL;
    size_t n = lt ? (size_t)(lt - from) : 0;
    while (n > 0 && from[n - 1] == ' ')
        n--;
    if (n >= sizeof(name))
        n = sizeof(name) - 1;
    memcpy(name, from, n);
    name[n] = '\0';
    if (n == 0)
        return fprintf(f, "From: %s\r\n", addr) < 0 ? PT_EIO : 0;
    char *enc = pt_mail_header_text(name);
    if (enc == NULL)
        return PT_ENOMEM;
    bool quote = strcmp(enc, name) == 0 && strpbrk(name, "\"\\") == NULL &&
                 strpbrk(name, "()<>[]:;@,.") != NULL;
    fprintf(f, "From: %s%s%s <%s>\r\n", quote ? "\"" : "", enc, quote ? "\"" : "", addr);
    free(enc);
    return 0;
}

static bool mail_part(FILE *f, const char *boundary, const char *type, const char *body)
{
    char *qp = pt_mail_qp(body, strlen(body));

    if (qp == NULL)
        return false;
    fprintf(f, "--%s\r\nContent-Type: %s; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n%s\r\n", boundary, type, qp);
    free(qp);
    return true;
}

char *pt_mail_build(const struct pt_mail_msg *m, size_t *len)
{
    char date[64], boundary[64], *out = NULL, *subject = NULL;
    FILE *f = open_memstream(&out, len);
    bool ok = false;

    if (f == NULL)
        return NULL;
    mail_date(m->date, date, sizeof(date));
    /* "=_" never occurs in quoted-printable text: a safe boundary. */
    snprintf(boundary, sizeof(boundary), "=_pt_%.40s", m->message_id + 1);
    boundary[strcspn(boundary, "@>")] = '\0';
    if ((subject = pt_mail_header_text(m->subject)) == NULL ||
        fprintf(f, "Date: %s\r\n", date) < 0 || mail_from_header(f, m->from) != 0)
        goto out;
    fprintf(f, "To: %s\r\nSubject: %s\r\nMessage-ID: %s\r\nMIME-Version: 1.0\r\n", m->to,
            subject, m->message_id);
    if (m->reply_to && pt_mail_addr_ok(m->reply_to))
        fprintf(f, "Reply-To: %s\r\n", m->reply_to);
    if (m->html == NULL) {
        char *qp = pt_mail_qp(m->text, strlen(m->text));
        fprintf(f, "Content-Type: text/plain; charset=UTF-8\r\n"
                "Content-Transfer-Encoding: quoted-printable\r\n\r\n%s\r\n", qp ? qp : "");
        ok = qp != NULL;
        free(qp);
        goto out;
    }
    fprintf(f, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n"
            "This is a multi-part message in MIME format.\r\n", boundary);
    ok = mail_part(f, boundary, "text/plain", m->text) &&
         mail_part(f, boundary, "text/html", m->html) &&
         fprintf(f, "--%s--\r\n", boundary) > 0;
out:
    free(subject);
    if (fclose(f) != 0)
        ok = false;
    if (!ok) {
        free(out);
        out = NULL;
    }
    return out;
}

/* ---- queueing (pt_mail_enqueue, portal.h) ------------------------------- */

static unsigned mail_conf_uint(const struct pt_config *cfg, const char *key, unsigned dflt)
{
    const char *v = pt_config_value(cfg, "mail", key);
    char *end;
    unsigned long x;

    if (v == NULL)
        return dflt;
    errno = 0;
    x = strtoul(v, &end, 10);
    if (*v == '\0' || *end != '\0' || errno != 0 || x == 0 || x > 86400) {
        pt_log_warn("%s: [mail] %s = %s is not a usable number, using %u", __func__, key, v,
                    dflt);
        return dflt;
    }
    return (unsigned)x;
}

/* Expands templates/mail/<name>.<ext>.tpl (an absolute name: the cache's
 * search path is the default set's, the mail folder sits beside it). */
static int mail_render(struct pt_req *r, const char *name, const char *ext,
                       const json_t *vars, const json_t *globals, bool optional, char **out)
{
    char dir[PATH_MAX];
    struct pt_tpl_cache *cache = pt_tplsets_cache(r->w->tplsets, "default");
    size_t len;

    *out = NULL;
    if (cache == NULL || realpath(r->w->cfg->templates_dir, dir) == NULL) {
        pt_log_error("%s: request %s: no template set (templates_dir %s)", __func__, r->id,
                     r->w->cfg->templates_dir);
        return PT_EIO;
    }
    char *file = pt_printf(r, "%s/mail/%s.%s.tpl", dir, name, ext);
    if (file == NULL)
        return PT_ENOMEM;
    if (optional && !pt_tpl_cache_has(cache, file))
        return 0;
    if (pt_tpl_expand_view(cache, file, vars, globals, NULL, 0, out, &len) != 0) {
        pt_log_error("%s: request %s: template %s is missing or broken", __func__, r->id, file);
        return PT_EIO;
    }
    return 0;
}

/* ctemplate has no plain-text context, so subject and text templates use
 * the HTML one (every value escaped, CR/LF/tab in values turned to spaces:
 * no value can add a line) and the five entities it writes are decoded
 * back here.  Text templates must not spell entities themselves. */
static void mail_text_from_html(char *s)
{
    static const struct { const char *entity; char c; } ents[] = {
        { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&#39;", '\'' },
    };
    char *w = s;

    for (const char *p = s; *p;) {
        size_t i, n = sizeof(ents) / sizeof(ents[0]);

        for (i = 0; *p == '&' && i < n; i++)
            if (strncmp(p, ents[i].entity, strlen(ents[i].entity)) == 0)
                break;
        if (*p == '&' && i < n) {
            *w++ = ents[i].c;
            p += strlen(ents[i].entity);
        } else {
            *w++ = *p++;
        }
    }
    *w = '\0';
}

/* Subject: one line, trimmed, CR/LF removed (the template's own text too). */
static void mail_clean_subject(char *s)
{
    size_t n = strlen(s), start = 0;

    for (size_t i = 0; i < n; i++)
        if (s[i] == '\r' || s[i] == '\n' || s[i] == '\t')
            s[i] = ' ';
    while (start < n && s[start] == ' ')
        start++;
    while (n > start && s[n - 1] == ' ')
        n--;
    if (n - start > MAIL_SUBJECT_MAX)
        n = start + MAIL_SUBJECT_MAX;
    memmove(s, s + start, n - start);
    s[n - start] = '\0';
}

/* "<32 hex>@domain of the sender>" */
static char *mail_message_id(struct pt_req *r, const char *from_addr)
{
    unsigned char rnd[16];
    char hex[33];

    if (RAND_bytes(rnd, sizeof(rnd)) != 1)
        return NULL;
    for (size_t i = 0; i < sizeof(rnd); i++)
        snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
    return pt_printf(r, "<%s@%s>", hex, strchr(from_addr, '@') + 1);
}

static void mail_trim_lead(char *s)
{
    size_t lead = strspn(s, "\r\n");

    memmove(s, s + lead, strlen(s + lead) + 1);
}

struct mail_parts {
    char *subject, *text, *html;
};

static int mail_render_all(struct pt_req *r, const char *name, const char *brand_name,
                           json_t *vars, struct mail_parts *p)
{
    /* The platform's name unless the caller's vars say otherwise: a global
     * is what a template sees when the view lacks the name. */
    json_t *globals = json_object();
    int rc = PT_ENOMEM;

    if (json_object_set_new_nocheck(globals, "brand_name", json_string_nocheck(
            brand_name ? brand_name : r->w->cfg->platform_name)) != 0)
        goto out;
    if ((rc = mail_render(r, name, "subject", vars, globals, false, &p->subject)) != 0 ||
        (rc = mail_render(r, name, "txt", vars, globals, false, &p->text)) != 0 ||
        (rc = mail_render(r, name, "html", vars, globals, true, &p->html)) != 0)
        goto out;
    mail_text_from_html(p->subject);
    mail_text_from_html(p->text);
    mail_clean_subject(p->subject);
    /* The pragma line leaves a newline before the body. */
    mail_trim_lead(p->text);
    if (p->html)
        mail_trim_lead(p->html);
out:
    json_decref(globals);
    return rc;
}

/* "<brand sender name> <configured address>": the platform's address, the
 * brand's name (quotes and angle brackets dropped: the header is built
 * from this text later). */
static const char *mail_brand_sender(struct pt_req *r, const struct pt_brand *b,
                                     const char *addr)
{
    const char *name = b->mail_from_name ? b->mail_from_name : b->name;
    char *clean = name ? pt_strdup(r, name) : NULL;

    if (clean == NULL)
        return NULL;
    for (char *c = clean; *c; c++)
        if (strchr("<>\"\\\r\n", *c))
            *c = ' ';
    return pt_printf(r, "%s <%s>", clean, addr);
}

int pt_mail_enqueue(struct pt_req *r, const char *to, const char *template_name,
                    json_t *vars)
{
    const char *from = pt_config_value(r->w->cfg, "mail", "from");
    struct mail_parts p = { 0 };
    char from_addr[256], *mid;
    int rc = PT_EINVAL;

    if (!pt_mail_addr_ok(to) || template_name == NULL || *template_name == '\0' ||
        strspn(template_name, "abcdefghijklmnopqrstuvwxyz0123456789_") !=
            strlen(template_name) || (vars && !json_is_object(vars))) {
        pt_log_warn("%s: request %s: refused: invalid address or template name", __func__,
                    r->id);
        return PT_EINVAL;
    }
    if (!pt_mail_from_addr(from, from_addr, sizeof(from_addr))) {
        pt_log_error("%s: request %s: [mail] from is missing or invalid", __func__, r->id);
        return PT_EINVAL;
    }
    /* The recipient's brand: its name in the text (over what the caller
     * put in vars), its sender name and reply-to address. */
    const struct pt_brand *b = pt_brand_for_email(r, to);
    json_t *bvars = vars ? json_copy(vars) : json_object();
    if (bvars == NULL || (b && b->name &&
                          json_object_set_new(bvars, "brand_name", json_string(b->name)) != 0)) {
        json_decref(bvars);
        return PT_ENOMEM;
    }
    rc = mail_render_all(r, template_name, b ? b->name : NULL, bvars, &p);
    json_decref(bvars);
    if (rc != 0)
        goto out;
    const char *sender = b ? mail_brand_sender(r, b, from_addr) : from;
    if ((mid = mail_message_id(r, from_addr)) == NULL) {
        rc = PT_ENOMEM;
        goto out;
    }
    /* The caller's connection: inside pt_db_tx this commits or rolls back
     * with the action that sent it. */
    rc = pt_db_exec(r, "INSERT INTO mail_outbox (to_addr, from_addr, reply_to, subject, "
                    "body_text, body_html, message_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    PT_ARGS(PT_ARG_STR(to), PT_ARG_STR(sender ? sender : from),
                    PT_ARG_STR(b ? b->mail_reply_to : NULL), PT_ARG_STR(p.subject),
                    PT_ARG_STR(p.text), PT_ARG_STR(p.html), PT_ARG_STR(mid)), NULL, NULL);
out:
    free(p.subject);
    free(p.text);
    free(p.html);
    return rc;
}

/* ---- delivery ----------------------------------------------------------- */

struct mail_conf {
    const char *url, *user;
    char       *password;
    bool        tls;
    unsigned    retry, max_attempts, timeout;
};

static int mail_conf_load(const struct pt_config *cfg, struct mail_conf *mc)
{
    const char *pwfile = pt_config_value(cfg, "mail", "password_file");
    const char *tls = pt_config_value(cfg, "mail", "starttls");
    char buf[512] = "";

    memset(mc, 0, sizeof(*mc));
    mc->url = pt_config_value(cfg, "mail", "smtp_url");
    mc->user = pt_config_value(cfg, "mail", "username");
    mc->retry = mail_conf_uint(cfg, "retry_seconds", 30);
    mc->max_attempts = mail_conf_uint(cfg, "max_attempts", 20);
    mc->timeout = mail_conf_uint(cfg, "timeout", 60);
    /* Credentials never travel in clear: AUTH implies STARTTLS. */
    mc->tls = mc->user != NULL || (tls && strcmp(tls, "yes") == 0);
    if (mc->user && pwfile) {
        FILE *f = fopen(pwfile, "re");
        if (f == NULL || fgets(buf, sizeof(buf), f) == NULL) {
            pt_log_error("%s: cannot read [mail] password_file %s", __func__, pwfile);
            if (f)
                fclose(f);
            return PT_EIO;
        }
        fclose(f);
        buf[strcspn(buf, "\r\n")] = '\0';
        mc->password = strdup(buf);
        OPENSSL_cleanse(buf, sizeof(buf));
        if (mc->password == NULL)
            return PT_ENOMEM;
    }
    return 0;
}

static void mail_conf_free(struct mail_conf *mc)
{
    if (mc->password) {
        OPENSSL_cleanse(mc->password, strlen(mc->password));
        free(mc->password);
    }
}

struct mail_upload {
    const char *p;
    size_t      left;
};

static size_t mail_read_cb(char *buf, size_t size, size_t nmemb, void *arg)
{
    struct mail_upload *u = arg;
    size_t n = size * nmemb < u->left ? size * nmemb : u->left;

    memcpy(buf, u->p, n);
    u->p += n;
    u->left -= n;
    return n;
}

/* One SMTP conversation.  0 once the server accepted the message; else the
 * reason in why and *permanent when the server refused the address. */
static int mail_send(CURL *c, const struct mail_conf *mc, const char *from_addr,
                     const char *to, const char *msg, size_t len, bool *permanent,
                     char *why, size_t whylen)
{
    char errbuf[CURL_ERROR_SIZE] = "", mfrom[300];
    struct curl_slist *rcpt = curl_slist_append(NULL, to);
    struct mail_upload u = { msg, len };
    long code = 0;
    CURLcode rc;

    *permanent = false;
    if (rcpt == NULL) {
        snprintf(why, whylen, "out of memory");
        return PT_ENOMEM;
    }
    snprintf(mfrom, sizeof(mfrom), "<%s>", from_addr);
    curl_easy_setopt(c, CURLOPT_URL, mc->url);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, mfrom);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, mail_read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, &u);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)mc->timeout);
    curl_easy_setopt(c, CURLOPT_USE_SSL, (long)(mc->tls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
    if (mc->user) {
        curl_easy_setopt(c, CURLOPT_USERNAME, mc->user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, mc->password ? mc->password : "");
    }
    rc = curl_easy_perform(c);
    curl_slist_free_all(rcpt);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, NULL);
    if (rc == CURLE_OK)
        return 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    *permanent = code >= 550 && code <= 553;
    snprintf(why, whylen, "smtp: %s (%ld): %s", curl_easy_strerror(rc), code,
             errbuf[0] ? errbuf : "no detail");
    return PT_EIO;
}

/* The outbox as a work queue (queue.h). */
static const struct pt_queue mail_queue = {
    .claim_sql = "SELECT id FROM mail_outbox WHERE state = 'queued' AND "
                 "next_attempt_at <= NOW() ORDER BY next_attempt_at LIMIT 10 "
                 "FOR UPDATE SKIP LOCKED",
    .mark_sql = "UPDATE mail_outbox SET state = 'sending', locked_by = ?, "
                "locked_at = NOW(), attempts = attempts + 1 WHERE id = ?",
    .release_sql = "UPDATE mail_outbox SET state = 'queued', attempts = attempts - 1, "
                   "locked_by = NULL, locked_at = NULL WHERE id = ? AND locked_by = ? "
                   "AND state = 'sending'",
};

static int mail_finish(struct pt_req *r, const struct mail_conf *mc, const char *owner,
                       int64_t id, int64_t attempts, int result, bool permanent,
                       const char *why)
{
    if (result == 0)
        return pt_db_exec(r, "UPDATE mail_outbox SET state = 'sent', sent_at = NOW(), "
                          "last_error = NULL, locked_by = NULL, locked_at = NULL "
                          "WHERE id = ? AND locked_by = ?",
                          PT_ARGS(PT_ARG_INT(id), PT_ARG_STR(owner)), NULL, NULL);
    bool give_up = permanent || attempts >= (int64_t)mc->max_attempts;
    pt_log_warn("%s: message %lld attempt %lld: %s%s", __func__, (long long)id,
                (long long)attempts, why, give_up ? " (giving up)" : "");
    return pt_db_exec(r, "UPDATE mail_outbox SET state = IF(?, 'failed', 'queued'), "
                      "next_attempt_at = NOW() + INTERVAL ? SECOND, last_error = ?, "
                      "locked_by = NULL, locked_at = NULL WHERE id = ? AND locked_by = ?",
                      PT_ARGS(PT_ARG_INT(give_up), PT_ARG_INT(pt_jobs_backoff(mc->retry,
                      (unsigned)attempts, PT_JOBS_BACKOFF_CAP)), PT_ARG_STR(why),
                      PT_ARG_INT(id), PT_ARG_STR(owner)), NULL, NULL);
}

static int mail_deliver_one(struct pt_worker *w, CURL *c, const struct mail_conf *mc,
                            const char *owner, int64_t id)
{
    struct pt_req r;
    json_t *row;
    char why[512] = "", from_addr[256];
    bool permanent = false;
    size_t len = 0;
    int rc, result = PT_EINVAL;

    pt_req_init_job(&r, w);
    rc = pt_db_query_one(&r, "SELECT to_addr, from_addr, reply_to, subject, body_text, "
                         "body_html, message_id, attempts, UNIX_TIMESTAMP(created) AS created "
                         "FROM mail_outbox WHERE id = ? AND locked_by = ?",
                         PT_ARGS(PT_ARG_INT(id), PT_ARG_STR(owner)), &row);
    if (rc != 0)
        goto out;
#define COL(name) json_string_value(json_object_get(row, name))
    struct pt_mail_msg m = {
        .from = COL("from_addr"), .to = COL("to_addr"), .subject = COL("subject"),
        .text = COL("body_text"), .html = COL("body_html"), .message_id = COL("message_id"),
        .reply_to = COL("reply_to"),
        .date = (time_t)json_integer_value(json_object_get(row, "created")),
    };
#undef COL
    char *msg = pt_mail_from_addr(m.from, from_addr, sizeof(from_addr)) && m.to && m.text &&
                m.subject && m.message_id ? pt_mail_build(&m, &len) : NULL;
    if (msg == NULL)
        snprintf(why, sizeof(why), "cannot build the message (bad sender or out of memory)");
    else
        result = mail_send(c, mc, from_addr, m.to, msg, len, &permanent, why, sizeof(why));
    free(msg);
    rc = mail_finish(&r, mc, owner, id, json_integer_value(json_object_get(row, "attempts")),
                     result, permanent, why);
out:
    pt_arena_reset(w->arena);
    return rc;
}

int pt_mail_deliver_due(struct pt_worker *w)
{
    struct pt_queue_claim cl;
    struct mail_conf mc;
    CURL *c = NULL;
    size_t i = 0;
    int rc;

    if (pt_config_value(w->cfg, "mail", "smtp_url") == NULL)
        return 0;                   /* delivery not configured: mail waits */
    rc = pt_queue_claim(w, &mail_queue, &cl);
    if (rc != 0 || cl.n == 0)
        return rc;
    if ((rc = mail_conf_load(w->cfg, &mc)) == 0 && (c = curl_easy_init()) == NULL)
        rc = PT_ENOMEM;
    /* One handle for the batch: libcurl keeps the SMTP connection open. */
    for (; rc == 0 && i < cl.n && !pt_worker_stopping(); i++)
        if (mail_deliver_one(w, c, &mc, cl.owner, cl.ids[i]) == PT_ECONN)
            rc = PT_ECONN;
    if (i < cl.n)
        pt_queue_release(w, &mail_queue, &cl, i);
    if (c)
        curl_easy_cleanup(c);
    mail_conf_free(&mc);
    return rc != 0 ? rc : (int)cl.n;
}

int pt_mail_requeue_stale(struct pt_worker *w, unsigned stale_seconds)
{
    struct pt_req r;
    uint64_t n = 0;
    int rc;

    pt_req_init_job(&r, w);
    /* A worker that died mid-conversation may have had the message accepted:
     * sending it again risks a duplicate, never a loss. */
    rc = pt_db_exec(&r, "UPDATE mail_outbox SET state = 'queued', locked_by = NULL, "
                    "locked_at = NULL WHERE state = 'sending' AND "
                    "locked_at < NOW() - INTERVAL ? SECOND",
                    PT_ARGS(PT_ARG_INT(stale_seconds)), &n, NULL);
    if (rc == 0 && n > 0)
        pt_log_warn("%s: %llu message(s) had a stale lock: queued again", __func__,
                    (unsigned long long)n);
    pt_arena_reset(w->arena);
    return rc;
}
