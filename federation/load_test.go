package federation

import (
	"fmt"
	"strings"
	"testing"
)

const validConfig = `name = "Landkreis Beispiel"

[[category]]
id = "ausweise"
title = "Ausweise"

[[site]]
id = "kreis"
name = "Landkreis Beispiel"
kind = "kreis"
key = "03999"
url = "https://kreis.example"
[site.legal]
name = "Landkreis Beispiel"
street = "Kreisstraße 1"
postal_code = "49000"
city = "Beispielstadt"
head = "Landrätin Erika Muster"
phone = "0591 1000"
email = "info@kreis.example"
[site.privacy]
officer = "Datenschutz"
email = "datenschutz@kreis.example"
[site.accessibility]
contact = "Koordinierungsstelle"
email = "barrierefrei@kreis.example"
enforcement = "Schlichtungsstelle"
`

func TestParseValid(t *testing.T) {
	cfg, err := Parse("sites.toml", []byte("\xef\xbb\xbf"+strings.ReplaceAll(validConfig, "\n", "\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Language != "de" || cfg.OutputDir != "public" || cfg.ContentDir != "content" {
		t.Errorf("defaults not set: %+v", cfg)
	}
	if got := cfg.Sites[0].Theme.Primary; got == "" {
		t.Error("theme colour default not set")
	}
	line, col := cfg.SiteKeyPos("kreis", "legal", "city")
	if line != 17 || col != 1 {
		t.Errorf("SiteKeyPos = %d:%d, want 17:1", line, col)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name    string
		replace [2]string
		want    string
	}{
		{"unknown top-level key", [2]string{`name = "Landkreis Beispiel"`, `nam = "x"`},
			`sites.toml:1:1: unknown key "nam"`},
		{"unknown site key", [2]string{`kind = "kreis"`, "kind = \"kreis\"\ncolor = 1"},
			`sites.toml:11:1: unknown key "site.color"`},
		{"invalid kind", [2]string{`kind = "kreis"`, `kind = "stadt"`},
			`sites.toml:10:1: site "kreis": invalid kind "stadt"`},
		{"missing kind", [2]string{`kind = "kreis"`, ``},
			`site "kreis": missing kind`},
		{"invalid key", [2]string{`key = "03999"`, `key = "3999"`},
			`sites.toml:11:1: site "kreis": invalid key "3999"`},
		{"key without quotes", [2]string{`key = "03999"`, `key = 03999`},
			`(write a value with leading zeros as a string, in quotes, such as key = "03454032")`},
		{"url with path", [2]string{`url = "https://kreis.example"`, `url = "https://kreis.example/portal"`},
			`sites.toml:12:1: invalid site.url "https://kreis.example/portal"`},
		{"url with user info", [2]string{`url = "https://kreis.example"`, `url = "https://admin@kreis.example"`},
			`sites.toml:12:1: invalid site.url "https://admin@kreis.example": has user info`},
		{"url with query", [2]string{`url = "https://kreis.example"`, `url = "https://kreis.example/?a=1"`},
			`sites.toml:12:1: invalid site.url "https://kreis.example/?a=1": has a query`},
		{"search url with path", [2]string{"[[category]]", "[search]\nurl = \"https://suche.example/suche\"\n\n[[category]]"},
			`sites.toml:4:1: invalid search.url "https://suche.example/suche": has the path "/suche"`},
		{"account url with underscore", [2]string{"[[category]]", "[account]\nurl = \"https://mein_konto.example\"\n\n[[category]]"},
			`sites.toml:4:1: invalid account.url "https://mein_konto.example": has the invalid host name`},
		{"unknown parent", [2]string{`kind = "kreis"`, "kind = \"kreis\"\nparent = \"land\""},
			`site "kreis": unknown parent "land"`},
		{"missing legal field", [2]string{`head = "Landrätin Erika Muster"`, ``},
			`sites.toml:13:1: site "kreis": missing site.legal.head`},
		{"low contrast", [2]string{`[site.legal]`, "[site.theme]\nprimary = \"#ffffff\"\non_primary = \"#eeeeee\"\n[site.legal]"},
			`sites.toml:15:1: site "kreis": theme.primary #ffffff and theme.on_primary #eeeeee have a contrast ratio of 1.16:1`},
		{"bad colour", [2]string{`[site.legal]`, "[site.theme]\nprimary = \"blue\"\n[site.legal]"},
			`sites.toml:14:1: site "kreis": invalid colour "blue" in theme.primary`},
		{"icon neither SVG nor PNG", [2]string{`[site.legal]`, "[site.theme]\nicon = \"wappen.ico\"\n[site.legal]"},
			`sites.toml:14:1: site "kreis": icon "wappen.ico" is neither SVG nor PNG`},
		{"duplicate category", [2]string{`[[site]]`, "[[category]]\nid = \"ausweise\"\ntitle = \"B\"\n\n[[site]]"},
			`sites.toml:8:1: duplicate category id "ausweise"`},
		{"accessibility status", [2]string{`enforcement = "Schlichtungsstelle"`, "enforcement = \"x\"\nstatus = \"ja\""},
			`site "kreis": invalid accessibility status "ja"`},
		{"syntax", [2]string{`title = "Ausweise"`, `title = "Ausweise`},
			`sites.toml:5:18: invalid TOML: strings cannot contain newlines (close the string with " on the same line`},
		{"syntax without usage", [2]string{`title = "Ausweise"`, `title = ["Ausweise"`},
			`(check the quotes, brackets and = signs of the line)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(validConfig, tt.replace[0], tt.replace[1], 1)
			_, err := Parse("sites.toml", []byte(src))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\nlacks %q", err, tt.want)
			}
		})
	}
}

func TestContrast(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#ffffff", "#ffffff", 1},
		{"#767676", "#ffffff", 4.54},
	}
	for _, tt := range tests {
		if got := Contrast(tt.a, tt.b); got < tt.want-0.01 || got > tt.want+0.01 {
			t.Errorf("Contrast(%s, %s) = %.2f, want %.2f", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestParseTypeErrorPosition(t *testing.T) {
	second := strings.Replace(validConfig, `id = "kreis"`, `id = "nord"`, 1)
	second = strings.Replace(second, `postal_code = "49000"`, `postal_code = 49001`, 1)
	second = second[strings.Index(second, "[[site]]"):]
	src := validConfig + "\n" + second
	_, err := Parse("sites.toml", []byte(src))
	if err == nil {
		t.Fatal("parsed a number as postal code")
	}
	line := 1 + strings.Count(src[:strings.Index(src, "postal_code = 49001")], "\n")
	want := fmt.Sprintf(`sites.toml:%d:1: invalid value of "site.legal.postal_code": an integer where the key takes a string (write the value in quotes: postal_code = "49001")`, line)
	if err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

func TestParseAcceptsOriginForms(t *testing.T) {
	for _, u := range []string{"https://KREIS.example/", "https://kreis.example:443", "https://kreisstraße.example",
		"http://[::1]:8080", "http://127.0.0.1:8080/"} {
		src := strings.Replace(validConfig, `url = "https://kreis.example"`, fmt.Sprintf("url = %q", u), 1)
		if _, err := Parse("sites.toml", []byte(src)); err != nil {
			t.Errorf("url %s: %v", u, err)
		}
	}
}

// draftSite is a [[site]] table as `verbund new site` appends it, with
// the required values of the legal, privacy and accessibility tables
// still empty.
const draftSite = `
[[site]]
id = "nord"
name = "Nord"
kind = "gemeinde"
key = "03999001"
url = "https://nord.example"
parent = "kreis"

[site.legal]
name = ""
street = ""
postal_code = ""
city = ""
head = ""
phone = ""
email = ""

[site.privacy]
officer = ""
email = ""

[site.accessibility]
contact = ""
email = ""
enforcement = ""
`

func TestParseDraftAcceptsEmptyValues(t *testing.T) {
	src := validConfig + draftSite
	if _, err := Parse("sites.toml", []byte(src)); err == nil {
		t.Fatal("Parse accepted a site without legal data")
	}
	cfg, err := ParseDraft("sites.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	site, ok := cfg.Site("nord")
	if !ok {
		t.Fatal("draft site nord missing")
	}
	if site.Legal.Name != "" {
		t.Errorf("legal.name = %q, want it empty as written", site.Legal.Name)
	}
	nord := strings.Index(src, `id = "nord"`)
	want := 1 + strings.Count(src[:nord+strings.Index(src[nord:], `officer = ""`)], "\n")
	line, col := cfg.SiteKeyPos("nord", "privacy", "officer")
	if line != want || col != 1 {
		t.Errorf("SiteKeyPos(nord, privacy.officer) = %d:%d, want %d:1", line, col, want)
	}
}

// TestParseDraftPositions checks that ParseDraft reports the problems of
// a draft at their positions in the file, and no others.
func TestParseDraftPositions(t *testing.T) {
	src := strings.Replace(validConfig+draftSite, `key = "03999001"`, `key = "39"`, 1)
	_, err := ParseDraft("sites.toml", []byte(src))
	if err == nil {
		t.Fatal("ParseDraft accepted an invalid key")
	}
	line := 1 + strings.Count(src[:strings.Index(src, `key = "39"`)], "\n")
	want := fmt.Sprintf(`sites.toml:%d:1: site "nord": invalid key "39" (use the official municipality key (AGS) of 5 or 8 digits)`, line)
	if err.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
}

func TestParseDuplicateOrigin(t *testing.T) {
	site := validConfig[strings.Index(validConfig, "[[site]]"):]
	second := strings.NewReplacer(`id = "kreis"`, "id = \"dorf\"\nparent = \"kreis\"", `kind = "kreis"`, `kind = "gemeinde"`,
		`key = "03999"`, `key = "03999001"`, `url = "https://kreis.example"`, `url = "https://KREIS.example:443/"`).Replace(site)
	src := validConfig + "\n" + second
	line := strings.Count(src[:strings.Index(src, "KREIS")], "\n") + 1

	_, err := Parse("sites.toml", []byte(src))
	want := fmt.Sprintf(`sites.toml:%d:1: site "dorf": url "https://KREIS.example:443/" is the origin of site "kreis" too`, line)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v\nlacks %q", err, want)
	}
}

func TestParseServerOrigin(t *testing.T) {
	tests := []struct{ table, want string }{
		{"[search]\nurl = \"https://Kreis.example/\"\n", `site "kreis": url "https://kreis.example" is the origin of search.url`},
		{"[account]\nurl = \"https://kreis.example:443\"\n", `site "kreis": url "https://kreis.example" is the origin of account.url`},
	}
	for _, tt := range tests {
		src := strings.Replace(validConfig, "[[category]]", tt.table+"\n[[category]]", 1)
		line := strings.Count(src[:strings.Index(src, `url = "https://kreis.example"`)], "\n") + 1
		_, err := Parse("sites.toml", []byte(src))
		want := fmt.Sprintf("sites.toml:%d:1: %s", line, tt.want)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v\nlacks %q", strings.TrimSpace(tt.table), err, want)
		}
	}
}

func TestParseNormalizesOrigins(t *testing.T) {
	src := strings.Replace(validConfig, `url = "https://kreis.example"`, `url = "HTTPS://Kreis.Münster.example:443/"`, 1)
	src = strings.Replace(src, "[[category]]", "[search]\nurl = \"https://Suche.example/\"\n\n[account]\nurl = \"https://konto.example:443\"\n\n[[category]]", 1)
	cfg, err := Parse("sites.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Sites[0].URL, "https://kreis.xn--mnster-3ya.example"; got != want {
		t.Errorf("site url = %q, want %q", got, want)
	}
	if got, want := cfg.Search.URL, "https://suche.example"; got != want {
		t.Errorf("search.url = %q, want %q", got, want)
	}
	if got, want := cfg.Account.URL, "https://konto.example"; got != want {
		t.Errorf("account.url = %q, want %q", got, want)
	}
}

func TestSecondSiteErrors(t *testing.T) {
	site := validConfig[strings.Index(validConfig, "[[site]]"):]
	tests := []struct {
		name    string
		replace [][2]string
		want    string
	}{
		{"duplicate id", [][2]string{{`url = "https://kreis.example"`, `url = "https://zwei.example"`}},
			`site id "kreis" is also used by the [[site]] at line 8`},
		{"parent with a typo", [][2]string{
			{`id = "kreis"`, `id = "lingen"`},
			{`url = "https://kreis.example"`, `url = "https://lingen.example"`},
			{`kind = "kreis"`, "kind = \"gemeinde\"\nparent = \"kries\""},
			{`key = "03999"`, `key = "03999001"`},
		}, `site "lingen": unknown parent "kries"; did you mean "kreis"?`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			second := site
			for _, r := range tt.replace {
				second = strings.Replace(second, r[0], r[1], 1)
			}
			_, err := Parse("sites.toml", []byte(validConfig+"\n"+second))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\nlacks %q", err, tt.want)
			}
		})
	}
}
