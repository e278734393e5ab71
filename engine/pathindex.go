package engine

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"strings"
)

// pathIndex maps the canonical paths of a host's exact rules to their
// entries. While the table compiles it is a map; Compile freezes it into
// an open-addressed array of 8-byte slots over one string of records, each
// a path and the answer of its entry side by side. A hit then reads two
// places in memory (its slot and its record) where a map of strings read
// four or five (the map's slots, the key, the entry, the target): with a
// hundred thousand rules and more, those reads miss the caches, and they
// were most of what a redirect cost.
type pathIndex struct {
	m     map[string]int32 // path -> index into Table.entries, until frozen
	added []added          // what m holds, in the order it came, until frozen

	slots []uint64 // tag<<tagShift | record offset+1; 0 is an empty slot
	data  string   // the records
	seed  maphash.Seed
	n     int
}

// A record in data: a header, then the path, then the entry's target.
const (
	recEntry  = 0  // uint32: index into Table.entries
	recRule   = 4  // uint32: the entry's first rule
	recStatus = 8  // uint16
	recHops   = 10 // uint8
	recKeep   = 11 // uint8: 1 when the request's query is kept
	recKeyLen = 12 // uint32
	recLocLen = 16 // uint32
	recHeader = 20

	tagShift = 40 // a slot's low 40 bits are an offset, its high 24 a tag of the hash
)

// newPathIndex makes an index for compiling, with room for size paths.
func newPathIndex(size int) *pathIndex {
	return &pathIndex{m: make(map[string]int32, size), added: make([]added, 0, size)}
}

type added struct {
	path string
	e    int32
}

// get and set are for compiling, before freeze.
func (ix *pathIndex) get(path string) (int32, bool) {
	e, ok := ix.m[path]
	return e, ok
}

// set adds path, which the index does not have yet.
func (ix *pathIndex) set(path string, e int32) {
	ix.m[path] = e
	ix.added = append(ix.added, added{path, e})
}

// len is the number of paths of a frozen index.
func (ix *pathIndex) len() int {
	if ix == nil {
		return 0
	}
	return ix.n
}

// freeze builds the slots and records, and drops the map. The entries'
// targets are made to share the records' bytes.
func (ix *pathIndex) freeze(entries []entry) {
	if ix == nil || ix.m == nil {
		return
	}
	size := recHeader * len(ix.added)
	for _, a := range ix.added {
		size += len(a.path) + len(entries[a.e].loc)
	}
	var b strings.Builder
	b.Grow(size)
	// At most half the slots are taken: a hit reads 1.5 slots on average,
	// a miss 2.5, nearly always within one cache line.
	ix.slots = make([]uint64, 1<<max(bits.Len(uint(2*len(ix.m))), 3))
	ix.seed = maphash.MakeSeed()
	mask := uint64(len(ix.slots) - 1)
	offs := make([]int, len(ix.added))
	for k, a := range ix.added {
		p, e := a.path, a.e
		en := &entries[e]
		off := b.Len()
		var h [recHeader]byte
		le.PutUint32(h[recEntry:], uint32(e))
		le.PutUint32(h[recRule:], uint32(en.rule))
		le.PutUint16(h[recStatus:], uint16(en.status))
		h[recHops] = en.hops
		if en.keep {
			h[recKeep] = 1
		}
		le.PutUint32(h[recKeyLen:], uint32(len(p)))
		le.PutUint32(h[recLocLen:], uint32(len(en.loc)))
		b.Write(h[:])
		b.WriteString(p)
		b.WriteString(en.loc)
		offs[k] = off
		hash := maphash.String(ix.seed, p)
		i := hash & mask
		for ix.slots[i] != 0 {
			i = (i + 1) & mask
		}
		ix.slots[i] = hash>>tagShift<<tagShift | uint64(off+1)
	}
	ix.data = b.String()
	for k, a := range ix.added {
		at := offs[k] + recHeader
		en := &entries[a.e]
		en.loc = ix.data[at+len(a.path) : at+len(a.path)+len(en.loc)]
	}
	ix.n = len(ix.added)
	ix.m, ix.added = nil, nil
}

var le = binary.LittleEndian

func (ix *pathIndex) u32(at int) uint32 {
	d := ix.data[at : at+4]
	return uint32(d[0]) | uint32(d[1])<<8 | uint32(d[2])<<16 | uint32(d[3])<<24
}

// find returns the entry for path and, once frozen, the offset of its
// record; ok is false when the index (which may be nil) has no such path.
func (ix *pathIndex) find(path []byte) (e int32, rec int, ok bool) {
	if ix == nil {
		return -1, -1, false
	}
	if ix.m != nil {
		e, ok = ix.m[string(path)]
		return e, -1, ok
	}
	hash := maphash.Bytes(ix.seed, path)
	tag := hash >> tagShift
	mask := uint64(len(ix.slots) - 1)
	for i := hash & mask; ; i = (i + 1) & mask {
		s := ix.slots[i]
		if s == 0 {
			return -1, -1, false
		}
		if s>>tagShift != tag {
			continue
		}
		rec = int(s&(1<<tagShift-1)) - 1
		at := rec + recHeader
		if n := int(ix.u32(rec + recKeyLen)); n == len(path) && ix.data[at:at+n] == string(path) {
			return int32(ix.u32(rec + recEntry)), rec, true
		}
	}
}

// The fields of the record at rec.
func (ix *pathIndex) rule(rec int) int32 { return int32(ix.u32(rec + recRule)) }
func (ix *pathIndex) status(rec int) int {
	return int(int16(uint16(ix.data[rec+recStatus]) | uint16(ix.data[rec+recStatus+1])<<8))
}
func (ix *pathIndex) hops(rec int) int  { return int(ix.data[rec+recHops]) }
func (ix *pathIndex) keep(rec int) bool { return ix.data[rec+recKeep] == 1 }
func (ix *pathIndex) loc(rec int) string {
	at := rec + recHeader + int(ix.u32(rec+recKeyLen))
	return ix.data[at : at+int(ix.u32(rec+recLocLen))]
}

// each calls fn for every path of a frozen index and its entry, in no
// particular order.
func (ix *pathIndex) each(fn func(path string, e int32)) {
	if ix == nil {
		return
	}
	for _, s := range ix.slots {
		if s == 0 {
			continue
		}
		rec := int(s&(1<<tagShift-1)) - 1
		at := rec + recHeader
		fn(ix.data[at:at+int(ix.u32(rec+recKeyLen))], int32(ix.u32(rec+recEntry)))
	}
}
