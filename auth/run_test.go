package auth

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/verbund/verbund/auth/store"
	"github.com/verbund/verbund/auth/store/storetest"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestRunServesAndStops(t *testing.T) {
	addr, adminAddr, senderAddr := freeAddr(t), freeAddr(t), freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{Config: testConfig("http://localhost:" + port), Addr: addr,
			AdminAddr: adminAddr, SenderAddr: senderAddr, DataDir: t.TempDir(), Insecure: true,
			Store: storetest.OpenSQLite(t)})
	}()

	var resp *http.Response
	var err error
	for range 50 {
		if resp, err = http.Get("http://" + addr + "/anmelden"); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("service did not come up: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /anmelden: status %d", resp.StatusCode)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}

	resp, err = http.Post("http://"+addr+"/admin/accounts/lookup", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("admin path on the citizens' listener: status %d, want 404", resp.StatusCode)
	}
	resp, err = http.Post("http://"+adminAddr+"/admin/accounts/lookup", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("admin listener without token: status %d, want 401", resp.StatusCode)
	}

	resp, err = http.Get("http://" + senderAddr + "/v1/messages")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("sender listener without credential: status %d, want 401", resp.StatusCode)
	}
	resp, err = http.Get("http://" + addr + "/v1/messages")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("sender API on the citizens' listener: status %d, want 404", resp.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run returned %v after cancel", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func TestRunPurgesOnStartAndOnSchedule(t *testing.T) {
	st := storetest.OpenSQLite(t)
	ctx := context.Background()
	acc, err := newAccount("anna@example.org", "$argon2id$unused", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateAccount(ctx, acc); err != nil {
		t.Fatal(err)
	}
	expired := func(id string) {
		t.Helper()
		sent := time.Now().Add(-48 * time.Hour)
		m := &store.Message{ID: id, Site: "lingen", AccountID: acc.ID, Subject: "alt", MinLevel: 1,
			CreatedAt: sent, ExpiresAt: time.Now().Add(-time.Millisecond)}
		r := &store.Receipt{MessageID: id, Site: "lingen", AccountID: acc.ID, Recipient: "h",
			SentAt: sent, KeepUntil: time.Now().Add(time.Hour)}
		if err := st.CreateMessage(ctx, m, nil, r); err != nil {
			t.Fatal(err)
		}
	}
	removed := func(id string) bool {
		r, err := st.ReceiptForSite(ctx, "lingen", id)
		return err == nil && r.DeletedBy == store.DeletedByRetention
	}
	expired("before-start")

	// With an interval of an hour, only the purge on start can remove
	// the first message before the listener accepts requests.
	dataDir := keyedDataDir(t)
	stop := startRun(t, st, dataDir, time.Hour)
	if !removed("before-start") {
		t.Error("expired message not purged before the service started listening")
	}
	stop()

	stop = startRun(t, st, dataDir, 50*time.Millisecond)
	defer stop()
	expired("while-running")
	for range 200 {
		if removed("while-running") {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatal("the scheduled purge did not remove an expired message within 5 s")
}

// startRun runs the service on st until the returned function is called,
// and returns once the citizens' listener accepts requests.
func startRun(t *testing.T, st store.Store, dataDir string, purgeInterval time.Duration) func() {
	t.Helper()
	addr := freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{Config: testConfig("http://localhost:" + port), Addr: addr,
			DataDir: dataDir, Insecure: true, Store: st, PurgeInterval: purgeInterval})
	}()
	stop := func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
	for range 100 {
		if resp, err := http.Get("http://" + addr + "/anmelden"); err == nil {
			resp.Body.Close()
			return stop
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	t.Fatal("service did not come up within 5 s")
	return nil
}
