package edge_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/signposthq/signpost"
	"github.com/signposthq/signpost/edge"
	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/internal/conformance"
)

func table(t testing.TB, src string) *engine.Table {
	t.Helper()
	c := signpost.Compile("redirects.json", []byte(src), engine.Options{})
	if c.Table == nil {
		t.Fatal(c.Diagnostics.Err())
	}
	return c.Table
}

const rulesJSON = `{
  "/jobs": { "to": "https://jobs.example.com/", "statusCode": 301 },
  "/blog/*": { "to": "/news/:splat", "statusCode": 308 },
  "/gone": { "statusCode": 410 },
  "/temp": { "to": "/later", "statusCode": 307, "query": "drop" }
}`

func handler(t testing.TB, trigger edge.Trigger, p edge.HeaderPolicy) *edge.Handler {
	t.Helper()
	h, err := edge.NewHandler(table(t, rulesJSON), trigger, p)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestOriginResponse(t *testing.T) {
	h := handler(t, edge.OriginResponse, edge.HeaderPolicy{Extra: []edge.Header{{Name: "X-Content-Type-Options", Value: "nosniff"}}})
	ev := edge.SampleRequest{Host: "example.com", URI: "/jobs/", RawQuery: "ref=home", OriginStatus: 404}.LambdaEvent(edge.OriginResponse)
	ev.Records[0].CF.Response.Headers["transfer-encoding"] = []edge.LambdaHeader{{Key: "Transfer-Encoding", Value: "chunked"}}
	res, err := h.Lambda(ev)
	if err != nil {
		t.Fatal(err)
	}
	r := res.Response
	if r == nil || r.Status != "301" || r.StatusDescription != "Moved Permanently" {
		t.Fatalf("got %+v, want a 301 response", res)
	}
	for name, want := range map[string]string{
		"location":                  "https://jobs.example.com/?ref=home",
		"strict-transport-security": "max-age=63072000",
		"x-content-type-options":    "nosniff",
		// The origin's headers stay, read-only ones untouched.
		"transfer-encoding": "chunked",
		"via":               "1.1 d111111abcdef8.cloudfront.net (CloudFront)",
		"etag":              `"0f343b0931126a20f133d67c2b018a3b"`,
	} {
		if got := r.Headers.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	if r.Headers["location"][0].Key != "Location" {
		t.Errorf("location key %q", r.Headers["location"][0].Key)
	}

	// No match: the origin's response with HSTS added, status unchanged.
	ev = edge.SampleRequest{Host: "example.com", URI: "/pricing/"}.LambdaEvent(edge.OriginResponse)
	res, _ = h.Lambda(ev)
	if res.Response.Status != "200" || res.Response.Headers.Get("strict-transport-security") == "" || res.Response.Headers.Get("location") != "" {
		t.Errorf("pass-through: %+v", res.Response)
	}

	// 410: no location, even if the origin sent one.
	ev = edge.SampleRequest{Host: "example.com", URI: "/gone"}.LambdaEvent(edge.OriginResponse)
	ev.Records[0].CF.Response.Headers.Set("location", "Location", "/elsewhere")
	res, _ = h.Lambda(ev)
	if res.Response.Status != "410" || res.Response.StatusDescription != "Gone" || res.Response.Headers.Get("location") != "" {
		t.Errorf("410: %+v", res.Response)
	}
}

func TestViewerRequest(t *testing.T) {
	h := handler(t, edge.ViewerRequest, edge.HeaderPolicy{HSTS: edge.HSTS{MaxAge: 31536000, IncludeSubDomains: true, Preload: true}})
	ev := edge.SampleRequest{Host: "example.com", URI: "/blog/2019/hello", RawQuery: "a=1"}.LambdaEvent(edge.ViewerRequest)
	res, err := h.Lambda(ev)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(res)
	want := `{"status":"308","statusDescription":"Permanent Redirect","headers":{"location":[{"key":"Location","value":"/news/2019/hello?a=1"}],"strict-transport-security":[{"key":"Strict-Transport-Security","value":"max-age=31536000; includeSubDomains; preload"}]}}`
	if string(data) != want {
		t.Errorf("got  %s\nwant %s", data, want)
	}
	// No match: the request goes on, unchanged.
	ev = edge.SampleRequest{Host: "example.com", URI: "/pricing/", RawQuery: "x=1"}.LambdaEvent(edge.ViewerRequest)
	before, _ := json.Marshal(ev.Records[0].CF.Request)
	res, _ = h.Lambda(ev)
	after, _ := json.Marshal(res)
	if res.Request == nil || string(before) != string(after) {
		t.Errorf("pass-through changed the request:\n%s\n%s", before, after)
	}
}

func TestFunctionEvent(t *testing.T) {
	h := handler(t, edge.ViewerRequest, edge.HeaderPolicy{})
	ev := edge.SampleRequest{Host: "example.com", URI: "/temp", RawQuery: "utm=1"}.FunctionEvent()
	res, err := h.Function(ev)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(res)
	want := `{"statusCode":307,"statusDescription":"Temporary Redirect","headers":{"location":{"value":"/later"},"strict-transport-security":{"value":"max-age=63072000"}}}`
	if string(data) != want {
		t.Errorf("got  %s\nwant %s", data, want)
	}
	// viewer-response: headers added to whatever CloudFront sends.
	vr := &edge.FunctionEvent{Version: "1.0", Context: edge.FunctionContext{EventType: edge.ViewerResponse},
		Response: &edge.FunctionResponse{StatusCode: 200, Headers: edge.FunctionHeaders{"content-type": {Value: "text/html"}}}}
	res, _ = h.Function(vr)
	if res.Response.Headers["strict-transport-security"].Value != "max-age=63072000" || res.Response.Headers["content-type"].Value != "text/html" {
		t.Errorf("viewer-response: %+v", res.Response)
	}
}

// TestFunctionQuery: CloudFront Functions give the query as an object; the
// query string passed on is rebuilt from it in JavaScript's key order.
func TestFunctionQuery(t *testing.T) {
	q := edge.ParseFunctionQuery("b=2&a=1&b=3&10=x&2=y&flag&e=")
	data, _ := json.Marshal(q)
	want := `{"2":{"value":"y"},"10":{"value":"x"},"b":{"value":"3","multiValue":[{"value":"2"},{"value":"3"}]},"a":{"value":"1"},"flag":{"value":""},"e":{"value":""}}`
	if string(data) != want {
		t.Errorf("got  %s\nwant %s", data, want)
	}
	if got := q.Raw(); got != "2=y&10=x&b=2&b=3&a=1&flag&e" {
		t.Errorf("Raw() = %q", got)
	}
	var back edge.FunctionQuery
	if err := json.Unmarshal(data, &back); err != nil || back.Raw() != q.Raw() {
		t.Errorf("round trip: %q, %v", back.Raw(), err)
	}
}

func TestHeaderPolicyValidate(t *testing.T) {
	for _, bad := range []edge.Header{
		{Name: "Transfer-Encoding", Value: "chunked"},
		{Name: "Via", Value: "x"},
		{Name: "X-Amz-Cf-Id", Value: "x"},
		{Name: "X-Edge-Location", Value: "x"},
		{Name: "Connection", Value: "close"},
		{Name: "Bad Name", Value: "x"},
		{Name: "X-Ok", Value: "line\r\nSet-Cookie: x"},
		{Name: "Strict-Transport-Security", Value: "max-age=1"},
	} {
		if err := (edge.HeaderPolicy{Extra: []edge.Header{bad}}).Validate(); err == nil {
			t.Errorf("%q accepted", bad.Name)
		}
	}
	if err := (edge.HeaderPolicy{Extra: []edge.Header{{Name: "Content-Security-Policy", Value: "default-src 'self'"}}}).Validate(); err != nil {
		t.Error(err)
	}
}

// FuzzHandlerLocation: whatever the request, the Go handler never answers
// with a protocol-relative, header-splitting or non-http(s) Location, and
// never fails. Each rule of testdata/hostile-rules.json can put request
// text at the start of a Location. The generated JavaScript runs on the
// same rules and corpus in package jsgen.
func FuzzHandlerLocation(f *testing.F) {
	for _, s := range []string{"/go//evil.com", "/go/%2F%2Fevil.com", "/go/%5Cevil.com", "/go/\\evil.com", "/r/%0d%0aSet-Cookie:x",
		"/q/%0A", "/f/%23", "/go/%E0%A4%A", "/%2F/%2F/x", "/go/https:%2F%2Fevil.com", "/go/%09/evil.com"} {
		f.Add("example.com", s, "a=1")
	}
	hostile, err := os.ReadFile("testdata/hostile-rules.json")
	if err != nil {
		f.Fatal(err)
	}
	tab := table(f, string(hostile))
	lh, _ := edge.NewHandler(tab, edge.ViewerRequest, edge.HeaderPolicy{})
	f.Fuzz(func(t *testing.T, host, uri, query string) {
		ev := edge.SampleRequest{Host: host, URI: uri, RawQuery: query}
		res, err := lh.Lambda(ev.LambdaEvent(edge.ViewerRequest))
		if err != nil {
			t.Fatal(err)
		}
		if res.Response != nil && res.Response.Status != "410" {
			loc := res.Response.Headers.Get("location")
			if err := conformance.CheckLocation(loc); err != nil {
				t.Fatalf("%q ?%q: Location %q: %v", uri, query, loc, err)
			}
		}
		fres, err := lh.Function(ev.FunctionEvent())
		if err != nil {
			t.Fatal(err)
		}
		if fres.Response != nil && fres.Response.StatusCode != 410 {
			if loc := fres.Response.Headers["location"].Value; conformance.CheckLocation(loc) != nil || strings.ContainsAny(loc, "\r\n") {
				t.Fatalf("%q: function Location %q", uri, loc)
			}
		}
	})
}

// TestParseTrigger checks the triggers signpost generates code for, and
// that none given means origin-response.
func TestParseTrigger(t *testing.T) {
	for s, want := range map[string]edge.Trigger{"": edge.OriginResponse, "origin-response": edge.OriginResponse, "viewer-request": edge.ViewerRequest} {
		if got, ok := edge.ParseTrigger(s); !ok || got != want {
			t.Errorf("ParseTrigger(%q) = %q, %v; want %q", s, got, ok, want)
		}
	}
	for _, s := range []string{"viewer-response", "origin-request", "Origin-Response", " "} {
		if got, ok := edge.ParseTrigger(s); ok {
			t.Errorf("ParseTrigger(%q) = %q, accepted", s, got)
		}
	}
}
