package jsgen_test

import (
	"testing"

	"github.com/signposthq/signpost/edge"
	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/internal/conformance"
	"github.com/signposthq/signpost/rules"
)

// TestConformance runs every conformance vector through the generated
// JavaScript in Node.js (Lambda@Edge at both triggers, the CloudFront
// Function with its rules embedded and with a KeyValueStore) and through
// the Go reference handler, which must return byte for byte the same
// events.
func TestConformance(t *testing.T) {
	needNode(t)
	vectors, err := conformance.LoadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			conformance.Run(t, vectors, func(t *testing.T, vec *conformance.Vector) (conformance.Resolver, error) {
				set, ds := rules.Parse(vec.Name+"/redirects.json", vec.Rules)
				if err := ds.Err(); err != nil {
					return nil, err
				}
				table, ds := engine.Compile(set, vec.Options)
				if err := ds.Err(); err != nil {
					return nil, err
				}
				p := edge.HeaderPolicy{}
				events := make([]any, len(vec.Cases))
				for i, c := range vec.Cases {
					events[i] = v.event(request{c.Host, c.Path(), c.RawQuery()})
				}
				n := v.start(t, table, p)
				got, err := n.Run(events)
				if err != nil {
					return nil, err
				}
				want := v.reference(t, table, p, events)
				answers := map[request]answer{}
				for i, c := range vec.Cases {
					if !sameJSON(got[i], want[i]) {
						t.Errorf("%s:%d: %s: the JavaScript and the Go handler differ\n\tnode: %s\n\tgo:   %s", vec.File, c.Line, c.URL, got[i], want[i])
					}
					answers[request{c.Host, c.Path(), c.RawQuery()}] = answerOf(t, got[i])
				}
				return func(host, path, rawQuery string) (int, string, string, bool) {
					a := answers[request{host, path, rawQuery}]
					if !a.match {
						return 0, "", "", false
					}
					return a.status, a.location, set.Rules[a.rule].Source, true
				}, nil
			})
		})
	}
}
