package tomlpos

import (
	"testing"

	"github.com/BurntSushi/toml"
)

func TestFindTypeError(t *testing.T) {
	type hours struct {
		Opens string `toml:"opens"`
	}
	var v struct {
		Code  string  `toml:"postal_code"`
		Count int     `toml:"count"`
		Hours []hours `toml:"hours"`
	}
	tests := []struct {
		name, src string
		want      Pos
		hint      string
	}{
		{"number for string", "name = 1\npostal_code = 49808\n", Pos{2, 1},
			`write the value in quotes: postal_code = "49808"`},
		{"string for number", "count = \"3\"\n", Pos{1, 1}, "write the value without quotes"},
		{"second table of array", "[[hours]]\nopens = \"08:00\"\n\n[[hours]]\n  opens = 8\n\n[[hours]]\nopens = \"10:00\"\n",
			Pos{5, 3}, `write the value in quotes: opens = "8"`},
	}
	for _, tt := range tests {
		_, err := toml.Decode(tt.src, &v)
		if err == nil {
			t.Fatalf("%s: decoded", tt.name)
		}
		e, ok := FindTypeError([]byte(tt.src), err)
		if !ok {
			t.Errorf("%s: no type error in %v", tt.name, err)
			continue
		}
		if e.Pos != tt.want {
			t.Errorf("%s: position %v, want %v", tt.name, e.Pos, tt.want)
		}
		if e.Hint() != tt.hint {
			t.Errorf("%s: hint %q, want %q", tt.name, e.Hint(), tt.hint)
		}
	}
}

func TestFindTypeErrorOther(t *testing.T) {
	_, err := toml.Decode("a = ", &struct{}{})
	if _, ok := FindTypeError([]byte("a = "), err); ok {
		t.Error("syntax error taken for a type error")
	}
}
