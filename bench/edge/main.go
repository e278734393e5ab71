// Command edge benchmarks the generated Lambda@Edge handler in Node.js at
// 10k, 100k and 1M rules: cold start (importing the module, which reads and
// prepares the bundled rules) and time per invocation for hits spread over
// the rules, misses and pattern hits.
//
//	go run ./bench/edge [-rules 10000,100000,1000000] [-n 200000] [-cold 5]
//
// It needs node on PATH. The numbers in the README come from it.
package main

import (
	"archive/zip"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/signposthq/signpost/edge"
	"github.com/signposthq/signpost/edge/jsgen"
	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/rules"
)

//go:embed bench.mjs
var benchJS []byte

func main() {
	sizes := flag.String("rules", "10000,100000,1000000", "comma-separated rule counts")
	n := flag.Int("n", 200000, "invocations per measurement")
	cold := flag.Int("cold", 5, "fresh Node.js processes per cold-start measurement (the median is reported)")
	flag.Parse()
	if _, err := exec.LookPath("node"); err != nil {
		fail("node is not on PATH")
	}
	out, _ := exec.Command("node", "--version").Output()
	fmt.Printf("node %s, %d invocations per measurement, cold start = median of %d fresh processes\n\n", strings.TrimSpace(string(out)), *n, *cold)
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("load average before: %s", load)
	fmt.Println("times are wall clock (CPU time of the node process in parentheses)")
	fmt.Printf("%8s %10s %9s %20s %7s %18s %18s %18s\n", "rules", "rules.json", "zip", "cold start ms", "heap", "hit µs/op", "miss µs/op", "pattern µs/op")
	for _, s := range strings.Split(*sizes, ",") {
		count, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			fail(err.Error())
		}
		bench(count, *n, *cold)
	}
}

// ruleSet is shaped like a real site's: nested paths, 1% pattern rules.
func ruleSet(n int) *rules.Set {
	set := &rules.Set{File: "bench.json", Rules: make([]rules.Rule, 0, n)}
	add := func(src, to string) {
		set.Rules = append(set.Rules, rules.Rule{Source: src, To: to, Status: 301, Index: len(set.Rules)})
	}
	patterns := n / 100
	for i := 0; i < n-patterns; i++ {
		add(fmt.Sprintf("/section-%d/old-page-%d", i%97, i), fmt.Sprintf("https://new.example.com/pages/%d", i))
	}
	for i := 0; i < patterns; i++ {
		add(fmt.Sprintf("/archive-%d/*", i), fmt.Sprintf("/library/%d/:splat", i))
	}
	return set
}

func bench(count, n, cold int) {
	set := ruleSet(count)
	table, ds := engine.Compile(set, engine.Options{})
	if ds.HasErrors() {
		fail(ds.Err().Error())
	}
	dir, err := os.MkdirTemp("", "signpost-bench-")
	if err != nil {
		fail(err.Error())
	}
	defer os.RemoveAll(dir)
	z, err := jsgen.LambdaEdgeZip(table, jsgen.LambdaOptions{})
	if err != nil {
		fail(err.Error())
	}
	tableJSON := zipEntry(z, "rules.json")
	write(filepath.Join(dir, "index.mjs"), zipEntry(z, "index.mjs"))
	write(filepath.Join(dir, "rules.json"), tableJSON)
	write(filepath.Join(dir, "bench.mjs"), benchJS)

	exact := count - count/100
	groups := map[string][]any{}
	for i := 0; i < 4096; i++ {
		k := (i * 7919) % exact
		groups["hit"] = append(groups["hit"], event(fmt.Sprintf("/section-%d/old-page-%d/", k%97, k)))
		groups["miss"] = append(groups["miss"], event(fmt.Sprintf("/products/widget-%d", i)))
		groups["pattern"] = append(groups["pattern"], event(fmt.Sprintf("/archive-%d/2019/post-%d", (i*31)%(count/100), i)))
	}
	ev, _ := json.Marshal(groups)
	write(filepath.Join(dir, "events.json"), ev)

	var loads, loadCPUs, heaps []float64
	for i := 0; i < cold; i++ {
		var r struct{ LoadMs, LoadCPUMs, HeapMB float64 }
		runNode(dir, &r, "load", dir)
		loads = append(loads, r.LoadMs)
		loadCPUs = append(loadCPUs, r.LoadCPUMs)
		heaps = append(heaps, r.HeapMB)
	}
	var r map[string]any
	runNode(dir, &r, "run", dir, strconv.Itoa(n))
	for _, g := range []string{"hit", "pattern"} {
		if r[g+"Status"] != "301" {
			fail(fmt.Sprintf("%d rules: %s events answered %v, want 301", count, g, r[g+"Status"]))
		}
	}
	us := func(g string) string { return fmt.Sprintf("%.2f (%.2f)", r[g], r[g+"CPU"]) }
	fmt.Printf("%8d %10s %9s %20s %4.0f MB %18s %18s %18s\n", count, size(len(tableJSON)), size(len(z)),
		fmt.Sprintf("%.0f (%.0f)", median(loads), median(loadCPUs)), median(heaps), us("hit"), us("miss"), us("pattern"))
}

func event(uri string) any {
	return edge.SampleRequest{Host: "example.com", URI: uri}.LambdaEvent(edge.OriginResponse)
}

func runNode(dir string, v any, args ...string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{"--max-old-space-size=8192", filepath.Join(dir, "bench.mjs")}, args...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		fail(fmt.Sprintf("node: %v", err))
	}
	if err := json.Unmarshal(out, v); err != nil {
		fail(fmt.Sprintf("node printed %q: %v", out, err))
	}
}

func median(xs []float64) float64 {
	sort.Float64s(xs)
	return xs[len(xs)/2]
}

func size(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
}

func write(path string, data []byte) {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "bench/edge:", msg)
	os.Exit(1)
}

// zipEntry returns a file of the deployment package.
func zipEntry(z []byte, name string) []byte {
	zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		fail(err.Error())
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			return b
		}
	}
	fail("no " + name + " in the package")
	return nil
}
