package rules

import "unsafe"

// arena holds the text of many small strings in a few large blocks: a
// million sources and targets cost a handful of allocations instead of two
// million, and the garbage collector scans no more.
type arena struct {
	block []byte
}

const arenaBlock = 256 << 10

// string returns a string with the bytes of b.
func (a *arena) string(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > arenaBlock/8 {
		return string(b)
	}
	if len(b) > cap(a.block)-len(a.block) {
		a.block = make([]byte, 0, arenaBlock)
	}
	n := len(a.block)
	a.block = append(a.block, b...)
	// The bytes of a block are written once, here, and never again: the
	// next strings go after them, or into a new block.
	return unsafe.String(&a.block[n], len(b))
}
