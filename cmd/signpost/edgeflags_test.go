package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signposthq/signpost/edge"
)

func TestHeaderListSet(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want edge.Header
		err  string
	}{
		{in: "X-Frame-Options: DENY", want: edge.Header{Name: "X-Frame-Options", Value: "DENY"}},
		{in: " Link :  </a.css>; rel=preload ", want: edge.Header{Name: "Link", Value: "</a.css>; rel=preload"}},
		{in: "X-Tab: a\tb", want: edge.Header{Name: "X-Tab", Value: "a\tb"}},
		{in: "X-Empty:", want: edge.Header{Name: "X-Empty"}},
		{in: "X-Odd!#$%&'*+-.^_`|~: v", want: edge.Header{Name: "X-Odd!#$%&'*+-.^_`|~", Value: "v"}},
		{in: "no colon", err: `"no colon" is not NAME: VALUE`},
		{in: ": v", err: `": v" is not NAME: VALUE`},
		{in: "Bad Name: v", err: `header name "Bad Name" is not an HTTP token`},
		{in: "X(y): v", err: `header name "X(y)" is not an HTTP token`},
		{in: "X-é: v", err: `header name "X-é" is not an HTTP token`},
		{in: "X-A: a\r\nSet-Cookie: x=1", err: "the value of X-A holds a line break"},
		{in: "X-A: a\nb", err: "the value of X-A holds a line break"},
		{in: "X-A: a\x00b", err: "the value of X-A holds a control character"},
		{in: "X-A: a\x7fb", err: "the value of X-A holds a control character"},
	} {
		var l headerList
		err := l.Set(tc.in)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("Set(%q) = %v, want an error with %q", tc.in, err, tc.err)
		case tc.err != "" && len(l) != 0:
			t.Errorf("Set(%q) failed but kept %v", tc.in, l)
		case tc.err == "" && err != nil:
			t.Errorf("Set(%q) = %v", tc.in, err)
		case tc.err == "" && (len(l) != 1 || l[0] != tc.want):
			t.Errorf("Set(%q) gave %q, want %q", tc.in, l, tc.want)
		}
	}
}

func TestHeaderListHTTPHeader(t *testing.T) {
	var l headerList
	for _, v := range []string{"x-frame-options: DENY", "Link: </a.css>", "link: </b.js>"} {
		if err := l.Set(v); err != nil {
			t.Fatal(err)
		}
	}
	h := l.httpHeader()
	if got := h.Get("X-Frame-Options"); got != "DENY" {
		t.Errorf("X-Frame-Options = %q", got)
	}
	if got := h.Values("Link"); len(got) != 2 || got[0] != "</a.css>" || got[1] != "</b.js>" {
		t.Errorf("Link = %q, want both values in order", got)
	}
	if h := (headerList{}).httpHeader(); h != nil {
		t.Errorf("no headers gave %v, want nil", h)
	}
}

// Every command that takes --header refuses a bad one as a usage error,
// with the same message, before it reads any file or calls anything.
func TestHeaderFlagEveryCommand(t *testing.T) {
	dir := t.TempDir()
	toml := filepath.Join(dir, "signpost.toml")
	os.WriteFile(toml, []byte("[deploy]\nheaders = [\"X-A: a\\r\\nSet-Cookie: x=1\"]\n"), 0o644)
	const bad = "X-A: a\r\nSet-Cookie: x=1"
	for _, args := range [][]string{
		{"build", "--target", "lambda-edge", "--header", bad},
		{"simulate", "--url", "/a", "--header", bad},
		{"deploy", "--mode", "s3", "--bucket", "b", "--header", bad},
		{"deploy", "--config", toml, "--mode", "s3", "--bucket", "b"},
		{"serve", "--header", bad, "site"},
	} {
		var stdout, stderr bytes.Buffer
		env := &Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
		code := run(context.Background(), env, args)
		if code != exitUsage || !strings.Contains(stderr.String(), "the value of X-A holds a line break") {
			t.Errorf("%q = %d, stderr:\n%s\nwant %d and the line break named", args, code, stderr.String(), exitUsage)
		}
	}
}
