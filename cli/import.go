package cli

import (
	"context"
	"fmt"
)

func runImport(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "dldb" {
		fmt.Fprintln(e.stderr, "Usage: verbund import dldb --services FILE --locations FILE --site ID --out DIR")
		return errUsage
	}
	return runImportDLDB(ctx, e, args[1:])
}

func runImportDLDB(ctx context.Context, e *env, args []string) error {
	return fmt.Errorf("not wired yet")
}
