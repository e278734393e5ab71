package server

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/rules"
	"github.com/signposthq/signpost/server/fastlane"
)

// DefaultHSTS is the Strict-Transport-Security value sent by default, the
// same as the edge function's.
const DefaultHSTS = "max-age=63072000"

// Config says what a Handler serves and how.
type Config struct {
	// Site holds the static files; nil serves only redirects (and 404s).
	Site fs.FS
	// HSTS is the Strict-Transport-Security value sent with every response;
	// empty sends none.
	HSTS string
	// Headers are added to every response.
	Headers http.Header
	// HealthPath answers health checks; empty turns them off.
	HealthPath string
	// AccessLog, when not nil, gets one record per request.
	AccessLog *slog.Logger
	// Log gets errors (a failing site store) and reloads; nil discards them.
	Log *slog.Logger
	// MaxNotFoundPaths bounds how many distinct paths the 404 metric keeps;
	// the rest are counted together. 0 means 1000.
	MaxNotFoundPaths int
}

// Handler serves redirects, then the static site. Its rules are set with
// SetRules or a Reloader; until then it serves the site alone.
type Handler struct {
	cfg     Config
	hsts    []string
	headers [][2]string
	rules   atomic.Pointer[ruleState]
	metrics *Metrics
	// fixedFields are hsts and headers serialized; nil when ServeFast
	// cannot use them. plainFixedFields leave out those plain replaces.
	fixedFields, plainFixedFields []byte

	pagesMu sync.Mutex
	pages   map[string]cachedPage // 404.html, 410.html
}

// New returns a Handler for cfg.
func New(cfg Config) *Handler {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	h := &Handler{cfg: cfg, metrics: newMetrics(cfg.MaxNotFoundPaths)}
	if cfg.HSTS != "" {
		h.hsts = []string{cfg.HSTS}
	}
	for k, vs := range cfg.Headers {
		for _, v := range vs {
			h.headers = append(h.headers, [2]string{http.CanonicalHeaderKey(k), v})
		}
	}
	h.metrics.rules = &h.rules
	h.fixedFields = appendFixedFields([]byte{}, h.hsts, h.headers, nil)
	h.plainFixedFields = appendFixedFields([]byte{}, h.hsts, h.headers, plainFields)
	return h
}

// Metrics returns the handler's counters.
func (h *Handler) Metrics() *Metrics { return h.metrics }

// ServeHTTP answers one request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	hdr := w.Header()
	if h.hsts != nil {
		hdr["Strict-Transport-Security"] = slices.Clip(h.hsts)
	}
	for _, kv := range h.headers {
		hdr.Add(kv[0], kv[1])
	}
	rec := recorder{ResponseWriter: w}
	st := h.rules.Load()
	pre, _ := fastlane.Passed(r).(*opened)
	if pre != nil {
		st = pre.st // the rules ServeFast found no match in
	}
	rule := h.serve(&rec, r, st, pre)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	elapsed := time.Since(start)
	h.metrics.observe(rec.status, elapsed)
	if h.cfg.AccessLog != nil {
		a := access{method: r.Method, host: r.Host, path: r.URL.EscapedPath(), query: r.URL.RawQuery,
			remote: r.RemoteAddr, userAgent: r.UserAgent(), status: rec.status, bytes: rec.bytes,
			rule: rule, elapsed: elapsed}
		if rule != nil {
			a.location = rec.Header().Get("Location")
		}
		h.logAccess(r.Context(), &a)
	}
}

// serve answers r and returns the rule that did, if one did. pre, when
// not nil, is the file ServeFast opened for r after st matched nothing.
func (h *Handler) serve(w *recorder, r *http.Request, st *ruleState, pre *opened) *rules.Rule {
	if pre != nil {
		h.serveSite(w, r, pre)
		return nil
	}
	if h.cfg.HealthPath != "" && r.URL.Path == h.cfg.HealthPath {
		h.health(w, r, st)
		return nil
	}
	path := r.URL.EscapedPath()
	if len(path) == 0 || path[0] != '/' {
		h.plain(w, r, http.StatusBadRequest, "400 bad request: the path must start with /\n")
		return nil
	}
	if st != nil {
		d := st.table.Resolve(r.Host, path, r.URL.RawQuery)
		if d.Match {
			if d.RuleIndex < len(st.hits) {
				st.hits[d.RuleIndex].Add(1)
			}
			h.redirect(w, r, d)
			return d.Rule
		}
	}
	h.serveSite(w, r, nil)
	return nil
}

// redirect writes the engine's decision.
func (h *Handler) redirect(w http.ResponseWriter, r *http.Request, d engine.Decision) {
	if d.Status == http.StatusGone {
		h.errorPage(w, r, http.StatusGone, "410.html")
		return
	}
	hdr := w.Header()
	hdr["Location"] = []string{d.Location}
	hdr["Content-Type"] = slices.Clip(htmlType)
	w.WriteHeader(d.Status)
	if r.Method != http.MethodHead {
		buf := make([]byte, 0, 64+len(d.Location))
		w.Write(appendRedirectBody(buf, d))
	}
}

// appendRedirectBody appends the body of a redirect: a link for people
// whose client does not follow redirects.
func appendRedirectBody(b []byte, d engine.Decision) []byte {
	loc := d.Location
	for i := 0; i < len(loc); i++ {
		if c := loc[i]; c == '<' || c == '>' || c == '&' || c == '\'' || c == '"' {
			loc = html.EscapeString(loc)
			break
		}
	}
	b = append(b, `<a href="`...)
	b = append(b, loc...)
	b = append(b, `">`...)
	b = append(b, rules.StatusText(d.Status)...)
	return append(b, "</a>.\n"...)
}

// ServeFast answers, for the fast lane (fastlane.Responder), a GET request
// that a rule redirects, or that finds no file in a local site (404), as
// ServeHTTP would, access log record included. It leaves the rest to
// ServeHTTP, and every page of a site in S3. For a file that is there, it passes the open file on, so that
// ServeHTTP does not look up the rules or open the file again.
func (h *Handler) ServeFast(r *fastlane.Request, a *fastlane.Answer) bool {
	st := h.rules.Load()
	if h.fixedFields == nil ||
		h.cfg.HealthPath != "" && (r.Path == h.cfg.HealthPath || strings.IndexByte(r.Path, '%') >= 0) {
		return false
	}
	start := r.Start
	if start.IsZero() {
		start = time.Now()
	}
	if st != nil {
		d := st.table.Resolve(r.Host, r.Path, r.RawQuery)
		if d.Match {
			if d.Status == http.StatusGone {
				return false
			}
			if d.RuleIndex < len(st.hits) {
				st.hits[d.RuleIndex].Add(1)
			}
			a.Status = d.Status
			a.Fields = append(a.Fields, "Content-Type: text/html; charset=utf-8\r\nLocation: "...)
			a.Fields = append(a.Fields, d.Location...)
			a.Fields = append(a.Fields, "\r\n"...)
			a.Fields = append(a.Fields, h.fixedFields...)
			a.Body = appendRedirectBody(a.Body, d)
			h.answered(r, a, start, d.Rule, d.Location)
			return true
		}
	}
	if strings.IndexByte(r.Path, '%') >= 0 {
		return false // the site is looked up by the decoded path
	}
	if _, remote := h.cfg.Site.(openContext); remote {
		// A store reached over the network (S3): ServeHTTP looks the page
		// up with the request's context, which ends when the client goes
		// away, and the lookup costs far more than what is spared here.
		return false
	}
	ctx := context.Background() // a local file system takes none
	if name, ok := sitePath(r.Path); ok {
		f, fi, err := h.open(ctx, name)
		if err == nil {
			a.Pass = &opened{st: st, name: name, f: f, fi: fi}
			return false
		}
		if !missing(err) {
			return false // ServeHTTP answers 502 and logs why
		}
	}
	h.metrics.notFound(r.Path)
	a.Status = http.StatusNotFound
	if body := h.sitePage(ctx, "404.html"); body != nil {
		a.Fields = append(a.Fields, "Content-Type: text/html; charset=utf-8\r\n"...)
		a.Fields = append(a.Fields, h.fixedFields...)
		a.Body = append(a.Body, body...)
	} else {
		a.Fields = append(a.Fields, "Content-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\n"...)
		a.Fields = append(a.Fields, h.plainFixedFields...)
		a.Body = append(a.Body, notFoundText...)
	}
	h.answered(r, a, start, nil, "")
	return true
}

// answered counts and logs a request ServeFast answered with a, as
// ServeHTTP does its own.
func (h *Handler) answered(r *fastlane.Request, a *fastlane.Answer, start time.Time, rule *rules.Rule, location string) {
	elapsed := time.Since(start)
	h.metrics.observe(a.Status, elapsed)
	if h.cfg.AccessLog != nil {
		h.logAccess(context.Background(), &access{method: http.MethodGet, host: r.Host, path: r.Path,
			query: r.RawQuery, remote: r.RemoteAddr, userAgent: r.Field("User-Agent"), status: a.Status,
			bytes: int64(len(a.Body)), rule: rule, location: location, elapsed: elapsed})
	}
}

// Handler is a fastlane.Responder: were ServeFast's signature to drift,
// the fast lane would quietly stop asking it, so the compiler checks.
var _ fastlane.Responder = (*Handler)(nil)

// opened is a file of the site that ServeFast opened and passed on.
type opened struct {
	st   *ruleState
	name string
	f    fs.File
	fi   fs.FileInfo
}

func (o *opened) Close() error { return o.f.Close() }

// appendFixedFields serializes the HSTS and configured fields that every
// response carries, for ServeFast, leaving out those named in omit; nil
// when one holds a byte that the fast lane's framing would have to clean
// (ServeHTTP's path cleans it).
func appendFixedFields(b []byte, hsts []string, headers [][2]string, omit []string) []byte {
	all := headers
	if hsts != nil {
		all = append([][2]string{{"Strict-Transport-Security", hsts[0]}}, headers...)
	}
	for _, kv := range all {
		if slices.Contains(omit, kv[0]) {
			continue
		}
		switch kv[0] {
		case "Content-Type", "Location", "Date", "Content-Length", "Connection", "Transfer-Encoding", "Trailer":
			return nil // a field a redirect sets, or framing
		}
		if strings.ContainsAny(kv[0], " \t\r\n:") || strings.ContainsAny(kv[1], "\r\n") ||
			strings.TrimSpace(kv[1]) != kv[1] || kv[0] == "" {
			return nil
		}
		b = append(b, kv[0]...)
		b = append(b, ": "...)
		b = append(b, kv[1]...)
		b = append(b, "\r\n"...)
	}
	return b
}

// htmlType is shared by every redirect; slices.Clip makes an append copy.
var htmlType = []string{"text/html; charset=utf-8"}

type healthReport struct {
	Status string    `json:"status"`
	Rules  int       `json:"rules"`
	Source string    `json:"source,omitempty"`
	Loaded time.Time `json:"loaded,omitzero"`
}

func (h *Handler) health(w http.ResponseWriter, r *http.Request, st *ruleState) {
	rep := healthReport{Status: "ok", Rules: st.count()}
	if st != nil {
		rep.Source, rep.Loaded = st.source, st.loaded
	}
	body, _ := json.Marshal(rep)
	body = append(body, '\n')
	hdr := w.Header()
	hdr.Set("Content-Type", "application/json")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// plainFields are the fields that plain sets or removes, whatever the
// configured headers say.
var plainFields = []string{"Etag", "Last-Modified", "Content-Encoding", "Content-Type", "X-Content-Type-Options", "Content-Length"}

// plain writes a short text answer.
func (h *Handler) plain(w http.ResponseWriter, r *http.Request, code int, text string) {
	hdr := w.Header()
	hdr.Del("ETag")
	hdr.Del("Last-Modified")
	hdr.Del("Content-Encoding")
	hdr.Set("Content-Type", "text/plain; charset=utf-8")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Length", strconv.Itoa(len(text)))
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		w.Write([]byte(text))
	}
}

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// WriteString writes without converting to []byte when the connection's
// writer can (net/http's can).
func (w *recorder) WriteString(s string) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	var n int
	var err error
	if sw, ok := w.ResponseWriter.(io.StringWriter); ok {
		n, err = sw.WriteString(s)
	} else {
		n, err = w.ResponseWriter.Write([]byte(s))
	}
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// access is what an access log record tells of one request.
type access struct {
	method, host, path, query, remote, userAgent string
	status                                       int
	bytes                                        int64
	rule                                         *rules.Rule // the rule that answered, if one did
	location                                     string      // its Location
	elapsed                                      time.Duration
}

func (h *Handler) logAccess(ctx context.Context, a *access) {
	attrs := []slog.Attr{
		slog.String("method", a.method),
		slog.String("host", a.host),
		slog.String("path", a.path),
		slog.Int("status", a.status),
		slog.Int64("bytes", a.bytes),
		slog.Duration("duration", a.elapsed),
		slog.String("remote", a.remote),
	}
	if a.query != "" {
		attrs = append(attrs, slog.String("query", a.query))
	}
	if a.rule != nil {
		attrs = append(attrs, slog.String("rule", a.rule.Source), slog.String("location", a.location))
	}
	if a.userAgent != "" {
		attrs = append(attrs, slog.String("user_agent", a.userAgent))
	}
	h.cfg.AccessLog.LogAttrs(ctx, slog.LevelInfo, "request", attrs...)
}
