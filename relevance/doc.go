// Package relevance tests that citizens find the right service. It
// builds real federations: the repository's example, and the Munich
// service catalogue imported from its DLDB export. Then it runs the
// citizen queries of emsland.toml and of the Munich query file against
// their search indexes. The package has only tests and query files.
package relevance
