package jsgen

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/signposthq/signpost/edge"
	"github.com/signposthq/signpost/engine"
)

// TableJSON returns the compiled table in the engine's documented format
// (engine.Export, "signpost-table"): what a bundled Lambda@Edge function
// reads from rules.json and what an S3-backed one downloads.
func TableJSON(t *engine.Table) ([]byte, error) {
	return engine.Encode(t)
}

// fnTable is the table as a CloudFront Function embeds it and a bundled
// Lambda@Edge function reads it: the engine's format without what the
// runtime never reads (sources, lines, exact rules other than their
// entries), pattern rules renumbered. With KVS set the
// exact entries live in the KeyValueStore instead.
type fnTable struct {
	Format          string             `json:"format"`
	Version         int                `json:"version"`
	CaseInsensitive bool               `json:"caseInsensitive,omitempty"`
	MaxHops         int                `json:"maxHops"`
	PathKeep        string             `json:"pathKeep"`
	ComponentKeep   string             `json:"componentKeep"`
	KVS             bool               `json:"kvs,omitempty"`
	Rules           []fnRule           `json:"rules"`
	Hosts           map[string]*fnHost `json:"hosts"`
}

type fnHost struct {
	Exact    map[string]fnEntry `json:"exact,omitempty"`
	Packed   *packedEntries     `json:"packed,omitempty"`
	Override map[string]fnEntry `json:"override,omitempty"`
	Patterns map[string][]int   `json:"patterns,omitempty"`
	Lens     []int              `json:"lens,omitempty"`
}

// packedEntries is the packed form of a host's exact rules in a bundled
// Lambda@Edge table: Keys and Locs joined with "\n" (a canonical path and a
// Location never hold one), Meta = status | 1024 if the query is kept |
// hops << 11, and Rules (with DebugHeader) the index of each entry's rule.
type packedEntries struct {
	Keys  string `json:"keys"`
	Locs  string `json:"locs"`
	Meta  []int  `json:"meta"`
	Rules []int  `json:"rules,omitempty"`
}

func pack(m map[string]engine.ExportEntry, debug bool) *packedEntries {
	keys := slices.Sorted(maps.Keys(m))
	locs := make([]string, len(keys))
	p := &packedEntries{Meta: make([]int, len(keys))}
	for i, k := range keys {
		e := m[k]
		locs[i] = e.Loc
		p.Meta[i] = e.Status | e.Hops<<11
		if e.Keep {
			p.Meta[i] |= 1024
		}
		if debug {
			p.Rules = append(p.Rules, e.Rule)
		}
	}
	p.Keys, p.Locs = strings.Join(keys, "\n"), strings.Join(locs, "\n")
	return p
}

// fnEntry is an exact rule's answer; it is also the value of a
// KeyValueStore key.
type fnEntry struct {
	Rule   *int   `json:"rule,omitempty"` // only with DebugHeader
	Status int    `json:"status"`
	Loc    string `json:"loc,omitempty"`
	Keep   bool   `json:"keep,omitempty"`
	Hops   int    `json:"hops,omitempty"`
}

type fnRule struct {
	Index  *int                 `json:"index,omitempty"` // the rule's place in the file, with DebugHeader
	Status int                  `json:"status"`
	Drop   bool                 `json:"drop,omitempty"`
	Parts  []engine.ExportPart  `json:"parts,omitempty"`
	LitLen int                  `json:"litLen,omitempty"`
	Target []engine.ExportPiece `json:"target,omitempty"`
}

func toFnEntry(e engine.ExportEntry, debug bool) fnEntry {
	f := fnEntry{Status: e.Status, Loc: e.Loc, Keep: e.Keep, Hops: e.Hops}
	if debug {
		f.Rule = &e.Rule
	}
	if f.Hops == 1 {
		f.Hops = 0
	}
	return f
}

// toFnEntries converts a host's exact rules or overrides; nil when there
// are none.
func toFnEntries(m map[string]engine.ExportEntry, debug bool) map[string]fnEntry {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]fnEntry, len(m))
	for p, e := range m {
		out[p] = toFnEntry(e, debug)
	}
	return out
}

func toFnRule(r engine.ExportRule) fnRule {
	return fnRule{Status: r.Status, Drop: r.Drop, Parts: r.Parts, LitLen: r.LitLen, Target: r.Target}
}

// KVS key layout: a request path always starts with "/", so the rules for
// every host are keyed by their canonical path as it is, the rules of one
// host by the host name followed by the path, and a host's overrides (a
// host-less rule whose chain ends elsewhere on that host) by "~", the host
// and the path.
func kvsKey(host, kind, path string) string {
	if kind == "override" {
		return "~" + host + path
	}
	return host + path
}

func buildFnTable(x *engine.Export, kvs, debug bool) *fnTable {
	ft := &fnTable{Format: x.Format, Version: x.Version, CaseInsensitive: x.CaseInsensitive, MaxHops: x.MaxHops,
		PathKeep: x.PathKeep, ComponentKeep: x.ComponentKeep, KVS: kvs, Rules: []fnRule{}, Hosts: map[string]*fnHost{}}
	// Only pattern rules are read by index; they are renumbered in file
	// order (which keeps precedence ties), exact rules left out.
	renum := map[int]int{}
	for i, r := range x.Rules {
		if len(r.Parts) == 0 {
			continue
		}
		renum[i] = len(ft.Rules)
		fr := toFnRule(r)
		if debug {
			fr.Index = &i
		}
		ft.Rules = append(ft.Rules, fr)
	}
	for name, h := range x.Hosts {
		fh := &fnHost{Lens: h.Lens}
		if len(h.Patterns) > 0 {
			fh.Patterns = make(map[string][]int, len(h.Patterns))
			for prefix, list := range h.Patterns {
				l := make([]int, len(list))
				for k, idx := range list {
					l[k] = renum[idx]
				}
				fh.Patterns[prefix] = l
			}
		}
		if !kvs {
			fh.Exact = toFnEntries(h.Exact, debug)
			fh.Override = toFnEntries(h.Override, debug)
		}
		ft.Hosts[name] = fh
	}
	return ft
}

// CloudFrontFunction returns the code of a cloudfront-js-2.0 viewer-request
// function for t and, when the exact rules are kept in a KeyValueStore, the
// store's entries (nil otherwise). The rules are embedded in the code when
// the code stays within MaxFunctionSize (10 KB) and opts.KVS is false;
// otherwise the exact rules go to the KeyValueStore and the pattern rules
// stay in the code. A *LimitError names what does not fit.
func CloudFrontFunction(t *engine.Table, opts FunctionOptions) (code []byte, kvs []KV, err error) {
	if err := opts.Headers.Validate(); err != nil {
		return nil, nil, err
	}
	x := t.Export()
	if !opts.KVS {
		code, err := renderFunction(buildFnTable(x, false, opts.DebugHeader), opts)
		if err != nil {
			return nil, nil, err
		}
		if len(code) <= MaxFunctionSize {
			return code, nil, nil
		}
	}
	code, err = renderFunction(buildFnTable(x, true, opts.DebugHeader), opts)
	if err != nil {
		return nil, nil, err
	}
	if len(code) > MaxFunctionSize {
		return nil, nil, patternOverflow(t, x, len(code))
	}
	kvs, err = kvsEntries(t, x, opts.DebugHeader)
	if err != nil {
		return nil, nil, err
	}
	return code, kvs, nil
}

// kvsEntries lists every exact entry as a key and value, checking the
// store's limits on each.
func kvsEntries(t *engine.Table, x *engine.Export, debug bool) ([]KV, error) {
	var kvs []KV
	set := t.Rules()
	add := func(host, kind string, m map[string]engine.ExportEntry) error {
		for p, e := range m {
			k := kvsKey(host, kind, p)
			v, err := edge.MarshalJSON(toFnEntry(e, debug))
			if err != nil {
				return err
			}
			rule := &set.Rules[e.Rule]
			if len(k) > MaxKVSKey {
				return &LimitError{What: "its KeyValueStore key", Size: len(k), Limit: MaxKVSKey, Rule: rule,
					Hint: "shorten the source, or use a Lambda@Edge function (--target lambda-edge)"}
			}
			if len(v) > MaxKVSValue {
				return &LimitError{What: "its KeyValueStore value", Size: len(v), Limit: MaxKVSValue, Rule: rule,
					Hint: "shorten the target, or use a Lambda@Edge function (--target lambda-edge)"}
			}
			kvs = append(kvs, KV{Key: k, Value: string(v)})
		}
		return nil
	}
	for host, h := range x.Hosts {
		if err := add(host, "exact", h.Exact); err != nil {
			return nil, err
		}
		if err := add(host, "override", h.Override); err != nil {
			return nil, err
		}
	}
	sort.Slice(kvs, func(i, j int) bool { return kvs[i].Key < kvs[j].Key })
	if _, err := KVSFile(kvs); err != nil {
		return nil, err
	}
	return kvs, nil
}

// patternOverflow names the pattern rule with which the code outgrows the
// budget: pattern rules cannot move to the KeyValueStore.
func patternOverflow(t *engine.Table, x *engine.Export, size int) error {
	empty := *x
	empty.Rules = nil
	empty.Hosts = map[string]*engine.ExportHost{"": {}}
	base, err := renderFunction(buildFnTable(&empty, true, false), FunctionOptions{})
	if err != nil {
		return err
	}
	total, patterns := len(base), 0
	var over *LimitError
	for i, r := range x.Rules {
		if len(r.Parts) == 0 {
			continue
		}
		patterns++
		b, _ := edge.MarshalJSON(toFnRule(r))
		total += len(b) + len(r.Parts[0].Lit) + 8 // the rule, its prefix key and index
		if total > MaxFunctionSize && over == nil {
			over = &LimitError{What: "the function's code with the pattern rules up to this one", Size: total, Limit: MaxFunctionSize, Rule: &t.Rules().Rules[i]}
		}
	}
	if over == nil {
		return &LimitError{What: "the CloudFront Function code", Size: size, Limit: MaxFunctionSize,
			Hint: "use a Lambda@Edge function (--target lambda-edge)"}
	}
	over.Hint = fmt.Sprintf("with all %d pattern rules the code would be %s; pattern rules (with * or :name) stay in the code, only exact rules move to the KeyValueStore: use fewer pattern rules, or a Lambda@Edge function (--target lambda-edge)", patterns, bytesText(size))
	return over
}

func functionHeaders(p edge.HeaderPolicy) ([]byte, error) {
	hs := [][2]string{}
	for _, h := range p.Headers() {
		hs = append(hs, [2]string{strings.ToLower(h.Name), h.Value})
	}
	return edge.MarshalJSON(hs)
}

func renderFunction(ft *fnTable, opts FunctionOptions) ([]byte, error) {
	table, err := edge.MarshalJSON(ft)
	if err != nil {
		return nil, err
	}
	headers, err := functionHeaders(opts.Headers)
	if err != nil {
		return nil, err
	}
	body, err := render("function.js", map[string]any{
		"KVS": ft.KVS, "Headers": string(headers), "Table": string(table), "Debug": opts.DebugHeader,
		"Runtime": functionRuntimeJS(ft.KVS, ft.CaseInsensitive),
	})
	if err != nil {
		return nil, err
	}
	// CloudFront counts every byte against 10 KB: the whole function is
	// minified (its global names, handler among them, are kept).
	min, err := minifyJS(string(body))
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if ft.KVS {
		b.WriteString("import cf from 'cloudfront';\n")
	}
	b.WriteString("// " + Banner + "\n")
	b.WriteString("// CloudFront Function (cloudfront-js-2.0), viewer-request; minified: the readable runtime is in the Lambda@Edge build.\n")
	b.WriteString(min)
	b.WriteString("\n")
	return b.Bytes(), nil
}

// ViewerResponseFunction returns a cloudfront-js-2.0 viewer-response
// function that adds the policy's headers to every response, for sites that
// do not attach a CloudFront response headers policy.
func ViewerResponseFunction(p edge.HeaderPolicy) ([]byte, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	headers, err := functionHeaders(p)
	if err != nil {
		return nil, err
	}
	return render("viewer-response.js", map[string]any{"Banner": Banner, "Headers": string(headers)})
}
