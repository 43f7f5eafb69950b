package auth

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

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
	addr, adminAddr := freeAddr(t), freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{Config: testConfig("http://localhost:" + port), Addr: addr,
			AdminAddr: adminAddr, DataDir: t.TempDir(), Insecure: true, Store: storetest.OpenSQLite(t)})
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
