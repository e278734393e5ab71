// Package verify checks a live site against its rules: it requests every
// source (as written, with its trailing slash toggled, and with a sample
// query string) without following redirects, compares the status and
// Location with the engine's decision, then follows each answer to its end
// and reports chains, loops and final answers that are not 200.
//
// Differences from the rules, and requests that fail after their retries,
// are failures. Chains, loops and non-200 final answers are warnings, which
// fail a run only in strict mode. A sitemap's URLs (old addresses that must
// keep working) must each end at a 200 in at most one hop.
package verify

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/signposthq/signpost/engine"
)

// Kind says where a check came from.
type Kind string

const (
	KindRule    Kind = "rule"    // a URL derived from a rule's source
	KindCase    Kind = "case"    // an expectation from a cases file
	KindSitemap Kind = "sitemap" // an old URL that must end at a 200
)

// Case is an expectation: what a URL must get. Status 200 means "not
// redirected, and a page".
type Case struct {
	URL      string `json:"url"`
	Status   int    `json:"status"`
	Location string `json:"location,omitempty"`
}

// Options configure a run.
type Options struct {
	// Base is the live site: scheme, host and an optional path prefix.
	Base *url.URL
	// Table is the compiled rules; nil checks only Cases and Sitemap.
	Table *engine.Table
	Cases []Case
	// Sitemap lists old URLs (absolute or paths); each is requested at
	// Base.
	Sitemap []string

	// Concurrency is how many requests run at once (default 8).
	Concurrency int
	// Rate limits requests per second over all workers (0: no limit).
	Rate float64
	// Retries is how often a request that fails (network error, 429 or
	// 5xx) is tried again, with exponential backoff starting at Backoff.
	Retries int
	Backoff time.Duration
	// Timeout bounds each request (default 10 s).
	Timeout time.Duration
	// MaxHops bounds how far answers are followed (default 10).
	MaxHops int
	// FollowExternal follows redirects to other hosts; by default a chain
	// is followed only on the site's own hosts.
	FollowExternal bool
	// Transport sends the requests (default: http.DefaultTransport).
	Transport http.RoundTripper
	// Progress, when set, is called after each check with the counts.
	Progress func(done, total int)
}

// Severity of a finding.
type Severity string

const (
	Fail Severity = "fail"
	Warn Severity = "warning"
)

// Finding is one thing wrong with a check's answer.
type Finding struct {
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
}

// Hop is one answer along a followed chain.
type Hop struct {
	URL      string `json:"url"`
	Status   int    `json:"status"`
	Location string `json:"location,omitempty"`
}

// Check is one URL asked about and what came back.
type Check struct {
	Kind Kind `json:"kind"`
	// Source is the rule the URL was derived from, or the case's or
	// sitemap's URL.
	Source string `json:"source"`
	URL    string `json:"url"` // the request's path and query (or full URL for another host)
	Host   string `json:"host,omitempty"`

	WantStatus   int    `json:"want_status"`
	WantLocation string `json:"want_location,omitempty"`
	GotStatus    int    `json:"got_status"`
	GotLocation  string `json:"got_location,omitempty"`

	// Chain is every answer from the first on, when followed.
	Chain    []Hop         `json:"chain,omitempty"`
	Findings []Finding     `json:"findings,omitempty"`
	Elapsed  time.Duration `json:"elapsed_ns"`
}

// Failed reports whether the check has a failure (or, when strict, a
// warning).
func (c *Check) Failed(strict bool) bool {
	for _, f := range c.Findings {
		if f.Severity == Fail || strict {
			return true
		}
	}
	return false
}

// Warned reports whether the check has a warning.
func (c *Check) Warned() bool {
	for _, f := range c.Findings {
		if f.Severity == Warn {
			return true
		}
	}
	return false
}

func (c *Check) fail(format string, args ...any) {
	c.Findings = append(c.Findings, Finding{Fail, fmt.Sprintf(format, args...)})
}

func (c *Check) warn(format string, args ...any) {
	c.Findings = append(c.Findings, Finding{Warn, fmt.Sprintf(format, args...)})
}

// Result is a finished run.
type Result struct {
	Base    string        `json:"base"`
	Checks  []*Check      `json:"checks"`
	Elapsed time.Duration `json:"elapsed_ns"`
}

// Run checks the live site. It returns an error only when the options are
// unusable; failing requests are findings of their checks.
func Run(ctx context.Context, opts Options) (*Result, error) {
	if opts.Base == nil || (opts.Base.Scheme != "http" && opts.Base.Scheme != "https") || opts.Base.Host == "" {
		return nil, fmt.Errorf("the base URL must be an absolute http or https URL such as https://www.example.com")
	}
	opts.defaults()
	checks := plan(opts)
	start := time.Now()
	f := newFetcher(opts)
	defer f.close()
	jobs := make(chan *Check)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for range opts.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range jobs {
				t0 := time.Now()
				run(ctx, f, opts, c)
				c.Elapsed = time.Since(t0)
				if opts.Progress != nil {
					mu.Lock()
					done++
					opts.Progress(done, len(checks))
					mu.Unlock()
				}
			}
		}()
	}
feed:
	for _, c := range checks {
		select {
		case jobs <- c:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &Result{Base: opts.Base.String(), Checks: checks, Elapsed: time.Since(start)}, nil
}

func (o *Options) defaults() {
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Backoff <= 0 {
		o.Backoff = 200 * time.Millisecond
	}
	if o.MaxHops <= 0 {
		o.MaxHops = 10
	}
	if o.Transport == nil {
		o.Transport = http.DefaultTransport
	}
}
