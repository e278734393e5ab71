package fastlane

import (
	"bufio"
	"bytes"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// heads are the parser's cases: the ones it takes, and the ones it leaves
// to net/http, each for the reason in its name.
var heads = []struct {
	name string
	head string
	want verdict
}{
	{"plain", "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n", take},
	{"head", "HEAD /a?b=c HTTP/1.1\r\nHost: example.com:8080\r\n\r\n", take},
	{"fields", "GET /x HTTP/1.1\r\nhost: h\r\nuser-agent: ua/1\r\nAccept:*/*\r\nX-Many: 1\r\nX-MANY: 2\r\n\r\n", take},
	{"white space around values", "GET /x HTTP/1.1\r\nHost: \th \t\r\nX: \t v \t\r\n\r\n", take},
	{"empty value", "GET /x HTTP/1.1\r\nHost: h\r\nX-Empty:\r\n\r\n", take},
	{"close", "GET /x HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, Close\r\n\r\n", take},
	{"zero length", "GET /x HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", take},
	{"pragma", "GET /x HTTP/1.1\r\nHost: h\r\nPragma: no-cache\r\n\r\n", take},
	{"obs-text value", "GET /x HTTP/1.1\r\nHost: h\r\nX: caf\xc3\xa9\r\n\r\n", take},
	{"ipv6 host", "GET /x HTTP/1.1\r\nHost: [::1]:80\r\n\r\n", take},
	{"pipelined", "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n", take},

	{"incomplete", "GET / HTTP/1.1\r\nHost: h\r\n", needMore},
	{"incomplete request line", "GET /a", needMore},
	{"empty", "", needMore},

	{"post", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nx", handOff},
	{"post, early", "POST", handOff},
	{"post, too early to tell", "POS", needMore},
	{"options", "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", handOff},
	{"lower-case method", "get / HTTP/1.1\r\nHost: h\r\n\r\n", handOff},
	{"http/1.0", "GET / HTTP/1.0\r\n\r\n", handOff},
	{"http/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", handOff},
	{"absolute form", "GET http://h/ HTTP/1.1\r\nHost: h\r\n\r\n", handOff},
	{"two spaces", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", handOff},
	{"space in target", "GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", handOff},
	{"non-ascii target", "GET /caf\xc3\xa9 HTTP/1.1\r\nHost: h\r\n\r\n", handOff},
	{"no host", "GET / HTTP/1.1\r\n\r\n", handOff},
	{"two hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", handOff},
	{"bad host", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", handOff},
	{"empty host", "GET / HTTP/1.1\r\nHost:\r\n\r\n", handOff},
	{"body length", "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello", handOff},
	{"two zero lengths", "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n", handOff},
	{"chunked", "GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", handOff},
	{"expect", "GET / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n", handOff},
	{"upgrade", "GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", handOff},
	{"h2c", "GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, HTTP2-Settings\r\n\r\n", handOff},
	{"folded line", "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n", handOff},
	{"space before colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", handOff},
	{"no colon", "GET / HTTP/1.1\r\nHost: h\r\nX\r\n\r\n", handOff},
	{"bad name", "GET / HTTP/1.1\r\nHost: h\r\nX(y): 1\r\n\r\n", handOff},
	{"control byte", "GET / HTTP/1.1\r\nHost: h\r\nX: a\x01b\r\n\r\n", handOff},
	{"bare lf", "GET / HTTP/1.1\nHost: h\n\n", handOff},
	{"bare lf in a field", "GET / HTTP/1.1\r\nHost: h\nX: 1\r\n\r\n", handOff},
	{"bare cr", "GET / HTTP/1.1\r\nHost: h\rX: 1\r\n\r\n", handOff},
	{"leading blank line", "\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", handOff},
}

func TestParseHead(t *testing.T) {
	for _, tc := range heads {
		t.Run(tc.name, func(t *testing.T) {
			var h head
			_, v := parseHead([]byte(tc.head), &h)
			if v != tc.want {
				t.Fatalf("verdict %d, want %d", v, tc.want)
			}
			if v == take {
				sameAsNetHTTP(t, []byte(tc.head))
			}
		})
	}
}

// FuzzParseHead checks that every head the fast lane takes is one that
// net/http reads alike: the same method, target, host, fields and length.
// The two parsers can never see different requests in the same bytes.
func FuzzParseHead(f *testing.F) {
	for _, tc := range heads {
		f.Add([]byte(tc.head))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var h head
		if _, v := parseHead(b, &h); v == take {
			sameAsNetHTTP(t, b)
		}
	})
}

// sameAsNetHTTP checks the fast lane's reading of the head at the start
// of b against http.ReadRequest's.
func sameAsNetHTTP(t *testing.T, b []byte) {
	t.Helper()
	var h head
	n, _ := parseHead(b, &h)
	c := &conn{tmpl: &http.Request{}, head: h}
	got, ok := c.request(string(h.target))
	if !ok {
		// The lane hands a head whose target does not parse to net/http,
		// which answers it: there is no second reading to compare.
		if _, err := url.ParseRequestURI(string(h.target)); err == nil {
			t.Fatalf("%q: the lane hands off target %q, which parses", b, h.target)
		}
		return
	}
	br := bufio.NewReader(bytes.NewReader(b))
	want, err := http.ReadRequest(br)
	if err != nil {
		t.Fatalf("the fast lane takes %q; net/http refuses it: %v", b, err)
	}
	if rest, _ := io.ReadAll(br); len(rest) != len(b)-n {
		t.Fatalf("the fast lane reads %d bytes of %q; net/http %d", n, b, len(b)-len(rest))
	}
	if got.Method != want.Method || got.RequestURI != want.RequestURI || got.Host != want.Host ||
		got.Close != want.Close || *got.URL != *want.URL || want.ContentLength != 0 {
		t.Fatalf("%q:\nfast lane %s %s host %q close %v url %#v\nnet/http  %s %s host %q close %v url %#v length %d", b,
			got.Method, got.RequestURI, got.Host, got.Close, got.URL,
			want.Method, want.RequestURI, want.Host, want.Close, want.URL, want.ContentLength)
	}
	if !maps.EqualFunc(got.Header, want.Header, slices.Equal) {
		t.Fatalf("%q: fields\nfast lane %q\nnet/http  %q", b, got.Header, want.Header)
	}
}

// FuzzPlainTarget checks that a target given to a Responder without
// parsing has the path and query that url.ParseRequestURI would give.
func FuzzPlainTarget(f *testing.F) {
	for _, s := range []string{"/", "/a/b?c=d", "/a%2Fb", "/%7euser", "/a%zz", "/a?", "/a??b", "/[x]!$&'()*+,;=:@",
		"/a%", "/caf%C3%A9", "/%ff", "/a#b", "/a\"b", "//x", "/a?b#c", "/%00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, target string) {
		if target == "" || target[0] != '/' || strings.ContainsFunc(target, func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
			return // parseHead takes no such target
		}
		n, ok := plainTarget([]byte(target))
		if !ok {
			return
		}
		u, err := url.ParseRequestURI(target)
		if err != nil {
			t.Fatalf("%q is plain, but url.ParseRequestURI refuses it: %v", target, err)
		}
		query := ""
		if n < len(target) {
			query = target[n+1:]
		}
		if u.EscapedPath() != target[:n] || u.RawQuery != query {
			t.Fatalf("%q: plain path %q query %q; url.ParseRequestURI %q %q", target, target[:n], query, u.EscapedPath(), u.RawQuery)
		}
	})
}
