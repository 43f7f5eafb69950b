package generator

import (
	"strings"
	"testing"

	"github.com/verbund/verbund/diag"
)

func TestCheckEncoding(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"utf-16 le", "\xff\xfe+\x00+\x00+\x00\n\x00", "p.md:1:1: file is encoded as UTF-16"},
		{"utf-16 be", "\xfe\xff\x00+\x00+\x00+\x00\n", "p.md:1:1: file is encoded as UTF-16"},
		{"nul byte", "+++\ntitle = \"A\x00\"\n+++\n", "p.md:2:11: file contains a NUL byte"},
		{"latin-1", "+++\ntitle = \"Gr\xfc\xdfe\"\n+++\n", "p.md:2:12: invalid UTF-8 byte 0xfc"},
	}
	for _, c := range cases {
		var diags diag.List
		if checkEncoding("p.md", []byte(c.src), &diags) {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		if len(diags) != 1 || !strings.HasPrefix(diags[0].Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, diags, c.want)
		}
		if !strings.Contains(diags[0].Error(), "save the file as UTF-8") {
			t.Errorf("%s: no advice to save as UTF-8: %v", c.name, diags)
		}
	}
	var diags diag.List
	if !checkEncoding("p.md", []byte("+++\ntitle = \"Größe\"\n+++\n"), &diags) || len(diags) > 0 {
		t.Errorf("UTF-8 rejected: %v", diags)
	}
}

func TestDecodeUTF16File(t *testing.T) {
	var diags diag.List
	f := newRawFile("nordstadt/pages/a.md", "content", []byte("\xff\xfe+\x00+\x00+\x00\n\x00"))
	if decodeFile(f, map[string]bool{"nordstadt": true}, &diags) != nil {
		t.Fatal("decoded a UTF-16 file")
	}
	if len(diags) != 1 || !strings.Contains(diags[0].Message, "UTF-16") {
		t.Errorf("got %v, want one error that names UTF-16", diags)
	}
}
