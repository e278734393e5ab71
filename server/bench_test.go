package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signposthq/signpost/server"
	"github.com/signposthq/signpost/server/fastlane"
)

// discardWriter is the cheapest ResponseWriter: the benchmark measures the
// handler, not net/http.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}

// WriteString is there because net/http's ResponseWriter has it.
func (w *discardWriter) WriteString(s string) (int, error) { return len(s), nil }

// benchRules is the number of exact rules the benchmarks serve: exact
// lookups cost the same at any size while the table fits the cache.
const benchRules = 10_000

// benchHandler returns a Handler with benchRules exact rules and a site
// with a 404.html, and the path of the i-th hit or miss.
func benchHandler(b *testing.B) (*server.Handler, func(kind string, i int) string) {
	var rules strings.Builder
	rules.WriteString("{")
	for i := range benchRules {
		if i > 0 {
			rules.WriteString(",")
		}
		fmt.Fprintf(&rules, "%q: {\"to\": \"/pages/%d\"}", fmt.Sprintf("/docs/%d/old-page-%d", i%977, i), i)
	}
	rules.WriteString("}")
	h := newHandler(b, map[string]string{"404.html": "<h1>not found</h1>"}, rules.String(), nil)
	return h, func(kind string, i int) string {
		if kind == "miss" {
			return fmt.Sprintf("/docs/%d/missing-%d", i%977, i)
		}
		k := (i * 97) % benchRules
		return fmt.Sprintf("/docs/%d/old-page-%d", k%977, k)
	}
}

// BenchmarkHandler measures ServeHTTP for redirect hits and for misses
// (404 from the site).
func BenchmarkHandler(b *testing.B) {
	h, path := benchHandler(b)
	for _, kind := range []string{"hit", "miss"} {
		b.Run(kind, func(b *testing.B) {
			reqs := make([]*http.Request, 1024)
			for i := range reqs {
				reqs[i], _ = http.NewRequest("GET", "http://example.com"+path(kind, i), nil)
			}
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				clear(w.h)
				h.ServeHTTP(w, reqs[i%len(reqs)])
			}
		})
	}
}

// BenchmarkLanes measures the CPU cost of a whole request, parsing and
// framing included, in the fast lane and in net/http, without the
// network: one connection replays requests from memory, one per read (as
// a client that waits for each answer sends them), and discards the
// answers.
func BenchmarkLanes(b *testing.B) {
	h, path := benchHandler(b)
	for _, lane := range []string{"fastlane", "net/http"} {
		for _, kind := range []string{"hit", "miss"} {
			b.Run(lane+"/"+kind, func(b *testing.B) {
				reqs := make([][]byte, 1024)
				for i := range reqs {
					reqs[i] = fmt.Appendf(nil, "GET %s HTTP/1.1\r\nHost: example.com\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n", path(kind, i))
				}
				conn := &replayer{reqs: reqs, n: b.N, closed: make(chan struct{})}
				srv := &http.Server{Handler: h}
				var run server.Runner = srv
				if lane == "fastlane" {
					run = fastlane.New(srv)
				}
				b.ReportAllocs()
				b.ResetTimer()
				go run.Serve(&oneConn{c: conn, done: make(chan struct{})})
				<-conn.closed
				b.StopTimer()
				if conn.answers < b.N {
					b.Fatalf("%d answers to %d requests", conn.answers, b.N)
				}
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				run.Shutdown(ctx)
			})
		}
	}
}

// replayer is a client connection that sends n requests, one per Read,
// and counts the answers by their status lines.
type replayer struct {
	reqs    [][]byte
	i, n    int
	off     int // into reqs[i]
	answers int
	once    sync.Once
	closed  chan struct{}
}

func (c *replayer) Read(p []byte) (int, error) {
	if c.i >= c.n {
		return 0, io.EOF
	}
	req := c.reqs[c.i%len(c.reqs)]
	m := copy(p, req[c.off:])
	if c.off += m; c.off == len(req) {
		c.i, c.off = c.i+1, 0
	}
	return m, nil
}

func (c *replayer) Write(p []byte) (int, error) {
	c.answers += bytes.Count(p, []byte("HTTP/1.1 "))
	return len(p), nil
}

func (c *replayer) Close() error {
	c.once.Do(func() { close(c.closed) })
	return nil
}

func (c *replayer) LocalAddr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 80} }
func (c *replayer) RemoteAddr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}
}
func (c *replayer) SetDeadline(time.Time) error      { return nil }
func (c *replayer) SetReadDeadline(time.Time) error  { return nil }
func (c *replayer) SetWriteDeadline(time.Time) error { return nil }

// oneConn is a listener with one connection to give.
type oneConn struct {
	c    net.Conn
	once sync.Once
	done chan struct{}
}

func (l *oneConn) Accept() (net.Conn, error) {
	var c net.Conn
	l.once.Do(func() { c = l.c })
	if c != nil {
		return c, nil
	}
	<-l.done
	return nil, net.ErrClosed
}

func (l *oneConn) Close() error {
	select {
	case <-l.done:
	default:
		close(l.done)
	}
	return nil
}

func (l *oneConn) Addr() net.Addr { return l.c.LocalAddr() }
