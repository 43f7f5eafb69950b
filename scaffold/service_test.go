package scaffold

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verbund/verbund/federation"

	"github.com/verbund/verbund/generator"
)

func TestNewServiceRejectsEmptyFileName(t *testing.T) {
	config := copyExample(t)
	cfg, err := federation.LoadDraft(config)
	if err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"!!!", "日本語", "– ? –"} {
		_, err := NewService(cfg, ServiceOptions{Site: "lingen", Title: title, Category: "ordnung-sicherheit"})
		if err == nil {
			t.Errorf("NewService accepted title %q", title)
			continue
		}
		if !strings.Contains(err.Error(), "gives an empty file name") {
			t.Errorf("title %q: error %q does not name the empty file name", title, err)
		}
	}
	_, err = NewService(cfg, ServiceOptions{Site: "lingen", Title: "   ", Category: "ordnung-sicherheit"})
	if err == nil || !strings.Contains(err.Error(), "needs a title") {
		t.Errorf("blank title: error %v, want one asking for a title", err)
	}
	hidden, _ := filepath.Glob(filepath.Join(filepath.Dir(config), "content", "lingen", "services", ".*"))
	if len(hidden) > 0 {
		t.Errorf("NewService wrote hidden files %q", hidden)
	}
}

func TestNewServiceShortensLongSlug(t *testing.T) {
	config := copyExample(t)
	cfg, err := federation.LoadDraft(config)
	if err != nil {
		t.Fatal(err)
	}
	title := strings.Repeat("Genehmigung für Veranstaltungen ", 17) + "im Freien"
	path, err := NewService(cfg, ServiceOptions{Site: "lingen", Title: title, Category: "ordnung-sicherheit"})
	if err != nil {
		t.Fatalf("NewService with a title of %d bytes: %v", len(title), err)
	}
	slug := strings.TrimSuffix(filepath.Base(path), ".md")
	if len(slug) > maxSlug {
		t.Errorf("slug of %d bytes, want at most %d: %s", len(slug), maxSlug, slug)
	}
	full := generator.Slugify(title)
	if !strings.HasPrefix(full, slug+"-") {
		t.Errorf("slug %q is not the full slug cut at a word boundary", slug)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), strings.TrimSpace(title)) {
		t.Error("the page lacks the full title")
	}
}

func TestTitleSlugLongWord(t *testing.T) {
	slug, err := titleSlug(strings.Repeat("x", 300))
	if err != nil {
		t.Fatal(err)
	}
	if len(slug) != maxSlug {
		t.Errorf("slug of %d bytes, want %d", len(slug), maxSlug)
	}
}

func TestNewServiceRejectsCountyBase(t *testing.T) {
	config := copyExample(t)
	cfg, err := federation.LoadDraft(config)
	if err != nil {
		t.Fatal(err)
	}
	for _, base := range []string{"kfz-zulassung", "wohngeld"} {
		_, err := NewService(cfg, ServiceOptions{Site: "lingen", Base: base})
		if err == nil {
			t.Errorf("NewService let a commune extend the county's base text %s", base)
			continue
		}
		if !strings.Contains(err.Error(), "is delivered by the county") {
			t.Errorf("base %s: error %q does not explain the tier rule", base, err)
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(config), "content", "lingen", "services", base+".md")); err == nil {
			t.Errorf("NewService wrote a page for %s", base)
		}
	}
	if _, err := NewService(cfg, ServiceOptions{Site: "emsland", Base: "kfz-zulassung"}); err != nil {
		t.Errorf("the county cannot extend its own base text: %v", err)
	}
}

func TestNewServiceSuggestsBase(t *testing.T) {
	config := copyExample(t)
	cfg, err := federation.LoadDraft(config)
	if err != nil {
		t.Fatal(err)
	}
	for _, base := range []string{"meldebescheinigng", "../../sites"} {
		_, err := NewService(cfg, ServiceOptions{Site: "lingen", Base: base})
		if err == nil {
			t.Errorf("NewService accepted base %q", base)
			continue
		}
		if !strings.Contains(err.Error(), "unknown base text") {
			t.Errorf("base %q: error %q does not name the unknown base text", base, err)
		}
	}
	_, err = NewService(cfg, ServiceOptions{Site: "lingen", Base: "meldebescheinigng"})
	if err == nil || !strings.Contains(err.Error(), `did you mean "meldebescheinigung"?`) {
		t.Errorf("error %v suggests no base text", err)
	}
}
