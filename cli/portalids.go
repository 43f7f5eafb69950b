package cli

import (
	"fmt"
	"strings"
)

// portalIDs is the value of a flag that takes portal ids separated by
// commas, such as -site of build and -remove of diff. Each use of the
// flag adds its ids.
type portalIDs []string

func (l *portalIDs) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(*l, ",")
}

// Set adds the ids of one use of the flag, as splitPortalIDs splits them.
func (l *portalIDs) Set(value string) error {
	ids, err := splitPortalIDs(value)
	if err != nil {
		return err
	}
	*l = append(*l, ids...)
	return nil
}

// splitPortalIDs returns the ids of a comma-separated list, with the
// spaces around each id removed. It rejects an empty list and an empty
// id, as in "", "lingen,,haren" or "lingen,". A list that lost an id,
// such as one built from an unset variable, must not pass for a shorter
// one, and for build, no id at all would mean every portal.
func splitPortalIDs(value string) ([]string, error) {
	const fix = "write portal ids separated by commas, such as lingen,haren"
	if strings.TrimSpace(value) == "" {
		return nil, fmt.Errorf("no portal id: %s", fix)
	}
	ids := strings.Split(value, ",")
	for i, id := range ids {
		ids[i] = strings.TrimSpace(id)
		if ids[i] == "" {
			return nil, fmt.Errorf("empty portal id at position %d of %d: %s", i+1, len(ids), fix)
		}
	}
	return ids, nil
}
