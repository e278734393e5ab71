package server

import (
	"sync/atomic"
	"time"

	"github.com/signposthq/signpost"
	"github.com/signposthq/signpost/engine"
)

// ruleState is one compiled rules file as served: requests load it once.
type ruleState struct {
	table   *engine.Table
	source  string
	version string
	loaded  time.Time
	// hits counts the requests each rule answered first, by Rule.Index.
	hits []atomic.Uint64
}

func (s *ruleState) count() int {
	if s == nil || s.table == nil {
		return 0
	}
	return len(s.table.Rules().Rules)
}

// SetRules starts serving c, which must have compiled without errors.
// source names where it came from and version identifies its content, for
// logs, metrics and the health check. Hit counts carry over for sources
// that are in both the old and the new rules.
func (h *Handler) SetRules(c *signpost.Compiled, source, version string) {
	if c == nil || c.Table == nil {
		panic("server: SetRules needs rules that compiled without errors")
	}
	c.Table.Prepare() // here rather than in the first request's time
	st := &ruleState{table: c.Table, source: source, version: version, loaded: time.Now(),
		hits: make([]atomic.Uint64, len(c.Table.Rules().Rules))}
	old := h.rules.Swap(st)
	if old == nil {
		return
	}
	prev := make(map[string]uint64)
	for i, r := range old.table.Rules().Rules {
		if n := old.hits[i].Load(); n > 0 {
			prev[r.Source] = n
		}
	}
	for i, r := range c.Table.Rules().Rules {
		if n := prev[r.Source]; n > 0 {
			st.hits[i].Add(n)
		}
	}
}
