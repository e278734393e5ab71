package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/signposthq/signpost/server"
)

// discardWriter is the cheapest ResponseWriter: the benchmark measures the
// handler, not net/http.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}

// WriteString is there because net/http's ResponseWriter has it.
func (w *discardWriter) WriteString(s string) (int, error) { return len(s), nil }

// BenchmarkHandler measures ServeHTTP for redirect hits and for misses
// (404 from the site) with 10k exact rules.
func BenchmarkHandler(b *testing.B) {
	const n = 10_000 // exact lookups cost the same at any size
	var rules strings.Builder
	rules.WriteString("{")
	for i := range n {
		if i > 0 {
			rules.WriteString(",")
		}
		fmt.Fprintf(&rules, "%q: {\"to\": \"/pages/%d\"}", fmt.Sprintf("/docs/%d/old-page-%d", i%977, i), i)
	}
	rules.WriteString("}")
	t := &testing.T{}
	ts, h := newSite(t, map[string]string{"404.html": "<h1>not found</h1>"}, "", nil)
	ts.Close()
	h.SetRules(compile(t, rules.String()), "redirects.json", "1")
	for _, kind := range []string{"hit", "miss"} {
		b.Run(kind, func(b *testing.B) {
			reqs := make([]*http.Request, 1024)
			for i := range reqs {
				k := (i * 97) % n
				path := fmt.Sprintf("/docs/%d/old-page-%d", k%977, k)
				if kind == "miss" {
					path = fmt.Sprintf("/docs/%d/missing-%d", i%977, i)
				}
				reqs[i], _ = http.NewRequest("GET", "http://example.com"+path, nil)
			}
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				clear(w.h)
				h.ServeHTTP(w, reqs[i%len(reqs)])
			}
		})
	}
	_ = server.DefaultHSTS
}
