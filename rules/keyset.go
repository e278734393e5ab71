package rules

import "hash/maphash"

// keySet remembers the sources seen so far and the line of each, to report
// duplicates. A million sources cost one probe of a compact table each,
// where a map[string]int costs two (look up, then insert) of a larger one.
type keySet struct {
	seed  maphash.Seed
	slots []uint64 // 32 bits of hash, then index+1 into keys (0: empty)
	keys  []string
	lines []int32
	mask  uint64
}

func newKeySet(hint int) *keySet {
	n := 16
	for n < 2*hint {
		n <<= 1
	}
	return &keySet{seed: maphash.MakeSeed(), slots: make([]uint64, n), mask: uint64(n - 1),
		keys: make([]string, 0, hint), lines: make([]int32, 0, hint)}
}

// add records key, seen on line, and returns the line where it was seen
// first if it was.
func (s *keySet) add(key string, line int) (first int, dup bool) {
	if 2*(len(s.keys)+1) > len(s.slots) {
		s.grow()
	}
	h := maphash.String(s.seed, key)
	tag := h >> 32
	for i := h & s.mask; ; i = (i + 1) & s.mask {
		e := s.slots[i]
		if e == 0 {
			s.keys = append(s.keys, key)
			s.lines = append(s.lines, int32(line))
			s.slots[i] = tag<<32 | uint64(len(s.keys))
			return 0, false
		}
		if e>>32 == tag && s.keys[uint32(e)-1] == key {
			return int(s.lines[uint32(e)-1]), true
		}
	}
}

func (s *keySet) grow() {
	slots := make([]uint64, 2*len(s.slots))
	mask := uint64(len(slots) - 1)
	for _, e := range s.slots {
		if e == 0 {
			continue
		}
		h := maphash.String(s.seed, s.keys[uint32(e)-1])
		i := h & mask
		for slots[i] != 0 {
			i = (i + 1) & mask
		}
		slots[i] = e
	}
	s.slots, s.mask = slots, mask
}
