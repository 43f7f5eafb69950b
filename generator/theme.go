package generator

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"
	"github.com/tdewolff/minify/v2/xml"

	"github.com/verbund/verbund/federation"
	"github.com/verbund/verbund/internal/favicon"
	"github.com/verbund/verbund/themes"
)

// pageTemplates are the templates a theme must define, each a "main"
// block executed inside layout.html.
var pageTemplates = []string{
	"start", "service", "office", "page", "category", "services", "offices",
	"impressum", "datenschutz", "barrierefreiheit", "leichte-sprache",
	"gebaerdensprache", "notfound", "search",
}

// theme is a parsed theme: templates plus assets.
type theme struct {
	templates map[string]*template.Template
	// css and js are the theme's stylesheet and script, minified.
	css, js []byte
	// icon is the theme's icon, its SVG image minified, which portals
	// without an icon of their own publish.
	icon favicon.Icon
	// static are other assets, copied as they are, by path under assets/.
	static map[string][]byte
	// sources are the template files, by file name, to place errors.
	sources map[string]templateSource
	// name is the theme folder for messages, such as themes/default.
	name string
	// minified is set when every template's HTML was minified as the
	// theme loaded, so pages need no minifying of their own. It is unset
	// when minifyTemplate could not minify a template.
	minified bool
}

// loadTheme parses the theme in fsys: templates/*.html and assets/.
func loadTheme(fsys fs.FS, m *minify.M) (*theme, error) {
	t := &theme{templates: map[string]*template.Template{}, static: map[string][]byte{}, minified: true,
		sources: map[string]templateSource{}}
	// parse adds the template file name to tmpl, its HTML minified when
	// that is possible.
	parse := func(tmpl *template.Template, name string) error {
		data, err := fs.ReadFile(fsys, "templates/"+name)
		if err != nil {
			return err
		}
		text, moved, ok := minifyTemplateMapped(name, string(data))
		if !ok {
			t.minified = false
		}
		t.sources[name] = templateSource{text: string(data), parsed: text, moved: moved}
		if tmpl.Name() != name {
			tmpl = tmpl.New(name)
		}
		_, err = tmpl.Parse(text)
		return err
	}
	layout := template.New("layout.html").Funcs(templateFuncs)
	if err := parse(layout, "layout.html"); err != nil {
		return nil, fmt.Errorf("parsing theme layout: %w", err)
	}
	for _, name := range pageTemplates {
		clone, err := layout.Clone()
		if err != nil {
			return nil, fmt.Errorf("parsing theme template %s: %w", name, err)
		}
		if err := parse(clone, name+".html"); err != nil {
			return nil, fmt.Errorf("parsing theme template %s: %w", name, err)
		}
		t.templates[name] = clone
	}

	for _, d := range namedTemplates {
		if t.templates[d.page].Lookup(d.name) == nil {
			return nil, fmt.Errorf("theme template %s defines no template %q: add {{define %q}}...{{end}}, as the default theme does",
				d.file, d.name, d.name)
		}
	}

	err := fs.WalkDir(fsys, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, "assets/")
		switch p {
		case "assets/style.css":
			t.css, err = minifyBytes(m, "text/css", data)
		case "assets/verbund.js":
			t.js, err = minifyBytes(m, "application/javascript", data)
		case favicon.ThemeSVG, favicon.ThemeICO:
			// Read below: they are published under other paths.
		default:
			if path.Ext(rel) == ".svg" {
				data, err = minifyBytes(m, "image/svg+xml", data)
			}
			t.static[rel] = data
		}
		if err != nil {
			return fmt.Errorf("minifying theme asset %s: %w", p, err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading theme assets: %w", err)
	}
	if t.css == nil || t.js == nil {
		return nil, fmt.Errorf("theme lacks assets/style.css or assets/verbund.js")
	}
	if t.icon, err = favicon.FromTheme(fsys); err != nil {
		return nil, err
	}
	if t.icon.Image, err = minifyBytes(m, favicon.TypeSVG, t.icon.Image); err != nil {
		return nil, fmt.Errorf("minifying theme asset %s: %w", favicon.ThemeSVG, err)
	}
	return t, nil
}

// themeFiles returns the files of the theme a build uses, and a name for
// them in messages: opts.ThemeDir when set, else themes/default beside
// sites.toml, else the default theme built into verbund.
func themeFiles(opts Options) (fs.FS, string, error) {
	if opts.ThemeDir != "" {
		if _, err := os.Stat(opts.ThemeDir); err != nil {
			return nil, "", fmt.Errorf("finding the theme folder: %w", err)
		}
		return os.DirFS(opts.ThemeDir), opts.ThemeDir, nil
	}
	return themes.ForProject(opts.ConfigPath)
}

// DefaultThemeDir returns themes/default beside the sites.toml at
// configPath: the theme folder of a build whose Options.ThemeDir is empty.
func DefaultThemeDir(configPath string) string {
	return themes.ProjectDir(configPath)
}

// namedTemplates are the templates that the build executes by name,
// besides the layout: the blocks every page of a portal shares, and the
// parts of a service page that many pages share. Each is looked up in
// the page template page and defined in the file file.
var namedTemplates = []struct{ page, file, name string }{
	{"page", "layout.html", "brand"},
	{"page", "layout.html", "topics"},
	{"page", "layout.html", "footer"},
	{"service", "service.html", "other-commune"},
	{"service", "service.html", "toc-item"},
	{"service", "service.html", "part"},
}

var templateFuncs = template.FuncMap{
	"join": strings.Join,
}

// siteCSS returns the stylesheet of site s: the theme's rules with the
// site's colours.
func (t *theme) siteCSS(s *federation.Site) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, ":root{--primary:%s;--on-primary:%s}", s.Theme.Primary, s.Theme.OnPrimary)
	b.Write(t.css)
	return b.Bytes()
}

// fingerprint returns name with a short content hash before its
// extension, such as style.3f2a9c1b0d.css.
func fingerprint(name string, data []byte) string {
	sum := sha256.Sum256(data)
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
}

// newMinifier returns a minifier for every output type.
func newMinifier() *minify.M {
	m := minify.New()
	m.Add("text/html", &html.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true})
	m.AddFunc("text/css", css.Minify)
	m.AddFunc("application/javascript", js.Minify)
	m.AddFunc("image/svg+xml", svg.Minify)
	m.AddFunc("application/json", json.Minify)
	m.AddFunc("application/ld+json", json.Minify)
	m.AddFunc("application/xml", xml.Minify)
	return m
}

func minifyBytes(m *minify.M, mediaType string, data []byte) ([]byte, error) {
	return m.Bytes(mediaType, data)
}
