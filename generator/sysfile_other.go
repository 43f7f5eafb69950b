//go:build !unix

package generator

import (
	"io/fs"
	"os"
)

// newDirFS returns the file system of the files under the folder root.
func newDirFS(root string) fs.FS {
	return os.DirFS(root)
}

// writeFile writes data to the file path, creating it with mode 0644 or
// truncating it.
func writeFile(path string, data []byte) error {
	return os.WriteFile(path, data, 0o644)
}

// readFile returns the content of the file path.
func readFile(path string) ([]byte, error) {
	return os.ReadFile(path)
}
