package generator

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/verbund/verbund/diag"
	"github.com/verbund/verbund/internal/favicon"
	"github.com/verbund/verbund/publish"
)

// testPNG returns a PNG image of w×h pixels.
func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// themeIcon returns the test theme's icon as the build publishes it.
func themeIcon(t *testing.T) favicon.Icon {
	t.Helper()
	th, err := loadTheme(os.DirFS(themeDir), newMinifier())
	if err != nil {
		t.Fatal(err)
	}
	return th.icon
}

// iconPatch returns a patch of sites.toml that gives the site with the
// legal name legalName the icon file.
func iconPatch(legalName, file string) txtar.File {
	table := "office = \"rathaus\"\n[site.legal]\nname = \"" + legalName + "\"\n"
	withIcon := "office = \"rathaus\"\n[site.theme]\nicon = \"" + file + "\"\n[site.legal]\nname = \"" + legalName + "\"\n"
	return txtar.File{Name: "patch sites.toml", Data: []byte(table + "=>\n" + withIcon)}
}

// checkIcon checks the icon of the portal site in the build output out.
// Its pages and its search layout must link image, of type mediaType,
// under a fingerprinted name. The portal must publish image there and
// ico as /favicon.ico, and list both in its manifest.
func checkIcon(t *testing.T, out, site string, image []byte, mediaType string, ico []byte) {
	t.Helper()
	ext := ".svg"
	if mediaType == favicon.TypePNG {
		ext = ".png"
	}
	iconURL := "/assets/" + fingerprint("icon"+ext, image)
	link := `<link rel="icon" href="` + iconURL + `" type="` + mediaType + `">`
	for _, page := range []string{"index.html", "404.html", "leistungen/index.html", "impressum/index.html"} {
		data, err := os.ReadFile(filepath.Join(out, site, page))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte(link)) {
			t.Errorf("%s/%s lacks %s", site, page, link)
		}
	}
	layout, err := os.ReadFile(filepath.Join(out, IndexDir, SearchLayoutDir, site+".html"))
	if err != nil {
		t.Fatal(err)
	}
	absolute := `href="https://` + site + `.beispiel.example` + iconURL + `"`
	if !bytes.Contains(layout, []byte(absolute)) {
		t.Errorf("the search layout of %s lacks the icon at %s", site, absolute)
	}

	published := map[string][]byte{strings.TrimPrefix(iconURL, "/"): image, "favicon.ico": ico}
	manifests, err := publish.ReadManifests(out)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]string{}
	for _, e := range manifests[site].Files {
		listed[e.Path] = e.SHA256
	}
	for rel, want := range published {
		got, err := os.ReadFile(filepath.Join(out, site, filepath.FromSlash(rel)))
		if err != nil {
			t.Errorf("%s: %v", site, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s/%s has %d bytes that differ from the %d expected", site, rel, len(got), len(want))
		}
		sum := sha256.Sum256(want)
		if listed[rel] != hex.EncodeToString(sum[:]) {
			t.Errorf("the manifest of %s lists %s with SHA-256 %q, want that of its content", site, rel, listed[rel])
		}
	}
}

func TestBuildPublishesThemeIcon(t *testing.T) {
	dir := writeFederation(t, nil)
	if _, err := build(t, dir); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "public")
	theme := themeIcon(t)
	ico, err := os.ReadFile(filepath.Join(themeDir, filepath.FromSlash(favicon.ThemeICO)))
	if err != nil {
		t.Fatal(err)
	}
	for _, site := range []string{"kreis", "nordstadt", "suedheim"} {
		checkIcon(t, out, site, theme.Image, favicon.TypeSVG, ico)

		headers, err := os.ReadFile(filepath.Join(out, site, "_headers"))
		if err != nil {
			t.Fatal(err)
		}
		if rule := faviconFile + "\n  Cache-Control: " + shortCache + "\n"; !bytes.Contains(headers, []byte(rule)) {
			t.Errorf("the _headers of %s lack the rule %q", site, rule)
		}
		if !bytes.Contains(headers, []byte("img-src 'self'")) {
			t.Errorf("the Content-Security-Policy of %s does not allow images of the portal itself", site)
		}
	}
}

func TestBuildPortalIcons(t *testing.T) {
	pngIcon := testPNG(t, 32, 32)
	svgIcon := "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\">\n" +
		"  <!-- Wappen -->\n  <circle cx=\"8\" cy=\"8\" r=\"8\" fill=\"#006400\"/>\n</svg>\n"
	dir := writeFederation(t, &txtar.Archive{Files: []txtar.File{
		iconPatch("Stadt Nordstadt", "wappen.png"),
		iconPatch("Samtgemeinde Südheim", "bilder/wappen.svg"),
		{Name: "wappen.png", Data: pngIcon},
		{Name: "bilder/wappen.svg", Data: []byte(svgIcon)},
	}})
	if _, err := build(t, dir); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "public")
	theme := themeIcon(t)

	pngICO, err := favicon.FromPNG(pngIcon)
	if err != nil {
		t.Fatal(err)
	}
	checkIcon(t, out, "nordstadt", pngIcon, favicon.TypePNG, pngICO)

	minSVG, err := newMinifier().Bytes(favicon.TypeSVG, []byte(svgIcon))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(minSVG, []byte("Wappen")) {
		t.Fatal("the minifier kept the comment, so the test cannot tell a minified icon")
	}
	// The ICO format holds no SVG image, so /favicon.ico is the theme's.
	checkIcon(t, out, "suedheim", minSVG, favicon.TypeSVG, theme.ICO)

	checkIcon(t, out, "kreis", theme.Image, favicon.TypeSVG, theme.ICO)
}

// TestBuildRejectsIcon checks that an icon file the build cannot use is
// an error at the icon key of sites.toml.
func TestBuildRejectsIcon(t *testing.T) {
	tests := []struct {
		name  string
		files []txtar.File
		want  string
	}{
		{"missing file", nil, `site "nordstadt": reading icon: `},
		{"not square", []txtar.File{{Name: "wappen.png", Data: testPNG(t, 32, 24)}},
			"the image is 32×24 pixels, want a square of 16 to 256 pixels"},
		{"not a PNG image", []txtar.File{{Name: "wappen.png", Data: []byte("<svg/>")}},
			"reading the PNG image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := append([]txtar.File{iconPatch("Stadt Nordstadt", "wappen.png")}, tt.files...)
			dir := writeFederation(t, &txtar.Archive{Files: files})
			_, err := build(t, dir)
			list, ok := diag.AsList(err)
			if !ok {
				t.Fatalf("got %v, want errors", err)
			}
			src, readErr := os.ReadFile(filepath.Join(dir, "sites.toml"))
			if readErr != nil {
				t.Fatal(readErr)
			}
			line := 1 + bytes.Count(src[:bytes.Index(src, []byte(`icon = "wappen.png"`))], []byte("\n"))
			var found bool
			for _, d := range list {
				if strings.Contains(d.Error(), tt.want) {
					found = true
					if d.Line != line || d.Column != 1 {
						t.Errorf("error at %d:%d, want %d:1, the icon key", d.Line, d.Column, line)
					}
				}
			}
			if !found {
				t.Errorf("errors lack %q:\n%v", tt.want, err)
			}
		})
	}
}

// TestBuildRejectsUnsafeSVGIcon checks that an SVG icon that could run
// script when a citizen opens it is an error at its place in the file.
func TestBuildRejectsUnsafeSVGIcon(t *testing.T) {
	open := "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\">\n"
	tests := []struct {
		name, svg, want string
		line            int
	}{
		{"script", open + "<script>alert(1)</script></svg>", "element <script> runs script", 2},
		{"event handler", open + "<rect width=\"16\" height=\"16\"\n onload=\"alert(1)\"/></svg>",
			"onload", 2},
		{"embedded HTML", open + "\n<foreignObject><form xmlns=\"http://www.w3.org/1999/xhtml\"/>" +
			"</foreignObject></svg>", "embeds HTML", 3},
		{"javascript link", open + "<a href=\"javascript:alert(1)\"><rect/></a></svg>",
			"javascript URL", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFederation(t, &txtar.Archive{Files: []txtar.File{
				iconPatch("Stadt Nordstadt", "wappen.svg"),
				{Name: "wappen.svg", Data: []byte(tt.svg)},
			}})
			_, err := build(t, dir)
			list, ok := diag.AsList(err)
			if !ok {
				t.Fatalf("got %v, want errors", err)
			}
			var found bool
			for _, d := range list {
				if !strings.Contains(d.Error(), tt.want) {
					continue
				}
				found = true
				if filepath.Base(d.File) != "wappen.svg" {
					t.Errorf("error in %q, want it in wappen.svg", d.File)
				}
				if d.Line != tt.line {
					t.Errorf("error on line %d, want %d", d.Line, tt.line)
				}
			}
			if !found {
				t.Errorf("errors lack %q:\n%v", tt.want, err)
			}
		})
	}
}
