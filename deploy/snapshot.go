package deploy

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

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
		n := n
		if o, ok := old[src]; !ok {
			out = append(out, Change{Kind: Added, Source: src, New: &n})
		} else if o != n {
			o := o
			out = append(out, Change{Kind: Changed, Source: src, Old: &o, New: &n})
		}
	}
	for src, o := range old {
		if _, ok := new[src]; !ok {
			o := o
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
