package jsgen_test

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"reflect"
	"strconv"
	"testing"

	"github.com/signposthq/signpost"
	"github.com/signposthq/signpost/edge"
	"github.com/signposthq/signpost/edge/jsgen"
	"github.com/signposthq/signpost/engine"
)

// needNode skips a test that runs generated code when Node.js is missing;
// .ci/run installs it, so CI never skips.
func needNode(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node (Node.js) is not on PATH: the generated JavaScript cannot run here; .ci/run installs it")
	}
}

func compileRules(t testing.TB, src string, opts engine.Options) *engine.Table {
	t.Helper()
	c := signpost.Compile("redirects.json", []byte(src), opts)
	if c.Table == nil {
		t.Fatalf("rules do not compile:\n%v", c.Diagnostics.Err())
	}
	return c.Table
}

// variant is one kind of generated code, with the Go reference handler that
// must answer exactly like it.
type variant struct {
	name    string
	trigger edge.Trigger
	fn      bool // a CloudFront Function, else Lambda@Edge
	kvs     bool // CloudFront Function with a KeyValueStore
}

var variants = []variant{
	{name: "lambda-origin-response", trigger: edge.OriginResponse},
	{name: "lambda-viewer-request", trigger: edge.ViewerRequest},
	{name: "function", trigger: edge.ViewerRequest, fn: true},
	{name: "function-kvs", trigger: edge.ViewerRequest, fn: true, kvs: true},
}

// request is one request of a test, as a host, a path and a raw query.
type request struct{ host, path, query string }

func (v variant) event(r request) any {
	s := edge.SampleRequest{Host: r.host, URI: r.path, RawQuery: r.query}
	if v.fn {
		return s.FunctionEvent()
	}
	return s.LambdaEvent(v.trigger)
}

// start builds the variant's code for table and starts Node.js on it.
func (v variant) start(t testing.TB, table *engine.Table, p edge.HeaderPolicy) *jsgen.Node {
	t.Helper()
	var n *jsgen.Node
	var err error
	if v.fn {
		code, kvs, berr := jsgen.CloudFrontFunction(table, jsgen.FunctionOptions{Headers: p, KVS: v.kvs, DebugHeader: true})
		if berr != nil {
			var le *jsgen.LimitError
			if errors.As(berr, &le) && !v.kvs {
				t.Skipf("%s: %v", v.name, berr)
			}
			t.Fatalf("%s: %v", v.name, berr)
		}
		n, err = jsgen.StartFunction(context.Background(), code, kvs)
	} else {
		z, berr := jsgen.LambdaEdgeZip(table, jsgen.LambdaOptions{Trigger: v.trigger, Headers: p, DebugHeader: true})
		if berr != nil {
			t.Fatalf("%s: %v", v.name, berr)
		}
		n, err = jsgen.StartLambda(context.Background(), z)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

// reference answers the events with the Go handler, as JSON.
func (v variant) reference(t testing.TB, table *engine.Table, p edge.HeaderPolicy, events []any) []json.RawMessage {
	t.Helper()
	h, err := edge.NewHandler(table, v.trigger, p)
	if err != nil {
		t.Fatal(err)
	}
	h.DebugHeader = true
	out := make([]json.RawMessage, len(events))
	for i, ev := range events {
		// Through JSON and back, as the event reaches the JavaScript.
		data, _ := json.Marshal(ev)
		var res any
		if v.fn {
			var fe edge.FunctionEvent
			if err := json.Unmarshal(data, &fe); err != nil {
				t.Fatal(err)
			}
			res, err = h.Function(&fe)
		} else {
			var le edge.LambdaEvent
			if err := json.Unmarshal(data, &le); err != nil {
				t.Fatal(err)
			}
			res, err = h.Lambda(&le)
		}
		if err != nil {
			t.Fatal(err)
		}
		if out[i], err = json.Marshal(res); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// sameJSON compares two JSON documents by value.
func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// answer is what a function's result means for a request.
type answer struct {
	match    bool
	status   int
	location string
	rule     int
}

// answerOf reads a Lambda@Edge or CloudFront Functions result: a redirect
// carries X-Signpost-Rule (the tests build with DebugHeader).
func answerOf(t testing.TB, raw json.RawMessage) answer {
	t.Helper()
	var r struct {
		Status     string          `json:"status"`
		StatusCode int             `json:"statusCode"`
		Headers    json.RawMessage `json:"headers"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("result %s: %v", raw, err)
	}
	var a answer
	var lh edge.LambdaHeaders
	if json.Unmarshal(r.Headers, &lh) == nil && r.Status != "" {
		if lh.Get("x-signpost-rule") == "" {
			return a
		}
		a.match = true
		a.status, _ = strconv.Atoi(r.Status)
		a.location = lh.Get("location")
		a.rule, _ = strconv.Atoi(lh.Get("x-signpost-rule"))
		return a
	}
	var fh edge.FunctionHeaders
	if r.StatusCode == 0 || json.Unmarshal(r.Headers, &fh) != nil {
		return a // the request, passed on
	}
	a.match, a.status, a.location = true, r.StatusCode, fh["location"].Value
	a.rule, _ = strconv.Atoi(fh["x-signpost-rule"].Value)
	return a
}
