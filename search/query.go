package search

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/verbund/verbund/search/german"
)

// Limits on what a citizen may search for. Queries are built from plain
// text with bleve's query types; no query syntax of bleve's is ever
// passed through.
const (
	// MaxQueryBytes is the longest query text accepted.
	MaxQueryBytes = 200
	// MaxQueryWords is the number of words searched for; later words of a
	// longer query are ignored.
	MaxQueryWords = 8
	// minFuzzyBytes is the shortest word, folded, that typos are
	// tolerated in: one edit from this length, two from
	// minFuzzy2Bytes. Shorter words match too many others.
	minFuzzyBytes  = 6
	minFuzzy2Bytes = 9
	// fuzzyPrefix is the number of leading letters a word with a typo
	// must share with the indexed word. Two keep "anmelden" from
	// matching "abmelden" and keep bleve's term expansion small.
	fuzzyPrefix = 2
	// maxSynonyms bounds the alternatives searched for one word.
	maxSynonyms = 6
)

// Boosts of the fields and of the ways a word can match.
const (
	boostTitle    = 5.0
	boostKeywords = 3.0
	boostSummary  = 1.5
	boostText     = 1.0
	boostParts    = 0.6
	boostSynonym  = 0.8
	boostFuzzy    = 0.3
)

// weightedField is a field that words are searched in, with its boost.
type weightedField struct {
	name  string
	boost float64
}

// searchedFields are the fields a word is searched in.
var searchedFields = []weightedField{
	{fieldTitle, boostTitle},
	{fieldKeywords, boostKeywords},
	{fieldSummary, boostSummary},
	{fieldText, boostText},
}

// partFields are the short fields, where the parts of a compound query
// word are searched. In body texts the parts mostly belong to other
// words, as "sperr" and "zeit" to "Sperrmüll" and "Wartezeit".
var partFields = searchedFields[:3]

// QueryError is a query that the index rejects: too long, not valid
// UTF-8, too broad to run, or with an unknown site, category or page.
type QueryError struct {
	// Reason describes the problem, such as "not valid UTF-8".
	Reason string
	// Param is the request parameter at fault, such as "q" or "site",
	// and empty when the query string as a whole is malformed.
	Param string
}

// reasonTooBroad is the Reason of a query that expands to too many terms
// even without typos.
const reasonTooBroad = "too broad"

func (e *QueryError) Error() string { return "invalid query: " + e.Reason }

// errNoWords reports query text without a searchable word, such as "*"
// or only function words. Search returns an empty result for it.
var errNoWords = errors.New("query has no searchable word")

// queryPlan is the analysed query text.
type queryPlan struct {
	units []queryUnit
}

// queryUnit is a word of the query, or a phrase of up to three words
// that has synonyms.
type queryUnit struct {
	words []german.Word
	// typos[i] is true when words[i] is also searched with typos.
	typos        []bool
	alternatives [][]string
}

// checkQueryText returns a QueryError for text that is too long or not
// valid UTF-8.
func checkQueryText(text string) error {
	if len(text) > MaxQueryBytes {
		return &QueryError{Reason: fmt.Sprintf("longer than %d bytes", MaxQueryBytes), Param: "q"}
	}
	if !utf8.ValidString(text) {
		return &QueryError{Reason: "not valid UTF-8", Param: "q"}
	}
	return nil
}

// planQuery analyses text as the index analysed content and joins words
// that form a phrase of the synonym list.
func planQuery(text string, a *german.Analyzer, synonyms *german.Synonyms) (*queryPlan, error) {
	if err := checkQueryText(text); err != nil {
		return nil, err
	}
	var words []german.Word
	for _, w := range a.Words(text) {
		if !w.Stop && len(words) < MaxQueryWords {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return nil, errNoWords
	}
	plan := &queryPlan{}
	for i := 0; i < len(words); {
		n := max(longestSynonymPhrase(words[i:], synonyms), 1)
		unit := queryUnit{words: words[i : i+n], typos: make([]bool, n)}
		for j, w := range unit.words {
			unit.typos[j] = mayHaveTypo(w)
		}
		unit.alternatives = synonyms.Lookup(terms(unit.words))
		unit.alternatives = unit.alternatives[:min(len(unit.alternatives), maxSynonyms)]
		plan.units = append(plan.units, unit)
		i += n
	}
	return plan, nil
}

// mayHaveTypo reports whether w is long enough, and made of letters a to
// z only, to be searched with typos.
func mayHaveTypo(w german.Word) bool {
	return len(w.Folded) >= minFuzzyBytes && isWordOfLetters(w.Folded)
}

// longestSynonymPhrase returns the number of leading words that form the
// longest phrase with synonyms, or 0.
func longestSynonymPhrase(words []german.Word, synonyms *german.Synonyms) int {
	for n := min(len(words), synonyms.MaxWords()); n > 0; n-- {
		if synonyms.Lookup(terms(words[:n])) != nil {
			return n
		}
	}
	return 0
}

func terms(words []german.Word) []string {
	t := make([]string, len(words))
	for i, w := range words {
		t[i] = w.Term
	}
	return t
}

// query returns the bleve query of the plan for one partition: every
// unit must match when all is true, else any unit. Typos are tolerated
// when typos, the partition's vocabulary, is not nil.
func (p *queryPlan) query(all bool, typos vocabulary) query.Query {
	units := make([]query.Query, len(p.units))
	for i, u := range p.units {
		units[i] = u.query(typos)
	}
	if len(units) == 1 {
		return units[0]
	}
	if all {
		return query.NewConjunctionQuery(units)
	}
	return query.NewDisjunctionQuery(units)
}

// query returns the disjunction of the ways a unit can match: its words
// as written, its words' compound parts, its synonyms and, with typos,
// its words with a typo. Boosts are set on the leaf queries, because
// bleve's conjunction and disjunction queries ignore their own.
func (u queryUnit) query(typos vocabulary) query.Query {
	words := make([]query.Query, len(u.words))
	for i, w := range u.words {
		if u.typos[i] {
			words[i] = wordQuery(w, typos)
		} else {
			words[i] = wordQuery(w, nil)
		}
	}
	ways := []query.Query{allOf(words)}
	for _, alternative := range u.alternatives {
		ways = append(ways, termsQuery(alternative, boostSynonym))
	}
	return anyOf(ways)
}

// wordQuery returns the ways one word can match, with typos looked up
// in the vocabulary typos unless it is nil.
func wordQuery(w german.Word, typos vocabulary) query.Query {
	ways := []query.Query{termInFields(w.Term, searchedFields, 1)}
	if len(w.Parts) > 1 {
		ways = append(ways, partsQuery(w.Parts))
	}
	if typos != nil && mayHaveTypo(w) {
		// A fuzzy query on the stem misses typos in the word's ending,
		// which the stemmer would have removed ("baugenehmigunk" against
		// the stem "baugenehmig"). So the folded word is also searched in
		// fieldNames, which holds the unstemmed words of titles and
		// keywords.
		ways = append(ways, fuzzyQuery(typos, w.Folded, fieldNames, boostTitle*boostFuzzy))
		if len(w.Term) >= minFuzzyBytes {
			ways = append(ways, fuzzyInFields(typos, w.Term))
		}
	}
	return anyOf(ways)
}

// termsQuery returns a query that all terms match, each in any
// searched field.
func termsQuery(terms []string, boost float64) query.Query {
	qs := make([]query.Query, len(terms))
	for i, t := range terms {
		qs[i] = termInFields(t, searchedFields, boost)
	}
	return allOf(qs)
}

// partsQuery returns a query that all parts of a compound word match,
// each in any of partFields.
func partsQuery(parts []string) query.Query {
	qs := make([]query.Query, len(parts))
	for i, p := range parts {
		qs[i] = termInFields(p, partFields, boostParts)
	}
	return allOf(qs)
}

func termInFields(term string, fields []weightedField, boost float64) query.Query {
	qs := make([]query.Query, len(fields))
	for i, f := range fields {
		qs[i] = fieldTerm(term, f.name, f.boost*boost)
	}
	return query.NewDisjunctionQuery(qs)
}

func fieldTerm(term, field string, boost float64) query.Query {
	q := query.NewTermQuery(term)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

// fuzziness returns the edits a word may differ by from the indexed word.
func fuzziness(word string) int {
	if len(word) >= minFuzzy2Bytes {
		return 2
	}
	return 1
}

// fuzzyInFields returns a query for a stemmed term with a typo in the
// searched fields, which hold stems.
func fuzzyInFields(typos vocabulary, term string) query.Query {
	qs := make([]query.Query, len(searchedFields))
	for i, f := range searchedFields {
		qs[i] = fuzzyQuery(typos, term, f.name, f.boost*boostFuzzy)
	}
	return query.NewDisjunctionQuery(qs)
}

// filterQuery returns a query that matches documents whose field has
// value, without adding to their score.
func filterQuery(field, value string) query.Query {
	return fieldTerm(value, field, 0)
}

func allOf(qs []query.Query) query.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewConjunctionQuery(qs)
}

func anyOf(qs []query.Query) query.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}

func isWordOfLetters(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < 'a' || r > 'z' }) < 0
}
