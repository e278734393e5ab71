package fastlane_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/signposthq/signpost/internal/syncbuf"
	"github.com/signposthq/signpost/server/fastlane"
)

// echoPath answers with the method and target it got, and says which lane
// served it: net/http's ResponseWriter can hijack, the fast lane's cannot.
var echoPath = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	lane := "fast"
	if _, ok := w.(http.Hijacker); ok {
		lane = "net/http"
	}
	body, _ := io.ReadAll(r.Body)
	io.WriteString(w, r.Method+" "+r.RequestURI+" "+string(body)+" by "+lane)
})

func dial(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(5 * time.Second))
	return c, bufio.NewReader(c)
}

func readBody(t *testing.T, br *bufio.Reader, method string) (int, string) {
	t.Helper()
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		t.Fatalf("reading an answer: %v", err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// TestPipelineAndHandOff sends five requests in one write: the fast lane
// answers the first two, and net/http the POST and all after it on that
// connection, in order, with no byte lost between the two.
func TestPipelineAndHandOff(t *testing.T) {
	addr := listen(t, &http.Server{Handler: echoPath}, true)
	c, br := dial(t, addr)
	io.WriteString(c, "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"+
		"HEAD /2 HTTP/1.1\r\nHost: h\r\n\r\n"+
		"POST /3 HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody"+
		"GET /4 HTTP/1.1\r\nHost: h\r\n\r\n"+
		"GET /5 HTTP/1.1\r\nHost: h\r\n\r\n")
	for _, want := range []struct{ method, body string }{
		{"GET", "GET /1  by fast"}, {"HEAD", ""}, {"POST", "POST /3 body by net/http"},
		{"GET", "GET /4  by net/http"}, {"GET", "GET /5  by net/http"},
	} {
		if code, body := readBody(t, br, want.method); code != 200 || body != want.body {
			t.Errorf("%s: %d %q, want 200 %q", want.method, code, body, want.body)
		}
	}
}

// TestSlowClient sends a request a byte at a time, then a second one split
// in the middle of a field: the fast lane waits for whole heads.
func TestSlowClient(t *testing.T) {
	addr := listen(t, &http.Server{Handler: echoPath}, true)
	c, br := dial(t, addr)
	req := "GET /slow?x=1 HTTP/1.1\r\nHost: h\r\nUser-Agent: slow\r\n\r\n"
	for i := range len(req) {
		io.WriteString(c, req[i:i+1])
		if i%8 == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	if code, body := readBody(t, br, "GET"); body != "GET /slow?x=1  by fast" {
		t.Errorf("%d %q", code, body)
	}
	io.WriteString(c, "GET /two HTTP/1.1\r\nHost: h\r\nX-Lo")
	time.Sleep(20 * time.Millisecond)
	io.WriteString(c, "ng: yes\r\n\r\n")
	if code, body := readBody(t, br, "GET"); body != "GET /two  by fast" {
		t.Errorf("%d %q", code, body)
	}
}

// TestLongHead sends heads that grow the read buffer, up to and past the
// limit: past it, net/http answers 431.
func TestLongHead(t *testing.T) {
	addr := listen(t, &http.Server{Handler: echoPath, MaxHeaderBytes: 8 << 10}, true)
	c, br := dial(t, addr)
	long := "GET /long HTTP/1.1\r\nHost: h\r\nX-Long: " + strings.Repeat("a", 9000) + "\r\n\r\n"
	io.WriteString(c, long)
	if code, body := readBody(t, br, "GET"); code != 200 || body != "GET /long  by fast" {
		t.Errorf("a 9 KB head: %d %q", code, body)
	}
	c2, br2 := dial(t, addr)
	io.WriteString(c2, "GET /too-long HTTP/1.1\r\nHost: h\r\nX-Long: "+strings.Repeat("a", 20000)+"\r\n\r\n")
	if code, _ := readBody(t, br2, "GET"); code != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("a 20 KB head: %d, want 431", code)
	}
}

// TestTimeouts: a connection idle for longer than IdleTimeout is closed,
// and so is one that has not finished its head within ReadHeaderTimeout.
func TestTimeouts(t *testing.T) {
	addr := listen(t, &http.Server{Handler: echoPath, IdleTimeout: 200 * time.Millisecond,
		ReadHeaderTimeout: 300 * time.Millisecond}, true)
	for _, tc := range []struct {
		name, send string
		answers    int
		max        time.Duration
	}{
		{"idle", "GET /a HTTP/1.1\r\nHost: h\r\n\r\n", 1, 2 * time.Second},
		{"half a head", "GET /a HTTP/1.1\r\nHo", 0, 2 * time.Second},
		{"a head trickling in", "", 0, 2 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, br := dial(t, addr)
			start := time.Now()
			io.WriteString(c, tc.send)
			if tc.send == "" {
				// A byte every 100 ms: each read comes well within the
				// timeout, but the head as a whole does not.
				go func() {
					for i := 0; i < 30; i++ {
						if _, err := io.WriteString(c, "GET /a HTTP/1.1\r\nX-Slow: aaaa"[i:i+1]); err != nil {
							return
						}
						time.Sleep(100 * time.Millisecond)
					}
				}()
			}
			for range tc.answers {
				readBody(t, br, "GET")
			}
			// A server that closes with bytes unread (the trickle's last)
			// makes the kernel reset the connection rather than end it.
			if _, err := br.ReadByte(); err != io.EOF && !errors.Is(err, syscall.ECONNRESET) {
				t.Fatalf("read %v, want the server to close the connection", err)
			}
			if d := time.Since(start); d > tc.max || d < 150*time.Millisecond {
				t.Errorf("closed after %v", d)
			}
		})
	}
}

// TestShutdown: connections between requests close at once; a request in
// flight is answered, with Connection: close, and Shutdown waits for it.
func TestShutdown(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	ctxErr := make(chan error, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(started)
			<-release
			ctxErr <- r.Context().Err() // Shutdown lets a request finish: its context goes on
		}
		io.WriteString(w, "done "+r.URL.Path)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := fastlane.New(&http.Server{Handler: h})
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()

	idle, idleR := dial(t, ln.Addr().String())
	io.WriteString(idle, "GET /first HTTP/1.1\r\nHost: h\r\n\r\n")
	readBody(t, idleR, "GET")
	busy, busyR := dial(t, ln.Addr().String())
	io.WriteString(busy, "GET /slow HTTP/1.1\r\nHost: h\r\n\r\n")
	<-started

	shut := make(chan error, 1)
	go func() { shut <- s.Shutdown(context.Background()) }()
	if _, err := idleR.ReadByte(); err != io.EOF {
		t.Errorf("the idle connection: %v, want it closed", err)
	}
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned (%v) with a request in flight", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	resp, err := http.ReadResponse(busyR, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if err := <-ctxErr; string(body) != "done /slow" || !resp.Close || err != nil {
		t.Errorf("in flight: %q close=%v, context %v; want the answer, Connection: close and a live context", body, resp.Close, err)
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if err := <-served; err != http.ErrServerClosed {
		t.Errorf("Serve: %v", err)
	}
	if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		t.Error("still accepting after Shutdown")
	}
}

// TestPanic: a handler that panics is logged with its stack and its
// connection closed; earlier pipelined answers still go out, and the
// server goes on serving.
func TestPanic(t *testing.T) {
	var logged syncbuf.Buffer
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/panic" {
			io.WriteString(w, "half")
			panic("boom")
		}
		io.WriteString(w, "ok")
	})
	addr := listen(t, &http.Server{Handler: h, ErrorLog: log.New(&logged, "", 0)}, true)
	c, br := dial(t, addr)
	io.WriteString(c, "GET /before HTTP/1.1\r\nHost: h\r\n\r\nGET /panic HTTP/1.1\r\nHost: h\r\n\r\n")
	if _, body := readBody(t, br, "GET"); body != "ok" {
		t.Errorf("before the panic: %q", body)
	}
	if _, err := http.ReadResponse(br, nil); !errors.Is(err, io.ErrUnexpectedEOF) && err != io.EOF {
		t.Errorf("the panicking request: %v, want the connection closed without an answer", err)
	}
	if s := logged.String(); !strings.Contains(s, "panic serving") || !strings.Contains(s, "boom") || !strings.Contains(s, "conn_test.go") {
		t.Errorf("log: %q", s)
	}
	c2, br2 := dial(t, addr)
	io.WriteString(c2, "GET /after HTTP/1.1\r\nHost: h\r\n\r\n")
	if _, body := readBody(t, br2, "GET"); body != "ok" {
		t.Errorf("after the panic: %q", body)
	}
}

// TestConcurrentClients runs many connections at once (under -race in
// CI) through both lanes.
func TestConcurrentClients(t *testing.T) {
	addr := listen(t, &http.Server{Handler: echoPath}, true)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(10 * time.Second))
			br := bufio.NewReader(c)
			for j := range 50 {
				method, want := "GET", "GET /x  by fast"
				if i%4 == 0 && j >= 25 { // some connections go to net/http half way
					method, want = "POST", "POST /x  by net/http"
				}
				io.WriteString(c, method+" /x HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n")
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					t.Error(err)
					return
				}
				body, _ := io.ReadAll(resp.Body)
				if string(body) != want {
					t.Errorf("%d/%d: %q, want %q", i, j, body, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestNoIdleTimeout: with neither IdleTimeout nor ReadTimeout set, a
// connection may wait between requests for as long as it likes, as with
// net/http, even after a head that came in pieces (which sets the
// ReadHeaderTimeout's deadline for that head alone).
func TestNoIdleTimeout(t *testing.T) {
	for _, fast := range []bool{false, true} {
		addr := listen(t, &http.Server{Handler: echoPath, ReadHeaderTimeout: 200 * time.Millisecond}, fast)
		c, br := dial(t, addr)
		io.WriteString(c, "GET /one HTTP/1.1\r\nHo")
		time.Sleep(20 * time.Millisecond)
		io.WriteString(c, "st: h\r\n\r\n")
		readBody(t, br, "GET")
		time.Sleep(400 * time.Millisecond)
		if _, err := io.WriteString(c, "GET /two HTTP/1.1\r\nHost: h\r\n\r\n"); err != nil {
			t.Fatalf("fast lane %v: %v", fast, err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("fast lane %v: the second request after an idle wait: %v", fast, err)
		}
		resp.Body.Close()
	}
}

// TestClientGone: in both lanes, a request's context ends when its client
// closes the connection while the handler runs, and not when the client
// sends its next request meanwhile, which is answered in turn (the byte
// the fast lane read ahead is not lost).
func TestClientGone(t *testing.T) {
	for _, fast := range []bool{true, false} {
		t.Run(map[bool]string{true: "fast lane", false: "net/http"}[fast], func(t *testing.T) {
			started := make(chan string, 2)
			release := make(chan struct{})
			ended := make(chan error, 2)
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				started <- r.URL.Path
				switch r.URL.Path {
				case "/wait":
					select {
					case <-r.Context().Done():
					case <-time.After(5 * time.Second):
					}
				case "/slow":
					select { // watching the context: the fast lane reads ahead
					case <-release:
					case <-r.Context().Done():
					}
				}
				ended <- r.Context().Err()
				io.WriteString(w, "done "+r.Method+" "+r.URL.Path)
			})
			addr := listen(t, &http.Server{Handler: h}, fast)

			// The client goes: the handler's context ends.
			c, _ := dial(t, addr)
			io.WriteString(c, "GET /wait HTTP/1.1\r\nHost: h\r\n\r\n")
			<-started
			c.Close()
			if err := <-ended; !errors.Is(err, context.Canceled) {
				t.Errorf("the client went: the context ended with %v, want context.Canceled", err)
			}

			// The client sends its next request while the first is answered:
			// the first's context goes on, and the second is not lost.
			c, br := dial(t, addr)
			io.WriteString(c, "GET /slow HTTP/1.1\r\nHost: h\r\n\r\n")
			<-started
			io.WriteString(c, "GET /next HTTP/1.1\r\nHost: h\r\n\r\n")
			time.Sleep(20 * time.Millisecond) // for the read ahead to take the first byte
			close(release)
			if err := <-ended; err != nil {
				t.Errorf("a next request came: the context ended with %v", err)
			}
			for _, want := range []string{"done GET /slow", "done GET /next"} {
				if code, body := readBody(t, br, "GET"); code != 200 || body != want {
					t.Errorf("%d %q, want 200 %q", code, body, want)
				}
			}
		})
	}
}
