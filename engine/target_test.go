package engine

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestTargetPlaceholders pins where a target has placeholders, and checks
// that Resolve substitutes exactly those: the exporters substitute the
// targets they write through TargetPlaceholders.
func TestTargetPlaceholders(t *testing.T) {
	cases := []struct {
		to   string
		want []string // "name@start"
	}{
		{"/b/:id", []string{"id@3"}},
		{"/b/:id/", []string{"id@3"}},
		{"/b/x:id", nil},
		{"/b/:id:id", []string{"id@3"}},
		{"/b/::id", nil},
		{"/b/:1id", nil},
		{"/b/:", nil},
		{"/b/:_id9-x", []string{"_id9@3"}},
		{"/d?q=:id&r=a:id", []string{"id@5"}},
		{"/d?:id", []string{"id@3"}},
		{"/d?a&:id", []string{"id@5"}},
		{"/d#:id", []string{"id@3"}},
		{"/:id/:id", []string{"id@1", "id@5"}},
		{"https://:id", nil},
		{"https://example.com:8080/:id", []string{"id@25"}},
		{"HTTPS://example.com/:id", []string{"id@20"}},
		{"https://example.com/a:id", nil},
		{"https://example.com?x=:id", []string{"id@22"}},
		{"mailto:id", nil},
	}
	for _, c := range cases {
		var got []string
		for _, p := range TargetPlaceholders(c.to) {
			if c.to[p.Start:p.End] != ":"+p.Name {
				t.Errorf("%q: %q at [%d:%d] is not %q", c.to, c.to[p.Start:p.End], p.Start, p.End, ":"+p.Name)
			}
			got = append(got, fmt.Sprintf("%s@%d", p.Name, p.Start))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("TargetPlaceholders(%q) = %v, want %v", c.to, got, c.want)
		}
		// Compile only what check lets through ("https://:id" has no host).
		if !strings.HasPrefix(c.to, "/") && !strings.HasPrefix(strings.ToLower(c.to), "http") || strings.Contains(c.to, ":_") || strings.HasPrefix(c.to, "https://:") {
			continue
		}
		// The engine's Location is the target with exactly these
		// placeholders filled.
		key, _ := json.Marshal(c.to)
		tab := compile(t, `{"/s/:id": {"to": `+string(key)+`, "query": "drop"}}`, Options{})
		want, last := "", 0
		for _, p := range TargetPlaceholders(c.to) {
			want += c.to[last:p.Start] + "V"
			last = p.End
		}
		want += c.to[last:]
		if d := tab.Resolve("", "/s/V", ""); d.Location != want {
			t.Errorf("%q: Location %q, want %q", c.to, d.Location, want)
		}
	}
}
