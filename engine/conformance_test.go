package engine_test

import (
	"fmt"
	"testing"

	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/internal/conformance"
	"github.com/signposthq/signpost/rules"
)

// TestConformance runs every vector in testdata/conformance through Compile
// and Resolve. The same vectors run against the edge code and the server.
func TestConformance(t *testing.T) {
	vectors, err := conformance.LoadAll()
	if err != nil {
		t.Fatal(err)
	}
	conformance.Run(t, vectors, func(t *testing.T, v *conformance.Vector) (conformance.Resolver, error) {
		set, ds := rules.Parse(v.Name+"/redirects.json", v.Rules)
		if err := ds.Err(); err != nil {
			return nil, err
		}
		table, ds := engine.Compile(set, v.Options)
		if err := ds.Err(); err != nil {
			return nil, err
		}
		return func(host, path, rawQuery string) (int, string, string, bool) {
			d := table.Resolve(host, path, rawQuery)
			checkTrace(t, table, host, path, rawQuery, d)
			rule := ""
			if d.Rule != nil {
				rule = d.Rule.Source
			}
			return d.Status, d.Location, rule, d.Match
		}, nil
	})
}

// checkTrace checks that Trace tells the story of Resolve's answer.
func checkTrace(t *testing.T, table *engine.Table, host, path, rawQuery string, d engine.Decision) {
	t.Helper()
	hops := table.Trace(host, path, rawQuery)
	if !d.Match || len(hops) == 0 {
		if len(hops) != 0 || d.Match {
			t.Errorf("Trace(%q, %q, %q) = %d hops, Resolve matches nothing", host, path, rawQuery, len(hops))
		}
		return
	}
	last := hops[len(hops)-1]
	status := hops[0].Status
	if last.Status == 410 {
		status = 410
	}
	if len(hops) != d.Hops || hops[0].Rule != d.Rule || last.Location != d.Location || status != d.Status {
		var got []string
		for _, h := range hops {
			got = append(got, fmt.Sprintf("%q %d %q", h.Rule.Source, h.Status, h.Location))
		}
		t.Errorf("Trace(%q, %q, %q) = %v; Resolve = %d %q rule %q in %d hops", host, path, rawQuery, got, d.Status, d.Location, d.Rule.Source, d.Hops)
	}
}
