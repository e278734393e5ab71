package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/signposthq/signpost"
	"github.com/signposthq/signpost/engine"
)

func TestSplitURL(t *testing.T) {
	for _, tc := range []struct{ in, host, path, query, err string }{
		{in: "/jobs", path: "/jobs"},
		{in: "/jobs/?a=1&b", path: "/jobs/", query: "a=1&b"},
		{in: "/a?b?c#frag", path: "/a", query: "b?c"},
		{in: "/a#x?y", path: "/a"},
		{in: "https://Old.Example.com:8443/pricing?x=1#top", host: "Old.Example.com:8443", path: "/pricing", query: "x=1"},
		{in: "http://example.com", host: "example.com", path: "/"},
		{in: "HTTPS://example.com?x", host: "example.com", path: "/", query: "x"},
		{in: "//evil.example/x", path: "//evil.example/x"},
		{in: "jobs", err: `"jobs" is neither a path nor an http(s) URL`},
		{in: "ftp://example.com/x", err: `"ftp://example.com/x" is not an http(s) URL`},
		{in: "https:///x", err: `"https:///x" has no host`},
		{in: "", err: `"" is neither a path nor an http(s) URL`},
	} {
		host, path, query, err := splitURL(tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("splitURL(%q) error = %v, want %s", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || host != tc.host || path != tc.path || query != tc.query {
			t.Errorf("splitURL(%q) = %q, %q, %q, %v; want %q, %q, %q", tc.in, host, path, query, err, tc.host, tc.path, tc.query)
		}
	}
}

// FuzzAppendJSONField checks the hand-written JSON escaping of explain
// --json against encoding/json: always valid JSON, and the same string
// back when the input is valid UTF-8.
func FuzzAppendJSONField(f *testing.F) {
	for _, s := range []string{"/jobs", `/say/"hi"\`, "/\x00\x1f\x7f", "/über", "/\xff\xfe", "/\u2028", "/\r\n\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := append(appendJSONField([]byte{'{'}, "url", s), '}')
		var v struct{ URL string }
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("appendJSONField(%q) = %s: not JSON: %v", s, b, err)
		}
		if utf8.ValidString(s) && v.URL != s {
			t.Fatalf("appendJSONField(%q) decodes to %q", s, v.URL)
		}
	})
}

// benchRules is a rules file shaped like a large site's: n exact rules
// (some with a trailing slash, some dropping the query) and patterns prefix
// rules; urls are half hits, half misses.
func benchRules(n, patterns int) (rulesJSON []byte, urls []byte) {
	var b, u bytes.Buffer
	b.WriteString("{\n")
	sections := []string{"blog", "docs", "products", "resources", "company", "support"}
	src := func(i int) string { return fmt.Sprintf("/%s/%d/old-page-%d", sections[i%len(sections)], i%977, i) }
	for i := range n {
		switch i % 10 {
		case 0:
			fmt.Fprintf(&b, "  %q: { \"to\": \"https://www.example.com/new/%d\" },\n", src(i)+"/", i)
		case 1:
			fmt.Fprintf(&b, "  %q: { \"to\": \"/pages/%d\", \"statusCode\": 302, \"query\": \"drop\" },\n", src(i), i)
		default:
			fmt.Fprintf(&b, "  %q: { \"to\": \"/pages/%d\" },\n", src(i), i)
		}
	}
	for i := range patterns {
		fmt.Fprintf(&b, "  \"/archive-%d/*\": { \"to\": \"/library/%d/:splat\", \"statusCode\": 308 },\n", i, i)
	}
	b.WriteString("}\n")
	for i := range 10_000 {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&u, "%s?utm_source=mail\n", src(i*7919%n))
		case 1:
			fmt.Fprintf(&u, "/archive-%d/2019/%d/post\n", i%max(patterns, 1), i)
		case 2:
			fmt.Fprintf(&u, "/pages/%d\n", i)
		default:
			fmt.Fprintf(&u, "https://www.example.com/products/%d/new-page-%d/\n", i%977, i)
		}
	}
	return b.Bytes(), u.Bytes()
}

// BenchmarkExplainJSON measures bulk "signpost explain --json -": reading
// URLs, resolving them and writing one JSON line each, per URL. Target:
// under 2 µs per URL.
func BenchmarkExplainJSON(b *testing.B) {
	for _, size := range []struct{ exact, patterns int }{{1_000, 100}, {100_000, 1_000}} {
		b.Run(fmt.Sprintf("rules=%d+%d", size.exact, size.patterns), func(b *testing.B) {
			data, urls := benchRules(size.exact, size.patterns)
			c := signpost.Compile("bench.json", data, engine.Options{})
			if c.Table == nil {
				b.Fatal(c.Diagnostics.Err())
			}
			lines := bytes.Count(urls, []byte{'\n'})
			x := &explainer{table: c.Table, file: "bench.json", json: true, out: bufio.NewWriterSize(io.Discard, 64<<10), errOut: io.Discard}
			b.SetBytes(int64(len(urls)))
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				if code := x.explainLines(context.Background(), bytes.NewReader(urls)); code != exitOK {
					b.Fatalf("exit %d", code)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*lines), "ns/url")
			// The process's CPU time, garbage collection included: on a
			// shared machine the wall clock also counts waiting for a core.
			b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N*lines), "cpu-ns/url")
		})
	}
}

type failingReader struct{ data []byte }

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, fmt.Errorf("disk on fire")
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// TestExplainStdinFailure checks that a failing standard input is an
// outside failure (exit 3) reported as such, after the URLs read so far.
func TestExplainStdinFailure(t *testing.T) {
	dir := t.TempDir()
	rulesFile := dir + "/redirects.json"
	if err := os.WriteFile(rulesFile, []byte(`{"/a": {"to": "/b"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	env := &Env{Stdin: &failingReader{data: []byte("/a\n/c")}, Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
	code := run(context.Background(), env, []string{"explain", "--json", "--rules", rulesFile, "-"})
	if code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	if want := `{"url":"/a","match":true,"status":301,"location":"/b","rule":"/a"}` + "\n"; stdout.String() != want {
		t.Errorf("stdout = %q, want %q", stdout.String(), want)
	}
	if !strings.Contains(stderr.String(), "signpost: error: reading standard input: disk on fire") {
		t.Errorf("stderr = %q", stderr.String())
	}
}
