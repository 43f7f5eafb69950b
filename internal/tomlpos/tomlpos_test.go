package tomlpos

import (
	"reflect"
	"testing"
)

const doc = `name = "x"
desc = """
fake = 1
"""

[search]
url = "u"

[[site]]
id = "a"
  legal.name = "A"

[[site]]
id = "b"
"quoted key" = 2
[site.legal]
nme = "B"
`

func TestFind(t *testing.T) {
	tests := []struct {
		path []string
		want []Pos
	}{
		{[]string{"name"}, []Pos{{1, 1}}},
		{[]string{"fake"}, nil},
		{[]string{"search", "url"}, []Pos{{7, 1}}},
		{[]string{"site", "id"}, []Pos{{10, 1}, {14, 1}}},
		{[]string{"site", "legal", "name"}, []Pos{{11, 3}}},
		{[]string{"site", "quoted key"}, []Pos{{15, 1}}},
		{[]string{"site", "legal", "nme"}, []Pos{{17, 1}}},
		{[]string{"search", "missing"}, []Pos{{6, 1}}},
	}
	for _, tt := range tests {
		got := Find([]byte(doc), tt.path)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Find(%v) = %v, want %v", tt.path, got, tt.want)
		}
	}
}
