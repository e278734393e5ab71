package engine

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/signposthq/signpost/rules"
)

// benchSet makes n exact rules and p pattern rules shaped like a real site's:
// nested paths of a few segments, some with trailing slashes.
func benchSet(n, p int) *rules.Set {
	set := &rules.Set{File: "bench.json", Rules: make([]rules.Rule, 0, n+p)}
	add := func(src, to string) {
		set.Rules = append(set.Rules, rules.Rule{Source: src, To: to, Status: 301, Index: len(set.Rules)})
	}
	for i := 0; i < n; i++ {
		add(fmt.Sprintf("/section-%d/old-page-%d", i%97, i), fmt.Sprintf("https://new.example.com/pages/%d", i))
	}
	for i := 0; i < p; i++ {
		add(fmt.Sprintf("/archive-%d/*", i), fmt.Sprintf("/library/%d/:splat", i))
	}
	return set
}

func benchTable(b *testing.B, n, p int) *Table {
	b.Helper()
	t, ds := Compile(benchSet(n, p), Options{})
	if ds.HasErrors() {
		b.Fatal(ds.Err())
	}
	return t
}

func BenchmarkResolve(b *testing.B) {
	for _, n := range []int{1_000, 100_000, 1_000_000} {
		t := benchTable(b, n, 0)
		hit := fmt.Sprintf("/section-%d/old-page-%d/", (n/2)%97, n/2)
		b.Run(fmt.Sprintf("exact=%d/hit", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if d := t.Resolve("example.com", hit, ""); !d.Match {
					b.Fatal("no match")
				}
			}
		})
		// Hits spread over many keys, as real traffic is: the map does not
		// stay in the cache.
		spread := make([]string, 4096)
		for i := range spread {
			k := (i * 7919) % n
			spread[i] = fmt.Sprintf("/section-%d/old-page-%d", k%97, k)
		}
		b.Run(fmt.Sprintf("exact=%d/hit-spread", n), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if d := t.Resolve("example.com", spread[i&4095], ""); !d.Match {
					b.Fatal("no match")
				}
				i++
			}
		})
		b.Run(fmt.Sprintf("exact=%d/hit-encoded", n), func(b *testing.B) {
			enc := strings.Replace(hit, "old", "%6Fld", 1)
			b.ReportAllocs()
			for b.Loop() {
				if d := t.Resolve("example.com", enc, ""); !d.Match {
					b.Fatal("no match")
				}
			}
		})
		b.Run(fmt.Sprintf("exact=%d/miss", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if d := t.Resolve("example.com", "/section-3/not-there", ""); d.Match {
					b.Fatal("match")
				}
			}
		})
	}
	t := benchTable(b, 1_000, 1_000)
	b.Run("patterns=1000/hit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if d := t.Resolve("example.com", "/archive-500/2019/a-post/", ""); !d.Match {
				b.Fatal("no match")
			}
		}
	})
	b.Run("patterns=1000/miss", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if d := t.Resolve("example.com", "/products/widgets/blue", ""); d.Match {
				b.Fatal("match")
			}
		}
	})
}

// BenchmarkCompile1M reports the time and the heap a million exact rules
// take to compile (the parse is measured in package rules), and then to be
// prepared for lookups.
func BenchmarkCompile1M(b *testing.B) {
	set := benchSet(1_000_000, 0)
	b.ReportAllocs()
	for b.Loop() {
		var before, after runtime.MemStats
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&before)
		b.StartTimer()
		t, _ := Compile(set, Options{})
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "heap-MiB")
		// What a server adds before taking traffic: the lookup index.
		start := time.Now()
		t.Prepare()
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "prepare-ms")
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "prepared-heap-MiB")
		b.StartTimer()
		runtime.KeepAlive(t)
	}
}
