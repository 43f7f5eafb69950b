package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/verbund/verbund/auth/store"
)

// AdminTokenFile is the name of the admin API's token file in the data
// folder.
const AdminTokenFile = "admin-token"

// setupAdminToken reads the admin token file, or creates it with a new
// token. A new token on a store that holds accounts is logged as a warning,
// because it differs from the token of the backup and of other replicas.
func (s *Service) setupAdminToken(hasData bool) error {
	if s.opts.AdminToken != "" {
		s.adminToken = s.opts.AdminToken
		return nil
	}
	path := filepath.Join(s.opts.DataDir, AdminTokenFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return fmt.Errorf("reading random bytes: %w", err)
		}
		data = []byte(base64.RawURLEncoding.EncodeToString(b) + "\n")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return fmt.Errorf("writing admin token file: %w", err)
		}
		if hasData {
			s.log.Warn("created a new admin token, although the store contains accounts: "+
				"copy admin-token from the backup or another replica to keep the previous token", "path", path)
		} else {
			s.log.Info("created admin token file for a first start", "path", path)
		}
	} else if err != nil {
		return fmt.Errorf("reading admin token file: %w", err)
	}
	s.adminToken = strings.TrimSpace(string(data))
	if len(s.adminToken) < 20 {
		return fmt.Errorf("admin token in %s is shorter than 20 characters", path)
	}
	return nil
}

// adminRoutes builds the admin API. It runs on its own listener and
// needs the bearer token; every call is audited with actor "admin".
func (s *Service) adminRoutes() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern string, h appHandler) { mux.Handle(pattern, s.wrap(h)) }
	handle("POST /admin/accounts/lookup", s.adminLookup)
	handle("POST /admin/accounts/{id}/disable", s.adminDisable)
	handle("POST /admin/accounts/{id}/enable", s.adminEnable)
	handle("DELETE /admin/accounts/{id}", s.adminDelete)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		got, ok := bearerToken(r)
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(s.adminToken)) != 1 {
			s.audit.record(r.Context(), s.now(), auditEntry{Event: "admin.denied", Actor: "admin",
				IP: s.clientIP(r), Result: "bad token", Detail: r.Method + " " + r.URL.Path})
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "missing or wrong bearer token"})
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodDelete {
			if err := requireJSON(r); err != nil {
				writeJSON(w, http.StatusUnsupportedMediaType, map[string]string{"error": "send application/json"})
				return
			}
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		mux.ServeHTTP(w, r)
	})
}

func (s *Service) adminLookup(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Email string `json:"email"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return errBadForm
	}
	// loginEmail also finds the accounts of addresses that only earlier
	// versions accepted.
	email := loginEmail(req.Email)
	if email == "" {
		return errBadForm
	}
	acc, err := s.store.AccountByEmail(r.Context(), email)
	if errors.Is(err, store.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	s.audit.record(r.Context(), s.now(), auditEntry{Event: "admin.lookup", AccountID: acc.ID,
		Actor: "admin", IP: s.clientIP(r), Result: "ok"})
	writeJSON(w, http.StatusOK, map[string]any{
		"id": acc.ID, "created": acc.CreatedAt, "disabled": !acc.DisabledAt.IsZero(),
	})
	return nil
}

// adminDisable disables an account and ends its sessions, links and
// flows at once.
func (s *Service) adminDisable(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	ctx := r.Context()
	now := s.now()
	if err := s.store.SetDisabled(ctx, id, now); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return errNotFound
		}
		return err
	}
	n, err := s.endEverything(r, id)
	if err != nil {
		return err
	}
	s.audit.record(ctx, now, auditEntry{Event: "admin.disable", AccountID: id, Actor: "admin",
		IP: s.clientIP(r), Result: "ok", Detail: fmt.Sprintf("%d sessions ended", n)})
	writeJSON(w, http.StatusOK, map[string]any{"disabled": true, "sessions_ended": n})
	return nil
}

// endEverything ends every session, open link and flow of an account.
func (s *Service) endEverything(r *http.Request, accountID string) (int, error) {
	ctx := r.Context()
	n, err := s.store.DeleteSessions(ctx, accountID, nil)
	if err != nil {
		return 0, err
	}
	if err := s.store.DeleteAccountTokens(ctx, accountID); err != nil {
		return 0, err
	}
	return n, s.store.DeleteAccountFlows(ctx, accountID)
}

func (s *Service) adminEnable(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := s.store.SetDisabled(r.Context(), id, time.Time{}); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return errNotFound
		}
		return err
	}
	s.audit.record(r.Context(), s.now(), auditEntry{Event: "admin.enable", AccountID: id,
		Actor: "admin", IP: s.clientIP(r), Result: "ok"})
	writeJSON(w, http.StatusOK, map[string]bool{"disabled": false})
	return nil
}

func (s *Service) adminDelete(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := s.store.DeleteAccount(r.Context(), id); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return errNotFound
		}
		return err
	}
	s.audit.record(r.Context(), s.now(), auditEntry{Event: "admin.delete", AccountID: id,
		Actor: "admin", IP: s.clientIP(r), Result: "ok"})
	writeJSON(w, http.StatusOK, map[string]bool{"deleted": true})
	return nil
}
