package fastlane

import (
	"context"
	"errors"
	"log"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Request is what the fast lane knows of a GET request before it builds
// an http.Request. Its strings are valid during the call alone.
type Request struct {
	Host string
	// Path and RawQuery are what the http.Request's URL.EscapedPath() and
	// URL.RawQuery would be.
	Path, RawQuery string
	// Close is true when the client asked to close the connection after
	// the response.
	Close bool
	// Start is when the fast lane took the request, for timing it.
	Start time.Time
	// RemoteAddr is the client's address, as http.Request.RemoteAddr.
	RemoteAddr string

	fields [][2][]byte // the head's fields but Host, as the client sent them
}

// Field returns the value of the request's first header field named name,
// in any case, as http.Header.Get would; "" when there is none.
func (r *Request) Field(name string) string {
	for _, f := range r.fields {
		if foldEqual(f[0], name) {
			return string(f[1])
		}
	}
	return ""
}

// Answer is a complete response from a Responder.
type Answer struct {
	Status int
	// Fields are the header fields, each "Name: value\r\n", free of line
	// breaks in names and values; the fast lane adds Date, Content-Length and
	// Connection.
	Fields []byte
	Body   []byte
	// Pass, set by a ServeFast that declines, is handed to the ServeHTTP
	// of the same request, which takes it with Passed: what ServeFast
	// learned need not be learned again. The fast lane closes a Pass that
	// is an io.Closer and was not taken.
	Pass any
}

type passKey struct{}

// Passed returns the value the ServeFast of r's request left for
// ServeHTTP, once; nil when there is none.
func Passed(r *http.Request) any {
	p, ok := r.Context().Value(passKey{}).(*any)
	if !ok || *p == nil {
		return nil
	}
	v := *p
	*p = nil
	return v
}

// A Responder is an http.Handler that can answer some GET requests from a
// Request alone, sparing the cost of an http.Request and of a
// ResponseWriter. The fast lane asks ServeFast first. When it returns true,
// its Answer must be the one ServeHTTP would have written. When it returns
// false, the request goes to ServeHTTP, with what ServeFast left in
// Answer.Pass; nothing else of the Answer is used.
type Responder interface {
	http.Handler
	ServeFast(r *Request, a *Answer) bool
}

// Server serves an http.Server's Handler with the fast lane in front.
type Server struct {
	srv       *http.Server
	responder Responder // srv.Handler, when it is one

	maxHead                                  int
	headerTimeout, idleTimeout, writeTimeout time.Duration

	inner     *handoffListener
	startOnce sync.Once

	mu        sync.Mutex
	conns     map[*conn]struct{}
	listeners map[net.Listener]struct{}
	closing   atomic.Bool
	idle      chan struct{} // closed when the last connection has gone, after closing

	dateSec atomic.Int64
	dateStr atomic.Pointer[[]byte]
}

// New returns a Server for srv: its Handler answers every request, its
// timeouts and MaxHeaderBytes apply to both lanes, and its ErrorLog gets
// both lanes' errors. srv must not be served by other means.
func New(srv *http.Server) *Server {
	s := &Server{srv: srv,
		conns: make(map[*conn]struct{}), listeners: make(map[net.Listener]struct{}),
		idle: make(chan struct{})}
	s.inner = &handoffListener{conns: make(chan net.Conn), done: make(chan struct{})}
	s.responder, _ = srv.Handler.(Responder)
	max := srv.MaxHeaderBytes
	if max <= 0 {
		max = http.DefaultMaxHeaderBytes
	}
	s.maxHead = max + 4096 // what net/http reads before it answers 431
	s.headerTimeout = srv.ReadHeaderTimeout
	if s.headerTimeout <= 0 {
		s.headerTimeout = srv.ReadTimeout
	}
	s.idleTimeout = srv.IdleTimeout
	if s.idleTimeout <= 0 {
		s.idleTimeout = srv.ReadTimeout
	}
	s.writeTimeout = srv.WriteTimeout
	return s
}

// Serve accepts connections on ln until Shutdown, then returns
// http.ErrServerClosed; it returns any other error of ln's at once.
func (s *Server) Serve(ln net.Listener) error {
	if !s.track(ln, true) {
		return http.ErrServerClosed
	}
	defer s.track(ln, false)
	// net/http serves what is handed to it until Shutdown; it closes
	// s.inner when it stops, and handOff closes what comes after.
	s.startOnce.Do(func() { go s.srv.Serve(s.inner) })
	var delay time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.closing.Load() {
				return http.ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) {
				// Out of file descriptors and the like: wait as net/http does.
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				s.logf("http: Accept error: %v; retrying in %v", err, delay)
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		c := newConn(s, nc)
		if !s.add(c) {
			nc.Close()
			return http.ErrServerClosed
		}
		go c.serve()
	}
}

// Shutdown stops accepting, closes connections as soon as they are between
// requests, waits for those answering a request (net/http's included) and
// returns when all are done or ctx is, closing what is left.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closing.Store(true)
	s.mu.Lock()
	for ln := range s.listeners {
		ln.Close()
	}
	for c := range s.conns {
		c.wake()
	}
	if len(s.conns) == 0 {
		s.closeIdle()
	}
	s.mu.Unlock()

	errc := make(chan error, 1)
	go func() { errc <- s.srv.Shutdown(ctx) }()
	select {
	case <-s.idle:
	case <-ctx.Done():
		s.mu.Lock()
		for c := range s.conns {
			c.nc.Close()
		}
		s.mu.Unlock()
	}
	err := <-errc
	if err == nil {
		err = ctx.Err()
	}
	return err
}

func (s *Server) shuttingDown() bool { return s.closing.Load() }

func (s *Server) track(ln net.Listener, add bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if add {
		if s.closing.Load() {
			return false
		}
		s.listeners[ln] = struct{}{}
	} else {
		delete(s.listeners, ln)
	}
	return true
}

func (s *Server) add(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *Server) forget(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
	if len(s.conns) == 0 && s.closing.Load() {
		s.closeIdle()
	}
}

// closeIdle closes s.idle once; s.mu is held.
func (s *Server) closeIdle() {
	select {
	case <-s.idle:
	default:
		close(s.idle)
	}
}

// handOff gives nc to the net/http server, or closes it when that server
// has stopped: either way, nc is no longer the fast lane's.
func (s *Server) handOff(nc net.Conn) {
	select {
	case s.inner.conns <- nc:
	case <-s.inner.done:
		nc.Close()
	}
}

// date returns the Date field's value for now, formatted once a second.
func (s *Server) date(now time.Time) []byte {
	if sec := now.Unix(); s.dateSec.Load() != sec {
		b := now.UTC().AppendFormat(make([]byte, 0, len(http.TimeFormat)), http.TimeFormat)
		s.dateStr.Store(&b)
		s.dateSec.Store(sec)
		return b
	}
	return *s.dateStr.Load()
}

func (s *Server) logf(format string, args ...any) {
	if s.srv.ErrorLog != nil {
		s.srv.ErrorLog.Printf(format, args...)
	} else {
		log.Printf(format, args...)
	}
}

// handoffListener is what the net/http server accepts from: the
// connections the fast lane hands over.
type handoffListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func (l *handoffListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *handoffListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *handoffListener) Addr() net.Addr { return handoffAddr{} }

type handoffAddr struct{}

func (handoffAddr) Network() string { return "fastlane" }
func (handoffAddr) String() string  { return "fastlane" }
