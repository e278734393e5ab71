package formats

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/signposthq/signpost/rules"
)

// exporters by the name the command gives them.
var testExporters = map[string]func(*rules.Set, ExportOptions) ([]byte, []Problem){
	"nginx":               ExportNginx,
	"apache":              ExportApache,
	"caddy":               ExportCaddy,
	"netlify":             ExportNetlify,
	"cloudflare-bulk-csv": ExportCloudflareBulkCSV,
	"s3-routing-rules":    ExportS3RoutingRules,
}

// TestExportGolden writes the example site's rules in every format.
func TestExportGolden(t *testing.T) {
	set, _ := exampleSet(t)
	set.File = "redirects.json"
	tab := compileTable(t, set)
	for name, export := range testExporters {
		t.Run(name, func(t *testing.T) {
			out, probs := export(set, ExportOptions{Host: "example.com", Table: tab})
			var b bytes.Buffer
			b.Write(out)
			b.WriteString("-- problems --\n")
			for _, p := range probs {
				b.WriteString(p.String() + "\n")
			}
			golden(t, "export-"+name+".txt", b.Bytes())
			again, _ := export(set, ExportOptions{Host: "example.com", Table: tab})
			if !bytes.Equal(out, again) {
				t.Error("two exports of the same rules differ")
			}
		})
	}
}

// ruleKeys lists a set's rules as comparable strings, in source order.
func ruleKeys(set *rules.Set) []string {
	var out []string
	for _, r := range set.Rules {
		out = append(out, fmt.Sprintf("%s -> %s %d %s", r.Source, r.To, r.Status, r.Query))
	}
	slices.Sort(out)
	return out
}

// TestRoundTripNetlify: import, export, import again keeps the rules.
func TestRoundTripNetlify(t *testing.T) {
	data, err := os.ReadFile("testdata/netlify/_redirects")
	if err != nil {
		t.Fatal(err)
	}
	first, err := ImportNetlify("_redirects", data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := first.Check(compileForTest); err != nil {
		t.Fatal(err)
	}
	// 410 rules have no page to show on Netlify: left out with a problem.
	out, probs := ExportNetlify(first.Set, ExportOptions{})
	for _, p := range probs {
		if !strings.Contains(p.Message, "410") {
			t.Errorf("unexpected problem: %v", p)
		}
	}
	second, err := ImportNetlify("exported", out)
	if err != nil {
		t.Fatal(err)
	}
	if len(second.Dropped) > 0 {
		t.Errorf("the exported file lost rules on import: %v", second.Dropped)
	}
	var want []string
	for _, k := range ruleKeys(first.Set) {
		if !strings.Contains(k, " 410 ") {
			want = append(want, k)
		}
	}
	if got := ruleKeys(second.Set); !slices.Equal(got, want) {
		t.Errorf("round trip changed the rules:\n got %q\nwant %q", got, want)
	}
}

// TestRoundTripS3 imports routing rules, exports them and imports again.
func TestRoundTripS3(t *testing.T) {
	data, err := os.ReadFile("testdata/s3/routing-rules.xml")
	if err != nil {
		t.Fatal(err)
	}
	first, err := ImportS3RoutingRules("routing-rules.xml", data)
	if err != nil {
		t.Fatal(err)
	}
	out, probs := ExportS3RoutingRules(first.Set, ExportOptions{})
	if HasErrors(probs) {
		t.Fatalf("problems: %v", probs)
	}
	second, err := ImportS3RoutingRules("exported.xml", out)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ruleKeys(second.Set), ruleKeys(first.Set); !slices.Equal(got, want) {
		t.Errorf("round trip changed the rules:\n got %q\nwant %q\n%s", got, want, out)
	}
}

// TestRoundTripCSVThroughNetlify: a spreadsheet's rules survive an export
// to Netlify and back.
func TestRoundTripCSVThroughNetlify(t *testing.T) {
	data, err := os.ReadFile("testdata/csv/redirects.csv")
	if err != nil {
		t.Fatal(err)
	}
	first, err := ImportCSV("redirects.csv", data)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := ExportNetlify(first.Set, ExportOptions{})
	second, err := ImportNetlify("exported", out)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(ruleKeys(second.Set), "\n")
	for _, k := range ruleKeys(first.Set) {
		if !strings.Contains(k, " 410 ") && !strings.Contains(got, k) {
			t.Errorf("lost in the round trip: %s", k)
		}
	}
}

func TestExportS3Limit(t *testing.T) {
	set := &rules.Set{File: "redirects.json"}
	for i := range 60 {
		set.Rules = append(set.Rules, rules.Rule{Source: fmt.Sprintf("/p%02d/*", i), To: fmt.Sprintf("/q%02d/:splat", i), Status: 301, Index: i})
	}
	_, all := ExportS3RoutingRules(set, ExportOptions{})
	var probs []Problem
	for _, p := range all {
		if !p.Warning {
			probs = append(probs, p)
		}
	}
	if len(probs) != 10 || !strings.Contains(probs[0].String(), "S3 allows 50 routing rules; this would be rule 51 of 60") {
		t.Fatalf("got %d problems, first %v; want 10 naming the rules past 50", len(probs), probs)
	}
}

// TestExportWarnsOfChainsThroughPlaceholders: a chain the engine serves in
// one hop but a server would answer in two is reported; a chain of fixed
// targets is flattened, down to a 410 at its end.
func TestExportWarnsOfChainsThroughPlaceholders(t *testing.T) {
	set := &rules.Set{File: "redirects.json", Rules: []rules.Rule{
		{Source: "/a/*", To: "/b/:splat", Status: 301, Index: 0},
		{Source: "/b/*", To: "/c/:splat", Status: 301, Index: 1},
		{Source: "/old", To: "/older", Status: 302, Index: 2},
		{Source: "/older", Status: 410, Index: 3},
		{Source: "/x", To: "/y?k=1", Status: 301, Index: 4},
		{Source: "/y", To: "/z", Status: 308, Query: rules.QueryDrop, Index: 5},
	}}
	out, probs := ExportNginx(set, ExportOptions{Table: compileTable(t, set)})
	if len(probs) != 1 || !probs[0].Warning || !strings.Contains(probs[0].String(), `"/a/*": its target can lead into the rule "/b/*"`) {
		t.Errorf("problems %v, want one warning about /a/* leading into /b/*", probs)
	}
	for _, want := range []string{
		"location = \"/old\" {\n\treturn 410;",
		"location = \"/x\" {\n\treturn 301 \"/z\";", // /y drops the query, /y?k=1 included
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the export lacks %q:\n%s", want, out)
		}
	}
}

// TestExportedPatternsRefuseProtocolRelativeTargets: a capture that starts
// the target's path can never start with "/" or "\" (which would make
// //evil.example or /\evil.example), and no capture holds a control
// character (header splitting). Requests that would are not redirected.
func TestExportedPatternsRefuseProtocolRelativeTargets(t *testing.T) {
	for _, tc := range []struct {
		source, to string
		bad, good  []string
	}{
		{"/go/*", "/:splat", []string{"/go//evil.example", "/go/\\evil.example", "/go/a\r\nb"}, []string{"/go/a/b", "/go", "/go/"}},
		{"/go/*", "/:splat/x", []string{"/go", "/go//evil.example"}, []string{"/go/a"}},
		{"/u/:id", "/:id.html", []string{"/u/\\evil.example"}, []string{"/u/ada"}},
		{"/n/*", "/news/:splat", []string{"/n/a\nb"}, []string{"/n//x"}},
	} {
		re := regexp.MustCompile(parseSource(tc.source).regex(true, tc.to))
		for _, p := range tc.bad {
			if re.MatchString(p) {
				t.Errorf("%s -> %s: %q matches %s", tc.source, tc.to, p, re)
			}
		}
		for _, p := range tc.good {
			if !re.MatchString(p) {
				t.Errorf("%s -> %s: %q does not match %s", tc.source, tc.to, p, re)
			}
		}
	}
}

// TestExportFlattensChainsThroughAbsoluteTargets: a target that is a full
// URL for a host with rules of its own leads on as the engine follows it,
// whatever the case of its scheme and host.
func TestExportFlattensChainsThroughAbsoluteTargets(t *testing.T) {
	for _, to := range []string{"https://old.example.com/b", "HTTPS://Old.Example.com/b", "Https://old.example.com:443/b"} {
		set := &rules.Set{File: "redirects.json", Rules: []rules.Rule{
			{Source: "/a", To: to, Status: 301, Index: 0},
			{Source: "https://old.example.com/b", To: "/c", Status: 302, Index: 1},
			{Source: "https://old.example.com/*", To: "https://example.com/:splat", Status: 301, Index: 2},
		}}
		tab := compileTable(t, set)
		want := tab.Resolve("example.com", "/a", "")
		out, _ := ExportNginx(set, ExportOptions{Table: tab})
		line := fmt.Sprintf("location = \"/a\" {\n\treturn %d \"%s$signpost_q\";", want.Status, want.Location)
		if !strings.Contains(string(out), line) {
			t.Errorf("to %s: the engine answers %d %s; the export lacks %q:\n%s", to, want.Status, want.Location, line, out)
		}
	}
}

// TestExportHostKeysInAnyCase: a key whose scheme or host is not in lower
// case is for that host, as the engine reads it, and is exported so.
func TestExportHostKeysInAnyCase(t *testing.T) {
	set := &rules.Set{File: "redirects.json", Rules: []rules.Rule{
		{Source: "HTTPS://Old.Example.com/x", To: "/y", Status: 301, Index: 0},
		{Source: "Http://Legacy.Example.com:8080/old/*", To: "/z/:splat", Status: 301, Index: 1},
	}}
	tab := compileTable(t, set)
	for _, u := range []string{"old.example.com/x", "legacy.example.com/old/x"} {
		host, path, _ := strings.Cut(u, "/")
		if d := tab.Resolve(host, "/"+path, ""); !d.Match {
			t.Fatalf("the engine does not redirect %s", u)
		}
	}
	out, probs := ExportNginx(set, ExportOptions{Table: tab})
	if HasErrors(probs) {
		t.Fatalf("problems: %v", probs)
	}
	for _, want := range []string{
		`if ($signpost_hostpath ~ "^old\\.example\\.com/x/?$") {`,
		`if ($signpost_hostpath ~ "^legacy\\.example\\.com/old(?:/`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the export lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "location") {
		t.Errorf("a host's rule is exported for every host:\n%s", out)
	}
}

// TestExportS3ProtocolInLowerCase: S3 takes only "http" or "https" as a
// redirect's Protocol, whatever the case the target's scheme is written in.
func TestExportS3ProtocolInLowerCase(t *testing.T) {
	set := &rules.Set{File: "redirects.json", Rules: []rules.Rule{
		{Source: "/a/*", To: "HTTPS://Example.com:8443/new/:splat", Status: 301, Index: 0},
	}}
	out, probs := ExportS3RoutingRules(set, ExportOptions{})
	if HasErrors(probs) {
		t.Fatalf("problems: %v", probs)
	}
	for _, want := range []string{"<Protocol>https</Protocol>", "<HostName>Example.com:8443</HostName>", "<ReplaceKeyPrefixWith>new/</ReplaceKeyPrefixWith>"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the export lacks %s:\n%s", want, out)
		}
	}
}

// TestExportReadsHostsAsTheEngine: an IPv6 literal with a port and a host
// with a final dot name the host the engine keys them under, in a source
// and in a target that leads into another rule.
func TestExportReadsHostsAsTheEngine(t *testing.T) {
	for _, c := range []struct{ key, to, hostRe string }{
		{"https://[::1]/b", "https://[::1]:8080/b", `^\\[::1\\]/b/?$`},
		{"https://old.example.com./b", "https://old.example.com/b", `^old\\.example\\.com/b/?$`},
		{"https://old.example.com/b", "https://Old.Example.com./b", `^old\\.example\\.com/b/?$`},
	} {
		set := &rules.Set{File: "redirects.json", Rules: []rules.Rule{
			{Source: "/a", To: c.to, Status: 301, Index: 0},
			{Source: c.key, To: "/c", Status: 302, Index: 1},
		}}
		tab := compileTable(t, set)
		want := tab.Resolve("example.com", "/a", "")
		if want.Hops != 2 {
			t.Fatalf("%s: the engine does not follow %s into %s: %+v", c.key, c.to, c.key, want)
		}
		out, probs := ExportNginx(set, ExportOptions{Table: tab})
		if HasErrors(probs) {
			t.Fatalf("problems: %v", probs)
		}
		for _, line := range []string{
			fmt.Sprintf("location = \"/a\" {\n\treturn %d \"%s$signpost_q\";", want.Status, want.Location),
			fmt.Sprintf("if ($signpost_hostpath ~ \"%s\") {", c.hostRe),
		} {
			if !strings.Contains(string(out), line) {
				t.Errorf("%s to %s: the engine answers %d %s; the export lacks %q:\n%s", c.key, c.to, want.Status, want.Location, line, out)
			}
		}
	}
}
