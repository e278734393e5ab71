package fastlane

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// bufferBeforeChunking is how much of a body without a Content-Length is
// held back, so that a short one gets a Content-Length instead of chunks:
// the same as net/http's.
const bufferBeforeChunking = 2048

// response is the fast lane's http.ResponseWriter. It frames a response the
// way net/http's does (the same Content-Length, chunking, Date, sniffed
// Content-Type and Connection decisions), so that a handler cannot tell the
// two apart.
type response struct {
	c      *conn
	header http.Header
	isHead bool
	wants  bool // the request said "Connection: close"

	wroteHeader bool
	streaming   bool // the head is out; the body goes straight after it
	chunked     bool
	closeAfter  bool
	status      int
	cl          int64 // the Content-Length, -1 when not known
	written     int64

	// The framing fields as the handler set them at WriteHeader; every
	// other field is already serialized in c.fields.
	ctype, date, conn, te []string
	haveType, haveDate    bool
	hasCLField            bool // a Content-Length field was set, valid or not
	hasCE                 bool
}

func (w *response) Header() http.Header { return w.header }

func (w *response) WriteHeader(code int) {
	if w.wroteHeader {
		w.c.s.logf("http: superfluous response.WriteHeader call")
		return
	}
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	if code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols {
		// An informational response (103 Early Hints) goes out now; the
		// header map stays as it is for the final one.
		out := appendStatusLine(w.c.out, code)
		for _, f := range w.sortedFields() {
			if f.name != "Content-Length" && f.name != "Transfer-Encoding" && isToken(f.name) {
				out = appendField(out, f.name, f.values)
			}
		}
		w.c.out = append(out, "\r\n"...)
		w.c.flush()
		return
	}
	w.wroteHeader = true
	w.status = code
	vs, ok := w.header["Content-Length"]
	w.hasCLField = ok
	if len(vs) > 0 && vs[0] != "" {
		v, err := strconv.ParseInt(vs[0], 10, 64)
		if err == nil && v >= 0 {
			w.cl = v
		} else {
			w.c.s.logf("http: invalid Content-Length of %q", vs[0])
		}
	}
	// The handler's header as it is now is what goes out, as with
	// net/http: changes after WriteHeader have no effect.
	w.c.fields = w.appendFields(w.c.fields[:0], code)
}

// appendFields serializes the header, sorted by name, except the fields
// whose final value depends on the body, which it records in w.
func (w *response) appendFields(out []byte, code int) []byte {
	noBody := !bodyAllowed(code)
	for _, f := range w.sortedFields() {
		k, vs := f.name, f.values
		switch k {
		case "Content-Length", "Transfer-Encoding", "Trailer":
			if k == "Transfer-Encoding" && len(vs) > 0 && !noBody {
				w.te = vs
			}
			continue // framing is decided at the end
		case "Content-Type":
			if code == http.StatusNotModified {
				continue
			}
			w.ctype, w.haveType = vs, true
			continue
		case "Date":
			w.date, w.haveDate = vs, true
			continue
		case "Connection":
			w.conn = vs
			continue
		case "Content-Encoding":
			w.hasCE = len(vs) > 0 && vs[0] != ""
		}
		if strings.HasPrefix(k, http.TrailerPrefix) || !isToken(k) {
			continue
		}
		out = appendField(out, k, vs)
	}
	return out
}

// sortedFields returns the header's fields sorted by name, in a slice of
// the connection's.
func (w *response) sortedFields() []field {
	fs := w.c.sorted[:0]
	for k, vs := range w.header {
		fs = append(fs, field{k, vs})
	}
	// Insertion sort: a response has a handful of fields.
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].name < fs[j-1].name; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
	w.c.sorted = fs
	return fs
}

type field struct {
	name   string
	values []string
}

func (w *response) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if len(p) == 0 {
		return 0, nil
	}
	if !bodyAllowed(w.status) {
		return 0, http.ErrBodyNotAllowed
	}
	w.written += int64(len(p))
	if w.cl != -1 && w.written > w.cl {
		return 0, http.ErrContentLength
	}
	if !w.streaming {
		w.c.body = append(w.c.body, p...)
		if len(w.c.body) > bufferBeforeChunking {
			w.startStream(false)
		}
		return len(p), w.c.err
	}
	w.appendBody(p)
	return len(p), w.c.err
}

// WriteString spares the handler a conversion.
func (w *response) WriteString(s string) (int, error) {
	if !w.streaming && w.wroteHeader && bodyAllowed(w.status) && len(w.c.body)+len(s) <= bufferBeforeChunking &&
		(w.cl == -1 || w.written+int64(len(s)) <= w.cl) {
		w.written += int64(len(s))
		w.c.body = append(w.c.body, s...)
		return len(s), nil
	}
	return w.Write([]byte(s))
}

// Flush sends what is written so far (http.Flusher); a body of unknown
// length is chunked from here on.
func (w *response) Flush() {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if !w.streaming {
		w.startStream(false)
	}
	w.c.flush()
}

// appendBody sends p as body (in a chunk when chunking).
func (w *response) appendBody(p []byte) {
	if w.isHead {
		return
	}
	if w.chunked {
		w.c.out = strconv.AppendInt(w.c.out, int64(len(p)), 16)
		w.c.out = append(w.c.out, "\r\n"...)
		w.c.out = append(w.c.out, p...)
		w.c.out = append(w.c.out, "\r\n"...)
	} else {
		w.c.out = append(w.c.out, p...)
	}
	if len(w.c.out) >= flushAt {
		w.c.flush()
	}
}

// startStream writes the head, then what the body buffer holds. done says
// the handler has returned, so the buffer is the whole body.
func (w *response) startStream(done bool) {
	w.streaming = true
	p := w.c.body
	w.appendHead(p, done)
	if len(p) > 0 && bodyAllowed(w.status) {
		w.appendBody(p)
	}
	w.c.body = w.c.body[:0]
}

// appendHead decides the framing as net/http's chunkWriter.writeHeader
// does, and writes the status line and the fields.
func (w *response) appendHead(p []byte, done bool) {
	hasTE := len(w.te) > 0 && w.te[0] != ""
	te := ""
	if hasTE {
		te = w.te[0]
	}
	if done && !hasTE && bodyAllowed(w.status) && !w.hasCLField && (!w.isHead || len(p) > 0) {
		w.cl = int64(len(p))
	}
	hasCL := w.cl != -1
	if w.wants || w.c.s.shuttingDown() || hasToken(w.conn, "close") {
		w.closeAfter = true
	}
	ctype := ""
	if bodyAllowed(w.status) && !w.hasCE && !w.haveType && !hasTE && len(p) > 0 {
		ctype = http.DetectContentType(p)
	}
	if hasCL && hasTE && te != "identity" {
		w.c.s.logf("http: WriteHeader called with both Transfer-Encoding of %q and a Content-Length of %d", te, w.cl)
		hasCL = false
		w.cl = -1
	}
	switch {
	case w.isHead || !bodyAllowed(w.status) || w.status == http.StatusNoContent || hasCL:
	case te == "identity":
		w.closeAfter = true
	default:
		w.chunked = true
	}

	out := appendStatusLine(w.c.out, w.status)
	out = append(out, w.c.fields...)
	if w.haveType {
		out = appendField(out, "Content-Type", w.ctype)
	} else if ctype != "" {
		out = appendField1(out, "Content-Type", ctype)
	}
	if w.closeAfter {
		out = append(out, "Connection: close\r\n"...)
	} else if len(w.conn) > 0 {
		out = appendField(out, "Connection", w.conn)
	}
	if w.chunked {
		out = append(out, "Transfer-Encoding: chunked\r\n"...)
	}
	if w.haveDate {
		out = appendField(out, "Date", w.date)
	} else {
		out = append(out, "Date: "...)
		out = append(out, w.c.s.date(w.c.now)...)
		out = append(out, "\r\n"...)
	}
	if hasCL && bodyAllowed(w.status) {
		out = append(out, "Content-Length: "...)
		out = strconv.AppendInt(out, w.cl, 10)
		out = append(out, "\r\n"...)
	}
	w.c.out = append(out, "\r\n"...)
}

// finish completes the response once the handler has returned and says
// whether the connection can carry another request.
func (w *response) finish() (keepAlive bool) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if !w.streaming {
		w.startStream(true)
	}
	if w.chunked && !w.isHead {
		w.c.out = append(w.c.out, "0\r\n\r\n"...)
	}
	if !w.isHead && w.cl != -1 && bodyAllowed(w.status) && w.written != w.cl {
		return false // the body is shorter than its Content-Length said
	}
	return !w.closeAfter && w.c.err == nil
}

func appendStatusLine(out []byte, code int) []byte {
	if code >= 100 && code < 100+len(statusLines) {
		return append(out, statusLines[code-100]...)
	}
	return appendStatusLineSlow(out, code)
}

// statusLines are the status lines of codes 100 to 599, made once.
var statusLines = func() (lines [500]string) {
	for i := range lines {
		lines[i] = string(appendStatusLineSlow(nil, 100+i))
	}
	return lines
}()

func appendStatusLineSlow(out []byte, code int) []byte {
	out = append(out, "HTTP/1.1 "...)
	if text := http.StatusText(code); text != "" {
		out = strconv.AppendInt(out, int64(code), 10)
		out = append(out, ' ')
		out = append(out, text...)
	} else {
		out = fmt.Appendf(out, "%03d status code %d", code, code)
	}
	return append(out, "\r\n"...)
}

// appendField writes a field once per value, each made safe as net/http
// makes it: line breaks become spaces, surrounding white space goes.
func appendField(out []byte, k string, vs []string) []byte {
	for _, v := range vs {
		out = appendField1(out, k, v)
	}
	return out
}

func appendField1(out []byte, k, v string) []byte {
	out = append(out, k...)
	out = append(out, ": "...)
	for len(v) > 0 && isSpace(v[0]) {
		v = v[1:]
	}
	for len(v) > 0 && isSpace(v[len(v)-1]) {
		v = v[:len(v)-1]
	}
	start := len(out)
	out = append(out, v...)
	for i := start; i < len(out); i++ {
		if out[i] == '\r' || out[i] == '\n' {
			out[i] = ' '
		}
	}
	return append(out, "\r\n"...)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// hasToken reports whether a comma-separated field holds token, in any case.
func hasToken(vs []string, token string) bool {
	for _, v := range vs {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// bodyAllowed reports whether a response of this status may have a body.
func bodyAllowed(code int) bool {
	return !(code >= 100 && code <= 199 || code == http.StatusNoContent || code == http.StatusNotModified)
}
