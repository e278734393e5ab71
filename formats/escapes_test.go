package formats

import (
	"strings"
	"testing"

	"github.com/signposthq/signpost/rules"
)

// escapeRules are the rules the tests of escaped keys export: %25, %2F, a
// control character and a byte that is not UTF-8 kept as escapes by the
// engine, and a plain key that only %2F tells apart from another.
func escapeRules() *rules.Set {
	return &rules.Set{File: "redirects.json", Rules: []rules.Rule{
		{Source: "/100%25-off", To: "/sale", Status: 301, Index: 0},
		{Source: "/a%2fb", To: "/x", Status: 301, Index: 1},
		{Source: "/a/b", To: "/y", Status: 301, Index: 2},
		{Source: "/bell%07", To: "/x", Status: 301, Index: 3},
		{Source: "/lat%E9/*", To: "/l/:splat", Status: 301, Index: 4},
	}}
}

// TestExportNginxWritesDecodedKeys: nginx matches $uri, where every escape
// is decoded; a key only %2F tells from another cannot be written.
func TestExportNginxWritesDecodedKeys(t *testing.T) {
	set := escapeRules()
	out, probs := ExportNginx(set, ExportOptions{Table: compileTable(t, set)})
	checkProblems(t, probs, map[string]string{
		"/a%2fb": `warning: "/a%2fb": nginx decodes %2F before matching: this rule also matches "/a/b"`,
		"/a/b":   `error: "/a/b": nginx decodes %2F before matching and cannot tell this rule from "/a%2fb"`,
	})
	for _, want := range []string{
		"location = \"/100%-off\" {\n\treturn 301 \"/sale$signpost_q\";",
		"location = \"/a/b\" {\n\treturn 301 \"/x$signpost_q\";",
		`location ~ "^/bell\\x07/?$" {`,
		`location ~ "^/lat\\xE9(?:/(?P<sp_splat>`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the export lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "%2") || strings.Contains(string(out), "return 301 \"/y") {
		t.Errorf("the export holds an escape nginx never matches, or the rule it cannot tell apart:\n%s", out)
	}
}

// TestExportCaddyWritesDecodedKeys: path_regexp matches the decoded path,
// where Go reads a byte that is not UTF-8 as U+FFFD.
func TestExportCaddyWritesDecodedKeys(t *testing.T) {
	set := escapeRules()
	out, probs := ExportCaddy(set, ExportOptions{Table: compileTable(t, set)})
	checkProblems(t, probs, map[string]string{
		"/a%2fb":    `warning: "/a%2fb": caddy decodes %2F before matching: this rule also matches "/a/b"`,
		"/lat%E9/*": `warning: "/lat%E9/*": caddy reads a byte that is not UTF-8 as U+FFFD: this rule also matches any such byte, or U+FFFD, where the key has %E9`,
	})
	for _, want := range []string{
		`path_regexp sp1 "^/100%-off/?$"`,
		`path_regexp sp2 "^/a/b/?$"`,
		`path_regexp sp4 "^/bell\x07/?$"`,
		`path_regexp sp5 "^/lat\x{FFFD}(?:/(?P<sp_splat>`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the export lacks %q:\n%s", want, out)
		}
	}
}

// TestExportApacheWritesDecodedKeys: mod_rewrite matches the decoded
// URL-path, where AllowEncodedSlashes NoDecode keeps %2F as sent, and
// where a '"' (%22 decoded) is \x22, as no quoted argument can hold it.
func TestExportApacheWritesDecodedKeys(t *testing.T) {
	set := escapeRules()
	set.Rules = append(set.Rules, rules.Rule{Source: "/q%22uote", To: "/x", Status: 301, Index: len(set.Rules)})
	out, probs := ExportApache(set, ExportOptions{Table: compileTable(t, set)})
	checkProblems(t, probs, map[string]string{
		"/a%2fb": `warning: "/a%2fb": apache answers 404 to a path holding %2F unless the virtual host sets AllowEncodedSlashes NoDecode`,
	})
	for _, want := range []string{
		"# Rules for paths holding %2F need, in the virtual host: AllowEncodedSlashes NoDecode\nRewriteEngine On\n",
		`RewriteRule "^/?100%-off/?$" "/sale" [R=301,L,NE]`,
		`RewriteRule "^/?a%2[Ff]b/?$" "/x" [R=301,L,NE]`,
		`RewriteRule "^/?a/b/?$" "/y" [R=301,L,NE]`,
		`RewriteRule "^/?bell\x07/?$" "/x" [R=301,L,NE]`,
		`RewriteRule "^/?lat\xE9(?:/(`,
		`RewriteRule "^/?q\x22uote/?$" "/x" [R=301,L,NE]`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the export lacks %q:\n%s", want, out)
		}
	}
}

// TestExportS3WritesObjectKeys: S3 compares KeyPrefixEquals with the
// object key, the path decoded (%2F included); keys are UTF-8 and the XML
// 1.0 that carries them holds no control character but tab, LF and CR.
func TestExportS3WritesObjectKeys(t *testing.T) {
	set := &rules.Set{File: "redirects.json", Rules: []rules.Rule{
		{Source: "/100%25-off/*", To: "/sale/:splat", Status: 301, Index: 0},
		{Source: "/a%2fb/*", To: "/x/", Status: 301, Index: 1},
		{Source: "/bell%07/*", To: "/x/", Status: 301, Index: 2},
		{Source: "/tab%09x/*", To: "/t/", Status: 301, Index: 3},
		{Source: "/lat%E9/*", To: "/l/", Status: 301, Index: 4},
		{Source: "/caf%C3%A9-*", To: "/cafe", Status: 301, Index: 5},
	}}
	out, probs := ExportS3RoutingRules(set, ExportOptions{})
	checkProblems(t, probs, map[string]string{
		"/100%25-off/*": `warning: "/100%25-off/*": S3 does not apply KeyPrefixEquals "100%-off/" to "/100%-off" itself`,
		"/a%2fb/*":      `warning: "/a%2fb/*": S3 compares KeyPrefixEquals with the decoded object key, where %2F is "/": this rule also matches "/a/b/*"`,
		"/bell%07/*":    `error: "/bell%07/*": S3 routing rules are XML 1.0, which cannot hold the control character %07`,
		"/tab%09x/*":    `warning: "/tab%09x/*": S3 does not apply KeyPrefixEquals`,
		"/lat%E9/*":     `error: "/lat%E9/*": S3 object keys are UTF-8: no key holds the byte %E9`,
	})
	for _, want := range []string{
		"<KeyPrefixEquals>100%-off/</KeyPrefixEquals>",
		"<KeyPrefixEquals>a/b/</KeyPrefixEquals>",
		"<KeyPrefixEquals>tab&#x9;x/</KeyPrefixEquals>",
		"<KeyPrefixEquals>café-</KeyPrefixEquals>",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the export lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "bell") || strings.Contains(string(out), "lat") {
		t.Errorf("the export holds a key S3 cannot carry:\n%s", out)
	}
}
