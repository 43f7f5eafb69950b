package cli

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestAuthCredentialsCommands(t *testing.T) {
	data := t.TempDir()
	config := filepath.Join(repoRoot, "sites.toml")
	code, out, stderr := run(t, "auth", "credentials", "create", "-config", config, "-data", data,
		"-site", "lingen", "-name", "Fachverfahren Hundesteuer")
	if code != 0 {
		t.Fatalf("credentials create: exit %d\n%s", code, stderr)
	}
	m := regexp.MustCompile(`(?m)^id:\s+(\S+)$`).FindStringSubmatch(out)
	if m == nil || !regexp.MustCompile(`(?m)^token: vbs_`+m[1]+`\.\S{43}$`).MatchString(out) {
		t.Fatalf("credentials create printed no id and token:\n%s", out)
	}
	id := m[1]

	_, out, _ = run(t, "auth", "credentials", "list", "-config", config, "-data", data, "-site", "lingen")
	if !strings.Contains(out, id) || !strings.Contains(out, "Fachverfahren Hundesteuer") || strings.Contains(out, "vbs_") {
		t.Errorf("credentials list:\n%s", out)
	}
	if code, _, _ := run(t, "auth", "credentials", "revoke", "-config", config, "-data", data, id); code != 0 {
		t.Errorf("credentials revoke: exit %d", code)
	}
	if code, _, stderr := run(t, "auth", "credentials", "revoke", "-config", config, "-data", data, id); code != 1 ||
		!strings.Contains(stderr, "no usable credential") {
		t.Errorf("second revoke: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := run(t, "auth", "credentials", "create", "-config", config, "-data", data,
		"-site", "atlantis"); code != 1 || !strings.Contains(stderr, `unknown site "atlantis"`) {
		t.Errorf("credential for an unknown site: exit %d\n%s", code, stderr)
	}
}

func TestAuthClientsCommands(t *testing.T) {
	data := t.TempDir()
	config := filepath.Join(repoRoot, "sites.toml")
	code, out, stderr := run(t, "auth", "clients", "add", "-config", config, "-data", data,
		"--site", "lingen", "--name", "Online-Antrag Hundesteuer",
		"--redirect-uri", "https://hund.lingen.example/callback",
		"--redirect-uri", "http://127.0.0.1:9000/callback")
	if code != 0 {
		t.Fatalf("clients add: exit %d\n%s", code, stderr)
	}
	m := regexp.MustCompile(`(?m)^client_id:\s+(lingen\.[0-9a-f]{16})$`).FindStringSubmatch(out)
	if m == nil || !regexp.MustCompile(`(?m)^client_secret: \S{43}$`).MatchString(out) {
		t.Fatalf("clients add printed no client ID and secret:\n%s", out)
	}

	_, out, _ = run(t, "auth", "clients", "list", "-config", config, "-data", data)
	if !strings.Contains(out, m[1]) || !strings.Contains(out, "https://hund.lingen.example/callback") {
		t.Errorf("clients list:\n%s", out)
	}
	if code, _, _ := run(t, "auth", "clients", "remove", "-config", config, "-data", data, m[1]); code != 0 {
		t.Errorf("clients remove: exit %d", code)
	}
	_, out, _ = run(t, "auth", "clients", "list", "-config", config, "-data", data)
	if strings.Contains(out, m[1]) {
		t.Errorf("removed client still listed:\n%s", out)
	}

	for _, uri := range []string{"http://hund.lingen.example/cb", "https://x.example/cb#frag", "/callback"} {
		code, _, stderr := run(t, "auth", "clients", "add", "-config", config, "-data", data,
			"-site", "lingen", "-name", "x", "-redirect-uri", uri)
		if code != 1 || !strings.Contains(stderr, "invalid redirect URI") {
			t.Errorf("redirect URI %q: exit %d\n%s", uri, code, stderr)
		}
	}
}

func TestAuthWithoutDataNamesFlag(t *testing.T) {
	code, _, stderr := run(t, "auth", "-config", "sites.toml")
	if code != 2 {
		t.Errorf("exit code %d, want 2", code)
	}
	first, _, _ := strings.Cut(stderr, "\n")
	if !strings.Contains(first, "missing -data") {
		t.Errorf("first line of the output = %q, want it to name -data", first)
	}
}
