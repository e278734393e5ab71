package engine

import (
	"encoding/json"
	"sort"
)

// Format and FormatVersion name the compiled-table format that Export
// produces.
const (
	Format        = "signpost-table"
	FormatVersion = 1
)

// Export is a compiled Table as data: what the generated edge JavaScript
// runs on, and what the S3-backed edge function downloads. All the thinking
// (validation, normalization of keys, precedence, chain flattening, safe
// escaping of literal targets) is already done; a runtime that reads it only
// has to repeat Resolve's steps:
//
//  1. Host: lower case, without port or final dot; Hosts[host] is the host's
//     own table (absent: the host has none), Hosts[""] the rules for every
//     host.
//  2. Path: the canonical form (see the package documentation: decode %XX
//     except "/", "%", control characters and bytes outside valid UTF-8,
//     which become upper-case escapes; a "%" without two hex digits becomes
//     %25), folded to lower case rune by rune when CaseInsensitive (a rune
//     whose lower case has another UTF-8 length is kept), and N, the path
//     without one trailing slash (except "/").
//  3. Lookup in this order: the host's Exact[N], the host's patterns, the
//     host's Override[N], then the same in Hosts[""] (Exact, patterns).
//     Patterns: for each length L in Lens (longest first) with L <= len(path),
//     the rules Patterns[path[:L]] (file order); the winner is the matching
//     rule with the longest LitLen, then the lowest index; stop once
//     L+1 < the best LitLen. A rule matches as in source.match: literal parts
//     compare with the folded path, a segment takes one non-empty run up to
//     "/" (before N's end), the splat takes the rest including the trailing
//     slash; a literal that ends in "/" and is followed by the splat also
//     matches when the path stops just before that slash (splat ""). Without
//     a splat the match must end at len(N) or at the end of the path.
//  4. An exact hit is final: Entry{Status, Loc, Keep}; 410 has no Loc; the
//     request's query is put into Loc (after "&" or "?", before "#") when
//     Keep. A pattern hit builds its Target: literal strings as they are,
//     captures escaped byte by byte (PathKeep or, in a query or fragment,
//     ComponentKeep bytes raw, others %XX in upper case); a relative result
//     that starts with "//" has its leading slashes collapsed to one; then
//     the query as for an exact hit. Query bytes <= 0x20, >= 0x7f and "#"
//     are escaped.
//  5. After a pattern hit the chain is followed as Resolve does (see
//     package doc), at most MaxHops rules; a chain that would pass more
//     answers the first target alone.
type Export struct {
	Format          string                 `json:"format"`
	Version         int                    `json:"version"`
	CaseInsensitive bool                   `json:"caseInsensitive"`
	MaxHops         int                    `json:"maxHops"`
	PathKeep        string                 `json:"pathKeep"`
	ComponentKeep   string                 `json:"componentKeep"`
	Rules           []ExportRule           `json:"rules"`
	Hosts           map[string]*ExportHost `json:"hosts"`
}

// ExportRule is one rule of the file, by index.
type ExportRule struct {
	Source string `json:"source"`
	Line   int    `json:"line,omitempty"`
	Status int    `json:"status"`
	// Drop is set when the rule does not keep the request's query.
	Drop bool `json:"drop,omitempty"`
	// For pattern rules only: the parts of the source, its literal prefix
	// length and its target.
	Parts  []ExportPart  `json:"parts,omitempty"`
	LitLen int           `json:"litLen,omitempty"`
	Target []ExportPiece `json:"target,omitempty"`
}

// ExportPart is a literal (Lit), a one-segment capture (Seg >= 0) or the
// splat (Splat >= 0); Seg and Splat are capture slots.
type ExportPart struct {
	Lit   string `json:"lit,omitempty"`
	Seg   *int   `json:"seg,omitempty"`
	Splat *int   `json:"splat,omitempty"`
}

// ExportPiece is literal text (Lit, already safe) or a capture slot (Slot),
// escaped as a component when Component.
type ExportPiece struct {
	Lit       string `json:"lit,omitempty"`
	Slot      *int   `json:"slot,omitempty"`
	Component bool   `json:"component,omitempty"`
}

// ExportHost holds the rules of one host.
type ExportHost struct {
	Exact    map[string]ExportEntry `json:"exact"`
	Override map[string]ExportEntry `json:"override,omitempty"`
	Patterns map[string][]int       `json:"patterns,omitempty"`
	Lens     []int                  `json:"lens,omitempty"`
}

// ExportEntry is the final answer for an exact source, its chain followed:
// Rule is the index of the first rule.
type ExportEntry struct {
	Rule   int    `json:"rule"`
	Status int    `json:"status"`
	Loc    string `json:"loc,omitempty"`
	Keep   bool   `json:"keep,omitempty"`
	Hops   int    `json:"hops,omitempty"`
}

func keepString(keep *[256]bool) string {
	var b []byte
	for c := 0; c < 256; c++ {
		if keep[c] {
			b = append(b, byte(c))
		}
	}
	return string(b)
}

// Export returns the table as data.
func (t *Table) Export() *Export {
	t.Prepare()
	x := &Export{
		Format: Format, Version: FormatVersion,
		CaseInsensitive: t.opts.CaseInsensitive, MaxHops: t.opts.MaxHops,
		PathKeep: keepString(&pathKeep), ComponentKeep: keepString(&componentKeep),
		Rules: make([]ExportRule, len(t.rules)),
		Hosts: map[string]*ExportHost{"": t.exportHost(t.any)},
	}
	for host, h := range t.hosts {
		x.Hosts[host] = t.exportHost(h)
	}
	for i := range t.rules {
		r := &t.rules[i]
		er := ExportRule{Source: r.rule.Source, Line: r.rule.KeyPos.Line, Status: r.rule.Status, Drop: !r.keep}
		if !r.src.exact && r.status > 0 {
			er.LitLen = r.src.litLen
			for _, p := range r.src.parts {
				slot := p.slot
				switch p.kind {
				case partLit:
					er.Parts = append(er.Parts, ExportPart{Lit: p.lit})
				case partSeg:
					er.Parts = append(er.Parts, ExportPart{Seg: &slot})
				case partSplat:
					er.Parts = append(er.Parts, ExportPart{Splat: &slot})
				}
			}
			if r.to.isStatic {
				er.Target = []ExportPiece{{Lit: r.to.static}}
			} else {
				for _, p := range r.to.pieces {
					if p.slot < 0 {
						er.Target = append(er.Target, ExportPiece{Lit: p.lit})
						continue
					}
					slot := p.slot
					er.Target = append(er.Target, ExportPiece{Slot: &slot, Component: p.component})
				}
			}
		}
		x.Rules[i] = er
	}
	return x
}

func (t *Table) exportEntries(ix *pathIndex) map[string]ExportEntry {
	if ix == nil {
		return nil
	}
	out := make(map[string]ExportEntry, ix.len())
	ix.each(func(p string, k int32) {
		e := t.entries[k]
		out[p] = ExportEntry{Rule: int(e.rule), Status: int(e.status), Loc: e.loc, Keep: e.keep && e.status != 410, Hops: int(e.hops)}
	})
	return out
}

func (t *Table) exportHost(h *hostTable) *ExportHost {
	x := &ExportHost{Exact: t.exportEntries(h.exact), Override: t.exportEntries(h.override), Lens: h.lens}
	if len(h.byPrefix) > 0 {
		x.Patterns = make(map[string][]int, len(h.byPrefix))
		for p, idx := range h.byPrefix {
			l := make([]int, len(idx))
			for i, v := range idx {
				l[i] = int(v)
			}
			sort.Ints(l)
			x.Patterns[p] = l
		}
	}
	return x
}

// Encode returns the table in the compiled-table format, as JSON.
func Encode(t *Table) ([]byte, error) {
	return json.Marshal(t.Export())
}
