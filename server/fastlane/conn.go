package fastlane

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"sync"
	"time"
)

const (
	// readSize is the first size of a connection's read buffer; it grows
	// for a longer head, up to the server's MaxHeaderBytes plus 4 KiB as
	// net/http allows.
	readSize = 4 << 10
	// flushAt is how much response is gathered before it is written out
	// in the middle of a request.
	flushAt = 32 << 10
	// deadlineSlack is how stale an idle or write deadline may get before
	// it is set again: it spares a timer update on every request of a busy
	// connection, at the price of a timeout that may end up to a second
	// (a tenth of the timeout, if less) sooner than asked.
	deadlineSlack = time.Second
)

// conn is one client connection while the fast lane has it.
type conn struct {
	s      *Server
	nc     net.Conn
	tmpl   *http.Request // Proto, RemoteAddr and the context, copied into every request
	buf    []byte        // read buffer; unread bytes are buf[r:w]
	r, w   int
	out    []byte // response bytes not yet written
	err    error  // the first write error; the connection is done
	head   head
	fields []byte // a response's serialized fields
	body   []byte // a response's body held back
	sorted []field
	host   string // the last Host, reused while it repeats
	// answered is true once a request has been answered.
	answered bool
	resp     response
	header   http.Header

	fastReq    Request
	fastAnswer Answer
	pass       any // from ServeFast to ServeHTTP (Passed)

	// The request and its fields, used again for every request.
	req                  http.Request
	reqHeader            http.Header
	fieldStr, fieldSpare [][2]string // the fields' names and values, this request's and the last one's
	vals                 []string

	// The read made while a handler runs, to learn that the client went:
	// its byte, if one came, and when it is done.
	ahead     [1]byte
	aheadN    int
	aheadDone chan struct{}

	mu            sync.Mutex // guards the deadline against Shutdown
	readDeadline  time.Time
	writeDeadline time.Time
	now           time.Time // when the request being answered came in
	headDeadline  time.Time // when the head being read must be in; zero between heads
}

func newConn(s *Server, nc net.Conn) *conn {
	c := &conn{s: s, nc: nc, buf: make([]byte, readSize)}
	ctx := context.WithValue(context.Background(), http.ServerContextKey, s.srv)
	ctx = context.WithValue(ctx, http.LocalAddrContextKey, nc.LocalAddr())
	ctx = context.WithValue(ctx, passKey{}, &c.pass)
	c.tmpl = (&http.Request{Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		RemoteAddr: nc.RemoteAddr().String(), Body: http.NoBody}).WithContext(ctx)
	return c
}

// serve answers requests until the connection ends or has one the fast
// lane does not take, which it hands to net/http with the bytes read.
func (c *conn) serve() {
	handedOff := false
	defer func() {
		if !handedOff {
			c.flush()
			c.nc.Close()
		}
		c.s.forget(c)
	}()
	for {
		n, v := parseHead(c.buf[c.r:c.w], &c.head)
		switch v {
		case needMore:
			if c.w-c.r >= c.s.maxHead {
				handedOff = c.handOff() // net/http answers 431
				return
			}
			switch c.fill() {
			case readMore:
				continue
			case readEOF:
				// A head cut short: net/http answers it with a 400 when it
				// is the connection's first, or four bytes or more of a
				// later one (it peeks at four before reading the next).
				if c.w-c.r >= 4 || c.r < c.w && !c.answered {
					handedOff = c.handOff()
				}
			}
			return
		case handOff:
			handedOff = c.handOff()
			return
		}
		c.headDeadline = time.Time{}
		c.now = time.Now()
		// The target as a string, made once for both ways a request can go.
		uri := string(c.head.target)
		if answered, keepAlive := c.serveFast(uri); answered {
			c.r += n
			if !keepAlive {
				return
			}
		} else {
			req, ok := c.request(uri)
			if !ok {
				c.dropPass()
				handedOff = c.handOff()
				return
			}
			c.r += n
			keepAlive := c.answer(req)
			c.dropPass()
			if !keepAlive {
				return
			}
		}
		c.answered = true
		if c.r == c.w {
			c.r, c.w = 0, 0
			if !c.flush() {
				return
			}
		}
		if c.s.shuttingDown() {
			return
		}
	}
}

// What fill found.
const (
	readMore = iota // more bytes are in
	readEOF         // the client has finished sending
	readDone        // the connection is done: timed out, broken, shutting down
)

// fill reads more of a head, which is shorter than the server's limit.
func (c *conn) fill() int {
	if c.w == len(c.buf) && c.r > 0 {
		c.w = copy(c.buf, c.buf[c.r:c.w])
		c.r = 0
	}
	if c.w == len(c.buf) {
		grown := make([]byte, min(2*len(c.buf), c.s.maxHead))
		copy(grown, c.buf[:c.w])
		c.buf = grown
	}
	if len(c.out) > 0 && !c.flush() {
		return readDone
	}
	// Waiting between requests is bounded by the idle timeout; once part
	// of a head is in, the whole head by the header timeout, however
	// slowly it trickles in.
	var ok bool
	if c.r < c.w {
		if c.headDeadline.IsZero() && c.s.headerTimeout > 0 {
			c.headDeadline = time.Now().Add(c.s.headerTimeout)
		}
		ok = c.setReadDeadline(c.headDeadline)
	} else {
		ok = c.setReadDeadline(time.Time{})
	}
	if !ok {
		return readDone
	}
	m, err := c.nc.Read(c.buf[c.w:])
	c.w += m
	switch {
	case m > 0:
		return readMore
	case err == io.EOF:
		return readEOF
	}
	return readDone
}

// setReadDeadline sets the read deadline to at, or, when at is zero, to
// the idle timeout from now unless the one set is within slack of that
// (to none when there is no idle timeout). It is false when the server is
// shutting down: the connection is to close.
func (c *conn) setReadDeadline(at time.Time) bool {
	if at.IsZero() && c.s.idleTimeout > 0 {
		now := c.now // when the last request came: fresh enough
		if now.IsZero() {
			now = time.Now()
		}
		at = now.Add(c.s.idleTimeout)
		if at.Sub(c.readDeadline) <= slack(c.s.idleTimeout) && !c.readDeadline.After(at) {
			// The usual case on a busy connection: the idle deadline set
			// is recent enough, and nothing needs the lock. (A Shutdown
			// from now on sets a past deadline, which this leaves alone.)
			return !c.s.shuttingDown()
		}
	}
	// Without an idle timeout, at stays zero: a head's deadline left from
	// the last request is cleared, as net/http clears it.
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.s.shuttingDown() {
		return false
	}
	if !at.Equal(c.readDeadline) {
		c.readDeadline = at
		c.nc.SetReadDeadline(at)
	}
	return true
}

// setWriteDeadline sets the write deadline for a response, within
// deadlineSlack.
func (c *conn) setWriteDeadline() {
	if c.s.writeTimeout <= 0 {
		return
	}
	d := c.now.Add(c.s.writeTimeout)
	if d.Sub(c.writeDeadline) > slack(c.s.writeTimeout) {
		c.writeDeadline = d
		c.nc.SetWriteDeadline(d)
	}
}

func slack(timeout time.Duration) time.Duration {
	return min(deadlineSlack, timeout/10)
}

// wake makes a connection waiting for a request give up (Shutdown).
func (c *conn) wake() {
	// c.readDeadline is the connection goroutine's own; it is not told,
	// and needs not be: from now on setReadDeadline sets nothing.
	c.mu.Lock()
	c.nc.SetReadDeadline(aLongTimeAgo)
	c.mu.Unlock()
}

// request builds the http.Request of the parsed head; false when net/http
// would refuse the target. The request and its header map are the
// connection's, used again for every request: a handler may not keep them
// once it has returned (package doc).
func (c *conn) request(uri string) (*http.Request, bool) {
	h := &c.head
	u, err := url.ParseRequestURI(uri)
	if err != nil {
		return nil, false
	}
	req := &c.req
	*req = *c.tmpl // the context comes with the copy
	req.Method, req.URL, req.RequestURI, req.Close = h.method, u, uri, h.close
	req.Host = c.hostOf(h)
	if c.reqHeader == nil {
		c.reqHeader = make(http.Header)
	}
	clear(c.reqHeader)
	req.Header = c.reqHeader
	// A client sends the same fields on every request of a connection:
	// their strings are made once.
	prev := c.fieldStr
	next := c.fieldSpare[:0]
	if cap(c.vals) < len(h.fields) {
		c.vals = make([]string, len(h.fields))
	}
	vals := c.vals[:len(h.fields)]
	for i, f := range h.fields {
		var kv [2]string
		if i < len(prev) && foldEqual(f[0], prev[i][0]) {
			kv[0] = prev[i][0]
			if prev[i][1] == string(f[1]) {
				kv[1] = prev[i][1]
			}
		} else {
			kv[0] = commonKey(f[0])
		}
		if kv[1] == "" && len(f[1]) > 0 {
			kv[1] = string(f[1])
		}
		next = append(next, kv)
		if have, ok := req.Header[kv[0]]; ok {
			req.Header[kv[0]] = append(have, kv[1])
		} else {
			vals[i] = kv[1]
			req.Header[kv[0]] = vals[i : i+1 : i+1]
		}
	}
	c.fieldStr, c.fieldSpare = next, prev
	// As net/http does: "Pragma: no-cache" stands for "Cache-Control:
	// no-cache" when there is none.
	if p := req.Header["Pragma"]; len(p) > 0 && p[0] == "no-cache" {
		if _, ok := req.Header["Cache-Control"]; !ok {
			req.Header["Cache-Control"] = []string{"no-cache"}
		}
	}
	return req, true
}

// hostOf returns h's Host as a string, made again only when it differs
// from the last request's: a client sends the same on every request.
func (c *conn) hostOf(h *head) string {
	if c.host != string(h.host) {
		c.host = string(h.host)
	}
	return c.host
}

// serveFast asks the handler, when it is a Responder, to answer a GET
// request whose target it can be given without parsing it into a URL.
func (c *conn) serveFast(uri string) (answered, keepAlive bool) {
	h := &c.head
	if c.s.responder == nil || h.method != http.MethodGet {
		return false, false
	}
	pathLen, ok := plainTarget(h.target)
	if !ok {
		return false, false
	}
	r := &c.fastReq
	*r = Request{Host: c.hostOf(h), Path: uri[:pathLen], Close: h.close, Start: c.now,
		RemoteAddr: c.tmpl.RemoteAddr, fields: h.fields}
	if pathLen < len(uri) {
		r.RawQuery = uri[pathLen+1:]
	}
	a := &c.fastAnswer
	a.Status, a.Fields, a.Body = 0, a.Fields[:0], a.Body[:0]
	c.setWriteDeadline()
	a.Pass = nil
	if !c.s.responder.ServeFast(r, a) {
		c.pass, a.Pass = a.Pass, nil
		return false, false
	}
	closeAfter := h.close || c.s.shuttingDown()
	out := appendStatusLine(c.out, a.Status)
	out = append(out, a.Fields...)
	if closeAfter {
		out = append(out, "Connection: close\r\n"...)
	}
	out = append(out, "Date: "...)
	out = append(out, c.s.date(c.now)...)
	if bodyAllowed(a.Status) {
		out = append(out, "\r\nContent-Length: "...)
		out = strconv.AppendInt(out, int64(len(a.Body)), 10)
		out = append(out, "\r\n\r\n"...)
		out = append(out, a.Body...)
	} else {
		out = append(out, "\r\n\r\n"...)
	}
	c.out = out
	return true, !closeAfter
}

// dropPass closes what ServeFast passed and ServeHTTP did not take.
func (c *conn) dropPass() {
	if cl, ok := c.pass.(io.Closer); ok {
		cl.Close()
	}
	c.pass = nil
}

// plainTarget returns the length of the path of an origin-form target
// whose path url.ParseRequestURI would accept and whose EscapedPath would
// be that path, byte for byte: unreserved characters, sub-delimiters, ":",
// "@", "/", "[", "]" and valid %XX escapes. ok is false for any other.
func plainTarget(t []byte) (pathLen int, ok bool) {
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case pathByte[c]:
		case c == '%':
			if i+2 >= len(t) || !isHex(t[i+1]) || !isHex(t[i+2]) {
				return 0, false
			}
			i += 2
		case c == '?':
			return i, true
		default:
			return 0, false
		}
	}
	return len(t), true
}

// answer runs the handler for req and completes its response; false when
// the connection is to close.
func (c *conn) answer(req *http.Request) (keepAlive bool) {
	// The response and its header are the connection's, used again for
	// every request: a handler may not use them once it has returned.
	if c.header == nil {
		c.header = make(http.Header)
	}
	clear(c.header)
	w := &c.resp
	*w = response{c: c, header: c.header, isHead: req.Method == http.MethodHead, wants: req.Close, cl: -1}
	start := len(c.out)
	defer func() {
		if p := recover(); p != nil {
			keepAlive = false
			if !w.streaming {
				c.out = c.out[:start] // nothing of this response went out
			}
			if p != http.ErrAbortHandler {
				stack := make([]byte, 64<<10)
				stack = stack[:runtime.Stack(stack, false)]
				c.s.logf("http: panic serving %v: %v\n%s", req.RemoteAddr, p, stack)
			}
		}
	}()
	c.setWriteDeadline()
	ctx, cancel := context.WithCancel(req.Context())
	wc := &watchedCtx{Context: ctx, cancel: cancel, c: c}
	if c.r != c.w {
		wc.state = watchDone // a next request is in: nothing to read ahead
	}
	defer wc.finish() // as net/http, the context ends with the handler
	c.s.srv.Handler.ServeHTTP(w, req.WithContext(wc))
	return w.finish()
}

// watchedCtx is a request's context in the fast lane. The first call of
// its Done starts a read ahead (startReadAhead), so that the context ends
// when the client goes away, as net/http's does; a handler that never
// watches its context (one serving a local file) pays nothing for that.
type watchedCtx struct {
	context.Context // a cancel context, ended by cancel
	cancel          context.CancelFunc
	c               *conn

	mu    sync.Mutex
	state int // watchIdle, then watchReading when Done starts the read ahead, watchDone
}

const (
	watchIdle = iota
	watchReading
	watchDone
)

func (w *watchedCtx) Done() <-chan struct{} {
	w.mu.Lock()
	if w.state == watchIdle {
		w.state = watchReading
		w.c.startReadAhead(w.cancel)
	}
	w.mu.Unlock()
	return w.Context.Done()
}

// finish ends the context once the handler has returned, after the read
// ahead if one was started.
func (w *watchedCtx) finish() {
	w.mu.Lock()
	reading := w.state == watchReading
	w.state = watchDone
	w.mu.Unlock()
	if reading {
		w.c.stopReadAhead()
	}
	w.cancel()
}

// startReadAhead reads one byte in the background, with no deadline; a
// read that fails other than by a deadline (stopReadAhead's, or
// Shutdown's, which lets requests in flight finish) means the client
// closed or reset the connection, and calls gone. It runs on the goroutine
// that first watches the context, while the connection's own waits for the
// handler; stopReadAhead, on the connection's, ends it.
func (c *conn) startReadAhead(gone context.CancelFunc) {
	if c.aheadDone == nil {
		c.aheadDone = make(chan struct{}, 1)
	}
	c.aheadN = 0
	c.mu.Lock()
	if !c.s.shuttingDown() {
		c.readDeadline = time.Time{}
		c.nc.SetReadDeadline(time.Time{})
	}
	c.mu.Unlock()
	go func() {
		n, err := c.nc.Read(c.ahead[:])
		c.aheadN = n
		if n == 0 && err != nil {
			if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
				gone()
			}
		}
		c.aheadDone <- struct{}{}
	}()
}

// aLongTimeAgo is a read deadline that ends a read at once.
var aLongTimeAgo = time.Unix(1, 0)

// stopReadAhead ends the read ahead and keeps the byte it read, if any:
// the start of the client's next request.
func (c *conn) stopReadAhead() {
	c.mu.Lock()
	c.readDeadline = aLongTimeAgo // the next fill sets the deadline it wants
	c.nc.SetReadDeadline(aLongTimeAgo)
	c.mu.Unlock()
	<-c.aheadDone
	if c.aheadN > 0 {
		if c.w == len(c.buf) {
			c.r, c.w = 0, 0 // c.r == c.w: nothing else is unread
		}
		c.buf[c.w] = c.ahead[0]
		c.w++
	}
}

// flush writes out the gathered response bytes; false after a write error.
func (c *conn) flush() bool {
	if c.err != nil {
		return false
	}
	if len(c.out) == 0 {
		return true
	}
	_, c.err = c.nc.Write(c.out)
	c.out = c.out[:0]
	return c.err == nil
}

// handOff gives the connection, with the bytes read and not answered, to
// net/http. Responses gathered so far go out first, so that the client
// gets its answers in order. It is false when they could not be written:
// the connection is still the fast lane's to close.
func (c *conn) handOff() bool {
	if !c.flush() {
		return false
	}
	pending := bytes.Clone(c.buf[c.r:c.w])
	c.s.handOff(&replayConn{Conn: c.nc, pending: pending})
	return true
}

// replayConn is a connection handed to net/http: reads return the bytes
// the fast lane read first.
type replayConn struct {
	net.Conn
	pending []byte
}

func (c *replayConn) Read(p []byte) (int, error) {
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}

// ReadFrom lets net/http send files with sendfile(2) where the connection
// can.
func (c *replayConn) ReadFrom(r io.Reader) (int64, error) {
	return io.Copy(c.Conn, r)
}

// CloseWrite lets net/http close gracefully after an error answer.
func (c *replayConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return errors.ErrUnsupported
}

// commonKey returns the canonical form of a field name, without
// allocating for the names browsers and tools send.
func commonKey(name []byte) string {
	if k, ok := commonKeys[string(name)]; ok {
		return k
	}
	return http.CanonicalHeaderKey(string(name))
}

var commonKeys = func() map[string]string {
	m := make(map[string]string)
	for _, k := range []string{
		"Accept", "Accept-Encoding", "Accept-Language", "Cache-Control", "Connection",
		"Content-Length", "Cookie", "Dnt", "If-Match", "If-Modified-Since", "If-None-Match",
		"If-Range", "If-Unmodified-Since", "Pragma", "Priority", "Range", "Referer",
		"Sec-Ch-Ua", "Sec-Ch-Ua-Mobile", "Sec-Ch-Ua-Platform", "Sec-Fetch-Dest",
		"Sec-Fetch-Mode", "Sec-Fetch-Site", "Sec-Fetch-User", "Te",
		"Upgrade-Insecure-Requests", "User-Agent", "Via", "X-Forwarded-For",
		"X-Forwarded-Host", "X-Forwarded-Proto", "X-Real-Ip", "X-Request-Id",
	} {
		m[k] = k
		m[string(bytes.ToLower([]byte(k)))] = k
	}
	return m
}()
