package generator

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/verbund/verbund/diag"
)

// Namespaces of SVG files.
const (
	svgNamespace   = "http://www.w3.org/2000/svg"
	xhtmlNamespace = "http://www.w3.org/1999/xhtml"
)

// namespacePrefixes are the usual prefixes of the namespaces of
// attributes, for messages.
var namespacePrefixes = map[string]string{
	"http://www.w3.org/1999/xlink":         "xlink",
	"http://www.w3.org/XML/1998/namespace": "xml",
	xhtmlNamespace:                         "html",
}

// activeElements are the SVG elements, by lower-case local name, that run
// script or embed other documents, which may run script.
var activeElements = map[string]string{
	"script":        "runs script",
	"handler":       "runs script",
	"foreignobject": "embeds HTML, which may run script",
	"iframe":        "embeds another page",
	"embed":         "embeds another document",
	"object":        "embeds another document",
}

// svgHint is the hint of an SVG file that could run script, and
// svgSyntaxHint that of one the check cannot read.
const (
	svgHint = "export the drawing again as a plain SVG without scripts, links to scripts or embedded HTML, " +
		"or save it as PNG"
	svgSyntaxHint = "export the drawing again as SVG in UTF-8, or save it as PNG"
)

// declaredEncodingError is the error of the xml.Decoder's CharsetReader
// for an SVG file that declares an encoding other than UTF-8.
type declaredEncodingError struct{ label string }

func (e *declaredEncodingError) Error() string {
	return fmt.Sprintf("the SVG file declares the encoding %q, and only UTF-8 is read", e.label)
}

// checkSVG reports what in the SVG file data could run script when a
// citizen opens the file: script elements, event handler attributes,
// javascript: URLs, foreign objects and embedded HTML. It rejects XML
// that it cannot read in full, such as a DOCTYPE with declarations of its
// own, which could hide any of these. It returns whether the file passed.
func checkSVG(name string, data []byte, diags *diag.List) bool {
	fail := func(line, col int, hint, format string, args ...any) bool {
		diags.Errorf(name, line, col, "unsafe-svg", hint, format, args...)
		return false
	}
	if utf16Encoded(data) {
		return fail(1, 1, svgSyntaxHint, "the SVG file is encoded in UTF-16, and only UTF-8 is read")
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.CharsetReader = func(label string, _ io.Reader) (io.Reader, error) {
		return nil, &declaredEncodingError{label}
	}

	root := true
	// style collects the text of the style element that starts at
	// styleLine and styleCol. Comments, CDATA sections and child elements
	// split the text into tokens, and browsers read the text of the
	// element's children as one. styleDepth counts the open child
	// elements, whose text the builder takes too.
	var style *strings.Builder
	var styleLine, styleCol, styleDepth int
	for {
		// The position before a token is where the token starts.
		line, col := d.InputPos()
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line, col, message := readProblem(d, err, line, col)
			return fail(line, col, svgSyntaxHint, "%s", message)
		}
		switch t := tok.(type) {
		case xml.Directive:
			if problem := directiveProblem(t); problem != "" {
				return fail(line, col, svgHint, "%s", problem)
			}
		case xml.ProcInst:
			if strings.EqualFold(t.Target, "xml-stylesheet") {
				return fail(line, col, svgHint, "the SVG file links a style sheet with <?xml-stylesheet?>")
			}
		case xml.StartElement:
			if root {
				root = false
				if t.Name.Local != "svg" || t.Name.Space != svgNamespace {
					return fail(line, col, svgHint, "the root element is <%s>, not <svg xmlns=%q>", t.Name.Local, svgNamespace)
				}
			}
			if problem := svgElementProblem(t); problem != "" {
				return fail(line, col, svgHint, "%s", problem)
			}
			switch {
			case style != nil:
				styleDepth++
			case strings.EqualFold(t.Name.Local, "style"):
				style, styleLine, styleCol = &strings.Builder{}, line, col
			}
		case xml.EndElement:
			if style != nil && styleDepth > 0 {
				styleDepth--
				continue
			}
			if style != nil {
				if problem := styleProblem(style.String()); problem != "" {
					return fail(styleLine, styleCol, svgHint, "a style element %s", problem)
				}
			}
			style = nil
		case xml.CharData:
			if style != nil {
				style.Write(t)
			}
		}
	}
	if root {
		return fail(0, 0, svgHint, "the file contains no SVG element")
	}
	return true
}

// readProblem returns the position and message of the error err of the
// decoder d, whose last token started at line and col.
func readProblem(d *xml.Decoder, err error, line, col int) (int, int, string) {
	var de *declaredEncodingError
	if errors.As(err, &de) {
		return line, col, de.Error()
	}

	// After a syntax error, the decoder is at or just after the byte it
	// could not read, such as the end of </svg> for an element that
	// </svg> closes too early.
	line, col = d.InputPos()
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return line, col, "invalid SVG file: " + se.Msg
	}
	return line, col, fmt.Sprintf("invalid SVG file: %v", err)
}

// utf16Encoded reports whether data starts like an XML file in UTF-16:
// with its byte-order mark, or with '<' as a 16-bit unit.
func utf16Encoded(data []byte) bool {
	for _, prefix := range []string{"\xfe\xff", "\xff\xfe", "\x00<", "<\x00"} {
		if bytes.HasPrefix(data, []byte(prefix)) {
			return true
		}
	}
	return false
}

// directiveProblem returns why the directive t, such as a DOCTYPE, is not
// allowed in a published SVG file, or "". A DOCTYPE that names the SVG
// DTD is fine, but declarations of its own could define entities that
// hide script or attribute defaults, such as onload, which browsers add
// to elements and the check does not see.
func directiveProblem(t xml.Directive) string {
	upper := bytes.ToUpper(t)
	switch {
	case !bytes.HasPrefix(upper, []byte("DOCTYPE")):
		return "the SVG file contains a declaration other than a DOCTYPE, which a drawing does not need"
	case bytes.Contains(upper, []byte("<!ENTITY")):
		return "the SVG file declares XML entities, which could hide script"
	case bytes.ContainsAny(t, "[<"):
		return "the DOCTYPE of the SVG file has declarations of its own, such as <!ATTLIST>, " +
			"which could add attributes that run script"
	}
	return ""
}

// styleProblem returns what in the text of a style element could run
// script or load a style sheet from another address, or "". CSS escapes,
// such as \73 for 's', are decoded first.
func styleProblem(text string) string {
	css := cssUnescape(text)
	if scheme := scriptURL(css); scheme != "" {
		return "contains a " + scheme + " URL"
	}
	if strings.Contains(strings.ToLower(css), "@import") {
		return "imports a style sheet with @import, which a drawing does not need"
	}
	return ""
}

// svgElementProblem returns why the start tag t is not allowed in a
// published SVG file, or "".
func svgElementProblem(t xml.StartElement) string {
	local := strings.ToLower(t.Name.Local)
	if effect, ok := activeElements[local]; ok {
		return fmt.Sprintf("element <%s> %s", t.Name.Local, effect)
	}
	if t.Name.Space == xhtmlNamespace {
		return fmt.Sprintf("element <%s> is an HTML element, which a drawing does not need and which may run script", t.Name.Local)
	}
	for _, a := range t.Attr {
		attr := a.Name.Local
		if prefix := namespacePrefixes[a.Name.Space]; prefix != "" {
			attr = prefix + ":" + attr
		}
		if strings.HasPrefix(strings.ToLower(a.Name.Local), "on") {
			return fmt.Sprintf("attribute %s of <%s> is an event handler, which runs script", attr, t.Name.Local)
		}
		// An animation can set an event handler attribute too.
		if strings.EqualFold(a.Name.Local, "attributeName") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Value)), "on") {
			return fmt.Sprintf("<%s> animates the event handler %s, which runs script", t.Name.Local, a.Value)
		}
		value := a.Value
		if strings.EqualFold(a.Name.Local, "style") {
			value = cssUnescape(value)
		}
		if scheme := scriptURL(value); scheme != "" {
			return fmt.Sprintf("attribute %s of <%s> contains a %s URL", attr, t.Name.Local, scheme)
		}
		// A <use> element shows its target as part of the drawing. A
		// target in another document, such as a data: URL, can bring
		// elements with event handlers that the check does not see.
		if local == "use" && isHrefName(a.Name.Local) && !strings.HasPrefix(strings.TrimSpace(a.Value), "#") {
			return fmt.Sprintf("<%s> shows %q, which is not an element of the same file, such as #symbol",
				t.Name.Local, a.Value)
		}
	}
	// An animation can make a link lead to script, or a <use> element
	// show another document, with values that no check above reads as a
	// URL, such as a list in values.
	for _, a := range t.Attr {
		if strings.EqualFold(a.Name.Local, "attributeName") && isHrefName(a.Value) {
			return fmt.Sprintf("<%s> animates the link %s, which could make it lead to script", t.Name.Local, a.Value)
		}
	}
	return ""
}

// isHrefName reports whether the attribute name, with or without a
// prefix such as xlink:, is href.
func isHrefName(name string) bool {
	name = strings.ToLower(strings.TrimSpace(name))
	_, local, found := strings.Cut(name, ":")
	if !found {
		local = name
	}
	return local == "href"
}

// cssUnescape decodes the escapes of the CSS text s. A backslash before
// one to six hex digits and an optional white space character is the
// character with that code. A backslash before a line break continues a
// string, and one before any other character is that character.
func cssUnescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		j := i + 1
		for j < len(s) && j-i <= 6 && isHexDigit(s[j]) {
			j++
		}
		if j == i+1 {
			// The escaped character stands for itself, also a second
			// backslash, and an escaped line break is dropped.
			if s[j] != '\n' {
				b.WriteByte(s[j])
			}
			i = j
			continue
		}
		n, _ := strconv.ParseUint(s[i+1:j], 16, 32)
		r := rune(n)
		if r == 0 || !utf8.ValidRune(r) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
		if j < len(s) && strings.IndexByte(" \t\n\f", s[j]) >= 0 {
			j++
		}
		i = j - 1
	}
	return b.String()
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// scriptURL returns the scheme of a URL in text that runs script or
// shows HTML, such as "javascript:", or "". Browsers ignore tabs and line
// breaks in a scheme, so these are removed before the comparison.
func scriptURL(text string) string {
	folded := strings.Map(func(r rune) rune {
		if r <= ' ' {
			return -1
		}
		return r
	}, strings.ToLower(text))
	for _, scheme := range []string{"javascript:", "vbscript:", "data:text/html", "data:application/xhtml"} {
		if strings.Contains(folded, scheme) {
			return strings.TrimSuffix(scheme, ":")
		}
	}
	return ""
}
