// Package search builds the federation's search index and serves it over
// HTTP.
//
// # Index
//
// Build writes the index of a Corpus (the parsed content of every portal)
// into a folder. Open opens it read-only, so many processes or machines
// can serve copies of the same folder. From a few thousand documents on,
// the index is split into two partitions, built in parallel and searched
// together. A base text is indexed once, together with the sites that
// offer it. A commune page that extends it is indexed only with what it
// adds: its own parts, and a title, summary or keywords that differ from
// the base text's. A search for words of a base text therefore finds the
// service on every commune that offers it. Open reads the vocabulary of
// the searched fields and what grouping and results need of each page
// into memory, so a search reads only postings from bleve, and the text
// of the pages whose snippet needs it.
//
// Package german analyses text for German as citizens type it. Umlauts
// and ß are folded, so "fuehrerschein", "führerschein" and "fuhrerschein"
// match. A light stemmer joins "Anmeldung" and "anmelden". Compound words
// are split with a dictionary of word parts, so "hund" finds
// "Hundesteuer". A synonym list maps colloquial words ("perso", "kita",
// "umzug") to the official ones. Words of six letters or more that the
// index does not contain may have a typo. Title matches outrank matches
// in keywords, summary and text.
//
// Hits of one service (the same LeiKa key or base text) are grouped into one
// result that lists the portals offering it. When the request names the
// citizen's portal, services offered by that portal or by a site above it
// (the county) come first, and each result links to that portal's page.
//
// # HTTP endpoints
//
// Server serves these endpoints, GET only:
//
//	GET /api/search?q=&site=&commune=&category=&page=
//
// returns JSON: {"query", "total", "page", "pages", "hits": [...],
// "facets": {"commune": [...], "category": [...]}}. Each hit has "title",
// "url", "site", "commune", "category", "categoryTitle", "kind", "snippet"
// (HTML: escaped text, matched words in <mark>) and "offeredBy" (a list of
// {"site", "commune", "url"}). site is the citizen's portal and changes
// the ranking; commune and category are filters; page counts from 1 up to
// MaxPage, PageSize results each. Total and facets count the results among
// the best 500 matching documents.
//
//	GET /api/suggest?q=&limit=
//
// returns {"query", "suggestions": [...]}: up to limit (at most
// MaxSuggestions) titles and keywords that complete q as it is typed.
//
//	GET /suche?q=&site=&commune=&category=&page=
//
// returns the results as an HTML page that works without JavaScript: the
// layout file layouts/<site>.html of the index folder with the results
// section (search form, results, filters as links, page links) at its
// LayoutMarker, or a minimal page for a site without a layout.
//
//	GET /healthz
//
// returns 200 "ok".
//
//	GET /favicon.ico
//
// redirects with 302 to the /favicon.ico of the county's portal, or of
// the first portal in a federation without a county.
//
// # Limits
//
// Query text is searched as plain words, so no query syntax reaches
// bleve. Requests are rejected with 400 for query text longer than
// MaxQueryBytes or not valid UTF-8, for unknown sites or categories and
// for pages out of range. Only the first MaxQueryWords words are
// searched. Typo tolerance is at most two edits, and the terms that fuzzy
// and prefix queries expand to are bounded per search. Each search has a deadline and takes one of a fixed
// number of slots. A search that runs out of time or finds no free slot
// gets 503. Query strings over 2 KB get 414, request bodies over 1 KB 413.
// Browsers may read JSON API responses only on the federation's origins
// (CORS). The Origin header and the portals' URLs are compared as
// federation.ParseOrigin normalises them: scheme and host in lower case,
// host names as punycode, no default port. Each request is logged with method, path, status
// and latency, never with the query or the client's address.
package search
