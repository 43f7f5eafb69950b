package main

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/verbund/verbund/search"
)

// hostileRepeats is the number of times each hostile input is sent.
const hostileRepeats = 20

// hostileInput is query text that must not be read as query syntax or
// break the endpoint.
type hostileInput struct {
	// name is the input as the report shows it.
	name string
	text string
}

func hostileInputs() []hostileInput {
	return []hostileInput{
		{name: "`*`", text: "*"},
		{name: "`/.*/`", text: "/.*/"},
		{name: "`a~2 b~2 c~2`", text: "a~2 b~2 c~2"},
		{name: "10 KB of text", text: longText(10 * 1024)},
		{name: "invalid UTF-8", text: "reise\xff\xfepass"},
		{name: "empty query", text: ""},
	}
}

// longText returns n bytes of German words.
func longText(n int) string {
	const words = "antrag hundesteuer meldebescheinigung reisepass wohnsitz "
	return strings.Repeat(words, n/len(words)+1)[:n]
}

// hostileOutcome is the endpoint's responses to one input.
type hostileOutcome struct {
	input hostileInput
	// statuses counts the responses by HTTP status. Status 0 counts
	// requests that failed without a response.
	statuses   map[int]int
	maxLatency time.Duration
	// notes describes the accepted responses that have results.
	notes []string
	// failures describes each kind of response that breaks the rule of
	// judgeResponse.
	failures []string
}

// plainWords returns s with every character but letters, digits and
// spaces replaced by a space: the words of s with no query syntax.
func plainWords(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return ' '
	}, s)
}

// judgeResponse decides whether the endpoint handled hostile input well.
// It did if it rejected the input with 400, or with 414 for a query
// string over the endpoint's 2 KiB bound, or returned 200 with no
// results. A 200 with results is right only when the plain words of the
// input, searched alone, give the same hits. Then the endpoint read
// "a~2" as the words "a" and "2", not as fuzzy syntax. The function
// plain searches the plain words. judgeResponse returns a note for an
// accepted response with results, or the reason of a failure.
func judgeResponse(status int, res *search.Result, text string, plain func(string) (*search.Result, error)) (note, failure string) {
	switch {
	case status == http.StatusBadRequest, status == http.StatusRequestURITooLong:
		return "", ""
	case status != http.StatusOK || res == nil:
		return "", fmt.Sprintf("status %d", status)
	case res.Total == 0 && len(res.Hits) == 0:
		return "", ""
	}
	words := plainWords(text)
	if words == text {
		return "", fmt.Sprintf("200 with %d results", res.Total)
	}
	want, err := plain(words)
	if err != nil {
		return "", fmt.Sprintf("200 with %d results; searching the plain words: %v", res.Total, err)
	}
	if !sameHits(res, want) {
		return "", fmt.Sprintf("200 with %d results, where the plain words %q give %d", res.Total, words, want.Total)
	}
	return fmt.Sprintf("the same hits as %q (%d)", words, res.Total), ""
}

// sameHits reports whether a and b have the same total and the same
// hits in the same order.
func sameHits(a, b *search.Result) bool {
	if a.Total != b.Total || len(a.Hits) != len(b.Hits) {
		return false
	}
	for i := range a.Hits {
		if a.Hits[i].URL != b.Hits[i].URL {
			return false
		}
	}
	return true
}

// sendHostile sends each input hostileRepeats times, one at a time, to
// the endpoint on behalf of a citizen of site.
func sendHostile(ctx context.Context, c endpointClient, site string, inputs []hostileInput) ([]hostileOutcome, error) {
	// plain searches the plain words of an input once, for all repeats.
	plainResults := map[string]*search.Result{}
	plain := func(words string) (*search.Result, error) {
		if res, ok := plainResults[words]; ok {
			return res, nil
		}
		res, err := c.Search(ctx, search.Request{Query: words, Site: site})
		if err == nil {
			plainResults[words] = res
		}
		return res, err
	}
	var outcomes []hostileOutcome
	for _, in := range inputs {
		o := hostileOutcome{input: in, statuses: map[int]int{}}
		for range hostileRepeats {
			if err := ctx.Err(); err != nil {
				return outcomes, err
			}
			latency, status, res, err := c.search(ctx, search.Request{Query: in.text, Site: site})
			o.maxLatency = max(o.maxLatency, latency)
			o.statuses[status]++
			note, failure := "", ""
			if err != nil {
				failure = err.Error()
			} else {
				note, failure = judgeResponse(status, res, in.text, plain)
			}
			o.notes = appendNew(o.notes, note)
			o.failures = appendNew(o.failures, failure)
		}
		outcomes = append(outcomes, o)
	}
	return outcomes, nil
}

// appendNew appends s to list unless s is empty or in list already.
func appendNew(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// statusList formats statuses as "400 ×20, 200 ×3".
func (o hostileOutcome) statusList() string {
	var parts []string
	for _, status := range slices.Sorted(maps.Keys(o.statuses)) {
		label := fmt.Sprint(status)
		if status == 0 {
			label = "no response"
		}
		parts = append(parts, fmt.Sprintf("%s ×%d", label, o.statuses[status]))
	}
	return strings.Join(parts, ", ")
}
