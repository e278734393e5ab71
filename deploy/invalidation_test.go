package deploy

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/signposthq/signpost/engine"
)

func TestInvalidationPaths(t *testing.T) {
	for _, tc := range []struct {
		source string
		want   []string
	}{
		{"/jobs", []string{"/jobs", "/jobs/"}},
		{"/jobs/", []string{"/jobs", "/jobs/"}},
		{"/", []string{"/"}},
		{"/blog/*", []string{"/blog/*", "/blog"}},
		{"/waf/2019-*", []string{"/waf/2019-*"}},
		{"/team/:member", []string{"/team/*", "/team"}},
		{"/über uns", []string{"/%C3%BCber%20uns", "/%C3%BCber%20uns/"}},
		{"/%C3%BCber%20uns", []string{"/%C3%BCber%20uns", "/%C3%BCber%20uns/"}},
		{"/%6Aobs", []string{"/jobs", "/jobs/"}},
		{"/a%2Fb", []string{"/a%2Fb", "/a%2Fb/"}},
		{"/100%", []string{"/100%25", "/100%25/"}},
		{"/a*b", []string{"/a%2Ab", "/a%2Ab/"}}, // a literal "*" is not a wildcard
		{"/what?x", []string{"/what%3Fx", "/what%3Fx/"}},
		{"/~user", []string{"/%7Euser", "/%7Euser/"}},
		{"https://old.example.com/pricing", []string{"/pricing", "/pricing/"}},
		{"https://old.example.com", []string{"/"}},
		{"HTTP://Old.Example.com/Team", []string{"/Team", "/Team/"}},
	} {
		if got := invalidationPaths(tc.source, false); !slices.Equal(got, tc.want) {
			t.Errorf("%q: got %q, want %q", tc.source, got, tc.want)
		}
	}
	if got := invalidationPaths("/jobs", true); !slices.Equal(got, []string{"/jobs*"}) {
		t.Errorf("query variants: %q", got)
	}
}

func TestPlanInvalidation(t *testing.T) {
	changes := func(srcs ...string) []Change {
		var cs []Change
		for _, s := range srcs {
			cs = append(cs, Change{Kind: Changed, Source: s})
		}
		return cs
	}
	// A wildcard covers the exact paths under it.
	p := PlanInvalidation(changes("/blog/*", "/blog/2019/hello", "/jobs"), InvalidationOptions{})
	if !slices.Equal(p.Paths, []string{"/blog", "/blog/*", "/jobs", "/jobs/"}) || p.Everything {
		t.Fatalf("paths %q", p.Paths)
	}
	// Above the limit: "/*".
	var many []string
	for i := range 300 {
		many = append(many, fmt.Sprintf("/p%d", i))
	}
	p = PlanInvalidation(changes(many...), InvalidationOptions{MaxPaths: 500})
	if !p.Everything || !slices.Equal(p.Paths, []string{"/*"}) || p.Wanted != 600 {
		t.Fatalf("fallback: %q everything=%v wanted=%d", p.Paths, p.Everything, p.Wanted)
	}
	// Batched below it.
	p = PlanInvalidation(changes(many...), InvalidationOptions{MaxPaths: 1000, BatchSize: 250})
	if len(p.Batches) != 3 || len(p.Batches[0]) != 250 || len(p.Batches[2]) != 100 {
		t.Fatalf("batches of %d", len(p.Batches))
	}
	// More wildcards than CloudFront allows in progress: "/*".
	var wild []string
	for i := range MaxWildcardsInProgress + 1 {
		wild = append(wild, fmt.Sprintf("/w%d/*", i))
	}
	if p = PlanInvalidation(changes(wild...), InvalidationOptions{}); !p.Everything {
		t.Fatalf("%d wildcards did not fall back to /*", len(wild))
	}
	if p = PlanInvalidation(nil, InvalidationOptions{}); len(p.Paths) != 0 || len(p.Batches) != 0 {
		t.Fatal("no change, yet paths")
	}
}

func TestDiff(t *testing.T) {
	old := Snapshot{"/a": {To: "/x", Status: 301}, "/b": {To: "/y", Status: 301}, "/c": {Status: 410}}
	new := Snapshot{"/a": {To: "/x", Status: 301}, "/b": {To: "/y", Status: 302}, "/d": {To: "/z", Status: 301, Query: "drop"}}
	got := Diff(old, new)
	var kinds []string
	for _, c := range got {
		kinds = append(kinds, string(c.Kind)+" "+c.Source)
	}
	if !slices.Equal(kinds, []string{"changed /b", "removed /c", "added /d"}) {
		t.Fatalf("diff %q", kinds)
	}
	// Each change points at its own entries.
	if b, c, d := got[0], got[1], got[2]; *b.Old != old["/b"] || *b.New != new["/b"] || *c.Old != old["/c"] || c.New != nil || d.Old != nil || *d.New != new["/d"] {
		t.Fatalf("entries %+v %+v, %+v %+v, %+v %+v", b.Old, b.New, c.Old, c.New, d.Old, d.New)
	}
	if old.Digest() == new.Digest() || old.Digest() != (Snapshot{"/c": {Status: 410}, "/b": {To: "/y", Status: 301}, "/a": {To: "/x", Status: 301}}).Digest() {
		t.Fatal("digest does not follow content")
	}
}

// A source whose own rule is unchanged but whose chain runs through a
// changed rule is invalidated too: CloudFront cached the end of its chain.
func TestFollowedChains(t *testing.T) {
	old := Snapshot{
		"/old":                     {To: "/jobs", Status: 301},
		"/jobs":                    {To: "https://a.example/", Status: 301},
		"/blog/*":                  {To: "/news/:splat", Status: 301},
		"/older":                   {To: "/blog/x", Status: 301},
		"/same":                    {To: "/elsewhere", Status: 302},
		"https://h.example/hp":     {To: "/jobs", Status: 301},
		"/to-h":                    {To: "/h-only", Status: 301},
		"https://h.example/h-only": {To: "/one", Status: 301},
	}
	// Three rules change; every other source keeps its rule.
	new := maps.Clone(old)
	new["/jobs"] = Entry{To: "https://b.example/", Status: 301}
	new["/blog/*"] = Entry{To: "/articles/:splat", Status: 301}
	new["https://h.example/h-only"] = Entry{To: "/two", Status: 301}
	next, ds := engine.Compile(new.Set("new"), engine.Options{})
	if ds.HasErrors() {
		t.Fatal(ds.Err())
	}
	var got []string
	for _, c := range Followed(old, new, Diff(old, new), next) {
		got = append(got, c.Source)
	}
	// /to-h changes only for requests to h.example, where its chain runs
	// through a rule of that host.
	want := []string{"/old", "/older", "/to-h", "https://h.example/hp"}
	if !slices.Equal(got, want) {
		t.Errorf("Followed = %q, want %q", got, want)
	}
	// The rule diff itself names only the rules that changed.
	var diff []string
	for _, c := range Diff(old, new) {
		diff = append(diff, c.Source)
	}
	if want := []string{"/blog/*", "/jobs", "https://h.example/h-only"}; !slices.Equal(diff, want) {
		t.Errorf("Diff = %q, want %q", diff, want)
	}
}
