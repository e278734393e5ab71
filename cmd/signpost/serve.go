package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/server"
	"github.com/signposthq/signpost/server/fastlane"
	"github.com/signposthq/signpost/site"
)

func init() {
	register(&command{name: "serve", summary: "serve a static site with its redirects", run: runServe})
}

const serveUsage = `Usage: signpost serve [flags] SITE

Serves SITE, a directory (the built site) or s3://bucket/prefix, with the
redirects of the rules file applied first, as CloudFront and S3 would. The
rules file is checked as 'signpost check' does, and reloaded within a second
of changing; a file with errors is reported and the previous rules keep
serving.

Examples:
  signpost serve --rules examples/site/redirects.json examples/site/public
  signpost serve public --addr :9000 --metrics-addr localhost:9090
  signpost serve --rules s3://my-bucket/redirects.json s3://my-bucket/site
  AWS_ENDPOINT_URL_S3=http://localhost:9000 signpost serve s3://site/
  signpost serve public --addr :443 --tls-cert fullchain.pem --tls-key privkey.pem --http-addr :80

Flags:
`

// serveFlags holds serve's flags.
type serveFlags struct {
	rules, addr, metricsAddr, hsts, healthPath, logFormat string
	tlsCert, tlsKey, httpAddr                             string
	accessLog, caseInsensitive, fastLane                  bool
	poll                                                  time.Duration
	notFoundPaths                                         int
	headers                                               headerList
}

func runServe(ctx context.Context, env *Env, args []string) int {
	var f serveFlags
	fl := newFlagSet("serve")
	fl.StringVar(&f.rules, "rules", "redirects.json", "the rules `FILE`, or s3://bucket/key")
	fl.StringVar(&f.addr, "addr", "localhost:8080", "`HOST:PORT` to listen on (\":8080\" for every interface)")
	fl.StringVar(&f.metricsAddr, "metrics-addr", "", "`HOST:PORT` serving Prometheus metrics at /metrics (off when empty)")
	fl.StringVar(&f.hsts, "hsts", server.DefaultHSTS, "Strict-Transport-Security `VALUE` sent with every response; \"off\" sends none")
	fl.Var(&f.headers, "header", "`NAME: VALUE` to add to every response (repeatable)")
	fl.StringVar(&f.healthPath, "health-path", "/healthz", "`PATH` answering health checks, shadowing a page of that name; empty turns it off")
	fl.BoolVar(&f.accessLog, "access-log", true, "log every request (structured, on standard error)")
	fl.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
	fl.BoolVar(&f.fastLane, "fast-lane", true, "answer plain GET and HEAD requests without net/http's per-request cost (false: net/http answers all)")
	fl.BoolVar(&f.caseInsensitive, "case-insensitive", false, "match paths regardless of case")
	fl.DurationVar(&f.poll, "poll", 0, "how often to look for a changed rules file (default 250ms for a file, 500ms for S3)")
	fl.IntVar(&f.notFoundPaths, "not-found-paths", 1000, "distinct paths the 404 metric keeps")
	fl.StringVar(&f.tlsCert, "tls-cert", "", "serve HTTPS (and HTTP/2) with the certificate chain in PEM `FILE`, reloaded when it changes")
	fl.StringVar(&f.tlsKey, "tls-key", "", "the private key in PEM `FILE` for --tls-cert")
	fl.StringVar(&f.httpAddr, "http-addr", "", "with --tls-cert, `HOST:PORT` (e.g. :80) where plain HTTP is redirected to HTTPS")
	pos, err := parseArgs(fl, args)
	if err != nil {
		return flagError(env, "serve", serveUsage, fl, err)
	}
	if len(pos) != 1 {
		return usageError(env, errors.New("serve needs one SITE: a directory or s3://bucket/prefix"), "signpost serve --rules examples/site/redirects.json examples/site/public")
	}
	if code := f.validate(env); code != exitOK {
		return code
	}
	return serve(ctx, env, &f, pos[0])
}

func (f *serveFlags) validate(env *Env) int {
	if f.hsts == "off" {
		f.hsts = ""
	}
	if strings.ContainsAny(f.hsts, "\r\n") {
		return usageError(env, errors.New("--hsts holds a line break"), "")
	}
	if f.healthPath != "" && !strings.HasPrefix(f.healthPath, "/") {
		return usageError(env, fmt.Errorf("--health-path %q must start with /", f.healthPath), "--health-path /healthz")
	}
	if (f.tlsCert == "") != (f.tlsKey == "") {
		return usageError(env, errors.New("--tls-cert and --tls-key go together"), "--tls-cert fullchain.pem --tls-key privkey.pem")
	}
	if f.httpAddr != "" && f.tlsCert == "" {
		return usageError(env, errors.New("--http-addr redirects to HTTPS, which needs --tls-cert and --tls-key"), "")
	}
	if f.logFormat != "text" && f.logFormat != "json" {
		return usageError(env, fmt.Errorf("--log-format %q is not text or json", f.logFormat), "")
	}
	if f.poll < 0 {
		return usageError(env, errors.New("--poll must be positive"), "--poll 250ms")
	}
	return exitOK
}

func serve(ctx context.Context, env *Env, f *serveFlags, siteArg string) int {
	// Everything serve writes to standard error (the logs, the access log
	// above all) goes out in batches, at least every 100 ms.
	logs := newLogBuffer(env.Stderr, 100*time.Millisecond)
	defer logs.Close()
	buffered := *env
	buffered.Stderr = logs
	env = &buffered
	var lh slog.Handler = slog.NewTextHandler(env.Stderr, nil)
	if f.logFormat == "json" {
		lh = slog.NewJSONHandler(env.Stderr, nil)
	}
	log := slog.New(lh)
	fail := func(code int, err error, hint string) int {
		printError(env, hint, "%v", err)
		return code
	}

	fsys, closeSite, err := openSite(ctx, siteArg)
	if err != nil {
		return fail(exitFailure, err, "SITE is a directory or s3://bucket/prefix")
	}
	defer closeSite()
	src, poll, err := rulesSource(ctx, f.rules)
	if err != nil {
		return fail(exitFailure, err, "")
	}
	if f.poll > 0 {
		poll = f.poll
	}

	cfg := server.Config{Site: fsys, HSTS: f.hsts, Headers: f.headers.httpHeader(), HealthPath: f.healthPath,
		Log: log, MaxNotFoundPaths: f.notFoundPaths}
	if f.accessLog {
		cfg.AccessLog = log
	}
	h := server.New(cfg)
	rl := &server.Reloader{Handler: h, Source: src, Options: engine.Options{CaseInsensitive: f.caseInsensitive},
		Interval: poll, Log: log}
	c, err := rl.Load(ctx)
	if c != nil {
		for _, d := range c.Diagnostics {
			fmt.Fprintln(env.Stderr, d.String())
		}
	}
	if err != nil {
		if c != nil {
			return fail(exitProblems, fmt.Errorf("%s has errors; nothing served", src), "run 'signpost check "+f.rules+"' after fixing them")
		}
		if errors.Is(err, fs.ErrNotExist) && !site.IsS3URL(f.rules) {
			return fail(exitUsage, fmt.Errorf("rules file: %w", err), "name the rules file with --rules FILE")
		}
		return fail(exitFailure, fmt.Errorf("rules file: %w", err), "")
	}

	var cert *server.Certificate
	if f.tlsCert != "" {
		if cert, err = server.LoadCertificate(f.tlsCert, f.tlsKey, log); err != nil {
			return fail(exitFailure, err, "give the PEM files of a certificate chain and its private key")
		}
	}

	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		hint := "--addr takes HOST:PORT, such as localhost:8080 or :8080"
		if errors.Is(err, syscall.EADDRINUSE) {
			hint = "another server uses the port: try --addr localhost:8081"
		}
		return fail(exitFailure, err, hint)
	}
	var mln, hln net.Listener
	if f.metricsAddr != "" {
		if mln, err = net.Listen("tcp", f.metricsAddr); err != nil {
			ln.Close()
			return fail(exitFailure, fmt.Errorf("metrics: %w", err), "try another --metrics-addr")
		}
	}
	if f.httpAddr != "" {
		if hln, err = net.Listen("tcp", f.httpAddr); err != nil {
			ln.Close()
			if mln != nil {
				mln.Close()
			}
			return fail(exitFailure, fmt.Errorf("--http-addr: %w", err), "")
		}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() { rl.Run(ctx) })
	// sideServer serves h on ln beside the site, until ctx is done.
	sideServer := func(name string, h http.Handler, ln net.Listener) {
		srv := server.NewHTTPServer(h, log)
		wg.Go(func() {
			if err := server.Serve(ctx, srv, ln); err != nil {
				log.Error(name+" server stopped", "err", err)
			}
		})
	}
	if mln != nil {
		sideServer("metrics", h.Metrics().Handler(), mln)
		fmt.Fprintf(env.Stderr, "signpost: metrics at %s/metrics\n", openURL(mln.Addr()))
	}
	if hln != nil {
		_, port, _ := net.SplitHostPort(ln.Addr().String())
		sideServer("HTTP to HTTPS redirect", server.HTTPSRedirect(port), hln)
		fmt.Fprintf(env.Stderr, "signpost: %s/ redirects to HTTPS\n", openURL(hln.Addr()))
	}
	logs.Flush() // what was said while starting, before the URL to open
	hs := server.NewHTTPServer(h, log)
	var srv server.Runner = hs
	url := openURL(ln.Addr())
	switch {
	case cert != nil:
		// The fast lane is cleartext HTTP/1.1: net/http serves TLS, with
		// HTTP/2 for the clients that ask.
		hs.TLSConfig = &tls.Config{GetCertificate: cert.GetCertificate, MinVersion: tls.VersionTLS12}
		srv = tlsServer{hs}
		url = "https://" + strings.TrimPrefix(url, "http://")
	case f.fastLane:
		srv = fastlane.New(hs)
	}
	fmt.Fprintf(env.Stdout, "serving %s with %d rules from %s at %s/\n", siteArg, len(c.Set.Rules), src, url)
	err = server.Serve(ctx, srv, ln)
	cancel()
	wg.Wait()
	if err != nil {
		return fail(exitFailure, err, "")
	}
	fmt.Fprintln(env.Stderr, "signpost: stopped")
	return exitOK
}

// tlsServer runs an http.Server over TLS.
type tlsServer struct{ *http.Server }

func (s tlsServer) Serve(ln net.Listener) error { return s.ServeTLS(ln, "", "") }

// openSite opens a directory or an s3://bucket/prefix.
func openSite(ctx context.Context, arg string) (fs.FS, func(), error) {
	if site.IsS3URL(arg) {
		bucket, prefix, err := site.ParseS3URL(arg)
		if err != nil {
			return nil, nil, err
		}
		client, err := site.NewS3Client(ctx)
		if err != nil {
			return nil, nil, err
		}
		return site.NewS3FS(client, bucket, prefix), func() {}, nil
	}
	fsys, root, err := site.Dir(arg)
	if err != nil {
		return nil, nil, err
	}
	return fsys, func() { root.Close() }, nil
}

// rulesSource returns where rules come from and how often to poll it.
func rulesSource(ctx context.Context, arg string) (server.Source, time.Duration, error) {
	if !site.IsS3URL(arg) {
		return &server.FileSource{Path: arg}, 250 * time.Millisecond, nil
	}
	bucket, key, err := site.ParseS3URL(arg)
	if err == nil && (key == "" || strings.HasSuffix(key, "/")) {
		err = fmt.Errorf("--rules %s names no object", arg)
	}
	if err != nil {
		return nil, 0, err
	}
	client, err := site.NewS3Client(ctx)
	if err != nil {
		return nil, 0, err
	}
	return &site.Object{Client: client, Bucket: bucket, Key: key}, 500 * time.Millisecond, nil
}

// openURL is the URL a person opens for a listener's address.
func openURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && (ip.IsUnspecified() || ip.IsLoopback()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
