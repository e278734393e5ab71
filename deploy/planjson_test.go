package deploy

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// A Plan and a Result have one JSON form, by value or by pointer: the
// summarized one that --json prints.
func TestPlanJSONByValueAndPointer(t *testing.T) {
	p := &Plan{Mode: ModeS3, Next: &Release{ID: "r2", Rules: map[string]Entry{"/a": {}}}, Calls: []string{"PutObject"}}
	r := &Result{Plan: p, Release: p.Next, Duration: 1500 * time.Millisecond}
	for _, v := range [][2]any{{p, *p}, {r, *r}} {
		byPtr, err1 := json.Marshal(v[0])
		byVal, err2 := json.Marshal(v[1])
		if err1 != nil || err2 != nil || string(byPtr) != string(byVal) {
			t.Fatalf("by pointer %s (%v), by value %s (%v)", byPtr, err1, byVal, err2)
		}
	}
	out, _ := json.Marshal(*r)
	if !strings.Contains(string(out), `"durationMs":1500`) || !strings.Contains(string(out), `"rules":1`) {
		t.Errorf("result: %s", out)
	}
}
