// Command gencorpus writes a large, deterministic federation of municipal
// portals for benchmarks: a county and its member communes with base
// texts, commune pages, standalone pages, offices and free pages. With
// -hugo it also writes the same content as one Hugo site, so the two
// generators can be timed on the same work.
//
// Usage:
//
//	go run ./bench/gencorpus -pages 10000 -out bench/out/10000/verbund -hugo bench/out/10000/hugo
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"
)

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(os.Args[1:], os.Stderr, log); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			log.Error("generating corpus failed", "err", err)
		}
		os.Exit(1)
	}
}

// run parses the arguments, plans the federation and writes it.
func run(args []string, stderr io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("gencorpus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	opt := options{}
	fs.IntVar(&opt.Pages, "pages", 10000, "number of service pages over all portals")
	fs.IntVar(&opt.Bases, "bases", 600, "number of base texts in content/_shared/services")
	fs.Float64Var(&opt.Standalone, "standalone", 0.2,
		"share of a commune's service pages without a base text, from 0 to 1; it grows where a commune has more pages than base texts")
	fs.Uint64Var(&opt.Seed, "seed", 1, "seed of the random generator; the same seed writes the same corpus")
	out := fs.String("out", "", "folder for the verbund project (sites.toml, content/, themes/); required")
	hugoDir := fs.String("hugo", "", "folder for the same federation as a Hugo site; none when empty")
	communes := fs.String("communes", "",
		"CSV municipality register with the columns ebene, ags, ars, name, verband and plz; a made-up county when empty")
	theme := fs.String("theme", "themes/default", "verbund theme folder to copy into the project")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("invalid arguments: -out is required and no other arguments are allowed")
	}

	start := time.Now()
	admins := madeUpCommunes()
	if *communes != "" {
		var err error
		if admins, err = readCommunes(*communes); err != nil {
			return err
		}
	}
	plan, err := planFederation(opt, admins)
	if err != nil {
		return err
	}
	logMix(log, plan)

	if err := prepareDir(*out); err != nil {
		return err
	}
	if err := writeVerbund(plan, *out, *theme); err != nil {
		return err
	}
	if *hugoDir != "" {
		if err := prepareDir(*hugoDir); err != nil {
			return err
		}
		if err := writeHugo(plan, *hugoDir, *theme); err != nil {
			return fmt.Errorf("writing the Hugo site: %w", err)
		}
	}
	log.Info("corpus written", "verbund", *out, "hugo", *hugoDir,
		"duration", time.Since(start).Round(time.Millisecond))
	return nil
}

// logMix logs how the service pages divide into kinds.
func logMix(log *slog.Logger, f *federationPlan) {
	extending, standalone, offered, county := 0, 0, 0, 0
	for _, s := range f.Sites {
		offered += len(s.Offered)
		for _, svc := range s.Services {
			if svc.Base != nil {
				extending++
			} else {
				standalone++
			}
		}
	}
	for _, b := range f.Bases {
		if b.Tier == "kreis" {
			county++
		}
	}
	total := f.servicePages()
	log.Info("federation planned", "portals", len(f.Sites), "service_pages", total,
		"base_texts", len(f.Bases), "county_tier", county,
		"extending", extending, "offered", offered, "standalone", standalone,
		"standalone_share", fmt.Sprintf("%.2f", float64(standalone)/float64(total)))
}
