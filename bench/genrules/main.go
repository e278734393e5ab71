// Command genrules writes a large redirects.json, shaped like a real site's
// (nested paths, some trailing slashes, comments, a few pattern rules), and
// optionally the request URLs to throw at it: the input of the check and
// explain benchmarks in bench/.
//
//	go run ./bench/genrules -n 1000000 -patterns 1000 -o big.json -urls urls.txt
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
)

func main() {
	n := flag.Int("n", 100_000, "exact rules")
	patterns := flag.Int("patterns", 0, "pattern rules")
	out := flag.String("o", "-", "rules file to write (- for standard output)")
	urls := flag.String("urls", "", "also write this many request URLs (half hits, half misses) to this file")
	count := flag.Int("url-count", 1_000_000, "how many URLs -urls writes")
	flag.Parse()
	if err := run(*n, *patterns, *out, *urls, *count); err != nil {
		fmt.Fprintln(os.Stderr, "genrules:", err)
		os.Exit(1)
	}
}

var sections = []string{"blog", "docs", "products", "resources", "company", "support", "news", "events"}

func source(i int) string {
	return fmt.Sprintf("/%s/%d/old-page-%d", sections[i%len(sections)], i%977, i)
}

func run(n, patterns int, out, urls string, count int) error {
	w := os.Stdout
	if out != "-" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	b := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprintf(b, "// %d generated redirects\n{\n", n+patterns)
	for i := 0; i < n; i++ {
		switch i % 10 {
		case 0:
			fmt.Fprintf(b, "  %q: { \"to\": \"https://www.example.com/new/%d\", \"statusCode\": 301 },\n", source(i)+"/", i)
		case 1:
			fmt.Fprintf(b, "  %q: { \"to\": \"/pages/%d\", \"statusCode\": 302, \"query\": \"drop\", \"note\": \"campaign %d\" },\n", source(i), i, i)
		default:
			fmt.Fprintf(b, "  %q: { \"to\": \"/pages/%d\", \"statusCode\": 301 },\n", source(i), i)
		}
	}
	for i := 0; i < patterns; i++ {
		fmt.Fprintf(b, "  \"/archive-%d/*\": { \"to\": \"/library/%d/:splat\", \"statusCode\": 308 },\n", i, i)
	}
	b.WriteString("}\n")
	if err := b.Flush(); err != nil {
		return err
	}
	if urls == "" {
		return nil
	}
	f, err := os.Create(urls)
	if err != nil {
		return err
	}
	defer f.Close()
	u := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < count; i++ {
		k := r.IntN(max(n, 1))
		switch i % 4 {
		case 0:
			fmt.Fprintf(u, "%s?utm_source=mail\n", source(k))
		case 1:
			fmt.Fprintf(u, "%s/\n", source(k))
		case 2:
			fmt.Fprintf(u, "/missing/%d\n", k)
		default:
			if patterns > 0 {
				fmt.Fprintf(u, "/archive-%d/2019/post-%d\n", k%patterns, k)
			} else {
				fmt.Fprintf(u, "/other/%d/\n", k)
			}
		}
	}
	if err := u.Flush(); err != nil {
		return err
	}
	return f.Close()
}
