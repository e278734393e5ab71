package rules

import (
	"fmt"
	"hash/maphash"
	"slices"
)

// Duplicate sources are found after the parse, not during it: looking each
// source up in a hash table as it comes costs a cache miss per rule, which
// at a million rules is most of the parse. Instead every source leaves a
// 32-bit hash and a reference; sorting those (a radix sort, three
// sequential passes) brings equal hashes together, and only they are
// compared.

// sourceIndex records the sources of a file.
type sourceIndex struct {
	seed    maphash.Seed
	entries []uint64 // hash<<32 | ref
	others  []otherSource
}

// otherSource is a source whose rule is not in the Set (it had an error,
// or is the "$schema" key): it can still be repeated.
type otherSource struct {
	key string
	pos Pos
}

// refOther marks a reference into others rather than into the Set.
const refOther = 1 << 31

func newSourceIndex(n int) *sourceIndex {
	return &sourceIndex{seed: maphash.MakeSeed(), entries: make([]uint64, 0, n)}
}

func (x *sourceIndex) add(key string, ref uint64) {
	x.entries = append(x.entries, maphash.String(x.seed, key)>>32<<32|ref)
}

// addRule records the source of set.Rules[i].
func (x *sourceIndex) addRule(key string, i int) { x.add(key, uint64(i)) }

// addOther records a source that is not in the Set.
func (x *sourceIndex) addOther(key string, pos Pos) {
	x.add(key, refOther|uint64(len(x.others)))
	x.others = append(x.others, otherSource{key, pos})
}

// reportDuplicates reports every source that repeats an earlier one, at the
// later one, and removes the later ones from set: a JSON object keeps only
// one value per key, and which one depends on the decoder.
func (p *parser) reportDuplicates(set *Set, x *sourceIndex) {
	e := x.entries
	sortByHash(e)
	var drop []int
	for i := 0; i < len(e); {
		j := i + 1
		for j < len(e) && e[j]>>32 == e[i]>>32 {
			j++
		}
		if j-i > 1 {
			drop = p.duplicatesIn(set, x, e[i:j], drop)
		}
		i = j
	}
	if len(drop) == 0 {
		return
	}
	slices.Sort(drop)
	kept := set.Rules[:0]
	for i, r := range set.Rules {
		if len(drop) > 0 && drop[0] == i {
			drop = drop[1:]
			continue
		}
		r.Index = len(kept)
		kept = append(kept, r)
	}
	clear(set.Rules[len(kept):])
	set.Rules = kept
}

// duplicatesIn reports the repeated sources among refs, which share a hash,
// and appends the indexes of the rules to drop.
func (p *parser) duplicatesIn(set *Set, x *sourceIndex, refs []uint64, drop []int) []int {
	type src struct {
		key  string
		pos  Pos
		rule int // -1 when not in the Set
	}
	srcs := make([]src, len(refs))
	for i, e := range refs {
		ref := uint32(e)
		if ref&refOther != 0 {
			o := x.others[ref&^refOther]
			srcs[i] = src{o.key, o.pos, -1}
		} else {
			r := &set.Rules[ref]
			srcs[i] = src{r.Source, r.KeyPos, int(ref)}
		}
	}
	slices.SortFunc(srcs, func(a, b src) int { return a.pos.Offset - b.pos.Offset })
	for i, s := range srcs {
		for _, first := range srcs[:i] {
			if first.key != s.key {
				continue
			}
			p.add(Diagnostic{Pos: s.pos, Code: "duplicate-key",
				Message: fmt.Sprintf("duplicate source %s: it is already on line %d", quote(s.key), first.pos.Line),
				Hint:    "a JSON object keeps only one of them; delete one or merge the two rules"})
			if s.rule >= 0 {
				drop = append(drop, s.rule)
			}
			break
		}
	}
	return drop
}

// sortByHash sorts entries by their upper 32 bits.
func sortByHash(a []uint64) {
	if len(a) < 1024 {
		slices.Sort(a)
		return
	}
	buf := make([]uint64, len(a))
	src, dst := a, buf
	const bits = 11
	for shift := 32; shift < 64; shift += bits {
		var count [1 << bits]int
		for _, v := range src {
			count[v>>shift&(1<<bits-1)]++
		}
		sum := 0
		for d, c := range count {
			count[d] = sum
			sum += c
		}
		for _, v := range src {
			d := v >> shift & (1<<bits - 1)
			dst[count[d]] = v
			count[d]++
		}
		src, dst = dst, src
	}
	copy(a, src) // three passes: the result is in buf
}
