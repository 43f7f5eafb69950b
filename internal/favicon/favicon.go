// Package favicon reads and builds the icons that browsers show in tabs
// and bookmarks: the image that pages link with <link rel="icon">, and
// the ICO file that clients request as /favicon.ico without reading a
// page.
package favicon

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/verbund/verbund/themes"
)

// Media types of the icon formats. For ICO files, the WHATWG MIME
// Sniffing standard and Go's http.DetectContentType give image/x-icon,
// not the type image/vnd.microsoft.icon that IANA registered.
const (
	TypeICO = "image/x-icon"
	TypePNG = "image/png"
	TypeSVG = "image/svg+xml"
)

// The edges in pixels that a PNG icon may have. Browsers show icons in
// tabs at 16 pixels, and an ICO directory entry stores an edge in one
// byte, with 0 for 256, so it describes no larger image.
const (
	MinEdge = 16
	MaxEdge = 256
)

// Paths of the icon files in a theme folder.
const (
	ThemeSVG = "assets/icon.svg"
	ThemeICO = "assets/favicon.ico"
)

// svgNamespace is the namespace of SVG elements. Browsers do not show an
// image whose svg element lacks it.
const svgNamespace = "http://www.w3.org/2000/svg"

// Icon is the icon of a portal or service in the two forms it publishes.
type Icon struct {
	// Image is the icon that pages link: an SVG or PNG image.
	Image []byte
	// Type is the media type of Image, TypeSVG or TypePNG.
	Type string
	// ICO is the content of /favicon.ico.
	ICO []byte
}

// Ext returns the file name extension of the icon's image, such as
// ".svg".
func (ic Icon) Ext() string {
	if ic.Type == TypePNG {
		return ".png"
	}
	return ".svg"
}

// FromTheme returns the icon of the theme in fsys: the SVG image
// ThemeSVG, with ThemeICO as /favicon.ico. A theme folder copied from a
// version of verbund without icons has neither file. It gets the icon of
// the default theme built into verbund, so it builds as before.
func FromTheme(fsys fs.FS) (Icon, error) {
	if !hasFile(fsys, ThemeSVG) && !hasFile(fsys, ThemeICO) {
		fsys = themes.Default()
	}
	icon, err := readTheme(fsys)
	if err != nil {
		return Icon{}, fmt.Errorf("%w; copy %s and %s from the default theme of verbund", err, ThemeSVG, ThemeICO)
	}
	return icon, nil
}

// hasFile reports whether fsys has a file at name.
func hasFile(fsys fs.FS, name string) bool {
	_, err := fs.Stat(fsys, name)
	return !errors.Is(err, fs.ErrNotExist)
}

func readTheme(fsys fs.FS) (Icon, error) {
	svg, err := fs.ReadFile(fsys, ThemeSVG)
	if err != nil {
		return Icon{}, fmt.Errorf("reading the theme's icon: %w", err)
	}
	if err := CheckSVG(svg); err != nil {
		return Icon{}, fmt.Errorf("invalid theme icon %s: %w", ThemeSVG, err)
	}
	ico, err := fs.ReadFile(fsys, ThemeICO)
	if err != nil {
		return Icon{}, fmt.Errorf("reading the theme's icon: %w", err)
	}
	if err := CheckICO(ico); err != nil {
		return Icon{}, fmt.Errorf("invalid theme icon %s: %w", ThemeICO, err)
	}
	return Icon{Image: svg, Type: TypeSVG, ICO: ico}, nil
}

// Load returns the icon in the SVG or PNG file at path, chosen by its
// extension. A PNG image is also published as /favicon.ico. The ICO
// format holds no SVG image, so an SVG icon takes fallbackICO, the ICO
// file of the theme.
func Load(path string, fallbackICO []byte) (Icon, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Icon{}, fmt.Errorf("reading icon: %w", err)
	}
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".svg":
		if err := CheckSVG(data); err != nil {
			return Icon{}, fmt.Errorf("invalid icon %s: %w", path, err)
		}
		return Icon{Image: data, Type: TypeSVG, ICO: fallbackICO}, nil
	case ".png":
		ico, err := FromPNG(data)
		if err != nil {
			return Icon{}, fmt.Errorf("invalid icon %s: %w", path, err)
		}
		return Icon{Image: data, Type: TypePNG, ICO: ico}, nil
	default:
		return Icon{}, fmt.Errorf("invalid icon %s: the file is neither SVG nor PNG", path)
	}
}

// FromPNG returns an ICO file whose one image is the PNG image data, as
// it is. An ICO entry may hold a PNG image since Windows Vista, and
// current browsers read it. FromPNG returns an error when data is not a
// square PNG image with an edge of MinEdge to MaxEdge pixels.
func FromPNG(data []byte) ([]byte, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("reading the PNG image: %w", err)
	}
	if cfg.Width != cfg.Height || cfg.Width < MinEdge || cfg.Width > MaxEdge {
		return nil, fmt.Errorf("the image is %d×%d pixels, want a square of %d to %d pixels",
			cfg.Width, cfg.Height, MinEdge, MaxEdge)
	}
	// DecodeConfig reads the header alone. Decoding the whole image,
	// whose size the check above bounds, finds image data that is cut
	// short or corrupt and that browsers would show as no icon.
	if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("decoding the PNG image: %w", err)
	}

	const headerSize = 6 + 16
	ico := make([]byte, 0, headerSize+len(data))
	le := binary.LittleEndian
	// The header: reserved, type 1 for icons, one image.
	ico = le.AppendUint16(ico, 0)
	ico = le.AppendUint16(ico, 1)
	ico = le.AppendUint16(ico, 1)

	// The directory entry: width and height (0 for 256), no palette,
	// reserved, one colour plane, 32 bits per pixel, then the size and
	// offset of the image.
	edge := byte(cfg.Width % 256)
	ico = append(ico, edge, edge, 0, 0)
	ico = le.AppendUint16(ico, 1)
	ico = le.AppendUint16(ico, 32)
	ico = le.AppendUint32(ico, uint32(len(data)))
	ico = le.AppendUint32(ico, headerSize)
	return append(ico, data...), nil
}

// CheckICO returns an error unless data is an ICO file: a header that
// announces at least one image, and a directory whose entries lie within
// data, after the directory.
func CheckICO(data []byte) error {
	if len(data) < 6 {
		return errors.New("the file is shorter than an ICO header")
	}
	reserved := binary.LittleEndian.Uint16(data[0:])
	kind := binary.LittleEndian.Uint16(data[2:])
	count := int(binary.LittleEndian.Uint16(data[4:]))
	if reserved != 0 || kind != 1 {
		return errors.New("the file does not start with the header of an ICO file")
	}
	if count == 0 {
		return errors.New("the ICO file contains no image")
	}
	end := 6 + 16*count
	if len(data) < end {
		return fmt.Errorf("the ICO file announces %d images, but its directory is cut short", count)
	}
	for i := range count {
		entry := data[6+16*i:]
		size := int64(binary.LittleEndian.Uint32(entry[8:]))
		offset := int64(binary.LittleEndian.Uint32(entry[12:]))
		if size == 0 || offset < int64(end) || offset+size > int64(len(data)) {
			return fmt.Errorf("image %d of the ICO file lies outside the file", i+1)
		}
	}
	return nil
}

// CheckSVG returns an error unless the first element of data is an svg
// element in the SVG namespace.
func CheckSVG(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return errors.New("the file contains no svg element")
		}
		if err != nil {
			return fmt.Errorf("reading the SVG image: %w", err)
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch {
		case start.Name.Local != "svg":
			return fmt.Errorf("the first element is <%s>, want <svg>", start.Name.Local)
		case start.Name.Space != svgNamespace:
			return fmt.Errorf(`the svg element lacks xmlns="%s", without which browsers do not show it`, svgNamespace)
		}
		return nil
	}
}
