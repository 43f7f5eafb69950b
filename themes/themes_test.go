package themes

import (
	"io/fs"
	"testing"
)

func TestDefaultHasLayoutAndAssets(t *testing.T) {
	for _, name := range []string{"templates/layout.html", "templates/service.html", "assets/style.css", "assets/verbund.js"} {
		if _, err := fs.Stat(Default(), name); err != nil {
			t.Errorf("default theme lacks %s: %v", name, err)
		}
	}
}
