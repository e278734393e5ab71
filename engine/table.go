package engine

import "github.com/signposthq/signpost/rules"

// Table is a compiled rules.Set, safe for concurrent use.
type Table struct {
	set  *rules.Set
	opts Options
}

// Compile builds a Table from set. Its diagnostics are the semantic checks
// that need matching (collisions after normalization, redirects to
// themselves, loops, chains); the Table is nil when any is an error.
//
// TODO(engine): the first version matches nothing.
func Compile(set *rules.Set, opts Options) (*Table, rules.Diagnostics) {
	if opts.MaxHops <= 0 {
		opts.MaxHops = DefaultMaxHops
	}
	return &Table{set: set, opts: opts}, nil
}

// Resolve decides what a request gets. host may be empty or carry a port;
// path is the request path as received (percent-encoded, starting with "/");
// rawQuery is the query string without "?".
func (t *Table) Resolve(host, path, rawQuery string) Decision {
	return Decision{}
}

// Rules returns the set the table was compiled from.
func (t *Table) Rules() *rules.Set { return t.set }
