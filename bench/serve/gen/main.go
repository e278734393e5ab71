// Command gen writes the input of the serve benchmark into a directory: a
// redirects.json of N exact rules, the same rules as an nginx map, a small
// site (index.html, 404.html), and the request paths for hits and misses.
//
//	go run ./bench/serve/gen -n 100000 -dir /tmp/bench
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
)

func main() {
	n := flag.Int("n", 100_000, "exact rules")
	dir := flag.String("dir", "", "directory to write into")
	requests := flag.Int("requests", 100_000, "paths in each of hits.txt and misses.txt")
	flag.Parse()
	if *dir == "" || *n < 1 {
		fmt.Fprintln(os.Stderr, "usage: gen -n RULES -dir DIR")
		os.Exit(2)
	}
	if err := run(*n, *requests, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

var sections = []string{"blog", "docs", "products", "resources", "company", "support", "news", "events"}

func source(i int) string {
	return fmt.Sprintf("/%s/%d/old-page-%d", sections[i%len(sections)], i%977, i)
}

func target(i int) string { return fmt.Sprintf("/pages/%d", i) }

// write creates path and fills it through a buffered writer.
func write(path string, fill func(w *bufio.Writer)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fill(w)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func run(n, requests int, dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, "site"), 0o755); err != nil {
		return err
	}
	steps := []struct {
		name string
		fill func(w *bufio.Writer)
	}{
		{"redirects.json", func(w *bufio.Writer) {
			w.WriteString("{\n")
			for i := range n {
				sep := ","
				if i == n-1 {
					sep = ""
				}
				fmt.Fprintf(w, "  %q: { \"to\": %q, \"statusCode\": 301 }%s\n", source(i), target(i), sep)
			}
			w.WriteString("}\n")
		}},
		// nginx compares $uri, the decoded and normalized path: the same
		// lookup for these plain paths.
		{"map.conf", func(w *bufio.Writer) {
			for i := range n {
				fmt.Fprintf(w, "%s %s;\n", source(i), target(i))
			}
		}},
		{"hits.txt", func(w *bufio.Writer) {
			r := rand.New(rand.NewPCG(1, 2))
			for range requests {
				fmt.Fprintln(w, source(r.IntN(n)))
			}
		}},
		{"misses.txt", func(w *bufio.Writer) {
			r := rand.New(rand.NewPCG(3, 4))
			for range requests {
				i := r.IntN(n)
				fmt.Fprintf(w, "/%s/%d/missing-page-%d\n", sections[i%len(sections)], i%977, i)
			}
		}},
		{"site/index.html", func(w *bufio.Writer) { w.WriteString("<!doctype html><title>home</title><h1>home</h1>\n") }},
		{"site/404.html", func(w *bufio.Writer) {
			w.WriteString("<!doctype html><title>not found</title><h1>Page not found</h1><p>Try the <a href=\"/\">home page</a>.</p>\n")
		}},
	}
	for _, s := range steps {
		if err := write(filepath.Join(dir, s.name), s.fill); err != nil {
			return err
		}
	}
	return nil
}
