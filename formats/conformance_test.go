package formats

import (
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/internal/conformance"
	"github.com/signposthq/signpost/rules"
)

// askRaw sends path?query as it is written (no re-encoding) with a Host
// header, without following redirects.
func askRaw(base, host, pathQuery string) (int, string, error) {
	req, err := http.NewRequest("GET", base+"/", nil)
	if err != nil {
		return 0, "", err
	}
	req.URL.Opaque = ""
	req.URL.RawPath = ""
	p, q, _ := strings.Cut(pathQuery, "?")
	req.URL.Path = ""
	req.URL.RawQuery = q
	req.URL.Opaque = p // sent as written
	if host != "" {
		req.Host = host
	}
	client := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	loc = strings.TrimPrefix(loc, base)
	if host != "" {
		h, _, _ := strings.Cut(host, ":")
		loc = strings.TrimPrefix(loc, "http://"+h)
	}
	return resp.StatusCode, loc, nil
}

// unsafeLocation says why a Location a server sent could take a visitor to
// another site or split the response, or "": the invariant every engine
// keeps, exports included, whatever the request.
func unsafeLocation(loc string) string {
	switch {
	case strings.HasPrefix(loc, "//"), strings.HasPrefix(loc, "/\\"), strings.HasPrefix(loc, "\\"):
		return "a protocol-relative Location (another site)"
	case strings.ContainsFunc(loc, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "a control character in the Location"
	}
	return ""
}

// conformsFully lists the vectors an exported server must pass case by
// case. The others test what servers do differently and an export cannot
// change, and are logged: captured values written into the Location as
// the client sent them (nginx, Apache) or as the server decoded them
// (Caddy), where the engine percent-encodes them in one canonical form
// (encoding, hostile, placeholders), slashes merged
// and %2F decoded by nginx (normalization, original), chains through a
// target with placeholders (chains: the export warns of each).
var conformsFully = map[string]bool{
	"precedence": true, "prefix": true, "query": true, "root": true, "status": true, "hosts": true,
	"case-insensitive": true,
}

// TestConformanceThroughExports runs the engine's conformance vectors
// through exported nginx and Caddy configurations.
func TestConformanceThroughExports(t *testing.T) {
	vectors, err := conformance.LoadAll()
	if err != nil {
		t.Fatal(err)
	}
	servers := map[string]func(t *testing.T, set *rules.Set, tab *engine.Table, ci bool) (string, int){}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		servers["nginx"] = func(t *testing.T, set *rules.Set, tab *engine.Table, ci bool) (string, int) {
			conf, _ := ExportNginx(set, ExportOptions{Table: tab, CaseInsensitive: ci})
			return runNginx(t, "/usr/sbin/nginx", conf), 299
		}
	}
	if caddy, err := exec.LookPath("caddy"); err == nil {
		servers["caddy"] = func(t *testing.T, set *rules.Set, tab *engine.Table, ci bool) (string, int) {
			conf, _ := ExportCaddy(set, ExportOptions{Table: tab, CaseInsensitive: ci})
			return runCaddy(t, caddy, conf), 299
		}
	}
	if _, err := os.Stat("/usr/lib/apache2/modules/mod_rewrite.so"); err == nil {
		servers["apache"] = func(t *testing.T, set *rules.Set, tab *engine.Table, ci bool) (string, int) {
			apache, modules := apacheBinary(t)
			conf, _ := ExportApache(set, ExportOptions{Table: tab, CaseInsensitive: ci})
			return runApache(t, apache, modules, conf), 0
		}
	}
	for name, start := range servers {
		for _, v := range vectors {
			t.Run(name+"/"+v.Name, func(t *testing.T) {
				set, ds := rules.Parse(v.Name, v.Rules)
				if ds.HasErrors() {
					t.Skip()
				}
				tab, ds := engine.Compile(set, v.Options)
				if ds.HasErrors() {
					t.Skip()
				}
				base, page := start(t, set, tab, v.Options.CaseInsensitive)
				bad := 0
				for _, c := range v.Cases {
					status, loc, err := askRaw(base, c.Host, c.URL)
					if err != nil {
						t.Logf("%s: %v", c.URL, err)
						continue
					}
					if why := unsafeLocation(loc); why != "" {
						t.Errorf("%s:%d: %s %s: the server answers %d %q: %s", v.File, c.Line, c.Host, c.URL, status, loc, why)
					}
					isPage := status == page || page == 0 && (status < 300 || status >= 400 && status != 410)
					ok := (!c.Match && isPage) || (c.Match && status == c.Status && (c.Safe || loc == c.Location))
					if !ok {
						bad++
						report := t.Logf
						if conformsFully[v.Name] {
							report = t.Errorf
						}
						report("%s:%d: %s %s: got %d %q, want %v %d %q", v.File, c.Line, c.Host, c.URL, status, loc, c.Match, c.Status, c.Location)
					}
				}
				t.Logf("%s %s: %d of %d cases differ from the engine", name, v.Name, bad, len(v.Cases))
			})
		}
	}
}
