package german

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"sync"
)

//go:embed synonyms.txt
var defaultSynonyms string

// maxSynonymWords is the maximum number of words of an entry of a
// synonym list.
const maxSynonymWords = 3

// Synonyms maps words and short phrases to the words a search for them
// also looks for. It is safe for concurrent use once parsed.
type Synonyms struct {
	// alternatives maps the space-separated terms of a phrase to the
	// terms of each alternative.
	alternatives map[string][][]string
	maxWords     int
}

// ParseSynonyms reads a synonym list in the format of synonyms.txt and
// analyses its words with a.
func ParseSynonyms(r io.Reader, a *Analyzer) (*Synonyms, error) {
	s := &Synonyms{alternatives: map[string][][]string{}}
	scanner := bufio.NewScanner(r)
	line := 0
	for scanner.Scan() {
		line++
		text := strings.TrimSpace(scanner.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if err := s.parseLine(text, a); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("reading synonyms: %w", err)
	}
	return s, nil
}

func (s *Synonyms) parseLine(text string, a *Analyzer) error {
	from, to, oneWay := strings.Cut(text, "=>")
	if !oneWay {
		to = from
	}
	sources, err := phrases(from, a)
	if err != nil {
		return err
	}
	targets, err := phrases(to, a)
	if err != nil {
		return err
	}
	if !oneWay && len(sources) < 2 {
		return fmt.Errorf("invalid entry %q: want two or more phrases separated by commas, or a => b", text)
	}
	for _, source := range sources {
		key := strings.Join(source, " ")
		for _, target := range targets {
			s.add(key, target)
		}
		s.maxWords = max(s.maxWords, len(source))
	}
	return nil
}

func (s *Synonyms) add(key string, target []string) {
	if strings.Join(target, " ") == key {
		return
	}
	for _, existing := range s.alternatives[key] {
		if strings.Join(existing, " ") == strings.Join(target, " ") {
			return
		}
	}
	s.alternatives[key] = append(s.alternatives[key], target)
}

// phrases returns the terms of each comma-separated phrase of list.
func phrases(list string, a *Analyzer) ([][]string, error) {
	var result [][]string
	for _, phrase := range strings.Split(list, ",") {
		var terms []string
		for _, w := range a.Words(phrase) {
			if !w.Stop {
				terms = append(terms, w.Term)
			}
		}
		switch {
		case len(terms) == 0:
			return nil, fmt.Errorf("invalid phrase %q: no searchable word", strings.TrimSpace(phrase))
		case len(terms) > maxSynonymWords:
			return nil, fmt.Errorf("invalid phrase %q: more than %d words", strings.TrimSpace(phrase), maxSynonymWords)
		}
		result = append(result, terms)
	}
	return result, nil
}

// Lookup returns the alternatives of the phrase made of terms, each as
// its terms, or nil.
func (s *Synonyms) Lookup(terms []string) [][]string {
	return s.alternatives[strings.Join(terms, " ")]
}

// MaxWords returns the number of words of the longest phrase that has
// alternatives.
func (s *Synonyms) MaxWords() int { return s.maxWords }

// DefaultSynonyms returns the synonym list that ships with the package
// (synonyms.txt), analysed with IndexAnalyzer.
var DefaultSynonyms = sync.OnceValue(func() *Synonyms {
	s, err := ParseSynonyms(strings.NewReader(defaultSynonyms), IndexAnalyzer())
	if err != nil {
		// The list is embedded at compile time and checked by a test.
		panic(fmt.Sprintf("german: embedded synonyms.txt: %v", err))
	}
	return s
})
