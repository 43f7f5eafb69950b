package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/verbund/verbund/diag"
	"github.com/verbund/verbund/generator"
)

// checkReport is the JSON output of verbund check.
type checkReport struct {
	Errors      int              `json:"errors"`
	Warnings    int              `json:"warnings"`
	Diagnostics []jsonDiagnostic `json:"diagnostics"`
}

type jsonDiagnostic struct {
	File     string `json:"file"`
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
	Severity string `json:"severity"`
	ID       string `json:"id"`
	Message  string `json:"message"`
	Hint     string `json:"hint,omitempty"`
}

func runCheck(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "check", "check [-config sites.toml] [-format text|json] [-review-days N]")
	config := fs.String("config", "sites.toml", "path of the federation's `sites.toml`")
	format := fs.String("format", "text", "output `format`: text for people, json for CI annotations")
	reviewDays := fs.Int("review-days", 365, "warn about services last reviewed more than `N` days ago; 0 turns it off")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		fs.Usage()
		return errUsage
	}

	res, err := generator.Build(ctx, generator.Options{
		ConfigPath:   *config,
		DryRun:       true,
		ReviewMaxAge: time.Duration(*reviewDays) * 24 * time.Hour,
		Logger:       e.debugLog(),
	})
	var all diag.List
	if err != nil {
		list, ok := diag.AsList(err)
		if !ok {
			return err
		}
		all = append(all, list...)
	}
	if res != nil {
		all = append(all, res.Warnings...)
	}
	all.Sort()
	errs := len(all.Errors())

	if *format == "json" {
		report := checkReport{Errors: errs, Warnings: len(all) - errs, Diagnostics: []jsonDiagnostic{}}
		for _, d := range all {
			report.Diagnostics = append(report.Diagnostics, jsonDiagnostic{
				File: d.File, Line: d.Line, Column: d.Column, Severity: d.Severity.String(),
				ID: d.ID, Message: d.Message, Hint: d.Hint,
			})
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			return err
		}
	} else {
		for _, d := range all {
			fmt.Fprintln(e.stdout, d.Error())
		}
		fmt.Fprintf(e.stdout, "%s, %s\n", count(errs, "error"), count(len(all)-errs, "warning"))
	}
	if errs > 0 {
		return errFound
	}
	return nil
}
