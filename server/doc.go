// Package server is signpost's HTTP server: redirects from a compiled rules
// table first, then the static site from an fs.FS, the way an S3 website
// endpoint serves it.
//
// # Order of a request
//
//  1. The health path (Config.HealthPath, "/healthz" by default) answers 200
//     with a small JSON document. It shadows a site page of the same name.
//  2. The rules: the request's Host, raw path (r.URL.EscapedPath()) and raw
//     query go to engine.Table.Resolve. A match answers its status with the
//     Location; a 410 answers with the site's 410.html when it has one.
//     Redirects apply to every method.
//  3. The site, for GET and HEAD (other methods get 405):
//     - "/" and "/dir/" serve index.html of that directory;
//     - "/dir", when dir is a directory holding index.html, is redirected
//     with 302 Found to "/dir/" (query kept), as S3 website endpoints do;
//     - anything else that is not a file answers 404 with the site's
//     404.html when it has one (404.html and 410.html are read at most
//     once a second).
//
// # Safety
//
// A path with a segment that is empty, "." or "..", or that starts with "."
// (dotfiles such as .git or .env; /.well-known/ is the one exception), or
// that holds a backslash or a NUL byte, never reaches the file system: it
// is a 404. Paths are decoded once, so a
// double-encoded "%252e%252e" is the literal name "%2e%2e". The site is
// opened with os.Root (package site), so symbolic links out of it fail.
// Directories are never listed.
//
// # Files
//
// Content types come from the extension (a fixed table, then the system's
// MIME table), then from the type stored with an S3 object, and are sniffed
// otherwise. Each file has an ETag (the S3 ETag, or one made from size and
// modification time) and a Last-Modified, and conditional requests
// (If-None-Match, If-Modified-Since, If-Match, If-Unmodified-Since,
// If-Range) and Range requests are answered as net/http.ServeContent does.
// For text types, a precompressed sibling (page.html.br, page.html.gz) is
// served when the client accepts that encoding; otherwise text of at least
// 1 KiB is gzipped on the fly, unless the request asks for a Range.
//
// # Headers
//
// Every response, redirects and errors included, carries
// Strict-Transport-Security (Config.HSTS; empty sends none) and the
// configured extra headers.
//
// # Fast lane
//
// signpost serve runs the Handler behind package fastlane, which parses
// plain GET and HEAD requests itself and hands every connection with
// anything else to net/http. For a GET, the fast lane first asks
// Handler.ServeFast, which writes a redirect or a 404 from the compiled
// table and the site without an http.Request (and logs it as ServeHTTP
// would), and passes a file it found on to ServeHTTP; everything else goes
// through ServeHTTP. Both answer and log alike, field for field and body
// for body: the tests of package fastlane, the conformance test and the
// access log test here compare them.
//
// # Reload
//
// Rules live behind an atomic pointer: a Reloader polls its Source (a file,
// or an S3 object by ETag), compiles a changed file with signpost.Compile
// (the validation check runs) and swaps the table in one store. A request
// reads the pointer once, so it sees the old rules or the new, never a mix.
// A file with errors is logged with every diagnostic and the last good rules
// keep serving.
package server
