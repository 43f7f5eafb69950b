// Package cli implements the verbund command line: it parses arguments,
// runs the requested command and turns its outcome into an exit code.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is the process environment every command gets: output streams
// and the logger.
type env struct {
	stdout, stderr io.Writer
	log            *slog.Logger
	verbose        bool
}

var commands = []command{
	{"build", "build every portal of the federation into the output folder", runBuild},
	{"import", "convert another system's export into content (import dldb ...)", runImport},
	{"auth", "serve the citizen account service", runAuth},
	{"check", "run every content check without writing output", runCheck},
	{"new", "write a new service page or site (new service, new site)", runNew},
	{"serve", "preview every portal locally and rebuild on changes", runServe},
	{"search", "serve the federation's search endpoint", runSearch},
	{"diff", "list the files to upload and delete between two builds", runDiff},
}

// errUsage marks an error in the arguments; the message has been printed.
var errUsage = errors.New("invalid arguments")

// errFound marks a command that reported problems it found and only needs
// a non-zero exit code.
var errFound = errors.New("problems found")

// Main runs the command line args (without the program name) and returns
// the process's exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	global := flag.NewFlagSet("verbund", flag.ContinueOnError)
	global.SetOutput(stderr)
	verbose := global.Bool("v", false, "print debug logs")
	global.Usage = func() { usage(stderr) }
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	rest := global.Args()
	if len(rest) == 0 {
		usage(stderr)
		return exitUsage
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	e := &env{
		stdout: stdout, stderr: stderr, verbose: *verbose,
		log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})),
	}
	for _, c := range commands {
		if c.name != rest[0] {
			continue
		}
		err := c.run(ctx, e, rest[1:])
		switch {
		case err == nil, errors.Is(err, flag.ErrHelp):
			return exitOK
		case errors.Is(err, errUsage):
			return exitUsage
		case errors.Is(err, errFound):
			return exitError
		}
		fmt.Fprintf(stderr, "verbund %s: %v\n", c.name, err)
		return exitError
	}
	fmt.Fprintf(stderr, "verbund: unknown command %q\n", rest[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: verbund [-v] <command> [flags]")
	fmt.Fprintln(w, "\nCommands:")
	cs := append([]command(nil), commands...)
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'verbund <command> -h' for the flags of a command.")
}

// newFlags returns a flag set for a subcommand that prints its usage to
// the command's error output.
func newFlags(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: verbund %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args and rejects arguments left over.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		fs.Usage()
		return errUsage
	}
	return nil
}

// debugLog returns the logger when -v is set, else nil, for commands
// whose normal output is a report rather than progress.
func (e *env) debugLog() *slog.Logger {
	if e.verbose {
		return e.log
	}
	return nil
}

// flagError returns flag.ErrHelp when err is a request for help, which
// the flag set has printed, and errUsage for invalid flags.
func flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return flag.ErrHelp
	}
	return errUsage
}

// isHelp reports whether arg requests help.
func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help"
}
