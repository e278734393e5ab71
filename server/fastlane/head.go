package fastlane

import (
	"bytes"
	"net/http"
)

// verdict is what parseHead makes of the bytes it was given.
type verdict int

const (
	// needMore: the head is not complete yet.
	needMore verdict = iota
	// handOff: a request the fast lane does not take; net/http answers it
	// (and every later request on the connection), including with an error.
	handOff
	// take: a request the fast lane answers.
	take
)

// head is a parsed request head. Its byte slices point into the
// connection's read buffer and are valid until the next read.
type head struct {
	method    string // "GET" or "HEAD"
	target    []byte // origin-form request-target
	host      []byte
	close     bool // "Connection: close"
	fields    [][2][]byte
	bodyField bool // "Content-Length: 0", kept in the header
}

// parseHead parses the request head at the start of b. It takes only what
// it can parse the way net/http would, and leaves everything else to
// net/http:
//
//   - the method is GET or HEAD, the target starts with "/" and holds only
//     visible ASCII, and the version is exactly HTTP/1.1;
//   - every line ends in CRLF; no line is folded; every field name is a
//     token, followed directly by ":"; values hold no control bytes but tab;
//   - there is exactly one Host field, of plain host[:port] bytes;
//   - no field announces a body (Transfer-Encoding, a Content-Length other
//     than "0"), asks for a protocol change (Upgrade, "Connection: upgrade")
//     or for 100-continue (Expect).
//
// n is the length of the head, blank line included, when v is take.
func parseHead(b []byte, h *head) (n int, v verdict) {
	// One pass, a line at a time: each must end in CRLF.
	eol := bytes.IndexByte(b, '\n')
	if eol < 0 {
		// A first byte that starts neither GET nor HEAD settles it before
		// the line is complete; but not before four bytes are in, so that a
		// connection closed after fewer ends as net/http ends it (it peeks
		// at four before reading a request).
		if len(b) >= 4 && b[0] != 'G' && b[0] != 'H' {
			return 0, handOff
		}
		return 0, needMore
	}
	if eol == 0 || b[eol-1] != '\r' || !parseRequestLine(b[:eol-1], h) {
		return 0, handOff
	}
	h.host, h.close, h.bodyField = nil, false, false
	h.fields = h.fields[:0]
	hosts := 0
	for pos := eol + 1; ; {
		eol = bytes.IndexByte(b[pos:], '\n')
		if eol < 0 {
			return 0, needMore
		}
		if eol == 0 || b[pos+eol-1] != '\r' {
			return 0, handOff // a bare LF
		}
		line := b[pos : pos+eol-1]
		pos += eol + 1
		if len(line) == 0 {
			if hosts != 1 {
				return 0, handOff
			}
			return pos, take
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || !isToken(line[:colon]) {
			return 0, handOff // also a folded line, which starts with a space
		}
		name, value := line[:colon], trimOWS(line[colon+1:])
		if !validValue(value) {
			return 0, handOff
		}
		switch {
		case foldEqual(name, "host"):
			hosts++
			if !validHost(value) {
				return 0, handOff
			}
			h.host = value
			continue // net/http keeps Host out of the header
		case foldEqual(name, "content-length"):
			if string(value) != "0" || h.bodyField {
				return 0, handOff
			}
			h.bodyField = true
		case foldEqual(name, "transfer-encoding"), foldEqual(name, "expect"),
			foldEqual(name, "upgrade"), foldEqual(name, "trailer"):
			return 0, handOff
		case foldEqual(name, "connection"):
			for tok := range bytes.SplitSeq(value, []byte{','}) {
				tok = trimOWS(tok)
				if foldEqual(tok, "close") {
					h.close = true
				} else if foldEqual(tok, "upgrade") || foldEqual(tok, "http2-settings") {
					return 0, handOff
				}
			}
		}
		h.fields = append(h.fields, [2][]byte{name, value})
	}
}

// parseRequestLine takes "GET /path HTTP/1.1" and "HEAD /path HTTP/1.1".
func parseRequestLine(line []byte, h *head) bool {
	switch {
	case bytes.HasPrefix(line, []byte("GET ")):
		h.method, line = http.MethodGet, line[4:]
	case bytes.HasPrefix(line, []byte("HEAD ")):
		h.method, line = http.MethodHead, line[5:]
	default:
		return false
	}
	sp := bytes.IndexByte(line, ' ')
	if sp <= 0 || string(line[sp+1:]) != "HTTP/1.1" {
		return false
	}
	h.target = line[:sp]
	if h.target[0] != '/' {
		return false // absolute-form, asterisk-form: net/http's
	}
	for _, c := range h.target {
		if c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

// validValue reports whether a field value holds no control bytes but tab.
func validValue(b []byte) bool {
	for _, c := range b {
		if c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
