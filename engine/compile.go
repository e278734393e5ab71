package engine

import (
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/signposthq/signpost/rules"
)

// Compile builds a Table from set. Its diagnostics are the checks that need
// matching: key syntax, placeholders in "to" that the key does not capture,
// sources that collide after normalization, rules that redirect to
// themselves, loops, chains that do not end, and (as warnings) chains and
// redirects to a source that is gone. The Table is nil when any is an error.
func Compile(set *rules.Set, opts Options) (*Table, rules.Diagnostics) {
	if opts.MaxHops <= 0 {
		opts.MaxHops = DefaultMaxHops
	}
	c := &compiler{set: set, t: &Table{set: set, opts: opts, any: newHostTable()}}
	c.rules()
	c.flattenAll()
	c.checkPatterns()
	if c.diags.HasErrors() {
		return nil, c.diags
	}
	return c.t, c.diags
}

type compiler struct {
	set   *rules.Set
	t     *Table
	diags rules.Diagnostics
	// seen maps a normalized pattern source to the rule that has it.
	seen map[string]int
}

func (c *compiler) report(sev rules.Severity, pos rules.Pos, code, hint, format string, args ...any) {
	c.diags = append(c.diags, rules.Diagnostic{File: c.set.File, Pos: pos, Severity: sev, Code: code, Message: fmt.Sprintf(format, args...), Hint: hint})
}

// rules parses every key and target and fills the host tables.
func (c *compiler) rules() {
	t := c.t
	fold := t.opts.CaseInsensitive
	t.rules = make([]crule, len(c.set.Rules))
	c.seen = map[string]int{}
	t.any.exact = newPathIndex(len(c.set.Rules))
	t.entries = make([]entry, 0, len(c.set.Rules))
	for i := range c.set.Rules {
		r := &c.set.Rules[i]
		cr := &t.rules[i]
		cr.rule, cr.status, cr.keep = r, r.Status, r.Query != rules.QueryDrop
		src, warnings, err := parseSource(r.Source, fold)
		if err != nil {
			c.report(rules.Error, r.KeyPos, "source", "", "%v", err)
			cr.status = -1 // never matched
			continue
		}
		for _, w := range warnings {
			c.report(rules.Warning, r.KeyPos, "source", "", "%s", w)
		}
		cr.src = src
		if r.Status != rules.StatusGone {
			to, err := parseTarget(r.To, &cr.src)
			if err != nil {
				c.report(rules.Error, r.ToPos, "placeholder", "to keep a literal colon, write it as %3A", "%v", err)
			}
			if to.abs && len(to.pieces) > 0 && to.pieces[0].slot >= 0 {
				c.report(rules.Error, r.ToPos, "placeholder", "", "a placeholder may not stand in the host of a target")
			}
			cr.to = to
		}
		h := t.any
		if src.host != "" {
			if t.hosts == nil {
				t.hosts = map[string]*hostTable{}
			}
			if h = t.hosts[src.host]; h == nil {
				h = newHostTable()
				t.hosts[src.host] = h
			}
		}
		j, dup := -1, false
		if src.exact {
			var k int32
			if k, dup = h.exact.get(src.path); dup {
				j = int(t.entries[k].rule)
			}
		} else {
			key := src.key()
			if j, dup = c.seen[key]; !dup {
				c.seen[key] = i
			}
		}
		if dup {
			if c.set.Rules[j].Source != r.Source { // the same text is reported by the parser
				c.report(rules.Error, r.KeyPos, "collision", "remove one of them; a trailing slash, letter case or percent-encoding does not make a different source",
					"source %q is the same as %q (line %d) after normalization", r.Source, c.set.Rules[j].Source, c.set.Rules[j].KeyPos.Line)
			}
			cr.status = -1
			continue
		}
		if src.exact {
			t.entries = append(t.entries, entry{rule: int32(i)})
			h.exact.set(src.path, int32(len(t.entries)-1))
			continue
		}
		first := src.parts[0].lit
		h.addPattern(first, int32(i))
		if len(src.parts) == 2 && src.parts[1].kind == partSplat && len(first) > 1 && first[len(first)-1] == '/' {
			h.addPattern(first[:len(first)-1], int32(i)) // /blog/* also matches /blog
		}
		if h == t.any {
			t.patterns++
		}
	}
	t.any.sortLens()
	for _, h := range t.hosts {
		h.sortLens()
	}
}

// flatten follows the chain of exact rule i for requests whose host has the
// rules h (nil: a host without rules of its own). It returns the entry and
// the rules passed, and a problem when the chain loops or does not end.
// chain is a buffer for the result.
func (c *compiler) flatten(i int, h *hostTable, chain []int) (e entry, _ []int, gone int, problem string) {
	t := c.t
	r := &t.rules[i]
	e = entry{rule: int32(i), status: int16(r.status), keep: r.keep, hops: 1}
	gone = -1
	chain = append(chain[:0], i)
	if r.status == rules.StatusGone {
		return e, chain, gone, ""
	}
	loc := r.to.static
	for {
		s, ok := t.step(loc, h, fragmentOf(loc), false)
		if !ok {
			break
		}
		if s.gone {
			// The chain ends at a page that is gone: so does the answer.
			gone = s.rule
			chain = append(chain, s.rule)
			e.status, e.keep, e.hops = rules.StatusGone, false, uint8(len(chain))
			return e, chain, gone, ""
		}
		for _, j := range chain {
			if j == s.rule {
				chain = append(chain, s.rule)
				if len(chain) == 2 {
					return e, chain, gone, "self"
				}
				return e, chain, gone, "loop"
			}
		}
		chain = append(chain, s.rule)
		if len(chain) > t.opts.MaxHops {
			return e, chain, gone, "long"
		}
		e.keep = e.keep && t.rules[s.rule].keep
		loc, h = s.loc, s.h
	}
	e.loc, e.hops = loc, uint8(len(chain))
	return e, chain, gone, ""
}

func (c *compiler) chainText(chain []int) string {
	parts := make([]string, len(chain))
	for k, j := range chain {
		parts[k] = c.set.Rules[j].Source
	}
	return strings.Join(parts, " → ")
}

// flattened is what flatten found for one exact rule.
type flattened struct {
	e       entry
	chain   []int // only when it is reported: a problem, a chain, a gone end
	gone    int
	problem string
}

// flattenEach flattens the exact rule of each entry k in 0..n-1 for which
// ctx gives ok, for requests whose host has the rules ctx returns. Entries
// are independent and the tables are only read, so the work is spread over
// the processors.
func (c *compiler) flattenEach(n int, ctx func(k int) (i int, h *hostTable, ok bool)) []flattened {
	out := make([]flattened, n)
	workers := min(runtime.GOMAXPROCS(0), max(1, n/4096))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []int
			for k := w * n / workers; k < (w+1)*n/workers; k++ {
				i, h, ok := ctx(k)
				if !ok {
					out[k].e.rule = -1
					continue
				}
				e, chain, gone, problem := c.flatten(i, h, buf)
				buf = chain
				out[k] = flattened{e: e, gone: gone, problem: problem}
				if problem != "" || gone >= 0 || len(chain) > 1 {
					out[k].chain = slices.Clone(chain)
				}
			}
		}()
	}
	wg.Wait()
	return out
}

// flattenAll follows the chain of every exact rule, reporting loops and
// chains, and fills the entries.
func (c *compiler) flattenAll() {
	t := c.t
	loops := map[string]bool{} // the loops reported, by their rules
	res := c.flattenEach(len(t.entries), func(k int) (int, *hostTable, bool) {
		i := int(t.entries[k].rule)
		return i, t.hosts[t.rules[i].src.host], true
	})
	flat := make([]entry, len(t.entries))
	for k, f := range res { // in file order
		i := int(f.e.rule)
		rr := &c.set.Rules[i]
		switch {
		case f.problem != "":
			c.reportChain(i, t.rules[i].src.host, f.chain, f.problem, loops)
			f.e = c.single(i)
		case f.gone >= 0:
			c.report(rules.Warning, rr.KeyPos, "to-gone", fmt.Sprintf("give %q the status 410 itself", rr.Source), "%q redirects to %q, which is gone: it answers 410", rr.Source, c.set.Rules[f.gone].Source)
		case len(f.chain) > 1:
			c.report(rules.Warning, rr.KeyPos, "chain", fmt.Sprintf("point %q straight at %q", rr.Source, f.e.loc),
				"chain: %s; visitors are sent to %q in one hop", c.chainText(f.chain), f.e.loc)
		}
		flat[k] = f.e
	}
	// A host with rules of its own may end a host-less chain elsewhere: such
	// a host gets overrides. flatten only reads which rule an entry is for,
	// so the overrides can go into t.entries as they are found.
	t.entries = flat
	hosts := slices.Sorted(maps.Keys(t.hosts))
	for _, host := range hosts {
		h := t.hosts[host]
		res := c.flattenEach(len(flat), func(k int) (int, *hostTable, bool) {
			i := int(flat[k].rule)
			return i, h, t.rules[i].src.host == ""
		})
		for k, f := range res {
			i := int(f.e.rule)
			switch {
			case i < 0:
			case f.problem != "":
				c.reportChain(i, host, f.chain, f.problem, loops)
			case f.e != flat[k]:
				if h.override == nil {
					h.override = newPathIndex(0)
				}
				t.entries = append(t.entries, f.e)
				h.override.set(t.rules[i].src.path, int32(len(t.entries)-1))
			}
		}
	}
}

// single is the entry of exact rule i without its chain, for a rule whose
// chain is in error.
func (c *compiler) single(i int) entry {
	r := &c.t.rules[i]
	return entry{rule: int32(i), status: int16(r.status), keep: r.keep, hops: 1, loc: r.to.static}
}

// reportChain reports the problem flatten found in the chain of rule i for
// requests to host ("" for a host without rules of its own). A loop is
// reported once, at the first rule in the file that meets it; a rule that
// leads into a loop gets its own error.
func (c *compiler) reportChain(i int, host string, chain []int, problem string, loops map[string]bool) {
	rr := &c.set.Rules[i]
	on := ""
	if host != "" && host != c.t.rules[i].src.host {
		on = fmt.Sprintf(" (for requests to %s)", host)
	}
	switch problem {
	case "self":
		c.report(rules.Error, rr.KeyPos, "self-redirect", "remove the rule, or point it somewhere else", "%q redirects to itself%s", rr.Source, on)
	case "long":
		c.report(rules.Error, rr.KeyPos, "chain-too-long", "point the rules at their final targets", "the chain from %q passes more than %d rules%s: %s", rr.Source, c.t.opts.MaxHops, on, c.chainText(chain))
	case "loop":
		repeat := chain[len(chain)-1]
		start := 0
		for chain[start] != repeat {
			start++
		}
		cycle := slices.Clone(chain[start : len(chain)-1])
		slices.Sort(cycle)
		key := fmt.Sprint(host, cycle)
		switch {
		case start > 0:
			c.report(rules.Error, rr.KeyPos, "loop", "change the rules of the loop so that the chain ends at a page", "%q leads into a redirect loop%s: %s", rr.Source, on, c.chainText(chain))
		case !loops[key]:
			c.report(rules.Error, rr.KeyPos, "loop", "change one of these rules so that the chain ends at a page", "redirect loop%s: %s", on, c.chainText(chain))
		}
		loops[key] = true
	}
}

// checkPatterns tries each pattern rule on a sample path and reports the
// ones that loop or do not end.
func (c *compiler) checkPatterns() {
	t := c.t
	for i := range t.rules {
		r := &t.rules[i]
		if r.status <= 0 || r.src.exact || r.status == rules.StatusGone {
			continue
		}
		sample := r.src.sample()
		var h *hostTable
		if r.src.host != "" {
			h = t.hosts[r.src.host]
		}
		q := newRequest(sample, t.opts.CaseInsensitive, nil, nil)
		var caps [maxCaptures]capture
		if t.match(h, q.d, q.f, q.n, &caps).rule != i {
			continue // the sample is taken by another rule
		}
		loc := string(t.build(r, q.d, &caps, ""))
		chain := []int{i}
		for {
			s, ok := t.step(loc, h, fragmentOf(loc), false)
			if !ok || s.gone {
				break
			}
			if s.rule == i || len(chain) >= t.opts.MaxHops {
				rr := &c.set.Rules[i]
				c.report(rules.Error, rr.KeyPos, "loop", "make sure the target is not matched by the source again",
					"%q sends %s round in a loop: %s", rr.Source, sample, c.chainText(append(chain, s.rule)))
				break
			}
			chain = append(chain, s.rule)
			loc, h = s.loc, s.h
		}
	}
}

// sample returns a request path the pattern matches: "x" for every
// placeholder.
func (s *source) sample() string {
	var b strings.Builder
	for _, p := range s.parts {
		switch p.kind {
		case partLit:
			b.WriteString(p.lit)
		case partSeg, partSplat:
			b.WriteString("x")
		}
	}
	return b.String()
}
