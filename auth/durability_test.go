package auth

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/verbund/verbund/auth/store"
	"github.com/verbund/verbund/auth/store/storetest"
	"github.com/verbund/verbund/internal/syncbuf"
)

// A message the sender API acknowledged survives a SIGKILL of the
// service right afterwards. The test builds the real binary, runs
// `verbund auth` as a child process, streams messages at it, kills it
// while requests are in flight, restarts it and looks for every
// acknowledged message.
func TestAcknowledgedMessagesSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the verbund binary")
	}
	bin := buildVerbund(t)
	t.Run("sqlite", func(t *testing.T) {
		checkDurability(t, bin, "")
	})
	t.Run("postgres", func(t *testing.T) {
		checkDurability(t, bin, postgresSchemaDSN(t))
	})
}

// buildVerbund builds ./cmd/verbund into a temporary folder.
func buildVerbund(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "verbund")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/verbund")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/verbund: %v\n%s", err, out)
	}
	return bin
}

// postgresSchemaDSN creates a schema of its own in the test database and
// returns a DSN that uses it. It skips the test when
// VERBUND_TEST_POSTGRES is unset.
func postgresSchemaDSN(t *testing.T) string {
	t.Helper()
	dsn := storetest.PostgresDSN(t)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "verbund_kill_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("creating schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", dsn)
		if err == nil {
			db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			db.Close()
		}
	})
	return storetest.WithSearchPath(dsn, schema)
}

// child is a running `verbund auth` process.
type child struct {
	cmd    *exec.Cmd
	output *syncbuf.Buffer
	sender string
}

// durabilitySetup is what the service runs with.
type durabilitySetup struct {
	bin, config, data, database string
}

func (d durabilitySetup) storeArgs() []string {
	args := []string{"-config", d.config, "-data", d.data}
	if d.database != "" {
		args = append(args, "-database", d.database)
	}
	return args
}

func (d durabilitySetup) start(t *testing.T, token string) *child {
	t.Helper()
	c := &child{output: &syncbuf.Buffer{}, sender: freeAddr(t)}
	args := append([]string{"auth", "-addr", freeAddr(t), "-sender-addr", c.sender}, d.storeArgs()...)
	c.cmd = exec.Command(d.bin, args...)
	c.cmd.Stdout, c.cmd.Stderr = c.output, c.output
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("starting verbund auth: %v", err)
	}
	t.Cleanup(func() {
		if c.cmd.ProcessState == nil {
			c.cmd.Process.Kill()
			c.cmd.Wait()
		}
	})

	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequest("GET", "http://"+c.sender+"/v1/messages?limit=1", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return c
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("verbund auth did not come up within 30 s:\n%s", c.output.String())
	return nil
}

func checkDurability(t *testing.T, bin, database string) {
	config, err := filepath.Abs("../sites.toml")
	if err != nil {
		t.Fatal(err)
	}
	d := durabilitySetup{bin: bin, config: config, data: t.TempDir(), database: database}
	token := createCredentialWithCLI(t, d)
	// The first start creates the key files, so the citizen is seeded
	// afterwards, as a real one registers with a running service.
	first := d.start(t, token)
	handle, accountID := seedCitizen(t, d)

	acked := streamUntilKilled(t, first, token, handle)
	if len(acked) < 20 {
		t.Fatalf("only %d messages acknowledged before the kill:\n%s", len(acked), first.output.String())
	}

	second := d.start(t, token)
	for _, id := range acked {
		req, _ := http.NewRequest("GET", "http://"+second.sender+"/v1/messages/"+id, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("acknowledged message %s after SIGKILL: status %d", id, resp.StatusCode)
		}
	}
	second.cmd.Process.Signal(syscall.SIGTERM)
	second.cmd.Wait()

	// The content, not only the receipt, is there.
	st := openStoreAt(t, d)
	for _, id := range acked {
		m, err := st.MessageForAccount(context.Background(), accountID, id, time.Now())
		if err != nil {
			t.Errorf("message %s after SIGKILL: %v", id, err)
			continue
		}
		if m.AttachmentCount != 1 || !strings.HasPrefix(m.Body, "Nachricht ") {
			t.Errorf("message %s after SIGKILL: %d attachments, body %q", id, m.AttachmentCount, m.Body)
		}
	}
	t.Logf("%d acknowledged messages survived SIGKILL", len(acked))
}

// createCredentialWithCLI runs `verbund auth credentials create` and
// returns the token it prints.
func createCredentialWithCLI(t *testing.T, d durabilitySetup) string {
	t.Helper()
	args := append([]string{"auth", "credentials", "create", "-site", "lingen"}, d.storeArgs()...)
	out, err := exec.Command(d.bin, args...).Output()
	if err != nil {
		t.Fatalf("verbund auth credentials create: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if tok, ok := strings.CutPrefix(sc.Text(), "token: "); ok {
			return strings.TrimSpace(tok)
		}
	}
	t.Fatalf("no token in the output of credentials create:\n%s", out)
	return ""
}

func openStoreAt(t *testing.T, d durabilitySetup) store.Store {
	t.Helper()
	dsn := d.database
	if dsn == "" {
		dsn = filepath.Join(d.data, store.SQLiteFile)
	}
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// seedCitizen stores an account with a handle at lingen, as a login at
// one of lingen's online services would, and returns the handle.
func seedCitizen(t *testing.T, d durabilitySetup) (handle, accountID string) {
	t.Helper()
	st := openStoreAt(t, d)
	ctx := context.Background()
	now := time.Now()
	acc, err := newAccount("anna@example.org", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateAccount(ctx, acc); err != nil {
		t.Fatal(err)
	}
	h := &store.Handle{Site: "lingen", Subject: "anna-in-lingen", AccountID: acc.ID, CreatedAt: now}
	if err := st.CreateHandle(ctx, h); err != nil {
		t.Fatal(err)
	}
	st.Close()
	return h.Subject, acc.ID
}

// streamUntilKilled sends messages from four clients, kills the service
// with SIGKILL once 40 are acknowledged, with requests still in flight,
// and returns the IDs of every acknowledged message.
func streamUntilKilled(t *testing.T, c *child, token, handle string) []string {
	t.Helper()
	var mu sync.Mutex
	var acked []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	for worker := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body, _ := json.Marshal(map[string]any{"recipient": handle,
					"subject": "Bescheid", "body": fmt.Sprintf("Nachricht %d-%d", worker, i),
					"attachments": []map[string]any{{"name": "b.pdf", "content": testPDF}}})
				req, _ := http.NewRequest("POST", "http://"+c.sender+"/v1/messages", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := client.Do(req)
				if err != nil {
					return
				}
				var out struct {
					ID string `json:"id"`
				}
				json.NewDecoder(resp.Body).Decode(&out)
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated && out.ID != "" {
					mu.Lock()
					acked = append(acked, out.ID)
					mu.Unlock()
				}
			}
		}()
	}

	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 40 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("SIGKILL: %v", err)
	}
	c.cmd.Wait()
	close(stop)
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	return append([]string(nil), acked...)
}
