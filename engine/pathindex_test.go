package engine

import (
	"fmt"
	"hash/maphash"
	"testing"
)

// TestPathIndex checks a frozen index against the map it was built from:
// every path finds its entry and record, nothing else finds anything.
func TestPathIndex(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 1000, 100_000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			ix := newPathIndex(n)
			var entries []entry
			for i := range n {
				p := fmt.Sprintf("/p/%d", i)
				if i == 1 {
					p = "" // the site's root, without its slash
				}
				e := entry{rule: int32(n - i), status: int16(301 + i%8), keep: i%3 == 0, hops: uint8(1 + i%5), loc: fmt.Sprintf("/to/%d", i)}
				if i%11 == 0 {
					e.status, e.loc = 410, ""
				}
				entries = append(entries, e)
				ix.set(p, int32(i))
			}
			want := map[string]int32{}
			for p, e := range ix.m {
				want[p] = e
			}
			saved := append([]entry(nil), entries...)
			ix.freeze(entries)
			if ix.m != nil || ix.len() != n {
				t.Fatalf("frozen: map %v, len %d", ix.m != nil, ix.len())
			}
			for p, e := range want {
				got, rec, ok := ix.find([]byte(p))
				if !ok || got != e || rec < 0 {
					t.Fatalf("find(%q) = %d, %d, %v; want entry %d", p, got, rec, ok, e)
				}
				en := saved[e]
				if ix.rule(rec) != en.rule || ix.status(rec) != int(en.status) || ix.hops(rec) != int(en.hops) ||
					ix.keep(rec) != en.keep || ix.loc(rec) != en.loc {
					t.Fatalf("record of %q: rule %d status %d hops %d keep %v loc %q; want %+v",
						p, ix.rule(rec), ix.status(rec), ix.hops(rec), ix.keep(rec), ix.loc(rec), en)
				}
				if entries[e] != en {
					t.Fatalf("entry %d changed in freezing: %+v, was %+v", e, entries[e], en)
				}
			}
			for _, p := range []string{"/", "/p", "/p/", "/p/-1", fmt.Sprintf("/p/%d", n), "/p/1/", "/P/2", "/p/10x"} {
				if _, ok := want[p]; ok {
					continue
				}
				if e, rec, ok := ix.find([]byte(p)); ok {
					t.Errorf("find(%q) = %d, %d; want nothing", p, e, rec)
				}
			}
			seen := map[string]int32{}
			ix.each(func(p string, e int32) {
				if _, dup := seen[p]; dup {
					t.Errorf("each gives %q twice", p)
				}
				seen[p] = e
			})
			if len(seen) != len(want) {
				t.Fatalf("each gives %d paths, want %d", len(seen), len(want))
			}
			for p, e := range want {
				if seen[p] != e {
					t.Fatalf("each gives %q entry %d, want %d", p, seen[p], e)
				}
			}
		})
	}
}

// TestPathIndexTagCollision checks that a slot whose tag matches a path
// that is not there, as one in sixteen million do, is told apart by the
// path itself.
func TestPathIndexTagCollision(t *testing.T) {
	ix := newPathIndex(1)
	entries := []entry{{status: 301, loc: "/a-target"}}
	ix.set("/a", 0)
	ix.freeze(entries)
	_, rec, _ := ix.find([]byte("/a"))
	for _, p := range []string{"/b", "/aa", "/", ""} {
		// Put a slot with p's tag, pointing at the record of "/a", where
		// the lookup of p starts.
		hash := maphash.String(ix.seed, p)
		mask := uint64(len(ix.slots) - 1)
		home := hash & mask
		saved := ix.slots[home]
		ix.slots[home] = hash>>tagShift<<tagShift | uint64(rec+1)
		if e, r, ok := ix.find([]byte(p)); ok {
			t.Errorf("find(%q) = %d, %d; want nothing", p, e, r)
		}
		ix.slots[home] = saved
	}
	if e, _, ok := ix.find([]byte("/a")); !ok || e != 0 {
		t.Fatalf("find(/a) = %d, %v after the test", e, ok)
	}
}
