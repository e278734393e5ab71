// Command load is the serve benchmark's load generator where wrk is not
// installed: C connections, each sending the paths of a file in turn with
// keep-alive, for a fixed duration, recording every request's latency.
//
//	go run ./bench/serve/load -c 64 -d 10s -paths hits.txt -expect 301 http://127.0.0.1:8080
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

func main() {
	conns := flag.Int("c", 64, "connections")
	dur := flag.Duration("d", 10*time.Second, "duration")
	pathsFile := flag.String("paths", "", "file of request paths, one a line")
	expect := flag.Int("expect", 0, "status every answer must have (0: any)")
	flag.Parse()
	if flag.NArg() != 1 || *pathsFile == "" {
		fmt.Fprintln(os.Stderr, "usage: load [-c N] [-d DURATION] -paths FILE [-expect STATUS] BASE_URL")
		os.Exit(2)
	}
	paths, err := readLines(*pathsFile)
	if err != nil || len(paths) == 0 {
		fmt.Fprintln(os.Stderr, "load: no paths:", err)
		os.Exit(1)
	}
	base := strings.TrimSuffix(flag.Arg(0), "/")
	tr := &http.Transport{MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns, DisableCompression: true}
	client := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	var mu sync.Mutex
	var all []time.Duration
	var errs, wrong int
	deadline := time.Now().Add(*dur)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range *conns {
		wg.Go(func() {
			lat := make([]time.Duration, 0, 1<<16)
			e, bad := 0, 0
			for i := w * len(paths) / *conns; time.Now().Before(deadline); i++ {
				t0 := time.Now()
				resp, err := client.Get(base + paths[i%len(paths)])
				if err != nil {
					e++
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat = append(lat, time.Since(t0))
				if *expect != 0 && resp.StatusCode != *expect {
					bad++
				}
			}
			mu.Lock()
			all = append(all, lat...)
			errs += e
			wrong += bad
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(all)
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[min(len(all)-1, int(p*float64(len(all))))].Microseconds()) / 1000
	}
	fmt.Printf("{\"requests\":%d,\"rps\":%.0f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"errors\":%d,\"unexpected_status\":%d}\n",
		len(all), float64(len(all))/elapsed.Seconds(), pct(0.50), pct(0.99), errs, wrong)
}

func readLines(name string) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	s := bufio.NewScanner(f)
	for s.Scan() {
		if l := strings.TrimSpace(s.Text()); l != "" {
			lines = append(lines, l)
		}
	}
	return lines, s.Err()
}
