package favicon

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/verbund/verbund/themes"
)

// pngImage returns a PNG image of w×h pixels.
func pngImage(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.NRGBA{R: 0x1d, G: 0x4f, B: 0x7c, A: 0xff})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngHeader returns the signature and IHDR chunk of a PNG image of w×h
// pixels, without image data: a few bytes that announce any size.
func pngHeader(w, h uint32) []byte {
	be := binary.BigEndian
	ihdr := []byte("IHDR")
	ihdr = be.AppendUint32(ihdr, w)
	ihdr = be.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA, no interlace
	data := []byte("\x89PNG\r\n\x1a\n")
	data = be.AppendUint32(data, uint32(len(ihdr)-4))
	data = append(data, ihdr...)
	return be.AppendUint32(data, crc32.ChecksumIEEE(ihdr))
}

// cutPNG returns a PNG image of edge×edge pixels without its last 20
// bytes, the end of the image data and the IEND chunk.
func cutPNG(t *testing.T, edge int) []byte {
	t.Helper()
	data := pngImage(t, edge, edge)
	return data[:len(data)-20]
}

// corruptPNG returns a PNG image of edge×edge pixels whose compressed
// image data, after the IHDR chunk, is overwritten with other bytes.
func corruptPNG(t *testing.T, edge int) []byte {
	t.Helper()
	data := bytes.Clone(pngImage(t, edge, edge))
	// Signature (8 bytes), IHDR chunk (25 bytes), IDAT length and type
	// (8 bytes), then 2 bytes of zlib header.
	start := 8 + 25 + 8 + 2
	for i := start; i < len(data)-12-4; i++ {
		data[i] = 0xff
	}
	return data
}

func TestFromPNGWrapsImage(t *testing.T) {
	for _, edge := range []int{16, 48, 256} {
		data := pngImage(t, edge, edge)
		ico, err := FromPNG(data)
		if err != nil {
			t.Fatalf("%d pixels: %v", edge, err)
		}
		if err := CheckICO(ico); err != nil {
			t.Errorf("%d pixels: the ICO file is invalid: %v", edge, err)
		}
		if count := binary.LittleEndian.Uint16(ico[4:]); count != 1 {
			t.Errorf("%d pixels: %d images, want 1", edge, count)
		}
		if want := byte(edge % 256); ico[6] != want || ico[7] != want {
			t.Errorf("%d pixels: directory gives %d×%d, want %d×%d", edge, ico[6], ico[7], want, want)
		}
		offset := binary.LittleEndian.Uint32(ico[18:])
		if !bytes.Equal(ico[offset:], data) {
			t.Errorf("%d pixels: the ICO file does not hold the PNG image as it is", edge)
		}
	}
}

func TestFromPNGRejects(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"not square", pngImage(t, 32, 16), "is 32×16 pixels"},
		{"too small", pngImage(t, 8, 8), "want a square of 16 to 256 pixels"},
		{"too large", pngImage(t, 512, 512), "is 512×512 pixels"},
		{"not a PNG", []byte("<svg/>"), "reading the PNG image"},
		{"decompression bomb", pngHeader(60000, 60000), "is 60000×60000 pixels"},
		{"header alone", pngHeader(32, 32), "decoding the PNG image"},
		{"image data cut short", cutPNG(t, 48), "decoding the PNG image"},
		{"corrupt image data", corruptPNG(t, 48), "decoding the PNG image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromPNG(tt.data)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestCheckICORejects(t *testing.T) {
	valid, err := FromPNG(pngImage(t, 16, 16))
	if err != nil {
		t.Fatal(err)
	}
	beyond := bytes.Clone(valid)
	binary.LittleEndian.PutUint32(beyond[14:], uint32(len(valid)))
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "shorter than an ICO header"},
		{"PNG", pngImage(t, 16, 16), "does not start with the header"},
		{"no image", []byte{0, 0, 1, 0, 0, 0}, "contains no image"},
		{"directory cut short", valid[:12], "cut short"},
		{"image beyond the end", beyond, "image 1 of the ICO file lies outside"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckICO(tt.data)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestCheckSVG(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"valid", `<?xml version="1.0"?><!-- Wappen --><svg xmlns="http://www.w3.org/2000/svg"/>`, ""},
		{"HTML", `<html><body></body></html>`, "the first element is <html>"},
		{"no namespace", `<svg viewBox="0 0 1 1"></svg>`, "lacks xmlns"},
		{"empty", ``, "contains no svg element"},
		{"malformed", `<svg xmlns="http://www.w3.org/2000/svg"`, "reading the SVG image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckSVG([]byte(tt.data))
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("error %v, want none", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	svg := filepath.Join(dir, "wappen.svg")
	if err := os.WriteFile(svg, []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), 0o644); err != nil {
		t.Fatal(err)
	}
	pngFile := filepath.Join(dir, "wappen.PNG")
	if err := os.WriteFile(pngFile, pngImage(t, 32, 32), 0o644); err != nil {
		t.Fatal(err)
	}
	fallback := []byte("theme ICO")

	ic, err := Load(svg, fallback)
	if err != nil {
		t.Fatal(err)
	}
	if ic.Type != TypeSVG || ic.Ext() != ".svg" || !bytes.Equal(ic.ICO, fallback) {
		t.Errorf("SVG icon: type %q, extension %q, ICO %q; want the theme's ICO", ic.Type, ic.Ext(), ic.ICO)
	}

	ic, err = Load(pngFile, fallback)
	if err != nil {
		t.Fatal(err)
	}
	if ic.Type != TypePNG || ic.Ext() != ".png" {
		t.Errorf("PNG icon: type %q, extension %q", ic.Type, ic.Ext())
	}
	if err := CheckICO(ic.ICO); err != nil {
		t.Errorf("PNG icon: /favicon.ico is invalid: %v", err)
	}

	if _, err := Load(filepath.Join(dir, "fehlt.svg"), fallback); err == nil || !strings.Contains(err.Error(), "reading icon") {
		t.Errorf("missing file: error %v, want one about reading it", err)
	}
	small := filepath.Join(dir, "klein.png")
	if err := os.WriteFile(small, pngImage(t, 10, 10), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(small, fallback); err == nil || !strings.Contains(err.Error(), small) {
		t.Errorf("small PNG: error %v, want one naming the file", err)
	}
}

func TestFromThemeDefault(t *testing.T) {
	ic, err := FromTheme(themes.Default())
	if err != nil {
		t.Fatal(err)
	}
	if ic.Type != TypeSVG || len(ic.Image) == 0 || len(ic.ICO) == 0 {
		t.Errorf("default theme's icon: type %q, %d bytes of image, %d bytes of ICO", ic.Type, len(ic.Image), len(ic.ICO))
	}
}

func TestFromThemeWithoutIcons(t *testing.T) {
	def, err := FromTheme(themes.Default())
	if err != nil {
		t.Fatal(err)
	}
	svg, err := fs.ReadFile(themes.Default(), ThemeSVG)
	if err != nil {
		t.Fatal(err)
	}

	// A theme copied before themes had icons builds with the default icon.
	old := fstest.MapFS{"assets/style.css": {Data: []byte("body{}")}}
	ic, err := FromTheme(old)
	if err != nil {
		t.Fatalf("theme without icons: %v", err)
	}
	if !bytes.Equal(ic.Image, def.Image) || !bytes.Equal(ic.ICO, def.ICO) {
		t.Error("theme without icons did not get the default theme's icon")
	}

	// A theme with one of the two files is incomplete.
	half := fstest.MapFS{ThemeSVG: {Data: svg}}
	if _, err := FromTheme(half); err == nil || !strings.Contains(err.Error(), ThemeICO) {
		t.Errorf("theme with the SVG icon alone: error %v, want one naming %s", err, ThemeICO)
	}
}
