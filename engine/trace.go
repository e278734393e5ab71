package engine

import "github.com/signposthq/signpost/rules"

// Hop is one rule a request passes through and the Location that rule
// alone gives.
type Hop struct {
	Rule     *rules.Rule
	Status   int
	Location string
}

// Trace returns the rules a request passes through, in order, as a browser
// following every redirect would meet them, each with the status and the
// Location it gives alone: len(Trace) is Resolve's Hops, the last Hop's
// Location is Resolve's Location, and Resolve's status is the first Hop's,
// or 410 when the last Hop is a rule answering 410 (its Location is empty).
// Trace allocates; it is for explaining (signpost explain), not for
// serving.
func (t *Table) Trace(host, path, rawQuery string) []Hop {
	t.Prepare()
	// The first lines repeat Resolve's on purpose: a shared helper is not
	// inlined and costs Resolve, the serving path, about 13 ns a lookup.
	h := t.hostTable(host)
	var db, fb [stackPath]byte
	q := newRequest(path, t.opts.CaseInsensitive, db[:0], fb[:0])
	var caps [maxCaptures]capture
	m := t.match(h, q.d, q.f, q.n, &caps)
	if m.rule < 0 {
		return nil
	}
	r := &t.rules[m.rule]
	hops := []Hop{{Rule: r.rule, Status: r.status}}
	if r.status == 410 {
		return hops
	}
	loc := string(t.build(r, q.d, &caps, rawQuery))
	hops[0].Location = loc
	for {
		s, ok := t.step(loc, h, fragmentOf(loc), false)
		if !ok {
			return hops
		}
		sr := &t.rules[s.rule]
		hops = append(hops, Hop{Rule: sr.rule, Status: sr.status, Location: s.loc})
		if len(hops) > t.opts.MaxHops {
			return hops[:1] // as Resolve: a chain too long is not followed
		}
		if s.gone {
			return hops
		}
		loc, h = s.loc, s.h
	}
}
