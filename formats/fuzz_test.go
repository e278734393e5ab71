package formats

import (
	"os"
	"testing"
)

// checkImport is the invariant every importer keeps, whatever it reads:
// no panic, and what it writes loads without errors through signpost's own
// path.
func checkImport(t *testing.T, imp *Imported, err error) {
	if err != nil {
		return // a clear error for input that is not the format at all
	}
	if _, err := imp.Check(compileForTest); err != nil {
		t.Fatalf("Check: %v", err)
	}
	if ds := compileForTest("redirects.json", imp.WriteJSON()); ds.HasErrors() {
		t.Fatalf("the written redirects.json has errors:\n%v\n%s", ds.Err(), imp.WriteJSON())
	}
}

func FuzzImportNetlify(f *testing.F) {
	if data, err := os.ReadFile("testdata/netlify/_redirects"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("/a/:x/* /b/:x/:splat 302!\n/a /a/ 301\n/%41 /b\n"))
	f.Add([]byte("/\\evil /x\n//host /y\n/a\t/b?c=:splat#d 307\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		imp, err := ImportNetlify("_redirects", data)
		checkImport(t, imp, err)
	})
}

func FuzzImportCSV(f *testing.F) {
	if data, err := os.ReadFile("testdata/csv/redirects.csv"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("from,to,status,query\n/a,/b,302,drop\n\"/c,d\",/e,,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		imp, err := ImportCSV("redirects.csv", data)
		checkImport(t, imp, err)
	})
}
