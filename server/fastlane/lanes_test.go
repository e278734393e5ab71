package fastlane_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signposthq/signpost"
	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/server"
	"github.com/signposthq/signpost/server/fastlane"
	"github.com/signposthq/signpost/site"
)

// shapes is a handler that writes every kind of response a handler can:
// the fast lane must frame each as net/http does.
func shapes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/sniff", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<!DOCTYPE html><p>no type set</p>")
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		for i := range 500 {
			fmt.Fprintf(w, "line %d of a body too long to hold back\n", i)
		}
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		// Longer than the fast lane gathers before writing, in both
		// framings, as a static file would be.
		body := strings.Repeat("0123456789abcdef", 12<<10)
		if r.URL.Query().Has("sized") {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		}
		for len(body) > 0 {
			n := min(len(body), 7000)
			io.WriteString(w, body[:n])
			body = body[n:]
		}
	})
	mux.HandleFunc("/sized", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "5")
		io.WriteString(w, "12345")
	})
	mux.HandleFunc("/short", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10")
		io.WriteString(w, "12345") // less than promised: the connection must close
	})
	mux.HandleFunc("/bad-length", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "five")
		io.WriteString(w, "12345")
	})
	mux.HandleFunc("/no-content", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "3")
		w.WriteHeader(http.StatusNoContent)
		if _, err := io.WriteString(w, "abc"); !errors.Is(err, http.ErrBodyNotAllowed) {
			panic(fmt.Sprintf("a 204 took a body: %v", err))
		}
	})
	mux.HandleFunc("/not-modified", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Length", "100")
		w.Header().Set("Etag", `"x"`)
		w.WriteHeader(http.StatusNotModified)
	})
	mux.HandleFunc("/early-hints", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "</style.css>; rel=preload; as=style")
		w.WriteHeader(http.StatusEarlyHints)
		io.WriteString(w, "after the hints")
	})
	mux.HandleFunc("/flush", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "first ")
		w.(http.Flusher).Flush()
		io.WriteString(w, "second")
	})
	mux.HandleFunc("/twice", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		w.WriteHeader(http.StatusInternalServerError)
		w.Header().Set("X-Late", "ignored")
		io.WriteString(w, "created")
	})
	mux.HandleFunc("/line-breaks", func(w http.ResponseWriter, r *http.Request) {
		w.Header()["X-Split"] = []string{"a\r\nInjected: yes", " padded \t"}
		w.Header()["Bad Name"] = []string{"dropped"}
	})
	mux.HandleFunc("/close", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		io.WriteString(w, "bye")
	})
	mux.HandleFunc("/keep-alive-field", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "keep-alive")
	})
	mux.HandleFunc("/date", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", "Mon, 02 Jan 2006 15:04:05 GMT")
	})
	mux.HandleFunc("/no-date", func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Date"] = nil
		w.Header()["Content-Type"] = nil
		io.WriteString(w, "<p>neither date nor type</p>")
	})
	mux.HandleFunc("/identity", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Transfer-Encoding", "identity")
		io.WriteString(w, "until the connection closes")
	})
	mux.HandleFunc("/chunked-field", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Transfer-Encoding", "chunked")
		io.WriteString(w, "chunked by request")
	})
	mux.HandleFunc("/encoded", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}) // not sniffed
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/status-only", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(499) // no status text
	})
	mux.HandleFunc("/abort", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "partial")
		panic(http.ErrAbortHandler)
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		// What the handler sees of the request, but the client's port.
		fmt.Fprintf(w, "%s %s %s host=%s path=%q raw=%q query=%q close=%v length=%d body=%v\n",
			r.Method, r.RequestURI, r.Proto, r.Host, r.URL.Path, r.URL.RawPath, r.URL.RawQuery, r.Close,
			r.ContentLength, r.Body == http.NoBody)
		for _, k := range slices.Sorted(maps.Keys(r.Header)) {
			fmt.Fprintf(w, "%s=%q\n", k, r.Header[k])
		}
		_, isServer := r.Context().Value(http.ServerContextKey).(*http.Server)
		_, hasLocal := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
		fmt.Fprintf(w, "server=%v local=%v\n", isServer, hasLocal)
	})
	return mux
}

// signpostHandler is the server's own handler over a small site, with
// rules: its ServeFast answers must be its ServeHTTP answers.
func signpostHandler(t *testing.T, pages bool) http.Handler {
	dir := t.TempDir()
	files := map[string]string{
		"index.html":      "<h1>home</h1>",
		"docs/index.html": "<h1>docs</h1>",
		"style.css":       strings.Repeat("body { color: black }\n", 100),
		"empty/.keep":     "",
	}
	if pages {
		files["404.html"] = "<h1>not here</h1>"
		files["410.html"] = "<h1>gone</h1>"
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fsys, root, err := site.Dir(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	h := server.New(server.Config{Site: fsys, HSTS: server.DefaultHSTS, HealthPath: "/healthz",
		Headers: http.Header{"X-Frame-Options": {"DENY"}, "X-Extra": {"a", "b"}, "X-Content-Type-Options": {"nosniff"}}})
	c := signpost.Compile("redirects.json", []byte(`{
		"/old": {"to": "/new", "statusCode": 301},
		"/temp": {"to": "/elsewhere?x=1", "statusCode": 302},
		"/quote": {"to": "/a?b=<c>&d='e'", "statusCode": 308},
		"/gone": {"statusCode": 410},
		"/blog/*": {"to": "/news/:splat"},
		"/away": {"to": "https://example.org/", "statusCode": 307},
		"https://a.example.com/host-only": {"to": "/for-a"}
	}`), engine.Options{})
	if c.Table == nil {
		t.Fatal(c.Diagnostics.Err())
	}
	h.SetRules(c, "redirects.json", "1")
	return h
}

// requests are sent, each on a new connection, to both lanes.
var requests = []string{
	"GET /sniff", "GET /big", "HEAD /big", "GET /huge", "GET /huge?sized", "HEAD /huge?sized", "GET /sized", "HEAD /sized", "GET /short", "GET /bad-length",
	"GET /no-content", "GET /not-modified", "GET /early-hints", "GET /flush", "HEAD /flush",
	"GET /twice", "GET /line-breaks", "GET /close", "GET /keep-alive-field", "GET /date",
	"GET /no-date", "GET /identity", "HEAD /identity", "GET /chunked-field", "GET /encoded",
	"GET /empty", "HEAD /empty", "GET /status-only", "GET /abort", "GET /missing",
	"GET /echo?x=1&y", "GET /echo/%41%2fb?q=%20", "HEAD /echo", "GET /echo\r\nUser-Agent: t/1\r\nX-Dup: 1\r\nx-dup: 2",
	"GET /echo\r\nPragma: no-cache", "GET /echo\r\nPragma: no-cache\r\nCache-Control: max-age=0",
	"GET /echo\r\nConnection: close", "GET /echo\r\nContent-Length: 0", "GET /echo\r\nCustom-Field_1:  v ",
	"GET /echo?", "GET //echo", "GET /ech%6F",
	// Left to net/http by the fast lane:
	"POST /echo\r\nContent-Length: 3\r\n\r\nabc", "GET /echo\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
	"PUT /echo\r\nContent-Length: 0", "GET /%zz", "GET /%", "GET /a%2", "GET /a b",
}

var signpostRequests = []string{
	"GET /old", "GET /old/", "GET /OLD", "GET /old?utm=1", "HEAD /old", "GET /old\r\nConnection: close",
	"GET /temp", "GET /temp?y=2", "GET /quote", "GET /gone", "HEAD /gone", "GET /blog/2019/hello?x=1",
	"GET /blog/%C3%A9t%C3%A9", "GET /away", "GET /host-only", "GET /host-only\r\nHost: a.example.com",
	"GET /", "HEAD /", "GET /docs", "GET /docs/", "GET /nope", "HEAD /nope", "GET /healthz", "GET /%68ealthz",
	"GET /style.css\r\nAccept-Encoding: gzip", "GET /style.css\r\nRange: bytes=0-9",
	"GET /style.css\r\nIf-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT", "GET /.git/config",
	"GET /../etc/passwd", "POST /old", "DELETE /", "GET /old\r\nUser-Agent: x\r\nAccept: */*",
	"GET /style.css", "GET /style.css?v=2", "GET /docs/index.html", "GET /docs?x=1", "GET /empty",
	"GET /empty/", "GET /empty/.keep", "GET /index.html/", "GET /style.css/x", "GET /a//b", "GET /nope?x=1",
	"GET /docs/nope\r\nConnection: close", "GET /%64ocs/", "GET /no%20pe",
}

// TestLanesAgree sends the same bytes to the handler served by net/http
// alone and with the fast lane in front: every answer must be the same,
// field for field and byte for byte, and so must whether the connection
// stays open for another request.
func TestLanesAgree(t *testing.T) {
	for _, tc := range []struct {
		name     string
		handler  http.Handler
		requests []string
	}{
		{"shapes", shapes(), requests},
		{"signpost", signpostHandler(t, true), signpostRequests},
		{"signpost without 404.html", signpostHandler(t, false), signpostRequests},
	} {
		t.Run(tc.name, func(t *testing.T) {
			quiet := &http.Server{Handler: tc.handler, ErrorLog: discardLog}
			slow := listen(t, quiet, false)
			fast := listen(t, &http.Server{Handler: tc.handler, ErrorLog: discardLog}, true)
			for _, req := range tc.requests {
				raw := rawRequest(req)
				want := exchange(t, slow, raw)
				got := exchange(t, fast, raw)
				if got != want {
					t.Errorf("%q\nnet/http:\n%s\nfast lane:\n%s", req, want, got)
				}
			}
		})
	}
}

var discardLog = log.New(io.Discard, "", 0)

// rawRequest makes "METHOD /target[\r\nfields][\r\n\r\nbody]" a request
// with Host: example.com unless it names its own.
func rawRequest(s string) string {
	head, body, hasBody := strings.Cut(s, "\r\n\r\n")
	line, fields, _ := strings.Cut(head, "\r\n")
	method, target, _ := strings.Cut(line, " ")
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\n", method, target)
	if !strings.Contains(strings.ToLower(fields), "host:") {
		b.WriteString("Host: example.com\r\n")
	}
	if fields != "" {
		b.WriteString(fields + "\r\n")
	}
	b.WriteString("\r\n")
	if hasBody {
		b.WriteString(body)
	}
	return b.String()
}

// exchange sends raw on a new connection, reads the answer, then asks
// again (GET /empty) to learn whether the connection stayed open. It
// describes all it saw, except the Date's value.
func exchange(t *testing.T, addr, raw string) string {
	t.Helper()
	c := send(t, addr, raw)
	defer c.Close()
	br := bufio.NewReader(c)
	method, _, _ := strings.Cut(raw, " ")
	var out strings.Builder
	for {
		resp, err := http.ReadResponse(br, &http.Request{Method: method})
		if err != nil {
			out.WriteString("no answer\n")
			return out.String()
		}
		describe(&out, resp)
		if resp.StatusCode >= 200 {
			break
		}
	}
	if _, err := io.WriteString(c, "GET /empty HTTP/1.1\r\nHost: example.com\r\n\r\n"); err != nil {
		out.WriteString("closed\n")
		return out.String()
	}
	c.SetDeadline(time.Now().Add(2 * time.Second))
	if resp, err := http.ReadResponse(br, nil); err != nil {
		out.WriteString("closed\n")
	} else {
		fmt.Fprintf(&out, "open: then %d\n", resp.StatusCode)
		resp.Body.Close()
	}
	return out.String()
}

// send writes raw on a new connection, which has 5 s to do its work.
func send(t *testing.T, addr, raw string) *net.TCPConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		c.Close()
		t.Fatal(err)
	}
	return c.(*net.TCPConn)
}

func describe(out *strings.Builder, resp *http.Response) {
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Fprintf(out, "%s chunked=%v length=%d\n", resp.Status, slices.Equal(resp.TransferEncoding, []string{"chunked"}), resp.ContentLength)
	for _, k := range slices.Sorted(maps.Keys(resp.Header)) {
		v := resp.Header[k]
		if k == "Date" && len(v) == 1 && v[0] != "Mon, 02 Jan 2006 15:04:05 GMT" {
			if _, err := http.ParseTime(v[0]); err == nil {
				v = []string{"(now)"}
			}
		}
		fmt.Fprintf(out, "%s: %q\n", k, v)
	}
	fmt.Fprintf(out, "body %q err %v\n", body, err != nil)
}

// listen serves srv on a new loopback port, through the fast lane or not.
func listen(t *testing.T, srv *http.Server, fast bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var run server.Runner = srv
	if fast {
		run = fastlane.New(srv)
	}
	go run.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		run.Shutdown(ctx)
	})
	return ln.Addr().String()
}

// responder answers GET /fast itself and passes a value on for the rest,
// so that a test sees which way each request went.
type responder struct{ closed chan string }

type passed struct {
	path   string
	closed chan string
}

func (p *passed) Close() error { p.closed <- p.path; return nil }

func (h responder) ServeFast(r *fastlane.Request, a *fastlane.Answer) bool {
	if r.Path == "/fast" {
		a.Status = http.StatusOK
		a.Fields = append(a.Fields, "Content-Type: text/plain\r\n"...)
		a.Body = append(a.Body, "by ServeFast"...)
		return true
	}
	a.Pass = &passed{path: r.Path, closed: h.closed}
	return false
}

func (h responder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/ignore" {
		io.WriteString(w, "by ServeHTTP, passed value left")
		return
	}
	p, _ := fastlane.Passed(r).(*passed)
	got := "nothing"
	if p != nil {
		got = p.path
	}
	io.WriteString(w, "by ServeHTTP, passed "+got)
}

// TestResponder: the fast lane asks a Responder first, hands what it
// passes to ServeHTTP, and closes a passed value nobody took.
func TestResponder(t *testing.T) {
	closed := make(chan string, 10)
	addr := listen(t, &http.Server{Handler: responder{closed}}, true)
	c, br := dial(t, addr)
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/fast", "by ServeFast"},
		{"GET", "/file", "by ServeHTTP, passed /file"},
		{"GET", "/fast?x", "by ServeFast"},
		{"HEAD", "/fast", ""}, // HEAD goes to ServeHTTP, which writes nothing for it
		{"GET", "/%66ast", "by ServeHTTP, passed /%66ast"},
		{"GET", "/ignore", "by ServeHTTP, passed value left"},
	} {
		io.WriteString(c, tc.method+" "+tc.path+" HTTP/1.1\r\nHost: h\r\n\r\n")
		if _, body := readBody(t, br, tc.method); body != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.method, tc.path, body, tc.want)
		}
	}
	select {
	case p := <-closed:
		if p != "/ignore" {
			t.Errorf("closed the value passed for %s, want the one for /ignore", p)
		}
	case <-time.After(2 * time.Second):
		t.Error("the value passed for /ignore was not closed")
	}
}
