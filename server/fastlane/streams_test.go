package fastlane_test

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
)

// TestLanesAgreeOnStreams sends both lanes the same client byte streams:
// runs of pipelined requests, well-formed and not, cut off anywhere, mixed
// with the requests the fast lane hands to net/http. Every answer, and
// where the answers stop, must be the same.
func TestLanesAgreeOnStreams(t *testing.T) {
	for _, tc := range []struct {
		name    string
		handler http.Handler
		paths   []string
	}{
		{"shapes", shapes(), shapePaths},
		{"signpost", signpostHandler(t, true), signpostPaths},
	} {
		t.Run(tc.name, func(t *testing.T) {
			slow := listen(t, &http.Server{Handler: tc.handler, ErrorLog: discardLog}, false)
			fast := listen(t, &http.Server{Handler: tc.handler, ErrorLog: discardLog}, true)
			rng := rand.New(rand.NewPCG(*streamSeed, 11))
			n := *streamCount
			if testing.Short() {
				n = 50
			}
			for i := range n {
				stream := randomStream(rng, tc.paths)
				want, got := replay(t, slow, stream), replay(t, fast, stream)
				if got != want {
					t.Fatalf("stream %d %q\nnet/http:\n%s\nfast lane:\n%s", i, stream, want, got)
				}
			}
		})
	}
}

// A longer run: go test ./server/fastlane -run Streams -streams 20000 -streams-seed 5
var (
	streamCount = flag.Int("streams", 300, "client streams TestLanesAgreeOnStreams sends each lane")
	streamSeed  = flag.Uint64("streams-seed", 7, "seed of the streams")
)

var signpostPaths = []string{"/old", "/old/", "/temp?y=2", "/quote", "/gone", "/blog/x?y=1", "/nope",
	"/", "/docs", "/docs/", "/style.css", "/%64ocs/", "/.git/config", "/healthz", "/a%zz", "/away"}

var shapePaths = []string{"/sniff", "/sized", "/short", "/empty", "/echo", "/echo?x=1", "/close",
	"/flush", "/no-content", "/not-modified", "/early-hints", "/missing", "/e%63ho", "/a%zz", "/big", "/huge?sized"}

var streamFields = []string{"User-Agent: t/1", "Accept: */*", "Connection: close", "Connection: keep-alive",
	"Content-Length: 0", "Content-Length: 3", "Transfer-Encoding: chunked", "Pragma: no-cache",
	"Expect: 100-continue", "X-Dup: 1", "x-dup: 2", "Host: other.example", "Upgrade: h2c", "Bad Field: x",
	" folded", "X-Tab:\tvalue\t", "X-Ctl: a\x01b"}

// randomStream makes one to four requests, each possibly broken, joined.
func randomStream(rng *rand.Rand, paths []string) string {
	var b strings.Builder
	for range 1 + rng.IntN(4) {
		method := []string{"GET", "GET", "GET", "HEAD", "POST", "PUT", "get"}[rng.IntN(7)]
		version := []string{"HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0"}[rng.IntN(5)]
		var req strings.Builder
		fmt.Fprintf(&req, "%s %s %s\r\n", method, paths[rng.IntN(len(paths))], version)
		if rng.IntN(10) > 0 {
			req.WriteString("Host: example.com\r\n")
		}
		for range rng.IntN(4) {
			req.WriteString(streamFields[rng.IntN(len(streamFields))] + "\r\n")
		}
		req.WriteString("\r\n")
		if method == "POST" || method == "PUT" {
			req.WriteString("abc")
		}
		r := []byte(req.String())
		switch rng.IntN(12) {
		case 0: // a byte changed
			const noise = "\n\r :\x00a/%"
			r[rng.IntN(len(r))] = noise[rng.IntN(len(noise))]
		case 1: // a line break that is not CRLF
			r = bytes.Replace(r, []byte("\r\n"), []byte("\n"), 1)
		case 2: // cut short
			r = r[:rng.IntN(len(r))]
		}
		b.Write(r)
	}
	return b.String()
}

// replay sends stream on a new connection, half-closes it, and describes
// every answer until the server closes (the Date's value aside).
func replay(t *testing.T, addr, stream string) string {
	t.Helper()
	c := send(t, addr, stream)
	defer c.Close()
	c.CloseWrite()
	all, err := io.ReadAll(c)
	if err != nil && !strings.Contains(err.Error(), "reset") {
		t.Fatalf("%q: %v", stream, err)
	}
	br := bufio.NewReader(bytes.NewReader(all))
	var out strings.Builder
	// Each answer is read as the answer to the method of the request it
	// follows; HEAD answers have no body.
	methods := requestMethods(stream)
	for i := 0; ; i++ {
		method := "GET"
		if i < len(methods) {
			method = methods[i]
		}
		resp, err := http.ReadResponse(br, &http.Request{Method: method})
		if err != nil {
			rest, _ := io.ReadAll(br)
			fmt.Fprintf(&out, "end; %d bytes left\n", len(rest))
			return out.String()
		}
		describe(&out, resp)
		if resp.StatusCode < 200 {
			i--
		}
	}
}

// requestMethods lists the method of each request line in a stream, as
// near as the stream lets one tell.
func requestMethods(stream string) []string {
	var ms []string
	for _, line := range strings.Split(strings.ReplaceAll(stream, "\r\n", "\n"), "\n") {
		if m, _, ok := strings.Cut(line, " "); ok && strings.Contains(line, " HTTP/") && (m == "HEAD" || m == "GET" || m == "POST" || m == "PUT" || m == "get") {
			ms = append(ms, m)
		}
	}
	return ms
}
