package scaffold

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/verbund/verbund/federation"
)

// draftPlaceholder replaces an empty required value of a draft site in
// memory while LoadDraft validates the rest of the file.
const draftPlaceholder = "-"

// LoadDraft loads the sites.toml at path like [federation.Load], but also
// accepts sites whose legal, privacy and accessibility tables still have
// empty required values, as [NewSite] writes them. The build and check
// reject such a file until the values are filled in, but `verbund new`
// must go on working with it. Every other problem of the file is returned
// as federation.Load returns it. The values that are still empty are
// left empty in the result.
//
// NOTE: A draft is validated as a re-encoded copy, so positions that the
// result gives, such as SiteKeyPos, do not match the file. The result is
// meant for `verbund new`, not for a build.
func LoadDraft(path string) (*federation.Config, error) {
	cfg, err := federation.Load(path)
	if err == nil {
		return cfg, nil
	}
	src, readErr := os.ReadFile(path)
	if readErr != nil {
		return nil, err
	}
	draft, draftErr := parseDraft(path, src)
	if draftErr != nil {
		return nil, err
	}
	if !filepath.IsAbs(draft.ContentDir) {
		draft.ContentDir = filepath.Join(filepath.Dir(path), draft.ContentDir)
	}
	return draft, nil
}

// parseDraft decodes and validates src as LoadDraft does. Folders in the
// result stay as written. Positions in its errors refer to the re-encoded
// copy of src, not to src.
func parseDraft(name string, src []byte) (*federation.Config, error) {
	var raw federation.Config
	md, err := toml.Decode(string(src), &raw)
	if err != nil {
		return nil, err
	}
	if len(md.Undecoded()) > 0 {
		return nil, fmt.Errorf("unknown key %q", md.Undecoded()[0].String())
	}

	// empty lists, by site, the indexes of the required values that are
	// still empty.
	empty := make([][]int, len(raw.Sites))
	for i := range raw.Sites {
		for k, value := range requiredValues(&raw.Sites[i]) {
			if strings.TrimSpace(*value) == "" {
				*value = draftPlaceholder
				empty[i] = append(empty[i], k)
			}
		}
	}

	var filled bytes.Buffer
	if err := toml.NewEncoder(&filled).Encode(raw); err != nil {
		return nil, err
	}
	cfg, err := federation.Parse(name, filled.Bytes())
	if err != nil {
		return nil, err
	}

	for i := range cfg.Sites {
		values := requiredValues(&cfg.Sites[i])
		for _, k := range empty[i] {
			*values[k] = ""
		}
	}
	return cfg, nil
}

// requiredValues returns the values of a site's legal, privacy and
// accessibility tables that the federation loader requires, in the order
// of the sites.toml reference.
func requiredValues(s *federation.Site) []*string {
	return []*string{
		&s.Legal.Name, &s.Legal.Street, &s.Legal.PostalCode, &s.Legal.City,
		&s.Legal.Head, &s.Legal.Phone, &s.Legal.Email,
		&s.Privacy.Officer, &s.Privacy.Email,
		&s.Accessibility.Contact, &s.Accessibility.Email, &s.Accessibility.Enforcement,
	}
}
