package dldb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/verbund/verbund/internal/suggest"
)

// Options are the input of one import.
type Options struct {
	// Services and Locations are the two JSON files of the export.
	Services, Locations io.Reader
	// DefaultCategory is the id of the category for services that no
	// category rule matches; default "verwaltung".
	DefaultCategory string
	// Categories are the category ids of the federation. When set, the
	// default category must be one of them, and a service whose rule
	// gives another category gets the default category and a warning.
	Categories []string
}

// File is a content file, with a slash-separated path relative to the
// site's content folder.
type File struct {
	Path string
	Data []byte
}

// categoryID matches a valid category id: lower case letters and digits
// in groups separated by single hyphens.
var categoryID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Convert parses an export and returns its content files, sorted by
// path: a service page services/<slug>.md for every service and an office
// page offices/<slug>.md for every location. The output depends only on
// the input, so the same export gives the same bytes.
//
// The warnings list gaps of the export that the user should fix in the
// source system, each naming the record; Convert writes the affected
// pages as far as their data allows. Convert returns an error only when
// the options are invalid or a file cannot be parsed.
func Convert(opts Options) (files []File, warnings []string, err error) {
	if opts.Services == nil || opts.Locations == nil {
		return nil, nil, errors.New("converting DLDB export: both the services and the locations file are required")
	}
	category := opts.DefaultCategory
	if category == "" {
		category = categoryAdmin
	}
	if !categoryID.MatchString(category) {
		return nil, nil, fmt.Errorf("converting DLDB export: invalid default category %q: use lower case letters, digits and hyphens", category)
	}
	if opts.Categories != nil && !slices.Contains(opts.Categories, category) {
		return nil, nil, fmt.Errorf("converting DLDB export: unknown default category %q: use one of %s%s",
			category, strings.Join(opts.Categories, ", "), suggest.Hint(category, opts.Categories))
	}

	services, err := decodeExport[service](opts.Services)
	if err != nil {
		return nil, nil, fmt.Errorf("parsing DLDB services: %w", err)
	}
	locations, err := decodeExport[location](opts.Locations)
	if err != nil {
		return nil, nil, fmt.Errorf("parsing DLDB locations: %w", err)
	}
	if err := checkKinds(services.Data, locations.Data); err != nil {
		return nil, nil, err
	}
	if len(services.Data) == 0 {
		return nil, nil, errors.New("converting DLDB export: the services file contains no services " +
			`(its "data" array is missing or empty): check that --services names the services export ` +
			"(services_de.json) and that the export is complete")
	}

	im := &importer{
		defaultCategory: category,
		categories:      opts.Categories,
		exportDate:      dateOf(services.Meta.Generated),
		offices:         make(map[string]*office),
	}
	officeFiles := im.convertLocations(locations.Data)
	if len(locations.Data) == 0 {
		im.warnf("the locations file contains no locations: the service pages name no office; " +
			"check that --locations names the locations export (locations_de.json)")
	}
	serviceFiles, err := im.convertServices(services.Data)
	if err != nil {
		return nil, nil, err
	}
	im.warnUnknownCategories()

	files = append(officeFiles, serviceFiles...)
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return files, im.warnings, nil
}

// importer holds the state of one Convert call.
type importer struct {
	defaultCategory string
	// categories are the federation's category ids, or nil when unknown.
	categories []string
	// unknownCategories counts the services by rule category that is not
	// one of categories.
	unknownCategories map[string]int
	// exportDate is the date of the export, the fallback for services
	// without a valid date of their last change.
	exportDate string
	// offices are the converted locations by id.
	offices  map[string]*office
	warnings []string
}

// category returns the category of a service: the one its rule gives,
// or the default category when the federation has no such category.
func (im *importer) category(name string, leikaKeys []string) string {
	category := categorize(name, leikaKeys, im.defaultCategory)
	if im.categories == nil || slices.Contains(im.categories, category) {
		return category
	}
	if im.unknownCategories == nil {
		im.unknownCategories = make(map[string]int)
	}
	im.unknownCategories[category]++
	return im.defaultCategory
}

// warnUnknownCategories reports the rule categories the federation lacks.
func (im *importer) warnUnknownCategories() {
	for _, category := range slices.Sorted(maps.Keys(im.unknownCategories)) {
		n := im.unknownCategories[category]
		pages := fmt.Sprintf("%d service pages", n)
		if n == 1 {
			pages = "1 service page"
		}
		im.warnf("sites.toml has no category %q, so %s got category %q instead: "+
			"add the category to sites.toml and import again, or change the category by hand",
			category, pages, im.defaultCategory)
	}
}

func (im *importer) warnf(format string, args ...any) {
	im.warnings = append(im.warnings, fmt.Sprintf(format, args...))
}

// dateLayouts are the forms of timestamps that DLDB exports use.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
}

// dateOf returns the date of a DLDB timestamp as written, in the form
// 2006-01-02, without converting it to another time zone. It returns ""
// for an empty or invalid timestamp.
func dateOf(timestamp string) string {
	timestamp = strings.TrimSpace(timestamp)
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, timestamp); err == nil {
			return t.Format("2006-01-02")
		}
	}
	return ""
}

// checkKinds returns an error if the services or the locations are
// records of the other kind, as when the two files were given swapped.
// Such records have no field of their own kind and some of the other.
func checkKinds(services []service, locations []location) error {
	isService := func(s service) bool {
		return s.Description != "" || s.Fees != "" || s.Leika != "" || len(s.Locations) > 0
	}
	hasLocationFields := func(s service) bool { return given(s.DisplayName) || given(s.Address) }
	if !slices.ContainsFunc(services, isService) && slices.ContainsFunc(services, hasLocationFields) {
		return errors.New("converting DLDB export: the records of the services file have the fields of " +
			"locations and none of services: check that --services names the services export " +
			"(services_de.json) and --locations the locations export")
	}
	isLocation := func(l location) bool {
		return l.DisplayName != "" || l.Address.Value != (address{}) || l.Contact.Value != (contact{})
	}
	hasServiceFields := func(l location) bool { return given(l.Description) || given(l.Leika) }
	if !slices.ContainsFunc(locations, isLocation) && slices.ContainsFunc(locations, hasServiceFields) {
		return errors.New("converting DLDB export: the records of the locations file have the fields of " +
			"services and none of locations: check that --locations names the locations export " +
			"(locations_de.json) and --services the services export")
	}
	return nil
}

// given reports whether a JSON value is present and neither null nor an
// empty string, array or object.
func given(v json.RawMessage) bool {
	switch string(bytes.TrimSpace(v)) {
	case "", "null", `""`, "[]", "{}":
		return false
	}
	return true
}
