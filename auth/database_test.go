package auth

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"
)

func TestDatabaseRejectsNonPostgres(t *testing.T) {
	// The service must not create a SQLite file named after the value in
	// the working folder, so the test runs in a folder of its own.
	t.Chdir(t.TempDir())
	for _, dsn := range []string{
		"postgress://postgres:TypoGeheim1@db.internal:5432/konto",
		"mysql://root:TypoGeheim1@db.internal/konto",
		"konto.db",
		"postgres://postgres:TypoGeheim1@db.internal:port/konto",
	} {
		var logs bytes.Buffer
		_, err := New(context.Background(), Options{
			Config: testConfig("http://localhost:8082"), Insecure: true,
			DataDir: t.TempDir(), DatabaseURL: dsn,
			Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		})
		if err == nil {
			t.Errorf("New accepted -database %q", dsn)
			continue
		}
		if strings.Contains(err.Error(), "TypoGeheim1") {
			t.Errorf("error shows the password: %v", err)
		}
		if !strings.Contains(err.Error(), "postgres://") || !strings.Contains(err.Error(), "key=value") {
			t.Errorf("error does not name the accepted forms: %v", err)
		}
		if strings.Contains(logs.String(), "TypoGeheim1") {
			t.Errorf("log shows the password: %s", logs.String())
		}
	}
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("file %s created in the working folder", e.Name())
	}
}

func TestDatabaseKeywordFormRedacted(t *testing.T) {
	// Nothing listens on port 1 of loopback, so the connection fails
	// fast, after the value was accepted.
	t.Chdir(t.TempDir())
	dsn := "host=127.0.0.1 port=1 user=postgres password=KvGeheim55 dbname=verbund_test sslmode=disable connect_timeout=2"
	var logs bytes.Buffer
	_, err := New(context.Background(), Options{
		Config: testConfig("http://localhost:8082"), Insecure: true,
		DataDir: t.TempDir(), DatabaseURL: dsn,
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	if err == nil {
		t.Fatal("New connected to a closed port")
	}
	if !strings.Contains(err.Error(), "connecting to PostgreSQL") {
		t.Errorf("key=value form not taken as PostgreSQL: %v", err)
	}
	if strings.Contains(err.Error()+logs.String(), "KvGeheim55") {
		t.Errorf("password in error or log: %v\n%s", err, logs.String())
	}
}
