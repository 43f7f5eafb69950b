package dldb

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// RecordName is the name of the import record in the content folder an
// import writes to. It lists the SHA-256 digest of every file as the
// last import wrote it, one "<hex digest>  <path>" line per file in the
// format of sha256sum, so `sha256sum -c` in that folder lists the pages
// editors changed since. The leading dot makes the build skip it.
const RecordName = ".dldb-import.sha256"

// digest returns the hex SHA-256 digest of data.
func digest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// readRecord returns the digests of the import record in dir by path, or
// an empty map when there is no record.
func readRecord(dir string) (map[string]string, error) {
	record := make(map[string]string)
	name := filepath.Join(dir, RecordName)
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return record, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading import record: %w", err)
	}
	scanner := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; scanner.Scan(); n++ {
		line := strings.TrimSuffix(scanner.Text(), "\r")
		if line == "" {
			continue
		}
		sum, path, ok := strings.Cut(line, "  ")
		if _, hexErr := hex.DecodeString(sum); !ok || hexErr != nil || len(sum) != 2*sha256.Size || path == "" {
			return nil, fmt.Errorf("%s:%d: invalid line %q: expected a SHA-256 digest in hex, two spaces and a path; "+
				"delete the file to treat every imported page as changed by an editor", name, n, line)
		}
		record[path] = sum
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("reading import record: %w", err)
	}
	return record, nil
}

// writeRecord replaces the import record in dir, sorted by path.
func writeRecord(dir string, record map[string]string) error {
	var b bytes.Buffer
	for _, path := range slices.Sorted(maps.Keys(record)) {
		fmt.Fprintf(&b, "%s  %s\n", record[path], path)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, RecordName), b.Bytes())
}
