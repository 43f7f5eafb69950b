package generator

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

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

// svgHint is the hint of every SVG problem.
const svgHint = "export the drawing again as a plain SVG without scripts, links to scripts or embedded HTML, " +
	"or save it as PNG"

// checkSVG reports what in the SVG file data could run script when a
// citizen opens the file: script elements, event handler attributes,
// javascript: URLs, foreign objects and embedded HTML. It rejects XML
// that it cannot read in full, such as a DOCTYPE with entity
// declarations, which could hide any of these. It returns whether the
// file passed.
func checkSVG(name string, data []byte, diags *diag.List) bool {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	fail := func(line, col int, format string, args ...any) bool {
		diags.Errorf(name, line, col, "unsafe-svg", svgHint, format, args...)
		return false
	}
	root := true
	inStyle := false
	for {
		// The position before a token is where the token starts.
		line, col := d.InputPos()
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return fail(se.Line, 0, "invalid SVG file: %s", se.Msg)
			}
			return fail(line, col, "invalid SVG file: %v", err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			if bytes.Contains(t, []byte("<!ENTITY")) || bytes.Contains(t, []byte("<!entity")) {
				return fail(line, col, "the SVG file declares XML entities, which could hide script")
			}
		case xml.ProcInst:
			if strings.EqualFold(t.Target, "xml-stylesheet") {
				return fail(line, col, "the SVG file links a style sheet with <?xml-stylesheet?>")
			}
		case xml.StartElement:
			if root {
				root = false
				if t.Name.Local != "svg" || t.Name.Space != svgNamespace {
					return fail(line, col, "the root element is <%s>, not <svg xmlns=%q>", t.Name.Local, svgNamespace)
				}
			}
			if problem := svgElementProblem(t); problem != "" {
				return fail(line, col, "%s", problem)
			}
			inStyle = strings.EqualFold(t.Name.Local, "style")
		case xml.EndElement:
			inStyle = false
		case xml.CharData:
			if inStyle && scriptURL(string(t)) != "" {
				return fail(line, col, "a style element contains a %s URL", scriptURL(string(t)))
			}
		}
	}
	if root {
		return fail(0, 0, "the file contains no SVG element")
	}
	return true
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
		if scheme := scriptURL(a.Value); scheme != "" {
			return fmt.Sprintf("attribute %s of <%s> contains a %s URL", attr, t.Name.Local, scheme)
		}
	}
	return ""
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
