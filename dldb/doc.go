// Package dldb imports a service catalogue exported in the JSON format of
// the Dienstleistungsdatenbank (DLDB), which German city service portals
// use, and turns it into verbund content files.
//
// An export consists of two files, each an object {"data": [...],
// "meta": {...}}: the services and the locations (offices) that deliver
// them. [Convert] maps every service to a standalone service page
// services/<slug>.md and every location to an office page
// offices/<slug>.md, both relative to a site's content folder.
// [Write] stores the result. It never overwrites a page that an editor
// wrote by hand, nor an imported page that an editor changed since, which
// it detects by the digests of the import record [RecordName].
//
// A service page takes its title, LeiKa keys, keywords and forms from the
// record, its category from keyword rules on the LeiKa key and the name,
// and its office and appointment link from the first location the
// service names. The description HTML becomes the full text, the fees
// HTML the part "## Gebühren", and further locations and links the part
// "## Hinweise". Every page records the record it came from as
// source = "dldb:<id>".
//
// Records in real exports are often incomplete. Convert writes what a
// record has and reports each gap it finds, such as an invalid LeiKa key
// or a reference to an unknown location, as a warning for the user to
// fix in the source system.
package dldb
