package search

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

//go:embed templates/results.html
var templateFiles embed.FS

var templates = template.Must(template.ParseFS(templateFiles, "templates/results.html"))

// maxPageLinks is the number of page links around the current page.
const maxPageLinks = 9

// resultsView is the data of the results template.
type resultsView struct {
	Query         string
	Site          string
	SiteName      string
	MaxQueryBytes int
	Error         string
	// Notice is a message shown with the results, such as that the page
	// asked for lies after the last one.
	Notice  string
	Result  *Result
	Filters []filterView
	// FilterActive is set when a filter narrows the results, so the
	// filters show open.
	FilterActive bool
	Hits         []hitView
	First        int
	Pages        []pageLink
	Prev, Next   string
}

type filterView struct {
	Title  string
	Clear  string
	Values []facetLink
}

type facetLink struct {
	Title   string
	Count   int
	URL     string
	Current bool
}

type hitView struct {
	Title         string
	URL           string
	Commune       string
	CategoryTitle string
	// Snippet is HTML that highlight built: escaped text and <mark>.
	Snippet template.HTML
	Others  []Offer
}

type pageLink struct {
	Number  int
	URL     string
	Current bool
}

// serveResultsPage renders GET /suche: the site's layout with the
// results section at its marker, or a minimal page without a layout.
func (s *Server) serveResultsPage(w http.ResponseWriter, r *http.Request) error {
	req, err := parseRequest(r)
	if err != nil {
		return err
	}
	view := s.newView(req)
	if req.Query != "" {
		res, err := s.index.Search(r.Context(), req)
		if err != nil {
			return err
		}
		s.fillResults(&view, req, res)
	}
	return s.writePage(w, http.StatusOK, req.Site, view)
}

func (s *Server) newView(req Request) resultsView {
	view := resultsView{Query: req.Query, MaxQueryBytes: MaxQueryBytes}
	if site := s.index.siteByID[req.Site]; site != nil {
		view.Site, view.SiteName = site.ID, site.Name
	}
	return view
}

func (s *Server) fillResults(view *resultsView, req Request, res *Result) {
	view.Result = res
	view.First = (res.Page-1)*PageSize + 1
	for _, h := range res.Hits {
		hv := hitView{Title: h.Title, URL: h.URL, Commune: h.Commune,
			CategoryTitle: h.CategoryTitle, Snippet: template.HTML(h.Snippet)}
		for _, o := range h.OfferedBy {
			if o.URL != h.URL {
				hv.Others = append(hv.Others, o)
			}
		}
		view.Hits = append(view.Hits, hv)
	}
	view.Filters = s.filters(req, res.Facets)
	view.FilterActive = req.Commune != "" || req.Category != ""
	if res.Pages > 1 {
		view.Pages, view.Prev, view.Next = pageLinks(req, res.Pages)
	}
	if res.Pages > 0 && res.Page > res.Pages {
		// A link to a later page of an earlier, longer result. The page
		// shows a notice and links every page, the last one as the previous.
		view.Notice = "Seite " + strconv.Itoa(res.Page) + " gibt es für diese Suche nicht, die Ergebnisse haben " +
			strconv.Itoa(res.Pages) + " Seiten."
		if res.Pages == 1 {
			view.Notice = "Seite " + strconv.Itoa(res.Page) + " gibt es für diese Suche nicht, " +
				"alle Ergebnisse stehen auf Seite 1."
		}
		last := req
		last.Page = res.Pages
		view.Pages, _, _ = pageLinks(last, res.Pages)
		for i := range view.Pages {
			view.Pages[i].Current = false
		}
		view.Prev, view.Next = resultsURL(last), ""
	}
}

// filters returns the facets as links that narrow the search, each
// keeping the other filter and starting again at page 1.
func (s *Server) filters(req Request, f Facets) []filterView {
	req.Page = 1
	communes := filterView{Title: "Kommune"}
	if req.Commune != "" {
		r := req
		r.Commune = ""
		communes.Clear = resultsURL(r)
	}
	for _, v := range f.Commune {
		r := req
		r.Commune = v.ID
		communes.Values = append(communes.Values, facetLink{Title: v.Title, Count: v.Count,
			URL: resultsURL(r), Current: v.ID == req.Commune})
	}
	categories := filterView{Title: "Kategorie"}
	if req.Category != "" {
		r := req
		r.Category = ""
		categories.Clear = resultsURL(r)
	}
	for _, v := range f.Category {
		r := req
		r.Category = v.ID
		categories.Values = append(categories.Values, facetLink{Title: v.Title, Count: v.Count,
			URL: resultsURL(r), Current: v.ID == req.Category})
	}
	var views []filterView
	for _, v := range []filterView{communes, categories} {
		if len(v.Values) > 0 {
			views = append(views, v)
		}
	}
	return views
}

// pageLinks returns links to up to maxPageLinks pages around the
// current one, and to the previous and next page.
func pageLinks(req Request, pages int) (links []pageLink, prev, next string) {
	current := max(req.Page, 1)
	first := max(1, current-maxPageLinks/2)
	last := min(pages, first+maxPageLinks-1)
	first = max(1, last-maxPageLinks+1)
	at := func(n int) string {
		r := req
		r.Page = n
		return resultsURL(r)
	}
	for n := first; n <= last; n++ {
		links = append(links, pageLink{Number: n, Current: n == current, URL: at(n)})
	}
	if current > 1 {
		prev = at(current - 1)
	}
	if current < pages {
		next = at(current + 1)
	}
	return links, prev, next
}

// resultsURL returns the path and query string of the results page of
// req.
func resultsURL(req Request) string {
	params := url.Values{}
	params.Set("q", req.Query)
	if req.Site != "" {
		params.Set("site", req.Site)
	}
	if req.Commune != "" {
		params.Set("commune", req.Commune)
	}
	if req.Category != "" {
		params.Set("category", req.Category)
	}
	if req.Page > 1 {
		params.Set("page", strconv.Itoa(req.Page))
	}
	return "/suche?" + params.Encode()
}

// writePage writes the results section inside the layout of site, or
// inside a minimal page when the site has no layout.
func (s *Server) writePage(w http.ResponseWriter, status int, site string, view resultsView) error {
	var body bytes.Buffer
	l, ok := s.index.layouts[site]
	name := "results"
	if !ok {
		name = "page"
	}
	if err := templates.ExecuteTemplate(&body, name, view); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	origin := ""
	if ok {
		origin = s.siteOrigins[site]
	}
	setPageSecurityHeaders(w.Header(), origin, s.iconOrigin)
	w.WriteHeader(status)
	if ok {
		_, _ = w.Write([]byte(l.before))
	}
	_, _ = body.WriteTo(w)
	if ok {
		_, _ = w.Write([]byte(l.after))
	}
	return nil
}

// writeErrorPage writes the results page of r with a message for status
// in place of results.
func (s *Server) writeErrorPage(w http.ResponseWriter, r *http.Request, status int, err error) {
	params, _ := url.ParseQuery(r.URL.RawQuery)
	query := strings.ToValidUTF8(params.Get("q"), "")
	req := Request{Query: truncate(query, MaxQueryBytes), Site: params.Get("site")}
	view := s.newView(req)
	switch status {
	case http.StatusBadRequest:
		view.Error = badRequestMessage(err)
	case http.StatusServiceUnavailable:
		view.Error = "Die Suche ist gerade ausgelastet. Bitte versuchen Sie es in einem Moment noch einmal."
	default:
		view.Error = "Bei der Suche ist ein Fehler aufgetreten. Bitte versuchen Sie es später noch einmal."
	}
	if err := s.writePage(w, status, view.Site, view); err != nil {
		http.Error(w, view.Error, status)
	}
}

// badRequestMessage returns the message of a results page for a rejected
// request, chosen by the parameter at fault.
func badRequestMessage(err error) string {
	qe, _ := errors.AsType[*QueryError](err)
	if qe == nil {
		qe = &QueryError{}
	}
	switch qe.Param {
	case "site":
		return "Diese Suche kennt das Portal nicht, von dem aus Sie suchen. Bitte nutzen Sie " +
			"das Suchfeld auf der Seite Ihres Portals."
	case "commune", "category":
		return "Diesen Filter gibt es nicht. Bitte starten Sie die Suche ohne Filter neu."
	case "page":
		return "Diese Ergebnisseite gibt es nicht. Bitte beginnen Sie mit der ersten Seite."
	case "q":
		if qe.Reason == reasonTooBroad {
			return "Diese Suchanfrage ist zu allgemein. Bitte geben Sie genauere Wörter ein."
		}
		return "Diese Suchanfrage können wir nicht ausführen. Bitte geben Sie " +
			"höchstens " + strconv.Itoa(MaxQueryBytes) + " Zeichen ein."
	default:
		return "Diese Suchanfrage können wir nicht ausführen. Bitte prüfen Sie die Adresse."
	}
}

// setPageSecurityHeaders sets the security headers of a results page,
// the same as a portal's _headers gives its pages. The page comes from
// the search endpoint, which is 'self'. The portal layout around the
// results loads its style sheet, script, images, icon and fonts from
// portalOrigin, which is empty for a page without a layout. Images may
// also come from iconOrigin, the origin to which the endpoint's
// /favicon.ico redirects.
func setPageSecurityHeaders(h http.Header, portalOrigin, iconOrigin string) {
	from := "'self'"
	if portalOrigin != "" {
		from += " " + portalOrigin
	}
	images := from
	if iconOrigin != "" && iconOrigin != portalOrigin {
		images += " " + iconOrigin
	}
	h.Set("Content-Security-Policy", "default-src 'none'; script-src "+from+"; style-src "+from+
		"; img-src "+images+" data:; font-src "+from+"; connect-src 'self'; form-action 'self'"+
		"; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
	h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()")
	h.Set("X-Frame-Options", "DENY")
}
