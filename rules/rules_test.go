package rules

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tailscale/hujson"
)

func TestParseRules(t *testing.T) {
	in := "// redirects\n{\n  \"$schema\": \"../schema.json\",\n" +
		"  \"/jobs\": { \"to\": \"https://jobs.example.com/\", \"statusCode\": 301 },\n" +
		"  \"/über\": {\"note\": \"é\", \"query\": \"drop\", \"to\": \"/a\\u0020b\" , \"statusCode\": 308},\n" +
		"  \"/gone\": { \"statusCode\": 410 },\n" +
		"}\n"
	set, ds := Parse("r.json", []byte(in))
	if len(ds) != 1 || ds[0].Code != "to-whitespace" {
		t.Fatalf("diagnostics: %v", ds)
	}
	if set.Schema != "../schema.json" || set.File != "r.json" {
		t.Errorf("set: %+v", set)
	}
	want := []Rule{
		{Source: "/jobs", To: "https://jobs.example.com/", Status: 301, Index: 0},
		{Source: "/gone", Status: 410, Index: 1},
	}
	for i, r := range set.Rules {
		checkPos(t, in, r.KeyPos, '"')
		checkPos(t, in, r.ValuePos, '{')
		checkPos(t, in, r.StatusPos, '3', '4')
		if r.Source == "/jobs" {
			checkPos(t, in, r.ToPos, '"')
		} else if r.ToPos.IsValid() || r.QueryPos.IsValid() {
			t.Errorf("positions of absent fields: %+v", r)
		}
		r.KeyPos, r.ValuePos, r.ToPos, r.StatusPos = Pos{}, Pos{}, Pos{}, Pos{}
		if !reflect.DeepEqual(r, want[i]) {
			t.Errorf("rule %d: %+v, want %+v", i, r, want[i])
		}
	}
	// Columns count characters: "/über" is one rune shorter than its bytes.
	checkPos(t, in, ds[0].Pos, '"')
	if d := ds[0]; d.Pos.Line != 5 || d.Pos.Col != 49 {
		t.Errorf("to position: %+v", d.Pos)
	}

	set, ds = Parse("r.json", []byte(`{"/a": {"to": "/b", "query": "keep", "note": "x\ty"}}`))
	if len(ds) != 0 || set.Rules[0].Query != QueryKeep || set.Rules[0].Note != "x\ty" {
		t.Errorf("%v %+v", ds, set.Rules)
	}
	set, ds = Parse("r.json", []byte(`{}`))
	if len(ds) != 0 || set == nil || len(set.Rules) != 0 {
		t.Errorf("empty object: %v %+v", ds, set)
	}
}

// checkPos checks that p is a valid position in in, at one of the bytes
// want, with its line and column (in runes) agreeing with its offset.
func checkPos(t *testing.T, in string, p Pos, want ...byte) {
	t.Helper()
	if !p.IsValid() || p.Offset >= len(in) || !strings.Contains(string(want), in[p.Offset:p.Offset+1]) {
		t.Errorf("position %+v is not at %q", p, want)
		return
	}
	before := in[:p.Offset]
	line := 1 + strings.Count(before, "\n")
	col := 1 + utf8.RuneCountInString(before[strings.LastIndex(before, "\n")+1:])
	if p.Line != line || p.Col != col {
		t.Errorf("position %+v, want line %d col %d", p, line, col)
	}
}

func TestParseHints(t *testing.T) {
	tests := []struct{ in, message, hint string }{
		{"{\"/a\": {\"to\": \"/b\"}\n\"/c\": {\"to\": \"/d\"}}", `missing ',' before the string "/c"`, "put a comma"},
		{`{"/a": {"to": "/b", "statuscode": 302}}`, `unknown field "statuscode"`, `did you mean "statusCode"?`},
		{`{"/a": {"to": "/b", "status": 302}}`, `unknown field "status"`, `did you mean "statusCode"?`},
		{`{"/a": {"destination": "/b"}}`, `unknown field "destination"`, `did you mean "to"?`},
		{`{"/a": {"to": "/b", "from": "/a"}}`, `unknown field "from"`, "the source is the rule's key"},
		{`{"/a": {"to": "/b", "query": "dorp"}}`, `"query" must be "keep" or "drop", not "dorp"`, `did you mean "drop"?`},
		{`{"/a": {"to": "/b", "statusCode": "302"}}`, `"statusCode" must be a number, not a string`, "write 302 without quotes"},
		{`{"/a": {"to": "/b", "statusCode": 301.0}}`, `"statusCode" must be a whole number, not 301.0`, "write 301"},
		{`{"/a": {"to": "pricing/"}}`, `"to" must start with "/" or "https://", not "pricing/"`, `write "/pricing/"`},
		{`{"/a": "/b"}`, `the rule for "/a" must be an object, not the string "/b"`, `write { "to": "/b" }`},
		{"{\"/a\": {\"to\": \"/b\"},\n\"/a\": {\"to\": \"/c\"}}", `duplicate source "/a": it is already on line 1`, "keeps only one"},
		{`{"/` + strings.Repeat("x", 100_000) + `": {"to": "/b"}}`, "is 100001 bytes long, more than the limit of 4096", ""},
		{`{"/a": {"to": "/b"}}}`, "unexpected '}' after the end of the rules object", "one '}' too many"},
		{`{"/a": {"to": "/b", "x": NaN}}`, "unexpected NaN: strings are written in double quotes", `write "NaN"`},
	}
	for _, tt := range tests {
		_, ds := Parse("r.json", []byte(tt.in))
		found := false
		for _, d := range ds {
			if strings.Contains(d.Message, tt.message) {
				found = true
				if !strings.Contains(d.Hint, tt.hint) {
					t.Errorf("%s: hint %q, want %q", tt.message, d.Hint, tt.hint)
				}
				if len(d.Message) > 200 {
					t.Errorf("message too long to read: %d bytes", len(d.Message))
				}
			}
		}
		if !found {
			t.Errorf("%.40s: no %q in\n%s", tt.in, tt.message, diagList(ds))
		}
	}
}

// A broken rule is reported and left out; the rules around it stay.
func TestParseKeepsGoing(t *testing.T) {
	in := "{\n\"/a\": {\"to\": \"/a2\"},\n\"/b\": {\"to\": \"b2\"},\n\"/c\" {\"to\": \"/c2\"},\n\"/d\": {\"to\": \"/d2\"}\n\"/e\": {\"to\": \"/e2\",\n\"/f\": {\"to\": \"/f2\"},\n}"
	set, ds := Parse("r.json", []byte(in))
	var got []string
	for _, r := range set.Rules {
		got = append(got, r.Source)
	}
	if want := []string{"/a", "/d", "/f"}; !reflect.DeepEqual(got, want) {
		t.Errorf("rules %v, want %v\n%s", got, want, diagList(ds))
	}
	if len(ds) != 4 {
		t.Errorf("want 4 diagnostics (to-relative, colon, comma, unclosed):\n%s", diagList(ds))
	}
	for i, r := range set.Rules {
		if r.Index != i {
			t.Errorf("rule %s has index %d, want %d", r.Source, r.Index, i)
		}
	}
}

func TestParseStopsOnGarbage(t *testing.T) {
	garbage := []byte("{" + strings.Repeat("@#!", 10_000))
	_, ds := Parse("r.bin", garbage)
	if len(ds) > maxSyntaxErrors+1 || !strings.Contains(ds[len(ds)-1].Message, "too many syntax errors") {
		t.Errorf("%d diagnostics, last %v", len(ds), ds[len(ds)-1])
	}
}

func TestLoadLimit(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse file: Load must refuse it from its size, without reading.
	if err := f.Truncate(MaxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	set, ds := Load(big)
	if set != nil || len(ds) != 1 || ds[0].Code != "too-large" ||
		ds[0].Message != "the file is 256.0 MiB (268435457 bytes), more than the limit of 256 MiB" {
		t.Errorf("%v", ds)
	}
	if _, ds := Parse("x", make([]byte, MaxFileSize+1)); len(ds) != 1 || ds[0].Code != "too-large" {
		t.Errorf("Parse: %v", ds)
	}
	if _, ds := Load(filepath.Join(dir, "missing.json")); len(ds) != 1 || ds[0].Code != "read" || ds[0].Hint == "" {
		t.Errorf("missing: %v", ds)
	}
	ok := filepath.Join(dir, "ok.json")
	os.WriteFile(ok, []byte(`{"/a": {"to": "/b"}}`), 0o644)
	if set, ds := Load(ok); len(ds) != 0 || len(set.Rules) != 1 || set.File != ok {
		t.Errorf("ok: %v", ds)
	}
}

// A minified file is one long line: positions on it must not cost the
// whole line each.
func TestParseOneLine(t *testing.T) {
	data := genRules(20_000)
	data = data[bytes.IndexByte(data, '\n')+1:] // the comment
	data = bytes.ReplaceAll(data, []byte("\n"), []byte(" "))
	data = append(data[:bytes.LastIndexByte(data, '}')], []byte(`"/z": {"to": "z"}}`)...)
	_, ds := Parse("min.json", data)
	if len(ds) != 1 || ds[0].Code != "to-relative" {
		t.Fatalf("%s", diagList(ds))
	}
	checkPos(t, string(data), ds[0].Pos, '"')
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{ "/jobs": { "to": "https://jobs.example.com/", "statusCode": 301 } }`,
		"// c\n{ /* x */ \"/a\": {\"to\": \"/b\", \"query\": \"drop\", \"note\": \"\\u00e9\"}, }",
		"{\"/a\": {\"to\": \"/b\"}\n\"/c\" {'to': /d, statusCode: 3.0e2}",
		"{\"/\xff\": [[[{\"x\": null}]]], \"$schema\": 1, \"/g\": {\"statusCode\": 410}}",
		"\uFEFF{\"/a\\ud800\": {\"to\": \"//x\"}}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		set, ds := Parse("f.json", data)
		checkSyntaxAgainstHuJSON(t, data, ds)
		for _, d := range ds {
			if d.Pos.Offset < 0 || d.Pos.Offset > len(data) {
				t.Fatalf("offset %d outside the file of %d bytes: %v", d.Pos.Offset, len(data), d)
			}
			if d.Pos.IsValid() {
				before := data[:d.Pos.Offset]
				line := 1 + bytes.Count(before, []byte("\n"))
				ls := bytes.LastIndexByte(before, '\n') + 1
				if ls == 0 && bytes.HasPrefix(data, []byte("\uFEFF")) {
					ls = min(3, len(before))
				}
				col := 1 + utf8.RuneCount(before[ls:])
				if d.Pos.Line != line || d.Pos.Col != col {
					t.Fatalf("at %d:%d, want %d:%d: %v", d.Pos.Line, d.Pos.Col, line, col, d)
				}
			}
			if d.Message == "" || d.Severity != Error {
				t.Fatalf("malformed %+v", d)
			}
		}
		if set == nil {
			return
		}
		for i, r := range set.Rules {
			if r.Index != i || !r.KeyPos.IsValid() || !r.ValuePos.IsValid() {
				t.Fatalf("rule %d: %+v", i, r)
			}
			if r.Status != StatusGone && r.To == "" {
				t.Fatalf("rule without a target passed: %+v", r)
			}
			if strings.HasPrefix(r.To, "//") || strings.ContainsAny(r.To, "\r\n\t ") {
				t.Fatalf("unsafe target passed: %q", r.To)
			}
		}
	})
}

// Duplicates among many sources: each reported at the later one, naming
// the earlier one's line, and left out of the Set.
func TestParseDuplicatesMany(t *testing.T) {
	var b strings.Builder
	b.WriteString("{\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "%q: {\"to\": \"/x\"},\n", fmt.Sprintf("/p%d", i%4990)) // /p0../p9 twice
	}
	b.WriteString(`"/p1": {"to": "x"}, "/p2": 5, "$schema": "a", "$schema": "b"}`)
	set, ds := Parse("r.json", []byte(b.String()))
	var dups []string
	for _, d := range ds {
		if d.Code == "duplicate-key" {
			dups = append(dups, fmt.Sprintf("%d %s", d.Pos.Line, d.Message))
		}
	}
	if len(dups) != 13 || dups[0] != `4992 duplicate source "/p0": it is already on line 2` ||
		dups[12] != `5002 duplicate source "$schema": it is already on line 5002` {
		t.Errorf("%d duplicates: %q", len(dups), dups)
	}
	if len(set.Rules) != 4990 {
		t.Errorf("%d rules", len(set.Rules))
	}
	for i, r := range set.Rules {
		if r.Index != i || r.Source != fmt.Sprintf("/p%d", i) {
			t.Fatalf("rule %d: %+v", i, r)
		}
	}
}

func TestParseEscapes(t *testing.T) {
	set, ds := Parse("r.json", []byte(`{"/\ud83d\ude00\u00e9\/\"\\\b\f\n\r\t": {"to": "/x", "note": "a\u0000b\ud800"}}`))
	if len(set.Rules) != 0 || len(ds) != 2 || ds[0].Code != "source-control" || ds[1].Code != "syntax" {
		t.Fatalf("%s", diagList(ds))
	}
	set, ds = Parse("r.json", []byte(`{"/\ud83d\ude00\u00e9\/\"\\": {"to": "/x\u0041", "note": "a\u0000b"}}`))
	if len(ds) != 0 {
		t.Fatalf("%s", diagList(ds))
	}
	if r := set.Rules[0]; r.Source != "/😀é/\"\\" || r.To != "/xA" || r.Note != "a\x00b" {
		t.Errorf("%q %q %q", r.Source, r.To, r.Note)
	}
	if got := unescape([]byte(`\ud800x\uZZ`)); got != "\uFFFDx\uFFFDZZ" {
		t.Errorf("invalid escapes decode as %q", got)
	}
}

// checkSyntaxAgainstHuJSON compares the parser's verdict on the syntax of
// data with hujson's, a reference JWCC parser: a file is free of syntax
// errors for one exactly when it is for the other. (The parser is stricter
// in two ways, both reported as errors: invalid UTF-8 and lone UTF-16
// surrogates, which hujson passes through, and it accepts a byte order
// mark.)
func checkSyntaxAgainstHuJSON(t *testing.T, data []byte, ds Diagnostics) {
	if len(data) > 1<<16 || bytes.HasPrefix(data, []byte("\uFEFF")) || !utf8.Valid(data) ||
		bytes.Contains(bytes.ToLower(data), []byte(`\ud`)) {
		return
	}
	var syntax []string
	for _, d := range ds {
		switch d.Code {
		case "syntax", "utf8":
			syntax = append(syntax, d.String())
		case "too-deep", "not-object":
			return // hujson has no limit; not-object stops the parse
		}
	}
	v, err := hujson.Parse(data)
	if err == nil {
		if _, isObj := v.Value.(*hujson.Object); !isObj {
			return // not-object stops the parse before any syntax error
		}
	}
	if (err == nil) != (len(syntax) == 0) {
		t.Fatalf("hujson: %v; parser: %q", err, syntax)
	}
}
