package generator

import (
	"bytes"
	"unicode/utf8"

	"github.com/verbund/verbund/diag"
)

// saveAsUTF8 is the hint for a content file in another encoding.
const saveAsUTF8 = "save the file as UTF-8 in your editor"

// checkEncoding reports a content file that is not UTF-8 text: one that
// starts with a UTF-16 byte-order mark, contains a NUL byte or an
// invalid UTF-8 byte sequence. src is the file's normalized content, or
// its part up to the end of the front matter. It returns false when it
// reported an error.
func checkEncoding(name string, src []byte, diags *diag.List) bool {
	if bytes.HasPrefix(src, []byte{0xff, 0xfe}) || bytes.HasPrefix(src, []byte{0xfe, 0xff}) {
		diags.Errorf(name, 1, 1, "encoding", saveAsUTF8,
			"file is encoded as UTF-16, but content files must be UTF-8")
		return false
	}
	if i := bytes.IndexByte(src, 0); i >= 0 {
		line, col := offsetPosition(src, i)
		diags.Errorf(name, line, col, "encoding", saveAsUTF8,
			"file contains a NUL byte, so it is no UTF-8 text; it may be UTF-16 or binary")
		return false
	}
	if i := invalidUTF8(src); i >= 0 {
		line, col := offsetPosition(src, i)
		reportInvalidByte(name, line, col, src[i], diags)
		return false
	}
	return true
}

// invalidUTF8 returns the offset of the first byte of b that does not
// start a valid UTF-8 sequence, or -1 when b is valid UTF-8.
func invalidUTF8(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

// offsetPosition returns the line and column of byte offset off in src,
// with columns counted in characters and an invalid byte counted as one.
func offsetPosition(src []byte, off int) (line, col int) {
	line = 1 + bytes.Count(src[:off], []byte("\n"))
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	return line, utf8.RuneCount(src[start:off]) + 1
}

// reportInvalidByte reports the invalid UTF-8 byte b at line and col.
func reportInvalidByte(name string, line, col int, b byte, diags *diag.List) {
	diags.Errorf(name, line, col, "encoding", saveAsUTF8,
		"invalid UTF-8 byte 0x%02x: the file may be saved as Latin-1 or Windows-1252", b)
}
