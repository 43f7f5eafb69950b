package dldb

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

// corpusDir returns the folder with real export files: $VERBUND_CORPUS,
// or by default a folder outside the repository.
func corpusDir() string {
	if dir := os.Getenv("VERBUND_CORPUS"); dir != "" {
		return dir
	}
	return filepath.Join("..", "..", "shared", "corpus")
}

// openCorpus opens the Munich export, or skips the test when the corpus
// folder is absent.
func openCorpus(t *testing.T) (services, locations *os.File) {
	t.Helper()
	dir := corpusDir()
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("corpus folder %s not found; set VERBUND_CORPUS to the folder with munich/services_de.json", dir)
	}
	open := func(name string) *os.File {
		f, err := os.Open(filepath.Join(dir, "munich", name))
		if err != nil {
			t.Fatalf("opening the Munich export: %v", err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	return open("services_de.json"), open("locations_de.json")
}

// validCategories are the category ids that the Munich import may use.
var validCategories = map[string]bool{
	categoryDocuments: true, categoryHousing: true, categoryFamily: true,
	categorySocial: true, categoryVehicles: true, categoryBuilding: true,
	categoryWaste: true, categoryBusiness: true, categoryTaxes: true,
	categoryRegistry: true, categoryOrder: true, categoryAdmin: true,
}

// partHeading matches a second-level heading, which must name a part.
var partHeading = regexp.MustCompile(`(?m)^## (.*)$`)

func TestConvertMunich(t *testing.T) {
	services, locations := openCorpus(t)
	files, warnings, err := Convert(Options{Services: services, Locations: locations, DefaultCategory: categoryAdmin})
	if err != nil {
		t.Fatalf("Convert: %v", err)
	}
	for _, w := range warnings {
		t.Logf("warning: %s", w)
	}

	offices := make(map[string]bool)
	var serviceFiles, officeFiles []File
	for _, f := range files {
		switch {
		case strings.HasPrefix(f.Path, "services/"):
			serviceFiles = append(serviceFiles, f)
		case strings.HasPrefix(f.Path, "offices/"):
			officeFiles = append(officeFiles, f)
			offices[strings.TrimSuffix(strings.TrimPrefix(f.Path, "offices/"), ".md")] = true
		default:
			t.Errorf("unexpected path %s", f.Path)
		}
	}
	if len(serviceFiles) != 287 {
		t.Errorf("got %d service files, want 287", len(serviceFiles))
	}
	if len(officeFiles) != 109 {
		t.Errorf("got %d office files, want 109", len(officeFiles))
	}

	for _, f := range officeFiles {
		values, _ := decodeCorpusFile(t, f)
		if name, _ := values["name"].(string); name == "" {
			t.Errorf("%s: no name", f.Path)
		}
		if source, _ := values["source"].(string); !strings.HasPrefix(source, "dldb:") {
			t.Errorf("%s: source = %q, want dldb:<id>", f.Path, source)
		}
	}

	for _, f := range serviceFiles {
		values, body := decodeCorpusFile(t, f)
		checkCorpusService(t, f.Path, values, body, offices)
	}
}

// decodeCorpusFile parses the front matter of f with BurntSushi/toml and
// returns it with the body.
func decodeCorpusFile(t *testing.T, f File) (map[string]any, string) {
	t.Helper()
	parts := strings.SplitN(string(f.Data), "+++\n", 3)
	if len(parts) != 3 || parts[0] != "" {
		t.Errorf("%s: no front matter between +++ lines", f.Path)
		return nil, ""
	}
	values := make(map[string]any)
	if _, err := toml.Decode(parts[1], &values); err != nil {
		t.Errorf("%s: parsing front matter: %v", f.Path, err)
	}
	return values, parts[2]
}

func checkCorpusService(t *testing.T, path string, values map[string]any, body string, offices map[string]bool) {
	t.Helper()
	if title, _ := values["title"].(string); title == "" {
		t.Errorf("%s: no title", path)
	}
	if source, _ := values["source"].(string); !strings.HasPrefix(source, "dldb:") {
		t.Errorf("%s: source = %q, want dldb:<id>", path, source)
	}
	if office, ok := values["office"]; ok && !offices[office.(string)] {
		t.Errorf("%s: office %q has no office file", path, office)
	}
	if category, _ := values["category"].(string); !validCategories[category] {
		t.Errorf("%s: invalid category %q", path, category)
	}
	if reviewed, ok := values["reviewed"].(time.Time); !ok || reviewed.Location().String() != "date-local" {
		t.Errorf("%s: reviewed = %#v, want a TOML local date", path, values["reviewed"])
	}
	if summary, ok := values["summary"].(string); ok && (summary == "" || len([]rune(summary)) > maxSummary) {
		t.Errorf("%s: summary %q is empty or longer than %d characters", path, summary, maxSummary)
	}
	switch leika := values["leika"].(type) {
	case nil:
	case string:
		if !leikaKey.MatchString(leika) {
			t.Errorf("%s: invalid LeiKa key %q", path, leika)
		}
	case []any:
		for _, key := range leika {
			if s, _ := key.(string); !leikaKey.MatchString(s) {
				t.Errorf("%s: invalid LeiKa key %v", path, key)
			}
		}
	default:
		t.Errorf("%s: leika = %#v, want a string or an array", path, leika)
	}

	for _, m := range partHeading.FindAllStringSubmatch(body, -1) {
		if m[1] != "Gebühren" && m[1] != "Hinweise" {
			t.Errorf("%s: unexpected part heading %q", path, m[0])
		}
	}
	html := renderMarkdown(t, body)
	if strings.Contains(html, "raw HTML omitted") {
		t.Errorf("%s: body contains raw HTML:\n%s", path, body)
	}
}

func TestConvertMunichDeterministic(t *testing.T) {
	services, locations := openCorpus(t)
	first, _, err := Convert(Options{Services: services, Locations: locations})
	if err != nil {
		t.Fatalf("Convert: %v", err)
	}
	services, locations = openCorpus(t)
	second, _, err := Convert(Options{Services: services, Locations: locations})
	if err != nil {
		t.Fatalf("Convert: %v", err)
	}
	if len(first) != len(second) {
		t.Fatalf("conversions give %d and %d files", len(first), len(second))
	}
	for i := range first {
		if first[i].Path != second[i].Path || !bytes.Equal(first[i].Data, second[i].Data) {
			t.Errorf("conversions differ at %s", first[i].Path)
		}
	}
}

func TestWriteMunich(t *testing.T) {
	services, locations := openCorpus(t)
	files, _, err := Convert(Options{Services: services, Locations: locations})
	if err != nil {
		t.Fatalf("Convert: %v", err)
	}
	dir := t.TempDir()
	if _, err := Write(dir, files); err != nil {
		t.Fatalf("first Write: %v", err)
	}
	if _, err := Write(dir, files); err != nil {
		t.Fatalf("second Write over the first import: %v", err)
	}
	written, err := filepath.Glob(filepath.Join(dir, "*", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != len(files) {
		t.Errorf("wrote %d files, want %d", len(written), len(files))
	}
}
