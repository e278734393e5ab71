package formats

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden compares got with testdata/golden/name, or rewrites it with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// report renders an import the way the command shows it: the
// redirects.json, then what was dropped and the notices.
func report(t *testing.T, imp *Imported, err error) []byte {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	warnings, err := imp.Check(compileForTest)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.Write(imp.WriteJSON())
	b.WriteString("-- dropped --\n")
	for _, d := range imp.Dropped {
		b.WriteString(filepath.ToSlash(d.String()) + "\n")
	}
	for _, w := range warnings {
		b.WriteString(filepath.ToSlash(w.Warning()) + "\n")
	}
	for _, n := range imp.Notices {
		b.WriteString("notice: " + n + "\n")
	}
	// The written file must load without errors through signpost's path.
	if ds := compileForTest("redirects.json", imp.WriteJSON()); ds.HasErrors() {
		t.Errorf("the written redirects.json has errors:\n%v", ds.Err())
	}
	return b.Bytes()
}

func TestImportNetlify(t *testing.T) {
	data, err := os.ReadFile("testdata/netlify/_redirects")
	if err != nil {
		t.Fatal(err)
	}
	imp, err := ImportNetlify("_redirects", data)
	got := report(t, imp, err)
	golden(t, "netlify.txt", got)
	for _, want := range []string{
		`_redirects:30: dropped "/docs/admin/resourcequota/limitstorageconsumption/": shadowed by line 29`,
		`dropped "/old-docs": differs from line 86 (/old-docs/) only by a trailing slash`,
		`dropped "/fr/*": has conditions (Language=fr)`,
		`dropped "/store": matches on query parameters`,
	} {
		if !bytes.Contains(got, []byte(want)) {
			t.Errorf("the report lacks %q", want)
		}
	}
}

func TestImportCSV(t *testing.T) {
	data, err := os.ReadFile("testdata/csv/redirects.csv")
	if err != nil {
		t.Fatal(err)
	}
	imp, err := ImportCSV("redirects.csv", data)
	golden(t, "csv.txt", report(t, imp, err))
}

func TestImportCSVNeedsHeader(t *testing.T) {
	_, err := ImportCSV("r.csv", []byte("/a,/b,301\n"))
	if err == nil || !strings.Contains(err.Error(), `r.csv:1: no "from" column`) {
		t.Fatalf("got %v, want an error naming the missing header", err)
	}
}

func TestImportS3RoutingRulesXML(t *testing.T) {
	data, err := os.ReadFile("testdata/s3/routing-rules.xml")
	if err != nil {
		t.Fatal(err)
	}
	imp, err := ImportS3RoutingRules("routing-rules.xml", data)
	golden(t, "s3-xml.txt", report(t, imp, err))
}

func TestImportS3RoutingRulesJSON(t *testing.T) {
	data, err := os.ReadFile("testdata/s3/routing-rules.json")
	if err != nil {
		t.Fatal(err)
	}
	imp, err := ImportS3RoutingRules("routing-rules.json", data)
	golden(t, "s3-json.txt", report(t, imp, err))
}

func TestImportS3RoutingRulesBroken(t *testing.T) {
	for _, in := range []string{"<RoutingRules><RoutingRule>", "[{", "<html/>"} {
		if _, err := ImportS3RoutingRules("r.xml", []byte(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func TestImportMetaRefresh(t *testing.T) {
	imp, err := ImportMetaRefresh("site", os.DirFS("testdata/meta/site"))
	golden(t, "meta-refresh.txt", report(t, imp, err))
}

func TestImportS3WebsiteConfigurationJSON(t *testing.T) {
	data, err := os.ReadFile("testdata/s3/website.json")
	if err != nil {
		t.Fatal(err)
	}
	imp, err := ImportS3RoutingRules("website.json", data)
	golden(t, "s3-website-json.txt", report(t, imp, err))
}
