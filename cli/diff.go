package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/verbund/verbund/publish"
)

const diffSynopsis = "diff [-format text|json] [-remove IDS] OLD NEW"

func runDiff(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "diff", diffSynopsis)
	format := fs.String("format", "text", "output `format`: text for people, json for scripts")
	var removed portalIDs
	fs.Var(&removed, "remove",
		"comma-separated `IDs` of portals that left the federation: list every file of theirs for deletion "+
			"instead of failing because NEW lacks them. Spaces around an id are ignored and an empty id is an error. "+
			"Repeat the flag to add portals")
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	if problem := diffArgsProblem(fs.Args(), *format); problem != "" {
		fmt.Fprintln(e.stderr, problem)
		fs.Usage()
		return errUsage
	}
	oldDir, newDir := fs.Arg(0), fs.Arg(1)
	if _, err := os.Stat(oldDir); errors.Is(err, os.ErrNotExist) {
		// A mistyped folder or an expired CI cache looks like a first
		// publication, which uploads everything and deletes nothing.
		fmt.Fprintf(e.stderr, "verbund diff: %s does not exist, so every file counts as new and none as deleted. "+
			"That is right for the first publication only.\n", oldDir)
	}
	old, err := publish.ReadManifests(oldDir)
	if err != nil {
		return err
	}
	cur, err := publish.ReadManifests(newDir)
	if err != nil {
		return err
	}
	if len(cur) == 0 {
		return fmt.Errorf("no build in %s: run verbund build first", newDir)
	}
	for _, id := range removed {
		if cur[id] != nil {
			return fmt.Errorf("-remove names %s, but %s has a build of it: name only portals that left the federation",
				id, newDir)
		}
		if old[id] == nil {
			// A portal removed by an earlier run is gone from both
			// builds, so a -remove left in place lists nothing.
			fmt.Fprintf(e.stderr, "verbund diff: -remove names %s, but %s has no build of it either, so it lists nothing. "+
				"Check the id, or drop it once the portal's files are deleted.\n", id, oldDir)
		}
	}
	if missing := unconfirmedRemovals(old, cur, removed); len(missing) > 0 {
		reportMissingSites(e, oldDir, newDir, missing)
		return errFound
	}

	changes := publish.Diff(old, cur)
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"sites": changes})
	}
	printChanges(e, changes)
	return nil
}

// diffArgsProblem returns a one-line description of what is wrong with
// the arguments left after the flags, or "" when they are valid.
func diffArgsProblem(args []string, format string) string {
	// The flag package stops at the first folder, so a flag after the
	// folders arrives here as an argument.
	for _, a := range args {
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			return fmt.Sprintf("flag %s after a folder: put every flag before OLD and NEW", a)
		}
	}
	if len(args) != 2 {
		return fmt.Sprintf("expected 2 folders, OLD and NEW, got %d", len(args))
	}
	for i, name := range []string{"OLD", "NEW"} {
		if args[i] == "" {
			return fmt.Sprintf("%s is an empty string: give a folder, such as previous/ or public/ (is a variable unset?)", name)
		}
	}
	if format != "text" && format != "json" {
		return fmt.Sprintf("invalid -format %q: use text or json", format)
	}
	return ""
}

// unconfirmedRemovals returns the sorted IDs of the portals that the old
// build has, the new one lacks and removed does not name.
func unconfirmedRemovals(old, cur map[string]*publish.Manifest, removed []string) []string {
	var ids []string
	for _, id := range publish.MissingSites(old, cur) {
		if !slices.Contains(removed, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// reportMissingSites prints to the error output why diff lists no
// changes when the new build lacks portals of the old one.
func reportMissingSites(e *env, oldDir, newDir string, missing []string) {
	noun := "portals"
	if len(missing) == 1 {
		noun = "a portal"
	}
	fmt.Fprintf(e.stderr, "verbund diff: %s lacks %s that %s has: %s\n",
		newDir, noun, oldDir, strings.Join(missing, ", "))
	fmt.Fprintf(e.stderr, "If they left the federation, run again with -remove %s to list every file of theirs for deletion.\n",
		strings.Join(missing, ","))
	fmt.Fprintf(e.stderr, "Otherwise the build in %s is incomplete: build every portal "+
		"(in CI, merge the output of every build job) and compare again.\n", newDir)
}

func printChanges(e *env, changes []publish.Change) {
	for _, c := range changes {
		switch {
		case c.Removed:
			fmt.Fprintf(e.stdout, "%s: removed from the federation, delete %d files\n", c.Site, len(c.Delete))
		case len(c.Upload) == 0 && len(c.Delete) == 0:
			fmt.Fprintf(e.stdout, "%s: unchanged (%d files)\n", c.Site, c.Unchanged)
			continue
		default:
			fmt.Fprintf(e.stdout, "%s: upload %d, delete %d, unchanged %d\n",
				c.Site, len(c.Upload), len(c.Delete), c.Unchanged)
		}
		for _, p := range c.Upload {
			fmt.Fprintf(e.stdout, "  upload %s\n", p)
		}
		for _, p := range c.Delete {
			fmt.Fprintf(e.stdout, "  delete %s\n", p)
		}
	}
}
