// Package fastlane serves HTTP/1.1 in front of a net/http server, answering
// the requests a redirect server mostly gets at a fraction of net/http's
// cost per request, and handing everything else to net/http unchanged.
//
// # What it takes
//
// A connection starts in the fast lane. Its requests are parsed there as
// long as each is a GET or HEAD in origin form ("/path?query"), HTTP/1.1,
// with exactly one plain Host field, CRLF line ends, token field names, no
// control bytes in values, and nothing that announces a body, a protocol
// change or 100-continue. Each such request is answered by the same
// http.Handler, through an http.ResponseWriter that frames the response
// the way net/http's does (Content-Length or chunks, Date, a sniffed
// Content-Type, Connection: close). Pipelined requests are answered in
// order, and their responses written together.
//
// The first request that is anything else (a POST, HTTP/1.0, an absolute
// target, a malformed or oversized head) is not answered by the fast lane:
// the connection, with every byte read and not yet answered, goes to the
// http.Server for good. So net/http's parser and its error answers (400,
// 431, 505) decide every request the fast lane is not sure of, and a
// client cannot make the two parsers see different requests: the fast
// lane never guesses where a body ends, because it takes no request that
// has one.
//
// # What it keeps from the http.Server
//
// Handler, ReadHeaderTimeout (or ReadTimeout) while a head arrives,
// IdleTimeout (or ReadTimeout) between requests, WriteTimeout, MaxHeaderBytes
// and ErrorLog apply to both lanes; the fast lane sets its deadlines to
// within a second of these. A panicking handler is logged and its
// connection closed, as net/http does. Shutdown closes connections between
// requests, lets requests in flight finish and waits for net/http's.
//
// Connections are cleartext HTTP/1.1: TLS and HTTP/2 are for the CDN or
// proxy in front, or for net/http alone. Handlers cannot hijack fast lane
// connections, and trailers are not sent. As in net/http, a request's
// context ends when its handler returns, and before that when the client
// closes the connection: once a handler watches its context (calls Done,
// directly or by deriving a context from it), the fast lane reads ahead on
// the connection, as net/http does for every request; a handler that never
// watches it pays nothing for that.
//
// The http.Request and the ResponseWriter a handler gets in the fast lane
// belong to the connection and are used again for its next request: as
// the ResponseWriter contract already says, a handler must not use either
// once it has returned.
//
// A handler that is also a Responder answers simple GETs without an
// http.Request at all (ServeFast); what it learns and cannot answer it
// passes on to its own ServeHTTP (Answer.Pass, Passed).
package fastlane
