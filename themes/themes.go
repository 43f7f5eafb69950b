// Package themes embeds the default theme, so that a federation whose
// project has no themes/default folder of its own builds with it.
package themes

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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

// ProjectDir returns themes/default beside the sites.toml at configPath:
// the folder of a project's own theme.
func ProjectDir(configPath string) string {
	return filepath.Join(filepath.Dir(configPath), "themes", "default")
}

// ForProject returns the files of the theme of the project whose
// sites.toml is at configPath: the folder ProjectDir when it exists, else
// the default theme built into verbund. name names the theme in messages.
func ForProject(configPath string) (fsys fs.FS, name string, err error) {
	dir := ProjectDir(configPath)
	switch _, err := os.Stat(dir); {
	case err == nil:
		return os.DirFS(dir), dir, nil
	case errors.Is(err, fs.ErrNotExist):
		return Default(), "built into verbund", nil
	default:
		return nil, "", fmt.Errorf("finding the theme folder: %w", err)
	}
}
