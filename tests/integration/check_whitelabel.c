/*
 * check_whitelabel — the whitelabel module through the real nginx in front
 * of the real portald, MariaDB and job worker, as a partner administrator
 * drives it:
 *   - turning white label on records the $25.00 subscription with the first
 *     month prorated to the cent, and gives the subdomain at once
 *     (verified, a brand row, nginx regenerated); a second "on" is refused;
 *   - a reserved, malformed or taken subdomain is refused, nothing created;
 *   - the brand: a colour with too little contrast is refused with its
 *     ratio; a PNG logo (sent as "logo.gif", image/gif) is stored as PNG
 *     with its text chunk stripped; an SVG with a script, an event handler
 *     or an external image is refused, a clean one accepted; the event
 *     holds before → after with types and sizes, never bytes;
 *   - "Preview" shows unsaved colours and writes nothing;
 *   - the public assets: style.css carries the colours, the logo its type,
 *     a year of immutable caching for the current revision only, the SVG
 *     its own CSP; 404 for what is not there;
 *   - custom domains: the page shows the CNAME and the TXT token; a name
 *     under the base domain, the platform's, or one claimed by another
 *     organisation is refused; the verification job (with
 *     pebble-challtestsrv as the DNS server, [whitelabel] resolver set in
 *     the stack's portal.conf and portald reloaded) fails without the TXT
 *     record, with a wrong one, and verifies with the right one; the
 *     verified name reaches the generated nginx file;
 *   - turning white label off credits the rest of the month, releases
 *     every hostname and keeps the brand, which comes back when it is on
 *     again;
 *   - only the operator assigns a template set; a customer organisation
 *     cannot have white label.
 *
 * Needs PT_TEST_BASE_URL, PT_TEST_VAR and PT_TEST_CONFIG (scripts/dev test);
 * exits 77 (skipped) without them.  pebble-challtestsrv (Debian: pebble) is
 * started on PT_TEST_HTTP_PORT + 20 (DNS) and + 21 (its management API).
 */
#include "auth_client.h"

#include <check.h>
#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int dns_port, dns_mgmt_port;

/* ---- small helpers ------------------------------------------------------------------- */

static char *fresh_slug(const char *tag)
{
    static int n;
    char *s = malloc(48);

    snprintf(s, 48, "%s%d-%d-%ld", tag, (int)getpid() % 100000, ++n, (long)time(NULL) % 100000);
    return s;
}

static char *base_domain(void)
{
    char *b = conf_get("whitelabel", "base_domain");

    ck_assert_msg(b && *b, "the stack's portal.conf has no [whitelabel] base_domain");
    return b;
}

/* The prorated cents of $25.00 for today (include_today) or after it. */
static long long prorated(bool include_today)
{
    long long day = sql_int("SELECT DAY(UTC_DATE())");
    long long mdays = sql_int("SELECT DAY(LAST_DAY(UTC_DATE()))");
    long long days = mdays - day + (include_today ? 1 : 0);

    return (2500 * days * 2 + mdays) / (2 * mdays);
}

/* ---- multipart ----------------------------------------------------------------------- */

#define BOUNDARY "----wl-test-boundary-7MA4YWxkTrZu0gW"

struct mp {
    char  *buf;
    size_t len;
};

static void mp_add(struct mp *m, const void *data, size_t n)
{
    m->buf = realloc(m->buf, m->len + n + 1);
    memcpy(m->buf + m->len, data, n);
    m->len += n;
    m->buf[m->len] = '\0';
}

static void mp_text(struct mp *m, const char *name, const char *value)
{
    char head[512];
    int n = snprintf(head, sizeof(head), "--" BOUNDARY "\r\nContent-Disposition: form-data; "
                     "name=\"%s\"\r\n\r\n", name);

    mp_add(m, head, (size_t)n);
    mp_add(m, value, strlen(value));
    mp_add(m, "\r\n", 2);
}

static void mp_file(struct mp *m, const char *name, const char *filename, const char *type,
                    const void *data, size_t len)
{
    char head[512];
    int n = snprintf(head, sizeof(head), "--" BOUNDARY "\r\nContent-Disposition: form-data; "
                     "name=\"%s\"; filename=\"%s\"\r\nContent-Type: %s\r\n\r\n", name, filename,
                     type);

    mp_add(m, head, (size_t)n);
    mp_add(m, data, len);
    mp_add(m, "\r\n", 2);
}

/* POSTs the multipart form (the CSRF token first) as the browser. */
static void mp_post(struct browser *b, const char *path, struct mp *m, struct http_resp *out)
{
    struct mp all = { 0 };

    mp_text(&all, "csrf_token", b->csrf);
    mp_add(&all, m->buf, m->len);
    mp_add(&all, "--" BOUNDARY "--\r\n", strlen("--" BOUNDARY "--\r\n"));
    browse_raw(b, "POST", path, "Content-Type: multipart/form-data; boundary=" BOUNDARY, all.buf,
               all.len, out);
    free(all.buf);
    free(m->buf);
    m->buf = NULL;
    m->len = 0;
}

/* ---- a tiny PNG -------------------------------------------------------------------------- */

static uint32_t crc32_png(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;

    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return c ^ 0xffffffffu;
}

static size_t png_chunk(unsigned char *o, const char *type, const void *data, uint32_t len)
{
    o[0] = (unsigned char)(len >> 24);
    o[1] = (unsigned char)(len >> 16);
    o[2] = (unsigned char)(len >> 8);
    o[3] = (unsigned char)len;
    memcpy(o + 4, type, 4);
    memcpy(o + 8, data, len);
    uint32_t c = crc32_png(o + 4, 4 + (size_t)len);
    o[8 + len] = (unsigned char)(c >> 24);
    o[9 + len] = (unsigned char)(c >> 16);
    o[10 + len] = (unsigned char)(c >> 8);
    o[11 + len] = (unsigned char)c;
    return 12 + (size_t)len;
}

/* A valid 1×1 RGBA PNG with a tEXt chunk "Comment: secret-metadata";
 * *stripped: its length without that chunk. */
static size_t tiny_png(unsigned char *o, size_t *stripped)
{
    static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    static const unsigned char ihdr[13] = { 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0 };
    static const unsigned char idat[10] = { 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05,
                                            0x00, 0x01 };
    static const char text[] = "Comment\0secret-metadata";
    size_t n = 8, t;

    memcpy(o, sig, 8);
    n += png_chunk(o + n, "IHDR", ihdr, sizeof(ihdr));
    t = png_chunk(o + n, "tEXt", text, sizeof(text) - 1);
    n += t;
    n += png_chunk(o + n, "IDAT", idat, sizeof(idat));
    n += png_chunk(o + n, "IEND", "", 0);
    *stripped = n - t;
    return n;
}

/* ---- the partner ---------------------------------------------------------------------------- */

struct world {
    long long partner, admin;
    char *email, *slug, *host;
    struct browser b;
};

static char *path_of(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *path_of(const char *fmt, ...)
{
    char *p = malloc(256);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(p, 256, fmt, ap);
    va_end(ap);
    return p;
}

/* A partner with a signed-in msp_admin; white label on when enable. */
static void world_make(struct world *w, const char *tag, bool enable)
{
    struct http_resp r;
    char *base = base_domain();

    memset(w, 0, sizeof(*w));
    w->partner = make_org(platform_org(), "partner", "WL Partner");
    w->admin = member_signed_in(&w->b, tag, w->partner, "msp_admin", &w->email);
    w->slug = fresh_slug(tag);
    w->host = malloc(strlen(w->slug) + strlen(base) + 2);
    sprintf(w->host, "%s.%s", w->slug, base);
    free(base);
    char *page = path_of("/orgs/%lld/branding", w->partner);
    open_page(&w->b, page, &r);
    http_resp_free(&r);
    if (enable) {
        char *action = path_of("/orgs/%lld/whitelabel/enable", w->partner);
        post_form(&w->b, action, &r, "slug", w->slug, NULL);
        assert_redirect(&r, page);
        http_resp_free(&r);
        free(action);
        open_page(&w->b, page, &r);
        http_resp_free(&r);
    }
    free(page);
}

static void world_free(struct world *w)
{
    browser_free(&w->b);
    free(w->email);
    free(w->slug);
    free(w->host);
}

static long long events(long long org, const char *action, const char *status)
{
    return sql_num("SELECT COUNT(*) FROM audit_events WHERE org_id = %lld AND category = "
                   "'White Label' AND action = '%s' AND status = '%s'", org, action, status);
}

/* ---- subscription and subdomain --------------------------------------------------------------- */

START_TEST(test_enable_starts_the_prorated_subscription_and_the_subdomain)
{
    struct world w;
    struct http_resp r;
    char want[512];

    world_make(&w, "wlon", false);
    char *page = path_of("/orgs/%lld/branding", w.partner);
    open_page(&w.b, page, &r);
    long long first = prorated(true);
    snprintf(want, sizeof(want), "id=\"wl-first-charge\">$%lld.%02lld<", first / 100, first % 100);
    assert_body_has(&r, want);
    http_resp_free(&r);

    char *action = path_of("/orgs/%lld/whitelabel/enable", w.partner);
    post_form(&w.b, action, &r, "slug", w.slug, NULL);
    assert_redirect(&r, page);
    http_resp_free(&r);

    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM whitelabel_subscriptions WHERE org_id = %lld "
                             "AND status = 'active' AND monthly_cents = 2500 AND currency = 'USD' "
                             "AND first_charge_cents = %lld AND started_by = %lld", w.partner,
                             first, w.admin), 1);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM hostnames WHERE org_id = %lld AND hostname = "
                             "'%s' AND kind = 'subdomain' AND verified_at IS NOT NULL", w.partner,
                             w.host), 1);
    char *name = sql("SELECT portal_name = o.name FROM brands b JOIN orgs o ON o.id = "
                     "b.org_id WHERE b.org_id = %lld", w.partner);
    ck_assert_str_eq(name, "1");
    free(name);
    ck_assert_int_gt(sql_int("SELECT COUNT(*) FROM jobs WHERE kind = 'nginx.generate'"), 0);
    ck_assert_int_eq(events(w.partner, "Enable White Label", "Success"), 1);

    open_page(&w.b, page, &r);
    snprintf(want, sizeof(want), "id=\"wl-subdomain\" href=\"https://%s/\"", w.host);
    assert_body_has(&r, want);
    assert_body_has(&r, "id=\"brand-form\"");
    http_resp_free(&r);

    /* Twice is refused, and nothing is doubled. */
    post_form(&w.b, action, &r, "slug", "another-one", NULL);
    ck_assert_int_eq(r.status, 409);
    assert_body_has(&r, "already on");
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM whitelabel_subscriptions WHERE org_id = %lld",
                             w.partner), 1);
    ck_assert_int_eq(events(w.partner, "Enable White Label", "Failed"), 1);
    free(action);
    free(page);
    world_free(&w);
}
END_TEST

START_TEST(test_a_reserved_malformed_or_taken_subdomain_is_refused)
{
    struct world a, b;
    struct http_resp r;
    static const struct { const char *slug; long status; const char *says; } bad[] = {
        { "www", 422, "reserved" }, { "support", 422, "reserved" }, { "ab", 422, "3 to 40" },
        { "-abc", 422, "start or end" }, { "Abc", 422, "lower-case" },
        { "a_b_c", 422, "lower-case" }, { "xn--abc", 422, "two - in a row" },
    };

    world_make(&a, "wlta", true);
    world_make(&b, "wltb", false);
    char *action = path_of("/orgs/%lld/whitelabel/enable", b.partner);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        post_form(&b.b, action, &r, "slug", bad[i].slug, NULL);
        ck_assert_msg(r.status == bad[i].status, "%s: %ld", bad[i].slug, r.status);
        assert_body_has(&r, bad[i].says);
        http_resp_free(&r);
    }
    post_form(&b.b, action, &r, "slug", a.slug, NULL);
    ck_assert_int_eq(r.status, 409);
    assert_body_has(&r, "already taken");
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM whitelabel_subscriptions WHERE org_id = %lld",
                             b.partner), 0);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM hostnames WHERE org_id = %lld", b.partner), 0);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM hostnames WHERE hostname = '%s'", a.host), 1);
    ck_assert_int_eq(events(b.partner, "Enable White Label", "Failed"),
                     (long long)(sizeof(bad) / sizeof(bad[0])) + 1);
    free(action);
    world_free(&a);
    world_free(&b);
}
END_TEST

/* ---- the brand ----------------------------------------------------------------------------------- */

static void brand_texts(struct mp *m, const char *action, const char *primary)
{
    mp_text(m, "action", action);
    mp_text(m, "portal_name", "Acme Cloud");
    mp_text(m, "primary_color", primary);
    mp_text(m, "accent_color", "#8a4b00");
    mp_text(m, "support_email", "help@acme.example");
    mp_text(m, "support_phone", "+1 555 0100");
    mp_text(m, "support_url", "https://help.acme.example/");
    mp_text(m, "mail_from_name", "Acme Cloud Support");
    mp_text(m, "mail_reply_to", "support@acme.example");
    mp_text(m, "footer_text", "Acme Cloud, 1 Main St");
}

static void post_svg(struct world *w, const char *page, const char *svg, long status,
                     const char *says)
{
    struct mp m = { 0 };
    struct http_resp r;

    brand_texts(&m, "save", "#1f4e79");
    mp_file(&m, "logo_dark", "logo.svg", "image/svg+xml", svg, strlen(svg));
    mp_post(&w->b, page, &m, &r);
    ck_assert_msg(r.status == status, "%ld for %s: %.300s", r.status, svg, r.body);
    if (says)
        assert_body_has(&r, says);
    http_resp_free(&r);
}

static const char clean_svg[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
    "\"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n<!-- Acme -->\n"
    "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
    "viewBox=\"0 0 10 10\"><title>Acme</title><defs><linearGradient id=\"g\"><stop "
    "offset=\"0\" stop-color=\"#fff\"/></linearGradient></defs><style>rect { fill: "
    "url(#g); }</style><rect width=\"10\" height=\"10\" fill=\"url(#g)\"/><use "
    "xlink:href=\"#g\"/></svg>\n";

START_TEST(test_brand_checks_contrast_and_images_from_their_bytes)
{
    struct world w;
    struct http_resp r;
    struct mp m = { 0 };
    unsigned char png[256];
    size_t stripped, plen = tiny_png(png, &stripped);

    world_make(&w, "wlbr", true);
    char *page = path_of("/orgs/%lld/branding", w.partner);

    /* Yellow behind white text: 1.07:1. */
    brand_texts(&m, "save", "#ffff00");
    mp_post(&w.b, page, &m, &r);
    ck_assert_int_eq(r.status, 422);
    assert_body_has(&r, "contrast ratio of 1.07:1");
    assert_body_has(&r, "value=\"#ffff00\"");          /* the form keeps what was sent */
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM brands WHERE org_id = %lld AND "
                             "primary_color IS NULL", w.partner), 1);

    /* A PNG named and labelled as a GIF: the bytes decide. */
    brand_texts(&m, "save", "#1F4E79");
    mp_file(&m, "logo_light", "logo.gif", "image/gif", png, plen);
    mp_file(&m, "favicon", "", "application/octet-stream", "", 0);
    mp_post(&w.b, page, &m, &r);
    assert_redirect(&r, page);
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM brands WHERE org_id = %lld AND portal_name = "
                             "'Acme Cloud' AND primary_color = '#1f4e79' AND accent_color = "
                             "'#8a4b00' AND logo_light_type = 'image/png' AND LENGTH(logo_light) = "
                             "%zu AND LOCATE('secret-metadata', logo_light) = 0 AND favicon IS "
                             "NULL AND support_url = 'https://help.acme.example/' AND revision = 2",
                             w.partner, stripped), 1);
    char *meta = sql("SELECT metadata FROM audit_events WHERE org_id = %lld AND action = "
                     "'Update Branding' AND status = 'Success'", w.partner);
    ck_assert_msg(strstr(meta, "\"image/png\"") && strstr(meta, "\"bytes\"") &&
                  strstr(meta, "#1f4e79") && strstr(meta, "\"before\"") &&
                  !strstr(meta, "iVBOR"), "metadata: %s", meta);
    free(meta);

    post_svg(&w, page, "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script>"
             "</svg>", 422, "&lt;script&gt; element");
    post_svg(&w, page, "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>", 422,
             "event handler");
    post_svg(&w, page, "<svg xmlns=\"http://www.w3.org/2000/svg\"><image "
             "href=\"https://evil.example/x.png\"/></svg>", 422, "outside the file");
    post_svg(&w, page, "<svg xmlns=\"http://www.w3.org/2000/svg\"><a href=\"&#106;avascript:"
             "alert(1)\"><rect/></a></svg>", 422, NULL);
    post_svg(&w, page, "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY x \"y\">]><svg/>", 422,
             "DOCTYPE");
    post_svg(&w, page, "<svg xmlns=\"http://www.w3.org/2000/svg\"><foreignObject><p>x</p>"
             "</foreignObject></svg>", 422, "foreignObject");
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM brands WHERE org_id = %lld AND logo_dark IS "
                             "NULL AND revision = 2", w.partner), 1);
    ck_assert_int_ge(events(w.partner, "Update Branding", "Failed"), 7);

    post_svg(&w, page, clean_svg, 303, NULL);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM brands WHERE org_id = %lld AND logo_dark_type "
                             "= 'image/svg+xml' AND LENGTH(logo_dark) = %zu AND LENGTH(logo_light) "
                             "= %zu AND revision = 3", w.partner, strlen(clean_svg), stripped), 1);
    open_page(&w.b, page, &r);
    assert_body_has(&r, "The brand is saved (revision 3)");
    http_resp_free(&r);
    free(page);
    world_free(&w);
}
END_TEST

START_TEST(test_preview_applies_unsaved_colours_and_writes_nothing)
{
    struct world w;
    struct http_resp r;
    struct mp m = { 0 };
    char url[256];

    world_make(&w, "wlpv", true);
    char *page = path_of("/orgs/%lld/branding", w.partner);
    long long rev = sql_num("SELECT revision FROM brands WHERE org_id = %lld", w.partner);
    brand_texts(&m, "preview", "#0b5394");
    mp_post(&w.b, page, &m, &r);
    ck_assert_int_eq(r.status, 200);
    snprintf(url, sizeof(url), "/orgs/%lld/branding/preview.css?primary=%%230b5394&amp;"
             "accent=%%238a4b00", w.partner);
    assert_body_has(&r, url);
    assert_body_has(&r, "id=\"wl-unsaved\"");
    assert_body_has(&r, "id=\"wl-preview-name\">Acme Cloud<");
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM brands WHERE org_id = %lld AND revision = %lld "
                             "AND primary_color IS NULL AND portal_name <> 'Acme Cloud'", w.partner,
                             rev), 1);
    ck_assert_int_eq(events(w.partner, "Preview Branding", "Success"), 1);

    snprintf(url, sizeof(url), "/orgs/%lld/branding/preview.css?primary=%%230b5394&accent=x",
             w.partner);
    browse(&w.b, "GET", url, NULL, false, &r);
    ck_assert_int_eq(r.status, 200);
    assert_body_has(&r, ".pt-wl-preview {\n  --pt-primary: #0b5394;");
    ck_assert_ptr_null(strstr(r.body, "--pt-accent"));
    http_resp_free(&r);
    free(page);
    world_free(&w);
}
END_TEST

/* A tiny JPEG's structure (the scan is not decoded by the portal): SOI,
 * an EXIF APP1 with "secret-exif", a frame header of 2 × 3 pixels, a scan
 * and EOI.  *stripped: its length without the APP1 segment. */
static size_t tiny_jpeg(unsigned char *o, size_t *stripped)
{
    static const unsigned char soi[] = { 0xff, 0xd8 };
    static const unsigned char app1[] = { 0xff, 0xe1, 0x00, 0x13, 'E', 'x', 'i', 'f', 0, 0,
                                          's', 'e', 'c', 'r', 'e', 't', '-', 'e', 'x', 'i',
                                          'f' };
    static const unsigned char rest[] = {
        0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x03, 0x00, 0x02, 0x03, 0x01, 0x11, 0x00, 0x02,
        0x11, 0x01, 0x03, 0x11, 0x01,                                   /* SOF0 3 × 2 */
        0xff, 0xda, 0x00, 0x0c, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3f, 0x00,
        0x12, 0x34, 0x56, 0xff, 0x00, 0x78,                             /* SOS, data */
        0xff, 0xd9 };
    size_t n = 0;

    memcpy(o + n, soi, sizeof(soi));
    n += sizeof(soi);
    memcpy(o + n, app1, sizeof(app1));
    n += sizeof(app1);
    memcpy(o + n, rest, sizeof(rest));
    n += sizeof(rest);
    *stripped = n - sizeof(app1);
    return n;
}

/* An ICO file holding the tiny PNG. */
static size_t tiny_ico(unsigned char *o)
{
    unsigned char png[256];
    size_t stripped, plen = tiny_png(png, &stripped);
    const unsigned char head[22] = { 0, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 32, 0,
                                     (unsigned char)plen, 0, 0, 0, 22, 0, 0, 0 };

    memcpy(o, head, 22);
    memcpy(o + 22, png, plen);
    return 22 + plen;
}

static void post_image(struct world *w, const char *page, const char *field,
                       const void *data, size_t len, long status, const char *says)
{
    struct mp m = { 0 };
    struct http_resp r;

    brand_texts(&m, "save", "#1f4e79");
    mp_file(&m, field, "upload.bin", "application/octet-stream", data, len);
    mp_post(&w->b, page, &m, &r);
    ck_assert_msg(r.status == status, "%s: %ld %.300s", field, r.status, r.body);
    if (says)
        assert_body_has(&r, says);
    http_resp_free(&r);
}

START_TEST(test_images_are_judged_by_their_structure)
{
    struct world w;
    unsigned char png[256], jpeg[256], ico[512], *big = calloc(1, 600 * 1024);
    size_t pstrip, jstrip, plen = tiny_png(png, &pstrip), jlen = tiny_jpeg(jpeg, &jstrip);
    size_t ilen = tiny_ico(ico);

    world_make(&w, "wlim", true);
    char *page = path_of("/orgs/%lld/branding", w.partner);
    post_image(&w, page, "logo_light", jpeg, jlen, 303, NULL);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM brands WHERE org_id = %lld AND logo_light_type "
                             "= 'image/jpeg' AND LENGTH(logo_light) = %zu AND "
                             "LOCATE('secret-exif', logo_light) = 0", w.partner, jstrip), 1);
    post_image(&w, page, "favicon", ico, ilen, 303, NULL);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM brands WHERE org_id = %lld AND favicon_type = "
                             "'image/x-icon' AND LENGTH(favicon) = %zu", w.partner, ilen), 1);

    /* A JPEG is no favicon; a PNG with a wrong checksum, one cut short,
     * 600 KB of zeros and plain text are no images. */
    post_image(&w, page, "favicon", jpeg, jlen, 422, "PNG or ICO");
    png[plen - 1] ^= 1;
    post_image(&w, page, "logo_dark", png, plen, 422, "checksum");
    png[plen - 1] ^= 1;
    post_image(&w, page, "logo_dark", png, plen - 12, 422, "cut short");
    memcpy(big, png, 16);
    post_image(&w, page, "logo_dark", big, 600 * 1024, 422, "at most 512 KB");
    post_image(&w, page, "logo_dark", "GIF89a not really", 17, 422, "PNG, JPEG or SVG");
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM brands WHERE org_id = %lld AND logo_dark IS "
                             "NULL AND favicon_type = 'image/x-icon'", w.partner), 1);

    /* Remove: the stored favicon goes, the light logo stays. */
    struct mp m = { 0 };
    struct http_resp r;
    brand_texts(&m, "save", "#1f4e79");
    mp_text(&m, "remove_favicon", "1");
    mp_post(&w.b, page, &m, &r);
    assert_redirect(&r, page);
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM brands WHERE org_id = %lld AND favicon IS NULL "
                             "AND logo_light_type = 'image/jpeg'", w.partner), 1);
    free(big);
    free(page);
    world_free(&w);
}
END_TEST

/* ---- the public assets -------------------------------------------------------------------------- */

START_TEST(test_brand_assets_are_public_typed_and_cached_by_revision)
{
    struct world w;
    struct http_resp r;
    struct mp m = { 0 };
    unsigned char png[256];
    size_t stripped, plen = tiny_png(png, &stripped);
    char path[256];

    world_make(&w, "wlas", true);
    char *page = path_of("/orgs/%lld/branding", w.partner);
    brand_texts(&m, "save", "#1f4e79");
    mp_file(&m, "logo_light", "l.png", "image/png", png, plen);
    mp_file(&m, "logo_dark", "d.svg", "image/svg+xml", clean_svg, strlen(clean_svg));
    mp_post(&w.b, page, &m, &r);
    assert_redirect(&r, page);
    http_resp_free(&r);
    long long rev = sql_num("SELECT revision FROM brands WHERE org_id = %lld", w.partner);

    snprintf(path, sizeof(path), "/brand/%lld/style.css?v=%lld", w.partner, rev);
    ck_assert_int_eq(http_get(path, &r), 0);           /* no session: public */
    ck_assert_int_eq(r.status, 200);
    char *ct = http_header(&r, "Content-Type");
    ck_assert_ptr_nonnull(strstr(ct, "text/css"));
    ck_assert_msg(strstr(r.headers, "Cache-Control: public, max-age=31536000, immutable"),
                  "%s", r.headers);
    assert_body_has(&r, "--pt-primary: #1f4e79;");
    assert_body_has(&r, "--bs-primary-rgb: 31, 78, 121;");
    assert_body_has(&r, "--pt-accent: #8a4b00;");
    assert_body_has(&r, ".btn-primary {");
    free(ct);
    http_resp_free(&r);

    snprintf(path, sizeof(path), "/brand/%lld/logo/light?v=%lld", w.partner, rev);
    ck_assert_int_eq(http_get(path, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ct = http_header(&r, "Content-Type");
    ck_assert_str_eq(ct, "image/png");
    ck_assert_msg(strstr(r.headers, "Cache-Control: public, max-age=31536000, immutable"),
                  "%s", r.headers);
    ck_assert_uint_eq(r.body_len, stripped);
    ck_assert_int_eq(memcmp(r.body, png, 33), 0);      /* signature and IHDR as sent */
    free(ct);
    http_resp_free(&r);

    snprintf(path, sizeof(path), "/brand/%lld/logo/dark?v=%lld", w.partner, rev);
    ck_assert_int_eq(http_get(path, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ct = http_header(&r, "Content-Type");
    ck_assert_str_eq(ct, "image/svg+xml");
    ck_assert_msg(strstr(r.headers, "default-src 'none'; style-src 'unsafe-inline'"), "%s",
                  r.headers);
    ck_assert_msg(strstr(r.headers, "nosniff"), "%s", r.headers);
    ck_assert_str_eq(r.body, clean_svg);
    free(ct);
    http_resp_free(&r);

    /* An old revision's URL is never cached for long. */
    snprintf(path, sizeof(path), "/brand/%lld/logo/light?v=1", w.partner);
    ck_assert_int_eq(http_get(path, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_null(strstr(r.headers, "immutable"));
    http_resp_free(&r);

    char *missing[3] = { path_of("/brand/%lld/favicon", w.partner),
                         path_of("/brand/%lld/logo/other", w.partner),
                         path_of("/brand/9%lld99/style.css", w.partner) };
    for (size_t i = 0; i < 3; i++) {
        ck_assert_int_eq(http_get(missing[i], &r), 0);
        ck_assert_msg(r.status == 404, "%s: %ld", missing[i], r.status);
        http_resp_free(&r);
        free(missing[i]);
    }
    free(page);
    world_free(&w);
}
END_TEST

/* What the browser caches is decided by every Cache-Control it gets: the
 * core's default no-store must give way to the asset's own headers, and the
 * SVG must carry its own CSP only (two policies would both apply). */
START_TEST(test_asset_headers_replace_the_core_defaults)
{
    struct world w;
    struct http_resp r;
    struct mp m = { 0 };

    world_make(&w, "wlhd", true);
    char *page = path_of("/orgs/%lld/branding", w.partner);
    brand_texts(&m, "save", "#1f4e79");
    mp_file(&m, "logo_dark", "d.svg", "image/svg+xml", clean_svg, strlen(clean_svg));
    mp_post(&w.b, page, &m, &r);
    assert_redirect(&r, page);
    http_resp_free(&r);
    long long rev = sql_num("SELECT revision FROM brands WHERE org_id = %lld", w.partner);
    char *path = path_of("/brand/%lld/logo/dark?v=%lld", w.partner, rev);
    ck_assert_int_eq(http_get(path, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_msg(strstr(r.headers, "immutable") && !strstr(r.headers, "no-store"),
                  "a cacheable asset also says no-store (fcgi/response.c):\n%s", r.headers);
    ck_assert_msg(!strstr(r.headers, "default-src 'self'"),
                  "the SVG carries the page CSP besides its own:\n%s", r.headers);
    ck_assert_msg(strstr(r.headers, "Cross-Origin-Resource-Policy: cross-origin") &&
                  !strstr(r.headers, "Cross-Origin-Resource-Policy: same-origin"),
                  "the logo cannot be shown in a webmail page:\n%s", r.headers);
    http_resp_free(&r);
    free(path);
    free(page);
    world_free(&w);
}
END_TEST

/* ---- custom domains ------------------------------------------------------------------------------ */

static char *fresh_domain(const char *tag)
{
    char *s = fresh_slug(tag), *d = malloc(128);

    snprintf(d, 128, "portal.%s.example-msp.test", s);
    free(s);
    return d;
}

static void add_domain(struct world *w, const char *host, long status, const char *says)
{
    struct http_resp r;
    char *action = path_of("/orgs/%lld/domains", w->partner);

    post_form(&w->b, action, &r, "hostname", host, NULL);
    if (status == 303)
        assert_redirect(&r, action);
    else
        ck_assert_msg(r.status == status, "%s: %ld %.300s", host, r.status, r.body);
    if (says)
        assert_body_has(&r, says);
    http_resp_free(&r);
    free(action);
}

START_TEST(test_a_custom_domain_shows_its_dns_records_and_cannot_be_claimed_twice)
{
    struct world w, other;
    struct http_resp r;
    char want[512], *dom = fresh_domain("wlcd"), *base = base_domain();
    char *target = conf_get("whitelabel", "cname_target");

    world_make(&w, "wlcd", true);
    world_make(&other, "wlco", true);
    char *page = path_of("/orgs/%lld/domains", w.partner);
    open_page(&w.b, page, &r);
    http_resp_free(&r);
    add_domain(&w, dom, 303, NULL);
    char *token = sql("SELECT verification_token FROM hostnames WHERE hostname = '%s' AND "
                      "org_id = %lld AND kind = 'custom' AND verified_at IS NULL", dom,
                      w.partner);
    ck_assert_uint_eq(strlen(token), 43);
    ck_assert_int_gt(sql_num("SELECT COUNT(*) FROM jobs WHERE kind = 'whitelabel.verify' AND "
                             "JSON_VALUE(payload, '$.hostname_id') = (SELECT id FROM hostnames "
                             "WHERE hostname = '%s')", dom), 0);
    open_page(&w.b, page, &r);
    snprintf(want, sizeof(want), "<code>_portal-verification.%s</code></td><td><code "
             "class=\"pt-txt-token\">%s</code>", dom, token);
    assert_body_has(&r, want);
    snprintf(want, sizeof(want), "<tr><td>CNAME</td><td><code>%s</code></td><td><code>%s</code>",
             dom, target);
    assert_body_has(&r, want);
    assert_body_has(&r, "Waiting for DNS records");
    http_resp_free(&r);

    /* Another organisation cannot take it; nor can anyone take the
     * platform's names or names under the base domain. */
    snprintf(want, sizeof(want), "%s is already in use by another organisation", dom);
    open_page(&other.b, "/", &r);
    http_resp_free(&r);
    add_domain(&other, dom, 409, want);
    char *upper = strdup(dom);
    upper[0] = 'P';
    add_domain(&other, upper, 409, "already in use");
    snprintf(want, sizeof(want), "shop.%s", base);
    add_domain(&other, want, 422, "subdomains");
    add_domain(&other, target, 422, "platform");
    add_domain(&other, "localhost", 422, NULL);
    add_domain(&other, "bad_host!.example", 422, NULL);
    add_domain(&other, "*.example.com", 422, NULL);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM hostnames WHERE org_id = %lld AND kind = "
                             "'custom'", other.partner), 0);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM hostnames WHERE hostname = '%s'", dom), 1);
    ck_assert_int_eq(events(other.partner, "Add Domain", "Failed"), 7);
    ck_assert_int_eq(events(w.partner, "Add Domain", "Success"), 1);

    /* Another organisation's domain id is not ours to remove. */
    long long id = sql_num("SELECT id FROM hostnames WHERE hostname = '%s'", dom);
    snprintf(want, sizeof(want), "/orgs/%lld/domains/%lld/remove", other.partner, id);
    post_form(&other.b, want, &r, NULL);
    ck_assert_int_eq(r.status, 404);
    http_resp_free(&r);
    snprintf(want, sizeof(want), "/orgs/%lld/domains/%lld/remove", w.partner, id);
    post_form(&w.b, want, &r, NULL);
    assert_redirect(&r, page);
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM hostnames WHERE hostname = '%s'", dom), 0);
    ck_assert_int_eq(events(w.partner, "Remove Domain", "Success"), 1);
    free(upper);
    free(token);
    free(page);
    free(dom);
    free(base);
    free(target);
    world_free(&w);
    world_free(&other);
}
END_TEST

START_TEST(test_domains_need_white_label_and_a_partner)
{
    struct world w;
    struct http_resp r;
    char path[256];

    world_make(&w, "wlnd", false);
    add_domain(&w, "portal.nowl.example-msp.test", 409, "Turn white label on");
    long long cust = make_org(w.partner, "customer", "WL Customer");
    snprintf(path, sizeof(path), "/orgs/%lld/branding", cust);
    open_page(&w.b, path, &r);
    assert_body_has(&r, "id=\"wl-ineligible\"");
    http_resp_free(&r);
    snprintf(path, sizeof(path), "/orgs/%lld/whitelabel/enable", cust);
    post_form(&w.b, path, &r, "slug", "customer-slug", NULL);
    ck_assert_int_eq(r.status, 409);
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM whitelabel_subscriptions WHERE org_id = %lld",
                             cust), 0);
    ck_assert_int_eq(events(cust, "Enable White Label", "Failed"), 1);

    /* A customer's own administrator does not hold the permission at all. */
    struct browser c = { 0 };
    char *email;
    make_member("wlcu", cust, system_role("customer_admin"), &email);
    sign_in(&c, email, PASSWORD, &r);
    http_resp_free(&r);
    snprintf(path, sizeof(path), "/orgs/%lld/branding", cust);
    browse(&c, "GET", path, NULL, false, &r);
    ck_assert_int_eq(r.status, 403);
    http_resp_free(&r);
    free(email);
    browser_free(&c);
    world_free(&w);
}
END_TEST

/* ---- verification through DNS --------------------------------------------------------------------- */

/* POST to pebble-challtestsrv's management API; 0 on a 200. */
static int challtest(const char *what, const char *host, const char *value)
{
    char url[128], body[1024];
    long status = 0;
    CURL *c = curl_easy_init();

    snprintf(url, sizeof(url), "http://127.0.0.1:%d/%s", dns_mgmt_port, what);
    snprintf(body, sizeof(body), "{\"host\":\"%s\",\"value\":\"%s\"}", host, value);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    int rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    return rc == CURLE_OK && status == 200 ? 0 : -1;
}

static void check_now(struct world *w, long long id)
{
    struct http_resp r;
    char path[256], back[128];

    snprintf(path, sizeof(path), "/orgs/%lld/domains/%lld/verify", w->partner, id);
    snprintf(back, sizeof(back), "/orgs/%lld/domains", w->partner);
    post_form(&w->b, path, &r, NULL);
    assert_redirect(&r, back);
    http_resp_free(&r);
}

static long long failed_checks(long long id, const char *says)
{
    return sql_num("SELECT COUNT(*) FROM audit_events WHERE action = 'Verify Domain' AND status = "
                   "'Failed' AND resource_id = '%lld' AND description LIKE '%%%s%%'", id, says);
}

static bool file_has(const char *path, const char *needle)
{
    FILE *f = fopen(path, "r");
    char *buf = calloc(1, 1 << 22);
    bool found = false;

    if (f && buf) {
        size_t n = fread(buf, 1, (1 << 22) - 1, f);
        buf[n] = '\0';
        found = strstr(buf, needle) != NULL;
    }
    if (f)
        fclose(f);
    free(buf);
    return found;
}

START_TEST(test_the_verification_job_reads_the_txt_record_through_the_resolver)
{
    struct world w;
    struct http_resp r;
    char name[512], hosts[1024];
    char *good = fresh_domain("wlvg"), *bad = fresh_domain("wlvb");

    ck_assert_msg(access("/usr/bin/pebble-challtestsrv", X_OK) == 0,
                  "pebble-challtestsrv is not installed (Debian package pebble)");
    world_make(&w, "wlvf", true);
    char *page = path_of("/orgs/%lld/domains", w.partner);
    open_page(&w.b, page, &r);
    http_resp_free(&r);
    add_domain(&w, good, 303, NULL);
    add_domain(&w, bad, 303, NULL);
    long long gid = sql_num("SELECT id FROM hostnames WHERE hostname = '%s'", good);
    long long bid = sql_num("SELECT id FROM hostnames WHERE hostname = '%s'", bad);
    char *token = sql("SELECT verification_token FROM hostnames WHERE id = %lld", gid);

    /* No record yet: the check fails, and says so on the page. */
    open_page(&w.b, page, &r);
    check_now(&w, gid);
    http_resp_free(&r);
    ck_assert_msg(sql_wait("1", 30, "SELECT COUNT(*) > 0 FROM audit_events WHERE action = "
                           "'Verify Domain' AND status = 'Failed' AND resource_id = '%lld'", gid),
                  "no failed check of %s", good);
    snprintf(name, sizeof(name), "_portal-verification.%s", good);
    ck_assert_int_ge(failed_checks(gid, name), 1);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM hostnames WHERE id = %lld AND verified_at IS "
                             "NULL", gid), 1);
    open_page(&w.b, page, &r);
    assert_body_has(&r, "data-role=\"last-check\">Last check");
    http_resp_free(&r);

    /* A record with another value: still refused. */
    snprintf(name, sizeof(name), "_portal-verification.%s.", bad);
    ck_assert_int_eq(challtest("set-txt", name, "not-the-token"), 0);
    check_now(&w, bid);
    ck_assert_msg(sql_wait("1", 30, "SELECT COUNT(*) > 0 FROM audit_events WHERE action = "
                           "'Verify Domain' AND status = 'Failed' AND resource_id = '%lld' AND "
                           "description LIKE '%%does not hold%%'", bid),
                  "no failed check of %s with a wrong token", bad);

    /* The right one: verified, announced, and in nginx's file. */
    snprintf(name, sizeof(name), "_portal-verification.%s.", good);
    ck_assert_int_eq(challtest("set-txt", name, token), 0);
    check_now(&w, gid);
    ck_assert_msg(sql_wait("1", 30, "SELECT COUNT(*) > 0 FROM hostnames WHERE id = %lld AND "
                           "verified_at IS NOT NULL", gid), "%s was not verified", good);
    ck_assert_int_eq(events(w.partner, "Verify Domain", "Success"), 1);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM hostnames WHERE id = %lld AND verified_at IS "
                             "NULL", bid), 1);
    open_page(&w.b, page, &r);
    snprintf(name, sizeof(name), "id=\"domain-%lld\" data-state=\"verified\"", gid);
    assert_body_has(&r, name);
    http_resp_free(&r);
    snprintf(hosts, sizeof(hosts), "%s/nginx/hosts/portal-hosts.conf", getenv("PT_TEST_VAR"));
    for (int i = 0; i < 120 && !file_has(hosts, good); i++)
        usleep(250000);
    ck_assert_msg(file_has(hosts, good), "%s is not in %s", good, hosts);
    free(token);
    free(page);
    free(good);
    free(bad);
    world_free(&w);
}
END_TEST

/* ---- turning it off -------------------------------------------------------------------------------- */

START_TEST(test_disable_credits_the_month_releases_hostnames_and_keeps_the_brand)
{
    struct world w;
    struct http_resp r;
    struct mp m = { 0 };
    char *dom = fresh_domain("wloff");

    world_make(&w, "wloff", true);
    char *page = path_of("/orgs/%lld/branding", w.partner);
    brand_texts(&m, "save", "#1f4e79");
    mp_post(&w.b, page, &m, &r);
    assert_redirect(&r, page);
    http_resp_free(&r);
    open_page(&w.b, page, &r);
    http_resp_free(&r);
    add_domain(&w, dom, 303, NULL);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM hostnames WHERE org_id = %lld", w.partner), 2);

    char *action = path_of("/orgs/%lld/whitelabel/disable", w.partner);
    open_page(&w.b, page, &r);
    long long credit = prorated(false);
    char want[128];
    snprintf(want, sizeof(want), "id=\"wl-credit\">$%lld.%02lld<", credit / 100, credit % 100);
    assert_body_has(&r, want);
    http_resp_free(&r);
    post_form(&w.b, action, &r, NULL);                  /* not confirmed */
    ck_assert_int_eq(r.status, 422);
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM hostnames WHERE org_id = %lld", w.partner), 2);
    post_form(&w.b, action, &r, "confirm", "yes", NULL);
    assert_redirect(&r, page);
    http_resp_free(&r);

    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM whitelabel_subscriptions WHERE org_id = %lld "
                             "AND status = 'ended' AND ended IS NOT NULL AND credit_cents = %lld "
                             "AND ended_by = %lld", w.partner, prorated(false), w.admin), 1);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM hostnames WHERE org_id = %lld", w.partner), 0);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM brands WHERE org_id = %lld AND portal_name = "
                             "'Acme Cloud'", w.partner), 1);
    ck_assert_int_eq(events(w.partner, "Disable White Label", "Success"), 1);
    char *meta = sql("SELECT metadata FROM audit_events WHERE org_id = %lld AND action = "
                     "'Disable White Label' AND status = 'Success'", w.partner);
    ck_assert_msg(strstr(meta, dom) && strstr(meta, w.host), "%s", meta);
    free(meta);
    open_page(&w.b, page, &r);
    assert_body_has(&r, "id=\"enable-form\"");
    assert_body_has(&r, "credited");
    http_resp_free(&r);

    /* Off twice: refused.  On again: the brand is still there. */
    post_form(&w.b, action, &r, "confirm", "yes", NULL);
    ck_assert_int_eq(r.status, 409);
    http_resp_free(&r);
    char *again = fresh_slug("wlon2"), *enable = path_of("/orgs/%lld/whitelabel/enable",
                                                         w.partner);
    post_form(&w.b, enable, &r, "slug", again, NULL);
    assert_redirect(&r, page);
    http_resp_free(&r);
    open_page(&w.b, page, &r);
    assert_body_has(&r, "value=\"Acme Cloud\"");
    assert_body_has(&r, "value=\"#1f4e79\"");
    http_resp_free(&r);
    free(again);
    free(enable);
    free(action);
    free(page);
    free(dom);
    world_free(&w);
}
END_TEST

/* ---- template sets -------------------------------------------------------------------------------- */

START_TEST(test_only_the_operator_assigns_a_template_set)
{
    struct world w;
    struct browser op = { 0 };
    struct http_resp r;
    char *email;

    world_make(&w, "wlts", true);
    char *action = path_of("/orgs/%lld/branding/template-set", w.partner);
    post_form(&w.b, action, &r, "template_set", "default", NULL);
    ck_assert_int_eq(r.status, 403);
    http_resp_free(&r);

    make_member("wlop", platform_org(), system_role("platform_admin"), &email);
    sign_in(&op, email, PASSWORD, &r);
    http_resp_free(&r);
    char *page = path_of("/orgs/%lld/branding", w.partner);
    open_page(&op, page, &r);
    assert_body_has(&r, "id=\"tplset-form\"");
    http_resp_free(&r);
    post_form(&op, action, &r, "template_set", "no-such-set", NULL);
    ck_assert_int_eq(r.status, 422);
    assert_body_has(&r, "There is no template set");
    http_resp_free(&r);
    post_form(&op, action, &r, "template_set", "../default", NULL);
    ck_assert_int_eq(r.status, 422);
    http_resp_free(&r);
    ck_assert_int_eq(events(w.partner, "Assign Template Set", "Failed"), 2);
    post_form(&op, action, &r, "template_set", "default", NULL);
    assert_redirect(&r, page);
    http_resp_free(&r);
    ck_assert_int_eq(sql_num("SELECT COUNT(*) FROM brands WHERE org_id = %lld AND template_set IS "
                             "NULL AND revision = 2", w.partner), 1);
    ck_assert_int_eq(events(w.partner, "Assign Template Set", "Success"), 1);
    free(email);
    free(action);
    free(page);
    browser_free(&op);
    world_free(&w);
}
END_TEST


/* ---- the DNS server and the resolver setting ------------------------------------------------------- */

static pid_t challtest_start(void)
{
    char dns[32], mgmt[32];
    pid_t pid;

    if (access("/usr/bin/pebble-challtestsrv", X_OK) != 0)
        return -1;
    snprintf(dns, sizeof(dns), "127.0.0.1:%d", dns_port);
    snprintf(mgmt, sizeof(mgmt), "127.0.0.1:%d", dns_mgmt_port);
    if ((pid = fork()) == 0) {
        if (freopen("/dev/null", "w", stdout) == NULL)
            _exit(127);
        execl("/usr/bin/pebble-challtestsrv", "pebble-challtestsrv", "-dns01", dns,
              "-management", mgmt, "-http01", "", "-https01", "", "-tlsalpn01", "",
              (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* [whitelabel] resolver for this run's portald (the last value of a key
 * wins), then a graceful reload so the job worker reads it.  The config's
 * size before, to put it back afterwards; -1 when it could not be changed. */
static long resolver_configure(void)
{
    FILE *f = fopen(getenv("PT_TEST_CONFIG"), "a");
    long size;

    if (f == NULL)
        return -1;
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fprintf(f, "\n; check_whitelabel: pebble-challtestsrv answers DNS\n[whitelabel]\n"
            "resolver = 127.0.0.1:%d\n", dns_port);
    fclose(f);
    if (test_dev("portald-reload") != 0)
        fprintf(stderr, "check_whitelabel: portald-reload failed\n");
    sleep(2);
    return size;
}

/* The stack's config as it was (the suites after this one share it). */
static void resolver_restore(long size)
{
    if (size < 0 || truncate(getenv("PT_TEST_CONFIG"), size) != 0)
        return;
    if (test_dev("portald-reload") != 0)
        fprintf(stderr, "check_whitelabel: portald-reload failed\n");
}

int main(void)
{
    if (suite_init("check_whitelabel") != 0)
        return 77;
    /* Next to the stack's own port, so that side-by-side runs never meet. */
    const char *colon = strrchr(http_base(), ':');
    int base = colon ? atoi(colon + 1) : 18080;
    dns_port = base + 20;
    dns_mgmt_port = base + 21;
    pid_t dns = challtest_start();
    long conf_size = resolver_configure();

    Suite *s = suite_create("whitelabel");
    TCase *tc = tcase_create("white label");
    tcase_add_test(tc, test_enable_starts_the_prorated_subscription_and_the_subdomain);
    tcase_add_test(tc, test_a_reserved_malformed_or_taken_subdomain_is_refused);
    tcase_add_test(tc, test_brand_checks_contrast_and_images_from_their_bytes);
    tcase_add_test(tc, test_images_are_judged_by_their_structure);
    tcase_add_test(tc, test_preview_applies_unsaved_colours_and_writes_nothing);
    tcase_add_test(tc, test_brand_assets_are_public_typed_and_cached_by_revision);
    tcase_add_test(tc, test_asset_headers_replace_the_core_defaults);
    tcase_add_test(tc, test_a_custom_domain_shows_its_dns_records_and_cannot_be_claimed_twice);
    tcase_add_test(tc, test_domains_need_white_label_and_a_partner);
    tcase_add_test(tc, test_the_verification_job_reads_the_txt_record_through_the_resolver);
    tcase_add_test(tc, test_disable_credits_the_month_releases_hostnames_and_keeps_the_brand);
    tcase_add_test(tc, test_only_the_operator_assigns_a_template_set);
    tcase_add_checked_fixture(tc, unlock_client_address, NULL);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    int rc = run_suite(s);
    resolver_restore(conf_size);
    if (dns > 0) {
        kill(dns, SIGTERM);
        waitpid(dns, NULL, 0);
    }
    return rc;
}
