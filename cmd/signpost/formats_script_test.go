package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/signposthq/signpost"
	"github.com/signposthq/signpost/engine"
)

// TestFormatsScripts runs the import, export and verify scripts in
// testdata/formats. $SITE is a live site serving the example rules; $WRONG
// one that answers every redirect with 302.
func TestFormatsScripts(t *testing.T) {
	c := signpost.Load("../../examples/site/redirects.json", engine.Options{})
	if c.Table == nil {
		t.Fatal(c.Diagnostics.Err())
	}
	serve := func(wrong bool) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			d := c.Table.Resolve(r.Host, r.URL.EscapedPath(), r.URL.RawQuery)
			if !d.Match {
				w.Write([]byte("page"))
				return
			}
			if d.Location != "" {
				w.Header().Set("Location", d.Location)
			}
			if wrong && d.Status != 410 {
				d.Status = 302
			}
			w.WriteHeader(d.Status)
		}))
	}
	site, wrong := serve(false), serve(true)
	t.Cleanup(site.Close)
	t.Cleanup(wrong.Close)
	examples, _ := filepath.Abs("../../examples/site")
	testscript.Run(t, testscript.Params{
		Dir: "testdata/formats",
		Setup: func(env *testscript.Env) error {
			env.Setenv("SITE", site.URL)
			env.Setenv("WRONG", wrong.URL)
			env.Setenv("EXAMPLES", examples)
			// A free port for "signpost serve" in the background.
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return err
			}
			env.Setenv("PORT", strconv.Itoa(l.Addr().(*net.TCPAddr).Port))
			return l.Close()
		},
	})
}
