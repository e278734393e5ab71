package engine_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/internal/conformance"
	"github.com/signposthq/signpost/rules"
)

// TestRandomRuleSets compiles thousands of small rule sets built from parts
// that interact (chains, patterns, hosts, trailing slashes, encodings) and
// checks, for hostile and ordinary requests, that nothing panics, every
// Location is safe, and Resolve (which uses the chains flattened at compile
// time) agrees with Trace (which follows them one rule at a time).
func TestRandomRuleSets(t *testing.T) {
	keys := []string{"/a", "/b", "/c", "/a/", "/a/*", "/b/*", "/*", "/:x", "/a/:x", "/c/:x/*", "/%2F", "/ü", "/A", "https://h.example/b", "https://h.example/*"}
	tos := []string{"/a", "/b", "/c", "/a/b", "/:splat", "/x/:splat", "/:x", "/b?q=1", "/c#f", "https://h.example/a", "https://h.example/c", "https://g.example/b", "https://e.example/:splat", "/d", "/a/:x/"}
	paths := []string{"/a", "/b", "/c", "/a/", "/a/b", "/a/a/a", "//evil", "/%2F%2Fevil", "/a/%0d%0a", "/c/x/y/", "/ü", "/%C3%BC", "/A", "/b/b/b/b", "/", "/a\\evil", "/a/%5Cevil"}
	hosts := []string{"", "h.example", "g.example", "H.EXAMPLE:443"}
	r := rand.New(rand.NewPCG(1, 2))
	n, compiled := 6000, 0
	if testing.Short() {
		n = 300
	}
	for range n {
		set := &rules.Set{File: "random.json"}
		seen := map[string]bool{}
		for range 2 + r.IntN(8) {
			k := keys[r.IntN(len(keys))]
			if seen[k] {
				continue
			}
			seen[k] = true
			rl := rules.Rule{Source: k, To: tos[r.IntN(len(tos))], Status: []int{301, 302, 410}[r.IntN(3)], Index: len(set.Rules)}
			if rl.Status == 410 {
				rl.To = ""
			}
			if r.IntN(4) == 0 {
				rl.Query = rules.QueryDrop
			}
			set.Rules = append(set.Rules, rl)
		}
		tab, ds := engine.Compile(set, engine.Options{CaseInsensitive: r.IntN(2) == 0})
		if tab == nil || ds.HasErrors() {
			continue
		}
		compiled++
		for _, p := range paths {
			for _, h := range hosts {
				d := tab.Resolve(h, p, "q=1")
				if d.Match && d.Rule.Index != d.RuleIndex {
					t.Fatalf("%s %s: RuleIndex %d, but Rule.Index %d", h, p, d.RuleIndex, d.Rule.Index)
				}
				if d.Match && d.Location != "" {
					if err := conformance.CheckLocation(d.Location); err != nil {
						t.Fatalf("%s %s -> %q: %v\nrules: %s", h, p, d.Location, err, describe(set))
					}
				}
				tr := tab.Trace(h, p, "q=1")
				last := ""
				if len(tr) > 0 {
					last = tr[len(tr)-1].Location
				}
				if d.Match && (len(tr) != d.Hops || last != d.Location) {
					t.Fatalf("%s %s: Resolve %d %q in %d hops, Trace %d hops ending %q\nrules: %s", h, p, d.Status, d.Location, d.Hops, len(tr), last, describe(set))
				}
			}
		}
	}
	if compiled < n/5 {
		t.Fatalf("only %d of %d rule sets compiled: the test checks too little", compiled, n)
	}
}

func describe(set *rules.Set) string {
	s := ""
	for _, r := range set.Rules {
		s += fmt.Sprintf("%q: {to: %q, status: %d, query: %v} ", r.Source, r.To, r.Status, r.Query)
	}
	return s
}
