package rules

import (
	"fmt"
	"strings"
	"testing"
)

// diagList renders diagnostics as "LINE:COL code: message" lines.
func diagList(ds Diagnostics) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "%d:%d %s: %s\n", d.Pos.Line, d.Pos.Col, d.Code, d.Message)
	}
	return b.String()
}

func TestParseDiagnostics(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string // "LINE:COL code", in order
	}{
		{"original format", `{ "/jobs": { "to": "https://jobs.example.com/", "statusCode": 301 },
  "/resources/the-follow-up-formula": { "to": "/resources/followup", "statusCode": 301 } }`, nil},
		{"jwcc", "// c\n{ /* x */ \"/a\": {\"to\": \"/b\",}, // y\n}\n", nil},
		{"byte order mark", "\uFEFF{\"/a\": {\"to\": \"/b\"}, \"/c\": 1}", []string{"1:28 rule-not-object"}},
		{"empty file", "  \n", []string{"2:1 not-object"}},
		{"array", "\n [ ]", []string{"2:2 not-object"}},
		{"string", `"hello"`, []string{"1:1 not-object"}},
		{"missing comma between rules", "{\n\"/a\": {\"to\": \"/b\"}\n\"/c\": {\"to\": \"/d\"}\n}", []string{"2:19 syntax"}},
		{"missing comma between fields", `{"/a": {"to": "/b" "statusCode": 302}}`, []string{"1:19 syntax"}},
		{"missing colon", `{"/a" {"to": "/b"}}`, []string{"1:6 syntax"}},
		{"unclosed rule runs into the next", "{\n\"/a\": {\"to\": \"/b\",\n\"/c\": {\"to\": \"/d\"}\n}", []string{"2:19 syntax"}},
		{"unclosed file", "{\n\"/a\": {\"to\": \"/b\"},\n", []string{"3:1 syntax"}},
		{"source-like field in valid JSON", `{"": {"/": 0}}`, []string{"1:6 missing-to", "1:7 unknown-field"}},
		{"source-like field holding a rule, braces paired", `{"/a": {"/x": {"to": "/y"}}}`, []string{"1:8 missing-to", "1:9 unknown-field"}},
		{"extra closing brace", `{"/a": {"to": "/b"}}}`, []string{"1:21 syntax"}},
		{"double comma", `{"/a": {"to": "/b"},, "/c": {"to": "/d"}}`, []string{"1:21 syntax"}},
		{"single quotes", `{'/a': {"to": '/b'}}`, []string{"1:2 syntax", "1:15 syntax"}},
		{"unquoted key", `{"/a": {to: "/b"}}`, []string{"1:9 syntax"}},
		{"unquoted value", `{"/a": {"to": /b}}`, []string{"1:15 syntax"}},
		{"True", `{"/a": {"to": "/b", "x": True}}`, []string{"1:21 unknown-field", "1:26 syntax"}},
		{"unterminated string", "{\"/a\": {\"to\": \"/b},\n\"/c\": {\"to\": \"/d\"}}", []string{"1:15 syntax", "1:20 syntax"}},
		{"invalid escape", `{"/a\q": {"to": "/b"}}`, []string{"1:5 syntax"}},
		{"lone surrogate", `{"/a\ud800": {"to": "/b"}}`, []string{"1:5 syntax"}},
		{"surrogate pair", `{"/\ud83d\ude00": {"to": "/b"}}`, nil},
		{"raw tab in string", "{\"/a\t\": {\"to\": \"/b\"}}", []string{"1:5 syntax"}},
		{"no-break space between tokens", "{\"/a\":\u00a0{\"to\": \"/b\"}}", []string{"1:7 syntax"}},
		{"invalid number", `{"/a": {"to": "/b", "statusCode": 0301}}`, []string{"1:35 syntax"}},
		{"unterminated comment", "{\"/a\": {\"to\": \"/b\"}}\n/* x", []string{"2:1 syntax"}},
		{"invalid utf-8 in a key", "{\"/\xff\": {\"to\": \"/b\"}}", []string{"1:4 utf8"}},
		{"invalid utf-8 in a comment", "// \xc3\n{}", []string{"1:4 utf8"}},
		{"invalid utf-8 after a multibyte rune", "{\"/ü\xff\": {\"to\": \"/b\"}}", []string{"1:5 utf8"}},
		{"duplicate key", "{\n\"/a\": {\"to\": \"/b\"},\n\"/a\": {\"to\": \"/c\"}}", []string{"3:1 duplicate-key"}},
		{"duplicate key written with an escape", "{\n\"/a\": {\"to\": \"/b\"},\n\"/\\u0061\": {\"to\": \"/c\"}}", []string{"3:1 duplicate-key"}},
		{"duplicate field", "{\"/a\": {\"to\": \"/b\",\n \"to\": \"/c\"}}", []string{"2:2 duplicate-key"}},
		{"unknown field", `{"/a": {"to": "/b", "statuscode": 302}}`, []string{"1:21 unknown-field"}},
		{"rule not an object", `{"/a": "/b"}`, []string{"1:8 rule-not-object"}},
		{"schema not a string", `{"$schema": 1}`, []string{"1:13 wrong-type"}},
		{"to not a string", `{"/a": {"to": 5}}`, []string{"1:15 wrong-type"}},
		{"status as a string", `{"/a": {"to": "/b", "statusCode": "302"}}`, []string{"1:35 wrong-type"}},
		{"status not an integer", `{"/a": {"to": "/b", "statusCode": 301.0}}`, []string{"1:35 not-integer"}},
		{"status in exponent form", `{"/a": {"to": "/b", "statusCode": 3.01e2}}`, []string{"1:35 not-integer"}},
		{"status unsupported", `{"/a": {"to": "/b", "statusCode": 200}}`, []string{"1:35 status"}},
		{"status huge", `{"/a": {"to": "/b", "statusCode": 99999999999999999999}}`, []string{"1:35 status"}},
		{"every supported status", `{"/a": {"to": "/b", "statusCode": 301}, "/b": {"to": "/c", "statusCode": 302}, "/c": {"to": "/d", "statusCode": 303}, "/d": {"to": "/e", "statusCode": 307}, "/e": {"to": "/f", "statusCode": 308}, "/f": {"statusCode": 410}}`, nil},
		{"410 with to", `{"/a": {"statusCode": 410, "to": "/b"}}`, []string{"1:34 gone-with-to"}},
		{"missing to", `{"/a": {"statusCode": 302}}`, []string{"1:8 missing-to"}},
		{"query bad", `{"/a": {"to": "/b", "query": "Drop"}}`, []string{"1:30 query"}},
		{"query bool", `{"/a": {"to": "/b", "query": false}}`, []string{"1:30 wrong-type"}},
		{"note not a string", `{"/a": {"to": "/b", "note": []}}`, []string{"1:29 wrong-type"}},
		{"to empty", `{"/a": {"to": ""}}`, []string{"1:15 to-empty"}},
		{"to relative", `{"/a": {"to": "pricing"}}`, []string{"1:15 to-relative"}},
		{"to placeholder without slash", `{"/a/*": {"to": ":splat"}}`, []string{"1:17 to-relative"}},
		{"to protocol-relative", `{"/a": {"to": "//evil.example"}}`, []string{"1:15 to-protocol-relative"}},
		{"to backslash protocol-relative", `{"/a": {"to": "/\\evil.example"}}`, []string{"1:15 to-protocol-relative"}},
		{"to backslash", `{"/a": {"to": "/a\\b"}}`, []string{"1:15 to-backslash"}},
		{"to javascript", `{"/a": {"to": "javascript:alert(1)"}}`, []string{"1:15 to-scheme"}},
		{"to mailto", `{"/a": {"to": "mailto:a@example.com"}}`, []string{"1:15 to-scheme"}},
		{"to without host", `{"/a": {"to": "https:///x"}}`, []string{"1:15 to-url"}},
		{"to with one slash", `{"/a": {"to": "https:/x"}}`, []string{"1:15 to-url"}},
		{"to placeholder as host", `{"/a/*": {"to": "https://:splat"}}`, []string{"1:17 to-url"}},
		{"to port not a number", `{"/a": {"to": "https://example.com:80a/"}}`, []string{"1:15 to-url"}},
		{"to port too large", `{"/a": {"to": "https://example.com:65536/"}}`, []string{"1:15 to-url"}},
		{"to IPv6 without brackets", `{"/a": {"to": "http://2001:db8::1/"}}`, []string{"1:15 to-url"}},
		{"to IPv6 not an address", `{"/a": {"to": "http://[2001:zz8::1]/"}}`, []string{"1:15 to-url"}},
		{"to IPv6 unclosed", `{"/a": {"to": "http://[2001:db8::1/"}}`, []string{"1:15 to-url"}},
		{"to IPv6 then junk", `{"/a": {"to": "http://[2001:db8::1]x/"}}`, []string{"1:15 to-url"}},
		{"to forbidden host character", `{"/a": {"to": "https://a<b.example/"}}`, []string{"1:15 to-url"}},
		{"to user before host", `{"/a": {"to": "https://www.example.com@evil.example/"}}`, []string{"1:15 to-userinfo"}},
		{"to hosts browsers take", `{"/a": {"to": "https://[2001:db8::1]:8443/x"}, "/b": {"to": "http://127.0.0.1:8080"}, "/c": {"to": "https://bücher.example/"}, "/d": {"to": "https://example.com:/x"}, "/e": {"to": "https://example.com./"}}`, nil},
		{"to space", `{"/a": {"to": "/a b"}}`, []string{"1:15 to-whitespace"}},
		{"to no-break space", "{\"/a\": {\"to\": \"/a\u00a0\"}}", []string{"1:15 to-whitespace"}},
		{"to zero-width space", "{\"/a\": {\"to\": \"/a\u200b\"}}", []string{"1:15 to-whitespace"}},
		{"to newline escape", `{"/a": {"to": "/a\nb"}}`, []string{"1:15 to-control"}},
		{"to C1 control", `{"/a": {"to": "/a\u0085"}}`, []string{"1:15 to-control"}},
		{"to fine", `{"/a": {"to": "HTTPS://Example.com:8443/x?y=1#z"}, "/b/*": {"to": "/:splat"}, "/c": {"to": "/über"}}`, nil},
		{"source with control character", `{"/a\u0007": {"to": "/b"}}`, []string{"1:2 source-control"}},
		{"source with spaces and unicode", `{"/a b/über": {"to": "/b"}}`, nil},
		{"source too long", `{"/` + strings.Repeat("a", 100_000) + `": {"to": "/b"}}`, []string{"1:2 too-long"}},
		{"to too long", `{"/a": {"to": "/` + strings.Repeat("a", MaxURLLength) + `"}}`, []string{"1:15 too-long"}},
		{"too deep", `{"/a": {"to": "/b", "x": ` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}}`, []string{"1:21 unknown-field", "1:56 too-deep"}},
		{"deep but within the limit", `{"/a": {"to": "/b", "x": [[1]]}}`, []string{"1:21 unknown-field"}},
		{"errors in several rules", "{\n\"/a\": {\"to\": \"a\"},\n\"/b\": {\"to\": \"/b\", \"status\": 301},\n\"/c\": {\"to\": \"/c\", \"statusCode\": 999}\n}",
			[]string{"2:14 to-relative", "3:20 unknown-field", "4:34 status"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, ds := Parse("r.json", []byte(tt.in))
			var got []string
			for _, d := range ds {
				got = append(got, fmt.Sprintf("%d:%d %s", d.Pos.Line, d.Pos.Col, d.Code))
				if d.File != "r.json" || d.Severity != Error || d.Message == "" {
					t.Errorf("malformed diagnostic %+v", d)
				}
				if d.Pos.Offset < 0 || d.Pos.Offset > len(tt.in) {
					t.Errorf("offset %d outside the file", d.Pos.Offset)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", diagList(ds), strings.Join(tt.want, "\n"))
			}
			if set == nil && !strings.Contains(strings.Join(tt.want, " "), "not-object") {
				t.Errorf("nil set")
			}
		})
	}
}

// TestUserinfoNamesTheHost: the diagnostic names the host browsers go to,
// the one after the last "@".
func TestUserinfoNamesTheHost(t *testing.T) {
	_, ds := Parse("r.json", []byte(`{"/a": {"to": "https://www.example.com@x@evil.example/"}}`))
	want := `"to" has "www.example.com@x@" before its host: browsers go to "evil.example"`
	if len(ds) != 1 || !strings.HasPrefix(ds[0].Message, want) {
		t.Errorf("got\n%swant one diagnostic starting %s", diagList(ds), want)
	}
}
