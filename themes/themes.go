// Package themes embeds the default theme, so that a federation whose
// project has no themes/default folder of its own builds with it.
package themes

import (
	"embed"
	"io/fs"
)

//go:embed default
var files embed.FS

// Default returns the files of the default theme: templates/ and assets/.
func Default() fs.FS {
	sub, err := fs.Sub(files, "default")
	if err != nil {
		// fs.Sub fails only for a path that fs.ValidPath rejects, and
		// "default" is a valid path.
		panic(err)
	}
	return sub
}
