package jsgen_test

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/signposthq/signpost/edge"
	"github.com/signposthq/signpost/edge/jsgen"
	"github.com/signposthq/signpost/engine"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func exampleTable(t *testing.T, opts engine.Options) *engine.Table {
	t.Helper()
	data, err := os.ReadFile("../../examples/site/redirects.json")
	if err != nil {
		t.Fatal(err)
	}
	return compileRules(t, string(data), opts)
}

var (
	// What cloudfront-js-2.0 lacks or forbids: require, eval and Function,
	// dynamic import, Node.js and browser globals, and syntax newer than
	// the runtime (optional chaining, nullish coalescing, classes).
	forbidden = regexp.MustCompile(`\brequire\s*\(|\beval\s*\(|\bFunction\s*\(|\bimport\s*\(|\bprocess\.|\bsetTimeout\b|\bXMLHttpRequest\b|\bfetch\s*\(|\?\.[A-Za-z_$]|\?\?|\bclass\s`)
	importRE  = regexp.MustCompile(`(?m)^\s*import\b.*$`)
)

// checkFunctionCode checks what CloudFront checks of cloudfront-js-2.0 code
// and what signpost promises of it: the size, a top-level handler, no
// require, eval or Function, no import but 'cloudfront' and only with a
// KeyValueStore, and valid syntax (node --check, as a module).
func checkFunctionCode(t *testing.T, code []byte, kvs bool) {
	t.Helper()
	if len(code) > jsgen.MaxFunctionSize {
		t.Errorf("the function is %d bytes, over %d", len(code), jsgen.MaxFunctionSize)
	}
	var lines []string
	for _, l := range strings.Split(string(code), "\n") {
		if !strings.HasPrefix(l, "//") {
			lines = append(lines, l)
		}
	}
	if m := forbidden.FindString(strings.Join(lines, "\n")); m != "" {
		t.Errorf("the function uses %q, which cloudfront-js-2.0 does not allow", m)
	}
	imports := importRE.FindAllString(string(code), -1)
	switch {
	case kvs && (len(imports) != 1 || imports[0] != "import cf from 'cloudfront';" || !strings.HasPrefix(string(code), imports[0])):
		t.Errorf("a KeyValueStore function must start with the one import of 'cloudfront'; imports: %q", imports)
	case !kvs && len(imports) > 0:
		t.Errorf("a function without a KeyValueStore imports %q", imports)
	}
	if !regexp.MustCompile(`(^|[;}\n])(async )?function handler\(`).Match(code) {
		t.Error("no top-level function handler(event)")
	}
	if _, err := exec.LookPath("node"); err == nil {
		f := filepath.Join(t.TempDir(), "function.mjs")
		os.WriteFile(f, code, 0o644)
		if out, err := exec.Command("node", "--check", f).CombinedOutput(); err != nil {
			t.Errorf("node --check: %v\n%s", err, out)
		}
	}
}

func TestFunctionRestrictions(t *testing.T) {
	p := edge.HeaderPolicy{HSTS: edge.HSTS{IncludeSubDomains: true, Preload: true}, Extra: []edge.Header{{Name: "X-Frame-Options", Value: "DENY"}}}
	for _, c := range []struct {
		name string
		opts engine.Options
		kvs  bool
	}{
		{"embedded", engine.Options{}, false},
		{"kvs", engine.Options{}, true},
		{"case-insensitive", engine.Options{CaseInsensitive: true}, false},
		{"case-insensitive-kvs", engine.Options{CaseInsensitive: true}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, kvs, err := jsgen.CloudFrontFunction(exampleTable(t, c.opts), jsgen.FunctionOptions{Headers: p, KVS: c.kvs})
			if err != nil {
				t.Fatal(err)
			}
			if (kvs != nil) != c.kvs {
				t.Errorf("KeyValueStore entries: %d, want them: %v", len(kvs), c.kvs)
			}
			checkFunctionCode(t, code, c.kvs)
			for _, kv := range kvs {
				if len(kv.Key) > jsgen.MaxKVSKey || len(kv.Value) > jsgen.MaxKVSValue {
					t.Errorf("KeyValueStore entry over the limits: %q", kv.Key)
				}
			}
		})
	}
	vr, err := jsgen.ViewerResponseFunction(p)
	if err != nil {
		t.Fatal(err)
	}
	checkFunctionCode(t, vr, false)
}

// TestFunctionMovesToKVS: rules that do not fit in 10 KB go to the
// KeyValueStore on their own, and the code still fits.
func TestFunctionMovesToKVS(t *testing.T) {
	var b strings.Builder
	b.WriteString("{\n")
	for i := 0; i < 400; i++ {
		fmt.Fprintf(&b, "%q: {\"to\": %q},\n", fmt.Sprintf("/old/page-%d", i), fmt.Sprintf("/new/page-%d", i))
	}
	b.WriteString(`"/blog/*": {"to": "/news/:splat"}}`)
	code, kvs, err := jsgen.CloudFrontFunction(compileRules(t, b.String(), engine.Options{}), jsgen.FunctionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(kvs) != 400 {
		t.Fatalf("%d KeyValueStore entries, want 400", len(kvs))
	}
	if kvs[0].Key != "/old/page-0" || !strings.Contains(kvs[0].Value, `"loc":"/new/page-0"`) {
		t.Errorf("first entry %+v", kvs[0])
	}
	checkFunctionCode(t, code, true)
	data, err := jsgen.KVSFile(kvs)
	if err != nil || !strings.HasPrefix(string(data), `{"data":[{"key":"/old/page-0","value":`) {
		t.Errorf("KVS file %.80s: %v", data, err)
	}
}

// TestLimitErrors: what cannot fit is named with the limit, the size and
// the rule.
func TestLimitErrors(t *testing.T) {
	long := "/" + strings.Repeat("x", 1100)
	_, _, err := jsgen.CloudFrontFunction(compileRules(t, `{
"/short": {"to": "/a"},
"/long": {"to": "`+long+`"}
}`, engine.Options{}), jsgen.FunctionOptions{KVS: true})
	var le *jsgen.LimitError
	if !errors.As(err, &le) || le.Rule == nil || le.Rule.Source != "/long" || le.Limit != jsgen.MaxKVSValue {
		t.Fatalf("got %v, want a KeyValueStore value limit error naming /long", err)
	}
	if msg := err.Error(); !strings.Contains(msg, `rule "/long" (line 3)`) || !strings.Contains(msg, "1 KB") {
		t.Errorf("message %q", msg)
	}

	var b strings.Builder
	b.WriteString("{\n")
	for i := 0; i < 120; i++ {
		fmt.Fprintf(&b, "\"/section-%d/*\": {\"to\": \"/new-section-%d/:splat\"},\n", i, i)
	}
	b.WriteString(`"/x": {"to": "/y"}}`)
	_, _, err = jsgen.CloudFrontFunction(compileRules(t, b.String(), engine.Options{}), jsgen.FunctionOptions{})
	if !errors.As(err, &le) || le.Rule == nil || !strings.HasPrefix(le.Rule.Source, "/section-") || le.Limit != jsgen.MaxFunctionSize {
		t.Fatalf("got %v, want a function size error naming a pattern rule", err)
	}
	t.Log(err)
}

// TestGolden keeps the generated code of the example site in testdata, so
// that a change to what CloudFront receives shows in review. go test
// -update rewrites the files.
func TestGolden(t *testing.T) {
	table := exampleTable(t, engine.Options{})
	index, err := jsgen.LambdaEdgeCode(jsgen.LambdaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s3, err := jsgen.LambdaEdgeCode(jsgen.LambdaOptions{Trigger: edge.ViewerRequest, Source: &jsgen.S3Source{Bucket: "my-site", Key: "config/redirects.table.json"}})
	if err != nil {
		t.Fatal(err)
	}
	fn, _, err := jsgen.CloudFrontFunction(table, jsgen.FunctionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]byte{"index.mjs": index, "index-s3-viewer-request.mjs": s3, "function.js": fn} {
		path := filepath.Join("testdata", "golden", name)
		if *update {
			os.MkdirAll(filepath.Dir(path), 0o755)
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if string(want) != string(got) {
			t.Errorf("%s differs from the generated code; if the change is meant, run go test ./edge/jsgen -update", path)
		}
	}
}

// TestZipReproducible: the same table gives the same package, holding
// index.mjs and rules.json.
func TestZipReproducible(t *testing.T) {
	table := exampleTable(t, engine.Options{})
	a, err := jsgen.LambdaEdgeZip(table, jsgen.LambdaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := jsgen.LambdaEdgeZip(table, jsgen.LambdaOptions{})
	if string(a) != string(b) {
		t.Error("two builds of the same table differ")
	}
	if !strings.Contains(string(a), "index.mjs") || !strings.Contains(string(a), "rules.json") {
		t.Error("the package lacks index.mjs or rules.json")
	}
}
