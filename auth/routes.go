package auth

import (
	"io/fs"
	"net/http"
	"slices"
	"strings"
)

// routes builds the citizens' handler. Every state change is a POST;
// GET and HEAD only read.
func (s *Service) routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern string, h appHandler) { mux.Handle(pattern, s.wrap(h)) }

	handle("GET /{$}", s.home)
	handle("GET /anmelden", s.loginPage)
	handle("POST /anmelden", s.login)
	handle("GET /anmelden/faktor", s.factorPage)
	handle("POST /anmelden/faktor", s.factorTOTP)
	handle("POST /anmelden/passkey/optionen", s.passkeyLoginOptions)
	handle("POST /anmelden/passkey/pruefen", s.passkeyLoginVerify)
	handle("POST /abmelden", s.logout)

	handle("GET /registrieren", s.registerPage)
	handle("POST /registrieren", s.register)
	handle("POST /registrieren/erneut", s.register)
	handle("GET /registrieren/abschliessen", s.registerFinishPage)
	handle("POST /registrieren/abschliessen", s.registerFinish)

	handle("GET /passwort-vergessen", s.forgotPage)
	handle("POST /passwort-vergessen", s.forgot)
	handle("GET /passwort-neu", s.resetLinkPage)
	handle("POST /passwort-neu", s.resetLink)
	handle("GET /passwort-neu/setzen", s.resetSetPage)
	handle("POST /passwort-neu/setzen", s.resetSet)

	handle("GET /konto/bestaetigen", s.reauthPage)
	handle("POST /konto/bestaetigen", s.reauth)
	handle("GET /konto/passwort", s.passwordPage)
	handle("POST /konto/passwort", s.changePassword)
	handle("GET /konto/sitzungen", s.sessionsPage)
	handle("POST /konto/sitzungen/beenden", s.endSession)
	handle("POST /konto/sitzungen/andere-beenden", s.endOtherSessions)
	handle("GET /konto/email", s.emailPage)
	handle("POST /konto/email", s.changeEmail)
	handle("GET /email-bestaetigen", s.emailConfirmPage)
	handle("POST /email-bestaetigen", s.emailConfirm)

	handle("GET /konto/totp", s.totpPage)
	handle("POST /konto/totp/einrichten", s.totpBegin)
	handle("POST /konto/totp/bestaetigen", s.totpConfirm)
	handle("POST /konto/totp/entfernen", s.totpRemove)
	handle("GET /konto/passkeys", s.passkeysPage)
	handle("POST /konto/passkeys/optionen", s.passkeyRegisterOptions)
	handle("POST /konto/passkeys/speichern", s.passkeyRegister)
	handle("POST /konto/passkeys/entfernen", s.passkeyRemove)

	handle("GET /konto/daten", s.dataPage)
	handle("POST /konto/daten/export", s.export)
	handle("GET /konto/loeschen", s.deletePage)
	handle("POST /konto/loeschen", s.deleteAccount)

	handle("GET /postfach", s.inboxPage)
	handle("GET /postfach/archiv", s.archivePage)
	handle("GET /postfach/{id}", s.messagePage)
	handle("GET /postfach/{id}/anhang/{n}", s.downloadAttachment)
	handle("POST /postfach/auswahl", s.actOnSelection)
	handle("POST /postfach/{id}/gelesen", s.markRead)
	handle("POST /postfach/{id}/archivieren", s.archiveMessage)
	handle("POST /postfach/{id}/zurueckholen", s.unarchiveMessage)
	handle("POST /postfach/{id}/loeschen", s.deleteMessage)

	handle("GET /.well-known/openid-configuration", s.oidcDiscovery)
	handle("GET /oidc/jwks", s.oidcJWKS)
	handle("GET /oidc/authorize", s.authorize)
	handle("POST /oidc/authorize", s.authorizeConsent)
	handle("POST /oidc/token", s.token)
	handle("GET /oidc/userinfo", s.userinfo)
	handle("POST /oidc/userinfo", s.userinfo)

	handle("GET /api/sitzung", s.apiSession)
	mux.Handle("OPTIONS /api/sitzung", http.HandlerFunc(s.apiPreflight))

	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET "+themeCSSPath, s.serveThemeCSS)
	mux.HandleFunc("GET "+logoPath, s.serveLogo)
	mux.HandleFunc("GET "+iconPath, s.serveIcon)
	mux.HandleFunc("GET "+faviconPath, s.serveFavicon)
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler(http.FileServerFS(static))))
	// Unknown paths get the mux's 404 and known paths with another
	// method its 405, which a catch-all pattern would turn into 404s.

	return s.protect(mux)
}

// protect adds the checks every citizen request passes: security
// headers, a bounded body, and cross-origin protection of state changes.
//
// Only the account origin itself may change state, with one exception:
// the federation's portals may post the logout form, so a portal's
// "Abmelden" button works. Sibling hosts and other origins are rejected.
func (s *Service) protect(next http.Handler) http.Handler {
	sameOrigin := http.NewCrossOriginProtection()

	csp := s.contentSecurityPolicy()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		if s.secure {
			h.Set("Strict-Transport-Security", "max-age=63072000")
		}
		if isPrefixPath(r.URL.Path, "/admin") || isPrefixPath(r.URL.Path, "/v1") {
			// The admin and sender APIs live on listeners of their own.
			http.NotFound(w, r)
			return
		}
		if err := s.checkCrossOrigin(sameOrigin, r); err != nil {
			s.log.Info("cross-origin request rejected", "method", r.Method, "path", r.URL.Path,
				"origin", r.Header.Get("Origin"), "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"))
			s.wrap(func(http.ResponseWriter, *http.Request) error {
				return errPage(http.StatusForbidden, "Anfrage abgelehnt",
					"Diese Anfrage kam von einer fremden Website und wurde deshalb abgelehnt.")
			}).ServeHTTP(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		next.ServeHTTP(w, r)
	})
}

// checkCrossOrigin returns an error for a state change from another
// origin than the account's own, unless it is the logout form posted by
// a portal. The portal's Origin header is normalised as the portals' URLs
// are, which the exact match of CrossOriginProtection.AddTrustedOrigin
// would not do.
func (s *Service) checkCrossOrigin(sameOrigin *http.CrossOriginProtection, r *http.Request) error {
	if r.URL.Path == "/abmelden" {
		if _, ok := s.portalOrigin(r.Header.Get("Origin")); ok {
			return nil
		}
	}
	return sameOrigin.Check(r)
}

// contentSecurityPolicy allows only this origin's own files: no inline
// script or style. Browsers apply form-action to the redirects after a
// form is sent, so forms may also lead on to the portals (after login)
// and to the origins in formTargets (online services after their login).
func (s *Service) contentSecurityPolicy(formTargets ...string) string {
	formAction := []string{"'self'"}
	for o := range s.portalOrigins {
		formAction = append(formAction, o)
	}
	for _, o := range formTargets {
		if !slices.Contains(formAction, o) {
			formAction = append(formAction, o)
		}
	}
	return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
		"connect-src 'self'; form-action " + strings.Join(sorted(formAction), " ") +
		"; frame-ancestors 'none'; base-uri 'none'"
}

func staticHandler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") || r.URL.Path == "" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}

// isPrefixPath reports whether path is prefix or lies below it.
func isPrefixPath(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}
