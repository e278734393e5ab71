package rules

import (
	"fmt"
	"testing"
)

// genRules writes a rules file of n rules shaped like a large real site's:
// mostly exact rules, some prefix rules, a few with every field.
func genRules(n int) []byte {
	b := make([]byte, 0, n*96)
	b = append(b, "// generated\n{\n  \"$schema\": \"../../rules/schema.json\",\n"...)
	for i := range n {
		switch {
		case i%100 == 0:
			b = fmt.Appendf(b, "  \"/archive/%d/*\": { \"to\": \"/news/%d/:splat\", \"statusCode\": 308, \"query\": \"drop\" },\n", i, i)
		case i%10 == 0:
			b = fmt.Appendf(b, "  \"/products/item-%07d\": { \"to\": \"https://shop.example.com/p/%d\", \"statusCode\": 302, \"note\": \"moved to the shop\" },\n", i, i)
		default:
			b = fmt.Appendf(b, "  \"/resources/old-article-%07d\": { \"to\": \"/resources/new-article-%07d\", \"statusCode\": 301 },\n", i, i)
		}
	}
	return append(b, "}\n"...)
}

func benchmarkParse(b *testing.B, n int) {
	data := genRules(n)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		set, ds := Parse("bench.json", data)
		if len(ds) > 0 || len(set.Rules) != n {
			b.Fatalf("%d rules, %v", len(set.Rules), ds)
		}
	}
	if cpu := cpuTime() - cpu; cpu > 0 {
		// Includes the garbage collector's work on the other core.
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

func BenchmarkParse1k(b *testing.B) { benchmarkParse(b, 1_000) }

// BenchmarkParse1M parses a million rules (about 90 MB).
func BenchmarkParse1M(b *testing.B) { benchmarkParse(b, 1_000_000) }
