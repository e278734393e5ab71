package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
)

// maxErrorPage bounds the size of 404.html and 410.html.
const maxErrorPage = 1 << 20

// openContext is implemented by file systems whose Open makes network calls
// (site.S3FS), so a request that goes away cancels them.
type openContext interface {
	OpenContext(ctx context.Context, name string) (fs.File, error)
}

// openObject is implemented by file systems that can open a file without
// asking whether a missing name is a directory, a call of its own
// (site.S3FS).
type openObject interface {
	OpenObject(ctx context.Context, name string) (fs.File, error)
}

func (h *Handler) open(ctx context.Context, name string) (fs.File, fs.FileInfo, error) {
	if h.cfg.Site == nil {
		return nil, nil, fs.ErrNotExist
	}
	var f fs.File
	var err error
	if oc, ok := h.cfg.Site.(openContext); ok {
		f, err = oc.OpenContext(ctx, name)
	} else {
		f, err = h.cfg.Site.Open(name)
	}
	return stat(f, err)
}

// openFile opens name as h.open does, for a file that is often not there:
// a name that is no file is missing, whatever else it may be.
func (h *Handler) openFile(ctx context.Context, name string) (fs.File, fs.FileInfo, error) {
	if oo, ok := h.cfg.Site.(openObject); ok {
		return stat(oo.OpenObject(ctx, name))
	}
	return h.open(ctx, name)
}

// stat returns the opened file f with its FileInfo, closing it if Stat
// fails.
func stat(f fs.File, err error) (fs.File, fs.FileInfo, error) {
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, fi, nil
}

// sitePath maps a decoded request path to a name in the site: "/" and
// "/dir/" name the directory's index.html. ok is false for paths that must
// never reach the file system.
func sitePath(p string) (name string, ok bool) {
	if p == "/" {
		return "index.html", true
	}
	if len(p) < 2 || p[0] != '/' || strings.ContainsAny(p, "\\\x00") || !utf8.ValidString(p) {
		return "", false
	}
	rel, dir := strings.CutSuffix(p[1:], "/")
	first := true
	for seg := range strings.SplitSeq(rel, "/") {
		// Dotfiles (.git, .env) are never served; /.well-known/ (RFC 8615:
		// security.txt, ACME challenges) is the one exception.
		if seg == "" || seg[0] == '.' && !(first && seg == ".well-known") {
			return "", false
		}
		first = false
	}
	if dir {
		return rel + "/index.html", true
	}
	return rel, true
}

// missing reports whether err means the file is not there to serve (as
// opposed to the store failing).
func missing(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) ||
		errors.Is(err, fs.ErrInvalid) || errors.Is(err, syscall.ENOTDIR) ||
		errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.ENAMETOOLONG) ||
		errors.Is(err, syscall.EISDIR)
}

// serveSite answers r from the site; pre, when not nil, is the file of
// r's path, already open.
func (h *Handler) serveSite(w http.ResponseWriter, r *http.Request, pre *opened) {
	var name string
	var f fs.File
	var fi fs.FileInfo
	if pre != nil {
		name, f, fi = pre.name, pre.f, pre.fi
	} else {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			h.plain(w, r, http.StatusMethodNotAllowed, "405 method not allowed\n")
			return
		}
		var ok bool
		if name, ok = sitePath(r.URL.Path); !ok {
			h.notFound(w, r)
			return
		}
		var err error
		if f, fi, err = h.open(r.Context(), name); err != nil {
			h.openFailed(w, r, name, err)
			return
		}
	}
	defer func() { f.Close() }()
	if fi.IsDir() {
		// "/dir" where dir holds an index: send the browser to "/dir/" so
		// that relative links in the page resolve.
		idx, _, err := h.open(r.Context(), name+"/index.html")
		if err != nil {
			h.openFailed(w, r, name+"/index.html", err)
			return
		}
		idx.Close()
		loc := r.URL.EscapedPath() + "/"
		if r.URL.RawQuery != "" {
			loc += "?" + r.URL.RawQuery
		}
		hdr := w.Header()
		hdr["Location"] = []string{loc}
		h.plain(w, r, http.StatusFound, "302 found: "+loc+"\n")
		return
	}
	if !fi.Mode().IsRegular() {
		h.notFound(w, r)
		return
	}
	h.serveFile(w, r, name, f, fi)
}

// openFailed answers a file that could not be opened: 404 when it is not
// there, 502 when the store failed (logged with the reason).
func (h *Handler) openFailed(w http.ResponseWriter, r *http.Request, name string, err error) {
	if missing(err) {
		h.notFound(w, r)
		return
	}
	if r.Context().Err() != nil {
		return // the client went away
	}
	h.cfg.Log.Error("site read failed", "name", name, "err", err)
	h.plain(w, r, http.StatusBadGateway, "502 bad gateway: the site's files could not be read\n")
}

func (h *Handler) serveFile(w http.ResponseWriter, r *http.Request, name string, f fs.File, fi fs.FileInfo) {
	hdr := w.Header()
	ctype := contentType(name, fi)
	encoding := ""
	var gzipOnTheFly bool
	if compressible(ctype) {
		hdr["Vary"] = []string{"Accept-Encoding"}
		br, gz := acceptedEncodings(r.Header.Get("Accept-Encoding"))
		for _, enc := range [...]struct {
			ok        bool
			name, ext string
		}{{br, "br", ".br"}, {gz, "gzip", ".gz"}} {
			if !enc.ok {
				continue
			}
			cf, cfi, err := h.openFile(r.Context(), name+enc.ext)
			if err != nil {
				continue
			}
			if !cfi.Mode().IsRegular() {
				cf.Close()
				continue
			}
			f, fi, encoding = cf, cfi, enc.name // the caller closes the original
			defer cf.Close()
			break
		}
		gzipOnTheFly = encoding == "" && gz && fi.Size() >= minGzipSize && r.Header.Get("Range") == ""
	}
	content, ok := f.(io.ReadSeeker)
	if !ok {
		data, err := io.ReadAll(f)
		if err != nil {
			h.openFailed(w, r, name, err)
			return
		}
		content = bytes.NewReader(data)
	}
	if ctype != "" {
		hdr["Content-Type"] = []string{ctype}
	}
	etag := etagOf(fi)
	if encoding != "" {
		hdr["Content-Encoding"] = []string{encoding}
	}
	if gzipOnTheFly {
		etag = etag[:len(etag)-1] + `-gzip"`
		gw := &gzipWriter{ResponseWriter: w, head: r.Method == http.MethodHead}
		defer gw.close()
		w = gw
	}
	hdr["Etag"] = []string{etag}
	http.ServeContent(w, r, "", fi.ModTime(), content)
}

// etagOf returns the file's entity tag: the store's own (S3) when it has
// one, or a strong tag made from the size and modification time.
func etagOf(fi fs.FileInfo) string {
	if e, ok := fi.(interface{ ETag() string }); ok {
		if t := e.ETag(); len(t) >= 2 && t[0] == '"' && t[len(t)-1] == '"' {
			return t
		}
	}
	return `"` + strconv.FormatInt(fi.ModTime().UnixNano(), 36) + "-" + strconv.FormatInt(fi.Size(), 36) + `"`
}

// notFoundText answers a 404 when the site has no 404.html.
const notFoundText = "404 not found\n"

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.metrics.notFound(r.URL.EscapedPath())
	h.errorPage(w, r, http.StatusNotFound, "404.html")
}

// errorPageTTL is how long a 404.html or 410.html read from the site is
// served from memory: misses cost no file (or S3) read of their own, and
// an edited page shows within a second.
const errorPageTTL = time.Second

type cachedPage struct {
	body    []byte // nil: the site has no such page
	fetched time.Time
}

// errorPage answers code with the site's page of that name when it has
// one, and a line of text otherwise.
func (h *Handler) errorPage(w http.ResponseWriter, r *http.Request, code int, page string) {
	body := h.sitePage(r.Context(), page)
	if body == nil {
		text := notFoundText
		if code != http.StatusNotFound {
			text = strconv.Itoa(code) + " " + strings.ToLower(http.StatusText(code)) + "\n"
		}
		h.plain(w, r, code, text)
		return
	}
	hdr := w.Header()
	hdr["Content-Type"] = []string{"text/html; charset=utf-8"}
	hdr["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// sitePage returns the content of a small page of the site, read at most
// once per errorPageTTL; nil when there is none (or it is too big).
func (h *Handler) sitePage(ctx context.Context, page string) []byte {
	now := time.Now()
	h.pagesMu.Lock()
	c, ok := h.pages[page]
	h.pagesMu.Unlock()
	if ok && now.Sub(c.fetched) < errorPageTTL {
		return c.body
	}
	body, err := h.readPage(ctx, page)
	if err != nil {
		if ctx.Err() == nil {
			h.cfg.Log.Error("site read failed", "name", page, "err", err)
		}
		return nil // not cached: the next request tries again
	}
	h.pagesMu.Lock()
	if h.pages == nil {
		h.pages = make(map[string]cachedPage)
	}
	h.pages[page] = cachedPage{body: body, fetched: now}
	h.pagesMu.Unlock()
	return body
}

// readPage reads a page of the site; (nil, nil) when it has none.
func (h *Handler) readPage(ctx context.Context, page string) ([]byte, error) {
	f, fi, err := h.open(ctx, page)
	if err != nil {
		if missing(err) {
			return nil, nil
		}
		return nil, err
	}
	defer f.Close()
	if !fi.Mode().IsRegular() || fi.Size() > maxErrorPage {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(f, maxErrorPage+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxErrorPage {
		return nil, nil
	}
	if body == nil {
		body = []byte{}
	}
	return body, nil
}
