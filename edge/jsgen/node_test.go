package jsgen_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/signposthq/signpost/edge"
	"github.com/signposthq/signpost/edge/jsgen"
	"github.com/signposthq/signpost/engine"
)

// TestNodeAfterThrow: an event the code throws on fails its batch, naming
// the event, and the process stays in step: the next batch gets its own
// answers and Close ends the process, however many answers the failed
// batch had left.
func TestNodeAfterThrow(t *testing.T) {
	needNode(t)
	z, err := jsgen.LambdaEdgeZip(compileRules(t, `{"/a/*": {"to": "/b/:splat"}}`, engine.Options{}), jsgen.LambdaOptions{Trigger: edge.ViewerRequest})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n, err := jsgen.StartLambda(ctx, z)
	if err != nil {
		t.Fatal(err)
	}
	// More answers than a pipe holds follow the event without a record.
	events := []any{map[string]any{}}
	for i := 0; i < 2000; i++ {
		events = append(events, edge.SampleRequest{Host: "example.com", URI: fmt.Sprintf("/a/first-%d", i)}.LambdaEvent(edge.ViewerRequest))
	}
	if _, err := n.Run(events); err == nil || !strings.Contains(err.Error(), "event 0: the generated code threw") {
		t.Errorf("a batch with an event without a record: %v", err)
	}
	out, err := n.Run([]any{edge.SampleRequest{Host: "example.com", URI: "/a/second"}.LambdaEvent(edge.ViewerRequest)})
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Headers edge.LambdaHeaders `json:"headers"`
	}
	if err := json.Unmarshal(out[0], &res); err != nil || res.Headers.Get("location") != "/b/second" {
		t.Errorf("the next batch got %s (%v), want the redirect to /b/second", out[0], err)
	}
	if err := n.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
}
