package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"time"
)

// fetcher sends single requests, never following redirects, within the
// rate limit, retrying failures with exponential backoff.
type fetcher struct {
	opts   Options
	client *http.Client
	tick   *time.Ticker // nil without a rate limit
}

func newFetcher(opts Options) *fetcher {
	f := &fetcher{opts: opts, client: &http.Client{
		Transport:     opts.Transport,
		Timeout:       opts.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	if opts.Rate > 0 {
		f.tick = time.NewTicker(time.Duration(float64(time.Second) / opts.Rate))
	}
	return f
}

func (f *fetcher) close() {
	if f.tick != nil {
		f.tick.Stop()
	}
}

// answer is one response's status and Location.
type answer struct {
	Status   int
	Location string
	Tries    int
}

// get requests u (Host header host, when set).
func (f *fetcher) get(ctx context.Context, u *url.URL, host string) (answer, error) {
	var last error
	for try := 0; try <= f.opts.Retries; try++ {
		if try > 0 {
			wait := f.opts.Backoff << (try - 1)
			wait += time.Duration(rand.Int64N(int64(wait)/2 + 1))
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return answer{}, ctx.Err()
			}
		}
		if f.tick != nil {
			select {
			case <-f.tick.C:
			case <-ctx.Done():
				return answer{}, ctx.Err()
			}
		}
		a, err := f.once(ctx, u, host)
		a.Tries = try + 1
		if err == nil && !retryable(a.Status) {
			return a, nil
		}
		if err == nil {
			last = fmt.Errorf("the site answered %d", a.Status)
			if try == f.opts.Retries {
				return a, nil // a 5xx answer is an answer
			}
			continue
		}
		last = err
		if ctx.Err() != nil {
			return answer{}, ctx.Err()
		}
	}
	return answer{Tries: f.opts.Retries + 1}, last
}

func (f *fetcher) once(ctx context.Context, u *url.URL, host string) (answer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return answer{}, err
	}
	if host != "" {
		req.Host = host
	}
	req.Header.Set("User-Agent", "signpost-verify")
	resp, err := f.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return answer{}, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return answer{Status: resp.StatusCode, Location: resp.Header.Get("Location")}, nil
}

func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusBadGateway ||
		status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
}
