package server

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// durationBuckets are the upper bounds, in seconds, of the request
// duration histogram.
var durationBuckets = [...]float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// durationNanos are durationBuckets as durations.
var durationNanos = func() (ns [len(durationBuckets)]time.Duration) {
	for i, s := range durationBuckets {
		ns[i] = time.Duration(s * float64(time.Second))
	}
	return ns
}()

// overflowPath is the label that counts 404s past the distinct-path bound.
const overflowPath = "(other)"

// maxPathLabel bounds the length of a 404 path kept as a label.
const maxPathLabel = 256

// Metrics counts what a Handler did, for the Prometheus text format.
type Metrics struct {
	byStatus  [600]atomic.Uint64
	buckets   [len(durationBuckets) + 1]atomic.Uint64
	durNanos  atomic.Uint64
	reloadOK  atomic.Uint64
	reloadErr atomic.Uint64
	lastOK    atomic.Int64 // unix seconds of the last successful load

	mu          sync.Mutex
	notFoundBy  map[string]uint64
	maxNotFound int

	rules *atomic.Pointer[ruleState]
}

func newMetrics(maxNotFound int) *Metrics {
	if maxNotFound <= 0 {
		maxNotFound = 1000
	}
	return &Metrics{notFoundBy: make(map[string]uint64), maxNotFound: maxNotFound}
}

func (m *Metrics) observe(status int, d time.Duration) {
	if status >= 0 && status < len(m.byStatus) {
		m.byStatus[status].Add(1)
	}
	// Most requests fall in the first bucket: a scan from the start finds
	// it sooner than a binary search.
	i := 0
	for i < len(durationNanos) && d > durationNanos[i] {
		i++
	}
	m.buckets[i].Add(1)
	m.durNanos.Add(uint64(d))
}

// notFound counts a 404 for path: the paths people ask for that have no
// page are the redirects a site is missing.
func (m *Metrics) notFound(path string) {
	if len(path) > maxPathLabel {
		path = path[:maxPathLabel]
	}
	m.mu.Lock()
	if _, ok := m.notFoundBy[path]; !ok && len(m.notFoundBy) >= m.maxNotFound {
		path = overflowPath
	}
	m.notFoundBy[path]++
	m.mu.Unlock()
}

// reloaded counts a load of the rules.
func (m *Metrics) reloaded(ok bool) {
	if ok {
		m.reloadOK.Add(1)
		m.lastOK.Store(time.Now().Unix())
	} else {
		m.reloadErr.Add(1)
	}
}

// WriteTo writes every metric in the Prometheus text exposition format.
func (m *Metrics) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: bufio.NewWriter(w)}
	p := func(format string, args ...any) { fmt.Fprintf(cw, format, args...) }

	p("# HELP signpost_requests_total Requests answered, by status code.\n# TYPE signpost_requests_total counter\n")
	for code := range m.byStatus {
		if n := m.byStatus[code].Load(); n > 0 {
			p("signpost_requests_total{code=\"%d\"} %d\n", code, n)
		}
	}

	p("# HELP signpost_request_duration_seconds Time to answer a request.\n# TYPE signpost_request_duration_seconds histogram\n")
	var cum uint64
	for i, le := range durationBuckets {
		cum += m.buckets[i].Load()
		p("signpost_request_duration_seconds_bucket{le=\"%s\"} %d\n", strconv.FormatFloat(le, 'g', -1, 64), cum)
	}
	cum += m.buckets[len(durationBuckets)].Load()
	p("signpost_request_duration_seconds_bucket{le=\"+Inf\"} %d\n", cum)
	p("signpost_request_duration_seconds_sum %s\n", strconv.FormatFloat(float64(m.durNanos.Load())/1e9, 'g', -1, 64))
	p("signpost_request_duration_seconds_count %d\n", cum)

	st := m.rules.Load()
	p("# HELP signpost_rules Rules being served.\n# TYPE signpost_rules gauge\nsignpost_rules %d\n", st.count())
	p("# HELP signpost_redirect_hits_total Requests each rule answered, by the rule's source as written in the rules file.\n# TYPE signpost_redirect_hits_total counter\n")
	if st != nil {
		for i, r := range st.table.Rules().Rules {
			if n := st.hits[i].Load(); n > 0 {
				p("signpost_redirect_hits_total{rule=\"%s\",status=\"%d\"} %d\n", escapeLabel(r.Source), r.Status, n)
			}
		}
	}

	p("# HELP signpost_not_found_total Requests answered 404, by path (at most %d paths; the rest as %q).\n# TYPE signpost_not_found_total counter\n", m.maxNotFound, overflowPath)
	m.mu.Lock()
	paths := make([]string, 0, len(m.notFoundBy))
	for k := range m.notFoundBy {
		paths = append(paths, k)
	}
	counts := make([]uint64, len(paths))
	sort.Strings(paths)
	for i, k := range paths {
		counts[i] = m.notFoundBy[k]
	}
	m.mu.Unlock()
	for i, k := range paths {
		p("signpost_not_found_total{path=\"%s\"} %d\n", escapeLabel(k), counts[i])
	}

	p("# HELP signpost_reloads_total Loads of the rules file, by result.\n# TYPE signpost_reloads_total counter\n")
	p("signpost_reloads_total{result=\"ok\"} %d\nsignpost_reloads_total{result=\"error\"} %d\n", m.reloadOK.Load(), m.reloadErr.Load())
	p("# HELP signpost_rules_loaded_timestamp_seconds When the rules being served were loaded.\n# TYPE signpost_rules_loaded_timestamp_seconds gauge\nsignpost_rules_loaded_timestamp_seconds %d\n", m.lastOK.Load())

	if err := cw.w.(*bufio.Writer).Flush(); err != nil && cw.err == nil {
		cw.err = err
	}
	return cw.n, cw.err
}

// Handler serves the metrics at /metrics.
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		m.WriteTo(w)
	})
	return mux
}

// escapeLabel escapes a label value as the text format requires.
func escapeLabel(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if !strings.ContainsAny(s, "\\\"\n") {
		return s
	}
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}
