package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/verbund/verbund/search"
)

// The small federation of the generator's tests (a county and two
// communes) and the repository's theme.
const (
	federationArchive = "../../generator/testdata/federation.txtar"
	themeDir          = "../../themes/default"
)

// writeFederation writes the small federation into a new folder and
// returns the path of its sites.toml.
func writeFederation(t *testing.T) string {
	t.Helper()
	archive, err := txtar.ParseFile(federationArchive)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range archive.Files {
		path := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "sites.toml")
}

// buildIndex builds the small federation and returns its index folder.
func buildIndex(t *testing.T) string {
	t.Helper()
	opts := options{config: writeFederation(t), theme: themeDir}
	indexDir, err := buildFederation(context.Background(), opts, t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return indexDir
}

func TestRunSmallFederation(t *testing.T) {
	var out bytes.Buffer
	profile := filepath.Join(t.TempDir(), "cpu.prof")
	args := []string{"-config", writeFederation(t), "-theme", themeDir, "-duration", "200ms", "-cpuprofile", profile}
	if err := run(context.Background(), args, &out, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	report := out.String()
	if info, err := os.Stat(profile); err != nil || info.Size() == 0 {
		t.Errorf("CPU profile %s not written: %v", profile, err)
	}

	for _, clients := range []string{"1", "8"} {
		row := regexp.MustCompile(`(?m)^\| ` + clients + ` \| [0-9.]+ ms \| [0-9.]+ ms \| [0-9]+ \| [0-9.]+ ms \| [0-9.]+ ms \| [0-9]+ \| [0-9.]+ \|$`)
		if !row.MatchString(report) {
			t.Errorf("report has no table row for %s clients:\n%s", clients, report)
		}
		counts := regexp.MustCompile(`clients=` + clients + `: endpoint ([0-9]+) searches, 0 failed; bleve ([0-9]+) searches, 0 failed`)
		m := counts.FindStringSubmatch(report)
		if m == nil {
			t.Errorf("report has no search counts without failures for %s clients:\n%s", clients, report)
			continue
		}
		if m[1] == "0" || m[2] == "0" {
			t.Errorf("%s clients: endpoint ran %s searches, bleve %s; want some of each", clients, m[1], m[2])
		}
	}
	for _, in := range hostileInputs() {
		if !strings.Contains(report, "| "+in.name+" | ") {
			t.Errorf("report has no row for hostile input %s", in.name)
		}
	}
	if strings.Contains(report, "FAILED") {
		t.Errorf("report lists a failure:\n%s", report)
	}
}

func TestBareQueryFindsAndFacets(t *testing.T) {
	indexDir := buildIndex(t)
	fed, err := readFederation(indexDir)
	if err != nil {
		t.Fatal(err)
	}
	bare, err := openBare(indexDir, fed.Partitions)
	if err != nil {
		t.Fatal(err)
	}
	defer bare.Close()

	res, err := bare.bleve.Search(bareRequest(search.Request{Query: "reisepass"}, len(fed.Sites)))
	if err != nil {
		t.Fatal(err)
	}
	if res.Total == 0 {
		t.Fatal("bare query for reisepass found nothing")
	}
	facet := res.Facets["site"]
	if facet == nil || facet.Terms == nil {
		t.Fatalf("bare query has no site facet: %+v", facet)
	}
	var portals []string
	for _, term := range facet.Terms.Terms() {
		portals = append(portals, term.Term)
	}
	if !slices.Contains(portals, "nordstadt") {
		t.Errorf("site facet of reisepass has portals %q; want nordstadt among them", portals)
	}

	filtered, err := bare.bleve.Search(bareRequest(search.Request{Query: "reisepass", Category: "verkehr"}, len(fed.Sites)))
	if err != nil {
		t.Fatal(err)
	}
	if filtered.Total >= res.Total {
		t.Errorf("category verkehr left %d of %d hits for reisepass; want fewer", filtered.Total, res.Total)
	}
}

func TestQueriesFromIndex(t *testing.T) {
	indexDir := buildIndex(t)
	fed, err := readFederation(indexDir)
	if err != nil {
		t.Fatal(err)
	}
	bare, err := openBare(indexDir, fed.Partitions)
	if err != nil {
		t.Fatal(err)
	}
	defer bare.Close()

	labels, err := readLabels(context.Background(), bare)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(labels, "Reisepass beantragen") {
		t.Errorf("labels %q lack the title Reisepass beantragen", labels)
	}
	texts := citizenTexts(labels)
	if !slices.Contains(texts, "reisepass beantragen") {
		t.Errorf("texts %q lack the title reisepass beantragen", texts)
	}
}

func TestCitizenTexts(t *testing.T) {
	labels := []string{"Führerschein", "Hund", "Reisepass beantragen", "Jagdschein",
		"Müllabfuhr melden", "Hundesteuer zahlen", "Kita"}
	texts := citizenTexts(labels)
	for _, want := range []string{
		"führerschein", "hund", "jagdschein", "kita", // keywords
		"reisepass beantragen", "müllabfuhr melden", "hundesteuer zahlen", // titles
		"fuehrerschein", "muellabfuhr melden", // umlauts spelled out
		"führercshein", "jagdshcein", // typos
	} {
		if !slices.Contains(texts, want) {
			t.Errorf("texts %q lack %q", texts, want)
		}
	}
	for i, text := range texts {
		if slices.Contains(texts[i+1:], text) {
			t.Errorf("texts %q have %q twice", texts, text)
		}
	}
}

func TestCitizenTextsMix(t *testing.T) {
	var labels []string
	for i := range 100 {
		labels = append(labels, fmt.Sprintf("Stichwortnummer%c%c", 'a'+i/26, 'a'+i%26))
		labels = append(labels, fmt.Sprintf("Leistung%c%c beantragen", 'a'+i/26, 'a'+i%26))
	}
	texts := citizenTexts(labels)
	if len(texts) != keywordQueries+titleQueries+compoundQueries+typoQueries {
		t.Errorf("got %d texts, want %d (no umlauts to spell out): %q", len(texts),
			keywordQueries+titleQueries+compoundQueries+typoQueries, texts)
	}
}

func TestCitizenRequests(t *testing.T) {
	fed := federation{
		Sites:      []search.Site{{ID: "kreis"}, {ID: "nord"}, {ID: "sued"}},
		Categories: []search.Category{{ID: "ausweise"}, {ID: "verkehr"}},
	}
	texts := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
	requests := citizenRequests(texts, fed, 1)
	if len(requests) != len(texts) {
		t.Fatalf("got %d requests for %d texts", len(requests), len(texts))
	}
	for i, r := range requests {
		if !slices.ContainsFunc(fed.Sites, func(s search.Site) bool { return s.ID == r.Site }) {
			t.Errorf("request %d has unknown site %q", i, r.Site)
		}
		if withCategory := i%5 == 4; withCategory != (r.Category != "") {
			t.Errorf("request %d has category %q; want one only on every fifth", i, r.Category)
		}
	}
	if again := citizenRequests(texts, fed, 1); !slices.Equal(again, requests) {
		t.Errorf("seed 1 gave %v, then %v", requests, again)
	}
}

func TestJudgeResponse(t *testing.T) {
	empty := &search.Result{Hits: []search.Hit{}}
	oneHit := &search.Result{Total: 1, Hits: []search.Hit{{URL: "https://a.example/x/"}}}
	other := &search.Result{Total: 1, Hits: []search.Hit{{URL: "https://a.example/y/"}}}
	plainGives := func(res *search.Result) func(string) (*search.Result, error) {
		return func(string) (*search.Result, error) { return res, nil }
	}
	cases := []struct {
		name   string
		status int
		res    *search.Result
		text   string
		plain  *search.Result
		ok     bool
	}{
		{"bad request", 400, nil, "x\xff", nil, true},
		{"query string too long", 414, nil, "long", nil, true},
		{"empty result", 200, empty, "*", nil, true},
		{"syntax read as words", 200, oneHit, "a~2", oneHit, true},
		{"syntax matched more", 200, oneHit, "a~2", other, false},
		{"results without syntax", 200, oneHit, "hund", oneHit, false},
		{"server error", 500, nil, "*", nil, false},
		{"overloaded", 503, nil, "*", nil, false},
		{"header too large", 431, nil, "long", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, failure := judgeResponse(c.status, c.res, c.text, plainGives(c.plain))
			if ok := failure == ""; ok != c.ok {
				t.Errorf("judgeResponse(%d, %q) failure %q; want ok=%v", c.status, c.text, failure, c.ok)
			}
		})
	}
}

func TestSendHostileReportsServerErrors(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/search", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("q") == "*" {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"total": 0, "hits": []}`)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Close()

	c := endpointClient{client: newHTTPClient(1), base: "http://" + ln.Addr().String()}
	inputs := []hostileInput{{name: "star", text: "*"}, {name: "empty", text: ""}}
	outcomes, err := sendHostile(context.Background(), c, "kreis", inputs)
	if err != nil {
		t.Fatal(err)
	}
	if got := outcomes[0].statuses[http.StatusInternalServerError]; got != hostileRepeats {
		t.Errorf("star: %d responses with 500; want %d", got, hostileRepeats)
	}
	if len(outcomes[0].failures) == 0 {
		t.Error("star: 500 responses not listed as failures")
	}
	if len(outcomes[1].failures) != 0 {
		t.Errorf("empty: failures %q for empty results", outcomes[1].failures)
	}
	if hostileErrors(outcomes) == nil {
		t.Error("hostileErrors returned nil for 500 responses")
	}
}

func TestParseFlags(t *testing.T) {
	cases := [][]string{
		{},
		{"-config", "a/sites.toml", "-index", "b/_search"},
		{"-config", "a/sites.toml", "-duration", "2m"},
		{"-config", "a/sites.toml", "-duration", "0s"},
		{"-config", "a/sites.toml", "-clients", "1,0"},
		{"-config", "a/sites.toml", "-clients", "1,x"},
		{"-config", "a/sites.toml", "extra"},
	}
	for _, args := range cases {
		if _, err := parseFlags(args, &bytes.Buffer{}); err == nil {
			t.Errorf("parseFlags(%q) returned no error", args)
		}
	}
	opts, err := parseFlags([]string{"-index", "b/_search", "-clients", "2, 4"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(opts.clients, []int{2, 4}) {
		t.Errorf("clients %v; want [2 4]", opts.clients)
	}
}
