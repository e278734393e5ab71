// Package formats carries redirects in and out of signpost: importers read
// the forms teams arrive with (Netlify _redirects files, spreadsheets as CSV,
// S3 website routing rules, meta-refresh pages in a built site) into a
// rules.Set, and exporters write a rules.Set for servers and services that
// mirror the rules (nginx, Apache, Caddy, Netlify, Cloudflare bulk redirects,
// S3 routing rules).
//
// # Importing
//
// Every importer returns an [Imported]: the rules it could carry over, in the
// order of the source file, each remembering the line it came from, and a list
// of [Dropped] entries naming each source line that could not be carried over
// and why. Nothing is lost silently. [Imported.Check] then runs the rules
// through signpost's own validation and moves any rule it rejects to the
// dropped list, so that what [WriteJSON] writes always passes signpost check.
//
// # Exporting
//
// Exporters keep the engine's semantics where the target can express them
// (one trailing slash ignored, exact rules before patterns, the longest
// literal prefix first, the query string kept unless the rule drops it,
// chains of literal targets served in one hop) and return a [Problem] naming
// each rule they cannot express.
package formats
