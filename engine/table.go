package engine

import (
	"maps"
	"slices"
	"sort"
	"sync"

	"github.com/signposthq/signpost/rules"
)

// crule is a compiled rule.
type crule struct {
	rule   *rules.Rule
	src    source
	to     target
	status int
	keep   bool
}

// entry is the answer for an exact source, its chain already followed.
type entry struct {
	rule   int32 // index of the first rule
	status int16
	keep   bool // the request's query is appended (every rule in the chain keeps it)
	hops   uint8
	loc    string // the final target without the request's query; "" for 410
}

// hostTable holds the rules for one host ("" for rules without a host).
type hostTable struct {
	exact *pathIndex // canonical path -> index into Table.entries
	// override holds, for a host with rules of its own, the entries of
	// host-less exact rules whose chain ends elsewhere for this host.
	override *pathIndex
	byPrefix map[string][]int32 // literal prefix -> pattern rules, in file order
	lens     []int              // the distinct keys of byPrefix by length, longest first
}

// Table is a compiled rules.Set, safe for concurrent use.
type Table struct {
	set      *rules.Set
	opts     Options
	rules    []crule
	entries  []entry
	any      *hostTable            // rules without a host
	hosts    map[string]*hostTable // rules for one host
	patterns int
	frozen   sync.Once // the exact indexes, made ready for lookups
}

// Rules returns the set the table was compiled from.
func (t *Table) Rules() *rules.Set { return t.set }

// Options returns the options the table was compiled with.
func (t *Table) Options() Options { return t.opts }

// Len returns the number of rules.
func (t *Table) Len() int { return len(t.rules) }

func newHostTable() *hostTable {
	return &hostTable{exact: newPathIndex(0), byPrefix: map[string][]int32{}}
}

// Prepare readies the table for lookups, which Resolve, Trace and Export
// otherwise do the first time one of them is called: a server calls it
// before a table takes traffic, so that no request waits for it (about
// 0.1 s for a million exact rules). Compile leaves it undone because
// checking a file needs no lookups.
func (t *Table) Prepare() {
	t.frozen.Do(func() {
		for _, h := range append(slices.Collect(maps.Values(t.hosts)), t.any) {
			h.exact.freeze(t.entries)
			h.override.freeze(t.entries)
		}
	})
}

func (h *hostTable) addPattern(key string, idx int32) {
	if _, ok := h.byPrefix[key]; !ok {
		h.lens = append(h.lens, len(key))
	}
	h.byPrefix[key] = append(h.byPrefix[key], idx)
}

func (h *hostTable) sortLens() {
	sort.Sort(sort.Reverse(sort.IntSlice(h.lens)))
	out := h.lens[:0]
	for i, l := range h.lens {
		if i == 0 || l != h.lens[i-1] {
			out = append(out, l)
		}
	}
	h.lens = out
}

// matchPattern finds the pattern rule of h that wins for d: the longest
// literal prefix, then the earliest rule. It returns -1 when none matches.
func (t *Table) matchPattern(h *hostTable, d, f []byte, n int, caps *[maxCaptures]capture) int {
	best, bestLit := -1, -1
	var tmp [maxCaptures]capture
	for _, l := range h.lens {
		if l > len(f) {
			continue
		}
		if l+1 < bestLit {
			break // no rule with a shorter literal prefix can win
		}
		for _, idx := range h.byPrefix[string(f[:l])] {
			r := &t.rules[idx]
			if r.src.litLen < bestLit || (r.src.litLen == bestLit && int(idx) > best) {
				continue
			}
			if r.src.match(d, f, n, &tmp) {
				best, bestLit = int(idx), r.src.litLen
				*caps = tmp
			}
		}
	}
	return best
}

// hop is the rule that matched a request, and its entry when it is exact.
type hop struct {
	rule  int        // -1 when nothing matched
	entry int32      // index into entries for an exact rule, else -1
	ix    *pathIndex // where the entry was found
	rec   int        // the offset of its record there; -1 until the table is frozen
}

// exactHop is the hop for the entry of path in ix, if it has one.
func (t *Table) exactHop(ix *pathIndex, path []byte) (hop, bool) {
	e, rec, ok := ix.find(path)
	if !ok {
		return hop{}, false
	}
	if rec >= 0 {
		return hop{rule: int(ix.rule(rec)), entry: e, ix: ix, rec: rec}, true
	}
	return hop{rule: int(t.entries[e].rule), entry: e, rec: -1}, true
}

// match finds the rule for a request to the host table h (nil for a host
// without rules of its own) and the canonical path d (f folded, n without
// its trailing slash).
func (t *Table) match(h *hostTable, d, f []byte, n int, caps *[maxCaptures]capture) hop {
	key := f[:n]
	if h != nil {
		if m, ok := t.exactHop(h.exact, key); ok {
			return m
		}
		if i := t.matchPattern(h, d, f, n, caps); i >= 0 {
			return hop{rule: i, entry: -1}
		}
		if m, ok := t.exactHop(h.override, key); ok {
			return m
		}
	}
	if m, ok := t.exactHop(t.any.exact, key); ok {
		return m
	}
	if t.patterns > 0 {
		if i := t.matchPattern(t.any, d, f, n, caps); i >= 0 {
			return hop{rule: i, entry: -1}
		}
	}
	return hop{rule: -1, entry: -1}
}
