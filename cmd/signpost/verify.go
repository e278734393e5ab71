package main

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/verify"
)

func init() {
	register(&command{name: "verify", summary: "check that a live site answers as its rules say", run: runVerify})
}

const verifyUsage = `Usage: signpost verify --base URL [--rules FILE] [--cases FILE] [--sitemap FILE|URL] [flags]

Requests every source of the rules from the live site at URL (as written,
with its trailing slash toggled, and with a sample query string) without
following redirects, and compares the status and Location with what the
rules say. Then it follows each answer to its end and warns about chains,
loops and final answers that are not 200. With --cases, each case must get
its status and Location; with --sitemap, each old URL must end at a 200 in
at most one redirect.

Exit status: 0 when the site answers as the rules say, 1 when a source
differs (each is named), 2 for usage errors, 3 when the site does not answer
at all.

Examples:
  signpost verify --base https://www.example.com
  signpost verify --base http://localhost:8080 --cases cases.json --strict
  signpost verify --base https://www.example.com --sitemap old-sitemap.xml --rate 10
  signpost verify --base https://www.example.com --format junit > verify.xml

Flags:
`

func runVerify(ctx context.Context, env *Env, args []string) int {
	fs := newFlagSet("verify")
	base := fs.String("base", "", "the live site's `URL`, e.g. https://www.example.com (required)")
	rulesFile := fs.String("rules", "", "the rules `FILE` (default redirects.json, when it exists)")
	casesFile := fs.String("cases", "", "the cases `FILE` 'signpost test' runs: [{\"url\": ..., \"status\": ..., \"location\": ...}]")
	sitemap := fs.String("sitemap", "", "a sitemap `FILE|URL` of old URLs (XML <loc> entries, or one URL a line)")
	var opts verify.Options
	fs.IntVar(&opts.Concurrency, "concurrency", 8, "`N` requests at once")
	fs.Float64Var(&opts.Rate, "rate", 0, "at most `N` requests a second (0: no limit)")
	fs.IntVar(&opts.Retries, "retries", 2, "tries again `N` times after a network error, 429 or 5xx")
	fs.DurationVar(&opts.Timeout, "timeout", 10*time.Second, "for each request")
	fs.BoolVar(&opts.FollowExternal, "follow-external", false, "also follow redirects to other hosts")
	strict := fs.Bool("strict", false, "warnings (chains, loops, non-200 ends) fail the run too")
	asJSON := fs.Bool("json", false, "the same as --format json")
	format := fs.String("format", "text", "`FORMAT` of the report: text, json or junit")
	caseInsensitive := fs.Bool("case-insensitive", false, "the rules match paths regardless of case, as the site serves them")
	fs.Usage = func() {}
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagError(env, "verify", verifyUsage, fs, err)
	}
	if *asJSON {
		*format = "json"
	}
	switch {
	case len(pos) > 0:
		printError(env, "signpost verify --base "+pos[0], "verify takes no arguments, got %q", pos[0])
		return exitUsage
	case *base == "":
		printError(env, "signpost verify --base https://www.example.com", "--base is required: the live site to check")
		return exitUsage
	case *format != "text" && *format != "json" && *format != "junit":
		printError(env, "", "unknown --format %q: text, json or junit", *format)
		return exitUsage
	case opts.Concurrency < 1 || opts.Retries < 0 || opts.Rate < 0:
		printError(env, "", "--concurrency must be at least 1, --retries and --rate at least 0")
		return exitUsage
	}
	u, err := url.Parse(*base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		printError(env, "give the scheme too: --base https://"+strings.TrimPrefix(*base, "//"), "--base %q is not an http or https URL", *base)
		return exitUsage
	}
	opts.Base = u
	if *rulesFile == "" {
		if _, err := os.Stat("redirects.json"); err == nil {
			*rulesFile = "redirects.json"
		}
	}
	if *rulesFile == "" && *casesFile == "" && *sitemap == "" {
		printError(env, "give --rules FILE, --cases FILE or --sitemap FILE|URL", "nothing to verify: no redirects.json here")
		return exitUsage
	}
	if *rulesFile != "" {
		c, code := loadRules(env, *rulesFile, engine.Options{CaseInsensitive: *caseInsensitive}, "verified", countWarnings)
		if c == nil {
			return code
		}
		opts.Table = c.Table
	}
	if *casesFile != "" {
		cases := loadCases(env, *casesFile, "nothing was verified")
		if cases == nil {
			return exitProblems
		}
		opts.Cases = verifyCases(cases)
	}
	if *sitemap != "" {
		if opts.Sitemap, err = readSitemap(ctx, *sitemap, opts.Timeout); err != nil {
			printError(env, "", "%v", err)
			return exitFailure
		}
	}
	bar := progressBar(env, *format)
	opts.Progress = bar.update
	res, err := verify.Run(ctx, opts)
	bar.done()
	if err != nil {
		printError(env, "", "%v", err)
		return exitFailure
	}
	switch *format {
	case "json":
		err = res.WriteJSON(env.Stdout, *strict)
	case "junit":
		err = res.WriteJUnit(env.Stdout, *strict)
	default:
		res.WriteText(env.Stdout, *strict)
	}
	if err != nil {
		printError(env, "", "%v", err)
		return exitFailure
	}
	if noAnswer(res) {
		printError(env, "check the URL, and that the site is up", "%s does not answer: every request failed", *base)
		return exitFailure
	}
	if failed := res.FailedSources(*strict); len(failed) > 0 {
		printError(env, "", "%d sources differ from the rules: %s", len(failed), strings.Join(failed, ", "))
		return exitProblems
	}
	return exitOK
}

// noAnswer reports whether every check failed to get any answer.
func noAnswer(res *verify.Result) bool {
	for _, c := range res.Checks {
		if c.GotStatus != 0 {
			return false
		}
	}
	return len(res.Checks) > 0
}

// verifyCases turns the cases 'signpost test' runs into verify's: a
// case's "note" is for people and not needed here.
func verifyCases(cases []testCase) []verify.Case {
	out := make([]verify.Case, len(cases))
	for i, c := range cases {
		out[i] = verify.Case{URL: c.URL, Status: c.Status, Location: c.Location}
	}
	return out
}

// readSitemap reads the URLs of a sitemap file or URL: the <loc> entries of
// an XML sitemap (and of the sitemaps a sitemap index lists, when it is
// fetched), or one URL a line.
func readSitemap(ctx context.Context, src string, timeout time.Duration) ([]string, error) {
	data, err := fetchOrRead(ctx, src, timeout)
	if err != nil {
		return nil, err
	}
	trimmed := strings.TrimSpace(string(data))
	if !strings.HasPrefix(trimmed, "<") {
		var urls []string
		for _, line := range strings.Split(trimmed, "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				urls = append(urls, line)
			}
		}
		return urls, nil
	}
	var doc struct {
		XMLName  xml.Name
		URLs     []string `xml:"url>loc"`
		Sitemaps []string `xml:"sitemap>loc"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: not a sitemap: %v", src, err)
	}
	urls := doc.URLs
	for _, s := range doc.Sitemaps {
		more, err := readSitemap(ctx, strings.TrimSpace(s), timeout)
		if err != nil {
			return nil, fmt.Errorf("sitemap index %s: %v", src, err)
		}
		urls = append(urls, more...)
	}
	for i := range urls {
		urls[i] = strings.TrimSpace(urls[i])
	}
	return urls, nil
}

func fetchOrRead(ctx context.Context, src string, timeout time.Duration) ([]byte, error) {
	if !strings.HasPrefix(src, "http://") && !strings.HasPrefix(src, "https://") {
		return os.ReadFile(src)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("sitemap %s: %v", src, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("sitemap %s: the server answered %s", src, resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 64<<20))
}

// bar draws progress on a terminal, and nothing elsewhere.
type bar struct {
	w     io.Writer
	last  time.Time
	drawn bool
}

func progressBar(env *Env, format string) *bar {
	f, ok := env.Stderr.(*os.File)
	if !ok || format != "text" {
		return &bar{}
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return &bar{}
	}
	return &bar{w: f}
}

func (b *bar) update(done, total int) {
	if b.w == nil || (time.Since(b.last) < 100*time.Millisecond && done < total) {
		return
	}
	b.last = time.Now()
	const width = 30
	n := width * done / max(total, 1)
	fmt.Fprintf(b.w, "\rverify [%s%s] %d/%d", strings.Repeat("=", n), strings.Repeat(" ", width-n), done, total)
	b.drawn = true
}

func (b *bar) done() {
	if b.drawn {
		fmt.Fprint(b.w, "\r\033[K")
	}
}
