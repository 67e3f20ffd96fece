#include "borne/collector_signin.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "borne/collector_http.h"
#include "borne/log.h"
#include "collector_html.h"

BORNE_LOG_MODULE("signin");

#define COOKIE "borne_session"
#define LOGIN_COOKIE "borne_login"
#define FORM_CAP 4096

bool collector_signin_route(const char *url, const char *method)
{
    return strcmp(url, "/console/login") == 0 || strcmp(url, "/console/logout") == 0 ||
           (strcmp(method, MHD_HTTP_METHOD_POST) == 0 && strncmp(url, "/console/", 9) == 0);
}

bool collector_signin_reader(struct collector_users *u, struct MHD_Connection *c, bool admin, int64_t now,
                             struct collector_reader *r)
{
    memset(r, 0, sizeof *r);
    const char *id = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE);
    long user = collector_users_session_get(u, id, now, r->csrf);
    if (user >= 0) {
        r->session = true;
        snprintf(r->name, sizeof r->name, "%s", collector_users_name(u, user));
        snprintf(r->group, sizeof r->group, "%s", collector_users_group(u, user));
        return true;
    }
    return admin;
}

bool collector_signin_form_value(const char *body, const char *name, char *out, size_t size)
{
    size_t nl = strlen(name);
    for (const char *p = body; p && *p; p = strchr(p, '&') ? strchr(p, '&') + 1 : NULL) {
        if (strncmp(p, name, nl) != 0 || p[nl] != '=')
            continue;
        const char *v = p + nl + 1;
        size_t vl = strcspn(v, "&");
        if (vl >= size)
            return false;
        memcpy(out, v, vl);
        out[vl] = '\0';
        for (char *q = out; *q; q++)
            if (*q == '+')
                *q = ' ';
        out[MHD_http_unescape(out)] = '\0';
        return true;
    }
    return false;
}

/* The form's sign-in token: the one of the browser's cookie when it has one, else a new one to set. */
static enum MHD_Result login_page(struct MHD_Connection *c, unsigned status, const char *message)
{
    char token[COLLECTOR_SESSION_ID_LEN + 1];
    const char *have = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, LOGIN_COOKIE);
    bool fresh = !have || strlen(have) != COLLECTOR_SESSION_ID_LEN || strspn(have, "0123456789abcdef") != strlen(have);
    if (fresh) {
        unsigned char raw[COLLECTOR_SESSION_ID_LEN / 2];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2hex(token, sizeof token, raw, sizeof raw);
    } else
        snprintf(token, sizeof token, "%s", have);
    struct buf b = {0};
    buf_puts(&b, "<!doctype html><html lang='fr'><head><meta charset='utf-8'><meta name='viewport' "
                 "content='width=device-width,initial-scale=1'><title>Borne · console de pilotage — connexion</title>");
    buf_puts(&b, html_style);
    buf_puts(&b, "<style>form.login{max-width:360px;margin:60px auto;background:#fff;border:1px solid var(--line);"
                 "border-radius:10px;padding:24px;display:flex;flex-direction:column;gap:12px}form.login label{display:"
                 "flex;flex-direction:column;gap:4px;font-size:13px;color:var(--muted)}form.login input{font:inherit;"
                 "padding:7px 9px;border:1px solid #c5cdd9;border-radius:6px}form.login button{font:inherit;padding:8px;"
                 "border:0;border-radius:6px;background:var(--accent);color:#fff}.error{color:#8f1d1d}</style>");
    buf_puts(&b, "</head><body><header><h1>Console de pilotage</h1></header><main><form class='login' method='post' "
                 "action='/console/login'><h2>Connexion</h2>");
    if (message) {
        buf_puts(&b, "<p class='error' role='alert'>");
        html_text(&b, message);
        buf_puts(&b, "</p>");
    }
    buf_printf(&b, "<input type='hidden' name='login_csrf' value='%s'>", token);
    buf_puts(&b, "<label>Nom<input name='name' autocomplete='username' required></label><label>Mot de passe<input "
                 "name='password' type='password' autocomplete='current-password' required></label><button "
                 "type='submit'>Se connecter</button></form></main></body></html>\n");
    char *out;
    size_t len;
    if (buf_finish(&b, 0, &out, &len) != 0)
        return MHD_NO;
    struct MHD_Response *r = MHD_create_response_from_buffer(len, out, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(out);
        return MHD_NO;
    }
    if (fresh) {
        char cookie[160];
        snprintf(cookie, sizeof cookie, LOGIN_COOKIE "=%s; Path=/console/login; HttpOnly; SameSite=Strict", token);
        MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie);
    }
    return collector_http_send(c, status, r, "text/html; charset=utf-8");
}

static enum MHD_Result redirect(struct MHD_Connection *c, const char *to, const char *cookie)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, to);
    if (cookie)
        MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie);
    return collector_http_send(c, MHD_HTTP_SEE_OTHER, r, "text/plain");
}

static enum MHD_Result login(struct collector_users *u, struct MHD_Connection *c, const char *form, bool secure,
                             int64_t now)
{
    char name[COLLECTOR_USER_NAME_MAX + 1], password[COLLECTOR_PASSWORD_MAX + 1], token[COLLECTOR_SESSION_ID_LEN + 1];
    if (!collector_signin_form_value(form, "login_csrf", token, sizeof token) ||
        !collector_users_token_equal(token, MHD_lookup_connection_value(c, MHD_COOKIE_KIND, LOGIN_COOKIE)))
        return collector_http_error(c, MHD_HTTP_FORBIDDEN, "csrf", "sign in from the console's own form");
    if (!collector_signin_form_value(form, "name", name, sizeof name) ||
        !collector_signin_form_value(form, "password", password, sizeof password))
        return login_page(c, MHD_HTTP_BAD_REQUEST, "Donnez votre nom et votre mot de passe.");
    long user = collector_users_verify(u, name, password);
    memset(password, 0, sizeof password);
    if (user < 0) {
        log_notice("console sign-in refused for \"%.64s\"", name);
        return login_page(c, MHD_HTTP_UNAUTHORIZED, "Nom ou mot de passe incorrect.");
    }
    char id[COLLECTOR_SESSION_ID_LEN + 1], csrf[COLLECTOR_SESSION_ID_LEN + 1];
    if (collector_users_session_open(u, user, now, id, csrf) != 0)
        return collector_http_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "sessions_full", "too many sessions, retry later");
    log_notice("console sign-in: %s", name);
    char cookie[256];
    snprintf(cookie, sizeof cookie, COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", id,
             COLLECTOR_SESSION_S, secure ? "; Secure" : "");
    return redirect(c, "/console", cookie);
}

/* The gate of every change: a live session, and its CSRF token in the form. */
static enum MHD_Result change(struct collector_users *u, struct MHD_Connection *c, const char *url, const char *form,
                              int64_t now, collector_signin_action_fn action, void *action_ctx)
{
    struct collector_reader who;
    if (!collector_signin_reader(u, c, false, now, &who))
        return redirect(c, "/console/login", NULL);
    char sent[COLLECTOR_SESSION_ID_LEN + 1];
    if (!collector_signin_form_value(form, "csrf", sent, sizeof sent) || !collector_users_token_equal(who.csrf, sent)) {
        log_warn("%s: a change (%s) without the session's CSRF token was refused", who.name, url);
        return collector_http_error(c, MHD_HTTP_FORBIDDEN, "csrf", "the form's token is missing or wrong");
    }
    if (strcmp(url, "/console/logout") != 0)
        return action(action_ctx, c, url, form, &who);
    if (collector_users_session_close(u, MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE)) != 0)
        return collector_http_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "storage",
                                    "the sign-out could not be recorded: retry");
    return redirect(c, "/console/login", COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

enum MHD_Result collector_signin_request(struct collector_users *u, struct MHD_Connection *c, const char *url,
                                         const char *method, bool secure, int64_t now, const char *upload_data,
                                         size_t *upload_data_size, void **state, collector_signin_action_fn action,
                                         void *action_ctx)
{
    bool post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
    bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
    if (!post) {
        if (get && strcmp(url, "/console/login") == 0)
            return login_page(c, MHD_HTTP_OK, NULL);
        return collector_http_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method", get ? "use POST" : "use GET or POST");
    }
    struct collector_body *b = *state;
    if (!b) {
        if (!(b = *state = calloc(1, sizeof *b)))
            return MHD_NO;
        return MHD_YES;
    }
    if (*upload_data_size) {
        bool ok = collector_body_add(b, upload_data, *upload_data_size, FORM_CAP);
        *upload_data_size = 0;
        return ok ? MHD_YES : MHD_NO;
    }
    if (b->too_large)
        return collector_http_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "too_large", "form over 4 KiB");
    const char *form = b->data ? b->data : "";
    const char *proto = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-Proto");
    secure = secure || (proto && strcmp(proto, "https") == 0);
    return strcmp(url, "/console/login") == 0 ? login(u, c, form, secure, now)
                                              : change(u, c, url, form, now, action, action_ctx);
}

void collector_signin_done(void *state)
{
    struct collector_body *b = state;
    if (b) {
        collector_body_free(b);
        free(b);
    }
}
