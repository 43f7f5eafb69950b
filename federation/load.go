package federation

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/verbund/verbund/diag"
	"github.com/verbund/verbund/internal/suggest"
	"github.com/verbund/verbund/internal/tomlpos"
)

// Load reads, decodes and validates the sites.toml at path. Relative
// folders in the file are resolved against the file's folder. All
// problems found are returned together as a *diag.Errors.
func Load(path string) (*Config, error) {
	return load(path, Parse)
}

// LoadDraft loads the sites.toml at path like Load, but validates it as
// ParseDraft does.
func LoadDraft(path string) (*Config, error) {
	return load(path, ParseDraft)
}

func load(path string, decode func(name string, src []byte) (*Config, error)) (*Config, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading federation config: %w", err)
	}
	cfg, err := decode(path, src)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	cfg.ContentDir = resolve(dir, cfg.ContentDir)
	for i := range cfg.Sites {
		theme := &cfg.Sites[i].Theme
		if theme.Logo != "" {
			theme.Logo = resolve(dir, theme.Logo)
		}
		if theme.Icon != "" {
			theme.Icon = resolve(dir, theme.Icon)
		}
	}
	cfg.OutputDir = resolve(dir, cfg.OutputDir)
	return cfg, nil
}

func resolve(dir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// Parse decodes and validates src, the contents of the file named name.
// Folders in the result stay as written, relative to the file.
func Parse(name string, src []byte) (*Config, error) {
	return parse(name, src, false)
}

// ParseDraft decodes and validates src like Parse, but accepts sites whose
// legal, privacy and accessibility tables still lack required values, as
// `verbund new site` writes them. The build and check reject such a file
// until the values are filled in. Every other problem is reported as
// Parse reports it, at its position in src.
func ParseDraft(name string, src []byte) (*Config, error) {
	return parse(name, src, true)
}

func parse(name string, src []byte, draft bool) (*Config, error) {
	src = normalize(src)
	var cfg Config
	md, err := toml.Decode(string(src), &cfg)
	if err != nil {
		return nil, parseError(name, src, err)
	}

	var diags diag.List
	for _, key := range md.Undecoded() {
		for _, p := range positions(src, key) {
			diags.Errorf(name, p.Line, p.Column, "unknown-key",
				"check the spelling against the sites.toml reference"+
					suggest.Hint(key[len(key)-1], suggest.TOMLKeys(reflect.TypeOf(cfg))),
				"unknown key %q", key.String())
		}
	}
	cfg.setDefaults()
	v := validator{name: name, src: src, diags: &diags, draft: draft}
	v.validate(&cfg)
	if err := diags.Err(); err != nil {
		return nil, err
	}
	cfg.normalizeOrigins()
	cfg.name, cfg.src = name, src
	return &cfg, nil
}

// normalizeOrigins writes the URLs of the portals, the search endpoint
// and the account service as ParseOrigin gives them. Canonical links,
// sitemaps and feeds then spell each origin as browsers send it, with an
// international host name in punycode.
func (c *Config) normalizeOrigins() {
	for _, u := range []*string{&c.Search.URL, &c.Account.URL} {
		if o, err := ParseOrigin(*u); err == nil {
			*u = o
		}
	}
	for i := range c.Sites {
		if o, err := ParseOrigin(c.Sites[i].URL); err == nil {
			c.Sites[i].URL = o
		}
	}
}

// normalize removes a byte-order mark and turns CRLF line endings into LF,
// which keeps line numbers intact.
func normalize(src []byte) []byte {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	return bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
}

// positions returns where key is written, or the top of the file.
func positions(src []byte, key toml.Key) []tomlpos.Pos {
	ps := tomlpos.Find(src, key)
	if len(ps) == 0 {
		return []tomlpos.Pos{{Line: 1, Column: 1}}
	}
	// An unknown key inside an array of tables is reported at every
	// element that writes it.
	return ps
}

// parseError turns a TOML syntax or type error into a diagnostic.
func parseError(name string, src []byte, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		line, col := ParseErrorPos(src, pe)
		hint := strings.TrimSpace(firstLine(pe.Usage))
		switch {
		case strings.Contains(pe.Message, "leading zero"):
			// A municipality key starts with the state's number, such
			// as 03 for Lower Saxony, and TOML numbers may not.
			hint = `write a value with leading zeros as a string, in quotes, such as key = "03454032"`
		case strings.Contains(pe.Message, "cannot contain newlines"):
			hint = `close the string with " on the same line, or write a text of several lines between """ and """`
		case hint == "":
			hint = "check the quotes, brackets and = signs of the line"
		}
		return diag.Diagnostic{
			File: name, Line: line, Column: col,
			ID: "toml-syntax", Message: "invalid TOML: " + pe.Message,
			Hint: hint,
		}
	}
	if te, ok := tomlpos.FindTypeError(src, err); ok {
		return diag.Diagnostic{
			File: name, Line: te.Pos.Line, Column: te.Pos.Column, ID: "toml-type",
			Message: fmt.Sprintf("invalid value of %q: %s", strings.Join(te.Key, "."), te.Problem()),
			Hint:    te.Hint(),
		}
	}
	return diag.Diagnostic{File: name, Line: 1, Column: 1, ID: "toml-type", Message: err.Error()}
}

// ParseErrorPos returns the line and column of a TOML parse error in src.
// The decoder reports an unexpected end of line on the following line;
// this puts it at the end of the line where it happened.
func ParseErrorPos(src []byte, pe toml.ParseError) (line, col int) {
	start := pe.Position.Start
	if start < 0 || start > len(src) {
		return pe.Position.Line, pe.Position.Col
	}
	line = bytes.Count(src[:start], []byte("\n")) + 1
	col = start - (bytes.LastIndexByte(src[:start], '\n') + 1) + 1
	return line, col
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

func (c *Config) setDefaults() {
	if c.Language == "" {
		c.Language = "de"
	}
	if c.ContentDir == "" {
		c.ContentDir = "content"
	}
	if c.OutputDir == "" {
		c.OutputDir = "public"
	}
	if c.Search.Addr == "" {
		c.Search.Addr = "127.0.0.1:8081"
	}
	if c.Account.Addr == "" {
		c.Account.Addr = "127.0.0.1:8082"
	}
	for i := range c.Sites {
		a := &c.Sites[i].Accessibility
		if a.Status == "" {
			a.Status = "teilweise"
		}
		if a.Method == "" {
			a.Method = "Selbstbewertung"
		}
		t := &c.Sites[i].Theme
		if t.Primary == "" {
			t.Primary = "#1d4f7c"
		}
		if t.OnPrimary == "" {
			t.OnPrimary = "#ffffff"
		}
	}
}

// FileName returns the name of the file the config was read from.
func (c *Config) FileName() string { return c.name }

// SiteKeyPos returns the line and column of key in the [[site]] table of
// the site with the given ID, or of the table's header when the key is
// not written there.
func (c *Config) SiteKeyPos(id string, key ...string) (line, col int) {
	for i := range c.Sites {
		if c.Sites[i].ID == id {
			p := elementKeyPos(c.src, append([]string{"site"}, key...), i)
			return p.Line, p.Column
		}
	}
	return 0, 0
}

// Site returns the site with the given ID.
func (c *Config) Site(id string) (*Site, bool) {
	for i := range c.Sites {
		if c.Sites[i].ID == id {
			return &c.Sites[i], true
		}
	}
	return nil, false
}

// Category returns the category with the given ID.
func (c *Config) Category(id string) (*Category, bool) {
	for i := range c.Categories {
		if c.Categories[i].ID == id {
			return &c.Categories[i], true
		}
	}
	return nil, false
}

// County returns the site of kind "kreis", if there is one.
func (c *Config) County() (*Site, bool) {
	for i := range c.Sites {
		if c.Sites[i].Kind == KindCounty {
			return &c.Sites[i], true
		}
	}
	return nil, false
}
