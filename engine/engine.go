package engine

import "github.com/signposthq/signpost/rules"

// DefaultMaxHops is how many rules one request may pass through.
const DefaultMaxHops = 10

// Options change how a Table matches.
type Options struct {
	// CaseInsensitive compares paths in Unicode lower case.
	CaseInsensitive bool
	// MaxHops bounds chains; 0 means DefaultMaxHops.
	MaxHops int
}

// Decision is what a request gets.
type Decision struct {
	// Match is false when no rule applies: the request goes on to the site.
	Match bool
	// Status is the HTTP status: 301, 302, 303, 307, 308 or 410.
	Status int
	// Location is the redirect target; empty for 410.
	Location string
	// Rule is the first rule that matched (its status is the answer's).
	Rule *rules.Rule
	// RuleIndex is Rule.Index, there so that a server counting hits per
	// rule need not read the rule (a cache miss in a large table).
	RuleIndex int
	// Hops is how many rules the answer passed through (1 without a chain).
	Hops int
}
