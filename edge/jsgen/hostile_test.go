package jsgen_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/signposthq/signpost/edge"
	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/internal/conformance"
)

var hostilePieces = []string{"/", "/", "\\", "%", "%2F", "%2f", "%5C", "%0d", "%0A", "%00", "%09", "ü", "é", "日", ":", "?", "#",
	".", "..", "a", "x", "%E0%A4", "%C3", "\t", " ", "https:", "//", "%25", "%%", "\r\n", "\u2028", "%C0%AF", "%7F", "\x7f"}

// hostileRequests is the fuzz corpus of edge.FuzzHandlerLocation (when
// one is checked in) and a random hostile set with a fixed seed.
func hostileRequests(t *testing.T, n int) []request {
	var reqs []request
	files, _ := filepath.Glob("../testdata/fuzz/FuzzHandlerLocation/*")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var args []string
		for _, line := range strings.Split(string(data), "\n")[1:] {
			if s, ok := strings.CutPrefix(line, "string("); ok {
				if v, err := strconv.Unquote(strings.TrimSuffix(s, ")")); err == nil {
					args = append(args, v)
				}
			}
		}
		if len(args) == 3 {
			reqs = append(reqs, request{args[0], args[1], args[2]})
		}
	}
	t.Logf("%d requests from the fuzz corpus", len(reqs))
	r := rand.New(rand.NewPCG(7, 7))
	for len(reqs) < n {
		var b strings.Builder
		b.WriteString(pick(r, []string{"/go/", "/r/", "/q/", "/f/", "/", "/a/"}))
		for k := r.IntN(8); k >= 0; k-- {
			b.WriteString(pick(r, hostilePieces))
		}
		if r.IntN(4) == 0 {
			b.WriteString("/x")
		}
		reqs = append(reqs, request{host: "example.com", path: b.String(), query: pick(r, []string{"", "a=1", "x=%0d%0a", "q=#", "é"})})
	}
	return reqs
}

// TestHostileLocations runs hostile requests through the generated code:
// every Location it answers passes the safety invariants, and equals the
// Go handler's.
func TestHostileLocations(t *testing.T) {
	needNode(t)
	// The rules of edge.FuzzHandlerLocation: each can put request text at
	// the start of a Location.
	hostile, err := os.ReadFile("../testdata/hostile-rules.json")
	if err != nil {
		t.Fatal(err)
	}
	table := compileRules(t, string(hostile), engine.Options{})
	reqs := hostileRequests(t, 3000)
	for _, v := range []variant{variants[1], variants[2]} {
		events := make([]any, len(reqs))
		for i, q := range reqs {
			events[i] = v.event(q)
		}
		p := edge.HeaderPolicy{}
		got, err := v.start(t, table, p).Run(events)
		if err != nil {
			t.Fatal(err)
		}
		want := v.reference(t, table, p, events)
		redirects := 0
		for i := range events {
			if !sameJSON(got[i], want[i]) {
				t.Errorf("%s: %q: node %s, go %s", v.name, reqs[i].path, got[i], want[i])
			}
			if a := answerOf(t, got[i]); a.match && a.status != 410 {
				redirects++
				if err := conformance.CheckLocation(a.location); err != nil {
					t.Errorf("%s: %q: Location %q: %v", v.name, reqs[i].path, a.location, err)
				}
			}
		}
		t.Logf("%s: %d hostile requests, %d redirected, every Location safe", v.name, len(reqs), redirects)
	}
}
