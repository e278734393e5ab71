package formats

import (
	"bytes"
	"fmt"
	"testing"
)

// netlifyFile makes a _redirects file of n rules: mostly exact, one in
// twenty a splat, as real files are.
func netlifyFile(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		if i%20 == 0 {
			fmt.Fprintf(&b, "/section-%d/*  /new-section-%d/:splat  301\n", i, i)
			continue
		}
		fmt.Fprintf(&b, "/docs/page-%d/  /documentation/page-%d/  301\n", i, i)
	}
	return b.Bytes()
}

// BenchmarkImportNetlify measures reading, the first-match analysis and
// writing, at 10k and 100k rules.
func BenchmarkImportNetlify(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		data := netlifyFile(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				imp, err := ImportNetlify("_redirects", data)
				if err != nil {
					b.Fatal(err)
				}
				imp.WriteJSON()
			}
		})
	}
}

// BenchmarkImportNetlifyChecked adds signpost's own validation of the
// written file (parse and compile), as the import command runs it.
func BenchmarkImportNetlifyChecked(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		data := netlifyFile(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				imp, err := ImportNetlify("_redirects", data)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := imp.Check(compileForTest); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
