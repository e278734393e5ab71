package server

import (
	"compress/gzip"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
)

// minGzipSize is the smallest file compressed on the fly: below it the
// gzip header and the CPU cost outweigh the bytes saved.
const minGzipSize = 1024

// contentTypes are the types of the files static sites hold, so that they
// do not depend on the machine's MIME database.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
	".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
	".mjs": "text/javascript; charset=utf-8", ".json": "application/json",
	".map": "application/json", ".webmanifest": "application/manifest+json",
	".xml": "application/xml", ".rss": "application/rss+xml", ".atom": "application/atom+xml",
	".txt": "text/plain; charset=utf-8", ".md": "text/markdown; charset=utf-8",
	".csv": "text/csv; charset=utf-8", ".ics": "text/calendar; charset=utf-8",
	".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
	".gif": "image/gif", ".webp": "image/webp", ".avif": "image/avif", ".ico": "image/x-icon",
	".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",
	".pdf": "application/pdf", ".wasm": "application/wasm", ".zip": "application/zip",
	".mp4": "video/mp4", ".webm": "video/webm", ".mp3": "audio/mpeg", ".ogg": "audio/ogg",
}

// contentType returns the type of the named file: by extension, then the
// type stored with the object, then "" (net/http sniffs the content).
func contentType(name string, fi fs.FileInfo) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" && ext != "" {
		return t
	}
	if c, ok := fi.(interface{ ContentType() string }); ok {
		return c.ContentType()
	}
	return ""
}

// compressible reports whether content of type t shrinks under gzip.
func compressible(t string) bool {
	t, _, _ = strings.Cut(t, ";")
	switch {
	case strings.HasPrefix(t, "text/"), strings.HasSuffix(t, "+xml"), strings.HasSuffix(t, "+json"):
		return true
	}
	switch t {
	case "application/json", "application/javascript", "application/xml", "application/wasm",
		"image/x-icon", "font/ttf", "font/otf":
		return true
	}
	return false
}

// acceptedEncodings parses Accept-Encoding (RFC 9110, 12.5.3): a coding is
// accepted when listed with a non-zero weight, or matched by "*" with one.
func acceptedEncodings(header string) (br, gzip bool) {
	if header == "" {
		return false, false
	}
	const unset = -1
	brQ, gzQ, starQ := unset, unset, unset
	for part := range strings.SplitSeq(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		q := 1000
		for p := range strings.SplitSeq(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				q = parseQ(strings.TrimSpace(v))
			}
		}
		switch strings.ToLower(strings.TrimSpace(coding)) {
		case "br":
			brQ = q
		case "gzip", "x-gzip":
			gzQ = q
		case "*":
			starQ = q
		}
	}
	if brQ == unset {
		brQ = starQ
	}
	if gzQ == unset {
		gzQ = starQ
	}
	return brQ > 0, gzQ > 0
}

// parseQ returns a weight (0 to 1, three decimals) in thousandths; a
// malformed one counts as 0.
func parseQ(v string) int {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f > 1 {
		return 0
	}
	return int(f * 1000)
}

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
	return w
}}

// gzipWriter compresses a 200 response; other statuses (304, 412, 416)
// pass through untouched.
type gzipWriter struct {
	http.ResponseWriter
	head        bool
	wroteHeader bool
	gz          *gzip.Writer
}

func (g *gzipWriter) WriteHeader(code int) {
	if g.wroteHeader {
		return
	}
	g.wroteHeader = true
	if code == http.StatusOK {
		h := g.ResponseWriter.Header()
		h.Del("Content-Length")
		h["Content-Encoding"] = []string{"gzip"}
		if !g.head {
			g.gz = gzipWriters.Get().(*gzip.Writer)
			g.gz.Reset(g.ResponseWriter)
		}
	}
	g.ResponseWriter.WriteHeader(code)
}

func (g *gzipWriter) Write(p []byte) (int, error) {
	if !g.wroteHeader {
		g.WriteHeader(http.StatusOK)
	}
	if g.gz != nil {
		return g.gz.Write(p)
	}
	return g.ResponseWriter.Write(p)
}

func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }

func (g *gzipWriter) close() {
	if g.gz != nil {
		g.gz.Close()
		gzipWriters.Put(g.gz)
		g.gz = nil
	}
}
