// Package diag reports problems in the files a user edits. Each
// diagnostic names the file, line and column, what is wrong and how to
// fix it.
package diag

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Severity is the weight of a diagnostic: an Error stops the build.
type Severity int

const (
	// Error stops the build.
	Error Severity = iota
	// Warning is reported but lets the build go on.
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one problem at a position in a source file.
type Diagnostic struct {
	// File is the path of the file as the user gave it or as it sits
	// under the project folder.
	File string
	// Line and Column are 1-based; zero means unknown.
	Line, Column int
	Severity     Severity
	// Message is the problem, in lower case without a final period.
	Message string
	// Hint is the way to fix the problem, or empty.
	Hint string
	// ID is a stable identifier of the kind of problem, such as
	// "unknown-key", for filtering and CI annotations.
	ID string
}

// Position returns "file:line:column", leaving out the parts that are
// unknown.
func (d Diagnostic) Position() string {
	switch {
	case d.Line == 0:
		return d.File
	case d.Column == 0:
		return fmt.Sprintf("%s:%d", d.File, d.Line)
	}
	return fmt.Sprintf("%s:%d:%d", d.File, d.Line, d.Column)
}

func (d Diagnostic) Error() string {
	var b strings.Builder
	b.WriteString(d.Position())
	b.WriteString(": ")
	if d.Severity == Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(d.Message)
	if d.Hint != "" {
		b.WriteString(" (")
		b.WriteString(d.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// List collects diagnostics. The zero value is ready to use; it is not
// safe for concurrent use.
type List []Diagnostic

// Add appends ds.
func (l *List) Add(ds ...Diagnostic) { *l = append(*l, ds...) }

// Errorf appends an error at file:line:column.
func (l *List) Errorf(file string, line, col int, id, hint, format string, args ...any) {
	l.Add(Diagnostic{File: file, Line: line, Column: col, ID: id, Hint: hint,
		Message: fmt.Sprintf(format, args...)})
}

// Warnf appends a warning at file:line:column.
func (l *List) Warnf(file string, line, col int, id, hint, format string, args ...any) {
	l.Add(Diagnostic{File: file, Line: line, Column: col, ID: id, Hint: hint,
		Severity: Warning, Message: fmt.Sprintf(format, args...)})
}

// Errors returns the diagnostics of severity Error.
func (l List) Errors() List {
	return l.filter(Error)
}

// Warnings returns the diagnostics of severity Warning.
func (l List) Warnings() List {
	return l.filter(Warning)
}

func (l List) filter(s Severity) List {
	var out List
	for _, d := range l {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

// Sort orders the list by file, line and column, so reports are the
// same however the work was scheduled.
func (l List) Sort() {
	slices.SortStableFunc(l, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// Err returns the errors of l as one error, or nil if there are none.
func (l List) Err() error {
	errs := l.Errors()
	if len(errs) == 0 {
		return nil
	}
	errs.Sort()
	// A problem of a base text is found once for every portal that
	// shows it, and reported once.
	errs = slices.Compact(errs)
	return &Errors{List: errs}
}

// Errors is the error of a build or load that found problems. It lists
// every error found, one per line.
type Errors struct {
	List List
}

func (e *Errors) Error() string {
	var b strings.Builder
	for i, d := range e.List {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.Error())
	}
	return b.String()
}

// AsList returns the diagnostics of err if it is or wraps an *Errors or a
// Diagnostic.
func AsList(err error) (List, bool) {
	var es *Errors
	if errors.As(err, &es) {
		return es.List, true
	}
	var d Diagnostic
	if errors.As(err, &d) {
		return List{d}, true
	}
	return nil, false
}
