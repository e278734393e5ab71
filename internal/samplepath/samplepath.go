// Package samplepath turns the path of a rules file source into a request
// path that reaches it: what verify sends to a site and deploy sends to a
// CloudFront function under test.
package samplepath

import (
	"fmt"
	"strings"

	"github.com/signposthq/signpost/engine"
)

// Fill replaces each ":name" segment of a source's path with value, as a
// request for the source would carry it. Any final "*" is left to the
// caller.
func Fill(path, value string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if engine.IsPlaceholder(s) {
			segs[i] = value
		}
	}
	return strings.Join(segs, "/")
}

// Escape percent-encodes, in upper-case hex, the bytes a client does not
// send raw in a request path: controls, space, non-ASCII, "?", "#" and the
// characters RFC 3986 leaves out of a path (" < > \ ^ ` { | }). Escapes
// already in the path are kept as written.
func Escape(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("?#\"<>\\^`{|}", c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
