package dldb

import (
	"regexp"
	"strings"
)

// leikaKey matches a key of the LeiKa, the German federal catalogue of
// administrative services: 14 digits starting with 99.
var leikaKey = regexp.MustCompile(`^99[0-9]{12}$`)

// parseLeika splits the leika field of a service, which holds one key or
// several separated by commas or semicolons. It returns the valid keys
// without repeats and, separately, the entries that are not LeiKa keys.
func parseLeika(field string) (keys, invalid []string) {
	entries := strings.FieldsFunc(field, func(r rune) bool {
		return r == ',' || r == ';'
	})
	seen := make(map[string]bool)
	for _, entry := range entries {
		entry = cleanText(entry)
		switch {
		case entry == "" || seen[entry]:
			continue
		case leikaKey.MatchString(entry):
			keys = append(keys, entry)
		default:
			invalid = append(invalid, entry)
		}
		seen[entry] = true
	}
	return keys, invalid
}
