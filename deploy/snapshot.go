package deploy

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/rules"
)

// Entry is what a deployed source does, the part of a rule that changes what
// visitors get (notes are left out: changing one changes nothing live).
type Entry struct {
	To     string `json:"to,omitempty"`
	Status int    `json:"statusCode"`
	Query  string `json:"query,omitempty"` // "drop", or empty for keep
}

// Snapshot is the rules of a release, by source as written in the file.
type Snapshot map[string]Entry

// SnapshotOf returns the snapshot of set.
func SnapshotOf(set *rules.Set) Snapshot {
	s := make(Snapshot, len(set.Rules))
	for _, r := range set.Rules {
		e := Entry{To: r.To, Status: r.Status}
		if r.Query == rules.QueryDrop {
			e.Query = "drop"
		}
		s[r.Source] = e
	}
	return s
}

// Digest is a short stable fingerprint of the snapshot.
func (s Snapshot) Digest() string {
	b, _ := json.Marshal(s) // map keys are sorted by encoding/json
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// ChangeKind says how a source differs between two releases.
type ChangeKind string

const (
	Added   ChangeKind = "added"
	Changed ChangeKind = "changed"
	Removed ChangeKind = "removed"
)

// Change is one source whose redirect differs.
type Change struct {
	Kind   ChangeKind `json:"kind"`
	Source string     `json:"source"`
	Old    *Entry     `json:"old,omitempty"`
	New    *Entry     `json:"new,omitempty"`
}

// Diff lists the sources whose redirects differ from old to new, sorted by
// source.
func Diff(old, new Snapshot) []Change {
	var out []Change
	for src, n := range new {
		if o, ok := old[src]; !ok {
			out = append(out, Change{Kind: Added, Source: src, New: &n})
		} else if o != n {
			out = append(out, Change{Kind: Changed, Source: src, Old: &o, New: &n})
		}
	}
	for src, o := range old {
		if _, ok := new[src]; !ok {
			out = append(out, Change{Kind: Removed, Source: src, Old: &o})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Source < out[j].Source })
	return out
}

// DiffStats counts changes by kind.
type DiffStats struct {
	Added   int `json:"added"`
	Changed int `json:"changed"`
	Removed int `json:"removed"`
}

// Stats counts cs by kind.
func Stats(cs []Change) DiffStats {
	var s DiffStats
	for _, c := range cs {
		switch c.Kind {
		case Added:
			s.Added++
		case Changed:
			s.Changed++
		case Removed:
			s.Removed++
		}
	}
	return s
}

// String describes e for people: "301 → /pricing/", "410 gone".
func (e Entry) String() string {
	if e.Status == rules.StatusGone {
		return "410 gone"
	}
	var b strings.Builder
	b.WriteString(strconv.Itoa(e.Status))
	b.WriteString(" → ")
	b.WriteString(e.To)
	if e.Query == "drop" {
		b.WriteString(" (query dropped)")
	}
	return b.String()
}

// Followed lists the exact sources whose own rule is the same in old and new
// but whose answer is not, because a rule further along their chain
// changed. The engine serves a chain in one hop, so CloudFront has cached
// the end of the old chain under the first source, and that source needs
// invalidating as much as the rule that changed. changes is Diff(old, new)
// and next is new compiled.
//
// Up to the first changed rule, a source's old and new chains are the same.
// So a source is affected when its new chain passes a rule that was added or
// changed, or when a target on it is matched by an old rule that was changed
// or removed; the second is asked of a small table of just those rules,
// which may name a source that an unchanged rule of higher precedence kept
// as it was: one path too many, never one too few.
func Followed(old, new Snapshot, changes []Change, next *engine.Table) []Change {
	if len(old) == 0 || len(changes) == 0 || next == nil {
		return nil
	}
	changed := map[string]bool{}
	gone := Snapshot{}
	for _, c := range changes {
		changed[c.Source] = true
		if c.Old != nil {
			gone[c.Source] = *c.Old
		}
	}
	was, ds := engine.Compile(gone.Set("old"), next.Options())
	if was == nil || ds.HasErrors() {
		was = nil // the changed rules alone do not compile; ask the new chain only
	}
	// A source without a host is asked for every host that has rules of its
	// own too: its chain may differ there.
	hosts := []string{""}
	seen := map[string]bool{"": true}
	for _, snap := range []Snapshot{old, new} {
		for src := range snap {
			if h, _, _ := exactSource(src); !seen[h] {
				seen[h] = true
				hosts = append(hosts, h)
			}
		}
	}
	oldMatch := func(host, loc string) bool {
		if was == nil {
			return false
		}
		h, path := splitLocation(loc)
		if h == "" {
			h = host
		}
		return was.Resolve(h, path, "").Match
	}
	affected := func(src, host, path string) bool {
		if d := next.Resolve(host, path, ""); d.Hops <= 1 {
			return d.Location != "" && oldMatch(host, d.Location)
		}
		for _, h := range next.Trace(host, path, "") {
			if (h.Rule.Source != src && changed[h.Rule.Source]) || (h.Location != "" && oldMatch(host, h.Location)) {
				return true
			}
		}
		return false
	}
	var out []Change
	for src, n := range new {
		o, ok := old[src]
		if !ok || o != n {
			continue // Diff has it
		}
		host, path, exact := exactSource(src)
		if !exact {
			continue
		}
		contexts := hosts
		if host != "" {
			contexts = []string{host}
		}
		for _, h := range contexts {
			if affected(src, h, path) {
				out = append(out, Change{Kind: Changed, Source: src, Old: &o, New: &n})
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Source < out[j].Source })
	return out
}

// splitLocation returns the host (empty for a path) and the path of a
// Location, read as the engine reads a key.
func splitLocation(loc string) (host, path string) {
	if i := strings.IndexAny(loc, "?#"); i >= 0 {
		loc = loc[:i]
	}
	return engine.SplitSource(loc)
}

// exactSource splits a source into the host the engine keys it under and
// the path a request for it carries, and reports whether it is exact (no
// "*", no placeholder).
func exactSource(src string) (host, path string, exact bool) {
	host, path = engine.SplitSource(src)
	if strings.HasSuffix(path, "*") {
		return host, path, false
	}
	for rest := path; rest != ""; {
		seg, after, _ := strings.Cut(rest, "/")
		if engine.IsPlaceholder(seg) {
			return host, path, false
		}
		rest = after
	}
	return host, path, true
}
