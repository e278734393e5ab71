package jsgen_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
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

// TestNodeStartFailureLeavesNoFiles: when Node.js cannot be started on
// the code (here the context is over before it starts, or the package is
// not a zip), the temporary directory made for it is gone.
func TestNodeStartFailureLeavesNoFiles(t *testing.T) {
	needNode(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if n, err := jsgen.StartFunction(ctx, []byte("function handler(event) { return event.request; }"), []jsgen.KV{}); err == nil {
		n.Close()
		t.Fatal("StartFunction with a canceled context: no error")
	}
	if _, err := jsgen.StartLambda(context.Background(), []byte("not a zip")); err == nil {
		t.Fatal("StartLambda on bytes that are not a zip: no error")
	}
	left, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range left {
		t.Errorf("left behind in the temporary directory: %s", e.Name())
	}
}
