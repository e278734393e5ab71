package formats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/rules"
)

// netlifyAnswer is what Netlify's own engine (testdata/netlify-redirector)
// gives a browser for a URL.
type netlifyAnswer struct {
	URL      string `json:"url"`
	Match    bool   `json:"match"`
	Status   int    `json:"status"`
	Location string `json:"location"`
	From     string `json:"from"`
}

// askNetlify runs Netlify's redirector in Node.js, or skips the test when
// it is not installed.
func askNetlify(t *testing.T, file []byte, urls []string) []netlifyAnswer {
	t.Helper()
	dir := filepath.Join("testdata", "netlify-redirector")
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed: Netlify's engine runs in Node.js")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "netlify-redirector")); err != nil {
		t.Skipf("Netlify's engine is not installed: run 'npm ci' in formats/%s (.ci/run does)", dir)
	}
	// Netlify's engine takes milliseconds a URL: two processes share the
	// work.
	half := (len(urls) + 1) / 2
	chunks := [][]string{urls[:half], urls[half:]}
	outs := make([][]netlifyAnswer, len(chunks))
	errs := make([]error, len(chunks))
	var wg sync.WaitGroup
	for i, chunk := range chunks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = runNetlify(dir, file, chunk)
		}()
	}
	wg.Wait()
	var answers []netlifyAnswer
	for i := range chunks {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		answers = append(answers, outs[i]...)
	}
	if len(answers) != len(urls) {
		t.Fatalf("netlify-redirector answered %d of %d URLs", len(answers), len(urls))
	}
	return answers
}

// runNetlify asks Netlify's engine about urls.
func runNetlify(dir string, file []byte, urls []string) ([]netlifyAnswer, error) {
	if len(urls) == 0 {
		return nil, nil
	}
	in, _ := json.Marshal(map[string]any{"rules": string(file), "host": "example.com", "urls": urls})
	cmd := exec.Command("node", filepath.Join(dir, "oracle.js"))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("netlify-redirector: %v\n%s", err, stderr.String())
	}
	var answers []netlifyAnswer
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var a netlifyAnswer
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			return nil, fmt.Errorf("netlify-redirector printed %q: %v", line, err)
		}
		answers = append(answers, a)
	}
	return answers, nil
}

// corpusDir finds the shared corpus of real redirect files beside the
// clone, or skips.
func corpusDir(t *testing.T) string {
	t.Helper()
	for _, rel := range []string{"../../shared/corpus", "../../../shared/corpus"} {
		if st, err := os.Stat(rel); err == nil && st.IsDir() {
			return rel
		}
	}
	t.Skip("the shared corpus is not beside the clone (../shared/corpus): the excerpt in testdata still runs")
	return ""
}

// netlifyURLs derives the URLs the corpus README counts: each source and
// the source with its trailing slash toggled, "*" filled with "a/b" and
// each :name with "a".
func netlifyURLs(file []byte) []string {
	var urls []string
	seen := map[string]bool{}
	for _, line := range strings.Split(string(file), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(f[0], "#") || !strings.HasPrefix(f[0], "/") {
			continue
		}
		segs := strings.Split(f[0], "/")
		for i, s := range segs {
			if engine.IsPlaceholder(s) {
				segs[i] = "a"
			}
		}
		p := strings.Join(segs, "/")
		if strings.Contains(p, "*") {
			p = strings.ReplaceAll(p, "*", "a/b")
		}
		for _, u := range []string{p, engine.ToggleSlash(p)} {
			if !seen[u] {
				seen[u] = true
				urls = append(urls, u)
			}
		}
	}
	return urls
}

// compareWithNetlify imports file, asks Netlify and the engine about every
// derived URL and fails on each difference. It returns how many URLs
// Netlify redirects and how many of those the import reproduces.
func compareWithNetlify(t *testing.T, name string, file []byte) (redirected, same int) {
	t.Helper()
	imp, err := ImportNetlify(name, file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := imp.Check(compileForTest); err != nil {
		t.Fatal(err)
	}
	tab, ds := engine.Compile(imp.Set, engine.Options{})
	if ds.HasErrors() {
		t.Fatalf("the imported rules do not compile:\n%v", ds.Err())
	}
	notImported := map[string]bool{}
	for _, d := range imp.Dropped {
		notImported[d.Source] = true
	}
	kept := map[string]bool{}
	for _, r := range imp.Set.Rules {
		kept[r.Source] = true
	}
	urls := netlifyURLs(file)
	for _, a := range askNetlify(t, file, urls) {
		got := tab.Resolve("example.com", a.URL, "")
		if !a.Match {
			if got.Match {
				t.Errorf("%s: %s: Netlify does not redirect it; the import gives %d %s (rule %q)", name, a.URL, got.Status, got.Location, got.Rule.Source)
			}
			continue
		}
		redirected++
		if !kept[a.From] && notImported[a.From] && !got.Match {
			// A rule reported as not importable (a rewrite, a condition).
			continue
		}
		if a.Status == rules.StatusGone && got.Status == rules.StatusGone {
			same++ // Netlify shows a page with the 410; signpost has none
			continue
		}
		if !got.Match || got.Status != a.Status || got.Location != a.Location {
			t.Errorf("%s: %s: Netlify gives %d %s (rule %q); the import gives %v %d %q", name, a.URL, a.Status, a.Location, a.From, got.Match, got.Status, got.Location)
			continue
		}
		same++
	}
	return redirected, same
}

func TestImportNetlifyMatchesNetlifyOnExcerpt(t *testing.T) {
	file, err := os.ReadFile("testdata/netlify/_redirects")
	if err != nil {
		t.Fatal(err)
	}
	red, same := compareWithNetlify(t, "_redirects", file)
	t.Logf("excerpt: Netlify redirects %d URLs, the import reproduces %d", red, same)
}

func TestImportNetlifyMatchesNetlifyOnCorpus(t *testing.T) {
	dir := corpusDir(t)
	for _, name := range []string{"kubernetes-website.netlify_redirects", "cloudflare-cloudflare-docs.netlify_redirects", "vuejs-docs.netlify_redirects"} {
		t.Run(name, func(t *testing.T) {
			file, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			red, same := compareWithNetlify(t, name, file)
			t.Logf("Netlify redirects %d URLs, the import reproduces %d", red, same)
		})
	}
}

// TestExportNetlifyMatchesNetlify runs exported _redirects files in
// Netlify's own engine and compares each rule's URLs with the engine: the
// same first status and the same final destination.
func TestExportNetlifyMatchesNetlify(t *testing.T) {
	sets := exportSets(t)
	for seed := range uint64(3) {
		sets[fmt.Sprintf("random-%d", seed)] = randomSet(seed, 60)
	}
	for name, set := range sets {
		t.Run(name, func(t *testing.T) {
			tab, ds := engine.Compile(set, engine.Options{})
			if ds.HasErrors() {
				t.Skip("the generated rules do not compile")
			}
			out, probs := ExportNetlify(set, ExportOptions{Table: tab})
			left := map[string]bool{}
			for _, p := range probs {
				left[p.Source] = true
			}
			var urls []string
			for _, u := range derivedURLs(set) {
				if strings.HasPrefix(u, "/") && !strings.Contains(u, "?") {
					urls = append(urls, u)
				}
			}
			for _, a := range askNetlify(t, out, urls) {
				d := tab.Resolve("example.com", a.URL, "")
				if d.Match && left[d.Rule.Source] {
					continue // named as a problem: not exported
				}
				if d.Match && d.Status == rules.StatusGone {
					continue
				}
				switch {
				case !d.Match && a.Match:
					t.Errorf("%s: the engine does not redirect it; Netlify gives %d %s", a.URL, a.Status, a.Location)
				case d.Match && (!a.Match || a.Status != d.Status || a.Location != d.Location):
					t.Errorf("%s: the engine gives %d %s; Netlify %v %d %s", a.URL, d.Status, d.Location, a.Match, a.Status, a.Location)
				}
			}
		})
	}
}
