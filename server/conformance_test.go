package server_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/signposthq/signpost"
	"github.com/signposthq/signpost/internal/conformance"
	"github.com/signposthq/signpost/server"
)

// ruleLog passes the "rule" attribute of each access log record to a
// channel, so a test learns which rule answered a request over HTTP.
type ruleLog struct{ rules chan string }

func (l ruleLog) Enabled(context.Context, slog.Level) bool { return true }
func (l ruleLog) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l ruleLog) WithGroup(string) slog.Handler            { return l }
func (l ruleLog) Handle(_ context.Context, r slog.Record) error {
	rule := ""
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "rule" {
			rule = a.Value.String()
		}
		return true
	})
	l.rules <- rule
	return nil
}

// next returns the rule of the next record, which the request for target
// logs.
func (l ruleLog) next(t *testing.T, target string) string {
	t.Helper()
	select {
	case rule := <-l.rules:
		return rule
	case <-time.After(5 * time.Second):
		t.Fatalf("no access log record for %s", target)
		return ""
	}
}

// requestLine reports whether an HTTP/1.1 client can send target on a
// request line at all: control characters and spaces cannot arrive, so the
// cases with them test the engine alone.
func requestLine(target string) bool {
	return !strings.ContainsFunc(target, func(r rune) bool { return r <= ' ' || r == 0x7f })
}

// validEscapes reports whether every "%" in s starts a two-digit hex
// escape. net/http answers 400 to a request line without valid escapes
// before any handler runs (as nginx does), so such cases cannot reach the
// server's rules.
func validEscapes(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && (i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2])) {
			return false
		}
	}
	return true
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// TestConformance runs every conformance vector through the server over
// HTTP: the request line as the vector gives it, the answer's status and
// Location, and the rule from the access log; once through the fast lane
// (a redirect answered by Handler.ServeFast) and once through net/http
// alone (Handler.ServeHTTP), which must answer and log alike.
func TestConformance(t *testing.T) {
	vectors, err := conformance.LoadAll()
	if err != nil {
		t.Fatal(err)
	}
	sent, skipped, refused := 0, 0, 0
	conformance.Run(t, vectors, func(t *testing.T, v *conformance.Vector) (conformance.Resolver, error) {
		c := signpost.Compile(v.Name+"/redirects.json", v.Rules, v.Options)
		if err := c.Diagnostics.Err(); err != nil {
			return nil, err
		}
		log := ruleLog{make(chan string, 1)}
		h := server.New(server.Config{AccessLog: slog.New(log)})
		h.SetRules(c, v.Name, "")
		ts := startServer(t, h)
		t.Cleanup(ts.Close)
		plainLog := ruleLog{make(chan string, 1)}
		plain := server.New(server.Config{AccessLog: slog.New(plainLog)})
		plain.SetRules(c, v.Name, "")
		pts := startPlainServer(t, plain)
		return func(host, path, rawQuery string) (int, string, string, bool) {
			target := path
			if rawQuery != "" {
				target += "?" + rawQuery
			}
			if host == "" {
				host = "localhost"
			}
			engineAnswer := func() (int, string, string, bool) {
				d := c.Table.Resolve(host, path, rawQuery)
				rule := ""
				if d.Rule != nil {
					rule = d.Rule.Source
				}
				return d.Status, d.Location, rule, d.Match
			}
			if !requestLine(target) || !requestLine(host) {
				// Not sendable over HTTP: the engine's answer is what the
				// server would use.
				skipped++
				return engineAnswer()
			}
			r := rawGetHost(t, ts, host, target)
			if !validEscapes(target) {
				refused++
				if r.status != 400 {
					t.Errorf("GET %s with a malformed escape = %d, want 400 from net/http", target, r.status)
				}
				return engineAnswer()
			}
			sent++
			rule := log.next(t, target)
			p := rawGetHost(t, pts, host, target)
			if p.status != r.status || p.header.Get("Location") != r.header.Get("Location") {
				t.Errorf("GET %s (Host %s): %d %q from net/http alone, %d %q through the fast lane",
					target, host, p.status, p.header.Get("Location"), r.status, r.header.Get("Location"))
			}
			if plainRule := plainLog.next(t, target); plainRule != rule {
				t.Errorf("GET %s (Host %s): rule %q logged by net/http alone, %q by the fast lane", target, host, plainRule, rule)
			}
			return r.status, r.header.Get("Location"), rule, rule != ""
		}, nil
	})
	t.Logf("%d cases answered over HTTP; %d refused with 400 by net/http (malformed escapes) and %d with bytes no request line holds, both checked through the engine",
		sent, refused, skipped)
	if sent == 0 {
		t.Fatal("no case went over HTTP")
	}
}
