package deploy

import (
	"context"
	"fmt"
	"github.com/signposthq/signpost/engine"
	"strings"
	"testing"
)

// bigRules writes n exact rules shaped like a real site's, the first
// changed of them pointing elsewhere.
func bigRules(n, changed int) string {
	var b strings.Builder
	b.WriteString("{\n")
	for i := range n {
		to := fmt.Sprintf("/new/%d/", i)
		if i < changed {
			to = fmt.Sprintf("/newer/%d/", i)
		}
		fmt.Fprintf(&b, "  %q: {\"to\": %q},\n", fmt.Sprintf("/section-%d/%d/old-page-%d", i%8, i%977, i), to)
	}
	b.WriteString("  \"/blog/*\": {\"to\": \"/news/:splat\"}\n}\n")
	return b.String()
}

// BenchmarkDiff compares two releases, a thousand rules of which changed,
// and plans their invalidation.
func BenchmarkDiff(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			old := SnapshotOf(artifacts(b, bigRules(n, 0)).Set)
			new := SnapshotOf(artifacts(b, bigRules(n, 1000)).Set)
			b.ResetTimer()
			for range b.N {
				cs := Diff(old, new)
				if len(cs) != 1000 {
					b.Fatal(len(cs))
				}
				if p := PlanInvalidation(cs, InvalidationOptions{MaxPaths: 3000}); len(p.Paths) != 2000 {
					b.Fatal(len(p.Paths))
				}
			}
		})
	}
}

// BenchmarkDeployS3 runs a whole plan and apply of 100k rules (a second
// release, a thousand changed) against the in-process S3 server.
func BenchmarkDeployS3(b *testing.B) {
	ctx := context.Background()
	first, second := artifacts(b, bigRules(100_000, 0)), artifacts(b, bigRules(100_000, 1000))
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		w := newWorldB(b)
		d := w.deployer(Target{Mode: ModeS3, Distributions: []string{"E1EXAMPLE"}})
		p, err := d.Plan(ctx, first)
		if err == nil {
			_, err = d.Apply(ctx, p)
		}
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		p, err = d.Plan(ctx, second)
		if err == nil {
			_, err = d.Apply(ctx, p)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(second.Compiled))/(1<<20), "table-MB")
}

// BenchmarkFollowed measures finding the sources whose chain runs through a
// changed rule (the new release is compiled already, as in a deploy).
func BenchmarkFollowed(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			old := SnapshotOf(artifacts(b, bigRules(n, 0)).Set)
			new := SnapshotOf(artifacts(b, bigRules(n, 1000)).Set)
			next, _ := engine.Compile(new.Set("new"), engine.Options{})
			changes := Diff(old, new)
			b.ResetTimer()
			for range b.N {
				Followed(old, new, changes, next)
			}
		})
	}
}
