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
