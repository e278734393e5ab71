package deploy

import (
	"testing"
)

func TestSamples(t *testing.T) {
	a := artifacts(t, `{
  "/jobs": { "to": "https://jobs.example.com/" },
  "/team/:member": { "to": "/people/#:member", "statusCode": 302 },
  "/blog/*": { "to": "/news/:splat" },
  "https://old.example.com/pricing": { "to": "https://example.com/pricing/" },
  "/über uns": { "to": "/about/" },
}`)
	got := Samples(a.Table, 0, []string{"/removed", "/jobs"})
	type want struct {
		host, path, query string
		status            int
		location          string
	}
	wants := []want{
		{"www.example.test", "/removed", "signpost=1", 0, ""},
		{"www.example.test", "/jobs", "", 301, "https://jobs.example.com/"},
		{"www.example.test", "/team/sample", "", 302, "/people/#sample"},
		{"www.example.test", "/blog/sample", "", 301, "/news/sample"},
		{"old.example.com", "/pricing", "", 301, "https://example.com/pricing/"},
		{"www.example.test", "/%C3%BCber%20uns", "", 301, "/about/"},
		{"www.example.test", "/signpost-sample-without-a-rule", "", 0, ""},
	}
	if len(got) != len(wants) {
		t.Fatalf("%d samples: %+v", len(got), got)
	}
	for i, w := range wants {
		g := got[i]
		if g.Host != w.host || g.Path != w.path || g.Query != w.query || g.Want.Status != w.status || g.Want.Location != w.location || g.Want.Match != (w.status != 0) {
			t.Errorf("sample %d: got %s %s?%s → %d %q, want %+v", i, g.Host, g.Path, g.Query, g.Want.Status, g.Want.Location, w)
		}
	}
	if n := len(Samples(a.Table, 3, nil)); n != 3 {
		t.Errorf("a limit of 3 gave %d samples", n)
	}
}

// TestSamplesHostAsTheEngineKeysIt: a sample for a host-qualified source is
// sent with the host the engine keys the rule under: an IPv6 literal
// without its port, a name in lower case without a final dot.
func TestSamplesHostAsTheEngineKeysIt(t *testing.T) {
	a := artifacts(t, `{
  "https://[::1]:8080/x": { "to": "/a" },
  "HTTPS://Old.Example.com./y/:id": { "to": "/b/:id" },
}`)
	got := Samples(a.Table, 0, nil)
	wants := [][2]string{{"[::1]", "/x"}, {"old.example.com", "/y/sample"}}
	if len(got) != len(wants)+1 {
		t.Fatalf("%d samples: %+v", len(got), got)
	}
	for i, w := range wants {
		if g := got[i]; g.Host != w[0] || g.Path != w[1] || !g.Want.Match {
			t.Errorf("sample %d: got %s %s (match %v), want %s %s", i, g.Host, g.Path, g.Want.Match, w[0], w[1])
		}
	}
}
