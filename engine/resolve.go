package engine

import (
	"strings"
	"unsafe"
)

// stackPath is the path length resolved without a heap buffer.
const stackPath = 512

// bytesOf views s as bytes without copying; the bytes are never written.
func bytesOf(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// request is a path in its canonical (d) and folded (f) forms; n is the
// length of d without its trailing slash.
type request struct {
	d, f []byte
	n    int
}

// newRequest canonicalizes path into db and, when folding, fb. The buffers
// are the caller's so that they can live on its stack.
func newRequest(path string, fold bool, db, fb []byte) request {
	var q request
	if needsCanon(path) {
		q.d = appendCanon(db, path)
	} else {
		q.d = bytesOf(path)
	}
	q.f = q.d
	if fold {
		q.f = appendFold(fb, q.d)
	}
	q.n = len(trimSlash(q.d))
	return q
}

// hostTable returns the rules for a request's host, or nil when the host has
// none of its own.
func (t *Table) hostTable(host string) *hostTable {
	if len(t.hosts) == 0 || host == "" {
		return nil
	}
	if isLowerHost(host) {
		return t.hosts[host]
	}
	var b [128]byte
	return t.hosts[string(appendHost(b[:0], host))]
}

// Resolve decides what a request gets. host may be empty or carry a port;
// path is the request path as received (percent-encoded, starting with "/");
// rawQuery is the query string without "?".
func (t *Table) Resolve(host, path, rawQuery string) Decision {
	t.Prepare()
	h := t.hostTable(host)
	var db, fb [stackPath]byte
	q := newRequest(path, t.opts.CaseInsensitive, db[:0], fb[:0])
	var caps [maxCaptures]capture
	m := t.match(h, q.d, q.f, q.n, &caps)
	if m.rule < 0 {
		return Decision{}
	}
	if m.entry >= 0 {
		// An exact hit: all of the answer is in the record the lookup has
		// just read.
		ix, rec := m.ix, m.rec
		dec := Decision{Match: true, Status: ix.status(rec), Rule: &t.set.Rules[m.rule], RuleIndex: m.rule, Hops: ix.hops(rec)}
		switch loc := ix.loc(rec); {
		case dec.Status == 410:
		case ix.keep(rec) && rawQuery != "":
			dec.Location = string(insertQuery(make([]byte, 0, len(loc)+len(rawQuery)+1), loc, rawQuery))
		default:
			dec.Location = loc
		}
		return dec
	}
	r := &t.rules[m.rule]
	dec := Decision{Match: true, Status: r.status, Rule: r.rule, RuleIndex: m.rule, Hops: 1}
	if r.status == 410 {
		return dec
	}
	loc := string(t.build(r, q.d, &caps, rawQuery))
	var gone bool
	dec.Location, dec.Hops, gone = t.follow(h, loc)
	if gone {
		dec.Status = 410
	}
	return dec
}

// build makes the single-step target of rule r for the canonical path d.
func (t *Table) build(r *crule, d []byte, caps *[maxCaptures]capture, rawQuery string) []byte {
	var buf [stackPath]byte
	b := r.to.appendTo(buf[:0], d, caps)
	if r.keep && rawQuery != "" {
		return insertQuery(nil, string(b), rawQuery)
	}
	return append([]byte(nil), b...)
}

// next is where a Location leads when it stays on the site.
type next struct {
	h           *hostTable
	path, query string
	base        string // scheme://host of an absolute Location, for the targets after it
}

// sameSite reports whether loc is a path on the site whose rules are h, or
// an absolute URL for a host with rules of its own, and splits it.
func (t *Table) sameSite(loc string, h *hostTable) (next, bool) {
	n := next{h: h}
	rest := loc
	if !strings.HasPrefix(loc, "/") {
		_, host, r, ok := splitURL(loc)
		if !ok {
			return n, false
		}
		hh := t.hostTable(host)
		if hh == nil {
			return n, false
		}
		n.h, n.base, rest = hh, loc[:len(loc)-len(r)], r
		if rest == "" || rest[0] != '/' {
			rest = "/" + rest
		}
	}
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	n.path = rest
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		n.path, n.query = rest[:i], rest[i+1:]
	}
	return n, true
}

func fragmentOf(loc string) string {
	if i := strings.IndexByte(loc, '#'); i >= 0 {
		return loc[i:]
	}
	return ""
}

// chainStep is one rule of a chain after the first.
type chainStep struct {
	rule int
	loc  string
	hops int
	gone bool // the rule answers 410: the chain stops before it
	h    *hostTable
}

// step resolves loc one rule further, or reports ok=false when loc leaves
// the site or no rule matches it. exactFinal says whether an exact rule's
// entry (its chain already followed) may be used.
func (t *Table) step(loc string, h *hostTable, frag string, exactFinal bool) (s chainStep, ok bool) {
	n, ok := t.sameSite(loc, h)
	if !ok {
		return s, false
	}
	var db, fb [stackPath]byte
	q := newRequest(n.path, t.opts.CaseInsensitive, db[:0], fb[:0])
	var caps [maxCaptures]capture
	m := t.match(n.h, q.d, q.f, q.n, &caps)
	if m.rule < 0 {
		return s, false
	}
	r := &t.rules[m.rule]
	s = chainStep{rule: m.rule, hops: 1, h: n.h}
	var b []byte
	switch {
	case m.entry >= 0 && exactFinal:
		e := &t.entries[m.entry]
		s.hops = int(e.hops)
		if e.status == 410 {
			s.gone = true
			return s, true
		}
		if e.keep && n.query != "" {
			b = insertQuery(nil, e.loc, n.query)
		} else {
			b = []byte(e.loc)
		}
	case r.status == 410:
		s.gone = true
		return s, true
	default:
		b = t.build(r, q.d, &caps, n.query)
	}
	if frag != "" && fragmentOf(string(b)) == "" {
		b = append(b, frag...)
	}
	if n.base != "" && len(b) > 0 && b[0] == '/' {
		b = append([]byte(n.base), b...)
	}
	s.loc = string(b)
	return s, true
}

// follow follows the chain from the first target of a pattern rule and
// returns the final Location and the number of rules passed, or gone when
// the chain ends at a 410. A chain that does not end within MaxHops is not
// followed: the answer is the first target.
func (t *Table) follow(h *hostTable, loc string) (_ string, hops int, gone bool) {
	first := loc
	hops = 1
	for {
		s, ok := t.step(loc, h, fragmentOf(loc), true)
		if !ok {
			return loc, hops, false
		}
		hops += s.hops
		if hops > t.opts.MaxHops {
			return first, 1, false
		}
		if s.gone {
			return "", hops, true
		}
		loc, h = s.loc, s.h
		if t.isEntryRule(s.rule) {
			return loc, hops, false // exact entries are already followed to the end
		}
	}
}

func (t *Table) isEntryRule(i int) bool { return t.rules[i].src.exact }
