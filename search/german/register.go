package german

import (
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// Names under which Register adds the analyzers to bleve's registry.
const (
	// AnalyzerName is the analyzer of text fields: folded, stemmed words,
	// stop words removed, compound parts added at the compound's position.
	AnalyzerName = "verbund_de"
	// PrefixAnalyzerName is the analyzer of fields matched by prefix:
	// folded words and compound parts, not stemmed, so that the start of
	// what a citizen types matches.
	PrefixAnalyzerName = "verbund_de_prefix"
)

type analyzers struct {
	index, prefix *Analyzer
}

var defaultAnalyzers = sync.OnceValue(func() analyzers {
	return analyzers{
		index:  NewAnalyzer(DefaultDecompounder(), true),
		prefix: NewAnalyzer(DefaultDecompounder(), false),
	}
})

var registerOnce = sync.OnceValue(func() error {
	index, prefix := defaultAnalyzers().index, defaultAnalyzers().prefix
	err := registry.RegisterAnalyzer(AnalyzerName,
		func(map[string]interface{}, *registry.Cache) (analysis.Analyzer, error) {
			return index, nil
		})
	if err != nil {
		return err
	}
	return registry.RegisterAnalyzer(PrefixAnalyzerName,
		func(map[string]interface{}, *registry.Cache) (analysis.Analyzer, error) {
			return prefix, nil
		})
})

// Register adds the analyzers AnalyzerName and PrefixAnalyzerName to
// bleve's registry. Call it before creating or opening an index whose
// mapping names them; calls after the first return the first one's
// result.
func Register() error {
	return registerOnce()
}

// IndexAnalyzer returns the analyzer registered as AnalyzerName, for
// analysing query text the way the index analysed content.
func IndexAnalyzer() *Analyzer { return defaultAnalyzers().index }

// PrefixAnalyzer returns the analyzer registered as PrefixAnalyzerName.
func PrefixAnalyzer() *Analyzer { return defaultAnalyzers().prefix }
