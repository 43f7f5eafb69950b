package search

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/verbund/verbund/search/german"
)

// Document types of the index.
const (
	// typeService is a base text or a page of a portal.
	typeService = "service"
	// typeSuggestion is a title or keyword offered as the citizen types.
	typeSuggestion = "suggestion"
)

// Fields of the index. Fields that only serve display are stored and not
// indexed. Fields that are searched are indexed and not stored, except
// text, which is also a snippet source. No field keeps term vectors,
// because snippets mark matches by analysing the stored text again.
const (
	fieldName     = "name"     // stored: title to display
	fieldTitle    = "title"    // indexed
	fieldKeywords = "keywords" // indexed
	fieldNames    = "names"    // indexed unstemmed: title and keywords
	fieldSummary  = "summary"  // indexed
	fieldAbstract = "abstract" // stored: the summary, a snippet source
	fieldText     = "text"     // indexed and stored
	fieldSite     = "site"     // stored: a page's portal
	fieldSites    = "sites"    // indexed: portals that offer the service
	fieldSiteList = "sitelist" // doc values: the sites, space-separated
	fieldOffers   = "offers"   // stored: "site url" of each offering page
	fieldURL      = "url"      // stored
	fieldCategory = "category" // indexed, doc values
	fieldGroup    = "group"    // doc values: key that groups one service's hits
	fieldKind     = "kind"     // stored: service, office or page
	fieldSuggest  = "suggest"  // indexed with the prefix analyzer
	fieldLabel    = "label"    // stored: suggestion text
	fieldWeight   = "weight"   // stored: suggestion rank
)

// newMapping returns the index mapping: two static document types, no
// catch-all field, no doc values, BM25 scoring.
func newMapping() (*mapping.IndexMappingImpl, error) {
	if err := german.Register(); err != nil {
		return nil, fmt.Errorf("registering analyzers: %w", err)
	}
	m := bleve.NewIndexMapping()
	m.DefaultAnalyzer = german.AnalyzerName
	m.ScoringModel = index.BM25Scoring
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false
	m.DefaultMapping = bleve.NewDocumentDisabledMapping()

	service := staticMapping()
	service.AddFieldMappingsAt(fieldName, storedText())
	service.AddFieldMappingsAt(fieldTitle, searchedText(german.AnalyzerName))
	service.AddFieldMappingsAt(fieldKeywords, searchedText(german.AnalyzerName))
	service.AddFieldMappingsAt(fieldNames, searchedText(german.PrefixAnalyzerName))
	service.AddFieldMappingsAt(fieldSummary, searchedText(german.AnalyzerName))
	service.AddFieldMappingsAt(fieldAbstract, storedText())
	text := searchedText(german.AnalyzerName)
	text.Store = true
	service.AddFieldMappingsAt(fieldText, text)
	service.AddFieldMappingsAt(fieldSite, storedText())
	service.AddFieldMappingsAt(fieldSites, searchedText(keyword.Name))
	service.AddFieldMappingsAt(fieldSiteList, docValuesKeyword())
	service.AddFieldMappingsAt(fieldOffers, storedText())
	service.AddFieldMappingsAt(fieldURL, storedText())
	service.AddFieldMappingsAt(fieldCategory, docValuesKeyword())
	service.AddFieldMappingsAt(fieldGroup, docValuesKeyword())
	service.AddFieldMappingsAt(fieldKind, storedText())
	m.AddDocumentMapping(typeService, service)

	suggestion := staticMapping()
	suggestion.AddFieldMappingsAt(fieldSuggest, searchedText(german.PrefixAnalyzerName))
	suggestion.AddFieldMappingsAt(fieldLabel, storedText())
	weight := bleve.NewNumericFieldMapping()
	weight.Index = false
	weight.Store = true
	weight.IncludeInAll = false
	weight.DocValues = false
	suggestion.AddFieldMappingsAt(fieldWeight, weight)
	m.AddDocumentMapping(typeSuggestion, suggestion)

	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("validating index mapping: %w", err)
	}
	return m, nil
}

// staticMapping returns a document mapping that indexes only the fields
// added to it and has no catch-all _all field.
func staticMapping() *mapping.DocumentMapping {
	d := bleve.NewDocumentStaticMapping()
	d.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	return d
}

func searchedText(analyzer string) *mapping.FieldMapping {
	f := bleve.NewTextFieldMapping()
	f.Analyzer = analyzer
	f.Store = false
	f.IncludeTermVectors = false
	f.IncludeInAll = false
	f.DocValues = false
	return f
}

// docValuesKeyword returns the mapping of a single-term field whose value
// a search returns as a sort value, read from doc values, without
// loading the stored document.
func docValuesKeyword() *mapping.FieldMapping {
	f := searchedText(keyword.Name)
	f.DocValues = true
	return f
}

func storedText() *mapping.FieldMapping {
	f := bleve.NewTextFieldMapping()
	f.Analyzer = keyword.Name
	f.Index = false
	f.Store = true
	f.IncludeTermVectors = false
	f.IncludeInAll = false
	f.DocValues = false
	return f
}
