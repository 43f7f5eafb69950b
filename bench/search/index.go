package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/verbund/verbund/generator"
	"github.com/verbund/verbund/search"
	"github.com/verbund/verbund/search/german"
)

// The layout and field names of the index folder that search.Build
// writes. The search package keeps them unexported, and the tests of this
// command fail when they change.
const (
	// partitionDir is the folder of the bleve indexes, part-0 and so on,
	// and of federationFile.
	partitionDir   = "index"
	partitionName  = "part-"
	federationFile = "federation.json"

	fieldTitle    = "title"
	fieldText     = "text"
	fieldCategory = "category"
	// fieldSites has the portals that offer a document, one term each,
	// so a facet on it counts documents per portal. A facet on the field
	// "site" would count nothing, because that field is stored only.
	fieldSites = "sites"
	// suggestionIDPrefix starts the IDs of the suggestion documents,
	// whose stored fields fieldLabel and fieldWeight are a title or
	// keyword and how many pages use it.
	suggestionIDPrefix = "suggest:"
	fieldLabel         = "label"
	fieldWeight        = "weight"
	// maxSuggestionDocs bounds the suggestion documents read.
	maxSuggestionDocs = 100_000
)

// bareResultSize is the number of hits of a bare bleve query, a page of
// the endpoint.
const bareResultSize = search.PageSize

// buildFederation builds the federation of opts.config into dir and
// returns the search index folder of the output.
func buildFederation(ctx context.Context, opts options, dir string, log *slog.Logger) (string, error) {
	log.Info("building federation", "config", opts.config)
	res, err := generator.Build(ctx, generator.Options{
		ConfigPath: opts.config,
		ThemeDir:   opts.theme,
		OutputDir:  filepath.Join(dir, "public"),
		Logger:     log,
	})
	if err != nil {
		return "", fmt.Errorf("building %s: %w", opts.config, err)
	}
	return filepath.Join(res.Output, generator.IndexDir), nil
}

// federation is the part of federationFile that the benchmark reads.
type federation struct {
	Sites      []search.Site     `json:"sites"`
	Categories []search.Category `json:"categories"`
	Partitions int               `json:"partitions"`
}

func readFederation(indexDir string) (federation, error) {
	var f federation
	path := filepath.Join(indexDir, partitionDir, federationFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return f, fmt.Errorf("reading the index's federation: %w (-index takes the _search folder of a build's output)", err)
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return f, fmt.Errorf("decoding %s: %w", path, err)
	}
	if len(f.Sites) == 0 || f.Partitions < 1 {
		return f, fmt.Errorf("%s: want sites and at least one partition", path)
	}
	return f, nil
}

// bareIndex is the index folder opened with bleve alone, its partitions
// searched as one through an alias, as the search package does.
type bareIndex struct {
	bleve      bleve.Index
	partitions []bleve.Index
}

func openBare(indexDir string, partitions int) (*bareIndex, error) {
	// The mapping names the German analyzers, which match queries use.
	if err := german.Register(); err != nil {
		return nil, fmt.Errorf("registering the German analyzers: %w", err)
	}
	b := &bareIndex{}
	for i := range partitions {
		path := filepath.Join(indexDir, partitionDir, partitionName+strconv.Itoa(i))
		p, err := bleve.OpenUsing(path, map[string]any{"read_only": true})
		if err != nil {
			b.Close()
			return nil, fmt.Errorf("opening %s with bleve: %w", path, err)
		}
		b.partitions = append(b.partitions, p)
	}
	b.bleve = b.partitions[0]
	if len(b.partitions) > 1 {
		b.bleve = bleve.NewIndexAlias(b.partitions...)
	}
	return b, nil
}

// Close closes the alias, if any, and every partition.
func (b *bareIndex) Close() error {
	var errs []error
	if len(b.partitions) > 1 {
		errs = append(errs, b.bleve.Close())
	}
	for _, p := range b.partitions {
		errs = append(errs, p.Close())
	}
	return errors.Join(errs...)
}

// bareRequest returns the bleve request for r: the text as a match query
// on the title and text fields, restricted to r.Category when set, with
// a facet on the portals, size 10. It ignores r.Site, which changes only
// the endpoint's ranking.
func bareRequest(r search.Request, sites int) *bleve.SearchRequest {
	title := bleve.NewMatchQuery(r.Query)
	title.SetField(fieldTitle)
	text := bleve.NewMatchQuery(r.Query)
	text.SetField(fieldText)
	var q query.Query = bleve.NewDisjunctionQuery(title, text)
	if r.Category != "" {
		category := bleve.NewTermQuery(r.Category)
		category.SetField(fieldCategory)
		q = bleve.NewConjunctionQuery(q, category)
	}
	req := bleve.NewSearchRequestOptions(q, bareResultSize, 0, false)
	req.AddFacet("site", bleve.NewFacetRequest(fieldSites, sites))
	return req
}

// bareSearcher runs requests as bare bleve queries. It implements
// searchtest.Searcher.
type bareSearcher struct {
	index *bareIndex
	sites int
}

// Search runs r and returns a Result with only Total set, to the number
// of matching documents.
func (s bareSearcher) Search(ctx context.Context, r search.Request) (*search.Result, error) {
	res, err := s.index.bleve.SearchInContext(ctx, bareRequest(r, s.sites))
	if err != nil {
		return nil, fmt.Errorf("searching with bleve: %w", err)
	}
	return &search.Result{Query: r.Query, Total: int(res.Total)}, nil
}
