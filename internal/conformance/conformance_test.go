package conformance

import (
	"strings"
	"testing"

	"github.com/signposthq/signpost/rules"
)

func TestVectorsLoad(t *testing.T) {
	vs, err := LoadAll()
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, v := range vs {
		total += len(v.Cases)
		set, ds := rules.Parse(v.File, v.Rules)
		if set == nil || ds.HasErrors() {
			t.Errorf("%s: redirects.json does not parse:\n%v", v.File, ds.Err())
		}
		seen := map[string]int{}
		for _, c := range v.Cases {
			key := c.Host + " " + c.URL
			if prev, dup := seen[key]; dup {
				t.Errorf("%s:%d: the same request as line %d", v.File, c.Line, prev)
			}
			seen[key] = c.Line
			if c.Match && c.Location != "" {
				if err := CheckLocation(c.Location); err != nil {
					t.Errorf("%s:%d: the expected location %q is unsafe: %v", v.File, c.Line, c.Location, err)
				}
			}
			if c.Match && !hasRule(set, c.Rule) {
				t.Errorf("%s:%d: no rule %q in the vector's redirects.json", v.File, c.Line, c.Rule)
			}
		}
	}
	t.Logf("%d vectors, %d cases", len(vs), total)
}

func hasRule(set *rules.Set, source string) bool {
	if set == nil {
		return false
	}
	for _, r := range set.Rules {
		if r.Source == source {
			return true
		}
	}
	return false
}

func TestParseVector(t *testing.T) {
	data := []byte(`Covers one thing.
options: case-insensitive, max-hops=3
-- redirects.json --
{ "/a": { "to": "/b" } }
-- cases.jsonl --
# comment

{"url":"/a?x=1","status":301,"location":"/b?x=1","rule":"/a"}
{"host":"h","url":"/c","match":false}
`)
	v, err := Parse("t.txtar", data)
	if err != nil {
		t.Fatal(err)
	}
	if v.Description != "Covers one thing." || !v.Options.CaseInsensitive || v.Options.MaxHops != 3 {
		t.Errorf("description %q, options %+v", v.Description, v.Options)
	}
	if v.RulesLine != 4 {
		t.Errorf("RulesLine = %d, want 4", v.RulesLine)
	}
	if len(v.Cases) != 2 {
		t.Fatalf("got %d cases, want 2", len(v.Cases))
	}
	c := v.Cases[0]
	if c.Line != 8 || !c.Match || c.Path() != "/a" || c.RawQuery() != "x=1" {
		t.Errorf("case 0 = %+v", c)
	}
	if c := v.Cases[1]; c.Line != 9 || c.Match || c.Host != "h" {
		t.Errorf("case 1 = %+v", c)
	}
}

func TestParseVectorErrors(t *testing.T) {
	for _, tc := range []struct{ data, want string }{
		{"-- redirects.json --\n{}\n-- cases.jsonl --\n{\"url\":\"/\",\"match\":false}\n", "no description"},
		{"d\n-- cases.jsonl --\n{\"url\":\"/\",\"match\":false}\n", "no redirects.json"},
		{"d\n-- redirects.json --\n{}\n", "no cases.jsonl"},
		{"d\noptions: fast\n-- redirects.json --\n{}\n-- cases.jsonl --\n", `unknown option "fast"`},
		{"d\n-- redirects.json --\n{}\n-- cases.jsonl --\n{\"url\":\"/\",\"statuscode\":301}\n", `t.txtar:5: bad case: json: unknown field "statuscode"`},
		{"d\n-- redirects.json --\n{}\n-- cases.jsonl --\n{\"url\":\"a\",\"match\":false}\n", `must start with "/"`},
		{"d\n-- redirects.json --\n{}\n-- cases.jsonl --\n{\"url\":\"/a\",\"status\":301,\"rule\":\"/a\"}\n", `needs a "location"`},
		{"d\n-- redirects.json --\n{}\n-- cases.jsonl --\n{\"url\":\"/a\",\"status\":410,\"location\":\"/b\",\"rule\":\"/a\"}\n", "a 410 has no location"},
		{"d\n-- redirects.json --\n{}\n-- cases.jsonl --\n{\"url\":\"/a\",\"match\":false,\"status\":301}\n", `"match":false has no status`},
		{"d\n-- redirects.json --\n{}\n-- cases.jsonl --\n{\"url\":\"/a\",\"status\":301,\"location\":\"/b\"}\n", `needs the "rule"`},
	} {
		_, err := Parse("t.txtar", []byte(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", tc.data, err, tc.want)
		}
	}
}

func TestCheckReportsEachMismatch(t *testing.T) {
	v, err := Parse("v.txtar", []byte(`d
-- redirects.json --
{}
-- cases.jsonl --
{"url":"/a?x=1","status":301,"location":"/b?x=1","rule":"/a"}
{"url":"/gone","status":410,"rule":"/gone"}
{"url":"/none","match":false}
{"url":"/go/x","status":302,"safe":true,"rule":"/go/*"}
`))
	if err != nil {
		t.Fatal(err)
	}
	answers := map[string]Result{
		"/a":    {Match: true, Status: 302, Location: "/b", Rule: "/a"},
		"/gone": {Match: true, Status: 410, Rule: "/gone"},
		"/none": {Match: true, Status: 301, Location: "//evil.example", Rule: "/*"},
		"/go/x": {Match: true, Status: 302, Location: "/x\r\nSet-Cookie: a", Rule: "/go/*"},
	}
	ms := v.Check(func(host, path, rawQuery string) (int, string, string, bool) {
		r := answers[path]
		return r.Status, r.Location, r.Rule, r.Match
	})
	var got []string
	for _, m := range ms {
		got = append(got, m.String())
	}
	want := []string{
		"v.txtar:5: GET \"/a?x=1\"\n\twant: 301 \"/b?x=1\" rule \"/a\"\n\tgot:  302 \"/b\" rule \"/a\"\n\t- status 302, want 301\n\t- location \"/b\", want \"/b?x=1\"",
		"v.txtar:7: GET \"/none\"\n\twant: no match\n\tgot:  301 \"//evil.example\" rule \"/*\"\n\t- unsafe location: protocol-relative location\n\t- a rule matched, none should",
		"v.txtar:8: GET \"/go/x\"\n\twant: 302 (any safe location) rule \"/go/*\"\n\tgot:  302 \"/x\\r\\nSet-Cookie: a\" rule \"/go/*\"\n\t- unsafe location: control character '\\r' at byte 2",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("mismatches:\n%s\n\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCheckLocation(t *testing.T) {
	for _, loc := range []string{"/", "/a%20b", "https://example.com", "http://example.com/a?b#c", "/p#x"} {
		if err := CheckLocation(loc); err != nil {
			t.Errorf("CheckLocation(%q) = %v, want nil", loc, err)
		}
	}
	for _, loc := range []string{"", "//evil.example", `/\evil.example`, `\\evil`, "/a\nb", "/a b", "/\x7f", "/ü",
		"javascript:alert(1)", "https:///evil", "evil.example", "https://"} {
		if err := CheckLocation(loc); err == nil {
			t.Errorf("CheckLocation(%q) = nil, want an error", loc)
		}
	}
}
