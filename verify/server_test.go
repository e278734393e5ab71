package verify

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/signposthq/signpost"
	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/server"
)

// TestAgainstServer verifies the example site served by server.Handler,
// the handler behind "signpost serve": every rule and case answers as the
// rules say, and following the answers finds what the example leaves out
// (no pages under /news/ for old posts).
func TestAgainstServer(t *testing.T) {
	c := signpost.Load("../examples/site/redirects.json", engine.Options{})
	if c.Table == nil {
		t.Fatal(c.Diagnostics.Err())
	}
	h := server.New(server.Config{Site: os.DirFS("../examples/site/public"), HSTS: server.DefaultHSTS})
	h.SetRules(c, "redirects.json", "test")
	srv := httptest.NewServer(h)
	defer srv.Close()

	data, err := os.ReadFile("../examples/site/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []Case
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	res := runAgainst(t, srv.URL, Options{Table: c.Table, Cases: cases, Sitemap: []string{"/plans", "/about/team", "/pricing/"}})
	if got := res.FailedSources(false); len(got) != 0 {
		t.Fatalf("the server differs from its own rules for %v:\n%s", got, findings(res))
	}
	if n := len(res.Checks); n < 3*len(c.Set.Rules) {
		t.Errorf("%d checks for %d rules and %d cases", n, len(c.Set.Rules), len(cases))
	}
	if f := findings(res); !strings.Contains(f, "warning /blog/a/b: ends at 404") {
		t.Errorf("following the answers does not find the missing /news/a/b:\n%s", f)
	}

	// The same rules against a server with other rules: each differing
	// source is named.
	other := signpost.Compile("other.json", []byte(`{"/jobs": {"to": "https://careers.example.com/"}, "/plans": {"to": "/pricing/", "statusCode": 302}}`), engine.Options{})
	h2 := server.New(server.Config{Site: os.DirFS("../examples/site/public")})
	h2.SetRules(other, "other.json", "test")
	srv2 := httptest.NewServer(h2)
	defer srv2.Close()
	res = runAgainst(t, srv2.URL, Options{Table: c.Table})
	got := strings.Join(res.FailedSources(false), " ")
	for _, want := range []string{"/jobs", "/plans", "/blog/*", "/webinar-2019"} {
		if !strings.Contains(got, want) {
			t.Errorf("failed sources %q lack %q", got, want)
		}
	}
}
