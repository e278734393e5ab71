package verify

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/signposthq/signpost"
	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/server"
)

// BenchmarkVerify checks a site of 1,000 rules (3,000 requests and the
// redirects they lead to) served by server.Handler on loopback, with the
// default concurrency.
func BenchmarkVerify(b *testing.B) {
	var src bytes.Buffer
	src.WriteString("{\n")
	for i := range 1000 {
		if i > 0 {
			src.WriteString(",\n")
		}
		if i%10 == 0 {
			fmt.Fprintf(&src, "%q: {\"to\": \"/new/%d/:splat\"}", fmt.Sprintf("/section-%d/*", i), i)
		} else {
			fmt.Fprintf(&src, "%q: {\"to\": \"/page-%d/\"}", fmt.Sprintf("/old-%d", i), i)
		}
	}
	src.WriteString("\n}\n")
	c := signpost.Compile("bench.json", src.Bytes(), engine.Options{})
	if c.Table == nil {
		b.Fatal(c.Diagnostics.Err())
	}
	h := server.New(server.Config{})
	h.SetRules(c, "bench.json", "bench")
	srv := httptest.NewServer(h)
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	for b.Loop() {
		res, err := Run(context.Background(), Options{Base: base, Table: c.Table})
		if err != nil {
			b.Fatal(err)
		}
		if f := res.FailedSources(false); len(f) > 0 {
			b.Fatalf("%d sources differ", len(f))
		}
		b.ReportMetric(float64(len(res.Checks))/res.Elapsed.Seconds(), "checks/s")
	}
}
