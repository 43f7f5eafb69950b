package suggest

import (
	"reflect"
	"slices"
	"testing"
)

func TestClosest(t *testing.T) {
	known := []string{"title", "summary", "reviewed", "office"}
	tests := []struct{ name, want string }{
		{"titel", "title"},
		{"reviewd", "reviewed"},
		{"Office", "office"},
		{"colour", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Closest(tt.name, known); got != tt.want {
			t.Errorf("Closest(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestHint(t *testing.T) {
	if got, want := Hint("titel", []string{"title"}), `; did you mean "title"?`; got != want {
		t.Errorf("Hint = %q, want %q", got, want)
	}
	if got := Hint("farbe", []string{"title"}); got != "" {
		t.Errorf("Hint without a near name = %q, want empty", got)
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"kitten", "sitting", 3},
		{"offers", "offer", 1},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestTOMLKeys(t *testing.T) {
	type form struct {
		Title string `toml:"title"`
		URL   string `toml:"url"`
	}
	type inner struct {
		Street string `toml:"street"`
	}
	type matter struct {
		inner
		Title   string            `toml:"title"`
		Forms   []form            `toml:"forms"`
		Extra   map[string]string `toml:"extra,omitempty"`
		Skipped string            `toml:"-"`
		Plain   int
		hidden  int
	}
	got := TOMLKeys(reflect.TypeOf(&matter{}))
	want := []string{"Plain", "extra", "forms", "street", "title", "url"}
	if !slices.Equal(got, want) {
		t.Errorf("TOMLKeys = %q, want %q", got, want)
	}
}
