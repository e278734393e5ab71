package awsfake

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/signposthq/signpost"
	"github.com/signposthq/signpost/edge/jsgen"
	"github.com/signposthq/signpost/engine"
)

// KVSARN is the ARN of the World's KeyValueStore.
const KVSARN = "arn:aws:cloudfront::123456789012:key-value-store/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"

// World is an AWS account in a box: an in-process S3 server (gofakes3,
// which implements If-Match and If-None-Match on PutObject atomically) with
// a bucket "site", and the stand-ins for CloudFront (distributions
// E1EXAMPLE and E2EXAMPLE), Lambda (function "redirects") and a
// KeyValueStore. Everything stops when the test ends.
type World struct {
	S3 *s3mem.Backend
	// S3Faults makes S3 requests fail (Fail), as a throttled or failing
	// S3 would.
	S3Faults   *faults
	CloudFront *CloudFront
	Lambda     *Lambda
	KVS        *KVS
	// Env holds the standard AWS variables that point the SDK at the
	// servers, with static credentials and no shared config.
	Env map[string]string
}

// Start starts a World.
func Start(t testing.TB) *World {
	t.Helper()
	w := &World{S3: s3mem.New(), CloudFront: NewCloudFront(t), Lambda: NewLambda(t, "redirects"), KVS: NewKVS(t, KVSARN)}
	if err := w.S3.CreateBucket("site"); err != nil {
		t.Fatal(err)
	}
	w.CloudFront.AddDistribution("E1EXAMPLE")
	w.CloudFront.AddDistribution("E2EXAMPLE")
	w.S3Faults = &faults{}
	s3h := gofakes3.New(w.S3).Server()
	s3srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if flt := w.S3Faults.take(r); flt != nil {
			rw.Header().Set("Content-Type", "application/xml")
			rw.WriteHeader(flt.status)
			fmt.Fprintf(rw, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>injected failure</Message><RequestId>req-1</RequestId></Error>`, flt.code)
			return
		}
		s3h.ServeHTTP(rw, r)
	}))
	cf := httptest.NewServer(w.CloudFront)
	l := httptest.NewServer(w.Lambda)
	k := httptest.NewServer(w.KVS)
	for _, s := range []*httptest.Server{s3srv, cf, l, k} {
		t.Cleanup(s.Close)
	}
	w.Env = map[string]string{
		"AWS_ENDPOINT_URL_S3":                       s3srv.URL,
		"AWS_ENDPOINT_URL_CLOUDFRONT":               cf.URL,
		"AWS_ENDPOINT_URL_LAMBDA":                   l.URL,
		"AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE": k.URL,
		"AWS_ACCESS_KEY_ID":                         "AKIDEXAMPLE",
		"AWS_SECRET_ACCESS_KEY":                     "secret",
		"AWS_REGION":                                "eu-west-1",
		"AWS_CONFIG_FILE":                           "/nonexistent/config",
		"AWS_SHARED_CREDENTIALS_FILE":               "/nonexistent/credentials",
		"AWS_EC2_METADATA_DISABLED":                 "true",
		"AWS_RETRY_MODE":                            "standard",
	}
	return w
}

// BehaveAsRules makes a CloudFront Function stand-in answer as a function
// built from a rules file would, when the "code" it was given is the rules
// text itself: tests of the deploy flow then need no JavaScript runtime,
// and code that disagrees with the rules is simply other rules.
func BehaveAsRules(code, event []byte) ([]byte, string) {
	var ev struct {
		Request struct {
			URI         string                            `json:"uri"`
			Headers     map[string]map[string]string      `json:"headers"`
			Querystring map[string]struct{ Value string } `json:"querystring"`
		} `json:"request"`
	}
	if err := json.Unmarshal(event, &ev); err != nil {
		return nil, "the event is not JSON"
	}
	c := signpost.Compile("function.js", code, engine.Options{})
	if c.Table == nil {
		return nil, "SyntaxError: the function does not compile"
	}
	q := url.Values{}
	for k, v := range ev.Request.Querystring {
		q.Set(k, v.Value)
	}
	d := c.Table.Resolve(ev.Request.Headers["host"]["value"], ev.Request.URI, q.Encode())
	if !d.Match {
		return []byte(`{"request":{"uri":` + strconv.Quote(ev.Request.URI) + `}}`), ""
	}
	return fmt.Appendf(nil, `{"response":{"statusCode":%d,"headers":{"location":{"value":%q}}}}`, d.Status, d.Location), ""
}

// BehaveInNode runs the function's code for real, in Node.js with
// CloudFront's function runtime as edge/jsgen models it, reading the
// entries the KeyValueStore stand-in holds at the time of the test.
func (w *World) BehaveInNode() Behaviour {
	return func(code, event []byte) ([]byte, string) {
		w.KVS.mu.Lock()
		var kvs []jsgen.KV
		for _, k := range slices.Sorted(maps.Keys(w.KVS.Items)) {
			kvs = append(kvs, jsgen.KV{Key: k, Value: w.KVS.Items[k]})
		}
		w.KVS.mu.Unlock()
		n, err := jsgen.StartFunction(context.Background(), code, kvs)
		if err != nil {
			return nil, err.Error()
		}
		defer n.Close()
		out, err := n.Run([]any{json.RawMessage(event)})
		if err != nil {
			return nil, err.Error()
		}
		var probe struct {
			StatusCode *int `json:"statusCode"`
		}
		if err := json.Unmarshal(out[0], &probe); err != nil {
			return nil, "the function returned " + string(out[0])
		}
		if probe.StatusCode != nil {
			return fmt.Appendf(nil, `{"response":%s}`, out[0]), ""
		}
		return fmt.Appendf(nil, `{"request":%s}`, out[0]), ""
	}
}
