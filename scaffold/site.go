package scaffold

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/verbund/verbund/diag"
	"github.com/verbund/verbund/federation"
	"github.com/verbund/verbund/internal/suggest"
)

// SiteOptions describe a new site.
type SiteOptions struct {
	// ID is the site's id: lower-case letters, digits and hyphens.
	ID string
	// Name is the site's short name.
	Name string
	// Kind is "kreis", "gemeinde" or "samtgemeinde".
	Kind string
	// Key is the official key: the AGS of 5 or 8 digits of a county or
	// municipality, or the regional key of 9 digits of a Samtgemeinde.
	Key string
	// URL is the portal's public origin.
	URL string
	// Parent is the id of the site one tier up; default the county.
	Parent string
}

// siteOffice is the slug of the office that NewSite writes.
const siteOffice = "rathaus"

var (
	idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	digits    = regexp.MustCompile(`^[0-9]+$`)
)

// NewSite appends a [[site]] table to the sites.toml at configPath and
// creates the site's content folder with a start page and an office. cfg
// is the federation as [federation.LoadDraft] loads it from configPath.
//
// NewSite checks every option against the rules of the sites.toml
// reference and against the other sites, and writes nothing when one is
// invalid. The legal, privacy and accessibility tables are written with
// empty values, which the build and check report until they are filled
// in, and which LoadDraft accepts. It returns the paths written.
func NewSite(configPath string, cfg *federation.Config, opts SiteOptions) ([]string, error) {
	if err := checkSiteOptions(cfg, &opts); err != nil {
		return nil, err
	}
	src, err := os.ReadFile(configPath)
	if err != nil {
		return nil, err
	}
	if len(src) > 0 && !bytes.HasSuffix(src, []byte("\n")) {
		src = append(src, '\n')
	}
	fileLines := bytes.Count(src, []byte("\n"))
	src = append(src, siteTable(opts)...)
	// The checks above follow the loader's rules. Loading the result too
	// makes sure that the next `verbund new` accepts the file.
	if err := checkDraft(configPath, src, fileLines, opts.ID); err != nil {
		return nil, err
	}

	dir := filepath.Join(cfg.ContentDir, opts.ID)
	start := filepath.Join(dir, "_index.md")
	officePath := filepath.Join(dir, "offices", siteOffice+".md")
	for _, path := range []string{start, officePath} {
		if _, err := os.Lstat(path); err == nil {
			return nil, fmt.Errorf("%s exists already: remove it, or choose another id", path)
		}
	}
	startText := fmt.Sprintf("+++\ntitle = %s\n+++\n", tomlString("Willkommen in "+opts.Name))
	officeText := fmt.Sprintf("+++\nname = %s\nstreet = \"\"\npostal_code = \"\"\ncity = %s\n+++\n",
		tomlString("Rathaus "+opts.Name), tomlString(opts.Name))
	// On an error, the files written so far go again, so that the site
	// can be added once the cause is fixed.
	var written []string
	undo := func(err error) ([]string, error) {
		for _, p := range slices.Backward(written) {
			_ = os.Remove(p)
		}
		return nil, err
	}
	for _, f := range []struct {
		path, text string
	}{{start, startText}, {officePath, officeText}} {
		if err := writeNew(f.path, []byte(f.text)); err != nil {
			return undo(err)
		}
		written = append(written, f.path)
	}
	if err := replaceFile(configPath, src); err != nil {
		return undo(err)
	}
	return []string{configPath, start, officePath}, nil
}

// replaceFile replaces the file at path with data through a temporary
// file in the same folder and a rename, so that the file is never half
// written. The file keeps its permissions.
func replaceFile(path string, data []byte) error {
	mode := fs.FileMode(0o644)
	if info, err := os.Stat(path); err == nil {
		mode = info.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), mode)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// siteTable returns the [[site]] table of a new site, with a blank line
// before it.
func siteTable(opts SiteOptions) string {
	var b strings.Builder
	b.WriteString("\n[[site]]\n")
	fmt.Fprintf(&b, "id = %s\n", tomlString(opts.ID))
	fmt.Fprintf(&b, "name = %s\n", tomlString(opts.Name))
	fmt.Fprintf(&b, "kind = %s\n", tomlString(opts.Kind))
	fmt.Fprintf(&b, "key = %s\n", tomlString(opts.Key))
	fmt.Fprintf(&b, "url = %s\n", tomlString(opts.URL))
	if opts.Parent != "" {
		fmt.Fprintf(&b, "parent = %s\n", tomlString(opts.Parent))
	}
	if opts.Kind != federation.KindCounty {
		b.WriteString("offers = [\"*\"]\n")
	}
	fmt.Fprintf(&b, "office = %s\n", tomlString(siteOffice))
	b.WriteString("\n[site.legal]\nname = \"\"\nstreet = \"\"\npostal_code = \"\"\ncity = \"\"\nhead = \"\"\nphone = \"\"\nemail = \"\"\n")
	b.WriteString("\n[site.privacy]\nofficer = \"\"\nemail = \"\"\n")
	b.WriteString("\n[site.accessibility]\ncontact = \"\"\nemail = \"\"\nenforcement = \"\"\n")
	return b.String()
}

// checkSiteOptions returns every problem of opts as one error, and fills
// in the default parent.
func checkSiteOptions(cfg *federation.Config, opts *SiteOptions) error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	ids := make([]string, len(cfg.Sites))
	for i, s := range cfg.Sites {
		ids[i] = s.ID
	}
	switch {
	case opts.ID == "":
		fail("missing --id: give the new site an id of lower-case letters, digits and hyphens, such as \"lahn\"")
	case !idPattern.MatchString(opts.ID):
		fail("invalid id %q: use lower-case letters, digits and hyphens, such as \"lahn\"", opts.ID)
	default:
		if _, exists := cfg.Site(opts.ID); exists {
			fail("site %q exists already: choose another id", opts.ID)
		}
	}

	if strings.TrimSpace(opts.Name) == "" {
		fail("missing --name: give the site's short name, such as \"Lingen (Ems)\"")
	} else if strings.ContainsFunc(opts.Name, unicode.IsControl) {
		fail("invalid name %q: remove the control characters", opts.Name)
	}
	opts.Name = strings.TrimSpace(opts.Name)

	kindOK := true
	switch opts.Kind {
	case federation.KindCounty, federation.KindMunicipality, federation.KindSamtgemeinde:
	default:
		kindOK = false
		fail("invalid kind %q: use kreis, gemeinde or samtgemeinde", opts.Kind)
	}
	if county, ok := cfg.County(); ok && opts.Kind == federation.KindCounty {
		fail("the federation has a county already, %q: a federation has one county", county.ID)
	}

	if kindOK {
		if err := checkKey(opts.Kind, opts.Key); err != nil {
			errs = append(errs, err)
		}
	}
	for _, s := range cfg.Sites {
		if opts.Key != "" && s.Key == opts.Key {
			fail("key %s is used by site %q already: give the official key of the new site", opts.Key, s.ID)
		}
	}

	if err := checkOrigin(opts.URL); err != nil {
		errs = append(errs, err)
	}
	for _, s := range cfg.Sites {
		if opts.URL != "" && sameOrigin(s.URL, opts.URL) {
			fail("url %s is used by site %q already: give the new portal its own origin", opts.URL, s.ID)
		}
	}

	switch {
	case opts.Kind == federation.KindCounty && opts.Parent != "":
		fail("invalid --parent %q: the county has no parent", opts.Parent)
	case opts.Parent == "":
		if county, ok := cfg.County(); ok && opts.Kind != federation.KindCounty {
			opts.Parent = county.ID
		}
	default:
		if _, ok := cfg.Site(opts.Parent); !ok {
			fail("unknown parent %q: use the id of a site in sites.toml%s", opts.Parent, suggest.Hint(opts.Parent, ids))
		}
	}
	return errors.Join(errs...)
}

// checkKey returns an error unless key is an official key that the
// federation loader accepts for a site of the kind.
func checkKey(kind, key string) error {
	if kind == federation.KindSamtgemeinde {
		if !digits.MatchString(key) || len(key) != 9 {
			return fmt.Errorf("invalid key %q: a Samtgemeinde needs its regional key of 9 digits", key)
		}
		return nil
	}
	if !digits.MatchString(key) || len(key) != 5 && len(key) != 8 {
		return fmt.Errorf("invalid key %q: a %s needs its official municipality key (AGS) of 5 or 8 digits", key, kind)
	}
	return nil
}

// checkOrigin returns an error unless raw is an http or https origin
// that the federation loader accepts, such as "https://lahn.example".
func checkOrigin(raw string) error {
	if raw == "" {
		return errors.New("missing --url: give the portal's public origin, such as https://www.lingen.de")
	}
	if _, err := federation.ParseOrigin(raw); err != nil {
		return fmt.Errorf("invalid url %q: %s (give the portal's public origin, such as https://www.lingen.de)",
			raw, federation.OriginReason(err))
	}
	return nil
}

// sameOrigin reports whether two URLs name the same origin once both are
// normalised as the federation loader does.
func sameOrigin(a, b string) bool {
	originA, errA := federation.ParseOrigin(a)
	originB, errB := federation.ParseOrigin(b)
	return errA == nil && errB == nil && originA == originB
}

// checkDraft validates src, the sites.toml at path with the [[site]] table
// of the new site id appended after its first fileLines lines, as the next
// [federation.LoadDraft] will. It reports a problem of the file at its
// position there, and a problem of the appended table as one of the new
// site's values, because the table is not written yet.
func checkDraft(path string, src []byte, fileLines int, id string) error {
	_, err := federation.ParseDraft(path, src)
	if err == nil {
		return nil
	}
	list, ok := diag.AsList(err)
	if !ok {
		return fmt.Errorf("site %q would make %s invalid: %w", id, path, err)
	}
	problems := make([]error, 0, len(list))
	for _, d := range list {
		if d.Line <= fileLines {
			problems = append(problems, d)
			continue
		}
		message := d.Message
		if d.Hint != "" {
			message += " (" + d.Hint + ")"
		}
		problems = append(problems, fmt.Errorf("the new site's values: %s", message))
	}
	return fmt.Errorf("site %q would make %s invalid: %w", id, path, errors.Join(problems...))
}

// tomlString quotes s as a TOML basic string, escaping quotes,
// backslashes and control characters the way TOML allows.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
