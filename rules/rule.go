// Package rules holds signpost's file format: the redirects.json that people
// edit, parsed with the position of every key and value so that each problem
// can be reported as FILE:LINE:COL.
//
// # The format
//
// A JSON object (JWCC: comments and trailing commas allowed) whose keys are
// sources and whose values are rules:
//
//	{
//	  "$schema": "https://signpost.dev/schema/redirects.json", // optional
//	  "/jobs": { "to": "https://jobs.example.com/", "statusCode": 301 },
//	  "/blog/*": { "to": "/news/:splat", "statusCode": 308, "query": "drop" },
//	  "/users/:id": { "to": "/people/:id" },
//	  "https://old.example.com/pricing": { "to": "/pricing" },
//	  "/old-page": { "statusCode": 410, "note": "removed in 2024" }
//	}
//
// Fields of a rule: "to" (a path starting with "/" or an absolute http(s)
// URL; may use :splat and :name placeholders), "statusCode" (301, 302, 303,
// 307, 308 or 410; default 301; 410 has no "to"), "query" ("keep", the
// default, or "drop") and "note" (free text for people). Any other field is
// an error, so that a typo such as "statuscode" never silently becomes a 301.
//
// How sources match requests (normalization, precedence, placeholders,
// query strings and chains) is the engine's business: see package engine.
package rules

// Default values of a rule's optional fields.
const (
	DefaultStatus = 301
	StatusGone    = 410
)

// Statuses lists every status code a rule may have, in ascending order.
var Statuses = []int{301, 302, 303, 307, 308, 410}

// StatusText returns the reason phrase CloudFront and HTTP servers send with
// a status signpost produces.
func StatusText(code int) string {
	switch code {
	case 301:
		return "Moved Permanently"
	case 302:
		return "Found"
	case 303:
		return "See Other"
	case 307:
		return "Temporary Redirect"
	case 308:
		return "Permanent Redirect"
	case 410:
		return "Gone"
	}
	return ""
}

// QueryMode says what happens to the query string of a request a rule
// matches.
type QueryMode uint8

const (
	// QueryKeep appends the request's query string to the target.
	QueryKeep QueryMode = iota
	// QueryDrop discards it.
	QueryDrop
)

func (q QueryMode) String() string {
	if q == QueryDrop {
		return "drop"
	}
	return "keep"
}

// Pos is a position in a rules file. Line and Col are 1-based; Col counts
// characters (runes), not bytes. Offset is the 0-based byte offset.
type Pos struct {
	Line, Col, Offset int
}

// IsValid reports whether p names a position at all.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Rule is one entry of a rules file.
type Rule struct {
	// Source is the key exactly as written in the file (after JSON string
	// unescaping).
	Source string
	// To is the target; empty for a 410 rule.
	To string
	// Status is the HTTP status; DefaultStatus when the file omits it.
	Status int
	// Query says whether the request's query string is kept.
	Query QueryMode
	// Note is free text for people; the engine ignores it.
	Note string

	// Index is the rule's position among the file's rules, from 0. It
	// breaks precedence ties: the earlier rule wins.
	Index int

	// Where the parts were written: the key, the rule object, and each field
	// (invalid when the field is absent).
	KeyPos, ValuePos, ToPos, StatusPos, QueryPos Pos
}

// Set is a parsed rules file.
type Set struct {
	// File is the name used in diagnostics (usually the path given).
	File string
	// Schema is the value of a top-level "$schema" key, if any.
	Schema string
	// Rules are in file order; Rules[i].Index == i.
	Rules []Rule
}
